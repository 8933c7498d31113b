//! What the writers write, the readers read back to the same value; and no
//! input makes a reader, `locate` or the file-name parser panic.

mod format_support;

use git_ops_runtime::format::filename::SliceFileName;
use git_ops_runtime::format::locate::{RawPathSegment, locate, locate_nearest};
use git_ops_runtime::format::read::read;
use git_ops_runtime::format::{Format, json, yaml};
use proptest::prelude::*;
use serde_json::Value;

use format_support::strategies;

/// Equality that also tells `0.0` from `-0.0` (serde_json's does not).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(fx), Some(fy)) if x.is_f64() || y.is_f64() => {
                x.is_f64() == y.is_f64() && fx.to_bits() == fy.to_bits()
            }
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn format_yaml_written_reads_back_the_same(doc in strategies::document()) {
        let text = yaml::to_yaml(&doc);
        let back = read(text.as_bytes(), Format::Yaml);
        prop_assert!(back.is_ok(), "{text:?} does not read back: {back:?}");
        let back = Value::Object(back.unwrap());
        prop_assert!(same(&doc, &back), "{text:?} reads back as {back}, not {doc}");
    }

    #[test]
    fn format_json_written_reads_back_the_same(doc in strategies::document()) {
        let text = json::to_json(&doc);
        let back = read(text.as_bytes(), Format::Json);
        prop_assert!(back.is_ok(), "{text:?} does not read back: {back:?}");
        let back = Value::Object(back.unwrap());
        prop_assert!(same(&doc, &back), "{text:?} reads back as {back}, not {doc}");
    }

    /// Every value the reader found, `locate` finds too, in both formats.
    #[test]
    fn format_locate_finds_every_written_value(doc in strategies::document()) {
        for format in [Format::Json, Format::Yaml] {
            let text = format.write(&doc);
            let mut paths = Vec::new();
            collect_paths(&doc, &mut Vec::new(), &mut paths);
            for path in paths {
                prop_assert!(locate(&text, format, &path).is_some(), "{format:?} {path:?} not found in {text:?}");
            }
        }
    }
}

fn collect_paths(
    value: &Value,
    prefix: &mut Vec<RawPathSegment>,
    out: &mut Vec<Vec<RawPathSegment>>,
) {
    out.push(prefix.clone());
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(RawPathSegment::Index(i));
                collect_paths(item, prefix, out);
                prefix.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                prefix.push(RawPathSegment::Key(key.clone()));
                collect_paths(item, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// Text near valid YAML/JSON: fragments of both, indicators, whitespace.
fn noisy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a: 1\n".to_owned()),
        Just("- x\n".to_owned()),
        Just("  ".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just("{\"k\": [1, 2.5e3, \"s\\u00e9\"]}".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("<<: ".to_owned()),
        Just("!!int ".to_owned()),
        Just("? ".to_owned()),
        Just("|\n".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("---\n".to_owned()),
        "[\\[\\]{},:#&*!|>'\"%@`~ \\-\\n\\ta-z0-9]{1,6}",
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn format_readers_and_locate_never_panic(text in noisy_text(), bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let path = [RawPathSegment::key("a"), RawPathSegment::Index(0), RawPathSegment::key("k")];
        for format in [Format::Json, Format::Yaml] {
            let _ = read(text.as_bytes(), format);
            let _ = read(&bytes, format);
            let _ = locate_nearest(&text, format, &path);
        }
    }

    #[test]
    fn format_file_name_parser_never_panics(name in "[a-zA-Z0-9@v._ \\-é١]{0,16}|\\PC{0,16}") {
        if let Ok(parsed) = SliceFileName::parse(&name) {
            // What parses renders back to the same name, except leading zeros.
            let rendered = parsed.to_string();
            prop_assert_eq!(SliceFileName::parse(&rendered), Ok(parsed));
        }
    }
}
