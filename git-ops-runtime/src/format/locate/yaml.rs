//! The position of every node of a YAML text, with aliases and merge keys
//! resolved like the reader resolves them.

use std::collections::HashMap;
use std::rc::Rc;

use super::{SpanEntry, SpanKind, SpanNode};
use crate::format::Position;
use crate::format::yaml::events::{EventKind, Events};
use crate::format::yaml::resolver::{Implicit, resolve_plain};

enum Frame {
    Sequence {
        start: Position,
        anchor: Option<usize>,
        items: Vec<Rc<SpanNode>>,
    },
    Mapping {
        start: Position,
        anchor: Option<usize>,
        own: Vec<SpanEntry>,
        merged: Vec<Vec<SpanEntry>>,
        key: Option<Key>,
    },
}

enum Key {
    Text(String, Position),
    Merge,
}

/// A complete node, and the key text it stands for if it is a scalar.
struct Done {
    node: Rc<SpanNode>,
    scalar: Option<String>,
    merge_key: bool,
}

/// The span tree of the first document of `text`; `None` if the text does
/// not parse (an empty stream has a null root at 1:1).
pub(super) fn span_tree(text: &str) -> Option<Rc<SpanNode>> {
    let mut events = Events::new(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Rc<SpanNode>, Option<String>)> = HashMap::new();
    loop {
        let event = events.next_event().ok()?;
        let start = event.start;
        let mut anchor = event.anchor.map(|anchor| anchor.id);
        let done = match event.kind {
            EventKind::StreamEnd => {
                return Some(Rc::new(SpanNode {
                    start: Position::new(1, 1),
                    kind: SpanKind::Scalar,
                }));
            }
            EventKind::DocumentStart | EventKind::DocumentEnd => continue,
            EventKind::Scalar { value, plain, tag } => {
                let implicit = (tag.is_none() && plain) || tag.as_deref() == Some("!");
                let merge_key = (implicit && resolve_plain(&value) == Some(Implicit::Merge))
                    || tag.as_deref() == Some("tag:yaml.org,2002:merge");
                Done {
                    node: Rc::new(SpanNode {
                        start,
                        kind: SpanKind::Scalar,
                    }),
                    scalar: Some(value.into_owned()),
                    merge_key,
                }
            }
            EventKind::Alias(id) => {
                let (node, scalar) = anchors.get(&id)?.clone();
                Done {
                    node,
                    scalar,
                    merge_key: false,
                }
            }
            EventKind::SequenceStart { .. } => {
                stack.push(Frame::Sequence {
                    start,
                    anchor,
                    items: Vec::new(),
                });
                continue;
            }
            EventKind::MappingStart { .. } => {
                stack.push(Frame::Mapping {
                    start,
                    anchor,
                    own: Vec::new(),
                    merged: Vec::new(),
                    key: None,
                });
                continue;
            }
            EventKind::SequenceEnd | EventKind::MappingEnd => {
                let (node, frame_anchor) = close(stack.pop()?);
                anchor = frame_anchor;
                Done {
                    node,
                    scalar: None,
                    merge_key: false,
                }
            }
        };
        if let Some(id) = anchor {
            anchors.insert(id, (Rc::clone(&done.node), done.scalar.clone()));
        }
        if stack.is_empty() {
            return Some(done.node);
        }
        add(&mut stack, done);
    }
}

fn close(frame: Frame) -> (Rc<SpanNode>, Option<usize>) {
    match frame {
        Frame::Sequence {
            start,
            anchor,
            items,
        } => (
            Rc::new(SpanNode {
                start,
                kind: SpanKind::Sequence(items),
            }),
            anchor,
        ),
        Frame::Mapping {
            start,
            anchor,
            own,
            merged,
            ..
        } => {
            // Like the reader: merged entries first (the first source that
            // has a key gives it), then own entries, which replace them and
            // then point where the mapping itself writes them.
            let mut entries: Vec<SpanEntry> = Vec::new();
            for entry in merged.into_iter().flatten() {
                if !entries.iter().any(|e| e.key == entry.key) {
                    entries.push(entry);
                }
            }
            for entry in own {
                match entries.iter_mut().find(|e| e.key == entry.key) {
                    Some(existing) => *existing = entry,
                    None => entries.push(entry),
                }
            }
            (
                Rc::new(SpanNode {
                    start,
                    kind: SpanKind::Mapping(entries),
                }),
                anchor,
            )
        }
    }
}

/// Adds a complete node to the innermost open collection.
fn add(stack: &mut [Frame], done: Done) {
    match stack.last_mut() {
        None => {}
        Some(Frame::Sequence { items, .. }) => items.push(done.node),
        Some(Frame::Mapping {
            own, merged, key, ..
        }) => {
            match key.take() {
                None => {
                    *key = Some(if done.merge_key {
                        Key::Merge
                    } else {
                        // Keys the reader refuses (collections) have no text.
                        Key::Text(done.scalar.unwrap_or_default(), done.node.start)
                    });
                }
                Some(Key::Text(text, key_start)) => own.push(SpanEntry {
                    key: text,
                    key_start,
                    value: done.node,
                }),
                Some(Key::Merge) => match &done.node.kind {
                    SpanKind::Mapping(entries) => merged.push(entries.clone()),
                    SpanKind::Sequence(items) => {
                        for item in items {
                            if let SpanKind::Mapping(entries) = &item.kind {
                                merged.push(entries.clone());
                            }
                        }
                    }
                    SpanKind::Scalar => {}
                },
            }
        }
    }
}
