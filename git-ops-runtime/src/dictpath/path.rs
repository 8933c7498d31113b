//! The parsed representation of a dict path and its builders.
//!
//! A path is a list of [`Section`]s; the root path has none. Names and values
//! are stored *unescaped* (the text a mapping key or a list item really has)
//! behind [`Arc<str>`], so cloning a path or deriving a child from it never
//! copies text: building the path of every object of a view costs one vector
//! and one section per object.

use std::sync::Arc;

use super::error::PathError;

/// Unescaped text of a path: a mapping key, a list relation name, a selector
/// key or a selector value. Shared, so that paths clone cheaply.
pub type Name = Arc<str>;

/// A mapping key or a selector key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// A literal key, unescaped (`a\.b` in a path is the key `a.b`).
    Name(Name),
    /// `*`: any key. Only in a [`WildDictPath`].
    Wildcard,
}

/// The value side of a `[key=value]` selector.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SelectorValue {
    /// Literal text, unescaped. It matches a string equal to it, a number equal
    /// to it when it reads as a number, a boolean spelled `True` / `False`, and
    /// a list or mapping whose Python `str()` equals it.
    Text(Name),
    /// `\0`: the item's value is null.
    Null,
    /// `*`: any value; the item must have the key. Only in a [`WildDictPath`].
    Wildcard,
}

/// One `[key=value]` selector of an item section.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Selector {
    /// The key the item must have.
    pub key: Key,
    /// What the value at that key must match.
    pub value: SelectorValue,
}

/// One section of a path, between two unescaped `.`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// `key`: the value at a key of a mapping (`*`: every value, wild paths
    /// only).
    Key(Key),
    /// `relation[k=v]...`: the item(s) of the list at key `relation` of a
    /// mapping that match every selector. There is at least one selector and
    /// no selector key appears twice.
    Item {
        /// The key of the list in the mapping (never a wildcard).
        relation: Name,
        /// The selectors, in written order.
        selectors: Arc<[Selector]>,
    },
}

impl Section {
    /// Whether the section contains a wildcard (`*` key, selector key or value).
    pub fn has_wildcard(&self) -> bool {
        match self {
            Section::Key(key) => *key == Key::Wildcard,
            Section::Item { selectors, .. } => selectors
                .iter()
                .any(|s| s.key == Key::Wildcard || s.value == SelectorValue::Wildcard),
        }
    }

    /// The key of the mapping this section reads: the key, or the relation of
    /// an item section (`None` for a wildcard key).
    pub fn mapping_key(&self) -> Option<&str> {
        match self {
            Section::Key(Key::Name(name)) => Some(name),
            Section::Key(Key::Wildcard) => None,
            Section::Item { relation, .. } => Some(relation),
        }
    }

    /// Checks the invariants a section must hold to be part of a path:
    /// non-empty names, at least one selector, no selector key twice, and no
    /// wildcard unless `wild`.
    pub(crate) fn check(&self, wild: bool) -> Result<(), PathError> {
        match self {
            Section::Key(Key::Name(name)) if name.is_empty() => Err(PathError::EmptyName),
            Section::Key(_) => Ok(()),
            Section::Item {
                relation,
                selectors,
            } => {
                if relation.is_empty() {
                    return Err(PathError::EmptyName);
                }
                if selectors.is_empty() {
                    return Err(PathError::NoSelectors {
                        relation: relation.to_string(),
                    });
                }
                for (i, selector) in selectors.iter().enumerate() {
                    if let Key::Name(name) = &selector.key
                        && name.is_empty()
                    {
                        return Err(PathError::EmptyName);
                    }
                    if selectors[..i].iter().any(|s| s.key == selector.key) {
                        return Err(PathError::DuplicateSelectorKey {
                            relation: relation.to_string(),
                            key: super::render::key_text(&selector.key),
                        });
                    }
                }
                Ok(())
            }
        }?;
        if !wild && self.has_wildcard() {
            return Err(PathError::Wildcard {
                section: self.to_string(),
            });
        }
        Ok(())
    }
}

impl From<&str> for SelectorValue {
    /// Literal text (never a wildcard nor null, whatever the text).
    fn from(text: &str) -> Self {
        SelectorValue::Text(text.into())
    }
}

impl From<String> for SelectorValue {
    /// Literal text (never a wildcard nor null, whatever the text).
    fn from(text: String) -> Self {
        SelectorValue::Text(text.into())
    }
}

impl From<Name> for SelectorValue {
    /// Literal text (never a wildcard nor null, whatever the text).
    fn from(text: Name) -> Self {
        SelectorValue::Text(text)
    }
}

impl From<Option<&str>> for SelectorValue {
    /// `None` is [`SelectorValue::Null`], anything else literal text.
    fn from(text: Option<&str>) -> Self {
        text.map_or(SelectorValue::Null, SelectorValue::from)
    }
}

/// Builds the selectors of an item section from `(key, value)` pairs.
fn selectors<I, K, V>(identity: I) -> Arc<[Selector]>
where
    I: IntoIterator<Item = (K, V)>,
    K: Into<Name>,
    V: Into<SelectorValue>,
{
    identity
        .into_iter()
        .map(|(key, value)| Selector {
            key: Key::Name(key.into()),
            value: value.into(),
        })
        .collect()
}

/// A dict path that designates one value: no wildcards.
///
/// Rendered with [`Display`](std::fmt::Display) (`embedded[name=a].unique_id`,
/// root `.`), parsed with [`DictPath::parse`] or [`str::parse`]. Serialised as
/// its rendered string.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DictPath {
    sections: Vec<Section>,
}

/// A dict path that may contain wildcards (`*`), designating any number of
/// values; what `used_values` takes.
///
/// Every [`DictPath`] converts into one ([`From`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WildDictPath {
    sections: Vec<Section>,
}

impl DictPath {
    /// The root path `.`: the whole document.
    pub fn root() -> Self {
        DictPath {
            sections: Vec::new(),
        }
    }

    /// A path made of the given sections, checked (see [`Section::Item`]; no
    /// wildcard).
    pub fn from_sections(sections: impl IntoIterator<Item = Section>) -> Result<Self, PathError> {
        let sections: Vec<Section> = sections.into_iter().collect();
        for section in &sections {
            section.check(false)?;
        }
        Ok(DictPath { sections })
    }

    /// Wraps sections already checked by the parser.
    pub(crate) fn from_checked(sections: Vec<Section>) -> Self {
        DictPath { sections }
    }

    /// The path of the value at `key` of the mapping this path designates:
    /// `self` + `.key`. The key is literal text (`a.b` is rendered `a\.b`).
    ///
    /// Fails only on an empty key, which the syntax cannot write.
    pub fn child(&self, key: impl Into<Name>) -> Result<Self, PathError> {
        self.with(Section::Key(Key::Name(key.into())))
    }

    /// The path of the item of the list at `relation` whose identity is
    /// `identity`: `self` + `.relation[k1=v1][k2=v2]`. Keys and values are
    /// literal text; [`identity_value`](super::identity_value) turns a JSON
    /// value into the value the reference renders.
    ///
    /// Fails on an empty identity, a key given twice, an empty name or a
    /// [`SelectorValue::Wildcard`].
    pub fn item<R, I, K, V>(&self, relation: R, identity: I) -> Result<Self, PathError>
    where
        R: Into<Name>,
        I: IntoIterator<Item = (K, V)>,
        K: Into<Name>,
        V: Into<SelectorValue>,
    {
        self.with(Section::Item {
            relation: relation.into(),
            selectors: selectors(identity),
        })
    }

    /// `self` followed by `section`, checked.
    pub fn with(&self, section: Section) -> Result<Self, PathError> {
        section.check(false)?;
        let mut sections = Vec::with_capacity(self.sections.len() + 1);
        sections.extend_from_slice(&self.sections);
        sections.push(section);
        Ok(DictPath { sections })
    }

    /// `self` followed by every section of `other` (`other` relative to the
    /// value `self` designates).
    pub fn join(&self, other: &DictPath) -> Self {
        let mut sections = Vec::with_capacity(self.sections.len() + other.sections.len());
        sections.extend_from_slice(&self.sections);
        sections.extend_from_slice(&other.sections);
        DictPath { sections }
    }

    /// The path without its last section; the root for a one-section path
    /// and for the root itself.
    pub fn parent(&self) -> Self {
        let keep = self.sections.len().saturating_sub(1);
        DictPath {
            sections: self.sections[..keep].to_vec(),
        }
    }

    /// Whether this is the root path `.`.
    pub fn is_root(&self) -> bool {
        self.sections.is_empty()
    }

    /// The sections, from the root down.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The last section (`None` for the root).
    pub fn last(&self) -> Option<&Section> {
        self.sections.last()
    }

    /// The same path as a [`WildDictPath`] (for [`WildDictPath::find_all`]).
    pub fn to_wild(&self) -> WildDictPath {
        WildDictPath {
            sections: self.sections.clone(),
        }
    }
}

impl WildDictPath {
    /// The root path `.`.
    pub fn root() -> Self {
        WildDictPath {
            sections: Vec::new(),
        }
    }

    /// A path made of the given sections, checked (see [`Section::Item`]).
    pub fn from_sections(sections: impl IntoIterator<Item = Section>) -> Result<Self, PathError> {
        let sections: Vec<Section> = sections.into_iter().collect();
        for section in &sections {
            section.check(true)?;
        }
        Ok(WildDictPath { sections })
    }

    /// Wraps sections already checked by the parser.
    pub(crate) fn from_checked(sections: Vec<Section>) -> Self {
        WildDictPath { sections }
    }

    /// Whether this is the root path `.`.
    pub fn is_root(&self) -> bool {
        self.sections.is_empty()
    }

    /// The sections, from the root down.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// Whether any section contains a wildcard.
    pub fn has_wildcard(&self) -> bool {
        self.sections.iter().any(Section::has_wildcard)
    }

    /// The same path as a [`DictPath`], if it has no wildcard.
    pub fn to_plain(&self) -> Result<DictPath, PathError> {
        DictPath::from_sections(self.sections.iter().cloned())
    }
}

impl From<DictPath> for WildDictPath {
    fn from(path: DictPath) -> Self {
        WildDictPath {
            sections: path.sections,
        }
    }
}

impl TryFrom<WildDictPath> for DictPath {
    type Error = PathError;

    fn try_from(path: WildDictPath) -> Result<Self, PathError> {
        DictPath::from_sections(path.sections)
    }
}
