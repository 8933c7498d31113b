//! The `fs` example store through the engine: union paths (scenario 23),
//! model-only fields in views and the previous attribute (scenario 48), the
//! list after a deletion (scenarios 44 and 46).

#[path = "../../common/store_project.rs"]
mod store_project;

use fs::RootFolder;
use git_ops_runtime::Slice;
use git_ops_runtime::dictpath::DictPath;
use git_ops_runtime::store::{SliceSummary, ViewKind, WorkingTree};
use serde_json::{Value, json};
use store_project::TestProject;

const TREE: &str = "\
root: /srv
name: etc
content:
  - type: file
    name: a.txt
    content: a
  - type: folder
    name: sub
";

#[test]
fn scenario_23_union_paths() {
    let p = TestProject::new(RootFolder::store_schema());
    p.write(
        "git_ops/active/fs/s@v1.json",
        r#"{"root": "/", "name": "s", "content": [
            {"type": "folder", "name": "a"}, {"type": "folder", "name": "b"},
            {"type": "folder", "name": "c"}, {"type": "file", "name": "d"}]}"#,
    );
    let view = p.view(ViewKind::Active, "s");
    let content = view.record.attributes["content"].as_array().unwrap();
    assert_eq!(content.len(), 4);
    assert_eq!(content[0]["path"], "content[type=folder][name=a]");
    assert_eq!(content[3]["path"], "content[type=file][name=d]");
    let keys: Vec<&str> = view
        .record
        .attributes
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
            "type",
            "name",
            "permissions",
            "owner",
            "group",
            "version",
            "slice_store",
            "slice_name",
            "root",
            "content"
        ]
    );
}

#[test]
fn scenario_48_previous_attribute() {
    let p = TestProject::new(RootFolder::store_schema());
    p.source("etc.yaml", TREE);
    // Export before sync: nothing.
    assert!(p.names(ViewKind::Active).is_empty());

    // "Sync": the normalised document becomes version 1.
    p.write(
        "git_ops/active/fs/etc@v1.json",
        r#"{"name": "etc", "root": "/srv", "content": [
            {"type": "file", "name": "a.txt", "content": "a"},
            {"type": "folder", "name": "sub"}]}"#,
    );
    let view = p.view(ViewKind::Active, "etc");
    let file = &view.record.attributes["content"][0];
    assert_eq!(file["content"], "a");
    // A model-only field is in the view, with its default.
    assert_eq!(file["previous_content"], Value::Null);
    assert_eq!(
        file.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "operation",
            "path",
            "type",
            "name",
            "permissions",
            "owner",
            "group",
            "content",
            "previous_content"
        ]
    );
    assert_eq!(view.previous, None);

    // Change the content; the source view sees version 2 before the sync.
    p.source("etc.yaml", &TREE.replace("content: a\n", "content: aa\n"));
    let view = p.view(ViewKind::Source, "etc");
    assert_eq!(view.record.version, 2);
    // And after the sync, in the export view.
    p.write(
        "git_ops/active/fs/etc@v2.json",
        r#"{"name": "etc", "root": "/srv", "content": [
            {"type": "file", "name": "a.txt", "content": "aa"},
            {"type": "folder", "name": "sub"}]}"#,
    );
    let view = p.view(ViewKind::Active, "etc");
    let file = &view.record.attributes["content"][0];
    assert_eq!(file["content"], "aa");
    assert_eq!(file["previous_content"], Value::Null);
    let path = format!("{}.content", file["path"].as_str().unwrap());
    let path = DictPath::parse(&path).unwrap();
    assert_eq!(view.previous_attribute(&path), Some(&json!("a")));
    assert_eq!(
        p.store
            .get_previous_attribute(&WorkingTree, ViewKind::Active, "etc", &path)
            .unwrap(),
        Some(json!("a"))
    );
    assert_eq!(
        p.store
            .get_attribute(&WorkingTree, ViewKind::Active, "etc", &path)
            .unwrap(),
        Some(json!("aa"))
    );
}

#[test]
fn scenarios_44_46_list_before_and_after_deletion() {
    let p = TestProject::new(RootFolder::store_schema());
    p.source("test-folder.json", r#"{"name": "folder", "root": "/srv"}"#);
    let summary = |version, deleted| SliceSummary {
        name: "test-folder".into(),
        store_name: "fs".into(),
        version,
        deleted,
    };
    assert_eq!(
        p.store.list(&WorkingTree, ViewKind::Source).unwrap(),
        [summary(1, false)]
    );
    p.write(
        "git_ops/active/fs/test-folder@v1.json",
        r#"{"name": "folder", "root": "/srv"}"#,
    );
    p.remove_source("test-folder.json");
    assert_eq!(
        p.store.list(&WorkingTree, ViewKind::Source).unwrap(),
        [summary(2, true)]
    );
    assert_eq!(
        serde_json::to_string(&summary(2, true)).unwrap(),
        r#"{"name":"test-folder","store_name":"fs","version":2,"deleted":true}"#
    );
}
