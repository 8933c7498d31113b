//! `Options::dry_run`: an operation reports what it would do and changes
//! nothing (what `git-ops project check` and `status` build on).

use git_ops_runtime::store::{
    Change, FileKind, OperationError, Options, SliceChangeKind, UpdateOptions,
};
use git_ops_runtime::testing::TestProject;
use simple::SimpleSlice;

fn dry(p: &mut TestProject) {
    p.set_options(Options {
        dry_run: true,
        durability: git_ops_runtime::format::atomic::Durability::None,
        ..Options::default()
    });
}

fn real(p: &mut TestProject) {
    p.set_options(Options {
        durability: git_ops_runtime::format::atomic::Durability::None,
        ..Options::default()
    });
}

#[test]
fn a_dry_run_reports_what_the_operation_would_do_and_changes_nothing() {
    let mut p = TestProject::with_store::<SimpleSlice>();
    p.write("files/simple/a.yaml", "name: a\n");
    let before = p.snapshot();

    dry(&mut p);
    let planned = p.engine().update(&UpdateOptions::default()).unwrap();
    assert_eq!(p.snapshot(), before, "a dry update changes nothing");
    real(&mut p);
    let done = p.engine().update(&UpdateOptions::default()).unwrap();
    // The same report as the real run.
    assert_eq!(planned.stores, done.stores);
    let store = planned.store("simple").unwrap();
    assert!(
        store
            .files_of(FileKind::Source)
            .any(|f| f.path == "files/simple/a.yaml" && f.change == Change::Written)
    );
    assert_eq!(store.slices[0].change, SliceChangeKind::Created);

    // Sync: the new version, not written.
    dry(&mut p);
    let before = p.snapshot();
    let planned = p.engine().sync().unwrap();
    assert_eq!(p.snapshot(), before, "a dry sync changes nothing");
    assert!(
        planned
            .files()
            .any(|f| f.path == "git_ops/active/simple/a@v1.json" && f.kind == FileKind::Active)
    );
    real(&mut p);
    let done = p.engine().sync().unwrap();
    assert_eq!(planned.stores, done.stores);

    // Nothing left to do: both dry runs are no-ops.
    dry(&mut p);
    assert!(
        p.engine()
            .update(&UpdateOptions::default())
            .unwrap()
            .is_noop()
    );
    assert!(p.engine().sync().unwrap().is_noop());

    // Prune: the removals it would make.
    real(&mut p);
    p.write("files/simple/a.yaml", "name: a\ndescription: changed\n");
    p.update();
    p.sync();
    dry(&mut p);
    let before = p.snapshot();
    let planned = p.engine().prune().unwrap();
    assert_eq!(p.snapshot(), before, "a dry prune changes nothing");
    assert!(
        planned
            .files()
            .any(|f| f.path == "git_ops/active/simple/a@v1.json" && f.change == Change::Removed)
    );
}

#[test]
fn a_dry_run_refuses_what_the_operation_refuses() {
    let mut p = TestProject::with_store::<SimpleSlice>();
    p.write("files/simple/a.yaml", "name: a\n");
    dry(&mut p);
    let before = p.snapshot();
    // The source is not normalised yet: sync refuses.
    let error = p.engine().sync().unwrap_err();
    assert!(
        matches!(error, OperationError::NotUpToDate { .. }),
        "{error}"
    );
    // An invalid file.
    p.write("files/simple/b.yaml", "name: [1]\n");
    let before_b = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert!(matches!(error, OperationError::Store(_)), "{error}");
    assert_eq!(p.snapshot(), before_b);
    assert_ne!(before, before_b);
}

#[test]
fn a_dry_run_stops_at_the_journal_of_an_interrupted_operation() {
    let mut p = TestProject::with_store::<SimpleSlice>();
    p.write("files/simple/a.yaml", "name: a\n");
    p.write(
        "git_ops/.journal.json",
        r#"{"git_ops_journal": 1, "steps": []}"#,
    );
    dry(&mut p);
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert!(
        matches!(&error, OperationError::Interrupted { journal } if journal == "git_ops/.journal.json"),
        "{error}"
    );
    assert!(p.root().join("git_ops/.journal.json").exists());
}
