use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
#[slice(key, store_name = "x")]
struct Host {
    #[slice(key = true, kee, keys(name))]
    name: String,
    #[slice(model_only, model_only)]
    #[slice(unique_integer, simple_value = 3)]
    id: Option<i64>,
}

#[derive(Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind")]
enum Item {
    #[slice(key)]
    Host(Host),
    Other(#[slice(key)] Host),
}

fn main() {}
