//! Safety of the write side (spec §13 gaps 8, 9, 10; DESIGN "Beyond the
//! reference"): an operation that fails writes nothing; an operation
//! interrupted at any file operation is finished by a rerun, ending in
//! exactly the state of an uninterrupted run; two operations never
//! interleave.

use std::collections::BTreeMap;

use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::store::{
    Engine, FaultInjector, LockError, OperationError, Options, ProjectLock, Registry, Report,
    TxnError, UpdateOptions,
};
use git_ops_runtime::testing::TestProject;
use recursive::RecursiveSlice;
use serde_json::Value;

fn options() -> Options {
    Options {
        durability: Durability::None,
        threads: 2,
        ..Options::default()
    }
}

fn registry(migration: bool) -> Registry {
    let mut registry = Registry::new();
    let builder = registry.store::<RecursiveSlice>();
    if migration {
        // Fills in a description where there is none.
        let _ = builder.migration("2024-06-01-describe", |mut doc: Value| {
            if doc["description"].is_null() {
                doc["description"] = Value::String("migrated".into());
            }
            Ok(doc)
        });
    }
    registry
}

/// Three slices synced at v1, then: `a` changed, `b` deleted, `d` added.
fn changed(migration: bool) -> TestProject {
    let p = TestProject::new(registry(false));
    for name in ["a", "b", "c"] {
        p.write(
            &format!("files/recursive/{name}.yaml"),
            &format!(
                "name: {name}\nembedded_required:\n  name: r\nembedded_sequence:\n- name: x\n- name: y\n"
            ),
        );
    }
    p.update();
    p.sync();
    let a = p
        .read("files/recursive/a.yaml")
        .replace("- name: y\n", "- name: z\n");
    p.write("files/recursive/a.yaml", &a);
    std::fs::remove_file(p.root().join("files/recursive/b.yaml")).unwrap();
    p.write(
        "files/recursive/d.json",
        r#"{"name": "d", "embedded_required": {"name": "r"}}"#,
    );
    if migration {
        p.with_registry(registry(true))
    } else {
        p
    }
}

/// The snapshot without folders (an interrupted run may leave empty ones).
fn files_only(snapshot: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    snapshot
        .iter()
        .filter(|(k, _)| !k.ends_with('/'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Runs `op` on fresh copies of `setup()`, crashing after 0, 1, 2, ... file
/// operations, until it runs through; after each crash, recovers, checks
/// that the project is either as before or as after the operation, reruns,
/// and checks that the result is exactly that of an uninterrupted run.
fn crash_everywhere(
    setup: impl Fn() -> TestProject,
    op: impl Fn(&Engine<'_>) -> Result<Report, OperationError>,
) -> usize {
    let reference = setup();
    let before = reference.snapshot();
    op(&reference.engine()).unwrap_or_else(|e| panic!("{e}"));
    let expected = reference.snapshot();
    assert_ne!(before, expected, "the operation must change something");
    let mut crashes = 0;
    for n in 0.. {
        let mut p = setup();
        let fault = FaultInjector::after(n);
        p.set_options(Options {
            fault: Some(fault.clone()),
            ..options()
        });
        let result = op(&p.engine());
        p.set_options(options());
        if !fault.crashed() {
            result.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.snapshot(), expected, "uninterrupted after {n} operations");
            break;
        }
        crashes += 1;
        assert!(
            matches!(
                result,
                Err(OperationError::Transaction(TxnError::InjectedCrash))
            ),
            "{result:?}"
        );
        let recovery = p.engine().recover().unwrap_or_else(|e| panic!("{e}"));
        let recovered = files_only(&p.snapshot());
        if recovery.replayed {
            assert_eq!(
                recovered,
                files_only(&expected),
                "crash after {n}: replayed"
            );
        } else {
            assert_eq!(
                recovered,
                files_only(&before),
                "crash after {n}: rolled back"
            );
        }
        op(&p.engine()).unwrap_or_else(|e| panic!("rerun after a crash after {n}: {e}"));
        assert_eq!(p.snapshot(), expected, "rerun after a crash after {n}");
    }
    crashes
}

#[test]
fn an_interrupted_sync_is_finished_by_a_rerun() {
    let setup = || {
        let p = changed(false);
        p.update();
        p
    };
    let crashes = crash_everywhere(setup, |engine| engine.sync());
    // a@v2, b@v2, d@v1, their views, ...: many points.
    assert!(crashes > 10, "{crashes}");
}

#[test]
fn an_interrupted_update_with_migrations_is_finished_by_a_rerun() {
    let crashes = crash_everywhere(
        || changed(true),
        |engine| engine.update(&UpdateOptions::default()),
    );
    assert!(crashes > 10, "{crashes}");
}

#[test]
fn an_interrupted_prune_is_finished_by_a_rerun() {
    let setup = || {
        let p = changed(false);
        p.update();
        p.sync();
        p
    };
    let crashes = crash_everywhere(setup, |engine| engine.prune());
    assert!(crashes > 3, "{crashes}");
}

#[test]
fn an_operation_replays_a_leftover_journal_first() {
    let setup = || {
        let p = changed(false);
        p.update();
        p
    };
    let reference = setup();
    reference.sync();
    let expected = reference.snapshot();
    // Crash just after the commit point, then run a sync directly.
    for n in 0.. {
        let mut p = setup();
        let fault = FaultInjector::after(n);
        p.set_options(Options {
            fault: Some(fault.clone()),
            ..options()
        });
        let _ = p.engine().sync();
        p.set_options(options());
        if p.engine().has_interrupted_operation() {
            let report = p.sync();
            assert!(report.recovered.replayed);
            assert!(report.is_noop(), "{report:?}");
            assert_eq!(p.snapshot(), expected);
            break;
        }
        assert!(fault.crashed(), "no commit point found");
    }
}

#[test]
fn failed_operations_write_nothing() {
    // An invalid file among valid ones: the update fails and writes nothing
    // (spec scenario 37: the original rewrites the sources anyway).
    let p = changed(false);
    p.write(
        "files/recursive/e.yaml",
        "name: e\nembedded_required:\n  name: r\n  unique_id: many\n",
    );
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert!(
        error.to_string().contains(
            "files/recursive/e.yaml:4:14: embedded_required.unique_id: expected an integer or null"
        ),
        "{error}"
    );
    assert_eq!(p.snapshot(), before);
    // Sync refuses (sources not up to date) and writes nothing.
    std::fs::remove_file(p.root().join("files/recursive/e.yaml")).unwrap();
    let before = p.snapshot();
    assert!(matches!(
        p.engine().sync(),
        Err(OperationError::NotUpToDate { .. })
    ));
    assert_eq!(p.snapshot(), before);
    // A failing migration: nothing written, not even the other files.
    let p = changed(false).with_registry({
        let mut registry = Registry::new();
        let _ = registry
            .store::<RecursiveSlice>()
            .migration("001-fails-on-c", |doc: Value| {
                if doc["name"] == "c" {
                    Err("cannot migrate c".into())
                } else {
                    Ok(doc)
                }
            });
        registry
    });
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "files/recursive/c.yaml: migration `001-fails-on-c` of store `recursive` failed: cannot migrate c"
    );
    assert_eq!(p.snapshot(), before);
    // Creating an existing slice, setting under a deleted element.
    let p = changed(false);
    p.update();
    let before = p.snapshot();
    assert!(matches!(
        p.engine().create("recursive", "a", "json"),
        Err(OperationError::SliceExists { .. })
    ));
    assert_eq!(p.snapshot(), before);
}

#[test]
fn two_operations_never_interleave() {
    let p = changed(false);
    let lock = ProjectLock::acquire(p.root(), false).unwrap();
    let before = p.snapshot();
    match p.engine().update(&UpdateOptions::default()) {
        Err(OperationError::Lock(LockError::Busy(path))) => {
            assert!(path.ends_with("git_ops/.lock"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ProjectLock::acquire(p.root(), false),
        Err(LockError::Busy(_))
    ));
    assert_eq!(p.snapshot(), before);
    drop(lock);
    p.update();
}
