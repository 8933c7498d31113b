//! `used_values` (spec §7.2): the values a wild dict path reaches in the
//! merged views of a store's slices.
//!
//! Decisions (spec §13 gap 14, `docs/processors.md`):
//!
//! - every slice of the view takes part, deleted slices and deleted
//!   elements included: their values stay "used" until a prune, because
//!   the orchestrator may still have resources keyed on them;
//! - a `slice_matching` filter whose path does not designate exactly one
//!   value in a slice (missing key, no or several matching items, a
//!   structure mismatch) excludes that slice; so does a value that differs;
//! - the result is sorted (booleans, numbers by value, strings, lists,
//!   mappings) and has no duplicates (`1` and `1.0` are one value); `null`
//!   is never a used value.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::engine::OperationError;
use super::files::StoreFiles;
use super::listing::StoreListing;
use super::merge::values_equal;
use super::reader::Store;
use super::record::SliceView;
use super::slice::{Depth, ViewKind};
use crate::dictpath::{DictPath, WildDictPath};
use crate::format::json::to_json;

/// A `used_values` query.
///
/// ```
/// use git_ops_runtime::store::UsedValuesQuery;
/// use serde_json::json;
///
/// // The ids of the sequence items of the slices whose root id is 4.
/// let query = UsedValuesQuery::new("embedded_sequence[name=*].unique_id".parse().unwrap())
///     .matching("unique_id".parse().unwrap(), json!(4));
/// assert_eq!(query.matching.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UsedValuesQuery {
    /// What to collect in each slice.
    pub path: WildDictPath,
    /// Only this slice (`name=` of the original).
    pub slice: Option<String>,
    /// Only the slices where each path designates a value equal to the given
    /// one (`slice_matching=` of the original).
    pub matching: Vec<(DictPath, Value)>,
}

impl UsedValuesQuery {
    /// A query collecting `path` in every slice.
    pub fn new(path: WildDictPath) -> UsedValuesQuery {
        UsedValuesQuery {
            path,
            slice: None,
            matching: Vec::new(),
        }
    }

    /// Only in slice `name`.
    pub fn in_slice(mut self, name: impl Into<String>) -> UsedValuesQuery {
        self.slice = Some(name.into());
        self
    }

    /// Only in the slices where `path` designates `value`.
    pub fn matching(mut self, path: DictPath, value: Value) -> UsedValuesQuery {
        self.matching.push((path, value));
        self
    }

    fn shape(&self) -> Shape {
        Shape {
            path: self.path.clone(),
            filters: self.matching.iter().map(|(p, _)| p.clone()).collect(),
        }
    }
}

/// Something that answers used-values queries (the store as an operation
/// sees it).
pub(crate) trait UsedValuesSource {
    fn used_values(&self, query: &UsedValuesQuery) -> Result<Vec<Value>, OperationError>;
}

/// What a query needs from one slice, whatever the filter values: the
/// values at the path, and the value at each filter path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Shape {
    path: WildDictPath,
    filters: Vec<DictPath>,
}

#[derive(Debug, Clone)]
struct Entry {
    values: Vec<Value>,
    filters: Vec<Option<Value>>,
}

/// The entries of every slice for one shape.
#[derive(Debug, Clone, Default)]
struct ShapeIndex {
    entries: BTreeMap<String, Entry>,
}

fn entry(
    store: &str,
    name: &str,
    attributes: &Value,
    shape: &Shape,
) -> Result<Entry, OperationError> {
    let values = shape
        .path
        .find_all(attributes)
        .map_err(|error| OperationError::UsedValues {
            store: store.to_owned(),
            slice: name.to_owned(),
            error: Box::new(error),
        })?
        .into_iter()
        .cloned()
        .collect();
    let filters = shape
        .filters
        .iter()
        .map(|path| path.get(attributes).ok().cloned())
        .collect();
    Ok(Entry { values, filters })
}

fn evaluate(
    store: &str,
    index: &ShapeIndex,
    query: &UsedValuesQuery,
) -> Result<Vec<Value>, OperationError> {
    let selected: Vec<&Entry> = match &query.slice {
        Some(name) => {
            vec![
                index
                    .entries
                    .get(name)
                    .ok_or_else(|| OperationError::UnknownSlice {
                        store: store.to_owned(),
                        name: name.clone(),
                    })?,
            ]
        }
        None => index.entries.values().collect(),
    };
    let mut out: Vec<Value> = Vec::new();
    for entry in selected {
        let kept = query
            .matching
            .iter()
            .zip(&entry.filters)
            .all(|((_, wanted), found)| found.as_ref().is_some_and(|f| values_equal(f, wanted)));
        if kept {
            out.extend(entry.values.iter().cloned());
        }
    }
    Ok(sorted_unique(out))
}

/// Sorts values (see the module documentation) and drops duplicates.
pub(crate) fn sorted_unique(mut values: Vec<Value>) -> Vec<Value> {
    values.retain(|v| !v.is_null());
    values.sort_by(compare_values);
    values.dedup_by(|a, b| values_equal(a, b));
    values
}

fn rank(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// A total order on JSON values: by kind, then numbers by value, strings by
/// code point, lists and mappings by their JSON text.
pub(crate) fn compare_values(a: &Value, b: &Value) -> Ordering {
    rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => {
                    let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                    x.total_cmp(&y)
                }
            },
        },
        (Value::String(a), Value::String(b)) => a.cmp(b),
        _ => to_json(a).cmp(&to_json(b)),
    })
}

/// Builds the index of one shape over every slice of a listing.
fn build(
    store: &Store,
    files: &dyn StoreFiles,
    listing: &StoreListing,
    kind: ViewKind,
    shape: &Shape,
) -> Result<ShapeIndex, OperationError> {
    let mut index = ShapeIndex::default();
    for slice in store.slices(files, listing, kind, Depth::Full).with_views() {
        let slice = slice.map_err(OperationError::Store)?;
        if let Some(view) = slice.view().map_err(OperationError::Store)? {
            let entry = entry(store.name(), slice.name(), &view.record.attributes, shape)?;
            index.entries.insert(slice.name().to_owned(), entry);
        }
    }
    Ok(index)
}

/// One query over a store, start to end.
pub(crate) fn used_values(
    store: &Store,
    files: &dyn StoreFiles,
    listing: &StoreListing,
    kind: ViewKind,
    query: &UsedValuesQuery,
) -> Result<Vec<Value>, OperationError> {
    let index = build(store, files, listing, kind, &query.shape())?;
    evaluate(store.name(), &index, query)
}

/// The used values an update's custom processors see: an index per query
/// shape, built on first use by reading the store once, then kept up to date
/// as the update processes slices.
pub(crate) struct LazyUsedValues<'a> {
    pub(crate) store: &'a Store,
    pub(crate) files: &'a dyn StoreFiles,
    pub(crate) listing: &'a StoreListing,
    shapes: RefCell<HashMap<Shape, ShapeIndex>>,
}

impl<'a> LazyUsedValues<'a> {
    pub(crate) fn new(
        store: &'a Store,
        files: &'a dyn StoreFiles,
        listing: &'a StoreListing,
    ) -> LazyUsedValues<'a> {
        LazyUsedValues {
            store,
            files,
            listing,
            shapes: RefCell::new(HashMap::new()),
        }
    }

    /// Takes the new view of a processed slice into the indexes built so
    /// far.
    pub(crate) fn replace(
        &self,
        name: &str,
        view: Option<&SliceView>,
    ) -> Result<(), OperationError> {
        let mut shapes = self.shapes.borrow_mut();
        for (shape, index) in shapes.iter_mut() {
            match view {
                Some(view) => {
                    let entry = entry(self.store.name(), name, &view.record.attributes, shape)?;
                    index.entries.insert(name.to_owned(), entry);
                }
                None => {
                    index.entries.remove(name);
                }
            }
        }
        Ok(())
    }
}

impl UsedValuesSource for LazyUsedValues<'_> {
    fn used_values(&self, query: &UsedValuesQuery) -> Result<Vec<Value>, OperationError> {
        let shape = query.shape();
        if !self.shapes.borrow().contains_key(&shape) {
            let index = build(
                self.store,
                self.files,
                self.listing,
                ViewKind::Source,
                &shape,
            )?;
            self.shapes.borrow_mut().insert(shape.clone(), index);
        }
        let shapes = self.shapes.borrow();
        evaluate(self.store.name(), &shapes[&shape], query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_sort_by_kind_then_value_without_duplicates() {
        let values = vec![
            json!("b"),
            json!(10),
            json!(null),
            json!(9),
            json!(1.0),
            json!(1),
            json!(true),
            json!([1]),
            json!("a"),
            json!(-3),
            json!({"a": 1}),
        ];
        assert_eq!(
            sorted_unique(values),
            vec![
                json!(true),
                json!(-3),
                json!(1.0),
                json!(9),
                json!(10),
                json!("a"),
                json!("b"),
                json!([1]),
                json!({"a": 1}),
            ]
        );
    }
}
