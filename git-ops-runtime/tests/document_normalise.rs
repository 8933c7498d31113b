//! `document::normalise`: defaults, order, coercions, unions, duplicates and
//! the errors with their paths. Expected values are written by hand from
//! spec §2.3, §2.4, §4.6, §5.2 and `docs/validation.md`.

#[path = "document_support/mod.rs"]
mod support;

use git_ops_runtime::document::{DocumentErrorKind, DocumentSchema, PathSegment};
use git_ops_runtime::schema::{Cardinality, StoreSchema, ValueType};
use serde_json::{Value, json};
use support::*;

/// The normalised document as compact JSON text, so that key order counts.
fn normalised(schema: &StoreSchema, doc: Value) -> String {
    let out = DocumentSchema::new(schema)
        .normalise(&doc)
        .unwrap_or_else(|errors| panic!("unexpected errors:\n{errors}"));
    serde_json::to_string(&out).unwrap()
}

/// The messages of a refused document.
fn refused(schema: &StoreSchema, doc: Value) -> Vec<String> {
    DocumentSchema::new(schema)
        .normalise(&doc)
        .expect_err("the document should be refused")
        .messages()
}

fn compact(value: Value) -> String {
    serde_json::to_string(&value).unwrap()
}

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_owned())
}

// --- defaults and order -----------------------------------------------------

#[test]
fn fills_defaults_in_file_order() {
    // Spec §2.4: `vid: 10` is written back with every field.
    assert_eq!(
        normalised(&vlan(), json!({"vid": 10})),
        r#"{"vid":10,"label":null,"mtu":1500.0,"enabled":true,"ports":[],"extra":{}}"#
    );
}

#[test]
fn writes_fields_in_schema_order_whatever_the_file_order() {
    let doc = json!({"extra": {"b": 1, "a": 2}, "ports": ["ge-0/0/1"], "vid": 7, "label": "x"});
    // Free dicts keep their own key order.
    assert_eq!(
        normalised(&vlan(), doc),
        r#"{"vid":7,"label":"x","mtu":1500.0,"enabled":true,"ports":["ge-0/0/1"],"extra":{"b":1,"a":2}}"#
    );
}

#[test]
fn fills_defaults_recursively() {
    // Spec §12 scenario 4: nested objects get every field too.
    assert_eq!(
        normalised(
            &recursive(),
            json!({"name": "a", "embedded_required": {"name": "aa"}})
        ),
        compact(json!({
            "name": "a", "description": null, "unique_id": null,
            "embedded_required": {"name": "aa", "description": null, "unique_id": null, "recursive_slice": []},
            "embedded_optional": null,
            "embedded_sequence": [],
        }))
    );
    assert_eq!(
        normalised(
            &recursive(),
            json!({
                "name": "a",
                "embedded_required": {"name": "aa", "recursive_slice": [{"name": "x"}]},
                "embedded_sequence": [{"name": "s", "unique_id": 3}],
            })
        ),
        compact(json!({
            "name": "a", "description": null, "unique_id": null,
            "embedded_required": {"name": "aa", "description": null, "unique_id": null, "recursive_slice": [
                {"name": "x", "description": null, "unique_id": null, "recursive_slice": []}
            ]},
            "embedded_optional": null,
            "embedded_sequence": [{"name": "s", "description": null, "unique_id": 3, "recursive_slice": []}],
        }))
    );
}

#[test]
fn normalising_twice_changes_nothing() {
    let schema = fs();
    let documents = DocumentSchema::new(&schema);
    let once = documents
        .normalise(&json!({
            "root": "/srv", "name": "www",
            "content": [{"type": "file", "name": "index.html"}, {"type": "folder", "name": "img"}],
        }))
        .unwrap();
    let twice = documents.normalise(&once).unwrap();
    assert_eq!(compact(once), compact(twice));
}

// --- coercions --------------------------------------------------------------

#[test]
fn converts_lossless_values() {
    assert_eq!(
        normalised(
            &vlan(),
            json!({"vid": "10", "mtu": 9000, "enabled": "no", "ports": []})
        ),
        r#"{"vid":10,"label":null,"mtu":9000.0,"enabled":false,"ports":[],"extra":{}}"#
    );
    assert_eq!(
        normalised(&vlan(), json!({"vid": 10.0, "mtu": "1500.5", "enabled": 1})),
        r#"{"vid":10,"label":null,"mtu":1500.5,"enabled":true,"ports":[],"extra":{}}"#
    );
    // YAML 1.2 reads `on` as a string; the bool field still gets `true`.
    assert_eq!(
        normalised(&vlan(), json!({"vid": 1, "enabled": "on"})),
        r#"{"vid":1,"label":null,"mtu":1500.0,"enabled":true,"ports":[],"extra":{}}"#
    );
}

#[test]
fn never_converts_into_a_string() {
    assert_eq!(
        refused(
            &vlan(),
            json!({"vid": 1, "label": 3, "ports": ["a", 1, true]})
        ),
        [
            "label: expected a string or null, found the integer 3",
            "ports[1]: expected a string, found the integer 1",
            "ports[2]: expected a string, found the boolean true",
        ]
    );
}

// --- errors -----------------------------------------------------------------

#[test]
fn wrong_types_name_what_was_expected_and_found() {
    assert_eq!(
        refused(
            &vlan(),
            json!({"vid": "abc", "mtu": true, "enabled": "maybe", "ports": "a", "extra": []})
        ),
        [
            r#"vid: expected an integer between 0 and 65535, found the string "abc""#,
            "mtu: expected a number, found the boolean true",
            r#"enabled: expected a boolean, found the string "maybe""#,
            r#"ports: expected a list, found the string "a""#,
            "extra: expected a mapping, found a list",
        ]
    );
}

#[test]
fn out_of_range() {
    let errors = DocumentSchema::new(&vlan())
        .normalise(&json!({"vid": 70000}))
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        ["vid: expected an integer between 0 and 65535, found the integer 70000"]
    );
    assert!(matches!(
        errors.errors[0].kind,
        DocumentErrorKind::OutOfRange { .. }
    ));
}

#[test]
fn missing_required_fields() {
    let errors = DocumentSchema::new(&tree())
        .normalise(&json!({"trunk": {}}))
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "label: missing required field (expected a string)",
            "trunk.label: missing required field (expected a string)",
        ]
    );
    // The raw path ends with the missing key.
    assert_eq!(errors.errors[1].raw_path, [key("trunk"), key("label")]);
    assert_eq!(
        refused(&tree(), json!({"label": "t"})),
        ["trunk: missing required field (expected a `Branch` object)"]
    );
}

#[test]
fn unknown_fields_get_a_suggestion() {
    let errors = DocumentSchema::new(&fs())
        .normalise(&json!({
            "root": "/", "name": "r",
            "content": [{"type": "folder", "name": "etc", "permisions": "700"}],
        }))
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        ["content[type=folder][name=etc].permisions: unknown field; did you mean `permissions`?"]
    );
    assert_eq!(
        errors.errors[0].raw_path,
        [key("content"), PathSegment::Index(0), key("permisions")]
    );
    assert_eq!(
        errors.errors[0].kind,
        DocumentErrorKind::UnknownField {
            suggestion: Some("permissions".to_owned()),
            accepted: ["name", "permissions", "owner", "group", "type", "content"]
                .map(String::from)
                .to_vec(),
        }
    );
}

#[test]
fn unknown_fields_without_a_close_name_list_the_fields() {
    assert_eq!(
        refused(&vlan(), json!({"vid": 1, "zzz": 0})),
        ["zzz: unknown field; expected one of `vid`, `label`, `mtu`, `enabled`, `ports`, `extra`"]
    );
}

#[test]
fn model_only_fields_are_refused_in_files() {
    // Spec §13 gap 18: model-only values are computed, never read.
    let errors = DocumentSchema::new(&fs())
        .normalise(&json!({
            "root": "/", "name": "r",
            "content": [{"type": "file", "name": "a", "previous_content": "x"}],
        }))
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "content[type=file][name=a].previous_content: model-only field: its value is computed by the model and cannot be set in a slice file"
        ]
    );
    assert_eq!(errors.errors[0].kind, DocumentErrorKind::ModelOnlyField);
}

#[test]
fn the_view_markers_are_not_fields() {
    // `operation`, `version`, ... belong to views; a file holding them is wrong.
    assert_eq!(
        refused(&vlan(), json!({"vid": 1, "version": 5})),
        [
            "version: unknown field; expected one of `vid`, `label`, `mtu`, `enabled`, `ports`, `extra`"
        ]
    );
}

#[test]
fn the_document_must_be_a_mapping() {
    let errors = DocumentSchema::new(&vlan())
        .normalise(&json!([1]))
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [".: expected a `Vlan` object, found a list"]
    );
    assert!(errors.errors[0].raw_path.is_empty());
}

#[test]
fn reports_every_error_several_levels_deep() {
    let doc = json!({
        "label": "t",
        "colour": "green",
        "trunk": {
            "label": "trunk",
            "weight": "heavy",
            "children": [
                {"label": "a", "children": [{"note": 1}]},
                {"label": "b", "children": [{"label": "c", "weight": 1.5}]},
            ],
        },
        "spare": "none",
        "branches": [{"label": 3}],
    });
    let errors = DocumentSchema::new(&tree()).normalise(&doc).unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            r#"trunk.weight: expected an integer or null, found the string "heavy""#,
            "trunk.children[label=a].children[0].label: missing required field (expected a string)",
            "trunk.children[label=a].children[0].note: expected a string or null, found the integer 1",
            "trunk.children[label=b].children[label=c].weight: expected an integer or null, found the number 1.5",
            r#"spare: expected a `Branch` object, found the string "none""#,
            "branches[0].label: expected a string, found the integer 3",
            "colour: unknown field; expected one of `label`, `note`, `owner`, `trunk`, `spare`, `branches`",
        ]
    );
    assert_eq!(
        errors.errors[2].raw_path,
        [
            key("trunk"),
            key("children"),
            PathSegment::Index(0),
            key("children"),
            PathSegment::Index(0),
            key("note"),
        ]
    );
}

// --- relations --------------------------------------------------------------

#[test]
fn single_relations() {
    assert_eq!(
        refused(&tree(), json!({"label": "t", "trunk": null})),
        ["trunk: expected a `Branch` object, found null"]
    );
    assert_eq!(
        normalised(
            &tree(),
            json!({"label": "t", "trunk": {"label": "x"}, "spare": null})
        ),
        compact(json!({
            "label": "t", "note": null, "owner": null,
            "trunk": {"label": "x", "note": null, "weight": null, "children": []},
            "spare": null, "branches": [],
        }))
    );
}

#[test]
fn list_relations_need_lists_of_mappings() {
    assert_eq!(
        refused(
            &tree(),
            json!({"label": "t", "trunk": {"label": "x", "children": {}}, "branches": null})
        ),
        [
            "trunk.children: expected a list of `Branch` objects, found a mapping",
            "branches: expected a list of `Branch` objects, found null",
        ]
    );
    assert_eq!(
        refused(
            &tree(),
            json!({"label": "t", "trunk": {"label": "x"}, "branches": ["b"]})
        ),
        [r#"branches[0]: expected a `Branch` object, found the string "b""#]
    );
}

#[test]
fn nullable_list_relations_accept_null() {
    assert_eq!(
        normalised(&switch(), json!({"hostname": "sw1", "ports": null})),
        r#"{"hostname":"sw1","ports":null,"limits":{},"speeds":[],"annotations":null}"#
    );
    assert_eq!(
        normalised(
            &switch(),
            json!({"hostname": "sw1", "ports": [{"number": "1"}]})
        ),
        r#"{"hostname":"sw1","ports":[{"number":1,"speed":"10g","fallback":null}],"limits":{},"speeds":[],"annotations":null}"#
    );
}

#[test]
fn enums_accept_their_values_only() {
    assert_eq!(
        refused(
            &switch(),
            json!({
                "hostname": "sw1",
                "ports": [{"number": 1, "speed": "40g", "fallback": 10}],
                "speeds": ["1g", "2g"],
            })
        ),
        [
            r#"ports[number=1].speed: expected one of `1g`, `10g`, `100g`, found the string "40g""#,
            "ports[number=1].fallback: expected one of `1g`, `10g`, `100g`, found the integer 10",
            r#"speeds[1]: expected one of `1g`, `10g`, `100g`, found the string "2g""#,
        ]
    );
}

#[test]
fn typed_maps_are_checked_value_by_value() {
    assert_eq!(
        normalised(
            &switch(),
            json!({"hostname": "s", "limits": {"a": "1", "b": 2.0}})
        ),
        r#"{"hostname":"s","ports":null,"limits":{"a":1,"b":2},"speeds":[],"annotations":null}"#
    );
    assert_eq!(
        refused(
            &switch(),
            json!({"hostname": "s", "limits": {"a": 1, "b.c": "x"}})
        ),
        [r#"limits.b\.c: expected an integer, found the string "x""#]
    );
}

#[test]
fn any_and_free_dicts_keep_everything_including_path_keys() {
    // Spec §12 scenario 56 / §13 gap 2: the original strips every `path` key.
    assert_eq!(
        normalised(
            &vlan(),
            json!({"vid": 1, "extra": {"path": "keep?", "x": {"path": 1}}})
        ),
        r#"{"vid":1,"label":null,"mtu":1500.0,"enabled":true,"ports":[],"extra":{"path":"keep?","x":{"path":1}}}"#
    );
    assert_eq!(
        normalised(
            &switch(),
            json!({"hostname": "s", "annotations": [{"path": "."}, 1, "x"]})
        ),
        r#"{"hostname":"s","ports":null,"limits":{},"speeds":[],"annotations":[{"path":"."},1,"x"]}"#
    );
}

// --- unions -----------------------------------------------------------------

#[test]
fn union_members_are_chosen_by_their_tag() {
    assert_eq!(
        normalised(
            &disk(),
            json!({
                "mount": "/data", "name": "data",
                "items": [
                    {"kind": "doc", "name": "readme", "text": "hi"},
                    {"name": "etc", "kind": "dir", "items": [{"kind": "doc", "name": "x.txt"}]},
                ],
            })
        ),
        compact(json!({
            "name": "data", "mode": "644", "kind": "dir",
            "items": [
                {"name": "readme", "mode": "644", "kind": "doc", "text": "hi"},
                {"name": "etc", "mode": "644", "kind": "dir", "items": [
                    {"name": "x.txt", "mode": "644", "kind": "doc", "text": ""}
                ]},
            ],
            "mount": "/data",
        }))
    );
}

#[test]
fn union_items_need_a_known_tag() {
    let errors = DocumentSchema::new(&disk())
        .normalise(&json!({
            "mount": "/data", "name": "data",
            "items": [{"name": "a"}, {"kind": "link", "name": "b"}, {"kind": 1, "name": "c"}, "d"],
        }))
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "items[0]: missing the tag `kind`, which tells the kind of object: expected one of `dir`, `doc`",
            r#"items[1].kind: expected one of `dir`, `doc`, found the string "link""#,
            "items[2].kind: expected one of `dir`, `doc`, found the integer 1",
            r#"items[3]: expected a `DirItem` object, found the string "d""#,
        ]
    );
    assert_eq!(
        errors.errors[0].kind,
        DocumentErrorKind::MissingTag {
            tag: "kind".into(),
            accepted: vec!["dir".into(), "doc".into()]
        }
    );
    assert_eq!(
        errors.errors[1].raw_path,
        [key("items"), PathSegment::Index(1), key("kind")]
    );
}

#[test]
fn a_member_used_directly_keeps_its_tag_fixed() {
    // `Volume` extends the member `Dir`: its `kind` is `dir` and nothing else.
    assert_eq!(
        refused(&disk(), json!({"mount": "/", "name": "n", "kind": "doc"})),
        [r#"kind: expected `dir`, found the string "doc""#]
    );
    assert_eq!(
        normalised(&disk(), json!({"mount": "/", "name": "n", "kind": "dir"})),
        r#"{"name":"n","mode":"644","kind":"dir","items":[],"mount":"/"}"#
    );
}

// --- identities and duplicates -------------------------------------------------

#[test]
fn duplicate_keys_are_refused_naming_both_items() {
    // Spec §12 scenario 55 / §13 gap 1: the original keeps one silently.
    let errors = DocumentSchema::new(&tree())
        .normalise(&json!({
            "label": "t", "trunk": {"label": "x"},
            "branches": [{"label": "a"}, {"label": "b"}, {"label": "a", "weight": 2}],
        }))
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "branches[label=a]: duplicate item: `branches[0]` and `branches[2]` have the same identity (label=a)"
        ]
    );
    assert_eq!(
        errors.errors[0].raw_path,
        [key("branches"), PathSegment::Index(2)]
    );
}

#[test]
fn union_identity_starts_with_the_tag() {
    // A file and a folder may share a name; two files may not.
    assert!(
        DocumentSchema::new(&fs())
            .normalise(&json!({"root": "/", "name": "r", "content": [
                {"type": "file", "name": "x"}, {"type": "folder", "name": "x"},
            ]}))
            .is_ok()
    );
    assert_eq!(
        refused(
            &fs(),
            json!({"root": "/", "name": "r", "content": [
                {"type": "folder", "name": "etc", "content": [
                    {"type": "file", "name": "a.txt"}, {"type": "file", "name": "a.txt"},
                ]},
            ]})
        ),
        [
            r"content[type=folder][name=etc].content[type=file][name=a\.txt]: duplicate item: `content[0].content[0]` and `content[0].content[1]` have the same identity (type=file, name=a.txt)"
        ]
    );
}

#[test]
fn keyless_union_members_collide_on_their_tag() {
    // Spec §13 gap 3: members without keys have the tag as whole identity.
    let m = "acme::slices::pipeline::";
    let schema = store(
        "pipeline",
        &format!("{m}Pipeline"),
        vec![
            embedded(
                &format!("{m}Build"),
                &[],
                vec![value("image", ValueType::String)],
            ),
            embedded(&format!("{m}Test"), &[], vec![]),
            union(
                &format!("{m}Step"),
                "step",
                &[
                    ("build", &format!("{m}Build")),
                    ("test", &format!("{m}Test")),
                ],
            ),
            root(
                &format!("{m}Pipeline"),
                &[],
                vec![
                    value("name", ValueType::String),
                    relation("steps", &format!("{m}Step"), Cardinality::Many),
                ],
            )
            .keys(&["name"]),
        ],
    );
    assert_eq!(
        refused(
            &schema,
            json!({"name": "p", "steps": [
                {"step": "build", "image": "a"}, {"step": "test"}, {"step": "build", "image": "b"},
            ]})
        ),
        [
            "steps[step=build]: duplicate item: `steps[0]` and `steps[2]` have the same identity (step=build)"
        ]
    );
}

#[test]
fn identities_compare_converted_key_values() {
    assert_eq!(
        refused(
            &switch(),
            json!({"hostname": "s", "ports": [{"number": 1}, {"number": "1"}]})
        ),
        [
            "ports[number=1]: duplicate item: `ports[0]` and `ports[1]` have the same identity (number=1)"
        ]
    );
}

#[test]
fn duplicates_in_long_lists() {
    let mut branches: Vec<Value> = (0..40).map(|i| json!({"label": format!("b{i}")})).collect();
    branches.push(json!({"label": "b17"}));
    branches.push(json!({"label": "b3"}));
    assert_eq!(
        refused(
            &tree(),
            json!({"label": "t", "trunk": {"label": "x"}, "branches": branches})
        ),
        [
            "branches[label=b17]: duplicate item: `branches[17]` and `branches[40]` have the same identity (label=b17)",
            "branches[label=b3]: duplicate item: `branches[3]` and `branches[41]` have the same identity (label=b3)",
        ]
    );
}

#[test]
fn items_without_their_keys_are_named_by_position() {
    assert_eq!(
        refused(
            &tree(),
            json!({"label": "t", "trunk": {"label": "x"}, "branches": [{"label": "a"}, {"note": "n"}]})
        ),
        ["branches[1].label: missing required field (expected a string)"]
    );
}

#[test]
fn identity_values_are_escaped_and_written_like_python() {
    let m = "acme::slices::grid::";
    let schema = store(
        "grid",
        &format!("{m}Grid"),
        vec![
            embedded(
                &format!("{m}Cell"),
                &[],
                vec![
                    optional("k", ValueType::String),
                    value("n", ValueType::FLOAT),
                    value("v", ValueType::INT),
                ],
            )
            .keys(&["k", "n"]),
            root(
                &format!("{m}Grid"),
                &[],
                vec![
                    value("name", ValueType::String),
                    relation("cells", &format!("{m}Cell"), Cardinality::Many),
                ],
            )
            .keys(&["name"]),
        ],
    );
    assert_eq!(
        refused(
            &schema,
            json!({"name": "g", "cells": [
                {"k": "p[q]=*", "n": 1, "v": "x"},
                {"k": null, "n": "1.5", "v": "y"},
            ]})
        ),
        [
            r#"cells[k=p\[q\]\=\*][n=1\.0].v: expected an integer, found the string "x""#,
            r#"cells[k=\0][n=1\.5].v: expected an integer, found the string "y""#,
        ]
    );
}

#[test]
fn free_function_matches_the_compiled_schema() {
    let doc = json!({"vid": "12"});
    assert_eq!(
        git_ops_runtime::document::normalise(&vlan(), &doc).unwrap(),
        DocumentSchema::new(&vlan()).normalise(&doc).unwrap()
    );
}

// --- placeholders (issue 9, case 11) -----------------------------------------

/// The messages `normalise_source` gives, with the raw path of each.
fn source_refused(schema: &StoreSchema, doc: Value) -> Vec<(String, Vec<PathSegment>)> {
    DocumentSchema::new(schema)
        .normalise_source(&doc)
        .expect_err("the document should be refused")
        .errors
        .into_iter()
        .map(|e| (e.to_string(), e.raw_path))
        .collect()
}

const P: &str = "<REPLACE_THIS>";

fn unfilled(path: &str, expected: &str) -> String {
    format!(
        "{path}: unfilled placeholder \"<REPLACE_THIS>\" (from `slice create`): fill in the placeholder with {expected}"
    )
}

#[test]
fn a_placeholder_in_a_string_field_is_refused_in_sources_only() {
    let doc = json!({"vid": 10, "label": P});
    assert_eq!(
        source_refused(&vlan(), doc.clone()),
        [(unfilled("label", "a string or null"), vec![key("label")])]
    );
    // Read as any document (an active file), it is a string like another.
    assert!(normalised(&vlan(), doc).contains(P));
    // Only the exact placeholder.
    for other in ["<REPLACE_THIS> ", "REPLACE_THIS", "<replace_this>"] {
        assert!(
            DocumentSchema::new(&vlan())
                .normalise_source(&json!({"vid": 10, "label": other}))
                .is_ok(),
            "{other}"
        );
    }
}

#[test]
fn a_placeholder_is_refused_at_any_depth_with_a_fill_in_message() {
    // Where it is a type error too, the message says to fill it in.
    assert_eq!(
        source_refused(
            &vlan(),
            json!({"vid": P, "mtu": P, "enabled": P, "ports": P})
        ),
        [
            (
                unfilled("vid", "an integer between 0 and 65535"),
                vec![key("vid")]
            ),
            (unfilled("mtu", "a number"), vec![key("mtu")]),
            (unfilled("enabled", "a boolean"), vec![key("enabled")]),
            (unfilled("ports", "a list"), vec![key("ports")]),
        ]
    );
    // Items of a list of values; values of a free mapping, at any depth.
    assert_eq!(
        source_refused(
            &vlan(),
            json!({"vid": 1, "ports": ["a", P], "extra": {"x": [1, {"y": P}]}})
        ),
        [
            (
                unfilled("ports[1]", "a string"),
                vec![key("ports"), PathSegment::Index(1)]
            ),
            (
                unfilled("extra.x[1].y", "a value"),
                vec![key("extra"), key("x"), PathSegment::Index(1), key("y")]
            ),
        ]
    );
    // Nested objects, list items (by identity), a whole object.
    assert_eq!(
        source_refused(
            &tree(),
            json!({"label": "t", "trunk": {"label": P, "weight": P,
                   "children": [{"label": "c", "note": P}, P]}, "spare": P})
        )
        .into_iter()
        .map(|(message, _)| message)
        .collect::<Vec<_>>(),
        [
            unfilled("trunk.label", "a string"),
            unfilled("trunk.weight", "an integer or null"),
            unfilled("trunk.children[label=c].note", "a string or null"),
            unfilled("trunk.children[1]", "a `Branch` object"),
            unfilled("spare", "a `Branch` object or null"),
        ]
    );
    // Union members: the tag, a member's field, a whole item; enums and
    // typed maps.
    assert_eq!(
        source_refused(
            &disk(),
            json!({"name": "v", "mount": P, "items": [
                {"kind": P, "name": "a"},
                {"kind": "doc", "name": "b", "text": P},
                P]})
        )
        .into_iter()
        .map(|(message, _)| message)
        .collect::<Vec<_>>(),
        [
            unfilled("items[0].kind", "one of `dir`, `doc`"),
            unfilled("items[kind=doc][name=b].text", "a string"),
            unfilled("items[2]", "a `DirItem` object"),
            unfilled("mount", "a string"),
        ]
    );
    assert_eq!(
        source_refused(
            &switch(),
            json!({"hostname": "s", "ports": [{"number": 1, "speed": P}],
                   "limits": {"a": P}, "annotations": P})
        )
        .into_iter()
        .map(|(message, _)| message)
        .collect::<Vec<_>>(),
        [
            unfilled("ports[number=1].speed", "one of `1g`, `10g`, `100g`"),
            unfilled("limits.a", "an integer"),
            unfilled("annotations", "any value"),
        ]
    );
}

#[test]
fn an_unfilled_scaffold_is_refused_exactly_at_its_placeholders() {
    for schema in all_stores() {
        let documents = DocumentSchema::new(&schema);
        let scaffold = documents.scaffold(&schema.root);
        let text = serde_json::to_string(&scaffold).unwrap();
        let errors = documents.normalise_source(&scaffold).unwrap_err();
        assert_eq!(
            errors.errors.len(),
            text.matches(P).count(),
            "{}: {errors}",
            schema.store
        );
        assert!(
            errors
                .errors
                .iter()
                .all(|e| matches!(e.kind, DocumentErrorKind::Placeholder { .. })),
            "{}: {errors}",
            schema.store
        );
    }
}
