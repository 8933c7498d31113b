//! Rendering and parsing dict paths: the examples of spec §5.5 and
//! scenarios 53/54, escaping, the accepted variants and the errors.

use git_ops_runtime::dictpath::{
    DictPath, Key, ParseErrorKind, PathError, Section, Selector, SelectorValue, WildDictPath,
    identity_value,
};
use serde_json::{Value, json};

fn p(input: &str) -> DictPath {
    DictPath::parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
}

fn w(input: &str) -> WildDictPath {
    WildDictPath::parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
}

/// The path of an item identified by JSON key values, as the merge builds it.
fn item(parent: &DictPath, relation: &str, identity: &[(&str, Value)]) -> DictPath {
    parent
        .item(
            relation,
            identity.iter().map(|(k, v)| (*k, identity_value(v))),
        )
        .unwrap()
}

/// Asserts `built` renders to `text` and `text` parses back to `built`.
#[track_caller]
fn assert_both_ways(built: &DictPath, text: &str) {
    assert_eq!(built.to_string(), text);
    assert_eq!(built.render(), text);
    assert_eq!(&p(text), built, "parse({text:?})");
}

#[test]
fn spec_examples_render_and_parse() {
    let root = DictPath::root();
    assert_both_ways(&root, ".");
    for relation in ["embedded_required", "embedded_optional", "trunk"] {
        assert_both_ways(&root.child(relation).unwrap(), relation);
    }
    assert_both_ways(
        &item(&root, "embedded_sequence", &[("name", json!("ac"))]),
        "embedded_sequence[name=ac]",
    );
    assert_both_ways(
        &item(&root, "branches", &[("label", json!("x"))]),
        "branches[label=x]",
    );
    let required = root.child("embedded_required").unwrap();
    assert_both_ways(
        &item(&required, "recursive_slice", &[("name", json!("leaf"))]),
        "embedded_required.recursive_slice[name=leaf]",
    );
    let a = item(&root, "embedded_sequence", &[("name", json!("a"))]);
    assert_both_ways(
        &item(&a, "recursive_slice", &[("name", json!("a"))]),
        "embedded_sequence[name=a].recursive_slice[name=a]",
    );
    assert_both_ways(
        &item(
            &root,
            "content",
            &[("type", json!("folder")), ("name", json!("a"))],
        ),
        "content[type=folder][name=a]",
    );
    assert_both_ways(
        &item(
            &root,
            "items",
            &[("kind", json!("doc")), ("name", json!("b"))],
        ),
        "items[kind=doc][name=b]",
    );
    let dir = item(
        &root,
        "items",
        &[("kind", json!("dir")), ("name", json!("a"))],
    );
    assert_both_ways(
        &item(
            &dir,
            "items",
            &[("kind", json!("doc")), ("name", json!("x.txt"))],
        ),
        r"items[kind=dir][name=a].items[kind=doc][name=x\.txt]",
    );
    assert_both_ways(
        &item(
            &root,
            "content",
            &[("type", json!("file")), ("name", json!("a.txt"))],
        ),
        r"content[type=file][name=a\.txt]",
    );
    assert_both_ways(
        &item(&root, "items", &[("k", json!("x")), ("n", json!(1.5))]),
        r"items[k=x][n=1\.5]",
    );
}

/// Scenario 53: items named `x.y`, `p[q]`, `s=t`, `back\slash`, `1`,
/// `star*in`.
#[test]
fn scenario_53_escaping_of_item_names() {
    let root = DictPath::root();
    for (name, rendered) in [
        ("x.y", r"embedded_sequence[name=x\.y]"),
        ("p[q]", r"embedded_sequence[name=p\[q\]]"),
        ("s=t", r"embedded_sequence[name=s\=t]"),
        (r"back\slash", r"embedded_sequence[name=back\\slash]"),
        ("1", "embedded_sequence[name=1]"),
        ("star*in", r"embedded_sequence[name=star\*in]"),
    ] {
        let path = item(&root, "embedded_sequence", &[("name", json!(name))]);
        assert_both_ways(&path, rendered);
        let doc = json!({"embedded_sequence": [{"name": "other"}, {"name": name}]});
        assert_eq!(path.get(&doc).unwrap(), &json!({"name": name}));
    }
}

/// Gap 4 and scenario 54: the identities the reference renders wrongly or
/// crashes on get a path that designates the item (docs/dict-paths.md).
#[test]
fn identities_the_reference_gets_wrong_designate_their_item() {
    let root = DictPath::root();
    for (value, rendered) in [
        // The reference crashes ("The Wildcard ('*') can not be used").
        (json!("*"), r"items[k=\*]"),
        // The reference renders `items[k=\0]`, which means null.
        (json!(r"\0"), r"items[k=\\0]"),
        // The reference unescapes first and renders `items[k=a\.b]`.
        (json!(r"a\.b"), r"items[k=a\\\.b]"),
        // The reference renders `None`, which matches the string "None" only.
        (json!(null), r"items[k=\0]"),
        (json!("None"), "items[k=None]"),
    ] {
        let path = item(&root, "items", &[("k", value.clone())]);
        assert_both_ways(&path, rendered);
        let doc = json!({"items": [
            {"k": "*"}, {"k": r"\0"}, {"k": r"a\.b"}, {"k": null}, {"k": "None"}, {"k": "a.b"}
        ]});
        assert_eq!(path.get(&doc).unwrap(), &json!({"k": value}), "{rendered}");
    }
}

#[test]
fn reference_renderings_of_null_parse_as_the_reference_reads_them() {
    // Spec §5.5 rows rendered by the reference: `None` is text, `\0` is null.
    let none = p(r"items[k=None][n=1\.0]");
    assert_eq!(none.to_string(), r"items[k=None][n=1\.0]");
    let Section::Item { selectors, .. } = &none.sections()[0] else {
        panic!("an item section")
    };
    assert_eq!(selectors[0].value, SelectorValue::Text("None".into()));
    assert_eq!(selectors[1].value, SelectorValue::Text("1.0".into()));
    let null = p(r"items[k=\0]");
    assert_eq!(null.to_string(), r"items[k=\0]");
    let Section::Item { selectors, .. } = &null.sections()[0] else {
        panic!("an item section")
    };
    assert_eq!(selectors[0].value, SelectorValue::Null);
}

#[test]
fn identity_values_use_python_str() {
    let root = DictPath::root();
    for (value, rendered) in [
        (json!(true), "items[k=True]"),
        (json!(false), "items[k=False]"),
        (json!(12), "items[k=12]"),
        (json!(-3), "items[k=-3]"),
        (json!(1.0), r"items[k=1\.0]"),
        (json!(1e16), "items[k=1e+16]"),
        (json!(1e-5), "items[k=1e-05]"),
        (json!(["a", "b"]), r"items[k=\['a', 'b'\]]"),
        (json!({"a": 1}), "items[k={'a': 1}]"),
    ] {
        assert_both_ways(&item(&root, "items", &[("k", value)]), rendered);
    }
    // A float read from a file keeps the digits Python reads (serde_json needs
    // its `float_roundtrip` feature for this one).
    let read: Value = serde_json::from_str("1.0715660391465826e-75").unwrap();
    assert_both_ways(
        &item(&root, "items", &[("k", read)]),
        r"items[k=1\.0715660391465826e-75]",
    );
}

#[test]
fn keys_and_relations_are_escaped_too() {
    let path = DictPath::root()
        .child("a.b")
        .unwrap()
        .item("r[x]", [("k=", "v"), ("*", "w")])
        .unwrap()
        .child(r"\")
        .unwrap();
    assert_both_ways(&path, r"a\.b.r\[x\][k\==v][\*=w].\\");
}

#[test]
fn accepted_variants_read_like_their_canonical_form() {
    for (input, canonical) in [
        (".a.b", "a.b"),
        ("..unique_id", "unique_id"),
        ("a..b", "a.b"),
        ("a.", "a"),
        ("a[k=x.y]", r"a[k=x\.y]"),
        ("a[k=]", "a[k=]"),
        ("a b.é", "a b.é"),
        ("line\nbreak", "line\nbreak"),
    ] {
        assert_eq!(p(input).to_string(), canonical, "{input:?}");
    }
    assert_eq!(p("."), DictPath::root());
    assert_eq!(p("a[k=x.y]"), p(r"a[k=x\.y]"));
}

#[test]
fn wildcards_parse_in_wild_paths_only() {
    for input in ["*", "a.*.b", "a[k=*]", "a[*=1]", "a[*=*]"] {
        let wild = w(input);
        assert!(wild.has_wildcard(), "{input}");
        assert_eq!(wild.to_string(), input);
        let err = DictPath::parse(input).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::Wildcard, "{input}");
        assert!(wild.to_plain().is_err());
    }
    let wild = w("a[k=*]");
    let Section::Item { selectors, .. } = &wild.sections()[0] else {
        panic!("an item section")
    };
    assert_eq!(
        selectors[..],
        [Selector {
            key: Key::Name("k".into()),
            value: SelectorValue::Wildcard
        }]
    );
    // An escaped star is a literal star, anywhere.
    let literal = p(r"\*.a[\*=\*]");
    assert!(!literal.to_wild().has_wildcard());
    assert_eq!(
        WildDictPath::from(literal.clone()).to_plain().unwrap(),
        literal
    );
}

#[test]
fn parse_errors_name_the_problem_and_its_position() {
    for (input, column, kind) in [
        ("", 1, ParseErrorKind::Empty),
        ("..", 1, ParseErrorKind::Empty),
        (r"a\", 2, ParseErrorKind::DanglingEscape),
        (r"a\b", 2, ParseErrorKind::InvalidEscape('b')),
        ("a\\\nb", 2, ParseErrorKind::InvalidEscape('\n')),
        (r"a[k=\0x]", 5, ParseErrorKind::InvalidEscape('0')),
        (r"\0", 1, ParseErrorKind::InvalidEscape('0')),
        ("a]", 2, ParseErrorKind::Unexpected(']')),
        ("a=b", 2, ParseErrorKind::Unexpected('=')),
        ("a*", 2, ParseErrorKind::StarInName),
        ("*a", 1, ParseErrorKind::StarInName),
        ("a[k=**]", 5, ParseErrorKind::StarInName),
        ("a[k=v", 6, ParseErrorKind::UnclosedSelector),
        ("a[k", 4, ParseErrorKind::UnclosedSelector),
        ("a[k]", 4, ParseErrorKind::MissingEquals),
        ("[k=v]", 1, ParseErrorKind::MissingRelation),
        ("a[=v]", 3, ParseErrorKind::EmptySelectorKey),
        ("a[k.x=v]", 4, ParseErrorKind::Unexpected('.')),
        ("a[k=v[]", 6, ParseErrorKind::Unexpected('[')),
        ("a[k=v]b", 7, ParseErrorKind::TextAfterSelector),
        ("x.*[k=v]", 3, ParseErrorKind::WildcardRelation),
        (
            "a[k=1][k=2]",
            8,
            ParseErrorKind::DuplicateSelectorKey("k".into()),
        ),
        ("b.a[k=*]", 7, ParseErrorKind::Wildcard),
    ] {
        let err = DictPath::parse(input).unwrap_err();
        assert_eq!((err.column, &err.kind), (column, &kind), "{input:?}: {err}");
        assert_eq!(err.input, input);
    }
}

#[test]
fn parse_error_messages_quote_path_section_and_position() {
    let err = DictPath::parse("items[name=a].x]y").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid dict path `items[name=a].x]y`: unexpected `]`; write `\\]` for the literal \
         character (section `x]y`, character 16)"
    );
    let err = DictPath::parse("items[name=*].id").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid dict path `items[name=*].id`: the wildcard `*` is only allowed in wild paths \
         (used_values); write `\\*` for a literal star (section `items[name=*]`, character 12)"
    );
    let err = DictPath::parse(r"a[k=x.y\n]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid dict path `a[k=x.y\\n]`: `\\n` is not an escape: only `\\\\ \\[ \\] \\. \\* \\=` \
         are, and `\\0` only as a whole selector value (null) (section `a[k=x.y\\n]`, character 8)"
    );
}

#[test]
fn builders_refuse_what_the_syntax_cannot_write() {
    let root = DictPath::root();
    assert_eq!(root.child(""), Err(PathError::EmptyName));
    assert_eq!(
        root.item("items", Vec::<(&str, &str)>::new()),
        Err(PathError::NoSelectors {
            relation: "items".into()
        })
    );
    // A key equal to the discriminator (spec §4.6; refused by the schema).
    assert_eq!(
        root.item("items", [("kind", "a"), ("kind", "b")]),
        Err(PathError::DuplicateSelectorKey {
            relation: "items".into(),
            key: "kind".into()
        })
    );
    let wildcard = root.item("items", [("k", SelectorValue::Wildcard)]);
    assert_eq!(
        wildcard.unwrap_err().to_string(),
        "the wildcard `*` in `items[k=*]` is only allowed in wild paths (used_values); write \
         `\\*` for a literal star"
    );
    assert!(DictPath::from_sections([Section::Key(Key::Wildcard)]).is_err());
    assert!(WildDictPath::from_sections([Section::Key(Key::Wildcard)]).is_ok());
    // Text given to the builders is literal: `*` and `\0` are not special.
    let literal = root.item("items", [("k", "*"), ("n", r"\0")]).unwrap();
    assert_eq!(literal.to_string(), r"items[k=\*][n=\\0]");
    let null = root.item("items", [("k", None::<&str>)]).unwrap();
    assert_eq!(null.to_string(), r"items[k=\0]");
}

#[test]
fn parent_join_and_accessors() {
    let path = p("a[k=1].b.c");
    assert_eq!(path.parent(), p("a[k=1].b"));
    assert_eq!(path.parent().parent(), p("a[k=1]"));
    assert_eq!(p("a[k=1]").parent(), DictPath::root());
    assert_eq!(DictPath::root().parent(), DictPath::root());
    assert_eq!(p("a[k=1]").join(&p("b.c")), path);
    assert_eq!(DictPath::root().join(&path), path);
    assert!(DictPath::root().is_root());
    assert_eq!(path.last(), Some(&Section::Key(Key::Name("c".into()))));
    assert_eq!(path.sections()[0].mapping_key(), Some("a"));
}

#[test]
fn paths_serialise_as_their_rendering() {
    let path = p(r"items[name=a\.b].id");
    let json = serde_json::to_value(&path).unwrap();
    assert_eq!(json, json!(r"items[name=a\.b].id"));
    assert_eq!(serde_json::from_value::<DictPath>(json).unwrap(), path);
    assert!(serde_json::from_value::<DictPath>(json!("a[k=*]")).is_err());
    let wild: WildDictPath = serde_json::from_value(json!("a[k=*]")).unwrap();
    assert_eq!(serde_json::to_value(&wild).unwrap(), json!("a[k=*]"));
}
