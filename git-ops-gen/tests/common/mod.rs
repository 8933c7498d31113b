//! Helpers shared by the generator's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use git_ops_gen::{GeneratedFile, ModuleSpec, plan_module};
use git_ops_runtime::schema::{EntityId, EntityKind, FieldKind, StoreSchema, ValueType};

#[path = "../../../git-ops-runtime/tests/document_support/mod.rs"]
pub mod support;

pub mod e2e;
pub mod gaps;
pub mod inmanta;

/// The header of the reference's worked examples (spec §9.6).
pub const ACME_HEADER: &str = "\"\"\"\nAcme slices.\n\"\"\"";

/// A module spec for planning only (the directory is not used).
pub fn spec(name: &str, stores: Vec<StoreSchema>, explicit: bool) -> ModuleSpec {
    ModuleSpec {
        name: name.to_owned(),
        dir: PathBuf::from("/nonexistent"),
        header: None,
        stores,
        explicit_parent_relations: explicit,
        migrations: Default::default(),
    }
}

/// The `acme` module of spec §9.6: vlan, tree and disk.
pub fn acme(explicit: bool) -> ModuleSpec {
    ModuleSpec {
        header: Some(ACME_HEADER.to_owned()),
        ..spec(
            "acme",
            vec![vlan_as_in_spec(), support::tree(), support::disk()],
            explicit,
        )
    }
}

/// The vlan store of spec §9.6 (a), whose `vid` is a Python `int` (Rust
/// `i64`, no bounds); the shared test store declares it `u16`.
pub fn vlan_as_in_spec() -> StoreSchema {
    let mut store = support::vlan();
    let vlan = store.entities.values_mut().next().expect("one entity");
    for field in &mut vlan.fields {
        if field.name == "vid" {
            field.kind = FieldKind::Value {
                ty: ValueType::INT,
                nullable: false,
            };
        }
    }
    store
}

/// The planned file at `path`.
pub fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    files
        .iter()
        .find(|f| f.path == Path::new(path))
        .map(|f| f.content.as_str())
        .unwrap_or_else(|| {
            let paths: Vec<_> = files.iter().map(|f| f.path.display().to_string()).collect();
            panic!("no file {path} among {paths:?}")
        })
}

/// Plans a module, panicking with the problems.
pub fn plan(spec: &ModuleSpec) -> Vec<GeneratedFile> {
    plan_module(spec).unwrap_or_else(|err| panic!("{err}"))
}

/// Asserts two texts are equal, showing the first differing line.
#[track_caller]
pub fn assert_same_text(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let (a, e): (Vec<_>, Vec<_>) = (actual.lines().collect(), expected.lines().collect());
    let line = a
        .iter()
        .zip(&e)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(e.len()));
    panic!(
        "{what} differs at line {}:\n  actual:   {:?}\n  expected: {:?}\n--- actual ---\n{actual}",
        line + 1,
        a.get(line),
        e.get(line),
    );
}

/// A golden file of `tests/golden`.
pub fn golden(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The stores with every entity moved from crate `from` to crate `to`
/// (`from::a::B` becomes `to::a::B`), to give each compiled module its own
/// name.
pub fn rename_module(stores: Vec<StoreSchema>, from: &str, to: &str) -> Vec<StoreSchema> {
    let prefix = format!("{from}::");
    let rename = |id: &mut EntityId| {
        if let Some(rest) = id.0.strip_prefix(&prefix) {
            id.0 = format!("{to}::{rest}");
        }
    };
    fn rename_type(ty: &mut ValueType, rename: &dyn Fn(&mut EntityId)) {
        match ty {
            ValueType::Enum(enum_type) => rename(&mut enum_type.id),
            ValueType::List { items: Some(inner) }
            | ValueType::Dict {
                values: Some(inner),
            } => rename_type(inner, rename),
            _ => {}
        }
    }
    stores
        .into_iter()
        .map(|mut store| {
            rename(&mut store.root);
            let entities = std::mem::take(&mut store.entities);
            for (_, mut entity) in entities {
                rename(&mut entity.id);
                entity.bases.iter_mut().for_each(rename);
                if let Some(discriminator) = &mut entity.discriminator {
                    rename(&mut discriminator.union);
                }
                if let EntityKind::Union { members, .. } = &mut entity.kind {
                    members.iter_mut().for_each(|m| rename(&mut m.entity));
                }
                for field in &mut entity.fields {
                    match &mut field.kind {
                        FieldKind::Relation { target, .. } => rename(target),
                        FieldKind::Value { ty, .. } => rename_type(ty, &rename),
                    }
                }
                store.entities.insert(entity.id.clone(), entity);
            }
            store
        })
        .collect()
}
