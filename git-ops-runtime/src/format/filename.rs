//! The slice file-name grammar: `name [ "@v" digits ] "." extension`.
//!
//! The original matches file names (not paths) with
//! `(?P<name>[^@]+)(\@v(?P<version>\d+))?\.(?P<extension>[a-z]+)` as a full
//! match: the name is greedy, so the *last* dot starts the extension
//! (`a.b.json` is the slice `a.b`), and the name cannot contain `@`.
//!
//! ```
//! use git_ops_runtime::format::filename::SliceFileName;
//!
//! let file = SliceFileName::parse("campus-10@v2.json").unwrap();
//! assert_eq!((file.name.as_str(), file.version, file.extension.as_str()), ("campus-10", Some(2), "json"));
//! assert_eq!(SliceFileName::active("campus-10", 3).unwrap().to_string(), "campus-10@v3.json");
//! ```
//!
//! Differences from the original, on purpose (see `docs/formats.md`):
//! version digits are ASCII only (Python's `\d` also takes other Unicode
//! decimal digits, e.g. `a@v١.json`), a version must fit in a `u64` and is
//! at least 1 (`a@v0.json` is refused), and the name must pass
//! [`check_name`], the one rule for slice names that every entry point
//! applies (listing, `slice create`, writing): no `\` and no control
//! character, which the original accepts in file names. Hidden files (a
//! leading `.`) are skipped by the callers that list folders, before
//! parsing, as in the original.

use std::fmt;

use super::Format;

/// A parsed slice file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SliceFileName {
    /// The slice name: everything before `@v` or the last `.`.
    pub name: String,
    /// The version from an `@vN` suffix.
    pub version: Option<u64>,
    /// The extension after the last `.`: one or more of `a`-`z`. Parsing
    /// accepts any such extension; [`SliceFileName::format`] says whether it
    /// is supported.
    pub extension: String,
}

/// Why a file name is not a slice file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileNameError {
    /// No `.` in the file name.
    #[error("slice file name {0:?} has no extension")]
    MissingExtension(String),
    /// The part after the last `.` is empty or not all lowercase ASCII
    /// letters (`a.JSON`, `a.`, `a.json~`).
    #[error(
        "slice file name {0:?} has an invalid extension (expected lowercase letters a-z after the last dot)"
    )]
    InvalidExtension(String),
    /// Nothing before `@v` or the extension (`@v1.json`, `.json`).
    #[error("slice file name {0:?} has an empty slice name")]
    EmptyName(String),
    /// An `@` not followed by `v` and ASCII digits up to the extension
    /// (`a@x.json`, `a@v.json`, `a@v1@v2.json`, `a@v1.b.json`).
    #[error(
        "slice file name {0:?} has an invalid version (expected the name, then `@v` and digits, then the extension)"
    )]
    InvalidVersion(String),
    /// A version beyond `u64::MAX`.
    #[error("slice file name {0:?} has a version that is too large")]
    VersionOutOfRange(String),
    /// Version 0 (`a@v0.json`): versions start at 1.
    #[error("slice file name {0:?} has version 0; versions start at 1")]
    VersionZero(String),
    /// A name that [`check_name`] refuses.
    #[error("{name:?} cannot be a slice name: {problem}")]
    InvalidName {
        /// The name.
        name: String,
        /// What is wrong with it.
        problem: NameProblem,
    },
}

/// Why a name cannot be a slice name ([`check_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// The empty name.
    #[error("it is empty")]
    Empty,
    /// A leading `.`: the file would be hidden, and skipped.
    #[error("it starts with `.`, which would hide its file")]
    Hidden,
    /// `/` (the file would be in another folder), `\` (a folder separator
    /// on Windows) or `@` (the version separator).
    #[error("it contains `{0}` (slice names cannot contain `/`, `\\` or `@`)")]
    Forbidden(char),
    /// A control character (a newline, a tab, NUL...): a name that cannot be
    /// shown on one line of a report or a log.
    #[error("it contains a control character")]
    Control,
}

/// An extension the engine cannot read or write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported slice file extension {extension:?} (expected json, yaml or yml)")]
pub struct UnsupportedExtension {
    /// The extension, without the dot.
    pub extension: String,
}

impl SliceFileName {
    /// Parses a file name (not a path).
    pub fn parse(file_name: &str) -> Result<SliceFileName, FileNameError> {
        let owned = || file_name.to_owned();
        let (stem, extension) = file_name
            .rsplit_once('.')
            .ok_or_else(|| FileNameError::MissingExtension(owned()))?;
        if extension.is_empty() || !extension.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(FileNameError::InvalidExtension(owned()));
        }
        let (name, version) = match stem.split_once('@') {
            None => (stem, None),
            Some((name, suffix)) => {
                let digits = suffix
                    .strip_prefix('v')
                    .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| FileNameError::InvalidVersion(owned()))?;
                let version = digits
                    .parse::<u64>()
                    .map_err(|_| FileNameError::VersionOutOfRange(owned()))?;
                if version == 0 {
                    return Err(FileNameError::VersionZero(owned()));
                }
                (name, Some(version))
            }
        };
        if name.is_empty() {
            return Err(FileNameError::EmptyName(owned()));
        }
        check_name(name)?;
        Ok(SliceFileName {
            name: name.to_owned(),
            version,
            extension: extension.to_owned(),
        })
    }

    /// A file name from its parts, checked so that it parses back to the
    /// same parts and stays inside its folder (a version, if any, is at
    /// least 1).
    pub fn new(
        name: &str,
        version: Option<u64>,
        extension: &str,
    ) -> Result<SliceFileName, FileNameError> {
        check_name(name)?;
        let file = SliceFileName {
            name: name.to_owned(),
            version,
            extension: extension.to_owned(),
        };
        if extension.is_empty() || !extension.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(FileNameError::InvalidExtension(file.to_string()));
        }
        if version == Some(0) {
            return Err(FileNameError::VersionZero(file.to_string()));
        }
        Ok(file)
    }

    /// The file name of version `version` of slice `name` in an active
    /// folder: `name@vN.json`.
    pub fn active(name: &str, version: u64) -> Result<SliceFileName, FileNameError> {
        SliceFileName::new(name, Some(version), "json")
    }

    /// The format of the extension: `json`, `yaml` and `yml` are supported.
    pub fn format(&self) -> Result<Format, UnsupportedExtension> {
        Format::from_extension(&self.extension)
    }
}

/// The rule for a slice name, the same at every entry point: listing a
/// source or active folder ([`SliceFileName::parse`]), `slice create`,
/// writing a file ([`SliceFileName::new`]). A name is not empty, does not
/// start with `.` (its file would be hidden), and holds no `/`, `\`, `@`
/// nor control character (`char::is_control`: newline, tab, NUL, ...).
/// Such a name reads back as itself from its file name and stays in its
/// folder.
///
/// # Errors
///
/// [`FileNameError::InvalidName`], with the [`NameProblem`].
pub fn check_name(name: &str) -> Result<(), FileNameError> {
    let problem = if name.is_empty() {
        NameProblem::Empty
    } else if name.starts_with('.') {
        NameProblem::Hidden
    } else if let Some(c) = name.chars().find(|c| matches!(c, '/' | '\\' | '@')) {
        NameProblem::Forbidden(c)
    } else if name.chars().any(char::is_control) {
        NameProblem::Control
    } else {
        return Ok(());
    };
    Err(FileNameError::InvalidName {
        name: name.to_owned(),
        problem,
    })
}

/// Renders `name[@vN].extension`.
impl fmt::Display for SliceFileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(version) = self.version {
            write!(f, "@v{version}")?;
        }
        write!(f, ".{}", self.extension)
    }
}
