//! # The `fs` example: a file system tree
//!
//! One slice of store `fs` describes a folder tree rooted at a path: folders
//! hold files and folders, told apart by their `type` (a discriminated union).
//!
//! ```yaml
//! # files/fs/etc.yaml
//! root: /srv
//! name: etc
//! content:
//!   - type: file
//!     name: motd
//!     content: "Welcome\n"
//!   - type: folder
//!     name: nginx
//!     permissions: "750"
//! ```
//!
//! It shows inheritance (`File`, `Folder` and `RootFolder` extend
//! `PathBase`), a union of slice objects (`FolderContent`), recursion through
//! the union, a root extending an embedded type with keys that name an
//! inherited field (`keys(root, name)`) and a model-only field
//! (`File::previous_content`).

use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};

fn default_permissions() -> String {
    "770".to_owned()
}

/// What files and folders have in common.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct PathBase {
    /// Name of the file or folder, unique in its folder.
    #[slice(key)]
    pub name: String,
    /// Permissions, in octal notation.
    #[serde(default = "default_permissions")]
    pub permissions: String,
    /// Owning user, if it must be set.
    pub owner: Option<String>,
    /// Owning group, if it must be set.
    pub group: Option<String>,
}

/// A file and its content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct File {
    /// Name, permissions and ownership.
    #[slice(base)]
    #[serde(flatten)]
    pub path: PathBase,
    /// Content of the file.
    #[serde(default)]
    pub content: String,
    /// Content of the file in the previous active version of the slice
    /// (filled in by the model, never written to slice files).
    #[slice(model_only)]
    pub previous_content: Option<String>,
}

/// A folder and what it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct Folder {
    /// Name, permissions and ownership.
    #[slice(base)]
    #[serde(flatten)]
    pub path: PathBase,
    /// Files and folders inside this folder.
    #[serde(default)]
    pub content: Vec<FolderContent>,
}

/// An entry of a folder: a file or a folder, told apart by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FolderContent {
    /// `type: file`.
    File(File),
    /// `type: folder`.
    Folder(Folder),
}

/// The top folder of a slice, placed at `root`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Slice)]
#[slice(store = "fs", keys(root, name))]
pub struct RootFolder {
    /// The folder itself.
    #[slice(base)]
    #[serde(flatten)]
    pub folder: Folder,
    /// Path of the folder holding this tree.
    pub root: String,
}
