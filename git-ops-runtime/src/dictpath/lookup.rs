//! Looking a path up in a JSON document, and setting a value at a path (spec
//! §5.3, §6.8).

use serde_json::{Map, Value};

use super::error::{LookupError, LookupReason};
use super::matching::item_matches;
use super::path::{DictPath, Key, Section, SelectorValue};

/// How a value is described in an error message.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Builds the error of section `index` (0-based) of `sections`; `None` for
/// the root.
pub(crate) fn error(
    sections: &[Section],
    index: Option<usize>,
    reason: LookupReason,
) -> LookupError {
    let path = DictPath::from_checked(sections.to_vec()).render();
    match index {
        None => LookupError {
            path,
            section_number: 0,
            section: ".".to_owned(),
            reason,
        },
        Some(i) => LookupError {
            path,
            section_number: i + 1,
            section: sections[i].to_string(),
            reason,
        },
    }
}

fn structure(expected: &'static str, found: &Value) -> LookupReason {
    LookupReason::Structure {
        expected,
        found: kind_of(found),
    }
}

/// The indices of the items of `list` matching an item section.
fn matching_indices(section: &Section, list: &[Value]) -> Vec<usize> {
    let Section::Item { selectors, .. } = section else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter(|(_, item)| item_matches(selectors, item))
        .map(|(i, _)| i)
        .collect()
}

/// The single index matching an item section, or why there is none.
fn single_index(section: &Section, list: &[Value]) -> Result<usize, LookupReason> {
    match matching_indices(section, list).as_slice() {
        [index] => Ok(*index),
        [] => Err(LookupReason::NoItem),
        several => Err(LookupReason::SeveralItems(several.len())),
    }
}

/// The name a section of a plain path reads in a mapping.
fn name_of(section: &Section) -> &str {
    section.mapping_key().unwrap_or("*")
}

/// One step of an exact lookup.
fn step<'v>(section: &Section, value: &'v Value) -> Result<&'v Value, LookupReason> {
    let Value::Object(map) = value else {
        return Err(structure("a mapping", value));
    };
    let name = name_of(section);
    let found = map
        .get(name)
        .ok_or_else(|| LookupReason::MissingKey(name.to_owned()))?;
    match section {
        Section::Key(_) => Ok(found),
        Section::Item { .. } => {
            let Value::Array(list) = found else {
                return Err(structure("a list", found));
            };
            Ok(&list[single_index(section, list)?])
        }
    }
}

/// One step of an exact lookup, mutable.
fn step_mut<'v>(section: &Section, value: &'v mut Value) -> Result<&'v mut Value, LookupReason> {
    let Value::Object(map) = value else {
        return Err(structure("a mapping", value));
    };
    let name = name_of(section);
    let found = map
        .get_mut(name)
        .ok_or_else(|| LookupReason::MissingKey(name.to_owned()))?;
    match section {
        Section::Key(_) => Ok(found),
        Section::Item { .. } => {
            let Value::Array(list) = found else {
                return Err(structure("a list", found));
            };
            let index = single_index(section, list)?;
            Ok(&mut list[index])
        }
    }
}

/// The mapping `value` must be, for a section that reads a key.
fn as_mapping(value: &mut Value) -> Result<&mut Map<String, Value>, LookupReason> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(structure("a mapping", other)),
    }
}

/// The list at `name` of `map`, created empty when missing.
fn list_at<'v>(
    map: &'v mut Map<String, Value>,
    name: &str,
) -> Result<&'v mut Vec<Value>, LookupReason> {
    match map
        .entry(name.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(list) => Ok(list),
        other => Err(structure("a list", other)),
    }
}

/// A new item made of the selectors (values as strings, `\0` as null), as the
/// reference creates a missing intermediate item.
fn new_item(section: &Section) -> Value {
    let mut item = Map::new();
    if let Section::Item { selectors, .. } = section {
        for selector in selectors.iter() {
            if let Key::Name(key) = &selector.key {
                let value = match &selector.value {
                    SelectorValue::Text(text) => Value::String(text.to_string()),
                    SelectorValue::Null | SelectorValue::Wildcard => Value::Null,
                };
                item.insert(key.to_string(), value);
            }
        }
    }
    Value::Object(item)
}

/// One step of `set` before the last section: like [`step_mut`], but a
/// missing key gets an empty mapping and a missing item a new one.
fn step_or_create<'v>(
    section: &Section,
    value: &'v mut Value,
) -> Result<&'v mut Value, LookupReason> {
    let map = as_mapping(value)?;
    let name = name_of(section);
    match section {
        Section::Key(_) => Ok(map
            .entry(name.to_owned())
            .or_insert_with(|| Value::Object(Map::new()))),
        Section::Item { .. } => {
            let list = list_at(map, name)?;
            match matching_indices(section, list).as_slice() {
                [] => {
                    let index = list.len();
                    list.push(new_item(section));
                    Ok(&mut list[index])
                }
                [index] => Ok(&mut list[*index]),
                several => Err(LookupReason::SeveralItems(several.len())),
            }
        }
    }
}

/// Assigns `new` at the last section of a `set`.
fn assign(section: &Section, value: &mut Value, new: Value) -> Result<(), LookupReason> {
    let map = as_mapping(value)?;
    let name = name_of(section);
    match section {
        Section::Key(_) => {
            map.insert(name.to_owned(), new);
        }
        Section::Item { .. } => {
            let list = list_at(map, name)?;
            match matching_indices(section, list).as_slice() {
                [] => list.push(new),
                [index] => list[*index] = new,
                several => return Err(LookupReason::SeveralItems(several.len())),
            }
        }
    }
    Ok(())
}

impl DictPath {
    /// The value this path designates in `document`.
    ///
    /// Every section must match exactly one value: a missing key or no
    /// matching item is [`NotFound`](super::LookupErrorKind::NotFound),
    /// several matching items [`Ambiguous`](super::LookupErrorKind::Ambiguous),
    /// a key of a non-mapping or the items of a non-list (null included)
    /// [`Structure`](super::LookupErrorKind::Structure). The root path
    /// designates the document itself, which must be a mapping.
    ///
    /// ```
    /// use git_ops_runtime::dictpath::DictPath;
    /// use serde_json::json;
    ///
    /// let doc = json!({"items": [{"name": "a", "id": 1}, {"name": "b", "id": 2}]});
    /// let path: DictPath = "items[name=b].id".parse().unwrap();
    /// assert_eq!(path.get(&doc).unwrap(), &json!(2));
    /// ```
    pub fn get<'v>(&self, document: &'v Value) -> Result<&'v Value, LookupError> {
        let sections = self.sections();
        if sections.is_empty() && !document.is_object() {
            return Err(error(sections, None, structure("a mapping", document)));
        }
        let mut value = document;
        for (i, section) in sections.iter().enumerate() {
            value = step(section, value).map_err(|reason| error(sections, Some(i), reason))?;
        }
        Ok(value)
    }

    /// Like [`get`](Self::get), for changing the value in place.
    pub fn get_mut<'v>(&self, document: &'v mut Value) -> Result<&'v mut Value, LookupError> {
        let sections = self.sections();
        if sections.is_empty() && !document.is_object() {
            return Err(error(sections, None, structure("a mapping", document)));
        }
        let mut value = document;
        for (i, section) in sections.iter().enumerate() {
            value = step_mut(section, value).map_err(|reason| error(sections, Some(i), reason))?;
        }
        Ok(value)
    }

    /// Sets the value this path designates, as the reference does:
    ///
    /// - every section but the last is looked up, a missing key getting an
    ///   empty mapping and a missing item a new item made of the selectors
    ///   (`a[n=1]` creates `{"n": "1"}`: values are text, `\0` null);
    /// - the last section is assigned: a key is inserted or replaced; for an
    ///   item section, the matching item is replaced, or `new` appended to the
    ///   list (created if missing) when none matches;
    /// - the root path replaces the whole document, which, like `new`, must
    ///   be a mapping.
    ///
    /// Several items matching a section is an error (the reference appends
    /// for the last section); so is a structure error. On error the document
    /// may hold the intermediate mappings and items created before it.
    ///
    /// ```
    /// use git_ops_runtime::dictpath::DictPath;
    /// use serde_json::json;
    ///
    /// let mut doc = json!({});
    /// let path: DictPath = "items[name=a].tags.main".parse().unwrap();
    /// path.set(&mut doc, json!("x")).unwrap();
    /// assert_eq!(doc, json!({"items": [{"name": "a", "tags": {"main": "x"}}]}));
    /// ```
    pub fn set(&self, document: &mut Value, new: Value) -> Result<(), LookupError> {
        let sections = self.sections();
        let Some((last, init)) = sections.split_last() else {
            if !document.is_object() {
                return Err(error(sections, None, structure("a mapping", document)));
            }
            if !new.is_object() {
                let reason = LookupReason::RootValueNotMapping(kind_of(&new));
                return Err(error(sections, None, reason));
            }
            *document = new;
            return Ok(());
        };
        let mut value = document;
        for (i, section) in init.iter().enumerate() {
            value = step_or_create(section, value)
                .map_err(|reason| error(sections, Some(i), reason))?;
        }
        assign(last, value, new).map_err(|reason| error(sections, Some(init.len()), reason))
    }
}
