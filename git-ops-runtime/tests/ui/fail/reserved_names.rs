use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct Entry {
    #[slice(key)]
    name: String,
    path: String,
    #[serde(rename = "version")]
    revision: u32,
    #[serde(rename = "name")]
    label: String,
}

#[derive(Serialize, Deserialize, SliceObject)]
#[serde(tag = "operation")]
enum Op {
    Entry(Entry),
}

fn main() {}
