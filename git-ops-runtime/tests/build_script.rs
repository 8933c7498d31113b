//! `git_ops_runtime::build`: the check a build script runs
//! (`docs/build-script.md`), its directives and its rendering of problems.

use git_ops_runtime::build;
use git_ops_runtime::store::Registry;
use git_ops_runtime::testing::TestProject;
use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};

/// A tree.
#[derive(Serialize, Deserialize, Slice)]
#[slice(store = "tree")]
struct Tree {
    /// Key.
    #[slice(key)]
    label: String,
    /// The trunk.
    trunk: Branch,
}

/// A branch.
#[derive(Serialize, Deserialize, SliceObject)]
struct Branch {
    /// Key.
    #[slice(key)]
    label: String,
    /// How heavy.
    weight: Option<i64>,
}

fn registry() -> Registry {
    let mut registry = Registry::new();
    let _ = registry.store::<Tree>();
    registry
}

#[test]
fn a_valid_project_passes_and_asks_cargo_to_watch_its_folders() {
    let p = TestProject::new(registry());
    p.write("files/tree/a.yaml", "label: a\ntrunk:\n  label: t\n");
    let mut out = Vec::new();
    build::check(&registry(), p.root(), &mut out).unwrap();
    let root = p.root().display().to_string();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!(
            "cargo:rerun-if-changed={root}/files/git-ops-config.yml\n\
             cargo:rerun-if-changed={root}/files/tree\n\
             cargo:rerun-if-changed={root}/git_ops/active/tree\n"
        )
    );
}

#[test]
fn every_problem_is_reported_with_its_place() {
    let p = TestProject::new(registry());
    p.write(
        "files/tree/a.yaml",
        "label: a\ntrunk:\n  label: t\n  weight: heavy\n",
    );
    p.write(
        "files/tree/b.json",
        "{\"label\": \"b\", \"trunk\": {\"label\": \"t\"}, \"leaves\": 3}",
    );
    p.write("files/tree/c.yaml", "label: c\ntrunk: [\n");
    p.write("files/git-ops-config.yml", "stores:\n  - store: tree\n");
    let problems = build::check(&registry(), p.root(), &mut Vec::new()).unwrap_err();
    assert_eq!(
        problems.to_string(),
        format!(
            "git-ops: 5 problems in the slices of the project at {}:\n\
             error: files/git-ops-config.yml:2:5: unknown key `store`; a store entry has `store_name` and `schema_path`\n    \
             2 |   - store: tree\n    \
             \x20 |     ^\n\
             error: files/git-ops-config.yml:2:5: a store entry needs a `store_name`\n    \
             2 |   - store: tree\n    \
             \x20 |     ^\n\
             error: files/tree/a.yaml:4:11: trunk.weight: expected an integer or null, found the string \"heavy\"\n    \
             4 |   weight: heavy\n    \
             \x20 |           ^\n\
             error: files/tree/b.json:1:41: leaves: unknown field; expected one of `label`, `trunk`\n    \
             1 | {{\"label\": \"b\", \"trunk\": {{\"label\": \"t\"}}, \"leaves\": 3}}\n    \
             \x20 |                                         ^\n\
             error: files/tree/c.yaml:2:8: unclosed bracket '['\n    \
             2 | trunk: [\n    \
             \x20 |        ^",
            p.root().display()
        )
    );
}

#[test]
fn pending_migrations_and_a_missing_project_are_reported() {
    let p = TestProject::new(registry());
    p.write("files/tree/a.yaml", "label: a\ntrunk:\n  label: t\n");
    p.update();
    let mut registry = Registry::new();
    let _ = registry.store::<Tree>().migration("001", Ok);
    let problems = build::check(&registry, p.root(), &mut Vec::new()).unwrap_err();
    assert_eq!(
        problems
            .problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["store `tree` has pending migrations (001): run `git-ops project update` first"]
    );
    let problems = build::check(&registry, p.root().join("nowhere"), &mut Vec::new()).unwrap_err();
    assert!(problems.to_string().contains("cannot read"), "{problems}");
}
