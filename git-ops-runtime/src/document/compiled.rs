//! [`DocumentSchema`]: a store schema compiled once into a compact plan per
//! entity, so that normalising thousands of documents never walks the
//! inheritance chain again.

use std::collections::HashMap;

use serde_json::Value;

use crate::schema::{
    Cardinality, EntityId, EntityKind, EntitySchema, Field, FieldKind, StoreSchema, ValueType,
};

/// A [`StoreSchema`] prepared for reading and writing slice documents.
///
/// Build it once per store schema ([`DocumentSchema::new`]) and keep it for
/// every document of the store: [`DocumentSchema::normalise`] and
/// [`DocumentSchema::for_file`] then cost one pass over the document.
#[derive(Clone, Debug)]
pub struct DocumentSchema {
    pub(crate) entities: Vec<EntityPlan>,
    pub(crate) by_id: HashMap<EntityId, usize>,
    pub(crate) root: usize,
}

/// How to read one entity.
#[derive(Clone, Debug)]
pub(crate) enum EntityPlan {
    Object(ObjectPlan),
    Union(UnionPlan),
}

/// A struct entity: its fields in file order (bases first).
#[derive(Clone, Debug)]
pub(crate) struct ObjectPlan {
    /// The entity name, for messages (`Branch`).
    pub(crate) name: String,
    pub(crate) fields: Vec<FieldPlan>,
    /// Indexes into `fields` of the resolved keys, in key order.
    pub(crate) keys: Vec<usize>,
    /// Names of the fields a file may hold, in file order (for messages).
    pub(crate) file_fields: Vec<String>,
}

/// A discriminated union: the member chosen by the tag.
#[derive(Clone, Debug)]
pub(crate) struct UnionPlan {
    pub(crate) name: String,
    pub(crate) tag: String,
    /// `(tag value, member entity)` in declaration order.
    pub(crate) members: Vec<(String, usize)>,
    /// The tag values, in declaration order (for messages).
    pub(crate) values: Vec<String>,
}

/// One field of an object.
#[derive(Clone, Debug)]
pub(crate) struct FieldPlan {
    pub(crate) name: String,
    pub(crate) kind: FieldPlanKind,
    pub(crate) default: Option<DefaultValue>,
    pub(crate) model_only: bool,
    /// For the tag of a union member: the only accepted value.
    pub(crate) fixed: Option<String>,
}

/// A default value, in file form.
#[derive(Clone, Debug)]
pub(crate) struct DefaultValue {
    pub(crate) value: Value,
    /// Whether the default itself normalises without error (a scaffold shows
    /// the placeholder instead of an invalid default).
    pub(crate) valid: bool,
}

/// The type of a field.
#[derive(Clone, Debug)]
pub(crate) enum FieldPlanKind {
    Value {
        ty: ValueType,
        nullable: bool,
    },
    Relation {
        target: usize,
        cardinality: Cardinality,
        nullable: bool,
    },
}

impl DocumentSchema {
    /// Compiles a store schema.
    ///
    /// # Panics
    ///
    /// If the schema refers to an entity it does not hold: give it a schema
    /// checked by [`StoreSchema::build`] (a deserialised manifest included).
    pub fn new(schema: &StoreSchema) -> DocumentSchema {
        let by_id: HashMap<EntityId, usize> = schema
            .entities
            .keys()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let entities = schema
            .entities
            .values()
            .map(|entity| match &entity.kind {
                EntityKind::Union { tag, members } => EntityPlan::Union(UnionPlan {
                    name: entity.id.name().to_owned(),
                    tag: tag.clone(),
                    members: members
                        .iter()
                        .map(|m| (m.value.clone(), by_id[&m.entity]))
                        .collect(),
                    values: members.iter().map(|m| m.value.clone()).collect(),
                }),
                EntityKind::Root | EntityKind::Embedded => {
                    EntityPlan::Object(object_plan(schema, entity, &by_id))
                }
            })
            .collect();
        let mut compiled = DocumentSchema {
            entities,
            root: by_id[&schema.root],
            by_id,
        };
        compiled.normalise_defaults();
        compiled
    }

    /// Puts every default in file form: model-only fields dropped, missing
    /// fields filled in, values coerced. A default that does not normalise is
    /// kept in file form and flagged invalid.
    fn normalise_defaults(&mut self) {
        let mut updates = Vec::new();
        for (e, entity) in self.entities.iter().enumerate() {
            let EntityPlan::Object(object) = entity else {
                continue;
            };
            for (f, field) in object.fields.iter().enumerate() {
                let Some(default) = &field.default else {
                    continue;
                };
                let file_form = self.field_for_file(field, &default.value);
                let normalised = self.normalise_field_value(field, &file_form);
                let valid = normalised.is_some();
                updates.push((e, f, normalised.unwrap_or(file_form), valid));
            }
        }
        for (e, f, value, valid) in updates {
            if let EntityPlan::Object(object) = &mut self.entities[e] {
                object.fields[f].default = Some(DefaultValue { value, valid });
            }
        }
    }
}

fn object_plan(
    schema: &StoreSchema,
    entity: &EntitySchema,
    by_id: &HashMap<EntityId, usize>,
) -> ObjectPlan {
    let fields: Vec<FieldPlan> = schema
        .all_fields(&entity.id)
        .into_iter()
        .map(|field| field_plan(field, by_id))
        .collect();
    let keys = entity
        .resolved_keys
        .iter()
        .filter_map(|key| fields.iter().position(|f| &f.name == key))
        .collect();
    let file_fields = fields
        .iter()
        .filter(|f| !f.model_only)
        .map(|f| f.name.clone())
        .collect();
    ObjectPlan {
        name: entity.id.name().to_owned(),
        fields,
        keys,
        file_fields,
    }
}

fn field_plan(field: &Field, by_id: &HashMap<EntityId, usize>) -> FieldPlan {
    FieldPlan {
        name: field.name.clone(),
        kind: match &field.kind {
            FieldKind::Value { ty, nullable } => FieldPlanKind::Value {
                ty: ty.clone(),
                nullable: *nullable,
            },
            FieldKind::Relation {
                target,
                cardinality,
                nullable,
            } => FieldPlanKind::Relation {
                target: by_id[target],
                cardinality: *cardinality,
                nullable: *nullable,
            },
        },
        // Put in file form by `normalise_defaults` once every plan exists.
        default: field
            .default
            .clone()
            .map(|value| DefaultValue { value, valid: true }),
        model_only: field.model_only,
        fixed: match (&field.default, field.discriminator) {
            (Some(Value::String(value)), true) => Some(value.clone()),
            _ => None,
        },
    }
}
