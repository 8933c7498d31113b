//! Read-side scenarios of spec §12 on the `recursive` example store (the
//! schema the scenarios are written for): versions, operations, paths,
//! order, deletions, and the decisions taken on the reference's gaps
//! (`docs/store-semantics.md`). Expected values are the spec's, by hand.

#[path = "../../common/store_project.rs"]
mod store_project;

use git_ops_runtime::Slice;
use git_ops_runtime::dictpath::DictPath;
use git_ops_runtime::store::{Depth, StoreErrorKind, ViewKind, WorkingTree};
use recursive::RecursiveSlice;
use serde_json::{Value, json};
use store_project::{TestProject, op, operations, pairs};

fn project() -> TestProject {
    TestProject::new(RecursiveSlice::store_schema())
}

/// `E(n)` of the spec: an embedded object with defaults.
fn e(name: &str) -> Value {
    json!({"name": name, "description": null, "unique_id": null, "recursive_slice": []})
}

fn e_desc(name: &str, description: &str) -> Value {
    json!({"name": name, "description": description, "unique_id": null, "recursive_slice": []})
}

fn e_children(name: &str, children: Vec<Value>) -> Value {
    json!({"name": name, "description": null, "unique_id": null, "recursive_slice": children})
}

/// A root document as git-ops writes it.
fn root(name: &str, required: Value, optional: Value, sequence: Vec<Value>) -> Value {
    json!({
        "name": name,
        "description": null,
        "unique_id": null,
        "embedded_required": required,
        "embedded_optional": optional,
        "embedded_sequence": sequence,
    })
}

fn names_in_sequence(view: &Value) -> Vec<(String, String)> {
    view["embedded_sequence"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| {
            (
                item["name"].as_str().unwrap().to_owned(),
                item["operation"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn scenario_05_export_before_sync_sees_nothing() {
    let p = project();
    p.source("s1.yaml", "name: a\nembedded_required:\n  name: aa\n");
    assert!(p.names(ViewKind::Active).is_empty());
    // The source view (update) sees it as version 1, all `create`.
    let view = p.view(ViewKind::Source, "s1");
    assert_eq!(view.record.version, 1);
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[(".", "create"), ("embedded_required", "create")])
    );
    assert_eq!(view.record.attributes["embedded_optional"], Value::Null);
    assert_eq!(view.record.attributes["embedded_sequence"], json!([]));
    assert_eq!(view.previous, None);
}

#[test]
fn scenario_11_slices_are_sorted_by_name() {
    let p = project();
    p.active("b", 1, root("b", e("r"), Value::Null, vec![]));
    p.active("a", 1, root("a", e("r"), Value::Null, vec![]));
    p.active("B", 1, root("B", e("r"), Value::Null, vec![]));
    assert_eq!(p.names(ViewKind::Active), ["B", "a", "b"]);
    let streamed: Vec<String> = p
        .views(ViewKind::Active)
        .into_iter()
        .map(|v| v.record.name)
        .collect();
    assert_eq!(streamed, ["B", "a", "b"]);
}

#[test]
fn scenario_12_13_list_order_and_deleted_items_last() {
    let p = project();
    p.active(
        "a",
        1,
        root("a", e("r"), Value::Null, vec![e("a"), e("c"), e("b")]),
    );
    let view = p.view(ViewKind::Active, "a");
    assert_eq!(
        names_in_sequence(&view.record.attributes),
        pairs(&[("a", "create"), ("c", "create"), ("b", "create")])
    );

    p.active("a", 2, root("a", e("r"), Value::Null, vec![e("c"), e("b")]));
    let view = p.view(ViewKind::Active, "a");
    assert_eq!(
        names_in_sequence(&view.record.attributes),
        pairs(&[("c", "create"), ("b", "create"), ("a", "delete")])
    );
}

fn scenario_14_v1() -> Value {
    root(
        "a",
        e("req"),
        Value::Null,
        vec![e_desc("x", "1"), e_desc("y", "1")],
    )
}

fn scenario_14_v2() -> Value {
    root(
        "a",
        e("req"),
        e("opt"),
        vec![e_desc("x", "2"), e_desc("y", "1")],
    )
}

#[test]
fn scenario_14_update_only_on_change() {
    let p = project();
    p.active("a", 1, scenario_14_v1());
    p.active("a", 2, scenario_14_v2());
    let view = p.view(ViewKind::Active, "a");
    assert_eq!(view.record.version, 2);
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "update"),
            ("embedded_required", "create"),
            ("embedded_optional", "create"),
            ("embedded_sequence[name=x]", "update"),
            ("embedded_sequence[name=y]", "create"),
        ])
    );
}

#[test]
fn scenario_15_update_is_carried_until_prune() {
    let p = project();
    p.active("a", 1, scenario_14_v1());
    p.active("a", 2, scenario_14_v2());
    p.active(
        "a",
        3,
        root("a", e("req"), e("opt"), vec![e_desc("x", "2")]),
    );
    let view = p.view(ViewKind::Active, "a");
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "update"),
            ("embedded_required", "create"),
            ("embedded_optional", "create"),
            ("embedded_sequence[name=x]", "update"),
            ("embedded_sequence[name=y]", "delete"),
        ])
    );
    // The deleted item keeps its last values.
    let y = view
        .attribute(&DictPath::parse("embedded_sequence[name=y]").unwrap())
        .unwrap();
    assert_eq!(y["description"], "1");
}

#[test]
fn scenario_16_a_deep_change_updates_every_ancestor() {
    let p = project();
    p.active(
        "a",
        1,
        root(
            "a",
            e_children("req", vec![e_desc("leaf", "1")]),
            Value::Null,
            vec![e("sibling")],
        ),
    );
    p.active(
        "a",
        2,
        root(
            "a",
            e_children("req", vec![e_desc("leaf", "2")]),
            Value::Null,
            vec![e("sibling")],
        ),
    );
    let view = p.view(ViewKind::Active, "a");
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "update"),
            ("embedded_required", "update"),
            ("embedded_required.recursive_slice[name=leaf]", "update"),
            ("embedded_sequence[name=sibling]", "create"),
        ])
    );
}

#[test]
fn scenario_17_a_carried_deletion_keeps_the_parent_updated() {
    let p = project();
    let with = |description: Value, children: Vec<Value>| {
        let mut doc = root("a", e_children("req", children), Value::Null, vec![]);
        doc["description"] = description;
        doc
    };
    p.active("a", 1, with(Value::Null, vec![e("keep"), e("drop")]));
    p.active("a", 2, with(Value::Null, vec![e("keep")]));
    let expected = pairs(&[
        (".", "update"),
        ("embedded_required", "update"),
        ("embedded_required.recursive_slice[name=keep]", "create"),
        ("embedded_required.recursive_slice[name=drop]", "delete"),
    ]);
    assert_eq!(
        operations(&p.view(ViewKind::Active, "a").record.attributes),
        expected
    );
    p.active("a", 3, with(json!("changed"), vec![e("keep")]));
    assert_eq!(
        operations(&p.view(ViewKind::Active, "a").record.attributes),
        expected
    );
}

#[test]
fn scenario_18_nested_paths_on_creation() {
    let p = project();
    p.active(
        "s",
        1,
        root(
            "a",
            e_children("req", vec![e("a")]),
            e_children("opt", vec![e("a")]),
            vec![e_children("a", vec![e("a")])],
        ),
    );
    let view = p.view(ViewKind::Active, "s");
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "create"),
            ("embedded_required", "create"),
            ("embedded_required.recursive_slice[name=a]", "create"),
            ("embedded_optional", "create"),
            ("embedded_optional.recursive_slice[name=a]", "create"),
            ("embedded_sequence[name=a]", "create"),
            (
                "embedded_sequence[name=a].recursive_slice[name=a]",
                "create"
            ),
        ])
    );
    let attributes = &view.record.attributes;
    assert_eq!(attributes["version"], 1);
    assert_eq!(attributes["slice_store"], "recursive");
    assert_eq!(attributes["slice_name"], "s");
    // Key order of the root (spec §4.7, §8.2).
    let keys: Vec<&str> = attributes
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "operation",
            "path",
            "version",
            "slice_store",
            "slice_name",
            "name",
            "description",
            "unique_id",
            "embedded_required",
            "embedded_optional",
            "embedded_sequence"
        ]
    );
    let item = &attributes["embedded_sequence"][0];
    let keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "operation",
            "path",
            "name",
            "description",
            "unique_id",
            "recursive_slice"
        ]
    );
}

#[test]
fn scenario_19_optional_and_list_emptied() {
    let p = project();
    p.active(
        "s",
        1,
        root(
            "a",
            e_children("req", vec![e("a")]),
            e_children("opt", vec![e("a")]),
            vec![e_children("a", vec![e("a")])],
        ),
    );
    p.active(
        "s",
        2,
        root("a", e_children("req", vec![e("a")]), Value::Null, vec![]),
    );
    let view = p.view(ViewKind::Active, "s");
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "update"),
            ("embedded_required", "create"),
            ("embedded_required.recursive_slice[name=a]", "create"),
            ("embedded_optional", "delete"),
            ("embedded_optional.recursive_slice[name=a]", "delete"),
            ("embedded_sequence[name=a]", "delete"),
            (
                "embedded_sequence[name=a].recursive_slice[name=a]",
                "delete"
            ),
        ])
    );
}

#[test]
fn scenario_20_tombstone_over_history() {
    let p = project();
    p.active(
        "s",
        1,
        root(
            "a",
            e_children("req", vec![e_desc("c", "kept")]),
            Value::Null,
            vec![e("x")],
        ),
    );
    p.active("s", 2, Value::Null);
    let view = p.view(ViewKind::Active, "s");
    assert_eq!(view.record.version, 2);
    assert!(view.record.deleted);
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "delete"),
            ("embedded_required", "delete"),
            ("embedded_required.recursive_slice[name=c]", "delete"),
            ("embedded_sequence[name=x]", "delete"),
        ])
    );
    assert_eq!(view.record.attributes["version"], 2);
    assert_eq!(view.record.attributes["name"], "a");
    assert_eq!(
        view.record.attributes["embedded_required"]["recursive_slice"][0]["description"],
        "kept"
    );
}

#[test]
fn scenario_21_re_added_element() {
    let p = project();
    let doc = |description: Value, names: &[&str]| {
        let mut doc = root(
            "a",
            e("r"),
            Value::Null,
            names.iter().map(|n| e(n)).collect(),
        );
        doc["description"] = description;
        doc
    };
    let x = "embedded_sequence[name=x]";
    p.active("a", 1, doc(Value::Null, &["x", "y"]));
    p.active("a", 2, doc(Value::Null, &["y"]));
    assert_eq!(op(&p.view(ViewKind::Active, "a"), x), "delete");
    p.active("a", 3, doc(Value::Null, &["y", "x"]));
    assert_eq!(op(&p.view(ViewKind::Active, "a"), x), "update");
    p.active("a", 4, doc(json!("root change"), &["y", "x"]));
    assert_eq!(op(&p.view(ViewKind::Active, "a"), x), "create");
}

#[test]
fn scenario_53_54_paths_escape_key_values() {
    let p = project();
    let names = [
        "x.y",
        "p[q]",
        "s=t",
        r"back\slash",
        "1",
        "star*in",
        "*",
        r"\0",
    ];
    p.active(
        "a",
        1,
        root(
            "a",
            e("r"),
            Value::Null,
            names.iter().map(|n| e(n)).collect(),
        ),
    );
    let view = p.view(ViewKind::Active, "a");
    let paths: Vec<String> = operations(&view.record.attributes)
        .into_iter()
        .skip(2)
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        paths,
        [
            r"embedded_sequence[name=x\.y]",
            r"embedded_sequence[name=p\[q\]]",
            r"embedded_sequence[name=s\=t]",
            r"embedded_sequence[name=back\\slash]",
            r"embedded_sequence[name=1]",
            r"embedded_sequence[name=star\*in]",
            // Gap 4: the reference crashes on `*` and turns `\0` into null.
            r"embedded_sequence[name=\*]",
            r"embedded_sequence[name=\\0]",
        ]
    );
    // Every path designates its own item.
    for (path, name) in paths.iter().zip(names) {
        let item = view.attribute(&DictPath::parse(path).unwrap()).unwrap();
        assert_eq!(item["name"], name, "{path}");
    }
}

#[test]
fn scenario_55_duplicate_keys_are_refused_with_both_items() {
    let p = project();
    p.source(
        "a.yaml",
        "name: a\nembedded_required:\n  name: r\nembedded_sequence:\n- name: x\n- name: y\n- name: x\n",
    );
    let errors = p.try_view(ViewKind::Source, "a").unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "files/recursive/a.yaml:7:3: embedded_sequence[name=x]: duplicate item: `embedded_sequence[0]` and `embedded_sequence[2]` have the same identity (name=x)"
        ]
    );
    assert_eq!(
        errors.errors[0].snippet.as_deref(),
        Some("7 | - name: x\n  |   ^")
    );
}

#[test]
fn scenario_58_resurrection_before_prune() {
    // Gap 6: the reference crashes; here the tombstone takes part as nothing.
    let p = project();
    p.active("a", 1, root("a", e("r"), Value::Null, vec![e("x")]));
    p.active("a", 2, Value::Null);
    p.source_json("a", root("a", e("r"), Value::Null, vec![e("z")]));
    let view = p.view(ViewKind::Source, "a");
    assert_eq!(view.record.version, 3);
    assert!(!view.record.deleted);
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "update"),
            ("embedded_required", "update"),
            ("embedded_sequence[name=z]", "create"),
            ("embedded_sequence[name=x]", "delete"),
        ])
    );
    // The folded previous: v2 (nothing) over v1: every element deleted.
    let previous = view.previous.as_ref().unwrap();
    assert_eq!(previous["operation"], "delete");
    assert_eq!(previous["version"], 2);
}

#[test]
fn gap_06_content_after_an_empty_first_version() {
    let p = project();
    p.active("a", 1, Value::Null);
    p.source_json("a", root("a", e("r"), Value::Null, vec![]));
    let view = p.view(ViewKind::Source, "a");
    assert_eq!(view.record.version, 2);
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[(".", "create"), ("embedded_required", "create")])
    );
    assert_eq!(view.previous, None);
    // The same once synced: the export view of v2.
    p.active("a", 2, root("a", e("r"), Value::Null, vec![]));
    let view = p.view(ViewKind::Active, "a");
    assert_eq!(view.record.version, 2);
    assert_eq!(view.record.attributes["operation"], "create");
}

#[test]
fn gap_17_an_empty_never_synced_source_file_is_no_slice() {
    let p = project();
    p.source("empty.json", "{}");
    p.source("blank.yaml", "# nothing yet\n");
    assert!(p.names(ViewKind::Source).is_empty());
    let listing = p.store.list_files(&WorkingTree, ViewKind::Source).unwrap();
    let slice = p
        .store
        .load(
            &WorkingTree,
            listing.get("empty").unwrap(),
            ViewKind::Source,
            Depth::Full,
        )
        .unwrap();
    // No version at all: a sync writes nothing for it.
    assert_eq!(slice.current(), None);
    assert!(slice.record().unwrap().is_none());
}

#[test]
fn scenario_59_a_version_in_a_source_file_name_is_refused() {
    let p = project();
    p.source("x@v5.json", "{}");
    let errors = p
        .store
        .list_files(&WorkingTree, ViewKind::Source)
        .unwrap_err();
    assert_eq!(errors.errors.len(), 1);
    assert!(matches!(
        errors.errors[0].kind,
        StoreErrorKind::VersionInSourceName { version: 5, .. }
    ));
    assert_eq!(
        errors.messages(),
        [
            "files/recursive/x@v5.json: a source file name cannot carry a version (`@v5`): versions are assigned by git-ops and only appear in the active store; rename the file to `x.json`"
        ]
    );
}

#[test]
fn scenario_61_previous_fold_content() {
    let p = project();
    let doc = |names: &[&str]| {
        root(
            "a",
            e("r"),
            Value::Null,
            names.iter().map(|n| e(n)).collect(),
        )
    };
    p.active("a", 1, doc(&["x", "y"]));
    p.active("a", 2, doc(&["y"]));
    p.active("a", 3, doc(&["y", "x"]));
    let view = p.view(ViewKind::Active, "a");
    let previous = view.previous.as_ref().unwrap();
    assert_eq!(previous["operation"], "update");
    // Decision (gap 7): the root tells the newest previous version and the
    // slice, not the reference's placeholders 0 / "" / "".
    assert_eq!(previous["version"], 2);
    assert_eq!(previous["slice_store"], "recursive");
    assert_eq!(previous["slice_name"], "a");
    assert!(!previous.to_string().contains("\"path\""));
    // x is deleted in the previous versions: the markers tell it apart.
    let x = view
        .previous_attribute(&DictPath::parse("embedded_sequence[name=x]").unwrap())
        .unwrap();
    assert_eq!(x["operation"], "delete");
    assert_eq!(
        view.previous_attribute(&DictPath::parse("embedded_sequence[name=y].operation").unwrap()),
        Some(&json!("create"))
    );
}

#[test]
fn source_view_versions() {
    let p = project();
    let v1 = root("a", e("r"), Value::Null, vec![]);
    p.active("a", 1, v1.clone());
    // Unchanged: the latest active version, whatever the format and key order.
    p.source(
        "a.yaml",
        "embedded_required: {name: r}\nname: a\nembedded_sequence: []\n",
    );
    let listing = p.store.list_files(&WorkingTree, ViewKind::Source).unwrap();
    let slice = p
        .store
        .load(
            &WorkingTree,
            listing.get("a").unwrap(),
            ViewKind::Source,
            Depth::Full,
        )
        .unwrap();
    let current = slice.current().unwrap();
    assert_eq!((current.version, current.is_new), (1, false));
    assert_eq!(
        slice.record().unwrap().unwrap().attributes["operation"],
        "create"
    );

    // Changed: latest + 1, even with gaps in the numbering (§3.4).
    p.active("a", 7, v1.clone());
    p.source(
        "a.yaml",
        "name: a\ndescription: new\nembedded_required: {name: r}\n",
    );
    let view = p.view(ViewKind::Source, "a");
    assert_eq!(view.record.version, 8);
    assert_eq!(view.record.attributes["operation"], "update");

    // Source gone: a new tombstone, every element deleted.
    p.remove_source("a.yaml");
    let view = p.view(ViewKind::Source, "a");
    assert_eq!((view.record.version, view.record.deleted), (8, true));
    assert_eq!(view.record.attributes["operation"], "delete");

    // Already deleted: the tombstone itself, with the older versions as
    // previous.
    p.active("a", 8, Value::Null);
    let view = p.view(ViewKind::Source, "a");
    assert_eq!((view.record.version, view.record.deleted), (8, true));
    assert_eq!(
        p.store.list(&WorkingTree, ViewKind::Source).unwrap()[0].version,
        8
    );
}
