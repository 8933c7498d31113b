//! What update, sync and prune share: whether a slice is clean, and the
//! view files to write (`docs/views.md`, "For the write side").
//!
//! Every mutating operation leaves every view file of the slices it looked
//! at fresh, of both kinds: a slice's view file is rewritten when its head
//! (format, schema fingerprint, inputs) does not match the slice's files
//! after the operation; the view files of names without files are removed;
//! the index files are written when they differ.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::cache::{Known, Stat};
use super::engine::OperationError;
use super::error::{StoreError, StoreErrorKind, StoreErrors};
use super::files::{open_regular, read_own_file};
use super::listing::StoreListing;
use super::processors::ProcessorPlan;
use super::reader::Store;
use super::report::FileKind;
use super::slice::{LoadedSlice, ViewKind};
use super::txn::{Transaction, TxnError};
use super::view::{
    self, ViewBody, ViewFileHead, ViewHead, ViewInput, view_file_path, view_folder, view_index,
};

/// Whether a loaded slice (source view, raw source kept) needs an update:
/// a source file that is not in normalised form, processor values to fill.
/// Also the file form of the source document (`None` for no source or an
/// empty file), which sync writes as the new version.
pub(crate) fn stale_reasons(
    plan: &ProcessorPlan,
    slice: &LoadedSlice<'_>,
) -> Result<(Vec<String>, Option<serde_json::Value>), OperationError> {
    let mut reasons = Vec::new();
    let Some(source) = slice.source() else {
        return Ok((reasons, None));
    };
    let Some(document) = &source.document else {
        return Ok((reasons, None)); // an empty file: a deleted slice, left alone
    };
    let file_form = slice.store().documents().for_file(document);
    if slice.raw_source() != Some(&file_form) {
        reasons.push("the file is not in normalised form".to_owned());
    }
    let missing = plan
        .missing(document)
        .map_err(|error| OperationError::Path {
            store: slice.store().name().to_owned(),
            slice: slice.name().to_owned(),
            error,
        })?;
    if !missing.is_empty() {
        reasons.push(format!("values to fill in: {}", missing.join(", ")));
    }
    Ok((reasons, Some(file_form)))
}

/// `error` as a problem of `slice` when it is about a file of the slice
/// that cannot be written ([`TxnError::Target`]): named by the slice's
/// source file (else its latest active file), so that the user knows which
/// slice to rename or which file to move. Other errors are returned as
/// they are.
pub(crate) fn for_slice(
    slice: &LoadedSlice<'_>,
    error: impl Into<OperationError>,
) -> OperationError {
    match error.into() {
        OperationError::Transaction(TxnError::Target { path, problem, .. }) => {
            let file = slice
                .source()
                .or_else(|| slice.active().last())
                .map_or_else(|| PathBuf::from(&path), |f| PathBuf::from(&f.file.shown));
            StoreErrors::from(StoreError::file(
                file,
                StoreErrorKind::Unwritable {
                    slice: slice.name().to_owned(),
                    target: path,
                    problem,
                },
            ))
            .into()
        }
        other => other,
    }
}

/// SHA-256 of bytes.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A view input for a file of `store` with these bytes' hash.
pub(crate) fn input(store: &Store, path: &Path, sha256: &[u8; 32]) -> ViewInput {
    ViewInput {
        path: store.shown(path),
        sha256: view::hex(sha256),
    }
}

/// The inputs of a loaded slice's files, as loaded: source first when
/// `with_source`, then the active files.
pub(crate) fn loaded_inputs(slice: &LoadedSlice<'_>, with_source: bool) -> Vec<ViewInput> {
    let source = if with_source { slice.source() } else { None };
    source
        .into_iter()
        .chain(slice.active())
        .filter_map(|f| {
            f.sha256.map(|sha| ViewInput {
                path: f.file.shown.clone(),
                sha256: view::hex(&sha),
            })
        })
        .collect()
}

/// How the active view of a slice relates to its source view after the
/// operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActiveView {
    /// The same record (the slice is synced, or the operation syncs it).
    SameAsSource,
    /// The same record, and the operation writes the slice's new version:
    /// both view files list it among their inputs, so neither can be fresh
    /// (their freshness is not checked).
    NewVersion,
    /// Computed from the active files (the source has unsynced changes).
    Own,
}

/// How a slice's new version changes it.
pub(crate) fn change_kind(slice: &LoadedSlice<'_>) -> Option<super::report::SliceChange> {
    use super::report::{SliceChange, SliceChangeKind};
    let current = slice.current().filter(|c| c.is_new)?;
    let latest_has_content = slice.active().last().is_some_and(|f| f.document.is_some());
    Some(SliceChange {
        name: slice.name().to_owned(),
        version: current.version,
        change: match (current.document.is_some(), latest_has_content) {
            (false, _) => SliceChangeKind::Deleted,
            (true, true) => SliceChangeKind::Updated,
            (true, false) => SliceChangeKind::Created,
        },
    })
}

/// Stages the view files of one slice, after the operation: `source_inputs`
/// and `active_inputs` are the slice's files then; `slice` holds the source
/// view then. Returns the view files with how they are known, for the cache.
pub(crate) fn stage_views(
    txn: &Transaction,
    slice: &LoadedSlice<'_>,
    source_inputs: &[ViewInput],
    active_inputs: &[ViewInput],
    active: ActiveView,
) -> Result<Vec<(PathBuf, Known)>, OperationError> {
    let store = slice.store();
    let root = store.project_root();
    let name = slice.name();
    let mut out = Vec::with_capacity(2);
    let mut source_body: Option<ViewBody> = None;
    let source_path = view_file_path(root, store.name(), ViewKind::Source, name);
    let head = ViewHead::new(
        store.name(),
        store.schema_fingerprint(),
        ViewKind::Source,
        name,
        source_inputs,
    );
    let may_be_fresh = active != ActiveView::NewVersion;
    let (fresh, stat) = if may_be_fresh {
        is_fresh(store, &source_path, &head, source_inputs)?
    } else {
        (false, None)
    };
    if fresh {
        out.push((source_path, Known::Read(stat)));
    } else {
        let body = ViewBody::new(slice.view()?);
        let file = head.file(store, ViewKind::Source, name, &body);
        txn.stage_write(&source_path, FileKind::View, file.content.as_bytes())?;
        source_body = Some(body);
        out.push((source_path, Known::Written));
    }
    let active_path = view_file_path(root, store.name(), ViewKind::Active, name);
    if active_inputs.is_empty() {
        if active_path.exists() {
            txn.stage_remove(&active_path, FileKind::View)?;
        }
        return Ok(out);
    }
    let head = ViewHead::new(
        store.name(),
        store.schema_fingerprint(),
        ViewKind::Active,
        name,
        active_inputs,
    );
    let (fresh, stat) = if may_be_fresh {
        is_fresh(store, &active_path, &head, active_inputs)?
    } else {
        (false, None)
    };
    if fresh {
        out.push((active_path, Known::Read(stat)));
        return Ok(out);
    }
    let body = match (active, source_body) {
        (ActiveView::SameAsSource | ActiveView::NewVersion, Some(body)) => body,
        (ActiveView::SameAsSource | ActiveView::NewVersion, None) => ViewBody::new(slice.view()?),
        (ActiveView::Own, _) => ViewBody::new(slice.active_variant()?.view()?),
    };
    let file = head.file(store, ViewKind::Active, name, &body);
    txn.stage_write(&active_path, FileKind::View, file.content.as_bytes())?;
    out.push((active_path, Known::Written));
    Ok(out)
}

/// Whether the view file at `path` is fresh for `inputs` and the store's
/// schema, with its identity taken before reading it.
///
/// A view file git-ops wrote for these inputs starts with the bytes of
/// `head` (the fast path: a few hundred bytes read and compared); any other
/// file is read and its head parsed, and is fresh when its format, schema
/// and inputs match (`docs/views.md`).
fn is_fresh(
    store: &Store,
    path: &Path,
    head: &ViewHead,
    inputs: &[ViewInput],
) -> Result<(bool, Option<Stat>), OperationError> {
    use std::io::Read as _;
    let io = |source| OperationError::Io {
        action: "read the view file",
        path: store.shown(path),
        source,
    };
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok((false, None)),
        Err(source) => return Err(io(source)),
    };
    if !metadata.is_file() {
        // Not fresh; staging the view file then says what is in the way.
        return Ok((false, None));
    }
    // A view file is git-ops' own: no racy margin (see `cache`).
    let stat = Stat::of_metadata(&metadata);
    // Not through a link, not blocking on a named pipe put there since:
    // anything but a regular file is stale, and replaced by the view
    // git-ops writes.
    let mut file = match open_regular(path, false) {
        Ok((file, _)) => file,
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::InvalidInput
            ) =>
        {
            return Ok((false, stat));
        }
        Err(source) => return Err(io(source)),
    };
    let mut prefix = Vec::with_capacity(head.prefix_len());
    (&mut file)
        .take(head.prefix_len() as u64)
        .read_to_end(&mut prefix)
        .map_err(io)?;
    if head.matches(&prefix) {
        return Ok((true, stat));
    }
    // Written otherwise (another layout, or other inputs): the head as
    // written, parsed. It ends before `record`, within a few hundred bytes
    // per input when git-ops wrote it.
    (&mut file)
        .take((512 + 256 * inputs.len() as u64).saturating_sub(prefix.len() as u64))
        .read_to_end(&mut prefix)
        .map_err(io)?;
    let parsed = match view::parse_head_prefix(&prefix) {
        Some(parsed) => parsed,
        None => {
            file.read_to_end(&mut prefix).map_err(io)?;
            match ViewFileHead::parse(&prefix) {
                Ok(parsed) => parsed,
                Err(_) => return Ok((false, stat)),
            }
        }
    };
    Ok((parsed.is_fresh(store, inputs), stat))
}

/// Stages the removal of view files whose slice has no file left (per
/// kind), and the index files that differ.
pub(crate) fn stage_store_views(
    txn: &Transaction,
    store: &Store,
    listing: &StoreListing,
) -> Result<(), OperationError> {
    let root = store.project_root();
    for kind in [ViewKind::Source, ViewKind::Active] {
        let folder = view_folder(root, store.name(), kind);
        let wanted: BTreeSet<&str> = listing
            .slices()
            .iter()
            .filter(|s| kind == ViewKind::Source || !s.active.is_empty())
            .map(|s| s.name.as_str())
            .collect();
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => Some(entries),
            Err(error) if error.kind() == io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(OperationError::Io {
                    action: "list the folder",
                    path: store.shown(&folder),
                    source,
                });
            }
        };
        for entry in entries.into_iter().flatten() {
            let entry = entry.map_err(|source| OperationError::Io {
                action: "list the folder",
                path: store.shown(&folder),
                source,
            })?;
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            if file_name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            if let Some(name) = file_name.strip_suffix(".json")
                && !wanted.contains(name)
                && !txn.is_staged(&path)
            {
                txn.stage_remove(&path, FileKind::View)?;
            }
        }
        let index = view_index(store, kind);
        stage_if_different(txn, &index.path, FileKind::View, index.content.as_bytes())?;
    }
    Ok(())
}

/// Stages `bytes` at `path` unless the file holds exactly them.
pub(crate) fn stage_if_different(
    txn: &Transaction,
    path: &Path,
    kind: FileKind,
    bytes: &[u8],
) -> Result<bool, OperationError> {
    txn.check_target(path, "write")?;
    match read_own_file(path) {
        Ok(existing) if existing == bytes => Ok(false),
        Ok(_) => {
            txn.stage_write(path, kind, bytes)?;
            Ok(true)
        }
        // Missing, or not a regular file of git-ops' own (a link, a named
        // pipe): replaced.
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::InvalidInput
            ) =>
        {
            txn.stage_write(path, kind, bytes)?;
            Ok(true)
        }
        Err(source) => Err(OperationError::Io {
            action: "read the file",
            path: path.display().to_string(),
            source,
        }),
    }
}
