//! `document::for_file`: the file form of normalised documents and merged
//! views (spec §2.4 "normalised write", §4.7-4.9 for the view shape).

#[path = "document_support/mod.rs"]
mod support;

use git_ops_runtime::document::DocumentSchema;
use serde_json::{Value, json};
use support::*;

fn text(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn a_merged_view_loses_markers_and_model_only_fields() {
    // A view of the fs store as the merge builds it (spec §4.7: `operation`,
    // `path`, then attributes, then relations; root markers where the
    // attribute order puts them; model-only `previous_content`).
    let view = json!({
        "operation": "update",
        "path": ".",
        "name": "www",
        "permissions": "770",
        "owner": null,
        "group": null,
        "type": "folder",
        "version": 3,
        "slice_store": "fs",
        "slice_name": "www",
        "root": "/srv",
        "content": [
            {
                "operation": "update",
                "path": "content[type=file][name=index\\.html]",
                "name": "index.html",
                "permissions": "640",
                "owner": "www-data",
                "group": null,
                "type": "file",
                "content": "<h1>hi</h1>",
                "previous_content": "<h1>hello</h1>",
            },
            {
                "operation": "create",
                "path": "content[type=folder][name=img]",
                "name": "img",
                "permissions": "770",
                "owner": null,
                "group": null,
                "type": "folder",
                "content": [],
            },
        ],
    });
    let expected = json!({
        "name": "www",
        "permissions": "770",
        "owner": null,
        "group": null,
        "type": "folder",
        "content": [
            {
                "name": "index.html",
                "permissions": "640",
                "owner": "www-data",
                "group": null,
                "type": "file",
                "content": "<h1>hi</h1>",
            },
            {
                "name": "img",
                "permissions": "770",
                "owner": null,
                "group": null,
                "type": "folder",
                "content": [],
            },
        ],
        "root": "/srv",
    });
    let schema = fs();
    let documents = DocumentSchema::new(&schema);
    assert_eq!(text(&documents.for_file(&view)), text(&expected));
    // ... which is a document `normalise` accepts unchanged.
    assert_eq!(
        text(&documents.normalise(&expected).unwrap()),
        text(&expected)
    );
}

#[test]
fn a_normalised_document_is_its_own_file_form() {
    let cases = [
        (
            vlan(),
            json!({"vid": 3, "ports": ["a"], "extra": {"path": 1}}),
        ),
        (
            tree(),
            json!({"label": "t", "trunk": {"label": "x", "children": [{"label": "y"}]}, "spare": {"label": "s"}}),
        ),
        (
            disk(),
            json!({"mount": "/", "name": "n", "items": [{"kind": "dir", "name": "d", "items": [{"kind": "doc", "name": "x"}]}]}),
        ),
        (
            recursive(),
            json!({"name": "a", "embedded_required": {"name": "b"}, "embedded_optional": {"name": "c"}}),
        ),
    ];
    for (schema, doc) in cases {
        let documents = DocumentSchema::new(&schema);
        let normalised = documents.normalise(&doc).unwrap();
        assert_eq!(
            text(&documents.for_file(&normalised)),
            text(&normalised),
            "{}",
            schema.store
        );
    }
}

#[test]
fn puts_fields_back_in_file_order_and_fills_nothing_in() {
    let documents = DocumentSchema::new(&tree());
    let view = json!({
        "branches": [{"children": [], "label": "b", "operation": "create"}],
        "trunk": {"weight": 1, "label": "x"},
        "label": "t",
        "unknown": 1,
    });
    assert_eq!(
        text(&documents.for_file(&view)),
        r#"{"label":"t","trunk":{"label":"x","weight":1},"branches":[{"label":"b","children":[]}]}"#
    );
}

#[test]
fn deleted_elements_are_not_interpreted() {
    // `for_file` drops markers without reading them: the caller filters
    // elements a view marks deleted before writing it back.
    let documents = DocumentSchema::new(&tree());
    let view = json!({
        "operation": "update", "path": ".", "label": "t",
        "trunk": {"operation": "create", "path": "trunk", "label": "x"},
        "branches": [{"operation": "delete", "path": "branches[label=old]", "label": "old"}],
    });
    assert_eq!(
        text(&documents.for_file(&view)),
        r#"{"label":"t","trunk":{"label":"x"},"branches":[{"label":"old"}]}"#
    );
}

#[test]
fn union_members_are_recognised_by_their_tag() {
    let documents = DocumentSchema::new(&disk());
    let view = json!({
        "operation": "create", "name": "v", "kind": "dir", "mount": "/",
        "items": [
            {"operation": "create", "kind": "doc", "name": "a", "text": "x", "items": "not a doc field"},
            {"operation": "create", "kind": "mystery", "name": "b"},
        ],
    });
    // An unknown tag cannot be mapped to a member: the item is kept as is.
    assert_eq!(
        text(&documents.for_file(&view)),
        r#"{"name":"v","kind":"dir","items":[{"name":"a","kind":"doc","text":"x"},{"operation":"create","kind":"mystery","name":"b"}],"mount":"/"}"#
    );
}

#[test]
fn free_function_matches_the_compiled_schema() {
    let view = json!({"operation": "create", "vid": 1, "label": null});
    assert_eq!(
        git_ops_runtime::document::for_file(&vlan(), &view),
        json!({"vid": 1, "label": null})
    );
}
