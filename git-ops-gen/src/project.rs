//! Scaffolding an inmanta project that uses generated modules (what
//! `git-ops new project` creates; docs/project-layout.md):
//!
//! ```text
//! project.yml                  name, module path, pip settings
//! requirements.txt             the Python packages of the modules
//! main.cf                      unrolls every store (crate::unroll)
//! files/<store>/.gitkeep       the source folder of each store
//! files/git-ops-config.yml     schema_path of each store
//! files/schemas/<store>.json   the JSON Schema of each store (what update keeps up to date)
//! .vscode/settings.json        store folders mapped to their JSON Schemas
//! .gitignore                   lock, temporary files, source views, .venv, libs
//! ```
//!
//! Every file is written only when it does not exist: scaffolding again after
//! adding a store creates its folders and leaves `main.cf` and the settings
//! as they are (they are the author's).
//!
//! ```no_run
//! use git_ops_gen::project::{ProjectModule, ProjectSpec, scaffold_project};
//! # fn stores() -> Vec<git_ops_runtime::StoreSchema> { vec![] }
//!
//! let report = scaffold_project(&ProjectSpec {
//!     name: "campus".into(),
//!     dir: "campus".into(),
//!     modules: vec![ProjectModule::new("acme", stores())],
//! })?;
//! # Ok::<(), git_ops_gen::GenerateError>(())
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use git_ops_runtime::StoreSchema;
use git_ops_runtime::document::json_schema;
use git_ops_runtime::format::atomic::TEMPORARY_SUFFIX;
use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{
    CACHE_FOLDER, CONFIG_FILE, GitOpsConfig, JOURNAL_FILE, LOCK_FILE, Location,
};
use serde_json::{Value, json};

use crate::manifest::Manifest;
use crate::package::python_package_name;
use crate::template::{self, PROJECT_GITIGNORE, PROJECT_YML};
use crate::unroll::{UnrollModule, render_main};
use crate::{
    FileKind, GenerateError, GeneratedFile, ModuleSpec, ScaffoldReport, checked_stores, lower,
    write,
};

/// The folder of the JSON Schemas of the stores, in the project.
pub const SCHEMAS_FOLDER: &str = "files/schemas";
/// The editor settings file.
pub const EDITOR_SETTINGS: &str = ".vscode/settings.json";

/// A project to scaffold.
#[derive(Clone, Debug)]
pub struct ProjectSpec {
    /// The project name (`project.yml`).
    pub name: String,
    /// The project folder (created if missing).
    pub dir: PathBuf,
    /// The modules whose stores the project uses.
    pub modules: Vec<ProjectModule>,
}

/// A module used by a project.
#[derive(Clone, Debug)]
pub struct ProjectModule {
    /// The inmanta module name.
    pub name: String,
    /// Its stores.
    pub stores: Vec<StoreSchema>,
    /// Whether it was generated with explicit parent relations (the name of
    /// the reverse relations `main.cf` sets).
    pub explicit_parent_relations: bool,
    /// Its line in `requirements.txt`; `None` for [`python_package_name`].
    pub requirement: Option<String>,
}

impl ProjectModule {
    /// A module generated with the default parent relations, required by
    /// its package name.
    pub fn new(name: impl Into<String>, stores: Vec<StoreSchema>) -> ProjectModule {
        ProjectModule {
            name: name.into(),
            stores,
            explicit_parent_relations: false,
            requirement: None,
        }
    }
}

impl From<&ModuleSpec> for ProjectModule {
    fn from(spec: &ModuleSpec) -> Self {
        ProjectModule {
            name: spec.name.clone(),
            stores: spec.stores.clone(),
            explicit_parent_relations: spec.explicit_parent_relations,
            requirement: None,
        }
    }
}

impl From<&Manifest> for ProjectModule {
    fn from(manifest: &Manifest) -> Self {
        ProjectModule {
            name: manifest.module.clone(),
            stores: manifest.stores.clone(),
            explicit_parent_relations: manifest.explicit_parent_relations,
            requirement: None,
        }
    }
}

/// The files of a project, in path order, without touching the disk.
///
/// # Errors
///
/// [`GenerateError::Scaffold`] for an empty or multi-line project name, a
/// module given twice, a store name used by two modules, a source folder
/// holding the JSON Schemas folder; [`GenerateError::Model`] when a module's
/// stores cannot be rendered in the DSL.
pub fn render_project(spec: &ProjectSpec) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut problems = Vec::new();
    if spec.name.trim().is_empty() || spec.name.contains(['\n', '\r']) {
        problems.push(format!(
            "the project name must be one non-empty line, not {:?}",
            spec.name
        ));
    }
    let mut modules = Vec::new();
    let mut module_names = BTreeSet::new();
    let mut store_names = BTreeSet::new();
    for module in &spec.modules {
        if !module_names.insert(module.name.as_str()) {
            problems.push(format!("module `{}` is given twice", module.name));
            continue;
        }
        let module_spec = ModuleSpec {
            name: module.name.clone(),
            dir: PathBuf::new(),
            header: None,
            stores: module.stores.clone(),
            explicit_parent_relations: module.explicit_parent_relations,
            migrations: Default::default(),
        };
        let model_problem = |problems| GenerateError::Model {
            module: module.name.clone(),
            problems,
        };
        let stores = checked_stores(&module_spec).map_err(model_problem)?;
        let lowered = lower::lower_module(
            &stores,
            lower::LowerOptions {
                module: &module.name,
                explicit_parent_relations: module.explicit_parent_relations,
            },
        )
        .map_err(model_problem)?;
        for store in &stores {
            if !store_names.insert(store.store.clone()) {
                problems.push(format!(
                    "store `{}` of module `{}` has the name of a store of another module; store names are unique in a project",
                    store.store, module.name
                ));
            }
            if let Some(folder) = source_folder(store)
                && (folder.starts_with(SCHEMAS_FOLDER)
                    || Path::new(SCHEMAS_FOLDER).starts_with(&folder))
            {
                problems.push(format!(
                    "the source folder of store `{}` ({}) overlaps {SCHEMAS_FOLDER}, where the project keeps the JSON Schemas of the stores",
                    store.store,
                    folder.display()
                ));
            }
        }
        modules.push((module, stores, lowered));
    }
    if !problems.is_empty() {
        return Err(GenerateError::Scaffold {
            what: format!("project `{}`", spec.name),
            problems,
        });
    }
    modules.sort_by(|a, b| a.0.name.cmp(&b.0.name));

    let mut files = Vec::new();
    let mut add = |path: String, content: String| {
        files.push(GeneratedFile {
            path: PathBuf::from(path),
            content,
            kind: FileKind::Scaffold,
        });
    };
    add(
        "project.yml".to_owned(),
        template::render(
            PROJECT_YML,
            &[
                ("name", &yaml_str(spec.name.trim())),
                (
                    "description",
                    &yaml_str(&format!(
                        "GitOps with the stores of {}.",
                        modules
                            .iter()
                            .map(|(m, _, _)| m.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
            ],
        ),
    );
    add(
        ".gitignore".to_owned(),
        template::render(
            PROJECT_GITIGNORE,
            &[
                ("temporary_suffix", TEMPORARY_SUFFIX),
                ("lock_file", LOCK_FILE),
                ("journal_file", JOURNAL_FILE),
                ("cache_folder", CACHE_FOLDER),
            ],
        ),
    );
    let mut requirements = String::new();
    for (module, _, _) in &modules {
        requirements.push_str(
            module
                .requirement
                .clone()
                .unwrap_or_else(|| python_package_name(&module.name))
                .trim(),
        );
        requirements.push('\n');
    }
    add("requirements.txt".to_owned(), requirements);

    let unroll: Vec<UnrollModule<'_>> = modules
        .iter()
        .map(|(module, stores, lowered)| UnrollModule {
            name: &module.name,
            stores,
            lowered,
        })
        .collect();
    add("main.cf".to_owned(), render_main(spec.name.trim(), &unroll));

    let mut config = String::from(
        "# git-ops settings of this project: where `git-ops project update` writes the\n# JSON Schema of each store (docs/project-layout.md).\nstores:\n",
    );
    let mut json_schemas = Vec::new();
    let mut yaml_schemas = serde_json::Map::new();
    let mut all_stores: Vec<&StoreSchema> =
        modules.iter().flat_map(|(_, stores, _)| stores).collect();
    all_stores.sort_by(|a, b| a.store.cmp(&b.store));
    for store in all_stores {
        let schema = format!("{SCHEMAS_FOLDER}/{}.json", store.store);
        config.push_str(&format!(
            "  - store_name: {}\n    schema_path: {}\n",
            yaml_str(&store.store),
            yaml_str(&format!("inmanta:///{schema}"))
        ));
        add(schema.clone(), to_json(&json_schema(store)));
        if let Some(folder) = source_folder(store) {
            let folder = folder_text(&folder);
            add(format!("{folder}/.gitkeep"), String::new());
            json_schemas.push(json!({
                "fileMatch": [format!("/{folder}/*.json")],
                "url": format!("./{schema}"),
            }));
            yaml_schemas.insert(
                format!("./{schema}"),
                json!([format!("/{folder}/*.yaml"), format!("/{folder}/*.yml")]),
            );
        }
    }
    debug_assert!(
        GitOpsConfig::parse(config.as_bytes(), Path::new(CONFIG_FILE)).is_ok(),
        "the scaffolded configuration reads back:\n{config}"
    );
    add(CONFIG_FILE.to_owned(), config);
    let mut settings = serde_json::to_string_pretty(&json!({
        "json.schemas": json_schemas,
        "yaml.schemas": Value::Object(yaml_schemas),
    }))
    .expect("JSON serialises");
    settings.push('\n');
    add(EDITOR_SETTINGS.to_owned(), settings);

    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Scaffolds a project into `spec.dir` (created if missing): every file of
/// [`render_project`] that does not exist yet. Existing files are left as
/// they are (listed in [`ScaffoldReport::kept`]).
///
/// # Errors
///
/// As [`render_project`], or when a file cannot be written.
pub fn scaffold_project(spec: &ProjectSpec) -> Result<ScaffoldReport, GenerateError> {
    let files = render_project(spec)?;
    write::write_once(&spec.dir, files)
}

/// The source folder of a store relative to the project root, when its
/// location is in the project (`inmanta:///files/vlan/` → `files/vlan`).
fn source_folder(store: &StoreSchema) -> Option<PathBuf> {
    match Location::parse(&store.source) {
        Ok(Location::Project(path)) => Some(path),
        _ => None,
    }
}

/// A relative folder with `/` separators.
fn folder_text(folder: &Path) -> String {
    folder
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn yaml_str(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}
