//! The shape of merged views, compiled once per store: for every entity, the
//! keys of a view element in order, its relations, and how list items are
//! identified.
//!
//! Key order of a view element (spec §4.7, adapted to Rust types):
//! `operation`, `path`, then the attributes, then the relations. Attributes
//! in *model order*: a union member's tag first, then the attributes of its
//! bases (in declaration order, recursively), then its own. Relations: those
//! of the bases, then its own. On the slice root, `version`, `slice_store`
//! and `slice_name` come right after `path`, except when the root carries a
//! union tag (it is or extends a union member): then they follow the
//! inherited attributes. This reproduces every key order the reference
//! documents (`docs/views.md`).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::schema::{Cardinality, EntityId, EntityKind, Field, FieldKind, StoreSchema};

/// A root attribute injected into the view (spec §4.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RootField {
    Version,
    Store,
    Name,
}

impl RootField {
    pub(crate) const ALL: [RootField; 3] = [RootField::Version, RootField::Store, RootField::Name];

    pub(crate) fn key(self) -> &'static str {
        match self {
            RootField::Version => "version",
            RootField::Store => "slice_store",
            RootField::Name => "slice_name",
        }
    }
}

/// One attribute of a view element.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    /// A field of slice files: compared between versions.
    File(String),
    /// A custom model-only field: its value if the element has one, else its
    /// default. Never compared (files cannot set it).
    ModelOnly(String, Value),
    /// `version`, `slice_store` or `slice_name` on the root.
    Root(RootField),
}

/// One relation of a view element.
#[derive(Debug, Clone)]
pub(crate) struct RelationView {
    pub(crate) name: Arc<str>,
    pub(crate) target: usize,
    pub(crate) many: bool,
}

/// A struct entity.
#[derive(Debug, Clone)]
pub(crate) struct ObjectView {
    pub(crate) slots: Vec<Slot>,
    pub(crate) relations: Vec<RelationView>,
    /// The union tag, for a union member: the first part of an item's
    /// identity.
    pub(crate) tag: Option<Arc<str>>,
    /// The resolved keys.
    pub(crate) keys: Vec<Arc<str>>,
}

/// A union: the member is chosen by the tag.
#[derive(Debug, Clone)]
pub(crate) struct UnionView {
    pub(crate) name: String,
    pub(crate) tag: String,
    pub(crate) members: Vec<(String, usize)>,
}

#[derive(Debug, Clone)]
pub(crate) enum EntityView {
    Object(ObjectView),
    Union(UnionView),
}

/// Every entity of a store, in view form.
#[derive(Debug, Clone)]
pub(crate) struct ViewPlan {
    pub(crate) entities: Vec<EntityView>,
    /// The root entity in root form (with the injected root attributes).
    pub(crate) root: ObjectView,
}

impl ViewPlan {
    pub(crate) fn new(schema: &StoreSchema) -> ViewPlan {
        let by_id: HashMap<&EntityId, usize> = schema
            .entities
            .keys()
            .enumerate()
            .map(|(i, id)| (id, i))
            .collect();
        let entities = schema
            .entities
            .values()
            .map(|entity| match &entity.kind {
                EntityKind::Union { tag, members } => EntityView::Union(UnionView {
                    name: entity.id.name().to_owned(),
                    tag: tag.clone(),
                    members: members
                        .iter()
                        .map(|m| (m.value.clone(), by_id[&m.entity]))
                        .collect(),
                }),
                _ => EntityView::Object(object(schema, &entity.id, &by_id, false)),
            })
            .collect();
        ViewPlan {
            entities,
            root: object(schema, &schema.root, &by_id, true),
        }
    }
}

fn object(
    schema: &StoreSchema,
    id: &EntityId,
    by_id: &HashMap<&EntityId, usize>,
    root: bool,
) -> ObjectView {
    let mut inherited: Vec<&Field> = Vec::new();
    let mut own: Vec<&Field> = Vec::new();
    let entity = schema.entity(id);
    if let Some(tag) = entity.fields.iter().find(|f| f.discriminator) {
        inherited.push(tag);
    }
    for base in &entity.bases {
        model_attributes(schema, base, &mut inherited);
    }
    for field in &entity.fields {
        if !field.kind.is_relation() && !field.discriminator {
            push_new(&mut own, field);
        }
    }
    let tagged = inherited.iter().any(|f| f.discriminator);
    let slot = |field: &Field| {
        if field.model_only {
            Slot::ModelOnly(
                field.name.clone(),
                field.default.clone().unwrap_or(Value::Null),
            )
        } else {
            Slot::File(field.name.clone())
        }
    };
    let mut slots: Vec<Slot> = Vec::new();
    let root_slots = RootField::ALL.map(Slot::Root);
    if root && !tagged {
        slots.extend(root_slots.iter().cloned());
    }
    slots.extend(inherited.iter().map(|f| slot(f)));
    if root && tagged {
        slots.extend(root_slots.iter().cloned());
    }
    slots.extend(
        own.iter()
            .filter(|f| !inherited.iter().any(|i| i.name == f.name))
            .map(|f| slot(f)),
    );

    let mut relations: Vec<&Field> = Vec::new();
    model_relations(schema, id, &mut relations);
    ObjectView {
        slots,
        relations: relations
            .into_iter()
            .map(|field| {
                let (target, cardinality) = field.as_relation().expect("relations only");
                RelationView {
                    name: field.name.as_str().into(),
                    target: by_id[target],
                    many: cardinality == Cardinality::Many,
                }
            })
            .collect(),
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

fn push_new<'a>(out: &mut Vec<&'a Field>, field: &'a Field) {
    if !out.iter().any(|f| f.name == field.name) {
        out.push(field);
    }
}

/// The attributes of an entity in model order (tag, bases, own).
fn model_attributes<'a>(schema: &'a StoreSchema, id: &EntityId, out: &mut Vec<&'a Field>) {
    let entity = schema.entity(id);
    if let Some(tag) = entity.fields.iter().find(|f| f.discriminator) {
        push_new(out, tag);
    }
    for base in &entity.bases {
        model_attributes(schema, base, out);
    }
    for field in &entity.fields {
        if matches!(field.kind, FieldKind::Value { .. }) {
            push_new(out, field);
        }
    }
}

/// The relations of an entity: those of its bases, then its own.
fn model_relations<'a>(schema: &'a StoreSchema, id: &EntityId, out: &mut Vec<&'a Field>) {
    let entity = schema.entity(id);
    for base in &entity.bases {
        model_relations(schema, base, out);
    }
    for field in &entity.fields {
        if field.kind.is_relation() {
            push_new(out, field);
        }
    }
}
