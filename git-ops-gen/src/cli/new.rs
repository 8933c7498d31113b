//! `git-ops new module|project`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::args::NewCommand;
use super::module::{Module, manifest_in};
use super::term::{self, LogLevel};
use super::{Context, Failure, Outcome, Stores, out};
use crate::manifest::load_manifest;
use crate::new_module::{Dependency, NewModule, scaffold_module};
use crate::project::{ProjectModule, ProjectSpec, scaffold_project};

/// Runs a `new` command.
pub(crate) fn run(context: &Context, command: NewCommand) -> Outcome {
    match command {
        NewCommand::Module {
            name,
            dir,
            dependency,
            git_ops_rev,
            license,
        } => {
            let dependency = if let Some(path) = dependency.git_ops_path {
                let path = std::env::current_dir().map_err(Failure::error)?.join(path);
                if !path.join("git-ops-runtime/Cargo.toml").is_file() {
                    return Err(Failure::Usage(format!(
                        "invalid value for --git-ops-path: {} is not a git-ops-rs checkout (no git-ops-runtime/Cargo.toml)",
                        path.display()
                    )));
                }
                Dependency::Path(path)
            } else if let Some(url) = dependency.git_ops_git {
                Dependency::Git {
                    url,
                    rev: git_ops_rev,
                }
            } else if let Some(version) = dependency.git_ops_version {
                Dependency::Version(version)
            } else {
                Dependency::build_checkout().ok_or_else(|| {
                    Failure::Usage(
                        "the git-ops-rs checkout this program was built from is gone: say how the crate depends on git-ops with --git-ops-path, --git-ops-git or --git-ops-version".to_owned(),
                    )
                })?
            };
            let dir = dir.unwrap_or_else(|| PathBuf::from(&name));
            let report = scaffold_module(&NewModule {
                name: name.clone(),
                dir: dir.clone(),
                dependency,
                license,
            })
            .map_err(Failure::error)?;
            let mut lines = Vec::new();
            for path in &report.scaffold.created {
                lines.push(format!("created    {}", dir.join(path).display()));
            }
            for path in &report.scaffold.kept {
                lines.push(format!("kept       {}", dir.join(path).display()));
            }
            for path in &report.generated.written {
                lines.push(format!("generated  {}", dir.join(path).display()));
            }
            out(&lines.join("\n"));
            term::log(
                LogLevel::Info,
                format!(
                    "module `{name}` created in {}: `cargo test` there runs its tests, `cargo run -- module generate` regenerates the inmanta module after you change src/slices.rs, `cargo install --path .` installs `{}`",
                    dir.display(),
                    report.binary
                ),
            );
            Ok(ExitCode::SUCCESS)
        }
        NewCommand::Project {
            name,
            dir,
            modules,
            manifests,
        } => {
            let mut used: Vec<ProjectModule> = Vec::new();
            if let Stores::Registry(registry) = &context.stores {
                let module = Module::of_registry(registry)?;
                used.push(ProjectModule::new(module.name, module.stores));
            }
            let mut paths: Vec<PathBuf> = manifests;
            for module in &modules {
                paths.push(manifest_in(module)?);
            }
            for path in &paths {
                let manifest = load_manifest(path).map_err(Failure::error)?;
                used.push(ProjectModule::from(&manifest));
            }
            if used.is_empty() {
                return Err(Failure::Usage(
                    "a project uses modules: name them with --module <DIR> or --manifest <FILE>"
                        .to_owned(),
                ));
            }
            let dir = dir.unwrap_or_else(|| PathBuf::from(&name));
            let report = scaffold_project(&ProjectSpec {
                name,
                dir: dir.clone(),
                modules: used,
            })
            .map_err(Failure::error)?;
            let mut lines = Vec::new();
            for path in &report.created {
                lines.push(format!("created  {}", dir.join(path).display()));
            }
            for path in &report.kept {
                lines.push(format!("kept     {}", dir.join(path).display()));
            }
            out(&lines.join("\n"));
            Ok(ExitCode::SUCCESS)
        }
    }
}
