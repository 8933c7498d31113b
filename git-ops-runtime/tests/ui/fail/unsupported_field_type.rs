use git_ops_runtime::SliceObject;
use std::collections::HashSet;

#[derive(SliceObject)]
struct Host {
    #[slice(key)]
    name: String,
    tags: HashSet<String>,
    nested: Option<Option<String>>,
    pair: (String, i64),
}

fn main() {}
