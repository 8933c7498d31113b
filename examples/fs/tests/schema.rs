//! The schema of store `fs`, checked against the reference (spec §8.2, §8.5,
//! §12 scenarios 38 and 50) and snapshotted.

use fs::{File, Folder, FolderContent, PathBase, RootFolder};
use git_ops_runtime::schema::{
    Cardinality, Discriminator, EntityId, EntityKind, FieldKind, StoreSchema, UnionMember,
    ValueType,
};
use git_ops_runtime::{Slice, SliceObject};
use serde_json::json;

fn schema() -> StoreSchema {
    RootFolder::store_schema()
}

fn id(name: &str) -> EntityId {
    EntityId::new("fs", name)
}

fn field_names(schema: &StoreSchema, entity: &str) -> Vec<String> {
    schema
        .all_fields(&id(entity))
        .iter()
        .map(|f| f.name.clone())
        .collect()
}

#[test]
fn store_identity() {
    let schema = schema();
    assert_eq!(schema.store, "fs");
    assert_eq!(RootFolder::STORE, "fs");
    assert_eq!(schema.source, "inmanta:///files/fs/");
    assert_eq!(schema.root, id("RootFolder"));
    assert_eq!(RootFolder::entity_id().as_str(), "fs::RootFolder");
    let ids: Vec<&str> = schema.entities.keys().map(EntityId::as_str).collect();
    assert_eq!(
        ids,
        [
            "fs::File",
            "fs::Folder",
            "fs::FolderContent",
            "fs::PathBase",
            "fs::RootFolder"
        ]
    );
}

#[test]
fn field_order_puts_the_discriminator_after_the_inherited_fields() {
    let schema = schema();
    assert_eq!(
        field_names(&schema, "RootFolder"),
        [
            "name",
            "permissions",
            "owner",
            "group",
            "type",
            "content",
            "root"
        ]
    );
    assert_eq!(
        field_names(&schema, "File"),
        [
            "name",
            "permissions",
            "owner",
            "group",
            "type",
            "content",
            "previous_content"
        ]
    );
    assert_eq!(
        field_names(&schema, "Folder"),
        ["name", "permissions", "owner", "group", "type", "content"]
    );
    assert_eq!(
        field_names(&schema, "PathBase"),
        ["name", "permissions", "owner", "group"]
    );
}

#[test]
fn keys_in_declared_order() {
    let schema = schema();
    let root = schema.root_entity();
    // Scenario 50: the index fields are exactly `root, name`.
    assert_eq!(
        root.keys.as_deref(),
        Some(&["root".to_owned(), "name".to_owned()][..])
    );
    assert_eq!(root.resolved_keys, ["root", "name"]);
    for inherited in ["File", "Folder", "FolderContent"] {
        let entity = schema.entity(&id(inherited));
        assert_eq!(entity.keys, None, "{inherited} declares no keys");
        assert_eq!(entity.resolved_keys, ["name"], "{inherited}");
    }
    assert_eq!(schema.entity(&id("PathBase")).resolved_keys, ["name"]);
}

#[test]
fn inheritance() {
    let schema = schema();
    assert_eq!(schema.entity(&id("RootFolder")).bases, [id("Folder")]);
    assert_eq!(schema.entity(&id("Folder")).bases, [id("PathBase")]);
    assert_eq!(schema.entity(&id("File")).bases, [id("PathBase")]);
    assert!(schema.entity(&id("PathBase")).bases.is_empty());
    assert_eq!(schema.root_entity().kind, EntityKind::Root);
    assert_eq!(schema.entity(&id("File")).kind, EntityKind::Embedded);
}

#[test]
fn folder_content_is_a_union_on_type() {
    let schema = schema();
    assert_eq!(
        schema.entity(&id("FolderContent")).kind,
        EntityKind::Union {
            tag: "type".into(),
            members: vec![
                UnionMember {
                    value: "file".into(),
                    entity: id("File"),
                },
                UnionMember {
                    value: "folder".into(),
                    entity: id("Folder"),
                },
            ],
        }
    );
    for (member, value) in [("File", "file"), ("Folder", "folder")] {
        let entity = schema.entity(&id(member));
        assert_eq!(
            entity.discriminator,
            Some(Discriminator {
                union: id("FolderContent"),
                field: "type".into(),
                value: value.into(),
            })
        );
        let tag = &entity.fields[0];
        assert!(tag.discriminator);
        assert_eq!(tag.name, "type");
        assert_eq!(tag.default, Some(json!(value)));
    }
    // The root inherits Folder's discriminator (spec: its scaffold has
    // `type: folder`), but it is not a member of the union.
    assert_eq!(schema.root_entity().discriminator, None);
    let inherited = schema.field(&schema.root, "type").expect("inherited");
    assert!(inherited.discriminator);
    assert_eq!(inherited.default, Some(json!("folder")));
}

#[test]
fn relations_and_defaults() {
    let schema = schema();
    let content = schema.field(&id("Folder"), "content").unwrap();
    assert_eq!(
        content.kind,
        FieldKind::Relation {
            target: id("FolderContent"),
            cardinality: Cardinality::Many,
            nullable: false,
        }
    );
    assert_eq!(content.default, Some(json!([])));
    let file_content = schema.field(&id("File"), "content").unwrap();
    assert_eq!(
        file_content.kind,
        FieldKind::Value {
            ty: ValueType::String,
            nullable: false
        }
    );
    assert_eq!(file_content.default, Some(json!("")));
    let permissions = schema.field(&id("PathBase"), "permissions").unwrap();
    assert_eq!(permissions.default, Some(json!("770")));
    for nullable in ["owner", "group"] {
        let field = schema.field(&id("PathBase"), nullable).unwrap();
        assert_eq!(field.default, Some(json!(null)));
        assert!(matches!(
            field.kind,
            FieldKind::Value { nullable: true, .. }
        ));
    }
    assert!(schema.field(&id("PathBase"), "name").unwrap().is_required());
    assert!(
        schema
            .field(&id("RootFolder"), "root")
            .unwrap()
            .is_required()
    );
}

#[test]
fn previous_content_is_model_only() {
    let schema = schema();
    let previous = schema.field(&id("File"), "previous_content").unwrap();
    assert!(previous.model_only);
    assert_eq!(previous.default, Some(json!(null)));
    let model_only: Vec<&str> = schema
        .entities
        .keys()
        .flat_map(|e| schema.all_fields(e))
        .filter(|f| f.model_only)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(model_only, ["previous_content"]);
}

#[test]
fn descriptions_come_from_doc_comments() {
    let schema = schema();
    assert_eq!(
        schema.entity(&id("PathBase")).description.as_deref(),
        Some("What files and folders have in common.")
    );
    assert_eq!(
        schema
            .field(&id("PathBase"), "name")
            .unwrap()
            .description
            .as_deref(),
        Some("Name of the file or folder, unique in its folder.")
    );
    // Two doc lines stay two lines.
    assert_eq!(
        schema
            .field(&id("File"), "previous_content")
            .unwrap()
            .description
            .as_deref(),
        Some(
            "Content of the file in the previous active version of the slice\n(filled in by the model, never written to slice files)."
        )
    );
}

#[test]
fn scaffolds_match_scenario_38() {
    let schema = schema();
    assert_eq!(
        serde_json::to_string(&git_ops_runtime::document::scaffold(&schema, &schema.root)).unwrap(),
        r#"{"name":"<REPLACE_THIS>","permissions":"770","owner":null,"group":null,"type":"folder","content":[],"root":"<REPLACE_THIS>"}"#
    );
    assert_eq!(
        serde_json::to_string(&git_ops_runtime::document::scaffold(&schema, &id("File"))).unwrap(),
        r#"{"name":"<REPLACE_THIS>","permissions":"770","owner":null,"group":null,"type":"file","content":""}"#
    );
}

#[test]
fn every_type_names_its_entity() {
    assert_eq!(PathBase::entity_id(), id("PathBase"));
    assert_eq!(File::entity_id(), id("File"));
    assert_eq!(Folder::entity_id(), id("Folder"));
    assert_eq!(FolderContent::entity_id(), id("FolderContent"));
}

#[test]
fn snapshot() {
    insta::assert_json_snapshot!("fs_store_schema", schema());
}
