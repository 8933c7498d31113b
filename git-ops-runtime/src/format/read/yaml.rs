//! YAML read the way PyYAML's `safe_load` reads it, into a JSON value.
//!
//! The syntax comes from the parser behind [`crate::format::yaml::events`];
//! what the nodes mean follows PyYAML's `Composer` and `SafeConstructor`:
//!
//! - plain scalars get their type from the YAML 1.1 implicit resolver
//!   ([`crate::format::yaml::resolver`]): `yes`/`no`/`on`/`off` are booleans,
//!   `0644` is octal, `1_000` is 1000, `1:30` is 90, `1e5` is a string;
//!   quoted scalars are strings; `!` resolves like an untagged plain scalar
//!   (a PyYAML quirk: `! "12"` is 12);
//! - the tags `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq`,
//!   `!!map` and `!!timestamp` are honoured; other tags are refused;
//! - timestamps stay strings (PyYAML makes dates, which JSON cannot hold);
//! - anchors and aliases are expanded (an alias inside its own anchor and an
//!   anchor defined twice are refused, and so are copies beyond
//!   [`MAX_ALIAS_NODES`] nodes or [`alias_byte_limit`] bytes of text,
//!   checked before each copy is made); merge keys (`<<: *base`, `<<: [*a, *b]`) are merged as
//!   PyYAML 6 does: merged keys first, in the order of the sources, the
//!   mapping's own keys override; sources that disagree on a key the
//!   mapping does not set are refused (PyYAML versions disagree there);
//! - keys must be strings, and a key may not appear twice in one mapping;
//! - a plain `<<` or `=` outside a key is refused, as PyYAML refuses it;
//! - characters PyYAML refuses are refused, and so are raw NEL, LS and PS,
//!   which are line breaks in YAML 1.1 only;
//! - a stream with more than one document is refused, an empty one is null.

use std::borrow::Cow;
use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::{ReadError, ReadErrorKind, kind_name};
use crate::format::Position;
use crate::format::yaml::events::{Anchor, EventKind, Events, SyntaxError, Tag};
use crate::format::yaml::resolver::{self, Implicit, ScalarProblem};

/// How many nodes anchors and aliases may copy in one document, all
/// together.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// The bytes of text anchors and aliases may copy in any document, however
/// small: 1 MiB.
pub const ALIAS_BYTES_FLOOR: usize = 1 << 20;

/// How many times its own size a document's anchors and aliases may copy.
pub const ALIAS_BYTES_FACTOR: usize = 10;

/// The bytes of text anchors and aliases may copy in a document of
/// `text_len` bytes: [`ALIAS_BYTES_FACTOR`] times its size, at least
/// [`ALIAS_BYTES_FLOOR`].
pub fn alias_byte_limit(text_len: usize) -> usize {
    text_len
        .saturating_mul(ALIAS_BYTES_FACTOR)
        .max(ALIAS_BYTES_FLOOR)
}

const CORE: &str = "tag:yaml.org,2002:";

/// Reads `text`; returns the root value (null for an empty stream) and its
/// position.
pub(super) fn read(text: &str) -> Result<(Value, Position), ReadError> {
    check_printable(text)?;
    Composer::new(text).document()
}

/// PyYAML's reader refuses characters outside its printable set; we also
/// refuse the line breaks only YAML 1.1 knows.
fn check_printable(text: &str) -> Result<(), ReadError> {
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    // NEL, LS and PS break lines in YAML 1.1 (PyYAML) and not in YAML 1.2:
    // the same text would mean different things, so they must be escaped.
    let ambiguous = |c: char| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}');
    match text
        .char_indices()
        .find(|&(_, c)| !printable(c) || ambiguous(c))
    {
        None => Ok(()),
        Some((at, c)) => Err(ReadError {
            kind: if ambiguous(c) {
                ReadErrorKind::AmbiguousLineBreak(c)
            } else {
                ReadErrorKind::NonPrintable(c)
            },
            position: Position::of_byte_offset(text.as_bytes(), at),
        }),
    }
}

/// A node being built: a collection waiting for its end.
enum Frame {
    Sequence {
        items: Vec<Value>,
        head: Head,
    },
    Mapping {
        /// The mapping's own entries, with where each key is.
        own: IndexMap<String, (Position, Value)>,
        /// The sources of merge keys, in order, with where each is.
        merged: Vec<(Map<String, Value>, Position)>,
        /// A key waiting for its value.
        key: Option<Key>,
        head: Head,
    },
}

/// What every node carries: where it starts, its anchor, its size.
struct Head {
    start: Position,
    /// The parser's id of its anchor, and where the anchor is written.
    anchor: Option<(usize, Position)>,
    size: Size,
}

/// The size of a node: how many nodes it holds (itself included) and the
/// bytes of its scalars (keys included), as read.
#[derive(Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// What anchors and aliases may still copy.
///
/// Expanding an alias copies the anchored node; so does keeping an anchored
/// node for later aliases. Both are charged here *before* the copy is made,
/// so a document that would expand to gigabytes ("billion laughs", a huge
/// string aliased many times, anchors nested in anchors) is refused at the
/// alias or anchor that crosses a bound, having spent at most the bound.
struct Budget {
    copied: Size,
    byte_limit: usize,
}

impl Budget {
    fn new(text_len: usize) -> Budget {
        Budget {
            copied: Size::default(),
            byte_limit: alias_byte_limit(text_len),
        }
    }

    /// Charges a copy of a node of `size`, made at `at`.
    fn charge(&mut self, size: Size, at: Position) -> Result<(), ReadError> {
        self.copied.add(size);
        if self.copied.nodes > MAX_ALIAS_NODES {
            return Err(error(ReadErrorKind::TooManyNodes(MAX_ALIAS_NODES), at));
        }
        if self.copied.bytes > self.byte_limit {
            return Err(error(
                ReadErrorKind::AliasesTooLarge {
                    limit: self.byte_limit,
                },
                at,
            ));
        }
        Ok(())
    }
}

enum Key {
    String(String, Position),
    Merge,
}

/// A complete node: a value, or one of the plain scalars YAML 1.1 reserves
/// for mapping keys.
enum Node {
    Value(Value),
    /// Plain `<<`: merges the mapping(s) of its value.
    MergeKey,
    /// Plain `=`: PyYAML's "value" key, a string as a key and an error
    /// anywhere else.
    ValueKey,
}

impl Node {
    /// The node in a value position (not a mapping key).
    fn into_value(self, start: Position) -> Result<Value, ReadError> {
        match self {
            Node::Value(value) => Ok(value),
            Node::MergeKey => Err(error(ReadErrorKind::ReservedScalar("<<".into()), start)),
            Node::ValueKey => Err(error(ReadErrorKind::ReservedScalar("=".into()), start)),
        }
    }
}

struct Anchored {
    value: Option<Value>,
    size: Size,
}

struct Composer<'a> {
    events: Events<'a>,
    stack: Vec<Frame>,
    /// By parser id; `value` is `None` while the anchored node is open.
    anchors: HashMap<usize, Anchored>,
    anchor_names: HashMap<String, Position>,
    budget: Budget,
}

fn error(kind: ReadErrorKind, position: Position) -> ReadError {
    ReadError { kind, position }
}

impl From<SyntaxError> for ReadError {
    fn from(e: SyntaxError) -> Self {
        error(ReadErrorKind::Syntax(e.message), e.position)
    }
}

impl<'a> Composer<'a> {
    fn new(text: &'a str) -> Self {
        Composer {
            events: Events::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            anchor_names: HashMap::new(),
            budget: Budget::new(text.len()),
        }
    }

    fn document(mut self) -> Result<(Value, Position), ReadError> {
        let mut root = None;
        loop {
            let event = self.events.next_event()?;
            match event.kind {
                EventKind::StreamEnd => break,
                EventKind::DocumentStart if root.is_some() => {
                    return Err(error(ReadErrorKind::MultipleDocuments, event.start));
                }
                EventKind::DocumentStart => {
                    root = Some(self.node()?);
                }
                _ => {}
            }
        }
        Ok(root.unwrap_or((Value::Null, Position::new(1, 1))))
    }

    /// Reads one node (with everything inside it) from the next events.
    fn node(&mut self) -> Result<(Value, Position), ReadError> {
        let depth = self.stack.len();
        loop {
            let event = self.events.next_event()?;
            let start = event.start;
            let anchor = match event.anchor {
                Some(anchor) => Some(self.define_anchor(anchor)?),
                None => None,
            };
            let head = Head {
                start,
                anchor,
                size: Size { nodes: 1, bytes: 0 },
            };
            let complete = match event.kind {
                EventKind::Scalar { value, plain, tag } => {
                    let bytes = value.len();
                    let node =
                        scalar(value, plain, tag.as_deref()).map_err(|kind| error(kind, start))?;
                    Some((
                        node,
                        Head {
                            size: Size { nodes: 1, bytes },
                            ..head
                        },
                    ))
                }
                EventKind::Alias(id) => {
                    let (value, size) = self.alias(id, start)?;
                    Some((
                        Node::Value(value),
                        Head {
                            anchor: None,
                            size,
                            ..head
                        },
                    ))
                }
                EventKind::SequenceStart { tag } => {
                    check_collection_tag(tag.as_ref(), "seq", start)?;
                    self.stack.push(Frame::Sequence {
                        items: Vec::new(),
                        head,
                    });
                    None
                }
                EventKind::MappingStart { tag } => {
                    check_collection_tag(tag.as_ref(), "map", start)?;
                    self.stack.push(Frame::Mapping {
                        own: IndexMap::new(),
                        merged: Vec::new(),
                        key: None,
                        head,
                    });
                    None
                }
                EventKind::SequenceEnd | EventKind::MappingEnd => Some(self.close()?),
                EventKind::DocumentStart | EventKind::DocumentEnd | EventKind::StreamEnd => {
                    return Err(error(
                        ReadErrorKind::Syntax("unexpected end of a node".into()),
                        start,
                    ));
                }
            };
            let Some((node, head)) = complete else {
                continue;
            };
            if let (Some((id, at)), Node::Value(value)) = (head.anchor, &node) {
                // Kept for the aliases to come: a copy.
                self.budget.charge(head.size, at)?;
                self.anchors.insert(
                    id,
                    Anchored {
                        value: Some(value.clone()),
                        size: head.size,
                    },
                );
            }
            if self.stack.len() == depth {
                return Ok((node.into_value(head.start)?, head.start));
            }
            self.add_to_parent(node, head)?;
        }
    }

    fn define_anchor(&mut self, anchor: Anchor<'_>) -> Result<(usize, Position), ReadError> {
        if let Some(&first) = self.anchor_names.get(anchor.name.as_ref()) {
            return Err(error(
                ReadErrorKind::DuplicateAnchor {
                    name: anchor.name.into_owned(),
                    first,
                },
                anchor.start,
            ));
        }
        self.anchor_names
            .insert(anchor.name.into_owned(), anchor.start);
        self.anchors.insert(
            anchor.id,
            Anchored {
                value: None,
                size: Size::default(),
            },
        );
        Ok((anchor.id, anchor.start))
    }

    /// The value of the anchored node `id` and its size.
    fn alias(&mut self, id: usize, start: Position) -> Result<(Value, Size), ReadError> {
        let anchored = self
            .anchors
            .get(&id)
            .ok_or_else(|| error(ReadErrorKind::Syntax("found undefined alias".into()), start))?;
        let value = anchored
            .value
            .as_ref()
            .ok_or_else(|| error(ReadErrorKind::RecursiveAlias, start))?;
        let size = anchored.size;
        self.budget.charge(size, start)?;
        Ok((value.clone(), size))
    }

    /// Ends the innermost collection.
    fn close(&mut self) -> Result<(Node, Head), ReadError> {
        match self.stack.pop() {
            Some(Frame::Sequence { items, head }) => Ok((Node::Value(Value::Array(items)), head)),
            Some(Frame::Mapping {
                own, merged, head, ..
            }) => {
                // PyYAML 6's flatten_mapping: the merged entries first, in the
                // order of the sources, then the mapping's own entries, which
                // replace merged values and keep their place.
                let mut map = Map::new();
                for (source, position) in merged {
                    for (key, value) in source {
                        match map.get(&key) {
                            None => {
                                map.insert(key, value);
                            }
                            Some(existing) if *existing == value || own.contains_key(&key) => {}
                            // Two sources disagree: PyYAML versions differ on
                            // which wins, and so would we (docs/formats.md).
                            Some(_) => {
                                return Err(error(ReadErrorKind::MergeConflict { key }, position));
                            }
                        }
                    }
                }
                for (key, (_, value)) in own {
                    map.insert(key, value);
                }
                Ok((Node::Value(Value::Object(map)), head))
            }
            None => Err(error(
                ReadErrorKind::Syntax("unbalanced collection end".into()),
                Position::new(1, 1),
            )),
        }
    }

    fn add_to_parent(&mut self, node: Node, head: Head) -> Result<(), ReadError> {
        let parent = self
            .stack
            .last_mut()
            .expect("a parent frame exists below the root");
        match parent {
            Frame::Sequence {
                items,
                head: parent_head,
            } => {
                parent_head.size.add(head.size);
                items.push(node.into_value(head.start)?);
            }
            Frame::Mapping {
                own,
                merged,
                key,
                head: parent_head,
            } => {
                parent_head.size.add(head.size);
                match key.take() {
                    None => {
                        *key = Some(match node {
                            Node::MergeKey => Key::Merge,
                            Node::ValueKey => Key::String("=".into(), head.start),
                            Node::Value(Value::String(text)) => Key::String(text, head.start),
                            Node::Value(other) => {
                                return Err(error(
                                    ReadErrorKind::NonStringKey {
                                        text: key_text(&other),
                                        found: kind_name(&other),
                                    },
                                    head.start,
                                ));
                            }
                        });
                    }
                    Some(Key::String(text, position)) => {
                        let value = node.into_value(head.start)?;
                        if let Some((first, _)) = own.get(&text) {
                            return Err(error(
                                ReadErrorKind::DuplicateKey {
                                    key: text,
                                    first: *first,
                                },
                                position,
                            ));
                        }
                        own.insert(text, (position, value));
                    }
                    Some(Key::Merge) => match node.into_value(head.start)? {
                        Value::Object(source) => merged.push((source, head.start)),
                        Value::Array(sources) => {
                            for source in sources {
                                match source {
                                    Value::Object(map) => merged.push((map, head.start)),
                                    other => {
                                        return Err(error(
                                            ReadErrorKind::InvalidMerge {
                                                found: kind_name(&other),
                                            },
                                            head.start,
                                        ));
                                    }
                                }
                            }
                        }
                        other => {
                            return Err(error(
                                ReadErrorKind::InvalidMerge {
                                    found: kind_name(&other),
                                },
                                head.start,
                            ));
                        }
                    },
                }
            }
        }
        Ok(())
    }
}

/// A non-string key as written, for the message.
fn key_text(key: &Value) -> String {
    match key {
        Value::Null => "null".into(),
        Value::Array(_) | Value::Object(_) => kind_name(key).into(),
        other => other.to_string(),
    }
}

fn check_collection_tag(tag: Option<&Tag>, core: &str, start: Position) -> Result<(), ReadError> {
    match tag.map(String::as_str) {
        None | Some("!") => Ok(()),
        Some(tag) if tag.strip_prefix(CORE) == Some(core) => Ok(()),
        Some(tag) => Err(error(
            ReadErrorKind::UnsupportedTag(display_tag(tag)),
            start,
        )),
    }
}

/// `tag:yaml.org,2002:binary` as `!!binary`.
fn display_tag(tag: &str) -> String {
    match tag.strip_prefix(CORE) {
        Some(suffix) => format!("!!{suffix}"),
        None => tag.to_owned(),
    }
}

/// A scalar as PyYAML's SafeConstructor builds it.
fn scalar(text: Cow<'_, str>, plain: bool, tag: Option<&str>) -> Result<Node, ReadErrorKind> {
    let core = match tag {
        None if plain => None,
        Some("!") => None,
        None => return Ok(Node::Value(Value::String(text.into_owned()))),
        Some(tag) => match tag.strip_prefix(CORE) {
            Some(suffix) => Some(suffix),
            None => return Err(ReadErrorKind::UnsupportedTag(tag.to_owned())),
        },
    };
    let kind = match core {
        None => match resolver::resolve_plain(&text) {
            None => return Ok(Node::Value(Value::String(text.into_owned()))),
            Some(implicit) => implicit,
        },
        Some("str" | "timestamp") => return Ok(Node::Value(Value::String(text.into_owned()))),
        Some("null") => Implicit::Null,
        Some("bool") => Implicit::Bool,
        Some("int") => Implicit::Int,
        Some("float") => Implicit::Float,
        Some("merge") => Implicit::Merge,
        Some(other) => return Err(ReadErrorKind::UnsupportedTag(format!("!!{other}"))),
    };
    let problem = |problem: ScalarProblem| match problem {
        ScalarProblem::Invalid(expected) => ReadErrorKind::InvalidScalar {
            text: text.to_string(),
            expected,
        },
        ScalarProblem::IntegerOutOfRange => ReadErrorKind::Unrepresentable {
            text: text.to_string(),
            reason: "integers must be between -9223372036854775808 and 18446744073709551615",
        },
        ScalarProblem::NonFinite => ReadErrorKind::Unrepresentable {
            text: text.to_string(),
            reason: "JSON has no infinite or not-a-number floats",
        },
    };
    let value = match kind {
        Implicit::Null => Value::Null,
        Implicit::Bool => Value::Bool(
            resolver::construct_bool(&text)
                .ok_or_else(|| problem(ScalarProblem::Invalid("a boolean")))?,
        ),
        Implicit::Int => Value::Number(resolver::construct_int(&text).map_err(problem)?),
        Implicit::Float => {
            let float = resolver::construct_float(&text).map_err(problem)?;
            Value::Number(
                serde_json::Number::from_f64(float)
                    .ok_or_else(|| problem(ScalarProblem::NonFinite))?,
            )
        }
        Implicit::Merge => return Ok(Node::MergeKey),
        Implicit::Value => return Ok(Node::ValueKey),
        // Timestamps, and what cannot be plain anyway (`!`, `&`, `*`).
        Implicit::Timestamp | Implicit::Yaml => Value::String(text.into_owned()),
    };
    Ok(Node::Value(value))
}
