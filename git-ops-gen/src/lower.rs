//! From the schema model to the DSL IR: which entities, relations, helper
//! entities, indexes, typedefs and implement statements a module declares,
//! and in which DSL module each lives (spec §8.4, §9.4, §9.5; the decisions
//! are described in `docs/generator.md`).
//!
//! The analysis is done on the whole module at once (every store), before
//! anything is emitted, so the result does not depend on the order in which
//! types are visited.

use std::collections::{BTreeMap, BTreeSet};

use git_ops_runtime::schema::{
    Cardinality, EntityId, EntityKind, EntitySchema, Field, FieldKind, RESERVED_FIELDS,
    StoreSchema, ValueType,
};

use crate::dsl::ir::{
    Attribute, AttributeDefault, AttributeType, BaseType, Constraint, DslModule, Element, Entity,
    EntityDoc, Implement, Index, ModulePath, Multiplicity, Primitive, Relation, TypeRef, Typedef,
};
use crate::dsl::names;
use crate::dsl::{STD_MODULE, STD_NONE};

/// Name of the generated sub-module holding the base entities, e.g.
/// `acme::git_ops` (file `model/git_ops.cf`).
pub const BASE_MODULE: &str = "git_ops";
/// Base entity of every embedded slice object.
pub const EMBEDDED_BASE: &str = "EmbeddedSliceObjectABC";
/// Base entity of every slice root.
pub const ROOT_BASE: &str = "SliceObjectABC";
/// The typedef of the `operation` markers, in the base module.
pub const OPERATION_TYPEDEF: &str = "operation_t";
/// The values of the `operation` markers.
pub const OPERATIONS: [&str; 3] = ["create", "update", "delete"];
/// Name of the reverse relation from an embedded entity to its parent (unless
/// parent relations are explicit).
pub const PARENT_RELATION: &str = "parent";
/// Description of every reverse relation.
pub const PARENT_DESCRIPTION: &str = "Relation to parent";
/// Suffix of every generated typedef name.
pub const TYPEDEF_SUFFIX: &str = "_t";
// The attributes git-ops fills in on every object (`operation`, `path`) and
// on every slice root (`version`, `slice_store`, `slice_name`): the runtime's
// reserved field names, in its order.
const OPERATION: &str = RESERVED_FIELDS[0];
const PATH: &str = RESERVED_FIELDS[1];
const VERSION: &str = RESERVED_FIELDS[2];
const SLICE_STORE: &str = RESERVED_FIELDS[3];
const SLICE_NAME: &str = RESERVED_FIELDS[4];
/// Index fields of a root entity without keys: every slice of a store has a
/// unique name.
pub const KEYLESS_ROOT_INDEX: [&str; 2] = [SLICE_STORE, SLICE_NAME];

/// Options of the lowering.
#[derive(Clone, Copy, Debug)]
pub struct LowerOptions<'a> {
    /// The inmanta module name (the crate name).
    pub module: &'a str,
    /// Name the reverse relation after the owner entity (`tree`) instead of
    /// `parent`.
    pub explicit_parent_relations: bool,
}

/// The result of the lowering: the DSL modules and, for every relation, the
/// entities its objects are created as.
#[derive(Clone, Debug, PartialEq)]
pub struct Lowered {
    /// The DSL modules, sorted by path, the base module included.
    pub modules: Vec<DslModule>,
    /// Every relation of every schema entity, by owner (the entity declaring
    /// the field) and field name.
    pub relations: BTreeMap<(EntityId, String), RelationPlan>,
}

/// How the objects of one relation are created in the DSL: which entity to
/// construct, and the name of the parent relation to set.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationPlan {
    /// `[1]`, `[0:1]` or `[0:]`.
    pub cardinality: Cardinality,
    /// The reverse relation of the created objects, to set to the owner
    /// (`parent`, or the owner's snake-case name with explicit parent
    /// relations).
    pub peer: String,
    /// The entity (or, for a union, the entities) to construct.
    pub target: PlanTarget,
}

/// The entity to construct for an object of a relation.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanTarget {
    /// A struct type: always the same entity.
    Entity(PlanEntity),
    /// A union: the entity depends on the value of the tag.
    Union {
        /// The tag field.
        tag: String,
        /// One entry per member, in declaration order.
        members: Vec<(String, PlanEntity)>,
    },
}

/// One entity to construct.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanEntity {
    /// The schema type of the objects (whose relations the objects have).
    pub schema: EntityId,
    /// The DSL entity to construct: the schema type itself or a helper
    /// extending it.
    pub entity: TypeRef,
    /// Whether the entity extends the root base entity (a slice root type
    /// used as an embedded object): its `version`, `slice_store` and
    /// `slice_name` are not in the view of the object.
    pub rootish: bool,
}

/// The DSL modules of an inmanta module generated from its stores, sorted by
/// path, the base module included; or every problem found.
pub fn lower(
    stores: &[StoreSchema],
    options: LowerOptions<'_>,
) -> Result<Vec<DslModule>, Vec<String>> {
    lower_module(stores, options).map(|lowered| lowered.modules)
}

/// [`lower`], with the relation plans the unrolling model needs.
pub fn lower_module(
    stores: &[StoreSchema],
    options: LowerOptions<'_>,
) -> Result<Lowered, Vec<String>> {
    let graph = Graph::new(stores, options.module)?;
    let mut lowering = Lowering::new(&graph, options);
    lowering.check_names();
    if !lowering.problems.is_empty() {
        return Err(lowering.problems);
    }
    lowering.base_module();
    lowering.relations();
    lowering.entities();
    lowering.finish()
}

/// Where an instance of an entity can come from: a relation of an owner, or
/// the top of a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Context<'a> {
    Relation { owner: &'a EntityId, field: &'a str },
    Root(&'a EntityId),
}

/// The entity graph of every store of the module, merged.
struct Graph<'a> {
    entities: BTreeMap<&'a EntityId, &'a EntitySchema>,
    roots: BTreeSet<&'a EntityId>,
    subtypes: BTreeMap<&'a EntityId, Vec<&'a EntityId>>,
    /// The relations targeting each entity, by owner id then field order.
    entries: BTreeMap<&'a EntityId, Vec<Context<'a>>>,
}

impl<'a> Graph<'a> {
    fn new(stores: &'a [StoreSchema], module: &str) -> Result<Self, Vec<String>> {
        let mut problems = Vec::new();
        let mut entities: BTreeMap<&EntityId, &EntitySchema> = BTreeMap::new();
        let mut defined_in: BTreeMap<&EntityId, &str> = BTreeMap::new();
        for store in stores {
            for (id, entity) in &store.entities {
                match entities.get(id) {
                    Some(existing) if *existing != entity => problems.push(format!(
                        "{id} differs between stores `{}` and `{}`; the stores of module `{module}` must share one definition of each type",
                        defined_in[id], store.store
                    )),
                    Some(_) => {}
                    None => {
                        entities.insert(id, entity);
                        defined_in.insert(id, &store.store);
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let roots = stores.iter().map(|store| &store.root).collect();
        let mut subtypes: BTreeMap<&EntityId, Vec<&EntityId>> = BTreeMap::new();
        let mut entries: BTreeMap<&EntityId, Vec<Context>> = BTreeMap::new();
        for (id, entity) in &entities {
            for base in &entity.bases {
                subtypes.entry(base).or_default().push(id);
            }
            for field in &entity.fields {
                if let Some((target, _)) = field.as_relation() {
                    entries.entry(target).or_default().push(Context::Relation {
                        owner: id,
                        field: &field.name,
                    });
                }
            }
        }
        Ok(Graph {
            entities,
            roots,
            subtypes,
            entries,
        })
    }

    fn entity(&self, id: &EntityId) -> &'a EntitySchema {
        self.entities[id]
    }

    fn entries(&self, id: &EntityId) -> &[Context<'a>] {
        self.entries.get(id).map_or(&[], Vec::as_slice)
    }

    fn is_union(&self, id: &EntityId) -> bool {
        matches!(self.entity(id).kind, EntityKind::Union { .. })
    }

    fn members(&self, id: &EntityId) -> Vec<&'a EntityId> {
        match &self.entity(id).kind {
            EntityKind::Union { members, .. } => members.iter().map(|m| &m.entity).collect(),
            _ => Vec::new(),
        }
    }

    /// Every context an instance of `id` or of one of its subtypes can come
    /// from (spec §8.4's `all_parents`, extended: a root counts its own slice
    /// context and union contexts of subtypes count too).
    fn contexts(&self, id: &'a EntityId) -> BTreeSet<Context<'a>> {
        let entity = self.entity(id);
        let mut out: BTreeSet<Context> = self.entries(id).iter().copied().collect();
        if let Some(discriminator) = &entity.discriminator {
            out.extend(self.entries(&discriminator.union).iter().copied());
        }
        if self.roots.contains(id) {
            out.insert(Context::Root(id));
        }
        for sub in self.subtypes.get(id).into_iter().flatten() {
            out.extend(self.contexts(sub));
        }
        out
    }

    /// Whether the only instances of `id` (and its subtypes) come from
    /// `context`.
    fn only_context(&self, id: &'a EntityId, context: Context<'a>) -> bool {
        self.contexts(id) == BTreeSet::from([context])
    }

    /// Whether `id` is a root or extends one (and so already extends the root
    /// base entity).
    fn is_rootish(&self, id: &EntityId) -> bool {
        let entity = self.entity(id);
        entity.kind == EntityKind::Root || entity.bases.iter().any(|b| self.is_rootish(b))
    }

    /// The names of every field of `id`, own and inherited.
    fn field_names(&self, id: &EntityId) -> BTreeSet<&'a str> {
        let entity = self.entity(id);
        let mut out: BTreeSet<&str> = entity.fields.iter().map(|f| f.name.as_str()).collect();
        for base in &entity.bases {
            out.extend(self.field_names(base));
        }
        out
    }
}

fn module_of(id: &EntityId) -> ModulePath {
    ModulePath::new(id.module())
}

fn type_ref(id: &EntityId) -> TypeRef {
    TypeRef::new(module_of(id), id.name())
}

/// The parent relation an entity carries.
#[derive(Clone, Debug)]
struct Peer {
    name: String,
}

struct Lowering<'g, 'a> {
    graph: &'g Graph<'a>,
    options: LowerOptions<'g>,
    base_module: ModulePath,
    modules: BTreeMap<ModulePath, Vec<Element>>,
    /// Who defines each entity and typedef name of each module, to report
    /// collisions.
    names: BTreeMap<(ModulePath, String), String>,
    typedefs: BTreeMap<(ModulePath, String), Typedef>,
    /// The parent relation carried by a schema entity (not a helper).
    carried: BTreeMap<&'a EntityId, Peer>,
    /// Union members that extend their union entity.
    single_members: BTreeSet<&'a EntityId>,
    plans: BTreeMap<(EntityId, String), RelationPlan>,
    problems: Vec<String>,
}

impl<'g, 'a> Lowering<'g, 'a> {
    fn new(graph: &'g Graph<'a>, options: LowerOptions<'g>) -> Self {
        Lowering {
            graph,
            options,
            base_module: ModulePath::new(options.module).child(BASE_MODULE),
            modules: BTreeMap::new(),
            names: BTreeMap::new(),
            typedefs: BTreeMap::new(),
            carried: BTreeMap::new(),
            single_members: BTreeSet::new(),
            plans: BTreeMap::new(),
            problems: Vec::new(),
        }
    }

    // ---- checks -----------------------------------------------------------

    /// Names the DSL cannot take and types outside the module.
    fn check_names(&mut self) {
        let graph = self.graph;
        for (id, entity) in &graph.entities {
            self.check_module(id, "type");
            if let Some(problem) = names::entity_name_problem(id.name()) {
                self.problems.push(format!(
                    "{id}: `{}` cannot name an entity: {problem}",
                    id.name()
                ));
            }
            for field in &entity.fields {
                if let Some(problem) = names::attribute_name_problem(&field.name) {
                    self.problems.push(format!(
                        "{id}: field `{}` cannot be a DSL attribute or relation: {problem}; rename it with #[serde(rename = \"...\")]",
                        field.name
                    ));
                }
                if let FieldKind::Value { ty, .. } = &field.kind {
                    self.check_value_type(id, &field.name, ty);
                }
                if field.discriminator
                    && let Some(serde_json::Value::String(value)) = &field.default
                {
                    self.check_string_value(id, &field.name, value);
                }
            }
        }
    }

    fn check_module(&mut self, id: &EntityId, what: &str) {
        let module = id.module();
        let mut segments = module.split("::");
        if segments.next() != Some(self.options.module) {
            self.problems.push(format!(
                "{id}: the {what} is not part of crate `{}` (module `{module}`); a module can only use types of its own crate",
                self.options.module
            ));
            return;
        }
        for segment in segments.clone() {
            if let Some(problem) = names::module_segment_problem(segment) {
                self.problems.push(format!(
                    "{id}: module `{segment}` cannot be a DSL module: {problem}"
                ));
            }
        }
        if segments.next() == Some(BASE_MODULE) {
            self.problems.push(format!(
                "{id}: Rust module `{}::{BASE_MODULE}` holds the generated base entities; move the {what} to another module",
                self.options.module
            ));
        }
    }

    fn check_value_type(&mut self, id: &EntityId, field: &str, ty: &ValueType) {
        match ty {
            ValueType::Enum(enum_type) => {
                self.check_module(&enum_type.id, "enum");
                let typedef = enum_typedef_name(&enum_type.id);
                if let Some(problem) = names::attribute_name_problem(&typedef) {
                    self.problems.push(format!(
                        "{}: `{typedef}` cannot name a typedef: {problem}",
                        enum_type.id
                    ));
                }
                for value in &enum_type.values {
                    self.check_string_value(&enum_type.id, field, value);
                }
            }
            ValueType::Float { min, max } => {
                for bound in min.iter().chain(max) {
                    if !bound.is_finite() {
                        self.problems.push(format!(
                            "{id}: field `{field}`: the bound {bound} is not a finite number"
                        ));
                    }
                }
            }
            ValueType::List { items: Some(items) }
            | ValueType::Dict {
                values: Some(items),
            } => {
                self.check_value_type(id, field, items);
            }
            _ => {}
        }
    }

    /// A string the DSL must hold literally: `{{` would be interpolated.
    fn check_string_value(&mut self, id: &EntityId, field: &str, value: &str) {
        if value.contains("{{") {
            self.problems.push(format!(
                "{id}: field `{field}`: the value {value:?} contains `{{{{`, which the inmanta DSL reads as string interpolation"
            ));
        }
    }

    // ---- output helpers ---------------------------------------------------

    fn push(&mut self, module: &ModulePath, element: Element) {
        self.modules
            .entry(module.clone())
            .or_default()
            .push(element);
    }

    /// Defines an entity, reporting a name already taken in its module.
    fn define(&mut self, module: &ModulePath, entity: Entity, origin: String) {
        let key = (module.clone(), entity.name.clone());
        if let Some(previous) = self.names.get(&key) {
            self.problems.push(format!(
                "{module}: entity `{}` would be defined twice: {previous}, and {origin}",
                entity.name
            ));
            return;
        }
        self.names.insert(key, origin);
        self.push(module, Element::Entity(entity));
    }

    fn implement(&mut self, entity: &TypeRef, std_none: bool) {
        let implementations = if std_none {
            vec![TypeRef::new(ModulePath::new(STD_MODULE), STD_NONE)]
        } else {
            Vec::new()
        };
        self.push(
            &entity.module,
            Element::Implement(Implement {
                entity: entity.clone(),
                implementations,
                parents: true,
            }),
        );
    }

    fn index(&mut self, entity: &TypeRef, fields: Vec<String>) {
        self.push(
            &entity.module,
            Element::Index(Index {
                entity: entity.clone(),
                fields,
            }),
        );
    }

    fn peer_name(&self, owner: &EntityId) -> String {
        if self.options.explicit_parent_relations {
            names::parent_relation_name(owner.name())
        } else {
            PARENT_RELATION.to_owned()
        }
    }

    /// Reports a parent relation named like a field of an entity that
    /// carries or inherits it.
    fn check_peer(&mut self, peer: &str, carrier: &str, entities: &[&EntityId]) {
        if RESERVED_FIELDS.contains(&peer) {
            self.problems.push(format!(
                "the parent relation `{peer}` of {carrier} is named like an attribute of the base entities; rename the owner type or do not use explicit parent relations"
            ));
            return;
        }
        for id in entities {
            if self.graph.field_names(id).contains(peer) {
                self.problems.push(format!(
                    "{id}: the parent relation `{peer}` of {carrier} clashes with a field of the same name; rename the field"
                ));
            }
        }
    }

    // ---- the base module --------------------------------------------------

    /// `<module>::git_ops`: the base entities and the operation typedef.
    fn base_module(&mut self) {
        let module = self.base_module.clone();
        let string = |name: &str| plain_attribute(Primitive::String, name);
        self.push(
            &module,
            Element::Typedef(Typedef {
                name: OPERATION_TYPEDEF.to_owned(),
                base: Primitive::String,
                constraint: Constraint::OneOf(OPERATIONS.iter().map(|o| (*o).to_owned()).collect()),
                description: Some(
                    "The operation markers git-ops sets on every slice object: what happened to the object in the latest version of its slice."
                        .to_owned(),
                ),
            }),
        );
        let embedded = Entity {
            name: EMBEDDED_BASE.to_owned(),
            extends: Vec::new(),
            doc: EntityDoc {
                description: Some(
                    "Base entity of every slice object of this module.".to_owned(),
                ),
                attributes: vec![
                    (
                        OPERATION.to_owned(),
                        "What happened to this object in the latest version of its slice: create, update or delete (see operation_t).".to_owned(),
                    ),
                    (
                        PATH.to_owned(),
                        "The dict path of this object inside its slice, e.g. `items[name=etc]`.".to_owned(),
                    ),
                ],
                relations: Vec::new(),
            },
            attributes: vec![string(OPERATION), string(PATH)],
        };
        let root = Entity {
            name: ROOT_BASE.to_owned(),
            extends: vec![TypeRef::new(module.clone(), EMBEDDED_BASE)],
            doc: EntityDoc {
                description: Some(
                    "Base entity of the root of every slice of this module.".to_owned(),
                ),
                attributes: vec![
                    (VERSION.to_owned(), "The version of the slice.".to_owned()),
                    (
                        SLICE_STORE.to_owned(),
                        "The name of the store holding the slice.".to_owned(),
                    ),
                    (
                        SLICE_NAME.to_owned(),
                        "The name of the slice in its store.".to_owned(),
                    ),
                ],
                relations: Vec::new(),
            },
            attributes: vec![
                plain_attribute(Primitive::Int, VERSION),
                string(SLICE_STORE),
                string(SLICE_NAME),
            ],
        };
        for entity in [embedded, root] {
            let reference = TypeRef::new(module.clone(), entity.name.clone());
            self.define(&module, entity, "a base entity of git-ops".to_owned());
            self.implement(&reference, true);
        }
    }

    // ---- relations and helpers --------------------------------------------

    fn relations(&mut self) {
        let graph = self.graph;
        for (id, entity) in &graph.entities {
            for field in &entity.fields {
                if let FieldKind::Relation {
                    target,
                    cardinality,
                    ..
                } = &field.kind
                {
                    self.relation(id, field, target, *cardinality);
                }
            }
        }
    }

    /// One relation `owner.field -> target` (spec §9.5), with the helper
    /// entities it needs.
    fn relation(
        &mut self,
        owner: &'a EntityId,
        field: &'a Field,
        target: &'a EntityId,
        cardinality: Cardinality,
    ) {
        let graph = self.graph;
        let context = Context::Relation {
            owner,
            field: &field.name,
        };
        let peer = self.peer_name(owner);
        let owner_ref = type_ref(owner);
        let relation_text = format!("relation `{}.{}`", owner.name(), field.name);
        let (target_ref, plan) = if graph.is_union(target) {
            let (union_ref, members) = if graph.entries(target).len() == 1 {
                self.union_single_relation(owner, target, context, &peer)
            } else {
                self.union_many_relations(owner, field, target, &peer)
            };
            let tag = match &graph.entity(target).kind {
                EntityKind::Union { tag, .. } => tag.clone(),
                _ => unreachable!("a union has a tag"),
            };
            (union_ref, PlanTarget::Union { tag, members })
        } else if graph.only_context(target, context) {
            self.check_peer(&peer, &format!("{target}"), &[target]);
            self.carried.insert(target, Peer { name: peer.clone() });
            let target_ref = type_ref(target);
            let keys = graph.entity(target).resolved_keys.clone();
            self.index(&target_ref, index_fields(&peer, &keys));
            let plan = PlanTarget::Entity(self.plan_entity(target, target_ref.clone()));
            (target_ref, plan)
        } else {
            let helper = TypeRef::new(
                owner_ref.module.clone(),
                format!("{}{}", owner.name(), names::camel_case(&field.name)),
            );
            self.check_peer(&peer, &format!("helper {}", helper.full_path()), &[target]);
            self.helper(
                &helper,
                vec![type_ref(target)],
                helper_description(target),
                Some(&peer),
                &relation_text,
            );
            let keys = graph.entity(target).resolved_keys.clone();
            self.index(&helper, index_fields(&peer, &keys));
            let plan = PlanTarget::Entity(self.plan_entity(target, helper.clone()));
            (helper, plan)
        };
        self.plans.insert(
            (owner.clone(), field.name.clone()),
            RelationPlan {
                cardinality,
                peer: peer.clone(),
                target: plan,
            },
        );
        let multiplicity = match cardinality {
            Cardinality::One => Multiplicity::ONE,
            Cardinality::Optional => Multiplicity::OPTIONAL,
            Cardinality::Many => Multiplicity::MANY,
        };
        self.push(
            &owner_ref.module,
            Element::Relation(Relation {
                owner: owner_ref.clone(),
                name: field.name.clone(),
                multiplicity,
                description: field.description.clone(),
                target: target_ref,
                peer,
                peer_multiplicity: Multiplicity::ONE,
                peer_description: PARENT_DESCRIPTION.to_owned(),
            }),
        );
    }

    /// A union targeted by one relation: the union entity carries the parent
    /// relation; members only found there extend it, the others get a helper
    /// extending the member and the union.
    fn union_single_relation(
        &mut self,
        owner: &'a EntityId,
        union: &'a EntityId,
        context: Context<'a>,
        peer: &str,
    ) -> (TypeRef, Vec<(String, PlanEntity)>) {
        let graph = self.graph;
        let members = graph.members(union);
        let mut plans = Vec::new();
        self.check_peer(peer, &format!("{union}"), &members);
        self.carried.insert(
            union,
            Peer {
                name: peer.to_owned(),
            },
        );
        let union_ref = type_ref(union);
        for member in members {
            let keys = graph.entity(member).resolved_keys.clone();
            if graph.only_context(member, context) {
                self.single_members.insert(member);
                self.index(&type_ref(member), index_fields(peer, &keys));
                plans.push(self.member_plan(member, type_ref(member)));
            } else {
                let helper = TypeRef::new(
                    module_of(owner),
                    format!("{}{}", owner.name(), member.name()),
                );
                let origin = format!("union {} in `{}`", union.name(), owner.name());
                self.helper(
                    &helper,
                    vec![type_ref(member), union_ref.clone()],
                    helper_description(member),
                    None,
                    &origin,
                );
                self.index(&helper, index_fields(peer, &keys));
                plans.push(self.member_plan(member, helper));
            }
        }
        (union_ref, plans)
    }

    /// A union targeted by several relations: each relation gets its own
    /// union entity (extending the union) carrying its parent relation, and
    /// one helper per member.
    fn union_many_relations(
        &mut self,
        owner: &'a EntityId,
        field: &Field,
        union: &'a EntityId,
        peer: &str,
    ) -> (TypeRef, Vec<(String, PlanEntity)>) {
        let graph = self.graph;
        let module = module_of(owner);
        let mut plans = Vec::new();
        let relation_union = TypeRef::new(
            module.clone(),
            format!("{}{}", owner.name(), names::camel_case(&field.name)),
        );
        let members = graph.members(union);
        self.check_peer(
            peer,
            &format!("helper {}", relation_union.full_path()),
            &members,
        );
        let relation_text = format!("relation `{}.{}`", owner.name(), field.name);
        let description = format!(
            "This entity has been generated because the union entity:\n\n    {union}\n\nis the target of several relations.  Each relation gets its own union\nentity, carrying the parent relation, and its own entity for every member."
        );
        self.define(
            &module,
            Entity {
                name: relation_union.name.clone(),
                extends: vec![type_ref(union)],
                doc: EntityDoc {
                    description: Some(description),
                    attributes: Vec::new(),
                    relations: vec![(peer.to_owned(), PARENT_DESCRIPTION.to_owned())],
                },
                attributes: Vec::new(),
            },
            format!("the union entity of {relation_text}"),
        );
        for member in members {
            let helper = TypeRef::new(
                module.clone(),
                format!("{}{}", relation_union.name, member.name()),
            );
            self.helper(
                &helper,
                vec![type_ref(member), relation_union.clone()],
                helper_description(member),
                None,
                &relation_text,
            );
            let keys = graph.entity(member).resolved_keys.clone();
            self.index(&helper, index_fields(peer, &keys));
            plans.push(self.member_plan(member, helper));
        }
        (relation_union, plans)
    }

    /// The plan of an object of type `schema` created as `entity`.
    fn plan_entity(&self, schema: &EntityId, entity: TypeRef) -> PlanEntity {
        PlanEntity {
            schema: schema.clone(),
            entity,
            rootish: self.graph.is_rootish(schema),
        }
    }

    /// The plan of a union member created as `entity`, with its tag value.
    fn member_plan(&self, member: &EntityId, entity: TypeRef) -> (String, PlanEntity) {
        let value = self
            .graph
            .entity(member)
            .discriminator
            .as_ref()
            .expect("a union member has a discriminator")
            .value
            .clone();
        (value, self.plan_entity(member, entity))
    }

    /// A helper entity: no attributes, implemented by its parents.
    fn helper(
        &mut self,
        helper: &TypeRef,
        extends: Vec<TypeRef>,
        description: String,
        peer: Option<&str>,
        origin: &str,
    ) {
        let relations = peer
            .map(|peer| vec![(peer.to_owned(), PARENT_DESCRIPTION.to_owned())])
            .unwrap_or_default();
        self.define(
            &helper.module,
            Entity {
                name: helper.name.clone(),
                extends,
                doc: EntityDoc {
                    description: Some(description),
                    attributes: Vec::new(),
                    relations,
                },
                attributes: Vec::new(),
            },
            format!("the helper entity of {origin}"),
        );
        self.implement(helper, false);
    }

    // ---- schema entities --------------------------------------------------

    fn entities(&mut self) {
        let graph = self.graph;
        for (id, entity) in &graph.entities {
            if let EntityKind::Union { .. } = entity.kind {
                self.union_entity(id, entity);
            } else {
                self.struct_entity(id, entity);
            }
        }
    }

    fn union_entity(&mut self, id: &'a EntityId, entity: &'a EntitySchema) {
        let module = module_of(id);
        let description = entity.description.clone().unwrap_or_else(|| {
            format!(
                "Base entity for the members of the {} discriminated union.",
                id.name()
            )
        });
        let attributes = self.attributes(&module, entity);
        let doc = self.doc(id, entity, Some(description));
        self.define(
            &module,
            Entity {
                name: id.name().to_owned(),
                extends: Vec::new(),
                doc,
                attributes,
            },
            format!("Rust type {id}"),
        );
    }

    fn struct_entity(&mut self, id: &'a EntityId, entity: &'a EntitySchema) {
        let graph = self.graph;
        let module = module_of(id);
        let base_ref = |name: &str| TypeRef::new(self.base_module.clone(), name);
        let mut extends: Vec<TypeRef> = entity.bases.iter().map(type_ref).collect();
        match entity.kind {
            EntityKind::Root if !entity.bases.iter().any(|b| graph.is_rootish(b)) => {
                extends.push(base_ref(ROOT_BASE));
            }
            EntityKind::Embedded if entity.bases.is_empty() => {
                extends.push(base_ref(EMBEDDED_BASE));
            }
            _ => {}
        }
        if self.single_members.contains(id) {
            let discriminator = entity
                .discriminator
                .as_ref()
                .expect("a member has a discriminator");
            extends.push(type_ref(&discriminator.union));
        }
        let attributes = self.attributes(&module, entity);
        let doc = self.doc(id, entity, entity.description.clone());
        let reference = type_ref(id);
        self.define(
            &module,
            Entity {
                name: id.name().to_owned(),
                extends,
                doc,
                attributes,
            },
            format!("Rust type {id}"),
        );
        if graph.roots.contains(id) && graph.only_context(id, Context::Root(id)) {
            let fields = if entity.resolved_keys.is_empty() {
                KEYLESS_ROOT_INDEX.iter().map(|f| (*f).to_owned()).collect()
            } else {
                entity.resolved_keys.clone()
            };
            self.index(&reference, fields);
        }
        self.implement(&reference, true);
    }

    /// The docstring of a schema entity: its description, its own fields'
    /// descriptions, and the parent relation it carries.
    fn doc(&self, id: &EntityId, entity: &EntitySchema, description: Option<String>) -> EntityDoc {
        let described = |relation: bool| {
            entity
                .fields
                .iter()
                .filter(move |f| f.kind.is_relation() == relation)
                .filter_map(|f| {
                    f.description
                        .as_ref()
                        .filter(|d| !d.is_empty())
                        .map(|d| (f.name.clone(), d.clone()))
                })
                .collect::<Vec<_>>()
        };
        let mut relations = described(true);
        if let Some(peer) = self.carried.get(id) {
            relations.push((peer.name.clone(), PARENT_DESCRIPTION.to_owned()));
        }
        EntityDoc {
            description,
            attributes: described(false),
            relations,
        }
    }

    fn attributes(&mut self, module: &ModulePath, entity: &EntitySchema) -> Vec<Attribute> {
        let mut out = Vec::new();
        for field in &entity.fields {
            let FieldKind::Value { ty, nullable } = &field.kind else {
                continue;
            };
            let (base, list) = self.attribute_base(module, ty);
            // A free value may be null; the DSL has no type for any value.
            let nullable = *nullable || matches!(ty, ValueType::Any);
            let default = match &field.default {
                Some(serde_json::Value::String(value)) if field.discriminator => {
                    AttributeDefault::String(value.clone())
                }
                _ if nullable => AttributeDefault::Null,
                _ => AttributeDefault::None,
            };
            out.push(Attribute {
                ty: AttributeType {
                    base,
                    list,
                    nullable,
                },
                name: field.name.clone(),
                default,
            });
        }
        out
    }

    /// The DSL type of a value: its base and whether it is a typed list.
    fn attribute_base(&mut self, module: &ModulePath, ty: &ValueType) -> (BaseType, bool) {
        match ty {
            ValueType::List { items: Some(items) } => match self.scalar_base(module, items) {
                Some(base) => (base, true),
                None => (BaseType::Primitive(Primitive::List), false),
            },
            ValueType::List { items: None } => (BaseType::Primitive(Primitive::List), false),
            ValueType::Dict { .. } | ValueType::Any => {
                (BaseType::Primitive(Primitive::Dict), false)
            }
            scalar => (
                self.scalar_base(module, scalar)
                    .expect("every other value type is a scalar"),
                false,
            ),
        }
    }

    /// The base type of a scalar value (string, number, bool, enum), `None`
    /// for lists, maps and free values.
    fn scalar_base(&mut self, module: &ModulePath, ty: &ValueType) -> Option<BaseType> {
        Some(match ty {
            ValueType::String => BaseType::Primitive(Primitive::String),
            ValueType::Bool => BaseType::Primitive(Primitive::Bool),
            ValueType::Int {
                min: None,
                max: None,
            } => BaseType::Primitive(Primitive::Int),
            ValueType::Float {
                min: None,
                max: None,
            } => BaseType::Primitive(Primitive::Float),
            ValueType::Int { min, max } => BaseType::Typedef(self.range_typedef(
                module,
                Primitive::Int,
                min.map(|v| v.to_string()),
                max.map(|v| v.to_string()),
            )),
            ValueType::Float { min, max } => BaseType::Typedef(self.range_typedef(
                module,
                Primitive::Float,
                min.map(float_literal),
                max.map(float_literal),
            )),
            ValueType::Enum(enum_type) => {
                let typedef =
                    TypeRef::new(module_of(&enum_type.id), enum_typedef_name(&enum_type.id));
                self.typedef(
                    &typedef,
                    Typedef {
                        name: typedef.name.clone(),
                        base: Primitive::String,
                        constraint: Constraint::OneOf(enum_type.values.clone()),
                        description: enum_type.description.clone(),
                    },
                    &format!("Rust enum {}", enum_type.id),
                );
                BaseType::Typedef(typedef)
            }
            ValueType::List { .. } | ValueType::Dict { .. } | ValueType::Any => return None,
        })
    }

    /// `int_from_0_to_65535_t`: a typedef for a bounded number, in the module
    /// using it.
    fn range_typedef(
        &mut self,
        module: &ModulePath,
        base: Primitive,
        min: Option<String>,
        max: Option<String>,
    ) -> TypeRef {
        let (prefix, noun) = match base {
            Primitive::Float => ("float", "A number"),
            _ => ("int", "An integer"),
        };
        let name_part = |bound: &str| bound.replace('-', "m").replace('.', "p");
        let mut name = prefix.to_owned();
        if let Some(min) = &min {
            name.push_str(&format!("_from_{}", name_part(min)));
        }
        if let Some(max) = &max {
            name.push_str(&format!("_to_{}", name_part(max)));
        }
        name.push_str(TYPEDEF_SUFFIX);
        let description = match (&min, &max) {
            (Some(min), Some(max)) => format!("{noun} between {min} and {max}, inclusive."),
            (Some(min), None) => format!("{noun} of at least {min}."),
            (None, Some(max)) => format!("{noun} of at most {max}."),
            (None, None) => unreachable!("only bounded numbers get a typedef"),
        };
        let typedef = TypeRef::new(module.clone(), name);
        self.typedef(
            &typedef,
            Typedef {
                name: typedef.name.clone(),
                base,
                constraint: Constraint::Range { min, max },
                description: Some(description),
            },
            "a bounded number",
        );
        typedef
    }

    /// Defines a typedef once per module.
    fn typedef(&mut self, reference: &TypeRef, typedef: Typedef, origin: &str) {
        let key = (reference.module.clone(), reference.name.clone());
        match self.typedefs.get(&key) {
            Some(existing) if *existing != typedef => self.problems.push(format!(
                "{}: typedef `{}` would be defined twice with different values ({origin})",
                reference.module, reference.name
            )),
            Some(_) => {}
            None => {
                self.typedefs.insert(key, typedef.clone());
                self.push(&reference.module, Element::Typedef(typedef));
            }
        }
    }

    // ---- result -----------------------------------------------------------

    fn finish(self) -> Result<Lowered, Vec<String>> {
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        Ok(Lowered {
            modules: self
                .modules
                .into_iter()
                .map(|(path, elements)| DslModule { path, elements })
                .collect(),
            relations: self.plans,
        })
    }
}

fn plain_attribute(primitive: Primitive, name: &str) -> Attribute {
    Attribute {
        ty: AttributeType {
            base: BaseType::Primitive(primitive),
            list: false,
            nullable: false,
        },
        name: name.to_owned(),
        default: AttributeDefault::None,
    }
}

/// The index fields of an entity reached through a parent relation: the
/// relation first, then the keys in declared order.
fn index_fields(peer: &str, keys: &[String]) -> Vec<String> {
    std::iter::once(peer.to_owned())
        .chain(keys.iter().cloned())
        .collect()
}

/// The docstring of a helper entity (the reference's wording, spec §9.6).
fn helper_description(base: &EntityId) -> String {
    format!(
        "This entity has been generated because it's base entity:\n\n    {base}\n\nhas multiple parent.  Or in other words, multiple entities\nhave a relation to this base entity, making it impossible\nto define a unique parent relation."
    )
}

/// `Speed` → `speed_t`.
fn enum_typedef_name(id: &EntityId) -> String {
    format!("{}{TYPEDEF_SUFFIX}", names::snake_case(id.name()))
}

/// A float bound as a DSL float literal (always with a decimal point).
fn float_literal(value: f64) -> String {
    let text = value.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}
