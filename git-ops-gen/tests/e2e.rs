//! End-to-end: generated modules (model, plugin, packaging) installed in the
//! test virtualenv, projects scaffolded for them, slices synced and pruned,
//! and the real inmanta compiler (inmanta-core 14.0.0) creating the objects.
//! What the compiler created is read back through a plugin the tests add to
//! the module (`common::e2e`).

mod common;

use common::e2e::E2e;
use git_ops_runtime::Slice;
use git_ops_runtime::store::ViewKind;
use serde_json::json;

#[test]
fn simple() {
    let e2e = E2e::new(
        "e2e_simple",
        vec![simple::SimpleSlice::store_schema()],
        "simple",
        false,
    );
    e2e.write(
        "files/simple/first.yaml",
        "name: first\nsome_number: 1.5\nsome_list: [a, b]\n",
    );
    e2e.sync();
    let report = e2e.compiled(None);
    e2e.assert_matches_views(&report, ViewKind::Active);
    let first = report.root("first");
    assert_eq!(first.ty, "e2e_simple::SimpleSlice");
    assert_eq!(first.get("some_list"), &json!(["a", "b"]));
}
