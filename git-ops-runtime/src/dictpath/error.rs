//! Errors of the dict-path module: building, parsing and looking up.

use std::fmt;

/// A path that cannot be built from the given sections.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// A key, relation or selector key is the empty string, which the path
    /// syntax cannot write.
    #[error("a dict path key, list relation or selector key cannot be empty")]
    EmptyName,
    /// An item section without any `[key=value]` selector.
    #[error(
        "the item section of list `{relation}` needs at least one `[key=value]` selector \
         (does the item type declare a key?)"
    )]
    NoSelectors {
        /// The list relation.
        relation: String,
    },
    /// The same selector key twice in one item section.
    #[error(
        "selector key `{key}` is given twice in an item section of list `{relation}`: \
         each key may appear once per section"
    )]
    DuplicateSelectorKey {
        /// The list relation.
        relation: String,
        /// The repeated key, as written in a path.
        key: String,
    },
    /// A wildcard in a path that must designate a single value.
    #[error(
        "the wildcard `*` in `{section}` is only allowed in wild paths (used_values); \
         write `\\*` for a literal star"
    )]
    Wildcard {
        /// The offending section, rendered.
        section: String,
    },
}

/// A string that is not a valid dict path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid dict path `{input}`: {kind} (section `{section}`, character {column})")]
pub struct ParseError {
    /// The whole input.
    pub input: String,
    /// The section (between unescaped dots) where the problem is.
    pub section: String,
    /// 1-based position, in characters, of the offending character in
    /// `input` (one past the end for a path that ends too early).
    pub column: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What makes a string an invalid dict path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// Nothing but dots (or nothing at all).
    #[error("the path is empty; the root is written `.`")]
    Empty,
    /// A `\` at the very end.
    #[error("it ends with a lone `\\`; a literal backslash is written `\\\\`")]
    DanglingEscape,
    /// `\` followed by a character that is not special.
    #[error(
        "`\\{0}` is not an escape: only `\\\\ \\[ \\] \\. \\* \\=` are, and `\\0` only as a whole \
         selector value (null)"
    )]
    InvalidEscape(char),
    /// A special character where it has no meaning; it must be escaped.
    #[error("unexpected `{0}`; write `\\{0}` for the literal character")]
    Unexpected(char),
    /// `*` inside a name: a wildcard is a whole key or value.
    #[error("`*` is a wildcard only as a whole key or value; write `\\*` for a literal star")]
    StarInName,
    /// A `[` without its `]`.
    #[error("the selector `[` is not closed by `]`")]
    UnclosedSelector,
    /// `[key]` without `=value`.
    #[error("a selector is written `[key=value]`, this one has no `=`")]
    MissingEquals,
    /// `[k=v]` without a relation name before it.
    #[error("a selector `[key=value]` must follow the name of a list")]
    MissingRelation,
    /// `[=v]`.
    #[error("a selector needs a key before `=`")]
    EmptySelectorKey,
    /// `rel[k=v]x`.
    #[error("text after `]`: sections are separated by `.`")]
    TextAfterSelector,
    /// `*[k=v]`.
    #[error("the name of a list cannot be the wildcard `*`")]
    WildcardRelation,
    /// A wildcard in a path that must designate a single value.
    #[error(
        "the wildcard `*` is only allowed in wild paths (used_values); write `\\*` for a literal star"
    )]
    Wildcard,
    /// The same selector key twice in one section.
    #[error("selector key `{0}` appears twice in one section")]
    DuplicateSelectorKey(String),
}

/// Why a lookup, a set or a wild walk failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupReason {
    /// The mapping has no such key (for an item section: no list at all).
    MissingKey(String),
    /// The list holds no item matching the selectors.
    NoItem,
    /// Several items match; a plain path must designate exactly one.
    SeveralItems(usize),
    /// The value is not of the kind the section reads.
    Structure {
        /// What the section reads: `a mapping` or `a list`.
        expected: &'static str,
        /// What was there (`null`, `a string`, ...).
        found: &'static str,
    },
    /// Setting the root path to something else than a mapping.
    RootValueNotMapping(&'static str),
}

/// Which family a [`LookupError`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupErrorKind {
    /// Nothing matched: a missing key or no matching item.
    NotFound,
    /// Several items matched a section of a plain path.
    Ambiguous,
    /// A section met a value of the wrong kind (e.g. a key of a string, the
    /// items of a null list).
    Structure,
}

/// A path that does not designate a value of a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LookupError {
    /// The whole path, rendered.
    pub path: String,
    /// 1-based number of the section that failed; 0 for the root.
    pub section_number: usize,
    /// The failing section, rendered (`.` for the root).
    pub section: String,
    /// What went wrong.
    pub reason: LookupReason,
}

impl LookupError {
    /// The family of the error.
    pub fn kind(&self) -> LookupErrorKind {
        match self.reason {
            LookupReason::MissingKey(_) | LookupReason::NoItem => LookupErrorKind::NotFound,
            LookupReason::SeveralItems(_) => LookupErrorKind::Ambiguous,
            LookupReason::Structure { .. } | LookupReason::RootValueNotMapping(_) => {
                LookupErrorKind::Structure
            }
        }
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dict path `{}`: ", self.path)?;
        if self.section_number == 0 {
            f.write_str("at the root, ")?;
        } else if self.path != self.section {
            write!(f, "section {} (`{}`): ", self.section_number, self.section)?;
        }
        match &self.reason {
            LookupReason::MissingKey(key) => write!(f, "the mapping has no key `{key}`"),
            LookupReason::NoItem => f.write_str("no item of the list matches"),
            LookupReason::SeveralItems(n) => write!(
                f,
                "{n} items of the list match, a path must designate exactly one"
            ),
            LookupReason::Structure { expected, found } => {
                write!(f, "expected {expected} but found {found}")
            }
            LookupReason::RootValueNotMapping(found) => write!(
                f,
                "only a mapping can replace the whole document, not {found}"
            ),
        }
    }
}
