use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct File {
    #[slice(key)]
    name: String,
    // Never in slice files, and no way to fill it in when reading one.
    #[slice(model_only)]
    checksum: String,
    // Fine: an `Option` reads as `None`.
    #[slice(model_only)]
    previous: Option<String>,
    // Written files may lack it, and reading them back would fail.
    #[serde(skip_serializing_if = "String::is_empty")]
    owner: String,
}

fn main() {}
