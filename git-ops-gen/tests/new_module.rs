//! `git-ops new module`: the scaffolded module builds, its tests pass, its
//! binary regenerates exactly the files the scaffolder generated (so the
//! schema git-ops-gen computes for the example types is the one the
//! crate's derive computes), and its binary runs the Rust processor the
//! plain `git-ops` binary cannot.
//!
//! A nested `cargo test` on the new crate, with path dependencies on this
//! checkout and this workspace's `Cargo.lock` as a seed (so it builds
//! offline with the same versions). It builds in `target/scaffold/`: the
//! first run compiles the dependencies once (about a minute on two cores),
//! later runs only the crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use git_ops_gen::new_module::{Dependency, NewModule, scaffold_module};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the command runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_new_module_builds_passes_its_tests_and_regenerates_itself() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("git-ops-gen/new-module");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let dir = scratch.join("shop");
    let report = scaffold_module(&NewModule {
        name: "shop".into(),
        dir: dir.clone(),
        dependency: Dependency::Path(workspace()),
        license: "Apache-2.0".into(),
    })
    .unwrap();
    assert_eq!(report.binary, "git-ops-shop");
    let generated = report.generated.written.len();
    assert!(generated >= 6, "{:?}", report.generated);
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    // Build and test the crate.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = workspace().join("target/scaffold");
    let output = run(Command::new(&cargo)
        .args(["test", "--offline", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS"));
    let text = format!(
        "{}{}",
        stdout(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("test result: ok. 1 passed"),
        "the crate's test ran:\n{text}"
    );
    let binary = target.join("debug/git-ops-shop");
    assert!(binary.is_file(), "{} was built", binary.display());

    // Its binary generates from the crate's own types: exactly what the
    // scaffolder generated from its copy of them.
    let output = run(Command::new(&binary)
        .args(["module", "generate"])
        .current_dir(&dir));
    assert_eq!(
        stdout(&output).trim(),
        format!("0 written, {generated} unchanged, 0 removed"),
        "the crate's derive and git-ops-gen agree on the example types"
    );

    // A project using the module, made by the module's binary.
    let project = scratch.join("campus");
    run(Command::new(&binary)
        .args(["new", "project", "campus", "--dir"])
        .arg(&project));
    let slices = project.join("files/service");
    std::fs::write(slices.join("web.yaml"), "name: web\n").unwrap();
    let manifest = dir.join("inmanta_plugins/shop/git_ops_manifest.json");
    let plain = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_git-ops"));
        command
            .args(["project", "--manifest"])
            .arg(&manifest)
            .current_dir(&project)
            .env("NO_COLOR", "1");
        command
    };

    // The plain binary cannot run the module's Rust processor...
    let output = plain()
        .args(["update", "--durability", "none"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains(
            "processor `hostname` of store `service` must fill this value, but it is Rust code of the module: run the update with the module's own git-ops binary"
        ),
        "{error}"
    );
    // ... the module's binary can.
    let output = run(Command::new(&binary)
        .args(["project", "update", "--durability", "none"])
        .current_dir(&project));
    assert!(
        stdout(&output)
            .contains("filled     web: hostname = \"web.services.example.com\" (hostname)"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        std::fs::read_to_string(slices.join("web.yaml")).unwrap(),
        "name: web\nid: 1\nowner: null\nhostname: web.services.example.com\nendpoints: []\nchecks: []\n"
    );
    // Once filled, the plain binary syncs and checks the project.
    run(plain().args(["sync", "--durability", "none"]));
    let output = run(plain().arg("check"));
    assert!(
        stdout(&output).starts_with("ok: 1 store (service)"),
        "{}",
        stdout(&output)
    );
}
