//! One identity per slice: no two slices of a store may have the same root
//! key values (`docs/store-semantics.md`, "Root keys").
//!
//! The generated model indexes a store's root entity on its keys
//! (`index Vlan(vid)`), and the export compile creates one root object per
//! record of the view, deleted slices included until a prune. Two records
//! with the same key values make that compile fail on an index collision,
//! after the sync has written them. So `update` and `sync` (and `check`,
//! through its dry run) refuse them first, naming both files.
//!
//! The keys of a slice are those of its record in the source view: the
//! current version's for a slice with content, the last values of a
//! deleted slice (still a record until a prune). A key value held only by
//! an older version of a slice is not in the view and does not count. The
//! change cache keeps the keys of every slice it skips, so the check sees
//! every slice of the store, in one pass.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{StoreError, StoreErrorKind, StoreErrors};
use super::files::StoreFiles;
use super::listing::{StoreFile, StoreListing};
use super::reader::Store;
use super::slice::LoadedSlice;
use crate::dictpath::python_str;
use crate::format::Position;
use crate::format::locate::{RawPathSegment, locate, snippet};

/// The root key values of one slice, and the file they come from. Kept
/// small: the change cache holds one per slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RootKeys {
    /// The values in key order, as compact JSON (`[20]`): equal texts are
    /// equal values (normalised documents hold each key in one type).
    pub(crate) values: String,
    /// The file holding the values (shown form) when it is not the source
    /// file: for a deleted slice its newest active version with content,
    /// in the active view the current version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) file: Option<String>,
    /// The slice is deleted: its record stays in the views until a prune.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) deleted: bool,
}

/// The root keys of `slice` in its view; `None` when the store's root has
/// no keys or the slice does not appear.
///
/// # Errors
///
/// When the view cannot be built.
pub(crate) fn root_keys(slice: &LoadedSlice<'_>) -> Result<Option<RootKeys>, StoreErrors> {
    let keys = &slice.store().schema().root_entity().resolved_keys;
    if keys.is_empty() {
        return Ok(None);
    }
    let Some(view) = slice.view()? else {
        return Ok(None);
    };
    let record = &view.record;
    let from_source = !record.deleted && slice.source().is_some_and(|f| f.document.is_some());
    let file = if from_source {
        None
    } else {
        // The current version (active view) or, deleted, the newest
        // version with content: where the view's values come from.
        let Some(file) = slice.active().iter().rev().find(|f| f.document.is_some()) else {
            return Ok(None);
        };
        Some(file.file.shown.clone())
    };
    let values: Vec<&Value> = keys
        .iter()
        .map(|key| record.attributes.get(key).unwrap_or(&Value::Null))
        .collect();
    Ok(Some(RootKeys {
        values: serde_json::to_string(&values).expect("values serialise"),
        file,
        deleted: record.deleted,
    }))
}

/// Refuses every slice whose root keys are those of another slice of the
/// store: one problem per such slice, at its file, naming the other.
/// `slices` are `(name, keys)`; `files` and `listing` locate the values on
/// the error path.
pub(crate) fn duplicate_root_keys<'k>(
    store: &Store,
    files: &dyn StoreFiles,
    listing: &StoreListing,
    slices: impl IntoIterator<Item = (&'k str, &'k RootKeys)>,
) -> Vec<StoreError> {
    let mut by_values: HashMap<&str, Vec<(&str, &RootKeys)>> = HashMap::new();
    for (name, keys) in slices {
        by_values
            .entry(&keys.values)
            .or_default()
            .push((name, keys));
    }
    let names = &store.schema().root_entity().resolved_keys;
    let mut errors = Vec::new();
    for (_, mut group) in by_values {
        if group.len() < 2 {
            continue;
        }
        // The first deleted slice, else the first by name, is the one the
        // others are reported against: the slice to change is a live one.
        group.sort_by(|a, b| b.1.deleted.cmp(&a.1.deleted).then(a.0.cmp(b.0)));
        let (first_name, first) = group[0];
        let Some(first_file) = file_of(listing, first_name, first) else {
            continue;
        };
        let first_at = locate_key(files, first_file, &names[0]);
        for &(name, keys) in &group[1..] {
            let Some(file) = file_of(listing, name, keys) else {
                continue;
            };
            let (position, snippet) = locate_key(files, file, &names[0])
                .map_or((None, None), |(p, s)| (Some(p), Some(s)));
            errors.push(StoreError {
                file: file.shown.clone().into(),
                position,
                dict_path: Some(names[0].clone()),
                snippet,
                kind: StoreErrorKind::DuplicateRootKeys {
                    keys: identity_text(names, &keys.values),
                    entity: store.schema().root.name().to_owned(),
                    other_slice: first_name.to_owned(),
                    other: PathBuf::from(&first_file.shown),
                    other_position: first_at.as_ref().map(|(p, _)| *p),
                    other_deleted: first.deleted,
                },
            });
        }
    }
    errors
}

/// `vid=10`, `mount=/data, name=data`, from the values' JSON text.
fn identity_text(names: &[String], values: &str) -> String {
    let values: Vec<Value> = serde_json::from_str(values).unwrap_or_default();
    names
        .iter()
        .zip(&values)
        .map(|(name, value)| format!("{name}={}", python_str(value)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The file of slice `name` holding its `keys`.
fn file_of<'l>(listing: &'l StoreListing, name: &str, keys: &RootKeys) -> Option<&'l StoreFile> {
    let slice = listing.get(name)?;
    match &keys.file {
        None => slice.source.as_ref(),
        Some(shown) => slice.active.iter().find(|f| f.shown == *shown),
    }
}

/// Where the value of key `key` is in `file`, with its snippet; `None`
/// when the file cannot be read or the key is not written (a default).
fn locate_key(files: &dyn StoreFiles, file: &StoreFile, key: &str) -> Option<(Position, String)> {
    let bytes = files.read(&file.path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let location = locate(&text, file.format, &[RawPathSegment::Key(key.to_owned())])?;
    Some((location.value, snippet(&text, location.value)))
}
