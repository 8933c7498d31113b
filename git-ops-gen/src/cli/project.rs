//! `git-ops project ...`: the project, its stores (from the module's own
//! registry or from the manifests found), then the engine.

use std::path::Path;
use std::process::ExitCode;

use git_ops_runtime::document::json_schema;
use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{
    Engine, InspectError, Options, Project, Registry, UpdateOptions, ViewKind, WorkingTree,
};

use super::args::{
    PlanFormat, ProjectArgs, ProjectCommand, SliceCommand, SliceTarget, TableFormat, TextFormat,
    WriteArgs,
};
use super::term::{self, LogLevel};
use super::{Context, Failure, Outcome, Stores, out, render};
use crate::discover::{self, Search};
use crate::gittree::GitTree;
use crate::plan::PlanError;

/// Runs a `project` command.
pub(crate) fn run(context: &Context, args: ProjectArgs) -> Outcome {
    let (project, registry) = open(context, &args)?;
    match args.command {
        ProjectCommand::Update {
            refresh,
            stores,
            write,
            format,
        } => {
            let engine = engine(&project, &registry, &stores.stores, Some(&write));
            let report = engine.update(&UpdateOptions { refresh })?;
            print_report(&report, format);
            Ok(ExitCode::SUCCESS)
        }
        ProjectCommand::Sync {
            stores,
            write,
            format,
        } => {
            let engine = engine(&project, &registry, &stores.stores, Some(&write));
            let report = engine.sync()?;
            print_report(&report, format);
            Ok(ExitCode::SUCCESS)
        }
        ProjectCommand::Prune {
            stores,
            write,
            format,
        } => {
            let engine = engine(&project, &registry, &stores.stores, Some(&write));
            let report = engine.prune()?;
            print_report(&report, format);
            Ok(ExitCode::SUCCESS)
        }
        ProjectCommand::Recover { write, format } => {
            let engine = engine(&project, &registry, &[], Some(&write));
            let recovery = engine.recover()?;
            match format {
                TextFormat::Text => out(&render::recovery(&recovery)),
                TextFormat::Json => out(&json(&recovery)),
            }
            Ok(ExitCode::SUCCESS)
        }
        ProjectCommand::Slice(command) => slice(&project, &registry, command),
        ProjectCommand::Plan {
            base,
            format,
            detailed_exitcode,
            stores,
        } => {
            let engine = engine(&project, &registry, &[], None);
            let tree = GitTree::open(project.root(), &base).map_err(Failure::error)?;
            term::log(
                LogLevel::Debug,
                format!("base {base}: commit {}", tree.commit_id()),
            );
            let plan =
                crate::plan::plan(&engine, &stores.stores, &tree, &base).map_err(|e| match e {
                    PlanError::Operation(error) => Failure::from(error),
                    PlanError::WorkingTree(errors) => Failure::from(errors),
                    other => Failure::error(other),
                })?;
            out(&match format {
                PlanFormat::Table => render::plan_table(&plan),
                PlanFormat::Json => json(&plan),
                PlanFormat::Markdown => render::plan_markdown(&plan),
            });
            Ok(if detailed_exitcode && !plan.is_empty() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        ProjectCommand::Check { stores, format } => {
            let report = crate::check::check(&project, &registry, &stores.stores, threads())?;
            match format {
                TextFormat::Text => render::print_check(&report),
                TextFormat::Json => out(&json(&report)),
            }
            Ok(if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        ProjectCommand::Status { stores, format } => {
            let status = crate::status::status(&project, &registry, &stores.stores, threads())?;
            out(&match format {
                TableFormat::Table => render::status(&status),
                TableFormat::Json => json(&status),
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn threads() -> usize {
    Options::default().threads
}

/// JSON like Python's `json.dumps(value, indent=2)`.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> String {
    to_json(&serde_json::to_value(value).expect("reports serialise"))
}

fn print_report(report: &git_ops_runtime::store::Report, format: TextFormat) {
    match format {
        TextFormat::Text => out(&render::report(report)),
        TextFormat::Json => out(&json(report)),
    }
}

/// The project and its stores.
fn open(context: &Context, args: &ProjectArgs) -> Result<(Project, Registry), Failure> {
    let cwd = std::env::current_dir().map_err(Failure::error)?;
    let project = match &args.project {
        Some(dir) => Project::open(&cwd.join(dir)),
        None => Project::find(&cwd),
    }
    .map_err(Failure::error)?;
    term::log(
        LogLevel::Debug,
        format!("project {}", project.root().display()),
    );
    match &context.stores {
        Stores::Registry(registry) => {
            if !args.manifests.is_empty() || args.python.is_some() {
                term::log(
                    LogLevel::Warn,
                    "--manifest and --python are ignored: this program has its stores built in",
                );
            }
            // The stores of the project's other modules, by name only: the
            // configuration file may configure them (`docs/cli.md`).
            let mut registry = registry.clone();
            let search = Search {
                project: Some(project.root().to_path_buf()),
                module_path: project.module_path().to_vec(),
                virtual_env: virtual_env(),
                ..Search::default()
            };
            if let Ok(found) = discover::discover(&search) {
                registry.other_stores(
                    found
                        .found
                        .iter()
                        .flat_map(|module| module.manifest.stores.iter().map(|s| s.store.clone())),
                );
            }
            Ok((project, registry))
        }
        Stores::Manifests => {
            let search = Search {
                manifests: args.manifests.iter().map(|m| cwd.join(m)).collect(),
                project: Some(project.root().to_path_buf()),
                module_path: project.module_path().to_vec(),
                python: args.python.as_ref().map(|p| cwd.join(p)),
                virtual_env: virtual_env(),
            };
            let found = discover::discover(&search).map_err(Failure::error)?;
            for (path, why) in &found.skipped {
                term::log(
                    LogLevel::Debug,
                    format!("skipped {}: {why}", path.display()),
                );
            }
            let mut project = project;
            for module in &found.found {
                term::log(
                    LogLevel::Debug,
                    format!(
                        "module {} (stores {}) from {}",
                        module.manifest.module,
                        module
                            .manifest
                            .stores
                            .iter()
                            .map(|s| s.store.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        module.path.display()
                    ),
                );
                project = project.with_module(&module.manifest.module, &module.module_root);
            }
            let registry = discover::registry(&found.found).map_err(Failure::error)?;
            Ok((project, registry))
        }
    }
}

/// `$VIRTUAL_ENV`, when set and not empty.
fn virtual_env() -> Option<std::path::PathBuf> {
    std::env::var_os("VIRTUAL_ENV")
        .filter(|v| !v.is_empty())
        .map(Into::into)
}

fn engine<'r>(
    project: &Project,
    registry: &'r Registry,
    stores: &[String],
    write: Option<&WriteArgs>,
) -> Engine<'r> {
    let mut options = Options {
        stores: (!stores.is_empty()).then(|| stores.to_vec()),
        ..Options::default()
    };
    if let Some(write) = write {
        options.durability = Durability::from(write.durability);
        options.wait_for_lock = write.wait;
    }
    Engine::new(project.clone(), registry).with_options(options)
}

/// The prompt for a store: `Store (vlan, tree)`.
fn store_label(registry: &Registry) -> String {
    format!("Store ({})", registry.names().join(", "))
}

/// A required value: the argument, else asked on a terminal, else a usage
/// error.
fn required(
    value: Option<String>,
    flag: &str,
    variable: &str,
    label: &str,
) -> Result<String, Failure> {
    if let Some(value) = value {
        return Ok(value);
    }
    term::prompt(label).ok_or_else(|| {
        Failure::Usage(format!(
            "the following required argument was not provided: --{flag} <{}> (or set {variable})",
            flag.to_ascii_uppercase()
        ))
    })
}

/// The store and the name of a `slice create` or `slice inspect`.
fn slice_target(target: SliceTarget, registry: &Registry) -> Result<(String, String), Failure> {
    let store = required(
        target.store,
        "store",
        "INMANTA_GIT_OPS_SLICE_STORE",
        &store_label(registry),
    )?;
    let name = required(target.name, "name", "INMANTA_GIT_OPS_SLICE_NAME", "Name")?;
    Ok((store, name))
}

fn slice(project: &Project, registry: &Registry, command: SliceCommand) -> Outcome {
    match command {
        SliceCommand::Create {
            target,
            extension,
            write,
        } => {
            let (store, name) = slice_target(target, registry)?;
            let engine = engine(project, registry, &[], Some(&write));
            let created = engine.create(&store, &name, extension.as_str())?;
            out(&shown_from_cwd(&created.path, &created.shown));
            Ok(ExitCode::SUCCESS)
        }
        SliceCommand::List { store, format } => {
            let engine = engine(project, registry, &[], None);
            let names: Vec<String> = match store {
                Some(store) => {
                    engine.registered(&store)?;
                    vec![store]
                }
                None => registry.names().into_iter().map(str::to_owned).collect(),
            };
            let mut slices = Vec::new();
            for name in &names {
                engine.check_readable(name)?;
                slices.extend(engine.store(name)?.list(&WorkingTree, ViewKind::Source)?);
            }
            out(&match format {
                TableFormat::Table => render::slice_list(&slices),
                TableFormat::Json => json(&slices),
            });
            Ok(ExitCode::SUCCESS)
        }
        SliceCommand::Inspect { target } => {
            let (store, name) = slice_target(target, registry)?;
            let engine = engine(project, registry, &[], None);
            engine.check_readable(&store)?;
            let record = engine
                .store(&store)?
                .inspect(&WorkingTree, ViewKind::Source, &name)
                .map_err(|e| match e {
                    InspectError::Store(errors) => Failure::from(errors),
                    other => Failure::error(other),
                })?;
            out(&json(&record));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A file as the user sees it: relative to the working directory when it
/// is under it, else as the engine shows it (relative to the project
/// root) when that resolves the same, else absolute.
fn shown_from_cwd(path: &Path, shown: &str) -> String {
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(relative) = path.strip_prefix(&cwd)
    {
        return relative.display().to_string();
    }
    if Path::new(shown).is_absolute() {
        shown.to_owned()
    } else {
        path.display().to_string()
    }
}

/// The JSON Schema of a store, as `module store schema` prints it.
pub(crate) fn schema_text(schema: &git_ops_runtime::StoreSchema) -> String {
    to_json(&json_schema(schema))
}
