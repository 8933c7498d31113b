//! Generators shared by the dict-path property and differential tests.
#![allow(dead_code)]

use std::sync::Arc;

use git_ops_runtime::dictpath::{
    DictPath, Key, SPECIAL_CHARACTERS, Section, Selector, SelectorValue, WildDictPath,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// Characters of names and values: plain ones, every special character, and
/// a few that need care (non-ASCII, a line break, quotes, `0` for `\0`).
pub fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec!['a', 'b', 'x', '0', '1', ' ']),
        4 => prop::sample::select(SPECIAL_CHARACTERS.to_vec()),
        1 => prop::sample::select(vec!['é', '✓', '\n', '😀', '_', '-', '\'', '"']),
    ]
}

/// A non-empty literal name.
pub fn name() -> impl Strategy<Value = String> {
    vec(text_char(), 1..6).prop_map(|chars| chars.into_iter().collect())
}

/// A literal selector value (possibly empty).
pub fn value_text() -> impl Strategy<Value = String> {
    vec(text_char(), 0..6).prop_map(|chars| chars.into_iter().collect())
}

fn key(wild: bool) -> BoxedStrategy<Key> {
    let named = name().prop_map(|n| Key::Name(n.into()));
    if wild {
        prop_oneof![4 => named, 1 => Just(Key::Wildcard)].boxed()
    } else {
        named.boxed()
    }
}

fn selector_value(wild: bool) -> BoxedStrategy<SelectorValue> {
    let text = value_text().prop_map(|t| SelectorValue::Text(t.into()));
    if wild {
        prop_oneof![6 => text, 1 => Just(SelectorValue::Null), 2 => Just(SelectorValue::Wildcard)]
            .boxed()
    } else {
        prop_oneof![6 => text, 1 => Just(SelectorValue::Null)].boxed()
    }
}

/// A valid section (selector keys made unique).
pub fn section(wild: bool) -> BoxedStrategy<Section> {
    let plain = key(wild).prop_map(Section::Key);
    let item =
        (name(), vec((key(wild), selector_value(wild)), 1..4)).prop_map(|(relation, pairs)| {
            let mut selectors: Vec<Selector> = Vec::new();
            for (key, value) in pairs {
                if !selectors.iter().any(|s| s.key == key) {
                    selectors.push(Selector { key, value });
                }
            }
            Section::Item {
                relation: relation.into(),
                selectors: Arc::from(selectors),
            }
        });
    prop_oneof![plain, item].boxed()
}

/// A path without wildcards.
pub fn plain_path() -> impl Strategy<Value = DictPath> {
    vec(section(false), 0..4).prop_map(|sections| {
        DictPath::from_sections(sections).expect("generated sections are valid")
    })
}

/// A path that may have wildcards.
pub fn wild_path() -> impl Strategy<Value = WildDictPath> {
    vec(section(true), 0..4).prop_map(|sections| {
        WildDictPath::from_sections(sections).expect("generated sections are valid")
    })
}

/// Characters of arbitrary path-like strings.
pub fn path_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec!['a', 'k', '0', '1']),
        5 => prop::sample::select(SPECIAL_CHARACTERS.to_vec()),
        1 => prop::sample::select(vec!['é', '\n', ' ']),
    ]
}

/// Arbitrary strings close to the syntax: random characters, and rendered
/// paths with one character inserted, removed or replaced.
pub fn path_like_string() -> impl Strategy<Value = String> {
    let random = vec(path_char(), 0..14).prop_map(|chars| chars.into_iter().collect::<String>());
    let mutated = (
        wild_path(),
        any::<prop::sample::Index>(),
        0..3u8,
        path_char(),
    )
        .prop_map(|(path, at, how, c)| {
            let mut chars: Vec<char> = path.render().chars().collect();
            let i = at.index(chars.len() + 1);
            match how {
                0 => chars.insert(i, c),
                1 if i < chars.len() => {
                    chars.remove(i);
                }
                _ if i < chars.len() => chars[i] = c,
                _ => chars.push(c),
            }
            chars.into_iter().collect::<String>()
        });
    prop_oneof![random, mutated]
}

/// `count` values of `strategy`, the same on every run.
pub fn sample<S: Strategy>(strategy: S, count: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("strategy generates")
                .current()
        })
        .collect()
}
