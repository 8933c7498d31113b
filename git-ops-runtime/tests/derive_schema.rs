//! Derived types through `StoreSchema::build`: what only the whole graph
//! reveals is reported by `try_store_schema`, and the derive's output for
//! less common shapes.

use std::collections::HashSet;

use git_ops_runtime::schema::{Cardinality, EntityId, FieldKind};
use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};
use serde_json::json;

mod keyless_list {
    use super::*;

    #[derive(Serialize, Deserialize, SliceObject)]
    pub struct Item {
        pub value: String,
    }

    #[derive(Serialize, Deserialize, Slice)]
    #[slice(store = "keyless")]
    pub struct Root {
        #[slice(key)]
        pub name: String,
        pub items: Vec<Item>,
    }
}

#[test]
fn a_list_of_a_keyless_type_is_reported() {
    let err = keyless_list::Root::try_store_schema().unwrap_err();
    assert_eq!(
        err.problems,
        [format!(
            "{}: list field `items` holds {}, which has no keys; list items need an identity: mark a field with #[slice(key)]",
            EntityId::new("derive_schema::keyless_list", "Root"),
            EntityId::new("derive_schema::keyless_list", "Item"),
        )]
    );
}

mod two_unions {
    use super::*;

    #[derive(Serialize, Deserialize, SliceObject)]
    pub struct Disk {
        #[slice(key)]
        pub name: String,
        pub kind: String,
    }

    #[derive(Serialize, Deserialize, SliceObject)]
    #[serde(tag = "type")]
    pub enum A {
        Disk(Disk),
    }

    #[derive(Serialize, Deserialize, SliceObject)]
    #[serde(tag = "kind")]
    pub enum B {
        Disk(Disk),
    }

    #[derive(Serialize, Deserialize, Slice)]
    #[slice(store = "unions")]
    pub struct Root {
        #[slice(key)]
        pub name: String,
        pub a: Vec<A>,
        pub b: Option<B>,
    }
}

#[test]
fn a_struct_in_two_unions_is_reported() {
    let err = two_unions::Root::try_store_schema().unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    assert!(
        err.problems[0].contains("is a member of two unions"),
        "{err}"
    );
}

mod clashing_tag {
    use super::*;

    #[derive(Serialize, Deserialize, SliceObject)]
    pub struct Disk {
        #[slice(key)]
        pub name: String,
        pub kind: String,
    }

    #[derive(Serialize, Deserialize, SliceObject)]
    #[serde(tag = "kind")]
    pub enum Device {
        Disk(Disk),
    }

    #[derive(Serialize, Deserialize, Slice)]
    #[slice(store = "clash")]
    pub struct Root {
        #[slice(key)]
        pub name: String,
        pub devices: Vec<Device>,
    }
}

#[test]
fn a_member_field_named_like_the_tag_is_reported() {
    let err = clashing_tag::Root::try_store_schema().unwrap_err();
    assert!(
        err.problems[0].contains("field `kind` clashes with the tag of union"),
        "{err}"
    );
}

mod redeclared {
    use super::*;

    #[derive(Serialize, Deserialize, SliceObject)]
    pub struct Named {
        #[slice(key)]
        pub name: String,
    }

    #[derive(Serialize, Deserialize, Slice)]
    #[slice(store = "redeclared")]
    pub struct Root {
        #[slice(base)]
        #[serde(flatten)]
        pub named: Named,
        #[serde(rename = "name")]
        pub label: String,
    }
}

#[test]
fn a_field_declared_by_a_type_and_its_base_is_reported() {
    let err = redeclared::Root::try_store_schema().unwrap_err();
    assert!(
        err.problems[0].contains("field `name` is declared by both"),
        "{err}"
    );
}

mod bad_simple_value {
    use super::*;

    #[derive(Serialize, Deserialize, Slice)]
    #[slice(store = "simple-value")]
    pub struct Root {
        #[slice(key)]
        pub name: String,
        #[slice(simple_value = "three")]
        pub count: Option<i64>,
    }
}

#[test]
#[should_panic(
    expected = "`#[slice(simple_value = \"three\")]` on field `count`: the value does not fit the field's type"
)]
fn a_simple_value_of_the_wrong_type_panics_when_the_schema_is_built() {
    let _ = bad_simple_value::Root::try_store_schema();
}

mod shapes {
    use super::*;

    /// Three types in a cycle, and a skipped field of a type that is not a
    /// slice field type.
    #[derive(Serialize, Deserialize, Slice)]
    #[slice(store = "cycle")]
    pub struct A {
        #[slice(key)]
        pub name: String,
        pub b: Option<Box<B>>,
        #[serde(skip)]
        pub cache: HashSet<String>,
    }

    #[derive(Serialize, Deserialize, SliceObject)]
    pub struct B {
        #[slice(key)]
        pub name: String,
        #[serde(default)]
        pub c: Vec<C>,
    }

    #[derive(Serialize, Deserialize, SliceObject)]
    #[serde(default = "C::fallback")]
    pub struct C {
        #[slice(key)]
        pub name: String,
        pub a: Option<A>,
        pub weight: f32,
    }

    impl C {
        fn fallback() -> Self {
            C {
                name: "c".into(),
                a: None,
                weight: 0.5,
            }
        }
    }
}

#[test]
fn cycles_and_container_defaults() {
    let schema = shapes::A::store_schema();
    let ids: Vec<&str> = schema.entities.keys().map(|e| e.name()).collect();
    assert_eq!(ids, ["A", "B", "C"]);
    let module = format!("{}::shapes", module_path!());
    let in_shapes = |name: &str| EntityId::new(&module, name);
    let a_fields: Vec<&str> = schema
        .all_fields(&in_shapes("A"))
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        a_fields,
        ["name", "b"],
        "skipped fields are not in the schema"
    );
    let a: shapes::A = serde_json::from_value(json!({"name": "a", "cache": ["x"]})).unwrap();
    assert!(a.cache.is_empty(), "serde skips it too");
    assert_eq!(
        schema.field(&in_shapes("C"), "a").unwrap().kind,
        FieldKind::Relation {
            target: in_shapes("A"),
            cardinality: Cardinality::Optional,
            nullable: false
        }
    );
    // `#[serde(default = "C::fallback")]` on the struct: every field's
    // default comes from it.
    let defaults: Vec<_> = schema
        .all_fields(&in_shapes("C"))
        .iter()
        .map(|f| f.default.clone())
        .collect();
    assert_eq!(
        defaults,
        [Some(json!("c")), Some(json!(null)), Some(json!(0.5))]
    );
}
