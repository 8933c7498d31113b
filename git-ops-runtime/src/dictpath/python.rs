//! Python's `str()` of JSON values, as the reference uses it for the identity
//! of list items (spec §4.6): strings as-is, `None`, `True`/`False`, ints in
//! decimal, floats in Python's shortest round-trip `repr` (`1.0`, `1e+16`,
//! `1e-05`), lists and dicts as Python `repr` (`['a', 'b']`, `{'a': 1}`).
//!
//! Known limits: strings inside lists and dicts are escaped with Python's
//! `str.isprintable` rule, answered from Unicode 16 data (Python 3.11 uses
//! Unicode 14: characters assigned in between are escaped by Python and kept
//! here); integers beyond 64 bits are floats in `serde_json` and render as
//! such.

use std::borrow::Cow;
use std::fmt::Write;

use serde_json::{Number, Value};
use unicode_general_category::{GeneralCategory, get_general_category};

use super::path::SelectorValue;

/// Python's `str(value)` for a JSON value: the text the reference compares
/// identities with and writes into paths.
///
/// ```
/// use git_ops_runtime::dictpath::python_str;
/// use serde_json::json;
///
/// assert_eq!(python_str(&json!("a.b")), "a.b");
/// assert_eq!(python_str(&json!(null)), "None");
/// assert_eq!(python_str(&json!(true)), "True");
/// assert_eq!(python_str(&json!(1e16)), "1e+16");
/// assert_eq!(python_str(&json!(["a", 1.0, {"k": null}])), "['a', 1.0, {'k': None}]");
/// ```
pub fn python_str(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => Cow::Borrowed(text),
        other => {
            let mut out = String::new();
            write_repr(&mut out, other);
            Cow::Owned(out)
        }
    }
}

/// The selector value identifying a list item by `value` (spec §4.6): null is
/// [`SelectorValue::Null`] (rendered `\0`, see `docs/dict-paths.md`), any
/// other value the literal text of [`python_str`].
///
/// ```
/// use git_ops_runtime::dictpath::{DictPath, identity_value};
/// use serde_json::json;
///
/// let path = DictPath::root()
///     .item("items", [("k", identity_value(&json!(null))), ("n", identity_value(&json!(1.0)))])
///     .unwrap();
/// assert_eq!(path.to_string(), r"items[k=\0][n=1\.0]");
/// ```
pub fn identity_value(value: &Value) -> SelectorValue {
    match value {
        Value::Null => SelectorValue::Null,
        Value::String(text) => SelectorValue::Text(text.as_str().into()),
        other => SelectorValue::Text(python_str(other).into()),
    }
}

/// Python's `repr` of a number held by `serde_json`.
pub fn number_repr(number: &Number) -> String {
    match (number.as_i64(), number.as_u64(), number.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (None, Some(u), _) => u.to_string(),
        (None, None, Some(f)) => float_repr(f),
        // Arbitrary-precision numbers (not enabled here) render as written.
        (None, None, None) => number.to_string(),
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed
/// notation when the decimal exponent is in `-4..16` (always with a fraction:
/// `1.0`), else in scientific notation with a signed two-digit exponent
/// (`1e+16`, `1.5e-05`).
pub fn float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let mut out = String::with_capacity(24);
    crate::format::pyfloat::write_repr(value, &mut out);
    out
}

/// Appends Python's `repr` of a JSON value (strings quoted).
fn write_repr(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(number) => out.push_str(&number_repr(number)),
        Value::String(text) => write_str_repr(out, text),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str_repr(out, key);
                out.push_str(": ");
                write_repr(out, item);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text has a `'` and no `"`;
/// `\\`, the quote, `\t \n \r` escaped, other non-printable characters as
/// `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
fn write_str_repr(out: &mut String, text: &str) {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
}

/// Python's `str.isprintable` for one character: everything but the
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (the ASCII space excepted).
fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        return c == ' ' || c.is_ascii_graphic();
    }
    !matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::SpaceSeparator
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values from CPython 3.11 (`repr(float)`).
    #[test]
    fn floats_render_like_python_repr() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1e22, "1e+22"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1500.0, "1500.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ];
        for (value, expected) in cases {
            assert_eq!(float_repr(*value), *expected, "repr({value:?})");
        }
    }

    /// Expected values from CPython 3.11 (`repr(str)`).
    #[test]
    fn strings_inside_containers_render_like_python_repr() {
        let cases: &[(&str, &str)] = &[
            ("a", "'a'"),
            ("a'b", "\"a'b\""),
            ("a\"b", "'a\"b'"),
            ("a'\"b", "'a\\'\"b'"),
            ("\n\u{0}é\u{a0}\u{200b}", "'\\n\\x00é\\xa0\\u200b'"),
            ("back\\slash\t\r", "'back\\\\slash\\t\\r'"),
            (
                "\u{7f}\u{85}\u{2028}\u{e000}\u{f0000}",
                "'\\x7f\\x85\\u2028\\ue000\\U000f0000'",
            ),
            ("✓ 日本 😀", "'✓ 日本 😀'"),
        ];
        for (text, expected) in cases {
            let mut out = String::new();
            write_str_repr(&mut out, text);
            assert_eq!(out, *expected, "repr({text:?})");
        }
    }
}
