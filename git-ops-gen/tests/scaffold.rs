//! The generated plugin, the packaging of a module and the scaffolding of a
//! project: snapshots of every file (each read and checked by hand before it
//! was accepted), the write-once rule, and what the scaffolders refuse. That
//! these files work is shown by `tests/e2e.rs` (the compiler) and
//! `tests/plugin.rs` (the plugin's behaviour).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{file, plan, spec};
use git_ops_gen::package::{
    PackageSpec, python_package_name, render_python_package, write_python_package,
};
use git_ops_gen::project::{ProjectModule, ProjectSpec, render_project, scaffold_project};
use git_ops_gen::{GenerateError, GeneratedFile};
use git_ops_runtime::document::json_schema;
use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{GitOpsConfig, Project};
use git_ops_runtime::{Slice, StoreSchema};

fn acme_stores() -> Vec<StoreSchema> {
    vec![
        acme::slices::vlan::Vlan::store_schema(),
        acme::slices::tree::Tree::store_schema(),
        acme::slices::disk::Volume::store_schema(),
    ]
}

fn paths(files: &[GeneratedFile]) -> Vec<String> {
    files.iter().map(|f| f.path.display().to_string()).collect()
}

fn snapshot(prefix: &str, files: &[GeneratedFile], path: &str) {
    let name = format!("{prefix}@{path}").replace('/', "__");
    insta::assert_snapshot!(name, file(files, path));
}

#[test]
fn plugin_of_the_acme_module() {
    let files = plan(&common::acme(false));
    snapshot("acme", &files, "inmanta_plugins/acme/__init__.py");
}

/// The tables of a module with helper entities, union members and a root
/// extending a member.
#[test]
fn plugin_tables_of_the_fs_example() {
    let files = plan(&spec("fs", vec![::fs::RootFolder::store_schema()], true));
    let plugin = file(&files, "inmanta_plugins/fs/__init__.py");
    let start = plugin.find("STORES: ").unwrap();
    let end = plugin.find("# The format of the view files").unwrap();
    insta::assert_snapshot!("fs@plugin-tables", &plugin[start..end]);
    // The generated Python is the template's: only the tables differ.
    let acme = plan(&common::acme(false));
    let acme = file(&acme, "inmanta_plugins/acme/__init__.py");
    assert_eq!(
        &plugin[end..],
        &acme[acme.find("# The format of the view files").unwrap()..]
    );
}

fn package_spec() -> PackageSpec {
    PackageSpec {
        name: "acme_net".into(),
        version: "1.2.0".into(),
        license: "MIT".into(),
        description: "The networks of ACME.".into(),
    }
}

#[test]
fn packaging_files() {
    let files = render_python_package(&package_spec()).unwrap();
    assert_eq!(
        paths(&files),
        [
            ".gitignore",
            "MANIFEST.in",
            "README.md",
            "files/.gitkeep",
            "pyproject.toml",
            "setup.cfg",
            "setup.py",
            "templates/.gitkeep",
            "tests/README.md",
        ]
    );
    for path in [
        ".gitignore",
        "MANIFEST.in",
        "README.md",
        "pyproject.toml",
        "setup.cfg",
        "setup.py",
        "tests/README.md",
    ] {
        snapshot("package", &files, path);
    }
    assert_eq!(file(&files, "files/.gitkeep"), "");
    assert_eq!(python_package_name("acme_net"), "inmanta-module-acme-net");
    assert_eq!(PackageSpec::new("acme").version, "0.1.0");
}

#[test]
fn packaging_refuses_what_setup_cfg_cannot_hold() {
    let spec = PackageSpec {
        name: "Acme".into(),
        version: "1\n2".into(),
        license: " ".into(),
        ..package_spec()
    };
    let error = render_python_package(&spec).unwrap_err();
    assert!(matches!(error, GenerateError::Scaffold { .. }));
    let message = error.to_string();
    for part in [
        "cannot scaffold the packaging of module `Acme`",
        "`Acme` cannot name an inmanta module",
        "the version must be one non-empty line, not \"1\\n2\"",
        "the license must be one non-empty line, not \" \"",
    ] {
        assert!(message.contains(part), "{part:?} not in:\n{message}");
    }
}

#[test]
fn packaging_is_written_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = write_python_package(dir.path(), &package_spec()).unwrap();
    assert_eq!(first.created.len(), 9);
    assert!(first.kept.is_empty());
    fs::write(dir.path().join("setup.cfg"), "mine").unwrap();
    fs::remove_file(dir.path().join("README.md")).unwrap();
    let second = write_python_package(dir.path(), &package_spec()).unwrap();
    assert_eq!(second.created, [PathBuf::from("README.md")]);
    assert_eq!(second.kept.len(), 8);
    assert_eq!(
        fs::read_to_string(dir.path().join("setup.cfg")).unwrap(),
        "mine"
    );
}

fn campus() -> ProjectSpec {
    ProjectSpec {
        name: "campus".into(),
        dir: PathBuf::from("/nonexistent"),
        modules: vec![
            ProjectModule {
                explicit_parent_relations: true,
                ..ProjectModule::new("fs", vec![::fs::RootFolder::store_schema()])
            },
            ProjectModule::new("acme", acme_stores()),
        ],
    }
}

#[test]
fn project_files() {
    let files = render_project(&campus()).unwrap();
    assert_eq!(
        paths(&files),
        [
            ".gitignore",
            ".vscode/settings.json",
            "files/disk/.gitkeep",
            "files/fs/.gitkeep",
            "files/git-ops-config.yml",
            "files/schemas/disk.json",
            "files/schemas/fs.json",
            "files/schemas/tree.json",
            "files/schemas/vlan.json",
            "files/tree/.gitkeep",
            "files/vlan/.gitkeep",
            "main.cf",
            "project.yml",
            "requirements.txt",
        ]
    );
    for path in [
        ".gitignore",
        ".vscode/settings.json",
        "files/git-ops-config.yml",
        "main.cf",
        "project.yml",
        "requirements.txt",
    ] {
        snapshot("campus", &files, path);
    }
    // The JSON Schemas are what `git-ops project update` writes there.
    for store in acme_stores() {
        assert_eq!(
            file(&files, &format!("files/schemas/{}.json", store.store)),
            to_json(&json_schema(&store))
        );
    }
    // The configuration reads back, naming those files.
    let config = GitOpsConfig::parse(
        file(&files, "files/git-ops-config.yml").as_bytes(),
        Path::new("files/git-ops-config.yml"),
    )
    .unwrap();
    let project = Project::at("/srv/campus");
    for store in &config.stores {
        let schema = store.schema_path.as_deref().unwrap();
        assert_eq!(
            project.resolve(schema).unwrap(),
            Path::new("/srv/campus/files/schemas").join(format!("{}.json", store.store_name))
        );
    }
    assert_eq!(config.stores.len(), 4);
    let settings: serde_json::Value =
        serde_json::from_str(file(&files, ".vscode/settings.json")).unwrap();
    assert_eq!(settings["json.schemas"].as_array().unwrap().len(), 4);
}

/// Unions targeted by several relations, a keyless root with an optional
/// object, a slice root type embedded in another store, helpers across
/// modules.
#[test]
fn project_main_for_the_gaps_of_the_reference() {
    let files = render_project(&ProjectSpec {
        name: "gaps".into(),
        dir: PathBuf::from("/nonexistent"),
        modules: vec![ProjectModule::new("gaps", common::gaps::all())],
    })
    .unwrap();
    snapshot("gaps", &files, "main.cf");
}

#[test]
fn a_project_is_written_once() {
    let dir = tempfile::tempdir().unwrap();
    let spec = ProjectSpec {
        dir: dir.path().join("campus"),
        ..campus()
    };
    let first = scaffold_project(&spec).unwrap();
    assert_eq!(first.created.len(), 14);
    fs::write(spec.dir.join("main.cf"), "# mine\n").unwrap();
    // A module with a new store: its files are added, the rest stays.
    let mut more = spec.clone();
    more.modules.push(ProjectModule::new(
        "recursive",
        vec![recursive::RecursiveSlice::store_schema()],
    ));
    let second = scaffold_project(&more).unwrap();
    assert_eq!(
        second.created,
        [
            PathBuf::from("files/recursive/.gitkeep"),
            PathBuf::from("files/schemas/recursive.json"),
        ]
    );
    assert!(second.kept.contains(&PathBuf::from("main.cf")));
    assert_eq!(
        fs::read_to_string(spec.dir.join("main.cf")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn a_source_folder_outside_the_project_gets_no_folder_nor_editor_mapping() {
    let mut vlan = acme::slices::vlan::Vlan::store_schema();
    vlan.source = "file:///srv/vlans/".into();
    let files = render_project(&ProjectSpec {
        name: "campus".into(),
        dir: PathBuf::from("/nonexistent"),
        modules: vec![ProjectModule::new("acme", vec![vlan])],
    })
    .unwrap();
    assert_eq!(
        paths(&files),
        [
            ".gitignore",
            ".vscode/settings.json",
            "files/git-ops-config.yml",
            "files/schemas/vlan.json",
            "main.cf",
            "project.yml",
            "requirements.txt",
        ]
    );
    assert_eq!(
        file(&files, ".vscode/settings.json"),
        "{\n  \"json.schemas\": [],\n  \"yaml.schemas\": {}\n}\n"
    );
}

#[test]
fn a_project_refuses_clashing_modules_and_stores() {
    let mut schemas = acme::slices::tree::Tree::store_schema();
    schemas.store = "schemas".into();
    schemas.source = "inmanta:///files/schemas/".into();
    let spec = ProjectSpec {
        name: "two\nlines".into(),
        dir: PathBuf::from("/nonexistent"),
        modules: vec![
            ProjectModule::new("acme", acme_stores()),
            ProjectModule::new("acme", vec![]),
            ProjectModule::new(
                "recursive",
                common::rename_module(
                    vec![acme::slices::vlan::Vlan::store_schema()],
                    "acme",
                    "recursive",
                ),
            ),
            ProjectModule::new(
                "other",
                common::rename_module(vec![schemas], "acme", "other"),
            ),
        ],
    };
    let message = render_project(&spec).unwrap_err().to_string();
    for part in [
        "cannot scaffold project `two\nlines`",
        "the project name must be one non-empty line",
        "module `acme` is given twice",
        "store `vlan` of module `recursive` has the name of a store of another module",
        "the source folder of store `schemas` (files/schemas) overlaps files/schemas",
    ] {
        assert!(message.contains(part), "{part:?} not in:\n{message}");
    }
}

#[test]
fn a_project_module_from_a_manifest_keeps_the_parent_relations() {
    let files = plan(&spec("fs", vec![::fs::RootFolder::store_schema()], true));
    let manifest = git_ops_gen::manifest::parse_manifest(
        Path::new("git_ops_manifest.json"),
        file(&files, "inmanta_plugins/fs/git_ops_manifest.json"),
    )
    .unwrap();
    let module = ProjectModule::from(&manifest);
    assert!(module.explicit_parent_relations);
    let from_manifest = render_project(&ProjectSpec {
        name: "p".into(),
        dir: PathBuf::new(),
        modules: vec![module],
    })
    .unwrap();
    assert!(file(&from_manifest, "main.cf").contains("fs::File(folder=self.object"));
}

/// Two modules with types of the same name: their unroll entities are named
/// with the module path.
#[test]
fn unroll_entities_of_types_sharing_a_name_carry_their_module() {
    let mut other = common::rename_module(
        vec![acme::slices::tree::Tree::store_schema()],
        "acme",
        "other",
    );
    other[0].store = "forest".into();
    other[0].source = "inmanta:///files/forest/".into();
    let files = render_project(&ProjectSpec {
        name: "p".into(),
        dir: PathBuf::new(),
        modules: vec![
            ProjectModule::new("acme", vec![acme::slices::tree::Tree::store_schema()]),
            ProjectModule::new("other", other),
        ],
    })
    .unwrap();
    let main = file(&files, "main.cf");
    for name in [
        "entity UnrollAcmeSlicesTreeTree:",
        "entity UnrollOtherSlicesTreeTree:",
        "entity UnrollAcmeSlicesTreeBranch:",
        "implementation unroll_other_slices_tree_branch for UnrollOtherSlicesTreeBranch:",
        "    UnrollOtherSlicesTreeTree(object=obj, view=s[\"attributes\"]",
    ] {
        assert!(main.contains(name), "{name:?} not in:\n{main}");
    }
    assert!(!main.contains("entity UnrollTree:"), "{main}");
}
