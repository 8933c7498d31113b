//! `git-ops project check`: is the project ready to merge? The gate a CI
//! job runs on every branch.
//!
//! It fails, listing every problem, when
//!
//! - an interrupted operation left its journal (`git_ops/.journal.json`);
//!   the other checks are skipped, the files are half-way between two
//!   states;
//! - the registered stores have problems (the module's own binary);
//! - a store has pending migrations, or migrations this program does not
//!   have (its other checks are skipped: its files have the old shape);
//! - a file of a store is invalid (every problem, with file, position and
//!   dict path);
//! - an update would change something: a source file not in normalised
//!   form, a processor value to fill, a stale view file or index, a stale
//!   JSON Schema file, a store never updated (no migration state yet);
//! - a sync would write a new version.
//!
//! It runs an update as a dry run ([`Options::dry_run`]) without the change
//! cache, and reads what the update would write: nothing is written.

use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::store::{
    Change, Engine, FileKind, OperationError, Options, Project, Registry, UpdateOptions,
};
use serde::Serialize;

/// What kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// An interrupted operation's journal is present.
    Interrupted,
    /// The registry has problems.
    Registry,
    /// Migrations are pending (or unknown to this program).
    Migration,
    /// A file is invalid.
    Invalid,
    /// A source file is not in normalised form.
    NotNormalised,
    /// A processor must fill a value.
    ValueToFill,
    /// A store was never updated: its active folder has no migration state.
    NotInitialised,
    /// A view file or index is stale.
    StaleView,
    /// A JSON Schema file is stale.
    StaleSchema,
    /// A slice has a version to sync.
    NotSynced,
}

impl ProblemKind {
    /// The command that fixes it.
    pub fn fix(self) -> &'static str {
        match self {
            ProblemKind::Interrupted => "git-ops project recover",
            ProblemKind::Registry => "fix the module's registration",
            ProblemKind::Migration => {
                "git-ops project update (with the module's own binary, for migrations in Rust)"
            }
            ProblemKind::Invalid => "fix the file",
            ProblemKind::NotNormalised
            | ProblemKind::ValueToFill
            | ProblemKind::NotInitialised
            | ProblemKind::StaleView
            | ProblemKind::StaleSchema => "git-ops project update",
            ProblemKind::NotSynced => "git-ops project sync",
        }
    }
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind.
    pub kind: ProblemKind,
    /// The store, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// The file, relative to the project root, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The offending line with a caret, for an invalid file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// What fixes it.
    pub fix: &'static str,
}

impl Problem {
    fn new(
        kind: ProblemKind,
        store: Option<&str>,
        file: Option<String>,
        message: String,
    ) -> Problem {
        Problem {
            kind,
            store: store.map(str::to_owned),
            file,
            message,
            snippet: None,
            fix: kind.fix(),
        }
    }
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The stores checked.
    pub stores: Vec<String>,
    /// Every problem; the check passes when there is none.
    pub problems: Vec<Problem>,
}

impl CheckReport {
    /// Whether the check passes.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the stores `stores` (every registered store when empty) of the
/// project.
///
/// # Errors
///
/// Only what keeps the check from running: an unknown store, a file that
/// cannot be read at all, a location that cannot be resolved. Problems of
/// the project are in the report.
pub fn check(
    project: &Project,
    registry: &Registry,
    stores: &[String],
    threads: usize,
) -> Result<CheckReport, OperationError> {
    let options = Options {
        dry_run: true,
        cache: false,
        durability: Durability::None,
        threads,
        ..Options::default()
    };
    let engine = Engine::new(project.clone(), registry).with_options(options.clone());
    let selected: Vec<String> = if stores.is_empty() {
        registry.names().into_iter().map(str::to_owned).collect()
    } else {
        for name in stores {
            engine.registered(name)?;
        }
        registry
            .names()
            .into_iter()
            .filter(|n| stores.iter().any(|s| s == n))
            .map(str::to_owned)
            .collect()
    };
    let mut report = CheckReport {
        stores: selected.clone(),
        problems: Vec::new(),
    };
    if engine.has_interrupted_operation() {
        report.problems.push(Problem::new(
            ProblemKind::Interrupted,
            None,
            Some(git_ops_runtime::store::JOURNAL_FILE.to_owned()),
            "an interrupted git-ops operation left its journal: the other checks need it finished first".to_owned(),
        ));
        return Ok(report);
    }
    if let Err(errors) = registry.check() {
        for error in errors.errors {
            report.problems.push(Problem::new(
                ProblemKind::Registry,
                None,
                None,
                error.to_string(),
            ));
        }
        return Ok(report);
    }
    let mut readable = Vec::new();
    for name in &selected {
        match engine.check_readable(name) {
            Ok(()) => readable.push(name.clone()),
            Err(
                error @ (OperationError::PendingMigrations { .. }
                | OperationError::MigrationsNeedModule { .. }),
            ) => {
                report.problems.push(Problem::new(
                    ProblemKind::Migration,
                    Some(name),
                    None,
                    error.to_string(),
                ));
            }
            Err(error) => return Err(error),
        }
    }
    if readable.is_empty() {
        return Ok(report);
    }
    let engine = Engine::new(project.clone(), registry).with_options(Options {
        stores: Some(readable),
        ..options
    });
    let update = match engine.update(&UpdateOptions::default()) {
        Ok(update) => update,
        Err(OperationError::Store(errors)) => {
            let places: Vec<(String, String, String)> = selected
                .iter()
                .filter_map(|name| {
                    let store = engine.store(name).ok()?;
                    Some((
                        name.clone(),
                        store.shown(store.source_folder()),
                        store.shown(store.active_folder()),
                    ))
                })
                .collect();
            for error in errors.errors {
                let store = places
                    .iter()
                    .find(|(_, source, active)| {
                        error.file.starts_with(source) || error.file.starts_with(active)
                    })
                    .map(|(name, _, _)| name.clone());
                report.problems.push(Problem {
                    kind: ProblemKind::Invalid,
                    store,
                    file: Some(error.file.display().to_string()),
                    message: error.to_string(),
                    snippet: error.snippet.clone(),
                    fix: ProblemKind::Invalid.fix(),
                });
            }
            return Ok(report);
        }
        Err(OperationError::Processor(failure)) => {
            report.problems.push(Problem::new(
                ProblemKind::ValueToFill,
                Some(&failure.store),
                Some(failure.file.clone()),
                failure.to_string(),
            ));
            return Ok(report);
        }
        Err(error) => return Err(error),
    };
    for store in &update.stores {
        let name = store.store.as_str();
        // A store never updated: its views are missing because of it.
        let fresh = store.files_of(FileKind::MigrationState).next().is_some();
        // Slices already reported: their views are stale because of it.
        let mut reported: Vec<&str> = Vec::new();
        for filled in &store.filled {
            reported.push(&filled.slice);
            report.problems.push(Problem::new(
                ProblemKind::ValueToFill,
                Some(name),
                None,
                format!(
                    "slice `{}`: processor `{}` would set `{}` to {}",
                    filled.slice,
                    filled.processor,
                    filled.path,
                    git_ops_runtime::format::json::to_json(&filled.value)
                ),
            ));
        }
        for file in store.files_of(FileKind::Source) {
            let slice = slice_of_source(&file.path);
            if store.filled.iter().any(|f| Some(f.slice.as_str()) == slice) {
                continue;
            }
            reported.extend(slice);
            report.problems.push(Problem::new(
                ProblemKind::NotNormalised,
                Some(name),
                Some(file.path.clone()),
                "the file is not in normalised form (defaults, field order, formatting)".to_owned(),
            ));
        }
        for slice in &store.slices {
            reported.push(&slice.name);
            let change = match slice.change {
                git_ops_runtime::store::SliceChangeKind::Created => "created",
                git_ops_runtime::store::SliceChangeKind::Updated => "updated",
                git_ops_runtime::store::SliceChangeKind::Deleted => "deleted",
            };
            report.problems.push(Problem::new(
                ProblemKind::NotSynced,
                Some(name),
                None,
                format!(
                    "slice `{}`: version {} ({change}) is not synced",
                    slice.name, slice.version
                ),
            ));
        }
        for file in &store.files {
            match file.kind {
                FileKind::MigrationState => report.problems.push(Problem::new(
                    ProblemKind::NotInitialised,
                    Some(name),
                    Some(file.path.clone()),
                    "the store was never updated: its active folder has no migration state"
                        .to_owned(),
                )),
                FileKind::Schema => report.problems.push(Problem::new(
                    ProblemKind::StaleSchema,
                    Some(name),
                    Some(file.path.clone()),
                    "the JSON Schema file is not the store's schema".to_owned(),
                )),
                FileKind::View => {
                    let slice = slice_of_view(&file.path);
                    if fresh || slice.is_some_and(|s| reported.contains(&s)) {
                        continue;
                    }
                    let what = match (slice, file.change) {
                        (None, _) => "the view index is stale",
                        (Some(_), Change::Written) => "the view file is stale or missing",
                        (Some(_), Change::Removed) => "the view file has no slice",
                    };
                    report.problems.push(Problem::new(
                        ProblemKind::StaleView,
                        Some(name),
                        Some(file.path.clone()),
                        what.to_owned(),
                    ));
                }
                FileKind::Source | FileKind::Active => {}
            }
        }
    }
    report
        .problems
        .sort_by(|a, b| (a.kind, &a.store, &a.file).cmp(&(b.kind, &b.store, &b.file)));
    Ok(report)
}

/// The slice of a source file path (`files/vlan/campus-10.yaml` →
/// `campus-10`).
fn slice_of_source(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?;
    name.rsplit_once('.').map(|(stem, _)| stem)
}

/// The slice of a view file path (`git_ops/views/vlan/source/campus-10.json`
/// → `campus-10`); `None` for an index (`git_ops/views/vlan/source.json`).
fn slice_of_view(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("git_ops/views/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [_, _, file] => file.strip_suffix(".json"),
        _ => None,
    }
}
