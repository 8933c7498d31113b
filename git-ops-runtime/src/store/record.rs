//! What a slice looks like to the model and to `slice list` / `slice
//! inspect` (spec §4.1, §6.7), and the attribute lookups of §6.8.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dictpath::{DictPath, LookupError};

/// One slice as the model sees it (spec §4.1), serialised with its keys in
/// the reference's order: `name`, `store_name`, `version`, `attributes`,
/// `deleted`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceRecord {
    /// The slice name (the file stem).
    pub name: String,
    /// The store name.
    pub store_name: String,
    /// The version of the slice in this view (spec §3).
    pub version: u64,
    /// The merged view: every object with `operation` and `path`, the root
    /// with `version`, `slice_store` and `slice_name`.
    pub attributes: Value,
    /// Whether the current version is a tombstone (then every element of
    /// `attributes` is `delete`).
    pub deleted: bool,
}

/// One line of `slice list` (spec §6.7): the record without its attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SliceSummary {
    /// The slice name.
    pub name: String,
    /// The store name.
    pub store_name: String,
    /// The version of the slice in this view.
    pub version: u64,
    /// Whether the current version is a tombstone.
    pub deleted: bool,
}

impl From<&SliceRecord> for SliceSummary {
    fn from(record: &SliceRecord) -> Self {
        SliceSummary {
            name: record.name.clone(),
            store_name: record.store_name.clone(),
            version: record.version,
            deleted: record.deleted,
        }
    }
}

/// The view of one slice: its record and its folded previous versions.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceView {
    /// The record the model sees.
    pub record: SliceRecord,
    /// The previous versions of the slice folded into one document (spec
    /// §4.3), in view form: every element carries the `operation` it got in
    /// the fold (`delete` for an element absent from the newest previous
    /// version), no `path`; the root carries the version of the newest
    /// previous version and the store and slice names. `None` when the slice
    /// has no previous version with content.
    pub previous: Option<Value>,
}

/// Why a lookup in the previous versions failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviousLookupError {
    /// The slice has no previous version.
    #[error("slice `{0}` has no previous version")]
    NoPrevious(String),
    /// The path does not designate a value of the previous versions.
    #[error(transparent)]
    Lookup(#[from] LookupError),
}

impl SliceView {
    /// The value at `path` in the merged view (`.` is the whole root).
    ///
    /// # Errors
    ///
    /// The lookup error: missing key, no or several matching items, a
    /// section of the wrong kind.
    pub fn try_attribute(&self, path: &DictPath) -> Result<&Value, LookupError> {
        path.get(&self.record.attributes)
    }

    /// The value at `path` in the merged view, `None` when the path does not
    /// designate one (spec §6.8: any lookup failure gives the default).
    pub fn attribute(&self, path: &DictPath) -> Option<&Value> {
        self.try_attribute(path).ok()
    }

    /// The value at `path` in the folded previous versions.
    ///
    /// # Errors
    ///
    /// No previous version, or the lookup error.
    pub fn try_previous_attribute(&self, path: &DictPath) -> Result<&Value, PreviousLookupError> {
        let previous = self
            .previous
            .as_ref()
            .ok_or_else(|| PreviousLookupError::NoPrevious(self.record.name.clone()))?;
        Ok(path.get(previous)?)
    }

    /// The value at `path` in the folded previous versions, `None` when there
    /// is no previous version or the path designates nothing (spec §6.8).
    pub fn previous_attribute(&self, path: &DictPath) -> Option<&Value> {
        self.try_previous_attribute(path).ok()
    }
}
