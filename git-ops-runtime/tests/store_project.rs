//! The project: finding its root, location strings (spec §2.1), module
//! roots, and `files/git-ops-config.yml` (spec §2.7, gap 21).

#[path = "document_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use git_ops_runtime::store::{
    GitOpsConfig, LocationError, Project, ProjectError, Store, StoreConfig, ViewKind, WorkingTree,
};

fn write(root: &Path, relative: &str, content: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

#[test]
fn the_root_is_the_nearest_folder_with_project_yml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "project.yml", "name: p\n");
    write(dir.path(), "files/x/deep/file", "");
    let project = Project::find(&dir.path().join("files/x/deep")).unwrap();
    assert_eq!(project.root(), dir.path());

    let outside = tempfile::tempdir().unwrap();
    let error = Project::find(outside.path()).unwrap_err();
    assert!(matches!(error, ProjectError::NotFound(_)));
    assert!(
        error
            .to_string()
            .starts_with("no inmanta project here: no project.yml in ")
    );
}

#[test]
fn locations() {
    let project = Project::at("/p");
    let ok = |location: &str| project.resolve(location).unwrap();
    assert_eq!(
        ok("inmanta:///files/sub/dir/"),
        Path::new("/p/files/sub/dir")
    );
    assert_eq!(
        ok("inmanta:///files/schemas/vlan.json"),
        Path::new("/p/files/schemas/vlan.json")
    );
    assert_eq!(
        ok("file:///srv/schemas/tree.json"),
        Path::new("/srv/schemas/tree.json")
    );
    let err = |location: &str| project.resolve(location).unwrap_err();
    assert!(matches!(err("files/x"), LocationError::UnknownScheme(_)));
    assert!(matches!(
        err("template://x/y"),
        LocationError::UnknownScheme(_)
    ));
    assert!(matches!(
        err("inmanta:///files/../../etc"),
        LocationError::Escapes(_)
    ));
    assert!(matches!(err("inmanta://"), LocationError::MissingPath(_)));
    assert!(matches!(err("inmanta:///"), LocationError::MissingPath(_)));
    assert!(matches!(
        err("file://relative/x"),
        LocationError::NotAbsolute(_)
    ));
    assert_eq!(
        err("files/x").to_string(),
        "location \"files/x\" has no known scheme: write `inmanta:///<path in the project>`, `inmanta://<module>/<path in the module>` or `file:///<absolute path>`"
    );
}

#[test]
fn module_locations_use_the_module_path_or_a_given_root() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "project.yml",
        "name: p\nmodulepath: [libs, /nowhere]\n",
    );
    write(dir.path(), "libs/acme/module.yml", "name: acme\n");
    let project = Project::open(dir.path()).unwrap();
    assert_eq!(
        project.resolve("inmanta://acme/files/vlan/").unwrap(),
        dir.path().join("libs/acme/files/vlan")
    );
    let error = project.resolve("inmanta://other/files/x").unwrap_err();
    assert!(matches!(error, LocationError::UnknownModule { ref module, .. } if module == "other"));
    assert!(error.to_string().contains("libs"), "{error}");
    let project = project.with_module("other", "/venv/inmanta_plugins/other");
    assert_eq!(
        project.resolve("inmanta://other/files/x").unwrap(),
        PathBuf::from("/venv/inmanta_plugins/other/files/x")
    );

    write(dir.path(), "project.yml", "name: p\nmodulepath: libs\n");
    assert_eq!(
        Project::open(dir.path()).unwrap().module_path(),
        [dir.path().join("libs")]
    );
    write(dir.path(), "project.yml", "modulepath: 3\n");
    assert!(matches!(
        Project::open(dir.path()),
        Err(ProjectError::Invalid { .. })
    ));
}

#[test]
fn the_store_resolves_its_source_location() {
    let dir = tempfile::tempdir().unwrap();
    let mut schema = support::vlan();
    schema.source = "inmanta:///files/vlans/".into();
    let project = Project::at(dir.path());
    let store = Store::new(&project, schema.clone()).unwrap();
    assert_eq!(store.source_folder(), dir.path().join("files/vlans"));
    assert_eq!(
        store.active_folder(),
        dir.path().join("git_ops/active/vlan")
    );
    write(dir.path(), "files/vlans/campus-10.yaml", "vid: 10\n");
    assert_eq!(
        store.list(&WorkingTree, ViewKind::Source).unwrap()[0].name,
        "campus-10"
    );

    schema.source = "inmanta://missing/files/vlans/".into();
    assert!(Store::new(&project, schema).is_err());
}

fn config(text: &str) -> Result<GitOpsConfig, Vec<String>> {
    GitOpsConfig::parse(text.as_bytes(), Path::new("files/git-ops-config.yml"))
        .map_err(|e| e.messages())
}

#[test]
fn config_missing_or_empty_is_no_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let project = Project::at(dir.path());
    assert_eq!(
        GitOpsConfig::read(&project, &WorkingTree).unwrap(),
        GitOpsConfig::default()
    );
    write(dir.path(), "files/git-ops-config.yml", "");
    assert_eq!(
        GitOpsConfig::read(&project, &WorkingTree).unwrap(),
        GitOpsConfig::default()
    );
    assert_eq!(config("# nothing yet\n").unwrap(), GitOpsConfig::default());
    assert_eq!(config("stores:\n").unwrap(), GitOpsConfig::default());
}

#[test]
fn config_stores() {
    let parsed = config(
        "stores:\n  - store_name: vlan\n    schema_path: inmanta:///files/schemas/vlan.json\n  - store_name: tree\n    schema_path: file:///srv/schemas/tree.json\n  - store_name: fs\n",
    )
    .unwrap();
    assert_eq!(
        parsed.stores,
        [
            StoreConfig {
                store_name: "vlan".into(),
                schema_path: Some("inmanta:///files/schemas/vlan.json".into())
            },
            StoreConfig {
                store_name: "tree".into(),
                schema_path: Some("file:///srv/schemas/tree.json".into())
            },
            StoreConfig {
                store_name: "fs".into(),
                schema_path: None
            },
        ]
    );
    assert_eq!(parsed.store("fs").unwrap().schema_path, None);
    assert!(parsed.store("other").is_none());
}

#[test]
fn config_errors_name_the_file_and_position() {
    assert_eq!(
        config("stores: [\n").unwrap_err(),
        ["files/git-ops-config.yml:1:9: unclosed bracket '['"]
    );
    assert_eq!(
        config("store:\n  - store_name: a\n").unwrap_err(),
        ["files/git-ops-config.yml:1:1: unknown key `store`; the only top-level key is `stores`"]
    );
    assert_eq!(
        config("stores: vlan\n").unwrap_err(),
        ["files/git-ops-config.yml:1:9: `stores` must be a list of stores, found a string"]
    );
    assert_eq!(
        config(
            "stores:\n  - store_name: a\n    schema_pth: inmanta:///files/a.json\n  - schema_path: inmanta:///files/b.json\n  - store_name: c\n    schema_path: inmanta:///schemas/c.json\n  - store_name: a\n  - store_name: d\n    schema_path: inmanta:///files/d/\n"
        )
        .unwrap_err(),
        [
            "files/git-ops-config.yml:3:5: unknown key `schema_pth`; a store entry has `store_name` and `schema_path`",
            "files/git-ops-config.yml:4:5: a store entry needs a `store_name`",
            "files/git-ops-config.yml:6:18: `schema_path` \"inmanta:///schemas/c.json\" must be in the `files/` or `templates/` folder of the project or of a module (`inmanta:///files/schemas/x.json`)",
            "files/git-ops-config.yml:7:17: store `a` is configured twice",
            "files/git-ops-config.yml:9:18: `schema_path` \"inmanta:///files/d/\" names a folder; it must name a file",
        ]
    );
}

#[test]
fn project_yml_and_the_config_are_read_with_the_bound_on_aliases() {
    // One 2 560-byte string aliased 500 times: 1.3 MB for a 6 KB file, over
    // the 1 MiB any YAML file may copy; the 409th alias crosses it
    // (2 560 x 410 > 1 048 576), on line 2 + 409.
    let text = |first: &str| {
        let mut text = format!("{first}: &big {}\nx:\n", "y".repeat(2560));
        text.push_str(&"- *big\n".repeat(500));
        text
    };
    let bound = "anchors and aliases expand to more than 1048576 bytes of text";
    let error = config(&text("stores")).unwrap_err();
    assert_eq!(error.len(), 1);
    assert!(
        error[0].starts_with(&format!("files/git-ops-config.yml:411:3: {bound}")),
        "{error:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "project.yml", &text("name"));
    let error = Project::find(dir.path()).unwrap_err().to_string();
    assert!(
        error.contains(&format!("line 411, column 3: {bound}")),
        "{error}"
    );
}

/// Issue 9, case 7: the configuration file linked out of the project (a
/// key file) is not read, so its lines never show in an error.
#[cfg(unix)]
#[test]
fn a_config_file_linked_out_of_the_project_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("key");
    std::fs::write(&secret, "SECRET: [\n").unwrap();
    std::fs::create_dir_all(dir.path().join("files")).unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("files/git-ops-config.yml")).unwrap();
    let project = Project::at(dir.path());
    let errors = GitOpsConfig::read(&project, &WorkingTree).unwrap_err();
    assert_eq!(
        errors.messages(),
        [format!(
            "files/git-ops-config.yml: a symbolic link to `{}`: it resolves to {}, outside {}; git-ops does not read or write through links that leave the project or cannot be followed",
            secret.display(),
            std::fs::canonicalize(&secret).unwrap().display(),
            std::fs::canonicalize(dir.path()).unwrap().display()
        )]
    );
    assert!(errors.errors[0].snippet.is_none());
    // A dangling link is not a missing file ("no configuration").
    std::fs::remove_file(dir.path().join("files/git-ops-config.yml")).unwrap();
    std::os::unix::fs::symlink("gone.yml", dir.path().join("files/git-ops-config.yml")).unwrap();
    assert_eq!(
        GitOpsConfig::read(&project, &WorkingTree)
            .unwrap_err()
            .messages(),
        [
            "files/git-ops-config.yml: a symbolic link to `gone.yml`: its target does not exist; git-ops does not read or write through links that leave the project or cannot be followed"
        ]
    );
}
