//! The readers: what they read, what they refuse, and where they say the
//! problem is. Every position below was counted by hand on the text.

use git_ops_runtime::format::read::{ReadError, ReadErrorKind, read};
use git_ops_runtime::format::{Format, Position};
use serde_json::{Value, json};

fn ok(text: &str, format: Format) -> Value {
    match read(text.as_bytes(), format) {
        Ok(map) => Value::Object(map),
        Err(error) => panic!("{text:?} should read: {error}"),
    }
}

fn err(text: &str, format: Format) -> ReadError {
    match read(text.as_bytes(), format) {
        Ok(map) => panic!("{text:?} should be refused, read {map:?}"),
        Err(error) => error,
    }
}

fn at(line: usize, column: usize) -> Position {
    Position::new(line, column)
}

// JSON

#[test]
fn format_json_reads_mappings_and_null() {
    assert_eq!(
        ok("{\"a\": [1, 2.5, \"é\", null, true]}", Format::Json),
        json!({"a": [1, 2.5, "é", null, true]})
    );
    assert_eq!(ok("null", Format::Json), json!({}));
    assert_eq!(ok(" {} ", Format::Json), json!({}));
    // Key order is kept.
    let keys: Vec<String> = ok("{\"b\": 1, \"a\": 2}", Format::Json)
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["b", "a"]);
}

#[test]
fn format_json_syntax_errors_have_positions() {
    // The '}' after the trailing comma, column 9.
    let error = err("{\"a\": 1,}", Format::Json);
    assert_eq!(error.position, at(1, 9));
    assert!(
        matches!(&error.kind, ReadErrorKind::Syntax(m) if m == "trailing comma"),
        "{error}"
    );
    // "tru" then a line break: the line break (line 2, column 11) is where
    // serde_json finds the problem.
    let error = err("{\n  \"a\": tru\n}", Format::Json);
    assert_eq!(error.position, at(2, 11));
    // Columns count characters: "é" is one column, not two bytes.
    let error = err("{\"é\": x}", Format::Json);
    assert_eq!(error.position, at(1, 7));
    // An empty file is not JSON, as in the original.
    let error = err("", Format::Json);
    assert_eq!(error.position, at(1, 1));
    assert!(
        matches!(&error.kind, ReadErrorKind::Syntax(m) if m.contains("EOF")),
        "{error}"
    );
    // Python's json accepts NaN; JSON does not.
    assert_eq!(err("{\"a\": NaN}", Format::Json).position, at(1, 7));
}

#[test]
fn format_json_refuses_duplicate_keys_at_the_second() {
    let error = err("{\n  \"a\": 1,\n  \"a\": 2\n}", Format::Json);
    assert_eq!(error.position, at(3, 3));
    assert_eq!(
        error.kind,
        ReadErrorKind::DuplicateKey {
            key: "a".into(),
            first: at(2, 3)
        }
    );
    assert_eq!(
        error.to_string(),
        "line 3, column 3: duplicate key \"a\" (first at line 2, column 3)"
    );
    // Nested, and written with an escape: "\u0078" is "x".
    let error = err("{\"o\": {\"x\": 1, \"\\u0078\": 2}}", Format::Json);
    assert_eq!(
        error.kind,
        ReadErrorKind::DuplicateKey {
            key: "x".into(),
            first: at(1, 8)
        }
    );
    assert_eq!(error.position, at(1, 16));
}

#[test]
fn format_json_refuses_a_top_level_that_is_not_a_mapping() {
    let error = err("  [1]", Format::Json);
    assert_eq!(error.kind, ReadErrorKind::NotAMapping { found: "a list" });
    assert_eq!(error.position, at(1, 3));
    assert_eq!(err("\n\"s\"", Format::Json).position, at(2, 1));
    assert_eq!(
        err("1.5", Format::Json).kind,
        ReadErrorKind::NotAMapping { found: "a float" }
    );
}

#[test]
fn format_json_refuses_integers_a_value_cannot_hold() {
    assert_eq!(
        ok(
            "{\"a\": 18446744073709551615, \"b\": -9223372036854775808}",
            Format::Json
        ),
        json!({"a": u64::MAX, "b": i64::MIN})
    );
    let error = err("{\"a\": 1e19, \"b\": 18446744073709551616}", Format::Json);
    assert_eq!(error.position, at(1, 18));
    assert!(
        matches!(&error.kind, ReadErrorKind::Unrepresentable { text, .. } if text == "18446744073709551616")
    );
    // A float that large is fine.
    assert_eq!(ok("{\"a\": 1e19}", Format::Json), json!({"a": 1e19}));
}

#[test]
fn format_json_refuses_invalid_utf8() {
    let error = read(b"{\"a\":\n \"\xff\"}", Format::Json).unwrap_err();
    assert_eq!(error.kind, ReadErrorKind::InvalidUtf8);
    assert_eq!(error.position, at(2, 3));
}

// YAML

#[test]
fn format_yaml_reads_scalars_as_pyyaml_does() {
    // Each expected value checked with PyYAML 6.0.4 safe_load.
    let text = "\
b1: yes\nb2: Off\nb3: y\nn1: ~\nn2:\nn3: Null\n\
i1: 0644\ni2: 1_000\ni3: 1:30\ni4: 0x1F\ni5: 0b101\ni6: -0\ni7: 09\ni8: 0o17\ni9: +12\n\
f1: 1.5\nf2: 1e5\nf3: 1.0e+5\nf4: .5\nf5: 1:30.5\nf6: -0.0\n\
s1: '1'\ns2: \"yes\"\ns3: !!str 12\ns4: 2024-01-10\ns5: 2001-12-14 21:59:43.10 -5\n\
t1: ! 12\nt2: !!int \"42\"\nt3: !!float \"1\"\nt4: !!null abc\n";
    assert_eq!(
        ok(text, Format::Yaml),
        json!({
            "b1": true, "b2": false, "b3": "y", "n1": null, "n2": null, "n3": null,
            "i1": 420, "i2": 1000, "i3": 90, "i4": 31, "i5": 5, "i6": 0, "i7": "09", "i8": "0o17", "i9": 12,
            "f1": 1.5, "f2": "1e5", "f3": 100000.0, "f4": 0.5, "f5": 90.5, "f6": -0.0,
            "s1": "1", "s2": "yes", "s3": "12", "s4": "2024-01-10", "s5": "2001-12-14 21:59:43.10 -5",
            "t1": 12, "t2": 42, "t3": 1.0, "t4": null,
        })
    );
}

#[test]
fn format_yaml_empty_documents_are_empty_mappings() {
    for text in [
        "",
        "\n",
        "# only a comment\n",
        "---\n",
        "--- ~\n",
        "null\n",
        "...\n",
    ] {
        assert_eq!(ok(text, Format::Yaml), json!({}), "{text:?}");
    }
}

#[test]
fn format_yaml_syntax_errors_have_positions() {
    // The parser points at the bracket that is never closed.
    let error = err("a: [1\n", Format::Yaml);
    assert!(
        matches!(&error.kind, ReadErrorKind::Syntax(m) if m.contains("unclosed")),
        "{error}"
    );
    assert_eq!(error.position, at(1, 4), "{error}");
    let error = err("a: 1\n b: 2\n", Format::Yaml);
    assert!(matches!(error.kind, ReadErrorKind::Syntax(_)), "{error}");
    assert_eq!(error.position, at(2, 3), "{error}");
    let error = err("a: *missing\n", Format::Yaml);
    assert_eq!(error.position, at(1, 4), "{error}");
}

#[test]
fn format_yaml_refuses_duplicate_keys() {
    let error = err("a: 1\nb: 2\na: 3\n", Format::Yaml);
    assert_eq!(
        error.kind,
        ReadErrorKind::DuplicateKey {
            key: "a".into(),
            first: at(1, 1)
        }
    );
    assert_eq!(error.position, at(3, 1));
    // In a list item, in flow style, and spelled differently.
    let error = err(
        "content:\n- path: /a\n  mode: 1\n  'path': /b\n",
        Format::Yaml,
    );
    assert_eq!(
        error.kind,
        ReadErrorKind::DuplicateKey {
            key: "path".into(),
            first: at(2, 3)
        }
    );
    assert_eq!(error.position, at(4, 3));
    let error = err("x: {a: 1, \"a\": 2}\n", Format::Yaml);
    assert_eq!(error.position, at(1, 11));
}

#[test]
fn format_yaml_refuses_a_top_level_that_is_not_a_mapping() {
    let error = err("- 1\n- 2\n", Format::Yaml);
    assert_eq!(error.kind, ReadErrorKind::NotAMapping { found: "a list" });
    assert_eq!(error.position, at(1, 1));
    let error = err("# header\n  just text\n", Format::Yaml);
    assert_eq!(error.kind, ReadErrorKind::NotAMapping { found: "a string" });
    assert_eq!(error.position, at(2, 3));
    let error = err("a: 1\n---\nb: 2\n", Format::Yaml);
    assert_eq!(error.kind, ReadErrorKind::MultipleDocuments);
    assert_eq!(error.position, at(2, 1));
}

#[test]
fn format_yaml_refuses_keys_that_are_not_strings() {
    let cases = [
        ("1: a\n", "1", "an integer"),
        ("on: push\n", "true", "a boolean"),
        ("~: a\n", "null", "null"),
        ("x:\n  1.5: a\n", "1.5", "a float"),
        ("[a, b]: c\n", "a list", "a list"),
    ];
    for (text, key, kind) in cases {
        let error = err(text, Format::Yaml);
        assert_eq!(
            error.kind,
            ReadErrorKind::NonStringKey {
                text: key.into(),
                found: kind
            },
            "{text:?}"
        );
    }
    assert_eq!(err("x:\n  1.5: a\n", Format::Yaml).position, at(2, 3));
    // Quoted, they are strings.
    assert_eq!(
        ok("'1': a\n\"on\": b\n", Format::Yaml),
        json!({"1": "a", "on": "b"})
    );
}

#[test]
fn format_yaml_refuses_values_json_cannot_hold() {
    for (text, position) in [
        ("x: .inf\n", at(1, 4)),
        ("x: [-.Inf]\n", at(1, 5)),
        ("x: .NaN\n", at(1, 4)),
        ("x: 1.0e+400\n", at(1, 4)),
        ("x: 18446744073709551616\n", at(1, 4)),
        ("x:\n  - -9223372036854775809\n", at(2, 5)),
    ] {
        let error = err(text, Format::Yaml);
        assert!(
            matches!(error.kind, ReadErrorKind::Unrepresentable { .. }),
            "{text:?}: {error}"
        );
        assert_eq!(error.position, position, "{text:?}");
    }
    assert_eq!(
        ok(
            "x: 18446744073709551615\ny: -9223372036854775808\n",
            Format::Yaml
        ),
        json!({"x": u64::MAX, "y": i64::MIN})
    );
    for (text, tag) in [
        ("x: !!binary aGk=\n", "!!binary"),
        ("x: !!set {a}\n", "!!set"),
        ("x: !custom 1\n", "!custom"),
    ] {
        assert_eq!(
            err(text, Format::Yaml).kind,
            ReadErrorKind::UnsupportedTag(tag.into()),
            "{text:?}"
        );
    }
    let error = err("x: !!int abc\n", Format::Yaml);
    assert_eq!(
        error.kind,
        ReadErrorKind::InvalidScalar {
            text: "abc".into(),
            expected: "an integer"
        }
    );
}

#[test]
fn format_yaml_refuses_what_yaml_1_1_and_1_2_read_differently() {
    let error = err("a: x\u{2028}y\n", Format::Yaml);
    assert_eq!(error.kind, ReadErrorKind::AmbiguousLineBreak('\u{2028}'));
    assert_eq!(error.position, at(1, 5));
    let error = err("a: \u{7}\n", Format::Yaml);
    assert_eq!(error.kind, ReadErrorKind::NonPrintable('\u{7}'));
    assert_eq!(error.position, at(1, 4));
    // Escaped, they are fine.
    assert_eq!(
        ok("a: \"x\\Ly\\a\"\n", Format::Yaml),
        json!({"a": "x\u{2028}y\u{7}"})
    );
    for text in ["a: <<\n", "a: [=]\n"] {
        assert!(
            matches!(
                err(text, Format::Yaml).kind,
                ReadErrorKind::ReservedScalar(_)
            ),
            "{text:?}"
        );
    }
    // `=` as a key is a string for PyYAML too.
    assert_eq!(ok("=: a\n", Format::Yaml), json!({"=": "a"}));
}

#[test]
fn format_yaml_expands_anchors_and_aliases() {
    let text = "base: &b {port: 22, tags: [a]}\ncopy: *b\nlist: [*b, &s text, *s]\n";
    assert_eq!(
        ok(text, Format::Yaml),
        json!({
            "base": {"port": 22, "tags": ["a"]},
            "copy": {"port": 22, "tags": ["a"]},
            "list": [{"port": 22, "tags": ["a"]}, "text", "text"],
        })
    );
    let error = err("a: &x 1\nb: &x 2\n", Format::Yaml);
    assert_eq!(
        error.kind,
        ReadErrorKind::DuplicateAnchor {
            name: "x".into(),
            first: at(1, 4)
        }
    );
    assert_eq!(error.position, at(2, 4));
    let error = err("a: &x [1, *x]\n", Format::Yaml);
    assert_eq!(error.kind, ReadErrorKind::RecursiveAlias);
    assert_eq!(error.position, at(1, 11));
}

#[test]
fn format_yaml_stops_alias_bombs() {
    // "Billion laughs": ten times ten times ... the list `a`.
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (previous, name) = (pair[0], pair[1]);
        let items = vec![format!("*{previous}"); 10].join(", ");
        text.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    let error = err(&text, Format::Yaml);
    assert_eq!(
        error.kind,
        ReadErrorKind::TooManyNodes(1_000_000),
        "{error}"
    );
    // Copies counted by hand, anchors kept and aliases expanded: `a` 11
    // nodes; `b` 10 x 11 + 111 = 232 in all; `c` 10 x 111 + 1111 -> 2453;
    // `d` -> 24674; `e` -> 246895; then each `*e` adds 111111: the 7th
    // crosses 1 000 000, at line 6, column 8 + 6 x 4.
    assert_eq!(error.position, at(6, 32));
}

/// A text holding one anchored string of `len` bytes and `aliases` aliases
/// to it, one per line:
///
/// ```text
/// big: &s xxx...x
/// list:
/// - *s
/// ```
fn aliased_string(len: usize, aliases: usize) -> String {
    let mut text = format!("big: &s {}\nlist:\n", "x".repeat(len));
    text.push_str(&"- *s\n".repeat(aliases));
    text
}

#[test]
fn format_yaml_bounds_what_aliases_copy_by_bytes() {
    // One 1 MiB string aliased 10 000 times would take 10 GB: refused at
    // the alias that crosses the bound, after copying at most the bound.
    let text = aliased_string(1 << 20, 10_000);
    // 8 + 1048576 + 1 bytes on line 1, 6 on line 2, 5 per alias.
    assert_eq!(text.len(), 1_098_591);
    let error = err(&text, Format::Yaml);
    // Ten times the file's size.
    assert_eq!(
        error.kind,
        ReadErrorKind::AliasesTooLarge { limit: 10_985_910 }
    );
    // The anchored string is kept (1 MiB), each alias copies 1 MiB:
    // (1 + k) MiB > 10 985 910 bytes first for k = 10, on line 2 + 10.
    assert_eq!(error.position, at(12, 3));
    assert_eq!(
        error.to_string(),
        "line 12, column 3: anchors and aliases expand to more than 10985910 bytes of text \
         (the bound is 10 times the file's size, at least 1 MiB): use fewer aliases"
    );
    // Nine aliases are within the bound: expanded.
    let doc = ok(&aliased_string(1 << 20, 9), Format::Yaml);
    let list = doc["list"].as_array().unwrap();
    assert_eq!(list.len(), 9);
    assert!(list.iter().all(|item| item == &doc["big"]));

    // A small file may copy up to 1 MiB: a 100-byte string 10 000 times
    // (1 000 100 bytes with the anchor) reads ...
    let doc = ok(&aliased_string(100, 10_000), Format::Yaml);
    assert_eq!(doc["list"].as_array().unwrap().len(), 10_000);
    // ... 10 485 times (1 048 600 > 1 048 576) does not: the file, 100 115
    // bytes (109 + 6 + 20 000 x 5), is below a tenth of 1 MiB.
    let error = err(&aliased_string(100, 20_000), Format::Yaml);
    assert_eq!(
        error.kind,
        ReadErrorKind::AliasesTooLarge { limit: 1_048_576 }
    );
    assert_eq!(error.position, at(2 + 10_485, 3));
}

#[test]
fn format_yaml_bounds_anchors_nested_in_anchors() {
    // No alias at all, but each anchor keeps a copy of what it holds: 200
    // nested anchors around a 100 000-byte string would copy 20 MB. The
    // file is 101 494 bytes: the bound is the 1 MiB floor, crossed by the
    // 11th anchor kept (11 x 100 000 > 1 048 576), `&a189` counting from
    // the innermost `&a199`, whose node is complete first.
    let depth = 200;
    let mut text = String::from("k: ");
    for i in 0..depth {
        text.push_str(&format!("&a{i} ["));
    }
    text.push_str(&"x".repeat(100_000));
    text.push_str(&"]".repeat(depth));
    text.push('\n');
    assert_eq!(text.len(), 101_494);
    let error = err(&text, Format::Yaml);
    assert_eq!(
        error.kind,
        ReadErrorKind::AliasesTooLarge { limit: 1_048_576 }
    );
    // At the anchor: `&a189` comes after "k: ", 10 x "&aN [" (5 bytes),
    // 90 x "&aNN [" (6 bytes) and 89 x "&aNNN [" (7 bytes): column
    // 1 + 3 + 50 + 540 + 623.
    assert_eq!(error.position, at(1, 1217));
    // Ten levels are fine.
    let mut text = String::from("k: ");
    for i in 0..10 {
        text.push_str(&format!("&a{i} ["));
    }
    text.push_str(&"x".repeat(100_000));
    text.push_str(&"]".repeat(10));
    text.push('\n');
    let mut value = &ok(&text, Format::Yaml)["k"];
    for _ in 0..10 {
        value = &value[0];
    }
    assert_eq!(value.as_str().map(str::len), Some(100_000));
}

#[test]
fn format_yaml_merges_keys_like_pyyaml_6() {
    // Expected values and key order checked with PyYAML 6.0.4.
    let text = "base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n  c: 4\n";
    assert_eq!(
        ok(text, Format::Yaml)["derived"],
        json!({"a": 1, "b": 3, "c": 4})
    );
    let text = "m:\n  z: 0\n  <<: {x: 1, y: 2}\n  y: 3\n";
    let m = ok(text, Format::Yaml)["m"].clone();
    assert_eq!(m, json!({"x": 1, "y": 3, "z": 0}));
    let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["x", "y", "z"]);
    let text = "one: &one {a: 1}\ntwo: &two {b: 2}\nm:\n  <<: [*one, *two]\n";
    let keys: Vec<String> = ok(text, Format::Yaml)["m"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["a", "b"]);
    // Two sources disagree and the mapping does not decide: refused.
    let text = "one: &one {x: 1}\ntwo: &two {x: 2}\nm:\n  <<: [*one, *two]\n";
    let error = err(text, Format::Yaml);
    assert_eq!(error.kind, ReadErrorKind::MergeConflict { key: "x".into() });
    assert_eq!(error.position, at(4, 7));
    let text = "one: &one {x: 1}\ntwo: &two {x: 2}\nm:\n  <<: [*one, *two]\n  x: 3\n";
    assert_eq!(ok(text, Format::Yaml)["m"], json!({"x": 3}));
    assert_eq!(
        err("m:\n  <<: [a]\n", Format::Yaml).kind,
        ReadErrorKind::InvalidMerge { found: "a string" }
    );
    // Quoted, `<<` is an ordinary key.
    assert_eq!(ok("'<<': a\n", Format::Yaml), json!({"<<": "a"}));
}

#[test]
fn format_yaml_block_scalars_and_folding() {
    let text = "a: |\n  one\n  two\nb: >\n  one\n  two\n\n  three\nc: |-\n  x\nd: \"p \\\n  q\"\ne: 'r\n\n  s'\nf: |\n  end";
    assert_eq!(
        ok(text, Format::Yaml),
        json!({"a": "one\ntwo\n", "b": "one two\nthree\n", "c": "x", "d": "p q", "e": "r\ns", "f": "end"})
    );
}
