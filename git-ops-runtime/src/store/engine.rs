//! [`Engine`]: the operations that change a project, and the queries the
//! command line needs on top of the read side (`docs/operations.md`).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

use super::cache::{Cache, CleanDraft, CleanSlice, Clock};
use super::config::GitOpsConfig;
use super::error::{StoreError, StoreErrors};
use super::files::{StoreFiles as _, WorkingTree};
use super::lock::{LockError, ProjectLock};
use super::migrate::MigrationPlan;
use super::processors::ProcessorPlan;
use super::project::{LocationError, Project};
use super::reader::Store;
use super::registry::{RegisteredStore, Registry, RegistryErrors};
use super::report::{FileChange, Operation, Recovery, Report, StoreReport};
use super::slice::ViewKind;
use super::txn::{self, FaultInjector, Transaction, TxnError};
use super::used_values::UsedValuesQuery;
use super::view::view_folder;
use crate::dictpath::{DictPath, LookupError, PathError};
use crate::format::atomic::Durability;

/// Why an operation failed. Nothing changed on disk (except for
/// [`OperationError::Transaction`] after the commit point, which a rerun
/// completes).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OperationError {
    /// The registry has problems.
    #[error("the registered stores have problems:\n{0}")]
    Registry(#[from] RegistryErrors),
    /// No store of that name is registered.
    #[error("no store named `{name}`; the stores are: {}", if known.is_empty() { "none".to_owned() } else { known.join(", ") })]
    UnknownStore {
        /// The name asked for.
        name: String,
        /// The registered stores.
        known: Vec<String>,
    },
    /// A location (source folder, schema path) cannot be resolved.
    #[error("store `{store}`: {error}")]
    Location {
        /// The store.
        store: String,
        /// Why.
        error: LocationError,
    },
    /// The project lock cannot be taken.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Files of the store (or the configuration file) are refused: every
    /// problem, each with its file, position and dict path.
    #[error("{0}")]
    Store(StoreErrors),
    /// A file or folder cannot be read or listed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file, as shown.
        path: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Staging, committing or recovering files failed.
    #[error(transparent)]
    Transaction(#[from] TxnError),
    /// `.migrations.json` is not a migration state file.
    #[error("{file}: invalid migration state file: {message}")]
    MigrationState {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// A migration failed on a file.
    #[error("{file}: migration `{migration}` of store `{store}` failed: {message}")]
    Migration {
        /// The store.
        store: String,
        /// The migration.
        migration: String,
        /// The file it was applied to.
        file: String,
        /// Why.
        message: String,
    },
    /// The migrations turned a file into a document the schema refuses.
    #[error(
        "{file}: after migrations {}, the document does not match the schema of store `{store}`:\n{}",
        migrations.join(", "),
        errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n")
    )]
    MigrationOutput {
        /// The store.
        store: String,
        /// The migrations applied.
        migrations: Vec<String>,
        /// The file.
        file: String,
        /// The schema's messages.
        errors: Vec<String>,
    },
    /// Migrations must run that this program does not have (a store from a
    /// manifest).
    #[error(
        "store `{store}` needs migrations this program does not have ({}): run the update with the module's own git-ops binary, which registers them",
        names.join(", ")
    )]
    MigrationsNeedModule {
        /// The store.
        store: String,
        /// The migrations.
        names: Vec<String>,
    },
    /// Pending migrations block an operation other than update.
    #[error(
        "store `{store}` has pending migrations ({}): run `git-ops project update` first",
        names.join(", ")
    )]
    PendingMigrations {
        /// The store.
        store: String,
        /// The pending migrations, in order.
        names: Vec<String>,
    },
    /// A dry run ([`Options::dry_run`]) found the journal of an interrupted
    /// operation: what the project holds is not what any operation left.
    #[error(
        "an interrupted git-ops operation left its journal {journal}: run `git-ops project recover` to finish it first"
    )]
    Interrupted {
        /// The journal, relative to the project root.
        journal: String,
    },
    /// A processor failed, or must fill a value and is not available.
    #[error(transparent)]
    Processor(Box<ProcessorFailure>),
    /// The dict path of an element cannot be built.
    #[error("store `{store}`, slice `{slice}`: {error}")]
    Path {
        /// The store.
        store: String,
        /// The slice.
        slice: String,
        /// Why.
        error: PathError,
    },
    /// A `used_values` path meets a value of the wrong kind.
    #[error("store `{store}`, slice `{slice}`: used values: {error}")]
    UsedValues {
        /// The store.
        store: String,
        /// The slice.
        slice: String,
        /// Why.
        error: Box<LookupError>,
    },
    /// No slice of that name.
    #[error("no slice named `{name}` in store `{store}`")]
    UnknownSlice {
        /// The store.
        store: String,
        /// The slice.
        name: String,
    },
    /// Sync refused: an update would still change the sources.
    #[error(
        "the sources are not up to date; run `git-ops project update` first:\n{}",
        slices.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
    )]
    NotUpToDate {
        /// The slices and why, by store then name.
        slices: Vec<Stale>,
    },
    /// A name that cannot be a slice name.
    #[error("{name:?} cannot be a slice name: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// Why.
        reason: String,
    },
    /// An extension other than `json`, `yaml`, `yml`.
    #[error("unsupported slice file extension {0:?}: choose json, yaml or yml")]
    UnsupportedExtension(String),
    /// `create` of a slice whose source file exists.
    #[error("a source slice named `{name}` already exists in store `{store}` at {file}")]
    SliceExists {
        /// The store.
        store: String,
        /// The slice.
        name: String,
        /// Its source file.
        file: String,
    },
    /// `set_attribute` on a slice without a source document.
    #[error(
        "slice `{name}` of store `{store}` has no source document (no source file, or an empty one): create or restore it first"
    )]
    NoSource {
        /// The store.
        store: String,
        /// The slice.
        name: String,
    },
    /// `set_attribute` under an element that is deleted from the source.
    #[error(
        "cannot set attribute on a deleted element: `{path}` in slice `{name}` of store `{store}` is deleted from the source slice and cannot be modified"
    )]
    DeletedElement {
        /// The store.
        store: String,
        /// The slice.
        name: String,
        /// The path asked for.
        path: String,
    },
    /// `set_attribute` on a path that designates nothing settable.
    #[error("cannot set `{path}` in slice `{name}` of store `{store}`: {error}")]
    Lookup {
        /// The store.
        store: String,
        /// The slice.
        name: String,
        /// The path.
        path: String,
        /// Why.
        error: Box<LookupError>,
    },
}

/// A processor that failed, or that must fill a value and is not available.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {path}: processor `{processor}` of store `{store}` {reason}")]
pub struct ProcessorFailure {
    /// The store.
    pub store: String,
    /// The slice.
    pub slice: String,
    /// The source file.
    pub file: String,
    /// The dict path of the field.
    pub path: String,
    /// The processor: `unique_integer`, `simple_value` or a custom name.
    pub processor: String,
    /// What went wrong.
    pub reason: ProcessorFailureReason,
}

/// What went wrong with a processor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessorFailureReason {
    /// It returned an error (the message), or no value.
    #[error("failed: {0}")]
    Failed(String),
    /// A custom processor that is not registered.
    #[error(
        "must fill this value, {}",
        if *manifest { "but it is Rust code of the module: run the update with the module's own git-ops binary" } else { "but it is not registered" }
    )]
    Unavailable {
        /// Whether the store comes from a manifest.
        manifest: bool,
    },
}

/// A slice an update would still change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The store.
    pub store: String,
    /// The slice.
    pub slice: String,
    /// Its source file.
    pub file: String,
    /// What the update would do.
    pub reasons: Vec<String>,
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: store `{}`, slice `{}`: {}",
            self.file,
            self.store,
            self.slice,
            self.reasons.join("; ")
        )
    }
}

impl From<StoreErrors> for OperationError {
    fn from(errors: StoreErrors) -> Self {
        OperationError::Store(errors)
    }
}

/// How operations run.
#[derive(Debug, Clone)]
pub struct Options {
    /// What a commit makes durable (`docs/operations.md`). Default
    /// [`Durability::Fsync`]: once an operation returns, its files survive
    /// a power cut.
    pub durability: Durability,
    /// Wait for the project lock instead of failing when another operation
    /// holds it. Default false.
    pub wait_for_lock: bool,
    /// Threads for loading slices. Default: the available parallelism.
    pub threads: usize,
    /// Use the change cache (`git_ops/.cache/`) to skip slices unchanged
    /// since the last operation. Default true.
    pub cache: bool,
    /// Only these stores; `None` (the default) for every registered store.
    pub stores: Option<Vec<String>>,
    /// Compute what the operation would do without doing it: the returned
    /// [`Report`] lists the files it would write and remove, the versions
    /// it would create, the values it would fill, and nothing changes in
    /// the project. The operation runs as usual up to its commit point:
    /// it reads everything, refuses what it would refuse, and stages its
    /// files as hidden temporary files, which it deletes instead of
    /// committing. It takes no lock, does not finish an interrupted
    /// operation (it fails with [`OperationError::Interrupted`] while one
    /// left its journal) and leaves the change cache as it is. Default
    /// false. `git-ops project check` and `status` use it.
    pub dry_run: bool,
    /// Where the change cache takes "now" from ([`Clock`]): a source file
    /// read by an operation is recorded in the cache only if it changed
    /// [`super::RACY_MARGIN`] before. Default [`Clock::System`].
    pub clock: Clock,
    /// Test hook: simulate a crash (see [`FaultInjector`]).
    #[doc(hidden)]
    pub fault: Option<FaultInjector>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            durability: Durability::Fsync,
            wait_for_lock: false,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cache: true,
            stores: None,
            dry_run: false,
            clock: Clock::System,
            fault: None,
        }
    }
}

/// Options of [`Engine::update`].
#[derive(Debug, Clone, Default)]
pub struct UpdateOptions {
    /// Run every processor again, also on fields that have a value:
    /// `simple_value` sets its value again, `unique_integer` keeps a value
    /// no other object of its scope uses and replaces the others, custom
    /// processors decide (they see [`super::ProcessorContext::refresh`]).
    pub refresh: bool,
}

/// A slice file created by [`Engine::create`].
#[derive(Debug, Clone)]
pub struct Created {
    /// The new file.
    pub path: PathBuf,
    /// The file relative to the project root (`files/fs/etc.json`).
    pub shown: String,
    /// The operation's report.
    pub report: Report,
}

/// One store, ready for an operation.
pub(crate) struct Prepared<'r> {
    pub(crate) registered: &'r RegisteredStore,
    pub(crate) store: Store,
    pub(crate) plan: ProcessorPlan,
    pub(crate) migrations: MigrationPlan,
}

/// The new cache of a store: slices still clean from the old one, and
/// drafts of the slices the operation leaves clean.
pub(crate) type CacheUpdate = (Cache, Vec<(String, CleanSlice)>, Vec<(String, CleanDraft)>);

/// What an operation did to one store, before its commit.
pub(crate) struct StoreOutcome {
    pub(crate) report: StoreReport,
    /// The new cache: slices still clean from the old one, and drafts of
    /// the slices the operation leaves clean. `None`: leave the cache file.
    pub(crate) cache: Option<CacheUpdate>,
}

/// The operations that change a project (update, sync, prune,
/// create, set an attribute) and the queries the command line needs on top
/// of the read side.
///
/// ```
/// use git_ops_runtime::store::{Engine, Project, Registry, UpdateOptions};
/// # use git_ops_runtime::Slice;
/// # #[derive(serde::Serialize, serde::Deserialize, Slice)]
/// # #[slice(store = "vlan")]
/// # struct Vlan { #[slice(key)] vid: u16, label: Option<String> }
///
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("project.yml"), "name: demo\n").unwrap();
/// std::fs::create_dir_all(dir.path().join("files/vlan")).unwrap();
/// std::fs::write(dir.path().join("files/vlan/campus-10.yaml"), "vid: 10\n").unwrap();
///
/// let mut registry = Registry::new();
/// let _ = registry.store::<Vlan>();
/// let engine = Engine::new(Project::find(dir.path()).unwrap(), &registry);
///
/// let update = engine.update(&UpdateOptions::default()).unwrap();
/// assert_eq!(
///     std::fs::read_to_string(dir.path().join("files/vlan/campus-10.yaml")).unwrap(),
///     "vid: 10\nlabel: null\n"
/// );
/// assert_eq!(update.store("vlan").unwrap().slices[0].version, 1); // to be synced
///
/// let sync = engine.sync().unwrap();
/// assert!(dir.path().join("git_ops/active/vlan/campus-10@v1.json").exists());
/// assert!(engine.sync().unwrap().is_noop());
/// # let _ = sync;
/// ```
///
/// Every operation:
///
/// 1. checks the registry ([`super::Registry::check`]);
/// 2. takes the project lock ([`super::ProjectLock`]);
/// 3. finishes an interrupted earlier operation ([`Engine::recover`]);
/// 4. reads and checks everything it needs, staging the files it will write
///    in a transaction (`docs/operations.md`); on any problem it returns the
///    error and nothing changes on disk;
/// 5. commits: every file lands, or a rerun finishes the landing.
pub struct Engine<'r> {
    project: Project,
    registry: &'r Registry,
    options: Options,
}

impl<'r> Engine<'r> {
    /// The engine of `project` with the stores of `registry`, default
    /// [`Options`].
    pub fn new(project: Project, registry: &'r Registry) -> Engine<'r> {
        Engine {
            project,
            registry,
            options: Options::default(),
        }
    }

    /// Runs operations with `options`.
    pub fn with_options(mut self, options: Options) -> Engine<'r> {
        self.options = options;
        self
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The project.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The registry.
    pub fn registry(&self) -> &'r Registry {
        self.registry
    }

    /// The registered store `name`.
    ///
    /// # Errors
    ///
    /// [`OperationError::UnknownStore`].
    pub fn registered(&self, name: &str) -> Result<&'r RegisteredStore, OperationError> {
        self.registry
            .get(name)
            .ok_or_else(|| OperationError::UnknownStore {
                name: name.to_owned(),
                known: self
                    .registry
                    .names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            })
    }

    /// The read side of store `name` (for `slice list`, `slice inspect`,
    /// the getters): call [`Engine::check_readable`] first, so that pending
    /// migrations are reported instead of schema errors.
    ///
    /// # Errors
    ///
    /// An unknown store, a source location that cannot be resolved.
    pub fn store(&self, name: &str) -> Result<Store, OperationError> {
        let registered = self.registered(name)?;
        self.open(registered)
    }

    fn open(&self, registered: &RegisteredStore) -> Result<Store, OperationError> {
        let store = Store::new(&self.project, registered.schema().clone())
            .map_err(|error| OperationError::Location {
                store: registered.name().to_owned(),
                error,
            })?
            .with_threads(self.options.threads)
            .with_raw_sources(true);
        // Before anything reads the store's folders (the migration state
        // file included): no link out of the project on the way.
        let mut problems = Vec::new();
        self.check_folder_links(store.source_within(), store.source_folder(), &mut problems);
        self.check_folder_links(self.project.root(), store.active_folder(), &mut problems);
        if problems.is_empty() {
            Ok(store)
        } else {
            Err(OperationError::Store(StoreErrors::new(problems)))
        }
    }

    /// Adds the problem of a link on the way to `path` (below `within`).
    fn check_folder_links(&self, within: &Path, path: &Path, problems: &mut Vec<StoreError>) {
        if let Err(problem) = WorkingTree.check_links(within, path) {
            let shown = self.project.relative(&problem.link);
            if !problems.iter().any(|p| p.file == shown) {
                problems.push(StoreError::link(shown, problem));
            }
        }
    }

    /// Checks that no folder an operation writes to is reached through a
    /// symbolic link that leaves the project or cannot be followed
    /// (`docs/operations.md`, "Links"): `git_ops/` (the lock, the journal,
    /// the cache), and every store's active, view and source folders.
    /// Before the lock is taken: the lock file is in `git_ops/`.
    fn check_write_links(&self) -> Result<(), OperationError> {
        let root = self.project.root();
        let mut problems = Vec::new();
        self.check_folder_links(root, &root.join(super::cache::CACHE_FOLDER), &mut problems);
        for registered in self.registry.stores() {
            let name = registered.name();
            self.check_folder_links(root, &self.project.active_folder(name), &mut problems);
            for kind in [ViewKind::Source, ViewKind::Active] {
                self.check_folder_links(root, &view_folder(root, name, kind), &mut problems);
            }
            if let Ok(source) = self.project.resolve(&registered.schema().source) {
                let within = if source.starts_with(root) {
                    root
                } else {
                    source.as_path()
                };
                self.check_folder_links(within, &source, &mut problems);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(OperationError::Store(StoreErrors::new(problems)))
        }
    }

    /// The pending migrations of store `name`, in the order they apply.
    ///
    /// # Errors
    ///
    /// An unknown store; an unreadable state file.
    pub fn pending_migrations(&self, name: &str) -> Result<Vec<String>, OperationError> {
        let registered = self.registered(name)?;
        let store = self.open(registered)?;
        Ok(self.migration_plan(registered, &store)?.pending)
    }

    /// Checks that store `name` can be read with the current schema: no
    /// pending migration, no migration the program does not know of (a
    /// store from a manifest). `slice list` and `slice inspect` call it.
    ///
    /// # Errors
    ///
    /// [`OperationError::PendingMigrations`],
    /// [`OperationError::MigrationsNeedModule`], an unknown store.
    pub fn check_readable(&self, name: &str) -> Result<(), OperationError> {
        let registered = self.registered(name)?;
        let store = self.open(registered)?;
        self.migration_plan(registered, &store)?
            .check(registered, false)
    }

    pub(crate) fn migration_plan(
        &self,
        registered: &RegisteredStore,
        store: &Store,
    ) -> Result<MigrationPlan, OperationError> {
        MigrationPlan::read(registered, store.active_folder(), &|p| store.shown(p))
    }

    /// The value at `path` in the view of slice `name` (spec §6.8
    /// `get_slice_attribute`); `None` for an unknown slice or a path that
    /// designates nothing.
    ///
    /// # Errors
    ///
    /// Problems of the store's files; pending migrations.
    pub fn get_attribute(
        &self,
        store: &str,
        kind: ViewKind,
        name: &str,
        path: &DictPath,
    ) -> Result<Option<Value>, OperationError> {
        self.check_readable(store)?;
        Ok(self
            .store(store)?
            .get_attribute(&WorkingTree, kind, name, path)?)
    }

    /// `used_values` (spec §7.2): the values `query` finds in the merged
    /// views of store `store` (deleted slices and elements included),
    /// sorted, without duplicates.
    ///
    /// # Errors
    ///
    /// Problems of the store's files; a path meeting a value of the wrong
    /// kind; an unknown slice in [`UsedValuesQuery::slice`].
    pub fn used_values(
        &self,
        store: &str,
        kind: ViewKind,
        query: &UsedValuesQuery,
    ) -> Result<Vec<Value>, OperationError> {
        self.check_readable(store)?;
        let store = self.store(store)?;
        let listing = store.list_files(&WorkingTree, kind)?;
        super::used_values::used_values(&store, &WorkingTree, &listing, kind, query)
    }

    /// Whether an interrupted operation left a journal to replay (a status
    /// command can tell the user; the next mutating operation replays it).
    pub fn has_interrupted_operation(&self) -> bool {
        txn::has_journal(self.project.root())
    }

    /// Finishes an interrupted operation (`git-ops project recover`):
    /// replays its journal, removes the temporary files it left. Every
    /// mutating operation does this first; this one also finishes an
    /// operation one of whose files can never be written (a name longer
    /// than the file system allows, in a journal of an older git-ops)
    /// without that file, listing it in [`Recovery::dropped`]. The replay
    /// only rolls forward: once the journal is written, the files it
    /// replaces are gone (`docs/operations.md`).
    ///
    /// # Errors
    ///
    /// The lock is taken; the journal cannot be read, or names a path
    /// git-ops does not write ([`TxnError::JournalRefused`], nothing
    /// changed); a file cannot be renamed or removed
    /// ([`TxnError::Replay`], e.g. a folder is in the way: move it away and
    /// recover again).
    pub fn recover(&self) -> Result<Recovery, OperationError> {
        self.check_write_links()?;
        let _lock = self.lock()?;
        Ok(txn::recover(
            self.project.root(),
            &self.writable(),
            &self.folders(),
            self.options.durability,
            true,
        )?)
    }

    pub(crate) fn lock(&self) -> Result<ProjectLock, OperationError> {
        Ok(ProjectLock::acquire(
            self.project.root(),
            self.options.wait_for_lock,
        )?)
    }

    /// Every folder an operation may leave a temporary file in.
    fn folders(&self) -> Vec<PathBuf> {
        let root = self.project.root();
        let mut folders = vec![root.join("git_ops"), root.join(super::cache::CACHE_FOLDER)];
        for registered in self.registry.stores() {
            let name = registered.name();
            if let Ok(source) = self.project.resolve(&registered.schema().source) {
                folders.push(source);
            }
            folders.push(self.project.active_folder(name));
            let views = root.join(super::project::VIEWS_FOLDER).join(name);
            folders.push(views.clone());
            folders.push(view_folder(root, name, ViewKind::Source));
            folders.push(view_folder(root, name, ViewKind::Active));
        }
        folders.extend(
            self.schema_files()
                .iter()
                .filter_map(|path| path.parent().map(Path::to_path_buf)),
        );
        folders
    }

    /// The JSON Schema files the configuration names that resolve inside
    /// the project: the configuration cannot make git-ops write, rename or
    /// delete anything elsewhere (update refuses the others, see
    /// [`GitOpsConfig::check`]).
    fn schema_files(&self) -> Vec<PathBuf> {
        let Ok(config) = GitOpsConfig::read(&self.project, &WorkingTree) else {
            return Vec::new();
        };
        let Some(inside) = super::confine::resolve(self.project.root()) else {
            return Vec::new();
        };
        config
            .stores
            .iter()
            .filter_map(|store| self.project.resolve(store.schema_path.as_ref()?).ok())
            .filter(|path| super::confine::resolve(path).is_some_and(|p| p.starts_with(&inside)))
            .collect()
    }

    /// The places a journal may name (`docs/operations.md`, "Journal
    /// replay"): the folders and files the registered stores' operations
    /// write, from the registry and the configuration.
    fn writable(&self) -> txn::Writable {
        let root = self.project.root();
        let mut writable = txn::Writable::default();
        for registered in self.registry.stores() {
            let name = registered.name();
            if let Ok(source) = self.project.resolve(&registered.schema().source) {
                writable.sources.insert(source);
            }
            writable.active.insert(self.project.active_folder(name));
            writable
                .view_indexes
                .insert(root.join(super::project::VIEWS_FOLDER).join(name));
            for kind in [ViewKind::Source, ViewKind::Active] {
                writable.views.insert(view_folder(root, name, kind));
            }
        }
        writable.schemas.extend(self.schema_files());
        writable.reserved.extend([
            root.join(super::project::PROJECT_FILE),
            self.project.config_file(),
            root.join(txn::JOURNAL_FILE),
            root.join(super::lock::LOCK_FILE),
        ]);
        writable
    }

    fn recover_locked(&self) -> Result<Recovery, OperationError> {
        Ok(txn::recover(
            self.project.root(),
            &self.writable(),
            &self.folders(),
            self.options.durability,
            false,
        )?)
    }

    /// The stores an operation works on: the selected ones, in
    /// registration order.
    pub(crate) fn selected(&self) -> Result<Vec<&'r RegisteredStore>, OperationError> {
        match &self.options.stores {
            None => Ok(self.registry.stores().iter().collect()),
            Some(names) => {
                for name in names {
                    self.registered(name)?;
                }
                Ok(self
                    .registry
                    .stores()
                    .iter()
                    .filter(|s| names.iter().any(|n| n == s.name()))
                    .collect())
            }
        }
    }

    pub(crate) fn prepare(
        &self,
        registered: &'r RegisteredStore,
    ) -> Result<Prepared<'r>, OperationError> {
        let store = self.open(registered)?;
        let migrations = self.migration_plan(registered, &store)?;
        Ok(Prepared {
            registered,
            plan: ProcessorPlan::new(registered.schema()),
            store,
            migrations,
        })
    }

    /// Runs a mutating operation: checks, lock, recovery, then `body`
    /// stages changes in a transaction which is committed when it returns
    /// successfully.
    pub(crate) fn run<F>(&self, operation: Operation, body: F) -> Result<Report, OperationError>
    where
        F: FnOnce(&Transaction) -> Result<Vec<StoreOutcome>, OperationError>,
    {
        self.registry.check()?;
        self.check_write_links()?;
        if self.options.dry_run {
            if self.has_interrupted_operation() {
                return Err(OperationError::Interrupted {
                    journal: txn::JOURNAL_FILE.to_owned(),
                });
            }
            let txn = Transaction::new(
                self.project.root(),
                operation,
                self.options.durability,
                None,
            );
            let outcomes = body(&txn)?;
            txn.check_views()?;
            // Dropping the transaction deletes what it staged.
            let changes = txn.planned();
            let (stores, _) = self.store_reports(outcomes, changes);
            return Ok(Report {
                operation,
                recovered: Recovery::default(),
                stores,
            });
        }
        let _lock = self.lock()?;
        let recovered = self.recover_locked()?;
        let txn = Transaction::new(
            self.project.root(),
            operation,
            self.options.durability,
            self.options.fault.clone(),
        );
        let outcomes = body(&txn)?;
        let changes = txn.commit()?;
        let (stores, caches) = self.store_reports(outcomes, changes);
        for (mut cache, kept, drafts) in caches {
            for (name, clean) in kept {
                cache.insert(name, clean);
            }
            // One `stat` per file written: in parallel.
            let finished = parallel_map(&drafts, self.options.threads, |(_, draft)| draft.finish());
            for ((name, _), clean) in drafts.into_iter().zip(finished) {
                if let Some(clean) = clean {
                    cache.insert(name, clean);
                }
            }
            cache.save();
        }
        Ok(Report {
            operation,
            recovered,
            stores,
        })
    }

    /// The reports of the stores, each with its files among `changes`, and
    /// the new caches.
    fn store_reports(
        &self,
        outcomes: Vec<StoreOutcome>,
        changes: Vec<FileChange>,
    ) -> (Vec<StoreReport>, Vec<CacheUpdate>) {
        let places = self.places();
        let mut by_store: Vec<Vec<FileChange>> = vec![Vec::new(); outcomes.len()];
        for change in changes {
            let path = if Path::new(&change.path).is_absolute() {
                PathBuf::from(&change.path)
            } else {
                self.project.root().join(&change.path)
            };
            let owner = outcomes.iter().position(|o| {
                places
                    .iter()
                    .find(|(store, _)| *store == o.report.store)
                    .is_some_and(|(_, folders)| folders.iter().any(|f| path.starts_with(f)))
            });
            if let Some(i) = owner {
                by_store[i].push(change);
            }
        }
        let mut stores = Vec::with_capacity(outcomes.len());
        let mut caches = Vec::new();
        for (outcome, files) in outcomes.into_iter().zip(by_store) {
            let mut report = outcome.report;
            report.files = files;
            report.slices.sort();
            stores.push(report);
            if let Some(cache) = outcome.cache {
                caches.push(cache);
            }
        }
        (stores, caches)
    }

    /// The folders (and schema file) of each store, for the reports.
    fn places(&self) -> Vec<(&str, Vec<PathBuf>)> {
        let root = self.project.root();
        let config = GitOpsConfig::read(&self.project, &WorkingTree).ok();
        self.registry
            .stores()
            .iter()
            .map(|registered| {
                let store = registered.name();
                let mut folders = vec![
                    self.project.active_folder(store),
                    root.join(super::project::VIEWS_FOLDER).join(store),
                ];
                if let Ok(source) = self.project.resolve(&registered.schema().source) {
                    folders.push(source);
                }
                if let Some(schema) = config
                    .as_ref()
                    .and_then(|c| c.store(store))
                    .and_then(|s| s.schema_path.as_ref())
                    .and_then(|p| self.project.resolve(p).ok())
                {
                    folders.push(schema);
                }
                (store, folders)
            })
            .collect()
    }
}

/// Runs `f` on every item, on up to `threads` threads, returning the results
/// in item order.
pub(crate) fn parallel_map<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    const CHUNK: usize = 32;
    let threads = threads.min(items.len().div_ceil(CHUNK)).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let chunks: Vec<&[T]> = items.chunks(CHUNK).collect();
    let results: Vec<Mutex<Vec<R>>> = chunks.iter().map(|_| Mutex::new(Vec::new())).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(chunk) = chunks.get(i) else {
                        break;
                    };
                    let out: Vec<R> = chunk.iter().map(&f).collect();
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = out;
                }
            });
        }
    });
    results
        .into_iter()
        .flat_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}
