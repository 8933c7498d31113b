//! Differential test against inmanta-core's `inmanta.util.dict_path`, the
//! original implementation: thousands of generated cases, one Python run
//! (`dictpath_reference.py`), compared outcome by outcome.
//!
//! - parse: arbitrary strings parse to the same sections, or fail in both,
//!   except for the two documented leniencies;
//! - render: arbitrary literal paths render to the same text, and
//!   inmanta-core reads our rendering back as the same literals;
//! - identity: Python `str()` of arbitrary JSON values, and item paths built
//!   from them equal the original's except in the documented gap cases, where
//!   inmanta-core reads ours as the exact value;
//! - lookup, wild walk (`used_values`) and set on generated documents: equal
//!   to inmanta-core with the two documented matching decisions, and equal
//!   to the unmodified inmanta-core on documents without booleans.
//!
//! Needs the virtualenv of `scripts/setup-venv` (`GIT_OPS_VENV`, default
//! `.venv` in the workspace root); fails, saying so, when it is missing.

mod dictpath_support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use dictpath_support::{path_like_string, sample, value_text, wild_path};
use git_ops_runtime::dictpath::{
    DictPath, Key, LookupErrorKind, Section, Selector, SelectorValue, WildDictPath, identity_value,
    is_special, python_str,
};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn python() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let venv = std::env::var_os("GIT_OPS_VENV").map_or_else(|| root.join(".venv"), PathBuf::from);
    let python = venv.join("bin").join("python");
    assert!(
        python.exists(),
        "{} is missing: this test runs inmanta-core's dict_path. Run `scripts/setup-venv` \
         (or set GIT_OPS_VENV to a virtualenv with inmanta-core 14.0.0).",
        python.display()
    );
    python
}

fn run_reference(cases: &Value) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dictpath_reference.py");
    let mut child = Command::new(python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the reference Python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(cases.to_string().as_bytes())
        .expect("send the cases");
    let output = child.wait_with_output().expect("run the reference Python");
    assert!(
        output.status.success(),
        "the reference script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the reference answers JSON")
}

fn enc_key(key: &Key) -> Value {
    match key {
        Key::Name(name) => json!({"text": &**name}),
        Key::Wildcard => json!("*"),
    }
}

/// Sections in the shape `structure()` of the reference script writes.
fn enc_sections(sections: &[Section]) -> Value {
    sections
        .iter()
        .map(|section| match section {
            Section::Key(key) => json!({"key": enc_key(key)}),
            Section::Item {
                relation,
                selectors,
            } => json!({
                "relation": &**relation,
                "selectors": selectors.iter().map(|s| json!([
                    enc_key(&s.key),
                    match &s.value {
                        SelectorValue::Text(text) => json!({"text": &**text}),
                        SelectorValue::Null => json!("null"),
                        SelectorValue::Wildcard => json!("*"),
                    },
                ])).collect::<Vec<_>>(),
            }),
        })
        .collect()
}

fn ok(outcome: &Value) -> Option<&Value> {
    outcome.get("ok")
}

fn assert_expected_error(outcome: &Value, context: &str) {
    let err = outcome["err"].as_str().unwrap_or_default();
    assert!(
        !err.is_empty() && !err.starts_with("unexpected"),
        "{context}: the reference answered {outcome}"
    );
}

/// Whether `text` has an unescaped `.` inside a selector value (our
/// extension: inmanta-core cuts the section there).
fn has_bare_dot_in_value(text: &str) -> bool {
    let mut chars = text.chars();
    let mut in_value = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '=' => in_value = true,
            ']' => in_value = false,
            '.' if in_value => return true,
            _ => {}
        }
    }
    false
}

/// Whether `text` has a `\` at its end or before a line break, which
/// inmanta-core's splitter silently drops and we refuse.
fn has_dropped_backslash(text: &str) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                None | Some('\n') => return true,
                Some(_) => {}
            }
        }
    }
    false
}

// ----------------------------------------------------------------------------
// Generated documents and paths for lookups.

fn leaf() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(2),
        json!(1.0),
        json!(1.5),
        json!("1"),
        json!("1.0"),
        json!("a"),
        json!("b"),
        json!("None"),
        json!("True"),
        json!("x.y"),
        json!("*"),
    ])
}

const KEYS: [&str; 5] = ["a", "b", "l", "k", "n"];

fn document() -> impl Strategy<Value = Value> {
    let node = leaf().prop_recursive(3, 32, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((prop::sample::select(KEYS.to_vec()), inner), 0..4)
                .prop_map(|pairs| Value::Object(to_map(pairs))),
        ]
    });
    vec((prop::sample::select(KEYS.to_vec()), node), 0..5).prop_map(|p| Value::Object(to_map(p)))
}

fn to_map(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn lookup_section() -> impl Strategy<Value = Section> {
    let key = prop::sample::select(vec!["a", "b", "l", "k", "n", "*"]).prop_map(|k| match k {
        "*" => Key::Wildcard,
        name => Key::Name(name.into()),
    });
    let value = prop::sample::select(vec![
        "1", "1.0", "0", "2", "1.5", "a", "b", "None", "True", "False", "x.y", "\\0", "*",
    ])
    .prop_map(|v| match v {
        "*" => SelectorValue::Wildcard,
        "\\0" => SelectorValue::Null,
        text => SelectorValue::Text(text.into()),
    });
    let relation = prop::sample::select(vec!["a", "b", "l", "n"]);
    prop_oneof![
        key.clone().prop_map(Section::Key),
        (relation, vec((key, value), 1..3)).prop_map(|(relation, pairs)| {
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
        }),
    ]
}

fn lookup_path() -> impl Strategy<Value = WildDictPath> {
    vec(lookup_section(), 0..4).prop_map(|s| WildDictPath::from_sections(s).unwrap())
}

fn has_bool(value: &Value) -> bool {
    match value {
        Value::Bool(_) => true,
        Value::Array(items) => items.iter().any(has_bool),
        Value::Object(map) => map.values().any(has_bool),
        _ => false,
    }
}

// ----------------------------------------------------------------------------
// Generated JSON values for identities.

fn identity_json() -> impl Strategy<Value = Value> {
    let string = prop_oneof![
        3 => value_text(),
        1 => prop::sample::select(vec![
            "*", "\\0", "None", "True", "a\\.b", "\\\\", "\\*", "it's", "say \"hi\"", "both '\"",
            "\u{0}\t\r\u{7f}\u{a0}\u{200b}\u{2028}\u{e000}\u{10ffff}", "日本", "",
        ]).prop_map(str::to_owned),
    ]
    .prop_map(Value::String);
    let number = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-3i64..20).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        (-40i32..40, -5i64..5).prop_map(|(e, m)| Value::from(m as f64 * 10f64.powi(e))),
        (-8i64..8).prop_map(|n| Value::from(n as f64 / 4.0)),
    ];
    let leaf = prop_oneof![
        4 => string,
        4 => number,
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ];
    leaf.prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(Value::Array),
            vec((value_text(), inner), 0..3)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Whether the reference mis-renders an identity (gap 4): null, `*`, `\0`,
/// or a `\` before a special character.
fn is_identity_gap(value: &Value) -> bool {
    let text = python_str(value);
    let chars: Vec<char> = text.chars().collect();
    value.is_null()
        || text == "*"
        || text == "\\0"
        || chars.windows(2).any(|w| w[0] == '\\' && is_special(w[1]))
}

// ----------------------------------------------------------------------------

#[test]
fn same_behaviour_as_inmanta_core() {
    let mut parse_inputs = sample(path_like_string(), 4000);
    parse_inputs.extend(
        [
            ".",
            "",
            "..",
            "..a",
            "a..b",
            "a.",
            "a\\",
            "a\\\nb",
            "a[k=x.y]",
            "a[k=]",
            "a[k=\\0]",
            "*",
            "a[*=*]",
            "a[k=1][k=2]",
            "\\0",
            "*[k=v]",
            "a[k=v]b",
            "[k=v]",
        ]
        .map(str::to_owned),
    );
    let render_paths = sample(wild_path(), 1500);
    // Identity values as the store gets them: read from JSON text.
    let identity_texts: Vec<String> = sample(identity_json(), 2000)
        .iter()
        .map(Value::to_string)
        .collect();
    let identities: Vec<Value> = identity_texts
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect();
    let mut lookup_cases = sample((document(), lookup_path()), 3000);
    // Where the matching decisions show: numbers against booleans.
    let booleans = json!({"l": [{"k": true, "n": 1}, {"k": 1, "n": 2}, {"k": false, "n": 3}]});
    for path in [
        "l[k=1].n",
        "l[k=1\\.0].n",
        "l[k=0].n",
        "l[k=True].n",
        "l[k=*].n",
        "l[*=1].n",
    ] {
        lookup_cases.push((booleans.clone(), WildDictPath::parse(path).unwrap()));
    }
    let mut set_cases = sample((document(), lookup_path(), leaf()), 2000)
        .into_iter()
        .filter_map(|(doc, path, value)| Some((doc, path.to_plain().ok()?, value)))
        .collect::<Vec<_>>();
    // Several items matching the last section, an intermediate one, booleans.
    let twice = json!({"l": [{"k": 1}, {"k": 1}, {"k": true}]});
    for path in ["l[k=1]", "l[k=1].x", "l[k=True].x", "l[k=2].x"] {
        set_cases.push((twice.clone(), DictPath::parse(path).unwrap(), json!(5)));
    }

    let identity_paths: Vec<DictPath> = identities
        .iter()
        .map(|v| {
            DictPath::root()
                .item("items", [("k", identity_value(v))])
                .unwrap()
        })
        .collect();
    let cases = json!({
        "parse": parse_inputs,
        "render": render_paths.iter().map(|p| json!({
            "sections": enc_sections(p.sections()),
            "rust": p.render(),
        })).collect::<Vec<_>>(),
        "identity": identity_texts.iter().zip(&identity_paths).map(|(text, p)| json!({
            "json": text,
            "rust": p.render(),
        })).collect::<Vec<_>>(),
        "lookup": lookup_cases.iter().map(|(doc, path)| json!({
            "doc": doc, "path": path.render(), "plain": !path.has_wildcard(),
        })).collect::<Vec<_>>(),
        "set": set_cases.iter().map(|(doc, path, value)| json!({
            "doc": doc, "path": path.render(), "value": value,
        })).collect::<Vec<_>>(),
    });
    let reference = run_reference(&cases);

    check_parse(&parse_inputs, &reference["parse"]);
    check_render(&render_paths, &reference["render"]);
    check_identity(&identities, &identity_paths, &reference["identity"]);
    check_lookup(
        &lookup_cases,
        &reference["lookup_adjusted"],
        &reference["lookup_original"],
    );
    check_set(
        &set_cases,
        &reference["set_adjusted"],
        &reference["set_original"],
    );
}

fn check_parse(inputs: &[String], reference: &Value) {
    let (mut both_ok, mut both_err, mut extensions, mut stricter) = (0, 0, 0, 0);
    for (input, outcome) in inputs.iter().zip(reference.as_array().unwrap()) {
        for (wild, theirs) in [(false, &outcome["plain"]), (true, &outcome["wild"])] {
            let ours = if wild {
                WildDictPath::parse(input).map(|p| enc_sections(p.sections()))
            } else {
                DictPath::parse(input).map(|p| enc_sections(p.sections()))
            };
            let context = format!("parse {input:?} (wild: {wild})");
            match (ours, ok(theirs)) {
                (Ok(ours), Some(theirs)) => {
                    assert_eq!(&ours, theirs, "{context}");
                    both_ok += 1;
                }
                (Err(_), None) => {
                    assert_expected_error(theirs, &context);
                    both_err += 1;
                }
                (Ok(_), None) => {
                    assert!(
                        has_bare_dot_in_value(input),
                        "{context}: we accept, inmanta-core refuses: {theirs}"
                    );
                    extensions += 1;
                }
                (Err(err), Some(theirs)) => {
                    assert!(
                        has_dropped_backslash(input),
                        "{context}: we refuse ({err}), inmanta-core reads {theirs}"
                    );
                    stricter += 1;
                }
            }
        }
    }
    eprintln!(
        "parse: {both_ok} same path, {both_err} both refused, {extensions} unescaped dots in \
         values accepted, {stricter} dangling backslashes refused"
    );
    assert!(both_ok > 1000 && both_err > 1000 && extensions > 0 && stricter > 0);
}

fn check_render(paths: &[WildDictPath], reference: &Value) {
    for (path, outcome) in paths.iter().zip(reference.as_array().unwrap()) {
        assert_eq!(outcome["rendered"], json!(path.render()), "render {path:?}");
        assert_eq!(
            ok(&outcome["reparsed"]),
            Some(&enc_sections(path.sections())),
            "inmanta-core reading {path}"
        );
    }
}

fn check_identity(values: &[Value], paths: &[DictPath], reference: &Value) {
    let mut gaps = 0;
    for ((value, path), outcome) in values.iter().zip(paths).zip(reference.as_array().unwrap()) {
        assert_eq!(outcome["str"], json!(python_str(value)), "str({value})");
        let expected = match identity_value(value) {
            SelectorValue::Null => json!("null"),
            SelectorValue::Text(text) => json!({"text": &*text}),
            SelectorValue::Wildcard => unreachable!(),
        };
        assert_eq!(
            ok(&outcome["reparsed"]),
            Some(&json!([{"relation": "items", "selectors": [[{"text": "k"}, expected]]}])),
            "inmanta-core reading {path} (for {value})"
        );
        if is_identity_gap(value) {
            gaps += 1;
        } else {
            assert_eq!(
                ok(&outcome["path"]),
                Some(&json!(path.render())),
                "path of {value}"
            );
        }
    }
    eprintln!(
        "identity: {} values, {gaps} in the documented gap cases",
        values.len()
    );
    assert!(gaps > 10);
}

fn check_lookup(cases: &[(Value, WildDictPath)], adjusted: &Value, original: &Value) {
    let (mut found, mut walked, mut differ) = (0, 0, 0);
    let outcomes = adjusted
        .as_array()
        .unwrap()
        .iter()
        .zip(original.as_array().unwrap());
    for ((doc, path), (theirs, original)) in cases.iter().zip(outcomes) {
        let context = format!("{path} in {doc}");
        if theirs != original {
            assert!(
                has_bool(doc),
                "{context}: {theirs} but inmanta-core {original}"
            );
            differ += 1;
        }
        if let Ok(plain) = path.to_plain() {
            let ours = plain.get(doc);
            match (ours, ok(&theirs["get"])) {
                (Ok(ours), Some(theirs)) => {
                    assert_eq!(ours, theirs, "get {context}");
                    found += 1;
                }
                (Err(err), None) => {
                    assert_expected_error(&theirs["get"], &context);
                    if theirs["get"]["err"] == "structure" {
                        assert_eq!(err.kind(), LookupErrorKind::Structure, "{context}");
                    }
                }
                (ours, _) => panic!(
                    "get {context}: ours {ours:?}, inmanta-core {}",
                    theirs["get"]
                ),
            }
        }
        match (path.find_all(doc), ok(&theirs["walk"])) {
            (Ok(ours), Some(theirs)) => {
                let ours: Vec<Value> = ours.into_iter().cloned().collect();
                assert_eq!(&json!(ours), theirs, "walk {context}");
                walked += usize::from(!ours.is_empty());
            }
            (Err(err), None) => {
                assert_eq!(theirs["walk"]["err"], "structure", "walk {context}: {err}");
                assert_eq!(err.kind(), LookupErrorKind::Structure, "walk {context}");
            }
            (ours, _) => panic!(
                "walk {context}: ours {ours:?}, inmanta-core {}",
                theirs["walk"]
            ),
        }
    }
    eprintln!(
        "lookup: {} cases, {found} values found, {walked} non-empty walks, {differ} differ from \
         unmodified inmanta-core (booleans)",
        cases.len()
    );
    assert!(found > 100 && walked > 300 && differ > 0);
}

fn check_set(cases: &[(Value, DictPath, Value)], adjusted: &Value, original: &Value) {
    let (mut set, mut ambiguous) = (0, 0);
    let outcomes = adjusted
        .as_array()
        .unwrap()
        .iter()
        .zip(original.as_array().unwrap());
    for ((doc, path, value), (theirs, original)) in cases.iter().zip(outcomes) {
        let context = format!("set {path} = {value} in {doc}");
        if theirs != original {
            assert!(
                has_bool(doc),
                "{context}: {theirs} but inmanta-core {original}"
            );
        }
        let mut ours = doc.clone();
        match (path.set(&mut ours, value.clone()), ok(theirs)) {
            (Ok(()), Some(theirs)) => {
                assert_eq!(&ours, theirs, "{context}");
                set += 1;
            }
            (Err(_), None) => assert_expected_error(theirs, &context),
            (Err(err), Some(_))
                if err.kind() == LookupErrorKind::Ambiguous
                    && err.section_number == path.sections().len() =>
            {
                // Documented: inmanta-core appends when several items match.
                ambiguous += 1;
            }
            (ours, _) => panic!("{context}: ours {ours:?}, inmanta-core {theirs}"),
        }
    }
    eprintln!(
        "set: {} cases, {set} same result, {ambiguous} ambiguous refused",
        cases.len()
    );
    assert!(set > 300 && ambiguous > 0);
}
