//! The git-ops workflow end to end, on the `acme` example module
//! (`examples/acme`: stores `vlan`, `tree`, `disk`):
//!
//! ```text
//! cargo run -p git-ops-demo
//! ```
//!
//! In `target/demo/` (or the folder `GIT_OPS_DEMO_DIR` names), from
//! scratch: the inmanta module generated from the Rust slice types, a
//! project using it in a new git repository, slices created, updated and
//! synced, committed; then a branch's changes (a label changed, a slice
//! deleted, one added, objects of a tree added, changed and removed),
//! synced, planned against the previous commit (as a table and as a
//! pull-request comment), committed and pruned. Every step runs the
//! `git-ops` command line (the same code as the binary, with the acme
//! stores built in, as a module's own binary has them) and prints what it
//! prints. The folder stays for you to look at.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use git_ops_gen::cli::{Stores, run_from};
use git_ops_gen::package::{PackageSpec, write_python_package};
use git_ops_runtime::store::Registry;

/// The stores of the acme example, as its own binary registers them.
fn registry() -> Registry {
    let mut registry = Registry::new();
    let _ = registry.store::<acme::slices::vlan::Vlan>();
    let _ = registry.store::<acme::slices::tree::Tree>();
    let _ = registry.store::<acme::slices::disk::Volume>();
    registry
}

/// A failed step: the message.
type Step = Result<(), String>;

const TITLE: anstyle::Style = anstyle::Style::new().bold();
const COMMAND: anstyle::Style = anstyle::AnsiColor::Cyan.on_default().bold();

/// Prints a section title (bold on a terminal, unless `NO_COLOR` is set).
fn section(title: &str) {
    anstream::println!("\n{TITLE}== {title}{TITLE:#}");
}

/// Prints a comment.
fn say(text: &str) {
    println!("# {text}");
}

/// Runs `git-ops <args>` (the command line, in this process) and prints
/// it first.
fn git_ops(args: &[&str]) -> Step {
    git_ops_status(args, &[0])
}

/// As [`git_ops`], accepting these exit codes.
fn git_ops_status(args: &[&str], ok: &[u8]) -> Step {
    anstream::println!("{COMMAND}$ git-ops {}{COMMAND:#}", args.join(" "));
    let mut argv = vec!["git-ops"];
    argv.extend_from_slice(args);
    let code = run_from(argv, Stores::Registry(registry()));
    if ok.iter().any(|c| code == ExitCode::from(*c)) {
        Ok(())
    } else {
        Err(format!("`git-ops {}` failed", args.join(" ")))
    }
}

/// Writes a file (as an editor would) and shows it.
fn edit(path: &str, text: &str) -> Step {
    println!("$ edit {path}");
    for line in text.lines() {
        println!("  | {line}");
    }
    std::fs::write(path, text).map_err(|e| format!("{path}: {e}"))
}

/// Deletes a file.
fn remove(path: &str) -> Step {
    println!("$ rm {path}");
    std::fs::remove_file(path).map_err(|e| format!("{path}: {e}"))
}

/// Shows a file.
fn show(path: &str) -> Step {
    println!("$ cat {path}");
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    println!("{}", text.trim_end());
    Ok(())
}

/// Commits every file of the repository (`git add -A && git commit`),
/// with git2: no `git` program nor user configuration needed.
fn commit(repo: &git2::Repository, message: &str) -> Step {
    println!("$ git add -A && git commit -m {message:?}");
    let git = |e: git2::Error| e.message().to_owned();
    let mut index = repo.index().map_err(git)?;
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .map_err(git)?;
    index.update_all(["*"], None).map_err(git)?;
    index.write().map_err(git)?;
    let tree = repo
        .find_tree(index.write_tree().map_err(git)?)
        .map_err(git)?;
    let signature = git2::Signature::now("git-ops demo", "demo@example.com").map_err(git)?;
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let id = repo
        .commit(
            Some("HEAD"),
            &signature,
            &signature,
            message,
            &tree,
            &parents,
        )
        .map_err(git)?;
    println!("[{}] {message}", &id.to_string()[..12]);
    Ok(())
}

/// The demo's folder: `GIT_OPS_DEMO_DIR`, else `target/demo` of the
/// workspace.
fn folder() -> PathBuf {
    match std::env::var_os("GIT_OPS_DEMO_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/demo"),
    }
}

fn demo(root: &Path) -> Step {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    std::env::set_current_dir(&root).map_err(|e| e.to_string())?;
    println!("working in {}", root.display());

    section("1. The inmanta module, generated from the Rust slice types of examples/acme");
    say("A module folder with its Python packaging (written once, then yours)...");
    write_python_package(Path::new("acme"), &PackageSpec::new("acme"))
        .map_err(|e| e.to_string())?;
    say("... and what git-ops generates from the types: model, JSON Schemas, manifest, plugin.");
    git_ops(&["module", "--module-path", "acme", "generate"])?;
    git_ops(&["module", "--module-path", "acme", "store", "list"])?;

    section("2. A project using the module, in a new git repository");
    git_ops(&["new", "project", "campus"])?;
    std::env::set_current_dir(root.join("campus")).map_err(|e| e.to_string())?;
    let repo = git2::Repository::init(".").map_err(|e| e.message().to_owned())?;
    say("Every command from here on runs in campus/.");

    section("3. Slices: one file per service instance");
    git_ops(&[
        "project",
        "slice",
        "create",
        "--store",
        "vlan",
        "--name",
        "campus-10",
        "--extension",
        "yaml",
    ])?;
    show("files/vlan/campus-10.yaml")?;
    say("Replace the placeholders (an editor validates against files/schemas/vlan.json):");
    edit("files/vlan/campus-10.yaml", "vid: 10\nlabel: campus\n")?;
    edit(
        "files/vlan/campus-20.yaml",
        "vid: 20\nports: [ge-0/0/1, ge-0/0/2]\n",
    )?;
    edit(
        "files/tree/oak.yaml",
        "label: oak\ntrunk:\n  label: trunk\nbranches:\n- label: north\n- label: south\n",
    )?;
    say("Not ready to merge yet:");
    git_ops_status(&["project", "check"], &[1])?;

    section("4. update: validate, fill in defaults, normalise the files, write the views");
    git_ops(&["project", "update"])?;
    show("files/vlan/campus-20.yaml")?;

    section("5. sync: the new versions into the active store");
    git_ops(&["project", "sync"])?;
    show("git_ops/active/vlan/campus-10@v1.json")?;
    git_ops(&["project", "status"])?;
    git_ops(&["project", "check"])?;
    commit(&repo, "campus: first slices")?;

    section("6. A branch: change, delete and add slices and objects");
    edit(
        "files/vlan/campus-10.yaml",
        "vid: 10\nlabel: campus-north\n",
    )?;
    remove("files/vlan/campus-20.yaml")?;
    edit("files/vlan/campus-30.yaml", "vid: 30\n")?;
    edit(
        "files/tree/oak.yaml",
        "label: oak\ntrunk:\n  label: trunk\n  children:\n  - label: bud\nbranches:\n- label: south\n  weight: 3\n",
    )?;
    git_ops(&["project", "update"])?;
    git_ops(&["project", "sync"])?;
    say("What the orchestrator sees: the deleted branch is still there, marked `delete`.");
    git_ops(&[
        "project", "slice", "inspect", "--store", "tree", "--name", "oak",
    ])?;

    section("7. plan: what the branch changes, against the previous commit");
    git_ops_status(
        &["project", "plan", "--base", "HEAD", "--detailed-exitcode"],
        &[2],
    )?;
    say("The same as a pull-request comment:");
    git_ops_status(
        &[
            "project",
            "plan",
            "--base",
            "HEAD",
            "--format",
            "markdown",
            "--detailed-exitcode",
        ],
        &[2],
    )?;
    commit(
        &repo,
        "campus: north renamed, campus-20 removed, campus-30 added",
    )?;

    section("8. prune: once deployed, forget the old versions (and the deleted objects)");
    git_ops(&["project", "prune"])?;
    git_ops(&["project", "status"])?;
    git_ops(&["project", "check"])?;
    commit(&repo, "campus: pruned")?;

    section("Done");
    say(&format!(
        "Look around {}: acme/ (the generated module), campus/files/ (the slices), campus/git_ops/active/ (the versions), campus/git_ops/views/ (what the inmanta plugin reads), and `git log -p` in campus/.",
        root.display()
    ));
    Ok(())
}

fn main() -> ExitCode {
    match demo(&folder()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("demo failed: {message}");
            ExitCode::FAILURE
        }
    }
}
