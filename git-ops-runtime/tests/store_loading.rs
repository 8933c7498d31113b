//! Listing and loading errors: every problem names its file, and the line,
//! column and dict path when they are known; a check lists every problem of
//! a store.

mod store_support;
#[path = "document_support/mod.rs"]
mod support;

use git_ops_runtime::format::Position;
use git_ops_runtime::store::{Depth, StoreErrorKind, StoreErrors, ViewKind, WorkingTree};
use store_support::store_project::TestProject;

fn tree() -> TestProject {
    TestProject::new(support::tree())
}

fn source_errors(p: &TestProject) -> StoreErrors {
    p.store.check(&WorkingTree, ViewKind::Source).unwrap_err()
}

/// `(file:line:col message, snippet)` of a single error.
fn single(errors: &StoreErrors) -> (String, Option<String>) {
    assert_eq!(errors.errors.len(), 1, "{errors}");
    (
        errors.messages()[0].clone(),
        errors.errors[0].snippet.clone(),
    )
}

#[test]
fn malformed_json() {
    let p = tree();
    p.source(
        "a.json",
        "{\"label\": \"a\",\n  \"trunk\": {\"label\": \"t\"},,\n}",
    );
    let errors = source_errors(&p);
    let (message, snippet) = single(&errors);
    assert!(message.starts_with("files/tree/a.json:2:27: "), "{message}");
    assert!(matches!(errors.errors[0].kind, StoreErrorKind::Read(_)));
    assert_eq!(
        snippet.as_deref(),
        Some("2 |   \"trunk\": {\"label\": \"t\"},,\n  |                           ^")
    );
}

#[test]
fn malformed_yaml() {
    let p = tree();
    p.source("a.yaml", "label: a\ntrunk: [a\n");
    let errors = source_errors(&p);
    let (message, snippet) = single(&errors);
    assert_eq!(message, "files/tree/a.yaml:2:8: unclosed bracket '['");
    assert_eq!(snippet.as_deref(), Some("2 | trunk: [a\n  |        ^"));
    assert!(matches!(errors.errors[0].kind, StoreErrorKind::Read(_)));
}

#[test]
fn not_a_mapping() {
    let p = tree();
    p.source("a.yaml", "- label: a\n");
    let (message, _) = single(&source_errors(&p));
    assert_eq!(
        message,
        "files/tree/a.yaml:1:1: the document does not contain a mapping (found a list)"
    );
}

#[test]
fn schema_violations_point_at_the_value() {
    let p = tree();
    p.source(
        "a.yaml",
        "label: a\ntrunk:\n  label: t\n  weight: heavy\nbranches:\n  - lable: x\n",
    );
    let errors = source_errors(&p);
    assert_eq!(
        errors.messages(),
        [
            "files/tree/a.yaml:4:11: trunk.weight: expected an integer or null, found the string \"heavy\"",
            "files/tree/a.yaml:6:5: branches[0].label: missing required field (expected a string)",
            "files/tree/a.yaml:6:5: branches[0].lable: unknown field; did you mean `label`?",
        ]
    );
    assert_eq!(errors.errors[0].dict_path.as_deref(), Some("trunk.weight"));
    assert_eq!(errors.errors[0].position, Some(Position::new(4, 11)));
    assert_eq!(
        errors.errors[2].snippet.as_deref(),
        Some("6 |   - lable: x\n  |     ^")
    );
    assert!(matches!(errors.errors[0].kind, StoreErrorKind::Document(_)));
}

#[test]
fn a_missing_field_points_at_its_parent() {
    let p = tree();
    p.source("a.json", "{\n  \"label\": \"a\"\n}");
    let (message, _) = single(&source_errors(&p));
    assert_eq!(
        message,
        "files/tree/a.json:1:1: trunk: missing required field (expected a `Branch` object)"
    );
}

#[test]
fn duplicate_items_in_an_active_file() {
    let p = tree();
    p.write(
        "git_ops/active/tree/a@v3.json",
        "{\"label\": \"a\", \"trunk\": {\"label\": \"t\"},\n \"branches\": [{\"label\": \"x\"}, {\"label\": \"x\"}]}",
    );
    let (message, _) = single(&p.store.check(&WorkingTree, ViewKind::Active).unwrap_err());
    assert_eq!(
        message,
        "git_ops/active/tree/a@v3.json:2:31: branches[label=x]: duplicate item: `branches[0]` and `branches[1]` have the same identity (label=x)"
    );
}

#[test]
fn two_source_files_for_one_slice() {
    let p = tree();
    p.source("a.json", "{}");
    p.source("a.yaml", "");
    p.source("a.yml", "");
    let errors = p
        .store
        .list_files(&WorkingTree, ViewKind::Source)
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "files/tree/a.json: slice `a` has two source files, this one and files/tree/a.yaml: keep one of them",
            "files/tree/a.json: slice `a` has two source files, this one and files/tree/a.yml: keep one of them",
        ]
    );
}

#[test]
fn bad_file_names() {
    let p = tree();
    for name in [
        "a@x.json", "noext", "a.JSON", "a.tar.gz", "@v1.json", "ok.json",
    ] {
        p.source(name, "{}");
    }
    let errors = p
        .store
        .list_files(&WorkingTree, ViewKind::Source)
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "files/tree/@v1.json: slice file name \"@v1.json\" has an empty slice name",
            "files/tree/a.JSON: slice file name \"a.JSON\" has an invalid extension (expected lowercase letters a-z after the last dot)",
            "files/tree/a.tar.gz: unsupported slice file extension \"gz\": slice files end in .json, .yaml or .yml (move other files out of the folder)",
            "files/tree/a@x.json: slice file name \"a@x.json\" has an invalid version (expected the name, then `@v` and digits, then the extension)",
            "files/tree/noext: slice file name \"noext\" has no extension",
        ]
    );
}

#[test]
fn active_files_need_one_file_per_version() {
    let p = tree();
    p.write("git_ops/active/tree/a.json", "{}");
    p.write("git_ops/active/tree/b@v1.json", "{}");
    p.write("git_ops/active/tree/b@v1.yaml", "");
    p.write("git_ops/active/tree/c@v01.json", "{}");
    p.write("git_ops/active/tree/c@v1.json", "{}");
    let errors = p
        .store
        .list_files(&WorkingTree, ViewKind::Active)
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "git_ops/active/tree/a.json: active files must carry a version in their name (`<name>@v<N>.json`); this one has none",
            "git_ops/active/tree/b@v1.json: version 1 of slice `b` is stored twice, in this file and in git_ops/active/tree/b@v1.yaml: keep one of them",
            "git_ops/active/tree/c@v01.json: version 1 of slice `c` is stored twice, in this file and in git_ops/active/tree/c@v1.json: keep one of them",
        ]
    );
}

#[test]
fn hidden_files_folders_and_temporary_files_are_skipped() {
    let p = tree();
    p.write("git_ops/active/tree/.migrations.json", "{\"applied\": []}");
    p.write("git_ops/active/tree/.a@v2.json.12-0.git-ops.tmp", "{");
    p.write("git_ops/active/tree/sub/x.txt", "");
    p.write(
        "git_ops/active/tree/a@v1.yaml",
        "label: a\ntrunk: {label: t}\n",
    );
    p.source(".hidden.txt", "");
    let listing = p.store.list_files(&WorkingTree, ViewKind::Source).unwrap();
    assert_eq!(listing.names().collect::<Vec<_>>(), ["a"]);
    let view = p.view(ViewKind::Active, "a");
    assert_eq!(view.record.version, 1);
}

#[test]
fn a_check_lists_every_problem_of_every_file() {
    let p = tree();
    p.source("a.yaml", "label: 1\ntrunk: {label: t}\n");
    p.source("b.json", "{\"label\": \"b\"}");
    p.source("c@v2.json", "{}");
    p.source("d.yaml", "label: d\ntrunk: {label: t}\n");
    p.write(
        "git_ops/active/tree/a@v1.json",
        "{\"label\": \"a\", \"trunk\": {\"label\": \"t\"}, \"x\": 1}",
    );
    let errors = source_errors(&p);
    assert_eq!(
        errors.messages(),
        [
            "files/tree/a.yaml:1:8: label: expected a string, found the integer 1",
            "files/tree/b.json:1:1: trunk: missing required field (expected a `Branch` object)",
            "files/tree/c@v2.json: a source file name cannot carry a version (`@v2`): versions are assigned by git-ops and only appear in the active store; rename the file to `c.json`",
            "git_ops/active/tree/a@v1.json:1:41: x: unknown field; expected one of `label`, `note`, `owner`, `trunk`, `spare`, `branches`",
        ]
    );
    // Loading one broken slice reports the problems of all its files.
    let listing = p.store.list_files(&WorkingTree, ViewKind::Active).unwrap();
    let errors = p
        .store
        .load(
            &WorkingTree,
            listing.get("a").unwrap(),
            ViewKind::Active,
            Depth::Full,
        )
        .unwrap_err();
    assert_eq!(errors.errors.len(), 1);
    // A good slice next to broken ones still loads.
    let listing = p.store.list_files(&WorkingTree, ViewKind::Active).unwrap();
    assert_eq!(listing.names().collect::<Vec<_>>(), ["a"]);
    p.remove_source("c@v2.json");
    assert_eq!(p.view(ViewKind::Source, "d").record.version, 1);
}

#[test]
fn a_check_lists_slices_with_the_same_root_keys() {
    let p = tree();
    p.source("a.yaml", "label: oak\ntrunk: {label: t}\n");
    p.source(
        "b.json",
        "{\"trunk\": {\"label\": \"t\"}, \"label\": \"oak\"}",
    );
    p.source("c.yaml", "label: elm\ntrunk: {label: t}\n");
    let collision = "two `Tree` objects with one identity would make the export compile fail on an index collision; give one of the two slices other keys";
    assert_eq!(
        source_errors(&p).messages(),
        [format!(
            "files/tree/b.json:1:36: label: slice `a` has the same keys (label=oak, files/tree/a.yaml:1:8): {collision}"
        )]
    );
    // The active view: the records of the versions synced.
    p.write(
        "git_ops/active/tree/x@v1.json",
        "{\"label\": \"elm\", \"trunk\": {\"label\": \"t\"}}",
    );
    p.write(
        "git_ops/active/tree/y@v1.json",
        "{\"label\": \"elm\", \"trunk\": {\"label\": \"t\"}}",
    );
    let errors = p.store.check(&WorkingTree, ViewKind::Active).unwrap_err();
    assert_eq!(
        errors.messages(),
        [format!(
            "git_ops/active/tree/y@v1.json:1:11: label: slice `x` has the same keys (label=elm, git_ops/active/tree/x@v1.json:1:11): {collision}"
        )]
    );
}

#[test]
fn latest_depth_assigns_versions_without_reading_old_versions() {
    let p = tree();
    // An old version the current schema refuses is not read at all.
    p.write("git_ops/active/tree/a@v1.json", "{\"old\": true}");
    p.write(
        "git_ops/active/tree/a@v2.json",
        "{\"label\": \"a\", \"trunk\": {\"label\": \"t\"}}",
    );
    p.source("a.yaml", "label: a\ntrunk: {label: t, note: n}\n");
    let listing = p.store.list_files(&WorkingTree, ViewKind::Source).unwrap();
    let slice = p
        .store
        .load(
            &WorkingTree,
            listing.get("a").unwrap(),
            ViewKind::Source,
            Depth::Latest,
        )
        .unwrap();
    let current = slice.current().unwrap();
    assert_eq!((current.version, current.is_new), (3, true));
    assert!(slice.is_visible());
    assert!(matches!(
        slice.view().unwrap_err().errors[0].kind,
        StoreErrorKind::HistoryNotLoaded(_)
    ));
    // The full load reads it and refuses it.
    assert!(
        p.store
            .load(
                &WorkingTree,
                listing.get("a").unwrap(),
                ViewKind::Source,
                Depth::Full
            )
            .is_err()
    );
}
