//! The JSON Schema of a slice document, in pydantic's shape (spec §2.8) with
//! the differences described in `docs/json-schema.md`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::coerce::int_bounds;
use super::compiled::{DocumentSchema, EntityPlan};
use crate::schema::{
    Cardinality, EntityId, EntityKind, EnumType, Field, FieldKind, StoreSchema, ValueType,
};

/// The `$schema` of every generated schema: JSON Schema draft-07, the newest
/// draft that yaml-language-server (the VS Code YAML extension) validates
/// instances against, and one VS Code's JSON support handles fully.
pub const JSON_SCHEMA_DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// The JSON Schema of a store's slice documents (its root type).
pub fn json_schema(schema: &StoreSchema) -> Value {
    json_schema_for_entity(schema, &schema.root)
}

/// The JSON Schema of documents of one entity of the store: the entity's
/// object schema at the top, every type it reaches under `$defs`.
///
/// # Panics
///
/// If `entity` is not part of the store.
pub fn json_schema_for_entity(schema: &StoreSchema, entity: &EntityId) -> Value {
    let compiled = DocumentSchema::new(schema);
    let mut generator = Generator {
        schema,
        compiled: &compiled,
        top: entity,
        names: def_names(schema),
        defs: BTreeMap::new(),
    };
    let mut top = match &schema.entity(entity).kind {
        EntityKind::Union { .. } => generator.union_schema(entity),
        _ => generator.object_schema(entity),
    };
    top.insert("$schema".to_owned(), Value::from(JSON_SCHEMA_DRAFT));
    if !generator.defs.is_empty() {
        let defs: Map<String, Value> = std::mem::take(&mut generator.defs)
            .into_iter()
            .map(|(name, def)| (name, def.expect("every definition is completed")))
            .collect();
        top.insert("$defs".to_owned(), Value::Object(defs));
    }
    Value::Object(sorted(top))
}

struct Generator<'a> {
    schema: &'a StoreSchema,
    compiled: &'a DocumentSchema,
    /// The entity at the top of the schema: references to it are `#`.
    top: &'a EntityId,
    /// The `$defs` name of every entity and enum.
    names: HashMap<EntityId, String>,
    /// Definitions by name; `None` while one is being built (recursion).
    defs: BTreeMap<String, Option<Value>>,
}

impl Generator<'_> {
    /// `{"additionalProperties": false, "properties": ..., "required": ...,
    /// "title": ..., "type": "object"}` for a struct entity.
    fn object_schema(&mut self, id: &EntityId) -> Map<String, Value> {
        let entity = self.schema.entity(id);
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in self.schema.all_fields(id) {
            if field.model_only {
                continue;
            }
            let property = self.property_schema(id, field);
            properties.insert(field.name.clone(), property);
            if field.is_required() {
                required.push(Value::from(field.name.clone()));
            }
        }
        let mut out = Map::new();
        out.insert("additionalProperties".to_owned(), Value::Bool(false));
        if let Some(description) = &entity.description {
            out.insert("description".to_owned(), Value::from(description.clone()));
        }
        out.insert("properties".to_owned(), Value::Object(properties));
        if !required.is_empty() {
            out.insert("required".to_owned(), Value::Array(required));
        }
        out.insert("title".to_owned(), Value::from(id.name()));
        out.insert("type".to_owned(), Value::from("object"));
        out
    }

    fn property_schema(&mut self, owner: &EntityId, field: &Field) -> Value {
        let (mut out, is_reference) = match &field.kind {
            FieldKind::Value { .. } if field.discriminator => {
                let value = field.default.clone().unwrap_or(Value::Null);
                (object(json!({"const": value, "type": "string"})), false)
            }
            FieldKind::Value { ty, nullable } => {
                let base = self.value_schema(ty);
                let is_reference = matches!(ty, ValueType::Enum(_));
                (nullable_if(base, *nullable), is_reference)
            }
            FieldKind::Relation {
                target,
                cardinality,
                nullable,
            } => {
                let is_union = self.schema.is_union(target);
                let target_schema = self.target_schema(target);
                match cardinality {
                    Cardinality::One => (target_schema, !is_union),
                    Cardinality::Optional => (nullable_if(target_schema, true), !is_union),
                    Cardinality::Many => {
                        let list = object(json!({"items": target_schema, "type": "array"}));
                        (nullable_if(list, *nullable), false)
                    }
                }
            }
        };
        // pydantic titles every property but those that are references to a
        // model or an enum (optional or not).
        if !is_reference {
            out.insert("title".to_owned(), Value::from(title_case(&field.name)));
        }
        if let Some(description) = &field.description {
            out.insert("description".to_owned(), Value::from(description.clone()));
        }
        if field.default.is_some() {
            out.insert("default".to_owned(), self.file_default(owner, &field.name));
        }
        Value::Object(sorted(out))
    }

    /// The default of a field as a file holds it.
    fn file_default(&self, owner: &EntityId, name: &str) -> Value {
        let EntityPlan::Object(plan) = &self.compiled.entities[self.compiled.by_id[owner]] else {
            unreachable!("a field belongs to a struct entity");
        };
        plan.fields
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.default.as_ref())
            .map(|d| d.value.clone())
            .expect("the field has a default")
    }

    fn value_schema(&mut self, ty: &ValueType) -> Map<String, Value> {
        match ty {
            ValueType::String => object(json!({"type": "string"})),
            ValueType::Bool => object(json!({"type": "boolean"})),
            // Both bounds, always: an integer without bounds is an i64.
            ValueType::Int { min, max } => {
                let (min, max) = int_bounds(*min, *max);
                bounded("integer", Some(int_value(min)), Some(int_value(max)))
            }
            ValueType::Float { min, max } => {
                bounded("number", min.map(Value::from), max.map(Value::from))
            }
            ValueType::Any => Map::new(),
            ValueType::Dict { values } => {
                let values = match values {
                    Some(values) => Value::Object(self.value_schema(values)),
                    None => Value::Bool(true),
                };
                object(json!({"additionalProperties": values, "type": "object"}))
            }
            ValueType::List { items } => {
                let items = match items {
                    Some(items) => self.value_schema(items),
                    None => Map::new(),
                };
                object(json!({"items": items, "type": "array"}))
            }
            ValueType::Enum(enum_type) => self.enum_reference(enum_type),
        }
    }

    fn enum_reference(&mut self, enum_type: &EnumType) -> Map<String, Value> {
        let name = self.def_name(&enum_type.id);
        if !self.defs.contains_key(&name) {
            let mut def = Map::new();
            if let Some(description) = &enum_type.description {
                def.insert("description".to_owned(), Value::from(description.clone()));
            }
            def.insert("enum".to_owned(), json!(enum_type.values));
            def.insert("title".to_owned(), Value::from(enum_type.id.name()));
            def.insert("type".to_owned(), Value::from("string"));
            self.defs.insert(name.clone(), Some(Value::Object(def)));
        }
        reference(&name)
    }

    /// The schema of one object of a relation's target.
    fn target_schema(&mut self, target: &EntityId) -> Map<String, Value> {
        if self.schema.is_union(target) {
            self.union_schema(target)
        } else {
            self.entity_reference(target)
        }
    }

    /// `{"$ref": "#/$defs/<Name>"}`, defining the entity on first use; `#` for
    /// the entity at the top.
    fn entity_reference(&mut self, id: &EntityId) -> Map<String, Value> {
        if id == self.top {
            return object(json!({"$ref": "#"}));
        }
        let name = self.def_name(id);
        if !self.defs.contains_key(&name) {
            self.defs.insert(name.clone(), None);
            let def = sorted(self.object_schema(id));
            self.defs.insert(name.clone(), Some(Value::Object(def)));
        }
        reference(&name)
    }

    /// A discriminated union: `discriminator` (OpenAPI style, for editors
    /// that know it), `oneOf` the members in declaration order, and the tag
    /// required.
    fn union_schema(&mut self, id: &EntityId) -> Map<String, Value> {
        let EntityKind::Union { tag, members } = &self.schema.entity(id).kind else {
            unreachable!("checked by the caller");
        };
        let mut mapping = BTreeMap::new();
        let mut one_of = Vec::new();
        for member in members {
            let member_ref = self.entity_reference(&member.entity);
            mapping.insert(member.value.clone(), member_ref["$ref"].clone());
            one_of.push(Value::Object(member_ref));
        }
        object(json!({
            "discriminator": {"mapping": mapping, "propertyName": tag},
            "oneOf": one_of,
            "required": [tag],
        }))
    }

    fn def_name(&self, id: &EntityId) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.name().to_owned())
    }
}

/// `$defs` names: the type name, or the whole path (`a__b__Name`) for names
/// that two types of the store share.
fn def_names(schema: &StoreSchema) -> HashMap<EntityId, String> {
    let mut ids: Vec<EntityId> = schema.entities.keys().cloned().collect();
    for entity in schema.entities.values() {
        for field in &entity.fields {
            if let FieldKind::Value { ty, .. } = &field.kind {
                collect_enums(ty, &mut ids);
            }
        }
    }
    let mut count: HashMap<String, usize> = HashMap::new();
    for id in &ids {
        *count.entry(id.name().to_owned()).or_default() += 1;
    }
    ids.into_iter()
        .map(|id| {
            let name = if count[id.name()] > 1 {
                id.as_str().replace("::", "__")
            } else {
                id.name().to_owned()
            };
            (id, name)
        })
        .collect()
}

fn collect_enums(ty: &ValueType, out: &mut Vec<EntityId>) {
    match ty {
        ValueType::Enum(enum_type) if !out.contains(&enum_type.id) => {
            out.push(enum_type.id.clone());
        }
        ValueType::List { items: Some(inner) }
        | ValueType::Dict {
            values: Some(inner),
        } => {
            collect_enums(inner, out);
        }
        _ => {}
    }
}

fn reference(name: &str) -> Map<String, Value> {
    object(json!({"$ref": format!("#/$defs/{name}")}))
}

/// An integer bound as a JSON number; a bound beyond what a file can hold
/// (from a manifest) is the end of that range.
fn int_value(bound: i128) -> Value {
    if let Ok(int) = i64::try_from(bound) {
        Value::from(int)
    } else if bound > 0 {
        Value::from(u64::try_from(bound).unwrap_or(u64::MAX))
    } else {
        Value::from(i64::MIN)
    }
}

fn bounded(ty: &str, min: Option<Value>, max: Option<Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(max) = max {
        out.insert("maximum".to_owned(), max);
    }
    if let Some(min) = min {
        out.insert("minimum".to_owned(), min);
    }
    out.insert("type".to_owned(), Value::from(ty));
    out
}

/// `{"anyOf": [schema, {"type": "null"}]}` when nullable.
fn nullable_if(schema: Map<String, Value>, nullable: bool) -> Map<String, Value> {
    if nullable {
        object(json!({"anyOf": [schema, {"type": "null"}]}))
    } else {
        schema
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => sorted(map),
        _ => unreachable!("called with an object literal"),
    }
}

/// The same mapping with its keys in alphabetical order (values untouched).
fn sorted(map: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// pydantic's property title: Python's `str.title()` on the field name, then
/// `_` replaced by a space (`unique_id` → `Unique Id`, `mtu2x` → `Mtu2X`).
pub(crate) fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut previous_cased = false;
    for c in name.chars() {
        let cased = c.is_lowercase() || c.is_uppercase();
        if cased && !previous_cased {
            out.extend(c.to_uppercase());
        } else if cased {
            out.extend(c.to_lowercase());
        } else if c == '_' {
            out.push(' ');
        } else {
            out.push(c);
        }
        previous_cased = cased;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::title_case;

    #[test]
    fn titles_follow_python_str_title() {
        // Expected values: Python's `name.title().replace("_", " ")`.
        assert_eq!(title_case("vid"), "Vid");
        assert_eq!(title_case("unique_id"), "Unique Id");
        assert_eq!(title_case("some_URL"), "Some Url");
        assert_eq!(title_case("mtu2x"), "Mtu2X");
        assert_eq!(title_case("previous_content"), "Previous Content");
        assert_eq!(title_case("kebab-case"), "Kebab-Case");
    }
}
