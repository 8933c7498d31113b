//! Our writers and YAML reader against the real Python `json` and PyYAML.
//!
//! Thousands of generated documents (see format_support/strategies.rs) and a
//! hand-written corpus go to Python in one batch; every output must be the
//! same bytes, and every YAML text must read as PyYAML's `safe_load` reads
//! it (or be refused where we refuse on purpose, see docs/formats.md).
//!
//! `GIT_OPS_DIFF_CASES` (default 3000) and `GIT_OPS_DIFF_SEED` (default
//! fixed, so CI is reproducible) change the generated batch.

mod format_support;

use std::fmt::Write as _;

use git_ops_runtime::format::read::{ReadErrorKind, read};
use git_ops_runtime::format::{Format, json, yaml};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use format_support::strategies;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner() -> TestRunner {
    let seed = env_number("GIT_OPS_DIFF_SEED", 20_240_110);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

fn sample<S: Strategy>(strategy: S, count: usize) -> Vec<S::Value> {
    let mut runner = runner();
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("generate a case")
                .current()
        })
        .collect()
}

/// Hand-written documents: each a case a reader can check by eye.
fn corpus() -> Vec<Value> {
    let mut docs = vec![
        json!({}),
        json!([]),
        json!(null),
        json!("top-level string"),
        json!(12),
        json!([1, [2, [3, []]], {"a": {}}]),
        json!({"vid": 10, "label": null, "mtu": 1500.0, "enabled": true, "ports": [], "extra": {}}),
        json!({"applied": ["2024-01-10-add-mtu", "2024-02-01-rename-label"]}),
        json!({"content": [{"path": "/etc", "mode": "0644", "owner": "root"}, {"path": "/tmp"}]}),
        json!({"nested": [[1, 2], [], [[]], [{}], {"a": [{"b": [1]}]}]}),
        json!({"": "", " ": " ", "a b": "c d", "key: colon": "v", "#": "#", "- dash": "-"}),
        json!({"k".repeat(127): 1, "k".repeat(128): 2, "é".repeat(64): 3}),
        json!({"multi\nline key": "multi\nline value", "tab\tkey": "tab\tvalue"}),
        json!({"ints": [0, -1, i64::MIN, i64::MAX, u64::MAX], "floats": [0.0, -0.0, 1e16, 1e-5, 0.1, 1.5e300]}),
    ];
    // Long strings around the fold width, plain and quoted, at two depths.
    for n in [70, 78, 79, 80, 81, 82, 100, 200] {
        let spaced: String = (0..n).map(|i| if i % 7 == 6 { ' ' } else { 'x' }).collect();
        let quoted = format!("'{spaced}'");
        let escaped = format!("é{spaced}\t{spaced}");
        docs.push(json!({"plain": spaced, "quoted": quoted, "escaped": escaped, "deep": {"list": [spaced, escaped]}}));
    }
    for tricky in strategies::TRICKY {
        docs.push(json!({ *tricky: *tricky, "list": [*tricky], "nested": { *tricky: [*tricky] } }));
    }
    docs
}

/// YAML texts for the reader: scalars of every kind, collections, anchors,
/// merges, block scalars, comments.
fn yaml_corpus() -> Vec<String> {
    let mut texts: Vec<String> = [
        "",
        "# only a comment\n",
        "---\n",
        "~\n",
        "null\n",
        "a: 1\n...\n",
        "a:\nb: ~\nc: null\nd: Null\n",
        "x: [1, 'two', \"three\", {four: 4}]\n",
        "x: {a: 1, b: [], c: {}}\n",
        "x:\n  - a\n  -   b\n  - - c\n    - d\n  - e: 1\n    f: 2\n",
        "x:\n- a\n- b\ny: 1\n",
        "x: |\n  line 1\n  line 2\ny: >\n  folded\n  text\n\n  para\nz: |-\n  stripped\nw: |+\n  kept\n\nv: 1\n",
        "x: |\n  no final newline",
        "x: plain\n  continued\n  lines\n",
        "x: 'single ''quoted''\n\n  folded'\n",
        "x: \"double \\t \\x41 \\u00e9 \\U0001F600 \\L \\N \\_ \\e \\0 \\/\"\n",
        "x: \"folded \\\n  escaped\\ \\\n  line\"\n",
        "x: 'a\n  b\n\n  c'\n",
        "base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n  c: 4\n",
        "one: &one {a: 1, x: one}\ntwo: &two {b: 2, x: two}\nm:\n  <<: [*one, *two]\n  c: 3\n",
        "m:\n  z: 0\n  <<: {x: 1, y: 2}\n  y: 3\n",
        "m:\n  <<: {a: 1}\n  <<: {b: 2}\n",
        "a: &x hello\nb: *x\nc: [*x, *x]\n",
        "list: &l [1, 2]\ncopy: *l\n",
        "x: !!str 123\ny: !!int \"42\"\nz: !!float \"1\"\nw: !!bool \"yes\"\nv: !!null \"\"\n",
        "x: ! 12\ny: ! \"12\"\nz: ! [1]\n",
        "x: !!seq [1]\ny: !!map {a: 1}\n",
        "? complex key\n: value\n",
        "\"quoted key\": 1\n'single': 2\n",
        "x: 1 # comment\n# comment\ny: 2\n",
        "\u{feff}a: 1\n",
        "x: caf\u{e9}\ny: \u{1F600}\n",
        "x: a\u{85}b\n",
        "%YAML 1.1\n---\na: 1\n",
        "key: value\nother: [a, b,\n  c]\n",
        // Refused by both.
        "a: 1\n---\nb: 2\n",
        "a: [1\n",
        "a: b: c\n",
        "a: *undefined\n",
        "a: !custom x\n",
        "a: &x 1\nb: &x 2\n",
        "a: \u{7}\n",
        "m:\n  <<: 1\n",
        "m:\n  <<: [1]\n",
        // Read by PyYAML, refused by us on purpose.
        "1: a\n",
        "yes: a\n",
        "~: a\n",
        "[a]: b\n",
        "x: .inf\n",
        "x: -.Inf\n",
        "x: .nan\n",
        "x: 1.0e+400\n",
        "x: 18446744073709551616\n",
        "x: -9223372036854775809\n",
        "x: 0x10000000000000000\n",
        "x: !!binary aGVsbG8=\n",
        "x: !!set {a, b}\n",
        "x: !!omap [a: 1]\n",
        "- 1\n",
        "just a string\n",
        "12\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for text in strategies::TRICKY {
        texts.push(format!("x: {text}\n"));
    }
    texts
}

fn pyyaml_tagged_equals(python: &Value, ours: &Value) -> bool {
    match (python, ours) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| pyyaml_tagged_equals(x, y))
        }
        (Value::Object(tagged), ours) => {
            if let Some(int) = tagged.get("int") {
                return matches!(ours, Value::Number(n) if !n.is_f64() && Some(n.to_string().as_str()) == int.as_str());
            }
            if let Some(float) = tagged.get("float") {
                return matches!(ours, Value::Number(n) if n.is_f64())
                    && json::to_json(ours) == float.as_str().unwrap_or_default();
            }
            if let Some(timestamp) = tagged.get("timestamp") {
                return Some(ours) == Some(timestamp);
            }
            if let (Some(Value::Array(entries)), Value::Object(map)) = (tagged.get("map"), ours) {
                return entries.len() == map.len()
                    && entries.iter().zip(map).all(|(entry, (key, value))| {
                        entry[0].as_str() == Some(key.as_str())
                            && pyyaml_tagged_equals(&entry[1], value)
                    });
            }
            false
        }
        _ => false,
    }
}

/// Whether PyYAML's result holds something we refuse on purpose.
fn holds_refused(python: &Value) -> bool {
    match python {
        Value::Array(items) => items.iter().any(holds_refused),
        Value::Object(tagged) => {
            if let Some(float) = tagged.get("float").and_then(Value::as_str) {
                return float.contains("inf") || float.contains("nan");
            }
            if let Some(int) = tagged.get("int").and_then(Value::as_str) {
                return int.parse::<i64>().is_err() && int.parse::<u64>().is_err();
            }
            if tagged.contains_key("other") {
                return true;
            }
            if let Some(Value::Array(entries)) = tagged.get("map") {
                return entries
                    .iter()
                    .any(|entry| !entry[0].is_string() || holds_refused(&entry[1]));
            }
            false
        }
        _ => false,
    }
}

fn show(text: &str) -> String {
    format!("{text:?}")
}

#[test]
fn format_writers_and_yaml_reader_agree_with_python() {
    let cases = env_number("GIT_OPS_DIFF_CASES", 3000) as usize;
    let mut documents = corpus();
    documents.extend(sample(strategies::document(), cases));
    documents.extend(sample(strategies::value(), cases / 5));
    // Numbers alone, many per document: Python's float repr and int str.
    let numbers = sample(strategies::number(), cases * 4);
    documents.extend(numbers.chunks(100).map(|chunk| json!({ "numbers": chunk })));
    let mut texts = yaml_corpus();
    texts.extend(
        sample(strategies::number_like(), cases / 2)
            .into_iter()
            .map(|s| format!("x: {s}\n")),
    );

    let reference = format_support::reference(&documents, &texts);
    assert_eq!(reference.dump.len(), documents.len());
    assert_eq!(reference.load.len(), texts.len());

    let mut failures = String::new();
    let mut count = 0;
    let mut fail = |message: String| {
        count += 1;
        if count <= env_number("GIT_OPS_DIFF_SHOW", 10) as usize {
            failures.push_str(&message);
            failures.push_str("\n\n");
        }
    };
    for (value, (python_json, python_yaml)) in documents.iter().zip(&reference.dump) {
        let ours = json::to_json(value);
        if &ours != python_json {
            fail(format!(
                "JSON differs for {value}\n  python: {}\n  ours:   {}",
                show(python_json),
                show(&ours)
            ));
        }
        let ours = yaml::to_yaml(value);
        if &ours != python_yaml {
            fail(format!(
                "YAML differs for {value}\n  python: {}\n  ours:   {}",
                show(python_yaml),
                show(&ours)
            ));
        }
    }
    for (text, python) in texts.iter().zip(&reference.load) {
        let ours = read(text.as_bytes(), Format::Yaml);
        let python_error = python.get("error").is_some();
        let agrees = match (&ours, python_error) {
            (Err(_), true) => true,
            // PyYAML's None root is our empty mapping.
            (Ok(map), false) if python.is_null() => map.is_empty(),
            (Ok(map), false) => pyyaml_tagged_equals(python, &Value::Object(map.clone())),
            // Refused on purpose where PyYAML reads something (docs/formats.md).
            (Err(error), false) => match &error.kind {
                ReadErrorKind::NotAMapping { .. } => python.get("map").is_none(),
                ReadErrorKind::NonStringKey { .. }
                | ReadErrorKind::Unrepresentable { .. }
                | ReadErrorKind::UnsupportedTag(_) => holds_refused(python),
                ReadErrorKind::MergeConflict { .. }
                | ReadErrorKind::DuplicateKey { .. }
                | ReadErrorKind::AmbiguousLineBreak(_) => true,
                _ => false,
            },
            // Accepted where PyYAML refuses: YAML 1.2 allows tabs as
            // separators and inside plain scalars.
            (Ok(_), true) => python["error"]
                .as_str()
                .is_some_and(|e| e.contains("found character '\\t' that cannot start any token")),
        };
        if !agrees {
            fail(format!(
                "reading {} differs\n  python: {python}\n  ours:   {ours:?}",
                show(text)
            ));
        }
    }
    let mut summary = String::new();
    let _ = write!(
        summary,
        "{count} differences with {} over {} documents and {} YAML texts",
        reference.versions,
        documents.len(),
        texts.len()
    );
    assert!(count == 0, "{summary}; the first ones:\n\n{failures}");
    eprintln!("{summary}");
}
