//! The schema of store `simple`, checked against the reference's flat
//! example (spec §12 scenario 38) and snapshotted.

use git_ops_runtime::Slice;
use git_ops_runtime::schema::{
    EntityId, EntityKind, EnumType, FieldKind, ProcessorSpec, StoreSchema, UniqueScope, ValueType,
};
use serde_json::json;
use simple::SimpleSlice;

fn schema() -> StoreSchema {
    SimpleSlice::store_schema()
}

fn root() -> EntityId {
    EntityId::new("simple", "SimpleSlice")
}

fn kind(schema: &StoreSchema, field: &str) -> FieldKind {
    schema.field(&root(), field).unwrap().kind.clone()
}

fn value(ty: ValueType, nullable: bool) -> FieldKind {
    FieldKind::Value { ty, nullable }
}

#[test]
fn one_flat_entity() {
    let schema = schema();
    assert_eq!(schema.store, "simple");
    assert_eq!(schema.source, "inmanta:///files/simple/");
    assert_eq!(schema.root, root());
    assert_eq!(schema.entities.len(), 1);
    let entity = schema.root_entity();
    assert_eq!(entity.kind, EntityKind::Root);
    assert!(entity.bases.is_empty());
    assert_eq!(entity.resolved_keys, ["name"]);
    assert_eq!(
        entity.description.as_deref(),
        Some("A flat slice: a name and a handful of values.")
    );
}

#[test]
fn field_order_and_defaults() {
    let schema = schema();
    let fields: Vec<(&str, Option<serde_json::Value>)> = schema
        .all_fields(&root())
        .iter()
        .map(|f| (f.name.as_str(), f.default.clone()))
        .collect();
    assert_eq!(
        fields,
        [
            ("name", None),
            ("description", Some(json!(null))),
            ("unique_id", Some(json!(null))),
            ("some_number", Some(json!(0.0))),
            ("some_flag", Some(json!(false))),
            ("some_list", Some(json!([]))),
            ("some_dict", Some(json!({}))),
            ("priority", Some(json!("normal"))),
            ("vlan", Some(json!(null))),
            ("counters", Some(json!({}))),
            ("anything", Some(json!(null))),
            ("matrix", Some(json!([]))),
        ]
    );
}

#[test]
fn every_primitive_kind() {
    let schema = schema();
    assert_eq!(kind(&schema, "name"), value(ValueType::String, false));
    assert_eq!(kind(&schema, "description"), value(ValueType::String, true));
    assert_eq!(kind(&schema, "unique_id"), value(ValueType::INT, true));
    assert_eq!(kind(&schema, "some_number"), value(ValueType::FLOAT, false));
    assert_eq!(kind(&schema, "some_flag"), value(ValueType::Bool, false));
    assert_eq!(
        kind(&schema, "some_list"),
        value(
            ValueType::List {
                items: Some(Box::new(ValueType::String))
            },
            false
        )
    );
    assert_eq!(
        kind(&schema, "some_dict"),
        value(ValueType::Dict { values: None }, false)
    );
    assert_eq!(
        kind(&schema, "priority"),
        value(
            ValueType::Enum(EnumType {
                id: EntityId::new("simple", "Priority"),
                values: vec!["low".into(), "normal".into(), "right_now".into()],
                description: Some("How urgently changes to a slice are rolled out.".into()),
            }),
            false
        )
    );
    // `range(min = 1, max = 4094)` on a `u16`: the range wins over the type's
    // own bounds (0..=65535).
    assert_eq!(
        kind(&schema, "vlan"),
        value(
            ValueType::Int {
                min: Some(1),
                max: Some(4094)
            },
            true
        )
    );
    assert_eq!(
        kind(&schema, "counters"),
        value(
            ValueType::Dict {
                values: Some(Box::new(ValueType::INT))
            },
            false
        )
    );
    assert_eq!(kind(&schema, "anything"), value(ValueType::Any, false));
    assert_eq!(
        kind(&schema, "matrix"),
        value(
            ValueType::List {
                items: Some(Box::new(ValueType::List {
                    items: Some(Box::new(ValueType::FLOAT))
                }))
            },
            false
        )
    );
}

#[test]
fn unique_id_is_allocated_in_the_store() {
    let schema = schema();
    let unique_id = schema.field(&root(), "unique_id").unwrap();
    assert_eq!(
        unique_id.processor,
        Some(ProcessorSpec::UniqueInteger {
            start: 0,
            stop: 1000,
            scope: UniqueScope::Store
        })
    );
    let with_processor: Vec<&str> = schema
        .all_fields(&root())
        .iter()
        .filter(|f| f.processor.is_some())
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(with_processor, ["unique_id"]);
}

#[test]
fn descriptions() {
    let schema = schema();
    let unique_id = schema.field(&root(), "unique_id").unwrap();
    assert_eq!(
        unique_id.description.as_deref(),
        Some("An identifier allocated by `git-ops project update`, unique in the\nstore.")
    );
    let described = schema
        .all_fields(&root())
        .iter()
        .filter(|f| f.description.is_some())
        .count();
    assert_eq!(described, 12);
}

#[test]
fn scaffold_matches_scenario_38() {
    let schema = schema();
    // The reference's flat example, then this crate's extra fields.
    assert_eq!(
        serde_json::to_string(&git_ops_runtime::document::scaffold(&schema, &schema.root)).unwrap(),
        concat!(
            r#"{"name":"<REPLACE_THIS>","description":null,"unique_id":null,"some_number":0.0,"#,
            r#""some_flag":false,"some_list":[],"some_dict":{},"#,
            r#""priority":"normal","vlan":null,"counters":{},"anything":null,"matrix":[]}"#
        )
    );
}

#[test]
fn snapshot() {
    insta::assert_json_snapshot!("simple_store_schema", schema());
}
