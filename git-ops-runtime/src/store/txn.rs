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

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use super::files::{EntryKind, FolderEntry, StoreFiles};
use super::report::{Change, FileChange, FileKind, Recovery};
use crate::format::atomic::{Durability, create_temporary, is_temporary_file, write_atomic};

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
    /// A crash injected by a test ([`FaultInjector`]): the operation stopped
    /// where it was, without cleaning up.
    #[error("injected crash (test hook)")]
    InjectedCrash,
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
    /// Committed or crashed: dropping must not clean up.
    finished: bool,
}

/// A set of file changes that land together. See the [module
/// documentation](self).
#[derive(Debug)]
pub struct Transaction {
    root: PathBuf,
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

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    git_ops_journal: u64,
    steps: Vec<Step>,
}

/// [`Journal`] borrowing its steps, for writing.
#[derive(Serialize)]
struct JournalRef<'a> {
    git_ops_journal: u64,
    steps: &'a [Step],
}

impl Transaction {
    /// A transaction on the project at `root`.
    pub(crate) fn new(
        root: &Path,
        durability: Durability,
        fault: Option<FaultInjector>,
    ) -> Transaction {
        Transaction {
            root: root.to_path_buf(),
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
        let (temporary, mut file) =
            create_temporary(target).map_err(io_error("create a temporary file for", target))?;
        // A replaced file keeps its permissions (but view files, which only
        // git-ops writes: one `stat` less per file).
        let written = file.write_all(bytes).and_then(|()| match kind {
            FileKind::View => Ok(()),
            _ => match fs::metadata(target) {
                Ok(metadata) => file.set_permissions(metadata.permissions()),
                Err(_) => Ok(()),
            },
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

    /// Stages the deletion of `target` (a missing file is fine).
    pub(crate) fn stage_remove(&self, target: &Path, kind: FileKind) {
        let mut state = self.state();
        if let Some(Staged::Write { temporary, .. }) = state
            .staged
            .insert(target.to_path_buf(), Staged::Remove { kind })
        {
            state.superseded.push(temporary);
        }
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
        for step in &steps {
            self.tick()?;
            apply(&self.root, step)?;
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

/// Applies one step; done already counts as done.
fn apply(root: &Path, step: &Step) -> Result<(), TxnError> {
    match step {
        Step::Rename { from, to } => {
            let (from, to) = (resolve(root, from), resolve(root, to));
            match fs::rename(&from, &to) {
                Ok(()) => Ok(()),
                // Renamed before the crash.
                Err(error) if error.kind() == io::ErrorKind::NotFound && !from.exists() => Ok(()),
                Err(source) => Err(TxnError::Io {
                    action: "rename a staged file onto",
                    path: to,
                    source,
                }),
            }
        }
        Step::Remove(target) => {
            let target = resolve(root, target);
            match fs::remove_file(&target) {
                Ok(()) => Ok(()),
                Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(source) => Err(TxnError::Io {
                    action: "remove",
                    path: target,
                    source,
                }),
            }
        }
    }
}

/// Finishes an interrupted operation: replays its journal if there is one,
/// then deletes leftover temporary files in `folders` (the folders the
/// project's operations write to).
pub(crate) fn recover(
    root: &Path,
    folders: &[PathBuf],
    durability: Durability,
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
            let mut touched = BTreeSet::new();
            for step in &journal.steps {
                apply(root, step)?;
                let target = match step {
                    Step::Rename { to, .. } => to,
                    Step::Remove(target) => target,
                };
                let target = resolve(root, target);
                touched.insert(target.parent().unwrap_or(Path::new(".")).to_path_buf());
                recovery.files.push(shown(root, &target));
            }
            if durability == Durability::Fsync {
                sync_folders(touched.iter().map(PathBuf::as_path))?;
            }
            fs::remove_file(&journal_path)
                .map_err(io_error("remove the journal", &journal_path))?;
            recovery.replayed = true;
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
        entries.extend(added.into_iter().map(|name| FolderEntry {
            name,
            kind: EntryKind::File,
        }));
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
}
