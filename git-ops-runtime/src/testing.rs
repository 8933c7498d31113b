//! Test support for module authors (feature `testing`): a throw-away inmanta
//! project to write slices into, run update, sync and prune on, and read the
//! merged instances back, in a plain `#[test]` (the counterpart of the
//! Python module's `GitOpsProject` / `GitOpsSlice` pytest helpers).
//!
//! ```
//! use git_ops_runtime::testing::TestProject;
//! use git_ops_runtime::{Slice, SliceObject};
//! use serde::{Deserialize, Serialize};
//!
//! /// One VLAN.
//! #[derive(Serialize, Deserialize, Slice)]
//! #[slice(store = "vlan")]
//! struct Vlan {
//!     /// The tag.
//!     #[slice(key)]
//!     vid: u16,
//!     /// A label.
//!     label: Option<String>,
//! }
//!
//! let project = TestProject::with_store::<Vlan>();
//! let campus = project.slice::<Vlan>("campus-10");
//! campus.write(&Vlan { vid: 10, label: None }); // write, update, sync
//! assert_eq!(campus.versions(), [1]);
//!
//! campus.write(&Vlan { vid: 10, label: Some("campus".into()) });
//! let instance = campus.instance().unwrap(); // what an export compile sees
//! assert_eq!(instance.version, 2);
//! assert_eq!(instance.attributes["operation"], "update");
//!
//! campus.remove(); // delete the source, update, sync
//! assert!(campus.instance().unwrap().deleted);
//! project.prune();
//! assert!(campus.instance().is_none());
//! ```
//!
//! Every operation panics with the rendered error when it fails (use
//! [`TestProject::engine`] for the `Result`s). Operations run without
//! `fsync` ([`Durability::None`]), on two threads.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::format::atomic::Durability;
use crate::format::json::to_json;
use crate::format::{self, Format};
use crate::schema::Slice;
use crate::store::{
    Engine, Options, Project, Registry, Report, SliceRecord, UpdateOptions, ViewKind, WorkingTree,
};

/// A temporary inmanta project with some stores. Deleted when dropped.
pub struct TestProject {
    dir: tempfile::TempDir,
    project: Project,
    registry: Registry,
    options: Options,
}

impl TestProject {
    /// A new project (a `project.yml` in a temporary folder) with the stores
    /// of `registry`.
    ///
    /// # Panics
    ///
    /// When the folder cannot be created or the registry has problems.
    pub fn new(registry: Registry) -> TestProject {
        if let Err(errors) = registry.check() {
            panic!("the registry has problems:\n{errors}");
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        fs::write(dir.path().join("project.yml"), "name: test\n").expect("write project.yml");
        let project = Project::find(dir.path()).expect("the project just written");
        TestProject {
            dir,
            project,
            registry,
            options: Options {
                durability: Durability::None,
                threads: 2,
                ..Options::default()
            },
        }
    }

    /// A project with the one store of slice type `T`.
    pub fn with_store<T: Slice>() -> TestProject {
        let mut registry = Registry::new();
        let _ = registry.store::<T>();
        TestProject::new(registry)
    }

    /// The same project with other stores: e.g. the next version of a
    /// module, with a new migration.
    ///
    /// # Panics
    ///
    /// When the registry has problems.
    pub fn with_registry(self, registry: Registry) -> TestProject {
        if let Err(errors) = registry.check() {
            panic!("the registry has problems:\n{errors}");
        }
        TestProject { registry, ..self }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The engine, for the operations' `Result`s and the other queries.
    pub fn engine(&self) -> Engine<'_> {
        Engine::new(self.project.clone(), &self.registry).with_options(self.options.clone())
    }

    /// Changes the options the operations run with.
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
    }

    /// A slice of the store of `T`.
    pub fn slice<T: Slice>(&self, name: &str) -> TestSlice<'_> {
        self.slice_in(T::STORE, name)
    }

    /// A slice of store `store`.
    pub fn slice_in(&self, store: &str, name: &str) -> TestSlice<'_> {
        TestSlice {
            project: self,
            store: store.to_owned(),
            name: name.to_owned(),
        }
    }

    fn expect(result: Result<Report, crate::store::OperationError>, what: &str) -> Report {
        result.unwrap_or_else(|error| panic!("{what} failed:\n{error}"))
    }

    /// Runs an update.
    pub fn update(&self) -> Report {
        TestProject::expect(self.engine().update(&UpdateOptions::default()), "update")
    }

    /// Runs a sync.
    pub fn sync(&self) -> Report {
        TestProject::expect(self.engine().sync(), "sync")
    }

    /// Runs a prune.
    pub fn prune(&self) -> Report {
        TestProject::expect(self.engine().prune(), "prune")
    }

    /// The instances of store `store` an export compile sees (the active
    /// view), by slice name.
    pub fn instances(&self, store: &str) -> Vec<SliceRecord> {
        let engine = self.engine();
        let store = engine.store(store).expect("a registered store");
        let listing = store
            .list_files(&WorkingTree, ViewKind::Active)
            .unwrap_or_else(|e| panic!("the store loads:\n{e}"));
        store
            .slices(
                &WorkingTree,
                &listing,
                ViewKind::Active,
                crate::store::Depth::Full,
            )
            .filter_map(|slice| {
                let slice = slice.unwrap_or_else(|e| panic!("the store loads:\n{e}"));
                slice
                    .record()
                    .unwrap_or_else(|e| panic!("the view builds:\n{e}"))
                    .cloned()
            })
            .collect()
    }

    /// The text of the file at `relative` (to the project root).
    ///
    /// # Panics
    ///
    /// When it cannot be read.
    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.root().join(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Writes `content` at `relative` (folders created).
    pub fn write(&self, relative: &str, content: &str) -> PathBuf {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().expect("a parent")).expect("create the folder");
        fs::write(&path, content).expect("write the file");
        path
    }

    /// Every file of the project (paths relative to the root, `/`
    /// separators) with its bytes, and every folder (its path with a
    /// trailing `/`, no bytes), but the lock and the change cache (local
    /// state, git-ignored) and the `git_ops/` folder that holds them: compare
    /// two snapshots to check what an operation changed. See
    /// [`snapshot_folder`] for links and other entries.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = snapshot_folder(self.root());
        out.remove(crate::store::LOCK_FILE);
        out.remove("git_ops/");
        out.retain(|path, _| !path.starts_with(crate::store::CACHE_FOLDER));
        out
    }
}

/// Every entry below `dir` (paths relative to it, `/` separators): a file
/// with its bytes, a folder as its path with a trailing `/` (no bytes), a
/// symbolic link as `symlink -> <target>` (not followed: a snapshot never
/// reads outside `dir`), anything else (a named pipe, a socket) as
/// `<not a file>` (never opened). Compare two snapshots to check that an
/// operation changed nothing, inside a project or outside it.
pub fn snapshot_folder(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    collect(dir, dir, &mut out);
    out
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let relative = path
            .strip_prefix(root)
            .expect("below the root")
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_symlink() {
            let target = fs::read_link(&path).unwrap_or_default();
            out.insert(
                relative,
                format!("symlink -> {}", target.display()).into_bytes(),
            );
        } else if file_type.is_dir() {
            out.insert(format!("{relative}/"), Vec::new());
            collect(root, &path, out);
        } else if !file_type.is_file() {
            out.insert(relative, b"<not a file>".to_vec());
        } else if let Ok(bytes) = fs::read(&path) {
            out.insert(relative, bytes);
        }
    }
}

/// One slice of a [`TestProject`].
pub struct TestSlice<'p> {
    project: &'p TestProject,
    store: String,
    name: String,
}

impl TestSlice<'_> {
    /// The slice name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn store(&self) -> crate::store::Store {
        self.project
            .engine()
            .store(&self.store)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The source files of the slice (any extension).
    fn source_files(&self) -> Vec<PathBuf> {
        let folder = self.store().source_folder().to_path_buf();
        let Ok(entries) = fs::read_dir(&folder) else {
            return Vec::new();
        };
        let mut out: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| {
                e.file_name().to_str().is_some_and(|n| {
                    format::filename::SliceFileName::parse(n).is_ok_and(|f| f.name == self.name)
                })
            })
            .map(|e| e.path())
            .collect();
        out.sort();
        out
    }

    /// Writes the slice's source file `<name>.json` from a typed value (in
    /// normalised form, as update writes it), replacing any other source
    /// file of the slice; runs nothing.
    ///
    /// # Panics
    ///
    /// When the value does not serialise or the schema refuses it.
    pub fn write_source<T: Serialize>(&self, value: &T) -> &Self {
        let value = serde_json::to_value(value).expect("the slice serialises");
        self.write_value(value)
    }

    /// Like [`TestSlice::write_source`], from a JSON value.
    pub fn write_value(&self, value: Value) -> &Self {
        let store = self.store();
        let documents = store.documents();
        // The typed path writes model-only fields too: drop them first.
        let normalised = documents
            .normalise(&documents.for_file(&value))
            .unwrap_or_else(|e| panic!("slice {} is refused:\n{e}", self.name));
        for file in self.source_files() {
            fs::remove_file(file).expect("remove the old source file");
        }
        let folder = store.source_folder();
        fs::create_dir_all(folder).expect("create the source folder");
        fs::write(
            folder.join(format!("{}.json", self.name)),
            to_json(&documents.for_file(&normalised)),
        )
        .expect("write the source file");
        self
    }

    /// Writes the source file (see [`TestSlice::write_source`]), then runs
    /// an update and a sync.
    pub fn write<T: Serialize>(&self, value: &T) -> &Self {
        self.write_source(value);
        self.project.update();
        self.project.sync();
        self
    }

    /// Deletes the slice's source file (if any); runs nothing.
    pub fn remove_source(&self) -> &Self {
        for file in self.source_files() {
            fs::remove_file(file).expect("remove the source file");
        }
        self
    }

    /// Deletes the source file, then runs an update and a sync.
    pub fn remove(&self) -> &Self {
        self.remove_source();
        self.project.update();
        self.project.sync();
        self
    }

    /// The source document as written in its file, `None` without one.
    pub fn source(&self) -> Option<Value> {
        let file = self.source_files().into_iter().next()?;
        let format = Format::from_extension(file.extension()?.to_str()?).ok()?;
        let bytes = fs::read(&file).ok()?;
        Some(Value::Object(format::read::read(&bytes, format).ok()?))
    }

    /// The source document read into its Rust type.
    ///
    /// # Panics
    ///
    /// Without a source file, or when serde refuses it.
    pub fn typed<T: DeserializeOwned>(&self) -> T {
        let source = self
            .source()
            .unwrap_or_else(|| panic!("slice {} has no source file", self.name));
        serde_json::from_value(source).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The versions in the active store, ascending.
    pub fn versions(&self) -> Vec<u64> {
        self.version_files()
            .iter()
            .filter_map(|f| {
                let name = f.file_name()?.to_str()?;
                format::filename::SliceFileName::parse(name).ok()?.version
            })
            .collect()
    }

    /// The active files of the slice, by ascending version.
    pub fn version_files(&self) -> Vec<PathBuf> {
        let store = self.store();
        let listing = store
            .list_files(&WorkingTree, ViewKind::Active)
            .unwrap_or_else(|e| panic!("the store lists:\n{e}"));
        listing
            .get(&self.name)
            .map(|s| s.active.iter().map(|f| f.path.clone()).collect())
            .unwrap_or_default()
    }

    /// The instance an export compile sees (the active view), `None` when
    /// the slice does not appear.
    pub fn instance(&self) -> Option<SliceRecord> {
        self.record(ViewKind::Active)
    }

    /// The instance an update compile sees (the source view).
    pub fn source_instance(&self) -> Option<SliceRecord> {
        self.record(ViewKind::Source)
    }

    fn record(&self, kind: ViewKind) -> Option<SliceRecord> {
        self.store()
            .view(&WorkingTree, kind, &self.name)
            .unwrap_or_else(|e| panic!("the store loads:\n{e}"))
            .map(|view| view.record)
    }
}
