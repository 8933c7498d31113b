//! Listing the folders of a store: which files hold which slice (spec §2.2).
//!
//! Listing reads folder entries and parses file names; it reads no file.
//! Entries whose name starts with `.` are skipped (so the migration state
//! `.migrations.json` and the temporary files of atomic writes are);
//! regular files (and links to one inside the project) are slice files.
//! Refused, each with the entry named:
//!
//! - an entry named like a slice file (`*.json`, `*.yaml`, `*.yml`) that
//!   is not a regular file: a folder, a named pipe, a socket, a device, a
//!   dangling or looping link. The original skipped them, so an unreadable
//!   file counted as a deleted slice; other entries that are not files (a
//!   folder `archive/`) are skipped;
//! - a symbolic link that resolves outside the project (or outside a
//!   source folder the module declares outside the project);
//! - a file name that does not follow the grammar (the slice name rule
//!   included, [`check_name`](crate::format::filename::check_name)), or is
//!   not UTF-8;
//! - an extension other than `json`, `yaml`, `yml`;
//! - in the source folder: a version suffix (`x@v5.json`), and two files of
//!   one slice (`a.json` and `a.yaml`; the original picks one at random);
//! - in the active folder: a file without version, and two files of one
//!   version (`a@v1.json` and `a@v1.yaml`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::confine::LinkProblemKind;
use super::error::{StoreError, StoreErrorKind, StoreErrors};
use super::files::{EntryKind, FolderEntry, StoreFiles};
use crate::format::Format;
use crate::format::filename::SliceFileName;

/// One file of a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreFile {
    /// Where to read it (what [`StoreFiles::read`] gets).
    pub path: PathBuf,
    /// How it is named in messages and view files: relative to the project
    /// root when inside it, with `/` separators.
    pub shown: String,
    /// The file name, parsed.
    pub file_name: SliceFileName,
    /// Its format, from the extension.
    pub format: Format,
    /// When the file is a symbolic link (to a file inside the project): its
    /// target as written. It is read through; an operation that must
    /// rewrite it refuses.
    pub link: Option<PathBuf>,
}

impl StoreFile {
    /// The version of an active file (`None` for a source file).
    pub fn version(&self) -> Option<u64> {
        self.file_name.version
    }

    /// Refuses to rewrite a file that is a symbolic link: writing a
    /// temporary file and renaming it over the link would silently turn
    /// the link into a regular file (`docs/operations.md`, "Links").
    pub(crate) fn check_rewritable(&self, why: &'static str) -> Result<(), StoreErrors> {
        match &self.link {
            None => Ok(()),
            Some(target) => Err(StoreError::file(
                self.shown.clone(),
                StoreErrorKind::RewriteLink {
                    target: target.clone(),
                    why,
                },
            )
            .into()),
        }
    }
}

/// The files of one slice name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceFiles {
    /// The slice name.
    pub name: String,
    /// Its source file, if any.
    pub source: Option<StoreFile>,
    /// Its active files, by ascending version.
    pub active: Vec<StoreFile>,
}

impl SliceFiles {
    /// The active file with the highest version.
    pub fn latest(&self) -> Option<&StoreFile> {
        self.active.last()
    }
}

/// The slices of a store, by name (code-point order), with their files.
///
/// Small: names and paths only. Build it once with
/// [`super::Store::list_files`], then load slices one at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreListing {
    slices: Vec<SliceFiles>,
}

impl StoreListing {
    /// A listing of these slices (sorted by name by the caller).
    pub(crate) fn from_slices(slices: Vec<SliceFiles>) -> StoreListing {
        StoreListing { slices }
    }

    /// The slices, by name.
    pub fn slices(&self) -> &[SliceFiles] {
        &self.slices
    }

    /// The files of slice `name`.
    pub fn get(&self, name: &str) -> Option<&SliceFiles> {
        self.slices
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.slices[i])
    }

    /// How many slice names.
    pub fn len(&self) -> usize {
        self.slices.len()
    }

    /// Whether no slice has a file.
    pub fn is_empty(&self) -> bool {
        self.slices.is_empty()
    }

    /// The slice names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.slices.iter().map(|s| s.name.as_str())
    }
}

/// Which folder is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FolderRole {
    Source,
    Active,
}

/// Lists one folder: the files that name a slice, and the problems. A
/// symbolic link must resolve inside `within` (canonicalised when the first
/// link is met).
pub(crate) fn list_folder(
    files: &dyn StoreFiles,
    folder: &Path,
    within: &Path,
    role: FolderRole,
    shown: &dyn Fn(&Path) -> String,
    errors: &mut Vec<StoreError>,
) -> Vec<StoreFile> {
    let entries = match files.list(folder) {
        Ok(Some(entries)) => entries,
        Ok(None) => return Vec::new(),
        Err(source) => {
            errors.push(StoreError::file(
                shown(folder),
                StoreErrorKind::Io {
                    action: "list the folder",
                    source,
                },
            ));
            return Vec::new();
        }
    };
    let mut canonical_within: Option<Option<PathBuf>> = None;
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let bytes = entry.name.as_encoded_bytes();
        if bytes.starts_with(b".") {
            continue;
        }
        let path = folder.join(&entry.name);
        let problem = |kind| StoreError::file(shown(&path), kind);
        if let Some(link) = &entry.link
            && let Some(resolved) = &link.resolved
        {
            let within = canonical_within
                .get_or_insert_with(|| std::fs::canonicalize(within).ok())
                .as_deref()
                .unwrap_or(within);
            if !resolved.starts_with(within)
                && (entry.kind == EntryKind::File || named_like_a_slice(bytes))
            {
                errors.push(problem(StoreErrorKind::Link {
                    target: link.target.clone(),
                    problem: LinkProblemKind::Outside {
                        resolved: resolved.clone(),
                        within: within.to_path_buf(),
                    },
                }));
                continue;
            }
        }
        if entry.kind != EntryKind::File {
            if named_like_a_slice(bytes) {
                errors.push(not_a_file(&entry, problem));
            }
            continue;
        }
        let Some(name) = entry.name.to_str() else {
            errors.push(problem(StoreErrorKind::NonUtf8FileName));
            continue;
        };
        let file_name = match SliceFileName::parse(name) {
            Ok(file_name) => file_name,
            Err(error) => {
                errors.push(problem(StoreErrorKind::FileName(error)));
                continue;
            }
        };
        let format = match file_name.format() {
            Ok(format) => format,
            Err(error) => {
                errors.push(problem(StoreErrorKind::UnsupportedExtension(
                    error.extension,
                )));
                continue;
            }
        };
        match (role, file_name.version) {
            (FolderRole::Source, Some(version)) => {
                errors.push(problem(StoreErrorKind::VersionInSourceName {
                    version,
                    suggested: format!("{}.{}", file_name.name, file_name.extension),
                }));
                continue;
            }
            (FolderRole::Active, None) => {
                errors.push(problem(StoreErrorKind::MissingVersion));
                continue;
            }
            _ => {}
        }
        out.push(StoreFile {
            shown: shown(&path),
            path,
            file_name,
            format,
            link: entry.link.map(|link| link.target),
        });
    }
    // Deterministic whatever the listing order: by name, version, then file
    // name (`a@v01.json` and `a@v1.json` are both version 1).
    out.sort_by(|a, b| {
        a.file_name
            .name
            .cmp(&b.file_name.name)
            .then(a.file_name.version.cmp(&b.file_name.version))
            .then_with(|| a.shown.cmp(&b.shown))
    });
    out
}

/// Whether a file name ends like a slice file's: `.json`, `.yaml`, `.yml`.
fn named_like_a_slice(name: &[u8]) -> bool {
    [&b".json"[..], b".yaml", b".yml"]
        .iter()
        .any(|extension| name.len() > extension.len() && name.ends_with(extension))
}

/// The error for an entry named like a slice file that is not a file.
fn not_a_file(entry: &FolderEntry, problem: impl Fn(StoreErrorKind) -> StoreError) -> StoreError {
    match (&entry.link, entry.kind) {
        (Some(link), EntryKind::DanglingLink) => problem(StoreErrorKind::Link {
            target: link.target.clone(),
            problem: LinkProblemKind::Dangling,
        }),
        (Some(link), EntryKind::BrokenLink) => problem(StoreErrorKind::Link {
            target: link.target.clone(),
            problem: LinkProblemKind::Broken(
                "a loop of links, or a folder that cannot be searched".into(),
            ),
        }),
        (_, kind) => problem(StoreErrorKind::NotAFile(kind)),
    }
}

/// Groups listed files into slices; refuses two files for one source slice
/// or one active version (both are left out of the listing).
pub(crate) fn group(
    source: Vec<StoreFile>,
    active: Vec<StoreFile>,
    errors: &mut Vec<StoreError>,
) -> StoreListing {
    let mut by_name: BTreeMap<String, SliceFiles> = BTreeMap::new();
    let mut source = source.into_iter().peekable();
    while let Some(file) = source.next() {
        let mut duplicates = Vec::new();
        while source
            .peek()
            .is_some_and(|next| next.file_name.name == file.file_name.name)
        {
            duplicates.push(source.next().expect("peeked"));
        }
        let name = file.file_name.name.clone();
        if duplicates.is_empty() {
            slot(&mut by_name, &name).source = Some(file);
        } else {
            for other in &duplicates {
                errors.push(StoreError::file(
                    file.shown.clone(),
                    StoreErrorKind::DuplicateSource {
                        name: name.clone(),
                        other: PathBuf::from(&other.shown),
                    },
                ));
            }
        }
    }

    let mut active = active.into_iter().peekable();
    while let Some(file) = active.next() {
        let mut duplicates = Vec::new();
        while active.peek().is_some_and(|next| {
            next.file_name.name == file.file_name.name
                && next.file_name.version == file.file_name.version
        }) {
            duplicates.push(active.next().expect("peeked"));
        }
        let name = file.file_name.name.clone();
        if duplicates.is_empty() {
            slot(&mut by_name, &name).active.push(file);
        } else {
            for other in &duplicates {
                errors.push(StoreError::file(
                    file.shown.clone(),
                    StoreErrorKind::DuplicateVersion {
                        name: name.clone(),
                        version: file.file_name.version.unwrap_or_default(),
                        other: PathBuf::from(&other.shown),
                    },
                ));
            }
        }
    }
    StoreListing {
        slices: by_name.into_values().collect(),
    }
}

fn slot<'a>(by_name: &'a mut BTreeMap<String, SliceFiles>, name: &str) -> &'a mut SliceFiles {
    by_name
        .entry(name.to_owned())
        .or_insert_with(|| SliceFiles {
            name: name.to_owned(),
            source: None,
            active: Vec::new(),
        })
}
