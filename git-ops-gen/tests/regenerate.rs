//! Generating into a module directory, and generating again: the author's
//! files are kept, stale generated files are removed, and a file without the
//! watermark in the way stops everything before anything is written.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{ACME_HEADER, support, vlan_as_in_spec};
use git_ops_gen::{GenerateError, GenerateReport, ModuleSpec, generate_module};

const UNROLL: &str = "import acme::slices::vlan\n\n# the author's own model\n";

fn acme_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("model")).unwrap();
    fs::create_dir_all(dir.path().join("inmanta_plugins/acme")).unwrap();
    fs::write(dir.path().join("inmanta_plugins/acme/__init__.py"), "").unwrap();
    fs::write(dir.path().join("model/unroll.cf"), UNROLL).unwrap();
    dir
}

fn acme(dir: &Path, stores: Vec<git_ops_runtime::StoreSchema>) -> ModuleSpec {
    ModuleSpec {
        name: "acme".into(),
        dir: dir.to_owned(),
        header: Some(ACME_HEADER.into()),
        stores,
        explicit_parent_relations: false,
        migrations: Default::default(),
    }
}

/// Every file under `dir` with its content.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_owned(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn paths(list: &[PathBuf]) -> Vec<String> {
    list.iter().map(|p| p.display().to_string()).collect()
}

#[test]
fn first_generation_then_nothing_to_do() {
    let dir = acme_dir();
    let spec = acme(dir.path(), vec![vlan_as_in_spec(), support::tree()]);
    let report = generate_module(&spec).unwrap();
    assert_eq!(
        paths(&report.written),
        [
            "inmanta_plugins/acme/__init__.py",
            "inmanta_plugins/acme/git_ops_manifest.json",
            "model/_init.cf",
            "model/git_ops.cf",
            "model/slices/_init.cf",
            "model/slices/tree/_init.cf",
            "model/slices/vlan/_init.cf",
            "schemas/tree.json",
            "schemas/vlan.json",
        ]
    );
    assert!(report.unchanged.is_empty() && report.removed.is_empty());
    assert_eq!(
        fs::read_to_string(dir.path().join("model/unroll.cf")).unwrap(),
        UNROLL
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("model/slices/vlan/_init.cf")).unwrap(),
        common::golden("acme/vlan.cf")
    );

    let before = tree(dir.path());
    let again = generate_module(&spec).unwrap();
    assert_eq!(
        again,
        GenerateReport {
            written: vec![],
            unchanged: report.written.clone(),
            removed: vec![],
        }
    );
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn a_removed_store_loses_its_files_and_the_authors_files_stay() {
    let dir = acme_dir();
    generate_module(&acme(dir.path(), vec![vlan_as_in_spec(), support::tree()])).unwrap();
    let report = generate_module(&acme(dir.path(), vec![vlan_as_in_spec()])).unwrap();
    assert_eq!(
        paths(&report.written),
        [
            "inmanta_plugins/acme/__init__.py",
            "inmanta_plugins/acme/git_ops_manifest.json"
        ]
    );
    assert_eq!(
        paths(&report.removed),
        ["model/slices/tree/_init.cf", "schemas/tree.json"]
    );
    assert!(
        !dir.path().join("model/slices/tree").exists(),
        "the emptied folder is removed"
    );
    assert!(dir.path().join("model/slices/vlan/_init.cf").exists());
    assert_eq!(
        fs::read_to_string(dir.path().join("model/unroll.cf")).unwrap(),
        UNROLL
    );

    // No store at all: only the module root, the base module and the manifest.
    let report = generate_module(&acme(dir.path(), vec![])).unwrap();
    assert_eq!(
        paths(&report.removed),
        [
            "model/slices/_init.cf",
            "model/slices/vlan/_init.cf",
            "schemas/vlan.json"
        ]
    );
    assert!(!dir.path().join("model/slices").exists());
    assert!(!dir.path().join("schemas").exists());
    let left: Vec<String> = tree(dir.path())
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        left,
        [
            "inmanta_plugins/acme/__init__.py",
            "inmanta_plugins/acme/git_ops_manifest.json",
            "model/_init.cf",
            "model/git_ops.cf",
            "model/unroll.cf",
        ]
    );
}

#[test]
fn a_file_without_watermark_in_the_way_stops_everything() {
    let dir = acme_dir();
    generate_module(&acme(dir.path(), vec![vlan_as_in_spec()])).unwrap();
    // The author replaces a generated file with their own, and another
    // store is added.
    fs::write(dir.path().join("model/slices/vlan/_init.cf"), "# mine\n").unwrap();
    fs::create_dir_all(dir.path().join("schemas")).unwrap();
    fs::write(
        dir.path().join("schemas/tree.json"),
        "{\"$comment\": \"mine\"}",
    )
    .unwrap();
    let before = tree(dir.path());

    let err =
        generate_module(&acme(dir.path(), vec![vlan_as_in_spec(), support::tree()])).unwrap_err();
    let GenerateError::NotGenerated { paths: found } = &err else {
        panic!("unexpected error {err}");
    };
    assert_eq!(
        found,
        &[
            dir.path().join("model/slices/vlan/_init.cf"),
            dir.path().join("schemas/tree.json")
        ]
    );
    assert!(
        err.to_string().contains("model/slices/vlan/_init.cf"),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was written"), "{err}");
    assert_eq!(tree(dir.path()), before, "nothing was written nor removed");
}

#[test]
fn the_authors_module_file_replaces_a_placeholder_and_blocks_the_other_form() {
    let dir = acme_dir();
    // The author defines `acme` and `acme::slices` themselves.
    fs::write(dir.path().join("model/_init.cf"), "# root\n").unwrap();
    fs::write(dir.path().join("model/slices.cf"), "# slices\n").unwrap();
    let report = generate_module(&acme(dir.path(), vec![vlan_as_in_spec()])).unwrap();
    assert_eq!(
        paths(&report.written),
        [
            "inmanta_plugins/acme/__init__.py",
            "inmanta_plugins/acme/git_ops_manifest.json",
            "model/git_ops.cf",
            "model/slices/vlan/_init.cf",
            "schemas/vlan.json",
        ]
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("model/_init.cf")).unwrap(),
        "# root\n"
    );

    // A file of the author's defining the same module as a generated file.
    fs::write(dir.path().join("model/slices/vlan.cf"), "# vlan\n").unwrap();
    let err = generate_module(&acme(dir.path(), vec![vlan_as_in_spec()])).unwrap_err();
    assert!(
        matches!(&err, GenerateError::NotGenerated { paths } if paths == &[dir.path().join("model/slices/vlan.cf")]),
        "{err}"
    );
}

#[test]
fn files_of_the_reference_generator_are_replaced() {
    let dir = acme_dir();
    let legacy = "entity Old:\nend\n\n# This file has been generated using inmanta-module-factory==3.1.1\n# <IMF-GENERATED-FILE/>\n";
    fs::create_dir_all(dir.path().join("model/slices/vlan")).unwrap();
    fs::create_dir_all(dir.path().join("model/slices/old")).unwrap();
    fs::write(dir.path().join("model/slices/vlan/_init.cf"), legacy).unwrap();
    fs::write(dir.path().join("model/slices/old/_init.cf"), legacy).unwrap();
    let report = generate_module(&acme(dir.path(), vec![vlan_as_in_spec()])).unwrap();
    assert!(
        report
            .written
            .contains(&PathBuf::from("model/slices/vlan/_init.cf"))
    );
    assert_eq!(paths(&report.removed), ["model/slices/old/_init.cf"]);
    assert!(!dir.path().join("model/slices/old").exists());
}

#[test]
fn a_changed_store_rewrites_only_its_files() {
    let dir = acme_dir();
    generate_module(&acme(dir.path(), vec![vlan_as_in_spec(), support::tree()])).unwrap();
    let report =
        generate_module(&acme(dir.path(), vec![support::vlan(), support::tree()])).unwrap();
    assert_eq!(
        paths(&report.written),
        [
            "inmanta_plugins/acme/__init__.py",
            "inmanta_plugins/acme/git_ops_manifest.json",
            "model/slices/vlan/_init.cf",
            "schemas/vlan.json",
        ]
    );
    assert!(report.removed.is_empty());
}

#[test]
fn a_missing_module_directory() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = generate_module(&acme(&missing, vec![])).unwrap_err();
    assert!(
        matches!(&err, GenerateError::ModuleDir(path) if *path == missing),
        "{err}"
    );
}

#[test]
fn the_plugin_replaces_an_empty_package_file_but_not_the_authors_code() {
    // `acme_dir` starts with an empty `inmanta_plugins/acme/__init__.py`, as a
    // new Python package does: the generated plugin takes its place.
    let dir = acme_dir();
    generate_module(&acme(dir.path(), vec![vlan_as_in_spec()])).unwrap();
    let plugin = dir.path().join("inmanta_plugins/acme/__init__.py");
    let text = fs::read_to_string(&plugin).unwrap();
    assert!(text.contains("def unroll_slices("), "{text}");
    assert!(text.trim_end().ends_with("# <GIT-OPS-GENERATED-FILE/>"));

    // Plugins of the author's own in the package file stop the generation.
    fs::write(&plugin, "from inmanta.plugins import plugin\n").unwrap();
    let before = tree(dir.path());
    let err = generate_module(&acme(dir.path(), vec![vlan_as_in_spec()])).unwrap_err();
    assert!(
        matches!(&err, GenerateError::NotGenerated { paths } if paths == std::slice::from_ref(&plugin)),
        "{err}"
    );
    assert_eq!(tree(dir.path()), before, "nothing was written");
}
