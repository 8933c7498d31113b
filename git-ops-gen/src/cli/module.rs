//! `git-ops module ...`: the module at `--module-path`, from the module's
//! own registry (its binary) or from its store manifest (the plain binary).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use git_ops_runtime::StoreSchema;
use git_ops_runtime::store::Registry;
use serde_json::json;

use super::args::{ModuleArgs, ModuleCommand, StoreCommand, TableFormat};
use super::project::{json, schema_text};
use super::term::{self, LogLevel};
use super::{Context, Failure, Outcome, Stores, out, render};
use crate::discover::MANIFEST_FILE;
use crate::manifest::{Manifest, load_manifest};
use crate::{ModuleSpec, generate_module, migrations_of};

/// The module a `module` command works on.
pub(crate) struct Module {
    /// The module name.
    pub(crate) name: String,
    /// Its stores: in registration order, or sorted by name from a
    /// manifest.
    pub(crate) stores: Vec<StoreSchema>,
    /// Its migration names by store.
    pub(crate) migrations: BTreeMap<String, Vec<String>>,
    /// Whether the manifest records explicit parent relations.
    pub(crate) explicit_parent_relations: bool,
}

impl Module {
    /// The module of a registry: its name is the crate name the stores'
    /// entities start with.
    pub(crate) fn of_registry(registry: &Registry) -> Result<Module, Failure> {
        let mut names: Vec<&str> = registry
            .stores()
            .iter()
            .map(|s| s.schema().root.as_str().split("::").next().unwrap_or(""))
            .collect();
        names.sort_unstable();
        names.dedup();
        let name = match names.as_slice() {
            [one] => (*one).to_owned(),
            [] => return Err(Failure::error("this program registers no store")),
            many => {
                return Err(Failure::error(format!(
                    "the registered stores come from several crates ({}): a module's stores are the types of one crate",
                    many.join(", ")
                )));
            }
        };
        let stores: Vec<StoreSchema> = registry
            .stores()
            .iter()
            .map(|s| s.schema().clone())
            .collect();
        Ok(Module {
            name,
            stores,
            migrations: migrations_of(registry),
            explicit_parent_relations: false,
        })
    }

    /// The module of a manifest.
    pub(crate) fn of_manifest(manifest: Manifest) -> Module {
        Module {
            name: manifest.module,
            stores: manifest.stores,
            migrations: manifest.migrations,
            explicit_parent_relations: manifest.explicit_parent_relations,
        }
    }
}

/// The store manifest of the module folder `dir`:
/// `inmanta_plugins/<module>/git_ops_manifest.json`, exactly one.
pub(crate) fn manifest_in(dir: &Path) -> Result<PathBuf, Failure> {
    let plugins = dir.join("inmanta_plugins");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&plugins)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path().join(MANIFEST_FILE))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Failure::Usage(format!(
            "could not load module from path {}: no store manifest inmanta_plugins/<module>/{MANIFEST_FILE} (generate the module with its own binary first)",
            dir.display()
        ))),
        _ => Err(Failure::Usage(format!(
            "could not load module from path {}: several store manifests ({})",
            dir.display(),
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Runs a `module` command.
pub(crate) fn run(context: &Context, args: ModuleArgs) -> Outcome {
    let dir = args.module_path;
    if !dir.is_dir() {
        return Err(Failure::Usage(format!(
            "invalid value for --module-path: {} is not a folder",
            dir.display()
        )));
    }
    let module = match &context.stores {
        Stores::Registry(registry) => Module::of_registry(registry)?,
        Stores::Manifests => {
            let path = manifest_in(&dir)?;
            term::log(LogLevel::Debug, format!("manifest {}", path.display()));
            Module::of_manifest(load_manifest(&path).map_err(Failure::error)?)
        }
    };
    match args.command {
        ModuleCommand::Generate {
            explicit_parent_relations,
        } => {
            let report = generate_module(&ModuleSpec {
                name: module.name.clone(),
                dir: dir.clone(),
                header: None,
                stores: module.stores,
                explicit_parent_relations: explicit_parent_relations
                    || module.explicit_parent_relations,
                migrations: module.migrations,
            })
            .map_err(Failure::error)?;
            out(&render::generate_report(&report));
            Ok(ExitCode::SUCCESS)
        }
        ModuleCommand::Store(StoreCommand::List { format }) => {
            out(&match format {
                TableFormat::Table => render::store_list(&module.stores),
                TableFormat::Json => json(
                    &module
                        .stores
                        .iter()
                        .map(|s| {
                            json!({
                                "name": s.store,
                                "path": s.source,
                                "description": s.root_entity().description.clone().unwrap_or_default(),
                                "entity": s.root.as_str(),
                            })
                        })
                        .collect::<Vec<_>>(),
                ),
            });
            Ok(ExitCode::SUCCESS)
        }
        ModuleCommand::Store(StoreCommand::Schema { store }) => {
            let schema = module.stores.iter().find(|s| s.store == store).ok_or_else(|| {
                Failure::Usage(format!(
                    "invalid value for --store: store `{store}` is not registered; the stores are: {}",
                    module
                        .stores
                        .iter()
                        .map(|s| s.store.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            out(&schema_text(schema));
            Ok(ExitCode::SUCCESS)
        }
    }
}
