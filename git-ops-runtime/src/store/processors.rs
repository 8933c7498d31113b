//! Processors (spec §7, `docs/processors.md`): values `update` fills in.
//!
//! A field declares its processor in the schema
//! ([`ProcessorSpec`]): `unique_integer`, `simple_value` or a custom one, a
//! Rust function registered with the store ([`super::Registry`]). Update
//! runs them on every object of every source document, slices by name,
//! objects in document order (an object before its children, fields in
//! file order, list items in list order). Only objects present in the
//! source document are processed: deleted elements and deleted slices are
//! never touched, and the fields of an absent optional object are skipped
//! (spec §13 gaps 12–13).
//!
//! A processor fills a field that is `null`; a value once set is kept,
//! unless the update is asked to *refresh*: then every processor runs
//! again, and `unique_integer` keeps the current value when no other
//! object of its scope uses it (gap 15).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::engine::{OperationError, ProcessorFailure, ProcessorFailureReason};
use super::record::SliceView;
use super::registry::{RegisteredStore, StoreOrigin};
use super::report::FilledValue;
use super::used_values::{UsedValuesQuery, UsedValuesSource};
use crate::dictpath::{self, DictPath, identity_value};
use crate::schema::{
    Cardinality, EntityId, EntityKind, FieldKind, ProcessorSpec, StoreSchema, UniqueScope,
};

/// What a custom processor is called with.
///
/// ```
/// use git_ops_runtime::store::ProcessorContext;
/// use serde_json::{Value, json};
///
/// /// `owner`: the slice name, unless the object says otherwise.
/// fn owner(ctx: &ProcessorContext<'_>) -> Result<Value, String> {
///     let object = ctx.object();
///     Ok(object.get("team").cloned().unwrap_or_else(|| json!(ctx.slice)))
/// }
/// ```
pub struct ProcessorContext<'a> {
    /// The store.
    pub store: &'a str,
    /// The slice.
    pub slice: &'a str,
    /// The dict path of the field to fill, e.g. `ports[name=eth0].index`.
    pub path: &'a DictPath,
    /// The field's current value: `null`, unless the update refreshes.
    pub previous: &'a Value,
    /// Whether the update was asked to refresh processor values.
    pub refresh: bool,
    /// The slice's source document, normalised, with the values filled so
    /// far by this update.
    pub document: &'a Value,
    /// The merged source view of the slice as it was before this update's
    /// processors ran (deleted elements included, marked `delete`).
    pub view: &'a SliceView,
    pub(crate) used: &'a dyn UsedValuesSource,
}

impl ProcessorContext<'_> {
    /// The object holding the field, in [`ProcessorContext::document`].
    pub fn object(&self) -> &Value {
        self.path
            .parent()
            .get(self.document)
            .unwrap_or(&Value::Null)
    }

    /// The values `query` finds in the merged views of the store's slices,
    /// deleted slices and elements included (spec §7.2, `docs/processors.md`):
    /// every other slice as processed so far by this update, this slice as it
    /// was before it. Sorted, without duplicates.
    ///
    /// # Errors
    ///
    /// The query's error, as text.
    pub fn used_values(&self, query: &UsedValuesQuery) -> Result<Vec<Value>, String> {
        self.used.used_values(query).map_err(|e| e.to_string())
    }
}

/// One segment of the way to an object inside a document.
#[derive(Debug, Clone)]
enum Seg {
    Key(Arc<str>),
    Index(usize),
}

#[derive(Debug, Clone)]
struct Relation {
    name: Arc<str>,
    target: usize,
    many: bool,
}

#[derive(Debug, Clone)]
enum ProcEntity {
    Object {
        processors: Vec<(Arc<str>, ProcessorSpec)>,
        relations: Vec<Relation>,
        /// The union tag, for a member: first part of an item's identity.
        tag: Option<Arc<str>>,
        keys: Vec<Arc<str>>,
    },
    Union {
        tag: String,
        members: Vec<(String, usize)>,
    },
}

/// The processors of a store, compiled once.
#[derive(Debug, Clone)]
pub(crate) struct ProcessorPlan {
    entities: Vec<ProcEntity>,
    root: usize,
    /// Names of the fields with a store-scope `unique_integer` anywhere.
    store_fields: BTreeSet<Arc<str>>,
    any: bool,
}

/// One object met by a walk.
struct Visit<'v> {
    entity: usize,
    pointer: Vec<Seg>,
    path: DictPath,
    /// The relation chain, lists widened: `content[*=*].content[*=*]`.
    pattern: String,
    /// For a list item: the path of the object holding the list, the list,
    /// and the item's position.
    list: Option<(DictPath, Arc<str>, usize)>,
    object: &'v Map<String, Value>,
}

impl ProcessorPlan {
    pub(crate) fn new(schema: &StoreSchema) -> ProcessorPlan {
        let ids: Vec<&EntityId> = schema.entities.keys().collect();
        let index = |id: &EntityId| ids.iter().position(|i| *i == id).expect("a known entity");
        let mut store_fields = BTreeSet::new();
        let mut any = false;
        let entities = schema
            .entities
            .values()
            .map(|entity| match &entity.kind {
                EntityKind::Union { tag, members } => ProcEntity::Union {
                    tag: tag.clone(),
                    members: members
                        .iter()
                        .map(|m| (m.value.clone(), index(&m.entity)))
                        .collect(),
                },
                EntityKind::Root | EntityKind::Embedded => {
                    let fields = schema.all_fields(&entity.id);
                    let processors = fields
                        .iter()
                        .filter(|f| !f.model_only)
                        .filter_map(|f| f.processor.clone().map(|p| (f.name.as_str().into(), p)))
                        .collect::<Vec<(Arc<str>, ProcessorSpec)>>();
                    for (name, spec) in &processors {
                        any = true;
                        if let ProcessorSpec::UniqueInteger {
                            scope: UniqueScope::Store,
                            ..
                        } = spec
                        {
                            store_fields.insert(name.clone());
                        }
                    }
                    let relations = fields
                        .iter()
                        .filter_map(|f| match &f.kind {
                            FieldKind::Relation {
                                target,
                                cardinality,
                                ..
                            } => Some(Relation {
                                name: f.name.as_str().into(),
                                target: index(target),
                                many: *cardinality == Cardinality::Many,
                            }),
                            FieldKind::Value { .. } => None,
                        })
                        .collect();
                    ProcEntity::Object {
                        processors,
                        relations,
                        tag: entity
                            .discriminator
                            .as_ref()
                            .map(|d| d.field.as_str().into()),
                        keys: entity
                            .resolved_keys
                            .iter()
                            .map(|k| k.as_str().into())
                            .collect(),
                    }
                }
            })
            .collect();
        ProcessorPlan {
            entities,
            root: index(&schema.root),
            store_fields,
            any,
        }
    }

    /// Whether any field has a processor.
    pub(crate) fn has_processors(&self) -> bool {
        self.any
    }

    /// Whether the processors of one slice depend on the other slices (a
    /// store-scope `unique_integer`, a custom processor that may query used
    /// values): then slices are processed one by one, in name order.
    pub(crate) fn needs_order(&self) -> bool {
        self.has_store_scope()
            || self.entities.iter().any(|e| match e {
                ProcEntity::Object { processors, .. } => processors
                    .iter()
                    .any(|(_, spec)| matches!(spec, ProcessorSpec::Custom { .. })),
                ProcEntity::Union { .. } => false,
            })
    }

    /// Whether some field has a store-scope `unique_integer`.
    pub(crate) fn has_store_scope(&self) -> bool {
        !self.store_fields.is_empty()
    }

    /// The member of a union for an object (by its tag), or the entity.
    fn resolve(&self, entity: usize, object: &Map<String, Value>) -> Option<usize> {
        match &self.entities[entity] {
            ProcEntity::Object { .. } => Some(entity),
            ProcEntity::Union { tag, members } => {
                let value = object.get(tag).and_then(Value::as_str)?;
                members.iter().find(|(v, _)| v == value).map(|(_, m)| *m)
            }
        }
    }

    /// Every object of a document or view, in document order.
    fn walk<'v>(&self, doc: &'v Value) -> Result<Vec<Visit<'v>>, dictpath::PathError> {
        let mut out = Vec::new();
        if let Value::Object(root) = doc {
            self.visit(
                self.root,
                root,
                Vec::new(),
                DictPath::root(),
                String::new(),
                None,
                &mut out,
            )?;
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn visit<'v>(
        &self,
        entity: usize,
        object: &'v Map<String, Value>,
        pointer: Vec<Seg>,
        path: DictPath,
        pattern: String,
        list: Option<(DictPath, Arc<str>, usize)>,
        out: &mut Vec<Visit<'v>>,
    ) -> Result<(), dictpath::PathError> {
        let Some(entity) = self.resolve(entity, object) else {
            return Ok(());
        };
        let ProcEntity::Object { relations, .. } = &self.entities[entity] else {
            return Ok(());
        };
        out.push(Visit {
            entity,
            pointer: pointer.clone(),
            path: path.clone(),
            pattern: pattern.clone(),
            list,
            object,
        });
        for relation in relations {
            let child_pattern = |suffix: &str| {
                let name = dictpath::escape(&relation.name);
                if pattern.is_empty() {
                    format!("{name}{suffix}")
                } else {
                    format!("{pattern}.{name}{suffix}")
                }
            };
            match object.get(&*relation.name) {
                Some(Value::Object(child)) if !relation.many => {
                    let mut pointer = pointer.clone();
                    pointer.push(Seg::Key(relation.name.clone()));
                    self.visit(
                        relation.target,
                        child,
                        pointer,
                        path.child(relation.name.clone())?,
                        child_pattern(""),
                        None,
                        out,
                    )?;
                }
                Some(Value::Array(items)) if relation.many => {
                    for (i, item) in items.iter().enumerate() {
                        let Value::Object(child) = item else {
                            continue;
                        };
                        let Some(member) = self.resolve(relation.target, child) else {
                            continue;
                        };
                        let identity = self.identity(member, child);
                        let mut pointer = pointer.clone();
                        pointer.push(Seg::Key(relation.name.clone()));
                        pointer.push(Seg::Index(i));
                        self.visit(
                            member,
                            child,
                            pointer,
                            path.item(relation.name.clone(), identity)?,
                            child_pattern("[*=*]"),
                            Some((path.clone(), relation.name.clone(), i)),
                            out,
                        )?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn identity(
        &self,
        entity: usize,
        object: &Map<String, Value>,
    ) -> Vec<(Arc<str>, dictpath::SelectorValue)> {
        let ProcEntity::Object { tag, keys, .. } = &self.entities[entity] else {
            return Vec::new();
        };
        tag.iter()
            .chain(keys)
            .map(|key| {
                (
                    key.clone(),
                    identity_value(object.get(&**key).unwrap_or(&Value::Null)),
                )
            })
            .collect()
    }

    /// The values of store-scope fields in a merged view (deleted elements
    /// included), as `(pattern, value)`: what the slice contributes to the
    /// uniqueness of store-scope `unique_integer` fields.
    pub(crate) fn store_scope_values(&self, attributes: &Value) -> Vec<(String, i64)> {
        if self.store_fields.is_empty() {
            return Vec::new();
        }
        let Ok(visits) = self.walk(attributes) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for visit in visits {
            for field in &self.store_fields {
                if let Some(value) = visit.object.get(&**field).and_then(Value::as_i64) {
                    out.push((field_pattern(&visit.pattern, field), value));
                }
            }
        }
        out
    }

    /// The dict paths of the processor fields of `doc` that are `null`:
    /// what an update would fill in.
    pub(crate) fn missing(&self, doc: &Value) -> Result<Vec<String>, dictpath::PathError> {
        let mut out = Vec::new();
        for visit in self.walk(doc)? {
            let ProcEntity::Object { processors, .. } = &self.entities[visit.entity] else {
                continue;
            };
            for (field, _) in processors {
                if visit.object.get(&**field).is_none_or(Value::is_null) {
                    out.push(visit.path.child(field.clone())?.to_string());
                }
            }
        }
        Ok(out)
    }
}

fn field_pattern(pattern: &str, field: &str) -> String {
    let field = dictpath::escape(field);
    if pattern.is_empty() {
        field
    } else {
        format!("{pattern}.{field}")
    }
}

/// How many objects use each value of each store-scope pattern.
#[derive(Debug, Default, Clone)]
pub(crate) struct StoreScopeIndex {
    counts: BTreeMap<String, BTreeMap<i64, usize>>,
}

impl StoreScopeIndex {
    pub(crate) fn add(&mut self, pattern: &str, value: i64) {
        *self
            .counts
            .entry(pattern.to_owned())
            .or_default()
            .entry(value)
            .or_default() += 1;
    }

    fn remove(&mut self, pattern: &str, value: i64) {
        if let Some(values) = self.counts.get_mut(pattern)
            && let Some(count) = values.get_mut(&value)
        {
            *count -= 1;
            if *count == 0 {
                values.remove(&value);
            }
        }
    }

    fn count(&self, pattern: &str, value: i64) -> usize {
        self.counts
            .get(pattern)
            .and_then(|values| values.get(&value))
            .copied()
            .unwrap_or(0)
    }
}

/// Runs the processors of one slice.
pub(crate) struct Processing<'a> {
    pub(crate) plan: &'a ProcessorPlan,
    pub(crate) registered: &'a RegisteredStore,
    pub(crate) refresh: bool,
    pub(crate) index: &'a mut StoreScopeIndex,
    pub(crate) used: &'a dyn UsedValuesSource,
}

struct Target {
    pointer: Vec<Seg>,
    field: Arc<str>,
    spec: ProcessorSpec,
    path: DictPath,
    pattern: String,
    list: Option<(DictPath, Arc<str>, usize)>,
    element: DictPath,
}

impl Processing<'_> {
    /// Fills the processor fields of `doc` (the normalised source document
    /// of slice `slice`, whose merged view before processing is `view`);
    /// `file` names the source file in errors.
    pub(crate) fn run(
        &mut self,
        slice: &str,
        file: &str,
        doc: &mut Value,
        view: &SliceView,
    ) -> Result<Vec<FilledValue>, OperationError> {
        let store = self.registered.name();
        let path_error = |error| OperationError::Path {
            store: store.to_owned(),
            slice: slice.to_owned(),
            error,
        };
        let mut targets = Vec::new();
        for visit in self.plan.walk(doc).map_err(path_error)? {
            let ProcEntity::Object { processors, .. } = &self.plan.entities[visit.entity] else {
                continue;
            };
            for (field, spec) in processors {
                targets.push(Target {
                    pointer: visit.pointer.clone(),
                    field: field.clone(),
                    spec: spec.clone(),
                    path: visit.path.child(field.clone()).map_err(path_error)?,
                    pattern: field_pattern(&visit.pattern, field),
                    list: visit.list.clone(),
                    element: visit.path.clone(),
                });
            }
        }
        let mut filled = Vec::new();
        for target in targets {
            let current = object_at(doc, &target.pointer)
                .and_then(|o| o.get(&*target.field))
                .cloned()
                .unwrap_or(Value::Null);
            if !current.is_null() && !self.refresh {
                continue;
            }
            let failure = |reason| {
                OperationError::Processor(Box::new(ProcessorFailure {
                    store: store.to_owned(),
                    slice: slice.to_owned(),
                    file: file.to_owned(),
                    path: target.path.to_string(),
                    processor: processor_name(&target.spec).to_owned(),
                    reason,
                }))
            };
            let fail = |message: String| failure(ProcessorFailureReason::Failed(message));
            let new = match &target.spec {
                ProcessorSpec::SimpleValue { value } => value.clone(),
                ProcessorSpec::UniqueInteger { start, stop, scope } => {
                    let siblings = match scope {
                        UniqueScope::Siblings => sibling_values(doc, view, &target),
                        UniqueScope::Store => BTreeSet::new(),
                    };
                    let used = |value: i64, own: bool| match scope {
                        // The index counts this object's own current value.
                        UniqueScope::Store => {
                            self.index.count(&target.pattern, value) > usize::from(own)
                        }
                        UniqueScope::Siblings => siblings.contains(&value),
                    };
                    let keep = current
                        .as_i64()
                        .filter(|v| (*start..*stop).contains(v) && !used(*v, true));
                    match keep {
                        Some(v) => Value::from(v),
                        None => {
                            let free = (*start..*stop)
                                .find(|v| !used(*v, false))
                                .ok_or_else(|| {
                                    fail(format!(
                                        "no free value left in {start}..{stop} (every value of the range is used{})",
                                        match scope {
                                            UniqueScope::Store => " in the store",
                                            UniqueScope::Siblings => " by the other items of the list",
                                        }
                                    ))
                                })?;
                            Value::from(free)
                        }
                    }
                }
                ProcessorSpec::Custom { name } => {
                    let Some(function) = self.registered.processor(name) else {
                        return Err(failure(ProcessorFailureReason::Unavailable {
                            manifest: self.registered.origin() == StoreOrigin::Manifest,
                        }));
                    };
                    let ctx = ProcessorContext {
                        store,
                        slice,
                        path: &target.path,
                        previous: &current,
                        refresh: self.refresh,
                        document: doc,
                        view,
                        used: self.used,
                    };
                    let value = function(&ctx).map_err(fail)?;
                    if value.is_null() {
                        return Err(fail(
                            "the processor returned null; a processor must return the value to store"
                                .into(),
                        ));
                    }
                    value
                }
            };
            if new == current {
                continue;
            }
            if let ProcessorSpec::UniqueInteger {
                scope: UniqueScope::Store,
                ..
            } = &target.spec
            {
                if let Some(old) = current.as_i64() {
                    self.index.remove(&target.pattern, old);
                }
                if let Some(v) = new.as_i64() {
                    self.index.add(&target.pattern, v);
                }
            }
            if let Some(object) = object_at_mut(doc, &target.pointer) {
                object.insert(target.field.to_string(), new.clone());
            }
            filled.push(FilledValue {
                slice: slice.to_owned(),
                path: target.path.to_string(),
                processor: processor_name(&target.spec).to_owned(),
                previous: current,
                value: new,
            });
        }
        Ok(filled)
    }
}

/// The name of a processor in reports.
pub(crate) fn processor_name(spec: &ProcessorSpec) -> &str {
    match spec {
        ProcessorSpec::UniqueInteger { .. } => "unique_integer",
        ProcessorSpec::SimpleValue { .. } => "simple_value",
        ProcessorSpec::Custom { name } => name,
    }
}

/// The integer values of the field in the other items of the target's list:
/// in the document (values filled so far included) and in the merged view
/// (deleted items included).
fn sibling_values(doc: &Value, view: &SliceView, target: &Target) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    let Some((parent, relation, index)) = &target.list else {
        return out;
    };
    let field = &*target.field;
    let mut parent_pointer = target.pointer.clone();
    parent_pointer.truncate(parent_pointer.len().saturating_sub(2));
    if let Some(Value::Array(items)) =
        object_at(doc, &parent_pointer).and_then(|o| o.get(&**relation))
    {
        for (i, item) in items.iter().enumerate() {
            if i != *index
                && let Some(v) = item.get(field).and_then(Value::as_i64)
            {
                out.insert(v);
            }
        }
    }
    let own_path = target.element.to_string();
    if let Ok(Value::Object(element)) = parent.get(&view.record.attributes)
        && let Some(Value::Array(items)) = element.get(&**relation)
    {
        for item in items {
            if item.get("path").and_then(Value::as_str) != Some(own_path.as_str())
                && let Some(v) = item.get(field).and_then(Value::as_i64)
            {
                out.insert(v);
            }
        }
    }
    out
}

fn object_at<'v>(doc: &'v Value, pointer: &[Seg]) -> Option<&'v Map<String, Value>> {
    let mut value = doc;
    for seg in pointer {
        value = match seg {
            Seg::Key(key) => value.get(&**key)?,
            Seg::Index(i) => value.get(*i)?,
        };
    }
    value.as_object()
}

fn object_at_mut<'v>(doc: &'v mut Value, pointer: &[Seg]) -> Option<&'v mut Map<String, Value>> {
    let mut value = doc;
    for seg in pointer {
        value = match seg {
            Seg::Key(key) => value.get_mut(&**key)?,
            Seg::Index(i) => value.get_mut(*i)?,
        };
    }
    value.as_object_mut()
}
