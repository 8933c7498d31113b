//! A broken type used elsewhere as a base, a field and a union member: only
//! its own error is reported, the stubs keep the rest quiet.
use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct Named {
    #[slice(kee)]
    name: String,
}

#[derive(Serialize, Deserialize, SliceObject)]
#[slice(keys(name))]
struct Leaf {
    #[slice(base)]
    #[serde(flatten)]
    named: Named,
}

#[derive(Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind")]
enum Item {
    Named(Named),
    Leaf(Leaf),
}

#[derive(Serialize, Deserialize, Slice)]
#[slice(store = "tree")]
struct Tree {
    #[slice(key)]
    id: String,
    items: Vec<Item>,
    first: Option<Named>,
}

fn main() {
    let _ = <Tree as git_ops_runtime::Slice>::STORE;
}
