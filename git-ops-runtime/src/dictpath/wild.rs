//! Walking a wild path over a document: every value it reaches (spec §7.2,
//! step 3, as `used_values` does it).

use serde_json::Value;

use super::error::{LookupError, LookupReason};
use super::lookup::{error, kind_of};
use super::matching::item_matches;
use super::path::{Key, Section, WildDictPath};

/// Appends to `out` the values `section` reaches from `value` (not null).
fn expand<'v>(
    section: &Section,
    value: &'v Value,
    out: &mut Vec<&'v Value>,
) -> Result<(), LookupReason> {
    let Value::Object(map) = value else {
        return Err(LookupReason::Structure {
            expected: "a mapping",
            found: kind_of(value),
        });
    };
    match section {
        Section::Key(Key::Wildcard) => out.extend(map.values()),
        Section::Key(Key::Name(name)) => out.extend(map.get(&**name)),
        Section::Item {
            relation,
            selectors,
        } => match map.get(&**relation) {
            None => {}
            Some(Value::Array(list)) => {
                out.extend(list.iter().filter(|item| item_matches(selectors, item)));
            }
            Some(other) => {
                return Err(LookupReason::Structure {
                    expected: "a list",
                    found: kind_of(other),
                });
            }
        },
    }
    Ok(())
}

impl WildDictPath {
    /// Every value this path reaches in `document`, in document order.
    ///
    /// Section by section: a key yields its value, `*` every value of the
    /// mapping, an item section every matching item; a missing key or list
    /// and an item section without match yield nothing. A null value, met
    /// along the way or at the end, ends its branch and is never returned. A
    /// key of a non-mapping or the items of a non-list (null included) is a
    /// [`Structure`](super::LookupErrorKind::Structure) error. The root path
    /// returns the document unless it is null.
    ///
    /// ```
    /// use git_ops_runtime::dictpath::WildDictPath;
    /// use serde_json::json;
    ///
    /// let doc = json!({"items": [{"name": "a", "id": 1}, {"name": "b", "id": null}, {"name": "c", "id": 3}]});
    /// let path: WildDictPath = "items[name=*].id".parse().unwrap();
    /// assert_eq!(path.find_all(&doc).unwrap(), [&json!(1), &json!(3)]);
    /// ```
    pub fn find_all<'v>(&self, document: &'v Value) -> Result<Vec<&'v Value>, LookupError> {
        let sections = self.sections();
        let mut current: Vec<&'v Value> = vec![document];
        for (i, section) in sections.iter().enumerate() {
            let mut next = Vec::with_capacity(current.len());
            for value in current.into_iter().filter(|value| !value.is_null()) {
                expand(section, value, &mut next)
                    .map_err(|reason| error(sections, Some(i), reason))?;
            }
            current = next;
        }
        current.retain(|value| !value.is_null());
        Ok(current)
    }
}
