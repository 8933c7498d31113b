//! End-to-end test projects: a generated module (packaging, model, plugin)
//! installed in the test virtualenv, a project scaffolded for it, slice files
//! written by the test, views written by the engine, and `inmanta compile`.
//!
//! What the compiler produced is read back through a small plugin the tests
//! add to the module, as a module author adds their own (`model/report.cf`
//! and `inmanta_plugins/<module>/report.py`): an implementation on the base
//! entity of every slice object calls `<module>::report::record(self)`, which
//! appends the object's entity type and attributes (relations excluded) as a
//! JSON line to the file named by `GIT_OPS_E2E_REPORT`. Every object the
//! model creates goes through it, so the report is the list of instances of
//! the compile.
//!
//! The engine's write side (update, sync, prune) is not there yet: `sync`,
//! `prune` and `update` below do what they will do to the active folder and
//! the view files with the read side's API (`LoadedSlice::current`,
//! `LoadedSlice::view_file`, `view::view_index`).

use std::fs;
use std::path::{Path, PathBuf};

use git_ops_gen::ModuleSpec;
use git_ops_gen::project::{ProjectModule, ProjectSpec, scaffold_project};
use git_ops_runtime::StoreSchema;
use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::schema::{EntityId, EntityKind, FieldKind};
use git_ops_runtime::store::{
    Depth, Engine, OperationError, Options, Project, Registry, Store, UpdateOptions, ViewKind,
    WorkingTree,
};
use serde_json::{Map, Value};

use super::inmanta::{Compiled, Module, Venv, generate};
use super::rename_module;

/// The plugin recording every object of the compile.
const REPORT_PLUGIN: &str = r#""""
Test plugin: records every object the compile creates, its entity type and
attributes (relations excluded), as one JSON line in the file named by
GIT_OPS_E2E_REPORT.
"""

import json
import os

from inmanta.ast.attribute import RelationAttribute
from inmanta.execute.proxy import DictProxy, SequenceProxy
from inmanta.plugins import plugin


def _plain(value):
    if isinstance(value, (DictProxy, dict)):
        return {key: _plain(value[key]) for key in value}
    if isinstance(value, (SequenceProxy, list, tuple)):
        return [_plain(item) for item in value]
    return value


@plugin
def record(obj: "any") -> None:
    entity = obj._type()
    attributes = {}
    for name in entity.get_all_attribute_names():
        if not isinstance(entity.get_attribute(name), RelationAttribute):
            attributes[name] = _plain(getattr(obj, name))
    line = json.dumps({"type": entity.get_full_name(), "attributes": attributes})
    with open(os.environ["GIT_OPS_E2E_REPORT"], "a", encoding="utf-8") as file:
        file.write(line + "\n")
"#;

/// Generated modules and a project using them.
pub struct E2e {
    /// The virtualenv.
    pub venv: Venv,
    /// The modules and how they were generated (their stores renamed into
    /// the module).
    pub modules: Vec<(Module, ModuleSpec)>,
    /// The project and its stores.
    pub slices: Slices,
}

/// A module of an end-to-end project: its name, the stores of an example
/// crate, that crate's name, and whether the module has explicit parent
/// relations.
pub type ModuleDef<'a> = (&'a str, Vec<StoreSchema>, &'a str, bool);

impl std::ops::Deref for E2e {
    type Target = Slices;

    fn deref(&self) -> &Slices {
        &self.slices
    }
}

/// A project folder and the stores of its module: slice files written by
/// the test, and what the write side will do to the active folder and the
/// views.
pub struct Slices {
    /// The project folder (with a `project.yml`).
    pub project: PathBuf,
    /// The stores.
    pub stores: Vec<StoreSchema>,
}

/// One object of the compile.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// Its entity, e.g. `e2e_fs::File`.
    pub ty: String,
    /// Its attributes.
    pub attributes: Map<String, Value>,
}

impl Object {
    /// An attribute, which must exist.
    pub fn get(&self, name: &str) -> &Value {
        self.attributes
            .get(name)
            .unwrap_or_else(|| panic!("{} has no attribute {name}: {:?}", self.ty, self.attributes))
    }
}

/// What a successful compile created.
#[derive(Debug)]
pub struct Report {
    /// Every object, in no particular order.
    pub objects: Vec<Object>,
}

impl Report {
    /// The objects at `path` (several slices can have one).
    pub fn at(&self, path: &str) -> Vec<&Object> {
        self.objects
            .iter()
            .filter(|o| o.attributes.get("path") == Some(&Value::from(path)))
            .collect()
    }

    /// The root of slice `name`.
    pub fn root(&self, name: &str) -> &Object {
        let roots: Vec<&Object> = self
            .objects
            .iter()
            .filter(|o| {
                o.attributes.get("path") == Some(&Value::from("."))
                    && o.attributes.get("slice_name") == Some(&Value::from(name))
            })
            .collect();
        assert_eq!(roots.len(), 1, "one root of slice {name}: {roots:?}");
        roots[0]
    }

    /// `(path, operation)` of every object, sorted.
    pub fn operations(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .objects
            .iter()
            .map(|o| {
                (
                    o.get("path").as_str().unwrap().to_owned(),
                    o.get("operation").as_str().unwrap().to_owned(),
                )
            })
            .collect();
        out.sort();
        out
    }
}

impl E2e {
    /// Generates `stores` (of crate `from`) as module `name` with the
    /// packaging of `git_ops_gen::package`, adds the report plugin, installs
    /// the module, and scaffolds a project for it.
    pub fn new(name: &str, stores: Vec<StoreSchema>, from: &str, explicit: bool) -> E2e {
        E2e::with_modules(&[(name, stores, from, explicit)])
    }

    /// [`E2e::new`] with several modules in one project (in the folder of
    /// the first module).
    pub fn with_modules(definitions: &[ModuleDef<'_>]) -> E2e {
        E2e::with_modules_installed(definitions, false)
    }

    /// [`E2e::new`] with the module installed as a user without `inmanta
    /// module build` would: `pip install <module folder>`, built, not
    /// editable.
    pub fn built(name: &str, stores: Vec<StoreSchema>, from: &str) -> E2e {
        E2e::with_modules_installed(&[(name, stores, from, false)], true)
    }

    fn with_modules_installed(definitions: &[ModuleDef<'_>], built: bool) -> E2e {
        let venv = Venv::get();
        let mut modules = Vec::new();
        for (name, stores, from, explicit) in definitions {
            let stores = rename_module(stores.clone(), from, name);
            let (module, _) = generate(name, stores.clone(), None, *explicit);
            fs::write(module.dir.join("model/report.cf"), "").unwrap();
            fs::write(
                module
                    .dir
                    .join("inmanta_plugins")
                    .join(name)
                    .join("report.py"),
                REPORT_PLUGIN,
            )
            .unwrap();
            let spec = ModuleSpec {
                name: (*name).to_owned(),
                dir: module.dir.clone(),
                header: None,
                stores,
                explicit_parent_relations: *explicit,
                migrations: Default::default(),
            };
            modules.push((module, spec));
        }
        if built {
            for (module, _) in &modules {
                venv.install_built(module);
            }
        } else {
            venv.install(&modules.iter().map(|(m, _)| m).collect::<Vec<_>>());
        }
        let project = modules[0].0.project();
        let report = scaffold_project(&ProjectSpec {
            name: "e2e".to_owned(),
            dir: project.clone(),
            modules: modules
                .iter()
                .map(|(_, spec)| ProjectModule::from(spec))
                .collect(),
        })
        .unwrap_or_else(|err| panic!("{err}"));
        assert!(report.kept.is_empty(), "a fresh project: {report:?}");
        let main = project.join("main.cf");
        let mut text = fs::read_to_string(&main).unwrap();
        for (_, spec) in &modules {
            let name = &spec.name;
            text.push_str(&format!(
                "\n# Test: report every object.\nimport {name}::report\nimport {name}::git_ops\n\nimplementation report_{name} for {name}::git_ops::EmbeddedSliceObjectABC:\n    {name}::report::record(self)\nend\n\nimplement {name}::git_ops::EmbeddedSliceObjectABC using report_{name}\n"
            ));
        }
        fs::write(&main, text).unwrap();
        let stores = modules
            .iter()
            .flat_map(|(_, spec)| spec.stores.clone())
            .collect();
        E2e {
            venv,
            modules,
            slices: Slices { project, stores },
        }
    }

    /// Compiles the project in `mode` (`None`: the variable unset).
    pub fn compile(&self, mode: Option<&str>) -> (Compiled, PathBuf) {
        let report = self.project.with_file_name("report.jsonl");
        let _ = fs::remove_file(&report);
        let report_text = report.display().to_string();
        let mut env = vec![("GIT_OPS_E2E_REPORT", report_text.as_str())];
        if let Some(mode) = mode {
            env.push(("INMANTA_GIT_OPS_COMPILE_MODE", mode));
        }
        (self.venv.compile_project(&self.project, &env), report)
    }

    /// Compiles, which must succeed, and reads what it created.
    #[track_caller]
    pub fn compiled(&self, mode: Option<&str>) -> Report {
        let (compiled, report) = self.compile(mode);
        compiled.assert_success();
        let text = fs::read_to_string(&report).unwrap_or_default();
        let objects = text
            .lines()
            .map(|line| {
                let value: Value = serde_json::from_str(line).expect("a report line");
                Object {
                    ty: value["type"].as_str().unwrap().to_owned(),
                    attributes: value["attributes"].as_object().unwrap().clone(),
                }
            })
            .collect();
        Report { objects }
    }

    /// Compiles, which must fail with every one of `messages`.
    #[track_caller]
    pub fn compile_fails(&self, mode: Option<&str>, messages: &[&str]) {
        self.compile(mode).0.assert_failure(messages);
    }

    /// Asserts that the compile created exactly the objects of the views,
    /// comparing every attribute but `ignored` ones.
    #[track_caller]
    pub fn assert_matches_views(&self, report: &Report, kind: ViewKind, ignored: &[&str]) {
        let without = |mut map: Map<String, Value>| {
            for name in ignored {
                map.remove(*name);
            }
            canonical(&Value::Object(map))
        };
        let mut actual: Vec<String> = report
            .objects
            .iter()
            .map(|o| without(o.attributes.clone()))
            .collect();
        actual.sort();
        let mut expected: Vec<String> = self
            .expected(kind)
            .iter()
            .map(|text| match serde_json::from_str(text).unwrap() {
                Value::Object(map) => without(map),
                _ => unreachable!("objects are mappings"),
            })
            .collect();
        expected.sort();
        assert_eq!(
            actual,
            expected,
            "the compile created other objects than the {} views hold",
            kind.as_str()
        );
    }
}

impl Slices {
    /// A fresh project in `dir` (emptied) with `stores`.
    pub fn new(dir: &Path, stores: Vec<StoreSchema>) -> Slices {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join("project.yml"), "name: test\n").unwrap();
        Slices {
            project: dir.to_owned(),
            stores,
        }
    }

    /// The store named `name`.
    pub fn store(&self, name: &str) -> Store {
        let schema = self
            .stores
            .iter()
            .find(|s| s.store == name)
            .unwrap_or_else(|| panic!("no store {name}"))
            .clone();
        let project = Project::find(&self.project).expect("the project");
        Store::new(&project, schema)
            .expect("the store")
            .with_threads(1)
    }

    fn all_stores(&self) -> Vec<Store> {
        self.stores.iter().map(|s| self.store(&s.store)).collect()
    }

    /// Writes a file of the project (folders created).
    pub fn write(&self, relative: &str, content: &str) {
        let path = self.project.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    /// Removes a file of the project.
    pub fn remove(&self, relative: &str) {
        fs::remove_file(self.project.join(relative)).unwrap();
    }

    /// Replaces `from` by `to` in `main.cf` (which must contain it).
    pub fn edit_main(&self, from: &str, to: &str) {
        let main = self.project.join("main.cf");
        let text = fs::read_to_string(&main).unwrap();
        assert!(text.contains(from), "main.cf has no {from:?}:\n{text}");
        fs::write(main, text.replace(from, to)).unwrap();
    }

    /// The engine over this project's stores (schemas only, as the plain
    /// `git-ops` binary runs them from the manifests).
    fn with_engine<T>(&self, run: impl FnOnce(&Engine<'_>) -> Result<T, OperationError>) -> T {
        let mut registry = Registry::new();
        for schema in &self.stores {
            registry.manifest_store(schema.clone());
        }
        let project = Project::find(&self.project).expect("the project");
        let options = Options {
            durability: Durability::None,
            threads: 1,
            // The project lock is an flock: a process another test thread
            // forks (pip, python, inmanta) keeps a copy of the lock's file
            // descriptor until it execs, so the lock of an operation that
            // just ended can still be held for a moment. Waiting for it
            // avoids a spurious "another git-ops operation is running".
            wait_for_lock: true,
            ..Options::default()
        };
        let engine = Engine::new(project, &registry).with_options(options);
        run(&engine).unwrap_or_else(|e| panic!("{e}"))
    }

    /// What a user does before a commit: `git-ops project update`, then
    /// `git-ops project sync`.
    pub fn sync(&self) {
        self.update();
        self.with_engine(|engine| engine.sync());
    }

    /// `git-ops project prune`.
    pub fn prune(&self) {
        self.with_engine(|engine| engine.prune());
    }

    /// `git-ops project update`.
    pub fn update(&self) {
        self.with_engine(|engine| engine.update(&UpdateOptions::default()));
    }

    /// Every object of the views of `kind`, as the model must create it: for
    /// each element of each record, the attributes of its type (the root's
    /// with `version`, `slice_store`, `slice_name`), with the values of the
    /// view. Sorted, as canonical JSON.
    pub fn expected(&self, kind: ViewKind) -> Vec<String> {
        let mut out = Vec::new();
        for store in self.all_stores() {
            let listing = store.list_files(&WorkingTree, kind).unwrap();
            for slice in store.slices(&WorkingTree, &listing, kind, Depth::Full) {
                let slice = slice.unwrap_or_else(|e| panic!("{e}"));
                if let Some(view) = slice.view().unwrap_or_else(|e| panic!("{e}")) {
                    let schema = store.schema();
                    let root = &view.record.attributes;
                    objects(schema, &schema.root, root, root, &mut out);
                }
            }
        }
        out.sort();
        out
    }
}

/// The objects of one element of a view and of the elements it holds.
///
/// The root has `version`, `slice_store` and `slice_name`; so has an object
/// of a slice root type embedded in another slice, whose entity extends the
/// root base entity: the model gives it the values of its slice.
fn objects(
    schema: &StoreSchema,
    declared: &EntityId,
    element: &Value,
    root: &Value,
    out: &mut Vec<String>,
) {
    let id = match &schema.entity(declared).kind {
        EntityKind::Union { tag, members } => {
            let value = element[tag.as_str()].as_str().expect("a tag");
            &members
                .iter()
                .find(|m| m.value == value)
                .expect("a member")
                .entity
        }
        _ => declared,
    };
    let mut attributes = Map::new();
    for name in ["operation", "path"] {
        attributes.insert(name.to_owned(), element[name].clone());
    }
    if is_rootish(schema, id) {
        for name in ["version", "slice_store", "slice_name"] {
            attributes.insert(name.to_owned(), root[name].clone());
        }
    }
    for field in schema.all_fields(id) {
        match &field.kind {
            FieldKind::Value { .. } => {
                attributes.insert(field.name.clone(), element[field.name.as_str()].clone());
            }
            FieldKind::Relation { target, .. } => match &element[field.name.as_str()] {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items {
                        objects(schema, target, item, root, out);
                    }
                }
                single => objects(schema, target, single, root, out),
            },
        }
    }
    out.push(canonical(&Value::Object(attributes)));
}

/// Whether an entity is a slice root type or extends one.
fn is_rootish(schema: &StoreSchema, id: &EntityId) -> bool {
    let entity = schema.entity(id);
    entity.kind == EntityKind::Root || entity.bases.iter().any(|b| is_rootish(schema, b))
}

/// JSON with the keys of every mapping sorted.
pub fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&map[k])))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}
