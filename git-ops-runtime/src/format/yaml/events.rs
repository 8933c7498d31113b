//! The YAML event stream, with positions: the one place that knows the
//! parser crate (`granit-parser`, the parser under `serde-saphyr`).
//!
//! The reader ([`crate::format::read`]) and [`crate::format::locate`] build
//! on these events, so swapping the parser means rewriting this file only.

use std::borrow::Cow;

use granit_parser::{Event as Raw, Parser, ScalarStyle, StrInput};

use crate::format::Position;

/// A node's tag, as written (`!!int` is `tag:yaml.org,2002:int`, `!` is
/// `!`, `!foo` is `!foo`).
pub(crate) type Tag = String;

/// One parser event, its start position and its anchor, if any.
#[derive(Debug)]
pub(crate) struct Event<'a> {
    pub(crate) kind: EventKind<'a>,
    pub(crate) start: Position,
    /// The anchor defined on this node: the parser's id, the name and
    /// where `&name` is written.
    pub(crate) anchor: Option<Anchor<'a>>,
}

/// An anchor definition (`&name`).
#[derive(Debug)]
pub(crate) struct Anchor<'a> {
    pub(crate) id: usize,
    pub(crate) name: Cow<'a, str>,
    pub(crate) start: Position,
}

#[derive(Debug)]
pub(crate) enum EventKind<'a> {
    DocumentStart,
    DocumentEnd,
    Scalar {
        value: Cow<'a, str>,
        /// Written without quotes or block indicator: its type comes from
        /// the implicit resolver.
        plain: bool,
        tag: Option<Tag>,
    },
    SequenceStart {
        tag: Option<Tag>,
    },
    SequenceEnd,
    MappingStart {
        tag: Option<Tag>,
    },
    MappingEnd,
    /// An alias to the node with this anchor id.
    Alias(usize),
    StreamEnd,
}

/// A syntax error of the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) message: String,
    pub(crate) position: Position,
}

pub(crate) struct Events<'a> {
    parser: Parser<'a, StrInput<'a>>,
    done: bool,
}

fn position(marker: &granit_parser::Marker) -> Position {
    Position::new(marker.line(), marker.col() + 1)
}

fn tag_of(tag: Option<Cow<'_, granit_parser::Tag>>) -> Option<Tag> {
    tag.map(|tag| format!("{}{}", tag.handle(), tag.suffix()))
}

impl<'a> Events<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let options = granit_parser::options! {
            // PyYAML reads "k: |\n  text" (no final line break) as "text".
            block_scalar_eof_without_line_feed: true,
            // PyYAML keeps a U+FEFF inside a document as content.
            bom_inside_document_as_content: true,
            emit_anchor_events: true,
            emit_comments: false,
        };
        Events {
            parser: Parser::new_from_str_with_options(text, options),
            done: false,
        }
    }

    /// The next event; [`EventKind::StreamEnd`] at the end, then again.
    pub(crate) fn next_event(&mut self) -> Result<Event<'a>, SyntaxError> {
        loop {
            if self.done {
                return Ok(Event {
                    kind: EventKind::StreamEnd,
                    start: Position::new(1, 1),
                    anchor: None,
                });
            }
            let (raw, span) = match self.parser.next_event() {
                None => {
                    self.done = true;
                    continue;
                }
                Some(Err(error)) => {
                    self.done = true;
                    return Err(SyntaxError {
                        message: error.info(),
                        position: position(error.marker()),
                    });
                }
                Some(Ok(next)) => next,
            };
            let start = position(&span.start);
            let (kind, anchor_id) = match raw {
                Raw::DocumentStart(..) => (EventKind::DocumentStart, 0),
                Raw::DocumentEnd => (EventKind::DocumentEnd, 0),
                Raw::StreamEnd => {
                    self.done = true;
                    (EventKind::StreamEnd, 0)
                }
                Raw::Scalar(value, style, anchor, tag) => (
                    EventKind::Scalar {
                        value,
                        plain: style == ScalarStyle::Plain,
                        tag: tag_of(tag),
                    },
                    anchor,
                ),
                Raw::SequenceStart(_, anchor, tag) => {
                    (EventKind::SequenceStart { tag: tag_of(tag) }, anchor)
                }
                Raw::SequenceEnd => (EventKind::SequenceEnd, 0),
                Raw::MappingStart(_, anchor, tag) => {
                    (EventKind::MappingStart { tag: tag_of(tag) }, anchor)
                }
                Raw::MappingEnd => (EventKind::MappingEnd, 0),
                Raw::Alias(id) => (EventKind::Alias(id), 0),
                Raw::UnresolvedAlias(name) => {
                    return Err(SyntaxError {
                        message: format!("found undefined alias *{name}"),
                        position: start,
                    });
                }
                // StreamStart, anchor metadata (read with its node below)
                // and comments (not emitted with these options).
                _ => continue,
            };
            let anchor = (anchor_id != 0).then(|| self.anchor(anchor_id, start));
            return Ok(Event {
                kind,
                start,
                anchor,
            });
        }
    }

    /// The anchor `id`, from the metadata event that follows its node
    /// (`node_start` if that event is missing).
    fn anchor(&mut self, id: usize, node_start: Position) -> Anchor<'a> {
        let next_is_it = matches!(
            self.parser.peek(),
            Some(Ok((Raw::Anchor(anchor_id, _), _))) if *anchor_id == id
        );
        if next_is_it && let Some(Ok((Raw::Anchor(_, name), span))) = self.parser.next_event() {
            return Anchor {
                id,
                name,
                start: position(&span.start),
            };
        }
        Anchor {
            id,
            name: Cow::Borrowed(""),
            start: node_start,
        }
    }
}
