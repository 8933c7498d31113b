//! `update` (spec §6.1, `docs/operations.md`): migrations, processors,
//! normalised source files, the JSON Schema file and the views.
//!
//! For every selected store:
//!
//! 1. a missing source folder is created; a new active folder gets its
//!    migration state file; pending migrations are applied to every file
//!    and the files they change are written normalised
//!    ([`super::migrate`]);
//! 2. the slices are read through what step 1 staged, a batch at a time in
//!    parallel, and processed one by one in name order: processors fill
//!    their fields ([`super::processors`]), then a source file whose
//!    content (as a value) differs from its normalised, processed document
//!    is rewritten in its own format; an unchanged file keeps its bytes, an
//!    empty (deleted) file is left alone;
//! 3. the view files of both kinds are brought up to date; the view the
//!    update writes already has the version the processed source gets
//!    (spec §13 gap 12);
//! 4. the store's JSON Schema file is written when `git-ops-config.yml`
//!    gives a `schema_path` and its content changed.
//!
//! No two slices may share their root keys ([`super::root_keys`]): the keys
//! of the slices read are checked with those the cache keeps for the
//! others, before anything is written.
//!
//! A store-scope `unique_integer` needs the values of every slice: a first
//! pass collects them (from the change cache for the slices it knows are
//! clean), the second processes. Everything lands in one transaction, so a
//! failure anywhere (an invalid file, a processor error) writes nothing.

use std::collections::HashMap;
use std::path::PathBuf;

use super::cache::{Cache, CleanDraft, CleanSlice, Known, RacyLimit, Stat};
use super::config::GitOpsConfig;
use super::engine::{Engine, OperationError, Prepared, StoreOutcome, UpdateOptions, parallel_map};
use super::error::{StoreError, StoreErrorKind, StoreErrors};
use super::files::WorkingTree;
use super::listing::{SliceFiles, StoreListing};
use super::migrate;
use super::outputs::{
    ActiveView, change_kind, for_slice, loaded_inputs, sha256, stage_if_different,
    stage_store_views, stage_views,
};
use super::processors::{Processing, StoreScopeIndex};
use super::record::SliceView;
use super::report::{FileKind, Operation, Report, StoreReport};
use super::root_keys::{RootKeys, duplicate_root_keys, root_keys};
use super::slice::{Depth, LoadedSlice, ViewKind};
use super::txn::{Staging, Transaction};
use super::used_values::{LazyUsedValues, UsedValuesQuery, UsedValuesSource};
use crate::document::json_schema;
use crate::format::filename::SliceFileName;
use crate::format::json::to_json;
use serde_json::Value;

impl Engine<'_> {
    /// Runs an update on the selected stores: migrations, processors,
    /// normalised source files, views, JSON Schema files. See
    /// `docs/operations.md`.
    ///
    /// # Errors
    ///
    /// Every problem of every file of a store (nothing is written); a
    /// migration or processor failure; a pending migration or a custom
    /// processor this program does not have (a store from a manifest); the
    /// lock is taken.
    pub fn update(&self, options: &UpdateOptions) -> Result<Report, OperationError> {
        let selected = self.selected()?;
        self.run(Operation::Update, |txn| {
            let config = GitOpsConfig::read(self.project(), &WorkingTree)?;
            // Before anything is staged: unknown stores, schema paths that
            // must not be written.
            config.check(self.project(), self.registry())?;
            let mut outcomes = Vec::new();
            let mut problems = Vec::new();
            for registered in selected {
                let prepared = self.prepare(registered)?;
                match self.update_store(txn, &prepared, &config, options.refresh) {
                    Ok(outcome) => outcomes.push(outcome),
                    Err(OperationError::Store(errors)) => problems.extend(errors.errors),
                    Err(other) => return Err(other),
                }
            }
            if problems.is_empty() {
                Ok(outcomes)
            } else {
                Err(OperationError::Store(StoreErrors::new(problems)))
            }
        })
    }

    fn update_store(
        &self,
        txn: &Transaction,
        prepared: &Prepared<'_>,
        config: &GitOpsConfig,
        refresh: bool,
    ) -> Result<StoreOutcome, OperationError> {
        let Prepared {
            registered,
            store,
            plan,
            migrations,
        } = prepared;
        migrations.check(registered, true)?;
        let mut report = StoreReport::new(store.name());
        // The source folder, where the user adds slices (as the Python
        // module's update does for every store).
        txn.ensure_folder(store.source_folder())?;
        migrate::stage_fresh_state(txn, migrations)?;
        migrate::apply(txn, &WorkingTree, store, registered, migrations)?;
        report.migrations = migrations.pending.clone();
        let migrated = !migrations.pending.is_empty();

        let files = Staging {
            base: &WorkingTree,
            txn,
        };
        let listing = store.list_files(&files, ViewKind::Source)?;
        let mut applied = migrations.applied.clone();
        applied.extend(migrations.pending.iter().cloned());
        let threads = self.options().threads;

        // Which slices to read: those the cache does not know as clean.
        let cache = if self.options().cache && !refresh && !migrated {
            Cache::load(store, &applied)
        } else {
            Cache::empty(store, &applied)
        };
        let hits = parallel_map(listing.slices(), threads, |s| cache.hit(store, s).cloned());
        let mut index = StoreScopeIndex::default();
        let mut kept: Vec<(String, CleanSlice)> = Vec::new();
        let mut dirty: Vec<SliceFiles> = Vec::new();
        for (slice, hit) in listing.slices().iter().zip(hits) {
            match hit {
                Some(clean) => {
                    for (pattern, value) in &clean.store_values {
                        index.add(pattern, *value);
                    }
                    kept.push((slice.name.clone(), clean));
                }
                None => dirty.push(slice.clone()),
            }
        }
        report.read = dirty.len();
        report.skipped = kept.len();
        let racy = self.options().clock.racy_limit();
        let stats = pre_read_stats(store, &dirty, threads, migrated, racy);
        let dirty = StoreListing::from_slices(dirty);
        let mut problems: Vec<StoreError> = Vec::new();

        // Pass 1: the values of store-scope fields in every slice.
        if plan.has_store_scope() {
            for slice in store
                .slices(&files, &dirty, ViewKind::Source, Depth::Full)
                .with_views()
            {
                match slice.and_then(|s| s.view().map(|v| v.cloned())) {
                    Ok(Some(view)) => {
                        for (pattern, value) in plan.store_scope_values(&view.record.attributes) {
                            index.add(&pattern, value);
                        }
                    }
                    Ok(None) => {}
                    Err(errors) => problems.extend(errors.errors),
                }
            }
            if !problems.is_empty() {
                return Err(StoreErrors::new(problems).into());
            }
        }

        // Pass 2: process, rewrite, views.
        let used = LazyUsedValues::new(store, &files, &listing);
        let mut drafts: Vec<(String, CleanDraft)> = Vec::new();
        // The root keys of the slices read and left with no draft (those of
        // the others are in their draft or in the cache).
        let mut keys: Vec<(String, RootKeys)> = Vec::new();
        if plan.needs_order() {
            for slice in store
                .slices(&files, &dirty, ViewKind::Source, Depth::Full)
                .with_views()
            {
                let mut slice = match slice {
                    Ok(slice) => slice,
                    Err(errors) => {
                        problems.extend(errors.errors);
                        continue;
                    }
                };
                let done = self.update_slice(
                    txn,
                    prepared,
                    &mut slice,
                    &mut index,
                    &used,
                    refresh,
                    &stats,
                    &mut report,
                );
                let done = done.and_then(|draft| {
                    let slice_keys = root_keys(&slice)?;
                    Ok((draft, slice_keys))
                });
                match done {
                    Ok((draft, slice_keys)) => {
                        let name = slice.name().to_owned();
                        match draft {
                            Some(draft) => drafts.push((name, draft.with_root_keys(slice_keys))),
                            None => keys.extend(slice_keys.map(|k| (name, k))),
                        }
                    }
                    Err(OperationError::Store(errors)) => problems.extend(errors.errors),
                    Err(other) => return Err(other),
                }
            }
        } else {
            // Every slice on its own: in parallel.
            let results = parallel_map(dirty.slices(), threads, |slice_files| {
                let mut slice = match store.load(&files, slice_files, ViewKind::Source, Depth::Full)
                {
                    Ok(slice) => slice,
                    Err(errors) => return Err(OperationError::Store(errors)),
                };
                let mut local = StoreReport::new(store.name());
                let draft = self.update_slice(
                    txn,
                    prepared,
                    &mut slice,
                    &mut StoreScopeIndex::default(),
                    &NoUsedValues,
                    refresh,
                    &stats,
                    &mut local,
                )?;
                let slice_keys = root_keys(&slice)?;
                Ok((slice.name().to_owned(), draft, local, slice_keys))
            });
            for result in results {
                match result {
                    Ok((name, draft, local, slice_keys)) => {
                        report.filled.extend(local.filled);
                        report.slices.extend(local.slices);
                        match draft {
                            Some(draft) => drafts.push((name, draft.with_root_keys(slice_keys))),
                            None => keys.extend(slice_keys.map(|k| (name, k))),
                        }
                    }
                    Err(OperationError::Store(errors)) => problems.extend(errors.errors),
                    Err(other) => return Err(other),
                }
            }
        }
        let cached = kept
            .iter()
            .filter_map(|(name, clean)| Some((name.as_str(), clean.root_keys.as_ref()?)));
        let clean = drafts
            .iter()
            .filter_map(|(name, draft)| Some((name.as_str(), draft.root_keys()?)));
        let read = keys.iter().map(|(name, keys)| (name.as_str(), keys));
        // Located in the files as they are on disk, not as staged.
        let all = cached.chain(clean).chain(read);
        problems.extend(duplicate_root_keys(store, &WorkingTree, &listing, all));
        if !problems.is_empty() {
            return Err(StoreErrors::new(problems).into());
        }
        stage_store_views(txn, store, &listing)?;

        if let Some(location) = config
            .store(store.name())
            .and_then(|c| c.schema_path.as_ref())
        {
            let path =
                self.project()
                    .resolve(location)
                    .map_err(|error| OperationError::Location {
                        store: store.name().to_owned(),
                        error,
                    })?;
            let text = to_json(&json_schema(store.schema()));
            stage_if_different(txn, &path, FileKind::Schema, text.as_bytes())?;
        }

        let cache = match (self.options().cache, migrated) {
            (false, _) => None,
            // The files changed under the recorded identities: start over.
            (true, true) => Some((Cache::empty(store, &applied), Vec::new(), Vec::new())),
            // Every slice known clean already: the cache file stays.
            (true, false) if drafts.is_empty() && kept.len() == listing.len() => None,
            (true, false) => Some((Cache::empty(store, &applied), kept, drafts)),
        };
        Ok(StoreOutcome { report, cache })
    }

    #[allow(clippy::too_many_arguments)]
    fn update_slice(
        &self,
        txn: &Transaction,
        prepared: &Prepared<'_>,
        slice: &mut LoadedSlice<'_>,
        index: &mut StoreScopeIndex,
        used: &dyn UsedValuesUpdate,
        refresh: bool,
        stats: &HashMap<PathBuf, Option<Stat>>,
        report: &mut StoreReport,
    ) -> Result<Option<CleanDraft>, OperationError> {
        let store = &prepared.store;
        let name = slice.name().to_owned();
        let mut rewritten = false;
        let source = slice
            .source()
            .and_then(|s| s.document.clone().map(|doc| (s.file.clone(), doc)));
        if let Some((file, document)) = source {
            let mut document = document;
            let filled = if prepared.plan.has_processors() {
                let view = slice.view()?.cloned().ok_or_else(|| {
                    StoreErrors::from(StoreError::file(
                        file.shown.clone(),
                        StoreErrorKind::View {
                            name: name.clone(),
                            reason: "a slice with content has no view".into(),
                        },
                    ))
                })?;
                Processing {
                    plan: &prepared.plan,
                    registered: prepared.registered,
                    refresh,
                    index,
                    used: used.source(),
                }
                .run(&name, &file.shown, &mut document, &view)?
            } else {
                Vec::new()
            };
            if !filled.is_empty() {
                // Custom processors may return anything: check it.
                document = store
                    .documents()
                    .normalise(&document)
                    .map_err(|errors| StoreErrors::unlocated(&file.shown, errors))?;
            }
            let file_form = store.documents().for_file(&document);
            if slice.raw_source() != Some(&file_form) {
                file.check_rewritable(
                    "update must rewrite it (to its normalised form, or with processor values)",
                )?;
                let text = file.format.write(&file_form);
                txn.stage_write(&file.path, FileKind::Source, text.as_bytes())
                    .map_err(|e| for_slice(slice, e))?;
                slice.replace_source(document, sha256(text.as_bytes()))?;
                rewritten = true;
            }
            report.filled.extend(filled);
        }
        if rewritten {
            used.replace(&name, slice.view()?)?;
        }
        let change = change_kind(slice);
        if let Some(change) = &change
            && let Ok(file_name) = SliceFileName::active(&name, change.version)
        {
            // The file the next sync writes: refused now, by the check
            // before a merge, rather than by the sync after it.
            let path = store.active_folder().join(file_name.to_string());
            txn.check_target(&path, "write")
                .map_err(|e| for_slice(slice, e))?;
        }
        let source_inputs = loaded_inputs(slice, true);
        let active_inputs = loaded_inputs(slice, false);
        let active = if change.is_some() {
            ActiveView::Own
        } else {
            ActiveView::SameAsSource
        };
        let views = stage_views(txn, slice, &source_inputs, &active_inputs, active)
            .map_err(|e| for_slice(slice, e))?;
        if let Some(change) = change {
            report.slices.push(change);
            return Ok(None);
        }
        let known = |path: &PathBuf| Known::Read(stats.get(path).copied().flatten());
        let mut files = Vec::new();
        if let Some(source) = slice.source() {
            let path = source.file.path.clone();
            files.push(if rewritten {
                (path, Known::Written)
            } else {
                let k = known(&path);
                (path, k)
            });
        }
        for file in slice.active() {
            let k = known(&file.file.path);
            files.push((file.file.path.clone(), k));
        }
        let store_values = match slice.view()? {
            Some(view) => prepared.plan.store_scope_values(&view.record.attributes),
            None => Vec::new(),
        };
        Ok(Some(CleanDraft::new(store, files, views, store_values)))
    }
}

/// The used values an update's processors query, kept up to date as slices
/// are processed.
trait UsedValuesUpdate {
    fn source(&self) -> &dyn UsedValuesSource;
    fn replace(&self, name: &str, view: Option<&SliceView>) -> Result<(), OperationError>;
}

impl UsedValuesUpdate for LazyUsedValues<'_> {
    fn source(&self) -> &dyn UsedValuesSource {
        self
    }

    fn replace(&self, name: &str, view: Option<&SliceView>) -> Result<(), OperationError> {
        LazyUsedValues::replace(self, name, view)
    }
}

/// For processors that query no used values (the parallel path).
struct NoUsedValues;

impl UsedValuesSource for NoUsedValues {
    fn used_values(&self, _: &UsedValuesQuery) -> Result<Vec<Value>, OperationError> {
        unreachable!("only custom processors query used values, and they run in order")
    }
}

impl UsedValuesUpdate for NoUsedValues {
    fn source(&self) -> &dyn UsedValuesSource {
        self
    }

    fn replace(&self, _: &str, _: Option<&SliceView>) -> Result<(), OperationError> {
        Ok(())
    }
}

/// The identities of the files of `slices`, taken before they are read
/// (none after migrations: the files read are staged ones).
fn pre_read_stats(
    store: &super::reader::Store,
    slices: &[SliceFiles],
    threads: usize,
    migrated: bool,
    racy: RacyLimit,
) -> HashMap<PathBuf, Option<Stat>> {
    if migrated {
        return HashMap::new();
    }
    let _ = store;
    let per_slice = parallel_map(slices, threads, |slice| {
        slice
            .source
            .iter()
            .map(|file| (file.path.clone(), Stat::before_read(&file.path, racy)))
            .chain(
                slice
                    .active
                    .iter()
                    .map(|file| (file.path.clone(), Stat::of(&file.path))),
            )
            .collect::<Vec<_>>()
    });
    per_slice.into_iter().flatten().collect()
}
