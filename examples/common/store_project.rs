//! A temporary inmanta project for the store tests of the example crates
//! (`#[path = "../../common/store_project.rs"] mod store_project;`): write
//! source and active files by hand, then read them with the engine.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use git_ops_runtime::StoreSchema;
use git_ops_runtime::dictpath::DictPath;
use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{
    Depth, Project, SliceView, Store, StoreErrors, ViewKind, WorkingTree,
};
use serde_json::Value;

/// A project in a temporary folder, with one store.
pub struct TestProject {
    pub dir: tempfile::TempDir,
    pub store: Store,
}

impl TestProject {
    /// An empty project (a `project.yml`) with the store of `schema`.
    pub fn new(schema: StoreSchema) -> TestProject {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("project.yml"), "name: test\n").expect("write");
        let project = Project::find(dir.path()).expect("the project");
        let store = Store::new(&project, schema)
            .expect("the store")
            .with_threads(2);
        TestProject { dir, store }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `content` at `relative` (folders created).
    pub fn write(&self, relative: &str, content: &str) -> PathBuf {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write");
        path
    }

    /// Writes active version `version` of slice `name` as git-ops does
    /// (`{}` for `Value::Null`: a tombstone).
    pub fn active(&self, name: &str, version: u64, doc: Value) -> PathBuf {
        let text = if doc.is_null() {
            "{}".to_owned()
        } else {
            to_json(&doc)
        };
        self.write(
            &format!(
                "git_ops/active/{}/{name}@v{version}.json",
                self.store.name()
            ),
            &text,
        )
    }

    /// Writes source file `file` (e.g. `a.yaml`) of the store.
    pub fn source(&self, file: &str, content: &str) -> PathBuf {
        let path = self.store.source_folder().join(file);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write");
        path
    }

    /// Writes source file `<name>.json` with `doc`.
    pub fn source_json(&self, name: &str, doc: Value) -> PathBuf {
        self.source(&format!("{name}.json"), &to_json(&doc))
    }

    pub fn remove_source(&self, file: &str) {
        std::fs::remove_file(self.store.source_folder().join(file)).expect("remove");
    }

    /// The view of slice `name`, `None` when it does not appear.
    pub fn try_view(&self, kind: ViewKind, name: &str) -> Result<Option<SliceView>, StoreErrors> {
        self.store.view(&WorkingTree, kind, name)
    }

    /// The view of slice `name`, which must appear.
    pub fn view(&self, kind: ViewKind, name: &str) -> SliceView {
        self.try_view(kind, name)
            .unwrap_or_else(|e| panic!("the store loads:\n{e}"))
            .unwrap_or_else(|| panic!("slice {name} appears"))
    }

    /// The names of the slices that appear, in order.
    pub fn names(&self, kind: ViewKind) -> Vec<String> {
        self.store
            .list(&WorkingTree, kind)
            .unwrap_or_else(|e| panic!("the store loads:\n{e}"))
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    /// Every view of a kind, in order, loaded through the streaming iterator.
    pub fn views(&self, kind: ViewKind) -> Vec<SliceView> {
        let listing = self.store.list_files(&WorkingTree, kind).expect("listing");
        self.store
            .slices(&WorkingTree, &listing, kind, Depth::Full)
            .filter_map(|slice| slice.expect("loads").view().expect("view").cloned())
            .collect()
    }
}

/// Every element of a view (a mapping with an `operation`), in document
/// order, as `(path, operation)`.
pub fn operations(view: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect(view, &mut out);
    out
}

fn collect(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(op)), Some(Value::String(path))) =
                (map.get("operation"), map.get("path"))
            {
                out.push((path.clone(), op.clone()));
            }
            for value in map.values() {
                collect(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        _ => {}
    }
}

/// The operation of the element at `path` of a view.
pub fn op(view: &SliceView, path: &str) -> String {
    let path = DictPath::parse(path).expect("a path");
    let element = view.try_attribute(&path).unwrap_or_else(|e| panic!("{e}"));
    element["operation"]
        .as_str()
        .expect("an element")
        .to_owned()
}

/// `(path, operation)` pairs from string literals.
pub fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(p, o)| ((*p).to_owned(), (*o).to_owned()))
        .collect()
}
