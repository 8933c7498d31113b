//! Where the walker is inside a document: a stack of segments that renders to
//! a dict path (for people) and to a raw path (for the position lookup).

use serde_json::Value;

use super::error::PathSegment;
use crate::dictpath::{self, DictPath};

/// The identity of a list item: `(field, value)` pairs, the union tag first
/// (spec §4.6). Values are the coerced values (`1.0` for a float key).
pub(crate) type Identity<'a> = Vec<(&'a str, Value)>;

/// One step of the walk.
#[derive(Debug)]
pub(crate) enum Seg<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A list item, with its identity when it could be read.
    Item {
        index: usize,
        identity: Option<Identity<'a>>,
    },
}

/// The current position of a walk.
#[derive(Debug, Default)]
pub(crate) struct PathStack<'a> {
    segs: Vec<Seg<'a>>,
}

impl<'a> PathStack<'a> {
    pub(crate) fn push_key(&mut self, key: &'a str) {
        self.segs.push(Seg::Key(key));
    }

    pub(crate) fn push_item(&mut self, index: usize, identity: Option<Identity<'a>>) {
        self.segs.push(Seg::Item { index, identity });
    }

    /// Removes the last segment and gives back the identity of an item.
    pub(crate) fn pop(&mut self) -> Option<Identity<'a>> {
        match self.segs.pop() {
            Some(Seg::Item { identity, .. }) => identity,
            _ => None,
        }
    }

    /// The identity of the innermost segment, when it is an item with one.
    pub(crate) fn last_identity(&self) -> Option<&Identity<'a>> {
        match self.segs.last() {
            Some(Seg::Item {
                identity: Some(identity),
                ..
            }) => Some(identity),
            _ => None,
        }
    }

    /// The dict path of the current position.
    pub(crate) fn render(&self) -> String {
        render_dict_path(&self.segs)
    }

    /// The current position with list items by index (`content[3]`), for
    /// naming one of several items that share an identity.
    pub(crate) fn render_by_index(&self) -> String {
        let segs: Vec<Seg<'_>> = self
            .segs
            .iter()
            .map(|seg| match seg {
                Seg::Key(key) => Seg::Key(key),
                Seg::Item { index, .. } => Seg::Item {
                    index: *index,
                    identity: None,
                },
            })
            .collect();
        render_dict_path(&segs)
    }

    /// The raw path of the current position.
    pub(crate) fn raw(&self) -> Vec<PathSegment> {
        self.segs
            .iter()
            .map(|seg| match seg {
                Seg::Key(key) => PathSegment::Key((*key).to_owned()),
                Seg::Item { index, .. } => PathSegment::Index(*index),
            })
            .collect()
    }
}

/// Renders a walk position as a dict path with [`crate::dictpath`] (spec
/// §5.2): a list item with a known identity is a keyed section
/// (`content[type=folder][name=etc]`); an item whose identity could not be
/// read falls back to its index (`content[3]`), which is not dict-path syntax
/// but tells a reader which item is meant. The root renders `.`.
fn render_dict_path(segs: &[Seg<'_>]) -> String {
    let mut parts: Vec<String> = Vec::with_capacity(segs.len());
    let mut rest = segs;
    while let Some((seg, tail)) = rest.split_first() {
        rest = tail;
        match seg {
            Seg::Key(key) => match rest.first() {
                Some(Seg::Item { index, identity }) => {
                    rest = &rest[1..];
                    parts.push(render_item(key, *index, identity.as_ref()));
                }
                _ => parts.push(dictpath::escape(key)),
            },
            // Items always follow the key of their list.
            Seg::Item { index, .. } => parts.push(format!("[{index}]")),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join(".")
    }
}

fn render_item(relation: &str, index: usize, identity: Option<&Identity<'_>>) -> String {
    identity
        .and_then(|identity| {
            let selectors = identity
                .iter()
                .map(|(key, value)| (*key, dictpath::identity_value(value)));
            DictPath::root().item(relation, selectors).ok()
        })
        .map(|path| path.render())
        .unwrap_or_else(|| format!("{}[{index}]", dictpath::escape(relation)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_keys_items_and_escapes() {
        let segs = vec![
            Seg::Key("content"),
            Seg::Item {
                index: 0,
                identity: Some(vec![("type", json!("folder")), ("name", json!("a.b"))]),
            },
            Seg::Key("content"),
            Seg::Item {
                index: 3,
                identity: None,
            },
            Seg::Key("perm=s"),
        ];
        assert_eq!(
            render_dict_path(&segs),
            r"content[type=folder][name=a\.b].content[3].perm\=s"
        );
        let specials = vec![
            Seg::Key("items"),
            Seg::Item {
                index: 0,
                identity: Some(vec![("name", json!(r"p[q]\s*t")), ("n", json!(1.5))]),
            },
        ];
        assert_eq!(
            render_dict_path(&specials),
            r"items[name=p\[q\]\\s\*t][n=1\.5]"
        );
        let null = vec![
            Seg::Key("items"),
            Seg::Item {
                index: 0,
                identity: Some(vec![("k", Value::Null)]),
            },
        ];
        assert_eq!(render_dict_path(&null), r"items[k=\0]");
        assert_eq!(render_dict_path(&[]), ".");
    }

    #[test]
    fn raw_path_uses_indexes() {
        let mut stack = PathStack::default();
        stack.push_key("content");
        stack.push_item(2, Some(vec![("name", json!("x"))]));
        stack.push_key("mode");
        assert_eq!(stack.render(), "content[name=x].mode");
        assert_eq!(stack.render_by_index(), "content[2].mode");
        assert_eq!(
            stack.raw(),
            vec![
                PathSegment::Key("content".into()),
                PathSegment::Index(2),
                PathSegment::Key("mode".into())
            ]
        );
        stack.pop();
        assert_eq!(stack.pop(), Some(vec![("name", json!("x"))]));
    }
}
