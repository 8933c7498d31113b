//! Where a value sits in a source text, for error messages.
//!
//! Reading stays plain and fast; when a later check (the schema, a
//! duplicate list item, ...) refuses a value, the caller asks where that
//! value is, with the path of raw keys and indexes that leads to it:
//!
//! ```
//! use git_ops_runtime::format::locate::{locate, snippet, RawPathSegment};
//! use git_ops_runtime::format::{Format, Position};
//!
//! let text = "name: a\ncontent:\n- path: /etc\n  mode: 7777\n";
//! let path = [RawPathSegment::key("content"), RawPathSegment::Index(0), RawPathSegment::key("mode")];
//! let location = locate(text, Format::Yaml, &path).unwrap();
//! assert_eq!(location.key, Some(Position::new(4, 3)));
//! assert_eq!(location.value, Position::new(4, 9));
//! assert_eq!(snippet(text, location.value), "4 |   mode: 7777\n  |         ^");
//! ```
//!
//! The parsers used here keep a position for every node, which costs time
//! and memory the plain readers do not spend; they run on the error path
//! only. Merged YAML keys (`<<: *base`) are found where the anchor defines
//! them; a path through an alias leads into the anchored node.

pub(crate) mod json;
mod snippet;
mod yaml;

use std::rc::Rc;

pub use snippet::snippet;

use super::{Format, Position};

/// One step of a path into a raw document: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RawPathSegment {
    /// The value of this key in a mapping.
    Key(String),
    /// The item at this index (from 0) of a list.
    Index(usize),
}

impl RawPathSegment {
    /// A [`RawPathSegment::Key`].
    pub fn key(key: impl Into<String>) -> Self {
        RawPathSegment::Key(key.into())
    }
}

/// Where a value is: its first character, and for a mapping entry the
/// first character of its key (what an "unknown field" error points at).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The start of the value.
    pub value: Position,
    /// The start of the key, when the last segment of the path is a key.
    pub key: Option<Position>,
}

/// The location of the value at `path` in `text`, or `None` when the text
/// does not parse or has no value at that path (e.g. a missing field: ask
/// for its parent, or use [`locate_nearest`]).
pub fn locate(text: &str, format: Format, path: &[RawPathSegment]) -> Option<Location> {
    locate_nearest(text, format, path)
        .and_then(|(location, depth)| (depth == path.len()).then_some(location))
}

/// The location of the deepest value on `path` that exists in `text`, and
/// how many segments of `path` lead to it (`path.len()` when the whole path
/// exists; 0 for the root). `None` when the text does not parse.
pub fn locate_nearest(
    text: &str,
    format: Format,
    path: &[RawPathSegment],
) -> Option<(Location, usize)> {
    let root = match format {
        Format::Json => json::scan(text).root?,
        Format::Yaml => yaml::span_tree(text)?,
    };
    let mut location = Location {
        value: root.start,
        key: None,
    };
    let mut node = root;
    for (depth, segment) in path.iter().enumerate() {
        let next = match (&node.kind, segment) {
            (SpanKind::Mapping(entries), RawPathSegment::Key(key)) => entries
                .iter()
                .rev()
                .find(|entry| entry.key == *key)
                .map(|entry| (Rc::clone(&entry.value), Some(entry.key_start))),
            (SpanKind::Sequence(items), RawPathSegment::Index(index)) => {
                items.get(*index).map(|item| (Rc::clone(item), None))
            }
            _ => None,
        };
        let Some((child, key)) = next else {
            return Some((location, depth));
        };
        location = Location {
            value: child.start,
            key,
        };
        node = child;
    }
    Some((location, path.len()))
}

/// A node of a parsed text with its position; children are shared so that
/// YAML aliases cost nothing.
#[derive(Debug)]
pub(crate) struct SpanNode {
    pub(crate) start: Position,
    pub(crate) kind: SpanKind,
}

#[derive(Debug)]
pub(crate) enum SpanKind {
    Scalar,
    Sequence(Vec<Rc<SpanNode>>),
    Mapping(Vec<SpanEntry>),
}

#[derive(Debug, Clone)]
pub(crate) struct SpanEntry {
    pub(crate) key: String,
    pub(crate) key_start: Position,
    pub(crate) value: Rc<SpanNode>,
}
