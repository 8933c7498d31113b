//! What an operation did, for the command line to print (table or JSON).

use serde::Serialize;
use serde_json::Value;

/// Which operation a [`Report`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// [`super::Engine::update`].
    Update,
    /// [`super::Engine::sync`].
    Sync,
    /// [`super::Engine::prune`].
    Prune,
    /// [`super::Engine::create`].
    Create,
    /// [`super::Engine::set_attribute`].
    SetAttribute,
    /// [`super::Engine::recover`].
    Recover,
}

impl Operation {
    /// The operation's name: `update`, `sync`, `prune`, `create`,
    /// `set_attribute`, `recover`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Update => "update",
            Operation::Sync => "sync",
            Operation::Prune => "prune",
            Operation::Create => "create",
            Operation::SetAttribute => "set_attribute",
            Operation::Recover => "recover",
        }
    }
}

/// What kind of file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// A source file (`files/<store>/<name>.yaml`).
    Source,
    /// An active version (`git_ops/active/<store>/<name>@v<N>.json`).
    Active,
    /// The migration state of a store (`.migrations.json`).
    MigrationState,
    /// A view file or a view index (`git_ops/views/...`).
    View,
    /// The JSON Schema file of a store (`schema_path` of the config).
    Schema,
}

/// Whether a file was written or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Created or replaced.
    Written,
    /// Deleted.
    Removed,
}

/// One file an operation wrote or removed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileChange {
    /// The file, relative to the project root with `/` separators (absolute
    /// outside the project).
    pub path: String,
    /// What kind of file.
    pub kind: FileKind,
    /// Written or removed.
    pub change: Change,
}

/// How a slice changes in the active store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SliceChangeKind {
    /// Its first version with content (after nothing, or after a tombstone).
    Created,
    /// A new version with new content.
    Updated,
    /// A tombstone.
    Deleted,
}

/// A new version of a slice: written by a sync, or waiting for one (in the
/// report of an update).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SliceChange {
    /// The slice.
    pub name: String,
    /// The new version.
    pub version: u64,
    /// Created, updated or deleted.
    pub change: SliceChangeKind,
}

/// A value a processor filled in (or changed, with refresh).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FilledValue {
    /// The slice.
    pub slice: String,
    /// The dict path of the field in the slice.
    pub path: String,
    /// The processor: `unique_integer`, `simple_value` or the name of a
    /// custom processor.
    pub processor: String,
    /// The value before (null unless refreshed).
    pub previous: Value,
    /// The value now.
    pub value: Value,
}

/// What an operation did to one store.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct StoreReport {
    /// The store.
    pub store: String,
    /// Migrations applied, in order.
    pub migrations: Vec<String>,
    /// New versions: written (sync) or pending (update).
    pub slices: Vec<SliceChange>,
    /// Values filled in by processors (update).
    pub filled: Vec<FilledValue>,
    /// Files written and removed, sorted by path.
    pub files: Vec<FileChange>,
    /// How many slices the operation read.
    pub read: usize,
    /// How many slices it skipped because the change cache knew them clean
    /// and unchanged (`docs/operations.md`).
    pub skipped: usize,
}

impl StoreReport {
    pub(crate) fn new(store: &str) -> StoreReport {
        StoreReport {
            store: store.to_owned(),
            ..StoreReport::default()
        }
    }

    /// The files of one kind that changed.
    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = &FileChange> {
        self.files.iter().filter(move |f| f.kind == kind)
    }
}

/// What a crashed operation left behind and the recovery did about it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Recovery {
    /// Whether a journal was found and replayed: the interrupted operation
    /// is now complete.
    pub replayed: bool,
    /// The operation the journal recorded (`update`, `sync`, ...), when it
    /// says (journals of older versions do not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Files the replay renamed into place or removed.
    pub files: Vec<String>,
    /// Files the operation was to write that the file system cannot hold
    /// (a name too long, in a journal of an older git-ops): their temporary
    /// files were deleted and the operation finished without them, by
    /// [`super::Engine::recover`] only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
    /// Temporary files of an operation interrupted before its commit point,
    /// removed (the operation had changed nothing).
    pub removed_temporaries: Vec<String>,
}

impl Recovery {
    /// Whether there was nothing to recover.
    pub fn is_empty(&self) -> bool {
        !self.replayed && self.removed_temporaries.is_empty()
    }
}

/// What an operation did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The operation.
    pub operation: Operation,
    /// What was recovered from an earlier, interrupted operation before this
    /// one ran.
    pub recovered: Recovery,
    /// One entry per store the operation looked at, in registration order.
    pub stores: Vec<StoreReport>,
}

impl Report {
    /// The report of store `name`.
    pub fn store(&self, name: &str) -> Option<&StoreReport> {
        self.stores.iter().find(|s| s.store == name)
    }

    /// Every file change of every store.
    pub fn files(&self) -> impl Iterator<Item = &FileChange> {
        self.stores.iter().flat_map(|s| &s.files)
    }

    /// Whether the operation changed no file.
    pub fn is_noop(&self) -> bool {
        self.files().next().is_none()
    }
}
