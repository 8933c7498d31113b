//! The view files of `docs/views.md`: a golden file checked by hand (the
//! record is spec §4.11's, the hashes come from `sha256sum`), and the
//! staleness fingerprint.

mod store_support;
#[path = "document_support/mod.rs"]
mod support;

use std::path::Path;

use git_ops_runtime::store::view::{self, ViewFileHead, fingerprint_inputs};
use git_ops_runtime::store::{Depth, Project, Store, ViewInput, ViewKind};
use store_support::MemoryFiles;

const V1: &str = r#"{"label": "a", "trunk": {"label": "t"}, "branches": [{"label": "x", "note": "1"}, {"label": "y", "note": "1"}]}"#;
const V2: &str = r#"{"label": "a", "trunk": {"label": "t"}, "spare": {"label": "s"}, "branches": [{"label": "x", "note": "2"}, {"label": "y", "note": "1"}]}"#;
const V1_SHA: &str = "c24bb78dcd7ac4963c6ba2fea3148d8e52c1f344c3e039110fe3eb6e445548fc";
const V2_SHA: &str = "1a07bf391e19ffa4980638676d7be1363bcf67a2e3251495afa1d5c8802d9607";

fn setup() -> (Store, MemoryFiles) {
    let files = MemoryFiles::default();
    files.insert("/p/git_ops/active/tree/a@v1.json", V1);
    files.insert("/p/git_ops/active/tree/a@v2.json", V2);
    (
        Store::new(&Project::at("/p"), support::tree()).unwrap(),
        files,
    )
}

fn view_file(store: &Store, files: &MemoryFiles, kind: ViewKind) -> view::ViewFile {
    let listing = store.list_files(files, kind).unwrap();
    store
        .load(files, listing.get("a").unwrap(), kind, Depth::Full)
        .unwrap()
        .view_file()
        .unwrap()
}

#[test]
fn golden_active_view_file() {
    let (store, files) = setup();
    let file = view_file(&store, &files, ViewKind::Active);
    assert_eq!(file.path, Path::new("/p/git_ops/views/tree/active/a.json"));
    let expected = r#"{
  "git_ops_view": 1,
  "kind": "active",
  "store": "tree",
  "name": "a",
  "schema": "SCHEMA",
  "inputs": [
    {
      "path": "git_ops/active/tree/a@v1.json",
      "sha256": "V1_SHA"
    },
    {
      "path": "git_ops/active/tree/a@v2.json",
      "sha256": "V2_SHA"
    }
  ],
  "record": {
    "name": "a",
    "store_name": "tree",
    "version": 2,
    "attributes": {
      "operation": "update",
      "path": ".",
      "version": 2,
      "slice_store": "tree",
      "slice_name": "a",
      "label": "a",
      "note": null,
      "owner": null,
      "trunk": {
        "operation": "create",
        "path": "trunk",
        "label": "t",
        "note": null,
        "weight": null,
        "children": []
      },
      "spare": {
        "operation": "create",
        "path": "spare",
        "label": "s",
        "note": null,
        "weight": null,
        "children": []
      },
      "branches": [
        {
          "operation": "update",
          "path": "branches[label=x]",
          "label": "x",
          "note": "2",
          "weight": null,
          "children": []
        },
        {
          "operation": "create",
          "path": "branches[label=y]",
          "label": "y",
          "note": "1",
          "weight": null,
          "children": []
        }
      ]
    },
    "deleted": false
  },
  "previous": {
    "operation": "create",
    "version": 1,
    "slice_store": "tree",
    "slice_name": "a",
    "label": "a",
    "note": null,
    "owner": null,
    "trunk": {
      "operation": "create",
      "label": "t",
      "note": null,
      "weight": null,
      "children": []
    },
    "spare": null,
    "branches": [
      {
        "operation": "create",
        "label": "x",
        "note": "1",
        "weight": null,
        "children": []
      },
      {
        "operation": "create",
        "label": "y",
        "note": "1",
        "weight": null,
        "children": []
      }
    ]
  }
}"#
    .replace("SCHEMA", store.schema_fingerprint())
    .replace("V1_SHA", V1_SHA)
    .replace("V2_SHA", V2_SHA);
    assert_eq!(file.content, expected);
}

#[test]
fn a_slice_without_record_still_has_a_view_file() {
    let (store, files) = setup();
    files.remove("/p/git_ops/active/tree/a@v1.json");
    files.remove("/p/git_ops/active/tree/a@v2.json");
    files.insert("/p/git_ops/active/tree/a@v1.json", "{}");
    let file = view_file(&store, &files, ViewKind::Active);
    let parsed: serde_json::Value = serde_json::from_str(&file.content).unwrap();
    assert_eq!(parsed["record"], serde_json::Value::Null);
    assert_eq!(parsed["previous"], serde_json::Value::Null);
    assert_eq!(
        parsed["inputs"][0]["sha256"],
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );
}

#[test]
fn the_source_view_lists_the_source_file_first() {
    let (store, files) = setup();
    files.insert("/p/files/tree/a.yaml", "label: a\ntrunk: {label: t}\n");
    let file = view_file(&store, &files, ViewKind::Source);
    assert_eq!(file.path, Path::new("/p/git_ops/views/tree/source/a.json"));
    let head = ViewFileHead::parse(file.content.as_bytes()).unwrap();
    let paths: Vec<&str> = head.inputs.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "files/tree/a.yaml",
            "git_ops/active/tree/a@v1.json",
            "git_ops/active/tree/a@v2.json"
        ]
    );
    assert_eq!((head.kind.as_str(), head.name.as_str()), ("source", "a"));
}

#[test]
fn the_fingerprint_changes_with_an_input_or_the_schema() {
    let (store, files) = setup();
    let head = ViewFileHead::parse(
        view_file(&store, &files, ViewKind::Active)
            .content
            .as_bytes(),
    )
    .unwrap();
    let current = |files: &MemoryFiles| -> Vec<ViewInput> {
        let listing = store.list_files(files, ViewKind::Active).unwrap();
        fingerprint_inputs(files, listing.get("a").unwrap(), ViewKind::Active).unwrap()
    };
    assert!(head.is_fresh(&store, &current(&files)));

    // One byte more in an input.
    files.insert("/p/git_ops/active/tree/a@v2.json", format!("{V2} "));
    assert!(!head.is_fresh(&store, &current(&files)));
    files.insert("/p/git_ops/active/tree/a@v2.json", V2);
    assert!(head.is_fresh(&store, &current(&files)));

    // A new version, a removed version.
    files.insert("/p/git_ops/active/tree/a@v3.json", "{}");
    assert!(!head.is_fresh(&store, &current(&files)));
    files.remove("/p/git_ops/active/tree/a@v3.json");
    files.remove("/p/git_ops/active/tree/a@v1.json");
    assert!(!head.is_fresh(&store, &current(&files)));
    files.insert("/p/git_ops/active/tree/a@v1.json", V1);

    // A schema change that changes views; a description change does not.
    let mut schema = support::tree();
    let mut described = schema.clone();
    described
        .entities
        .values_mut()
        .for_each(|e| e.description = Some("changed".into()));
    let same = Store::new(&Project::at("/p"), described).unwrap();
    assert_eq!(same.schema_fingerprint(), store.schema_fingerprint());
    assert!(head.is_fresh(&same, &current(&files)));
    let root = schema.root.clone();
    schema.entities.get_mut(&root).unwrap().fields[0].default = Some("anonymous".into());
    let other = Store::new(&Project::at("/p"), schema).unwrap();
    assert_ne!(other.schema_fingerprint(), store.schema_fingerprint());
    assert!(!head.is_fresh(&other, &current(&files)));
}

#[test]
fn the_view_index_names_the_folders() {
    let (store, _) = setup();
    let index = view::view_index(&store, ViewKind::Source);
    assert_eq!(index.path, Path::new("/p/git_ops/views/tree/source.json"));
    assert_eq!(
        index.content,
        format!(
            "{{\n  \"git_ops_views\": 1,\n  \"kind\": \"source\",\n  \"store\": \"tree\",\n  \"schema\": \"{}\",\n  \"folders\": [\n    \"files/tree\",\n    \"git_ops/active/tree\"\n  ]\n}}",
            store.schema_fingerprint()
        )
    );
}
