//! The file form of a document: what every write puts in a slice file.

use serde_json::{Map, Value};

use super::compiled::{DocumentSchema, EntityPlan, FieldPlan, FieldPlanKind, ObjectPlan};
use crate::schema::Cardinality;

impl DocumentSchema {
    /// The file form of a normalised document or of a merged view: only the
    /// fields that belong in slice files, in file order, at every level.
    ///
    /// Model-only fields and the markers of merged views (`operation`,
    /// `path`, `version`, `slice_store`, `slice_name`) are dropped, as is any
    /// other key the schema does not declare; union members are recognised by
    /// their tag. Nothing is validated and no default is filled in: give it a
    /// document [`DocumentSchema::normalise`] accepted, or a view built from
    /// such documents. Markers are dropped, not interpreted: an element a
    /// view marks `operation: delete` is kept, so filter deleted elements
    /// out first when writing a view back.
    pub fn for_file(&self, doc: &Value) -> Value {
        self.entity_for_file(self.root, doc)
    }

    fn entity_for_file(&self, entity: usize, value: &Value) -> Value {
        match (&self.entities[entity], value) {
            (EntityPlan::Object(plan), Value::Object(map)) => {
                Value::Object(self.object_for_file(plan, map))
            }
            (EntityPlan::Union(union), Value::Object(map)) => {
                let member = map
                    .get(&union.tag)
                    .and_then(Value::as_str)
                    .and_then(|tag| union.members.iter().find(|(v, _)| v == tag));
                match member {
                    Some((_, member)) => self.entity_for_file(*member, value),
                    None => value.clone(),
                }
            }
            _ => value.clone(),
        }
    }

    fn object_for_file(&self, plan: &ObjectPlan, map: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::with_capacity(plan.file_fields.len());
        for field in &plan.fields {
            if field.model_only {
                continue;
            }
            if let Some(value) = map.get(&field.name) {
                out.insert(field.name.clone(), self.field_for_file(field, value));
            }
        }
        out
    }

    /// The file form of one field's value.
    pub(crate) fn field_for_file(&self, field: &FieldPlan, value: &Value) -> Value {
        match (&field.kind, value) {
            (
                FieldPlanKind::Relation {
                    target,
                    cardinality: Cardinality::Many,
                    ..
                },
                Value::Array(items),
            ) => Value::Array(
                items
                    .iter()
                    .map(|item| self.entity_for_file(*target, item))
                    .collect(),
            ),
            (
                FieldPlanKind::Relation {
                    target,
                    cardinality: Cardinality::One | Cardinality::Optional,
                    ..
                },
                Value::Object(_),
            ) => self.entity_for_file(*target, value),
            _ => value.clone(),
        }
    }
}
