//! Checks that the typed path (serde on the Rust types) and the schema model
//! the derive produced agree. Shared by the example crates' tests
//! (`#[path = "../../common/typed_agreement.rs"] mod typed_agreement;`).
//!
//! What is compared, for a sample document `doc` of root type `T`:
//!
//! - [`shape_problems`]: `doc` deserialised into `T` and serialised back has,
//!   at every object, exactly the fields the schema lists (in schema order,
//!   the union tag aside), and every value has the type the schema gives;
//! - [`required_problems`]: removing a field the schema says is required makes
//!   serde refuse the document, and removing one with a default does not;
//! - [`default_problems`]: a field missing from `doc` comes back from serde
//!   with exactly the schema's default.
//!
//! Union tags: serde writes the tag of a union member first and requires it;
//! the schema has it as the member's discriminator field (with the member's
//! value as default). A root extending a union member (the `fs` and `disk`
//! examples) inherits the discriminator in the schema, but serde never
//! writes it for the root: a discriminator is expected only where the object
//! is reached through its union.

#![allow(dead_code)]

use git_ops_runtime::schema::{
    Cardinality, EntityId, EntityKind, Field, FieldKind, StoreSchema, ValueType,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// `value` through `T` and back.
pub fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Value {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|err| panic!("the sample does not deserialise: {err}\n{value:#}"));
    serde_json::to_value(&typed).expect("serialises")
}

/// The fields of an object of `entity` as serde writes them: every field of
/// the schema, the discriminator only when reached through a union.
fn expected_fields<'a>(
    schema: &'a StoreSchema,
    entity: &EntityId,
    via_union: bool,
) -> Vec<&'a Field> {
    schema
        .all_fields(entity)
        .into_iter()
        .filter(|f| via_union || !f.discriminator)
        .collect()
}

/// The member entity of a union for an object, from its tag.
fn member_of(
    schema: &StoreSchema,
    union: &EntityId,
    object: &Map<String, Value>,
) -> Result<EntityId, String> {
    let EntityKind::Union { tag, members } = &schema.entity(union).kind else {
        unreachable!("not a union")
    };
    let value = object
        .get(tag)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing tag `{tag}` of {union}"))?;
    members
        .iter()
        .find(|m| m.value == value)
        .map(|m| m.entity.clone())
        .ok_or_else(|| format!("tag `{tag}` = {value:?} names no member of {union}"))
}

/// Every disagreement between a serialised document and the schema.
pub fn shape_problems(schema: &StoreSchema, doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check_object(schema, &schema.root, doc, ".", &mut problems);
    problems
}

fn check_object(
    schema: &StoreSchema,
    target: &EntityId,
    value: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    let Some(object) = value.as_object() else {
        problems.push(format!("{at}: expected an object, got {value}"));
        return;
    };
    let (entity, via_union) = if schema.is_union(target) {
        match member_of(schema, target, object) {
            Ok(member) => (member, true),
            Err(err) => {
                problems.push(format!("{at}: {err}"));
                return;
            }
        }
    } else {
        (target.clone(), false)
    };
    let fields = expected_fields(schema, &entity, via_union);
    let expected: Vec<&str> = fields
        .iter()
        .filter(|f| !f.discriminator)
        .map(|f| f.name.as_str())
        .collect();
    let actual: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| !fields.iter().any(|f| f.discriminator && f.name == *k))
        .collect();
    if expected != actual {
        problems.push(format!(
            "{at}: fields {actual:?}, the schema of {entity} says {expected:?}"
        ));
    }
    for field in fields {
        let path = format!("{at}/{}", field.name);
        match object.get(&field.name) {
            None => problems.push(format!("{path}: missing")),
            Some(value) if field.discriminator => {
                if Some(value) != field.default.as_ref() {
                    problems.push(format!("{path}: tag {value}, expected {:?}", field.default));
                }
            }
            Some(value) => check_field(schema, &field.kind, value, &path, problems),
        }
    }
}

fn check_field(
    schema: &StoreSchema,
    kind: &FieldKind,
    value: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    match kind {
        FieldKind::Value { ty, nullable } => {
            // `Any` (a `serde_json::Value`) holds `null` too.
            if value.is_null() && *ty != ValueType::Any {
                if !nullable {
                    problems.push(format!("{at}: null, but the field is not nullable"));
                }
            } else {
                check_value(ty, value, at, problems);
            }
        }
        FieldKind::Relation {
            target,
            cardinality,
            nullable,
        } => match cardinality {
            Cardinality::One => check_object(schema, target, value, at, problems),
            Cardinality::Optional => {
                if !value.is_null() {
                    check_object(schema, target, value, at, problems);
                }
            }
            Cardinality::Many => match value {
                Value::Null if *nullable => {}
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        check_object(schema, target, item, &format!("{at}[{i}]"), problems);
                    }
                }
                other => problems.push(format!("{at}: expected a list, got {other}")),
            },
        },
    }
}

fn check_value(ty: &ValueType, value: &Value, at: &str, problems: &mut Vec<String>) {
    let ok = match ty {
        ValueType::String => value.is_string(),
        ValueType::Bool => value.is_boolean(),
        ValueType::Int { min, max } => {
            // Without bounds: those of i64.
            let (lo, hi) = ValueType::INT_BOUNDS;
            let (lo, hi) = (min.unwrap_or(lo), max.unwrap_or(hi));
            let int = value
                .as_i64()
                .map(i128::from)
                .or_else(|| value.as_u64().map(i128::from));
            int.is_some_and(|v| lo <= v && v <= hi)
        }
        ValueType::Float { min, max } => value
            .as_f64()
            .is_some_and(|v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)),
        ValueType::Any => true,
        ValueType::Enum(e) => value
            .as_str()
            .is_some_and(|v| e.values.iter().any(|x| x == v)),
        ValueType::List { items } => match (value, items) {
            (Value::Array(values), Some(items)) => {
                for (i, v) in values.iter().enumerate() {
                    check_value(items, v, &format!("{at}[{i}]"), problems);
                }
                true
            }
            (Value::Array(_), None) => true,
            _ => false,
        },
        ValueType::Dict { values } => match (value, values) {
            (Value::Object(map), Some(values)) => {
                for (k, v) in map {
                    check_value(values, v, &format!("{at}/{k}"), problems);
                }
                true
            }
            (Value::Object(_), None) => true,
            _ => false,
        },
    };
    if !ok {
        problems.push(format!("{at}: {value} does not fit {ty:?}"));
    }
}

/// For every object of `doc` (walked with the schema) and every field of it:
/// with the field removed, `accepts` (serde on the root type) must refuse
/// the document exactly when the schema says the field is required.
/// Discriminators are skipped: serde needs the tag to choose a member.
pub fn required_problems(
    schema: &StoreSchema,
    doc: &Value,
    accepts: impl Fn(&Value) -> Result<(), String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(err) = accepts(doc) {
        return vec![format!("the sample itself is refused: {err}")];
    }
    let mut pointers = Vec::new();
    collect_objects(schema, &schema.root, doc, String::new(), &mut pointers);
    for (pointer, entity, via_union) in pointers {
        for field in expected_fields(schema, &entity, via_union) {
            if field.discriminator {
                continue;
            }
            let mut mutated = doc.clone();
            let object = mutated
                .pointer_mut(&pointer)
                .and_then(Value::as_object_mut)
                .expect("collected");
            if object.remove(&field.name).is_none() {
                continue;
            }
            let outcome = accepts(&mutated);
            let at = format!("{pointer}/{}", field.name);
            match (field.is_required(), outcome) {
                (true, Ok(())) => problems.push(format!(
                    "{at}: the schema says required, but serde accepts the document without it"
                )),
                (false, Err(err)) => problems.push(format!(
                    "{at}: the schema has a default ({:?}), but serde refuses the document without it: {err}",
                    field.default
                )),
                _ => {}
            }
        }
    }
    problems
}

fn collect_objects(
    schema: &StoreSchema,
    target: &EntityId,
    value: &Value,
    pointer: String,
    out: &mut Vec<(String, EntityId, bool)>,
) {
    let Some(object) = value.as_object() else {
        return;
    };
    let (entity, via_union) = if schema.is_union(target) {
        match member_of(schema, target, object) {
            Ok(member) => (member, true),
            Err(_) => return,
        }
    } else {
        (target.clone(), false)
    };
    for field in schema.all_fields(&entity) {
        let Some((child, cardinality)) = field.as_relation() else {
            continue;
        };
        let Some(child_value) = object.get(&field.name) else {
            continue;
        };
        let child_pointer = format!("{pointer}/{}", escape(&field.name));
        match (cardinality, child_value) {
            (Cardinality::Many, Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    collect_objects(schema, child, item, format!("{child_pointer}/{i}"), out);
                }
            }
            (_, Value::Object(_)) => {
                collect_objects(schema, child, child_value, child_pointer, out)
            }
            _ => {}
        }
    }
    out.push((pointer, entity, via_union));
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// For every object of the minimal document `minimal` (walked with the
/// schema): each field it lacks comes back from serde (`typed`, the round
/// trip of `minimal`) with exactly the schema's default.
pub fn default_problems(schema: &StoreSchema, minimal: &Value, typed: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pointers = Vec::new();
    collect_objects(schema, &schema.root, minimal, String::new(), &mut pointers);
    for (pointer, entity, via_union) in pointers {
        let given = minimal
            .pointer(&pointer)
            .and_then(Value::as_object)
            .expect("collected");
        let Some(written) = typed.pointer(&pointer).and_then(Value::as_object) else {
            problems.push(format!("{pointer}: missing after the round trip"));
            continue;
        };
        for field in expected_fields(schema, &entity, via_union) {
            if given.contains_key(&field.name) {
                continue;
            }
            let at = format!("{pointer}/{}", field.name);
            match (&field.default, written.get(&field.name)) {
                (Some(default), Some(value)) if default == value => {}
                (default, value) => problems.push(format!(
                    "{at}: serde gives {value:?}, the schema's default is {default:?}"
                )),
            }
        }
    }
    problems
}

/// Runs the three checks on `sample` (a full document) and `minimal` (only
/// the required fields) of root type `T`, and fails with every problem.
pub fn assert_agreement<T: DeserializeOwned + Serialize>(
    schema: &StoreSchema,
    sample: &Value,
    minimal: &Value,
) {
    let mut problems = Vec::new();
    let typed = round_trip::<T>(sample);
    problems.extend(
        shape_problems(schema, &typed)
            .into_iter()
            .map(|p| format!("sample {p}")),
    );
    let typed_minimal = round_trip::<T>(minimal);
    problems.extend(
        shape_problems(schema, &typed_minimal)
            .into_iter()
            .map(|p| format!("minimal {p}")),
    );
    problems.extend(default_problems(schema, minimal, &typed_minimal));
    let accepts = |doc: &Value| {
        serde_json::from_value::<T>(doc.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    problems.extend(required_problems(schema, &typed, accepts));
    assert!(
        problems.is_empty(),
        "the typed path and the schema disagree:\n{}",
        problems.join("\n")
    );
}
