//! `git-ops project status`: the stores of a project, their slices and
//! versions, and what an update and a sync would do, computed by a dry run
//! of update ([`Options::dry_run`]): nothing is written.

use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::store::{
    Engine, OperationError, Options, Project, Registry, Report, StoreErrors, UpdateOptions,
    ViewKind, WorkingTree,
};
use serde::Serialize;

/// One store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreStatus {
    /// The store.
    pub store: String,
    /// Its source folder, relative to the project root.
    pub source: String,
    /// Slices in the source view that are not deleted (what the
    /// orchestrator gets once synced).
    pub slices: usize,
    /// Slices deleted from the source, their deletion not synced yet or
    /// not pruned.
    pub deleted: usize,
    /// Slices the active store holds, not deleted (what the orchestrator
    /// gets now).
    pub active: usize,
    /// Active files (every version of every slice).
    pub versions: usize,
    /// Active files a prune would remove.
    pub prunable: usize,
    /// The highest version of any slice.
    pub latest: u64,
    /// Pending migrations, in order.
    pub pending_migrations: Vec<String>,
    /// Why the store could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// What an update would do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateOutlook {
    /// Its report (a dry run): the files it would write, the values it
    /// would fill, the versions a sync would then write.
    Report(Report),
    /// It would fail.
    Error(String),
    /// It cannot be computed: an interrupted operation must be finished
    /// first.
    Blocked(String),
}

/// The status of a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// The project root.
    pub project: String,
    /// Whether an interrupted operation left its journal (`git-ops project
    /// recover`, or the next writing command, finishes it).
    pub interrupted: bool,
    /// The stores, in registration order.
    pub stores: Vec<StoreStatus>,
    /// What an update would do, and the versions a sync would then write.
    pub update: UpdateOutlook,
}

/// The status of the stores `stores` (every registered store when empty).
///
/// # Errors
///
/// An unknown store; the registry has problems.
pub fn status(
    project: &Project,
    registry: &Registry,
    stores: &[String],
    threads: usize,
) -> Result<Status, OperationError> {
    registry.check()?;
    let options = Options {
        dry_run: true,
        durability: Durability::None,
        threads,
        stores: (!stores.is_empty()).then(|| stores.to_vec()),
        ..Options::default()
    };
    let engine = Engine::new(project.clone(), registry).with_options(options);
    for name in stores {
        engine.registered(name)?;
    }
    let mut out = Status {
        project: project.root().display().to_string(),
        interrupted: engine.has_interrupted_operation(),
        stores: Vec::new(),
        update: UpdateOutlook::Blocked(String::new()),
    };
    for registered in registry.stores() {
        let name = registered.name();
        if !stores.is_empty() && !stores.iter().any(|s| s == name) {
            continue;
        }
        out.stores.push(store_status(&engine, name)?);
    }
    out.update = if out.interrupted {
        UpdateOutlook::Blocked(
            "an interrupted git-ops operation left its journal; `git-ops project recover` (or the next writing command) finishes it"
                .to_owned(),
        )
    } else {
        match engine.update(&UpdateOptions::default()) {
            Ok(report) => UpdateOutlook::Report(report),
            Err(OperationError::Store(errors)) => UpdateOutlook::Error(format!(
                "{} invalid: run `git-ops project check` for the details",
                problems(&errors)
            )),
            Err(error) => UpdateOutlook::Error(error.to_string()),
        }
    };
    Ok(out)
}

fn problems(errors: &StoreErrors) -> String {
    match errors.errors.len() {
        1 => "1 file is".to_owned(),
        n => format!("{n} problems: files are"),
    }
}

fn store_status(engine: &Engine<'_>, name: &str) -> Result<StoreStatus, OperationError> {
    let store = engine.store(name)?;
    let mut status = StoreStatus {
        store: name.to_owned(),
        source: store.shown(store.source_folder()),
        slices: 0,
        deleted: 0,
        active: 0,
        versions: 0,
        prunable: 0,
        latest: 0,
        pending_migrations: Vec::new(),
        problem: None,
    };
    match engine.check_readable(name) {
        Ok(()) => {}
        Err(OperationError::PendingMigrations { names, .. }) => {
            status.pending_migrations = names;
            return Ok(status);
        }
        Err(error @ OperationError::MigrationsNeedModule { .. }) => {
            status.problem = Some(error.to_string());
            return Ok(status);
        }
        Err(error) => return Err(error),
    }
    match store.list_files(&WorkingTree, ViewKind::Active) {
        Ok(listing) => {
            for slice in listing.slices() {
                status.versions += slice.active.len();
                status.prunable += slice.active.len().saturating_sub(1);
                status.latest = status
                    .latest
                    .max(slice.latest().and_then(|f| f.version()).unwrap_or(0));
            }
        }
        Err(errors) => {
            status.problem = Some(format!("{}: {}", problems(&errors), errors.errors[0]));
            return Ok(status);
        }
    }
    match store.list(&WorkingTree, ViewKind::Active) {
        Ok(active) => status.active = active.iter().filter(|s| !s.deleted).count(),
        Err(errors) => {
            status.problem = Some(format!(
                "{} invalid, e.g. {}",
                problems(&errors),
                errors.errors[0]
            ));
            return Ok(status);
        }
    }
    match store.list(&WorkingTree, ViewKind::Source) {
        Ok(source) => {
            status.slices = source.iter().filter(|s| !s.deleted).count();
            status.deleted = source.iter().filter(|s| s.deleted).count();
        }
        Err(errors) => {
            status.problem = Some(format!(
                "{} invalid, e.g. {}",
                problems(&errors),
                errors.errors[0]
            ));
        }
    }
    Ok(status)
}
