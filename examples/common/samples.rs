//! Checks the sample slice files of an example store (shared by the example
//! crates' tests: `#[path = "../../common/samples.rs"] mod samples;`).
//!
//! A store's samples live in `samples/<store>/`:
//!
//! - `valid/`: files a user may write. Each one is read, normalised, and
//!   validated against the store's JSON Schema with a real validator; and the
//!   *typed path* (serde into the Rust type and back, then the file form) gives
//!   exactly the normalised document, key order included.
//! - `lax/`: files only the normaliser's lenient conversions accept (`"7"`
//!   for an integer, PyYAML-style `on`/`off`...). They normalise, and the
//!   normalised form goes through the typed path unchanged.
//! - `invalid/`: files that must be refused. Next to each, `<file>.errors`
//!   holds the normaliser's messages, one per line, written by hand. The JSON
//!   Schema refuses them too, unless every error is one a JSON Schema cannot
//!   express (two list items with the same identity).

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use git_ops_runtime::document::{DocumentErrorKind, DocumentSchema, json_schema};
use git_ops_runtime::format::{self, Format};
use git_ops_runtime::{Slice, StoreSchema};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Checks every sample of store `T::STORE` under `<crate>/samples/`.
pub fn check_store<T: Slice + Serialize + DeserializeOwned>(crate_dir: &str) {
    let schema = T::store_schema();
    let document = DocumentSchema::new(&schema);
    let validator = jsonschema::validator_for(&json_schema(&schema))
        .unwrap_or_else(|err| panic!("the JSON Schema of {} is invalid: {err}", T::STORE));
    let dir = Path::new(crate_dir).join("samples").join(T::STORE);
    let mut counts = [0usize; 3];

    for path in files(&dir.join("valid")) {
        let raw = read(&path);
        let normalised = normalise(&document, &path, &raw);
        assert_schema_accepts(&validator, &path, &raw);
        let typed: T = serde_json::from_value(raw.clone())
            .unwrap_or_else(|err| panic!("{}: serde refuses it: {err}", path.display()));
        assert_typed_path(&schema, &document, &path, &typed, &normalised);
        counts[0] += 1;
    }
    for path in files(&dir.join("lax")) {
        let raw = read(&path);
        let normalised = normalise(&document, &path, &raw);
        let typed: T = serde_json::from_value(normalised.clone()).unwrap_or_else(|err| {
            panic!(
                "{}: serde refuses the normalised form: {err}",
                path.display()
            )
        });
        assert_typed_path(&schema, &document, &path, &typed, &normalised);
        counts[1] += 1;
    }
    for path in files(&dir.join("invalid")).filter(|p| p.extension() != Some("errors".as_ref())) {
        let raw = read(&path);
        let errors = match document.normalise(&raw) {
            Ok(_) => panic!("{}: the normaliser accepts it", path.display()),
            Err(errors) => errors,
        };
        let expected_file = PathBuf::from(format!("{}.errors", path.display()));
        let expected = fs::read_to_string(&expected_file)
            .unwrap_or_else(|err| panic!("{}: {err}", expected_file.display()));
        let messages: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            expected.lines().collect::<Vec<_>>(),
            "{}: the normaliser's messages",
            path.display()
        );
        let schema_can_tell = errors
            .errors
            .iter()
            .any(|e| !matches!(e.kind, DocumentErrorKind::DuplicateItem { .. }));
        assert_eq!(
            !validator.is_valid(&raw),
            schema_can_tell,
            "{}: the JSON Schema {} it",
            path.display(),
            if schema_can_tell {
                "accepts"
            } else {
                "refuses (a duplicate identity is not expressible in JSON Schema)"
            }
        );
        counts[2] += 1;
    }
    assert!(
        counts[0] > 0 && counts[2] > 0,
        "{}: expected valid and invalid samples, found {counts:?}",
        dir.display()
    );
}

fn files(dir: &Path) -> impl Iterator<Item = PathBuf> + use<> {
    let mut paths: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.expect("readable folder").path())
            .collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    paths.into_iter()
}

fn read(path: &Path) -> Value {
    let bytes = fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format =
        Format::from_extension(extension).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let map = format::read::read(&bytes, format)
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    Value::Object(map)
}

fn normalise(document: &DocumentSchema, path: &Path, raw: &Value) -> Value {
    document
        .normalise(raw)
        .unwrap_or_else(|errors| panic!("{}: refused:\n{errors}", path.display()))
}

fn assert_schema_accepts(validator: &jsonschema::Validator, path: &Path, raw: &Value) {
    let errors: Vec<String> = validator.iter_errors(raw).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{}: the JSON Schema refuses it:\n{}",
        path.display(),
        errors.join("\n")
    );
}

/// serde's output, reduced to what belongs in a file and normalised (which
/// adds what serde leaves to the schema: the tag a root inherits from a union
/// member), must be the normalised document, in the same key order.
fn assert_typed_path<T: Serialize>(
    schema: &StoreSchema,
    document: &DocumentSchema,
    path: &Path,
    typed: &T,
    normalised: &Value,
) {
    let serialised = serde_json::to_value(typed).expect("serialises");
    let via_typed = document
        .normalise(&document.for_file(&serialised))
        .unwrap_or_else(|errors| {
            panic!("{}: serde's output is refused:\n{errors}", path.display())
        });
    assert_eq!(
        format::json::to_json(&via_typed),
        format::json::to_json(normalised),
        "{}: the typed path and the normaliser disagree (store {})",
        path.display(),
        schema.store
    );
}
