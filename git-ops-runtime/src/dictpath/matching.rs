//! Whether a list item matches the selectors of an item section (spec §5.3,
//! with the decisions of `docs/dict-paths.md`).
//!
//! A selector `[k=v]` matches an item that is a mapping with a key equal to
//! `k` (any key for `*`) whose value matches `v`:
//!
//! - `*`: any value;
//! - `\0`: null;
//! - text, against a number: numeric equality when the text reads as a
//!   Python `float()` (`1`, `1.0`, ` 1e0 `, `1_0`), integers compared exactly;
//! - text, against a boolean: the text is `True` or `False` (a number never
//!   matches a boolean, unlike the reference where `[n=1]` matches `true`);
//! - text, against a string: equality;
//! - text, against a list or mapping: equality with its Python `str()`;
//! - text never matches null (as in the reference, `[k=None]` does not match
//!   a null `k`).

use serde_json::{Map, Number, Value};

use super::path::{Key, Selector, SelectorValue};
use super::python::python_str;

/// Whether `item` is a mapping that matches every selector.
pub(crate) fn item_matches(selectors: &[Selector], item: &Value) -> bool {
    let Value::Object(map) = item else {
        return false;
    };
    selectors
        .iter()
        .all(|selector| selector_matches(selector, map))
}

fn selector_matches(selector: &Selector, map: &Map<String, Value>) -> bool {
    match &selector.key {
        Key::Name(name) => map
            .get(&**name)
            .is_some_and(|value| value_matches(&selector.value, value)),
        Key::Wildcard => map
            .values()
            .any(|value| value_matches(&selector.value, value)),
    }
}

/// Whether a selector value matches a value of an item.
pub fn value_matches(selector: &SelectorValue, value: &Value) -> bool {
    match selector {
        SelectorValue::Wildcard => true,
        SelectorValue::Null => value.is_null(),
        SelectorValue::Text(text) => text_matches(text, value),
    }
}

fn text_matches(text: &str, value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(true) => text == "True",
        Value::Bool(false) => text == "False",
        Value::Number(number) => numeric_equals(text, number),
        Value::String(string) => string == text,
        Value::Array(_) | Value::Object(_) => python_str(value) == text,
    }
}

/// Whether `text`, read as Python's `float()` reads it, equals `number`.
/// An integer text and an integer number are compared exactly (Python would
/// round the text to a float first, so `[n=9007199254740993]` would match
/// `9007199254740992`).
fn numeric_equals(text: &str, number: &Number) -> bool {
    let Some(literal) = python_float_literal(text) else {
        return false;
    };
    let integer = number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from));
    if let Some(integer) = integer {
        if let Some(text_integer) = integer_literal(&literal) {
            return text_integer == integer;
        }
        return literal
            .parse::<f64>()
            .is_ok_and(|float| float_equals_integer(float, integer));
    }
    match (literal.parse::<f64>(), number.as_f64()) {
        (Ok(float), Some(number)) => float == number,
        _ => false,
    }
}

/// Exact comparison of a float and an integer, as Python does it.
fn float_equals_integer(float: f64, integer: i128) -> bool {
    // Every i64/u64 fits in (-2^127, 2^127); a float outside cannot be equal.
    const LIMIT: f64 = 1.7014118346046923e38; // 2^127
    float.is_finite() && float.fract() == 0.0 && float.abs() < LIMIT && float as i128 == integer
}

/// `[+-]digits` as an integer; `None` for anything else or an overflow.
fn integer_literal(literal: &str) -> Option<i128> {
    let digits = literal.strip_prefix(['+', '-']).unwrap_or(literal);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    literal.parse().ok()
}

/// The text Rust's float parser must read to agree with Python's `float()`:
/// surrounding ASCII whitespace removed, and `_` between two digits removed.
/// `None` when Python would refuse the underscores. (Python also accepts
/// non-ASCII digits and spaces; this does not.)
fn python_float_literal(text: &str) -> Option<String> {
    let trimmed = text.trim_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r']);
    if !trimmed.contains('_') {
        return Some(trimmed.to_owned());
    }
    let bytes = trimmed.as_bytes();
    let mut out = String::with_capacity(trimmed.len());
    for (i, c) in trimmed.char_indices() {
        if c == '_' {
            let before = i > 0 && bytes[i - 1].is_ascii_digit();
            let after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(t: &str) -> SelectorValue {
        SelectorValue::Text(t.into())
    }

    #[test]
    fn numeric_text_matches_numbers_by_value() {
        for (selector, value, expected) in [
            ("1", json!(1), true),
            ("1", json!(1.0), true),
            ("1.0", json!(1), true),
            ("1e0", json!(1), true),
            (" 1 ", json!(1), true),
            ("1_0", json!(10), true),
            ("1e1_0", json!(1e10), true),
            ("1__0", json!(10), false),
            ("_1", json!(1), false),
            ("1.5", json!(1.5), true),
            ("1.50", json!(1.5), true),
            ("2", json!(1), false),
            ("-0", json!(0), true),
            ("1e+16", json!(1e16), true),
            ("0.1", json!(0.1), true),
            ("nan", json!(1), false),
            ("inf", json!(1), false),
            ("x", json!(1), false),
            ("9007199254740993", json!(9007199254740993u64), true),
            ("9007199254740993", json!(9007199254740992u64), false),
            ("18446744073709551615", json!(u64::MAX), true),
            ("-9223372036854775808", json!(i64::MIN), true),
            ("1e400", json!(1), false),
        ] {
            assert_eq!(
                value_matches(&text(selector), &value),
                expected,
                "[k={selector}] against {value}"
            );
        }
    }

    #[test]
    fn booleans_match_their_python_spelling_only() {
        assert!(value_matches(&text("True"), &json!(true)));
        assert!(value_matches(&text("False"), &json!(false)));
        assert!(!value_matches(&text("1"), &json!(true)));
        assert!(!value_matches(&text("0"), &json!(false)));
        assert!(!value_matches(&text("true"), &json!(true)));
    }

    #[test]
    fn strings_match_exactly_and_null_only_matches_backslash_zero() {
        assert!(value_matches(&text("1"), &json!("1")));
        assert!(!value_matches(&text("1.0"), &json!("1")));
        assert!(!value_matches(&text(" 1"), &json!("1")));
        assert!(value_matches(&text("None"), &json!("None")));
        assert!(!value_matches(&text("None"), &json!(null)));
        assert!(value_matches(&SelectorValue::Null, &json!(null)));
        assert!(!value_matches(&SelectorValue::Null, &json!("None")));
        assert!(value_matches(&SelectorValue::Wildcard, &json!(null)));
        assert!(value_matches(&text("['a', 1]"), &json!(["a", 1])));
    }
}
