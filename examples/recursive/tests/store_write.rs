//! Write-side scenarios of spec §12 on the `recursive` example store: 1–4
//! and 6–10 (update, sync, new versions, deletions), with the exact bytes of
//! every file written (JSON as Python's `json.dumps(indent=2)`, YAML as
//! PyYAML's `safe_dump`), checked by hand against spec §2.4.
//!
//! Where the example differs from the reference's test schema: every
//! `EmbeddedSlice` here declares `unique_integer(scope = "siblings")` on its
//! `unique_id`, so embedded objects get an id too (the reference's test calls
//! the processor on the sequence items only).

use git_ops_runtime::store::{FileKind, Options, SliceChangeKind, UpdateOptions};
use git_ops_runtime::testing::TestProject;
use recursive::RecursiveSlice;
use serde_json::json;

fn project() -> TestProject {
    TestProject::with_store::<RecursiveSlice>()
}

/// The active folder's file names, sorted (hidden files included).
fn active_files(p: &TestProject) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(p.root().join("git_ops/active/recursive"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

const S1_AFTER_UPDATE: &str = "\
name: a
description: null
unique_id: 0
embedded_required:
  name: aa
  description: null
  unique_id: 0
  recursive_slice: []
embedded_optional: null
embedded_sequence: []
";

const S1_V1: &str = r#"{
  "name": "a",
  "description": null,
  "unique_id": 0,
  "embedded_required": {
    "name": "aa",
    "description": null,
    "unique_id": 0,
    "recursive_slice": []
  },
  "embedded_optional": null,
  "embedded_sequence": []
}"#;

#[test]
fn scenario_01_update_of_an_empty_store() {
    let p = project();
    let report = p.update();
    assert_eq!(active_files(&p), [".migrations.json"]);
    assert_eq!(
        p.read("git_ops/active/recursive/.migrations.json"),
        "{\n  \"applied\": []\n}"
    );
    let store = report.store("recursive").unwrap();
    assert!(store.slices.is_empty() && store.filled.is_empty());
    // Our addition: the view indexes, so that the plugin finds the store.
    assert!(
        p.root()
            .join("git_ops/views/recursive/source.json")
            .exists()
    );
    assert!(
        p.root()
            .join("git_ops/views/recursive/active.json")
            .exists()
    );
    // No schema file without configuration (scenario 2 has one).
    assert_eq!(store.files_of(FileKind::Schema).count(), 0);
    // The empty source folder, as the original's update (issue: a project
    // made by hand, or a fresh clone, since git keeps no empty folder).
    assert!(p.root().join("files/recursive").is_dir());
}

#[test]
fn update_creates_the_source_folder_but_a_dry_run_does_not() {
    let mut p = project();
    let folder = p.root().join("files/recursive");
    p.set_options(Options {
        dry_run: true,
        ..Options::default()
    });
    let before = p.snapshot();
    p.engine().update(&UpdateOptions::default()).unwrap();
    assert!(!folder.exists());
    assert_eq!(p.snapshot(), before);
    // Neither does a failed update (a file where the views go).
    p.set_options(Options::default());
    p.write("git_ops/views/recursive", "a file");
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert!(
        error.to_string().contains("git_ops/views/recursive"),
        "{error}"
    );
    assert!(!folder.exists());
    assert_eq!(p.snapshot(), before);
    // A file where the folder goes: refused, nothing written.
    std::fs::remove_file(p.root().join("git_ops/views/recursive")).unwrap();
    p.write("files/recursive", "a file");
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert_eq!(p.snapshot(), before);
    assert!(error.to_string().contains("files/recursive"), "{error}");
    // The real update creates it, and a second one changes nothing.
    std::fs::remove_file(&folder).unwrap();
    p.update();
    assert!(folder.is_dir());
    assert!(p.update().is_noop());
}

#[test]
fn scenario_02_schema_file_written_by_update() {
    let p = project();
    p.write(
        "files/git-ops-config.yml",
        "stores:\n  - store_name: recursive\n    schema_path: inmanta:///files/schema/test.json\n",
    );
    p.update();
    let expected = git_ops_runtime::format::json::to_json(&git_ops_runtime::document::json_schema(
        &<RecursiveSlice as git_ops_runtime::Slice>::store_schema(),
    ));
    let written = p.read("files/schema/test.json");
    assert_eq!(written, expected);
    assert!(written.starts_with("{\n  \"$defs\": {") && !written.ends_with('\n'));
    // Unchanged: not written again.
    let report = p.update();
    assert_eq!(
        report
            .store("recursive")
            .unwrap()
            .files_of(FileKind::Schema)
            .count(),
        0
    );
}

#[test]
fn scenarios_03_04_update_allocates_ids_and_normalises_sources() {
    let p = project();
    p.write(
        "files/recursive/s1.yaml",
        "name: a\nembedded_required:\n  name: aa\n",
    );
    let report = p.update();
    assert_eq!(p.read("files/recursive/s1.yaml"), S1_AFTER_UPDATE);
    let store = report.store("recursive").unwrap();
    let filled: Vec<(&str, &str, serde_json::Value)> = store
        .filled
        .iter()
        .map(|f| (f.path.as_str(), f.processor.as_str(), f.value.clone()))
        .collect();
    assert_eq!(
        filled,
        [
            ("unique_id", "unique_integer", json!(0)),
            ("embedded_required.unique_id", "unique_integer", json!(0)),
        ]
    );
    // The source view, as the update wrote it: version 1, everything new.
    let view = p.slice_in("recursive", "s1").source_instance().unwrap();
    assert_eq!(view.version, 1);
    assert_eq!(view.attributes["operation"], "create");
    assert_eq!(view.attributes["path"], ".");
    assert_eq!(
        view.attributes["embedded_required"]["path"],
        "embedded_required"
    );
    assert_eq!(view.attributes["embedded_required"]["operation"], "create");
    assert_eq!(view.attributes["embedded_optional"], json!(null));
    assert_eq!(view.attributes["embedded_sequence"], json!([]));
    assert_eq!(view.attributes["unique_id"], 0);
    assert_eq!(active_files(&p), [".migrations.json"]);
    assert_eq!(
        store
            .slices
            .iter()
            .map(|s| (s.name.as_str(), s.version, s.change))
            .collect::<Vec<_>>(),
        [("s1", 1, SliceChangeKind::Created)]
    );

    // Scenario 4: a second slice gets the next free id; s1 keeps its own.
    p.write(
        "files/recursive/s2.yaml",
        "name: b\nembedded_required:\n  name: bb\n",
    );
    let report = p.update();
    assert_eq!(p.read("files/recursive/s1.yaml"), S1_AFTER_UPDATE);
    assert_eq!(
        p.read("files/recursive/s2.yaml"),
        S1_AFTER_UPDATE
            .replace("name: a\n", "name: b\n")
            .replace("name: aa\n", "name: bb\n")
            .replacen("unique_id: 0\n", "unique_id: 1\n", 1)
    );
    let store = report.store("recursive").unwrap();
    // s1 is unchanged: not rewritten.
    assert!(
        store
            .files
            .iter()
            .all(|f| f.path != "files/recursive/s1.yaml")
    );
    assert_eq!(store.filled.iter().filter(|f| f.slice == "s1").count(), 0);
}

#[test]
fn scenarios_06_to_10_sync_versions_and_deletions() {
    let p = project();
    p.write(
        "files/recursive/s1.yaml",
        "name: a\nembedded_required:\n  name: aa\n",
    );
    p.write(
        "files/recursive/s2.yaml",
        "name: b\nembedded_required:\n  name: bb\n",
    );
    p.update();

    // 6: sync writes v1 of both; export sees them.
    let report = p.sync();
    assert_eq!(
        active_files(&p),
        [".migrations.json", "s1@v1.json", "s2@v1.json"]
    );
    assert_eq!(p.read("git_ops/active/recursive/s1@v1.json"), S1_V1);
    let changes: Vec<_> = report.store("recursive").unwrap().slices.clone();
    assert_eq!(changes.len(), 2);
    assert!(
        changes
            .iter()
            .all(|c| c.version == 1 && c.change == SliceChangeKind::Created)
    );
    let instances = p.instances("recursive");
    assert_eq!(
        instances
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["s1", "s2"]
    );

    // 7: a second sync changes nothing.
    let before = p.snapshot();
    let report = p.sync();
    assert!(report.is_noop(), "{report:?}");
    assert_eq!(p.snapshot(), before);
    assert_eq!(
        active_files(&p),
        [".migrations.json", "s1@v1.json", "s2@v1.json"]
    );

    // 8: a new version.
    p.write(
        "files/recursive/s1.yaml",
        &S1_AFTER_UPDATE
            .replace(
                "description: null\nunique_id: 0\nembedded_required",
                "description: Updated\nunique_id: 0\nembedded_required",
            )
            .replace(
                "embedded_optional: null\nembedded_sequence: []\n",
                "embedded_optional:\n  name: ab\nembedded_sequence:\n- name: ac\n",
            ),
    );
    p.update();
    p.sync();
    assert_eq!(
        active_files(&p),
        [".migrations.json", "s1@v1.json", "s1@v2.json", "s2@v1.json"]
    );
    let s1 = p.slice_in("recursive", "s1").instance().unwrap();
    assert_eq!(s1.version, 2);
    assert_eq!(s1.attributes["operation"], "update");
    assert_eq!(s1.attributes["embedded_required"]["operation"], "create");
    assert_eq!(s1.attributes["embedded_optional"]["operation"], "create");
    assert_eq!(
        s1.attributes["embedded_optional"]["path"],
        "embedded_optional"
    );
    let item = &s1.attributes["embedded_sequence"][0];
    assert_eq!(item["path"], "embedded_sequence[name=ac]");
    assert_eq!(item["operation"], "create");
    assert_eq!(item["unique_id"], 0);
    let s2 = p.slice_in("recursive", "s2").instance().unwrap();
    assert_eq!(
        (s2.version, s2.attributes["operation"].as_str()),
        (1, Some("create"))
    );

    // 9: an element removed.
    let text = p.read("files/recursive/s1.yaml");
    let start = text.find("embedded_sequence:").unwrap();
    p.write(
        "files/recursive/s1.yaml",
        &format!("{}embedded_sequence: []\n", &text[..start]),
    );
    p.update();
    p.sync();
    assert!(
        p.read("git_ops/active/recursive/s1@v3.json")
            .ends_with("\"embedded_sequence\": []\n}")
    );
    let s1 = p.slice_in("recursive", "s1").instance().unwrap();
    assert_eq!(s1.version, 3);
    assert_eq!(s1.attributes["operation"], "update");
    let item = &s1.attributes["embedded_sequence"][0];
    assert_eq!(
        (
            item["path"].as_str(),
            item["operation"].as_str(),
            &item["unique_id"]
        ),
        (
            Some("embedded_sequence[name=ac]"),
            Some("delete"),
            &json!(0)
        )
    );

    // 10: the slice removed, sync only.
    std::fs::remove_file(p.root().join("files/recursive/s1.yaml")).unwrap();
    let report = p.sync();
    assert_eq!(p.read("git_ops/active/recursive/s1@v4.json"), "{}");
    assert_eq!(
        report.store("recursive").unwrap().slices[0].change,
        SliceChangeKind::Deleted
    );
    let s1 = p.slice_in("recursive", "s1").instance().unwrap();
    assert!(s1.deleted);
    assert_eq!(s1.version, 4);
    assert_eq!(s1.attributes["operation"], "delete");
    assert_eq!(s1.attributes["embedded_required"]["operation"], "delete");
    assert_eq!(s1.attributes["embedded_optional"]["operation"], "delete");
    assert_eq!(s1.attributes["embedded_sequence"][0]["operation"], "delete");
    // The source view agrees with the active one.
    let source = p.slice_in("recursive", "s1").source_instance().unwrap();
    assert_eq!(source, s1);
}

#[test]
fn scenario_43_create_in_yaml() {
    let p = project();
    let created = p.engine().create("recursive", "rec", "yaml").unwrap();
    assert_eq!(created.shown, "files/recursive/rec.yaml");
    assert_eq!(
        p.read("files/recursive/rec.yaml"),
        "\
name: <REPLACE_THIS>
description: null
unique_id: null
embedded_required:
  name: <REPLACE_THIS>
  description: null
  unique_id: null
  recursive_slice: []
embedded_optional: null
embedded_sequence: []
"
    );
}

#[test]
fn gap_16_sync_never_gives_a_yaml_active_file_a_json_sibling() {
    let p = project();
    p.write("files/recursive/a.yaml", S1_AFTER_UPDATE);
    // An active version written in YAML (by hand or another tool).
    p.write("git_ops/active/recursive/a@v1.yaml", S1_AFTER_UPDATE);
    let report = p.sync();
    assert!(report.store("recursive").unwrap().slices.is_empty());
    // No `a@v1.json` (the folder existed: no state file is added either).
    assert_eq!(active_files(&p), ["a@v1.yaml"]);
    // A change is written as the next version, in JSON.
    p.write(
        "files/recursive/a.yaml",
        &S1_AFTER_UPDATE.replace("name: a\n", "name: b\n"),
    );
    p.sync();
    assert_eq!(p.slice_in("recursive", "a").versions(), [1, 2]);
    assert!(p.root().join("git_ops/active/recursive/a@v2.json").exists());
}

/// The view files of `a` after each operation, and what the next update
/// does to them.
#[test]
fn view_files_are_checked_by_their_head_fast_or_parsed() {
    let p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nembedded_required:\n  name: aa\n",
    );
    p.update();
    p.sync();
    let views = [
        "git_ops/views/recursive/source/a.json",
        "git_ops/views/recursive/active/a.json",
    ];
    let written: Vec<String> = views.iter().map(|v| p.read(v)).collect();
    let view_changes = |report: &git_ops_runtime::store::Report| {
        report
            .files()
            .filter(|f| f.kind == FileKind::View)
            .map(|f| f.path.clone())
            .collect::<Vec<_>>()
    };
    // As written: fresh by its bytes, left alone.
    let mut options = p.engine().options().clone();
    options.cache = false;
    let mut p = p;
    p.set_options(options);
    assert!(view_changes(&p.update()).is_empty());
    // The same view written another way (compact JSON, keys reordered):
    // fresh by its parsed head, left alone too.
    for (view, text) in views.iter().zip(&written) {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut object = value.as_object().unwrap().clone();
        let record = object.shift_remove("record").unwrap();
        let mut reordered = serde_json::Map::new();
        reordered.insert("record".into(), record);
        reordered.extend(object);
        p.write(view, &serde_json::to_string(&reordered).unwrap());
    }
    assert!(view_changes(&p.update()).is_empty());
    assert!(!p.read(views[0]).starts_with("{\n"));
    // Another input hash: stale, rewritten as git-ops writes it.
    let stale = written[1].replacen("\"sha256\": \"", "\"sha256\": \"0", 1);
    p.write(views[1], &stale);
    assert_eq!(view_changes(&p.update()), vec![views[1].to_owned()]);
    assert_eq!(p.read(views[1]), written[1]);
}
