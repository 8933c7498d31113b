//! The schema of store `recursive`, checked against the reference's
//! recursive example (spec §8.2, §12 scenario 38) and snapshotted.

use git_ops_runtime::Slice;
use git_ops_runtime::schema::{
    Cardinality, EntityId, EntityKind, FieldKind, ProcessorSpec, StoreSchema, UniqueScope,
};
use recursive::RecursiveSlice;
use serde_json::json;

fn schema() -> StoreSchema {
    RecursiveSlice::store_schema()
}

fn id(name: &str) -> EntityId {
    EntityId::new("recursive", name)
}

fn names(schema: &StoreSchema, entity: &str) -> Vec<String> {
    schema
        .all_fields(&id(entity))
        .iter()
        .map(|f| f.name.clone())
        .collect()
}

fn relation(target: &str, cardinality: Cardinality) -> FieldKind {
    FieldKind::Relation {
        target: id(target),
        cardinality,
        nullable: false,
    }
}

#[test]
fn entities_and_inheritance() {
    let schema = schema();
    assert_eq!(schema.store, "recursive");
    assert_eq!(schema.source, "inmanta:///files/recursive/");
    let ids: Vec<&str> = schema.entities.keys().map(EntityId::as_str).collect();
    assert_eq!(
        ids,
        [
            "recursive::EmbeddedSlice",
            "recursive::NamedSlice",
            "recursive::RecursiveSlice"
        ]
    );
    assert_eq!(schema.root_entity().kind, EntityKind::Root);
    assert_eq!(schema.root_entity().bases, [id("NamedSlice")]);
    assert_eq!(
        schema.entity(&id("EmbeddedSlice")).bases,
        [id("NamedSlice")]
    );
    assert_eq!(
        schema.entity(&id("EmbeddedSlice")).kind,
        EntityKind::Embedded
    );
    for entity in ["RecursiveSlice", "EmbeddedSlice", "NamedSlice"] {
        assert_eq!(
            schema.entity(&id(entity)).resolved_keys,
            ["name"],
            "{entity}"
        );
    }
}

#[test]
fn field_order() {
    let schema = schema();
    assert_eq!(
        names(&schema, "RecursiveSlice"),
        [
            "name",
            "description",
            "unique_id",
            "embedded_required",
            "embedded_optional",
            "embedded_sequence"
        ]
    );
    assert_eq!(
        names(&schema, "EmbeddedSlice"),
        ["name", "description", "unique_id", "recursive_slice"]
    );
}

#[test]
fn the_three_cardinalities_and_self_recursion() {
    let schema = schema();
    let root = schema.root_entity();
    let field = |entity: &EntityId, name: &str| schema.field(entity, name).unwrap().clone();

    let required = field(&root.id, "embedded_required");
    assert_eq!(required.kind, relation("EmbeddedSlice", Cardinality::One));
    assert!(required.is_required());
    let optional = field(&root.id, "embedded_optional");
    assert_eq!(
        optional.kind,
        relation("EmbeddedSlice", Cardinality::Optional)
    );
    assert_eq!(optional.default, Some(json!(null)));
    let sequence = field(&root.id, "embedded_sequence");
    assert_eq!(sequence.kind, relation("EmbeddedSlice", Cardinality::Many));
    assert_eq!(sequence.default, Some(json!([])));
    let children = field(&id("EmbeddedSlice"), "recursive_slice");
    assert_eq!(children.kind, relation("EmbeddedSlice", Cardinality::Many));
    assert_eq!(children.default, Some(json!([])));
}

#[test]
fn unique_ids_by_scope() {
    let schema = schema();
    let processor = |entity: &str| {
        schema
            .field(&id(entity), "unique_id")
            .unwrap()
            .processor
            .clone()
    };
    assert_eq!(
        processor("RecursiveSlice"),
        Some(ProcessorSpec::UniqueInteger {
            start: 0,
            stop: 1000,
            scope: UniqueScope::Store
        })
    );
    assert_eq!(
        processor("EmbeddedSlice"),
        Some(ProcessorSpec::UniqueInteger {
            start: 0,
            stop: 1000,
            scope: UniqueScope::Siblings
        })
    );
}

#[test]
fn scaffold_matches_scenario_38() {
    let schema = schema();
    assert_eq!(
        serde_json::to_string(&git_ops_runtime::document::scaffold(&schema, &schema.root)).unwrap(),
        concat!(
            r#"{"name":"<REPLACE_THIS>","description":null,"unique_id":null,"#,
            r#""embedded_required":{"name":"<REPLACE_THIS>","description":null,"unique_id":null,"recursive_slice":[]},"#,
            r#""embedded_optional":null,"embedded_sequence":[]}"#
        )
    );
}

#[test]
fn snapshot() {
    insta::assert_json_snapshot!("recursive_store_schema", schema());
}
