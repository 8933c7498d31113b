//! Snapshots of every generated file that has no golden file: each snapshot
//! was read and checked by hand against spec §9 and `docs/generator.md`
//! before it was accepted.

mod common;

use common::{gaps, plan, spec, support};
use git_ops_gen::{FileKind, GeneratedFile};

/// Snapshots the `.cf` files of a plan, named `<prefix>@<path>`: those of
/// the stores, and with `framework` also the base module and the
/// placeholders (the same in every module but for the header).
fn snapshot_model(prefix: &str, files: &[GeneratedFile], framework: bool) {
    for file in files {
        let is_framework = file.kind == FileKind::Placeholder || file.path.ends_with("git_ops.cf");
        if file.kind != FileKind::Placeholder && file.kind != FileKind::Model {
            continue;
        }
        if framework || !is_framework {
            let name = format!("{prefix}@{}", file.path.display()).replace('/', "__");
            insta::assert_snapshot!(name, file.content);
        }
    }
}

#[test]
fn fs_example() {
    snapshot_model(
        "example",
        &plan(&spec("example", vec![support::fs()], false)),
        true,
    );
}

#[test]
fn fs_example_with_explicit_parent_relations() {
    let files = plan(&spec("example", vec![support::fs()], true));
    let file = common::file(&files, "model/slices/fs/_init.cf");
    insta::assert_snapshot!("example-explicit@model__slices__fs___init.cf", file);
}

#[test]
fn flat_and_recursive() {
    let stores = vec![support::flat(), support::recursive()];
    snapshot_model("tests", &plan(&spec("tests", stores, false)), false);
}

#[test]
fn switch_enums_ranges_typed_maps_and_optional_lists() {
    let files = plan(&spec("acme", vec![support::switch()], false));
    let file = common::file(&files, "model/slices/switch/_init.cf");
    insta::assert_snapshot!("acme@model__slices__switch___init.cf", file);
}

#[test]
fn vlan_with_a_bounded_key() {
    let files = plan(&spec("acme", vec![support::vlan()], false));
    let file = common::file(&files, "model/slices/vlan/_init.cf");
    insta::assert_snapshot!("acme@model__slices__vlan___init.cf", file);
}

#[test]
fn gaps_of_the_reference() {
    snapshot_model("gaps", &plan(&spec("gaps", gaps::all(), false)), false);
}

#[test]
fn json_schema_and_manifest_files() {
    let files = plan(&spec("acme", vec![support::vlan()], false));
    insta::assert_snapshot!(
        "acme@schemas__vlan.json",
        common::file(&files, "schemas/vlan.json")
    );
    // The generator version changes with every release.
    let manifest = common::file(&files, "inmanta_plugins/acme/git_ops_manifest.json")
        .replace(git_ops_gen::manifest::GENERATOR, "git-ops-gen [version]");
    insta::assert_snapshot!(
        "acme@inmanta_plugins__acme__git_ops_manifest.json",
        manifest
    );
}

#[test]
fn every_file_of_a_module_is_listed_in_path_order() {
    let files = plan(&spec("gaps", gaps::all(), false));
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(
        paths,
        [
            "inmanta_plugins/gaps/__init__.py",
            "inmanta_plugins/gaps/git_ops_manifest.json",
            "model/_init.cf",
            "model/fleet/_init.cf",
            "model/git_ops.cf",
            "model/keyless/_init.cf",
            "model/shared/_init.cf",
            "model/sites/_init.cf",
            "model/zoo/_init.cf",
            "schemas/fleet.json",
            "schemas/keyless.json",
            "schemas/sites.json",
            "schemas/zoo.json",
        ]
    );
}

#[test]
fn the_output_does_not_depend_on_the_order_of_the_stores() {
    let mut reversed = gaps::all();
    reversed.reverse();
    assert_eq!(
        plan(&spec("gaps", gaps::all(), false)),
        plan(&spec("gaps", reversed, false))
    );
}
