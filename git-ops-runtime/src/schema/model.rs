//! The serialisable schema model: what a store's slices look like.
//!
//! A [`StoreSchema`] is a closed graph of [`EntitySchema`]s reachable from one
//! root entity. The derive macros build it from Rust types; the generator
//! renders it (`.cf`, JSON Schema, scaffolds); the engine normalises, merges and
//! versions slices with it. It is also the *store manifest*: serialised to JSON it
//! lets the plain `git-ops` binary work on a store without the author's crate.
//!
//! Everything here is plain data with a deterministic serialisation: entities are
//! kept in a [`BTreeMap`] keyed by [`EntityId`], fields in declaration order.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The fully qualified name of an entity: the Rust module path of the type
/// followed by its entity name, e.g. `acme::slices::tree::Branch`.
///
/// For a union (an enum of slice objects) it is the path of the enum.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntityId(pub String);

impl EntityId {
    /// Builds an id from a module path (as given by `module_path!()`) and a name.
    pub fn new(module: &str, name: &str) -> Self {
        EntityId(format!("{module}::{name}"))
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last path segment: the entity name.
    pub fn name(&self) -> &str {
        self.0.rsplit("::").next().unwrap_or(&self.0)
    }

    /// Everything before the last `::`: the module path.
    pub fn module(&self) -> &str {
        self.0.rsplit_once("::").map_or("", |(module, _)| module)
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for EntityId {
    fn from(value: &str) -> Self {
        EntityId(value.to_owned())
    }
}

/// One store: its name, its default source folder and the schema of its slices.
///
/// Built with [`StoreSchema::build`] (or `Slice::store_schema()` on a derived
/// type), which checks the graph and resolves what is inherited, so that every
/// consumer can read the resolved fields below without re-deriving them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoreSchema {
    /// Store name, unique in a project; also the name of its active folder.
    pub store: String,
    /// Default location of the source folder, e.g. `inmanta:///files/vlan/`.
    pub source: String,
    /// The root entity: the type of a whole slice document.
    pub root: EntityId,
    /// Every entity reachable from the root (root included), by id.
    pub entities: BTreeMap<EntityId, EntitySchema>,
}

/// One slice object type: a root, an embedded object, or a discriminated union.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntitySchema {
    /// Fully qualified id, `module::Name`.
    pub id: EntityId,
    /// What role the entity plays.
    pub kind: EntityKind,
    /// Description (from the doc comment), dedented and trimmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Schema bases (flattened base fields), in declaration order. Maps to
    /// `extends` in the inmanta model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<EntityId>,
    /// The entity's *own* fields, in declaration order (inherited fields are
    /// found through [`EntitySchema::bases`]). For a union member, the
    /// discriminator is inserted first, flagged with [`Field::discriminator`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Keys declared on this entity, as wire names, in declared order. `None`
    /// means "inherit"; see [`EntitySchema::resolved_keys`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<Vec<String>>,
    /// The keys in effect (declared or inherited), filled in by
    /// [`StoreSchema::build`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved_keys: Vec<String>,
    /// For a union member: the discriminator field and this member's value,
    /// filled in by [`StoreSchema::build`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<Discriminator>,
}

/// The role of an entity in the store graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntityKind {
    /// The root type of a store (`#[derive(Slice)]`). A root may also be used
    /// as an embedded type elsewhere.
    Root,
    /// An embedded object type (`#[derive(SliceObject)]` on a struct).
    Embedded,
    /// A discriminated union (`#[derive(SliceObject)]` on an internally tagged
    /// enum). Its members are embedded entities.
    Union {
        /// The tag field (serde `tag = "..."`).
        tag: String,
        /// Members in declaration order.
        members: Vec<UnionMember>,
    },
}

/// One member of a discriminated union.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnionMember {
    /// Value of the tag selecting this member (the serde variant name).
    pub value: String,
    /// The member entity.
    pub entity: EntityId,
}

/// The discriminator of a union member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discriminator {
    /// The union entity this member belongs to.
    pub union: EntityId,
    /// Name of the tag field.
    pub field: String,
    /// This member's tag value.
    pub value: String,
}

/// One field of an entity: an attribute (a value) or a relation (embedded
/// objects).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Name on the wire (after serde `rename`/`rename_all`).
    pub name: String,
    /// Name of the Rust struct field, when it differs from the wire name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// Description (from the doc comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Value or relation, with its type.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// Default used when the field is absent from a slice file. `None` means
    /// the field is required; `Some(Value::Null)` is a default of `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_value"
    )]
    pub default: Option<Value>,
    /// Seen in views and in the model, never read from nor written to slice
    /// files.
    #[serde(default, skip_serializing_if = "is_false")]
    pub model_only: bool,
    /// This is the tag of a discriminated union (its value is fixed).
    #[serde(default, skip_serializing_if = "is_false")]
    pub discriminator: bool,
    /// A processor filling in this field during `update`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor: Option<ProcessorSpec>,
}

/// Reads a field that is present as `Some`, even when it holds `null` (a
/// plain `Option<Value>` would read `"default": null` as `None`: required).
/// An absent field is `None` through `#[serde(default)]`.
fn present_value<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Field {
    /// The Rust field name (falls back to the wire name).
    pub fn rust_name(&self) -> &str {
        self.rust_name.as_deref().unwrap_or(&self.name)
    }

    /// Whether the field must be present in a slice file.
    pub fn is_required(&self) -> bool {
        self.default.is_none()
    }

    /// The relation part, if this field is a relation.
    pub fn as_relation(&self) -> Option<(&EntityId, Cardinality)> {
        match &self.kind {
            FieldKind::Relation {
                target,
                cardinality,
                ..
            } => Some((target, *cardinality)),
            FieldKind::Value { .. } => None,
        }
    }
}

/// The type of a field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum FieldKind {
    /// A primitive value (maps to a DSL attribute).
    Value {
        /// Value type.
        #[serde(rename = "type")]
        ty: ValueType,
        /// `null` is accepted (Rust `Option<T>`).
        #[serde(default, skip_serializing_if = "is_false")]
        nullable: bool,
    },
    /// Embedded object(s) (maps to a DSL relation).
    Relation {
        /// Target entity (an embedded entity or a union).
        target: EntityId,
        /// How many objects.
        cardinality: Cardinality,
        /// Only for [`Cardinality::Many`]: `null` is accepted and means an
        /// empty list (Rust `Option<Vec<T>>`).
        #[serde(default, skip_serializing_if = "is_false")]
        nullable: bool,
    },
}

/// Cardinality of a relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cardinality {
    /// Exactly one object (`T`, DSL `[1]`).
    One,
    /// Zero or one object (`Option<T>`, DSL `[0:1]`).
    Optional,
    /// A list keyed by identity (`Vec<T>`, DSL `[0:]`).
    Many,
}

/// The type of a primitive value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ValueType {
    /// A string.
    String,
    /// An integer between `min` and `max` (inclusive). Without bounds it is
    /// a 64-bit signed integer (`i64`): a missing `min` is
    /// -9223372036854775808, a missing `max` 9223372036854775807. The
    /// derive states every other bound of the Rust type (`u64`: `min` 0,
    /// `max` 18446744073709551615), so each integer type accepts exactly
    /// its range (`docs/validation.md`).
    Int {
        /// Smallest accepted value; `None` for `i64::MIN`.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "int_bound")]
        min: Option<i128>,
        /// Largest accepted value; `None` for `i64::MAX`.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "int_bound")]
        max: Option<i128>,
    },
    /// A floating point number, optionally bounded (inclusive bounds).
    Float {
        /// Smallest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// `true` or `false`.
    Bool,
    /// A mapping with string keys. `values` constrains the values when known.
    Dict {
        /// Type of every value, `None` for free JSON values.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        values: Option<Box<ValueType>>,
    },
    /// Any JSON value (`serde_json::Value`).
    Any,
    /// A list. `items` is `None` for an untyped list.
    List {
        /// Type of every item.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<Box<ValueType>>,
    },
    /// One of a fixed set of strings (a unit-only enum, a DSL typedef).
    Enum(EnumType),
}

impl ValueType {
    /// The bounds of an integer without explicit ones: those of `i64`.
    pub const INT_BOUNDS: (i128, i128) = (i64::MIN as i128, i64::MAX as i128);

    /// An integer without explicit bounds: an `i64`.
    pub const INT: ValueType = ValueType::Int {
        min: None,
        max: None,
    };
    /// An unbounded float.
    pub const FLOAT: ValueType = ValueType::Float {
        min: None,
        max: None,
    };
}

/// A string enumeration (a Rust enum of unit variants).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// Fully qualified id of the Rust enum.
    pub id: EntityId,
    /// Accepted values (serde variant names), in declaration order.
    pub values: Vec<String>,
    /// Description (from the doc comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A processor: computes a field's value during `update` (spec §7).
///
/// A processor never changes a value that is already set unless the update is
/// asked to refresh.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "processor", rename_all = "snake_case")]
pub enum ProcessorSpec {
    /// The first integer in `start..stop` not used by the same field elsewhere
    /// in `scope`.
    UniqueInteger {
        /// First candidate (inclusive).
        start: i64,
        /// End of the range (exclusive).
        stop: i64,
        /// Where values must be unique.
        scope: UniqueScope,
    },
    /// A fixed value, set once when the field is empty.
    SimpleValue {
        /// The value to set.
        value: Value,
    },
    /// A processor implemented by a Rust function registered under this name
    /// (typed API only; a manifest-only run reports it as unavailable).
    Custom {
        /// Registered name.
        name: String,
    },
}

/// Where a [`ProcessorSpec::UniqueInteger`] value must be unique.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UniqueScope {
    /// Among the values of this field in every slice of the store (same path
    /// with every list selector widened to `*`).
    Store,
    /// Among the items of the same list of the same parent object.
    Siblings,
}

/// An integer bound in a manifest: a JSON integer of 64 bits, signed or
/// not (serde's buffering of internally tagged enums has no 128-bit
/// integers). A bound beyond that range is written as its end: no value a
/// file can hold lies beyond it anyway.
mod int_bound {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub(super) fn serialize<S: Serializer>(
        bound: &Option<i128>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match bound {
            None => serializer.serialize_none(),
            Some(bound) => match (i64::try_from(*bound), u64::try_from(*bound)) {
                (Ok(signed), _) => serializer.serialize_i64(signed),
                (_, Ok(unsigned)) => serializer.serialize_u64(unsigned),
                _ if *bound < 0 => serializer.serialize_i64(i64::MIN),
                _ => serializer.serialize_u64(u64::MAX),
            },
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<i128>, D::Error> {
        struct Bound;
        impl Visitor<'_> for Bound {
            type Value = Option<i128>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer of at most 64 bits")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Some(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Some(v.into()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        deserializer.deserialize_any(Bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integer_bounds_are_64_bit_json_integers() {
        let int = |min: Option<i128>, max: Option<i128>| ValueType::Int { min, max };
        for (ty, text) in [
            (int(None, None), r#"{"type":"int"}"#),
            (
                int(Some(-128), Some(127)),
                r#"{"type":"int","min":-128,"max":127}"#,
            ),
            (
                int(Some(0), Some(u64::MAX.into())),
                r#"{"type":"int","min":0,"max":18446744073709551615}"#,
            ),
            (
                int(Some(i64::MIN.into()), None),
                r#"{"type":"int","min":-9223372036854775808}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&ty).unwrap(), text);
            assert_eq!(serde_json::from_str::<ValueType>(text).unwrap(), ty);
            // Inside a list type too (serde buffers the tagged enum).
            let list = ValueType::List {
                items: Some(Box::new(ty.clone())),
            };
            let back: ValueType =
                serde_json::from_str(&serde_json::to_string(&list).unwrap()).unwrap();
            assert_eq!(back, list);
        }
        // Beyond 64 bits (a hand-made schema): the end of what a file holds.
        assert_eq!(
            serde_json::to_string(&int(Some(-(1 << 100)), Some(1 << 100))).unwrap(),
            r#"{"type":"int","min":-9223372036854775808,"max":18446744073709551615}"#
        );
        assert!(serde_json::from_str::<ValueType>(r#"{"type":"int","max":1.5}"#).is_err());
    }

    #[test]
    fn a_null_default_survives_a_round_trip() {
        let field = |default| Field {
            name: "label".into(),
            rust_name: None,
            description: None,
            kind: FieldKind::Value {
                ty: ValueType::String,
                nullable: true,
            },
            default,
            model_only: false,
            discriminator: false,
            processor: None,
        };
        for default in [None, Some(Value::Null), Some(json!("x"))] {
            let original = field(default);
            let text = serde_json::to_string(&original).unwrap();
            let back: Field = serde_json::from_str(&text).unwrap();
            assert_eq!(back, original, "{text}");
        }
        let required: Field = serde_json::from_value(json!({
            "name": "label", "field": "value", "type": {"type": "string"}
        }))
        .unwrap();
        assert_eq!(required.default, None);
    }
}
