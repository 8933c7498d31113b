//! Scenarios whose outcome is a decision of ours (spec §12 scenarios 39, 56,
//! 57; `docs/store-semantics.md`), and view details not covered by the
//! example stores: integer keys, nullable lists, free-form values.

mod store_support;
#[path = "document_support/mod.rs"]
mod support;

use git_ops_runtime::schema::{Cardinality, EntityId, StoreSchema};
use git_ops_runtime::store::{ViewKind, WorkingTree};
use serde_json::{Value, json};
use store_support::store_project::{TestProject, operations, pairs};
use support::{FieldExt, embedded, relation, root, value};

#[test]
fn scenario_39_an_empty_project_lists_nothing() {
    let p = TestProject::new(support::fs());
    assert_eq!(p.store.list(&WorkingTree, ViewKind::Source).unwrap(), []);
    assert_eq!(p.store.list(&WorkingTree, ViewKind::Active).unwrap(), []);
    p.store.check(&WorkingTree, ViewKind::Source).unwrap();
}

#[test]
fn scenario_56_path_keys_in_free_form_values_are_kept() {
    let p = TestProject::new(support::vlan());
    p.source(
        "v.json",
        r#"{"vid": 10, "extra": {"path": "keep?", "x": {"path": 1}}}"#,
    );
    let view = p.view(ViewKind::Source, "v");
    assert_eq!(
        view.record.attributes["extra"],
        json!({"path": "keep?", "x": {"path": 1}})
    );
    // The object's own `path` is the view's.
    assert_eq!(view.record.attributes["path"], ".");
}

#[test]
fn scenario_57_a_keyless_list_item_type_is_a_schema_error() {
    let m = "t::";
    let error = StoreSchema::build(
        "s",
        "inmanta:///files/s/",
        EntityId::from("t::Root"),
        vec![
            embedded(
                &format!("{m}Item"),
                &[],
                vec![value("x", git_ops_runtime::schema::ValueType::String)],
            ),
            root(
                &format!("{m}Root"),
                &[],
                vec![relation("items", &format!("{m}Item"), Cardinality::Many).default(json!([]))],
            ),
        ],
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "t::Root: list field `items` holds t::Item, which has no keys; list items need an identity: mark a field with #[slice(key)]"
    );
}

#[test]
fn integer_keys_nullable_lists_and_free_values() {
    let p = TestProject::new(support::switch());
    p.active(
        "sw",
        1,
        json!({"hostname": "sw1", "ports": [{"number": 1}, {"number": 2, "speed": "1g"}],
               "annotations": {"a": [1, 2.0]}}),
    );
    p.active(
        "sw",
        2,
        json!({"hostname": "sw1", "ports": null, "annotations": {"a": [1.0, 2]}}),
    );
    let view = p.view(ViewKind::Active, "sw");
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "update"),
            ("ports[number=1]", "delete"),
            ("ports[number=2]", "delete"),
        ])
    );
    // A null list is an empty list in the view.
    p.active(
        "sw",
        3,
        json!({"hostname": "sw1", "ports": null, "annotations": {"a": [1, 2]}}),
    );
    let view = p.view(ViewKind::Active, "sw");
    assert_eq!(view.record.attributes["ports"].as_array().unwrap().len(), 2);
    // Free values compare by value: v2 and v3 differ only in 1 / 1.0, so a
    // source equal to v3 up to that is no new version.
    p.source(
        "sw.json",
        r#"{"hostname": "sw1", "annotations": {"a": [1.0, 2.0]}}"#,
    );
    let view = p.view(ViewKind::Source, "sw");
    assert_eq!(view.record.version, 3);
    assert_eq!(view.record.attributes["annotations"], json!({"a": [1, 2]}));
    let ports: Vec<&Value> = view.record.attributes["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|port| &port["operation"])
        .collect();
    assert_eq!(ports, [&json!("delete"), &json!("delete")]);
}

#[test]
fn an_unparsable_active_file_name_is_refused() {
    let p = TestProject::new(support::tree());
    p.write("git_ops/active/tree/a@x.json", "{}");
    let errors = p
        .store
        .list_files(&WorkingTree, ViewKind::Active)
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "git_ops/active/tree/a@x.json: slice file name \"a@x.json\" has an invalid version (expected the name, then `@v` and digits, then the extension)"
        ]
    );
}
