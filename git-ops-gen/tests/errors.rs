//! What the generator refuses, with every problem named.

mod common;

use common::support::{EntityExt, FieldExt, embedded, relation, root, value};
use common::{gaps, spec, support};
use git_ops_gen::{GenerateError, plan_module};
use git_ops_runtime::schema::{Cardinality, EntityId, EntitySchema, StoreSchema, ValueType};
use serde_json::json;

fn problems(stores: Vec<StoreSchema>, module: &str, explicit: bool) -> Vec<String> {
    match plan_module(&spec(module, stores, explicit)) {
        Err(GenerateError::Model { problems, .. }) => problems,
        Ok(_) => panic!("the module was generated"),
        Err(other) => panic!("unexpected error: {other}"),
    }
}

fn single_store(entities: Vec<EntitySchema>, root_id: &str) -> Vec<StoreSchema> {
    vec![support::store("one", root_id, entities)]
}

#[test]
fn names_the_dsl_cannot_take() {
    let found = problems(
        single_store(
            vec![
                root(
                    "m::index::lower",
                    &[],
                    vec![
                        value("for", ValueType::String),
                        value("my-field", ValueType::String),
                        value("Upper", ValueType::String),
                    ],
                )
                .keys(&["for"]),
            ],
            "m::index::lower",
        ),
        "m",
        false,
    );
    assert_eq!(
        found,
        [
            "m::index::lower: module `index` cannot be a DSL module: it is a keyword of the inmanta DSL",
            "m::index::lower: `lower` cannot name an entity: a DSL entity name starts with an upper-case letter",
            "m::index::lower: field `for` cannot be a DSL attribute or relation: it is a keyword of the inmanta DSL; rename it with #[serde(rename = \"...\")]",
            "m::index::lower: field `my-field` cannot be a DSL attribute or relation: a DSL attribute or relation name is made of ASCII letters, digits and `_`, and does not start with a digit; rename it with #[serde(rename = \"...\")]",
            "m::index::lower: field `Upper` cannot be a DSL attribute or relation: a DSL attribute or relation name cannot start with an upper-case letter; rename it with #[serde(rename = \"...\")]",
        ]
    );
}

#[test]
fn types_of_another_crate_and_the_reserved_module() {
    let found = problems(
        single_store(
            vec![
                root(
                    "m::git_ops::Root",
                    &[],
                    vec![relation("other", "other::Thing", Cardinality::One)],
                ),
                embedded("other::Thing", &[], vec![value("x", ValueType::String)]),
            ],
            "m::git_ops::Root",
        ),
        "m",
        false,
    );
    assert_eq!(
        found,
        [
            "m::git_ops::Root: Rust module `m::git_ops` holds the generated base entities; move the type to another module",
            "other::Thing: the type is not part of crate `m` (module `other`); a module can only use types of its own crate",
        ]
    );
}

#[test]
fn a_parent_relation_named_like_a_field() {
    let stores = single_store(
        vec![
            root(
                "m::Tree",
                &[],
                vec![
                    value("name", ValueType::String),
                    relation("child", "m::Leaf", Cardinality::One),
                ],
            )
            .keys(&["name"]),
            embedded("m::Leaf", &[], vec![value("parent", ValueType::String)]),
        ],
        "m::Tree",
    );
    assert_eq!(
        problems(stores.clone(), "m", false),
        [
            "m::Leaf: the parent relation `parent` of m::Leaf clashes with a field of the same name; rename the field"
        ]
    );
    // With explicit parent relations the reverse relation is `tree`.
    assert!(plan_module(&spec("m", stores, true)).is_ok());
}

#[test]
fn a_helper_named_like_a_type() {
    let found = problems(
        single_store(
            vec![
                root(
                    "m::Site",
                    &[],
                    vec![
                        value("name", ValueType::String),
                        relation("a", "m::Address", Cardinality::One),
                        relation("b", "m::Address", Cardinality::One),
                        relation("c", "m::SiteA", Cardinality::Optional).default(json!(null)),
                    ],
                )
                .keys(&["name"]),
                embedded("m::Address", &[], vec![value("street", ValueType::String)]),
                embedded("m::SiteA", &[], vec![value("x", ValueType::String)]),
            ],
            "m::Site",
        ),
        "m",
        false,
    );
    assert_eq!(
        found,
        [
            "m: entity `SiteA` would be defined twice: the helper entity of relation `Site.a`, and Rust type m::SiteA"
        ]
    );
}

#[test]
fn a_type_defined_differently_in_two_stores() {
    let mut zoo = gaps::zoo();
    let address = EntityId::from("gaps::shared::Address");
    zoo.entities.get_mut(&address).unwrap().description = Some("changed".into());
    let found = problems(vec![gaps::sites(), zoo], "gaps", false);
    assert_eq!(
        found,
        [
            "gaps::shared::Address differs between stores `sites` and `zoo`; the stores of module `gaps` must share one definition of each type"
        ]
    );
}

#[test]
fn store_names_and_module_names() {
    let renamed = |name: &str| {
        let mut store = support::vlan();
        store.store = name.into();
        store
    };
    let found = problems(
        vec![
            support::vlan(),
            support::vlan(),
            renamed("a/b"),
            renamed(".x"),
            renamed("../../../esc"),
            renamed("a b"),
        ],
        "acme",
        false,
    );
    // The derive's rule (`docs/derive.md`), whatever made the schema.
    let rule = "the store name is a folder name (`git_ops/active/<store>/`): use ASCII letters, digits, `_`, `-` and `.`, not starting with `.`";
    assert_eq!(
        found,
        [
            "store `vlan` is given twice".to_owned(),
            format!("store `a/b`: invalid store name \"a/b\": {rule}"),
            format!("store `.x`: invalid store name \".x\": {rule}"),
            format!("store `../../../esc`: invalid store name \"../../../esc\": {rule}"),
            format!("store `a b`: invalid store name \"a b\": {rule}"),
        ]
    );
    // The source location becomes a path too.
    let mut escaping = support::vlan();
    escaping.source = "inmanta:///files/../../x/".into();
    assert_eq!(
        problems(vec![escaping], "acme", false),
        [
            "store `vlan`: invalid source folder: location \"inmanta:///files/../../x/\" leaves its root folder (`..` is not allowed)"
        ]
    );
    assert_eq!(
        problems(vec![], "Acme", false),
        [
            "`Acme` cannot name an inmanta module: a DSL module name cannot start with an upper-case letter"
        ]
    );
}

#[test]
fn an_invalid_store_is_reported_by_the_schema_checks() {
    let mut store = support::vlan();
    store.entities.values_mut().next().unwrap().keys = Some(vec!["nope".into()]);
    let found = problems(vec![store], "acme", false);
    assert_eq!(
        found,
        [
            "store `vlan`: acme::slices::vlan::Vlan: key `nope` is not a field of Vlan (own or inherited)"
        ]
    );
}

#[test]
fn interpolation_in_a_fixed_string() {
    let stores = single_store(
        vec![
            root(
                "m::Root",
                &[],
                vec![relation("items", "m::Item", Cardinality::Many)],
            ),
            embedded("m::A", &[], vec![value("k", ValueType::String)]).keys(&["k"]),
            support::union("m::Item", "kind", &[("{{x}}", "m::A")]),
        ],
        "m::Root",
    );
    assert_eq!(
        problems(stores, "m", false),
        [
            "m::A: field `kind`: the value \"{{x}}\" contains `{{`, which the inmanta DSL reads as string interpolation"
        ]
    );
}

#[test]
fn the_error_message_lists_every_problem() {
    let err = plan_module(&spec("Acme", vec![], false)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot generate module `Acme`:\n  - `Acme` cannot name an inmanta module: a DSL module name cannot start with an upper-case letter"
    );
}

#[test]
fn an_explicit_parent_relation_named_like_a_base_attribute() {
    let stores = single_store(
        vec![
            root(
                "m::Path",
                &[],
                vec![
                    value("name", ValueType::String),
                    relation("leaf", "m::Leaf", Cardinality::One),
                ],
            )
            .keys(&["name"]),
            embedded("m::Leaf", &[], vec![value("x", ValueType::String)]),
        ],
        "m::Path",
    );
    assert!(plan_module(&spec("m", stores.clone(), false)).is_ok());
    assert_eq!(
        problems(stores, "m", true),
        [
            "the parent relation `path` of m::Leaf is named like an attribute of the base entities; rename the owner type or do not use explicit parent relations"
        ]
    );
}
