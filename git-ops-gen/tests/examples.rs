//! The generator on the example crates, i.e. on real derive output: the
//! `acme` crate reproduces the reference's worked examples (spec §9.6)
//! exactly; the others are snapshots checked by hand.

mod common;

use common::{ACME_HEADER, assert_same_text, file, golden, plan, spec};
use git_ops_gen::{FileKind, GeneratedFile, ModuleSpec};
use git_ops_runtime::{Slice, StoreSchema};

/// The stores of the `acme` example crate.
pub fn acme_stores() -> Vec<StoreSchema> {
    vec![
        acme::slices::vlan::Vlan::store_schema(),
        acme::slices::tree::Tree::store_schema(),
        acme::slices::disk::Volume::store_schema(),
    ]
}

fn acme_spec(explicit: bool) -> ModuleSpec {
    ModuleSpec {
        header: Some(ACME_HEADER.to_owned()),
        ..spec("acme", acme_stores(), explicit)
    }
}

#[test]
fn acme_crate_matches_the_worked_examples() {
    for (explicit, store, golden_name) in [
        (false, "vlan", "acme/vlan.cf"),
        (false, "tree", "acme/tree.cf"),
        (false, "disk", "acme/disk.cf"),
        (true, "vlan", "acme/vlan.cf"),
        (true, "tree", "acme/tree-explicit.cf"),
        (true, "disk", "acme/disk-explicit.cf"),
    ] {
        let files = plan(&acme_spec(explicit));
        let path = format!("model/slices/{store}/_init.cf");
        assert_same_text(file(&files, &path), &golden(golden_name), golden_name);
    }
}

#[test]
fn acme_crate_and_hand_built_stores_give_the_same_module() {
    // The manifests differ: the crate's `DirItem` has a doc comment (the text
    // the generator uses when there is none), the hand-built union has none.
    let without_manifest = |spec: &ModuleSpec| -> Vec<GeneratedFile> {
        plan(spec)
            .into_iter()
            .filter(|f| f.kind != FileKind::Manifest)
            .collect()
    };
    assert_eq!(
        without_manifest(&acme_spec(false)),
        without_manifest(&common::acme(false))
    );
}

#[test]
fn simple_crate() {
    let files = plan(&spec(
        "simple",
        vec![simple::SimpleSlice::store_schema()],
        false,
    ));
    insta::assert_snapshot!("simple@model___init.cf", file(&files, "model/_init.cf"));
}

#[test]
fn recursive_crate() {
    let files = plan(&spec(
        "recursive",
        vec![recursive::RecursiveSlice::store_schema()],
        false,
    ));
    insta::assert_snapshot!("recursive@model___init.cf", file(&files, "model/_init.cf"));
}

#[test]
fn fs_crate_with_explicit_parent_relations() {
    let files = plan(&spec("fs", vec![fs::RootFolder::store_schema()], true));
    insta::assert_snapshot!(
        "fs-explicit@model___init.cf",
        file(&files, "model/_init.cf")
    );
}
