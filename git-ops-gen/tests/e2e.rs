//! End-to-end with the real inmanta compiler (inmanta-core 14.0.0): the
//! example crates generated as modules (model, plugin, packaging), installed
//! in the test virtualenv, a project scaffolded for each
//! (`git_ops_gen::project`), slices written, synced and pruned, and the
//! scaffolded `main.cf` compiled. What the compiler created is read back
//! through a plugin the tests add to the module (`common::e2e`), and compared
//! with the views the engine computes: every object exists, as the right
//! entity, with the attributes and `operation` of its view.
//!
//! 15 compiles of about 1.5 s and one `inmanta module build`.

mod common;

use std::path::Path;
use std::process::Command;

use common::e2e::E2e;
use git_ops_runtime::Slice;
use git_ops_runtime::store::ViewKind;
use serde_json::json;

/// A flat slice with every kind of value; the compile modes; prune;
/// out-of-date views and a mistake in `attributes()` failing the compile.
#[test]
fn simple_slices_through_update_sync_and_prune() {
    let e2e = E2e::new(
        "e2e_simple",
        vec![simple::SimpleSlice::store_schema()],
        "simple",
        false,
    );
    e2e.write(
        "files/simple/first.yaml",
        "name: first\nsome_number: 1.5\nsome_list: [a, b]\nsome_dict: {k: [1, two]}\npriority: right_now\nvlan: 10\ncounters: {a: 1}\nanything: {free: [1, {x: null}]}\nmatrix: [[1.0, 2.5], []]\n",
    );
    e2e.write(
        "files/simple/second.json",
        r#"{"name": "second", "description": "caf\u00e9", "some_flag": true}"#,
    );
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    assert_eq!(report.objects.len(), 2);
    let first = report.root("first");
    assert_eq!(first.ty, "e2e_simple::SimpleSlice");
    for (attribute, value) in [
        ("operation", json!("create")),
        ("version", json!(1)),
        ("slice_store", json!("simple")),
        ("some_number", json!(1.5)),
        ("some_list", json!(["a", "b"])),
        ("some_dict", json!({"k": [1, "two"]})),
        ("priority", json!("right_now")),
        ("vlan", json!(10)),
        ("anything", json!({"free": [1, {"x": null}]})),
        ("matrix", json!([[1.0, 2.5], []])),
    ] {
        assert_eq!(first.get(attribute), &value, "{attribute}");
    }
    assert_eq!(report.root("second").get("description"), &json!("café"));

    // Local changes: the source view, in an update compile.
    e2e.write(
        "files/simple/second.json",
        r#"{"name": "second", "description": "tea"}"#,
    );
    e2e.write("files/simple/third.yaml", "name: third\n");
    e2e.remove("files/simple/first.yaml");
    e2e.update();
    let report = e2e.compiled(Some("update"));
    e2e.assert_matches_views(&report, ViewKind::Source, &[]);
    let operations: Vec<String> = report
        .operations()
        .into_iter()
        .map(|(_, operation)| operation)
        .collect();
    assert_eq!(
        operations,
        ["create", "delete", "update"],
        "third, first, second"
    );
    assert_eq!(report.root("first").get("version"), &json!(2));
    assert_eq!(report.root("first").get("some_list"), &json!(["a", "b"]));
    assert_eq!(report.root("second").get("description"), &json!("tea"));

    // Synced: the orchestrator's compile sees the same.
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    assert_eq!(report.root("first").get("operation"), &json!("delete"));
    assert_eq!(report.root("third").get("operation"), &json!("create"));

    // Pruned: the deleted slice is gone, the others start over.
    e2e.prune();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    assert_eq!(report.objects.len(), 2);
    assert_eq!(report.root("second").get("operation"), &json!("create"));
    assert_eq!(report.root("second").get("version"), &json!(2));

    // An active file changed after the views were written.
    e2e.write(
        "git_ops/active/simple/second@v2.json",
        r#"{"name": "second"}"#,
    );
    e2e.compile_fails(
        None,
        &[
            "PluginException in plugin e2e_simple::unroll_slices",
            "the active views of store `simple` are out of date; run `git-ops project sync` to rewrite them",
            "the view of slice `second` is stale: `git_ops/active/simple/second@v2.json` changed since the view was written",
        ],
    );
    e2e.sync();

    // A mistake in the model's use of attributes().
    e2e.edit_main(
        "e2e_simple::attributes(\"e2e_simple::SimpleSlice\", s[\"attributes\"])",
        "e2e_simple::attributes(\"e2e_simple::SimpleSlice\", s[\"attributes\"], descripton=\"typo\")",
    );
    e2e.compile_fails(
        None,
        &["attributes(): `e2e_simple::SimpleSlice` has no attribute `descripton` (given in an override)"],
    );
}

/// Objects nested to any depth in the three cardinalities; an embedded item
/// and a whole slice deleted, then pruned.
#[test]
fn recursive_objects_deleted_and_pruned() {
    let e2e = E2e::new(
        "e2e_recursive",
        vec![recursive::RecursiveSlice::store_schema()],
        "recursive",
        false,
    );
    e2e.write(
        "files/recursive/r1.yaml",
        "name: r1\nembedded_required:\n  name: req\n  recursive_slice:\n    - name: c1\n      recursive_slice: [{name: g1}]\nembedded_optional: {name: opt}\nembedded_sequence:\n  - name: a\n  - name: b\n    recursive_slice: [{name: x.y}]\n",
    );
    e2e.write(
        "files/recursive/r2.yaml",
        "name: r2\nembedded_required: {name: req}\n",
    );
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    assert_eq!(report.objects.len(), 10);
    let types =
        |path: &str| -> Vec<String> { report.at(path).iter().map(|o| o.ty.clone()).collect() };
    let m = "e2e_recursive::";
    assert_eq!(
        types("embedded_required"),
        [
            format!("{m}RecursiveSliceEmbeddedRequired"),
            format!("{m}RecursiveSliceEmbeddedRequired")
        ]
    );
    assert_eq!(
        types("embedded_optional"),
        [format!("{m}RecursiveSliceEmbeddedOptional")]
    );
    assert_eq!(
        types("embedded_required.recursive_slice[name=c1].recursive_slice[name=g1]"),
        [format!("{m}EmbeddedSliceRecursiveSlice")]
    );
    assert_eq!(
        types(r"embedded_sequence[name=b].recursive_slice[name=x\.y]"),
        [format!("{m}EmbeddedSliceRecursiveSlice")]
    );

    // An embedded item (with its child) and the optional object deleted.
    e2e.write(
        "files/recursive/r1.yaml",
        "name: r1\nembedded_required:\n  name: req\n  recursive_slice:\n    - name: c1\n      recursive_slice: [{name: g1}]\nembedded_sequence:\n  - name: a\n",
    );
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    let r1: Vec<(String, String)> = report
        .operations()
        .into_iter()
        .filter(|(path, _)| path != "." && path != "embedded_required")
        .collect();
    let pairs = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    assert_eq!(
        r1,
        pairs(&[
            ("embedded_optional", "delete"),
            ("embedded_required.recursive_slice[name=c1]", "create"),
            (
                "embedded_required.recursive_slice[name=c1].recursive_slice[name=g1]",
                "create"
            ),
            ("embedded_sequence[name=a]", "create"),
            ("embedded_sequence[name=b]", "delete"),
            (
                r"embedded_sequence[name=b].recursive_slice[name=x\.y]",
                "delete"
            ),
        ])
    );
    assert_eq!(report.root("r1").get("operation"), &json!("update"));
    assert_eq!(report.root("r2").get("operation"), &json!("create"));

    // A whole slice deleted: every object of it marked `delete`.
    e2e.remove("files/recursive/r2.yaml");
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    let r2 = report.root("r2");
    assert_eq!(r2.get("operation"), &json!("delete"));
    assert_eq!(r2.get("version"), &json!(2));
    assert_eq!(
        report
            .at("embedded_required")
            .iter()
            .map(|o| o.get("operation").as_str().unwrap())
            .collect::<std::collections::BTreeSet<_>>(),
        ["create", "delete"].into()
    );

    // Pruned: the deleted slice and the deleted items are gone.
    e2e.prune();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    assert_eq!(
        report.operations(),
        pairs(&[
            (".", "create"),
            ("embedded_required", "create"),
            ("embedded_required.recursive_slice[name=c1]", "create"),
            (
                "embedded_required.recursive_slice[name=c1].recursive_slice[name=g1]",
                "create"
            ),
            ("embedded_sequence[name=a]", "create"),
        ])
    );
}

/// Spec §12 scenario 48: a file's previous content through
/// `get_slice_previous_attribute`, with a union, inheritance and explicit
/// parent relations; an export before the first sync sees nothing.
#[test]
fn fs_previous_content() {
    let e2e = E2e::new("e2e_fs", vec![fs::RootFolder::store_schema()], "fs", true);
    // The model of the module's author: a file's previous content.
    e2e.edit_main(
        "e2e_fs::File(folder=self.object, **e2e_fs::attributes(\"e2e_fs::File\", item))",
        "e2e_fs::File(folder=self.object, **e2e_fs::attributes(\"e2e_fs::File\", item, previous_content=e2e_fs::get_slice_previous_attribute(self.slice_store, self.slice_name, item[\"path\"] + \".content\")))",
    );
    e2e.write(
        "files/fs/etc.yaml",
        "root: /\nname: etc\ncontent:\n  - {type: file, name: a.txt, content: a}\n  - type: folder\n    name: sub\n    content:\n      - {type: file, name: b, content: b}\n",
    );
    let report = e2e.compiled(None);
    assert!(report.objects.is_empty(), "nothing synced yet: {report:?}");

    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    assert_eq!(report.root("etc").ty, "e2e_fs::RootFolder");
    let a = report.at(r"content[type=file][name=a\.txt]");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].ty, "e2e_fs::File");
    assert_eq!(a[0].get("content"), &json!("a"));
    assert_eq!(a[0].get("previous_content"), &json!(null));
    assert_eq!(
        report.at("content[type=folder][name=sub]")[0].ty,
        "e2e_fs::FolderFolder"
    );

    e2e.write(
        "files/fs/etc.yaml",
        "root: /\nname: etc\ncontent:\n  - {type: file, name: a.txt, content: aa}\n  - type: folder\n    name: sub\n    content:\n      - {type: file, name: b, content: b}\n",
    );
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &["previous_content"]);
    let a = report.at(r"content[type=file][name=a\.txt]")[0];
    assert_eq!(a.get("operation"), &json!("update"));
    assert_eq!(a.get("content"), &json!("aa"));
    assert_eq!(a.get("previous_content"), &json!("a"));
    let b = report.at("content[type=folder][name=sub].content[type=file][name=b]")[0];
    assert_eq!(b.get("previous_content"), &json!("b"));

    // The file deleted: still there, marked `delete`, with its last values.
    e2e.write(
        "files/fs/etc.yaml",
        "root: /\nname: etc\ncontent:\n  - type: folder\n    name: sub\n    content:\n      - {type: file, name: b, content: b}\n",
    );
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &["previous_content"]);
    let a = report.at(r"content[type=file][name=a\.txt]")[0];
    assert_eq!(a.get("operation"), &json!("delete"));
    assert_eq!(a.get("content"), &json!("aa"));
    assert_eq!(a.get("previous_content"), &json!("aa"));
}

/// `inmanta module build` packages a generated module: the wheel holds the
/// model, the plugin, the manifest and setup.cfg (inmanta's own check that
/// every file of the package is in the wheel passes). The build installs
/// setuptools and wheel from the package index into its build environment.
#[test]
fn inmanta_module_build_packages_a_generated_module() {
    let venv = common::inmanta::Venv::get();
    let (module, _) = common::inmanta::generate(
        "e2e_build",
        common::rename_module(
            vec![recursive::RecursiveSlice::store_schema()],
            "recursive",
            "e2e_build",
        ),
        None,
        false,
    );
    let dist = module.dir.with_file_name("dist");
    let output = Command::new(venv.bin("inmanta"))
        .args(["module", "build"])
        .arg(&module.dir)
        .arg("-o")
        .arg(&dist)
        .output()
        .expect("inmanta runs");
    assert!(
        output.status.success(),
        "inmanta module build failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let wheel = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a wheel");
    assert!(
        wheel
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("inmanta_module_e2e_build-0.1.0-py3-none-any")
    );
    let listing = Command::new(venv.bin("python"))
        .args(["-m", "zipfile", "-l"])
        .arg(&wheel)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    for file in [
        "inmanta_plugins/e2e_build/__init__.py",
        "inmanta_plugins/e2e_build/git_ops_manifest.json",
        "inmanta_plugins/e2e_build/setup.cfg",
        "inmanta_plugins/e2e_build/model/_init.cf",
        "inmanta_plugins/e2e_build/model/git_ops.cf",
    ] {
        assert!(
            listing.contains(file),
            "{file} is not in the wheel:\n{listing}"
        );
    }
    assert!(Path::new(&module.dir).join("pyproject.toml").is_file());
}

/// A module installed with a plain `pip install <folder>` (no `inmanta
/// module build`, not editable) loads and compiles: its `setup.py` lays the
/// package out as inmanta expects an installed module (setup.cfg and the
/// model inside the package; inmanta-core 20 refuses it otherwise).
#[test]
fn a_plain_pip_install_of_a_generated_module_compiles() {
    let e2e = E2e::built(
        "e2e_plain",
        vec![simple::SimpleSlice::store_schema()],
        "simple",
    );
    e2e.write("files/simple/only.yaml", "name: only\nvlan: 12\n");
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    assert_eq!(report.objects.len(), 1);
    assert_eq!(report.root("only").get("vlan"), &json!(12));
    let installed = Command::new(e2e.venv.bin("python"))
        .args([
            "-c",
            "import pathlib, inmanta_plugins.e2e_plain as m; p = pathlib.Path(m.__file__).parent; print(sorted(x.name for x in p.iterdir()))",
        ])
        .output()
        .unwrap();
    let installed = String::from_utf8_lossy(&installed.stdout);
    for entry in [
        "'files'",
        "'model'",
        "'setup.cfg'",
        "'templates'",
        "'git_ops_manifest.json'",
    ] {
        assert!(
            installed.contains(entry),
            "{entry} not installed: {installed}"
        );
    }
}

/// Every shape of schema the generator handles, two modules in one project:
/// unions (one relation, several relations), helper entities across modules,
/// a keyless root and object, a slice root type embedded in another store's
/// slices, recursion through helpers.
#[test]
fn every_schema_shape_in_one_project() {
    let e2e = E2e::with_modules(&[
        (
            "e2e_acme",
            vec![
                acme::slices::vlan::Vlan::store_schema(),
                acme::slices::tree::Tree::store_schema(),
                acme::slices::disk::Volume::store_schema(),
            ],
            "acme",
            false,
        ),
        ("e2e_gaps", common::gaps::all(), "gaps", false),
    ]);
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme/samples");
    for (store, file) in [
        ("vlan", "campus-10.yaml"),
        ("tree", "a.json"),
        ("disk", "vol.yaml"),
    ] {
        let text = std::fs::read_to_string(samples.join(store).join("valid").join(file)).unwrap();
        e2e.write(&format!("files/{store}/{file}"), &text);
    }
    e2e.write(
        "files/keyless/n1.yaml",
        "body: hello\ngrid: [[a, b], []]\ntags: [x]\nlevel: -5\nratio: 0.75\nfooter: {text: bye}\n",
    );
    e2e.write("files/keyless/n2.yaml", "body: plain\n");
    e2e.write(
        "files/sites/hq.yaml",
        "name: hq\nprimary: {label: main, street: s1}\nothers: [{label: depot, street: s2}]\ncontact: {email: hq@example.com}\n",
    );
    e2e.write(
        "files/zoo/antwerp.yaml",
        "city: Antwerp\naddress: {label: main, street: x}\npens: [{species: cat, name: tom}, {species: dog, name: rex}]\nquarantine: [{species: cat, name: tom, lives: 8}]\n",
    );
    e2e.write(
        "files/fleet/all.yaml",
        "owner: ops\nsites: [{name: branch, primary: {label: main, street: s3}}]\n",
    );
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active, &[]);
    let ty = |path: &str| -> Vec<String> {
        let mut types: Vec<String> = report.at(path).iter().map(|o| o.ty.clone()).collect();
        types.sort();
        types
    };
    for (path, expected) in [
        ("trunk", &["e2e_acme::slices::tree::TreeTrunk"][..]),
        (
            "branches[label=x].children[label=x1]",
            &["e2e_acme::slices::tree::BranchChildren"],
        ),
        (
            "items[kind=dir][name=a]",
            &["e2e_acme::slices::disk::DirDir"],
        ),
        (
            r"items[kind=dir][name=a].items[kind=doc][name=x\.txt]",
            &["e2e_acme::slices::disk::Doc"],
        ),
        ("footer", &["e2e_gaps::keyless::Footer"]),
        ("primary", &["e2e_gaps::sites::SitePrimary"]),
        ("contact", &["e2e_gaps::shared::Contact"]),
        ("address", &["e2e_gaps::zoo::ZooAddress"]),
        (
            "pens[species=cat][name=tom]",
            &["e2e_gaps::zoo::ZooPensCat"],
        ),
        (
            "pens[species=dog][name=rex]",
            &["e2e_gaps::zoo::ZooPensDog"],
        ),
        (
            "quarantine[species=cat][name=tom]",
            &["e2e_gaps::zoo::ZooQuarantineCat"],
        ),
        ("sites[name=branch]", &["e2e_gaps::fleet::FleetSites"]),
        (
            "sites[name=branch].primary",
            &["e2e_gaps::sites::SitePrimary"],
        ),
    ] {
        assert_eq!(ty(path), expected, "{path}");
    }
    let branch = report.at("sites[name=branch]")[0];
    assert_eq!(branch.get("slice_name"), &json!("all"));
    assert_eq!(branch.get("slice_store"), &json!("fleet"));
    assert_eq!(
        report.at("quarantine[species=cat][name=tom]")[0].get("lives"),
        &json!(8)
    );
}
