//! The typed path (serde on the Rust types) agrees with the schema model
//! for the three acme stores (see `common/typed_agreement.rs`).
//!
//! When the schema-driven normaliser lands (`git_ops_runtime::document`),
//! its comparison with the typed path belongs here too: for each sample,
//! `normalise(doc)` must equal `serialise(deserialise(doc))` up to the
//! documented differences (inherited union tags).

#[path = "../../common/samples.rs"]
mod samples;
#[path = "../../common/typed_agreement.rs"]
mod typed_agreement;

use acme::slices::{disk::Volume, tree::Tree, vlan::Vlan};
use git_ops_runtime::Slice;
use serde_json::json;

#[test]
fn vlan() {
    let sample = json!({
        "vid": 10,
        "label": "campus",
        "mtu": 9000.0,
        "enabled": false,
        "ports": ["ge-0/0/1"],
        "extra": {"dhcp": true}
    });
    // The source file of spec §2.4.
    let minimal = json!({"vid": 10});
    typed_agreement::assert_agreement::<Vlan>(&Vlan::store_schema(), &sample, &minimal);
}

#[test]
fn tree() {
    let sample = json!({
        "label": "oak",
        "note": "old",
        "owner": "town",
        "trunk": {"label": "trunk", "note": null, "weight": 100, "children": [
            {"label": "left", "note": null, "weight": 3, "children": []}
        ]},
        "spare": {"label": "spare", "note": "cut", "weight": null, "children": []},
        "branches": [{"label": "b1", "note": null, "weight": 1, "children": []}]
    });
    let minimal = json!({
        "label": "oak",
        "trunk": {"label": "trunk", "children": [{"label": "left"}]},
        "spare": {"label": "spare"},
        "branches": [{"label": "b1"}]
    });
    typed_agreement::assert_agreement::<Tree>(&Tree::store_schema(), &sample, &minimal);
}

#[test]
fn disk() {
    // Scenario 22's v1: a dir holding a doc, and a doc.
    let sample = json!({
        "name": "data",
        "mode": "755",
        "items": [
            {"kind": "dir", "name": "a", "mode": "750", "items": [
                {"kind": "doc", "name": "x.txt", "mode": "644", "text": "hi"}
            ]},
            {"kind": "doc", "name": "b", "mode": "600", "text": ""}
        ],
        "mount": "/mnt"
    });
    let minimal = json!({
        "name": "data",
        "mount": "/mnt",
        "items": [
            {"kind": "dir", "name": "a", "items": [{"kind": "doc", "name": "x.txt"}]},
            {"kind": "doc", "name": "b"}
        ]
    });
    typed_agreement::assert_agreement::<Volume>(&Volume::store_schema(), &sample, &minimal);
}

/// Every sample file of the store: normaliser, JSON Schema and typed path agree.
#[test]
fn sample_files() {
    samples::check_store::<acme::slices::vlan::Vlan>(env!("CARGO_MANIFEST_DIR"));
    samples::check_store::<acme::slices::tree::Tree>(env!("CARGO_MANIFEST_DIR"));
    samples::check_store::<acme::slices::disk::Volume>(env!("CARGO_MANIFEST_DIR"));
}
