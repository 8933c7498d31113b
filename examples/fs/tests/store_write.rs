//! Write-side scenarios of spec §12 on the `fs` example store: `slice
//! create` (40–42, gap 29) and the pytest helper flow (49) with the Rust
//! test support (`git_ops_runtime::testing`), with the prune decision of
//! gap 30.

use fs::{File, Folder, FolderContent, PathBase, RootFolder};
use git_ops_runtime::store::OperationError;
use git_ops_runtime::testing::TestProject;

const SCAFFOLD: &str = r#"{
  "name": "<REPLACE_THIS>",
  "permissions": "770",
  "owner": null,
  "group": null,
  "type": "folder",
  "content": [],
  "root": "<REPLACE_THIS>"
}"#;

#[test]
fn scenarios_40_41_42_create() {
    let p = TestProject::with_store::<RootFolder>();
    let created = p.engine().create("fs", "test-folder", "json").unwrap();
    assert_eq!(created.shown, "files/fs/test-folder.json");
    assert_eq!(p.read("files/fs/test-folder.json"), SCAFFOLD);
    assert_eq!(created.report.stores[0].files.len(), 1);

    // 41: a source of that name exists (in any extension).
    let before = p.snapshot();
    for extension in ["json", "yaml"] {
        let error = p
            .engine()
            .create("fs", "test-folder", extension)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "a source slice named `test-folder` already exists in store `fs` at files/fs/test-folder.json"
        );
    }
    // 42: an unknown store.
    let error = p.engine().create("unknown", "x", "json").unwrap_err();
    assert_eq!(
        error.to_string(),
        "no store named `unknown`; the stores are: fs"
    );
    assert_eq!(p.snapshot(), before);
}

#[test]
fn gap_29_names_that_cannot_be_slice_names() {
    let p = TestProject::with_store::<RootFolder>();
    let before = p.snapshot();
    for (name, reason) in [
        ("", "it is empty"),
        (".hidden", "it starts with `.`, which would hide its file"),
        (
            "a/b",
            "it contains `/` (slice names cannot contain `/`, `\\` or `@`)",
        ),
        (
            "a\\b",
            "it contains `\\` (slice names cannot contain `/`, `\\` or `@`)",
        ),
        (
            "a@v1",
            "it contains `@` (slice names cannot contain `/`, `\\` or `@`)",
        ),
        ("tab\there", "it contains a control character"),
        ("line\nbreak", "it contains a control character"),
    ] {
        match p.engine().create("fs", name, "json") {
            Err(OperationError::InvalidName { reason: r, .. }) => assert_eq!(r, reason, "{name:?}"),
            other => panic!("{name:?}: {other:?}"),
        }
    }
    assert!(matches!(
        p.engine().create("fs", "ok", "toml"),
        Err(OperationError::UnsupportedExtension(_))
    ));
    assert_eq!(p.snapshot(), before);
    // Dots and spaces are fine; `yml` too.
    p.engine().create("fs", "a b.c", "yml").unwrap();
    assert!(p.root().join("files/fs/a b.c.yml").exists());
}

#[test]
fn a_deleted_slice_can_be_created_again_and_continues_its_versions() {
    let p = TestProject::with_store::<RootFolder>();
    let s = p.slice::<RootFolder>("etc");
    s.write(&root(vec![]));
    s.remove();
    assert_eq!(s.versions(), [1, 2]);
    p.prune();
    // Gap 30: the tombstone stays, alone; the slice does not appear.
    assert_eq!(s.versions(), [2]);
    assert!(s.instance().is_none());
    p.engine().create("fs", "etc", "json").unwrap();
    s.write(&root(vec![]));
    assert_eq!(s.versions(), [2, 3]);
    let instance = s.instance().unwrap();
    assert_eq!(instance.version, 3);
    // A tombstone has no content: everything is new again.
    assert_eq!(instance.attributes["operation"], "create");
}

fn base(name: &str) -> PathBase {
    PathBase {
        name: name.into(),
        permissions: "770".into(),
        owner: None,
        group: None,
    }
}

fn folder(name: &str) -> FolderContent {
    FolderContent::Folder(Folder {
        path: base(name),
        content: vec![],
    })
}

fn file(name: &str) -> FolderContent {
    FolderContent::File(File {
        path: base(name),
        content: String::new(),
        previous_content: None,
    })
}

fn root(content: Vec<FolderContent>) -> RootFolder {
    RootFolder {
        folder: Folder {
            path: base("etc"),
            content,
        },
        root: "/srv".into(),
    }
}

#[test]
fn scenario_49_the_test_support_flow() {
    let p = TestProject::with_store::<RootFolder>();
    let s = p.slice::<RootFolder>("etc");
    let items = |record: &git_ops_runtime::store::SliceRecord| {
        record.attributes["content"].as_array().unwrap().clone()
    };

    s.write(&root(vec![]));
    let instance = s.instance().unwrap();
    assert_eq!(
        (instance.version, s.versions().len(), items(&instance).len()),
        (1, 1, 0)
    );

    s.write(&root(vec![]));
    assert_eq!((s.instance().unwrap().version, s.versions().len()), (1, 1));

    s.write(&root(vec![
        folder("a"),
        folder("b"),
        folder("c"),
        file("d"),
    ]));
    let instance = s.instance().unwrap();
    assert_eq!(
        (instance.version, s.versions().len(), items(&instance).len()),
        (2, 2, 4)
    );
    assert_eq!(items(&instance)[0]["path"], "content[type=folder][name=a]");

    p.prune();
    assert_eq!(s.versions(), [2]);

    s.write(&root(vec![folder("a"), folder("b")]));
    let instance = s.instance().unwrap();
    assert_eq!(
        (instance.version, s.versions().len(), items(&instance).len()),
        (3, 2, 4)
    );
    let listed = items(&instance);
    let deleted: Vec<&str> = listed
        .iter()
        .filter(|i| i["operation"] == "delete")
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(deleted, ["c", "d"]);

    p.prune();
    assert_eq!(s.versions(), [3]);
    assert_eq!(items(&s.instance().unwrap()).len(), 2);

    s.remove();
    assert_eq!(s.versions(), [3, 4]);
    s.remove();
    let files = s.version_files();
    assert!(files.last().unwrap().ends_with("etc@v4.json"));
    assert_eq!(
        std::fs::read_to_string(files.last().unwrap()).unwrap(),
        "{}"
    );
    let instance = s.instance().unwrap();
    assert!(instance.deleted);
    assert_eq!(items(&instance).len(), 2);

    p.prune();
    // Gap 30: the original deletes the tombstone too (0 files); we keep it,
    // alone, so a slice created again continues at v5. Either way the
    // slice no longer appears.
    assert_eq!(s.versions(), [4]);
    assert!(s.instance().is_none());
    assert!(p.instances("fs").is_empty());
}
