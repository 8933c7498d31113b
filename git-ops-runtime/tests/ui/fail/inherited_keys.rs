use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct Named {
    #[slice(key)]
    name: String,
    #[slice(model_only)]
    note: Option<String>,
    parent: Option<Box<Named>>,
}

#[derive(Serialize, Deserialize, SliceObject)]
#[slice(keys(name, nmae, note, parent))]
struct Leaf {
    #[slice(base)]
    #[serde(flatten)]
    base: Named,
    size: u64,
}

fn main() {}
