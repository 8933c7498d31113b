use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Slice)]
struct NoStore {
    #[slice(key)]
    name: String,
}

#[derive(Serialize, Deserialize, Slice)]
#[slice(store = "../etc", source = "/srv/files/")]
struct BadNames {
    #[slice(key)]
    name: String,
}

#[derive(Serialize, Deserialize, SliceObject)]
#[slice(store = "vlan")]
struct NotARoot {
    #[slice(key)]
    name: String,
}

#[derive(Serialize, Deserialize, Slice)]
#[serde(tag = "kind")]
enum EnumRoot {
    A(NotARoot),
}

fn main() {}
