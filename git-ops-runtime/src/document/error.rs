//! What can be wrong with a slice document, and where.

use std::fmt;

/// One step of a [`DocumentError::raw_path`]: a mapping key or a list index.
///
/// The raw path is what a reader with positions (the `format` module) needs to
/// find the line and column of the offending value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// The value of this key in a mapping.
    Key(String),
    /// The item at this position (0-based) in a list.
    Index(usize),
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Key(key) => f.write_str(key),
            PathSegment::Index(index) => write!(f, "{index}"),
        }
    }
}

/// One problem found in a slice document.
///
/// Displayed as `<path>: <message>`, e.g.
/// ``content[type=folder][name=etc].permisions: unknown field; did you mean `permissions`?``.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{path}: {kind}")]
pub struct DocumentError {
    /// The dict path of the offending value (`.` for the document itself).
    /// List items are selected by identity (`content[type=folder][name=etc]`)
    /// when their identity can be read, else by position (`content[3]`).
    pub path: String,
    /// The same place as mapping keys and list positions, from the document
    /// root. For a missing field, the last segment is the missing key (the
    /// value that is there is its parent).
    pub raw_path: Vec<PathSegment>,
    /// What is wrong.
    pub kind: DocumentErrorKind,
}

/// What is wrong with a value; the [`fmt::Display`] form is the message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DocumentErrorKind {
    /// A field without default is absent.
    #[error("missing required field (expected {expected})")]
    MissingField {
        /// What the field holds, e.g. `an integer`.
        expected: String,
    },
    /// A key that is not a field of the object's type.
    #[error("unknown field; {}", unknown_hint(suggestion.as_deref(), accepted))]
    UnknownField {
        /// The closest field name, when one is close enough.
        suggestion: Option<String>,
        /// Every field a file may hold at this place, in file order.
        accepted: Vec<String>,
    },
    /// A model-only field written in a file: its value is computed, never read.
    #[error(
        "model-only field: its value is computed by the model and cannot be set in a slice file"
    )]
    ModelOnlyField,
    /// A value of the wrong type, or a string that does not convert.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the field holds, e.g. `an integer`.
        expected: String,
        /// What the document holds, e.g. `the string "abc"`.
        found: String,
    },
    /// A number outside the field's bounds.
    #[error("expected {expected}, found {found}")]
    OutOfRange {
        /// The accepted range, e.g. `an integer between 1 and 4094`.
        expected: String,
        /// The value found, e.g. `the integer 5000`.
        found: String,
    },
    /// A string that is not one of the accepted values: an enum value, a
    /// union tag, or the fixed tag of a union member.
    #[error("expected {}, found {found}", one_of(accepted))]
    NotAllowed {
        /// The accepted values, in declaration order.
        accepted: Vec<String>,
        /// The value found.
        found: String,
    },
    /// An object of a union without its tag.
    #[error(
        "missing the tag `{tag}`, which tells the kind of object: expected {}",
        one_of(accepted)
    )]
    MissingTag {
        /// Name of the tag field.
        tag: String,
        /// The accepted tag values, in declaration order.
        accepted: Vec<String>,
    },
    /// A value still holding the placeholder of a scaffold
    /// ([`super::PLACEHOLDER`], written by `git-ops project slice create`):
    /// refused in the files you write, whatever the field's type.
    #[error(
        "unfilled placeholder \"<REPLACE_THIS>\" (from `slice create`): fill in the placeholder with {expected}"
    )]
    Placeholder {
        /// What the field holds, e.g. `an integer`.
        expected: String,
    },
    /// Two items of one list with the same identity (tag and keys).
    #[error("duplicate item: `{first}` and `{second}` have the same identity ({identity})")]
    DuplicateItem {
        /// Position of the first item, e.g. `content[1]`.
        first: String,
        /// Position of the second item, e.g. `content[4]`.
        second: String,
        /// The shared identity, e.g. `type=folder, name=etc`.
        identity: String,
    },
}

fn unknown_hint(suggestion: Option<&str>, accepted: &[String]) -> String {
    match suggestion {
        Some(name) => format!("did you mean `{name}`?"),
        None if accepted.is_empty() => "this object has no fields".to_owned(),
        None => format!("expected {}", one_of(accepted)),
    }
}

/// `` `a` ``, or `` one of `a`, `b` ``.
pub(crate) fn one_of(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.as_slice() {
        [single] => single.clone(),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

/// Every problem found in one slice document, in the order they were found
/// (fields in file order, depth first). Never empty.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentErrors {
    /// The problems.
    pub errors: Vec<DocumentError>,
}

impl fmt::Display for DocumentErrors {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DocumentErrors {}

impl DocumentErrors {
    /// The messages, one `<path>: <message>` string per problem.
    pub fn messages(&self) -> Vec<String> {
        self.errors.iter().map(ToString::to_string).collect()
    }
}
