//! Range and processor problems that only the field's type reveals.
use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct Vlan {
    #[slice(key, range(min = 1, max = 4094))]
    name: String,
    #[slice(range(min = 0.5))]
    vid: u16,
    #[slice(range(min = 300))]
    small: u8,
    #[slice(unique_integer)]
    weight: Option<f64>,
    #[slice(unique_integer(start = 0, stop = 1000))]
    tiny: Option<u8>,
    #[slice(unique_integer)]
    tags: Vec<i64>,
}

fn main() {}
