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
use super::listing::StoreListing;
use super::reader::Store;
use super::slice::LoadedSlice;
use crate::dictpath::python_str;
use crate::format::Position;
use crate::format::locate::{RawPathSegment, locate, snippet};

/// The root key values of one slice, and the file they come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RootKeys {
    /// The file holding the values (shown form): the source file, or for a
    /// deleted slice its newest active version with content.
    pub(crate) file: String,
    /// The values, in key order.
    pub(crate) values: Vec<Value>,
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
    let with_content = slice.source().filter(|f| f.document.is_some());
    let file = match (record.deleted, with_content) {
        (false, Some(source)) => Some(source),
        // The current version (active view) or, deleted, the newest
        // version with content: where the view's values come from.
        _ => slice.active().iter().rev().find(|f| f.document.is_some()),
    };
    let Some(file) = file else {
        return Ok(None);
    };
    Ok(Some(RootKeys {
        file: file.file.shown.clone(),
        values: keys
            .iter()
            .map(|key| record.attributes.get(key).cloned().unwrap_or(Value::Null))
            .collect(),
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
    let mut by_values: HashMap<String, Vec<(&str, &RootKeys)>> = HashMap::new();
    for (name, keys) in slices {
        let text = serde_json::to_string(&keys.values).expect("values serialise");
        by_values.entry(text).or_default().push((name, keys));
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
        let first_at = locate_key(files, listing, first_name, first, &names[0]);
        for &(name, keys) in &group[1..] {
            let (position, snippet) = locate_key(files, listing, name, keys, &names[0])
                .map_or((None, None), |(p, s)| (Some(p), Some(s)));
            errors.push(StoreError {
                file: keys.file.clone().into(),
                position,
                dict_path: Some(names[0].clone()),
                snippet,
                kind: StoreErrorKind::DuplicateRootKeys {
                    keys: identity_text(names, &keys.values),
                    entity: store.schema().root.name().to_owned(),
                    other_slice: first_name.to_owned(),
                    other: PathBuf::from(&first.file),
                    other_position: first_at.as_ref().map(|(p, _)| *p),
                    other_deleted: first.deleted,
                },
            });
        }
    }
    errors
}

/// `vid=10`, `mount=/data, name=data`.
fn identity_text(names: &[String], values: &[Value]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(name, value)| format!("{name}={}", python_str(value)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the value of key `key` is in the file of `keys`, with its
/// snippet; `None` when the file cannot be read or the key is not written
/// (a default).
fn locate_key(
    files: &dyn StoreFiles,
    listing: &StoreListing,
    name: &str,
    keys: &RootKeys,
    key: &str,
) -> Option<(Position, String)> {
    let slice = listing.get(name)?;
    let file = slice
        .source
        .iter()
        .chain(&slice.active)
        .find(|f| f.shown == keys.file)?;
    let bytes = files.read(&file.path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let location = locate(&text, file.format, &[RawPathSegment::Key(key.to_owned())])?;
    Some((location.value, snippet(&text, location.value)))
}
