//! What can go wrong while reading a store, and where.
//!
//! Every problem is one [`StoreError`]: the file it is about (project-relative
//! when the file is inside the project), the line and column when the parser
//! or a later lookup knows them, the dict path inside the slice for a schema
//! problem, a snippet of the offending line, and the [`StoreErrorKind`].
//! Loading a store collects every problem of every file into
//! [`StoreErrors`], so that a command validating a store lists them all.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::confine::LinkProblemKind;
use super::files::EntryKind;
use super::txn::TargetProblem;
use crate::dictpath::PathError;
use crate::document::{DocumentErrorKind, DocumentErrors};
use crate::format::Position;
use crate::format::filename::FileNameError;
use crate::format::read::ReadErrorKind;

/// One problem with one file of a store.
///
/// Displayed as `<file>:<line>:<column>: <dict path>: <message>`, the parts
/// that are not known left out, e.g.
/// `files/tree/a.yaml:4:3: trunk.weight: expected an integer or null, found the string "heavy"`.
/// [`StoreError::snippet`] holds the offending line with a caret under the
/// column, for a command line to print below the message.
#[derive(Debug, thiserror::Error)]
pub struct StoreError {
    /// The file: relative to the project root when it is inside the project
    /// (`files/tree/a.yaml`, `git_ops/active/tree/a@v2.json`), else absolute.
    pub file: PathBuf,
    /// Line and column of the offending text, when known.
    pub position: Option<Position>,
    /// The dict path of the offending value inside the slice (`.` for the
    /// document itself), for problems found by the schema.
    pub dict_path: Option<String>,
    /// The offending line with a caret under the column (see
    /// [`crate::format::locate::snippet`]), when the position is known.
    pub snippet: Option<String>,
    /// What is wrong.
    pub kind: StoreErrorKind,
}

impl StoreError {
    /// An error about a whole file (no position, no dict path).
    pub fn file(file: impl Into<PathBuf>, kind: StoreErrorKind) -> StoreError {
        StoreError {
            file: file.into(),
            position: None,
            dict_path: None,
            snippet: None,
            kind,
        }
    }
}

impl StoreError {
    /// An error about the symbolic link `problem.link`, named as `shown`.
    pub(crate) fn link(
        shown: impl Into<PathBuf>,
        problem: super::confine::LinkProblem,
    ) -> StoreError {
        StoreError::file(
            shown,
            StoreErrorKind::Link {
                target: problem.target,
                problem: problem.kind,
            },
        )
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(position) = self.position {
            write!(f, ":{}:{}", position.line, position.column)?;
        }
        f.write_str(": ")?;
        if let Some(path) = &self.dict_path {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

/// What is wrong; the [`fmt::Display`] form is the message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// Listing a folder or reading a file failed.
    #[error("cannot {action}: {source}")]
    Io {
        /// What was attempted: `list the folder`, `read the file`.
        action: &'static str,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// An entry named like a slice file (`*.json`, `*.yaml`, `*.yml`) that
    /// is not a regular file: a folder, a named pipe, a socket, a device, a
    /// dangling or looping symbolic link. It is not read, and its slice is
    /// not taken as deleted.
    #[error(
        "{}, named like a slice file: a slice file must be a regular file (or a link to one inside the project); git-ops does not read it, nor take its slice as deleted",
        .0.describe()
    )]
    NotAFile(EntryKind),
    /// A symbolic link that leaves the project (or the source folder a
    /// module declares outside it) or cannot be followed. Nothing is read
    /// or written through it.
    #[error(
        "a symbolic link to `{}`: {problem}; git-ops does not read or write through links that leave the project or cannot be followed",
        target.display()
    )]
    Link {
        /// The target as written in the link.
        target: PathBuf,
        /// What is wrong.
        problem: LinkProblemKind,
    },
    /// A slice file that is a symbolic link (inside the project) and that
    /// the operation must rewrite.
    #[error(
        "a symbolic link to `{}`, and {why}: git-ops does not write through links, nor replace a link by a file; replace the link by the file it points to",
        target.display()
    )]
    RewriteLink {
        /// The target as written in the link.
        target: PathBuf,
        /// Why the file must be rewritten.
        why: &'static str,
    },
    /// A file name that is not valid UTF-8 (it cannot name a slice).
    #[error("the file name is not valid UTF-8, so it cannot be a slice file")]
    NonUtf8FileName,
    /// A file name that does not follow the slice file-name grammar.
    #[error("{0}")]
    FileName(FileNameError),
    /// A file whose extension is not `json`, `yaml` or `yml`.
    #[error(
        "unsupported slice file extension {0:?}: slice files end in .json, .yaml or .yml (move other files out of the folder)"
    )]
    UnsupportedExtension(String),
    /// A source file name with an `@vN` suffix.
    #[error(
        "a source file name cannot carry a version (`@v{version}`): versions are assigned by git-ops and only appear in the active store; rename the file to `{suggested}`"
    )]
    VersionInSourceName {
        /// The version in the name.
        version: u64,
        /// The name without the version.
        suggested: String,
    },
    /// Two source files with the same slice name and different extensions.
    #[error(
        "slice `{name}` has two source files, this one and {}: keep one of them",
        other.display()
    )]
    DuplicateSource {
        /// The slice name.
        name: String,
        /// The other file.
        other: PathBuf,
    },
    /// An active file without `@vN` in its name.
    #[error(
        "active files must carry a version in their name (`<name>@v<N>.json`); this one has none"
    )]
    MissingVersion,
    /// Two active files of one slice with the same version.
    #[error(
        "version {version} of slice `{name}` is stored twice, in this file and in {}: keep one of them",
        other.display()
    )]
    DuplicateVersion {
        /// The slice name.
        name: String,
        /// The version.
        version: u64,
        /// The other file.
        other: PathBuf,
    },
    /// A file that is not valid JSON / YAML, or whose top level is not a
    /// mapping.
    #[error("{0}")]
    Read(ReadErrorKind),
    /// A document the store's schema refuses.
    #[error("{0}")]
    Document(DocumentErrorKind),
    /// The next version number of a slice does not fit in 64 bits.
    #[error("slice `{0}` has reached the highest version number; prune it first")]
    VersionOverflow(String),
    /// The merged view of a slice cannot be built. The schema checks make
    /// this unreachable for a store built with [`crate::schema::StoreSchema::build`];
    /// it is reported rather than panicking.
    #[error("cannot build the view of slice `{name}`: {reason}")]
    View {
        /// The slice name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A dict path that cannot be built for an element of a view.
    #[error("cannot build the path of an element of slice `{name}`: {error}")]
    Path {
        /// The slice name.
        name: String,
        /// Why.
        error: PathError,
    },
    /// The view or the previous version of a slice was asked for, but the
    /// slice was loaded with [`super::Depth::Latest`].
    #[error(
        "slice `{0}` was loaded without its older versions; load it with Depth::Full to compute its view"
    )]
    HistoryNotLoaded(String),
    /// `files/git-ops-config.yml` does not have the expected shape.
    #[error("{0}")]
    Config(String),
    /// A file an operation must write for the slice cannot be: its name is
    /// too long for the file system, or something other than a file is in
    /// its place. Found before anything is written.
    #[error("slice `{slice}`: git-ops cannot write {target}: {problem}: {}", problem.advice())]
    Unwritable {
        /// The slice.
        slice: String,
        /// The file that cannot be written, relative to the project root.
        target: String,
        /// Why.
        problem: TargetProblem,
    },
    /// Two slices of a store with the same root key values: the export
    /// compile would fail on an index collision (`docs/store-semantics.md`).
    #[error("{}", duplicate_root_keys(self))]
    DuplicateRootKeys {
        /// The shared values, `vid=10` or `mount=/data, name=data`.
        keys: String,
        /// The name of the store's root entity, `Vlan`.
        entity: String,
        /// The other slice.
        other_slice: String,
        /// The file of the other slice holding the values.
        other: PathBuf,
        /// Where the first key value is in it, when known.
        other_position: Option<Position>,
        /// The other slice is deleted (in the views until a prune).
        other_deleted: bool,
    },
}

fn duplicate_root_keys(kind: &StoreErrorKind) -> String {
    let StoreErrorKind::DuplicateRootKeys {
        keys,
        entity,
        other_slice,
        other,
        other_position,
        other_deleted,
    } = kind
    else {
        unreachable!("only for DuplicateRootKeys")
    };
    let mut at = other.display().to_string();
    if let Some(position) = other_position {
        at.push_str(&format!(":{}:{}", position.line, position.column));
    }
    if *other_deleted {
        format!(
            "slice `{other_slice}` has the same keys ({keys}, {at}) and, deleted, stays in the views until a prune: two `{entity}` objects with one identity would make the export compile fail on an index collision; sync and prune the deletion first, or give this slice other keys"
        )
    } else {
        format!(
            "slice `{other_slice}` has the same keys ({keys}, {at}): two `{entity}` objects with one identity would make the export compile fail on an index collision; give one of the two slices other keys"
        )
    }
}

/// Every problem found, in a stable order (by file, then position).
///
/// Displayed one problem per line.
#[derive(Debug)]
pub struct StoreErrors {
    /// The problems; never empty.
    pub errors: Vec<StoreError>,
}

impl StoreErrors {
    /// Wraps problems; sorts them by file, then position (the order of
    /// discovery within one position is kept).
    pub fn new(mut errors: Vec<StoreError>) -> StoreErrors {
        errors.sort_by(|a, b| {
            a.file
                .cmp(&b.file)
                .then_with(|| a.position.cmp(&b.position))
        });
        StoreErrors { errors }
    }

    /// The problems of a document built in memory for the source file
    /// `file` (a value set by a processor or `set_attribute`): each names
    /// its dict path; there is no position in a file to point at.
    pub(crate) fn unlocated(file: &str, errors: DocumentErrors) -> StoreErrors {
        StoreErrors::new(
            errors
                .errors
                .into_iter()
                .map(|e| StoreError {
                    file: file.into(),
                    position: None,
                    dict_path: Some(e.path),
                    snippet: None,
                    kind: StoreErrorKind::Document(e.kind),
                })
                .collect(),
        )
    }

    /// The messages, one per problem (the [`fmt::Display`] form of each).
    pub fn messages(&self) -> Vec<String> {
        self.errors.iter().map(ToString::to_string).collect()
    }
}

impl From<StoreError> for StoreErrors {
    fn from(error: StoreError) -> Self {
        StoreErrors {
            errors: vec![error],
        }
    }
}

impl fmt::Display for StoreErrors {
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

impl std::error::Error for StoreErrors {}
