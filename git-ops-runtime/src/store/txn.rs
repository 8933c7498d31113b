//! Multi-file changes that land whole: stage, commit through a journal,
//! replay after a crash.
//!
//! An operation computes and checks everything first, staging every new
//! file as a hidden temporary file in its target folder
//! (`.<name>.<pid>-<n>.git-ops.tmp`, as [`crate::format::atomic`] names
//! them) and every deletion as a note. Then [`Transaction::commit`]:
//!
//! 1. with [`Durability::Fsync`], makes the temporary files durable (one
//!    `syncfs` per file system on Linux, else one `fsync` per file and
//!    folder);
//! 2. writes the **journal** `git_ops/.journal.json` atomically: the list of
//!    renames and deletions. Once it is on disk the operation is decided:
//!    this is the commit point;
//! 3. renames the temporary files over their targets and deletes what must
//!    go, in journal order (slice files first, then views);
//! 4. with [`Durability::Fsync`], syncs the folders it changed;
//! 5. removes the journal.
//!
//! A crash before step 2 leaves temporary files and no journal: the next
//! mutating operation (or [`recover`]) deletes them, and the project is as
//! before. A crash after step 2 leaves the journal: the next operation
//! replays it first (a rename whose temporary file is gone was done; a
//! deletion of a missing file was done), so the interrupted operation
//! completes. Either way a rerun ends in the state of an uninterrupted run.
//!
//! If the operation fails before committing, dropping the transaction
//! deletes its temporary files and the folders it created: nothing changed.
//!
//! So that no step can fail after the commit point, staging checks every
//! target ([`TargetProblem`]): its name and path within the system's
//! limits, nothing but a regular file (or a symbolic link, which a rename
//! replaces) where it goes. A journal names the operation that wrote it,
//! and is replayed only when every step stays inside the folders git-ops
//! writes ([`Writable`]): a journal that is not git-ops' own is refused
//! whole, before any step. A replay that fails anyway (something put in the
//! way after the commit point) names the journal, the operation and the
//! step; [`recover`] with `finish_without_impossible` finishes an operation
//! whose step can never be done (a name too long for the file system,
//! left by an older git-ops) without that file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use super::files::{EntryKind, FolderEntry, StoreFiles};
use super::migrate::STATE_FILE;
use super::report::{Change, FileChange, FileKind, Operation, Recovery};
use crate::format::atomic::{
    Durability, TEMPORARY_SUFFIX, create_temporary, is_temporary_file, write_atomic,
};
use crate::format::filename::SliceFileName;

/// The journal, relative to the project root.
pub const JOURNAL_FILE: &str = "git_ops/.journal.json";

/// The journal format version.
const JOURNAL_FORMAT: u64 = 1;

/// A failure while staging, committing or recovering.
#[derive(Debug, thiserror::Error)]
pub enum TxnError {
    /// A file operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The journal of an interrupted operation cannot be read.
    #[error(
        "the journal {} of an interrupted git-ops operation cannot be read ({message}); it lists the renames that complete that operation: inspect it, then delete it",
        path.display()
    )]
    Journal {
        /// The journal.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A file the operation would write or remove cannot be: found while
    /// staging, before anything changed.
    #[error("cannot {action} {path}: {problem}: {}", problem.advice())]
    Target {
        /// `write` or `remove`.
        action: &'static str,
        /// The file, relative to the project root (absolute outside it).
        path: String,
        /// Why.
        problem: TargetProblem,
    },
    /// A journal names a path git-ops does not write: the whole journal is
    /// refused, before any of its steps.
    #[error(transparent)]
    JournalRefused(Box<JournalRefused>),
    /// A step of a committed operation failed: the operation is decided
    /// (its journal is on disk) and not finished.
    #[error(transparent)]
    Replay(Box<ReplayFailure>),
    /// A crash injected by a test ([`FaultInjector`]): the operation stopped
    /// where it was, without cleaning up.
    #[error("injected crash (test hook)")]
    InjectedCrash,
}

/// A journal that names a path git-ops does not write ([`TxnError::JournalRefused`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the journal {journal}{} is refused, nothing was done: step {step} of {total} ({what}): {reason}. git-ops replays only renames of its own temporary files and deletions inside the folders it writes; this journal is not one it wrote: inspect it, then delete it",
    operation.as_deref().map(|o| format!(" of an interrupted {o}")).unwrap_or_default()
)]
pub struct JournalRefused {
    /// The journal, relative to the project root.
    pub journal: String,
    /// The operation the journal says it records.
    pub operation: Option<String>,
    /// The refused step, from 1.
    pub step: usize,
    /// How many steps the journal has.
    pub total: usize,
    /// The step, as `rename "from" to "to"` or `remove "path"`.
    pub what: String,
    /// Why it is refused.
    pub reason: String,
}

/// A step of a committed operation that failed ([`TxnError::Replay`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {} recorded in {journal} cannot be finished: step {step} of {total} ({what}) failed: {cause}; {advice}",
    operation.as_deref().unwrap_or("git-ops operation")
)]
pub struct ReplayFailure {
    /// The journal, relative to the project root.
    pub journal: String,
    /// The operation the journal records, when it says.
    pub operation: Option<String>,
    /// The failed step, from 1.
    pub step: usize,
    /// How many steps the journal has.
    pub total: usize,
    /// The step, as `rename "from" to "to"` or `remove "path"`.
    pub what: String,
    /// What went wrong.
    pub cause: String,
    /// What to do.
    pub advice: String,
}

/// Why a file cannot be written or removed by a rename (checked while
/// staging, so that no step of a journal can fail on it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetProblem {
    /// The file name is longer than the file system allows (`NAME_MAX`,
    /// in bytes).
    #[error("its name is {bytes} bytes long, and the file system allows at most {max}")]
    NameTooLong {
        /// The length of the name, in bytes.
        bytes: usize,
        /// The file system's limit.
        max: usize,
    },
    /// The whole path is longer than the system allows (`PATH_MAX`).
    #[error("its path is {bytes} bytes long, and the system allows at most {max}")]
    PathTooLong {
        /// The length of the path, in bytes.
        bytes: usize,
        /// The system's limit.
        max: usize,
    },
    /// Something other than a regular file (or a symbolic link) is where
    /// the file goes: a folder, a FIFO, a socket, a device.
    #[error("{0} is in the way (git-ops only replaces regular files)")]
    InTheWay(&'static str),
}

impl TargetProblem {
    /// What the user can do about it.
    pub fn advice(&self) -> &'static str {
        match self {
            TargetProblem::NameTooLong { .. } | TargetProblem::PathTooLong { .. } => {
                "give the slice a shorter name"
            }
            TargetProblem::InTheWay(_) => "move it away",
        }
    }
}

/// The longest path the system takes, in bytes (without the final NUL).
const PATH_MAX: usize = if cfg!(target_os = "linux") {
    4095
} else {
    1023
};

/// The longest file name the file system of `folder` (or of its nearest
/// existing ancestor) takes, in bytes.
fn name_max(folder: &Path) -> usize {
    #[cfg(target_os = "linux")]
    for dir in folder.ancestors() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        match rustix::fs::statvfs(dir) {
            Ok(stat) => {
                return usize::try_from(stat.f_namemax)
                    .ok()
                    .filter(|&max| max > 0)
                    .unwrap_or(255);
            }
            Err(rustix::io::Errno::NOENT | rustix::io::Errno::NOTDIR) => {}
            Err(_) => break,
        }
    }
    let _ = folder;
    255
}

/// What kind of entry is in the way of a file, if any.
fn in_the_way(metadata: &fs::Metadata) -> Option<&'static str> {
    kind_in_the_way(metadata.file_type())
}

/// [`in_the_way`] from the type of an entry.
fn kind_in_the_way(kind: fs::FileType) -> Option<&'static str> {
    if kind.is_file() || kind.is_symlink() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_block_device() || kind.is_char_device() {
            return Some("a device");
        }
    }
    Some("something other than a file")
}

/// The name and path length of `target` against the limits; `name_max` is
/// its folder's.
fn check_lengths(target: &Path, name_max: usize) -> Result<(), TargetProblem> {
    let name = target.file_name().map_or(0, |n| n.len());
    if name > name_max {
        return Err(TargetProblem::NameTooLong {
            bytes: name,
            max: name_max,
        });
    }
    let path = target.as_os_str().len();
    if path > PATH_MAX {
        return Err(TargetProblem::PathTooLong {
            bytes: path,
            max: PATH_MAX,
        });
    }
    Ok(())
}

fn io_error<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(io::Error) -> TxnError + 'p {
    move |source| TxnError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// A test hook simulating a crash: the file operation after the first `n`
/// ones fails with [`TxnError::InjectedCrash`] and the transaction stops
/// there, leaving its files as a killed process would. File operations are:
/// writing one staged file, writing the journal, each rename or deletion,
/// removing the journal.
#[derive(Debug, Clone)]
pub struct FaultInjector {
    remaining: Arc<AtomicUsize>,
    crashed: Arc<std::sync::atomic::AtomicBool>,
}

impl FaultInjector {
    /// Crash after `n` file operations.
    pub fn after(n: usize) -> FaultInjector {
        FaultInjector {
            remaining: Arc::new(AtomicUsize::new(n)),
            crashed: Arc::default(),
        }
    }

    /// Whether the crash happened.
    pub fn crashed(&self) -> bool {
        self.crashed.load(Ordering::SeqCst)
    }

    fn tick(&self) -> Result<(), TxnError> {
        let taken = self
            .remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if taken.is_err() {
            self.crashed.store(true, Ordering::SeqCst);
            return Err(TxnError::InjectedCrash);
        }
        Ok(())
    }
}

/// What is staged for one target.
#[derive(Debug, Clone)]
enum Staged {
    Write { temporary: PathBuf, kind: FileKind },
    Remove { kind: FileKind },
}

#[derive(Debug, Default)]
struct State {
    staged: BTreeMap<PathBuf, Staged>,
    /// Temporary files replaced by a later staging of the same target.
    superseded: Vec<PathBuf>,
    /// Folders created for staged files, outermost first.
    created: Vec<PathBuf>,
    /// Folders known to exist (no need to check again).
    folders: BTreeSet<PathBuf>,
    /// The longest file name of each folder's file system, as asked.
    name_max: BTreeMap<PathBuf, usize>,
    /// Folders to create at the commit, even without a file in them.
    ensured: BTreeSet<PathBuf>,
    /// Committed or crashed: dropping must not clean up.
    finished: bool,
}

/// A set of file changes that land together. See the [module
/// documentation](self).
#[derive(Debug)]
pub struct Transaction {
    root: PathBuf,
    operation: Operation,
    durability: Durability,
    fault: Option<FaultInjector>,
    state: Mutex<State>,
}

/// One step of a journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    /// Rename `from` (a staged temporary file) over `to`.
    Rename { from: String, to: String },
    /// Delete the file.
    Remove(String),
}

impl Step {
    /// The step for messages, its paths quoted as in the journal.
    fn describe(&self) -> String {
        match self {
            Step::Rename { from, to } => format!("rename {from:?} to {to:?}"),
            Step::Remove(path) => format!("remove {path:?}"),
        }
    }
}

/// The journal file. `operation` (`update`, `sync`, ...) was added after
/// the first release of format 1: a journal without it is still read, and
/// older programs ignore it.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    git_ops_journal: u64,
    #[serde(default)]
    operation: Option<String>,
    steps: Vec<Step>,
}

/// [`Journal`] borrowing its steps, for writing.
#[derive(Serialize)]
struct JournalRef<'a> {
    git_ops_journal: u64,
    operation: &'a str,
    steps: &'a [Step],
}

impl Transaction {
    /// A transaction of `operation` on the project at `root`.
    pub(crate) fn new(
        root: &Path,
        operation: Operation,
        durability: Durability,
        fault: Option<FaultInjector>,
    ) -> Transaction {
        Transaction {
            root: root.to_path_buf(),
            operation,
            durability,
            fault,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn tick(&self) -> Result<(), TxnError> {
        match &self.fault {
            Some(fault) => fault.tick().inspect_err(|_| self.state().finished = true),
            None => Ok(()),
        }
    }

    /// Stages `bytes` as the new content of `target` (created with its
    /// missing folders). Staging a target again replaces the first staging.
    pub(crate) fn stage_write(
        &self,
        target: &Path,
        kind: FileKind,
        bytes: &[u8],
    ) -> Result<(), TxnError> {
        self.tick()?;
        let folder = target.parent().unwrap_or(Path::new("."));
        self.create_folders(folder)?;
        // A view file is only checked by length here: what is in its place
        // is checked with one listing per folder before the commit
        // ([`Transaction::check_views`]), which saves a `stat` per file.
        let existing = match kind {
            FileKind::View => {
                let max = self.name_max(folder);
                check_lengths(target, max).map_err(|problem| TxnError::Target {
                    action: "write",
                    path: self.shown(target),
                    problem,
                })?;
                None
            }
            _ => self.check_target(target, "write")?,
        };
        let (temporary, mut file) =
            create_temporary(target).map_err(io_error("create a temporary file for", target))?;
        // A replaced file keeps its permissions (but view files, which only
        // git-ops writes); a link's are those of the file it points to.
        let permissions = match (kind, existing) {
            (FileKind::View, _) | (_, None) => None,
            (_, Some(metadata)) if metadata.file_type().is_symlink() => {
                fs::metadata(target).ok().map(|m| m.permissions())
            }
            (_, Some(metadata)) => Some(metadata.permissions()),
        };
        let written = file.write_all(bytes).and_then(|()| match permissions {
            Some(permissions) => file.set_permissions(permissions),
            None => Ok(()),
        });
        drop(file);
        if let Err(source) = written {
            let _ = fs::remove_file(&temporary);
            return Err(TxnError::Io {
                action: "write a temporary file for",
                path: target.to_path_buf(),
                source,
            });
        }
        let mut state = self.state();
        if let Some(Staged::Write { temporary, .. }) = state.staged.insert(
            target.to_path_buf(),
            Staged::Write {
                temporary: temporary.clone(),
                kind,
            },
        ) {
            state.superseded.push(temporary);
        }
        Ok(())
    }

    /// Checks that `target` can be written (or removed) by a rename: its
    /// name and path within the limits of the system, nothing but a
    /// regular file or a symbolic link where it goes. Returns what is there
    /// now (not followed), `None` when nothing is.
    pub(crate) fn check_target(
        &self,
        target: &Path,
        action: &'static str,
    ) -> Result<Option<fs::Metadata>, TxnError> {
        let refuse = |problem| TxnError::Target {
            action,
            path: self.shown(target),
            problem,
        };
        let folder = target.parent().unwrap_or(Path::new("."));
        let max = self.name_max(folder);
        check_lengths(target, max).map_err(refuse)?;
        match fs::symlink_metadata(target) {
            Ok(metadata) => match in_the_way(&metadata) {
                Some(what) => Err(refuse(TargetProblem::InTheWay(what))),
                None => Ok(Some(metadata)),
            },
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(TxnError::Io {
                action: "look at",
                path: target.to_path_buf(),
                source,
            }),
        }
    }

    /// Checks that nothing but a regular file (or a symbolic link) is
    /// where a staged view file goes, with one listing of each view folder
    /// (the types of its entries come with the listing). Before the commit
    /// point, and by dry runs.
    pub(crate) fn check_views(&self) -> Result<(), TxnError> {
        let mut by_folder: BTreeMap<PathBuf, BTreeMap<std::ffi::OsString, &'static str>> =
            BTreeMap::new();
        for (target, staged) in &self.state().staged {
            let (kind, action) = match staged {
                Staged::Write { kind, .. } => (kind, "write"),
                Staged::Remove { kind } => (kind, "remove"),
            };
            if *kind != FileKind::View {
                continue;
            }
            if let (Some(folder), Some(name)) = (target.parent(), target.file_name()) {
                by_folder
                    .entry(folder.to_path_buf())
                    .or_default()
                    .insert(name.to_os_string(), action);
            }
        }
        for (folder, names) in by_folder {
            let entries = match fs::read_dir(&folder) {
                Ok(entries) => entries,
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(source) => {
                    return Err(TxnError::Io {
                        action: "list the folder",
                        path: folder,
                        source,
                    });
                }
            };
            for entry in entries {
                let entry = entry.map_err(io_error("list the folder", &folder))?;
                let Some(action) = names.get(&entry.file_name()) else {
                    continue;
                };
                let kind = entry
                    .file_type()
                    .map_err(io_error("look at", &entry.path()))?;
                if let Some(what) = kind_in_the_way(kind) {
                    return Err(TxnError::Target {
                        action,
                        path: self.shown(&entry.path()),
                        problem: TargetProblem::InTheWay(what),
                    });
                }
            }
        }
        Ok(())
    }

    /// The longest file name in `folder`, asked once per folder.
    fn name_max(&self, folder: &Path) -> usize {
        if let Some(max) = self.state().name_max.get(folder) {
            return *max;
        }
        let max = name_max(folder);
        self.state().name_max.insert(folder.to_path_buf(), max);
        max
    }

    /// Makes sure `folder` exists once the transaction commits (it is
    /// created then, before the commit point; a dry run creates nothing).
    pub(crate) fn ensure_folder(&self, folder: &Path) -> Result<(), TxnError> {
        match fs::metadata(folder) {
            Ok(metadata) if metadata.is_dir() => return Ok(()),
            Ok(metadata) => {
                return Err(TxnError::Target {
                    action: "create the folder",
                    path: self.shown(folder),
                    problem: TargetProblem::InTheWay(in_the_way(&metadata).unwrap_or("a file")),
                });
            }
            Err(_) => {}
        }
        let max = self.name_max(folder.parent().unwrap_or(Path::new(".")));
        check_lengths(folder, max).map_err(|problem| TxnError::Target {
            action: "create the folder",
            path: self.shown(folder),
            problem,
        })?;
        self.state().ensured.insert(folder.to_path_buf());
        Ok(())
    }

    /// Stages the deletion of `target` (a missing file is fine).
    pub(crate) fn stage_remove(&self, target: &Path, kind: FileKind) -> Result<(), TxnError> {
        self.check_target(target, "remove")?;
        let mut state = self.state();
        if let Some(Staged::Write { temporary, .. }) = state
            .staged
            .insert(target.to_path_buf(), Staged::Remove { kind })
        {
            state.superseded.push(temporary);
        }
        Ok(())
    }

    /// Whether `target` is staged for writing or removal.
    pub(crate) fn is_staged(&self, target: &Path) -> bool {
        self.state().staged.contains_key(target)
    }

    /// Creates `folder` and its missing ancestors, remembering which.
    fn create_folders(&self, folder: &Path) -> Result<(), TxnError> {
        if self.state().folders.contains(folder) {
            return Ok(());
        }
        if folder.is_dir() {
            self.state().folders.insert(folder.to_path_buf());
            return Ok(());
        }
        let mut missing = Vec::new();
        let mut at = Some(folder);
        while let Some(dir) = at {
            if dir.as_os_str().is_empty() || dir.is_dir() {
                break;
            }
            missing.push(dir.to_path_buf());
            at = dir.parent();
        }
        for dir in missing.into_iter().rev() {
            match fs::create_dir(&dir) {
                Ok(()) => self.state().created.push(dir),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => {
                    return Err(TxnError::Io {
                        action: "create the folder",
                        path: dir,
                        source,
                    });
                }
            }
        }
        self.state().folders.insert(folder.to_path_buf());
        Ok(())
    }

    /// How a path is named in reports: relative to the root, `/`-separated.
    fn shown(&self, path: &Path) -> String {
        shown(&self.root, path)
    }

    /// The changes a commit would make, sorted by path, without making
    /// them (a dry run): staged writes, and staged deletions of files that
    /// exist.
    pub(crate) fn planned(&self) -> Vec<FileChange> {
        let state = self.state();
        let mut changes: Vec<FileChange> = state
            .staged
            .iter()
            .filter_map(|(target, staged)| match staged {
                Staged::Write { kind, .. } => Some(FileChange {
                    path: self.shown(target),
                    kind: *kind,
                    change: Change::Written,
                }),
                Staged::Remove { kind } => target.exists().then(|| FileChange {
                    path: self.shown(target),
                    kind: *kind,
                    change: Change::Removed,
                }),
            })
            .collect();
        changes.sort();
        changes
    }

    /// Lands every staged change (see the module documentation) and
    /// returns them, sorted by path.
    pub(crate) fn commit(self) -> Result<Vec<FileChange>, TxnError> {
        // Before the commit point: a folder in the way of a view file, or a
        // folder that cannot be created, stops the operation with nothing
        // changed (but the folders created).
        self.check_views()?;
        let ensured = std::mem::take(&mut self.state().ensured);
        for folder in ensured {
            if !folder.is_dir() {
                fs::create_dir_all(&folder).map_err(io_error("create the folder", &folder))?;
            }
        }
        let (steps, changes, folders) = {
            let state = self.state();
            // By rank, then by path (the map's order; the sort is stable).
            let mut ordered: Vec<(&PathBuf, &Staged)> = state.staged.iter().collect();
            ordered.sort_by_key(|(_, staged)| rank(staged));
            let mut steps = Vec::with_capacity(ordered.len());
            let mut changes = Vec::with_capacity(ordered.len());
            let mut folders = BTreeSet::new();
            for (target, staged) in ordered {
                folders.insert(target.parent().unwrap_or(Path::new(".")).to_path_buf());
                match staged {
                    Staged::Write { temporary, kind } => {
                        steps.push(Step::Rename {
                            from: self.journal_path(temporary)?,
                            to: self.journal_path(target)?,
                        });
                        changes.push(FileChange {
                            path: self.shown(target),
                            kind: *kind,
                            change: Change::Written,
                        });
                    }
                    Staged::Remove { kind } => {
                        if target.exists() {
                            steps.push(Step::Remove(self.journal_path(target)?));
                            changes.push(FileChange {
                                path: self.shown(target),
                                kind: *kind,
                                change: Change::Removed,
                            });
                        }
                    }
                }
            }
            (steps, changes, folders)
        };
        if steps.is_empty() {
            self.finish_cleanly();
            return Ok(Vec::new());
        }
        if self.durability == Durability::Fsync {
            let temporaries: Vec<PathBuf> = self
                .state()
                .staged
                .values()
                .filter_map(|s| match s {
                    Staged::Write { temporary, .. } => Some(temporary.clone()),
                    Staged::Remove { .. } => None,
                })
                .collect();
            sync_files(&temporaries)?;
        }
        let journal = self.root.join(JOURNAL_FILE);
        // Compact JSON, serialised directly: a journal lists every file of
        // the operation (tens of thousands for a full sync).
        let text = serde_json::to_vec(&JournalRef {
            git_ops_journal: JOURNAL_FORMAT,
            operation: self.operation.as_str(),
            steps: &steps,
        })
        .expect("a journal serialises");
        self.tick()?;
        if let Some(parent) = journal.parent() {
            fs::create_dir_all(parent).map_err(io_error("create the folder", parent))?;
        }
        write_atomic(&journal, &text, self.durability).map_err(|e| TxnError::Io {
            action: "write the journal",
            path: journal.clone(),
            source: e.source,
        })?;
        // Committed: from here on, a failure leaves the journal for a replay.
        self.state().finished = true;
        let replay = Replay {
            root: &self.root,
            operation: Some(self.operation.as_str()),
            total: steps.len(),
            finish_without_impossible: false,
        };
        for (i, step) in steps.iter().enumerate() {
            self.tick()?;
            replay.apply(i, step)?;
        }
        if self.durability == Durability::Fsync {
            sync_folders(folders.iter().map(PathBuf::as_path))?;
        }
        self.tick()?;
        fs::remove_file(&journal).map_err(io_error("remove the journal", &journal))?;
        for temporary in std::mem::take(&mut self.state().superseded) {
            let _ = fs::remove_file(temporary);
        }
        let mut changes = changes;
        changes.sort();
        Ok(changes)
    }

    /// The journal's name of a path: relative to the root when inside it.
    fn journal_path(&self, path: &Path) -> Result<String, TxnError> {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        relative
            .to_str()
            .map(|s| s.replace(std::path::MAIN_SEPARATOR, "/"))
            .ok_or_else(|| TxnError::Io {
                action: "record in the journal",
                path: path.to_path_buf(),
                source: io::Error::new(io::ErrorKind::InvalidData, "the path is not UTF-8"),
            })
    }

    /// Drops the staged changes: deletes the temporary files and the
    /// folders created for them.
    fn finish_cleanly(&self) {
        let mut state = self.state();
        if state.finished {
            return;
        }
        state.finished = true;
        for staged in state.staged.values() {
            if let Staged::Write { temporary, .. } = staged {
                let _ = fs::remove_file(temporary);
            }
        }
        for temporary in &state.superseded {
            let _ = fs::remove_file(temporary);
        }
        for folder in state.created.iter().rev() {
            let _ = fs::remove_dir(folder);
        }
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        self.finish_cleanly();
    }
}

/// Slice files first, then the state and schema files, then the views (a
/// reader between two renames sees views older than the files, which it
/// detects as stale, rather than views of files that do not exist yet).
fn rank(staged: &Staged) -> u8 {
    let kind = match staged {
        Staged::Write { kind, .. } | Staged::Remove { kind } => kind,
    };
    match kind {
        FileKind::Source | FileKind::Active => 0,
        FileKind::MigrationState | FileKind::Schema => 1,
        FileKind::View => 2,
    }
}

fn resolve(root: &Path, journal_path: &str) -> PathBuf {
    let path = Path::new(journal_path);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

/// The steps of a journal being applied, for their messages.
struct Replay<'a> {
    root: &'a Path,
    operation: Option<&'a str>,
    total: usize,
    /// A rename whose target name the file system cannot hold is dropped
    /// (its temporary file deleted) instead of failing.
    finish_without_impossible: bool,
}

/// What applying a step did.
enum Applied {
    Done,
    /// Dropped: its target cannot exist on this file system.
    Dropped,
}

impl Replay<'_> {
    fn fail(&self, i: usize, step: &Step, cause: String, advice: String) -> TxnError {
        TxnError::Replay(Box::new(ReplayFailure {
            journal: JOURNAL_FILE.to_owned(),
            operation: self.operation.map(str::to_owned),
            step: i + 1,
            total: self.total,
            what: step.describe(),
            cause,
            advice,
        }))
    }

    /// Applies step `i`; done already counts as done.
    fn apply(&self, i: usize, step: &Step) -> Result<Applied, TxnError> {
        let again = "then run `git-ops project recover`";
        let io_failure = |target: &Path, error: io::Error| {
            let advice = match fs::symlink_metadata(target)
                .ok()
                .as_ref()
                .and_then(in_the_way)
            {
                Some(what) => format!(
                    "{what} is in the way: move {} away, {again}",
                    shown(self.root, target)
                ),
                None => format!("remove the cause, {again}"),
            };
            self.fail(i, step, error.to_string(), advice)
        };
        match step {
            Step::Rename { from, to } => {
                let (from, to) = (resolve(self.root, from), resolve(self.root, to));
                if fs::symlink_metadata(&from).is_err() {
                    // Renamed before the crash.
                    return Ok(Applied::Done);
                }
                let folder = to.parent().unwrap_or(Path::new("."));
                if let Err(problem) = check_lengths(&to, name_max(folder)) {
                    if self.finish_without_impossible {
                        let _ = fs::remove_file(&from);
                        return Ok(Applied::Dropped);
                    }
                    return Err(self.fail(
                        i,
                        step,
                        problem.to_string(),
                        "this file can never be written: run `git-ops project recover`, which finishes the operation without it".to_owned(),
                    ));
                }
                match fs::rename(&from, &to) {
                    Ok(()) => Ok(Applied::Done),
                    Err(error) if error.kind() == io::ErrorKind::NotFound && !from.exists() => {
                        Ok(Applied::Done)
                    }
                    Err(error) => Err(io_failure(&to, error)),
                }
            }
            Step::Remove(target) => {
                let target = resolve(self.root, target);
                match fs::remove_file(&target) {
                    Ok(()) => Ok(Applied::Done),
                    Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Applied::Done),
                    Err(error) => Err(io_failure(&target, error)),
                }
            }
        }
    }
}

/// The places a journal may name: the folders git-ops writes, each with
/// the file names it writes there, and the files it never writes through
/// a journal. Built from the registered stores and the configuration, never
/// from the journal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Writable {
    /// Source folders: slice files without a version.
    pub(crate) sources: BTreeSet<PathBuf>,
    /// Active folders: versioned slice files, the migration state file.
    pub(crate) active: BTreeSet<PathBuf>,
    /// `git_ops/views/<store>`: the index files.
    pub(crate) view_indexes: BTreeSet<PathBuf>,
    /// `git_ops/views/<store>/<kind>`: the view files.
    pub(crate) views: BTreeSet<PathBuf>,
    /// The JSON Schema files of the configuration.
    pub(crate) schemas: BTreeSet<PathBuf>,
    /// Files no journal may name, wherever they are (the project file, the
    /// configuration, the lock, the journal).
    pub(crate) reserved: BTreeSet<PathBuf>,
}

/// The index files of a store's views.
const VIEW_INDEXES: [&str; 2] = ["source.json", "active.json"];

impl Writable {
    /// Why `path` may not be the target of a step (a removal when
    /// `remove`), or `None` when it may.
    fn refuses(&self, path: &Path, remove: bool) -> Option<&'static str> {
        if self.reserved.contains(path) {
            return Some("git-ops never writes this file through a journal");
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let folder = path.parent().unwrap_or(Path::new(""));
        let slice_file = SliceFileName::parse(name)
            .ok()
            .filter(|f| !name.starts_with('.') && f.format().is_ok());
        let fits = (self.active.contains(folder)
            && (slice_file.as_ref().is_some_and(|f| f.version.is_some())
                || (!remove && name == STATE_FILE)))
            || (self.views.contains(folder)
                && slice_file
                    .as_ref()
                    .is_some_and(|f| f.version.is_none() && f.extension == "json"))
            || (!remove
                && ((self.sources.contains(folder)
                    && slice_file.as_ref().is_some_and(|f| f.version.is_none()))
                    || (self.view_indexes.contains(folder) && VIEW_INDEXES.contains(&name))
                    || self.schemas.contains(path)));
        if fits {
            return None;
        }
        let known = self.active.contains(folder)
            || self.views.contains(folder)
            || self.sources.contains(folder)
            || self.view_indexes.contains(folder);
        Some(if known && remove {
            "git-ops never removes such a file"
        } else if known {
            "git-ops never writes a file of this name there"
        } else {
            "it is outside the folders git-ops writes (the source, active and view folders of the registered stores, their JSON Schema files)"
        })
    }
}

/// A path of a journal, checked: relative (or absolute outside the
/// project), without empty, `.` or `..` parts, NUL or backslash.
fn journal_target(root: &Path, text: &str) -> Result<PathBuf, &'static str> {
    if text.is_empty() {
        return Err("the path is empty");
    }
    if text.contains('\0') {
        return Err("the path contains a NUL character");
    }
    if text.contains('\\') {
        return Err("the path contains a backslash");
    }
    let path = Path::new(text);
    let relative = match text.strip_prefix('/') {
        Some(rest) => {
            if path.starts_with(root) {
                return Err(
                    "the path is absolute inside the project (git-ops writes those relative to it)",
                );
            }
            rest
        }
        None if path.is_absolute() || path.has_root() => return Err("the path is absolute"),
        None => text,
    };
    if relative
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err("the path has an empty, `.` or `..` part");
    }
    Ok(resolve(root, text))
}

/// Whether `temporary` is the name of a temporary file git-ops makes for a
/// file named `target`: `.<start of target>.<pid>-<n>.git-ops.tmp`.
fn is_temporary_of(temporary: &str, target: &str) -> bool {
    let Some(inner) = temporary
        .strip_prefix('.')
        .and_then(|t| t.strip_suffix(TEMPORARY_SUFFIX))
    else {
        return false;
    };
    let Some((prefix, id)) = inner.rsplit_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    !prefix.is_empty()
        && target.starts_with(prefix)
        && id
            .split_once('-')
            .is_some_and(|(pid, n)| digits(pid) && digits(n))
}

/// Checks every step of a journal before any is applied: each path inside
/// the folders git-ops writes (not through a symbolic link leading out of
/// the project), each rename from a temporary file git-ops makes, in the
/// folder of its target.
fn check_journal(root: &Path, writable: &Writable, journal: &Journal) -> Result<(), TxnError> {
    let canonical_root = fs::canonicalize(root).ok();
    for (i, step) in journal.steps.iter().enumerate() {
        let refuse = |reason: String| {
            TxnError::JournalRefused(Box::new(JournalRefused {
                journal: JOURNAL_FILE.to_owned(),
                operation: journal.operation.clone(),
                step: i + 1,
                total: journal.steps.len(),
                what: step.describe(),
                reason,
            }))
        };
        let (to, remove) = match step {
            Step::Rename { to, .. } => (to, false),
            Step::Remove(path) => (path, true),
        };
        let target = journal_target(root, to).map_err(|r| refuse(r.to_owned()))?;
        if let Some(reason) = writable.refuses(&target, remove) {
            return Err(refuse(reason.to_owned()));
        }
        let folder = target.parent().unwrap_or(Path::new("."));
        if folder.starts_with(root)
            && let Some(canonical_root) = &canonical_root
        {
            match fs::canonicalize(folder) {
                Ok(canonical) if canonical.starts_with(canonical_root) => {}
                Ok(_) => {
                    return Err(refuse(
                        "its folder leads out of the project through a symbolic link".to_owned(),
                    ));
                }
                // A missing folder: the step has nothing to do.
                Err(_) => {}
            }
        }
        if let Step::Rename { from, .. } = step {
            let source = journal_target(root, from).map_err(|r| refuse(r.to_owned()))?;
            let same_folder = source.parent() == Some(folder);
            let names = source
                .file_name()
                .and_then(|n| n.to_str())
                .zip(target.file_name().and_then(|n| n.to_str()));
            if !same_folder || !names.is_some_and(|(f, t)| is_temporary_of(f, t)) {
                return Err(refuse(
                    "it does not rename a temporary file git-ops makes for that file, in its folder"
                        .to_owned(),
                ));
            }
            match fs::symlink_metadata(&source) {
                Ok(metadata) if !metadata.is_file() => {
                    return Err(refuse(
                        "its temporary file is not a regular file".to_owned(),
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Finishes an interrupted operation: replays its journal if there is one,
/// then deletes leftover temporary files in `folders` (the folders the
/// project's operations write to).
///
/// The journal is checked whole first ([`Writable`]); a refused journal
/// changes nothing. With `finish_without_impossible`, a rename whose target
/// name the file system cannot hold is dropped (listed in
/// [`Recovery::dropped`]) instead of failing: the operation is finished
/// without that file.
pub(crate) fn recover(
    root: &Path,
    writable: &Writable,
    folders: &[PathBuf],
    durability: Durability,
    finish_without_impossible: bool,
) -> Result<Recovery, TxnError> {
    let mut recovery = Recovery::default();
    let journal_path = root.join(JOURNAL_FILE);
    match fs::read(&journal_path) {
        Ok(bytes) => {
            let journal: Journal =
                serde_json::from_slice(&bytes).map_err(|e| TxnError::Journal {
                    path: journal_path.clone(),
                    message: e.to_string(),
                })?;
            if journal.git_ops_journal != JOURNAL_FORMAT {
                return Err(TxnError::Journal {
                    path: journal_path,
                    message: format!("unknown journal format {}", journal.git_ops_journal),
                });
            }
            check_journal(root, writable, &journal)?;
            let replay = Replay {
                root,
                operation: journal.operation.as_deref(),
                total: journal.steps.len(),
                finish_without_impossible,
            };
            let mut touched = BTreeSet::new();
            for (i, step) in journal.steps.iter().enumerate() {
                let applied = replay.apply(i, step)?;
                let target = match step {
                    Step::Rename { to, .. } => to,
                    Step::Remove(target) => target,
                };
                let target = resolve(root, target);
                touched.insert(target.parent().unwrap_or(Path::new(".")).to_path_buf());
                match applied {
                    Applied::Done => recovery.files.push(shown(root, &target)),
                    Applied::Dropped => recovery.dropped.push(shown(root, &target)),
                }
            }
            if durability == Durability::Fsync {
                sync_folders(touched.iter().map(PathBuf::as_path))?;
            }
            fs::remove_file(&journal_path)
                .map_err(io_error("remove the journal", &journal_path))?;
            recovery.replayed = true;
            recovery.operation = journal.operation;
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(TxnError::Io {
                action: "read the journal",
                path: journal_path,
                source,
            });
        }
    }
    let mut seen = BTreeSet::new();
    for folder in folders {
        if !seen.insert(folder.clone()) {
            continue;
        }
        let entries = match fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(TxnError::Io {
                    action: "list the folder",
                    path: folder.clone(),
                    source,
                });
            }
        };
        for entry in entries {
            let entry = entry.map_err(io_error("list the folder", folder))?;
            let name = entry.file_name();
            if name.to_str().is_some_and(is_temporary_file) {
                let path = entry.path();
                fs::remove_file(&path).map_err(io_error("remove the temporary file", &path))?;
                recovery.removed_temporaries.push(shown(root, &path));
            }
        }
    }
    recovery.removed_temporaries.sort();
    Ok(recovery)
}

/// Whether a journal is waiting for a replay.
pub(crate) fn has_journal(root: &Path) -> bool {
    root.join(JOURNAL_FILE).exists()
}

pub(crate) fn shown(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.display().to_string(),
    }
}

/// Up to this many staged files, each is synced on its own; above, one
/// `syncfs` per file system is cheaper (Linux).
const SYNC_EACH_UP_TO: usize = 128;

/// Makes files durable: an `fsync` per file and per folder for a few files;
/// for many, one `syncfs` per file system on Linux (far cheaper than one
/// `fsync` per file for thousands of small files, though it also flushes
/// what other programs wrote to that file system).
fn sync_files(files: &[PathBuf]) -> Result<(), TxnError> {
    #[cfg(target_os = "linux")]
    if files.len() > SYNC_EACH_UP_TO {
        use std::os::unix::fs::MetadataExt;
        let mut devices = BTreeMap::new();
        for file in files {
            let metadata = fs::metadata(file).map_err(io_error("stat", file))?;
            devices
                .entry(metadata.dev())
                .or_insert_with(|| file.clone());
        }
        for file in devices.values() {
            let handle = fs::File::open(file).map_err(io_error("open", file))?;
            rustix::fs::syncfs(&handle).map_err(|e| TxnError::Io {
                action: "sync the file system of",
                path: file.clone(),
                source: e.into(),
            })?;
        }
        return Ok(());
    }
    let mut folders = BTreeSet::new();
    for file in files {
        fs::File::open(file)
            .and_then(|f| f.sync_all())
            .map_err(io_error("sync", file))?;
        folders.insert(file.parent().unwrap_or(Path::new(".")).to_path_buf());
    }
    sync_folders(folders.iter().map(PathBuf::as_path))
}

/// Syncs folders (their entries: renames, creations, deletions).
fn sync_folders<'a>(folders: impl Iterator<Item = &'a Path>) -> Result<(), TxnError> {
    for folder in folders {
        #[cfg(unix)]
        match fs::File::open(folder).and_then(|f| f.sync_all()) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(TxnError::Io {
                    action: "sync the folder",
                    path: folder.to_path_buf(),
                    source,
                });
            }
        }
        #[cfg(not(unix))]
        let _ = folder;
    }
    Ok(())
}

/// The files of the project as they will be once a transaction commits:
/// staged writes read from their temporary files, staged deletions gone.
/// Lets an operation read what an earlier step of it staged (e.g. update
/// reading migrated files).
pub(crate) struct Staging<'a> {
    pub(crate) base: &'a dyn StoreFiles,
    pub(crate) txn: &'a Transaction,
}

impl StoreFiles for Staging<'_> {
    fn list(&self, folder: &Path) -> io::Result<Option<Vec<FolderEntry>>> {
        let base = self.base.list(folder)?;
        let state = self.txn.state();
        let mut added = Vec::new();
        let mut removed = BTreeSet::new();
        for (target, staged) in state.staged.range(folder.to_path_buf()..) {
            if !target.starts_with(folder) {
                break;
            }
            if target.parent() != Some(folder) {
                continue;
            }
            let Some(name) = target.file_name() else {
                continue;
            };
            match staged {
                Staged::Write { .. } => added.push(name.to_os_string()),
                Staged::Remove { .. } => {
                    removed.insert(name.to_os_string());
                }
            }
        }
        if base.is_none() && added.is_empty() {
            return Ok(None);
        }
        let mut entries: Vec<FolderEntry> = base
            .unwrap_or_default()
            .into_iter()
            .filter(|e| !removed.contains(&e.name) && !added.contains(&e.name))
            .collect();
        entries.extend(
            added
                .into_iter()
                .map(|name| FolderEntry::new(name, EntryKind::File)),
        );
        Ok(Some(entries))
    }

    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        let staged = self.txn.state().staged.get(file).cloned();
        match staged {
            Some(Staged::Write { temporary, .. }) => fs::read(temporary),
            Some(Staged::Remove { .. }) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "deleted by this operation",
            )),
            None => self.base.read(file),
        }
    }

    fn check_links(&self, within: &Path, path: &Path) -> Result<(), super::confine::LinkProblem> {
        self.base.check_links(within, path)
    }
}
