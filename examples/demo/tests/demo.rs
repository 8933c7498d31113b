//! The demo of the README runs through, in a temporary folder, and ends
//! with the project it describes.

use std::process::Command;

#[test]
fn the_demo_runs_the_whole_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_git-ops-demo"))
        .env("GIT_OPS_DEMO_DIR", dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for expected in [
        "11 written, 0 unchanged, 0 removed",
        "  synced     campus-20 v2 (deleted)",
        "plan against HEAD (",
        "1 slice created, 2 updated, 1 deleted, 0 unchanged",
        "| `tree` | `oak` | updated | v1 → v2 |",
        "  removed    git_ops/active/vlan/campus-10@v1.json",
        "ok: 3 stores (vlan, tree, disk)",
    ] {
        assert!(stdout.contains(expected), "no {expected:?} in:\n{stdout}");
    }
    let campus = dir.path().join("campus");
    let repo = git2::Repository::open(&campus).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    assert_eq!(walk.count(), 3, "three commits");
    let mut active: Vec<String> = std::fs::read_dir(campus.join("git_ops/active/vlan"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    active.sort();
    assert_eq!(
        active,
        [
            ".migrations.json",
            "campus-10@v2.json",
            "campus-20@v2.json",
            "campus-30@v1.json"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(campus.join("git_ops/active/vlan/campus-20@v2.json")).unwrap(),
        "{}"
    );
    assert!(
        dir.path()
            .join("acme/inmanta_plugins/acme/git_ops_manifest.json")
            .is_file()
    );
}
