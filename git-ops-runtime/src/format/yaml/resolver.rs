//! YAML 1.1 scalar types, as PyYAML's `SafeLoader` resolves and constructs
//! them.
//!
//! The writer uses [`resolve_plain`] to decide whether a string can be
//! written unquoted (it can when it would read back as a string); the reader
//! uses it and the `construct_*` functions to read plain scalars the way
//! PyYAML does (`yes` is `true`, `0644` is 420, `1_000` is 1000, `1:30` is
//! 90, `1e5` is a string). Both sides share this module, so what the writer
//! leaves unquoted the reader reads back as the same string.
//!
//! The matchers below are hand-written equivalents of the regular
//! expressions PyYAML registers with `add_implicit_resolver` (PyYAML 6,
//! `resolver.py`), including a quirk of Python's `re`: `$` also matches before
//! a final newline, so `"true\n"` resolves like `"true"`.

/// The tag PyYAML's implicit resolver gives a plain scalar that is not a
/// string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Implicit {
    /// `tag:yaml.org,2002:bool`: `yes`, `No`, `TRUE`, `off`, ...
    Bool,
    /// `tag:yaml.org,2002:float`: `1.5`, `.5`, `1.0e+3`, `1:30.5`, `.inf`, `.nan`.
    Float,
    /// `tag:yaml.org,2002:int`: `12`, `0644`, `0x1F`, `0b101`, `1_000`, `1:30`.
    Int,
    /// `tag:yaml.org,2002:merge`: `<<`.
    Merge,
    /// `tag:yaml.org,2002:null`: `~`, `null`, `Null`, `NULL`, the empty scalar.
    Null,
    /// `tag:yaml.org,2002:timestamp`: `2001-12-14`, `2001-12-14t21:59:43.10-05:00`.
    Timestamp,
    /// `tag:yaml.org,2002:value`: `=`.
    Value,
    /// `tag:yaml.org,2002:yaml`: `!`, `&`, `*`.
    Yaml,
}

/// Whether a scalar's text matches one of PyYAML's resolver expressions.
type Matcher = fn(&[u8]) -> bool;

/// The type PyYAML gives the plain scalar `value`, or `None` for a string.
pub(crate) fn resolve_plain(value: &str) -> Option<Implicit> {
    // Python's `re.match(r'^(?:...)$', value)`: `$` matches at the end or
    // before a final newline.
    let matches = |matcher: Matcher| {
        let bytes = value.as_bytes();
        matcher(bytes) || bytes.strip_suffix(b"\n").is_some_and(matcher)
    };
    // The resolvers PyYAML tries for the first character, in registration
    // order (bool, float, int, merge, null, timestamp, value, yaml).
    let candidates: &[(Implicit, Matcher)] = match value.as_bytes().first() {
        None => &[(Implicit::Null, is_null)],
        Some(b'y' | b'Y' | b't' | b'T' | b'f' | b'F' | b'o' | b'O') => &[(Implicit::Bool, is_bool)],
        Some(b'n' | b'N') => &[(Implicit::Bool, is_bool), (Implicit::Null, is_null)],
        Some(b'0'..=b'9') => &[
            (Implicit::Float, is_float),
            (Implicit::Int, is_int),
            (Implicit::Timestamp, is_timestamp),
        ],
        Some(b'-' | b'+') => &[(Implicit::Float, is_float), (Implicit::Int, is_int)],
        Some(b'.') => &[(Implicit::Float, is_float)],
        Some(b'<') => &[(Implicit::Merge, |s| s == b"<<")],
        Some(b'~') => &[(Implicit::Null, is_null)],
        Some(b'=') => &[(Implicit::Value, |s| s == b"=")],
        Some(b'!' | b'&' | b'*') => &[(Implicit::Yaml, |s| matches!(s, b"!" | b"&" | b"*"))],
        Some(_) => &[],
    };
    candidates
        .iter()
        .find(|(_, matcher)| matches(*matcher))
        .map(|(implicit, _)| *implicit)
}

fn is_bool(s: &[u8]) -> bool {
    matches!(
        s,
        b"yes"
            | b"Yes"
            | b"YES"
            | b"no"
            | b"No"
            | b"NO"
            | b"true"
            | b"True"
            | b"TRUE"
            | b"false"
            | b"False"
            | b"FALSE"
            | b"on"
            | b"On"
            | b"ON"
            | b"off"
            | b"Off"
            | b"OFF"
    )
}

fn is_null(s: &[u8]) -> bool {
    matches!(s, b"" | b"~" | b"null" | b"Null" | b"NULL")
}

/// A cursor over ASCII bytes for the matchers.
struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a [u8]) -> Self {
        Cursor { s, at: 0 }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }
    fn eat(&mut self, pred: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(b) if pred(b) => {
                self.at += 1;
                true
            }
            _ => false,
        }
    }
    fn eat_byte(&mut self, byte: u8) -> bool {
        self.eat(|b| b == byte)
    }
    /// Eats as many bytes as match; returns how many.
    fn eat_while(&mut self, pred: impl Fn(u8) -> bool) -> usize {
        let start = self.at;
        while self.eat(&pred) {}
        self.at - start
    }
    fn eat_sign(&mut self) {
        self.eat(|b| b == b'-' || b == b'+');
    }
    fn done(&self) -> bool {
        self.at == self.s.len()
    }
    fn rest(&self) -> &'a [u8] {
        &self.s[self.at..]
    }
}

fn digit(b: u8) -> bool {
    b.is_ascii_digit()
}
fn digit_or_underscore(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// `(?::[0-5]?[0-9])+`: one or more `:` groups of one digit, or of two
/// digits the first of which is 0-5. A group ends at a `:`, the end, or
/// (for the float form) a `.`.
fn eat_sexagesimal_groups(c: &mut Cursor) -> bool {
    let mut groups = 0;
    while c.eat_byte(b':') {
        let rest = c.rest();
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        match n {
            1 => c.at += 1,
            // A two-digit group must start with 0-5; three or more digits
            // cannot be a group.
            2 if (b'0'..=b'5').contains(&rest[0]) => c.at += 2,
            _ => return false,
        }
        groups += 1;
    }
    groups > 0
}

/// `(?:[eE][-+][0-9]+)?`: on failure the cursor is left where it was.
fn eat_optional_exponent(c: &mut Cursor) {
    let save = c.at;
    if c.eat(|b| b == b'e' || b == b'E')
        && c.eat(|b| b == b'-' || b == b'+')
        && c.eat_while(digit) > 0
    {
        return;
    }
    c.at = save;
}

/// PyYAML's float regex:
/// `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?`
/// | `\.[0-9][0-9_]*([eE][-+][0-9]+)?`
/// | `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`
/// | `[-+]?\.(inf|Inf|INF)` | `\.(nan|NaN|NAN)`.
fn is_float(s: &[u8]) -> bool {
    // First and third forms.
    let decimal = |sexagesimal: bool| {
        let mut c = Cursor::new(s);
        c.eat_sign();
        if !c.eat(digit) {
            return false;
        }
        c.eat_while(digit_or_underscore);
        if sexagesimal && !eat_sexagesimal_groups(&mut c) {
            return false;
        }
        if !c.eat_byte(b'.') {
            return false;
        }
        c.eat_while(digit_or_underscore);
        if !sexagesimal {
            eat_optional_exponent(&mut c);
        }
        c.done()
    };
    // Second form.
    let leading_dot = || {
        let mut c = Cursor::new(s);
        if !(c.eat_byte(b'.') && c.eat(digit)) {
            return false;
        }
        c.eat_while(digit_or_underscore);
        eat_optional_exponent(&mut c);
        c.done()
    };
    let special = || {
        let unsigned = match s.first() {
            Some(b'-' | b'+') => &s[1..],
            _ => s,
        };
        matches!(unsigned, b".inf" | b".Inf" | b".INF") || matches!(s, b".nan" | b".NaN" | b".NAN")
    };
    decimal(false) || leading_dot() || decimal(true) || special()
}

/// PyYAML's int regex:
/// `[-+]?0b[0-1_]+` | `[-+]?0[0-7_]+` | `[-+]?(0|[1-9][0-9_]*)`
/// | `[-+]?0x[0-9a-fA-F_]+` | `[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`.
fn is_int(s: &[u8]) -> bool {
    let unsigned = match s.first() {
        Some(b'-' | b'+') => &s[1..],
        _ => s,
    };
    let all =
        |bytes: &[u8], pred: fn(u8) -> bool| !bytes.is_empty() && bytes.iter().all(|&b| pred(b));
    let binary = unsigned
        .strip_prefix(b"0b")
        .is_some_and(|rest| all(rest, |b| b == b'0' || b == b'1' || b == b'_'));
    let hexadecimal = unsigned
        .strip_prefix(b"0x")
        .is_some_and(|rest| all(rest, |b| b.is_ascii_hexdigit() || b == b'_'));
    let octal_or_zero = unsigned.strip_prefix(b"0").is_some_and(|rest| {
        rest.is_empty() || all(rest, |b| (b'0'..=b'7').contains(&b) || b == b'_')
    });
    if binary || hexadecimal || octal_or_zero {
        return true;
    }
    let mut c = Cursor::new(unsigned);
    if !c.eat(|b| (b'1'..=b'9').contains(&b)) {
        return false;
    }
    c.eat_while(digit_or_underscore);
    if c.done() {
        return true;
    }
    eat_sexagesimal_groups(&mut c) && c.done()
}

/// PyYAML's timestamp regex: `YYYY-MM-DD`, or
/// `YYYY-M?M-D?D([Tt]|[ \t]+)H?H:MM:SS(\.[0-9]*)?([ \t]*(Z|[-+]H?H(:MM)?))?`.
fn is_timestamp(s: &[u8]) -> bool {
    let mut c = Cursor::new(s);
    let four_digits = (0..4).all(|_| c.eat(digit));
    if !four_digits || !c.eat_byte(b'-') {
        return false;
    }
    let month = c.eat_while(digit);
    if !(1..=2).contains(&month) || !c.eat_byte(b'-') {
        return false;
    }
    let day = c.eat_while(digit);
    if !(1..=2).contains(&day) {
        return false;
    }
    if c.done() {
        return month == 2 && day == 2;
    }
    if !(c.eat(|b| b == b'T' || b == b't') || c.eat_while(|b| b == b' ' || b == b'\t') > 0) {
        return false;
    }
    let hour = c.eat_while(digit);
    if !(1..=2).contains(&hour)
        || !c.eat_byte(b':')
        || c.eat_while(digit) != 2
        || !c.eat_byte(b':')
        || c.eat_while(digit) != 2
    {
        return false;
    }
    if c.eat_byte(b'.') {
        c.eat_while(digit);
    }
    if c.done() {
        return true;
    }
    // `[ \t]*(Z|[-+][0-9][0-9]?(:[0-9][0-9])?)` and then the end.
    c.eat_while(|b| b == b' ' || b == b'\t');
    if c.eat_byte(b'Z') {
        return c.done();
    }
    if !c.eat(|b| b == b'-' || b == b'+') {
        return false;
    }
    let hours = c.eat_while(digit);
    if !(1..=2).contains(&hours) {
        return false;
    }
    if c.done() {
        return true;
    }
    c.eat_byte(b':') && c.eat_while(digit) == 2 && c.done()
}

/// Why a scalar cannot become a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScalarProblem {
    /// Not a number of the tagged type (e.g. `!!int abc`, `0b_`).
    Invalid(&'static str),
    /// An integer outside `i64::MIN..=u64::MAX`.
    IntegerOutOfRange,
    /// `.inf`, `.nan`, or a float literal beyond the range of a double.
    NonFinite,
}

/// PyYAML's `construct_yaml_bool`.
pub(crate) fn construct_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" => Some(true),
        "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// PyYAML's `construct_yaml_int`: underscores dropped, `0b` binary, `0x`
/// hexadecimal, a leading `0` octal, `:` base 60.
pub(crate) fn construct_int(text: &str) -> Result<serde_json::Number, ScalarProblem> {
    let invalid = ScalarProblem::Invalid("an integer");
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        Some(_) => (false, cleaned.as_str()),
        None => return Err(invalid),
    };
    let magnitude: u128 = if digits == "0" {
        0
    } else if let Some(binary) = digits.strip_prefix("0b") {
        parse_radix(binary, 2)?
    } else if let Some(hex) = digits.strip_prefix("0x") {
        parse_radix(hex, 16)?
    } else if digits.starts_with('0') {
        parse_radix(digits, 8)?
    } else if digits.contains(':') {
        let mut value: u128 = 0;
        let mut base: u128 = 1;
        for part in digits.rsplit(':') {
            let part = parse_radix(part, 10)?;
            value = part
                .checked_mul(base)
                .and_then(|v| v.checked_add(value))
                .ok_or(ScalarProblem::IntegerOutOfRange)?;
            base = base.saturating_mul(60);
        }
        value
    } else {
        parse_radix(digits, 10)?
    };
    if negative {
        if magnitude <= u128::from(i64::MIN.unsigned_abs()) {
            // Two's complement: -(2^63) fits although 2^63 does not.
            Ok(serde_json::Number::from(
                (magnitude as i128).wrapping_neg() as i64
            ))
        } else {
            Err(ScalarProblem::IntegerOutOfRange)
        }
    } else {
        u64::try_from(magnitude)
            .map(serde_json::Number::from)
            .map_err(|_| ScalarProblem::IntegerOutOfRange)
    }
}

/// Python's `int(digits, radix)` for ASCII digits (no sign, no underscore).
fn parse_radix(digits: &str, radix: u32) -> Result<u128, ScalarProblem> {
    if digits.is_empty() {
        return Err(ScalarProblem::Invalid("an integer"));
    }
    let mut value: u128 = 0;
    for ch in digits.chars() {
        let d = ch
            .to_digit(radix)
            .ok_or(ScalarProblem::Invalid("an integer"))?;
        value = value
            .checked_mul(u128::from(radix))
            .and_then(|v| v.checked_add(u128::from(d)))
            .ok_or(ScalarProblem::IntegerOutOfRange)?;
    }
    Ok(value)
}

/// PyYAML's `construct_yaml_float`, refusing what JSON cannot hold
/// (`.inf`, `.nan`, and literals beyond the range of a double).
pub(crate) fn construct_float(text: &str) -> Result<f64, ScalarProblem> {
    let invalid = ScalarProblem::Invalid("a float");
    let cleaned: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let (negative, body) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        Some(_) => (false, cleaned.as_str()),
        None => return Err(invalid),
    };
    let parse = |part: &str| -> Result<f64, ScalarProblem> {
        // Python's float() takes these spellings; Rust's parser would too,
        // but they are not numbers JSON can hold.
        let is_word = part.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e');
        if is_word || part.is_empty() {
            return Err(if matches!(part, "inf" | "infinity" | "nan") {
                ScalarProblem::NonFinite
            } else {
                ScalarProblem::Invalid("a float")
            });
        }
        part.parse::<f64>()
            .map_err(|_| ScalarProblem::Invalid("a float"))
    };
    let magnitude = match body {
        ".inf" | ".nan" => return Err(ScalarProblem::NonFinite),
        _ if body.contains(':') => {
            let mut value = 0.0_f64;
            let mut base = 1.0_f64;
            for part in body.rsplit(':') {
                value += parse(part)? * base;
                base *= 60.0;
            }
            value
        }
        _ => parse(body)?,
    };
    let value = if negative { -magnitude } else { magnitude };
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ScalarProblem::NonFinite)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected tags checked with PyYAML 6.0.4:
    // `yaml.resolver.Resolver().resolve(yaml.ScalarNode, s, (True, False))`.
    // The differential test (tests/format_differential.rs) checks many more.
    #[test]
    fn resolves_like_pyyaml() {
        use Implicit::*;
        let cases: &[(&str, Option<Implicit>)] = &[
            ("", Some(Null)),
            ("~", Some(Null)),
            ("null", Some(Null)),
            ("NuLL", None),
            ("yes", Some(Bool)),
            ("y", None),
            ("On", Some(Bool)),
            ("true\n", Some(Bool)),
            ("1", Some(Int)),
            ("0644", Some(Int)),
            ("09", None),
            ("1_000", Some(Int)),
            ("0b101", Some(Int)),
            ("0x1F", Some(Int)),
            ("1:30", Some(Int)),
            ("1:60", None),
            ("0:30", None),
            ("1.5", Some(Float)),
            ("1.", Some(Float)),
            (".5", Some(Float)),
            ("1e5", None),
            ("1.0e5", None),
            ("1.0e+5", Some(Float)),
            ("1:30.5", Some(Float)),
            ("-.inf", Some(Float)),
            (".NaN", Some(Float)),
            ("-.nan", None),
            ("2024-01-10", Some(Timestamp)),
            ("2024-1-10", None),
            ("2001-12-14t21:59:43.10-05:00", Some(Timestamp)),
            ("2001-12-14 21:59:43.10 -5", Some(Timestamp)),
            ("2001-12-14 21:59:43.10 ", None),
            ("<<", Some(Merge)),
            ("=", Some(Value)),
            ("*", Some(Yaml)),
            ("abc", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(resolve_plain(text), expected, "{text:?}");
        }
    }

    // Expected values checked with PyYAML 6.0.4 `yaml.safe_load("x: " + s)`.
    #[test]
    fn constructs_like_pyyaml() {
        let int = |s| construct_int(s).map(|n| n.to_string());
        assert_eq!(int("0644"), Ok("420".into()));
        assert_eq!(int("-0b1_01"), Ok("-5".into()));
        assert_eq!(int("0x_1F"), Ok("31".into()));
        assert_eq!(int("190:20:30"), Ok("685230".into()));
        assert_eq!(int("0_"), Ok("0".into()));
        assert_eq!(
            int("-9223372036854775808"),
            Ok("-9223372036854775808".into())
        );
        assert_eq!(
            int("18446744073709551615"),
            Ok("18446744073709551615".into())
        );
        assert_eq!(
            int("18446744073709551616"),
            Err(ScalarProblem::IntegerOutOfRange)
        );
        assert_eq!(
            int("-9223372036854775809"),
            Err(ScalarProblem::IntegerOutOfRange)
        );
        assert_eq!(int("0b_"), Err(ScalarProblem::Invalid("an integer")));
        assert_eq!(construct_float("1_0.5"), Ok(10.5));
        assert_eq!(construct_float("1:30.5"), Ok(90.5));
        assert_eq!(construct_float("-1.e+5"), Ok(-100000.0));
        assert_eq!(construct_float(".5"), Ok(0.5));
        assert!(construct_float("-0.0").unwrap().is_sign_negative());
        assert_eq!(construct_float(".inf"), Err(ScalarProblem::NonFinite));
        assert_eq!(construct_float("1.0e+400"), Err(ScalarProblem::NonFinite));
        assert_eq!(construct_bool("OFF"), Some(false));
        assert_eq!(construct_bool("oN"), Some(true));
    }
}
