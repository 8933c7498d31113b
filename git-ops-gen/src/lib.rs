//! Generator for git-ops: inmanta model stubs, JSON Schemas, store manifests
//! and scaffolding, plus the `git-ops` command line.
//!
//! From the [`StoreSchema`]s of a module, [`generate_module`] writes into the
//! module directory:
//!
//! - the DSL model: one `.cf` file per Rust module holding slice types
//!   (`acme::slices::vlan::Vlan` → `model/slices/vlan/_init.cf`), the base
//!   entities in `model/git_ops.cf` (`acme::git_ops`), and empty placeholder
//!   files for enclosing modules that have no file;
//! - `schemas/<store>.json`: the JSON Schema of each store's slice files;
//! - `inmanta_plugins/<module>/git_ops_manifest.json`: the store manifest
//!   ([`manifest`]);
//! - `inmanta_plugins/<module>/__init__.py`: the inmanta plugin that gives the
//!   model the slices (`unroll_slices`, `attributes`, the getters; [`plugin`]).
//!
//! Around it, [`package`] renders the Python packaging of the module
//! (`setup.cfg`, `pyproject.toml`, `MANIFEST.in`, ...) and [`project`]
//! scaffolds an inmanta project using modules (`project.yml`, a `main.cf`
//! unrolling every store, source folders, editor settings); both write only
//! files that do not exist yet.
//!
//! Every generated file carries the watermark [`layout::WATERMARK`].
//! Regeneration rewrites only files whose content changed, deletes generated
//! files that are no longer produced (and the folders this empties), and never
//! touches a file without the watermark: when one sits where a generated file
//! must go, it fails naming it, before writing anything.
//!
//! ```no_run
//! use git_ops_gen::{ModuleSpec, generate_module};
//! # fn stores() -> Vec<git_ops_runtime::StoreSchema> { vec![] }
//!
//! let report = generate_module(&ModuleSpec {
//!     name: "acme".into(),
//!     dir: "path/to/inmanta-module-acme".into(),
//!     header: None,
//!     stores: stores(), // e.g. vec![Vlan::store_schema()]
//!     explicit_parent_relations: false,
//!     migrations: Default::default(),
//! })?;
//! for path in &report.written {
//!     println!("wrote {}", path.display());
//! }
//! # Ok::<(), git_ops_gen::GenerateError>(())
//! ```
//!
//! How the schema model maps to the DSL is described in `docs/generator.md`.
#![deny(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use git_ops_runtime::StoreSchema;
use git_ops_runtime::document::json_schema;
use serde_json::{Map, Value};

pub mod check;
pub mod cli;
pub mod discover;
pub mod dsl;
pub mod gittree;
pub mod layout;
pub mod lower;
pub mod manifest;
pub mod new_module;
pub mod package;
pub mod plan;
pub mod plugin;
pub mod project;
pub mod status;
pub mod template;
pub mod unroll;
mod write;

use dsl::ir::{DslModule, ModulePath};
use dsl::names;
use dsl::render::render_module;

/// What to generate, and where.
#[derive(Clone, Debug)]
pub struct ModuleSpec {
    /// The inmanta module name: the name of the crate declaring the slice
    /// types (every entity id starts with it).
    pub name: String,
    /// The module directory (it must exist).
    pub dir: PathBuf,
    /// Printed at the top of every `.cf` file (e.g. a docstring with a
    /// copyright notice); `None` for a default docstring naming the module.
    pub header: Option<String>,
    /// The stores of the module.
    pub stores: Vec<StoreSchema>,
    /// Name the reverse relation of an embedded entity after its owner
    /// (`tree`, `embedded_slice`) instead of `parent`.
    pub explicit_parent_relations: bool,
    /// The names of each store's migrations (store name → names), recorded
    /// in the manifest so that the plain `git-ops` binary knows them
    /// ([`manifest`]); empty when the module has none. From a registry:
    /// [`migrations_of`].
    pub migrations: BTreeMap<String, Vec<String>>,
}

/// The migration names of every store of `registry` that has some, for
/// [`ModuleSpec::migrations`].
pub fn migrations_of(registry: &git_ops_runtime::store::Registry) -> BTreeMap<String, Vec<String>> {
    registry
        .stores()
        .iter()
        .filter(|store| !store.migration_names().is_empty())
        .map(|store| {
            (
                store.name().to_owned(),
                store
                    .migration_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .collect()
}

/// The role of a generated file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A `.cf` file of the model.
    Model,
    /// An empty `.cf` file for an enclosing module without elements; only
    /// written when the module has no file of the author's.
    Placeholder,
    /// The JSON Schema of a store.
    JsonSchema,
    /// The store manifest.
    Manifest,
    /// The inmanta plugin of the module (`inmanta_plugins/<module>/__init__.py`).
    Plugin,
    /// A file written once and then left to the author (packaging, project
    /// scaffolding): never overwritten.
    Scaffold,
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the module directory.
    pub path: PathBuf,
    /// Full text.
    pub content: String,
    /// Role.
    pub kind: FileKind,
}

/// What [`generate_module`] did, paths relative to the module directory,
/// each list sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateReport {
    /// Files created or changed.
    pub written: Vec<PathBuf>,
    /// Generated files whose content was already right.
    pub unchanged: Vec<PathBuf>,
    /// Generated files no longer produced, deleted.
    pub removed: Vec<PathBuf>,
}

/// What a scaffolding function ([`package::write_python_package`],
/// [`project::scaffold_project`]) did, paths relative to the folder, each
/// list sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScaffoldReport {
    /// Files that did not exist and were written.
    pub created: Vec<PathBuf>,
    /// Files that already existed and were left as they are.
    pub kept: Vec<PathBuf>,
}

/// Why a module cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The module directory is missing.
    #[error("module directory {} does not exist", .0.display())]
    ModuleDir(PathBuf),
    /// The stores cannot be rendered in the DSL (names, types outside the
    /// crate, clashing names, invalid stores).
    #[error("cannot generate module `{module}`:\n  - {}", problems.join("\n  - "))]
    Model {
        /// The module.
        module: String,
        /// One sentence per problem.
        problems: Vec<String>,
    },
    /// What to scaffold is invalid (names, versions, clashing stores).
    #[error("cannot scaffold {what}:\n  - {}", problems.join("\n  - "))]
    Scaffold {
        /// What was to be scaffolded, e.g. "project `campus`".
        what: String,
        /// One sentence per problem.
        problems: Vec<String>,
    },
    /// Files without the watermark are where generated files must go.
    #[error(
        "refusing to overwrite files that git-ops did not generate (they do not end with the `{}` watermark): {}; move them away, nothing was written",
        layout::WATERMARK,
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NotGenerated {
        /// The files, under the module directory.
        paths: Vec<PathBuf>,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Every file of a module, in path order, without touching the disk.
///
/// Placeholders ([`FileKind::Placeholder`]) are listed for every enclosing
/// module; [`generate_module`] skips those the author already has a file for.
///
/// # Errors
///
/// [`GenerateError::Model`] with every problem found.
pub fn plan_module(spec: &ModuleSpec) -> Result<Vec<GeneratedFile>, GenerateError> {
    let problem = |problems: Vec<String>| GenerateError::Model {
        module: spec.name.clone(),
        problems,
    };
    let stores = checked_stores(spec).map_err(problem)?;
    let modules = lower::lower(
        &stores,
        lower::LowerOptions {
            module: &spec.name,
            explicit_parent_relations: spec.explicit_parent_relations,
        },
    )
    .map_err(problem)?;
    let plugin = plugin::render_plugin(&spec.name, &stores, &spec.migrations, &modules);

    let frame = layout::frame(&spec.name, spec.header.as_deref());
    let mut files = Vec::new();
    let defined: BTreeSet<&ModulePath> = modules.iter().map(|m| &m.path).collect();
    let mut placeholders = BTreeSet::new();
    for module in &modules {
        let mut ancestor = module.path.parent();
        while let Some(path) = ancestor {
            if !defined.contains(&path) {
                placeholders.insert(path.clone());
            }
            ancestor = path.parent();
        }
        files.push(GeneratedFile {
            path: layout::model_file(&module.path),
            content: render_module(module, &frame),
            kind: FileKind::Model,
        });
    }
    for path in placeholders {
        let module = DslModule {
            path,
            elements: Vec::new(),
        };
        files.push(GeneratedFile {
            path: layout::model_file(&module.path),
            content: render_module(&module, &frame),
            kind: FileKind::Placeholder,
        });
    }
    for store in &stores {
        files.push(GeneratedFile {
            path: layout::schema_file(&store.store),
            content: render_json_schema(store),
            kind: FileKind::JsonSchema,
        });
    }
    files.push(GeneratedFile {
        path: layout::manifest_file(&spec.name),
        content: manifest::render_manifest(
            &spec.name,
            &stores,
            spec.explicit_parent_relations,
            &spec.migrations,
        ),
        kind: FileKind::Manifest,
    });
    files.push(GeneratedFile {
        path: layout::plugin_file(&spec.name),
        content: plugin,
        kind: FileKind::Plugin,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Generates the model, the JSON Schemas and the manifest of a module into
/// its directory (see the crate documentation for the rules).
///
/// # Errors
///
/// When the directory is missing, the stores cannot be rendered, a file
/// without the watermark is in the way (nothing is written then), or a file
/// cannot be read or written.
pub fn generate_module(spec: &ModuleSpec) -> Result<GenerateReport, GenerateError> {
    if !spec.dir.is_dir() {
        return Err(GenerateError::ModuleDir(spec.dir.clone()));
    }
    let files = plan_module(spec)?;
    write::apply(
        &spec.dir,
        files,
        &[
            layout::manifest_file(&spec.name),
            layout::plugin_file(&spec.name),
        ],
    )
}

/// The JSON Schema file of a store: [`json_schema`] with a `$comment`
/// carrying the watermark first, pretty-printed with two-space indentation,
/// ending with a newline.
pub fn render_json_schema(store: &StoreSchema) -> String {
    let Value::Object(schema) = json_schema(store) else {
        unreachable!("a JSON Schema is an object");
    };
    let mut out = Map::new();
    out.insert(
        layout::JSON_COMMENT.to_owned(),
        Value::from(layout::json_comment(&format!(
            "JSON Schema of the slices of store {}",
            store.store
        ))),
    );
    out.extend(schema);
    let mut text = serde_json::to_string_pretty(&Value::Object(out)).expect("JSON serialises");
    text.push('\n');
    text
}

/// The stores, checked again with [`StoreSchema::build`] and sorted by name,
/// or the problems with the module name and the store names.
pub(crate) fn checked_stores(spec: &ModuleSpec) -> Result<Vec<StoreSchema>, Vec<String>> {
    let mut problems = Vec::new();
    if let Some(problem) = names::module_segment_problem(&spec.name) {
        problems.push(format!(
            "`{}` cannot name an inmanta module: {problem}",
            spec.name
        ));
    }
    let mut stores: Vec<StoreSchema> = Vec::new();
    for store in &spec.stores {
        // The store name's rule (the derive's) is checked by
        // `StoreSchema::build`, with the source location: both become paths.
        if stores.iter().any(|s| s.store == store.store) {
            problems.push(format!("store `{}` is given twice", store.store));
            continue;
        }
        match StoreSchema::build(
            store.store.clone(),
            store.source.clone(),
            store.root.clone(),
            store.entities.values().cloned(),
        ) {
            Ok(built) => stores.push(built),
            Err(err) => problems.push(format!("store `{}`: {err}", store.store)),
        }
    }
    for (store, names) in &spec.migrations {
        if !spec.stores.iter().any(|s| &s.store == store) {
            problems.push(format!(
                "migrations are given for store `{store}`, which is not a store of the module"
            ));
        }
        for name in names {
            if name.is_empty() || name.chars().any(char::is_control) {
                problems.push(format!(
                    "store `{store}`: {name:?} is not a valid migration name (non-empty, no control characters)"
                ));
            }
        }
    }
    stores.sort_by(|a, b| a.store.cmp(&b.store));
    if problems.is_empty() {
        Ok(stores)
    } else {
        Err(problems)
    }
}

/// The module directory's manifest path: `<dir>/inmanta_plugins/<module>/git_ops_manifest.json`.
pub fn manifest_path(dir: &Path, module: &str) -> PathBuf {
    dir.join(layout::manifest_file(module))
}
