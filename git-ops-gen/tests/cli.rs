//! The `git-ops` command line, tested as data: every `tests/cli/*.trycmd`
//! file is a transcript of commands run in a fresh copy of its `*.in/`
//! folder (a real project), with their expected output and exit code
//! (trycmd). Plan transcripts create real git repositories and commits
//! with the `git` command.
//!
//! The projects use the store manifests of the example crates
//! (`tests/cli/modules/`), named by `GIT_OPS_MANIFEST`; the transcripts
//! that test finding manifests clear it. `fixture_manifests_are_current`
//! checks that those files are what the generator writes for the example
//! crates today (`GIT_OPS_BLESS=1` rewrites them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git_ops_gen::{ModuleSpec, plan_module};
use git_ops_runtime::{Slice, StoreSchema};

fn cli_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli")
}

/// A fixture module: name, stores, migrations, folder.
type Fixture = (
    &'static str,
    Vec<StoreSchema>,
    BTreeMap<String, Vec<String>>,
    PathBuf,
);

/// The fixture modules.
fn fixture_modules() -> Vec<Fixture> {
    let modules = cli_dir().join("modules");
    let mut migrated = BTreeMap::new();
    migrated.insert(
        "simple".to_owned(),
        vec!["2024-06-01-rename-description".to_owned()],
    );
    vec![
        (
            "acme",
            vec![
                acme::slices::vlan::Vlan::store_schema(),
                acme::slices::tree::Tree::store_schema(),
                acme::slices::disk::Volume::store_schema(),
            ],
            BTreeMap::new(),
            modules.join("acme"),
        ),
        (
            "fs",
            vec![fs::RootFolder::store_schema()],
            BTreeMap::new(),
            modules.join("fs"),
        ),
        (
            "recursive",
            vec![recursive::RecursiveSlice::store_schema()],
            BTreeMap::new(),
            modules.join("recursive"),
        ),
        (
            "simple",
            vec![simple::SimpleSlice::store_schema()],
            BTreeMap::new(),
            modules.join("simple"),
        ),
        // Copies inside the projects of transcripts.
        (
            "acme",
            vec![
                acme::slices::vlan::Vlan::store_schema(),
                acme::slices::tree::Tree::store_schema(),
                acme::slices::disk::Volume::store_schema(),
            ],
            BTreeMap::new(),
            cli_dir().join("module.in/acme"),
        ),
        (
            "simple",
            vec![simple::SimpleSlice::store_schema()],
            BTreeMap::new(),
            cli_dir().join("new.in/simple"),
        ),
        (
            "simple",
            vec![simple::SimpleSlice::store_schema()],
            BTreeMap::new(),
            cli_dir().join("discover.in/campus/libs/simple"),
        ),
        (
            "recursive",
            vec![recursive::RecursiveSlice::store_schema()],
            BTreeMap::new(),
            cli_dir().join("discover.in/venv/lib/python3.11/site-packages"),
        ),
        // A newer `simple` with a migration (project-migration.trycmd).
        (
            "simple",
            vec![simple::SimpleSlice::store_schema()],
            migrated,
            cli_dir().join("project-migration.in/simple-v2"),
        ),
    ]
}

fn manifest_of(folder: &Path, module: &str) -> PathBuf {
    folder
        .join("inmanta_plugins")
        .join(module)
        .join("git_ops_manifest.json")
}

#[test]
fn fixture_manifests_are_current() {
    let bless = std::env::var_os("GIT_OPS_BLESS").is_some();
    for (name, stores, migrations, folder) in fixture_modules() {
        let files = plan_module(&ModuleSpec {
            name: name.to_owned(),
            dir: folder.clone(),
            header: None,
            stores,
            explicit_parent_relations: false,
            migrations,
        })
        .unwrap();
        let manifest = manifest_of(&folder, name);
        let expected = &files
            .iter()
            .find(|f| folder.join(&f.path) == manifest)
            .expect("a manifest is generated")
            .content;
        if bless {
            std::fs::create_dir_all(manifest.parent().unwrap()).unwrap();
            std::fs::write(&manifest, expected).unwrap();
        }
        let found = std::fs::read_to_string(&manifest).unwrap_or_default();
        assert!(
            &found == expected,
            "{} is not what the generator writes for module {name}: run `GIT_OPS_BLESS=1 cargo test -p git-ops-gen --test cli` and review the diff",
            manifest.display()
        );
    }
}

/// A program on the `PATH`.
fn which(program: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(program))
                .find(|path| path.is_file())
        })
        .unwrap_or_else(|| panic!("the CLI transcripts need `{program}` on the PATH"))
}

/// The test cases with the environment every transcript runs in.
fn cases() -> trycmd::TestCases {
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("git", which("git"))
        .register_bin("sh", which("sh"))
        .register_bin("cat", which("cat"))
        .register_bin("ls", which("ls"))
        .env("GIT_OPS_LOG_LEVEL", "info")
        .env("GIT_OPS_DURABILITY", "none")
        .env("NO_COLOR", "1");
    cases
}

/// `--help` of every command, without any environment of git-ops (it
/// would show in the help).
#[test]
fn help() {
    cases().case("tests/cli/help.trycmd");
}

/// The variables a transcript sets on some of its commands: they must not
/// come from the environment of the test run (trycmd lets the test cases'
/// variables win over a command's own, so they cannot be cleared for all).
const PER_COMMAND: [&str; 5] = [
    "INMANTA_GIT_OPS_SLICE_STORE",
    "INMANTA_GIT_OPS_SLICE_NAME",
    "INMANTA_GIT_OPS_SLICE_EXTENSION",
    "INMANTA_GIT_OPS_MODULE_PATH",
    "INMANTA_GIT_OPS_EXPLICIT_PARENT_RELATIONS",
];

/// The cases with variables that must not come from the environment of
/// the test run set empty (git-ops reads a set but empty variable as not
/// set), and git configured for reproducible commits.
fn project_cases() -> trycmd::TestCases {
    for variable in PER_COMMAND {
        assert!(
            std::env::var_os(variable).is_none_or(|v| v.is_empty()),
            "unset {variable} to run the CLI transcripts"
        );
    }
    let cases = cases();
    cases
        .env("VIRTUAL_ENV", "")
        .env("GIT_OPS_PYTHON", "")
        .env("GIT_OPS_PROJECT", "")
        // Commits with a fixed author and date, no user configuration.
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z");
    cases
}

/// Finding manifests: no `GIT_OPS_MANIFEST`.
#[test]
fn discovery() {
    let cases = project_cases();
    cases.env("GIT_OPS_MANIFEST", "");
    cases.case("tests/cli/discover.trycmd");
}

/// Every other transcript, with the example modules' manifests.
#[test]
fn transcripts() {
    let modules = cli_dir().join("modules");
    let manifests: Vec<String> = ["acme", "fs", "recursive", "simple"]
        .iter()
        .map(|m| manifest_of(&modules.join(m), m).display().to_string())
        .collect();
    let cases = project_cases();
    cases.env("GIT_OPS_MANIFEST", manifests.join(":"));
    cases
        .case("tests/cli/*.trycmd")
        .skip("tests/cli/help.trycmd")
        .skip("tests/cli/discover.trycmd");
}
