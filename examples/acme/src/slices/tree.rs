//! Store `tree`: a recursive tree (spec §9.6 b). As in the reference example,
//! the fields have no descriptions.
#![allow(missing_docs)]

use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};

/// Common part of every node of the tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct Node {
    #[slice(key)]
    pub label: String,
    pub note: Option<String>,
}

/// A branch, which can carry more branches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct Branch {
    #[slice(base)]
    #[serde(flatten)]
    pub node: Node,
    pub weight: Option<i64>,
    #[serde(default)]
    pub children: Vec<Branch>,
}

/// The root of a tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Slice)]
#[slice(store = "tree")]
pub struct Tree {
    #[slice(base)]
    #[serde(flatten)]
    pub node: Node,
    pub owner: Option<String>,
    pub trunk: Branch,
    pub spare: Option<Branch>,
    #[serde(default)]
    pub branches: Vec<Branch>,
}
