//! Every attribute of the derives, and the serde attributes they honour, in
//! one store; `main` checks the schema they produce.

use std::collections::HashMap;

use git_ops_runtime::schema::{
    Cardinality, EntityId, EntityKind, EnumType, FieldKind, ProcessorSpec, StoreSchema,
    UniqueScope, ValueType,
};
use git_ops_runtime::{Slice, SliceField, SliceObject};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A type alias is classified through its target.
type Label = std::string::String;

/// Colour of a copper cable.
#[derive(Clone, Copy, Default, Serialize, Deserialize, SliceObject)]
#[serde(rename_all = "kebab-case")]
enum Colour {
    #[default]
    DarkBlue,
    Red,
    #[serde(rename = "GREEN")]
    Green,
    #[serde(skip)]
    #[allow(dead_code)]
    Unused,
}

/**
    What every device has.

      Indented line.
*/
#[derive(Clone, Default, Serialize, Deserialize, SliceObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Device {
    /// The name.
    #[slice(key)]
    device_name: Label,
    /// A raw identifier: `type` on the wire.
    #[serde(default)]
    r#type: String,
}

/// A port of a device.
#[derive(Clone, Serialize, Deserialize, SliceObject)]
#[serde(default)]
struct Port {
    #[slice(base)]
    #[serde(flatten)]
    device: Device,
    /// Own key: replaces the inherited one.
    #[slice(key)]
    number: u16,
    /// Default from the container's `Default`.
    speed: u32,
    #[serde(skip)]
    cache: Vec<String>,
    #[slice(model_only)]
    seen: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

impl Default for Port {
    fn default() -> Self {
        Port {
            device: Device::default(),
            number: 1,
            speed: 1000,
            cache: Vec::new(),
            seen: None,
            note: None,
        }
    }
}

#[derive(Clone, Serialize, Deserialize, SliceObject)]
struct Copper {
    #[slice(key)]
    id: String,
    #[serde(default)]
    colour: Colour,
}

#[derive(Clone, Serialize, Deserialize, SliceObject)]
struct Fibre {
    #[slice(key)]
    id: String,
    #[slice(range(min = 0.5, max = 2.5))]
    loss: f64,
    #[slice(range(max = -1))]
    dbm: Option<i8>,
}

/// A cable.
#[derive(Clone, Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind", rename_all = "UPPERCASE")]
enum Link {
    Copper(Copper),
    #[serde(rename = "fibre-optic")]
    Fibre(Box<Fibre>),
    #[serde(skip)]
    #[allow(dead_code)]
    Legacy(Copper),
}

/// Mutual recursion: a peer points back at a rack.
#[derive(Clone, Serialize, Deserialize, SliceObject)]
struct Peer {
    #[slice(key)]
    name: String,
    rack: Option<Box<Rack>>,
}

fn default_ports() -> Vec<Port> {
    vec![Port::default()]
}

/// A rack, the root of the store.
#[derive(Clone, Serialize, Deserialize, Slice)]
#[slice(store = "rack", source = "file:///srv/racks/", keys(device_name, rack))]
struct Rack {
    #[slice(base)]
    #[serde(flatten)]
    device: Device,
    rack: i64,
    #[slice(unique_integer(start = 1, stop = 255, scope = "siblings"))]
    slot: Option<u8>,
    #[slice(unique_integer)]
    serial: Option<u64>,
    #[slice(simple_value = "ops")]
    team: Option<String>,
    #[slice(simple_value = -3)]
    offset: Option<i64>,
    #[slice(simple_value = 1.5)]
    ratio: Option<f64>,
    #[slice(simple_value = true)]
    managed: Option<bool>,
    #[slice(simple_value = "red")]
    colour: Option<Colour>,
    #[slice(processor = "allocate_ip")]
    ip: Option<String>,
    #[serde(default = "default_ports")]
    ports: Vec<Port>,
    links: Option<Vec<Link>>,
    uplink: Option<Box<Rack>>,
    peer: Option<Peer>,
    labels: HashMap<String, String>,
    #[slice(range(min = 1))]
    #[serde(rename = "height-units")]
    height: usize,
    extra: Option<serde_json::Value>,
}

fn id(name: &str) -> EntityId {
    EntityId::new(module_path!(), name)
}

fn field_kind(schema: &StoreSchema, entity: &str, field: &str) -> FieldKind {
    schema.field(&id(entity), field).unwrap().kind.clone()
}

fn main() {
    let schema = Rack::store_schema();
    assert_eq!(Rack::STORE, "rack");
    assert_eq!(schema.source, "file:///srv/racks/");
    let ids: Vec<&str> = schema.entities.keys().map(|e| e.name()).collect();
    assert_eq!(ids, ["Copper", "Device", "Fibre", "Link", "Peer", "Port", "Rack"]);

    // rename_all, raw identifiers, descriptions from a block comment.
    let device = schema.entity(&id("Device"));
    let names: Vec<&str> = device.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["deviceName", "type"]);
    assert_eq!(device.fields[0].rust_name.as_deref(), Some("device_name"));
    assert_eq!(device.fields[1].rust_name, None);
    assert_eq!(
        device.description.as_deref(),
        Some("What every device has.\n\n  Indented line.")
    );

    // Keys: inherited field named by its Rust name, mapped to its wire name;
    // own keys replace inherited ones.
    assert_eq!(schema.root_entity().resolved_keys, ["deviceName", "rack"]);
    assert_eq!(schema.entity(&id("Port")).resolved_keys, ["number"]);
    assert_eq!(schema.entity(&id("Peer")).resolved_keys, ["name"]);

    // Port: container default, skip, model-only, skip_serializing_if.
    let port: Vec<(&str, Option<serde_json::Value>, bool)> = schema
        .entity(&id("Port"))
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.default.clone(), f.model_only))
        .collect();
    assert_eq!(
        port,
        [
            ("number", Some(json!(1)), false),
            ("speed", Some(json!(1000)), false),
            ("seen", Some(json!(null)), true),
            ("note", Some(json!(null)), false),
        ]
    );

    // String enum: rename_all, rename, skip.
    assert_eq!(
        field_kind(&schema, "Copper", "colour"),
        FieldKind::Value {
            ty: ValueType::Enum(EnumType {
                id: id("Colour"),
                values: vec!["dark-blue".into(), "red".into(), "GREEN".into()],
                description: Some("Colour of a copper cable.".into()),
            }),
            nullable: false,
        }
    );
    assert_eq!(
        schema.field(&id("Copper"), "colour").unwrap().default,
        Some(json!("dark-blue"))
    );

    // Union: tag, rename_all, rename, Box, skip.
    let EntityKind::Union { tag, members } = &schema.entity(&id("Link")).kind else {
        panic!("Link is a union")
    };
    assert_eq!(tag, "kind");
    let members: Vec<(&str, &str)> = members
        .iter()
        .map(|m| (m.value.as_str(), m.entity.name()))
        .collect();
    assert_eq!(members, [("COPPER", "Copper"), ("fibre-optic", "Fibre")]);

    // Ranges intersect with the type's bounds.
    assert_eq!(
        field_kind(&schema, "Fibre", "loss"),
        FieldKind::Value {
            ty: ValueType::Float {
                min: Some(0.5),
                max: Some(2.5)
            },
            nullable: false
        }
    );
    assert_eq!(
        field_kind(&schema, "Fibre", "dbm"),
        FieldKind::Value {
            ty: ValueType::Int {
                min: Some(-128),
                max: Some(-1)
            },
            nullable: true
        }
    );
    assert_eq!(
        field_kind(&schema, "Rack", "height-units"),
        FieldKind::Value {
            // A usize's own maximum (64 bits here).
            ty: ValueType::Int {
                min: Some(1),
                max: Some(u64::MAX.into())
            },
            nullable: false
        }
    );

    // Processors.
    let processor = |field: &str| schema.field(&id("Rack"), field).unwrap().processor.clone();
    assert_eq!(
        processor("slot"),
        Some(ProcessorSpec::UniqueInteger {
            start: 1,
            stop: 255,
            scope: UniqueScope::Siblings
        })
    );
    assert_eq!(
        processor("serial"),
        Some(ProcessorSpec::UniqueInteger {
            start: 0,
            stop: 1000,
            scope: UniqueScope::Store
        })
    );
    assert_eq!(processor("team"), Some(ProcessorSpec::SimpleValue { value: json!("ops") }));
    assert_eq!(processor("offset"), Some(ProcessorSpec::SimpleValue { value: json!(-3) }));
    assert_eq!(processor("ratio"), Some(ProcessorSpec::SimpleValue { value: json!(1.5) }));
    assert_eq!(processor("managed"), Some(ProcessorSpec::SimpleValue { value: json!(true) }));
    assert_eq!(processor("colour"), Some(ProcessorSpec::SimpleValue { value: json!("red") }));
    assert_eq!(
        processor("ip"),
        Some(ProcessorSpec::Custom {
            name: "allocate_ip".into()
        })
    );

    // Relations: default from a function, optional list, self recursion
    // through Box, mutual recursion, a root used as an embedded type.
    // A default is serde's serialisation of the value: `note` is skipped by
    // its `skip_serializing_if`, the normaliser fills it in from the schema.
    let ports = schema.field(&id("Rack"), "ports").unwrap();
    assert_eq!(
        ports.default,
        Some(json!([{"deviceName": "", "type": "", "number": 1, "speed": 1000, "seen": null}]))
    );
    assert_eq!(
        field_kind(&schema, "Rack", "links"),
        FieldKind::Relation {
            target: id("Link"),
            cardinality: Cardinality::Many,
            nullable: true
        }
    );
    assert_eq!(
        field_kind(&schema, "Rack", "uplink"),
        FieldKind::Relation {
            target: id("Rack"),
            cardinality: Cardinality::Optional,
            nullable: false
        }
    );
    assert_eq!(
        field_kind(&schema, "Peer", "rack"),
        FieldKind::Relation {
            target: id("Rack"),
            cardinality: Cardinality::Optional,
            nullable: false
        }
    );
    assert_eq!(
        field_kind(&schema, "Rack", "labels"),
        FieldKind::Value {
            ty: ValueType::Dict {
                values: Some(Box::new(ValueType::String))
            },
            nullable: false
        }
    );
    assert_eq!(
        field_kind(&schema, "Rack", "extra"),
        FieldKind::Value {
            ty: ValueType::Any,
            nullable: true
        }
    );
    assert!(schema.field(&id("Rack"), "labels").unwrap().is_required());

    // Shapes, through the trait.
    assert_eq!(<Option<Vec<Link>> as SliceField>::SHAPE, git_ops_runtime::schema::Shape::NullableMany);
    assert_eq!(<Colour as SliceField>::SHAPE, git_ops_runtime::schema::Shape::Value);
    assert_eq!(Rack::entity_id(), id("Rack"));
}
