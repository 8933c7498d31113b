//! Checking the slices of a project from a build script (`docs/build-script.md`).
//!
//! A crate that depends on a module's slice types (a deployment crate, a
//! test crate, the module's own binary) can check an inmanta project's
//! stores on every `cargo build`, so that an invalid slice file fails the
//! build with the file, line, column and dict path of every problem:
//!
//! ```no_run
//! // build.rs
//! use git_ops_runtime::store::Registry;
//! # mod acme { #[derive(serde::Serialize, serde::Deserialize, git_ops_runtime::Slice)]
//! # #[slice(store = "vlan")] pub struct Vlan { #[slice(key)] pub vid: u16 } }
//!
//! fn main() {
//!     let mut registry = Registry::new();
//!     let _ = registry.store::<acme::Vlan>();
//!     git_ops_runtime::build::validate(&registry, "../project");
//! }
//! ```
//!
//! [`validate`] prints `cargo:rerun-if-changed` for the configuration file
//! and the source and active folders of every store (Cargo then reruns the
//! check when a slice file changes), checks every file of every store, and
//! when something is wrong prints every problem to standard error and ends
//! the build script with exit code 1. [`check`] does the same but returns
//! the problems, writing the directives to any writer.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::store::{Engine, GitOpsConfig, Project, Registry, StoreError, ViewKind, WorkingTree};

/// One problem found by [`check`].
#[derive(Debug)]
pub enum Problem {
    /// A problem of a file, with its place.
    File(StoreError),
    /// Anything else: the registry, a location, pending migrations...
    Other(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::File(error) => {
                write!(f, "{error}")?;
                if let Some(snippet) = &error.snippet {
                    for line in snippet.lines() {
                        write!(f, "\n    {line}")?;
                    }
                }
                Ok(())
            }
            Problem::Other(message) => f.write_str(message),
        }
    }
}

/// Every problem found by [`check`], displayed one after the other, each
/// starting with `error: `.
#[derive(Debug)]
pub struct Problems {
    /// The project checked.
    pub project: PathBuf,
    /// The problems, by store then file; never empty.
    pub problems: Vec<Problem>,
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "git-ops: {} problem{} in the slices of the project at {}:",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" },
            self.project.display()
        )?;
        for problem in &self.problems {
            write!(f, "\nerror: {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Checks the stores of the project at `project` (a folder holding a
/// `project.yml`, relative to the build script's crate) and writes the
/// `cargo:rerun-if-changed` directives to `directives`.
///
/// # Errors
///
/// Every problem: the registry's, the configuration file's, a store with
/// pending migrations (its files are in an older format: run `git-ops
/// project update`), and every problem of every slice file.
pub fn check(
    registry: &Registry,
    project: impl AsRef<Path>,
    directives: &mut dyn Write,
) -> Result<(), Problems> {
    let root = project.as_ref().to_path_buf();
    let mut problems = Vec::new();
    let fail = |problems: Vec<Problem>| Problems {
        project: root.clone(),
        problems,
    };
    let project = match Project::open(&root) {
        Ok(project) => project,
        Err(error) => return Err(fail(vec![Problem::Other(error.to_string())])),
    };
    if let Err(errors) = registry.check() {
        problems.extend(errors.errors.iter().map(|e| Problem::Other(e.to_string())));
        return Err(fail(problems));
    }
    let mut rerun = |path: &Path| {
        let _ = writeln!(directives, "cargo:rerun-if-changed={}", path.display());
    };
    rerun(&project.config_file());
    match GitOpsConfig::read(&project, &WorkingTree) {
        Ok(config) => {
            if let Err(errors) = config.check(&project, registry) {
                problems.extend(errors.errors.into_iter().map(Problem::File));
            }
        }
        Err(errors) => problems.extend(errors.errors.into_iter().map(Problem::File)),
    }
    let engine = Engine::new(project.clone(), registry);
    for registered in registry.stores() {
        let name = registered.name();
        let store = match engine.store(name) {
            Ok(store) => store,
            Err(error) => {
                problems.push(Problem::Other(error.to_string()));
                continue;
            }
        };
        rerun(store.source_folder());
        rerun(store.active_folder());
        // Pending migrations: the files are in an older format.
        if let Err(error) = engine.check_readable(name) {
            problems.push(Problem::Other(error.to_string()));
            continue;
        }
        if let Err(errors) = store.check(&WorkingTree, ViewKind::Source) {
            problems.extend(errors.errors.into_iter().map(Problem::File));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(fail(problems))
    }
}

/// [`check`] for a build script: the directives to standard output; on a
/// problem, every problem to standard error and exit code 1 (Cargo shows
/// them and fails the build).
pub fn validate(registry: &Registry, project: impl AsRef<Path>) {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    if let Err(problems) = check(registry, project, &mut lock) {
        let _ = lock.flush();
        eprintln!("{problems}");
        std::process::exit(1);
    }
}
