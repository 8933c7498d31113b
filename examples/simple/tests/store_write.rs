//! Write-side scenarios of spec §12 on the `simple` example store: 47 (an
//! empty source file never synced, gap 17) and the stores an operation
//! works on (gap 22).

use git_ops_runtime::store::{Options, Registry, ViewKind, WorkingTree};
use git_ops_runtime::testing::TestProject;
use serde_json::json;
use simple::SimpleSlice;

#[test]
fn scenario_47_gap_17_an_empty_source_never_synced_is_no_slice() {
    let p = TestProject::with_store::<SimpleSlice>();
    p.write("files/simple/empty.json", "{}");
    p.update();
    // Left alone by the update.
    assert_eq!(p.read("files/simple/empty.json"), "{}");
    let store = p.engine().store("simple").unwrap();
    assert!(
        store
            .list(&WorkingTree, ViewKind::Source)
            .unwrap()
            .is_empty()
    );
    // Sync writes nothing for it (the original writes a tombstone `@v1`).
    let report = p.sync();
    assert!(report.store("simple").unwrap().slices.is_empty());
    assert!(p.slice_in("simple", "empty").versions().is_empty());
    // Its source view says it does not appear.
    let view: serde_json::Value =
        serde_json::from_str(&p.read("git_ops/views/simple/source/empty.json")).unwrap();
    assert_eq!(view["record"], json!(null));
    assert!(
        !p.root()
            .join("git_ops/views/simple/active/empty.json")
            .exists()
    );
    // Content added later: version 1, everything new.
    p.write("files/simple/empty.json", r#"{"name": "empty"}"#);
    p.update();
    p.sync();
    let instance = p.slice_in("simple", "empty").instance().unwrap();
    assert_eq!(
        (instance.version, instance.attributes["operation"].as_str()),
        (1, Some("create"))
    );
}

#[test]
fn gap_22_operations_work_on_every_registered_store_or_the_selected_ones() {
    // Two stores of one type cannot share a name: give the second another.
    let mut registry = Registry::new();
    let _ = registry.store::<SimpleSlice>();
    let mut other = <SimpleSlice as git_ops_runtime::Slice>::store_schema();
    other.store = "other".into();
    other.source = "inmanta:///files/other/".into();
    let _ = registry.schema_store(other);
    let mut p = TestProject::new(registry);
    p.write("files/simple/a.yaml", "name: a\n");
    p.write("files/other/b.yaml", "name: b\n");
    // Only `other`.
    p.set_options(Options {
        stores: Some(vec!["other".into()]),
        threads: 2,
        durability: git_ops_runtime::format::atomic::Durability::None,
        ..Options::default()
    });
    let report = p.update();
    assert_eq!(report.stores.len(), 1);
    assert_eq!(p.read("files/simple/a.yaml"), "name: a\n");
    assert!(
        p.read("files/other/b.yaml")
            .starts_with("name: b\ndescription: null\nunique_id: 0\n")
    );
    // Every store (the original acts only on the stores the model queried).
    p.set_options(Options {
        threads: 2,
        durability: git_ops_runtime::format::atomic::Durability::None,
        ..Options::default()
    });
    let report = p.update();
    assert_eq!(
        report
            .stores
            .iter()
            .map(|s| s.store.as_str())
            .collect::<Vec<_>>(),
        ["simple", "other"]
    );
    p.sync();
    assert_eq!(p.slice_in("simple", "a").versions(), [1]);
    assert_eq!(p.slice_in("other", "b").versions(), [1]);
}
