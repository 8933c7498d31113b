//! The scaffold of a new slice (spec §6.6): every field a file holds, with
//! defaults where there are some and a placeholder where the user must write
//! a value.

use serde_json::{Map, Value};

use super::compiled::{DocumentSchema, EntityPlan, FieldPlanKind};
use crate::schema::{Cardinality, EntityId};

/// The value a scaffold holds where the user must write one.
pub const PLACEHOLDER: &str = "<REPLACE_THIS>";

impl DocumentSchema {
    /// The scaffold of an entity (usually the root, for a new slice file).
    ///
    /// Fields in file order, model-only fields omitted. A field holding
    /// exactly one embedded object (a required single relation, even with a
    /// default) is scaffolded recursively; any other field with a default
    /// shows the default in file form (union members keep their tag); the
    /// rest, including required unions, hold [`PLACEHOLDER`]. The scaffold of
    /// a union is the placeholder.
    ///
    /// # Panics
    ///
    /// If `entity` is not part of the store.
    pub fn scaffold(&self, entity: &EntityId) -> Value {
        let index = *self
            .by_id
            .get(entity)
            .unwrap_or_else(|| panic!("entity {entity} is not part of the store"));
        self.scaffold_entity(index, &mut Vec::new())
    }

    fn scaffold_entity(&self, entity: usize, stack: &mut Vec<usize>) -> Value {
        let EntityPlan::Object(plan) = &self.entities[entity] else {
            return Value::String(PLACEHOLDER.to_owned());
        };
        stack.push(entity);
        let mut out = Map::with_capacity(plan.file_fields.len());
        for field in &plan.fields {
            if field.model_only {
                continue;
            }
            let value = match (&field.kind, &field.default) {
                (
                    FieldPlanKind::Relation {
                        target,
                        cardinality: Cardinality::One,
                        ..
                    },
                    _,
                ) if matches!(self.entities[*target], EntityPlan::Object(_))
                    // A required object containing itself has no finite
                    // scaffold.
                    && !stack.contains(target) =>
                {
                    self.scaffold_entity(*target, stack)
                }
                (_, Some(default)) if default.valid => default.value.clone(),
                _ => Value::String(PLACEHOLDER.to_owned()),
            };
            out.insert(field.name.clone(), value);
        }
        stack.pop();
        Value::Object(out)
    }
}
