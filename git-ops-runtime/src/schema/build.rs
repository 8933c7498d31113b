//! Checking and resolving a store graph ([`StoreSchema::build`]) and the
//! ordered views consumers read from it.

use std::collections::{BTreeMap, BTreeSet};

use super::SchemaError;
use super::model::{
    Cardinality, Discriminator, EntityId, EntityKind, EntitySchema, Field, FieldKind, StoreSchema,
    ValueType,
};

/// Field names git-ops injects into every merged view (spec §4.8); a slice
/// type may not declare them.
pub const RESERVED_FIELDS: [&str; 5] =
    ["operation", "path", "version", "slice_store", "slice_name"];

/// Why `name` cannot be a store name, `None` when it can: the rule of
/// `#[slice(store = "..")]` (`docs/derive.md`), applied to every store
/// whatever its origin (a type, a manifest): ASCII letters, digits, `_`,
/// `-` and `.`, not empty, not starting with `.`. A store name becomes a
/// folder name (`git_ops/active/<store>/`) and a file name
/// (`git_ops/.cache/<store>.json`), so that it can never leave its folder.
pub fn store_name_problem(name: &str) -> Option<&'static str> {
    let valid = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (!valid).then_some(
        "the store name is a folder name (`git_ops/active/<store>/`): use ASCII letters, digits, `_`, `-` and `.`, not starting with `.`",
    )
}

impl StoreSchema {
    /// Checks a set of entities and resolves what is inherited.
    ///
    /// Resolves union discriminators into their members (the tag becomes the
    /// member's first own field), keys (declared, else inherited from the first
    /// base that has some), and checks everything the derive cannot see at
    /// compile time: references exist, keys name plain inherited or own fields,
    /// no field is declared twice along the inheritance chain, list items have
    /// an identity, a member belongs to one union only, and so on; and the
    /// store name ([`store_name_problem`]) and source location
    /// ([`crate::store::Location::parse`]), which become paths. All problems
    /// are reported, not just the first.
    pub fn build(
        store: impl Into<String>,
        source: impl Into<String>,
        root: EntityId,
        entities: impl IntoIterator<Item = EntitySchema>,
    ) -> Result<StoreSchema, SchemaError> {
        let mut schema = StoreSchema {
            store: store.into(),
            source: source.into(),
            root,
            entities: entities.into_iter().map(|e| (e.id.clone(), e)).collect(),
        };
        let mut problems = Vec::new();
        schema.check_references(&mut problems);
        if problems.is_empty() {
            schema.resolve_unions(&mut problems);
        }
        if problems.is_empty() {
            schema.check_inheritance(&mut problems);
        }
        if problems.is_empty() {
            schema.resolve_keys(&mut problems);
        }
        if problems.is_empty() {
            schema.check_identities(&mut problems);
        }
        // The name and the source location become paths.
        if let Some(problem) = store_name_problem(&schema.store) {
            problems.push(format!("invalid store name {:?}: {problem}", schema.store));
        }
        if let Err(error) = crate::store::Location::parse(&schema.source) {
            problems.push(format!("invalid source folder: {error}"));
        }
        if problems.is_empty() {
            Ok(schema)
        } else {
            Err(SchemaError { problems })
        }
    }

    /// The entity with this id.
    ///
    /// # Panics
    ///
    /// If the id is not part of the store (ids come from the schema itself, so
    /// this is a caller bug).
    pub fn entity(&self, id: &EntityId) -> &EntitySchema {
        self.entities
            .get(id)
            .unwrap_or_else(|| panic!("entity {id} is not part of store {}", self.store))
    }

    /// The root entity.
    pub fn root_entity(&self) -> &EntitySchema {
        self.entity(&self.root)
    }

    /// Every field of an entity in *file order*: the fields of each base (in
    /// declaration order, recursively), then the entity's own fields. This is
    /// the order of keys in written slice files and in JSON Schema
    /// `properties`.
    pub fn all_fields(&self, id: &EntityId) -> Vec<&Field> {
        let mut out: Vec<&Field> = Vec::new();
        self.collect_fields(id, &mut out);
        out
    }

    fn collect_fields<'a>(&'a self, id: &EntityId, out: &mut Vec<&'a Field>) {
        let entity = self.entity(id);
        for base in &entity.bases {
            self.collect_fields(base, out);
        }
        for field in &entity.fields {
            if !out.iter().any(|f| f.name == field.name) {
                out.push(field);
            }
        }
    }

    /// Looks up a field (own or inherited) by wire name.
    pub fn field(&self, id: &EntityId, name: &str) -> Option<&Field> {
        self.all_fields(id).into_iter().find(|f| f.name == name)
    }

    /// All entities that extend `id` directly.
    pub fn direct_subtypes(&self, id: &EntityId) -> Vec<&EntitySchema> {
        self.entities
            .values()
            .filter(|e| e.bases.contains(id))
            .collect()
    }

    /// The union members of a union entity, else an empty slice.
    pub fn members(&self, id: &EntityId) -> &[super::model::UnionMember] {
        match &self.entity(id).kind {
            EntityKind::Union { members, .. } => members,
            _ => &[],
        }
    }

    /// Whether `id` is a union entity.
    pub fn is_union(&self, id: &EntityId) -> bool {
        matches!(self.entity(id).kind, EntityKind::Union { .. })
    }

    fn check_references(&self, problems: &mut Vec<String>) {
        if !self.entities.contains_key(&self.root) {
            problems.push(format!("the root entity {} is missing", self.root));
            return;
        }
        if self.root_entity().kind != EntityKind::Root {
            problems.push(format!(
                "the root entity {} is not declared with #[derive(Slice)]",
                self.root
            ));
        }
        for entity in self.entities.values() {
            let mut refs: Vec<(&EntityId, String)> = entity
                .bases
                .iter()
                .map(|b| (b, "base".to_owned()))
                .collect();
            for field in &entity.fields {
                if let Some((target, _)) = field.as_relation() {
                    refs.push((target, format!("field `{}`", field.name)));
                }
            }
            if let EntityKind::Union { members, .. } = &entity.kind {
                refs.extend(
                    members
                        .iter()
                        .map(|m| (&m.entity, format!("variant `{}`", m.value))),
                );
            }
            for (target, what) in refs {
                if !self.entities.contains_key(target) {
                    problems.push(format!(
                        "{}: {what} refers to unknown entity {target}",
                        entity.id
                    ));
                }
            }
        }
    }

    fn resolve_unions(&mut self, problems: &mut Vec<String>) {
        let unions: Vec<(EntityId, String, Vec<super::model::UnionMember>)> = self
            .entities
            .values()
            .filter_map(|e| match &e.kind {
                EntityKind::Union { tag, members } => {
                    Some((e.id.clone(), tag.clone(), members.clone()))
                }
                _ => None,
            })
            .collect();
        for (union, tag, members) in unions {
            let mut seen = BTreeSet::new();
            for member in &members {
                if !seen.insert(&member.value) {
                    problems.push(format!(
                        "{union}: two variants use the tag value `{}`",
                        member.value
                    ));
                }
                let target = self.entities.get_mut(&member.entity).expect("checked");
                if matches!(target.kind, EntityKind::Union { .. }) {
                    problems.push(format!(
                        "{union}: variant `{}` holds the union {}; unions cannot be nested",
                        member.value, member.entity
                    ));
                    continue;
                }
                let discriminator = Discriminator {
                    union: union.clone(),
                    field: tag.clone(),
                    value: member.value.clone(),
                };
                match &target.discriminator {
                    Some(existing) if *existing != discriminator => problems.push(format!(
                        "{} is a member of two unions ({} as {}={:?} and {} as {}={:?}); a type can belong to one union only",
                        member.entity,
                        existing.union,
                        existing.field,
                        existing.value,
                        union,
                        tag,
                        member.value
                    )),
                    Some(_) => {}
                    None => {
                        if target.fields.iter().any(|f| f.name == tag) {
                            problems.push(format!(
                                "{}: field `{tag}` clashes with the tag of union {union}; remove the field, the union's tag provides it",
                                member.entity
                            ));
                            continue;
                        }
                        target.fields.insert(
                            0,
                            Field {
                                name: tag.clone(),
                                rust_name: None,
                                description: None,
                                kind: FieldKind::Value {
                                    ty: ValueType::String,
                                    nullable: false,
                                },
                                default: Some(member.value.clone().into()),
                                model_only: false,
                                discriminator: true,
                                processor: None,
                            },
                        );
                        target.discriminator = Some(discriminator);
                    }
                }
            }
            let union_entity = self.entities.get_mut(&union).expect("exists");
            union_entity.fields = vec![Field {
                name: tag.clone(),
                rust_name: None,
                description: None,
                kind: FieldKind::Value {
                    ty: ValueType::String,
                    nullable: false,
                },
                default: None,
                model_only: false,
                discriminator: true,
                processor: None,
            }];
        }
    }

    fn check_inheritance(&self, problems: &mut Vec<String>) {
        for entity in self.entities.values() {
            for base in &entity.bases {
                if self.is_union(base) {
                    problems.push(format!(
                        "{}: base {base} is a union; a base must be a struct",
                        entity.id
                    ));
                }
            }
            for field in &entity.fields {
                if RESERVED_FIELDS.contains(&field.name.as_str()) {
                    problems.push(format!(
                        "{}: field `{}` uses a name git-ops reserves for the views (reserved: {}); rename it with #[serde(rename = \"...\")]",
                        entity.id,
                        field.name,
                        RESERVED_FIELDS.join(", ")
                    ));
                }
            }
            if self.base_cycle(&entity.id, &mut Vec::new()) {
                problems.push(format!("{}: its bases form a cycle", entity.id));
                continue;
            }
            // A field name may appear once along the whole chain.
            let mut owner: BTreeMap<&str, &EntityId> = BTreeMap::new();
            self.field_owners(&entity.id, &mut owner, problems, &entity.id);
        }
    }

    fn base_cycle(&self, id: &EntityId, stack: &mut Vec<EntityId>) -> bool {
        if stack.contains(id) {
            return true;
        }
        stack.push(id.clone());
        let cyclic = self
            .entity(id)
            .bases
            .iter()
            .any(|b| self.base_cycle(b, stack));
        stack.pop();
        cyclic
    }

    fn field_owners<'a>(
        &'a self,
        id: &'a EntityId,
        owner: &mut BTreeMap<&'a str, &'a EntityId>,
        problems: &mut Vec<String>,
        reporting: &EntityId,
    ) {
        let entity = self.entity(id);
        for base in &entity.bases {
            self.field_owners(base, owner, problems, reporting);
        }
        for field in &entity.fields {
            match owner.get(field.name.as_str()) {
                Some(previous) if *previous != id => {
                    let message = format!(
                        "{reporting}: field `{}` is declared by both {previous} and {id}",
                        field.name
                    );
                    if !problems.contains(&message) {
                        problems.push(message);
                    }
                }
                _ => {
                    owner.insert(&field.name, id);
                }
            }
        }
    }

    fn resolve_keys(&mut self, problems: &mut Vec<String>) {
        let ids: Vec<EntityId> = self.entities.keys().cloned().collect();
        let mut resolved: BTreeMap<EntityId, Vec<String>> = BTreeMap::new();
        for id in &ids {
            let keys = self.keys_of(id, &mut resolved);
            resolved.insert(id.clone(), keys);
        }
        for id in &ids {
            let keys = resolved[id].clone();
            let entity = self.entity(id);
            if !matches!(entity.kind, EntityKind::Union { .. }) {
                for key in &keys {
                    let Some(field) = self.field(id, key) else {
                        problems.push(format!(
                            "{id}: key `{key}` is not a field of {} (own or inherited)",
                            id.name()
                        ));
                        continue;
                    };
                    let problem = match &field.kind {
                        FieldKind::Relation { .. } => {
                            Some("is a relation; a key must be a plain value")
                        }
                        _ if field.model_only => {
                            Some("is model-only; a key must be read from slice files")
                        }
                        _ if field.discriminator => {
                            Some("is the union tag, which is already part of an item's identity")
                        }
                        FieldKind::Value {
                            ty: ValueType::List { .. } | ValueType::Dict { .. } | ValueType::Any,
                            ..
                        } => Some(
                            "is a list, map or free value; a key must be a string, number, bool or string enum",
                        ),
                        FieldKind::Value { .. } => None,
                    };
                    if let Some(problem) = problem {
                        problems.push(format!("{id}: key `{key}` {problem}"));
                    }
                }
            }
            self.entities.get_mut(id).expect("exists").resolved_keys = keys;
        }
    }

    fn keys_of(&self, id: &EntityId, memo: &mut BTreeMap<EntityId, Vec<String>>) -> Vec<String> {
        if let Some(keys) = memo.get(id) {
            return keys.clone();
        }
        let entity = self.entity(id);
        let keys = if let Some(keys) = &entity.keys {
            keys.clone()
        } else if let EntityKind::Union { members, .. } = &entity.kind {
            // The union's own keys are those of its first member (spec §8.5).
            members
                .first()
                .map(|m| self.keys_of(&m.entity, memo))
                .unwrap_or_default()
        } else {
            entity
                .bases
                .iter()
                .map(|b| self.keys_of(b, memo))
                .find(|k| !k.is_empty())
                .unwrap_or_default()
        };
        memo.insert(id.clone(), keys.clone());
        keys
    }

    fn check_identities(&self, problems: &mut Vec<String>) {
        for entity in self.entities.values() {
            for field in &entity.fields {
                let Some((target, Cardinality::Many)) = field.as_relation() else {
                    continue;
                };
                let target_entity = self.entity(target);
                if !self.is_union(target) && target_entity.resolved_keys.is_empty() {
                    problems.push(format!(
                        "{}: list field `{}` holds {}, which has no keys; list items need an identity: mark a field with #[slice(key)]",
                        entity.id, field.name, target
                    ));
                }
            }
        }
    }
}

impl FieldKind {
    /// Whether this is a relation.
    pub fn is_relation(&self) -> bool {
        matches!(self, FieldKind::Relation { .. })
    }
}
