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
use git_ops_runtime::testing::{TestProject, snapshot_folder};
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

/// A slice source of the recursive store.
fn slice_source(name: &str) -> String {
    format!("name: {name}\nembedded_required:\n  name: r\n")
}

/// Issue 9 case 4: every file an operation creates is checked while it is
/// staged, before the journal: a name longer than the file system takes
/// (`name@vN.json` of a 248-character slice, a created slice of 252), or a
/// folder where a file goes, is refused naming the source file and the
/// slice, and nothing changes.
#[test]
fn files_that_cannot_be_written_are_refused_before_the_journal() {
    let long = "a".repeat(248);
    // Update refuses the slice whose next version cannot be written.
    let p = changed(false);
    p.write(
        &format!("files/recursive/{long}.yaml"),
        &slice_source(&long),
    );
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "files/recursive/{long}.yaml: slice `{long}`: git-ops cannot write git_ops/active/recursive/{long}@v1.json: its name is 256 bytes long, and the file system allows at most 255: give the slice a shorter name"
        )
    );
    assert_eq!(p.snapshot(), before);
    assert!(!p.engine().has_interrupted_operation());

    // 251 characters in `.yml`: the source fits (255 bytes), neither its
    // first version nor its view files (`<name>.json`) do.
    let p = changed(false);
    let longer = "b".repeat(251);
    p.write(
        &format!("files/recursive/{longer}.yml"),
        &slice_source(&longer),
    );
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert!(
        error.to_string().starts_with(&format!(
            "files/recursive/{longer}.yml: slice `{longer}`: git-ops cannot write git_ops/active/recursive/{longer}@v1.json: its name is 259 bytes long"
        )),
        "{error}"
    );
    assert_eq!(p.snapshot(), before);

    // Sync: a folder (with a file of the user in it) where a version goes.
    // Named like an active file, it is refused by the listing already
    // (case 2: it is not a file), before anything is staged.
    let p = changed(false);
    p.update();
    p.write("git_ops/active/recursive/d@v1.json/notes.txt", "mine");
    let before = p.snapshot();
    let error = p.engine().sync().unwrap_err();
    assert_eq!(
        error.to_string(),
        "git_ops/active/recursive/d@v1.json: a folder, named like a slice file: a slice file must be a regular file (or a link to one inside the project); git-ops does not read it, nor take its slice as deleted"
    );
    assert_eq!(p.snapshot(), before);
    assert!(!p.engine().has_interrupted_operation());

    // Create: the source file, or the first version, too long.
    let p = changed(false);
    p.update();
    let before = p.snapshot();
    for (length, file) in [
        (252, "files/recursive/{}.json"),
        (248, "git_ops/active/recursive/{}@v1.json"),
    ] {
        let name = "c".repeat(length);
        let error = p.engine().create("recursive", &name, "json").unwrap_err();
        let file = file.replace("{}", &name);
        assert!(
            matches!(&error, OperationError::InvalidName { reason, .. } if reason.starts_with(&format!("git-ops cannot write {file}: its name is "))),
            "{error}"
        );
        assert_eq!(p.snapshot(), before);
    }
    // 247 characters: every file fits.
    p.engine()
        .create("recursive", &"c".repeat(247), "json")
        .unwrap();

    // A folder where a view file goes (a dry run, as `check`, finds it
    // too); a folder where a removed view is.
    let mut p = changed(false);
    p.write("git_ops/views/recursive/source/d.json/x", "mine");
    let before = p.snapshot();
    for dry_run in [false, true] {
        p.set_options(Options {
            dry_run,
            ..options()
        });
        let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
        assert!(
            error.to_string().contains(
                "cannot write git_ops/views/recursive/source/d.json: a folder is in the way"
            ),
            "{error}"
        );
        assert_eq!(p.snapshot(), before);
    }
    let p = changed(false);
    p.write("git_ops/views/recursive/source/gone.json/x", "mine");
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert!(
        error.to_string().contains(
            "cannot remove git_ops/views/recursive/source/gone.json: a folder is in the way"
        ),
        "{error}"
    );
    assert_eq!(p.snapshot(), before);
}

#[test]
fn temporary_names_fit_when_their_target_fits() {
    // 60 characters of 4 bytes: the target names fit (240 bytes + `.yaml`,
    // `@v1.json`, `.json`); the temporary names cut their prefix by bytes.
    let name = "\u{1d51e}".repeat(60);
    let p = TestProject::new(registry(false));
    p.write(
        &format!("files/recursive/{name}.yaml"),
        &slice_source(&name),
    );
    p.update();
    p.sync();
    assert_eq!(p.slice::<RecursiveSlice>(&name).versions(), [1]);
    assert!(p.update().is_noop());
}

/// Runs `setup`'s project's sync until it crashes just after its commit
/// point: the journal is on disk, no step done.
fn crashed_after_commit(setup: impl Fn() -> TestProject) -> TestProject {
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
            return p;
        }
        assert!(fault.crashed(), "no commit point found");
    }
    unreachable!()
}

/// The journal's steps.
fn journal_steps(p: &TestProject) -> Vec<Value> {
    let journal: Value = serde_json::from_str(&p.read("git_ops/.journal.json")).unwrap();
    journal["steps"].as_array().unwrap().clone()
}

/// Issue 9 case 4, the way out: a replay that fails (a folder put in the
/// way after the commit point) names the journal, the operation and the
/// step; every writing command refuses the same way; `recover` finishes the
/// operation once the folder is moved away, and the store is then exactly
/// as after an uninterrupted sync.
#[test]
fn a_replay_that_fails_names_the_journal_and_recover_finishes_it() {
    let setup = || {
        let p = changed(false);
        p.update();
        p
    };
    let reference = setup();
    reference.sync();
    let expected = reference.snapshot();

    let p = crashed_after_commit(setup);
    let journal: Value = serde_json::from_str(&p.read("git_ops/.journal.json")).unwrap();
    assert_eq!(journal["operation"], "sync");
    let steps = journal_steps(&p);
    let position = steps
        .iter()
        .position(|s| s["rename"]["to"] == "git_ops/active/recursive/d@v1.json")
        .expect("the sync writes d@v1");
    p.write("git_ops/active/recursive/d@v1.json/notes.txt", "mine");
    let message = format!(
        "the sync recorded in git_ops/.journal.json cannot be finished: step {} of {}",
        position + 1,
        steps.len()
    );
    for error in [
        p.engine().sync().unwrap_err(),
        p.engine().update(&UpdateOptions::default()).unwrap_err(),
        p.engine().prune().unwrap_err(),
        p.engine().recover().unwrap_err(),
    ] {
        let text = error.to_string();
        assert!(
            matches!(error, OperationError::Transaction(TxnError::Replay(_))),
            "{text}"
        );
        assert!(text.starts_with(&message), "{text}");
        assert!(
            text.contains("to \"git_ops/active/recursive/d@v1.json\") failed: "),
            "{text}"
        );
        assert!(
            text.ends_with("a folder is in the way: move git_ops/active/recursive/d@v1.json away, then run `git-ops project recover`"),
            "{text}"
        );
    }
    // The user's folder is untouched; moved away, recover finishes.
    assert_eq!(
        p.read("git_ops/active/recursive/d@v1.json/notes.txt"),
        "mine"
    );
    std::fs::remove_dir_all(p.root().join("git_ops/active/recursive/d@v1.json")).unwrap();
    let recovery = p.engine().recover().unwrap();
    assert!(recovery.replayed && recovery.dropped.is_empty());
    assert_eq!(recovery.operation.as_deref(), Some("sync"));
    assert_eq!(p.snapshot(), expected);
    assert!(p.engine().recover().unwrap().is_empty());
    assert!(p.update().is_noop());
    assert!(p.sync().is_noop());
}

/// A journal of an older git-ops that renames onto a name the file system
/// cannot hold: every writing command refuses to go on without it and
/// points to `recover`, which finishes the operation without that file.
#[test]
fn recover_finishes_an_old_journal_without_a_file_that_cannot_exist() {
    let setup = || {
        let p = changed(false);
        p.update();
        p
    };
    let reference = setup();
    reference.sync();
    let expected = reference.snapshot();

    let p = crashed_after_commit(setup);
    let mut journal: Value = serde_json::from_str(&p.read("git_ops/.journal.json")).unwrap();
    // As an older git-ops wrote it: no operation, and one more step.
    journal.as_object_mut().unwrap().remove("operation");
    let long = "e".repeat(248);
    let target = format!("git_ops/active/recursive/{long}@v1.json");
    let temporary = format!("git_ops/active/recursive/.{}.1-1.git-ops.tmp", &long[..64]);
    p.write(&temporary, "{}");
    journal["steps"].as_array_mut().unwrap().insert(
        0,
        serde_json::json!({"rename": {"from": temporary, "to": target}}),
    );
    p.write("git_ops/.journal.json", &journal.to_string());

    let error = p.engine().sync().unwrap_err().to_string();
    assert!(
        error.starts_with(&format!(
            "the git-ops operation recorded in git_ops/.journal.json cannot be finished: step 1 of {} (rename \"{temporary}\" to \"{target}\") failed: its name is 256 bytes long, and the file system allows at most 255; this file can never be written: run `git-ops project recover`, which finishes the operation without it",
            journal["steps"].as_array().unwrap().len()
        )),
        "{error}"
    );
    let recovery = p.engine().recover().unwrap();
    assert!(recovery.replayed);
    assert_eq!(recovery.operation, None);
    assert_eq!(recovery.dropped, [target]);
    assert_eq!(p.snapshot(), expected);
    assert!(p.update().is_noop());
    assert!(p.sync().is_noop());
}

/// Issue 9 case 5: a journal is replayed only when every step stays in
/// the folders git-ops writes and renames one of its temporary files in
/// its target's folder; any other journal is refused whole, naming the
/// step, before any step: nothing changes inside or outside the project.
#[test]
fn hostile_journals_are_refused_whole() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    let out = outside.path().display().to_string();
    let active = "git_ops/active/recursive";
    let tmp = format!("{active}/.a@v1.json.1-1.git-ops.tmp");
    let rename = |from: &str, to: &str| serde_json::json!({"rename": {"from": from, "to": to}});
    let remove = |path: &str| serde_json::json!({"remove": path});
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        (
            "absolute outside",
            vec![remove(&format!("{out}/victim.txt"))],
            "it is outside the folders git-ops writes",
        ),
        (
            "up and out",
            vec![rename(&tmp, "../outside/keep.txt")],
            "the path has an empty, `.` or `..` part",
        ),
        (
            "up inside a store",
            vec![remove(&format!("{active}/../../../x@v1.json"))],
            "`..` part",
        ),
        (
            "dot",
            vec![remove(&format!("{active}/./a@v1.json"))],
            "`.` or `..` part",
        ),
        (
            "empty part",
            vec![remove("git_ops//active/recursive/a@v1.json")],
            "an empty",
        ),
        ("empty", vec![remove("")], "the path is empty"),
        (
            "nul",
            vec![remove(&format!("{active}/a@v1.json\u{0}"))],
            "NUL",
        ),
        (
            "backslash",
            vec![remove("git_ops\\active\\recursive\\a@v1.json")],
            "backslash",
        ),
        (
            "absolute inside",
            vec![remove(&format!("{}/{active}/a@v1.json", "ROOT"))],
            "absolute inside the project",
        ),
        (
            "project file",
            vec![remove("project.yml")],
            "never writes this file",
        ),
        (
            "config",
            vec![rename(
                "files/.git-ops-config.yml.1-1.git-ops.tmp",
                "files/git-ops-config.yml",
            )],
            "never writes this file",
        ),
        (
            "source removed",
            vec![remove("files/recursive/a.yaml")],
            "git-ops never removes such a file",
        ),
        (
            "state removed",
            vec![remove(&format!("{active}/.migrations.json"))],
            "never removes such a file",
        ),
        (
            "not a slice file",
            vec![rename(
                &format!("{active}/.notes.txt.1-1.git-ops.tmp"),
                &format!("{active}/notes.txt"),
            )],
            "never writes a file of this name there",
        ),
        (
            "unknown store",
            vec![remove("git_ops/active/other/a@v1.json")],
            "outside the folders git-ops writes",
        ),
        (
            "from a slice file",
            vec![rename(
                &format!("{active}/a@v1.json"),
                &format!("{active}/z@v1.json"),
            )],
            "does not rename a temporary file",
        ),
        (
            "from another folder",
            vec![rename(
                "files/recursive/.a@v1.json.1-1.git-ops.tmp",
                &format!("{active}/a@v1.json"),
            )],
            "does not rename a temporary file",
        ),
        (
            "from outside",
            vec![rename(
                &format!("{out}/.a@v1.json.1-1.git-ops.tmp"),
                &format!("{active}/a@v1.json"),
            )],
            "does not rename a temporary file",
        ),
        (
            "from another target's temporary",
            vec![rename(
                &format!("{active}/.b@v1.json.1-1.git-ops.tmp"),
                &format!("{active}/a@v1.json"),
            )],
            "does not rename a temporary file",
        ),
        (
            "temporary is a link",
            vec![rename(&tmp, &format!("{active}/a@v1.json"))],
            "its temporary file is not a regular file",
        ),
        (
            "linked folder",
            vec![remove("git_ops/active/recursive/a@v1.json")],
            "leads out of the project through a symbolic link",
        ),
        (
            "a good step, then a bad one",
            vec![
                remove(&format!("{active}/a@v1.json")),
                remove(&format!("{out}/victim.txt")),
            ],
            "step 2 of 2",
        ),
    ];
    for (what, steps, reason) in cases {
        let p = changed(false);
        p.update();
        p.sync();
        std::fs::write(&victim, "victim").unwrap();
        let steps: Vec<Value> = steps
            .into_iter()
            .map(|s| {
                serde_json::from_str(
                    &s.to_string()
                        .replace("ROOT", &p.root().display().to_string()),
                )
                .unwrap()
            })
            .collect();
        match what {
            "temporary is a link" => {
                #[cfg(unix)]
                std::os::unix::fs::symlink(&victim, p.root().join(&tmp)).unwrap();
            }
            "linked folder" => {
                let moved = outside.path().join("recursive");
                let _ = std::fs::remove_dir_all(&moved);
                std::fs::rename(p.root().join(active), &moved).unwrap();
                #[cfg(unix)]
                std::os::unix::fs::symlink(&moved, p.root().join(active)).unwrap();
            }
            _ => {
                p.write(&tmp, "{}");
            }
        }
        let text = serde_json::json!({"git_ops_journal": 1, "operation": "sync", "steps": steps});
        p.write("git_ops/.journal.json", &text.to_string());
        let before = p.snapshot();
        let outside_before = std::fs::read_dir(outside.path()).unwrap().count();
        for error in [
            p.engine().sync().unwrap_err(),
            p.engine().recover().unwrap_err(),
        ] {
            let message = error.to_string();
            if what == "linked folder" {
                // A folder linked out of the project is refused before the
                // journal is read (`docs/operations.md`, "Links").
                assert!(
                    message.starts_with(&format!(
                        "{active}: a symbolic link to `{}`",
                        outside.path().join("recursive").display()
                    )),
                    "{what}: {message}"
                );
                continue;
            }
            assert!(
                matches!(
                    error,
                    OperationError::Transaction(TxnError::JournalRefused(_))
                ),
                "{what}: {message}"
            );
            assert!(
                message.starts_with("the journal git_ops/.journal.json of an interrupted sync is refused, nothing was done: step "),
                "{what}: {message}"
            );
            assert!(message.contains(reason), "{what}: {message}");
        }
        assert_eq!(p.snapshot(), before, "{what}");
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "victim",
            "{what}"
        );
        assert_eq!(
            std::fs::read_dir(outside.path()).unwrap().count(),
            outside_before,
            "{what}"
        );
    }
}

// Bad input that lost data or escaped the project (issue 9): each refused
// with the file named, nothing changed on disk, inside the project or out.

/// Three slices `a`, `b`, `c`, updated and synced (v1), in a project whose
/// registry has the recursive store and a second store `other` of the same
/// type (source folder `files/other/`).
fn synced() -> TestProject {
    let mut registry = registry(false);
    let mut other = <RecursiveSlice as git_ops_runtime::Slice>::store_schema();
    other.store = "other".into();
    other.source = "inmanta:///files/other/".into();
    let _ = registry.schema_store(other);
    let p = TestProject::new(registry);
    for name in ["a", "b", "c"] {
        p.write(
            &format!("files/recursive/{name}.yaml"),
            &format!("name: {name}\nembedded_required:\n  name: r\n"),
        );
    }
    p.write(
        "files/other/oak.yaml",
        "name: oak\nembedded_required:\n  name: r\n",
    );
    p.update();
    p.sync();
    p
}

/// The message of an operation's error: one located problem.
fn refused(result: Result<Report, OperationError>) -> String {
    match result {
        Err(OperationError::Store(errors)) => {
            assert_eq!(errors.errors.len(), 1, "{errors}");
            errors.errors[0].to_string()
        }
        other => panic!("{other:?}"),
    }
}

/// Issue 9, case 1: a `schema_path` that update must not write is refused
/// at its line in the configuration file; nothing is written.
#[cfg(unix)]
#[test]
fn schema_paths_update_must_not_write_are_refused() {
    let p = synced();
    let outside = tempfile::tempdir().unwrap();
    let outside_real = std::fs::canonicalize(outside.path()).unwrap();
    let root = p.root().to_path_buf();
    let root_real = std::fs::canonicalize(&root).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("files/out")).unwrap();
    p.write("files/notes.json", "{\"todo\": [\"buy milk\"]}\n");
    p.write("files/schemas/real.json", "{}");
    std::os::unix::fs::symlink("schemas/real.json", root.join("files/linked.json")).unwrap();
    let config = |path: &str| {
        p.write(
            "files/git-ops-config.yml",
            &format!("stores:\n  - store_name: recursive\n    schema_path: {path}\n"),
        );
    };
    let at = "files/git-ops-config.yml:3:18: `schema_path`";
    for (path, problem) in [
        (
            "inmanta:///files/other/oak.yaml".to_owned(),
            "is inside files/other, the source folder of store `other`: the schema file would be read as a slice".to_owned(),
        ),
        (
            "inmanta:///files/recursive/schema.json".to_owned(),
            "is inside files/recursive, the source folder of store `recursive`: the schema file would be read as a slice".to_owned(),
        ),
        (
            "inmanta:///files/git-ops-config.yml".to_owned(),
            "is the configuration file itself".to_owned(),
        ),
        (
            "inmanta:///files/notes.json".to_owned(),
            "names an existing file that git-ops did not write (it is not empty, nor `{}`, nor a JSON Schema: a JSON object with `title`, `\"type\": \"object\"` and `properties`); git-ops does not overwrite it: move it, or choose another `schema_path`".to_owned(),
        ),
        (
            "inmanta:///files/schemas".to_owned(),
            "names a folder, not a file".to_owned(),
        ),
        (
            "inmanta:///files/linked.json".to_owned(),
            "is a symbolic link: update would replace it with a file; name the file itself".to_owned(),
        ),
        (
            format!("file://{}/schema.json", outside.path().display()),
            format!(
                "is {}/schema.json, outside the project: git-ops writes nothing outside the project because of what the project holds (the Python module writes there); choose a file in the project, e.g. `inmanta:///files/schemas/<store>.json`",
                outside_real.display()
            ),
        ),
        (
            "inmanta:///files/out/schema.json".to_owned(),
            format!(
                "goes through the symbolic link files/out to `{}`: it resolves to {}, outside {}; git-ops does not write through it",
                outside.path().display(),
                outside_real.display(),
                root_real.display()
            ),
        ),
        (
            format!("file://{}/git_ops/views/schema.json", root.display()),
            "is inside `git_ops/`, which git-ops manages (active folders, views, journal, cache)".to_owned(),
        ),
    ] {
        config(&path);
        let before = p.snapshot();
        let outside_before = snapshot_folder(outside.path());
        let message = refused(p.engine().update(&UpdateOptions::default()));
        assert_eq!(message, format!("{at} {path:?} {problem}"), "{path}");
        // A dry run (`check`, `status`) refuses it too.
        let dry = p.engine().with_options(Options {
            dry_run: true,
            ..options()
        });
        assert_eq!(refused(dry.update(&UpdateOptions::default())), message);
        assert_eq!(p.snapshot(), before, "{path}");
        assert_eq!(snapshot_folder(outside.path()), outside_before);
    }
    // Two stores, one file.
    p.write(
        "files/git-ops-config.yml",
        "stores:\n  - store_name: recursive\n    schema_path: inmanta:///files/schemas/s.json\n  - store_name: other\n    schema_path: inmanta:///files/schemas/s.json\n",
    );
    let before = p.snapshot();
    assert_eq!(
        refused(p.engine().update(&UpdateOptions::default())),
        "files/git-ops-config.yml:5:18: `schema_path` \"inmanta:///files/schemas/s.json\" is also the schema path of store `recursive`: each store needs its own file"
    );
    assert_eq!(p.snapshot(), before);

    // Allowed: a new file, an empty one, a JSON Schema git-ops (or the
    // Python module, the same format) wrote for an older schema, a
    // `file://` path inside the project.
    p.write("files/schemas/empty.json", "");
    p.write("files/schemas/braces.json", "{}\n");
    p.write(
        "files/schemas/old.json",
        "{\n  \"properties\": {\n    \"name\": {\"title\": \"Name\", \"type\": \"string\"}\n  },\n  \"title\": \"RecursiveSlice\",\n  \"type\": \"object\"\n}",
    );
    for path in [
        "inmanta:///files/schemas/new.json".to_owned(),
        "inmanta:///files/schemas/empty.json".to_owned(),
        "inmanta:///files/schemas/braces.json".to_owned(),
        "inmanta:///files/schemas/old.json".to_owned(),
        format!("file://{}/files/schemas/abs.json", root.display()),
    ] {
        config(&path);
        p.update();
        let written = p.root().join(
            path.rsplit_once("/files/")
                .map(|(_, rest)| format!("files/{rest}"))
                .unwrap(),
        );
        let schema: Value = serde_json::from_slice(&std::fs::read(&written).unwrap()).unwrap();
        assert_eq!(schema["title"], "RecursiveSlice", "{path}");
    }
}

/// Issue 9, case 9: a configuration entry for a store that does not exist
/// (a typo silently left a store without its schema file) is an error at
/// its line, with the nearest store name; the check is against every
/// store of the registry, whatever `--store` selects, and accepts the
/// stores the registry knows other modules define.
#[test]
fn a_configuration_entry_for_an_unknown_store_is_refused() {
    let mut p = synced();
    p.write(
        "files/git-ops-config.yml",
        "stores:\n  - store_name: recursve\n    schema_path: inmanta:///files/schemas/recursive.json\n  - store_name: zzz\n",
    );
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "files/git-ops-config.yml:2:17: no store named `recursve`; did you mean `recursive`? the stores are: other, recursive\nfiles/git-ops-config.yml:4:17: no store named `zzz`; the stores are: other, recursive"
    );
    assert_eq!(p.snapshot(), before);
    // Selecting a store does not hide the typo.
    p.set_options(Options {
        stores: Some(vec!["other".into()]),
        ..options()
    });
    assert!(matches!(
        p.engine().update(&UpdateOptions::default()),
        Err(OperationError::Store(_))
    ));
    assert_eq!(p.snapshot(), before);
    // Stores of other modules, declared by the program: accepted, and their
    // schema paths are not written (this program does not have them).
    let mut registry = registry(false);
    registry.other_stores(["recursve", "zzz"]);
    p.set_options(options());
    let p = p.with_registry(registry);
    p.update();
    assert!(!p.root().join("files/schemas/recursive.json").exists());
}

/// Issue 9, case 2: a source file that cannot be read (a dangling link,
/// a link loop, a named pipe, a folder) made update report the slice
/// deleted and sync write a tombstone. Every operation refuses, naming it.
#[cfg(unix)]
#[test]
fn an_unreadable_source_file_is_never_a_deleted_slice() {
    use std::os::unix::fs::symlink;
    type Make = fn(&std::path::Path);
    let unreadable: [(&str, Make); 4] = [
        ("dangling link", |path| {
            symlink("unmounted/c.yaml", path).unwrap()
        }),
        ("link loop", |path| symlink("c.yaml", path).unwrap()),
        ("named pipe", |path| {
            assert!(
                std::process::Command::new("mkfifo")
                    .arg(path)
                    .status()
                    .unwrap()
                    .success()
            )
        }),
        ("folder", |path| std::fs::create_dir(path).unwrap()),
    ];
    for (what, make) in unreadable {
        let p = synced();
        let file = p.root().join("files/recursive/c.yaml");
        std::fs::remove_file(&file).unwrap();
        make(&file);
        let before = p.snapshot();
        for (operation, result) in [
            ("update", p.engine().update(&UpdateOptions::default())),
            ("sync", p.engine().sync()),
        ] {
            let message = refused(result);
            assert!(
                message.starts_with("files/recursive/c.yaml: "),
                "{what}, {operation}: {message}"
            );
            assert!(
                message.contains("cannot be followed")
                    || message.contains("does not exist")
                    || message.contains("nor take its slice as deleted"),
                "{what}, {operation}: {message}"
            );
        }
        assert_eq!(p.snapshot(), before, "{what}");
        assert!(!p.root().join("git_ops/active/recursive/c@v2.json").exists());
    }
}

/// Issue 9, case 7: a folder git-ops reads or writes, reached through a
/// link out of the project (at any level), makes every operation refuse
/// before it takes the lock; nothing changes, inside or outside.
#[cfg(unix)]
#[test]
fn no_operation_goes_through_a_link_out_of_the_project() {
    for link in [
        "files/recursive",
        "files",
        "git_ops/active/recursive",
        "git_ops/active",
        "git_ops/views/recursive",
        "git_ops/views",
        "git_ops/.cache",
        "git_ops",
    ] {
        let p = synced();
        let outside = tempfile::tempdir().unwrap();
        let moved = outside.path().join("moved");
        // The real folder moves out; the project keeps a link to it.
        std::fs::rename(p.root().join(link), &moved).unwrap();
        std::os::unix::fs::symlink(&moved, p.root().join(link)).unwrap();
        // Something for each operation to do.
        if link != "files" && link != "files/recursive" {
            p.write(
                "files/recursive/d.yaml",
                "name: d\nembedded_required:\n  name: r\n",
            );
        }
        let before = p.snapshot();
        let outside_before = snapshot_folder(outside.path());
        let engine = p.engine();
        let results = [
            engine.update(&UpdateOptions::default()),
            engine.sync(),
            engine.prune(),
        ];
        for result in results {
            let message = refused(result);
            assert!(
                message.starts_with(&format!("{link}: a symbolic link to `{}`", moved.display())),
                "{link}: {message}"
            );
            assert!(message.contains("outside"), "{message}");
        }
        assert!(matches!(
            engine.create("recursive", "e", "json"),
            Err(OperationError::Store(_))
        ));
        assert!(matches!(engine.recover(), Err(OperationError::Store(_))));
        assert_eq!(p.snapshot(), before, "{link}");
        assert_eq!(snapshot_folder(outside.path()), outside_before, "{link}");
    }
}

/// Issue 9, case 7: a lock file that is a link is not followed (opening it
/// would create a file wherever it points).
#[cfg(unix)]
#[test]
fn the_lock_is_never_taken_through_a_link() {
    let p = synced();
    let outside = tempfile::tempdir().unwrap();
    let lock = p.root().join("git_ops/.lock");
    let _ = std::fs::remove_file(&lock);
    std::os::unix::fs::symlink(outside.path().join("created"), &lock).unwrap();
    let before = p.snapshot();
    match p.engine().sync() {
        Err(OperationError::Lock(LockError::Link(path))) => assert_eq!(path, lock),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.snapshot(), before);
    assert!(snapshot_folder(outside.path()).is_empty());
}

/// Issue 9, case 7: links that stay inside the project are followed: a
/// source folder elsewhere in the project, a source file linked to a file
/// of the project. A linked source file update must rewrite is refused
/// (it would silently become a regular file); one in normalised form is
/// read through and stays a link.
#[cfg(unix)]
#[test]
fn links_inside_the_project_are_followed_and_never_replaced() {
    use std::os::unix::fs::symlink;
    let p = synced();
    let root = p.root().to_path_buf();
    // A source folder linked elsewhere in the project.
    std::fs::rename(root.join("files/other"), root.join("shared-other")).unwrap();
    symlink("../shared-other", root.join("files/other")).unwrap();
    p.write(
        "shared-other/elm.yaml",
        "name: elm\nembedded_required:\n  name: r\n",
    );
    // A source file linked to a file of the project, not normalised.
    p.write("shared/d.yaml", "name: d\nembedded_required:\n  name: r\n");
    symlink("../../shared/d.yaml", root.join("files/recursive/d.yaml")).unwrap();
    let before = p.snapshot();
    let message = refused(p.engine().update(&UpdateOptions::default()));
    assert_eq!(
        message,
        "files/recursive/d.yaml: a symbolic link to `../../shared/d.yaml`, and update must rewrite it (to its normalised form, or with processor values): git-ops does not write through links, nor replace a link by a file; replace the link by the file it points to"
    );
    assert_eq!(p.snapshot(), before);
    // Normalised (as update writes `c`): read through, the link stays.
    std::fs::copy(
        root.join("files/recursive/c.yaml"),
        root.join("shared/d.yaml"),
    )
    .unwrap();
    let d = p.read("shared/d.yaml").replace("name: c", "name: d");
    p.write("shared/d.yaml", &d);
    p.update();
    p.sync();
    assert!(
        std::fs::symlink_metadata(root.join("files/recursive/d.yaml"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(p.read("shared/d.yaml"), d);
    let names: Vec<String> = p
        .instances("recursive")
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["a", "b", "c", "d"]);
    let names: Vec<String> = p.instances("other").into_iter().map(|r| r.name).collect();
    assert_eq!(names, ["elm", "oak"]);
}

/// Issue 9, case 10: names the naming rule refuses, and `@v0`, are refused
/// by every operation, naming the file.
#[test]
fn names_the_naming_rule_refuses_stop_every_operation() {
    for (file, problem) in [
        (
            "files/recursive/new\nline.yaml",
            "\"new\\nline\" cannot be a slice name: it contains a control character",
        ),
        (
            "files/recursive/back\\slash.yaml",
            "\"back\\\\slash\" cannot be a slice name: it contains `\\` (slice names cannot contain `/`, `\\` or `@`)",
        ),
        (
            "git_ops/active/recursive/a@v0.json",
            "slice file name \"a@v0.json\" has version 0; versions start at 1",
        ),
    ] {
        let p = synced();
        p.write(file, "name: x\nembedded_required:\n  name: r\n");
        let before = p.snapshot();
        for result in [
            p.engine().update(&UpdateOptions::default()),
            p.engine().sync(),
            p.engine().prune(),
        ] {
            assert_eq!(refused(result), format!("{file}: {problem}"));
        }
        assert_eq!(p.snapshot(), before, "{file:?}");
    }
}
