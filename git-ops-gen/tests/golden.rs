//! The worked examples of the reference (spec §9.6), rendered exactly: the
//! expected files in `tests/golden/acme/` are the spec's text with the
//! substitutions listed in `tests/golden/README.md`.

mod common;

use common::{acme, assert_same_text, file, golden, plan};

fn check(explicit: bool, path: &str, golden_name: &str) {
    let files = plan(&acme(explicit));
    assert_same_text(file(&files, path), &golden(golden_name), golden_name);
}

#[test]
fn flat_slice_vlan() {
    check(false, "model/slices/vlan/_init.cf", "acme/vlan.cf");
}

#[test]
fn recursive_slice_tree() {
    check(false, "model/slices/tree/_init.cf", "acme/tree.cf");
}

#[test]
fn recursive_slice_tree_with_explicit_parent_relations() {
    check(true, "model/slices/tree/_init.cf", "acme/tree-explicit.cf");
}

#[test]
fn union_slice_disk() {
    check(false, "model/slices/disk/_init.cf", "acme/disk.cf");
}

#[test]
fn union_slice_disk_with_explicit_parent_relations() {
    check(true, "model/slices/disk/_init.cf", "acme/disk-explicit.cf");
}

#[test]
fn explicit_parent_relations_do_not_change_the_flat_slice() {
    check(true, "model/slices/vlan/_init.cf", "acme/vlan.cf");
}
