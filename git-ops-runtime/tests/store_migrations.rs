//! Migrations (spec §6.5, scenarios 24–27, gap 20; `docs/migrations.md`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use git_ops_runtime::store::{FileKind, OperationError, Registry, UpdateOptions};
use git_ops_runtime::testing::TestProject;
use git_ops_runtime::{Slice, StoreSchema};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The old shape of the store's slices.
#[derive(Serialize, Deserialize, Slice)]
#[slice(store = "mig")]
struct Old {
    /// Key.
    #[slice(key)]
    name: String,
    /// Free text, renamed `label` later.
    value: Option<String>,
}

/// The new shape.
#[derive(Serialize, Deserialize, Slice)]
#[slice(store = "mig")]
struct New {
    /// Key.
    #[slice(key)]
    name: String,
    /// Was `value`.
    label: Option<String>,
    /// New, with a default.
    #[serde(default)]
    size: i64,
}

/// `value` → `label`.
fn rename(mut doc: Value) -> Result<Value, String> {
    let map = doc.as_object_mut().ok_or("not a mapping")?;
    let value = map.remove("value").unwrap_or(Value::Null);
    map.insert("label".into(), value);
    Ok(doc)
}

fn old_project() -> TestProject {
    let p = TestProject::with_store::<Old>();
    p.write("files/mig/s1.yaml", "name: s1\nvalue: hello\n");
    p.update();
    p.sync();
    p
}

#[test]
fn scenario_24_a_migration_applies_to_sources_and_active_files_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let mut registry = Registry::new();
    let _ = registry
        .store::<New>()
        .migration("001_new_slice_format", move |doc| {
            counted.fetch_add(1, Ordering::SeqCst);
            rename(doc)
        });
    let p = old_project().with_registry(registry);
    assert_eq!(
        p.engine().pending_migrations("mig").unwrap(),
        ["001_new_slice_format"]
    );
    let report = p.update();
    assert_eq!(
        report.store("mig").unwrap().migrations,
        ["001_new_slice_format"]
    );
    // Source: migrated, then normalised by the update, in its format.
    assert_eq!(
        p.read("files/mig/s1.yaml"),
        "name: s1\nlabel: hello\nsize: 0\n"
    );
    // Active: migrated and normalised (the original writes the raw output).
    assert_eq!(
        p.read("git_ops/active/mig/s1@v1.json"),
        "{\n  \"name\": \"s1\",\n  \"label\": \"hello\",\n  \"size\": 0\n}"
    );
    assert_eq!(p.slice_in("mig", "s1").versions(), [1]);
    assert_eq!(
        p.read("git_ops/active/mig/.migrations.json"),
        "{\n  \"applied\": [\n    \"001_new_slice_format\"\n  ]\n}"
    );
    assert!(p.engine().pending_migrations("mig").unwrap().is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 2); // the source and v1
    // Nothing new to sync; a second update does not run it again.
    assert!(p.sync().is_noop());
    assert!(p.update().is_noop());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // The views were rewritten (the active file changed).
    let view = p.read("git_ops/views/mig/active/s1.json");
    assert!(view.contains("\"label\": \"hello\""), "{view}");
}

fn migrated_twice(second: bool) -> TestProject {
    let mut registry = Registry::new();
    let builder = registry
        .store::<New>()
        .migration("001_new_slice_format", rename);
    if second {
        let _ = builder.migration("002_old_slice_format", |mut doc: Value| {
            doc["size"] = json!(2);
            Ok(doc)
        });
    }
    let p = old_project().with_registry(registry);
    p.update();
    p
}

#[test]
fn scenarios_25_26_pending_migrations_block_all_but_update_and_prune() {
    let p = migrated_twice(false);
    let p = p.with_registry({
        let mut registry = Registry::new();
        let _ = registry
            .store::<New>()
            .migration("001_new_slice_format", rename)
            .migration("002_old_slice_format", |mut doc: Value| {
                doc["size"] = json!(2);
                Ok(doc)
            });
        registry
    });
    let before = p.snapshot();
    for error in [
        p.engine().sync().unwrap_err(),
        p.engine().check_readable("mig").unwrap_err(),
        p.engine()
            .create("mig", "s2", "json")
            .map(|c| c.report)
            .unwrap_err(),
    ] {
        assert_eq!(
            error.to_string(),
            "store `mig` has pending migrations (002_old_slice_format): run `git-ops project update` first"
        );
    }
    assert_eq!(p.snapshot(), before);
    assert_eq!(
        p.engine().pending_migrations("mig").unwrap(),
        ["002_old_slice_format"]
    );
    // 26: prune runs (and leaves the views to the update).
    p.prune();
    assert_eq!(p.engine().pending_migrations("mig").unwrap().len(), 1);
    p.update();
    assert_eq!(
        p.read("files/mig/s1.yaml"),
        "name: s1\nlabel: hello\nsize: 2\n"
    );
    assert!(
        p.read("git_ops/active/mig/s1@v1.json")
            .contains("\"size\": 2")
    );
}

#[test]
fn scenario_27_gap_20_a_new_store_records_every_migration_in_name_order() {
    let mut registry = Registry::new();
    let _ = registry
        .store::<New>()
        .migration("2024-06-01-b", Ok)
        .migration("2024-01-01-a", Ok);
    let p = TestProject::new(registry);
    p.update();
    // Name order, not registration order (the original records the latter).
    assert_eq!(
        p.read("git_ops/active/mig/.migrations.json"),
        "{\n  \"applied\": [\n    \"2024-01-01-a\",\n    \"2024-06-01-b\"\n  ]\n}"
    );
    assert!(p.engine().pending_migrations("mig").unwrap().is_empty());
}

#[test]
fn gap_20_an_active_folder_without_state_has_applied_nothing() {
    let p = old_project();
    std::fs::remove_file(p.root().join("git_ops/active/mig/.migrations.json")).unwrap();
    let mut registry = Registry::new();
    let _ = registry
        .store::<New>()
        .migration("001_new_slice_format", rename);
    let p = p.with_registry(registry);
    assert_eq!(
        p.engine().pending_migrations("mig").unwrap(),
        ["001_new_slice_format"]
    );
}

#[test]
fn broken_migrations_and_state_files_write_nothing() {
    let with = |f: fn(Value) -> Result<Value, String>| {
        let mut registry = Registry::new();
        let _ = registry.store::<New>().migration("001", f);
        old_project().with_registry(registry)
    };
    let p = with(|_| Ok(json!({"name": "s1", "label": 3})));
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "files/mig/s1.yaml: after migrations 001, the document does not match the schema of store `mig`:\n  label: expected a string or null, found the integer 3"
    );
    assert_eq!(p.snapshot(), before);

    let p = with(|_| Ok(json!({})));
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert!(
        error.to_string().ends_with(
            "the migration returned an empty mapping; a migration cannot delete a slice"
        ),
        "{error}"
    );

    let p = with(rename);
    p.write("git_ops/active/mig/.migrations.json", "{\"applied\": 3}");
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "git_ops/active/mig/.migrations.json: invalid migration state file: expected a mapping with a list `applied`"
    );
}

fn manifest(p: TestProject, known: &[&str]) -> TestProject {
    let mut registry = Registry::new();
    let schema: StoreSchema = New::store_schema();
    let _ = registry
        .manifest_store(schema)
        .known_migrations(known.iter().copied());
    p.with_registry(registry)
}

#[test]
fn a_manifest_store_refuses_migrations_it_does_not_know() {
    // The module's binary applied a migration the manifest does not name.
    let mut registry = Registry::new();
    let _ = registry
        .store::<New>()
        .migration("001_new_slice_format", rename);
    let p = old_project().with_registry(registry);
    p.update();
    let p = manifest(p, &[]);
    for error in [
        p.engine().update(&UpdateOptions::default()).unwrap_err(),
        p.engine().sync().unwrap_err(),
    ] {
        assert!(
            matches!(&error, OperationError::MigrationsNeedModule { names, .. } if names == &["001_new_slice_format"]),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .contains("run the update with the module's own git-ops binary"),
            "{error}"
        );
    }
    // Named by the manifest: fine.
    let p = manifest(p, &["001_new_slice_format"]);
    p.update();
    p.sync();
    // Named but not applied: the function is missing.
    let p = manifest(p, &["001_new_slice_format", "002_later"]);
    assert!(matches!(
        p.engine().update(&UpdateOptions::default()),
        Err(OperationError::MigrationsNeedModule { names, .. }) if names == ["002_later"]
    ));
}

#[test]
fn a_typed_store_ignores_recorded_migrations_it_no_longer_has() {
    let mut registry = Registry::new();
    let _ = registry
        .store::<New>()
        .migration("001_new_slice_format", rename);
    let p = old_project().with_registry(registry);
    p.update();
    let mut registry = Registry::new();
    let _ = registry.store::<New>().migration("002_next", Ok);
    let p = p.with_registry(registry);
    p.update();
    assert_eq!(
        p.read("git_ops/active/mig/.migrations.json"),
        "{\n  \"applied\": [\n    \"001_new_slice_format\",\n    \"002_next\"\n  ]\n}"
    );
}

/// The shape after [`New`]: a required `tier`, which migration
/// `002_add_tier` fills.
#[derive(Serialize, Deserialize, Slice)]
#[slice(store = "mig")]
struct Newer {
    /// Key.
    #[slice(key)]
    name: String,
    /// Was `value`.
    label: Option<String>,
    /// With a default.
    #[serde(default)]
    size: i64,
    /// New and required: the migration fills it.
    tier: String,
}

/// Adds `tier` at the front of the mapping (a migration may build its
/// result in any key order).
fn add_tier(doc: Value) -> Result<Value, String> {
    let mut out = serde_json::Map::new();
    out.insert("tier".into(), json!("gold"));
    out.extend(doc.as_object().ok_or("not a mapping")?.clone());
    Ok(Value::Object(out))
}

/// Stage 1: store `New` with migration 001; stage 2: `Newer` with 001 and
/// 002.
fn stage(two: bool) -> Registry {
    let mut registry = Registry::new();
    if two {
        let _ = registry
            .store::<Newer>()
            .migration("001_new_slice_format", rename)
            .migration("002_add_tier", add_tier);
    } else {
        let _ = registry
            .store::<New>()
            .migration("001_new_slice_format", rename);
    }
    registry
}

#[test]
fn migrated_sources_are_written_normalised() {
    // Issue 9 case 15: the migration's result equals the normalised
    // document as a value, with `tier` first; it is written in schema
    // order, like every file an update writes.
    let p = TestProject::new(stage(false));
    p.write("files/mig/s1.yaml", "name: s1\nlabel: hello\n");
    p.update();
    p.sync();
    assert_eq!(
        p.read("files/mig/s1.yaml"),
        "name: s1\nlabel: hello\nsize: 0\n"
    );
    let p = p.with_registry(stage(true));
    let report = p.update();
    let store = report.store("mig").unwrap();
    assert_eq!(store.migrations, ["002_add_tier"]);
    assert_eq!(
        store
            .files_of(FileKind::Source)
            .map(|f| f.path.as_str())
            .collect::<Vec<_>>(),
        ["files/mig/s1.yaml"]
    );
    assert_eq!(
        p.read("files/mig/s1.yaml"),
        "name: s1\nlabel: hello\nsize: 0\ntier: gold\n"
    );
    assert_eq!(
        p.read("git_ops/active/mig/s1@v1.json"),
        "{\n  \"name\": \"s1\",\n  \"label\": \"hello\",\n  \"size\": 0,\n  \"tier\": \"gold\"\n}"
    );
    // Nothing left for an update, a check (its dry run) or a sync.
    assert!(p.update().is_noop());
    assert!(p.sync().is_noop());
    // JSON sources too.
    let p = TestProject::new(stage(false));
    p.write("files/mig/s2.json", r#"{"name": "s2"}"#);
    p.update();
    let p = p.with_registry(stage(true));
    p.update();
    assert_eq!(
        p.read("files/mig/s2.json"),
        "{\n  \"name\": \"s2\",\n  \"label\": null,\n  \"size\": 0,\n  \"tier\": \"gold\"\n}"
    );
    assert!(p.update().is_noop());
}

#[test]
fn prune_records_the_migrations_of_its_time_so_a_later_one_still_runs() {
    // Issue 9 case 16: prune on a project without active folder creates it
    // with its state file (as the original does whenever the active files
    // are first needed), so migration 002, registered later, is pending
    // for the file added in between.
    let p = TestProject::new(stage(false));
    let report = p.prune();
    assert_eq!(
        report
            .store("mig")
            .unwrap()
            .files_of(FileKind::MigrationState)
            .count(),
        1
    );
    assert_eq!(
        p.read("git_ops/active/mig/.migrations.json"),
        "{\n  \"applied\": [\n    \"001_new_slice_format\"\n  ]\n}"
    );
    p.write("files/mig/s1.yaml", "name: s1\nlabel: hello\n");
    let p = p.with_registry(stage(true));
    assert_eq!(
        p.engine().pending_migrations("mig").unwrap(),
        ["002_add_tier"]
    );
    let report = p.update();
    assert_eq!(report.store("mig").unwrap().migrations, ["002_add_tier"]);
    assert_eq!(
        p.read("files/mig/s1.yaml"),
        "name: s1\nlabel: hello\nsize: 0\ntier: gold\n"
    );
    p.sync();
    assert_eq!(p.slice_in("mig", "s1").versions(), [1]);
}

#[test]
fn writing_operations_but_create_give_a_new_active_folder_its_state_dry_runs_nothing() {
    let state = "git_ops/active/mig/.migrations.json";
    let applied = "{\n  \"applied\": [\n    \"001_new_slice_format\"\n  ]\n}";
    // A dry run of prune (as check and status make of update) plans the
    // state file (and the view indexes) and writes nothing.
    let mut p = TestProject::new(stage(false));
    p.set_options(git_ops_runtime::store::Options {
        dry_run: true,
        ..git_ops_runtime::store::Options::default()
    });
    let before = p.snapshot();
    let report = p.engine().prune().unwrap();
    assert_eq!(
        report.files().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        [
            state,
            "git_ops/views/mig/active.json",
            "git_ops/views/mig/source.json"
        ]
    );
    assert_eq!(p.snapshot(), before);
    // Create does not need the active files (as the original's
    // slice-create compile).
    let p = TestProject::new(stage(false));
    p.engine().create("mig", "s1", "yaml").unwrap();
    assert!(!p.root().join("git_ops/active/mig").exists());
    // Setting a value does.
    p.write("files/mig/s1.yaml", "name: s1\nlabel: null\nsize: 0\n");
    p.engine()
        .set_attribute("mig", "s1", &"label".parse().unwrap(), json!("x"))
        .unwrap();
    assert_eq!(p.read(state), applied);
    // Sync and update do.
    for op in ["sync", "update"] {
        let p = TestProject::new(stage(false));
        match op {
            "sync" => p.sync(),
            _ => p.update(),
        };
        assert_eq!(p.read(state), applied, "{op}");
    }
    // Reading commands write nothing.
    let p = TestProject::new(stage(false));
    let before = p.snapshot();
    p.engine().check_readable("mig").unwrap();
    assert!(p.engine().pending_migrations("mig").unwrap().is_empty());
    let store = p.engine().store("mig").unwrap();
    store
        .list(
            &git_ops_runtime::store::WorkingTree,
            git_ops_runtime::store::ViewKind::Active,
        )
        .unwrap();
    assert_eq!(p.snapshot(), before);
}
