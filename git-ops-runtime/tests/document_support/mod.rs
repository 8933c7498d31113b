//! Example stores built by hand with `StoreSchema::build`, mirroring the
//! examples of the reference (spec §9.6, §12 and the `fs` example), and small
//! builders to write more.
//!
//! Used by the `document*` tests and the `document_timing` example:
//! `#[path = "document_support/mod.rs"] mod support;`.
#![allow(dead_code)]

use serde_json::{Value, json};

use git_ops_runtime::schema::{
    Cardinality, EntityId, EntityKind, EntitySchema, EnumType, Field, FieldKind, StoreSchema,
    UnionMember, ValueType,
};

/// A required, non-nullable value field.
pub fn value(name: &str, ty: ValueType) -> Field {
    Field {
        name: name.to_owned(),
        rust_name: None,
        description: None,
        kind: FieldKind::Value {
            ty,
            nullable: false,
        },
        default: None,
        model_only: false,
        discriminator: false,
        processor: None,
    }
}

/// An `Option<T>` value field, default `null`.
pub fn optional(name: &str, ty: ValueType) -> Field {
    Field {
        kind: FieldKind::Value { ty, nullable: true },
        default: Some(Value::Null),
        ..value(name, ValueType::Any)
    }
}

/// A relation field (required unless given a default).
pub fn relation(name: &str, target: &str, cardinality: Cardinality) -> Field {
    Field {
        kind: FieldKind::Relation {
            target: EntityId::from(target),
            cardinality,
            nullable: false,
        },
        ..value(name, ValueType::Any)
    }
}

/// Builder methods on fields.
pub trait FieldExt {
    /// With a default (the field becomes optional in files).
    fn default(self, value: Value) -> Field;
    /// With a description.
    fn doc(self, description: &str) -> Field;
    /// Model-only.
    fn model_only(self) -> Field;
    /// `Option<Vec<T>>` for a list relation.
    fn nullable_list(self) -> Field;
}

impl FieldExt for Field {
    fn default(mut self, value: Value) -> Field {
        self.default = Some(value);
        self
    }

    fn doc(mut self, description: &str) -> Field {
        self.description = Some(description.to_owned());
        self
    }

    fn model_only(mut self) -> Field {
        self.model_only = true;
        self
    }

    fn nullable_list(mut self) -> Field {
        if let FieldKind::Relation { nullable, .. } = &mut self.kind {
            *nullable = true;
        }
        self
    }
}

fn entity(id: &str, kind: EntityKind, bases: &[&str], fields: Vec<Field>) -> EntitySchema {
    EntitySchema {
        id: EntityId::from(id),
        kind,
        description: None,
        bases: bases.iter().map(|b| EntityId::from(*b)).collect(),
        fields,
        keys: None,
        resolved_keys: vec![],
        discriminator: None,
    }
}

/// A root entity (`#[derive(Slice)]`).
pub fn root(id: &str, bases: &[&str], fields: Vec<Field>) -> EntitySchema {
    entity(id, EntityKind::Root, bases, fields)
}

/// An embedded entity (`#[derive(SliceObject)]` on a struct).
pub fn embedded(id: &str, bases: &[&str], fields: Vec<Field>) -> EntitySchema {
    entity(id, EntityKind::Embedded, bases, fields)
}

/// A discriminated union: `(tag value, member id)` in declaration order.
pub fn union(id: &str, tag: &str, members: &[(&str, &str)]) -> EntitySchema {
    let members = members
        .iter()
        .map(|(value, member)| UnionMember {
            value: (*value).to_owned(),
            entity: EntityId::from(*member),
        })
        .collect();
    entity(
        id,
        EntityKind::Union {
            tag: tag.to_owned(),
            members,
        },
        &[],
        vec![],
    )
}

/// Builder methods on entities.
pub trait EntityExt {
    /// With declared keys.
    fn keys(self, keys: &[&str]) -> EntitySchema;
    /// With a description.
    fn doc(self, description: &str) -> EntitySchema;
}

impl EntityExt for EntitySchema {
    fn keys(mut self, keys: &[&str]) -> EntitySchema {
        self.keys = Some(keys.iter().map(|k| (*k).to_owned()).collect());
        self
    }

    fn doc(mut self, description: &str) -> EntitySchema {
        self.description = Some(description.to_owned());
        self
    }
}

/// Builds a store; panics with the problems when the graph is invalid.
pub fn store(name: &str, root: &str, entities: Vec<EntitySchema>) -> StoreSchema {
    StoreSchema::build(
        name,
        format!("inmanta:///files/{name}/"),
        EntityId::from(root),
        entities,
    )
    .unwrap_or_else(|err| panic!("invalid test store {name}: {err}"))
}

/// `u16`: an integer between 0 and 65535.
pub const U16: ValueType = ValueType::Int {
    min: Some(0),
    max: Some(65535),
};

/// Spec §9.6 (a): a flat slice.
pub fn vlan() -> StoreSchema {
    store(
        "vlan",
        "acme::slices::vlan::Vlan",
        vec![
            root(
                "acme::slices::vlan::Vlan",
                &[],
                vec![
                    value("vid", U16).doc("The 802.1q tag of the VLAN."),
                    optional("label", ValueType::String).doc(
                        "Free text shown in the switch configuration, it is truncated by most vendors after thirty two characters.",
                    ),
                    value("mtu", ValueType::FLOAT).default(json!(1500.0)),
                    value("enabled", ValueType::Bool)
                        .default(json!(true))
                        .doc("Whether the VLAN is active."),
                    value(
                        "ports",
                        ValueType::List {
                            items: Some(Box::new(ValueType::String)),
                        },
                    )
                    .default(json!([]))
                    .doc("Access ports."),
                    value("extra", ValueType::Dict { values: None }).default(json!({})),
                ],
            )
            .keys(&["vid"])
            .doc("One VLAN of the campus network."),
        ],
    )
}

/// Spec §9.6 (b): a recursive slice.
pub fn tree() -> StoreSchema {
    let m = "acme::slices::tree::";
    let branch = format!("{m}Branch");
    store(
        "tree",
        &format!("{m}Tree"),
        vec![
            embedded(
                &format!("{m}Node"),
                &[],
                vec![
                    value("label", ValueType::String),
                    optional("note", ValueType::String),
                ],
            )
            .keys(&["label"])
            .doc("Common part of every node of the tree."),
            embedded(
                &branch,
                &[&format!("{m}Node")],
                vec![
                    optional("weight", ValueType::INT),
                    relation("children", &branch, Cardinality::Many).default(json!([])),
                ],
            )
            .doc("A branch, which can carry more branches."),
            root(
                &format!("{m}Tree"),
                &[&format!("{m}Node")],
                vec![
                    optional("owner", ValueType::String),
                    relation("trunk", &branch, Cardinality::One),
                    relation("spare", &branch, Cardinality::Optional).default(Value::Null),
                    relation("branches", &branch, Cardinality::Many).default(json!([])),
                ],
            )
            .doc("The root of a tree."),
        ],
    )
}

/// Spec §9.6 (c): a union `Dir | Doc` with the root `Volume` extending `Dir`.
pub fn disk() -> StoreSchema {
    let m = "acme::slices::disk::";
    let entry = format!("{m}Entry");
    store(
        "disk",
        &format!("{m}Volume"),
        vec![
            embedded(
                &entry,
                &[],
                vec![
                    value("name", ValueType::String)
                        .doc("Name of the entry, unique inside its directory."),
                    value("mode", ValueType::String).default(json!("644")),
                ],
            )
            .keys(&["name"])
            .doc("Shared fields of documents and directories."),
            embedded(
                &format!("{m}Doc"),
                &[&entry],
                vec![
                    value("text", ValueType::String)
                        .default(json!(""))
                        .doc("Body of the document."),
                ],
            )
            .doc("A document."),
            embedded(
                &format!("{m}Dir"),
                &[&entry],
                vec![
                    relation("items", &format!("{m}DirItem"), Cardinality::Many)
                        .default(json!([]))
                        .doc("Entries inside the directory."),
                ],
            )
            .doc("A directory."),
            union(
                &format!("{m}DirItem"),
                "kind",
                &[("dir", &format!("{m}Dir")), ("doc", &format!("{m}Doc"))],
            ),
            root(
                &format!("{m}Volume"),
                &[&format!("{m}Dir")],
                vec![value("mount", ValueType::String).doc("Mount point.")],
            )
            .keys(&["mount", "name"])
            .doc("A mounted volume, root of the slice."),
        ],
    )
}

/// The reference's `fs` example: files and folders, union `FolderContent`
/// tagged `type`, root `RootFolder` keyed `(root, name)`.
pub fn fs() -> StoreSchema {
    let m = "example::slices::fs::";
    let path_base = format!("{m}PathBase");
    let folder = format!("{m}Folder");
    store(
        "fs",
        &format!("{m}RootFolder"),
        vec![
            embedded(
                &path_base,
                &[],
                vec![
                    value("name", ValueType::String),
                    value("permissions", ValueType::String).default(json!("770")),
                    optional("owner", ValueType::String),
                    optional("group", ValueType::String),
                ],
            )
            .keys(&["name"]),
            embedded(
                &format!("{m}File"),
                &[&path_base],
                vec![
                    value("content", ValueType::String).default(json!("")),
                    optional("previous_content", ValueType::String).model_only(),
                ],
            ),
            embedded(
                &folder,
                &[&path_base],
                vec![
                    relation("content", &format!("{m}FolderContent"), Cardinality::Many)
                        .default(json!([])),
                ],
            ),
            union(
                &format!("{m}FolderContent"),
                "type",
                &[("file", &format!("{m}File")), ("folder", &folder)],
            ),
            root(
                &format!("{m}RootFolder"),
                &[&folder],
                vec![value("root", ValueType::String)],
            )
            .keys(&["root", "name"]),
        ],
    )
}

/// The reference test suite's flat slice (spec §12 scenario 38).
pub fn flat() -> StoreSchema {
    let m = "tests::slices::flat::";
    store(
        "flat",
        &format!("{m}FlatSlice"),
        vec![
            named_slice(m),
            root(
                &format!("{m}FlatSlice"),
                &[&format!("{m}NamedSlice")],
                vec![
                    optional("unique_id", ValueType::INT),
                    value("some_number", ValueType::FLOAT).default(json!(0.0)),
                    value("some_flag", ValueType::Bool).default(json!(false)),
                    value("some_list", ValueType::List { items: None }).default(json!([])),
                    value("some_dict", ValueType::Dict { values: None }).default(json!({})),
                ],
            ),
        ],
    )
}

/// The reference test suite's recursive slice (spec §12): `Slice` with a
/// required, an optional and a list relation to `EmbeddedSlice`, which nests
/// itself.
pub fn recursive() -> StoreSchema {
    let m = "tests::slices::recursive::";
    let embedded_slice = format!("{m}EmbeddedSlice");
    store(
        "recursive",
        &format!("{m}Slice"),
        vec![
            named_slice(m),
            embedded(
                &embedded_slice,
                &[&format!("{m}NamedSlice")],
                vec![
                    optional("unique_id", ValueType::INT),
                    relation("recursive_slice", &embedded_slice, Cardinality::Many)
                        .default(json!([])),
                ],
            ),
            root(
                &format!("{m}Slice"),
                &[&format!("{m}NamedSlice")],
                vec![
                    optional("unique_id", ValueType::INT),
                    relation("embedded_required", &embedded_slice, Cardinality::One),
                    relation("embedded_optional", &embedded_slice, Cardinality::Optional)
                        .default(Value::Null),
                    relation("embedded_sequence", &embedded_slice, Cardinality::Many)
                        .default(json!([])),
                ],
            ),
        ],
    )
}

fn named_slice(module: &str) -> EntitySchema {
    embedded(
        &format!("{module}NamedSlice"),
        &[],
        vec![
            value("name", ValueType::String),
            optional("description", ValueType::String),
        ],
    )
    .keys(&["name"])
}

/// A store with an `Option<Vec<T>>` relation, an enum, typed maps and an
/// integer key.
pub fn switch() -> StoreSchema {
    let m = "acme::slices::switch::";
    let speed = ValueType::Enum(EnumType {
        id: EntityId::from("acme::slices::switch::Speed"),
        values: vec!["1g".into(), "10g".into(), "100g".into()],
        description: Some("Line rate of a port.".into()),
    });
    store(
        "switch",
        &format!("{m}Switch"),
        vec![
            embedded(
                &format!("{m}Port"),
                &[],
                vec![
                    value("number", U16),
                    value("speed", speed.clone()).default(json!("10g")),
                    optional("fallback", speed.clone()),
                ],
            )
            .keys(&["number"]),
            root(
                &format!("{m}Switch"),
                &[],
                vec![
                    value("hostname", ValueType::String),
                    relation("ports", &format!("{m}Port"), Cardinality::Many)
                        .default(Value::Null)
                        .nullable_list(),
                    value(
                        "limits",
                        ValueType::Dict {
                            values: Some(Box::new(ValueType::INT)),
                        },
                    )
                    .default(json!({})),
                    value(
                        "speeds",
                        ValueType::List {
                            items: Some(Box::new(speed)),
                        },
                    )
                    .default(json!([])),
                    value("annotations", ValueType::Any).default(Value::Null),
                ],
            )
            .keys(&["hostname"]),
        ],
    )
}

/// Every example store.
pub fn all_stores() -> Vec<StoreSchema> {
    vec![vlan(), tree(), disk(), fs(), flat(), recursive(), switch()]
}
