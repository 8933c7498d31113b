//! The store engine: from the files of a project to the views the inmanta
//! model sees (the read side), and the operations that change them (the
//! write side).
//!
//! Read side:
//!
//! - [`Project`]: the project root, location strings, fixed folders;
//!   [`GitOpsConfig`]: `files/git-ops-config.yml`.
//! - [`StoreFiles`]: file access (the working tree, [`WorkingTree`], or any
//!   other snapshot, e.g. a git tree).
//! - [`Store`]: one store, its schema compiled once. [`Store::list_files`]
//!   lists the folders ([`StoreListing`], names and paths only);
//!   [`Store::load`] reads the files of one slice and assigns its version
//!   ([`LoadedSlice`]); [`Store::slices`] loads every slice in name order, a
//!   batch at a time in parallel, so that a store of any size is processed
//!   with a bounded amount of memory.
//! - [`LoadedSlice::view`]: the merged view ([`SliceView`]: the
//!   [`SliceRecord`] the model sees and the folded previous versions), with
//!   the attribute lookups of the getters.
//! - [`view`]: the view files the generated inmanta plugin reads.
//!
//! Write side (`docs/operations.md`):
//!
//! - [`Registry`]: the stores of a module, with their custom processors and
//!   migrations (from Rust types, or schemas only from a manifest).
//! - [`Engine`]: [`Engine::update`], [`Engine::sync`], [`Engine::prune`],
//!   [`Engine::create`], [`Engine::set_attribute`], [`Engine::used_values`],
//!   [`Engine::recover`]; each returns a [`Report`] and writes nothing when
//!   it fails.
//! - Safety: a project lock ([`ProjectLock`]), transactions committed
//!   through a journal and replayed after a crash, a change cache keyed by
//!   file identities.
//!
//! ```
//! use git_ops_runtime::store::{Depth, Project, Store, ViewKind, WorkingTree};
//! use git_ops_runtime::schema::{EntityId, EntityKind, EntitySchema, Field, FieldKind, StoreSchema, ValueType};
//!
//! # let field = |name: &str| Field {
//! #     name: name.into(), rust_name: None, description: None,
//! #     kind: FieldKind::Value { ty: ValueType::INT, nullable: false },
//! #     default: None, model_only: false, discriminator: false, processor: None,
//! # };
//! # let vlan = EntitySchema {
//! #     id: EntityId::from("acme::Vlan"), kind: EntityKind::Root, description: None,
//! #     bases: vec![], fields: vec![field("vid")], keys: Some(vec!["vid".into()]),
//! #     resolved_keys: vec![], discriminator: None,
//! # };
//! # let schema = StoreSchema::build("vlan", "inmanta:///files/vlan/", vlan.id.clone(), [vlan]).unwrap();
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::create_dir_all(dir.path().join("files/vlan")).unwrap();
//! std::fs::write(dir.path().join("files/vlan/campus-10.yaml"), "vid: 10\n").unwrap();
//!
//! let project = Project::at(dir.path());
//! let store = Store::new(&project, schema).unwrap();
//! let listing = store.list_files(&WorkingTree, ViewKind::Source).unwrap();
//! let slice = store.load(&WorkingTree, listing.get("campus-10").unwrap(), ViewKind::Source, Depth::Full).unwrap();
//! let record = slice.record().unwrap().unwrap();
//! assert_eq!(record.version, 1);
//! assert_eq!(record.attributes["operation"], "create");
//! assert_eq!(record.attributes["vid"], 10);
//! ```
//!
//! `docs/store-semantics.md` explains the store model and the decisions
//! taken where the reference has gaps; `docs/views.md` the view files.

mod attribute;
mod cache;
mod config;
mod confine;
mod create;
mod engine;
mod error;
mod files;
mod listing;
mod load;
mod lock;
mod merge;
mod migrate;
mod outputs;
mod plan;
mod processors;
mod project;
mod prune;
mod reader;
mod record;
mod registry;
mod report;
mod root_keys;
mod slice;
mod sync;
mod txn;
mod update;
mod used_values;
pub mod view;

pub use cache::{CACHE_FOLDER, Clock, RACY_MARGIN};
pub use create::check_slice_name;
pub use engine::{
    Created, Engine, OperationError, Options, ProcessorFailure, ProcessorFailureReason, Stale,
    UpdateOptions,
};
pub use lock::{LOCK_FILE, LockError, ProjectLock};
pub use migrate::STATE_FILE;
pub use processors::ProcessorContext;
pub use registry::{
    MigrationFn, ProcessorFn, RegisteredStore, Registry, RegistryError, RegistryErrors,
    StoreBuilder, StoreOrigin,
};
pub use report::{
    Change, FileChange, FileKind, FilledValue, Operation, Recovery, Report, SliceChange,
    SliceChangeKind, StoreReport,
};
pub use txn::{
    FaultInjector, JOURNAL_FILE, JournalRefused, ReplayFailure, TargetProblem, TxnError,
};
pub use used_values::UsedValuesQuery;

pub use config::{GitOpsConfig, StoreConfig};
pub use confine::{LinkProblem, LinkProblemKind};
pub use error::{StoreError, StoreErrorKind, StoreErrors};
pub use files::{EntryKind, FolderEntry, LinkTarget, StoreFiles, WorkingTree};
pub use listing::{SliceFiles, StoreFile, StoreListing};
pub use load::LoadedFile;
pub use merge::{operation, values_equal};
pub use project::{
    ACTIVE_FOLDER, CONFIG_FILE, Location, LocationError, PROJECT_FILE, Project, ProjectError,
    VIEWS_FOLDER,
};
pub use reader::{AttributeError, InspectError, Slices, Store};
pub use record::{PreviousLookupError, SliceRecord, SliceSummary, SliceView};
pub use slice::{Current, Depth, LoadedSlice, ViewKind};
pub use view::{ViewFile, ViewFileHead, ViewInput};
