//! The traits `#[derive(Slice)]` and `#[derive(SliceObject)]` implement, and the
//! [`SchemaRegistry`] that collects a store's entity graph from them.
//!
//! Field types are classified by the [`SliceField`] trait rather than by their
//! spelling, so a type alias or a path like `std::string::String` works, and a
//! type with no mapping is a compile error at the field.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::SchemaError;
use super::model::{Cardinality, EntityId, EntitySchema, FieldKind, StoreSchema, ValueType};

/// A slice object type: a struct or enum usable inside a slice.
///
/// Implemented by `#[derive(SliceObject)]` (embedded objects, unions, string
/// enums) and `#[derive(Slice)]` (store roots). Implementing it by hand is
/// possible but rarely useful.
pub trait SliceObject {
    /// The fully qualified id of this type's entity.
    fn entity_id() -> EntityId;

    /// This type's own entity schema. Types reached through fields and bases
    /// are registered into `registry` on the way.
    fn entity_schema(registry: &mut SchemaRegistry) -> EntitySchema;
}

/// The root type of a store (`#[derive(Slice)]`).
pub trait Slice: SliceObject {
    /// Name of the store.
    const STORE: &'static str;
    /// Default source folder, e.g. `inmanta:///files/vlan/`.
    const SOURCE: &'static str;

    /// The checked schema of the whole store.
    ///
    /// # Panics
    ///
    /// When the type graph is inconsistent in a way the derive cannot see at
    /// compile time (see [`SchemaError`]); use [`Slice::try_store_schema`] to
    /// get the error instead. The derive's compile-time checks and a unit test
    /// calling this function are enough to rule it out.
    fn store_schema() -> StoreSchema {
        match Self::try_store_schema() {
            Ok(schema) => schema,
            Err(err) => panic!("invalid slice schema for store `{}`: {err}", Self::STORE),
        }
    }

    /// The checked schema of the whole store, or what is wrong with it.
    fn try_store_schema() -> Result<StoreSchema, SchemaError> {
        let mut registry = SchemaRegistry::new();
        let root = registry.register::<Self>();
        StoreSchema::build(Self::STORE, Self::SOURCE, root, registry.into_entities())
    }
}

/// The compile-time shape of a field type, used by the derive's checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A primitive value.
    Value,
    /// A nullable primitive value (`Option<T>`).
    NullableValue,
    /// One embedded object (`T`).
    Object,
    /// An optional embedded object (`Option<T>`).
    OptionalObject,
    /// A list of embedded objects (`Vec<T>`).
    Many,
    /// An optional list of embedded objects (`Option<Vec<T>>`).
    NullableMany,
    /// A type with no meaning in a slice; the message says why.
    Invalid(&'static str),
}

impl Shape {
    /// The shape of `Option<T>` for a `T` of this shape.
    pub const fn optional(self) -> Shape {
        match self {
            Shape::Value => Shape::NullableValue,
            Shape::Object => Shape::OptionalObject,
            Shape::Many => Shape::NullableMany,
            Shape::NullableValue | Shape::OptionalObject | Shape::NullableMany => {
                Shape::Invalid("`Option<Option<_>>` is not supported in a slice: use one `Option`")
            }
            Shape::Invalid(msg) => Shape::Invalid(msg),
        }
    }

    /// The shape of `Vec<T>` for a `T` of this shape.
    pub const fn list(self) -> Shape {
        match self {
            Shape::Value => Shape::Value,
            Shape::Object => Shape::Many,
            Shape::NullableValue => Shape::Invalid(
                "a list of `Option<_>` is not supported in a slice: list items cannot be null",
            ),
            Shape::OptionalObject => Shape::Invalid(
                "a list of `Option<_>` objects is not supported in a slice: list items cannot be null",
            ),
            Shape::Many | Shape::NullableMany => Shape::Invalid(
                "a list of lists of slice objects is not supported: wrap the inner list in a slice object",
            ),
            Shape::Invalid(msg) => Shape::Invalid(msg),
        }
    }

    /// Whether a field of this shape can be a key.
    pub const fn can_be_key(self) -> bool {
        matches!(self, Shape::Value | Shape::NullableValue)
    }

    /// Whether this shape is a relation to embedded objects.
    pub const fn is_relation(self) -> bool {
        matches!(
            self,
            Shape::Object | Shape::OptionalObject | Shape::Many | Shape::NullableMany
        )
    }
}

/// A type that can be the type of a slice field.
///
/// Implemented for strings, integers, floats, `bool`, `serde_json::Value`,
/// string-keyed maps, `Vec<T>`, `Option<T>`, `Box<T>` and every derived type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the type of a slice field",
    label = "unsupported slice field type",
    note = "slice fields are strings, integers of up to 64 bits, floats, bools, `serde_json::Value`, maps with string keys, `Vec<_>`, `Option<_>`, `Box<_>`, or types deriving `SliceObject` / `Slice`"
)]
pub trait SliceField {
    /// What kind of field this type makes, known at compile time.
    const SHAPE: Shape;

    /// The field kind; registers any entity the type refers to.
    fn field_kind(registry: &mut SchemaRegistry) -> FieldKind;
}

/// Collects the entities of a store graph while the derived impls run.
///
/// Registration is idempotent and safe with recursive types: an entity is
/// marked as "in progress" before its fields are explored.
#[derive(Debug, Default)]
pub struct SchemaRegistry {
    entities: BTreeMap<EntityId, Option<EntitySchema>>,
}

impl SchemaRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `T` (and, transitively, everything it refers to) and returns
    /// its id.
    pub fn register<T: SliceObject + ?Sized>(&mut self) -> EntityId {
        let id = T::entity_id();
        if !self.entities.contains_key(&id) {
            self.entities.insert(id.clone(), None);
            let schema = T::entity_schema(self);
            debug_assert_eq!(schema.id, id, "entity_schema() returned another id");
            self.entities.insert(id.clone(), Some(schema));
        }
        id
    }

    /// The registered entities.
    ///
    /// # Panics
    ///
    /// If called while a registration is still in progress (a bug in a manual
    /// `SliceObject` impl).
    pub fn into_entities(self) -> Vec<EntitySchema> {
        self.entities
            .into_iter()
            .map(|(id, schema)| schema.unwrap_or_else(|| panic!("entity {id} was never completed")))
            .collect()
    }
}

fn value(ty: ValueType) -> FieldKind {
    FieldKind::Value {
        ty,
        nullable: false,
    }
}

macro_rules! value_field {
    ($($t:ty => $ty:expr),* $(,)?) => {$(
        impl SliceField for $t {
            const SHAPE: Shape = Shape::Value;
            fn field_kind(_: &mut SchemaRegistry) -> FieldKind {
                value($ty)
            }
        }
    )*};
}

/// An integer type between `min` and `max`: every bound is stated but
/// those of an integer without bounds (`i64`'s, see [`ValueType::Int`]).
fn int_range(min: i128, max: i128) -> ValueType {
    let (default_min, default_max) = ValueType::INT_BOUNDS;
    ValueType::Int {
        min: (min != default_min).then_some(min),
        max: (max != default_max).then_some(max),
    }
}

macro_rules! int_field {
    ($($t:ty),* $(,)?) => {$(
        impl SliceField for $t {
            const SHAPE: Shape = Shape::Value;
            fn field_kind(_: &mut SchemaRegistry) -> FieldKind {
                value(int_range(<$t>::MIN as i128, <$t>::MAX as i128))
            }
        }
    )*};
}

value_field! {
    String => ValueType::String,
    bool => ValueType::Bool,
    f32 => ValueType::FLOAT,
    f64 => ValueType::FLOAT,
    Value => ValueType::Any,
}
int_field!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl SliceField for serde_json::Map<String, Value> {
    const SHAPE: Shape = Shape::Value;
    fn field_kind(_: &mut SchemaRegistry) -> FieldKind {
        value(ValueType::Dict { values: None })
    }
}

fn dict_of<V: SliceField>(registry: &mut SchemaRegistry) -> FieldKind {
    let values = match V::field_kind(registry) {
        FieldKind::Value {
            ty: ValueType::Any,
            nullable: _,
        } => None,
        FieldKind::Value {
            ty,
            nullable: false,
        } => Some(Box::new(ty)),
        other => panic!("unsupported map value in a slice field: {other:?}"),
    };
    value(ValueType::Dict { values })
}

const fn dict_shape(values: Shape) -> Shape {
    match values {
        Shape::Value => Shape::Value,
        Shape::Invalid(msg) => Shape::Invalid(msg),
        _ => Shape::Invalid(
            "map values in a slice must be plain values (no `Option`, no slice objects): use a `Vec` of keyed objects instead",
        ),
    }
}

impl<V: SliceField, S> SliceField for HashMap<String, V, S> {
    const SHAPE: Shape = dict_shape(V::SHAPE);
    fn field_kind(registry: &mut SchemaRegistry) -> FieldKind {
        dict_of::<V>(registry)
    }
}

impl<V: SliceField> SliceField for BTreeMap<String, V> {
    const SHAPE: Shape = dict_shape(V::SHAPE);
    fn field_kind(registry: &mut SchemaRegistry) -> FieldKind {
        dict_of::<V>(registry)
    }
}

impl<V: SliceField, S> SliceField for indexmap::IndexMap<String, V, S> {
    const SHAPE: Shape = dict_shape(V::SHAPE);
    fn field_kind(registry: &mut SchemaRegistry) -> FieldKind {
        dict_of::<V>(registry)
    }
}

impl<T: SliceField + ?Sized> SliceField for Box<T> {
    const SHAPE: Shape = T::SHAPE;
    fn field_kind(registry: &mut SchemaRegistry) -> FieldKind {
        T::field_kind(registry)
    }
}

impl<T: SliceField> SliceField for Option<T> {
    const SHAPE: Shape = T::SHAPE.optional();
    fn field_kind(registry: &mut SchemaRegistry) -> FieldKind {
        match T::field_kind(registry) {
            FieldKind::Value {
                ty,
                nullable: false,
            } => FieldKind::Value { ty, nullable: true },
            FieldKind::Relation {
                target,
                cardinality: Cardinality::One,
                nullable: false,
            } => FieldKind::Relation {
                target,
                cardinality: Cardinality::Optional,
                nullable: false,
            },
            FieldKind::Relation {
                target,
                cardinality: Cardinality::Many,
                nullable: false,
            } => FieldKind::Relation {
                target,
                cardinality: Cardinality::Many,
                nullable: true,
            },
            _ => panic!("{}", shape_message(Self::SHAPE)),
        }
    }
}

impl<T: SliceField> SliceField for Vec<T> {
    const SHAPE: Shape = T::SHAPE.list();
    fn field_kind(registry: &mut SchemaRegistry) -> FieldKind {
        match T::field_kind(registry) {
            FieldKind::Value {
                ty,
                nullable: false,
            } => value(ValueType::List {
                items: Some(Box::new(ty)),
            }),
            FieldKind::Relation {
                target,
                cardinality: Cardinality::One,
                nullable: false,
            } => FieldKind::Relation {
                target,
                cardinality: Cardinality::Many,
                nullable: false,
            },
            _ => panic!("{}", shape_message(Self::SHAPE)),
        }
    }
}

const fn shape_message(shape: Shape) -> &'static str {
    match shape {
        Shape::Invalid(msg) => msg,
        _ => "unsupported slice field type",
    }
}

/// Support code for the derive macros. Not a public API: it may change in any
/// release.
#[doc(hidden)]
pub mod __private;
