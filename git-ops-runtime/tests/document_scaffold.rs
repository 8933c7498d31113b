//! `document::scaffold` against the examples of spec §6.6 and §12 scenario
//! 38, and a filled-in scaffold accepted by `normalise` and the JSON Schema.

#[path = "document_support/mod.rs"]
mod support;

use git_ops_runtime::document::{self, DocumentSchema, PLACEHOLDER};
use git_ops_runtime::schema::{Cardinality, EntityId, StoreSchema, ValueType};
use serde_json::{Value, json};
use support::*;

const P: &str = PLACEHOLDER;

/// The scaffold as compact JSON text, so that key order counts.
fn scaffold_text(schema: &StoreSchema, entity: &str) -> String {
    let scaffold = document::scaffold(schema, &EntityId::from(entity));
    serde_json::to_string(&scaffold).unwrap()
}

fn text(value: Value) -> String {
    serde_json::to_string(&value).unwrap()
}

#[test]
fn placeholder_is_the_reference_one() {
    assert_eq!(P, "<REPLACE_THIS>");
}

#[test]
fn disk_volume() {
    // Spec §6.6, first example.
    assert_eq!(
        scaffold_text(&disk(), "acme::slices::disk::Volume"),
        text(json!({"name": P, "mode": "644", "kind": "dir", "items": [], "mount": P}))
    );
}

#[test]
fn tree_recurses_into_the_required_trunk() {
    // Spec §6.6, second example.
    assert_eq!(
        scaffold_text(&tree(), "acme::slices::tree::Tree"),
        text(json!({
            "label": P, "note": null, "owner": null,
            "trunk": {"label": P, "note": null, "weight": null, "children": []},
            "spare": null, "branches": [],
        }))
    );
}

#[test]
fn vlan() {
    // Spec §6.6, third example.
    assert_eq!(
        scaffold_text(&support::vlan(), "acme::slices::vlan::Vlan"),
        text(
            json!({"vid": P, "label": null, "mtu": 1500.0, "enabled": true, "ports": [], "extra": {}})
        )
    );
}

#[test]
fn fs_root_folder_and_file() {
    // Spec §12 scenario 38.
    assert_eq!(
        scaffold_text(&fs(), "example::slices::fs::RootFolder"),
        text(json!({
            "name": P, "permissions": "770", "owner": null, "group": null,
            "type": "folder", "content": [], "root": P,
        }))
    );
    // No `previous_content`: it is model-only.
    assert_eq!(
        scaffold_text(&fs(), "example::slices::fs::File"),
        text(json!({
            "name": P, "permissions": "770", "owner": null, "group": null,
            "type": "file", "content": "",
        }))
    );
}

#[test]
fn reference_test_suite_examples() {
    // Spec §12 scenario 38: the flat and the recursive slice.
    assert_eq!(
        scaffold_text(&flat(), "tests::slices::flat::FlatSlice"),
        text(json!({
            "name": P, "description": null, "unique_id": null, "some_number": 0.0,
            "some_flag": false, "some_list": [], "some_dict": {},
        }))
    );
    assert_eq!(
        scaffold_text(&recursive(), "tests::slices::recursive::Slice"),
        text(json!({
            "name": P, "description": null, "unique_id": null,
            "embedded_required": {"name": P, "description": null, "unique_id": null, "recursive_slice": []},
            "embedded_optional": null, "embedded_sequence": [],
        }))
    );
}

/// The cases of spec §6.6 "More rules": defaults holding objects, unions.
fn pod() -> StoreSchema {
    let m = "acme::slices::pod::";
    let container = format!("{m}Container");
    store(
        "pod",
        &format!("{m}Pod"),
        vec![
            embedded(
                &container,
                &[],
                vec![
                    value("image", ValueType::String),
                    value("cpus", ValueType::FLOAT).default(json!(1.0)),
                    optional("id", ValueType::INT).model_only(),
                ],
            )
            .keys(&["image"]),
            embedded(&format!("{m}A"), &[], vec![]),
            embedded(&format!("{m}B"), &[], vec![]),
            union(
                &format!("{m}Step"),
                "type",
                &[("a", &format!("{m}A")), ("b", &format!("{m}B"))],
            ),
            root(
                &format!("{m}Pod"),
                &[],
                vec![
                    value("name", ValueType::String),
                    // A required single object with a default: still scaffolded.
                    relation("main", &container, Cardinality::One)
                        .default(json!({"image": "busybox", "cpus": 2.0, "id": null})),
                    // A list default with objects: written without model-only fields.
                    relation("sidecars", &container, Cardinality::Many)
                        .default(json!([{"image": "alpine", "cpus": 1.0, "id": 7}])),
                    // A list default that does not validate: the placeholder.
                    relation("broken", &container, Cardinality::Many)
                        .default(json!([{"cpus": 1.0}])),
                    // A required union: the placeholder.
                    relation("first", &format!("{m}Step"), Cardinality::One),
                    // A union with a default: the default, tag included.
                    relation("last", &format!("{m}Step"), Cardinality::Optional)
                        .default(json!({"type": "b"})),
                ],
            )
            .keys(&["name"]),
        ],
    )
}

#[test]
fn defaults_holding_objects_and_unions() {
    assert_eq!(
        scaffold_text(&pod(), "acme::slices::pod::Pod"),
        text(json!({
            "name": P,
            "main": {"image": P, "cpus": 1.0},
            "sidecars": [{"image": "alpine", "cpus": 1.0}],
            "broken": P,
            "first": P,
            "last": {"type": "b"},
        }))
    );
    assert_eq!(
        scaffold_text(&pod(), "acme::slices::pod::Step"),
        text(json!(P))
    );
}

#[test]
fn a_required_object_containing_itself_stops_at_the_placeholder() {
    let m = "acme::slices::chain::";
    let schema = store(
        "chain",
        &format!("{m}Chain"),
        vec![
            embedded(
                &format!("{m}Link"),
                &[],
                vec![
                    value("name", ValueType::String),
                    relation("next", &format!("{m}Link"), Cardinality::One),
                ],
            ),
            root(
                &format!("{m}Chain"),
                &[],
                vec![relation("head", &format!("{m}Link"), Cardinality::One)],
            ),
        ],
    );
    assert_eq!(
        scaffold_text(&schema, "acme::slices::chain::Chain"),
        text(json!({"head": {"name": P, "next": P}}))
    );
}

/// Replaces every placeholder with the value for its key.
fn fill(value: &mut Value, values: &[(&str, Value)]) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if item == P {
                    let replacement = values
                        .iter()
                        .find(|(k, _)| k == key)
                        .unwrap_or_else(|| panic!("no value for placeholder `{key}`"));
                    *item = replacement.1.clone();
                } else {
                    fill(item, values);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| fill(item, values)),
        _ => {}
    }
}

#[test]
fn a_filled_in_scaffold_is_a_valid_document() {
    let cases: Vec<(StoreSchema, Vec<(&str, Value)>)> = vec![
        (support::vlan(), vec![("vid", json!(10))]),
        (tree(), vec![("label", json!("oak"))]),
        (
            disk(),
            vec![("name", json!("data")), ("mount", json!("/data"))],
        ),
        (fs(), vec![("name", json!("www")), ("root", json!("/srv"))]),
        (flat(), vec![("name", json!("f"))]),
        (recursive(), vec![("name", json!("r"))]),
        (
            pod(),
            vec![
                ("name", json!("p")),
                ("image", json!("nginx")),
                ("broken", json!([])),
                ("first", json!({"type": "a"})),
            ],
        ),
    ];
    for (schema, values) in cases {
        let documents = DocumentSchema::new(&schema);
        let mut doc = documents.scaffold(&schema.root);
        fill(&mut doc, &values);
        let normalised = documents
            .normalise(&doc)
            .unwrap_or_else(|e| panic!("{}: {e}", schema.store));
        // The scaffold already holds every field, in file order.
        assert_eq!(text(normalised), text(doc.clone()), "{}", schema.store);
        let validator = jsonschema::draft7::new(&document::json_schema(&schema)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", schema.store);
    }
}

#[test]
fn an_unfilled_scaffold_is_refused_where_types_differ() {
    // Placeholders are strings: fine for a string field, refused elsewhere.
    let errors = document::normalise(
        &support::vlan(),
        &document::scaffold(&support::vlan(), &support::vlan().root),
    )
    .unwrap_err();
    assert_eq!(
        errors.messages(),
        [r#"vid: expected an integer between 0 and 65535, found the string "<REPLACE_THIS>""#]
    );
}
