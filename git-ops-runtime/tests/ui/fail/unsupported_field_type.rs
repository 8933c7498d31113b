use git_ops_runtime::SliceObject;
use std::collections::HashSet;

#[derive(SliceObject)]
struct Host {
    #[slice(key)]
    name: String,
    tags: HashSet<String>,
    nested: Option<Option<String>>,
    pair: (String, i64),
    // Slice files hold integers of at most 64 bits.
    big: i128,
    count: std::num::NonZeroU8,
}

fn main() {}
