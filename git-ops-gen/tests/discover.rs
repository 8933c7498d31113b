//! Finding the store manifests of a project's modules
//! (`git_ops_gen::discover`): module folders, installed and editable
//! modules of a Python environment, the project's requirements, and the
//! registry built from them.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::support;
use git_ops_gen::discover::{self, DiscoverError, Origin, Search};
use git_ops_gen::manifest::render_manifest;
use git_ops_runtime::StoreSchema;

/// A module folder `dir` of module `name` with `stores`: its `setup.cfg`
/// and its store manifest (all that matters here).
fn module(dir: &Path, name: &str, stores: Vec<StoreSchema>) {
    module_with(dir, name, stores, &BTreeMap::new());
}

fn module_with(
    dir: &Path,
    name: &str,
    stores: Vec<StoreSchema>,
    migrations: &BTreeMap<String, Vec<String>>,
) {
    let package = dir.join("inmanta_plugins").join(name);
    fs::create_dir_all(&package).unwrap();
    fs::write(dir.join("setup.cfg"), "[metadata]\n").unwrap();
    fs::write(
        package.join("git_ops_manifest.json"),
        render_manifest(name, &stores, false, migrations),
    )
    .unwrap();
}

fn renamed(mut store: StoreSchema, name: &str) -> StoreSchema {
    store.store = name.to_owned();
    store.source = format!("inmanta:///files/{name}/");
    store
}

/// A Python environment: `lib/python3.11/site-packages`.
fn site_packages(env: &Path) -> PathBuf {
    let site = env.join("lib/python3.11/site-packages");
    fs::create_dir_all(&site).unwrap();
    site
}

fn found(discovery: &discover::Discovery) -> Vec<(String, Origin, PathBuf)> {
    discovery
        .found
        .iter()
        .map(|f| (f.manifest.module.clone(), f.origin, f.module_root.clone()))
        .collect()
}

#[test]
fn installed_and_editable_modules_of_an_environment() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("venv");
    let site = site_packages(&env);
    // Installed: the package folder holds the manifest (and the model).
    let installed = dir.path().join("build-installed");
    module(&installed, "installed", vec![renamed(support::vlan(), "a")]);
    fs::rename(
        installed.join("inmanta_plugins"),
        site.join("inmanta_plugins"),
    )
    .unwrap();
    // Editable, setuptools >= 64: a finder mapping the namespace package.
    let finder = dir.path().join("src/finder");
    module(&finder, "finder", vec![renamed(support::vlan(), "b")]);
    fs::write(
        site.join("__editable___inmanta_module_finder_0_1_0_finder.py"),
        format!(
            "import sys\nMAPPING = {{'inmanta_plugins': '{}'}}\nNAMESPACES = {{}}\n",
            finder.join("inmanta_plugins").display()
        ),
    )
    .unwrap();
    fs::write(
        site.join("__editable__.inmanta_module_finder-0.1.0.pth"),
        "import __editable___inmanta_module_finder_0_1_0_finder; __editable___inmanta_module_finder_0_1_0_finder.install()\n",
    )
    .unwrap();
    // Editable, older setuptools: a .pth naming the module folder.
    let pth = dir.path().join("src/pth");
    module(&pth, "pth", vec![renamed(support::vlan(), "c")]);
    fs::write(site.join("pth.pth"), format!("{}\n", pth.display())).unwrap();

    let search = Search {
        python: Some(env.join("bin/python")),
        ..Search::default()
    };
    let discovery = discover::discover(&search).unwrap();
    assert_eq!(
        found(&discovery),
        [
            (
                "installed".to_owned(),
                Origin::Python,
                site.join("inmanta_plugins/installed")
            ),
            ("finder".to_owned(), Origin::Python, finder.clone()),
            ("pth".to_owned(), Origin::Python, pth.clone()),
        ]
    );

    // The same from $VIRTUAL_ENV, and from the project's .venv.
    let search = Search {
        virtual_env: Some(env.clone()),
        ..Search::default()
    };
    assert_eq!(discover::discover(&search).unwrap().found.len(), 3);
    let project = dir.path().join("project");
    fs::create_dir_all(&project).unwrap();
    fs::rename(&env, project.join(".venv")).unwrap();
    let search = Search {
        project: Some(project.clone()),
        ..Search::default()
    };
    assert_eq!(discover::discover(&search).unwrap().found.len(), 3);

    // The project's requirements.txt names two of them: by package name,
    // and as an editable folder.
    fs::write(
        project.join("requirements.txt"),
        format!("inmanta-module-installed==0.1\n-e {}\n", pth.display()),
    )
    .unwrap();
    let discovery = discover::discover(&search).unwrap();
    let modules: Vec<String> = found(&discovery).into_iter().map(|f| f.0).collect();
    assert_eq!(modules, ["installed", "pth"]);
    assert_eq!(discovery.skipped.len(), 1, "{:?}", discovery.skipped);
    assert!(discovery.skipped[0].1.contains("module `finder`"));
}

#[test]
fn the_module_path_comes_first_and_explicit_manifests_alone() {
    let dir = tempfile::tempdir().unwrap();
    let libs = dir.path().join("libs");
    module(&libs.join("acme"), "acme", vec![support::vlan()]);
    let env = dir.path().join("venv");
    let site = site_packages(&env);
    // Another copy of acme, installed: the module folder wins.
    let other = dir.path().join("other-acme");
    module(&other, "acme", vec![support::tree()]);
    fs::write(site.join("acme.pth"), format!("{}\n", other.display())).unwrap();

    let search = Search {
        module_path: vec![libs.clone()],
        python: Some(env.clone()),
        ..Search::default()
    };
    let discovery = discover::discover(&search).unwrap();
    assert_eq!(
        found(&discovery),
        [("acme".to_owned(), Origin::ModulePath, libs.join("acme"))]
    );
    assert!(discovery.skipped[0].1.contains("was found first at"));
    assert_eq!(
        discovery.found[0].manifest.stores[0].store, "vlan",
        "the module folder's manifest"
    );

    // Explicit manifests: nothing else is searched.
    let search = Search {
        manifests: vec![other.join("inmanta_plugins/acme/git_ops_manifest.json")],
        ..search
    };
    let discovery = discover::discover(&search).unwrap();
    assert_eq!(
        found(&discovery),
        [("acme".to_owned(), Origin::Explicit, other.clone())]
    );
}

#[test]
fn nothing_found_and_invalid_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let error = discover::discover(&Search {
        module_path: vec![dir.path().join("libs")],
        ..Search::default()
    })
    .unwrap_err();
    assert!(
        matches!(&error, DiscoverError::NothingFound { searched } if searched.len() == 1),
        "{error}"
    );
    let bad = dir.path().join("libs/bad/inmanta_plugins/bad");
    fs::create_dir_all(&bad).unwrap();
    fs::write(bad.join("git_ops_manifest.json"), "{").unwrap();
    let error = discover::discover(&Search {
        module_path: vec![dir.path().join("libs")],
        ..Search::default()
    })
    .unwrap_err();
    assert!(matches!(error, DiscoverError::Manifest(_)), "{error}");
    assert!(
        error.to_string().contains("git_ops_manifest.json"),
        "{error}"
    );
}

#[test]
fn the_registry_knows_the_migrations_and_refuses_a_store_defined_twice() {
    let dir = tempfile::tempdir().unwrap();
    let libs = dir.path().join("libs");
    let mut migrations = BTreeMap::new();
    migrations.insert("vlan".to_owned(), vec!["2024-06-01-x".to_owned()]);
    module_with(
        &libs.join("acme"),
        "acme",
        vec![support::vlan(), support::tree()],
        &migrations,
    );
    let search = Search {
        module_path: vec![libs.clone()],
        ..Search::default()
    };
    let discovery = discover::discover(&search).unwrap();
    let registry = discover::registry(&discovery.found).unwrap();
    assert_eq!(registry.names(), ["tree", "vlan"]);
    assert_eq!(
        registry.get("vlan").unwrap().migration_names(),
        ["2024-06-01-x"]
    );
    assert!(registry.get("tree").unwrap().migration_names().is_empty());

    // Another module defining `tree`.
    module(&libs.join("forest"), "forest", vec![support::tree()]);
    let discovery = discover::discover(&search).unwrap();
    let error = discover::registry(&discovery.found).unwrap_err();
    assert!(
        matches!(&error, DiscoverError::DuplicateStore { store, first_module, second_module, .. }
            if store == "tree" && first_module == "acme" && second_module == "forest"),
        "{error}"
    );
}

/// Issue 9, case 9: a module's own binary knows only its stores; the
/// configuration may configure the stores of the project's other modules.
/// It finds their names in their manifests, so that only a store nobody
/// defines is refused.
#[test]
fn a_module_binary_accepts_the_configuration_of_other_modules_stores() {
    use git_ops_gen::cli::{Stores, run_from};
    use git_ops_runtime::store::Registry;
    use std::process::ExitCode;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("project.yml"), "name: p\nmodulepath: libs\n").unwrap();
    module(&root.join("libs/forest"), "forest", vec![support::tree()]);
    fs::create_dir_all(root.join("files")).unwrap();
    let config = |extra: &str| {
        fs::write(
            root.join("files/git-ops-config.yml"),
            format!(
                "stores:\n  - store_name: vlan\n    schema_path: inmanta:///files/schemas/vlan.json\n  - store_name: tree\n    schema_path: inmanta:///files/schemas/tree.json\n{extra}"
            ),
        )
        .unwrap();
    };
    let binary = || {
        let mut registry = Registry::new();
        let _ = registry.manifest_store(support::vlan());
        Stores::Registry(registry)
    };
    let update = |stores| {
        run_from(
            [
                "acme",
                "project",
                "--project",
                root.to_str().unwrap(),
                "update",
                "--durability",
                "none",
            ],
            stores,
        )
    };
    config("  - store_name: vlna\n");
    assert_eq!(update(binary()), ExitCode::from(1));
    assert!(!root.join("files/schemas").exists());
    config("");
    assert_eq!(update(binary()), ExitCode::SUCCESS);
    assert!(root.join("files/schemas/vlan.json").is_file());
    // Not this program's store: its schema file is the other module's.
    assert!(!root.join("files/schemas/tree.json").exists());
    // Without the other module, `tree` is no store.
    fs::remove_dir_all(root.join("libs/forest")).unwrap();
    assert_eq!(update(binary()), ExitCode::from(1));
}
