//! [`Registry`]: the stores a command works on, with their custom processors
//! and migrations.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::processors::ProcessorContext;
use crate::schema::{ProcessorSpec, Slice, StoreSchema};

/// A custom processor: computes the value of a field from its context
/// (`docs/processors.md`). `Err` aborts the update with the message.
pub type ProcessorFn = Arc<dyn Fn(&ProcessorContext<'_>) -> Result<Value, String> + Send + Sync>;

/// A migration: turns a slice document written for the old schema (as read
/// from the file, not normalised) into one for the new schema
/// (`docs/migrations.md`). `Err` aborts the update with the message.
pub type MigrationFn = Arc<dyn Fn(Value) -> Result<Value, String> + Send + Sync>;

/// Where a registered store comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOrigin {
    /// From a Rust slice type ([`Registry::store`]): its processors and
    /// migrations are the functions registered with it.
    Typed,
    /// From a store manifest ([`Registry::manifest_store`]): the schema only.
    Manifest,
}

/// One store of a [`Registry`].
#[derive(Clone)]
pub struct RegisteredStore {
    schema: StoreSchema,
    origin: StoreOrigin,
    processors: BTreeMap<String, ProcessorFn>,
    migrations: BTreeMap<String, Option<MigrationFn>>,
}

impl fmt::Debug for RegisteredStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisteredStore")
            .field("store", &self.schema.store)
            .field("origin", &self.origin)
            .field("processors", &self.processors.keys().collect::<Vec<_>>())
            .field("migrations", &self.migrations.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl RegisteredStore {
    /// The store name.
    pub fn name(&self) -> &str {
        &self.schema.store
    }

    /// The schema.
    pub fn schema(&self) -> &StoreSchema {
        &self.schema
    }

    /// Where the store was registered from.
    pub fn origin(&self) -> StoreOrigin {
        self.origin
    }

    /// The custom processor registered under `name`.
    pub fn processor(&self, name: &str) -> Option<&ProcessorFn> {
        self.processors.get(name)
    }

    /// The names of the migrations, sorted (the order they apply in).
    pub fn migration_names(&self) -> Vec<&str> {
        self.migrations.keys().map(String::as_str).collect()
    }

    /// The migration function registered under `name`; `None` for a name
    /// known from a manifest without its function, or an unknown name.
    pub fn migration(&self, name: &str) -> Option<&MigrationFn> {
        self.migrations.get(name).and_then(Option::as_ref)
    }

    /// The names of the custom processors the schema's fields name, sorted.
    pub fn custom_processor_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .schema
            .entities
            .values()
            .flat_map(|e| &e.fields)
            .filter_map(|f| match &f.processor {
                Some(ProcessorSpec::Custom { name }) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// A problem with what was registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two stores with one name.
    #[error("store `{0}` is registered twice")]
    DuplicateStore(String),
    /// A store name or source location that cannot become a path inside
    /// the project (a schema built by hand, without
    /// [`StoreSchema::build`]'s checks).
    #[error("store {store:?}: {problem}")]
    InvalidStore {
        /// The store.
        store: String,
        /// What is wrong.
        problem: String,
    },
    /// Two processors with one name in a store.
    #[error("store `{store}`: processor `{name}` is registered twice")]
    DuplicateProcessor {
        /// The store.
        store: String,
        /// The processor.
        name: String,
    },
    /// Two migrations with one name in a store.
    #[error("store `{store}`: migration `{name}` is registered twice")]
    DuplicateMigration {
        /// The store.
        store: String,
        /// The migration.
        name: String,
    },
    /// A migration name that cannot be recorded (empty, or with a control
    /// character).
    #[error(
        "store `{store}`: {name:?} is not a valid migration name (non-empty, no control characters)"
    )]
    InvalidMigrationName {
        /// The store.
        store: String,
        /// The name.
        name: String,
    },
    /// A field of a store built from Rust types names a custom processor
    /// that is not registered.
    #[error(
        "store `{store}`: a field uses processor `{name}`, which is not registered: add `.processor(\"{name}\", function)` to the store's registration"
    )]
    MissingProcessor {
        /// The store.
        store: String,
        /// The processor.
        name: String,
    },
    /// A processor registered but named by no field (usually a typo).
    #[error(
        "store `{store}`: processor `{name}` is registered but no field uses it (fields name their processor with `#[slice(processor = \"...\")]`)"
    )]
    UnusedProcessor {
        /// The store.
        store: String,
        /// The processor.
        name: String,
    },
}

/// Every problem of a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryErrors {
    /// The problems, in registration order; never empty.
    pub errors: Vec<RegistryError>,
}

impl fmt::Display for RegistryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RegistryErrors {}

/// The stores a command works on: each one a [`StoreSchema`], the Rust
/// functions of its custom processors and its migrations.
///
/// A module author's binary registers its stores from the slice types:
///
/// ```
/// use git_ops_runtime::store::Registry;
/// use git_ops_runtime::{Slice, SliceObject};
/// use serde::{Deserialize, Serialize};
/// use serde_json::{Value, json};
///
/// /// One VLAN.
/// #[derive(Serialize, Deserialize, Slice)]
/// #[slice(store = "vlan")]
/// struct Vlan {
///     /// The tag.
///     #[slice(key)]
///     vid: u16,
///     /// Filled in by `update` when empty.
///     #[slice(processor = "label")]
///     label: Option<String>,
/// }
///
/// let mut registry = Registry::new();
/// registry
///     .store::<Vlan>()
///     .processor("label", |ctx| Ok(json!(format!("vlan {}", ctx.slice))))
///     .migration("2024-06-01-rename-name", |mut doc: Value| {
///         if let Some(name) = doc.as_object_mut().and_then(|m| m.remove("name")) {
///             doc["label"] = name;
///         }
///         Ok(doc)
///     });
/// registry.check().unwrap();
/// assert_eq!(registry.get("vlan").unwrap().migration_names(), ["2024-06-01-rename-name"]);
/// ```
///
/// The plain `git-ops` binary registers stores from a module's manifest
/// ([`Registry::manifest_store`]): schemas only. Such a store works for every
/// operation until one needs a Rust function the manifest cannot carry: a
/// custom processor that must fill a value, or a migration the active folder
/// does not record. Then the operation fails and says to run the module's
/// own binary (`docs/operations.md`).
///
/// Registration never fails on the spot: problems (a store registered twice,
/// a processor or migration named twice, a custom processor the schema names
/// but nobody registered, a processor registered but named by no field) are
/// collected and reported by [`Registry::check`], which every operation
/// calls first.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    stores: Vec<RegisteredStore>,
    problems: Vec<RegistryError>,
    other_stores: BTreeSet<String>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers the store of slice type `T`; chain
    /// [`StoreBuilder::processor`] and [`StoreBuilder::migration`] to give
    /// it its functions.
    pub fn store<T: Slice>(&mut self) -> StoreBuilder<'_> {
        self.add(T::store_schema(), StoreOrigin::Typed)
    }

    /// Registers a store from its schema (e.g. read from a store manifest).
    /// Custom processors cannot be given for it: a value one of them must
    /// fill makes `update` fail, asking for the module's own binary.
    pub fn manifest_store(&mut self, schema: StoreSchema) -> StoreBuilder<'_> {
        self.add(schema, StoreOrigin::Manifest)
    }

    /// Registers a store from its schema, as [`Registry::store`] does for a
    /// type: its custom processors must be registered.
    pub fn schema_store(&mut self, schema: StoreSchema) -> StoreBuilder<'_> {
        self.add(schema, StoreOrigin::Typed)
    }

    fn add(&mut self, schema: StoreSchema, origin: StoreOrigin) -> StoreBuilder<'_> {
        if self.get(&schema.store).is_some() {
            self.problems
                .push(RegistryError::DuplicateStore(schema.store.clone()));
            return StoreBuilder {
                registry: self,
                index: None,
            };
        }
        self.stores.push(RegisteredStore {
            schema,
            origin,
            processors: BTreeMap::new(),
            migrations: BTreeMap::new(),
        });
        let index = Some(self.stores.len() - 1);
        StoreBuilder {
            registry: self,
            index,
        }
    }

    /// The stores, in registration order.
    pub fn stores(&self) -> &[RegisteredStore] {
        &self.stores
    }

    /// The store named `name`.
    pub fn get(&self, name: &str) -> Option<&RegisteredStore> {
        self.stores.iter().find(|s| s.name() == name)
    }

    /// The store names, in registration order.
    pub fn names(&self) -> Vec<&str> {
        self.stores.iter().map(RegisteredStore::name).collect()
    }

    /// Declares the names of stores that other modules of the project
    /// define: a module's own binary registers only its stores, and
    /// `files/git-ops-config.yml` may configure the others. A configuration
    /// entry for a store that is neither registered nor declared here is an
    /// error ([`super::GitOpsConfig::check`]).
    pub fn other_stores<I, S>(&mut self, names: I) -> &mut Registry
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.other_stores.extend(names.into_iter().map(Into::into));
        self
    }

    /// The names declared with [`Registry::other_stores`] that are not
    /// registered, sorted.
    pub fn other_store_names(&self) -> Vec<&str> {
        self.other_stores
            .iter()
            .map(String::as_str)
            .filter(|name| self.get(name).is_none())
            .collect()
    }

    /// Every problem of what was registered.
    ///
    /// # Errors
    ///
    /// The problems: duplicates, custom processors of typed stores that are
    /// not registered, processors no field uses.
    pub fn check(&self) -> Result<(), RegistryErrors> {
        let mut errors = self.problems.clone();
        for store in &self.stores {
            if let Some(problem) = crate::schema::store_name_problem(store.name()) {
                errors.push(RegistryError::InvalidStore {
                    store: store.name().to_owned(),
                    problem: problem.to_owned(),
                });
            }
            if let Err(error) = super::project::Location::parse(&store.schema.source) {
                errors.push(RegistryError::InvalidStore {
                    store: store.name().to_owned(),
                    problem: format!("invalid source folder: {error}"),
                });
            }
            let used = store.custom_processor_names();
            if store.origin == StoreOrigin::Typed {
                for name in &used {
                    if !store.processors.contains_key(*name) {
                        errors.push(RegistryError::MissingProcessor {
                            store: store.name().to_owned(),
                            name: (*name).to_owned(),
                        });
                    }
                }
            }
            for name in store.processors.keys() {
                if !used.contains(&name.as_str()) {
                    errors.push(RegistryError::UnusedProcessor {
                        store: store.name().to_owned(),
                        name: name.clone(),
                    });
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(RegistryErrors { errors })
        }
    }
}

/// Adds functions to a store being registered; see [`Registry::store`].
pub struct StoreBuilder<'r> {
    registry: &'r mut Registry,
    /// `None` when the store was a duplicate (its functions are ignored).
    index: Option<usize>,
}

impl StoreBuilder<'_> {
    fn store(&mut self) -> Option<&mut RegisteredStore> {
        self.index.map(|i| &mut self.registry.stores[i])
    }

    /// Registers the custom processor `name`, used by the fields marked
    /// `#[slice(processor = "name")]`.
    pub fn processor<F>(mut self, name: impl Into<String>, function: F) -> Self
    where
        F: Fn(&ProcessorContext<'_>) -> Result<Value, String> + Send + Sync + 'static,
    {
        let name = name.into();
        if let Some(store) = self.store() {
            let store_name = store.name().to_owned();
            match store.processors.entry(name) {
                std::collections::btree_map::Entry::Occupied(entry) => {
                    let problem = RegistryError::DuplicateProcessor {
                        store: store_name,
                        name: entry.key().clone(),
                    };
                    self.registry.problems.push(problem);
                }
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(Arc::new(function));
                }
            }
        }
        self
    }

    /// Registers migration `name`. Migrations apply in the order of their
    /// names (code-point order), so start names with a date:
    /// `2024-06-01-add-mtu`. Never rename a published migration.
    pub fn migration<F>(self, name: impl Into<String>, function: F) -> Self
    where
        F: Fn(Value) -> Result<Value, String> + Send + Sync + 'static,
    {
        self.add_migration(name.into(), Some(Arc::new(function)))
    }

    /// Records the names of migrations that exist in the module but whose
    /// functions are not available (a store from a manifest): a new active
    /// folder records them as applied, and one that does not record them
    /// makes the operations fail, asking for the module's own binary.
    pub fn known_migrations<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for name in names {
            self = self.add_migration(name.into(), None);
        }
        self
    }

    fn add_migration(mut self, name: String, function: Option<MigrationFn>) -> Self {
        if let Some(store) = self.store() {
            let store_name = store.name().to_owned();
            let problem = if name.is_empty() || name.chars().any(char::is_control) {
                Some(RegistryError::InvalidMigrationName {
                    store: store_name,
                    name,
                })
            } else {
                match store.migrations.entry(name) {
                    std::collections::btree_map::Entry::Occupied(entry) => {
                        Some(RegistryError::DuplicateMigration {
                            store: store_name,
                            name: entry.key().clone(),
                        })
                    }
                    std::collections::btree_map::Entry::Vacant(entry) => {
                        entry.insert(function);
                        None
                    }
                }
            };
            if let Some(problem) = problem {
                self.registry.problems.push(problem);
            }
        }
        self
    }
}
