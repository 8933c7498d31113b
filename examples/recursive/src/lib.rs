//! # The `recursive` example: embedded objects all the way down
//!
//! A slice of store `recursive` holds embedded objects in the three ways a
//! field can hold them (one required, one optional, a list), and every
//! embedded object holds a list of its own kind: recursion.
//!
//! ```yaml
//! # files/recursive/first.yaml
//! name: first
//! embedded_required:
//!   name: required
//!   recursive_slice:
//!     - name: child
//! embedded_sequence:
//!   - name: a
//! ```
//!
//! Both the root and the embedded type extend `NamedSlice`, which carries the
//! key. `unique_id` is allocated by `git-ops project update`: unique in the
//! store for roots, unique among the items of one list for embedded objects.

use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};

/// Anything with a name and a description.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct NamedSlice {
    /// Name, unique among siblings.
    #[slice(key)]
    pub name: String,
    /// Free text for humans.
    pub description: Option<String>,
}

/// The root of a slice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Slice)]
#[slice(store = "recursive")]
pub struct RecursiveSlice {
    /// Name and description.
    #[slice(base)]
    #[serde(flatten)]
    pub named: NamedSlice,
    /// An identifier unique in the store.
    #[slice(unique_integer(scope = "store"))]
    pub unique_id: Option<i64>,
    /// Always present.
    pub embedded_required: EmbeddedSlice,
    /// Present or `null`.
    pub embedded_optional: Option<EmbeddedSlice>,
    /// Any number of them, keyed by name.
    #[serde(default)]
    pub embedded_sequence: Vec<EmbeddedSlice>,
}

/// An object embedded in a slice, holding more of its kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct EmbeddedSlice {
    /// Name and description.
    #[slice(base)]
    #[serde(flatten)]
    pub named: NamedSlice,
    /// An identifier unique among the items of the same list.
    #[slice(unique_integer(scope = "siblings"))]
    pub unique_id: Option<i64>,
    /// Children, keyed by name.
    #[serde(default)]
    pub recursive_slice: Vec<EmbeddedSlice>,
}
