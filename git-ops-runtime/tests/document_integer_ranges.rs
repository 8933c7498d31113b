//! Every Rust integer type accepts exactly its range, on every path: the
//! typed one (serde on the Rust type), the schema the derive produces, the
//! same schema serialised and read back (what a store manifest holds), the
//! JSON Schema (with a real validator), and a slice file read from text.
//! Each type is tried at both bounds and one beyond each (issue 9, case 8:
//! an `i64` field accepted 2^63 ..= 2^64 - 1).
#![allow(missing_docs)]

use std::collections::BTreeMap;

use git_ops_runtime::document::{self, DocumentErrorKind, DocumentSchema};
use git_ops_runtime::format::Format;
use git_ops_runtime::format::read::{ReadErrorKind, read};
use git_ops_runtime::schema::{FieldKind, StoreSchema, ValueType};
use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A field of every integer type a slice may hold, and some in containers.
#[derive(Debug, Serialize, Deserialize, Slice)]
#[slice(store = "ints")]
pub struct Ints {
    #[slice(key)]
    pub name: String,
    #[serde(default)]
    pub a_i8: i8,
    #[serde(default)]
    pub a_i16: i16,
    #[serde(default)]
    pub a_i32: i32,
    #[serde(default)]
    pub a_i64: i64,
    #[serde(default)]
    pub a_isize: isize,
    #[serde(default)]
    pub a_u8: u8,
    #[serde(default)]
    pub a_u16: u16,
    #[serde(default)]
    pub a_u32: u32,
    #[serde(default)]
    pub a_u64: u64,
    #[serde(default)]
    pub a_usize: usize,
    pub maybe_u64: Option<u64>,
    #[serde(default)]
    pub list_i64: Vec<i64>,
    #[serde(default)]
    pub map_u32: BTreeMap<String, u32>,
    #[serde(default)]
    pub inner: Inner,
}

/// Integers one level down.
#[derive(Debug, Default, Serialize, Deserialize, SliceObject)]
pub struct Inner {
    #[serde(default)]
    pub b_i64: i64,
    #[serde(default)]
    pub b_u64: u64,
}

/// Field name (as a JSON document sets it, `{` `}` around) and the bounds
/// of its type.
struct Case {
    /// The document text with `{}` where the value goes.
    template: &'static str,
    /// The dict path of the value.
    path: &'static str,
    min: i128,
    max: i128,
    /// `null` is accepted too (`Option`).
    nullable: bool,
}

fn cases() -> Vec<Case> {
    macro_rules! top {
        ($field:literal, $t:ty) => {
            Case {
                template: concat!(r#"{"name": "n", ""#, $field, r#"": {}}"#),
                path: $field,
                min: <$t>::MIN as i128,
                max: <$t>::MAX as i128,
                nullable: false,
            }
        };
    }
    vec![
        top!("a_i8", i8),
        top!("a_i16", i16),
        top!("a_i32", i32),
        top!("a_i64", i64),
        top!("a_isize", isize),
        top!("a_u8", u8),
        top!("a_u16", u16),
        top!("a_u32", u32),
        top!("a_u64", u64),
        top!("a_usize", usize),
        Case {
            nullable: true,
            ..top!("maybe_u64", u64)
        },
        Case {
            template: r#"{"name": "n", "list_i64": [1, {}]}"#,
            path: "list_i64[1]",
            min: i64::MIN.into(),
            max: i64::MAX.into(),
            nullable: false,
        },
        Case {
            template: r#"{"name": "n", "map_u32": {"k": {}}}"#,
            path: "map_u32.k",
            min: u32::MIN.into(),
            max: u32::MAX.into(),
            nullable: false,
        },
        Case {
            template: r#"{"name": "n", "inner": {"b_i64": {}}}"#,
            path: "inner.b_i64",
            min: i64::MIN.into(),
            max: i64::MAX.into(),
            nullable: false,
        },
        Case {
            template: r#"{"name": "n", "inner": {"b_u64": {}}}"#,
            path: "inner.b_u64",
            min: u64::MIN.into(),
            max: u64::MAX.into(),
            nullable: false,
        },
    ]
}

fn field_type(schema: &StoreSchema, entity: &str, field: &str) -> ValueType {
    let (id, _) = schema
        .entities
        .iter()
        .find(|(id, _)| id.name() == entity)
        .unwrap_or_else(|| panic!("no entity {entity}"));
    let field = schema.field(id, field).unwrap();
    match &field.kind {
        FieldKind::Value { ty, .. } => ty.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_schema_states_every_bound_but_those_of_i64() {
    let schema = Ints::store_schema();
    let int = |min: Option<i128>, max: Option<i128>| ValueType::Int { min, max };
    let expected = [
        ("a_i8", int(Some(-128), Some(127))),
        ("a_i16", int(Some(-32768), Some(32767))),
        ("a_i32", int(Some(-2147483648), Some(2147483647))),
        // An integer without bounds is an i64.
        ("a_i64", int(None, None)),
        ("a_isize", int(None, None)),
        ("a_u8", int(Some(0), Some(255))),
        ("a_u16", int(Some(0), Some(65535))),
        ("a_u32", int(Some(0), Some(4294967295))),
        ("a_u64", int(Some(0), Some(18446744073709551615))),
        ("a_usize", int(Some(0), Some(18446744073709551615))),
        ("maybe_u64", int(Some(0), Some(18446744073709551615))),
    ];
    for (field, ty) in expected {
        assert_eq!(field_type(&schema, "Ints", field), ty, "{field}");
    }
    assert_eq!(
        field_type(&schema, "Ints", "map_u32"),
        ValueType::Dict {
            values: Some(Box::new(int(Some(0), Some(4294967295))))
        }
    );
    // The bounds survive serialisation (a manifest) as they are.
    let text = serde_json::to_string(&schema).unwrap();
    assert!(
        text.contains(
            r#""a_u64","field":"value","type":{"type":"int","min":0,"max":18446744073709551615}"#
        ),
        "{text}"
    );
    let back: StoreSchema = serde_json::from_str(&text).unwrap();
    assert_eq!(back, schema);
}

/// What the typed path makes of a document.
#[derive(Debug, PartialEq)]
enum Outcome {
    Accepted,
    Refused,
}

#[test]
fn every_integer_type_accepts_exactly_its_range_on_every_path() {
    let schema = Ints::store_schema();
    let documents = DocumentSchema::new(&schema);
    // What a manifest holds, read back.
    let manifest: StoreSchema =
        serde_json::from_str(&serde_json::to_string(&schema).unwrap()).unwrap();
    let from_manifest = DocumentSchema::new(&manifest);
    let json_schema = document::json_schema(&schema);
    let validator = jsonschema::draft7::new(&json_schema).unwrap();
    for case in cases() {
        for (value, inside) in [
            (case.min, true),
            (case.max, true),
            (case.min - 1, false),
            (case.max + 1, false),
        ] {
            let text = case.template.replace("{}", &value.to_string());
            let what = format!("{} = {value}", case.path);
            let expected = if inside {
                Outcome::Accepted
            } else {
                Outcome::Refused
            };
            // The typed path: serde on the Rust type, from the text.
            let typed = match serde_json::from_str::<Ints>(&text) {
                Ok(_) => Outcome::Accepted,
                Err(_) => Outcome::Refused,
            };
            assert_eq!(typed, expected, "typed: {what}");
            // The file path: the reader refuses what JSON numbers of 64 bits
            // cannot hold; the schema the rest.
            let doc = match read(text.as_bytes(), Format::Json) {
                Ok(map) => Value::Object(map),
                Err(error) => {
                    assert!(!inside, "{what}: {error}");
                    assert!(
                        value < i64::MIN.into() || value > u64::MAX.into(),
                        "{what}: {error}"
                    );
                    assert!(
                        matches!(error.kind, ReadErrorKind::Unrepresentable { .. }),
                        "{what}: {error}"
                    );
                    // The same number written as a string (a lax
                    // conversion) is refused by the schema.
                    let quoted = case.template.replace("{}", &format!("\"{value}\""));
                    let doc = Value::Object(read(quoted.as_bytes(), Format::Json).unwrap());
                    for documents in [&documents, &from_manifest] {
                        let errors = documents.normalise(&doc).unwrap_err();
                        assert_eq!(errors.errors.len(), 1, "{what}: {errors}");
                        assert_eq!(errors.errors[0].path, case.path);
                        assert!(
                            matches!(errors.errors[0].kind, DocumentErrorKind::OutOfRange { .. }),
                            "{what}: {errors}"
                        );
                    }
                    continue;
                }
            };
            for (path, documents) in [("derive", &documents), ("manifest", &from_manifest)] {
                match documents.normalise(&doc) {
                    Ok(normalised) => {
                        assert!(inside, "{path}: {what} accepted");
                        assert_eq!(normalised["name"], "n");
                    }
                    Err(errors) => {
                        assert!(!inside, "{path}: {what}: {errors}");
                        assert_eq!(
                            errors.to_string(),
                            format!(
                                "{}: expected an integer between {} and {}{}, found the integer {value}",
                                case.path,
                                case.min,
                                case.max,
                                if case.nullable { " or null" } else { "" }
                            ),
                            "{path}"
                        );
                    }
                }
            }
            assert_eq!(validator.is_valid(&doc), inside, "JSON Schema: {what}");
        }
    }
}

#[test]
fn the_json_schema_states_both_bounds_of_every_integer() {
    let schema = document::json_schema(&Ints::store_schema());
    let properties = &schema["properties"];
    let bounds = |property: &Value| {
        (
            property["minimum"].to_string(),
            property["maximum"].to_string(),
        )
    };
    let i64_bounds = (i64::MIN.to_string(), i64::MAX.to_string());
    let u64_bounds = ("0".to_owned(), u64::MAX.to_string());
    assert_eq!(bounds(&properties["a_i64"]), i64_bounds);
    assert_eq!(bounds(&properties["a_u64"]), u64_bounds);
    assert_eq!(
        bounds(&properties["a_i8"]),
        ("-128".to_owned(), "127".to_owned())
    );
    assert_eq!(bounds(&properties["maybe_u64"]["anyOf"][0]), u64_bounds);
    assert_eq!(bounds(&properties["list_i64"]["items"]), i64_bounds);
}
