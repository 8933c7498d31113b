//! The typed path (serde on the Rust types) agrees with the schema model:
//! same fields in the same order, values of the declared types, the same
//! defaults, the same required fields (see `common/typed_agreement.rs`).
//!
//! When the schema-driven normaliser lands (`git_ops_runtime::document`),
//! its comparison with the typed path belongs here too: for each sample,
//! `normalise(doc)` must equal `serialise(deserialise(doc))` up to the
//! documented differences (model-only fields, inherited union tags).

#[path = "../../common/samples.rs"]
mod samples;
#[path = "../../common/typed_agreement.rs"]
mod typed_agreement;

use fs::RootFolder;
use git_ops_runtime::Slice;
use serde_json::json;

#[test]
fn sample_documents_agree_with_the_schema() {
    let sample = json!({
        "name": "etc",
        "permissions": "750",
        "owner": "root",
        "group": "root",
        "content": [
            {
                "type": "file",
                "name": "motd",
                "permissions": "644",
                "owner": null,
                "group": null,
                "content": "Welcome\n",
                "previous_content": "Hello\n"
            },
            {
                "type": "folder",
                "name": "nginx",
                "permissions": "750",
                "owner": "www",
                "group": "www",
                "content": [{"type": "file", "name": "nginx.conf", "content": "events {}\n"}]
            }
        ],
        "root": "/srv"
    });
    let minimal = json!({
        "name": "etc",
        "root": "/srv",
        "content": [
            {"type": "file", "name": "motd"},
            {"type": "folder", "name": "nginx", "content": [{"type": "folder", "name": "empty"}]}
        ]
    });
    typed_agreement::assert_agreement::<RootFolder>(&RootFolder::store_schema(), &sample, &minimal);
}

#[test]
fn the_root_reads_but_never_writes_the_inherited_tag() {
    // The scaffold of a RootFolder holds `type: folder` (spec scenario 38);
    // serde ignores it when reading and does not write it back.
    let read: RootFolder =
        serde_json::from_value(json!({"name": "etc", "type": "folder", "root": "/srv"})).unwrap();
    let written = serde_json::to_value(&read).unwrap();
    assert_eq!(written.get("type"), None);
    assert_eq!(written["content"], json!([]));
}

#[test]
fn an_unknown_tag_is_refused() {
    let err = serde_json::from_value::<RootFolder>(json!({
        "name": "etc",
        "root": "/srv",
        "content": [{"type": "link", "name": "x"}]
    }))
    .unwrap_err();
    assert!(err.to_string().contains("unknown variant `link`"), "{err}");
}

#[test]
fn the_checks_catch_a_schema_that_disagrees_with_serde() {
    use git_ops_runtime::schema::{EntityId, FieldKind, ValueType};

    let mut schema = RootFolder::store_schema();
    let path_base = schema
        .entities
        .get_mut(&EntityId::new("fs", "PathBase"))
        .unwrap();
    path_base.fields[1].default = Some(json!("777")); // permissions: serde says "770"
    path_base.fields[2].default = None; // owner: serde reads a missing owner as None
    path_base.fields[3].kind = FieldKind::Value {
        ty: ValueType::Bool, // group: serde writes a string
        nullable: true,
    };
    let doc = json!({"name": "etc", "root": "/srv", "group": "wheel"});
    let typed = typed_agreement::round_trip::<RootFolder>(&doc);

    let shape = typed_agreement::shape_problems(&schema, &typed);
    assert_eq!(shape.len(), 1, "{shape:?}");
    assert!(
        shape[0].starts_with("./group: \"wheel\" does not fit Bool"),
        "{shape:?}"
    );

    let defaults = typed_agreement::default_problems(&schema, &doc, &typed);
    assert_eq!(defaults.len(), 2, "{defaults:?}");
    assert!(defaults[0].starts_with("/permissions: serde gives Some(String(\"770\"))"));
    assert!(
        defaults[1].starts_with("/owner: serde gives Some(Null), the schema's default is None")
    );

    let accepts = |d: &serde_json::Value| {
        serde_json::from_value::<RootFolder>(d.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let required = typed_agreement::required_problems(&schema, &typed, accepts);
    assert_eq!(
        required,
        ["/owner: the schema says required, but serde accepts the document without it"]
    );
}

/// Every sample file of the store: normaliser, JSON Schema and typed path agree.
#[test]
fn sample_files() {
    samples::check_store::<fs::RootFolder>(env!("CARGO_MANIFEST_DIR"));
}
