//! The generated inmanta plugin of a module,
//! `inmanta_plugins/<module>/__init__.py`: the Python of
//! `templates/module/plugin.py` (standard library and inmanta only) with the
//! tables of the module filled in:
//!
//! - `STORES`: every store and the fingerprint of its schema
//!   ([`git_ops_runtime::store::view::schema_fingerprint`]), which the view
//!   files of the store must carry;
//! - `MIGRATIONS`: the migrations of each store that has some, in name
//!   order (the order they apply), so that a compile with pending
//!   migrations names them and the command that applies them;
//! - `ENTITIES`: every entity of the generated model, helper entities
//!   included, with its attributes (own and inherited, relations excluded),
//!   for the `attributes()` plugin.
//!
//! What the plugins do is described in `docs/plugin.md`.

use std::collections::BTreeMap;

use git_ops_runtime::StoreSchema;
use git_ops_runtime::store::view::schema_fingerprint;

use crate::dsl::ir::{DslModule, Element, Entity, TypeRef};
use crate::layout::{GENERATED_NOTE, WATERMARK};
use crate::template::{self, PLUGIN};

/// The attributes of every entity of `modules`, by full name: those of its
/// bases (in `extends` order, recursively), then its own, each once.
///
/// # Panics
///
/// When an entity extends an entity that is not in `modules` (the lowering
/// only produces entities extending its own).
pub fn attribute_table(modules: &[DslModule]) -> BTreeMap<String, Vec<String>> {
    let mut entities: BTreeMap<TypeRef, &Entity> = BTreeMap::new();
    for module in modules {
        for element in &module.elements {
            if let Element::Entity(entity) = element {
                entities.insert(TypeRef::new(module.path.clone(), &entity.name), entity);
            }
        }
    }
    entities
        .keys()
        .map(|reference| {
            let mut names = Vec::new();
            collect_attributes(&entities, reference, &mut names);
            (reference.full_path(), names)
        })
        .collect()
}

fn collect_attributes(
    entities: &BTreeMap<TypeRef, &Entity>,
    reference: &TypeRef,
    out: &mut Vec<String>,
) {
    let entity = entities.get(reference).unwrap_or_else(|| {
        panic!(
            "entity {} is extended but not generated",
            reference.full_path()
        )
    });
    for base in &entity.extends {
        collect_attributes(entities, base, out);
    }
    for attribute in &entity.attributes {
        if !out.contains(&attribute.name) {
            out.push(attribute.name.clone());
        }
    }
}

/// The text of `inmanta_plugins/<module>/__init__.py` for the stores of a
/// module, their migrations (store name → names) and its lowered DSL
/// modules.
pub fn render_plugin(
    module: &str,
    stores: &[StoreSchema],
    migrations: &BTreeMap<String, Vec<String>>,
    modules: &[DslModule],
) -> String {
    let stores: BTreeMap<&str, String> = stores
        .iter()
        .map(|store| (store.store.as_str(), schema_fingerprint(store)))
        .collect();
    let store_lines: Vec<String> = stores
        .iter()
        .map(|(name, fingerprint)| format!("{}: {}", py_str(name), py_str(fingerprint)))
        .collect();
    let migration_lines: Vec<String> = migrations
        .iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(store, names)| {
            let mut names = names.clone();
            names.sort();
            format!("{}: {}", py_str(store), py_tuple(&names))
        })
        .collect();
    let entity_lines: Vec<String> = attribute_table(modules)
        .iter()
        .map(|(name, attributes)| format!("{}: {}", py_str(name), py_tuple(attributes)))
        .collect();
    let mut text = template::render(
        PLUGIN,
        &[
            ("module", module),
            ("stores", &py_dict(&store_lines)),
            ("migrations", &py_dict(&migration_lines)),
            ("entities", &py_dict(&entity_lines)),
        ],
    );
    text.push_str(&format!("\n\n# {GENERATED_NOTE}\n# {WATERMARK}\n"));
    text
}

/// A Python string literal (JSON string syntax is valid Python).
fn py_str(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// A tuple of string literals: `("a", "b")`, `("a",)`, `()`.
fn py_tuple(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|item| py_str(item)).collect();
    match parts.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", parts.join(", ")),
    }
}

/// A dict literal of `key: value` lines, one per line.
fn py_dict(lines: &[String]) -> String {
    if lines.is_empty() {
        return "{}".to_owned();
    }
    let mut out = String::from("{\n");
    for line in lines {
        out.push_str("    ");
        out.push_str(line);
        out.push_str(",\n");
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_literals() {
        assert_eq!(py_str("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(py_tuple(&["a".into()]), r#"("a",)"#);
        assert_eq!(py_tuple(&["a".into(), "b".into()]), r#"("a", "b")"#);
        assert_eq!(py_tuple(&[]), "()");
        assert_eq!(py_dict(&[]), "{}");
        assert_eq!(py_dict(&["\"a\": 1".into()]), "{\n    \"a\": 1,\n}");
    }
}
