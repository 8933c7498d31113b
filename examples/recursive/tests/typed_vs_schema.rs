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
use recursive::RecursiveSlice;
use serde_json::json;

#[test]
fn sample_documents_agree_with_the_schema() {
    let sample = json!({
        "name": "a",
        "description": "root",
        "unique_id": 0,
        "embedded_required": {
            "name": "aa",
            "description": null,
            "unique_id": 1,
            "recursive_slice": [{"name": "leaf", "description": "deep", "unique_id": 0, "recursive_slice": []}]
        },
        "embedded_optional": {"name": "ab", "description": null, "unique_id": null, "recursive_slice": []},
        "embedded_sequence": [
            {"name": "ac", "description": null, "unique_id": 0, "recursive_slice": []},
            {"name": "ad", "description": null, "unique_id": 1, "recursive_slice": [{"name": "x"}]}
        ]
    });
    // Scenario 3's source file, plus nested objects left to their defaults.
    let minimal = json!({
        "name": "a",
        "embedded_required": {"name": "aa", "recursive_slice": [{"name": "leaf"}]},
        "embedded_optional": {"name": "ab"},
        "embedded_sequence": [{"name": "ac"}]
    });
    typed_agreement::assert_agreement::<RecursiveSlice>(
        &RecursiveSlice::store_schema(),
        &sample,
        &minimal,
    );
}

/// Every sample file of the store: normaliser, JSON Schema and typed path agree.
#[test]
fn sample_files() {
    samples::check_store::<recursive::RecursiveSlice>(env!("CARGO_MANIFEST_DIR"));
}
