//! The worked examples of the spec on the `acme` stores: §4.11 (tree),
//! the §6.7 inspect output (disk) and scenario 22 (a union item changing
//! kind). Expected outputs are the spec's, compared as bytes of
//! `json.dumps(indent=2)`, so key order counts too.

#[path = "../../common/store_project.rs"]
mod store_project;

use acme::slices::disk::Volume;
use acme::slices::tree::Tree;
use git_ops_runtime::Slice;
use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{ViewKind, WorkingTree};
use serde_json::{Value, json};
use store_project::{TestProject, operations, pairs};

const TREE_V1: &str = r#"{"label": "a", "trunk": {"label": "t"},
 "branches": [{"label": "x", "note": "1"}, {"label": "y", "note": "1"}]}"#;
const TREE_V2: &str = r#"{"label": "a", "trunk": {"label": "t"}, "spare": {"label": "s"},
 "branches": [{"label": "x", "note": "2"}, {"label": "y", "note": "1"}]}"#;

fn tree_project() -> TestProject {
    let p = TestProject::new(Tree::store_schema());
    p.write("git_ops/active/tree/a@v1.json", TREE_V1);
    p.write("git_ops/active/tree/a@v2.json", TREE_V2);
    p
}

#[test]
fn section_4_11_export_of_two_versions() {
    let p = tree_project();
    let records: Vec<Value> = p
        .views(ViewKind::Active)
        .into_iter()
        .map(|v| serde_json::to_value(&v.record).unwrap())
        .collect();
    let expected = json!([{"name": "a", "store_name": "tree", "version": 2,
      "attributes": {
       "operation": "update", "path": ".", "version": 2, "slice_store": "tree",
       "slice_name": "a", "label": "a", "note": null, "owner": null,
       "trunk": {"operation": "create", "path": "trunk", "label": "t",
                 "note": null, "weight": null, "children": []},
       "spare": {"operation": "create", "path": "spare", "label": "s",
                 "note": null, "weight": null, "children": []},
       "branches": [
         {"operation": "update", "path": "branches[label=x]", "label": "x",
          "note": "2", "weight": null, "children": []},
         {"operation": "create", "path": "branches[label=y]", "label": "y",
          "note": "1", "weight": null, "children": []}]},
      "deleted": false}]);
    assert_eq!(to_json(&Value::Array(records)), to_json(&expected));
}

#[test]
fn section_4_11_third_version_without_y() {
    let p = tree_project();
    p.write(
        "git_ops/active/tree/a@v3.json",
        r#"{"label": "a", "trunk": {"label": "t"}, "spare": {"label": "s"},
            "branches": [{"label": "x", "note": "2"}]}"#,
    );
    let view = p.view(ViewKind::Active, "a");
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "update"),
            ("trunk", "create"),
            ("spare", "create"),
            ("branches[label=x]", "update"),
            ("branches[label=y]", "delete"),
        ])
    );
    assert_eq!(
        view.record.attributes["branches"][1],
        json!({"operation": "delete", "path": "branches[label=y]", "label": "y",
               "note": "1", "weight": null, "children": []})
    );
}

#[test]
fn section_4_11_third_version_a_tombstone() {
    let p = tree_project();
    p.write("git_ops/active/tree/a@v3.json", "{}");
    let view = p.view(ViewKind::Active, "a");
    assert!(view.record.deleted);
    assert_eq!(view.record.version, 3);
    assert_eq!(view.record.attributes["version"], 3);
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "delete"),
            ("trunk", "delete"),
            ("spare", "delete"),
            ("branches[label=x]", "delete"),
            ("branches[label=y]", "delete"),
        ])
    );
    // Values from the folded previous: v2's.
    assert_eq!(view.record.attributes["branches"][0]["note"], "2");
    assert_eq!(view.record.attributes["spare"]["label"], "s");
}

#[test]
fn section_6_7_inspect_output() {
    let p = TestProject::new(Volume::store_schema());
    p.source("vol.yaml", "name: vol\nmount: /mnt\n");
    let record = p
        .store
        .inspect(&WorkingTree, ViewKind::Source, "vol")
        .unwrap();
    assert_eq!(
        to_json(&serde_json::to_value(&record).unwrap()),
        r#"{
  "name": "vol",
  "store_name": "disk",
  "version": 1,
  "attributes": {
    "operation": "create",
    "path": ".",
    "kind": "dir",
    "name": "vol",
    "mode": "644",
    "version": 1,
    "slice_store": "disk",
    "slice_name": "vol",
    "mount": "/mnt",
    "items": []
  },
  "deleted": false
}"#
    );
    let error = p
        .store
        .inspect(&WorkingTree, ViewKind::Source, "missing")
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "no slice named `missing` in store `disk`; known slices: vol"
    );
}

#[test]
fn scenario_22_union_item_changes_kind() {
    let p = TestProject::new(Volume::store_schema());
    p.write(
        "git_ops/active/disk/v@v1.json",
        r#"{"name": "v", "mount": "/m", "items": [
            {"kind": "dir", "name": "a", "items": [{"kind": "doc", "name": "x.txt", "text": "hi"}]},
            {"kind": "doc", "name": "b"}]}"#,
    );
    p.source(
        "v.yaml",
        "name: v\nmount: /m\nitems:\n- kind: dir\n  name: a\n  items:\n  - kind: doc\n    name: x.txt\n    text: hello\n- kind: dir\n  name: b\n",
    );
    let view = p.view(ViewKind::Source, "v");
    assert_eq!(view.record.version, 2);
    assert_eq!(
        operations(&view.record.attributes),
        pairs(&[
            (".", "update"),
            ("items[kind=dir][name=a]", "update"),
            (
                r"items[kind=dir][name=a].items[kind=doc][name=x\.txt]",
                "update"
            ),
            ("items[kind=dir][name=b]", "create"),
            ("items[kind=doc][name=b]", "delete"),
        ])
    );
    // The deleted document keeps the fields of its kind, in model order.
    assert_eq!(
        view.record.attributes["items"][2],
        json!({"operation": "delete", "path": "items[kind=doc][name=b]", "kind": "doc",
               "name": "b", "mode": "644", "text": ""})
    );
}
