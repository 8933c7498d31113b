//! The validated read: one pass over a document that checks it against the
//! compiled schema, fills in defaults and collects every problem.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::coerce::{coerce_scalar, describe_expected, describe_found};
use super::compiled::{
    DocumentSchema, EntityPlan, FieldPlan, FieldPlanKind, ObjectPlan, UnionPlan,
};
use super::error::{DocumentError, DocumentErrorKind, DocumentErrors, one_of};
use super::path::{Identity, PathStack};
use super::scaffold::PLACEHOLDER;
use crate::dictpath::python_str;
use crate::schema::{Cardinality, ValueType};

impl DocumentSchema {
    /// Checks a slice document and returns its normalised form.
    ///
    /// The result is a new mapping with every field a file holds, in file
    /// order, at every level: absent fields get their default, values are
    /// converted where the conversion is lossless (`"3"` → `3` for an
    /// integer, `1` → `1.0` for a float, `"yes"` → `true`), union members are
    /// chosen by their tag. Model-only fields are not part of it.
    ///
    /// A tombstone (`{}`, a deleted slice) is not a document: the caller
    /// recognises it before calling this.
    ///
    /// # Errors
    ///
    /// Every problem of the document, each with its dict path (see
    /// `docs/validation.md` for the list).
    pub fn normalise(&self, doc: &Value) -> Result<Value, DocumentErrors> {
        self.normalise_with(doc, false)
    }

    /// [`DocumentSchema::normalise`] for a document you wrote (a source
    /// file): also refuses every value that is still the
    /// [`PLACEHOLDER`] of a scaffold (`git-ops project slice create`), at
    /// any depth and in any field, also where it would be a type error.
    ///
    /// # Errors
    ///
    /// Every problem of the document, each unfilled placeholder as
    /// [`DocumentErrorKind::Placeholder`].
    pub fn normalise_source(&self, doc: &Value) -> Result<Value, DocumentErrors> {
        self.normalise_with(doc, true)
    }

    fn normalise_with(&self, doc: &Value, placeholders: bool) -> Result<Value, DocumentErrors> {
        let mut walker = Walker::new(self);
        walker.placeholders = placeholders;
        let normalised = walker.entity(self.root, doc);
        match normalised {
            Some(value) if walker.errors.is_empty() => Ok(value),
            _ => Err(DocumentErrors {
                errors: walker.errors,
            }),
        }
    }

    /// Normalises the value of one field, `None` when it has problems.
    pub(crate) fn normalise_field_value(&self, field: &FieldPlan, value: &Value) -> Option<Value> {
        let mut walker = Walker::new(self);
        let normalised = walker.field_value(field, value);
        normalised.filter(|_| walker.errors.is_empty())
    }

    /// What a field holds, for messages.
    pub(crate) fn describe_field(&self, field: &FieldPlan) -> String {
        if let Some(fixed) = &field.fixed {
            return format!("`{fixed}`");
        }
        match &field.kind {
            FieldPlanKind::Value { ty, nullable } => describe_expected(ty, *nullable),
            FieldPlanKind::Relation {
                target,
                cardinality,
                nullable,
            } => {
                let name = self.entity_name(*target);
                match cardinality {
                    Cardinality::One => an_object(name),
                    Cardinality::Optional => format!("{} or null", an_object(name)),
                    Cardinality::Many if *nullable => {
                        format!("a list of `{name}` objects or null")
                    }
                    Cardinality::Many => format!("a list of `{name}` objects"),
                }
            }
        }
    }

    pub(crate) fn entity_name(&self, entity: usize) -> &str {
        match &self.entities[entity] {
            EntityPlan::Object(object) => &object.name,
            EntityPlan::Union(union) => &union.name,
        }
    }
}

/// "a `Branch` object", "an `EmbeddedSlice` object".
fn an_object(name: &str) -> String {
    let article = match name.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    };
    format!("{article} `{name}` object")
}

/// Lists longer than this find duplicates through a hash map; shorter ones
/// compare identities pairwise without allocating.
const PAIRWISE_LIMIT: usize = 16;

struct Walker<'a> {
    schema: &'a DocumentSchema,
    path: PathStack<'a>,
    errors: Vec<DocumentError>,
    /// Refuse the scaffold's placeholder wherever it is.
    placeholders: bool,
}

impl<'a> Walker<'a> {
    fn new(schema: &'a DocumentSchema) -> Self {
        Walker {
            schema,
            path: PathStack::default(),
            errors: Vec::new(),
            placeholders: false,
        }
    }

    /// Whether `value` is a placeholder to refuse here (reported, with
    /// what the place holds).
    fn placeholder(&mut self, value: &Value, expected: impl FnOnce() -> String) -> bool {
        let found = self.placeholders && value.as_str() == Some(PLACEHOLDER);
        if found {
            self.error(DocumentErrorKind::Placeholder {
                expected: expected(),
            });
        }
        found
    }

    /// Reports every placeholder inside a free value (`serde_json::Value`,
    /// untyped lists and mappings).
    fn placeholders_inside(&mut self, value: &'a Value) {
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.path.push_item(index, None);
                    self.placeholders_inside(item);
                    self.path.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    self.path.push_key(key);
                    self.placeholders_inside(item);
                    self.path.pop();
                }
            }
            other => {
                self.placeholder(other, || "a value".to_owned());
            }
        }
    }

    fn error(&mut self, kind: DocumentErrorKind) {
        self.errors.push(DocumentError {
            path: self.path.render(),
            raw_path: self.path.raw(),
            kind,
        });
    }

    fn error_at(&mut self, key: &'a str, kind: DocumentErrorKind) {
        self.path.push_key(key);
        self.error(kind);
        self.path.pop();
    }

    /// An object of an entity (a struct or a union).
    fn entity(&mut self, entity: usize, value: &'a Value) -> Option<Value> {
        let schema = self.schema;
        if self.placeholder(value, || an_object(schema.entity_name(entity))) {
            return None;
        }
        match &schema.entities[entity] {
            EntityPlan::Object(plan) => match value {
                Value::Object(map) => self.object(plan, map).map(Value::Object),
                _ => {
                    self.error(DocumentErrorKind::WrongType {
                        expected: an_object(&plan.name),
                        found: describe_found(value),
                    });
                    None
                }
            },
            EntityPlan::Union(plan) => self.union(plan, value),
        }
    }

    fn union(&mut self, plan: &'a UnionPlan, value: &'a Value) -> Option<Value> {
        let Value::Object(map) = value else {
            self.error(DocumentErrorKind::WrongType {
                expected: an_object(&plan.name),
                found: describe_found(value),
            });
            return None;
        };
        let member = match map.get(&plan.tag) {
            None => {
                self.error(DocumentErrorKind::MissingTag {
                    tag: plan.tag.clone(),
                    accepted: plan.values.clone(),
                });
                return None;
            }
            Some(tag) if self.placeholders && tag.as_str() == Some(PLACEHOLDER) => {
                self.path.push_key(&plan.tag);
                self.placeholder(tag, || one_of(&plan.values));
                self.path.pop();
                return None;
            }
            Some(Value::String(tag)) => plan.members.iter().find(|(v, _)| v == tag),
            Some(_) => None,
        };
        match member {
            Some((_, member)) => self.entity(*member, value),
            None => {
                self.error_at(
                    &plan.tag,
                    DocumentErrorKind::NotAllowed {
                        accepted: plan.values.clone(),
                        found: describe_found(&map[&plan.tag]),
                    },
                );
                None
            }
        }
    }

    fn object(
        &mut self,
        plan: &'a ObjectPlan,
        map: &'a Map<String, Value>,
    ) -> Option<Map<String, Value>> {
        let mut out = Map::with_capacity(plan.file_fields.len());
        let mut ok = true;
        let mut seen = 0;
        // Files written by git-ops hold their fields in plan order: follow the
        // entries with a cursor and look keys up only when the order differs.
        let mut entries = map.iter();
        let mut next = entries.next();
        for field in &plan.fields {
            if field.model_only {
                continue;
            }
            let value = match next {
                Some((key, value)) if *key == field.name => {
                    next = entries.next();
                    Some(value)
                }
                _ => map.get(&field.name),
            };
            match value {
                Some(value) => {
                    seen += 1;
                    self.path.push_key(&field.name);
                    let normalised = self.field_value(field, value);
                    self.path.pop();
                    match normalised {
                        Some(value) if ok => {
                            out.insert(field.name.clone(), value);
                        }
                        Some(_) => {}
                        None => ok = false,
                    }
                }
                None => match &field.default {
                    Some(default) => {
                        if ok {
                            out.insert(field.name.clone(), default.value.clone());
                        }
                    }
                    None => {
                        let expected = self.schema.describe_field(field);
                        self.error_at(&field.name, DocumentErrorKind::MissingField { expected });
                        ok = false;
                    }
                },
            }
        }
        if seen < map.len() {
            ok = false;
            for key in map.keys() {
                match plan.fields.iter().find(|f| &f.name == key) {
                    Some(field) if !field.model_only => {}
                    Some(_) => self.error_at(key, DocumentErrorKind::ModelOnlyField),
                    None => self.error_at(
                        key,
                        DocumentErrorKind::UnknownField {
                            suggestion: did_you_mean(key, &plan.file_fields),
                            accepted: plan.file_fields.clone(),
                        },
                    ),
                }
            }
        }
        ok.then_some(out)
    }

    fn field_value(&mut self, field: &'a FieldPlan, value: &'a Value) -> Option<Value> {
        if self.placeholder(value, || self.schema.describe_field(field)) {
            return None;
        }
        if let Some(fixed) = &field.fixed {
            if value.as_str() == Some(fixed) {
                return Some(value.clone());
            }
            self.error(DocumentErrorKind::NotAllowed {
                accepted: vec![fixed.clone()],
                found: describe_found(value),
            });
            return None;
        }
        match &field.kind {
            FieldPlanKind::Value { ty, nullable } => self.value(ty, *nullable, value),
            FieldPlanKind::Relation {
                target,
                cardinality,
                nullable,
            } => match (cardinality, value) {
                (Cardinality::Optional, Value::Null) => Some(Value::Null),
                (Cardinality::Many, Value::Null) if *nullable => Some(Value::Null),
                (Cardinality::Many, Value::Array(items)) => self.list(*target, items),
                (Cardinality::Many, _) => {
                    self.error(DocumentErrorKind::WrongType {
                        expected: self.schema.describe_field(field),
                        found: describe_found(value),
                    });
                    None
                }
                (Cardinality::One | Cardinality::Optional, _) => self.entity(*target, value),
            },
        }
    }

    /// A primitive value; typed lists and mappings are checked item by item.
    fn value(&mut self, ty: &'a ValueType, nullable: bool, value: &'a Value) -> Option<Value> {
        if self.placeholder(value, || describe_expected(ty, nullable)) {
            return None;
        }
        match (ty, value) {
            (
                ValueType::List {
                    items: Some(item_ty),
                },
                Value::Array(items),
            ) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (index, item) in items.iter().enumerate() {
                    self.path.push_item(index, None);
                    match self.value(item_ty, false, item) {
                        Some(item) => out.push(item),
                        None => ok = false,
                    }
                    self.path.pop();
                }
                ok.then_some(Value::Array(out))
            }
            (
                ValueType::Dict {
                    values: Some(value_ty),
                },
                Value::Object(map),
            ) => {
                let mut out = Map::with_capacity(map.len());
                let mut ok = true;
                for (key, item) in map {
                    self.path.push_key(key);
                    match self.value(value_ty, false, item) {
                        Some(item) => {
                            out.insert(key.clone(), item);
                        }
                        None => ok = false,
                    }
                    self.path.pop();
                }
                ok.then_some(Value::Object(out))
            }
            _ => match coerce_scalar(ty, nullable, value) {
                Ok(normalised) => {
                    // A free value is kept as it is: look inside it.
                    if self.placeholders && (value.is_array() || value.is_object()) {
                        let before = self.errors.len();
                        self.placeholders_inside(value);
                        if self.errors.len() > before {
                            return None;
                        }
                    }
                    Some(normalised)
                }
                Err(kind) => {
                    self.error(kind);
                    None
                }
            },
        }
    }

    /// The items of a list relation; also refuses two items with one identity.
    fn list(&mut self, target: usize, items: &'a [Value]) -> Option<Value> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        let mut seen = Seen::new(items.len());
        for (index, item) in items.iter().enumerate() {
            let identity = self.identity(target, item);
            let first = identity.as_ref().and_then(|identity| seen.find(identity));
            self.path.push_item(index, identity);
            match self.entity(target, item) {
                Some(item) => out.push(item),
                None => ok = false,
            }
            if let Some(first) = first {
                self.duplicate(first, index);
                ok = false;
            }
            if let (Some(identity), None) = (self.path.pop(), first) {
                seen.insert(identity, index);
            }
        }
        ok.then_some(Value::Array(out))
    }

    /// Reports the current item (at `second`) as a duplicate of item `first`
    /// of the same list.
    fn duplicate(&mut self, first: usize, second: usize) {
        let identity = self
            .path
            .last_identity()
            .map(identity_text)
            .unwrap_or_default();
        let second_path = self.path.render_by_index();
        let prefix_len = second_path.len() - format!("[{second}]").len();
        let first_path = format!("{}[{first}]", &second_path[..prefix_len]);
        self.error(DocumentErrorKind::DuplicateItem {
            first: first_path,
            second: second_path,
            identity,
        });
    }

    /// The identity of a list item (spec §4.6): the union tag, then the keys,
    /// with key values converted like the field. `None` when the item is not
    /// a mapping or a part of its identity is missing or invalid.
    fn identity(&self, target: usize, item: &'a Value) -> Option<Identity<'a>> {
        let Value::Object(map) = item else {
            return None;
        };
        match &self.schema.entities[target] {
            EntityPlan::Union(union) => {
                let tag = map.get(&union.tag)?.as_str()?;
                let (value, member) = union.members.iter().find(|(v, _)| v == tag)?;
                let EntityPlan::Object(member) = &self.schema.entities[*member] else {
                    return None;
                };
                let mut identity = Vec::with_capacity(member.keys.len() + 1);
                identity.push((union.tag.as_str(), Value::String(value.clone())));
                keys_into(member, map, &mut identity)?;
                Some(identity)
            }
            EntityPlan::Object(object) => {
                let mut identity = Vec::with_capacity(object.keys.len());
                keys_into(object, map, &mut identity)?;
                Some(identity)
            }
        }
    }
}

fn keys_into<'a>(
    plan: &'a ObjectPlan,
    map: &'a Map<String, Value>,
    identity: &mut Identity<'a>,
) -> Option<()> {
    for &key in &plan.keys {
        let field = &plan.fields[key];
        let FieldPlanKind::Value { ty, nullable } = &field.kind else {
            return None;
        };
        let raw = match map.get(&field.name) {
            Some(value) => value,
            None => &field.default.as_ref()?.value,
        };
        let value = coerce_scalar(ty, *nullable, raw).ok()?;
        identity.push((field.name.as_str(), value));
    }
    Some(())
}

/// `type=folder, name=etc`
fn identity_text(identity: &Identity<'_>) -> String {
    let mut out = String::new();
    for (i, (key, value)) in identity.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{key}={}", python_str(value));
    }
    out
}

/// The identities met so far in one list.
enum Seen<'a> {
    Few(Vec<(Identity<'a>, usize)>),
    Many(HashMap<String, usize>),
}

impl<'a> Seen<'a> {
    fn new(len: usize) -> Self {
        if len <= PAIRWISE_LIMIT {
            Seen::Few(Vec::with_capacity(len))
        } else {
            Seen::Many(HashMap::with_capacity(len))
        }
    }

    /// The index of an earlier item with this identity.
    fn find(&self, identity: &Identity<'a>) -> Option<usize> {
        match self {
            Seen::Few(seen) => seen
                .iter()
                .find(|(other, _)| other == identity)
                .map(|(_, first)| *first),
            Seen::Many(seen) => seen.get(&hash_key(identity)).copied(),
        }
    }

    /// Records the identity of item `index`.
    fn insert(&mut self, identity: Identity<'a>, index: usize) {
        match self {
            Seen::Few(seen) => seen.push((identity, index)),
            Seen::Many(seen) => {
                seen.insert(hash_key(&identity), index);
            }
        }
    }
}

/// The JSON text of the values: unambiguous and type-aware (`1` ≠ `1.0`).
fn hash_key(identity: &Identity<'_>) -> String {
    let mut key = String::new();
    for (_, value) in identity {
        key.push_str(&value.to_string());
        key.push('\u{0}');
    }
    key
}

/// The closest accepted name, when it is close enough to be a typo: at most
/// one edit (insertion, deletion, substitution or swap of neighbours) for
/// short names, one more per four characters.
pub(crate) fn did_you_mean(unknown: &str, accepted: &[String]) -> Option<String> {
    let limit = (unknown.chars().count() / 4).max(1);
    accepted
        .iter()
        .map(|name| (strsim::damerau_levenshtein(unknown, name), name))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name.clone())
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggestions() {
        let fields: Vec<String> = ["name", "permissions", "owner", "group", "mtu", "some_flag"]
            .map(String::from)
            .to_vec();
        let suggest = |unknown: &str| did_you_mean(unknown, &fields);
        assert_eq!(suggest("permisions").as_deref(), Some("permissions"));
        assert_eq!(suggest("premissions").as_deref(), Some("permissions"));
        assert_eq!(suggest("mut").as_deref(), Some("mtu"));
        assert_eq!(suggest("Name").as_deref(), Some("name"));
        assert_eq!(suggest("some-flag").as_deref(), Some("some_flag"));
        assert_eq!(suggest("ownr").as_deref(), Some("owner"));
        assert_eq!(suggest("colour"), None);
        assert_eq!(suggest("zzz"), None);
        assert_eq!(suggest("perms"), None);
    }
}
