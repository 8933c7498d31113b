//! The merge of spec §4.4–§4.6 and the fold of §4.3.
//!
//! `merge(current, previous)` walks both documents through the view plan and
//! builds one element per object present on either side, marked with its
//! `operation` (§4.5: `create` without previous, `delete` without current,
//! else `create` when both are deep-equal and `update` when they differ) and,
//! for views, its `path`. Equality is computed bottom-up in the same walk,
//! so a merge costs one pass over both documents.
//!
//! Deep equality is the reference's, on purpose (`docs/store-semantics.md`):
//! it compares the file fields, the nested lists in order, and the
//! `operation` markers a folded previous carries (a missing marker, in a
//! plain document, means `create`). Model-only fields and the injected root
//! attributes are not compared: files never set them, so they are always
//! equal in the reference too.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Number, Value};

use super::plan::{EntityView, ObjectView, RelationView, RootField, Slot, ViewPlan};
use crate::dictpath::{DictPath, PathError, SelectorValue, identity_value};

/// The `operation` values.
pub mod operation {
    /// The element is new, or unchanged since the previous versions.
    pub const CREATE: &str = "create";
    /// The element differs from the previous versions.
    pub const UPDATE: &str = "update";
    /// The element is gone; its values are the last ones it had.
    pub const DELETE: &str = "delete";
}

/// Why a merge failed (unreachable with a schema checked by
/// `StoreSchema::build` and documents accepted by `DocumentSchema::normalise`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MergeError {
    /// A union object whose tag names no member.
    UnknownTag { union: String, value: String },
    /// A path that cannot be built.
    Path(PathError),
}

/// The values injected at the root.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RootValues<'a> {
    pub(crate) version: u64,
    pub(crate) store: &'a str,
    pub(crate) name: &'a str,
}

/// One merge configuration: with or without paths, and the root values.
pub(crate) struct Merger<'a> {
    pub(crate) plan: &'a ViewPlan,
    pub(crate) paths: bool,
    pub(crate) root: RootValues<'a>,
}

struct Merged {
    value: Option<Map<String, Value>>,
    /// Both sides absent, or both present and deep-equal.
    equal: bool,
}

/// Lists longer than this match items through a hash map.
const LINEAR_LIMIT: usize = 16;

type Identity = Vec<(Arc<str>, SelectorValue)>;

/// The items of a list with their identities.
type Items<'m> = Vec<(Identity, &'m Map<String, Value>)>;

impl Merger<'_> {
    /// Merges two slice documents (or view-form documents); `None` when both
    /// are absent.
    pub(crate) fn merge(
        &self,
        current: Option<&Map<String, Value>>,
        previous: Option<&Map<String, Value>>,
    ) -> Result<Option<Map<String, Value>>, MergeError> {
        let root = DictPath::root();
        let merged = self.object(
            &self.plan.root,
            current,
            previous,
            self.paths.then_some(&root),
        )?;
        Ok(merged.value)
    }

    /// The fold of §4.3: versions from newest to oldest, each `None` for a
    /// tombstone (which takes part as "nothing", spec §13 gap 6). The result
    /// is in view form (every element carries `operation`, no `path`), also
    /// when there is a single version.
    pub(crate) fn fold<'v>(
        &self,
        versions: impl IntoIterator<Item = Option<&'v Map<String, Value>>>,
    ) -> Result<Option<Map<String, Value>>, MergeError> {
        let mut versions = versions.into_iter();
        let Some(newest) = versions.next() else {
            return Ok(None);
        };
        // A plain document compares like its view form (no marker means
        // `create`), so the newest version takes part as it is; only a
        // single version is put in view form.
        let mut folded = match versions.next() {
            None => return self.merge(newest, None),
            Some(older) => self.merge(newest, older)?,
        };
        for older in versions {
            folded = self.merge(folded.as_ref(), older)?;
        }
        Ok(folded)
    }

    fn entity(
        &self,
        target: usize,
        current: Option<&Map<String, Value>>,
        previous: Option<&Map<String, Value>>,
        path: Option<&DictPath>,
    ) -> Result<Merged, MergeError> {
        match &self.plan.entities[target] {
            EntityView::Object(plan) => self.object(plan, current, previous, path),
            EntityView::Union(union) => {
                let Some(source) = current.filter(|m| !m.is_empty()).or(previous) else {
                    return Ok(Merged {
                        value: None,
                        equal: true,
                    });
                };
                let member = self.member(union, source)?;
                self.object(member, current, previous, path)
            }
        }
    }

    fn member(
        &self,
        union: &super::plan::UnionView,
        object: &Map<String, Value>,
    ) -> Result<&ObjectView, MergeError> {
        let tag = object.get(&union.tag).and_then(Value::as_str);
        let member = tag.and_then(|tag| union.members.iter().find(|(value, _)| value == tag));
        match member.map(|(_, index)| &self.plan.entities[*index]) {
            Some(EntityView::Object(plan)) => Ok(plan),
            _ => Err(MergeError::UnknownTag {
                union: union.name.clone(),
                value: object
                    .get(&union.tag)
                    .map(ToString::to_string)
                    .unwrap_or_else(|| "nothing".to_owned()),
            }),
        }
    }

    fn object<'m>(
        &self,
        plan: &ObjectView,
        current: Option<&'m Map<String, Value>>,
        previous: Option<&'m Map<String, Value>>,
        path: Option<&DictPath>,
    ) -> Result<Merged, MergeError> {
        let Some(source) = current.or(previous) else {
            return Ok(Merged {
                value: None,
                equal: true,
            });
        };
        let mut out = Map::with_capacity(plan.slots.len() + plan.relations.len() + 2);
        out.insert("operation".to_owned(), Value::Null);
        if let Some(path) = path {
            out.insert("path".to_owned(), Value::String(path.render()));
        }
        let mut equal = match (current, previous) {
            (Some(current), Some(previous)) => operation_of(current) == operation_of(previous),
            _ => false,
        };
        for slot in &plan.slots {
            match slot {
                Slot::File(name) => {
                    let value = source.get(name);
                    if equal && let Some(previous) = previous {
                        let other = previous.get(name);
                        // `source` is `current` here.
                        equal = values_equal(
                            value.unwrap_or(&Value::Null),
                            other.unwrap_or(&Value::Null),
                        );
                    }
                    out.insert(name.clone(), value.cloned().unwrap_or(Value::Null));
                }
                Slot::ModelOnly(name, default) => {
                    out.insert(
                        name.clone(),
                        source.get(name).cloned().unwrap_or_else(|| default.clone()),
                    );
                }
                Slot::Root(field) => {
                    let value = match field {
                        RootField::Version => Value::Number(self.root.version.into()),
                        RootField::Store => Value::String(self.root.store.to_owned()),
                        RootField::Name => Value::String(self.root.name.to_owned()),
                    };
                    out.insert(field.key().to_owned(), value);
                }
            }
        }
        for relation in &plan.relations {
            let (value, relation_equal) = if relation.many {
                self.list(relation, current, previous, path)?
            } else {
                let name: &str = &relation.name;
                let child = |side: Option<&'m Map<String, Value>>| {
                    side.and_then(|m| m.get(name)).and_then(Value::as_object)
                };
                let child_path = match path {
                    Some(path) => Some(
                        path.child(relation.name.clone())
                            .map_err(MergeError::Path)?,
                    ),
                    None => None,
                };
                let merged = self.entity(
                    relation.target,
                    child(current),
                    child(previous),
                    child_path.as_ref(),
                )?;
                (
                    merged.value.map_or(Value::Null, Value::Object),
                    merged.equal,
                )
            };
            equal &= relation_equal;
            out.insert(relation.name.to_string(), value);
        }
        let operation = match (current, previous) {
            (_, None) => operation::CREATE,
            (None, Some(_)) => operation::DELETE,
            _ if equal => operation::CREATE,
            _ => operation::UPDATE,
        };
        out.insert("operation".to_owned(), Value::String(operation.to_owned()));
        Ok(Merged {
            value: Some(out),
            equal,
        })
    }

    /// A list relation: current items in current order, then the items only
    /// in previous, in previous order (§4.7).
    fn list(
        &self,
        relation: &RelationView,
        current: Option<&Map<String, Value>>,
        previous: Option<&Map<String, Value>>,
        path: Option<&DictPath>,
    ) -> Result<(Value, bool), MergeError> {
        let current = self.items(relation, current)?;
        let previous = self.items(relation, previous)?;
        let index: Option<HashMap<&Identity, usize>> = (previous.len() > LINEAR_LIMIT).then(|| {
            previous
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (id, i))
                .collect()
        });
        let find = |identity: &Identity| match &index {
            Some(index) => index.get(identity).copied(),
            None => previous.iter().position(|(id, _)| id == identity),
        };
        let mut used = vec![false; previous.len()];
        let mut out = Vec::with_capacity(current.len().max(previous.len()));
        let mut equal = current.len() == previous.len();
        for (position, (identity, item)) in current.iter().enumerate() {
            let matched = find(identity);
            if let Some(i) = matched {
                used[i] = true;
            }
            equal &= matched == Some(position);
            let merged = self.item(
                relation,
                identity,
                Some(item),
                matched.map(|i| previous[i].1),
                path,
            )?;
            equal &= merged.equal;
            out.extend(merged.value.map(Value::Object));
        }
        for (i, (identity, item)) in previous.iter().enumerate() {
            if !used[i] {
                let merged = self.item(relation, identity, None, Some(item), path)?;
                out.extend(merged.value.map(Value::Object));
            }
        }
        Ok((Value::Array(out), equal))
    }

    fn item(
        &self,
        relation: &RelationView,
        identity: &Identity,
        current: Option<&Map<String, Value>>,
        previous: Option<&Map<String, Value>>,
        path: Option<&DictPath>,
    ) -> Result<Merged, MergeError> {
        let item_path = match path {
            Some(path) => Some(
                path.item(
                    relation.name.clone(),
                    identity.iter().map(|(k, v)| (k.clone(), v.clone())),
                )
                .map_err(MergeError::Path)?,
            ),
            None => None,
        };
        self.entity(relation.target, current, previous, item_path.as_ref())
    }

    /// The items of a list relation with their identities (§4.6). A missing
    /// or null list is empty.
    fn items<'m>(
        &self,
        relation: &RelationView,
        side: Option<&'m Map<String, Value>>,
    ) -> Result<Items<'m>, MergeError> {
        let Some(Value::Array(items)) = side.and_then(|m| m.get(&*relation.name)) else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .filter_map(Value::as_object)
            .map(|item| Ok((self.identity(relation.target, item)?, item)))
            .collect()
    }

    fn identity(&self, target: usize, item: &Map<String, Value>) -> Result<Identity, MergeError> {
        let plan = match &self.plan.entities[target] {
            EntityView::Object(plan) => plan,
            EntityView::Union(union) => self.member(union, item)?,
        };
        let mut identity = Vec::with_capacity(plan.keys.len() + 1);
        for key in plan.tag.iter().chain(&plan.keys) {
            identity.push((
                key.clone(),
                identity_value(item.get(&**key).unwrap_or(&Value::Null)),
            ));
        }
        Ok(identity)
    }
}

/// The `operation` of an element; a plain document has none, which means
/// `create`.
fn operation_of(map: &Map<String, Value>) -> &str {
    map.get("operation")
        .and_then(Value::as_str)
        .unwrap_or(operation::CREATE)
}

/// Deep equality as the reference's (Python `==` on JSON data): mapping key
/// order is irrelevant, list order matters, numbers compare by value (`1`
/// equals `1.0`). Unlike Python, a boolean never equals a number.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| values_equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| values_equal(value, other)))
        }
        _ => a == b,
    }
}

fn numbers_equal(a: &Number, b: &Number) -> bool {
    match (as_integer(a), as_integer(b)) {
        (Some(a), Some(b)) => a == b,
        (Some(i), None) => float_equals_integer(b.as_f64(), i),
        (None, Some(i)) => float_equals_integer(a.as_f64(), i),
        (None, None) => a.as_f64() == b.as_f64(),
    }
}

fn as_integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Exact comparison of a float and an integer, as Python does it.
fn float_equals_integer(float: Option<f64>, integer: i128) -> bool {
    match float {
        Some(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38 => f as i128 == integer,
        _ => false,
    }
}
