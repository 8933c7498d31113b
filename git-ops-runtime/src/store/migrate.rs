//! Migrations (spec §6.5, `docs/migrations.md`): the state file of a store
//! and the application of pending migrations by `update`.
//!
//! The state file `<active folder>/.migrations.json` lists the migrations
//! already applied to the store's files:
//!
//! ```json
//! {
//!   "applied": [
//!     "2024-01-10-add-mtu"
//!   ]
//! }
//! ```
//!
//! - A new active folder records every registered migration as applied, in
//!   name order (the files it will hold are written with the current
//!   schema).
//! - An existing active folder without state file has applied nothing (as
//!   the original: its files may predate migrations).
//! - Pending = registered and not recorded, in name order. Only `update`
//!   applies them; every other operation that reads slice content refuses
//!   to run while some are pending.
//! - Update applies all pending migrations to every file of the store
//!   (source files and every active version; tombstones skipped), checks
//!   that each result is a document the current schema accepts, and stages
//!   the results, normalised (in schema order, defaults filled), and the
//!   new state file in the operation's transaction: the whole update,
//!   migrations included, lands at once or not at all.
//! - A new active folder gets its state file from every writing operation
//!   but `create`: update, sync, prune, set. Read-only commands and dry
//!   runs write nothing.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::engine::OperationError;
use super::files::StoreFiles;
use super::listing::StoreFile;
use super::reader::Store;
use super::registry::{RegisteredStore, StoreOrigin};
use super::report::FileKind;
use super::slice::ViewKind;
use super::txn::Transaction;
use crate::format;
use crate::format::json::to_json;

/// The name of the state file in an active folder.
pub const STATE_FILE: &str = ".migrations.json";

/// The migrations of a store, as its active folder records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MigrationPlan {
    /// The state file.
    pub(crate) file: PathBuf,
    /// The active folder does not exist yet: the state file is to be
    /// written with every known migration applied.
    pub(crate) fresh: bool,
    /// Recorded as applied, in file order.
    pub(crate) applied: Vec<String>,
    /// Known and not recorded, in name order.
    pub(crate) pending: Vec<String>,
    /// Recorded but not known to the registry.
    pub(crate) unknown: Vec<String>,
}

impl MigrationPlan {
    /// Reads the state of `store`, whose active folder is `folder`.
    pub(crate) fn read(
        registered: &RegisteredStore,
        folder: &Path,
        shown: &dyn Fn(&Path) -> String,
    ) -> Result<MigrationPlan, OperationError> {
        let file = folder.join(STATE_FILE);
        let known = registered.migration_names();
        if !folder.exists() {
            return Ok(MigrationPlan {
                file,
                fresh: true,
                applied: known.iter().map(|s| (*s).to_owned()).collect(),
                pending: Vec::new(),
                unknown: Vec::new(),
            });
        }
        let applied = match super::files::read_own_file(&file) {
            Ok(bytes) => parse_state(&bytes).map_err(|message| OperationError::MigrationState {
                file: shown(&file),
                message,
            })?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(OperationError::Io {
                    action: "read the file",
                    path: shown(&file),
                    source,
                });
            }
        };
        let recorded: BTreeSet<&str> = applied.iter().map(String::as_str).collect();
        let pending = known
            .iter()
            .filter(|name| !recorded.contains(*name))
            .map(|s| (*s).to_owned())
            .collect();
        let unknown = applied
            .iter()
            .filter(|name| !known.contains(&name.as_str()))
            .cloned()
            .collect();
        Ok(MigrationPlan {
            file,
            fresh: false,
            applied,
            pending,
            unknown,
        })
    }

    /// Refuses what this store cannot do: a store from a manifest whose
    /// folder records migrations the manifest does not know, or that has
    /// pending ones (their functions live in the module's Rust code); with
    /// `allow_pending` false, any pending migration.
    pub(crate) fn check(
        &self,
        registered: &RegisteredStore,
        allow_pending: bool,
    ) -> Result<(), OperationError> {
        if registered.origin() == StoreOrigin::Manifest {
            let missing: Vec<String> = self
                .unknown
                .iter()
                .chain(&self.pending)
                .filter(|name| registered.migration(name).is_none())
                .cloned()
                .collect();
            if !missing.is_empty() {
                return Err(OperationError::MigrationsNeedModule {
                    store: registered.name().to_owned(),
                    names: missing,
                });
            }
        }
        if !allow_pending && !self.pending.is_empty() {
            return Err(OperationError::PendingMigrations {
                store: registered.name().to_owned(),
                names: self.pending.clone(),
            });
        }
        Ok(())
    }

    /// The state file content after applying the pending migrations.
    pub(crate) fn state_after(&self) -> String {
        let mut applied = self.applied.clone();
        applied.extend(self.pending.iter().cloned());
        state_text(&applied)
    }
}

/// The state file text for `applied`.
pub(crate) fn state_text(applied: &[String]) -> String {
    let mut map = Map::new();
    map.insert(
        "applied".into(),
        Value::Array(applied.iter().cloned().map(Value::String).collect()),
    );
    to_json(&Value::Object(map))
}

fn parse_state(bytes: &[u8]) -> Result<Vec<String>, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let Some(Value::Array(items)) = value.get("applied") else {
        return Err("expected a mapping with a list `applied`".into());
    };
    items
        .iter()
        .map(|item| {
            item.as_str()
                .map(str::to_owned)
                .ok_or_else(|| "every item of `applied` must be a migration name".to_owned())
        })
        .collect()
}

/// Applies the pending migrations of `store` to every file it has, staging
/// the results and the new state file in `txn`. Nothing is staged when a
/// migration fails or produces a document the schema refuses.
pub(crate) fn apply(
    txn: &Transaction,
    files: &dyn StoreFiles,
    store: &Store,
    registered: &RegisteredStore,
    plan: &MigrationPlan,
) -> Result<(), OperationError> {
    if plan.pending.is_empty() {
        return Ok(());
    }
    let functions = plan
        .pending
        .iter()
        .map(|name| {
            registered
                .migration(name)
                .map(|f| (name.as_str(), f))
                .ok_or_else(|| OperationError::MigrationsNeedModule {
                    store: registered.name().to_owned(),
                    names: vec![name.clone()],
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let listing = store
        .list_files(files, ViewKind::Source)
        .map_err(OperationError::Store)?;
    // Source files first, then the active files, as the original.
    let ordered: Vec<(&StoreFile, FileKind)> = listing
        .slices()
        .iter()
        .filter_map(|s| s.source.as_ref().map(|f| (f, FileKind::Source)))
        .chain(
            listing
                .slices()
                .iter()
                .flat_map(|s| s.active.iter().map(|f| (f, FileKind::Active))),
        )
        .collect();
    let mut staged = Vec::with_capacity(ordered.len());
    for (file, kind) in ordered {
        let bytes = files
            .read(&file.path)
            .map_err(|source| OperationError::Io {
                action: "read the file",
                path: file.shown.clone(),
                source,
            })?;
        let raw =
            format::read::read(&bytes, file.format).map_err(|error| OperationError::Migration {
                store: registered.name().to_owned(),
                migration: functions[0].0.to_owned(),
                file: file.shown.clone(),
                message: format!("the file cannot be read: {error}"),
            })?;
        if raw.is_empty() {
            continue; // a tombstone stays one
        }
        let mut doc = Value::Object(raw);
        for (name, function) in &functions {
            let fail = |message: String| OperationError::Migration {
                store: registered.name().to_owned(),
                migration: (*name).to_owned(),
                file: file.shown.clone(),
                message,
            };
            doc = function(doc).map_err(fail)?;
            match &doc {
                Value::Object(map) if !map.is_empty() => {}
                Value::Object(_) => {
                    return Err(fail(
                        "the migration returned an empty mapping; a migration cannot delete a slice"
                            .into(),
                    ));
                }
                _ => return Err(fail("the migration must return a mapping".into())),
            }
        }
        let normalised = store.documents().normalise(&doc).map_err(|errors| {
            OperationError::MigrationOutput {
                store: registered.name().to_owned(),
                migrations: plan.pending.clone(),
                file: file.shown.clone(),
                errors: errors.messages(),
            }
        })?;
        file.check_rewritable("a migration must rewrite it")
            .map_err(OperationError::Store)?;
        // Written normalised, in the file's format (sources) or JSON
        // (active files), like every file an update writes: a migration's
        // key order is not kept (the value is the same, so nothing would
        // ever rewrite it).
        let file_form = store.documents().for_file(&normalised);
        let text = match kind {
            FileKind::Source => file.format.write(&file_form),
            _ => format::json::to_json(&file_form),
        };
        staged.push((file.path.clone(), kind, text));
    }
    for (path, kind, text) in staged {
        txn.stage_write(&path, kind, text.as_bytes())?;
    }
    txn.stage_write(
        &plan.file,
        FileKind::MigrationState,
        plan.state_after().as_bytes(),
    )?;
    Ok(())
}

/// Stages the state file of a new active folder.
pub(crate) fn stage_fresh_state(
    txn: &Transaction,
    plan: &MigrationPlan,
) -> Result<(), OperationError> {
    if plan.fresh && !txn.is_staged(&plan.file) {
        txn.stage_write(
            &plan.file,
            FileKind::MigrationState,
            state_text(&plan.applied).as_bytes(),
        )?;
    }
    Ok(())
}
