//! Processor, setter and `used_values` scenarios of spec §12 on the
//! `recursive` example store: 28, 31, 32, 33, 34, 35, 36, and the gap
//! decisions they show (§13 gaps 11–15, `docs/processors.md`).

use git_ops_runtime::dictpath::DictPath;
use git_ops_runtime::store::{OperationError, UsedValuesQuery, ViewKind};
use git_ops_runtime::testing::TestProject;
use recursive::RecursiveSlice;
use serde_json::{Value, json};

fn project() -> TestProject {
    TestProject::with_store::<RecursiveSlice>()
}

fn path(text: &str) -> DictPath {
    text.parse().unwrap()
}

fn used(p: &TestProject, query: UsedValuesQuery) -> Vec<Value> {
    p.engine()
        .used_values("recursive", ViewKind::Source, &query)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn query(text: &str) -> UsedValuesQuery {
    UsedValuesQuery::new(text.parse().unwrap())
}

#[test]
fn scenario_28_used_values_basics() {
    let p = project();
    p.write(
        "files/recursive/test1.yaml",
        "name: a\nunique_id: null\nembedded_required:\n  name: r\n",
    );
    assert_eq!(used(&p, query("unique_id")), Vec::<Value>::new());
    p.write(
        "files/recursive/test1.yaml",
        "name: a\nunique_id: 1\nembedded_required:\n  name: r\n",
    );
    assert_eq!(used(&p, query("unique_id")), [json!(1)]);
    assert_eq!(
        used(&p, query("embedded_optional.unique_id")),
        Vec::<Value>::new()
    );
    p.write(
        "files/recursive/test1.yaml",
        "name: a\nunique_id: 1\nembedded_required:\n  name: r\nembedded_optional:\n  name: b\n  unique_id: 2\n",
    );
    assert_eq!(used(&p, query("embedded_optional.unique_id")), [json!(2)]);
    // The original joins collectors; here a caller merges the queries.
    let mut all = Vec::new();
    for q in [
        "embedded_optional.unique_id",
        "unique_id",
        "embedded_sequence[name=a].unique_id",
        "embedded_sequence[baba=a].unique_id",
    ] {
        all.extend(used(&p, query(q)));
    }
    all.sort_by_key(|v| v.as_i64());
    assert_eq!(all, [json!(1), json!(2)]);
}

#[test]
fn scenario_34_gap_14_an_unmatched_filter_excludes_the_slice() {
    let p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nunique_id: 7\nembedded_required:\n  name: r\nembedded_sequence:\n- name: x\n  unique_id: 4\n",
    );
    p.write(
        "files/recursive/b.yaml",
        "name: b\nunique_id: 8\nembedded_required:\n  name: r\n",
    );
    // The original fails ("Found no or multiple items matching ..."): the
    // slice without `x` is excluded instead.
    let q = query("unique_id").matching(path("embedded_sequence[name=x].unique_id"), json!(4));
    assert_eq!(used(&p, q), [json!(7)]);
    // A filter that designates nothing anywhere: nothing, no error.
    let q = query("unique_id").matching(path("nothing.here"), json!(1));
    assert_eq!(used(&p, q), Vec::<Value>::new());
    // Only one slice.
    assert_eq!(used(&p, query("unique_id").in_slice("b")), [json!(8)]);
    // Sorted by value, not by slice; duplicates once.
    p.write(
        "files/recursive/c.yaml",
        "name: c\nunique_id: 1\nembedded_required:\n  name: r\n  unique_id: 7\n",
    );
    assert_eq!(used(&p, query("unique_id")), [json!(1), json!(7), json!(8)]);
    assert_eq!(used(&p, query("embedded_required.unique_id")), [json!(7)]);
    // A wild path meeting a value of the wrong kind is an error.
    let error = p
        .engine()
        .used_values("recursive", ViewKind::Source, &query("name.x"))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("expected a mapping but found a string"),
        "{error}"
    );
}

#[test]
fn scenario_31_deleted_elements_are_not_processed_nor_set() {
    let p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nembedded_required:\n  name: r\nembedded_sequence:\n- name: x\n",
    );
    p.update();
    p.sync();
    let text = p.read("files/recursive/a.yaml");
    let emptied = format!(
        "{}embedded_sequence: []\n",
        &text[..text.find("embedded_sequence:").unwrap()]
    );
    p.write("files/recursive/a.yaml", &emptied);
    let report = p.update();
    assert!(report.store("recursive").unwrap().filled.is_empty());
    assert_eq!(p.read("files/recursive/a.yaml"), emptied);
    // The deleted item keeps its id in the view.
    let view = p.slice_in("recursive", "a").source_instance().unwrap();
    assert_eq!(
        view.attributes["embedded_sequence"][0]["operation"],
        "delete"
    );
    assert_eq!(view.attributes["embedded_sequence"][0]["unique_id"], 0);

    let before = p.snapshot();
    let error = p
        .engine()
        .set_attribute(
            "recursive",
            "a",
            &path("embedded_sequence[name=x].unique_id"),
            json!(5),
        )
        .unwrap_err();
    assert!(matches!(error, OperationError::DeletedElement { .. }));
    assert_eq!(
        error.to_string(),
        "cannot set attribute on a deleted element: `embedded_sequence[name=x].unique_id` in slice `a` of store `recursive` is deleted from the source slice and cannot be modified"
    );
    assert_eq!(p.snapshot(), before);
}

#[test]
fn scenario_32_setting_is_a_source_edit() {
    let p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nembedded_required:\n  name: r\n",
    );
    // No update needed first: the file is written in normalised form.
    p.engine()
        .set_attribute("recursive", "a", &path("description"), json!("set"))
        .unwrap();
    assert_eq!(
        p.read("files/recursive/a.yaml"),
        "name: a\ndescription: set\nunique_id: null\nembedded_required:\n  name: r\n  description: null\n  unique_id: null\n  recursive_slice: []\nembedded_optional: null\nembedded_sequence: []\n"
    );
    // Its source view is fresh.
    let view = p.read("git_ops/views/recursive/source/a.json");
    assert!(view.contains("\"description\": \"set\""));
    // Checked against the schema: nothing written on a wrong value.
    let before = p.snapshot();
    let error = p
        .engine()
        .set_attribute("recursive", "a", &path("unique_id"), json!("many"))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "files/recursive/a.yaml: unique_id: expected an integer or null, found the string \"many\""
    );
    assert_eq!(p.snapshot(), before);
    // A slice with no source document cannot be set.
    p.update();
    p.sync();
    std::fs::remove_file(p.root().join("files/recursive/a.yaml")).unwrap();
    assert!(matches!(
        p.engine()
            .set_attribute("recursive", "a", &path("description"), json!("x")),
        Err(OperationError::NoSource { .. })
    ));
}

#[test]
fn scenario_33_gap_13_no_processing_under_an_absent_optional() {
    let p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nembedded_required:\n  name: r\nembedded_optional: null\n",
    );
    let report = p.update(); // the original fails with a type error
    let filled: Vec<&str> = report
        .store("recursive")
        .unwrap()
        .filled
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(filled, ["unique_id", "embedded_required.unique_id"]);
    assert!(
        p.read("files/recursive/a.yaml")
            .contains("embedded_optional: null\n")
    );
}

#[test]
fn scenario_35_gap_12_the_update_view_has_the_new_version_at_once() {
    let p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nembedded_required:\n  name: r\n",
    );
    p.update();
    p.sync();
    // A value for a processor to fill appears in a synced slice.
    let text = p.read("files/recursive/a.yaml");
    p.write(
        "files/recursive/a.yaml",
        &text.replace("embedded_sequence: []\n", "embedded_sequence:\n- name: x\n"),
    );
    p.update();
    // The original's view still says version 1 / create until a second
    // update; ours says version 2 / update in this one.
    let view = p.slice_in("recursive", "a").source_instance().unwrap();
    assert_eq!(view.version, 2);
    assert_eq!(view.attributes["operation"], "update");
    assert_eq!(view.attributes["embedded_sequence"][0]["unique_id"], 0);
    let written = p.read("git_ops/views/recursive/source/a.json");
    assert!(written.contains("\"version\": 2"));
    // A second update changes nothing; sync writes v2.
    assert!(p.update().is_noop());
    p.sync();
    assert_eq!(p.slice_in("recursive", "a").versions(), [1, 2]);
    assert_eq!(p.slice_in("recursive", "a").instance().unwrap().version, 2);
}

#[test]
fn scenario_36_gap_11_sync_refuses_sources_an_update_would_change() {
    let p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nembedded_required:\n  name: r\n",
    );
    p.write(
        "files/recursive/b.json",
        &git_ops_runtime::format::json::to_json(&json!({
            "name": "b", "description": null, "unique_id": 3,
            "embedded_required": {"name": "r", "description": null, "unique_id": 0, "recursive_slice": []},
            "embedded_optional": null, "embedded_sequence": []
        })),
    );
    p.write(
        "files/recursive/c.json",
        &git_ops_runtime::format::json::to_json(&json!({
            "name": "c", "description": null, "unique_id": null,
            "embedded_required": {"name": "r", "description": null, "unique_id": 0, "recursive_slice": []},
            "embedded_optional": null, "embedded_sequence": []
        })),
    );
    let before = p.snapshot();
    let error = p.engine().sync().unwrap_err();
    assert_eq!(
        error.to_string(),
        "the sources are not up to date; run `git-ops project update` first:\n  \
         files/recursive/a.yaml: store `recursive`, slice `a`: the file is not in normalised form; values to fill in: unique_id, embedded_required.unique_id\n  \
         files/recursive/c.json: store `recursive`, slice `c`: values to fill in: unique_id"
    );
    assert_eq!(p.snapshot(), before);
    p.update();
    p.sync();
    assert_eq!(p.slice_in("recursive", "c").versions(), [1]);
}

#[test]
fn gap_14_deleted_values_stay_used_until_prune() {
    let p = project();
    for name in ["a", "b"] {
        p.write(
            &format!("files/recursive/{name}.yaml"),
            &format!("name: {name}\nembedded_required:\n  name: r\n"),
        );
    }
    p.update();
    p.sync();
    assert_eq!(used(&p, query("unique_id")), [json!(0), json!(1)]);
    std::fs::remove_file(p.root().join("files/recursive/a.yaml")).unwrap();
    p.sync();
    // `a` is deleted but its id is still used: a new slice gets 2.
    p.write(
        "files/recursive/c.yaml",
        "name: c\nembedded_required:\n  name: r\n",
    );
    p.update();
    assert_eq!(
        p.slice_in("recursive", "c")
            .typed::<RecursiveSlice>()
            .unique_id,
        Some(2)
    );
    p.sync();
    p.prune();
    // After the prune the deleted slice is gone from the views: 0 is free.
    p.write(
        "files/recursive/d.yaml",
        "name: d\nembedded_required:\n  name: r\n",
    );
    p.update();
    assert_eq!(
        p.slice_in("recursive", "d")
            .typed::<RecursiveSlice>()
            .unique_id,
        Some(0)
    );
}

#[test]
fn siblings_scope_counts_deleted_items_until_prune() {
    let p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nembedded_required:\n  name: r\n  recursive_slice:\n  - name: x\n  - name: y\nembedded_sequence:\n- name: x\n- name: y\n",
    );
    p.update();
    p.sync();
    let typed: RecursiveSlice = p.slice_in("recursive", "a").typed();
    let ids = |s: &RecursiveSlice| {
        s.embedded_sequence
            .iter()
            .map(|e| (e.named.name.clone(), e.unique_id))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&typed), [("x".into(), Some(0)), ("y".into(), Some(1))]);
    // Each list is its own scope.
    assert_eq!(
        typed.embedded_required.recursive_slice[1].unique_id,
        Some(1)
    );
    // x removed, z added: z does not reuse x's 0 while x is only deleted.
    let text = p.read("files/recursive/a.yaml");
    let start = text.find("embedded_sequence:").unwrap();
    p.write(
        "files/recursive/a.yaml",
        &format!(
            "{}embedded_sequence:\n- name: y\n  unique_id: 1\n- name: z\n",
            &text[..start]
        ),
    );
    p.update();
    let typed: RecursiveSlice = p.slice_in("recursive", "a").typed();
    assert_eq!(ids(&typed), [("y".into(), Some(1)), ("z".into(), Some(2))]);
}

#[test]
fn gap_15_refresh_keeps_unique_values_and_replaces_duplicates() {
    let p = project();
    for (name, id) in [("a", 5), ("b", 5), ("c", 7)] {
        p.write(
            &format!("files/recursive/{name}.yaml"),
            &format!(
                "name: {name}\nunique_id: {id}\nembedded_required:\n  name: r\n  unique_id: 3\n"
            ),
        );
    }
    p.update();
    let id = |name: &str| {
        p.slice_in("recursive", name)
            .typed::<RecursiveSlice>()
            .unique_id
    };
    // Without refresh, values once set are kept, duplicates included.
    assert_eq!((id("a"), id("b"), id("c")), (Some(5), Some(5), Some(7)));
    let report = p
        .engine()
        .update(&git_ops_runtime::store::UpdateOptions { refresh: true })
        .unwrap();
    // `a` (first in name order) sees `b` using 5 and moves to the first free
    // value; `b` then keeps 5; `c` keeps 7; unique embedded ids stay.
    assert_eq!((id("a"), id("b"), id("c")), (Some(0), Some(5), Some(7)));
    let filled = &report.store("recursive").unwrap().filled;
    assert_eq!(filled.len(), 1, "{filled:?}");
    assert_eq!(
        (
            filled[0].slice.as_str(),
            filled[0].path.as_str(),
            &filled[0].previous,
            &filled[0].value
        ),
        ("a", "unique_id", &json!(5), &json!(0))
    );
}
