//! Checking one scalar value against its type, with the lossless conversions
//! of pydantic's lax mode (see `docs/validation.md` for the table).

use serde_json::{Number, Value};

use super::error::DocumentErrorKind;
use crate::dictpath::float_repr as python_float_repr;
use crate::schema::ValueType;

/// Checks a scalar value (string, number, bool, enum, any) and returns it in
/// normalised form.
///
/// Lists and mappings are walked by the caller; for them this only checks
/// nothing and clones (`Any`).
pub(crate) fn coerce_scalar(
    ty: &ValueType,
    nullable: bool,
    value: &Value,
) -> Result<Value, DocumentErrorKind> {
    if value.is_null() {
        return if nullable || matches!(ty, ValueType::Any) {
            Ok(Value::Null)
        } else {
            Err(wrong_type(ty, nullable, value))
        };
    }
    match ty {
        ValueType::Any => Ok(value.clone()),
        ValueType::String => match value {
            Value::String(_) => Ok(value.clone()),
            _ => Err(wrong_type(ty, nullable, value)),
        },
        ValueType::Bool => to_bool(value)
            .map(Value::Bool)
            .ok_or_else(|| wrong_type(ty, nullable, value)),
        ValueType::Int { min, max } => {
            let int = to_int(value).ok_or_else(|| wrong_type(ty, nullable, value))?;
            let (lo, hi) = int_bounds(*min, *max);
            // A bound a manifest sets beyond 64 bits does not make a value
            // a file cannot hold acceptable.
            let unrepresentable = i64::try_from(int).is_err() && u64::try_from(int).is_err();
            if int < lo || int > hi || unrepresentable {
                let range = ValueType::Int {
                    min: Some(lo),
                    max: Some(hi),
                };
                return Err(DocumentErrorKind::OutOfRange {
                    expected: describe_expected(&range, nullable),
                    found: describe_found(value),
                });
            }
            Ok(match i64::try_from(int) {
                Ok(i) => Value::from(i),
                Err(_) => Value::from(u64::try_from(int).expect("checked above")),
            })
        }
        ValueType::Float { min, max } => {
            let float = to_float(value).ok_or_else(|| wrong_type(ty, nullable, value))?;
            if min.is_some_and(|min| float < min) || max.is_some_and(|max| float > max) {
                return Err(DocumentErrorKind::OutOfRange {
                    expected: describe_expected(ty, nullable),
                    found: describe_found(value),
                });
            }
            Ok(Value::Number(
                Number::from_f64(float).expect("to_float returns finite numbers"),
            ))
        }
        ValueType::Enum(enum_type) => match value {
            Value::String(s) if enum_type.values.iter().any(|v| v == s) => Ok(value.clone()),
            _ => Err(DocumentErrorKind::NotAllowed {
                accepted: enum_type.values.clone(),
                found: describe_found(value),
            }),
        },
        ValueType::List { .. } => match value {
            Value::Array(_) => Ok(value.clone()),
            _ => Err(wrong_type(ty, nullable, value)),
        },
        ValueType::Dict { .. } => match value {
            Value::Object(_) => Ok(value.clone()),
            _ => Err(wrong_type(ty, nullable, value)),
        },
    }
}

/// A value of the wrong type for `ty`.
pub(crate) fn wrong_type(ty: &ValueType, nullable: bool, value: &Value) -> DocumentErrorKind {
    match ty {
        ValueType::Enum(enum_type) => DocumentErrorKind::NotAllowed {
            accepted: enum_type.values.clone(),
            found: describe_found(value),
        },
        _ => DocumentErrorKind::WrongType {
            expected: describe_expected(ty, nullable),
            found: describe_found(value),
        },
    }
}

/// `bool` from a bool, `0`/`1`, `0.0`/`1.0`, or one of pydantic's words.
fn to_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_f64() {
            Some(0.0) => Some(false),
            Some(1.0) => Some(true),
            _ => None,
        },
        Value::String(s) => {
            let is = |word: &str| s.eq_ignore_ascii_case(word);
            if s == "0" || is("f") || is("n") || is("no") || is("off") || is("false") {
                Some(false)
            } else if s == "1" || is("t") || is("y") || is("yes") || is("on") || is("true") {
                Some(true)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The bounds in effect of an integer type: those given, `i64`'s for the
/// others ([`ValueType::Int`]).
pub(crate) fn int_bounds(min: Option<i128>, max: Option<i128>) -> (i128, i128) {
    let (default_min, default_max) = ValueType::INT_BOUNDS;
    (min.unwrap_or(default_min), max.unwrap_or(default_max))
}

/// An integer from an integer, a float without fraction, or a numeric string.
/// Booleans are refused.
fn to_int(value: &Value) -> Option<i128> {
    match value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(i128::from(i))
            } else if let Some(u) = n.as_u64() {
                Some(i128::from(u))
            } else {
                float_to_int(n.as_f64()?)
            }
        }
        Value::String(s) => parse_int(s),
        _ => None,
    }
}

fn float_to_int(f: f64) -> Option<i128> {
    // Beyond 64 bits the range check reports it; i128 holds up to 1.7e38.
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38).then_some(f as i128)
}

/// Python's `int(str)` as pydantic uses it: surrounding whitespace, one sign,
/// digits with single `_` between them, and an optional `.0…` fraction.
fn parse_int(s: &str) -> Option<i128> {
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = match digits.split_once('.') {
        Some((int, fraction)) if !fraction.is_empty() && fraction.bytes().all(|b| b == b'0') => int,
        Some(_) => return None,
        None => digits,
    };
    let digits = strip_underscores(digits)?;
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude: i128 = digits.parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// `1_000` → `1000`; `None` for a misplaced `_` (leading, trailing, doubled).
fn strip_underscores(s: &str) -> Option<String> {
    if !s.contains('_') {
        return Some(s.to_owned());
    }
    if s.starts_with('_') || s.ends_with('_') || s.contains("__") {
        return None;
    }
    Some(s.replace('_', ""))
}

/// A finite float from a number or a numeric string. An integer must be
/// exactly representable. Booleans are refused.
fn to_float(value: &Value) -> Option<f64> {
    let float = match value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                exact_float(i128::from(i))?
            } else if let Some(u) = n.as_u64() {
                exact_float(i128::from(u))?
            } else {
                n.as_f64()?
            }
        }
        Value::String(s) => {
            let s = s.trim();
            match s.parse::<f64>() {
                Ok(f) => f,
                Err(_) => strip_underscores(s)?.parse().ok()?,
            }
        }
        _ => return None,
    };
    float.is_finite().then_some(float)
}

fn exact_float(i: i128) -> Option<f64> {
    let f = i as f64;
    (f as i128 == i).then_some(f)
}

/// What a field of this type holds, for messages: `an integer between 1 and
/// 4094`, `a string or null`.
pub(crate) fn describe_expected(ty: &ValueType, nullable: bool) -> String {
    let base = match ty {
        ValueType::String => "a string".to_owned(),
        ValueType::Bool => "a boolean".to_owned(),
        ValueType::Int { min, max } => bounded("an integer", *min, *max, |i| i.to_string()),
        ValueType::Float { min, max } => bounded("a number", *min, *max, python_float_repr),
        ValueType::Dict { .. } => "a mapping".to_owned(),
        ValueType::List { .. } => "a list".to_owned(),
        ValueType::Any => "any value".to_owned(),
        ValueType::Enum(enum_type) => super::error::one_of(&enum_type.values),
    };
    if nullable {
        format!("{base} or null")
    } else {
        base
    }
}

fn bounded<T: Copy>(
    what: &str,
    min: Option<T>,
    max: Option<T>,
    show: impl Fn(T) -> String,
) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("{what} between {} and {}", show(min), show(max)),
        (Some(min), None) => format!("{what} of at least {}", show(min)),
        (None, Some(max)) => format!("{what} of at most {}", show(max)),
        (None, None) => what.to_owned(),
    }
}

/// What a document holds, for messages: `the string "abc"`, `the integer 3`,
/// `null`, `a list`.
pub(crate) fn describe_found(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) if n.is_f64() => {
            format!(
                "the number {}",
                python_float_repr(n.as_f64().unwrap_or(f64::NAN))
            )
        }
        Value::Number(n) => format!("the integer {n}"),
        Value::String(s) => {
            const LIMIT: usize = 40;
            let shown: String = s.chars().take(LIMIT).collect();
            let quoted = serde_json::to_string(&shown).expect("a string serialises");
            if s.chars().count() > LIMIT {
                format!("the string {}…\"", &quoted[..quoted.len() - 1])
            } else {
                format!("the string {quoted}")
            }
        }
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const INT: ValueType = ValueType::INT;
    const FLOAT: ValueType = ValueType::FLOAT;

    fn ok(ty: &ValueType, value: Value) -> Value {
        coerce_scalar(ty, false, &value).unwrap_or_else(|e| panic!("{value}: {e}"))
    }

    fn err(ty: &ValueType, value: Value) -> String {
        coerce_scalar(ty, false, &value)
            .expect_err(&format!("{value} should be refused"))
            .to_string()
    }

    #[test]
    fn int_accepts_lossless_forms() {
        assert_eq!(ok(&INT, json!(3)), json!(3));
        assert_eq!(ok(&INT, json!(3.0)), json!(3));
        assert_eq!(ok(&INT, json!(-3.0)), json!(-3));
        assert_eq!(ok(&INT, json!("3")), json!(3));
        assert_eq!(ok(&INT, json!(" -42 ")), json!(-42));
        assert_eq!(ok(&INT, json!("+7")), json!(7));
        assert_eq!(ok(&INT, json!("007")), json!(7));
        assert_eq!(ok(&INT, json!("1_000")), json!(1000));
        assert_eq!(ok(&INT, json!("3.000")), json!(3));
        assert_eq!(ok(&INT, json!(i64::MAX)), json!(i64::MAX));
        assert_eq!(ok(&INT, json!(i64::MIN)), json!(i64::MIN));
        let u64_type = ValueType::Int {
            min: Some(0),
            max: Some(u64::MAX.into()),
        };
        assert_eq!(ok(&u64_type, json!(u64::MAX)), json!(u64::MAX));
        assert_eq!(
            ok(&u64_type, json!("18446744073709551615")),
            json!(u64::MAX)
        );
    }

    #[test]
    fn int_refuses_lossy_forms() {
        assert_eq!(
            err(&INT, json!("abc")),
            r#"expected an integer, found the string "abc""#
        );
        assert_eq!(
            err(&INT, json!(1.5)),
            "expected an integer, found the number 1.5"
        );
        assert_eq!(
            err(&INT, json!(true)),
            "expected an integer, found the boolean true"
        );
        for refused in [
            "3.5", "3.", "1__0", "_1", "1_", "--1", "+-1", "", "0x10", "1e3",
        ] {
            assert!(
                coerce_scalar(&INT, false, &json!(refused)).is_err(),
                "{refused}"
            );
        }
        assert_eq!(err(&INT, json!(null)), "expected an integer, found null");
        assert_eq!(err(&INT, json!([1])), "expected an integer, found a list");
        assert_eq!(err(&INT, json!({})), "expected an integer, found a mapping");
        // An integer without bounds is an i64.
        let i64_range = "an integer between -9223372036854775808 and 9223372036854775807";
        assert_eq!(
            err(&INT, json!(9_223_372_036_854_775_808_u64)),
            format!("expected {i64_range}, found the integer 9223372036854775808")
        );
        assert_eq!(
            err(&INT, json!("-9223372036854775809")),
            format!(r#"expected {i64_range}, found the string "-9223372036854775809""#)
        );
        // Integral but beyond 64 bits.
        assert_eq!(
            err(&INT, json!(1e20)),
            format!("expected {i64_range}, found the number 1e+20")
        );
        // Also when a manifest gives a bound beyond 64 bits.
        let wide = ValueType::Int {
            min: None,
            max: Some(1 << 100),
        };
        assert!(coerce_scalar(&wide, false, &json!("18446744073709551616")).is_err());
        assert_eq!(ok(&wide, json!(u64::MAX)), json!(u64::MAX));
    }

    #[test]
    fn int_range() {
        let vid = ValueType::Int {
            min: Some(1),
            max: Some(4094),
        };
        assert_eq!(ok(&vid, json!("4094")), json!(4094));
        assert_eq!(
            err(&vid, json!(5000)),
            "expected an integer between 1 and 4094, found the integer 5000"
        );
        assert_eq!(
            err(&vid, json!("0")),
            r#"expected an integer between 1 and 4094, found the string "0""#
        );
        let at_least = ValueType::Int {
            min: Some(0),
            max: None,
        };
        assert_eq!(
            err(&at_least, json!(-1)),
            "expected an integer between 0 and 9223372036854775807, found the integer -1"
        );
        assert_eq!(
            err(&at_least, json!("x")),
            r#"expected an integer of at least 0, found the string "x""#
        );
    }

    #[test]
    fn float_accepts_ints_and_numeric_strings() {
        assert_eq!(ok(&FLOAT, json!(1)).to_string(), "1.0");
        assert_eq!(ok(&FLOAT, json!(1500)).to_string(), "1500.0");
        assert_eq!(ok(&FLOAT, json!("2.5")), json!(2.5));
        assert_eq!(ok(&FLOAT, json!(" 1e3 ")), json!(1000.0));
        assert_eq!(ok(&FLOAT, json!("1_000.5")), json!(1000.5));
        assert_eq!(
            err(&FLOAT, json!("inf")),
            r#"expected a number, found the string "inf""#
        );
        assert_eq!(
            err(&FLOAT, json!(false)),
            "expected a number, found the boolean false"
        );
        // 2^53 + 1 has no exact float.
        assert!(coerce_scalar(&FLOAT, false, &json!(9_007_199_254_740_993_u64)).is_err());
        let ratio = ValueType::Float {
            min: Some(0.0),
            max: Some(1.0),
        };
        assert_eq!(
            err(&ratio, json!(1.5)),
            "expected a number between 0.0 and 1.0, found the number 1.5"
        );
    }

    #[test]
    fn bool_words() {
        for word in ["1", "t", "T", "y", "yes", "Yes", "on", "ON", "true", "True"] {
            assert_eq!(ok(&ValueType::Bool, json!(word)), json!(true), "{word}");
        }
        for word in ["0", "f", "n", "no", "NO", "off", "false", "False"] {
            assert_eq!(ok(&ValueType::Bool, json!(word)), json!(false), "{word}");
        }
        assert_eq!(ok(&ValueType::Bool, json!(1)), json!(true));
        assert_eq!(ok(&ValueType::Bool, json!(0.0)), json!(false));
        assert_eq!(
            err(&ValueType::Bool, json!(2)),
            "expected a boolean, found the integer 2"
        );
        assert_eq!(
            err(&ValueType::Bool, json!("maybe")),
            r#"expected a boolean, found the string "maybe""#
        );
        assert!(coerce_scalar(&ValueType::Bool, false, &json!(" yes")).is_err());
    }

    #[test]
    fn string_never_coerces() {
        assert_eq!(ok(&ValueType::String, json!("1")), json!("1"));
        assert_eq!(
            err(&ValueType::String, json!(1)),
            "expected a string, found the integer 1"
        );
        assert_eq!(
            err(&ValueType::String, json!(true)),
            "expected a string, found the boolean true"
        );
        assert_eq!(
            coerce_scalar(&ValueType::String, true, &json!(1.5))
                .unwrap_err()
                .to_string(),
            "expected a string or null, found the number 1.5"
        );
    }

    #[test]
    fn null_and_any() {
        assert_eq!(
            coerce_scalar(&ValueType::String, true, &Value::Null).unwrap(),
            Value::Null
        );
        assert_eq!(ok(&ValueType::Any, json!(null)), json!(null));
        assert_eq!(ok(&ValueType::Any, json!({"path": 1})), json!({"path": 1}));
    }

    #[test]
    fn long_strings_are_shortened() {
        let long = "x".repeat(50);
        assert_eq!(
            describe_found(&json!(long)),
            format!("the string \"{}…\"", "x".repeat(40))
        );
    }
}
