//! `prune` (spec §6.3, `docs/operations.md`): drop the versions nobody needs
//! any more.
//!
//! For every selected store, every slice keeps its latest active version;
//! older versions are deleted. A latest version that is a tombstone is
//! **kept** (spec §13 gap 30, where the original deletes it): a slice
//! created again later continues the numbering (`v4` after the tombstone
//! `v3`, not `v1` again), so nothing keyed on version numbers confuses the
//! new slice with the old one, and the lone tombstone makes no slice
//! appear (it has no previous version with content). Delete a tombstone
//! file by hand to forget a slice for good.
//!
//! Prune does not need a sync first, reads no slice content to decide, and
//! runs with pending migrations (spec scenario 26). A store without active
//! folder gets it, with its migration state file (as every writing
//! operation but create: `docs/migrations.md`). The view files of both
//! kinds are then brought up to date, unless migrations are pending (the
//! files cannot be read with the current schema: the update that applies
//! them writes the views).

use super::engine::{Engine, OperationError, StoreOutcome};
use super::error::StoreErrors;
use super::files::WorkingTree;
use super::migrate;
use super::report::{FileKind, Operation, Report, StoreReport};
use super::slice::ViewKind;
use super::sync::Settle;
use super::txn::Staging;

impl Engine<'_> {
    /// Runs a prune on the selected stores: every slice keeps its latest
    /// active version (a tombstone too, alone), older versions are deleted,
    /// the views refreshed. See `docs/operations.md`.
    ///
    /// # Errors
    ///
    /// A listing problem; a problem of a file the views are computed from;
    /// the lock is taken. Nothing is deleted then.
    pub fn prune(&self) -> Result<Report, OperationError> {
        let selected = self.selected()?;
        self.run(Operation::Prune, |txn| {
            let mut outcomes = Vec::new();
            let mut problems = Vec::new();
            for registered in selected {
                let prepared = self.prepare(registered)?;
                let store = &prepared.store;
                // A new active folder gets its state file now, recording
                // the migrations registered today as applied: a migration
                // registered later is pending for the files added before it.
                migrate::stage_fresh_state(txn, &prepared.migrations)?;
                let listing = store.list_files(&WorkingTree, ViewKind::Source)?;
                for slice in listing.slices() {
                    let older = slice.active.len().saturating_sub(1);
                    for file in &slice.active[..older] {
                        txn.stage_remove(&file.path, FileKind::Active)?;
                    }
                }
                if prepared.migrations.check(registered, false).is_err() {
                    outcomes.push(StoreOutcome {
                        report: StoreReport::new(store.name()),
                        cache: None,
                    });
                    continue;
                }
                let files = Staging {
                    base: &WorkingTree,
                    txn,
                };
                let after = store.list_files(&files, ViewKind::Source)?;
                let (outcome, store_problems, _) =
                    self.settle_store(txn, &prepared, &files, &after, Settle::Views);
                problems.extend(store_problems);
                outcomes.push(outcome?);
            }
            if problems.is_empty() {
                Ok(outcomes)
            } else {
                Err(StoreErrors::new(problems).into())
            }
        })
    }
}
