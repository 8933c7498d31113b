//! Reading a slice file: bytes → the mapping at its top level.
//!
//! ```
//! use git_ops_runtime::format::{read::read, Format, Position};
//!
//! let doc = read(b"{\"vid\": 10}", Format::Json).unwrap();
//! assert_eq!(doc["vid"], 10);
//!
//! // YAML scalars read as PyYAML (YAML 1.1) reads them.
//! let doc = read(b"enabled: yes\nmode: 0644\nname: 1e5\n", Format::Yaml).unwrap();
//! assert_eq!(doc["enabled"], true);
//! assert_eq!(doc["mode"], 420);
//! assert_eq!(doc["name"], "1e5");
//!
//! // Problems come with a position; the caller adds the file name.
//! let error = read(b"a: 1\na: 2\n", Format::Yaml).unwrap_err();
//! assert_eq!(error.position, Position::new(2, 1));
//! assert_eq!(error.to_string(), "line 2, column 1: duplicate key \"a\" (first at line 1, column 1)");
//! ```
//!
//! Rules, for both formats:
//! - an empty YAML document and a top-level `null` read as `{}` (a
//!   tombstone); an empty JSON file is a syntax error, as in the original;
//! - a top level that is not a mapping is refused
//!   ([`ReadErrorKind::NotAMapping`]);
//! - a key that appears twice in one mapping is refused
//!   ([`ReadErrorKind::DuplicateKey`]; the original silently keeps the last);
//! - YAML anchors and aliases are expanded, within a bound on what they
//!   copy (nodes and bytes, checked before copying: [`alias_byte_limit`]);
//! - values JSON cannot hold are refused: integers outside
//!   `i64::MIN..=u64::MAX`, `.inf`/`.nan`, non-string YAML keys,
//!   `!!binary`/`!!set`/`!!omap`/`!!pairs` and unknown tags.
//!
//! YAML is read as PyYAML's `safe_load` reads it (YAML 1.1 scalar types,
//! anchors, aliases and merge keys), except that timestamps stay strings and
//! what the list above refuses is refused; `docs/formats.md` has the
//! details.

mod json;
mod yaml;

pub use yaml::{ALIAS_BYTES_FACTOR, ALIAS_BYTES_FLOOR, MAX_ALIAS_NODES, alias_byte_limit};

use serde_json::{Map, Value};

use super::{Format, Position};

/// Reads a slice file's bytes: the mapping at its top level.
///
/// `{}` (an empty mapping, an empty YAML document, `null`) is a deleted
/// slice for the caller.
pub fn read(bytes: &[u8], format: Format) -> Result<Map<String, Value>, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|error| ReadError {
        kind: ReadErrorKind::InvalidUtf8,
        position: Position::of_byte_offset(bytes, error.valid_up_to()),
    })?;
    let (value, start) = match format {
        Format::Json => json::read(text)?,
        Format::Yaml => yaml::read(text)?,
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(ReadError {
            kind: ReadErrorKind::NotAMapping {
                found: kind_name(&other),
            },
            position: start,
        }),
    }
}

/// "a string", "a list", ...: the kind of a value, for messages.
pub(crate) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A slice file that cannot be read: what and where.
///
/// Displayed as `line L, column C: message`; the caller adds the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position}: {kind}")]
pub struct ReadError {
    /// What is wrong.
    pub kind: ReadErrorKind,
    /// Where: the offending character, key or value.
    pub position: Position,
}

/// What is wrong with a slice file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The bytes are not UTF-8.
    #[error("the file is not valid UTF-8")]
    InvalidUtf8,
    /// The parser's message for text that is not JSON / YAML.
    #[error("{0}")]
    Syntax(String),
    /// YAML text holds a character PyYAML refuses to read (a control
    /// character other than tab, line feed and carriage return, ...).
    #[error("non-printable character {0:?} (U+{code:04X})", code = u32::from(*.0))]
    NonPrintable(char),
    /// A raw NEL (U+0085), LINE SEPARATOR (U+2028) or PARAGRAPH SEPARATOR
    /// (U+2029) in YAML text: a line break for PyYAML (YAML 1.1), a
    /// character for YAML 1.2. Write it escaped: `"\N"`, `"\L"`, `"\P"`.
    #[error("raw line break character U+{code:04X} (YAML 1.1 and 1.2 read it differently): write it escaped in a double-quoted string", code = u32::from(*.0))]
    AmbiguousLineBreak(char),
    /// The top-level value is not a mapping.
    #[error("the document does not contain a mapping (found {found})")]
    NotAMapping {
        /// The kind of value found: "a list", "a string", ...
        found: &'static str,
    },
    /// A key appears twice in one mapping.
    #[error("duplicate key {key:?} (first at {first})")]
    DuplicateKey {
        /// The key.
        key: String,
        /// Where the key appears first.
        first: Position,
    },
    /// A YAML mapping key that is not a string (`1: a`, `yes: b`, `~: c`,
    /// `[a]: d`).
    #[error("mapping key {text:?} is {found}, not a string (quote it to use it as a key)")]
    NonStringKey {
        /// The key as written, or its kind for a collection.
        text: String,
        /// "an integer", "a boolean", "null", "a list", ...
        found: &'static str,
    },
    /// A number JSON cannot hold: an integer outside `i64::MIN..=u64::MAX`,
    /// or a float that is infinite or not a number.
    #[error("{text:?} cannot be represented: {reason}")]
    Unrepresentable {
        /// The scalar as written.
        text: String,
        /// Why.
        reason: &'static str,
    },
    /// A scalar tagged with a type it does not have (`!!int abc`).
    #[error("{text:?} is not {expected}")]
    InvalidScalar {
        /// The scalar as written.
        text: String,
        /// "an integer", "a float", "a boolean".
        expected: &'static str,
    },
    /// A YAML tag with no JSON equivalent (`!!binary`, `!!set`, `!custom`).
    #[error("unsupported tag {0}")]
    UnsupportedTag(String),
    /// A YAML stream with more than one document.
    #[error("expected a single document, found another one")]
    MultipleDocuments,
    /// A YAML anchor defined twice in one document (PyYAML refuses it too).
    #[error("anchor &{name} is defined twice (first at {first})")]
    DuplicateAnchor {
        /// The anchor name.
        name: String,
        /// Where it is defined first.
        first: Position,
    },
    /// A YAML alias inside the node it refers to (a recursive structure).
    #[error("alias refers to a node that contains it (recursive structures are not supported)")]
    RecursiveAlias,
    /// A YAML merge key (`<<`) whose value is not a mapping or a list of
    /// mappings.
    #[error("the value of a merge key `<<` must be a mapping or a list of mappings, found {found}")]
    InvalidMerge {
        /// The kind of value found.
        found: &'static str,
    },
    /// Two sources of YAML merge keys (`<<: [*a, *b]`) give one key
    /// different values and the mapping does not set it: PyYAML versions
    /// disagree on which wins.
    #[error("merge sources give key {key:?} different values (set it in the mapping itself)")]
    MergeConflict {
        /// The key.
        key: String,
    },
    /// A plain `<<` or `=` that is not a mapping key: YAML 1.1 reserves them
    /// (PyYAML refuses them too). Quote them for strings.
    #[error("plain {0:?} is reserved in YAML 1.1 outside mapping keys: quote it for a string")]
    ReservedScalar(String),
    /// YAML anchors and aliases copy too many nodes (an "alias bomb"):
    /// more than [`MAX_ALIAS_NODES`], at the alias (or anchored node) that
    /// crosses the bound.
    #[error("anchors and aliases expand to more than {0} nodes")]
    TooManyNodes(usize),
    /// YAML anchors and aliases copy more text than the bound of the file
    /// ([`alias_byte_limit`]: ten times its size, at least 1 MiB), at the
    /// alias (or anchored node) that crosses it.
    #[error(
        "anchors and aliases expand to more than {limit} bytes of text (the bound is 10 times the file's size, at least 1 MiB): use fewer aliases"
    )]
    AliasesTooLarge {
        /// The bound for this file, in bytes.
        limit: usize,
    },
}
