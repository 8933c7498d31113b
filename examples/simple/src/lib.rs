//! # The `simple` example: one flat slice
//!
//! A slice of store `simple` is one flat object: no embedded objects, every
//! kind of primitive field the derive supports, with and without defaults.
//!
//! ```yaml
//! # files/simple/first.yaml
//! name: first
//! some_number: 1.5
//! some_list: [a, b]
//! ```
//!
//! The first seven fields are the flat example of the reference module (its
//! scaffold is `{name, description: null, unique_id: null, some_number: 0.0,
//! some_flag: false, some_list: [], some_dict: {}}`); the fields after them
//! cover the remaining kinds: a string enum, a bounded integer, a typed map, a
//! free JSON value and a nested list.

use std::collections::BTreeMap;

use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};

/// How urgently changes to a slice are rolled out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, SliceObject)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// In the next maintenance window.
    Low,
    /// As soon as the slice is synced.
    #[default]
    Normal,
    /// Page someone.
    RightNow,
}

/// A flat slice: a name and a handful of values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Slice)]
#[slice(store = "simple")]
pub struct SimpleSlice {
    /// Name of the slice object, unique in the store.
    #[slice(key)]
    pub name: String,
    /// Free text for humans.
    pub description: Option<String>,
    /// An identifier allocated by `git-ops project update`, unique in the
    /// store.
    #[slice(unique_integer(start = 0, stop = 1000, scope = "store"))]
    pub unique_id: Option<i64>,
    /// A number.
    #[serde(default)]
    pub some_number: f64,
    /// A flag.
    #[serde(default)]
    pub some_flag: bool,
    /// A list of strings.
    #[serde(default)]
    pub some_list: Vec<String>,
    /// Any mapping.
    #[serde(default)]
    pub some_dict: serde_json::Map<String, serde_json::Value>,
    /// A string enum, `normal` unless set.
    #[serde(default)]
    pub priority: Priority,
    /// A VLAN tag, if any: 1 to 4094.
    #[slice(range(min = 1, max = 4094))]
    pub vlan: Option<u16>,
    /// Integer labels by name.
    #[serde(default)]
    pub counters: BTreeMap<String, i64>,
    /// Anything at all, `null` unless set.
    #[serde(default)]
    pub anything: serde_json::Value,
    /// A matrix of floats.
    #[serde(default)]
    pub matrix: Vec<Vec<f64>>,
}
