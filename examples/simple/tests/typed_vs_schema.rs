//! The typed path (serde on the Rust types) agrees with the schema model
//! (see `common/typed_agreement.rs`).
//!
//! When the schema-driven normaliser lands (`git_ops_runtime::document`),
//! its comparison with the typed path belongs here too: for each sample,
//! `normalise(doc)` must equal `serialise(deserialise(doc))`.

#[path = "../../common/samples.rs"]
mod samples;
#[path = "../../common/typed_agreement.rs"]
mod typed_agreement;

use git_ops_runtime::Slice;
use serde_json::json;
use simple::SimpleSlice;

#[test]
fn sample_documents_agree_with_the_schema() {
    let sample = json!({
        "name": "first",
        "description": "The first one",
        "unique_id": 7,
        "some_number": 1.5,
        "some_flag": true,
        "some_list": ["a", "b"],
        "some_dict": {"x": [1, {"y": null}]},
        "priority": "right_now",
        "vlan": 4094,
        "counters": {"a": 1, "b": -2},
        "anything": [true, "x", 3.5],
        "matrix": [[1.0, 2.5], []]
    });
    let minimal = json!({"name": "first"});
    typed_agreement::assert_agreement::<SimpleSlice>(
        &SimpleSlice::store_schema(),
        &sample,
        &minimal,
    );
}

#[test]
fn enum_values_are_the_serde_names() {
    let slice: SimpleSlice =
        serde_json::from_value(json!({"name": "x", "priority": "right_now"})).unwrap();
    assert_eq!(slice.priority, simple::Priority::RightNow);
    let err = serde_json::from_value::<SimpleSlice>(json!({"name": "x", "priority": "RightNow"}))
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown variant `RightNow`"),
        "{err}"
    );
}

/// Every sample file of the store: normaliser, JSON Schema and typed path agree.
#[test]
fn sample_files() {
    samples::check_store::<simple::SimpleSlice>(env!("CARGO_MANIFEST_DIR"));
}
