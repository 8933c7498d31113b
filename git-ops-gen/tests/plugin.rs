//! The generated plugin, run by Python outside a compile
//! (`tests/plugin_driver.py`, one Python run per test): `unroll_slices` and
//! the getters against the engine's own answers in every compile mode, the
//! staleness checks of `docs/views.md` one failure at a time, the cache of a
//! compile, `attributes()` and its errors, and the dict-path lookup against
//! `git_ops_runtime::dictpath` on thousands of generated cases.
//!
//! The compiler runs the same file in `tests/e2e.rs`; these tests cover the
//! cases a compile per case would make slow.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::e2e::Slices;
use common::inmanta::{Venv, scratch};
use common::{file, plan, rename_module, spec};
use git_ops_runtime::dictpath::{DictPath, Key, Section, Selector, SelectorValue};
use git_ops_runtime::store::{ViewKind, WorkingTree};
use git_ops_runtime::{Slice, StoreSchema};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

#[path = "../../git-ops-runtime/tests/dictpath_support/mod.rs"]
mod dictpath_support;

const MODULE: &str = "plugtest";

fn stores() -> Vec<StoreSchema> {
    let mut stores = rename_module(vec![::fs::RootFolder::store_schema()], "fs", MODULE);
    stores.extend(rename_module(
        vec![simple::SimpleSlice::store_schema()],
        "simple",
        MODULE,
    ));
    stores
}

/// The generated plugin of module `plugtest` (`spec`), written into `dir`.
fn plugin_file(dir: &Path, spec: &git_ops_gen::ModuleSpec) -> PathBuf {
    let files = plan(spec);
    let path = dir.join("inmanta_plugins").join(MODULE).join("__init__.py");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, file(&files, "inmanta_plugins/plugtest/__init__.py")).unwrap();
    path
}

/// Runs the steps with the plugin in `dir`; one outcome per step.
fn run(dir: &Path, steps: &[Value]) -> Vec<Value> {
    run_with(dir, &spec(MODULE, stores(), true), steps)
}

/// [`run`] with the plugin of module `spec`.
fn run_with(dir: &Path, spec: &git_ops_gen::ModuleSpec, steps: &[Value]) -> Vec<Value> {
    let venv = Venv::get();
    let plugin = plugin_file(dir, spec);
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plugin_driver.py");
    let mut child = Command::new(venv.bin("python"))
        .arg(driver)
        .arg(MODULE)
        .arg(plugin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::from(steps.to_vec()).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the driver failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let outcomes: Vec<Value> = serde_json::from_slice(&output.stdout).expect("JSON outcomes");
    assert_eq!(outcomes.len(), steps.len());
    outcomes
}

/// A plugin call in the project at `root`, compile 0, no environment.
fn call(root: &Path, function: &str, args: Value) -> Value {
    json!({"call": function, "args": args, "root": root.display().to_string()})
}

/// `step` with extra keys.
fn with(mut step: Value, extra: Value) -> Value {
    step.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    step
}

fn mode(step: Value, mode: &str) -> Value {
    with(step, json!({"env": {"INMANTA_GIT_OPS_COMPILE_MODE": mode}}))
}

#[track_caller]
fn assert_ok(outcome: &Value, expected: &Value) {
    assert_eq!(outcome.get("ok"), Some(expected), "outcome {outcome}");
}

#[track_caller]
fn assert_err(outcome: &Value, parts: &[&str]) {
    let message = outcome
        .get("err")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("expected an error, got {outcome}"));
    for part in parts {
        assert!(
            message.contains(part),
            "the error lacks {part:?}:\n{message}"
        );
    }
}

/// The project of the tests with history: `fs` slices `etc` (two versions,
/// a file changed and one deleted between them) and `srv` (deleted), a
/// `simple` slice `one`; the active views written by a sync, then a new
/// source file `new` and the source views written by an update.
fn history(dir: &Path) -> Slices {
    let slices = Slices::new(dir, stores());
    slices.write(
        "files/fs/etc.yaml",
        "root: /\nname: etc\ncontent:\n  - {type: file, name: a.txt, content: a}\n  - type: folder\n    name: ssh\n    content:\n      - {type: file, name: config, content: c}\n",
    );
    slices.write("files/fs/srv.json", r#"{"root": "/", "name": "srv"}"#);
    slices.write("files/simple/one.yaml", "name: one\n");
    slices.sync();
    slices.write(
        "files/fs/etc.yaml",
        "root: /\nname: etc\ncontent:\n  - {type: file, name: a.txt, content: aa}\n  - {type: folder, name: ssh}\n",
    );
    slices.remove("files/fs/srv.json");
    slices.sync();
    slices.write("files/fs/new.yaml", "root: /srv\nname: new\n");
    slices.update();
    slices
}

/// The records of a store as the engine computes them.
fn records(slices: &Slices, store: &str, kind: ViewKind) -> Value {
    let store = slices.store(store);
    let names = store.list(&WorkingTree, kind).unwrap();
    Value::from(
        names
            .iter()
            .map(|s| {
                serde_json::to_value(store.inspect(&WorkingTree, kind, &s.name).unwrap()).unwrap()
            })
            .collect::<Vec<_>>(),
    )
}

#[test]
fn unroll_slices_reads_the_view_of_each_mode() {
    let dir = scratch("plugin-modes");
    let fresh = Slices::new(&dir.join("fresh"), stores());
    let slices = history(&dir.join("history"));
    let root = &slices.project;
    let unroll = |store: &str| call(root, "unroll_slices", json!([store]));
    let steps = vec![
        // Nothing synced yet: no views, no active files.
        call(&fresh.project, "unroll_slices", json!(["fs"])),
        mode(
            call(&fresh.project, "unroll_slices", json!(["fs"])),
            "update",
        ),
        unroll("fs"),
        unroll("simple"),
        mode(unroll("fs"), "update"),
        mode(unroll("fs"), "sync"),
        mode(unroll("fs"), " Export "),
        mode(unroll("fs"), "prune"),
        mode(unroll("fs"), "slice-list"),
        mode(unroll("fs"), "empty"),
        mode(unroll("fs"), "bogus"),
        mode(unroll("fs"), ""),
        unroll("nope"),
        with(
            unroll("fs"),
            json!({"env": {"INMANTA_GIT_OPS_VIEW_CHECK": "sometimes"}}),
        ),
    ];
    let outcomes = run(&dir, &steps);
    let active = records(&slices, "fs", ViewKind::Active);
    let source = records(&slices, "fs", ViewKind::Source);
    assert_ne!(active, source, "the source view has slice `new`");
    assert_eq!(
        active.as_array().unwrap().len(),
        2,
        "etc and the deleted srv"
    );
    assert_eq!(active[1]["deleted"], true);
    assert_ok(&outcomes[0], &json!([]));
    assert_err(
        &outcomes[1],
        &[
            "there are no source views of store `fs`",
            "git_ops/views/fs/source.json is missing",
            "run `git-ops project update`",
        ],
    );
    assert_ok(&outcomes[2], &active);
    assert_ok(&outcomes[3], &records(&slices, "simple", ViewKind::Active));
    assert_ok(&outcomes[4], &source);
    assert_ok(&outcomes[5], &source);
    assert_ok(&outcomes[6], &active);
    for outcome in &outcomes[7..10] {
        assert_ok(outcome, &json!([]));
    }
    assert_err(
        &outcomes[10],
        &["INMANTA_GIT_OPS_COMPILE_MODE='bogus' is not a compile mode of git-ops"],
    );
    assert_ok(&outcomes[11], &active);
    assert_err(
        &outcomes[12],
        &["`nope` is not a store of module plugtest; its stores are `fs`, `simple`"],
    );
    assert_err(
        &outcomes[13],
        &["INMANTA_GIT_OPS_VIEW_CHECK='sometimes' is not known"],
    );
}

#[test]
fn getters_agree_with_the_engine() {
    let dir = scratch("plugin-getters");
    let slices = history(&dir.join("history"));
    let root = &slices.project;
    let lookups = [
        ("etc", "."),
        ("etc", "name"),
        ("etc", ".name"),
        ("etc", r"content[type=file][name=a\.txt].content"),
        ("etc", r"content[name=a\.txt]"),
        (
            "etc",
            "content[type=folder][name=ssh].content[type=file][name=config]",
        ),
        (
            "etc",
            "content[type=folder][name=ssh].content[name=config].content",
        ),
        ("etc", "content[type=file]"),
        ("etc", "content[name=zzz]"),
        ("etc", "name.x"),
        ("etc", "nope"),
        ("srv", "."),
        ("srv", "operation"),
        ("new", "."),
        ("new", "name"),
        ("missing", "."),
    ];
    let mut steps = Vec::new();
    let mut expected = Vec::new();
    for kind in [ViewKind::Active, ViewKind::Source] {
        let store = slices.store("fs");
        for (name, path) in lookups {
            let parsed = DictPath::parse(path).unwrap();
            for (function, value) in [
                (
                    "get_slice_attribute",
                    store.get_attribute(&WorkingTree, kind, name, &parsed),
                ),
                (
                    "get_slice_previous_attribute",
                    store.get_previous_attribute(&WorkingTree, kind, name, &parsed),
                ),
            ] {
                let step = call(root, function, json!(["fs", name, path]));
                steps.push(match kind {
                    ViewKind::Active => step,
                    ViewKind::Source => mode(step, "update"),
                });
                expected.push(value.unwrap().unwrap_or(Value::Null));
            }
        }
    }
    let outcomes = run(&dir, &steps);
    for (outcome, value) in outcomes.iter().zip(&expected) {
        assert_ok(outcome, value);
    }
    // The lookups find values, in both views and in the previous versions.
    let found = expected.iter().filter(|v| !v.is_null()).count();
    assert!(found >= 16, "{found} lookups find a value");
    let previous = r"content[type=file][name=a\.txt].content";
    let at = |function: &str| {
        expected[steps
            .iter()
            .position(|s| {
                s["call"] == function && s["args"][2] == previous && s["args"][1] == "etc"
            })
            .unwrap()]
        .clone()
    };
    assert_eq!(at("get_slice_attribute"), json!("aa"));
    assert_eq!(at("get_slice_previous_attribute"), json!("a"));

    // The default, and paths that are not paths.
    let steps = vec![
        with(
            call(root, "get_slice_attribute", json!(["fs", "missing", "."])),
            json!({"kwargs": {"default": "fallback"}}),
        ),
        with(
            call(
                root,
                "get_slice_previous_attribute",
                json!(["simple", "one", "name"]),
            ),
            json!({"kwargs": {"default": 7}}),
        ),
        call(
            root,
            "get_slice_attribute",
            json!(["fs", "etc", "content["]),
        ),
        call(
            root,
            "get_slice_attribute",
            json!(["fs", "etc", "content[name=*]"]),
        ),
        call(root, "get_slice_attribute", json!(["fs", "etc", ""])),
        mode(
            call(root, "get_slice_attribute", json!(["fs", "etc", "name"])),
            "prune",
        ),
    ];
    let outcomes = run(&dir, &steps);
    assert_ok(&outcomes[0], &json!("fallback"));
    assert_ok(&outcomes[1], &json!(7));
    assert_err(&outcomes[2], &["invalid dict path `content[`"]);
    assert_err(&outcomes[3], &["`*` is a wildcard"]);
    assert_err(&outcomes[4], &["invalid dict path ``: an empty path"]);
    assert_ok(&outcomes[5], &Value::Null);
}

/// A change making a project's views out of date.
type Change = Box<dyn Fn(&Slices)>;

/// One copy of the history project per way of being out of date.
#[test]
fn out_of_date_views_are_refused_naming_the_slice_and_the_command() {
    let dir = scratch("plugin-stale");
    let cases: Vec<(&str, Change)> = vec![
        (
            "changed",
            Box::new(|s| s.write("git_ops/active/fs/etc@v2.json", "{\"root\": \"/x\"}")),
        ),
        (
            "new-file",
            Box::new(|s| s.write("git_ops/active/fs/extra@v1.json", "{}")),
        ),
        (
            "gone-version",
            Box::new(|s| s.remove("git_ops/active/fs/etc@v1.json")),
        ),
        (
            "gone-slice",
            Box::new(|s| {
                s.remove("git_ops/active/fs/srv@v1.json");
                s.remove("git_ops/active/fs/srv@v2.json");
            }),
        ),
        (
            "not-a-slice",
            Box::new(|s| s.write("git_ops/active/fs/README.md", "notes")),
        ),
        (
            "no-version",
            Box::new(|s| s.write("git_ops/active/fs/stray.json", "{}")),
        ),
        (
            "schema",
            Box::new(|s| {
                let index = s.project.join("git_ops/views/fs/active.json");
                let text = fs::read_to_string(&index).unwrap();
                let mut value: Value = serde_json::from_str(&text).unwrap();
                value["schema"] = json!("0000");
                fs::write(index, value.to_string()).unwrap();
            }),
        ),
        (
            "format",
            Box::new(|s| {
                let index = s.project.join("git_ops/views/fs/active.json");
                let text = fs::read_to_string(&index).unwrap();
                let mut value: Value = serde_json::from_str(&text).unwrap();
                value["git_ops_views"] = json!(2);
                fs::write(index, value.to_string()).unwrap();
            }),
        ),
        (
            "no-index",
            Box::new(|s| s.remove("git_ops/views/fs/active.json")),
        ),
        (
            "many",
            Box::new(|s| {
                for i in 0..12 {
                    s.write(&format!("git_ops/active/fs/x{i:02}@v1.json"), "{}");
                }
            }),
        ),
        (
            "source-changed",
            Box::new(|s| s.write("files/fs/new.yaml", "root: /srv\nname: renamed\n")),
        ),
        (
            "view-edited",
            Box::new(|s| {
                let view = s.project.join("git_ops/views/fs/active/etc.json");
                let text = fs::read_to_string(&view).unwrap();
                let mut value: Value = serde_json::from_str(&text).unwrap();
                value["name"] = json!("other");
                fs::write(view, value.to_string()).unwrap();
            }),
        ),
    ];
    let mut steps = Vec::new();
    for (name, change) in &cases {
        let slices = history(&dir.join(name));
        change(&slices);
        let step = call(&slices.project, "unroll_slices", json!(["fs"]));
        steps.push(if *name == "source-changed" {
            mode(step, "update")
        } else {
            step
        });
    }
    // The hashes are what tells a changed file: without them it passes.
    steps.push(with(
        steps[0].clone(),
        json!({"env": {"INMANTA_GIT_OPS_VIEW_CHECK": "paths"}}),
    ));
    let outcomes = run(&dir, &steps);
    let sync = "run `git-ops project sync` to rewrite them";
    let stale = "the active views of store `fs` are out of date";
    let expected: [&[&str]; 12] = [
        &[
            stale,
            sync,
            "the view of slice `etc` is stale: `git_ops/active/fs/etc@v2.json` changed since the view was written",
        ],
        &[stale, "slice `extra` has no view"],
        &[
            stale,
            "the view of slice `etc` is stale: `git_ops/active/fs/etc@v1.json` no longer exists",
        ],
        &[
            stale,
            "the view of slice `srv` is stale: the slice has no file left",
        ],
        &[
            stale,
            "`git_ops/active/fs/README.md` is not a slice file name",
        ],
        &[
            stale,
            "`git_ops/active/fs/stray.json` must be named with a version (@vN)",
        ],
        &[
            "the active views of store `fs` were written for another schema",
            "run `git-ops project sync`",
        ],
        &[
            "the active views of store `fs` were written by another version of git-ops (format 2, these plugins read format 1)",
        ],
        &[
            "there are no active views of store `fs` (git_ops/views/fs/active.json is missing): run `git-ops project sync` to write them",
        ],
        &[
            stale,
            "slice `x00` has no view",
            "slice `x09` has no view",
            "and 2 more",
        ],
        &[
            "the source views of store `fs` are out of date; run `git-ops project update` to rewrite them",
            "the view of slice `new` is stale: `files/fs/new.yaml` changed since the view was written",
        ],
        &[
            stale,
            "the view of slice `etc` is stale: it was written for another slice",
        ],
    ];
    for ((outcome, parts), (name, _)) in outcomes.iter().zip(expected).zip(&cases) {
        println!("{name}: {outcome}");
        assert_err(outcome, parts);
    }
    assert_eq!(
        outcomes[cases.len()]["ok"].as_array().map(Vec::len),
        Some(2),
        "{}",
        outcomes[cases.len()]
    );
}

/// Issue 9 case 17: with a migration of the module not yet applied to the
/// project, a compile names it and the command that applies it (update,
/// then sync) instead of sending the user to `sync`, which would refuse.
#[test]
fn pending_migrations_are_named_with_the_command_that_applies_them() {
    let dir = scratch("plugin-migrations");
    let slices = history(&dir.join("project"));
    let mut module = spec(MODULE, stores(), true);
    module.migrations.insert(
        "fs".into(),
        vec!["2024-06-01-b".into(), "2024-01-01-a".into()],
    );
    let root = &slices.project;
    let state = "git_ops/active/fs/.migrations.json";
    let export = call(root, "unroll_slices", json!(["fs"]));
    let update = mode(call(root, "unroll_slices", json!(["fs"])), "update");
    let simple = call(root, "unroll_slices", json!(["simple"]));
    let write = |content: &str| json!({"write": root.join(state).display().to_string(), "content": content});
    let steps = [
        export.clone(),
        update.clone(),
        simple,
        write(r#"{"applied": ["2024-01-01-a"]}"#),
        export.clone(),
        write(r#"{"applied": ["2024-01-01-a", "2024-06-01-b"]}"#),
        export.clone(),
        update,
        write("[]"),
        export,
    ];
    let outcomes = run_with(&dir, &module, &steps);
    let both = "store `fs` has pending migrations (`2024-01-01-a`, `2024-06-01-b`): run `git-ops project update` with the git-ops of module plugtest (the migrations are its code) to apply them, then `git-ops project sync`";
    for outcome in &outcomes[..2] {
        assert_eq!(outcome["err"], both, "{outcome}");
    }
    // A store without migrations is not concerned.
    assert_eq!(outcomes[2]["ok"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        outcomes[4]["err"],
        "store `fs` has pending migrations (`2024-06-01-b`): run `git-ops project update` with the git-ops of module plugtest (the migrations are its code) to apply them, then `git-ops project sync`"
    );
    // Applied: the views are read (the schema did not change).
    assert_eq!(outcomes[6]["ok"], records(&slices, "fs", ViewKind::Active));
    assert_eq!(outcomes[7]["ok"], records(&slices, "fs", ViewKind::Source));
    assert_err(
        &outcomes[9],
        &["git_ops/active/fs/.migrations.json is not a migration state file"],
    );
    // The plugin of a module without migrations reads the same project.
    let outcomes = run(&dir, &[call(root, "unroll_slices", json!(["fs"]))]);
    assert_eq!(outcomes[0]["ok"], records(&slices, "fs", ViewKind::Active));
}

/// A compile reads the views of a store once: a change after the first call
/// is only seen by the next compile.
#[test]
fn a_compile_reads_each_store_once() {
    let dir = scratch("plugin-cache");
    let slices = history(&dir.join("history"));
    let root = &slices.project;
    let first = |step: Value| with(step, json!({"compile": 1}));
    let second = |step: Value| with(step, json!({"compile": 2}));
    let steps = vec![
        first(call(root, "unroll_slices", json!(["fs"]))),
        json!({"write": root.join("git_ops/active/fs/etc@v2.json").display().to_string(), "content": "{}"}),
        first(call(root, "unroll_slices", json!(["fs"]))),
        first(call(
            root,
            "get_slice_attribute",
            json!(["fs", "etc", "name"]),
        )),
        second(call(root, "unroll_slices", json!(["fs"]))),
    ];
    let outcomes = run(&dir, &steps);
    let active = records(&history(&dir.join("expected")), "fs", ViewKind::Active);
    assert_ok(&outcomes[0], &active);
    assert_ok(&outcomes[2], &active);
    assert_ok(&outcomes[3], &json!("etc"));
    assert_err(&outcomes[4], &["slice `etc` is stale"]);
}

#[test]
fn attributes_takes_the_attributes_of_the_entity_and_refuses_mistakes() {
    let dir = scratch("plugin-attributes");
    let file = json!({
        "operation": "create", "path": "content[type=file][name=a]", "type": "file",
        "name": "a", "permissions": "770", "owner": null, "group": null,
        "content": "x", "previous_content": null,
    });
    let folder = json!({
        "operation": "update", "path": "content[type=folder][name=b]", "type": "folder",
        "name": "b", "permissions": "770", "owner": null, "group": "g", "content": [file],
    });
    let attributes = |entity: &str, object: &Value, kwargs: Value, skip: Value| json!({"call": "attributes", "args": [entity, object, skip], "kwargs": kwargs});
    let steps = vec![
        attributes("plugtest::File", &file, json!({}), json!([])),
        attributes(
            "plugtest::File",
            &file,
            json!({"previous_content": "before"}),
            json!(["owner", "group"]),
        ),
        // A helper entity: the folder's relation `content` is left out.
        attributes("plugtest::FolderFolder", &folder, json!({}), json!([])),
        attributes("plugtest::Fil", &file, json!({}), json!([])),
        attributes("other::File", &file, json!({}), json!([])),
        attributes("plugtest::File", &file, json!({"nope": 1}), json!([])),
        attributes(
            "plugtest::File",
            &file,
            json!({}),
            json!(["nope", "content"]),
        ),
        attributes(
            "plugtest::File",
            &file,
            json!({"owner": "x"}),
            json!(["owner"]),
        ),
        attributes(
            "plugtest::File",
            &json!({"operation": "create", "path": "content[name=x]", "name": "x"}),
            json!({}),
            json!([]),
        ),
        attributes(
            "plugtest::File",
            &json!({"name": "x"}),
            json!({"operation": "create", "path": ".", "type": "file", "permissions": "1",
                   "owner": null, "group": null, "content": "", "previous_content": null}),
            json!([]),
        ),
        // Not an object of a view: annotated `any` (docs/plugin.md), the
        // plugin checks it.
        attributes("plugtest::File", &json!("a"), json!({}), json!([])),
        attributes("plugtest::File", &json!([file]), json!({}), json!([])),
    ];
    let outcomes = run(&dir, &steps);
    let mut expected = file.as_object().unwrap().clone();
    assert_ok(&outcomes[0], &Value::Object(expected.clone()));
    let keys: Vec<&str> = outcomes[0]["ok"]
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
            "permissions",
            "owner",
            "group",
            "type",
            "content",
            "previous_content"
        ],
        "the attributes in model order: bases first"
    );
    expected.remove("owner");
    expected.remove("group");
    expected.insert("previous_content".into(), json!("before"));
    assert_ok(&outcomes[1], &Value::Object(expected));
    let mut folder_attributes: Map<String, Value> = folder.as_object().unwrap().clone();
    folder_attributes.remove("content");
    assert_ok(&outcomes[2], &Value::Object(folder_attributes));
    assert_err(
        &outcomes[3],
        &[
            "attributes(): `plugtest::Fil` is not an entity of module plugtest; did you mean `plugtest::File`",
        ],
    );
    assert_err(
        &outcomes[4],
        &[
            "`other::File` is not an entity of module plugtest",
            "the attributes plugin of a module knows the entities of that module only",
        ],
    );
    assert_err(
        &outcomes[5],
        &[
            "attributes(): `plugtest::File` has no attribute `nope` (given in an override); its attributes are `operation`, `path`,",
        ],
    );
    assert_err(
        &outcomes[6],
        &["`plugtest::File` has no attribute `nope` (given in skip_attributes)"],
    );
    assert_err(
        &outcomes[7],
        &["attributes(): attribute `owner` of `plugtest::File` is both skipped and overridden"],
    );
    assert_err(
        &outcomes[8],
        &[
            "attributes(): `plugtest::File` needs attribute `permissions`, `owner`, `group`, `type`, `content`, `previous_content`, which the object at path `content[name=x]` does not have; pass a value (name=...) or skip it (skip_attributes)",
        ],
    );
    assert_eq!(outcomes[9]["ok"]["name"], "x");
    assert_eq!(outcomes[9]["ok"]["permissions"], "1");
    assert_err(
        &outcomes[10],
        &["attributes(): slice_object_attr must be an object of a view (a dict), not 'a'"],
    );
    assert_err(
        &outcomes[11],
        &[
            "attributes(): slice_object_attr must be an object of a view (a dict), not [{'operation': 'create', 'path': 'content[type=file][name...",
        ],
    );
}

// ---------------------------------------------------------------------------
// Dict paths: the plugin's parser and lookup against git_ops_runtime's.

fn leaf() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(2),
        json!(-3),
        json!(1.0),
        json!(1.5),
        json!(1e16),
        json!(9007199254740993u64),
        json!("1"),
        json!("1.0"),
        json!("a"),
        json!("b"),
        json!("None"),
        json!("True"),
        json!("x.y"),
        json!("*"),
        json!("a\\.b"),
        json!(["a", 1]),
        json!({"k": null}),
    ])
}

const KEYS: [&str; 5] = ["a", "b", "l", "k", "n"];

fn document() -> impl Strategy<Value = Value> {
    let node = leaf().prop_recursive(3, 32, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((prop::sample::select(KEYS.to_vec()), inner), 0..4).prop_map(to_map),
        ]
    });
    vec((prop::sample::select(KEYS.to_vec()), node), 0..5).prop_map(to_map)
}

fn to_map(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Plain sections over the keys of `document()`, with selector values that
/// match some leaves.
fn lookup_path() -> impl Strategy<Value = DictPath> {
    let value = prop::sample::select(vec![
        "1",
        "1.0",
        "0",
        "2",
        "-3",
        "1.5",
        "1e16",
        "1e+16",
        " 1 ",
        "1_0",
        "a",
        "b",
        "None",
        "True",
        "False",
        "x.y",
        "*",
        "a\\.b",
        "['a', 1]",
        "{'k': None}",
        "\\0",
        "9007199254740993",
        "9007199254740992",
    ])
    .prop_map(|v| match v {
        "\\0" => SelectorValue::Null,
        text => SelectorValue::Text(text.into()),
    });
    let key = prop::sample::select(KEYS.to_vec()).prop_map(|k| Key::Name(k.into()));
    let section = prop_oneof![
        key.clone().prop_map(Section::Key),
        (prop::sample::select(KEYS.to_vec()), vec((key, value), 1..3)).prop_map(
            |(relation, pairs)| {
                let mut selectors: Vec<Selector> = Vec::new();
                for (key, value) in pairs {
                    if !selectors.iter().any(|s| s.key == key) {
                        selectors.push(Selector { key, value });
                    }
                }
                Section::Item {
                    relation: relation.into(),
                    selectors: Arc::from(selectors),
                }
            }
        ),
    ];
    vec(section, 0..4).prop_map(|s| DictPath::from_sections(s).unwrap())
}

/// A parsed path in the shape the driver writes.
fn sections(path: &DictPath) -> Value {
    let name = |key: &Key| match key {
        Key::Name(name) => json!(&**name),
        Key::Wildcard => unreachable!("a plain path"),
    };
    path.sections()
        .iter()
        .map(|section| match section {
            Section::Key(key) => json!(["key", name(key)]),
            Section::Item {
                relation,
                selectors,
            } => json!([
                "item",
                &**relation,
                selectors
                    .iter()
                    .map(|s| json!([
                        name(&s.key),
                        match &s.value {
                            SelectorValue::Text(text) => json!(&**text),
                            SelectorValue::Null => Value::Null,
                            SelectorValue::Wildcard => unreachable!("a plain path"),
                        }
                    ]))
                    .collect::<Vec<_>>()
            ]),
        })
        .collect()
}

#[test]
fn dict_paths_agree_with_the_runtime() {
    let dir = scratch("plugin-dictpath");
    // Parsing: strings close to the syntax, and rendered paths.
    let mut inputs = dictpath_support::sample(dictpath_support::path_like_string(), 3000);
    inputs.extend(
        dictpath_support::sample(dictpath_support::plain_path(), 1000)
            .iter()
            .map(DictPath::render),
    );
    inputs.extend(
        [
            ".",
            "",
            "..",
            "a.",
            ".a",
            "a..b",
            r"a\",
            r"a\x",
            "a[k=v]x",
            "a[k=x.y]",
            r"a[k=\0]",
            r"a[k=\\0]",
            "a[k=*]",
            "a[*=v]",
            "*",
            "a*",
            "[k=v]",
            "a[k]",
            "a[=v]",
            "a[k=v][k=w]",
            r"a\.b[k\]=v\[]",
            "a[k=v",
            "a[k=v]]",
        ]
        .map(str::to_owned),
    );
    // Lookups on generated documents.
    let lookups = dictpath_support::sample((document(), lookup_path()), 3000);
    let mut steps: Vec<Value> = inputs.iter().map(|i| json!({"parse": i})).collect();
    steps.extend(
        lookups
            .iter()
            .map(|(doc, path)| json!({"lookup": path.render(), "document": doc})),
    );
    let outcomes = run(&dir, &steps);

    let mut accepted = 0;
    for (input, outcome) in inputs.iter().zip(&outcomes) {
        match DictPath::parse(input) {
            Ok(path) => {
                accepted += 1;
                assert_eq!(
                    outcome.get("ok"),
                    Some(&sections(&path)),
                    "parse {input:?}: {outcome}"
                );
            }
            Err(error) => assert!(
                outcome.get("err").is_some(),
                "{input:?} is refused by the runtime ({error}) but the plugin reads {outcome}"
            ),
        }
    }
    assert!(
        accepted > 1000 && accepted < inputs.len(),
        "{accepted} accepted"
    );

    let mut found = 0;
    for ((doc, path), outcome) in lookups.iter().zip(&outcomes[inputs.len()..]) {
        match path.get(doc) {
            Ok(value) => {
                found += 1;
                assert_eq!(
                    outcome.get("ok"),
                    Some(value),
                    "lookup {path} in {doc}: {outcome}"
                );
            }
            Err(_) => assert_eq!(
                outcome.get("missing"),
                Some(&json!(true)),
                "lookup {path} in {doc}: {outcome}"
            ),
        }
    }
    // Enough of both outcomes for the comparison to mean something.
    assert!(found > 300 && found < lookups.len() - 300, "{found} found");
}
