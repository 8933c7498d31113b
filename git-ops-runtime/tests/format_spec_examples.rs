//! The examples of the reference behaviour (spec §2.4 and §2.6), written
//! with our writers: the expected texts are copied from the spec.

use git_ops_runtime::format::{json, yaml};
use serde_json::json;

/// §2.4: `campus-10.yaml` after an update compile.
#[test]
fn format_spec_normalised_yaml_source() {
    let value =
        json!({"vid": 10, "label": null, "mtu": 1500.0, "enabled": true, "ports": [], "extra": {}});
    assert_eq!(
        yaml::to_yaml(&value),
        "vid: 10\nlabel: null\nmtu: 1500.0\nenabled: true\nports: []\nextra: {}\n"
    );
}

/// §2.6: `.migrations.json`, 2-space indent, no trailing newline.
#[test]
fn format_spec_migration_state_file() {
    let value = json!({"applied": ["2024-01-10-add-mtu", "2024-02-01-rename-label"]});
    assert_eq!(
        json::to_json(&value),
        "{\n  \"applied\": [\n    \"2024-01-10-add-mtu\",\n    \"2024-02-01-rename-label\"\n  ]\n}"
    );
    assert_eq!(
        json::to_json(&json!({"applied": []})),
        "{\n  \"applied\": []\n}"
    );
}

/// §2.5: a tombstone is exactly `{}`.
#[test]
fn format_spec_tombstone() {
    assert_eq!(json::to_json(&json!({})), "{}");
}
