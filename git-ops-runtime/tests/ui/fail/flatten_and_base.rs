use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize, SliceObject)]
struct Named {
    #[slice(key)]
    name: String,
}

#[derive(Serialize, Deserialize, SliceObject)]
struct Problems {
    #[serde(flatten)]
    extra: BTreeMap<String, String>,
    #[slice(base)]
    named: Named,
    size: u64,
    #[slice(base, key)]
    #[serde(flatten, default)]
    late: Named,
    #[slice(model_only)]
    #[serde(skip)]
    cache: u64,
}

// A base whose type is not a slice struct: checked from the type.
#[derive(Serialize, Deserialize, SliceObject)]
struct WrongBase {
    #[slice(base)]
    #[serde(flatten)]
    extra: BTreeMap<String, String>,
}

// A union cannot be a base either.
#[derive(Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind")]
enum Either {
    Named(Named),
}

#[derive(Serialize, Deserialize, SliceObject)]
struct UnionBase {
    #[slice(base)]
    #[serde(flatten)]
    either: Either,
}

fn main() {}
