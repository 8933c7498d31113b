//! proptest strategies for JSON values, biased to what is hard to write
//! like Python: strings that look like other YAML types, quotes, indicators,
//! control and non-ASCII characters, long strings that fold, floats across
//! magnitudes, integers at the edges.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Strings a YAML 1.1 reader would not read back as strings, and other
/// known-hard cases.
pub const TRICKY: &[&str] = &[
    "",
    " ",
    "  ",
    "a ",
    " a",
    "yes",
    "Yes",
    "YES",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "y",
    "Y",
    "n",
    "N",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "tRUE",
    "null",
    "Null",
    "NULL",
    "nULL",
    "~",
    "0",
    "-0",
    "+0",
    "00",
    "0644",
    "0o644",
    "08",
    "09",
    "0x1F",
    "0X1F",
    "0xg",
    "0b101",
    "0b2",
    "1_000",
    "_1",
    "1__",
    "0_",
    "1:30",
    "1:60",
    "-1:30:00",
    "190:20:30",
    "1:30.5",
    "1.5",
    "1.",
    ".5",
    "._5",
    "1e5",
    "1E5",
    "1.0e5",
    "1.0e+5",
    "1.0E-5",
    "-1.5e-07",
    "+.inf",
    "-.Inf",
    ".INF",
    ".nan",
    ".NaN",
    "-.nan",
    "inf",
    "nan",
    "2024-01-10",
    "2024-1-10",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-14 21:59:43.10 ",
    "2002-12-14",
    "<<",
    "=",
    "!",
    "&",
    "*",
    "&a",
    "*a",
    "!a",
    "|",
    ">",
    "%",
    "@",
    "`",
    "'",
    "\"",
    "#",
    "# a",
    "a #b",
    "a#b",
    "a: b",
    "a:b",
    "a:",
    ":",
    ":a",
    ": a",
    "?",
    "?a",
    "? a",
    "-",
    "-a",
    "- a",
    "--",
    "---",
    "--- a",
    "...",
    "... a",
    "a, b",
    "[a]",
    "{a: b}",
    "a]",
    "a}",
    "\\",
    "\\n",
    "'quoted'",
    "\"dq\"",
    "it's",
    "\t",
    "a\tb",
    "\n",
    "a\n",
    "\na",
    "a\nb",
    "a\n\nb",
    "a \nb",
    "a\n b",
    "a\r\nb",
    "\r",
    "\u{0}",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "é",
    "café",
    "€",
    "😀",
    "a😀b",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{feff}a",
    "\u{fffe}",
    "\u{10ffff}",
    "\u{e000}",
];

/// Characters that matter to the YAML and JSON writers.
const ALPHABET: &[char] = &[
    'a', 'b', 'Z', '0', '1', '9', ' ', ' ', ':', '#', '-', '?', '\'', '"', '\\', '\t', '\n', '\r',
    ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`', '~', '.', '_', '=', '<', '/',
    '\u{0}', '\u{8}', '\u{c}', '\u{7f}', '\u{85}', '\u{a0}', 'é', '€', '😀', '\u{2028}',
    '\u{feff}', '\u{ffff}',
];

pub fn tricky_string() -> impl Strategy<Value = String> {
    proptest::sample::select(TRICKY).prop_map(str::to_owned)
}

fn alphabet_string(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Text that looks like a YAML 1.1 number, date or sexagesimal.
pub fn number_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+]?(0|[1-9])[0-9_]{0,4}",
        "[-+]?0[bx]?[0-9a-fA-F_]{0,5}",
        "[-+]?[0-9_]{0,3}\\.[0-9_]{0,3}([eE][-+]?[0-9]{1,3})?",
        "[-+]?[0-9]{1,3}(:[0-9]{1,2}){1,3}(\\.[0-9]{0,2})?",
        "[-+]?\\.(inf|Inf|INF|nan|NaN|NAN|iNf)",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]{1,2})[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,3})?([ \t]{0,2}(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?",
    ]
}

/// Long strings, with and without spaces, that PyYAML folds (or not).
pub fn long_string() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        4 => "[a-z]{1,12}",
        1 => tricky_string(),
        1 => alphabet_string(6),
    ];
    let separator = prop_oneof![6 => Just(" "), 1 => Just("  "), 1 => Just("\n"), 1 => Just(" \n")];
    prop_oneof![
        proptest::collection::vec((word, separator), 5..40).prop_map(|parts| {
            parts
                .into_iter()
                .map(|(word, sep)| format!("{word}{sep}"))
                .collect::<String>()
        }),
        "[a-z]{75,200}",
        "[a-z]{70,80} [a-z]{1,10}",
        "[a-z '\"é\\\\]{60,160}",
    ]
}

pub fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => tricky_string(),
        3 => number_like(),
        4 => alphabet_string(12),
        2 => long_string(),
        2 => "[a-z][a-z0-9_-]{0,10}",
        1 => any::<String>(),
    ]
}

pub fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => (-9.99f64..9.99, -30i32..30).prop_map(|(m, e)| m * 10f64.powi(e)),
        2 => any::<f64>().prop_filter("finite", |f| f.is_finite()),
        1 => proptest::sample::select(vec![
            0.0, -0.0, 1.0, 0.1, 1500.0, 1e15, 1e16, 1e17, 1e-4, 1e-5, 9999999999999998.0,
            123456789012345680.0, f64::MAX, f64::MIN_POSITIVE, 5e-324, -2.5e-300, 0.30000000000000004,
        ]),
        1 => (-1_000_000i64..1_000_000).prop_map(|i| i as f64),
    ]
}

pub fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        2 => (-1000i64..1000).prop_map(Number::from),
        1 => any::<i64>().prop_map(Number::from),
        1 => any::<u64>().prop_map(Number::from),
        1 => proptest::sample::select(vec![
            Number::from(i64::MIN), Number::from(i64::MAX), Number::from(u64::MAX), Number::from(0u8),
        ]),
        3 => float().prop_map(|f| Number::from_f64(f).expect("finite")),
    ]
}

pub fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        3 => number().prop_map(Value::Number),
        6 => string().prop_map(Value::String),
    ]
}

pub fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            mapping_of(inner),
        ]
    })
}

fn mapping_of(values: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    proptest::collection::vec((string(), values), 0..5)
        .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>()))
}

/// What a slice file holds: a mapping at the top level.
pub fn document() -> impl Strategy<Value = Value> {
    mapping_of(value())
}
