//! `git-ops project plan --base REV`: what a branch changes for the
//! orchestrator, slice by slice and object by object.
//!
//! **What is compared.** On the base side, the slices the orchestrator
//! gets from commit REV: the *active view* of REV's active store (each
//! slice at its latest active version), read from the commit's tree
//! ([`GitTree`]). On the other side, the slices it gets once this working
//! tree is synced and merged: the *source view* of the working tree (each
//! slice as a sync would write it; already synced slices at their latest
//! version). Both are read with the current schema.
//!
//! **How.** A slice is *live* on a side when it appears there and is not
//! deleted. The objects of a live slice are the root and every embedded
//! object its current version holds (objects the view only keeps as
//! `delete` markers from older versions are not part of it), each named by
//! its dict path. Then:
//!
//! | base | working tree | slice | objects |
//! |---|---|---|---|
//! | not live | live | `created` | every object `create` |
//! | live | not live | `deleted` | every object `delete` |
//! | live | live | `updated` when an object changes, else unchanged | by path: only in the working tree `create`, only in the base `delete`, in both with an attribute of its own that differs `update` (the attributes listed with both values) |
//!
//! An object's own attributes are its value fields (relations are objects
//! of their own); the markers git-ops adds (`operation`, `path`,
//! `version`, `slice_store`, `slice_name`) are not compared. This is a
//! content diff: it says what the branch changes. The `operation` markers
//! the orchestrator sees are stickier (an object changed since the last
//! prune stays `update`, `docs/store-semantics.md`).
//!
//! Processors fill their values during `update`: plan the working tree
//! after an update (`git-ops project check` fails while one would change
//! something).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

use git_ops_runtime::StoreSchema;
use git_ops_runtime::schema::{Cardinality, EntityId, FieldKind};
use git_ops_runtime::store::{
    Depth, Engine, LoadedSlice, OperationError, SliceFiles, SliceRecord, Store, StoreError,
    StoreErrors, StoreFiles, StoreListing, ViewKind, WorkingTree, values_equal,
};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::gittree::GitTree;

/// The markers git-ops adds to view objects, not compared.
const MARKERS: [&str; 5] = ["operation", "path", "version", "slice_store", "slice_name"];

/// What happens to a slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SliceChange {
    /// It did not exist (or was deleted) in the base.
    Created,
    /// Some of its objects change.
    Updated,
    /// It is gone (or deleted) in the working tree.
    Deleted,
}

impl SliceChange {
    /// `created`, `updated`, `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            SliceChange::Created => "created",
            SliceChange::Updated => "updated",
            SliceChange::Deleted => "deleted",
        }
    }
}

/// What happens to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectChange {
    /// New.
    Create,
    /// Some of its attributes change.
    Update,
    /// Gone.
    Delete,
}

impl ObjectChange {
    /// `create`, `update`, `delete`: the view's operation markers.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectChange::Create => "create",
            ObjectChange::Update => "update",
            ObjectChange::Delete => "delete",
        }
    }
}

/// One attribute that changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeChange {
    /// The attribute.
    pub name: String,
    /// Its value in the base.
    pub before: Value,
    /// Its value in the working tree.
    pub after: Value,
}

/// One object that changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectPlan {
    /// Its dict path in the slice (`.` for the slice's root object).
    pub path: String,
    /// Its entity (`acme::slices::disk::Doc`).
    pub entity: String,
    /// What happens to it.
    pub change: ObjectChange,
    /// For an update: the attributes that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeChange>,
}

/// One slice that changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlicePlan {
    /// The slice.
    pub name: String,
    /// What happens to it.
    pub change: SliceChange,
    /// Its version in the base (`None` when it does not appear there).
    pub base_version: Option<u64>,
    /// Its version once synced (`None` when it does not appear).
    pub version: Option<u64>,
    /// The objects that change, in the slice's order (the working tree's,
    /// then what only the base has).
    pub objects: Vec<ObjectPlan>,
}

/// One store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorePlan {
    /// The store.
    pub store: String,
    /// The slices that change, by name.
    pub slices: Vec<SlicePlan>,
    /// How many live slices do not change.
    pub unchanged: usize,
}

/// The base the plan compares with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Base {
    /// The revision as given.
    pub rev: String,
    /// The commit id.
    pub commit: String,
    /// The first line of its message.
    pub summary: String,
}

/// What the working tree changes against a base.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The base.
    pub base: Base,
    /// Counts of slices created, updated, deleted, unchanged.
    pub summary: Summary,
    /// Every store compared, in registration order.
    pub stores: Vec<StorePlan>,
}

/// Counts of slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    /// Created.
    pub created: usize,
    /// Updated.
    pub updated: usize,
    /// Deleted.
    pub deleted: usize,
    /// Unchanged (live on both sides).
    pub unchanged: usize,
}

impl Plan {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.stores.iter().all(|s| s.slices.is_empty())
    }
}

/// Why a plan cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The working tree cannot be read (pending migrations, an unknown
    /// store, a location).
    #[error(transparent)]
    Operation(#[from] OperationError),
    /// Files of the working tree have problems.
    #[error("{0}")]
    WorkingTree(StoreErrors),
    /// Entries of the base's active folder named like slice files that are
    /// not regular files: plan does not read them, nor take their slices
    /// as deleted.
    #[error(
        "the active folder of store `{store}` at {rev} holds entries git-ops does not read:\n{}",
        entries.iter().map(|(path, what)| format!("  {path}: {what}, named like a slice file: in a commit only a regular file is a slice file; git-ops does not read it, nor take its slice as deleted")).collect::<Vec<_>>().join("\n")
    )]
    BaseNotFiles {
        /// The store.
        store: String,
        /// The revision.
        rev: String,
        /// Each entry (shown as the engine shows files) and what it is.
        entries: Vec<(String, String)>,
    },
    /// The base's active folder cannot be read.
    #[error("the active folder of store `{store}` at {rev} cannot be read: {error}")]
    BaseRead {
        /// The store.
        store: String,
        /// The revision.
        rev: String,
        /// Why.
        error: std::io::Error,
    },
    /// Files of the base have problems (with the current schema).
    #[error(
        "the active files of store `{store}` at {rev} cannot be read with the current schema (changed by a migration since?):\n{errors}"
    )]
    Base {
        /// The store.
        store: String,
        /// The revision.
        rev: String,
        /// The problems.
        errors: StoreErrors,
    },
}

/// Plans the stores `stores` (names; every registered store when empty) of
/// `engine`'s project against `base`, given as `rev`.
///
/// # Errors
///
/// An unknown store, pending migrations in the working tree, files that
/// cannot be read on either side.
pub fn plan(
    engine: &Engine<'_>,
    stores: &[String],
    base: &GitTree,
    rev: &str,
) -> Result<Plan, PlanError> {
    let registry = engine.registry();
    let names: Vec<String> = if stores.is_empty() {
        registry.names().into_iter().map(str::to_owned).collect()
    } else {
        for name in stores {
            engine.registered(name)?;
        }
        stores.to_vec()
    };
    let mut plan = Plan {
        base: Base {
            rev: rev.to_owned(),
            commit: base.commit_id(),
            summary: base.summary().to_owned(),
        },
        summary: Summary::default(),
        stores: Vec::new(),
    };
    for name in registry.names() {
        if !names.iter().any(|n| n == name) {
            continue;
        }
        engine.check_readable(name)?;
        let head_store = engine.store(name)?;
        let schema = head_store.schema().clone();
        let base_store =
            Store::with_source_folder(engine.project(), schema.clone(), Default::default());
        let threads = engine.options().threads;
        let store_plan = plan_one_store(&schema, &head_store, &base_store, base, threads).map_err(
            |problems| match problems {
                Problems::WorkingTree(errors) => PlanError::WorkingTree(errors),
                Problems::Base(errors) => PlanError::Base {
                    store: name.to_owned(),
                    rev: rev.to_owned(),
                    errors,
                },
                Problems::BaseNotFiles(entries) => PlanError::BaseNotFiles {
                    store: name.to_owned(),
                    rev: rev.to_owned(),
                    entries,
                },
                Problems::BaseRead(error) => PlanError::BaseRead {
                    store: name.to_owned(),
                    rev: rev.to_owned(),
                    error,
                },
            },
        )?;
        for slice in &store_plan.slices {
            match slice.change {
                SliceChange::Created => plan.summary.created += 1,
                SliceChange::Updated => plan.summary.updated += 1,
                SliceChange::Deleted => plan.summary.deleted += 1,
            }
        }
        plan.summary.unchanged += store_plan.unchanged;
        plan.stores.push(store_plan);
    }
    Ok(plan)
}

/// The problems of one side of a plan.
enum Problems {
    WorkingTree(StoreErrors),
    Base(StoreErrors),
    BaseNotFiles(Vec<(String, String)>),
    BaseRead(std::io::Error),
}

/// Plans one store: the source view of the working tree (`head`) against
/// the active view of the base. The slices of both sides are paired by name
/// and each pair is read and compared in one of `threads` threads, which
/// keeps only the plan of a slice that changes: memory holds the slices
/// being compared, not every record of either side.
fn plan_one_store(
    schema: &StoreSchema,
    head: &Store,
    base_store: &Store,
    base: &GitTree,
    threads: usize,
) -> Result<StorePlan, Problems> {
    let head_listing = head
        .list_files(&WorkingTree, ViewKind::Source)
        .map_err(Problems::WorkingTree)?;
    let base_listing = base_store.list_files(base, ViewKind::Active);
    let empty = StoreListing::default();
    let pairs = pair_by_name(
        base_listing.as_ref().unwrap_or(&empty).slices(),
        head_listing.slices(),
    );
    let compared = in_parallel(&pairs, threads, |(name, old, new)| {
        compare(schema, name, (base_store, base, *old), (head, *new))
    });
    let mut store_plan = StorePlan {
        store: schema.store.clone(),
        slices: Vec::new(),
        unchanged: 0,
    };
    let (mut head_problems, mut base_problems) = (Vec::new(), Vec::new());
    for outcome in compared {
        match outcome {
            Compared::Unchanged => store_plan.unchanged += 1,
            Compared::Absent => {}
            Compared::Changed(slice) => store_plan.slices.push(slice),
            Compared::Problems { head, base } => {
                head_problems.extend(head);
                base_problems.extend(base);
            }
        }
    }
    // The working tree's problems first: they are the user's to fix.
    if !head_problems.is_empty() {
        return Err(Problems::WorkingTree(StoreErrors::new(head_problems)));
    }
    // Before the listing's problems, which name these entries too, less
    // precisely (a commit holds no named pipe nor dangling link).
    let not_files = named_like_slices_not_files(base_store, base).map_err(Problems::BaseRead)?;
    if !not_files.is_empty() {
        return Err(Problems::BaseNotFiles(not_files));
    }
    if let Err(errors) = base_listing {
        return Err(Problems::Base(errors));
    }
    if !base_problems.is_empty() {
        return Err(Problems::Base(StoreErrors::new(base_problems)));
    }
    Ok(store_plan)
}

/// The entries of the base's active folder named like slice files
/// (`*.json`, `*.yaml`, `*.yml`, not hidden) that are not regular files:
/// folders, symbolic links, submodules. The listing leaves out what is not a
/// file; a commit's link is not followed (its target may not be in the
/// commit), and git-ops never writes one there.
fn named_like_slices_not_files(
    store: &Store,
    base: &GitTree,
) -> std::io::Result<Vec<(String, String)>> {
    let folder = store.active_folder();
    Ok(base
        .non_files(folder)?
        .into_iter()
        .filter(|entry| {
            let name = entry.name.to_string_lossy();
            !name.starts_with('.')
                && [".json", ".yaml", ".yml"]
                    .iter()
                    .any(|extension| name.len() > extension.len() && name.ends_with(extension))
        })
        .map(|entry| {
            (
                store.shown(&folder.join(&entry.name)),
                entry.what.to_owned(),
            )
        })
        .collect())
}

/// The slices of both sides by name (both listings are sorted by name).
fn pair_by_name<'l>(
    before: &'l [SliceFiles],
    after: &'l [SliceFiles],
) -> Vec<(&'l str, Option<&'l SliceFiles>, Option<&'l SliceFiles>)> {
    let mut pairs = Vec::with_capacity(before.len().max(after.len()));
    let (mut before, mut after) = (before.iter().peekable(), after.iter().peekable());
    loop {
        let pair = match (before.peek(), after.peek()) {
            (None, None) => break,
            (Some(old), Some(new)) if old.name == new.name => {
                (old.name.as_str(), before.next(), after.next())
            }
            (Some(old), Some(new)) if old.name < new.name => {
                (old.name.as_str(), before.next(), None)
            }
            (Some(old), None) => (old.name.as_str(), before.next(), None),
            (_, Some(new)) => (new.name.as_str(), None, after.next()),
        };
        pairs.push(pair);
    }
    pairs
}

/// How one slice compares.
enum Compared {
    /// Live on both sides, the same objects.
    Unchanged,
    /// Live on neither side.
    Absent,
    /// Created, updated or deleted.
    Changed(SlicePlan),
    /// Files of either side that cannot be read.
    Problems {
        head: Vec<StoreError>,
        base: Vec<StoreError>,
    },
}

/// Reads slice `name` on both sides (where it has files) and compares its
/// live records.
fn compare(
    schema: &StoreSchema,
    name: &str,
    (base_store, base, old): (&Store, &GitTree, Option<&SliceFiles>),
    (head, new): (&Store, Option<&SliceFiles>),
) -> Compared {
    let live = |store: &Store, files: &dyn StoreFiles, slice: Option<&SliceFiles>, kind| {
        let Some(slice) = slice else {
            return Ok(None);
        };
        store
            .load(files, slice, kind, Depth::Full)
            .and_then(LoadedSlice::into_record)
            .map(|record| record.filter(|r| !r.deleted))
            .map_err(|errors| errors.errors)
    };
    let old = live(base_store, base, old, ViewKind::Active);
    let new = live(head, &WorkingTree, new, ViewKind::Source);
    match (old, new) {
        (Ok(old), Ok(new)) => match plan_slice(schema, name, old.as_ref(), new.as_ref()) {
            Some(slice) => Compared::Changed(slice),
            None if old.is_some() && new.is_some() => Compared::Unchanged,
            None => Compared::Absent,
        },
        (old, new) => Compared::Problems {
            head: new.err().unwrap_or_default(),
            base: old.err().unwrap_or_default(),
        },
    }
}

/// `f` of every item, in order, on `threads` threads taking chunks of
/// items as they go.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    const CHUNK: usize = 32;
    let threads = threads.clamp(1, items.len().div_ceil(CHUNK).max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut chunks: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= items.len() {
                            return done;
                        }
                        let end = (start + CHUNK).min(items.len());
                        done.push((start, items[start..end].iter().map(&f).collect()));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a planning thread"))
            .collect()
    });
    chunks.sort_by_key(|(start, _)| *start);
    chunks
        .into_iter()
        .flat_map(|(_, results)| results)
        .collect()
}

/// Compares the live records of one store.
pub fn plan_store(
    schema: &StoreSchema,
    before: &BTreeMap<String, SliceRecord>,
    after: &BTreeMap<String, SliceRecord>,
) -> StorePlan {
    let mut slices = Vec::new();
    let mut unchanged = 0;
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let (old, new) = (before.get(name), after.get(name));
        match plan_slice(schema, name, old, new) {
            Some(slice) => slices.push(slice),
            None if old.is_some() && new.is_some() => unchanged += 1,
            None => {}
        }
    }
    StorePlan {
        store: schema.store.clone(),
        slices,
        unchanged,
    }
}

/// What happens to slice `name`, live as `old` in the base and as `new` in
/// the working tree; `None` when it does not change (or is live on neither
/// side).
fn plan_slice(
    schema: &StoreSchema,
    name: &str,
    old: Option<&SliceRecord>,
    new: Option<&SliceRecord>,
) -> Option<SlicePlan> {
    if let (Some(old), Some(new)) = (old, new)
        && values_equal(&old.attributes, &new.attributes)
    {
        // Equal views hold equal objects: nothing to compare one by one.
        return None;
    }
    let old_objects = old
        .map(|r| objects(schema, &r.attributes))
        .unwrap_or_default();
    let new_objects = new
        .map(|r| objects(schema, &r.attributes))
        .unwrap_or_default();
    let changes = diff(&old_objects, &new_objects);
    let change = match (old, new) {
        (None, None) => return None,
        (None, Some(_)) => SliceChange::Created,
        (Some(_), None) => SliceChange::Deleted,
        _ if changes.is_empty() => return None,
        _ => SliceChange::Updated,
    };
    Some(SlicePlan {
        name: name.to_owned(),
        change,
        base_version: old.map(|r| r.version),
        version: new.map(|r| r.version),
        objects: changes,
    })
}

/// One object of a view: its path, entity and own attributes.
#[derive(Debug, Clone)]
struct Object {
    path: String,
    entity: EntityId,
    attributes: Map<String, Value>,
}

/// The objects of a view document that its current version holds, in
/// order (root first, then depth first).
fn objects(schema: &StoreSchema, attributes: &Value) -> Vec<Object> {
    let mut out = Vec::new();
    if let Some(root) = attributes.as_object() {
        walk(schema, &schema.root, root, &mut out);
    }
    out
}

fn walk(
    schema: &StoreSchema,
    entity: &EntityId,
    object: &Map<String, Value>,
    out: &mut Vec<Object>,
) {
    if object.get("operation").and_then(Value::as_str) == Some("delete") {
        return;
    }
    let entity = resolve(schema, entity, object);
    let mut attributes = Map::new();
    let mut children: Vec<(&EntityId, &Map<String, Value>)> = Vec::new();
    for field in schema.all_fields(&entity) {
        let value = object.get(&field.name);
        match &field.kind {
            FieldKind::Value { .. } => {
                if !MARKERS.contains(&field.name.as_str()) {
                    attributes.insert(field.name.clone(), value.cloned().unwrap_or(Value::Null));
                }
            }
            FieldKind::Relation {
                target,
                cardinality,
                ..
            } => match (cardinality, value) {
                (Cardinality::Many, Some(Value::Array(items))) => {
                    children.extend(
                        items
                            .iter()
                            .filter_map(Value::as_object)
                            .map(|o| (target, o)),
                    );
                }
                (_, Some(Value::Object(child))) => children.push((target, child)),
                _ => {}
            },
        }
    }
    out.push(Object {
        path: object
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or(".")
            .to_owned(),
        entity: entity.clone(),
        attributes,
    });
    for (target, child) in children {
        walk(schema, target, child, out);
    }
}

/// The entity of an object of type `entity`: for a union, the member its
/// tag selects.
fn resolve(schema: &StoreSchema, entity: &EntityId, object: &Map<String, Value>) -> EntityId {
    if !schema.is_union(entity) {
        return entity.clone();
    }
    let tag = match &schema.entity(entity).kind {
        git_ops_runtime::schema::EntityKind::Union { tag, .. } => tag.clone(),
        _ => return entity.clone(),
    };
    let value = object.get(&tag).and_then(Value::as_str);
    schema
        .members(entity)
        .iter()
        .find(|m| Some(m.value.as_str()) == value)
        .map_or_else(|| entity.clone(), |m| m.entity.clone())
}

/// The changes between two lists of objects, by path.
fn diff(before: &[Object], after: &[Object]) -> Vec<ObjectPlan> {
    let old: HashMap<&str, &Object> = before.iter().map(|o| (o.path.as_str(), o)).collect();
    let new: HashMap<&str, &Object> = after.iter().map(|o| (o.path.as_str(), o)).collect();
    let mut out = Vec::new();
    for object in after {
        match old.get(object.path.as_str()) {
            None => out.push(ObjectPlan {
                path: object.path.clone(),
                entity: object.entity.to_string(),
                change: ObjectChange::Create,
                attributes: Vec::new(),
            }),
            Some(previous) => {
                let attributes = changed_attributes(&previous.attributes, &object.attributes);
                if !attributes.is_empty() || previous.entity != object.entity {
                    out.push(ObjectPlan {
                        path: object.path.clone(),
                        entity: object.entity.to_string(),
                        change: ObjectChange::Update,
                        attributes,
                    });
                }
            }
        }
    }
    for object in before {
        if !new.contains_key(object.path.as_str()) {
            out.push(ObjectPlan {
                path: object.path.clone(),
                entity: object.entity.to_string(),
                change: ObjectChange::Delete,
                attributes: Vec::new(),
            });
        }
    }
    out
}

fn changed_attributes(
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Vec<AttributeChange> {
    let mut out = Vec::new();
    for (name, value) in after {
        let previous = before.get(name).unwrap_or(&Value::Null);
        if !values_equal(previous, value) {
            out.push(AttributeChange {
                name: name.clone(),
                before: previous.clone(),
                after: value.clone(),
            });
        }
    }
    for (name, previous) in before {
        if !after.contains_key(name) {
            out.push(AttributeChange {
                name: name.clone(),
                before: previous.clone(),
                after: Value::Null,
            });
        }
    }
    out
}
