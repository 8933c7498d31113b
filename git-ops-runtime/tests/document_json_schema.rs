//! `document::json_schema`: snapshots checked by hand against spec §2.8 and
//! `docs/json-schema.md`, validation with a real validator both ways, and a
//! property test that the schema and `normalise` agree.

#[path = "document_support/mod.rs"]
mod support;

use std::sync::LazyLock;

use git_ops_runtime::document::{
    self, DocumentErrorKind, DocumentSchema, JSON_SCHEMA_DRAFT, json_schema_for_entity,
};
use git_ops_runtime::schema::{
    Cardinality, EntityId, EntityKind, FieldKind, StoreSchema, ValueType,
};
use jsonschema::Validator;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use support::*;

fn validator(schema: &StoreSchema) -> Validator {
    jsonschema::draft7::new(&document::json_schema(schema)).expect("a valid draft-07 schema")
}

// --- snapshots ----------------------------------------------------------------

/// The schema as the file written for editors (2-space JSON).
fn schema_text(schema: &StoreSchema) -> String {
    serde_json::to_string_pretty(&document::json_schema(schema)).unwrap()
}

#[test]
fn snapshot_vlan() {
    insta::assert_snapshot!(schema_text(&vlan()));
}

#[test]
fn snapshot_tree() {
    insta::assert_snapshot!(schema_text(&tree()));
}

#[test]
fn snapshot_disk() {
    insta::assert_snapshot!(schema_text(&disk()));
}

#[test]
fn snapshot_fs() {
    insta::assert_snapshot!(schema_text(&fs()));
}

#[test]
fn snapshot_flat() {
    insta::assert_snapshot!(schema_text(&flat()));
}

#[test]
fn snapshot_recursive() {
    insta::assert_snapshot!(schema_text(&recursive()));
}

#[test]
fn snapshot_switch() {
    insta::assert_snapshot!(schema_text(&switch()));
}

#[test]
fn schema_of_one_entity() {
    // A member of the fs union on its own: it refers to itself as `#`.
    let schema = json_schema_for_entity(&fs(), &EntityId::from("example::slices::fs::Folder"));
    assert_eq!(schema["title"], "Folder");
    assert_eq!(
        schema["properties"]["content"]["items"]["oneOf"][1],
        json!({"$ref": "#"})
    );
    assert_eq!(
        schema["properties"]["content"]["items"]["discriminator"]["mapping"],
        json!({"file": "#/$defs/File", "folder": "#"})
    );
    assert_eq!(schema["$defs"].as_object().unwrap().len(), 1);
    let validator = jsonschema::draft7::new(&schema).unwrap();
    assert!(validator.is_valid(&json!({"name": "a", "content": [
        {"type": "folder", "name": "b", "content": [{"type": "file", "name": "c"}]}
    ]})));
    assert!(!validator.is_valid(&json!({"name": "a", "content": [{"type": "folder"}]})));
}

#[test]
fn every_schema_is_a_valid_draft_07_schema() {
    for schema in all_stores() {
        let json_schema = document::json_schema(&schema);
        assert_eq!(json_schema["$schema"], JSON_SCHEMA_DRAFT);
        let errors: Vec<String> = jsonschema::draft7::meta::validator()
            .iter_errors(&json_schema)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", schema.store);
    }
}

#[test]
fn keys_are_sorted_except_properties() {
    fn check(value: &Value, under_properties: bool, path: &str) {
        match value {
            Value::Object(map) => {
                let keys: Vec<&String> = map.keys().collect();
                if !under_properties {
                    let mut sorted = keys.clone();
                    sorted.sort();
                    assert_eq!(keys, sorted, "keys of {path} are not sorted");
                }
                for (key, item) in map {
                    // Defaults are values, not schema objects.
                    if key != "default" {
                        check(item, key == "properties", &format!("{path}/{key}"));
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| check(item, false, path)),
            _ => {}
        }
    }
    for schema in all_stores() {
        check(&document::json_schema(&schema), false, &schema.store);
    }
}

// --- validation both ways -----------------------------------------------------

/// Asserts that both the schema and `normalise` accept the document.
fn accepted(schema: &StoreSchema, doc: Value) {
    let errors: Vec<String> = validator(schema)
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema refuses {doc}: {errors:?}");
    if let Err(errors) = document::normalise(schema, &doc) {
        panic!("normalise refuses {doc}:\n{errors}");
    }
}

/// Asserts that both the schema and `normalise` refuse the document.
fn refused(schema: &StoreSchema, doc: Value) {
    assert!(
        !validator(schema).is_valid(&doc),
        "the schema accepts {doc}"
    );
    assert!(
        document::normalise(schema, &doc).is_err(),
        "normalise accepts {doc}"
    );
}

#[test]
fn valid_samples_pass() {
    accepted(&vlan(), json!({"vid": 10}));
    accepted(
        &vlan(),
        json!({"vid": 4094, "label": "x", "mtu": 9000, "enabled": false, "ports": ["a"], "extra": {"any": [1]}}),
    );
    accepted(
        &tree(),
        json!({"label": "t", "trunk": {"label": "x", "children": [{"label": "y", "weight": 2}]}, "spare": null}),
    );
    accepted(
        &disk(),
        json!({"mount": "/", "name": "n", "kind": "dir", "items": [
            {"kind": "doc", "name": "d"},
            {"kind": "dir", "name": "e", "items": [{"kind": "doc", "name": "f", "text": "t"}]},
        ]}),
    );
    accepted(
        &fs(),
        json!({"root": "/", "name": "r", "content": [{"type": "file", "name": "a", "owner": "me"}]}),
    );
    accepted(
        &switch(),
        json!({"hostname": "s", "ports": [{"number": 1, "speed": "100g", "fallback": null}], "limits": {"a": 1}, "speeds": ["1g"], "annotations": {"x": null}}),
    );
    accepted(&switch(), json!({"hostname": "s", "ports": null}));
    accepted(
        &recursive(),
        json!({"name": "a", "embedded_required": {"name": "b"}}),
    );
}

#[test]
fn invalid_samples_fail() {
    // Wrong type.
    refused(&vlan(), json!({"vid": "abc"}));
    refused(&vlan(), json!({"vid": 1, "label": 3}));
    refused(&vlan(), json!({"vid": 1, "ports": [1]}));
    refused(&switch(), json!({"hostname": "s", "limits": {"a": "x"}}));
    // Unknown field, and a model-only one in a file.
    refused(&vlan(), json!({"vid": 1, "vlan_id": 2}));
    refused(
        &fs(),
        json!({"root": "/", "name": "r", "content": [{"type": "file", "name": "a", "previous_content": "x"}]}),
    );
    // Missing required.
    refused(&vlan(), json!({}));
    refused(&tree(), json!({"label": "t"}));
    refused(
        &tree(),
        json!({"label": "t", "trunk": {"note": "no label"}}),
    );
    // Bad tag, missing tag, wrong fixed tag.
    refused(
        &disk(),
        json!({"mount": "/", "name": "n", "items": [{"kind": "link", "name": "a"}]}),
    );
    refused(
        &disk(),
        json!({"mount": "/", "name": "n", "items": [{"name": "a", "text": "t"}]}),
    );
    refused(&disk(), json!({"mount": "/", "name": "n", "kind": "doc"}));
    // Out of range, not in the enum.
    refused(&vlan(), json!({"vid": 70000}));
    refused(&vlan(), json!({"vid": -1}));
    refused(
        &switch(),
        json!({"hostname": "s", "ports": [{"number": 1, "speed": "40g"}]}),
    );
    // Null where no null is accepted.
    refused(&tree(), json!({"label": "t", "trunk": null}));
    refused(
        &tree(),
        json!({"label": "t", "trunk": {"label": "x"}, "branches": null}),
    );
}

#[test]
fn known_difference_lax_values() {
    // `normalise` converts these losslessly, as the original does; the
    // schema tells editors the canonical type.
    for doc in [
        json!({"vid": "10"}),
        json!({"vid": 1, "enabled": "yes"}),
        json!({"vid": 1, "mtu": "1500"}),
    ] {
        assert!(!validator(&vlan()).is_valid(&doc), "{doc}");
        assert!(document::normalise(&vlan(), &doc).is_ok(), "{doc}");
    }
}

#[test]
fn known_difference_duplicate_identities() {
    // JSON Schema cannot say "unique by these keys"; `normalise` refuses.
    let doc = json!({"label": "t", "trunk": {"label": "x"}, "branches": [{"label": "a"}, {"label": "a"}]});
    assert!(validator(&tree()).is_valid(&doc));
    let errors = document::normalise(&tree(), &doc).unwrap_err();
    assert!(matches!(
        errors.errors[0].kind,
        DocumentErrorKind::DuplicateItem { .. }
    ));
}

// --- agreement on generated documents ---------------------------------------------

/// A small deterministic generator (xorshift64*), seeded by proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Generates mostly valid documents with random mistakes: absent fields,
/// wrong types, values out of range, unknown and model-only fields, bad or
/// missing tags, duplicate keys (keys come from small domains).
struct Generator<'a> {
    schema: &'a StoreSchema,
    rng: Rng,
    /// Set when a value only a lax conversion accepts was generated.
    lax: bool,
    depth: usize,
}

impl Generator<'_> {
    fn document(&mut self) -> Value {
        if self.rng.chance(1) {
            return json!(["not", "a", "mapping"]);
        }
        let root = self.schema.root.clone();
        self.entity(&root)
    }

    fn entity(&mut self, id: &EntityId) -> Value {
        match &self.schema.entity(id).kind {
            EntityKind::Union { tag, members } => {
                let member = self.rng.pick(members).clone();
                let mut object = self.object(&member.entity, true);
                let roll = self.rng.below(100);
                if roll < 4 {
                    object.remove(tag);
                } else if roll < 7 {
                    object.insert(tag.clone(), json!("mystery"));
                } else {
                    object.insert(tag.clone(), json!(member.value));
                }
                Value::Object(object)
            }
            _ => Value::Object(self.object(id, false)),
        }
    }

    fn object(&mut self, id: &EntityId, in_union: bool) -> Map<String, Value> {
        self.depth += 1;
        let mut out = Map::new();
        for field in self.schema.all_fields(id) {
            if field.model_only {
                if self.rng.chance(3) {
                    out.insert(field.name.clone(), json!(null));
                }
                continue;
            }
            if field.discriminator {
                // The caller sets the tag of a union item.
                if !in_union && self.rng.chance(80) {
                    let value = if self.rng.chance(95) {
                        field.default.clone().unwrap()
                    } else {
                        json!("mystery")
                    };
                    out.insert(field.name.clone(), value);
                }
                continue;
            }
            let absent = if field.is_required() { 3 } else { 25 };
            if self.rng.chance(absent) {
                continue;
            }
            let value = match &field.kind {
                FieldKind::Value { ty, nullable } => self.value(ty, *nullable),
                FieldKind::Relation {
                    target,
                    cardinality,
                    nullable,
                } => self.relation(target, *cardinality, *nullable),
            };
            out.insert(field.name.clone(), value);
        }
        if self.rng.chance(3) {
            out.insert("zzz_unknown".to_owned(), json!(1));
        }
        self.depth -= 1;
        out
    }

    fn relation(&mut self, target: &EntityId, cardinality: Cardinality, nullable: bool) -> Value {
        if self.rng.chance(3) {
            return json!("not an object");
        }
        match cardinality {
            Cardinality::One => {
                if self.rng.chance(3) {
                    Value::Null
                } else {
                    self.entity(target)
                }
            }
            Cardinality::Optional => {
                if self.rng.chance(30) || self.depth > 3 {
                    Value::Null
                } else {
                    self.entity(target)
                }
            }
            Cardinality::Many => {
                if self.rng.chance(if nullable { 20 } else { 2 }) {
                    return Value::Null;
                }
                let len = if self.depth > 3 { 0 } else { self.rng.below(4) };
                Value::Array((0..len).map(|_| self.entity(target)).collect())
            }
        }
    }

    fn value(&mut self, ty: &ValueType, nullable: bool) -> Value {
        let roll = self.rng.below(100);
        if roll < 8 {
            if nullable || matches!(ty, ValueType::Any) {
                return Value::Null;
            }
            return self.invalid(ty);
        }
        if roll < 14 {
            return self.invalid(ty);
        }
        if roll < 18
            && let Some(lax) = self.lax_value(ty)
        {
            self.lax = true;
            return lax;
        }
        self.valid(ty)
    }

    fn valid(&mut self, ty: &ValueType) -> Value {
        match ty {
            ValueType::String => json!(self.rng.pick(&["a", "b", "x.y", ""])),
            ValueType::Bool => json!(self.rng.chance(50)),
            ValueType::Int { min, max } => json!(self.int_in(*min, *max)),
            ValueType::Float { min, max } => {
                let base = self.int_in(
                    min.map(|m| m.ceil() as i128),
                    max.map(|m| m.floor() as i128),
                );
                if self.rng.chance(50) {
                    json!(base as f64)
                } else {
                    json!(base)
                }
            }
            ValueType::Any => self
                .rng
                .pick(&[
                    json!(1),
                    json!("s"),
                    json!([1, {"path": 2}]),
                    json!({"a": null}),
                ])
                .clone(),
            ValueType::Dict { values: None } => json!({"path": "kept", "k": [1]}),
            ValueType::Dict {
                values: Some(inner),
            } => {
                let mut map = Map::new();
                for key in ["a", "b.c"].iter().take(self.rng.below(3) as usize) {
                    map.insert((*key).to_owned(), self.valid(inner));
                }
                Value::Object(map)
            }
            ValueType::List { items: None } => json!([1, "two", null]),
            ValueType::List { items: Some(inner) } => {
                Value::Array((0..self.rng.below(3)).map(|_| self.valid(inner)).collect())
            }
            ValueType::Enum(enum_type) => json!(self.rng.pick(&enum_type.values)),
        }
    }

    fn int_in(&mut self, min: Option<i128>, max: Option<i128>) -> i64 {
        let lo = min.unwrap_or(-3).max(-3);
        let hi = max.unwrap_or(3).min(lo + 6);
        (lo + i128::from(self.rng.below((hi - lo + 1) as u64))) as i64
    }

    /// A value of the wrong type or out of range.
    fn invalid(&mut self, ty: &ValueType) -> Value {
        match ty {
            ValueType::String => self.rng.pick(&[json!(1), json!(true), json!(null)]).clone(),
            ValueType::Bool => self
                .rng
                .pick(&[json!("maybe"), json!(2), json!(null)])
                .clone(),
            ValueType::Int { min, max } => match (min, max) {
                (_, Some(max)) if self.rng.chance(50) => json!(max + 1),
                (Some(min), _) if self.rng.chance(50) => json!(min - 1),
                _ => self
                    .rng
                    .pick(&[json!("abc"), json!(true), json!(1.5), json!(null)])
                    .clone(),
            },
            ValueType::Float { .. } => self
                .rng
                .pick(&[json!("abc"), json!(false), json!(null)])
                .clone(),
            ValueType::Any => json!("anything goes"),
            ValueType::Dict { values } => match values {
                Some(inner) if self.rng.chance(50) => json!({"a": self.invalid(inner)}),
                _ => self
                    .rng
                    .pick(&[json!([1]), json!("x"), json!(null)])
                    .clone(),
            },
            ValueType::List { items } => match items {
                Some(inner) if self.rng.chance(50) => json!([self.invalid(inner)]),
                _ => self.rng.pick(&[json!({}), json!("x"), json!(null)]).clone(),
            },
            ValueType::Enum(_) => self
                .rng
                .pick(&[json!("zzz"), json!(3), json!(null)])
                .clone(),
        }
    }

    /// A value only a lax conversion accepts, when the type has one.
    fn lax_value(&mut self, ty: &ValueType) -> Option<Value> {
        match ty {
            ValueType::Int { min, max } => {
                let int = self.int_in(*min, *max);
                Some(if self.rng.chance(50) {
                    json!(int.to_string())
                } else {
                    json!(int as f64)
                })
            }
            ValueType::Float { min, max } => {
                let int = self.int_in(
                    min.map(|m| m.ceil() as i128),
                    max.map(|m| m.floor() as i128),
                );
                Some(json!(format!("{int}.0")))
            }
            ValueType::Bool => Some(
                self.rng
                    .pick(&[json!("yes"), json!("off"), json!(1), json!(0.0)])
                    .clone(),
            ),
            _ => None,
        }
    }
}

struct Case {
    schema: StoreSchema,
    documents: DocumentSchema,
    validator: Validator,
}

static CASES: LazyLock<Vec<Case>> = LazyLock::new(|| {
    all_stores()
        .into_iter()
        .map(|schema| Case {
            documents: DocumentSchema::new(&schema),
            validator: validator(&schema),
            schema,
        })
        .collect()
});

fn check_agreement(case: &Case, seed: u64) -> Result<(), TestCaseError> {
    let mut generator = Generator {
        schema: &case.schema,
        rng: Rng(seed | 1),
        lax: false,
        depth: 0,
    };
    let doc = generator.document();
    let schema_valid = case.validator.is_valid(&doc);
    let normalised = case.documents.normalise(&doc);
    match &normalised {
        Ok(normalised) => {
            // The normalised form is canonical: the schema accepts it,
            // normalising it again and writing it change nothing.
            prop_assert!(
                case.validator.is_valid(normalised),
                "{}: schema refuses the normalised {normalised}",
                case.schema.store
            );
            prop_assert_eq!(&case.documents.normalise(normalised).unwrap(), normalised);
            prop_assert_eq!(&case.documents.for_file(normalised), normalised);
            // Without lax values, whatever `normalise` accepts the schema accepts.
            prop_assert!(
                generator.lax || schema_valid,
                "{}: normalise accepts {doc} but the schema refuses it",
                case.schema.store
            );
        }
        Err(errors) => {
            // Schema-valid documents are refused for duplicates only.
            let only_duplicates = errors
                .errors
                .iter()
                .all(|e| matches!(e.kind, DocumentErrorKind::DuplicateItem { .. }));
            prop_assert!(
                !schema_valid || only_duplicates,
                "{}: the schema accepts {doc} but normalise refuses it:\n{errors}",
                case.schema.store
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn schema_and_normalise_agree(seed in any::<u64>()) {
        for case in CASES.iter() {
            check_agreement(case, seed)?;
        }
    }
}

#[test]
fn the_generator_covers_both_outcomes() {
    // Guards the property test against a generator that only ever produces
    // valid (or only invalid) documents.
    for case in CASES.iter() {
        let (mut valid, mut invalid, mut duplicates) = (0, 0, 0);
        for seed in 0..400 {
            let mut generator = Generator {
                schema: &case.schema,
                rng: Rng(seed * 2 + 1),
                lax: false,
                depth: 0,
            };
            let doc = generator.document();
            match case.documents.normalise(&doc) {
                Ok(_) => valid += 1,
                Err(errors) => {
                    invalid += 1;
                    if errors
                        .errors
                        .iter()
                        .any(|e| matches!(e.kind, DocumentErrorKind::DuplicateItem { .. }))
                    {
                        duplicates += 1;
                    }
                }
            }
        }
        assert!(
            valid >= 20,
            "{}: {valid} valid documents",
            case.schema.store
        );
        assert!(
            invalid >= 20,
            "{}: {invalid} invalid documents",
            case.schema.store
        );
        if matches!(
            case.schema.store.as_str(),
            "tree" | "fs" | "disk" | "recursive"
        ) {
            assert!(
                duplicates > 0,
                "{}: no duplicate generated",
                case.schema.store
            );
        }
    }
}
