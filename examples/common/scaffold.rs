//! The scaffold of a slice type (spec §6.6), computed from the schema model
//! alone: a test oracle proving the model carries what the scaffolder needs.
//! Shared by the example crates' tests.

#![allow(dead_code)]

use git_ops_runtime::schema::{Cardinality, EntityId, StoreSchema};
use serde_json::{Map, Value};

/// The placeholder of a required value.
pub const PLACEHOLDER: &str = "<REPLACE_THIS>";

/// Scaffold of `entity`: fields in schema order, model-only fields left out,
/// a required single embedded object (not a union) scaffolded recursively, a
/// field with a default given its default, anything else the placeholder.
pub fn scaffold(schema: &StoreSchema, entity: &EntityId) -> Value {
    let mut out = Map::new();
    for field in schema.all_fields(entity) {
        if field.model_only {
            continue;
        }
        let value = match (field.as_relation(), &field.default) {
            (Some((target, Cardinality::One)), _) if !schema.is_union(target) => {
                scaffold(schema, target)
            }
            (_, Some(default)) => default.clone(),
            (_, None) => Value::from(PLACEHOLDER),
        };
        out.insert(field.name.clone(), value);
    }
    Value::Object(out)
}

/// The scaffold as compact JSON, keys in order (so that a comparison checks
/// the order too; `Value` equality ignores it).
pub fn scaffold_json(schema: &StoreSchema, entity: &EntityId) -> String {
    serde_json::to_string(&scaffold(schema, entity)).expect("serialises")
}
