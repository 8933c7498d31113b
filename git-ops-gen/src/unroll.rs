//! The `main.cf` of a scaffolded project: a model that creates, for every
//! slice of every store of the project's modules, the entity of its root and
//! every object it embeds, through their relations, with the attributes of
//! the views (docs/project-layout.md).
//!
//! ```text
//! for s in acme::unroll_slices("tree"):
//!     obj = acme::slices::tree::Tree(**acme::attributes("acme::slices::tree::Tree", s["attributes"]))
//!     UnrollTree(object=obj, view=s["attributes"], slice_store=s["store_name"], slice_name=s["name"], version=s["version"])
//! end
//! ```
//!
//! Objects are nested to any depth (a type can hold objects of its own
//! type), which a fixed nesting of `for` loops cannot follow. So every schema
//! type that has relations gets an *unroll entity* in `main.cf`, holding the
//! view of one object and a relation to the entity created for it; its
//! implementation creates the objects of each relation, and an unroll entity
//! for each of them in turn. The unroll entities also carry the slice's
//! store, name and version, for models that look values up
//! (`get_slice_previous_attribute(self.slice_store, self.slice_name, ...)`).
//!
//! Which entity each object is created as (the type itself, a helper entity,
//! a union member) comes from the lowering ([`crate::lower::RelationPlan`]),
//! so the model compiles for any schema the generator accepts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use git_ops_runtime::StoreSchema;
use git_ops_runtime::schema::{Cardinality, EntityId, EntityKind, EntitySchema, Field};

use crate::dsl::names;
use crate::lower::{Lowered, PlanEntity, PlanTarget};

/// One module of a project, lowered.
pub struct UnrollModule<'a> {
    /// The inmanta module name.
    pub name: &'a str,
    /// Its stores, checked and sorted by name.
    pub stores: &'a [StoreSchema],
    /// Its lowering.
    pub lowered: &'a Lowered,
}

/// Prefix of the name of every unroll entity.
pub const UNROLL_PREFIX: &str = "Unroll";
/// The attribute of an unroll entity holding the view of its object.
pub const VIEW_ATTRIBUTE: &str = "view";
/// The relation from an unroll entity to the entity created for its object.
pub const OBJECT_RELATION: &str = "object";

/// The text of a `main.cf` unrolling every store of `modules`.
pub fn render_main(project: &str, modules: &[UnrollModule<'_>]) -> String {
    let mut imports: BTreeSet<String> = BTreeSet::new();
    let mut loops = String::new();
    let factories = Factories::new(modules);
    for module in modules {
        imports.insert(module.name.to_owned());
        for store in module.stores {
            let root = &store.root;
            imports.insert(root.module().to_owned());
            let _ = writeln!(loops, "\n# Store {}: one {root} per slice.", store.store);
            let _ = writeln!(
                loops,
                "for s in {}::unroll_slices({}):",
                module.name,
                dsl_str(&store.store)
            );
            let construct = format!(
                "{root}(**{}::attributes({}, s[\"attributes\"]))",
                module.name,
                dsl_str(root.as_str())
            );
            match factories.name(module, root) {
                Some(factory) => {
                    let _ = writeln!(loops, "    obj = {construct}");
                    let _ = writeln!(
                        loops,
                        "    {factory}(object=obj, {VIEW_ATTRIBUTE}=s[\"attributes\"], slice_store=s[\"store_name\"], slice_name=s[\"name\"], version=s[\"version\"])"
                    );
                }
                None => {
                    let _ = writeln!(loops, "    {construct}");
                }
            }
            loops.push_str("end\n");
        }
    }
    let mut definitions = String::new();
    for factory in factories.all() {
        let module = modules
            .iter()
            .find(|m| m.name == factory.module)
            .expect("a factory belongs to a module");
        definitions.push('\n');
        definitions.push_str(&factory_definition(
            factory,
            module,
            &factories,
            &mut imports,
        ));
    }

    let mut out = format!(
        "\"\"\"\nThe model of project {project}: every slice of every store, as the entities\nof its module, with every object it holds.\n\nWritten once by git-ops (`git-ops new project`); it is yours now: add what\nthe objects deploy (docs/plugin.md).\n\"\"\"\n"
    );
    for import in &imports {
        let _ = writeln!(out, "import {import}");
    }
    out.push_str(&loops);
    if !definitions.is_empty() {
        out.push_str(
            "\n# One unroll entity per type that holds objects: it creates the objects of\n# each relation of the object it is given, and their unroll entities.\n",
        );
        out.push_str(&definitions);
    }
    out
}

/// A string literal of the DSL (JSON string syntax, which the DSL reads the
/// same way for the names used here).
fn dsl_str(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// Every entity of the stores of a module, by id.
fn entities(stores: &[StoreSchema]) -> BTreeMap<EntityId, EntitySchema> {
    stores
        .iter()
        .flat_map(|store| store.entities.clone())
        .collect()
}

/// The relation fields of an entity, own and inherited (bases first), each
/// with the entity declaring it.
fn relations<'e>(
    entities: &'e BTreeMap<EntityId, EntitySchema>,
    id: &EntityId,
) -> Vec<(&'e EntityId, &'e Field)> {
    let mut out: Vec<(&EntityId, &Field)> = Vec::new();
    let entity = &entities[id];
    for base in &entity.bases {
        for relation in relations(entities, base) {
            if !out.iter().any(|(_, f)| f.name == relation.1.name) {
                out.push(relation);
            }
        }
    }
    for field in &entity.fields {
        if field.kind.is_relation() && !out.iter().any(|(_, f)| f.name == field.name) {
            out.push((&entity.id, field));
        }
    }
    out
}

/// The type whose unroll entity creates the objects held by an object of
/// type `id`: `id` itself when it declares relations, the base holding them
/// all when it only inherits them from one base (a `RootFolder` extending
/// `Folder` is unrolled as a `Folder`); `None` when it holds no objects.
fn relation_owner<'e>(
    entities: &'e BTreeMap<EntityId, EntitySchema>,
    id: &'e EntityId,
) -> Option<&'e EntityId> {
    let entity = &entities[id];
    if matches!(entity.kind, EntityKind::Union { .. }) {
        return None;
    }
    if entity.fields.iter().any(|f| f.kind.is_relation()) {
        return Some(id);
    }
    let bases: Vec<&EntityId> = entity
        .bases
        .iter()
        .filter(|base| !relations(entities, base).is_empty())
        .collect();
    match bases.as_slice() {
        [] => None,
        [base] => relation_owner(entities, base),
        _ => Some(id),
    }
}

/// An unroll entity: the schema type whose objects it unrolls.
struct Factory {
    module: String,
    schema: EntityId,
    name: String,
    implementation: String,
}

/// The unroll entities of a project, with unique names.
struct Factories {
    /// The entities of each module's stores.
    entities: BTreeMap<String, BTreeMap<EntityId, EntitySchema>>,
    by_type: BTreeMap<(String, EntityId), usize>,
    list: Vec<Factory>,
}

impl Factories {
    /// Every type that holds objects and is created somewhere (a root, or
    /// an object of a relation) gets one.
    fn new(modules: &[UnrollModule<'_>]) -> Factories {
        let mut types: BTreeSet<(String, EntityId)> = BTreeSet::new();
        let mut all_entities = BTreeMap::new();
        for module in modules {
            let entities = all_entities
                .entry(module.name.to_owned())
                .or_insert_with(|| entities(module.stores));
            let mut created: BTreeSet<&EntityId> =
                module.stores.iter().map(|store| &store.root).collect();
            for plan in module.lowered.relations.values() {
                match &plan.target {
                    PlanTarget::Entity(entity) => {
                        created.insert(&entity.schema);
                    }
                    PlanTarget::Union { members, .. } => {
                        created.extend(members.iter().map(|(_, m)| &m.schema));
                    }
                }
            }
            for id in created {
                if let Some(owner) = relation_owner(entities, id) {
                    types.insert((module.name.to_owned(), owner.clone()));
                }
            }
        }
        // `Unroll<Name>`, or with the module path when two types share a name.
        let mut short: BTreeMap<String, usize> = BTreeMap::new();
        for (_, id) in &types {
            *short.entry(id.name().to_owned()).or_default() += 1;
        }
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut taken_implementations: BTreeSet<String> = BTreeSet::new();
        let mut list = Vec::new();
        let mut by_type = BTreeMap::new();
        for (module, id) in types {
            let base = if short[id.name()] == 1 {
                format!("{UNROLL_PREFIX}{}", id.name())
            } else {
                let path: String = id.module().split("::").map(names::camel_case).collect();
                format!("{UNROLL_PREFIX}{path}{}", id.name())
            };
            let name = unique(base, &mut taken);
            let implementation = unique(names::snake_case(&name), &mut taken_implementations);
            by_type.insert((module.clone(), id.clone()), list.len());
            list.push(Factory {
                module,
                schema: id,
                name,
                implementation,
            });
        }
        Factories {
            entities: all_entities,
            by_type,
            list,
        }
    }

    /// The entities of a module's stores.
    fn entities(&self, module: &str) -> &BTreeMap<EntityId, EntitySchema> {
        &self.entities[module]
    }

    /// The unroll entity of the objects of type `id`, if they hold objects.
    fn name(&self, module: &UnrollModule<'_>, id: &EntityId) -> Option<&str> {
        let owner = relation_owner(self.entities(module.name), id)?;
        let index = self.by_type[&(module.name.to_owned(), owner.clone())];
        Some(self.list[index].name.as_str())
    }

    /// In name order.
    fn all(&self) -> Vec<&Factory> {
        let mut all: Vec<&Factory> = self.list.iter().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }
}

/// `base`, or `base2`, `base3`, ... when taken.
fn unique(base: String, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// The unroll entity, its relation, implementation and implement statement.
fn factory_definition(
    factory: &Factory,
    module: &UnrollModule<'_>,
    factories: &Factories,
    imports: &mut BTreeSet<String>,
) -> String {
    let entities = factories.entities(module.name);
    let name = &factory.name;
    let schema = &factory.schema;
    imports.insert(schema.module().to_owned());
    let mut out = String::new();
    let _ = writeln!(out, "entity {name}:");
    let _ = writeln!(
        out,
        "    \"\"\"\n    Creates the objects held by `object` (of type {schema}) from `view`,\n    the view of that object.\n    \"\"\""
    );
    let _ = writeln!(out, "    dict {VIEW_ATTRIBUTE}");
    out.push_str("    string slice_store\n    string slice_name\n    int version\nend\n\n");
    let _ = writeln!(out, "{name}.{OBJECT_RELATION} [1] -- {schema}\n");
    let _ = writeln!(out, "implementation {} for {name}:", factory.implementation);
    for (owner, field) in relations(entities, schema) {
        let plan = &module.lowered.relations[&(owner.clone(), field.name.clone())];
        let value = format!("self.{VIEW_ATTRIBUTE}[{}]", dsl_str(&field.name));
        let indent = match plan.cardinality {
            Cardinality::Many => {
                let _ = writeln!(out, "    for item in {value}:");
                "        "
            }
            Cardinality::One | Cardinality::Optional => {
                let _ = writeln!(out, "    if {value} != null:");
                let _ = writeln!(out, "        item = {value}");
                "        "
            }
        };
        let create = |out: &mut String, target: &PlanEntity, indent: &str| {
            create_object(
                out,
                indent,
                module.name,
                &plan.peer,
                target,
                factories.name(module, &target.schema),
            );
        };
        match &plan.target {
            PlanTarget::Entity(target) => {
                imports.insert(target.entity.module.to_string());
                create(&mut out, target, indent);
            }
            PlanTarget::Union { tag, members } => {
                for (value, target) in members {
                    imports.insert(target.entity.module.to_string());
                    let _ = writeln!(
                        out,
                        "{indent}if item[{}] == {}:",
                        dsl_str(tag),
                        dsl_str(value)
                    );
                    create(&mut out, target, &format!("{indent}    "));
                    let _ = writeln!(out, "{indent}end");
                }
            }
        }
        out.push_str("    end\n");
    }
    out.push_str("end\n\n");
    let _ = writeln!(out, "implement {name} using {}", factory.implementation);
    out
}

/// The statements creating one object (`item`) as `target`, with its parent
/// `self.object`, and its unroll entity when it holds objects.
fn create_object(
    out: &mut String,
    indent: &str,
    module: &str,
    peer: &str,
    target: &PlanEntity,
    factory: Option<&str>,
) {
    let entity = target.entity.full_path();
    // A slice root type used as an embedded object extends the root base
    // entity, whose attributes only the top of a slice has in its view.
    let root_values = if target.rootish {
        ", version=self.version, slice_store=self.slice_store, slice_name=self.slice_name"
    } else {
        ""
    };
    let construct = format!(
        "{entity}({peer}=self.{OBJECT_RELATION}, **{module}::attributes({}, item{root_values}))",
        dsl_str(&entity)
    );
    match factory {
        Some(factory) => {
            let _ = writeln!(out, "{indent}obj = {construct}");
            let _ = writeln!(
                out,
                "{indent}{factory}(object=obj, {VIEW_ATTRIBUTE}=item, slice_store=self.slice_store, slice_name=self.slice_name, version=self.version)"
            );
        }
        None => {
            let _ = writeln!(out, "{indent}{construct}");
        }
    }
}
