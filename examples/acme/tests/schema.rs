//! The schemas of the three acme stores, checked against the reference's
//! worked examples (spec §9.6 and the verified scaffolds of §6.6) and
//! snapshotted.

use git_ops_runtime::Slice;
use git_ops_runtime::schema::{
    Cardinality, EntityId, EntityKind, FieldKind, StoreSchema, UnionMember, ValueType,
};
use serde_json::{Value, json};

fn names(schema: &StoreSchema, entity: &EntityId) -> Vec<String> {
    schema
        .all_fields(entity)
        .iter()
        .map(|f| f.name.clone())
        .collect()
}

fn own_names(schema: &StoreSchema, entity: &EntityId) -> Vec<String> {
    schema
        .entity(entity)
        .fields
        .iter()
        .map(|f| f.name.clone())
        .collect()
}

fn description<'a>(schema: &'a StoreSchema, entity: &EntityId, field: &str) -> Option<&'a str> {
    schema.field(entity, field).unwrap().description.as_deref()
}

fn default(schema: &StoreSchema, entity: &EntityId, field: &str) -> Option<Value> {
    schema.field(entity, field).unwrap().default.clone()
}

mod vlan {
    use super::*;
    use acme::slices::vlan::Vlan;

    fn id() -> EntityId {
        EntityId::new("acme::slices::vlan", "Vlan")
    }

    #[test]
    fn flat_vlan() {
        let schema = Vlan::store_schema();
        assert_eq!(schema.store, "vlan");
        assert_eq!(schema.source, "inmanta:///files/vlan/");
        assert_eq!(schema.root, id());
        assert_eq!(id().module(), "acme::slices::vlan");
        assert_eq!(schema.entities.len(), 1);
        let vlan = schema.root_entity();
        assert_eq!(
            vlan.description.as_deref(),
            Some("One VLAN of the campus network.")
        );
        assert_eq!(vlan.resolved_keys, ["vid"]);
        assert_eq!(
            names(&schema, &id()),
            ["vid", "label", "mtu", "enabled", "ports", "extra"]
        );
        let kinds: Vec<FieldKind> = schema
            .all_fields(&id())
            .iter()
            .map(|f| f.kind.clone())
            .collect();
        let value = |ty, nullable| FieldKind::Value { ty, nullable };
        assert_eq!(
            kinds,
            [
                value(ValueType::INT, false),
                value(ValueType::String, true),
                value(ValueType::FLOAT, false),
                value(ValueType::Bool, false),
                value(
                    ValueType::List {
                        items: Some(Box::new(ValueType::String))
                    },
                    false
                ),
                value(ValueType::Dict { values: None }, false),
            ]
        );
    }

    #[test]
    fn descriptions_verbatim() {
        let schema = Vlan::store_schema();
        let id = id();
        assert_eq!(
            description(&schema, &id, "vid"),
            Some("The 802.1q tag of the VLAN.")
        );
        assert_eq!(
            description(&schema, &id, "label"),
            Some(
                "Free text shown in the switch configuration, it is truncated by most vendors after thirty two characters."
            )
        );
        assert_eq!(description(&schema, &id, "mtu"), None);
        assert_eq!(
            description(&schema, &id, "enabled"),
            Some("Whether the VLAN is active.")
        );
        assert_eq!(description(&schema, &id, "ports"), Some("Access ports."));
        assert_eq!(description(&schema, &id, "extra"), None);
    }

    #[test]
    fn scaffold_is_the_verified_one() {
        let schema = Vlan::store_schema();
        assert_eq!(
            serde_json::to_string(&git_ops_runtime::document::scaffold(&schema, &schema.root))
                .unwrap(),
            r#"{"vid":"<REPLACE_THIS>","label":null,"mtu":1500.0,"enabled":true,"ports":[],"extra":{}}"#
        );
    }

    #[test]
    fn snapshot() {
        insta::assert_json_snapshot!("vlan_store_schema", Vlan::store_schema());
    }
}

mod tree {
    use super::*;
    use acme::slices::tree::Tree;

    fn id(name: &str) -> EntityId {
        EntityId::new("acme::slices::tree", name)
    }

    #[test]
    fn entities_and_bases() {
        let schema = Tree::store_schema();
        assert_eq!(schema.store, "tree");
        assert_eq!(schema.root, id("Tree"));
        let ids: Vec<&str> = schema.entities.keys().map(EntityId::as_str).collect();
        assert_eq!(
            ids,
            [
                "acme::slices::tree::Branch",
                "acme::slices::tree::Node",
                "acme::slices::tree::Tree"
            ]
        );
        assert_eq!(schema.entity(&id("Tree")).bases, [id("Node")]);
        assert_eq!(schema.entity(&id("Branch")).bases, [id("Node")]);
        assert_eq!(schema.entity(&id("Tree")).kind, EntityKind::Root);
        for (entity, text) in [
            ("Node", "Common part of every node of the tree."),
            ("Branch", "A branch, which can carry more branches."),
            ("Tree", "The root of a tree."),
        ] {
            assert_eq!(
                schema.entity(&id(entity)).description.as_deref(),
                Some(text)
            );
            assert_eq!(schema.entity(&id(entity)).resolved_keys, ["label"]);
        }
        assert_eq!(own_names(&schema, &id("Node")), ["label", "note"]);
        assert_eq!(own_names(&schema, &id("Branch")), ["weight", "children"]);
        assert_eq!(
            own_names(&schema, &id("Tree")),
            ["owner", "trunk", "spare", "branches"]
        );
        // No field has a description (the reference's tree has none).
        let described = schema
            .entities
            .values()
            .flat_map(|e| &e.fields)
            .filter(|f| f.description.is_some())
            .count();
        assert_eq!(described, 0);
    }

    #[test]
    fn branch_is_reached_through_four_relations() {
        let schema = Tree::store_schema();
        let mut relations: Vec<(String, String, Cardinality)> = Vec::new();
        for entity in schema.entities.values() {
            for field in &entity.fields {
                if let Some((target, cardinality)) = field.as_relation() {
                    assert_eq!(*target, id("Branch"));
                    relations.push((entity.id.name().to_owned(), field.name.clone(), cardinality));
                }
            }
        }
        assert_eq!(
            relations,
            [
                (
                    "Branch".to_owned(),
                    "children".to_owned(),
                    Cardinality::Many
                ),
                ("Tree".to_owned(), "trunk".to_owned(), Cardinality::One),
                ("Tree".to_owned(), "spare".to_owned(), Cardinality::Optional),
                ("Tree".to_owned(), "branches".to_owned(), Cardinality::Many),
            ]
        );
        assert_eq!(default(&schema, &id("Tree"), "trunk"), None);
        assert_eq!(default(&schema, &id("Tree"), "spare"), Some(json!(null)));
        assert_eq!(default(&schema, &id("Tree"), "branches"), Some(json!([])));
        assert_eq!(default(&schema, &id("Branch"), "children"), Some(json!([])));
    }

    #[test]
    fn scaffold_is_the_verified_one() {
        let schema = Tree::store_schema();
        assert_eq!(
            serde_json::to_string(&git_ops_runtime::document::scaffold(&schema, &schema.root))
                .unwrap(),
            concat!(
                r#"{"label":"<REPLACE_THIS>","note":null,"owner":null,"#,
                r#""trunk":{"label":"<REPLACE_THIS>","note":null,"weight":null,"children":[]},"#,
                r#""spare":null,"branches":[]}"#
            )
        );
    }

    #[test]
    fn snapshot() {
        insta::assert_json_snapshot!("tree_store_schema", Tree::store_schema());
    }
}

mod disk {
    use super::*;
    use acme::slices::disk::Volume;

    fn id(name: &str) -> EntityId {
        EntityId::new("acme::slices::disk", name)
    }

    #[test]
    fn entities_and_bases() {
        let schema = Volume::store_schema();
        assert_eq!(schema.store, "disk");
        assert_eq!(schema.root, id("Volume"));
        let ids: Vec<&str> = schema.entities.keys().map(|e| e.name()).collect();
        assert_eq!(ids, ["Dir", "DirItem", "Doc", "Entry", "Volume"]);
        assert_eq!(schema.entity(&id("Volume")).bases, [id("Dir")]);
        assert_eq!(schema.entity(&id("Dir")).bases, [id("Entry")]);
        assert_eq!(schema.entity(&id("Doc")).bases, [id("Entry")]);
        for (entity, text) in [
            ("Entry", "Shared fields of documents and directories."),
            ("Doc", "A document."),
            ("Dir", "A directory."),
            (
                "DirItem",
                "Base entity for the members of the DirItem discriminated union.",
            ),
            ("Volume", "A mounted volume, root of the slice."),
        ] {
            assert_eq!(
                schema.entity(&id(entity)).description.as_deref(),
                Some(text),
                "{entity}"
            );
        }
    }

    #[test]
    fn dir_item_is_a_union_on_kind() {
        let schema = Volume::store_schema();
        assert_eq!(
            schema.entity(&id("DirItem")).kind,
            EntityKind::Union {
                tag: "kind".into(),
                members: vec![
                    UnionMember {
                        value: "dir".into(),
                        entity: id("Dir")
                    },
                    UnionMember {
                        value: "doc".into(),
                        entity: id("Doc")
                    },
                ],
            }
        );
        // Keys of a union: those of its first member (spec §8.5).
        assert_eq!(schema.entity(&id("DirItem")).resolved_keys, ["name"]);
        // Own fields, as printed in the reference's `.cf`: the tag first.
        assert_eq!(own_names(&schema, &id("Dir")), ["kind", "items"]);
        assert_eq!(own_names(&schema, &id("Doc")), ["kind", "text"]);
        assert_eq!(own_names(&schema, &id("Entry")), ["name", "mode"]);
        assert_eq!(own_names(&schema, &id("Volume")), ["mount"]);
        assert_eq!(default(&schema, &id("Dir"), "kind"), Some(json!("dir")));
        assert_eq!(default(&schema, &id("Doc"), "kind"), Some(json!("doc")));
        let items = schema.field(&id("Dir"), "items").unwrap();
        assert_eq!(
            items.kind,
            FieldKind::Relation {
                target: id("DirItem"),
                cardinality: Cardinality::Many,
                nullable: false
            }
        );
        assert_eq!(
            items.description.as_deref(),
            Some("Entries inside the directory.")
        );
    }

    #[test]
    fn volume_keys_name_an_inherited_field() {
        let schema = Volume::store_schema();
        assert_eq!(schema.root_entity().resolved_keys, ["mount", "name"]);
        assert_eq!(
            names(&schema, &id("Volume")),
            ["name", "mode", "kind", "items", "mount"]
        );
        assert_eq!(
            description(&schema, &id("Volume"), "mount"),
            Some("Mount point.")
        );
        assert_eq!(
            description(&schema, &id("Entry"), "name"),
            Some("Name of the entry, unique inside its directory.")
        );
        assert_eq!(description(&schema, &id("Entry"), "mode"), None);
        assert_eq!(
            description(&schema, &id("Doc"), "text"),
            Some("Body of the document.")
        );
    }

    #[test]
    fn scaffold_is_the_verified_one() {
        let schema = Volume::store_schema();
        assert_eq!(
            serde_json::to_string(&git_ops_runtime::document::scaffold(&schema, &schema.root))
                .unwrap(),
            r#"{"name":"<REPLACE_THIS>","mode":"644","kind":"dir","items":[],"mount":"<REPLACE_THIS>"}"#
        );
    }

    #[test]
    fn snapshot() {
        insta::assert_json_snapshot!("disk_store_schema", Volume::store_schema());
    }
}
