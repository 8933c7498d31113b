//! The store manifest: written by the generator, read back by
//! `load_manifest`, which checks every store again.

mod common;

use std::fs;

use common::{gaps, spec, support};
use git_ops_gen::manifest::{self, GENERATOR, MANIFEST_FORMAT, ManifestError, load_manifest};
use git_ops_gen::{ModuleSpec, generate_module, manifest_path};
use serde_json::Value;

fn generated(stores: Vec<git_ops_runtime::StoreSchema>) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    generate_module(&ModuleSpec {
        dir: dir.path().to_owned(),
        ..spec("gaps", stores, false)
    })
    .unwrap();
    let path = manifest_path(dir.path(), "gaps");
    (dir, path)
}

#[test]
fn round_trip() {
    let stores = gaps::all();
    let (dir, path) = generated(stores.clone());
    assert_eq!(
        path,
        dir.path()
            .join("inmanta_plugins/gaps/git_ops_manifest.json")
    );
    let loaded = load_manifest(&path).unwrap();
    assert_eq!(loaded.format, MANIFEST_FORMAT);
    assert_eq!(loaded.module, "gaps");
    assert_eq!(loaded.generator, GENERATOR);
    let mut expected = stores;
    expected.sort_by(|a, b| a.store.cmp(&b.store));
    assert_eq!(loaded.stores, expected);
    assert_eq!(
        loaded.store("zoo"),
        expected.iter().find(|s| s.store == "zoo")
    );
    assert_eq!(loaded.store("nope"), None);
}

#[test]
fn every_example_store_round_trips() {
    for store in support::all_stores() {
        let text = manifest::render_manifest(
            "acme",
            std::slice::from_ref(&store),
            false,
            &Default::default(),
        );
        let loaded = manifest::parse_manifest("m.json".as_ref(), &text).unwrap();
        assert_eq!(loaded.stores, [store]);
    }
}

/// Edits the manifest as JSON and loads it again.
fn load_edited(edit: impl FnOnce(&mut Value)) -> (std::path::PathBuf, ManifestError) {
    let (dir, path) = generated(vec![gaps::zoo()]);
    let mut value: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut value);
    fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let err = load_manifest(&path).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    drop(dir);
    (path, err)
}

#[test]
fn hand_edited_resolved_keys() {
    let (_, err) = load_edited(|m| {
        m["stores"][0]["entities"]["gaps::zoo::Cat"]["resolved_keys"] =
            serde_json::json!(["lives"]);
    });
    assert!(
        matches!(&err, ManifestError::Inconsistent { store, .. } if store == "zoo"),
        "{err}"
    );
    assert!(err.to_string().contains("regenerate the module"), "{err}");
}

#[test]
fn a_store_referring_to_a_missing_entity() {
    let (_, err) = load_edited(|m| {
        m["stores"][0]["entities"]
            .as_object_mut()
            .unwrap()
            .remove("gaps::zoo::Dog");
    });
    assert!(
        matches!(&err, ManifestError::InvalidStore { store, .. } if store == "zoo"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("variant `dog` refers to unknown entity gaps::zoo::Dog"),
        "{err}"
    );
}

#[test]
fn a_newer_format() {
    let (_, err) = load_edited(|m| {
        m["format"] = 2.into();
        m["new_field"] = true.into();
    });
    assert!(
        matches!(err, ManifestError::Format { found: 2, .. }),
        "{err}"
    );
}

#[test]
fn unknown_fields_and_duplicate_stores() {
    let (_, err) = load_edited(|m| m["extra"] = true.into());
    assert!(matches!(err, ManifestError::Parse { .. }), "{err}");
    assert!(err.to_string().contains("unknown field `extra`"), "{err}");
    let (_, err) = load_edited(|m| {
        let store = m["stores"][0].clone();
        m["stores"].as_array_mut().unwrap().push(store);
    });
    assert!(
        matches!(&err, ManifestError::DuplicateStore { store, .. } if store == "zoo"),
        "{err}"
    );
}

#[test]
fn not_json_and_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("git_ops_manifest.json");
    fs::write(&path, "{ not json").unwrap();
    let err = load_manifest(&path).unwrap_err();
    assert!(matches!(err, ManifestError::Parse { .. }), "{err}");
    assert!(err.to_string().contains("line 1 column 3"), "{err}");
    let missing = dir.path().join("missing.json");
    let err = load_manifest(&missing).unwrap_err();
    assert!(matches!(err, ManifestError::Io { .. }), "{err}");
    assert!(err.to_string().contains("missing.json"), "{err}");
}

#[test]
fn explicit_parent_relations_are_recorded_only_when_used() {
    let store = support::vlan();
    let plain = manifest::render_manifest(
        "acme",
        std::slice::from_ref(&store),
        false,
        &Default::default(),
    );
    assert!(!plain.contains("explicit_parent_relations"), "{plain}");
    assert!(
        !manifest::parse_manifest("m.json".as_ref(), &plain)
            .unwrap()
            .explicit_parent_relations
    );
    let explicit = manifest::render_manifest(
        "acme",
        std::slice::from_ref(&store),
        true,
        &Default::default(),
    );
    assert!(
        explicit.contains("\"explicit_parent_relations\": true"),
        "{explicit}"
    );
    assert!(
        manifest::parse_manifest("m.json".as_ref(), &explicit)
            .unwrap()
            .explicit_parent_relations
    );
}

#[test]
fn migration_names_are_recorded_per_store_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut migrations = std::collections::BTreeMap::new();
    migrations.insert(
        "zoo".to_owned(),
        vec!["2024-06-01-b".to_owned(), "2024-01-01-a".to_owned()],
    );
    generate_module(&ModuleSpec {
        dir: dir.path().to_owned(),
        migrations,
        ..spec("gaps", vec![gaps::zoo(), gaps::fleet()], false)
    })
    .unwrap();
    let path = manifest_path(dir.path(), "gaps");
    let text = fs::read_to_string(&path).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    // Sorted, after the schema of the store; absent for a store without any.
    let stores = value["stores"].as_array().unwrap();
    let zoo = stores.iter().find(|s| s["store"] == "zoo").unwrap();
    assert_eq!(
        zoo.as_object()
            .unwrap()
            .keys()
            .next_back()
            .map(String::as_str),
        Some("migrations")
    );
    assert_eq!(
        zoo["migrations"],
        serde_json::json!(["2024-01-01-a", "2024-06-01-b"])
    );
    let fleet = stores.iter().find(|s| s["store"] == "fleet").unwrap();
    assert!(fleet.get("migrations").is_none(), "{fleet}");

    let loaded = load_manifest(&path).unwrap();
    assert_eq!(
        loaded.migrations_of("zoo"),
        ["2024-01-01-a", "2024-06-01-b"]
    );
    assert!(loaded.migrations_of("fleet").is_empty());
    assert_eq!(loaded.stores.len(), 2);
}

#[test]
fn invalid_migration_names_are_refused() {
    let (_, err) = load_edited(|m| m["stores"][0]["migrations"] = serde_json::json!(["a", ""]));
    assert!(
        matches!(&err, ManifestError::Migration { store, name, .. } if store == "zoo" && name.is_empty()),
        "{err}"
    );
    let (_, err) =
        load_edited(|m| m["stores"][0]["migrations"] = serde_json::json!(["a", "b", "a"]));
    assert!(
        matches!(&err, ManifestError::Migration { name, .. } if name == "a"),
        "{err}"
    );
    // The generator refuses them too, and migrations of an unknown store.
    let dir = tempfile::tempdir().unwrap();
    let mut migrations = std::collections::BTreeMap::new();
    migrations.insert("nope".to_owned(), vec!["x\n".to_owned()]);
    let err = generate_module(&ModuleSpec {
        dir: dir.path().to_owned(),
        migrations,
        ..spec("gaps", vec![gaps::zoo()], false)
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("migrations are given for store `nope`"),
        "{err}"
    );
    assert!(
        err.contains("\"x\\n\" is not a valid migration name"),
        "{err}"
    );
}

mod integers {
    #![allow(missing_docs)]
    use git_ops_runtime::Slice;
    use serde::{Deserialize, Serialize};

    /// Integers whose bounds do not fit an i64 (issue 9, case 8).
    #[derive(Serialize, Deserialize, Slice)]
    #[slice(store = "integers")]
    pub struct Integers {
        #[slice(key)]
        pub name: String,
        pub signed: i64,
        pub unsigned: u64,
        #[slice(range(min = 10_000_000_000_000_000_000_u64))]
        pub huge: u64,
        pub small: i8,
    }
}

#[test]
fn integer_bounds_of_every_type_are_kept_in_the_manifest() {
    use git_ops_runtime::Slice;
    use git_ops_runtime::document::DocumentSchema;
    use serde_json::json;

    let store = integers::Integers::store_schema();
    let text = manifest::render_manifest(
        "m",
        std::slice::from_ref(&store),
        false,
        &Default::default(),
    );
    // An i64 states no bound; the others state theirs, beyond i64 too.
    for (field, ty) in [
        ("signed", r#"{"type": "int"}"#),
        (
            "unsigned",
            r#"{"type": "int", "min": 0, "max": 18446744073709551615}"#,
        ),
        (
            "huge",
            r#"{"type": "int", "min": 10000000000000000000, "max": 18446744073709551615}"#,
        ),
        ("small", r#"{"type": "int", "min": -128, "max": 127}"#),
    ] {
        let compact: String = text.split_whitespace().collect();
        let expected = format!(r#""name":"{field}","field":"value","type":{ty}"#).replace(' ', "");
        assert!(compact.contains(&expected), "{expected}\n{text}");
    }
    let loaded = manifest::parse_manifest("m.json".as_ref(), &text).unwrap();
    assert_eq!(loaded.stores, [store]);
    // The plain binary's path: normalising with the store read back.
    let documents = DocumentSchema::new(&loaded.stores[0]);
    let doc = |signed: Value, unsigned: Value, huge: Value| json!({"name": "n", "signed": signed, "unsigned": unsigned, "huge": huge, "small": 0});
    assert!(
        documents
            .normalise(&doc(json!(i64::MAX), json!(u64::MAX), json!(u64::MAX)))
            .is_ok()
    );
    let errors = documents
        .normalise(&doc(
            json!(9_223_372_036_854_775_808_u64),
            json!(-1),
            json!(9_999_999_999_999_999_999_u64),
        ))
        .unwrap_err();
    assert_eq!(
        errors.to_string().lines().collect::<Vec<_>>(),
        [
            "signed: expected an integer between -9223372036854775808 and 9223372036854775807, found the integer 9223372036854775808",
            "unsigned: expected an integer between 0 and 18446744073709551615, found the integer -1",
            "huge: expected an integer between 10000000000000000000 and 18446744073709551615, found the integer 9999999999999999999",
        ]
    );
}

#[test]
fn manifest_fields_that_become_paths_follow_the_derive_rules() {
    // Issue: the plain binary took `stores[].store` as is and wrote state
    // and views outside the project. Refused when the manifest is read,
    // naming the file, before anything is written.
    let rule = "the store name is a folder name (`git_ops/active/<store>/`): use ASCII letters, digits, `_`, `-` and `.`, not starting with `.`";
    for name in [
        "../../../esc",
        "a/b",
        ".hidden",
        "",
        "a b",
        "a\\b",
        "line\nbreak",
    ] {
        let (path, err) = load_edited(|m| m["stores"][0]["store"] = name.into());
        assert!(
            matches!(&err, ManifestError::InvalidStore { store, .. } if store == name),
            "{name:?}: {err}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "{}: store `{name}` is invalid: invalid store name {name:?}: {rule}",
                path.display()
            )
        );
    }
    for (source, why) in [
        (
            "inmanta:///files/../../../esc/",
            "location \"inmanta:///files/../../../esc/\" leaves its root folder (`..` is not allowed)",
        ),
        (
            "inmanta://../files/x/",
            "location \"inmanta://../files/x/\" names a module that cannot exist: a module name is made of ASCII letters, digits and `_`",
        ),
        (
            "file://relative/x/",
            "location \"file://relative/x/\" must hold an absolute path after `file://` (`file:///srv/x`)",
        ),
        (
            "files/x/",
            "location \"files/x/\" has no known scheme: write `inmanta:///<path in the project>`, `inmanta://<module>/<path in the module>` or `file:///<absolute path>`",
        ),
    ] {
        let (path, err) = load_edited(|m| m["stores"][0]["source"] = source.into());
        assert_eq!(
            err.to_string(),
            format!(
                "{}: store `zoo` is invalid: invalid source folder: {why}",
                path.display()
            ),
            "{source:?}"
        );
    }
    let (path, err) = load_edited(|m| m["module"] = "../evil".into());
    assert_eq!(
        err.to_string(),
        format!(
            "{}: \"../evil\" cannot name an inmanta module: a DSL module name is made of ASCII letters, digits and `_`, and does not start with a digit",
            path.display()
        )
    );
}
