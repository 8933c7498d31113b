//! Replacing a file so that no reader ever sees half of it.
//!
//! [`write_atomic`] writes the bytes to a temporary file in the target's
//! folder and renames it over the target: a reader sees the old content or
//! the new, never a mix, and a crash leaves at worst a temporary file. With
//! [`Durability::Fsync`] the data is also on disk before the rename and the
//! rename is on disk when the call returns (the folder is synced too), so a
//! power cut cannot leave an empty or truncated target. The cost of that is
//! measured in `docs/formats.md`.
//!
//! Temporary files are named `.<target>.<pid>-<n>.git-ops.tmp` (the target's
//! name cut at 64 bytes, [`temporary_prefix`], so that the name of a
//! temporary file never exceeds the file system's limit when its target's
//! fits): hidden, so
//! the loaders skip them like every file starting with `.`, and recognised
//! by [`is_temporary_file`] so that a leftover from a crashed run can be
//! removed.
//!
//! ```
//! use git_ops_runtime::format::atomic::{write_atomic, Durability};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("campus-10@v1.json");
//! write_atomic(&path, b"{}", Durability::None).unwrap();
//! assert_eq!(std::fs::read(&path).unwrap(), b"{}");
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The end of every temporary file name.
pub const TEMPORARY_SUFFIX: &str = ".git-ops.tmp";

/// What [`write_atomic`] guarantees after a crash or power cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Atomic for readers and after a process crash; after a power cut the
    /// target may still hold its old content or, on some file systems,
    /// be empty. The fast choice for tests and caches.
    None,
    /// Also durable: the file is synced before the rename and its folder
    /// after it, so the new content is on disk when the call returns.
    #[default]
    Fsync,
}

/// A step of [`write_atomic`] that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WriteStep {
    /// Creating the temporary file.
    #[error("creating the temporary file")]
    Create,
    /// Writing the bytes (or the permissions) to it.
    #[error("writing the temporary file")]
    Write,
    /// Syncing it to disk.
    #[error("syncing the temporary file")]
    Sync,
    /// Renaming it over the target.
    #[error("renaming the temporary file over the target")]
    Rename,
    /// Syncing the folder after the rename (the new content is in place).
    #[error("syncing the folder")]
    SyncFolder,
}

/// [`write_atomic`] failed; the target is unchanged unless the step is
/// [`WriteStep::SyncFolder`].
#[derive(Debug, thiserror::Error)]
#[error("could not write the file: {step} failed: {source}")]
pub struct AtomicWriteError {
    /// The step that failed.
    pub step: WriteStep,
    /// The cause.
    #[source]
    pub source: io::Error,
}

/// Replaces (or creates) `path` with `bytes`, through a temporary file in
/// the same folder and a rename. The folder must exist. The target keeps
/// its permissions; a new file gets the default ones. On failure the
/// temporary file is removed and the target is left as it was.
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
) -> Result<(), AtomicWriteError> {
    let fail = |step| move |source| AtomicWriteError { step, source };
    let (temporary, mut file) = create_temporary(path).map_err(fail(WriteStep::Create))?;
    let written = (|| {
        file.write_all(bytes).map_err(fail(WriteStep::Write))?;
        if let Ok(metadata) = fs::metadata(path) {
            file.set_permissions(metadata.permissions())
                .map_err(fail(WriteStep::Write))?;
        }
        if durability == Durability::Fsync {
            file.sync_all().map_err(fail(WriteStep::Sync))?;
        }
        drop(file);
        fs::rename(&temporary, path).map_err(fail(WriteStep::Rename))
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    if durability == Durability::Fsync {
        sync_folder(path).map_err(fail(WriteStep::SyncFolder))?;
    }
    Ok(())
}

/// Whether `file_name` is a temporary file of [`write_atomic`] (a leftover
/// after a crash, safe to delete when no write is running).
pub fn is_temporary_file(file_name: &str) -> bool {
    file_name.starts_with('.') && file_name.ends_with(TEMPORARY_SUFFIX)
}

/// The part of a target's file name that starts the names of its temporary
/// files: at most [`TEMPORARY_PREFIX_BYTES`] bytes, cut at a character
/// boundary. A temporary file name is then at most 109 bytes long
/// (`.`, the prefix, `.`, a process id, `-`, a counter, the suffix), below
/// every file system's limit on names.
pub fn temporary_prefix(target: &str) -> &str {
    if target.len() <= TEMPORARY_PREFIX_BYTES {
        return target;
    }
    let mut end = TEMPORARY_PREFIX_BYTES;
    while !target.is_char_boundary(end) {
        end -= 1;
    }
    &target[..end]
}

/// How many bytes of a target's name its temporary files repeat.
pub const TEMPORARY_PREFIX_BYTES: usize = 64;

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Creates a new, unique temporary file beside `path` (also used by the
/// store's transactions, which stage files the same way).
pub(crate) fn create_temporary(path: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let target = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let target = target.to_string_lossy();
    let prefix = temporary_prefix(&target);
    let folder = folder_of(path);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!(".{prefix}.{}-{n}{TEMPORARY_SUFFIX}", process_id());
        let temporary = folder.join(name);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => return Ok((temporary, file)),
            // Left over by an earlier process with the same id: next name.
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
}

/// This process's id, asked once (`std::process::id` is a system call, and
/// a large sync creates tens of thousands of temporary files).
fn process_id() -> u32 {
    static ID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *ID.get_or_init(std::process::id)
}

/// Syncs the folder holding `path` (its entries: creations, renames).
#[cfg(unix)]
pub(crate) fn sync_folder(path: &Path) -> io::Result<()> {
    File::open(folder_of(path))?.sync_all()
}

/// Folders cannot be opened for syncing on this platform; the rename is
/// durable once the file system flushes its metadata.
#[cfg(not(unix))]
pub(crate) fn sync_folder(_path: &Path) -> io::Result<()> {
    Ok(())
}
