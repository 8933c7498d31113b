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

/// A named pipe at `path` (`mkfifo`).
#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// Issue 9, case 2: an entry named like a slice file that is not a regular
/// file (an unmounted share, a file not checked out) was skipped, so its
/// slice counted as deleted and sync wrote a tombstone. Every kind is
/// refused by name, in the source and in the active folder; entries that
/// are not named like slice files are still skipped.
#[cfg(unix)]
#[test]
fn entries_named_like_slice_files_that_are_not_files_are_refused() {
    use std::os::unix::fs::symlink;
    let p = tree();
    let folder = p.store.source_folder().to_path_buf();
    let active = p.root().join("git_ops/active/tree");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::create_dir_all(&active).unwrap();
    mkfifo(&folder.join("fifo.yaml"));
    let _socket = std::os::unix::net::UnixListener::bind(folder.join("socket.json")).unwrap();
    std::fs::create_dir(folder.join("folder.yml")).unwrap();
    symlink("not-checked-out.yaml", folder.join("dangling.yaml")).unwrap();
    symlink("loop.json", folder.join("loop.json")).unwrap();
    symlink("/dev/null", folder.join("device.json")).unwrap();
    mkfifo(&active.join("fifo@v3.json"));
    symlink("gone@v1.json", active.join("dangling@v2.json")).unwrap();
    // Not named like slice files: skipped, as before.
    mkfifo(&folder.join("pipe"));
    std::fs::create_dir(folder.join("archive")).unwrap();
    symlink("nowhere", folder.join("README")).unwrap();
    std::fs::write(active.join("ok@v1.json"), "{}").unwrap();

    let errors = p
        .store
        .list_files(&WorkingTree, ViewKind::Source)
        .unwrap_err();
    let rest = "named like a slice file: a slice file must be a regular file (or a link to one inside the project); git-ops does not read it, nor take its slice as deleted";
    let link =
        "git-ops does not read or write through links that leave the project or cannot be followed";
    assert_eq!(
        errors.messages(),
        [
            format!(
                "files/tree/dangling.yaml: a symbolic link to `not-checked-out.yaml`: its target does not exist; {link}"
            ),
            // A device is outside the project.
            format!(
                "files/tree/device.json: a symbolic link to `/dev/null`: it resolves to /dev/null, outside {}; {link}",
                std::fs::canonicalize(p.root()).unwrap().display()
            ),
            format!("files/tree/fifo.yaml: a named pipe (FIFO), {rest}"),
            format!("files/tree/folder.yml: a folder, {rest}"),
            format!(
                "files/tree/loop.json: a symbolic link to `loop.json`: it cannot be followed (a loop of links, or a folder that cannot be searched); {link}"
            ),
            format!("files/tree/socket.json: a socket, {rest}"),
            format!(
                "git_ops/active/tree/dangling@v2.json: a symbolic link to `gone@v1.json`: its target does not exist; {link}"
            ),
            format!("git_ops/active/tree/fifo@v3.json: a named pipe (FIFO), {rest}"),
        ]
    );
    assert!(
        errors
            .errors
            .iter()
            .all(|e| e.position.is_none() && e.snippet.is_none())
    );
    // The active view sees the active folder's problems only.
    assert_eq!(
        p.store
            .list_files(&WorkingTree, ViewKind::Active)
            .unwrap_err()
            .errors
            .len(),
        2
    );
}

/// Issue 9, case 2: a file replaced by a named pipe after the listing is
/// refused when it is read, without waiting for a writer (it is opened
/// without blocking and its type checked on the open descriptor).
#[cfg(target_os = "linux")] // O_NONBLOCK's value below
#[test]
fn a_named_pipe_that_appears_after_the_listing_is_not_waited_on() {
    let p = tree();
    let file = p.source("a.yaml", "label: a\ntrunk: {label: t}\n");
    let listing = p.store.list_files(&WorkingTree, ViewKind::Source).unwrap();
    std::fs::remove_file(&file).unwrap();
    mkfifo(&file);
    // A writer that opens the pipe as soon as a reader has it open, writes a
    // valid slice and closes it: a plain read would take that for the
    // slice. It polls without blocking, and stops once the load returned.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (file, done) = (file.clone(), done.clone());
        std::thread::spawn(move || {
            use std::os::unix::fs::OpenOptionsExt as _;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let opened = std::fs::OpenOptions::new()
                    .write(true)
                    .custom_flags(0o4000) // O_NONBLOCK (Linux): fails without a reader
                    .open(&file);
                if let Ok(mut pipe) = opened {
                    use std::io::Write as _;
                    // The reader may be gone already (EPIPE): ignored.
                    let _ = pipe.write_all(b"label: from the pipe\ntrunk: {label: t}\n");
                    return;
                }
                std::thread::yield_now();
            }
        })
    };
    let result = p.store.load(
        &WorkingTree,
        listing.get("a").unwrap(),
        ViewKind::Source,
        Depth::Full,
    );
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.join().unwrap();
    let errors = result.unwrap_err();
    assert_eq!(
        errors.messages(),
        ["files/tree/a.yaml: cannot read the file: it is a named pipe (FIFO), not a regular file"]
    );
}

/// Issue 9, case 7: a slice file linked out of the project (a key file,
/// `/proc/self/environ`) is refused, naming the link and where it points,
/// and nothing of its content appears in the error; a link inside the
/// project is read through.
#[cfg(unix)]
#[test]
fn slice_files_linked_out_of_the_project_are_refused_without_their_content() {
    use std::os::unix::fs::symlink;
    let p = tree();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("id_key.yaml");
    std::fs::write(&secret, "label: SECRET-KEY-MATERIAL\ntrunk: [\n").unwrap();
    let folder = p.store.source_folder().to_path_buf();
    std::fs::create_dir_all(&folder).unwrap();
    symlink(&secret, folder.join("a.yaml")).unwrap();
    symlink("/proc/self/environ", folder.join("env.yaml")).unwrap();
    // The same file by a relative path: up from `files/tree/` to `/`.
    let relative_out = format!(
        "{}/{}",
        std::iter::repeat_n("..", p.root().components().count() - 1 + 2)
            .collect::<Vec<_>>()
            .join("/"),
        secret.strip_prefix("/").unwrap().display()
    );
    symlink(&relative_out, folder.join("b.yaml")).unwrap();
    // Inside the project: followed.
    p.write("shared/c.yaml", "label: c\ntrunk: {label: t}\n");
    symlink("../../shared/c.yaml", folder.join("c.yaml")).unwrap();
    let active = p.root().join("git_ops/active/tree");
    std::fs::create_dir_all(&active).unwrap();
    symlink(&secret, active.join("d@v1.json")).unwrap();

    let errors = p
        .store
        .list_files(&WorkingTree, ViewKind::Source)
        .unwrap_err();
    let secret_real = std::fs::canonicalize(&secret).unwrap();
    let root_real = std::fs::canonicalize(p.root()).unwrap();
    let link =
        "git-ops does not read or write through links that leave the project or cannot be followed";
    let outside_message = |file: &str, target: &str, resolved: &std::path::Path| {
        format!(
            "{file}: a symbolic link to `{target}`: it resolves to {}, outside {}; {link}",
            resolved.display(),
            root_real.display()
        )
    };
    assert_eq!(
        errors.messages(),
        [
            outside_message(
                "files/tree/a.yaml",
                &secret.display().to_string(),
                &secret_real
            ),
            outside_message("files/tree/b.yaml", &relative_out, &secret_real),
            outside_message(
                "files/tree/env.yaml",
                "/proc/self/environ",
                &std::fs::canonicalize("/proc/self/environ").unwrap()
            ),
            outside_message(
                "git_ops/active/tree/d@v1.json",
                &secret.display().to_string(),
                &secret_real
            ),
        ]
    );
    for error in &errors.errors {
        assert!(error.snippet.is_none());
        assert!(!error.to_string().contains("SECRET"), "{error}");
    }
    std::fs::remove_file(folder.join("a.yaml")).unwrap();
    std::fs::remove_file(folder.join("b.yaml")).unwrap();
    std::fs::remove_file(folder.join("env.yaml")).unwrap();
    std::fs::remove_file(active.join("d@v1.json")).unwrap();
    let listing = p.store.list_files(&WorkingTree, ViewKind::Source).unwrap();
    let c = listing.get("c").unwrap().source.clone().unwrap();
    assert_eq!(
        c.link,
        Some(std::path::PathBuf::from("../../shared/c.yaml"))
    );
    assert_eq!(
        p.view(ViewKind::Source, "c").record.attributes["label"],
        "c"
    );
}

/// Issue 9, case 7: a store folder reached through a link out of the
/// project, or through a dangling link (an unmounted share), is refused,
/// not listed as an empty store (whose slices would all count as
/// deleted), at every level of the path; a link that stays inside is
/// followed.
#[cfg(unix)]
#[test]
fn store_folders_behind_links_out_of_the_project_are_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let outside_real = std::fs::canonicalize(outside.path()).unwrap();
    std::fs::write(
        outside.path().join("x.yaml"),
        "label: x\ntrunk: {label: t}\n",
    )
    .unwrap();
    for (link, at, kind) in [
        ("files/tree", "files/tree", ViewKind::Source),
        ("files", "files", ViewKind::Source),
        (
            "git_ops/active/tree",
            "git_ops/active/tree",
            ViewKind::Active,
        ),
        ("git_ops/active", "git_ops/active", ViewKind::Active),
        ("git_ops", "git_ops", ViewKind::Active),
    ] {
        let p = tree();
        let path = p.root().join(link);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        symlink(outside.path(), &path).unwrap();
        let root_real = std::fs::canonicalize(p.root()).unwrap();
        let errors = p.store.list_files(&WorkingTree, kind).unwrap_err();
        assert_eq!(
            errors.messages(),
            [format!(
                "{at}: a symbolic link to `{}`: it resolves to {}, outside {}; git-ops does not read or write through links that leave the project or cannot be followed",
                outside.path().display(),
                outside_real.display(),
                root_real.display()
            )],
            "{link}"
        );
        // A dangling link is not an empty store.
        std::fs::remove_file(&path).unwrap();
        symlink("/nonexistent/share", &path).unwrap();
        let errors = p.store.list_files(&WorkingTree, kind).unwrap_err();
        assert_eq!(
            errors.messages(),
            [format!(
                "{at}: a symbolic link to `/nonexistent/share`: its target does not exist; git-ops does not read or write through links that leave the project or cannot be followed"
            )],
            "{link}"
        );
    }
    // Inside the project: followed.
    let p = tree();
    p.write("shared/tree/a.yaml", "label: a\ntrunk: {label: t}\n");
    std::fs::create_dir_all(p.root().join("files")).unwrap();
    symlink("../shared/tree", p.root().join("files/tree")).unwrap();
    assert_eq!(p.names(ViewKind::Source), ["a"]);
}

/// Issue 9, case 10: one rule for slice names at every entry point. Names
/// `slice create` refuses (a backslash, a control character) are refused
/// when listing too, and `@v0` is no version.
#[test]
fn names_the_naming_rule_refuses_are_refused_when_listing() {
    let p = tree();
    p.source("a\\b.yaml", "label: a\ntrunk: {label: t}\n");
    p.source("line\nbreak.json", "{}");
    p.source("tab\tx.yml", "");
    p.write("git_ops/active/tree/zero@v0.json", "{}");
    p.write("git_ops/active/tree/bell\u{7}@v1.json", "{}");
    let errors = p
        .store
        .list_files(&WorkingTree, ViewKind::Source)
        .unwrap_err();
    assert_eq!(
        errors.messages(),
        [
            "files/tree/a\\b.yaml: \"a\\\\b\" cannot be a slice name: it contains `\\` (slice names cannot contain `/`, `\\` or `@`)",
            "files/tree/line\nbreak.json: \"line\\nbreak\" cannot be a slice name: it contains a control character",
            "files/tree/tab\tx.yml: \"tab\\tx\" cannot be a slice name: it contains a control character",
            "git_ops/active/tree/bell\u{7}@v1.json: \"bell\\u{7}\" cannot be a slice name: it contains a control character",
            "git_ops/active/tree/zero@v0.json: slice file name \"zero@v0.json\" has version 0; versions start at 1",
        ]
    );
}
