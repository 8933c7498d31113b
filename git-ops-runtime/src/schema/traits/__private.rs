//! Support code for `#[derive(Slice)]` and `#[derive(SliceObject)]`.
//!
//! The derive emits two kinds of code that lean on this module:
//!
//! - compile-time checks: `const` items that inspect `Shape`s, the field
//!   tables of `SliceStruct` and `NumberKind`s, and panic (a compile error)
//!   with a message the macro wrote. The functions here only *report* a
//!   problem; the panic is emitted in the user's crate, with the span of the
//!   offending token, so the error points there and nowhere else;
//! - the body of `SliceObject::entity_schema`, built with `field`,
//!   `entity` and friends so that the emitted code does not spell out the
//!   model's structs.
//!
//! Nothing here is a public API: it may change in any release.

pub use super::Shape;
pub use serde_json;

use serde_json::Value;

use super::{SchemaRegistry, SliceObject, int_range};
use crate::schema::model::{
    Cardinality, EntityId, EntityKind, EntitySchema, EnumType, Field, FieldKind, ProcessorSpec,
    UnionMember, ValueType,
};

// ---------------------------------------------------------------------------
// Field tables, known at compile time

/// One field of a derived struct, as the compile-time key checks see it.
#[derive(Clone, Copy, Debug)]
pub struct FieldInfo {
    /// Name of the Rust field.
    pub rust: &'static str,
    /// Name on the wire.
    pub wire: &'static str,
    /// Shape of the field's type.
    pub shape: Shape,
    /// `#[slice(model_only)]`.
    pub model_only: bool,
}

impl FieldInfo {
    const PLACEHOLDER: FieldInfo = FieldInfo {
        rust: "",
        wire: "",
        shape: Shape::Value,
        model_only: false,
    };
}

/// A struct deriving `SliceObject` or `Slice`: its fields, inherited ones
/// first, known at compile time. Lets a subtype check keys that name
/// inherited fields and map them to wire names.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a base: it is not a struct deriving `SliceObject` or `Slice`",
    label = "not a slice struct",
    note = "a `#[slice(base)]` field must hold a struct deriving `SliceObject` or `Slice` (not a `Box`, an enum or a map)"
)]
pub trait SliceStruct: SliceObject {
    /// Every field, inherited first (in base order), then the struct's own.
    const FIELDS: &'static [FieldInfo];
    /// `false` for the stub emitted after a compile error: checks against an
    /// incomplete table stay silent rather than adding noise.
    const COMPLETE: bool;

    /// Registers the struct as a base; written `<T as SliceStruct>::register`
    /// so that a wrong base type yields the same error as the other mentions.
    fn register(registry: &mut SchemaRegistry) -> EntityId
    where
        Self: Sized,
    {
        registry.register::<Self>()
    }
}

/// Concatenates field tables into an array of length `N` (the sum of their
/// lengths).
pub const fn concat_fields<const N: usize>(parts: &[&[FieldInfo]]) -> [FieldInfo; N] {
    let mut out = [FieldInfo::PLACEHOLDER; N];
    let mut at = 0;
    let mut part = 0;
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            out[at] = parts[part][i];
            at += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(at == N, "field table length mismatch");
    out
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The field with this Rust name.
pub const fn find_field(fields: &[FieldInfo], rust: &str) -> Option<FieldInfo> {
    let mut i = 0;
    while i < fields.len() {
        if str_eq(fields[i].rust, rust) {
            return Some(fields[i]);
        }
        i += 1;
    }
    None
}

/// The wire name of the field with this Rust name (checked at compile time
/// to exist).
pub fn wire_name(fields: &[FieldInfo], rust: &str) -> String {
    match find_field(fields, rust) {
        Some(field) => field.wire.to_owned(),
        None => panic!("no field `{rust}`: the derive's compile-time check was bypassed"),
    }
}

/// Why a field cannot be a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// No such field, own or inherited.
    Unknown,
    /// The field is a relation to slice objects.
    Relation,
    /// The field is model-only.
    ModelOnly,
}

/// What is wrong with naming `rust` as a key of a struct with these fields.
/// Silent when the table is incomplete or the field's type is invalid (both
/// already reported elsewhere).
pub const fn key_problem(fields: &[FieldInfo], complete: bool, rust: &str) -> Option<KeyProblem> {
    match find_field(fields, rust) {
        None if complete => Some(KeyProblem::Unknown),
        None => None,
        Some(field) => {
            if field.shape.is_relation() {
                Some(KeyProblem::Relation)
            } else if field.model_only {
                Some(KeyProblem::ModelOnly)
            } else {
                None
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Shapes

/// The message of an invalid shape.
pub const fn invalid_shape(shape: Shape) -> Option<&'static str> {
    match shape {
        Shape::Invalid(msg) => Some(msg),
        _ => None,
    }
}

/// Whether a value of this shape may be `null` (serde then reads a missing
/// field as `None`).
pub const fn is_nullable(shape: Shape) -> bool {
    matches!(
        shape,
        Shape::NullableValue | Shape::OptionalObject | Shape::NullableMany
    )
}

/// Whether a field of this shape needs an explicit default to be absent from
/// slice files: it is not nullable (and not invalid, already reported).
pub const fn needs_default(shape: Shape) -> bool {
    !is_nullable(shape) && invalid_shape(shape).is_none()
}

/// Whether the shape is one slice object (what a union variant must hold).
pub const fn is_object(shape: Shape) -> bool {
    matches!(shape, Shape::Object)
}

// ---------------------------------------------------------------------------
// Numbers: ranges and unique integers

/// A numeric literal from an attribute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer literal.
    Int(i128),
    /// A float literal.
    Float(f64),
}

impl Number {
    const fn as_f64(self) -> f64 {
        match self {
            Number::Int(v) => v as f64,
            Number::Float(v) => v,
        }
    }
}

/// `#[slice(range(min = .., max = ..))]`: inclusive bounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Smallest accepted value.
    pub min: Option<Number>,
    /// Largest accepted value.
    pub max: Option<Number>,
}

/// The numeric kind of a field type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberKind {
    /// An integer type with its own bounds.
    Int {
        /// `<T>::MIN`.
        min: i128,
        /// `<T>::MAX`.
        max: i128,
    },
    /// A float type.
    Float,
}

/// A number type, possibly wrapped in `Option` or `Box`: what
/// `#[slice(range(...))]` and `#[slice(unique_integer)]` apply to.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number type",
    label = "not an integer or float type",
    note = "`#[slice(range(...))]` applies to integer and float fields (also inside `Option`), `#[slice(unique_integer)]` to integer fields"
)]
pub trait NumberField {
    /// The numeric kind.
    const NUMBER: NumberKind;
}

macro_rules! number_field {
    (int: $($i:ty),*; float: $($f:ty),*) => {
        $(impl NumberField for $i {
            const NUMBER: NumberKind = NumberKind::Int { min: <$i>::MIN as i128, max: <$i>::MAX as i128 };
        })*
        $(impl NumberField for $f {
            const NUMBER: NumberKind = NumberKind::Float;
        })*
    };
}
number_field!(int: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize; float: f32, f64);

impl<T: NumberField> NumberField for Option<T> {
    const NUMBER: NumberKind = T::NUMBER;
}

impl<T: NumberField> NumberField for Box<T> {
    const NUMBER: NumberKind = T::NUMBER;
}

/// Why a range does not fit a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeProblem {
    /// A float bound on an integer field.
    FloatBoundOnInteger,
    /// No value of the field's type lies in the range.
    Empty,
}

/// What is wrong with `range` on a field of this kind.
pub const fn range_problem(kind: NumberKind, range: Range) -> Option<RangeProblem> {
    match kind {
        NumberKind::Int { min, max } => {
            let lo = match range.min {
                Some(Number::Int(v)) => {
                    if v > min {
                        v
                    } else {
                        min
                    }
                }
                Some(Number::Float(_)) => return Some(RangeProblem::FloatBoundOnInteger),
                None => min,
            };
            let hi = match range.max {
                Some(Number::Int(v)) => {
                    if v < max {
                        v
                    } else {
                        max
                    }
                }
                Some(Number::Float(_)) => return Some(RangeProblem::FloatBoundOnInteger),
                None => max,
            };
            if lo > hi {
                Some(RangeProblem::Empty)
            } else {
                None
            }
        }
        NumberKind::Float => match (range.min, range.max) {
            (Some(lo), Some(hi)) if lo.as_f64() > hi.as_f64() => Some(RangeProblem::Empty),
            _ => None,
        },
    }
}

/// Why `unique_integer(start, stop)` does not fit a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UniqueIntegerProblem {
    /// The field is a float.
    NotInteger,
    /// Some value in `start..stop` does not fit the field's type.
    OutsideType,
}

/// What is wrong with `unique_integer(start, stop)` on a field of this kind.
pub const fn unique_integer_problem(
    kind: NumberKind,
    start: i128,
    stop: i128,
) -> Option<UniqueIntegerProblem> {
    match kind {
        NumberKind::Float => Some(UniqueIntegerProblem::NotInteger),
        NumberKind::Int { min, max } => {
            if start < min || stop - 1 > max {
                Some(UniqueIntegerProblem::OutsideType)
            } else {
                None
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Building the schema at run time

/// A description from doc-comment lines (one `#[doc]` attribute each): joined,
/// dedented (common leading whitespace of the non-blank lines removed),
/// trailing whitespace and surrounding blank lines removed. `None` when empty.
pub fn doc(lines: &[&str]) -> Option<String> {
    let text = lines.join("\n");
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()?;
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or_else(|| l.trim_start()))
        .collect();
    let start = lines.iter().position(|l| !l.is_empty())?;
    let end = lines.iter().rposition(|l| !l.is_empty())?;
    Some(lines[start..=end].join("\n"))
}

/// The field kind of a derived struct or union used as a field type: a
/// required relation.
pub fn relation<T: SliceObject>(registry: &mut SchemaRegistry) -> FieldKind {
    FieldKind::Relation {
        target: registry.register::<T>(),
        cardinality: Cardinality::One,
        nullable: false,
    }
}

/// The field kind of a derived string enum.
pub fn string_enum(id: EntityId, values: &[&str], description: Option<String>) -> FieldKind {
    FieldKind::Value {
        ty: ValueType::Enum(EnumType {
            id,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            description,
        }),
        nullable: false,
    }
}

/// One member of a union, from the field kind of the variant's type (checked
/// at compile time to be one slice object).
pub fn member(value: &str, kind: FieldKind) -> UnionMember {
    match kind {
        FieldKind::Relation {
            target,
            cardinality: Cardinality::One,
            nullable: false,
        } => UnionMember {
            value: value.to_owned(),
            entity: target,
        },
        other => panic!("union variant `{value}` does not hold a slice object: {other:?}"),
    }
}

/// An entity schema; keys are `None` to inherit them.
pub fn entity(
    id: EntityId,
    kind: EntityKind,
    description: Option<String>,
    bases: Vec<EntityId>,
    fields: Vec<Field>,
    keys: Option<Vec<String>>,
) -> EntitySchema {
    EntitySchema {
        id,
        kind,
        description,
        bases,
        fields,
        keys,
        resolved_keys: Vec::new(),
        discriminator: None,
    }
}

/// Starts a field: wire name, the shape and the kind of its type.
pub fn field(name: &str, shape: Shape, kind: FieldKind) -> FieldBuilder {
    FieldBuilder {
        field: Field {
            name: name.to_owned(),
            rust_name: None,
            description: None,
            kind,
            default: None,
            model_only: false,
            discriminator: false,
            processor: None,
        },
        shape,
    }
}

/// A field under construction, see [`field`].
#[derive(Debug)]
pub struct FieldBuilder {
    field: Field,
    shape: Shape,
}

impl FieldBuilder {
    /// The Rust field name, when it differs from the wire name.
    pub fn rust_name(mut self, name: &str) -> Self {
        self.field.rust_name = Some(name.to_owned());
        self
    }

    /// The description.
    pub fn description(mut self, description: Option<String>) -> Self {
        self.field.description = description;
        self
    }

    /// An explicit default (serde `default`).
    pub fn default(mut self, value: Value) -> Self {
        self.field.default = Some(value);
        self
    }

    /// `#[slice(model_only)]`.
    pub fn model_only(mut self) -> Self {
        self.field.model_only = true;
        self
    }

    /// A processor.
    pub fn processor(mut self, processor: ProcessorSpec) -> Self {
        self.field.processor = Some(processor);
        self
    }

    /// `#[slice(range(...))]`, intersected with the bounds of the field's type.
    pub fn range(mut self, number: NumberKind, range: Range) -> Self {
        if let FieldKind::Value { ty, .. } = &mut self.field.kind {
            match number {
                NumberKind::Int { min, max } => {
                    let bound = |n: Option<Number>| match n {
                        Some(Number::Int(v)) => Some(v),
                        _ => None,
                    };
                    let lo = bound(range.min).map_or(min, |v| v.max(min));
                    let hi = bound(range.max).map_or(max, |v| v.min(max));
                    *ty = int_range(lo, hi);
                }
                NumberKind::Float => {
                    *ty = ValueType::Float {
                        min: range.min.map(Number::as_f64),
                        max: range.max.map(Number::as_f64),
                    };
                }
            }
        }
        self
    }

    /// The finished field. Without an explicit default, a nullable field
    /// (`Option<_>`) defaults to `null`, as serde reads a missing `Option`
    /// field as `None`.
    pub fn build(mut self) -> Field {
        if self.field.default.is_none() && is_nullable(self.shape) {
            self.field.default = Some(Value::Null);
        }
        self.field
    }
}

/// Serialises a default value for the schema model.
pub fn default_value<T: serde::Serialize>(field: &str, value: T) -> Value {
    serde_json::to_value(value)
        .unwrap_or_else(|err| panic!("the default of field `{field}` cannot be serialised: {err}"))
}

/// A `simple_value` processor, checked against the field's type: the value
/// must deserialise into it.
pub fn simple_value<T: serde::de::DeserializeOwned>(field: &str, value: Value) -> ProcessorSpec {
    if let Err(err) = serde_json::from_value::<T>(value.clone()) {
        panic!(
            "`#[slice(simple_value = {value})]` on field `{field}`: the value does not fit the field's type: {err}"
        );
    }
    ProcessorSpec::SimpleValue { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_dedents_and_trims() {
        assert_eq!(doc(&[]), None);
        assert_eq!(doc(&[" ", ""]), None);
        assert_eq!(
            doc(&[" One VLAN.", "", "   indented", " last  "]),
            Some("One VLAN.\n\n  indented\nlast".to_owned())
        );
        // A `/** */` block is one attribute with newlines.
        assert_eq!(
            doc(&["\n    Block doc.\n      more\n    "]),
            Some("Block doc.\n  more".to_owned())
        );
    }

    #[test]
    fn field_tables_concatenate_and_resolve() {
        const BASE: &[FieldInfo] = &[FieldInfo {
            rust: "name",
            wire: "Name",
            shape: Shape::Value,
            model_only: false,
        }];
        const OWN: &[FieldInfo] = &[
            FieldInfo {
                rust: "child",
                wire: "child",
                shape: Shape::Many,
                model_only: false,
            },
            FieldInfo {
                rust: "seen",
                wire: "seen",
                shape: Shape::NullableValue,
                model_only: true,
            },
        ];
        const ALL: &[FieldInfo] = &concat_fields::<3>(&[BASE, OWN]);
        assert_eq!(ALL.len(), 3);
        assert_eq!(wire_name(ALL, "name"), "Name");
        assert_eq!(key_problem(ALL, true, "name"), None);
        assert_eq!(key_problem(ALL, true, "child"), Some(KeyProblem::Relation));
        assert_eq!(key_problem(ALL, true, "seen"), Some(KeyProblem::ModelOnly));
        assert_eq!(key_problem(ALL, true, "nope"), Some(KeyProblem::Unknown));
        assert_eq!(key_problem(ALL, false, "nope"), None);
    }

    #[test]
    fn ranges_intersect_with_the_type() {
        let u16_kind = <u16 as NumberField>::NUMBER;
        let range = Range {
            min: Some(Number::Int(1)),
            max: Some(Number::Int(100_000)),
        };
        assert_eq!(range_problem(u16_kind, range), None);
        let built = field(
            "vid",
            Shape::Value,
            FieldKind::Value {
                ty: ValueType::INT,
                nullable: false,
            },
        )
        .range(u16_kind, range)
        .build();
        assert_eq!(
            built.kind,
            FieldKind::Value {
                ty: ValueType::Int {
                    min: Some(1),
                    max: Some(65535)
                },
                nullable: false
            }
        );
        let too_high = Range {
            min: Some(Number::Int(70_000)),
            max: None,
        };
        assert_eq!(range_problem(u16_kind, too_high), Some(RangeProblem::Empty));
        let float_bound = Range {
            min: Some(Number::Float(0.5)),
            max: None,
        };
        assert_eq!(
            range_problem(u16_kind, float_bound),
            Some(RangeProblem::FloatBoundOnInteger)
        );
        assert_eq!(range_problem(NumberKind::Float, float_bound), None);
    }

    #[test]
    fn unique_integer_must_fit_the_type() {
        let u8_kind = <Option<u8> as NumberField>::NUMBER;
        assert_eq!(unique_integer_problem(u8_kind, 0, 256), None);
        assert_eq!(
            unique_integer_problem(u8_kind, 0, 1000),
            Some(UniqueIntegerProblem::OutsideType)
        );
        assert_eq!(
            unique_integer_problem(NumberKind::Float, 0, 10),
            Some(UniqueIntegerProblem::NotInteger)
        );
    }

    #[test]
    fn nullable_fields_default_to_null() {
        let kind = FieldKind::Value {
            ty: ValueType::String,
            nullable: true,
        };
        let f = field("note", Shape::NullableValue, kind.clone()).build();
        assert_eq!(f.default, Some(Value::Null));
        let f = field("note", Shape::Value, kind).build();
        assert_eq!(f.default, None);
    }

    #[test]
    #[should_panic(expected = "does not fit the field's type")]
    fn simple_value_is_checked_against_the_type() {
        simple_value::<i64>("count", Value::from("three"));
    }
}
