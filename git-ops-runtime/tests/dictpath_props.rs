//! Property tests of the dict-path syntax and of lookups.

mod dictpath_support;

use dictpath_support::{path_like_string, plain_path, section, value_text, wild_path};
use git_ops_runtime::dictpath::{DictPath, Key, Section, WildDictPath};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Value, json};

/// One unit of canonical text: a character that needs no escape, or an
/// escaped special character. Built without the renderer.
fn canonical_atom() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["a", "b", "0", "1", " ", "é", "\n", "'", "_"]),
        2 => prop::sample::select(vec![r"\\", r"\[", r"\]", r"\.", r"\*", r"\="]),
    ]
    .prop_map(str::to_owned)
}

fn canonical_name() -> impl Strategy<Value = String> {
    vec(canonical_atom(), 1..5).prop_map(|atoms| atoms.concat())
}

fn canonical_value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => vec(canonical_atom(), 0..5).prop_map(|atoms| atoms.concat()),
        1 => Just(r"\0".to_owned()),
        1 => Just("*".to_owned()),
    ]
}

/// A canonical section; selector keys unique by construction (a suffix).
fn canonical_section() -> impl Strategy<Value = String> {
    let plain = prop_oneof![4 => canonical_name(), 1 => Just("*".to_owned())];
    let item = (
        canonical_name(),
        vec((canonical_name(), canonical_value()), 1..4),
    )
        .prop_map(|(relation, pairs)| {
            let selectors: String = pairs
                .iter()
                .enumerate()
                .map(|(i, (key, value))| format!("[{key}{i}={value}]"))
                .collect();
            format!("{relation}{selectors}")
        });
    prop_oneof![plain, item]
}

/// A canonical path string: what the reference renders.
fn canonical_string() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(".".to_owned()),
        8 => vec(canonical_section(), 1..4).prop_map(|sections| sections.join(".")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_inverts_render(path in plain_path()) {
        prop_assert_eq!(DictPath::parse(&path.render()).unwrap(), path);
    }

    #[test]
    fn wild_parse_inverts_render(path in wild_path()) {
        prop_assert_eq!(WildDictPath::parse(&path.to_string()).unwrap(), path);
    }

    #[test]
    fn render_inverts_parse_on_canonical_strings(text in canonical_string()) {
        let path = WildDictPath::parse(&text).unwrap();
        prop_assert_eq!(path.render(), text.clone());
        let plain = DictPath::parse(&text);
        prop_assert_eq!(plain.is_ok(), !path.has_wildcard());
        if let Ok(plain) = plain {
            prop_assert_eq!(plain.render(), text);
        }
    }

    #[test]
    fn parsing_any_string_never_panics_and_is_stable(text in path_like_string()) {
        for wild in [false, true] {
            let parsed = if wild {
                WildDictPath::parse(&text)
            } else {
                DictPath::parse(&text).map(WildDictPath::from)
            };
            match parsed {
                Ok(path) => {
                    // The canonical form reads as the same path.
                    prop_assert_eq!(WildDictPath::parse(&path.render()).unwrap(), path);
                }
                Err(err) => {
                    prop_assert!(err.column >= 1 && err.column <= text.chars().count() + 1);
                    prop_assert_eq!(&err.input, &text);
                    prop_assert!(text.contains(err.section.as_str()));
                }
            }
        }
    }

    #[test]
    fn parent_undoes_child(path in plain_path(), last in section(false)) {
        let child = path.with(last.clone()).unwrap();
        prop_assert_eq!(child.parent(), path.clone());
        prop_assert_eq!(child.last(), Some(&last));
        let suffix = DictPath::from_sections([last]).unwrap();
        prop_assert_eq!(path.join(&suffix), child);
    }

    /// Setting a value at a path in an empty document creates what is
    /// needed for the path to find it again.
    #[test]
    fn get_finds_what_set_put(path in plain_path(), key in value_text()) {
        prop_assume!(!key.is_empty());
        let path = path.child(key.as_str()).unwrap();
        // A section reading a key that the item before it was created with
        // finds the selector's text there, not a mapping or list (as in the
        // reference): out of this property.
        for pair in path.sections().windows(2) {
            if let Section::Item { selectors, .. } = &pair[0] {
                let next = pair[1].mapping_key().map(|k| Key::Name(k.into()));
                prop_assume!(selectors.iter().all(|s| Some(&s.key) != next.as_ref()));
            }
        }
        let mut doc = json!({});
        path.set(&mut doc, json!(42)).unwrap();
        prop_assert_eq!(path.get(&doc).unwrap(), &json!(42));
        let found: Vec<Value> = path.to_wild().find_all(&doc).unwrap().into_iter().cloned().collect();
        prop_assert_eq!(found, vec![json!(42)]);
    }

    /// A path built for an item finds it among siblings with other
    /// identities (strings, the values item identities are made of).
    #[test]
    fn item_paths_designate_their_item(
        names in vec(value_text(), 1..6),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut unique: Vec<String> = Vec::new();
        for name in names {
            if !unique.contains(&name) {
                unique.push(name);
            }
        }
        let chosen = pick.get(&unique).clone();
        let doc = json!({"items": unique.iter().map(|n| json!({"name": n})).collect::<Vec<_>>()});
        let path = DictPath::root().item("items", [("name", chosen.as_str())]).unwrap();
        let reparsed = DictPath::parse(&path.render()).unwrap();
        prop_assert_eq!(reparsed.get(&doc).unwrap(), &json!({"name": chosen}));
    }
}

#[test]
fn sections_of_generated_paths_are_valid() {
    // The generators above only produce valid paths: a guard for the
    // properties, which would otherwise test less than they claim.
    let paths = dictpath_support::sample(wild_path(), 200);
    assert!(paths.iter().any(|p| p.has_wildcard()));
    assert!(paths.iter().any(|p| {
        p.sections()
            .iter()
            .any(|s| matches!(s, Section::Item { .. }))
    }));
    assert!(paths.iter().any(|p| p.render().contains('\\')));
}
