//! `sync` (spec §6.2, `docs/operations.md`): the new versions of the source
//! view into the active store.
//!
//! For every selected store, every slice is read (but those the change
//! cache knows are clean, [`super::cache`]) in parallel, and:
//!
//! - if an update would still change it (a source file not in normalised
//!   form, a processor value to fill) the sync is refused, naming every
//!   such slice (spec §13 gap 11); pending migrations refuse it too;
//! - a slice whose version is new gets `<name>@v<N>.json`: its normalised
//!   document, or `{}` for a deleted slice (a tombstone);
//! - two slices with the same root keys are refused, naming both files
//!   ([`super::root_keys`]; the keys of skipped slices come from the cache);
//! - unchanged slices' files are not rewritten, and an empty source file
//!   never synced gets no file at all (gap 17);
//! - the view files of both kinds are brought up to date.
//!
//! Everything lands in one transaction across all stores.

use std::path::PathBuf;

use super::cache::{Cache, CleanDraft, CleanSlice, Known, RacyLimit, Stat};
use super::engine::{Engine, OperationError, Prepared, Stale, StoreOutcome, parallel_map};
use super::error::{StoreError, StoreErrorKind, StoreErrors};
use super::files::{StoreFiles, WorkingTree};
use super::listing::SliceFiles;
use super::migrate;
use super::outputs::{
    ActiveView, change_kind, for_slice, input, loaded_inputs, sha256, stage_store_views,
    stage_views, stale_reasons,
};
use super::report::{FileKind, Operation, Report, SliceChange, StoreReport};
use super::root_keys::{RootKeys, duplicate_root_keys, root_keys};
use super::slice::{Depth, ViewKind};
use super::txn::Transaction;
use crate::format::filename::SliceFileName;
use crate::format::json::to_json;

/// What happened to one slice.
pub(crate) enum Settled {
    /// Skipped: the cache knows it is clean.
    Cached(CleanSlice),
    /// Looked at; the draft when it is clean after the operation (with
    /// the slice's root keys), else its root keys.
    Done {
        change: Option<SliceChange>,
        draft: Option<CleanDraft>,
        keys: Option<RootKeys>,
    },
    /// An update would change it.
    Stale(Stale),
    /// Its files are refused.
    Failed(Vec<StoreError>),
}

/// What an operation does with a slice besides its views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settle {
    /// Sync: refuse a stale slice, write a new version.
    Sync,
    /// Prune: only the views (the files were pruned already).
    Views,
}

impl Engine<'_> {
    /// Runs a sync on the selected stores: refused while an update would
    /// change a source; then every new version is written
    /// (`<name>@v<N>.json`, `{}` for a deleted slice) and the views
    /// refreshed. See `docs/operations.md`.
    ///
    /// # Errors
    ///
    /// [`OperationError::NotUpToDate`] listing every slice an update would
    /// change; [`OperationError::PendingMigrations`]; every problem of every
    /// file; the lock is taken. Nothing is written then.
    pub fn sync(&self) -> Result<Report, OperationError> {
        let selected = self.selected()?;
        self.run(Operation::Sync, |txn| {
            let mut outcomes = Vec::new();
            let mut problems = Vec::new();
            let mut stale = Vec::new();
            for registered in selected {
                let prepared = self.prepare(registered)?;
                prepared.migrations.check(registered, false)?;
                migrate::stage_fresh_state(txn, &prepared.migrations)?;
                let listing = prepared.store.list_files(&WorkingTree, ViewKind::Source)?;
                let (outcome, store_problems, store_stale) =
                    self.settle_store(txn, &prepared, &WorkingTree, &listing, Settle::Sync);
                problems.extend(store_problems);
                stale.extend(store_stale);
                outcomes.push(outcome?);
            }
            if !problems.is_empty() {
                return Err(StoreErrors::new(problems).into());
            }
            if !stale.is_empty() {
                return Err(OperationError::NotUpToDate { slices: stale });
            }
            Ok(outcomes)
        })
    }

    /// Settles every slice of `listing` (read through `files`) in parallel,
    /// then the store's view folders and index.
    pub(crate) fn settle_store(
        &self,
        txn: &Transaction,
        prepared: &Prepared<'_>,
        files: &dyn StoreFiles,
        listing: &super::listing::StoreListing,
        mode: Settle,
    ) -> (
        Result<StoreOutcome, OperationError>,
        Vec<StoreError>,
        Vec<Stale>,
    ) {
        let store = &prepared.store;
        let applied = &prepared.migrations.applied;
        let cache = if self.options().cache {
            Cache::load(store, applied)
        } else {
            Cache::empty(store, applied)
        };
        let racy = self.options().clock.racy_limit();
        let settled = parallel_map(
            listing.slices(),
            self.options().threads,
            |slice| match cache.hit(store, slice) {
                Some(clean) => Ok(Settled::Cached(clean.clone())),
                // A file of the slice that cannot be written is a problem of
                // the slice, reported with the others.
                None => match settle_slice(txn, prepared, files, slice, mode, racy) {
                    Err(OperationError::Store(errors)) => Ok(Settled::Failed(errors.errors)),
                    other => other,
                },
            },
        );
        let mut report = StoreReport::new(store.name());
        let mut problems = Vec::new();
        let mut stale = Vec::new();
        let mut kept = Vec::new();
        let mut drafts = Vec::new();
        let mut keys = Vec::new();
        report.read = listing.len();
        for (slice, settled) in listing.slices().iter().zip(settled) {
            match settled {
                Err(error) => return (Err(error), problems, stale),
                Ok(Settled::Cached(clean)) => {
                    report.skipped += 1;
                    kept.push((slice.name.clone(), clean));
                }
                Ok(Settled::Done {
                    change,
                    draft,
                    keys: slice_keys,
                }) => {
                    report.slices.extend(change);
                    if let Some(draft) = draft {
                        drafts.push((slice.name.clone(), draft));
                    }
                    keys.extend(slice_keys.map(|k| (slice.name.clone(), k)));
                }
                Ok(Settled::Stale(s)) => stale.push(s),
                Ok(Settled::Failed(errors)) => problems.extend(errors),
            }
        }
        report.read -= report.skipped;
        // A sync would write both records of slices sharing root keys.
        if mode == Settle::Sync {
            let cached = kept
                .iter()
                .filter_map(|(name, clean): &(String, CleanSlice)| {
                    Some((name.as_str(), clean.root_keys.as_ref()?))
                });
            let clean = drafts
                .iter()
                .filter_map(|(name, draft): &(String, CleanDraft)| {
                    Some((name.as_str(), draft.root_keys()?))
                });
            let read = keys.iter().map(|(name, keys)| (name.as_str(), keys));
            let all = cached.chain(clean).chain(read);
            problems.extend(duplicate_root_keys(store, files, listing, all));
        }
        if problems.is_empty()
            && stale.is_empty()
            && let Err(error) = stage_store_views(txn, store, listing)
        {
            return (Err(error), problems, stale);
        }
        // Every slice known clean already: the cache file stays as it is.
        let unchanged = drafts.is_empty() && kept.len() == listing.len();
        let cache = (self.options().cache && !unchanged)
            .then(|| (Cache::empty(store, applied), kept, drafts));
        (Ok(StoreOutcome { report, cache }), problems, stale)
    }
}

/// Looks at one slice: refuses it if stale (sync), writes its new version
/// (sync), brings its views up to date.
fn settle_slice(
    txn: &Transaction,
    prepared: &Prepared<'_>,
    files: &dyn StoreFiles,
    slice_files: &SliceFiles,
    mode: Settle,
    racy: RacyLimit,
) -> Result<Settled, OperationError> {
    let store = &prepared.store;
    let stats: Vec<(PathBuf, Option<Stat>)> = slice_files
        .source
        .iter()
        .map(|f| (f.path.clone(), Stat::before_read(&f.path, racy)))
        .chain(
            slice_files
                .active
                .iter()
                .map(|f| (f.path.clone(), Stat::of(&f.path))),
        )
        .collect();
    let slice = match store.load(files, slice_files, ViewKind::Source, Depth::Full) {
        Ok(slice) => slice,
        Err(errors) => return Ok(Settled::Failed(errors.errors)),
    };
    let (reasons, file_form) = stale_reasons(&prepared.plan, &slice)?;
    if mode == Settle::Sync && !reasons.is_empty() {
        return Ok(Settled::Stale(Stale {
            store: store.name().to_owned(),
            slice: slice.name().to_owned(),
            file: slice
                .source()
                .map(|s| s.file.shown.clone())
                .unwrap_or_default(),
            reasons,
        }));
    }
    let mut source_inputs = loaded_inputs(&slice, true);
    let mut active_inputs = loaded_inputs(&slice, false);
    let change = change_kind(&slice);
    let mut written = None;
    if mode == Settle::Sync
        && let Some(current) = slice.current().filter(|c| c.is_new)
    {
        let text = match (current.document, file_form) {
            (None, _) => "{}".to_owned(),
            // A new version with content is the source document, whose file
            // form the staleness check computed.
            (Some(_), Some(file_form)) => to_json(&file_form),
            (Some(document), None) => to_json(&store.documents().for_file(document)),
        };
        let file_name = SliceFileName::active(slice.name(), current.version).map_err(|e| {
            StoreErrors::from(StoreError::file(
                slice
                    .source()
                    .map(|s| s.file.shown.clone())
                    .unwrap_or_else(|| slice.name().to_owned()),
                StoreErrorKind::FileName(e),
            ))
        })?;
        let path = store.active_folder().join(file_name.to_string());
        txn.stage_write(&path, FileKind::Active, text.as_bytes())
            .map_err(|e| for_slice(&slice, e))?;
        let new = input(store, &path, &sha256(text.as_bytes()));
        source_inputs.push(new.clone());
        active_inputs.push(new);
        written = Some(path);
    }
    let active = if written.is_some() {
        ActiveView::NewVersion
    } else if mode == Settle::Sync || change.is_none() {
        ActiveView::SameAsSource
    } else {
        ActiveView::Own
    };
    let views = stage_views(txn, &slice, &source_inputs, &active_inputs, active)
        .map_err(|e| for_slice(&slice, e))?;
    let keys = root_keys(&slice)?;
    let clean = reasons.is_empty() && (mode == Settle::Sync || change.is_none());
    let draft = clean.then(|| {
        let mut files: Vec<(PathBuf, Known)> = stats
            .into_iter()
            .map(|(path, stat)| (path, Known::Read(stat)))
            .collect();
        if let Some(path) = written {
            files.push((path, Known::Written));
        }
        let store_values = match slice.view() {
            Ok(Some(view)) => prepared.plan.store_scope_values(&view.record.attributes),
            _ => Vec::new(),
        };
        CleanDraft::new(store, files, views, store_values)
    });
    let (draft, keys) = match draft {
        Some(draft) => (Some(draft.with_root_keys(keys)), None),
        None => (None, keys),
    };
    Ok(Settled::Done {
        change: if mode == Settle::Sync { change } else { None },
        draft,
        keys,
    })
}
