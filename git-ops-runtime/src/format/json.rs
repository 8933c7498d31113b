//! JSON written exactly like Python's `json.dumps(value, indent=2)`.
//!
//! That is: two-space indentation, `",\n"` between items, `": "` between a
//! key and its value, `[]`/`{}` for empty collections, keys in the map's
//! order, no trailing newline, strings escaped like the `ensure_ascii`
//! encoder (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, every other character
//! outside `' '..='~'` as `\uXXXX` in lowercase hex, astral characters as a
//! surrogate pair), integers as they are and floats as Python's `repr`.
//!
//! The original writes active slice files and `.migrations.json` this way.
//!
//! ```
//! use serde_json::json;
//! use git_ops_runtime::format::json::to_json;
//!
//! let value = json!({"vid": 10, "label": "café", "mtu": 1500.0, "tags": []});
//! assert_eq!(
//!     to_json(&value),
//!     "{\n  \"vid\": 10,\n  \"label\": \"caf\\u00e9\",\n  \"mtu\": 1500.0,\n  \"tags\": []\n}"
//! );
//! ```

use serde_json::{Number, Value};

use super::pyfloat;

/// Serialises `value` like Python's `json.dumps(value, indent=2)`.
pub fn to_json(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_json(value, &mut out);
    out
}

/// Appends `value`, serialised like Python's `json.dumps(value, indent=2)`,
/// to `out` (so a caller can reuse one buffer for many files).
pub fn write_json(value: &Value, out: &mut String) {
    write_value(value, 0, out);
}

/// Appends `value` as it appears nested `depth` levels deep in a document
/// written by [`to_json`] (its lines indented for that depth), so that a
/// writer can assemble a document from parts without cloning them into one
/// [`Value`].
pub(crate) fn write_json_at(value: &Value, depth: usize, out: &mut String) {
    write_value(value, depth, out);
}

fn write_value(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(number, out),
        Value::String(string) => write_string(string, out),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_and_indent(depth + 1, out);
                write_value(item, depth + 1, out);
            }
            newline_and_indent(depth, out);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_and_indent(depth + 1, out);
                write_string(key, out);
                out.push_str(": ");
                write_value(item, depth + 1, out);
            }
            newline_and_indent(depth, out);
            out.push('}');
        }
    }
}

fn newline_and_indent(depth: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Integers as Python's `int.__repr__`, floats as `float.__repr__`.
pub(crate) fn write_number(number: &Number, out: &mut String) {
    let mut buffer = itoa::Buffer::new();
    if let Some(n) = number.as_u64() {
        out.push_str(buffer.format(n));
    } else if let Some(n) = number.as_i64() {
        out.push_str(buffer.format(n));
    } else if let Some(f) = number.as_f64() {
        pyfloat::write_repr(f, out);
    }
}

/// A string escaped like Python's `py_encode_basestring_ascii`.
pub(crate) fn write_string(string: &str, out: &mut String) {
    out.push('"');
    let bytes = string.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if (b' '..=b'~').contains(&byte) && byte != b'"' && byte != b'\\' {
            continue;
        }
        if byte & 0b1100_0000 == 0b1000_0000 {
            // A continuation byte of a character handled at its first byte.
            continue;
        }
        out.push_str(&string[start..i]);
        let ch = string[i..]
            .chars()
            .next()
            .expect("i is a character boundary");
        start = i + ch.len_utf8();
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    push_u_escape(*unit, out);
                }
            }
        }
    }
    out.push_str(&string[start..]);
    out.push('"');
}

fn push_u_escape(unit: u16, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((unit >> shift) & 0xf)] as char);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    // Expected outputs: Python 3.11 `json.dumps(value, indent=2)`.

    #[test]
    fn nested_collections_and_empties() {
        let value = json!({"a": [1, [2, 3], {"b": []}], "c": {"d": {}}});
        assert_eq!(
            to_json(&value),
            "{\n  \"a\": [\n    1,\n    [\n      2,\n      3\n    ],\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {\n    \"d\": {}\n  }\n}"
        );
        assert_eq!(to_json(&json!({})), "{}");
        assert_eq!(to_json(&json!([])), "[]");
        assert_eq!(to_json(&json!(null)), "null");
    }

    #[test]
    fn strings_are_escaped_like_ensure_ascii() {
        let value = json!("q\" b\\ n\n r\r t\t b\u{8} f\u{c} nul\u{0} del\u{7f} é € 😀 \u{2028}");
        assert_eq!(
            to_json(&value),
            r#""q\" b\\ n\n r\r t\t b\b f\f nul\u0000 del\u007f \u00e9 \u20ac \ud83d\ude00 \u2028""#
        );
    }

    #[test]
    fn numbers_like_python() {
        let value = json!([
            0,
            -1,
            u64::MAX,
            i64::MIN,
            0.0,
            -0.0,
            1500.0,
            1e16,
            1e-5,
            1.5e-7
        ]);
        assert_eq!(
            to_json(&value),
            "[\n  0,\n  -1,\n  18446744073709551615,\n  -9223372036854775808,\n  0.0,\n  -0.0,\n  1500.0,\n  1e+16,\n  1e-05,\n  1.5e-07\n]"
        );
    }
}
