//! Store `disk`: directories and documents told apart by `kind`, a
//! discriminated union (spec §9.6 c).

use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};

fn default_mode() -> String {
    "644".to_owned()
}

/// Shared fields of documents and directories.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct Entry {
    /// Name of the entry, unique inside its directory.
    #[slice(key)]
    pub name: String,
    #[allow(missing_docs)] // no description, as in the reference example
    #[serde(default = "default_mode")]
    pub mode: String,
}

/// A document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct Doc {
    /// The name and mode.
    #[slice(base)]
    #[serde(flatten)]
    pub entry: Entry,
    /// Body of the document.
    #[serde(default)]
    pub text: String,
}

/// A directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct Dir {
    /// The name and mode.
    #[slice(base)]
    #[serde(flatten)]
    pub entry: Entry,
    /// Entries inside the directory.
    #[serde(default)]
    pub items: Vec<DirItem>,
}

/// Base entity for the members of the DirItem discriminated union.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum DirItem {
    /// `kind: dir`.
    Dir(Dir),
    /// `kind: doc`.
    Doc(Doc),
}

/// A mounted volume, root of the slice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Slice)]
#[slice(store = "disk", keys(mount, name))]
pub struct Volume {
    /// The directory at the mount point.
    #[slice(base)]
    #[serde(flatten)]
    pub dir: Dir,
    /// Mount point.
    pub mount: String,
}
