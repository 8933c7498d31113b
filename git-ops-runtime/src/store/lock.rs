//! The project lock: one mutating operation at a time.
//!
//! Every operation that writes (update, sync, prune, create, set, recover)
//! holds an exclusive lock on `git_ops/.lock` (an advisory file lock,
//! `flock` on Unix, through [`std::fs::File::lock`]) from before it reads
//! anything until after it wrote everything, so two runs never interleave.
//! The lock is released when the process ends, even by a crash. The file
//! itself stays (deleting a lock file races with the next locker); it is
//! hidden and belongs in `.gitignore`. Read-only commands do not lock: they
//! see each file either before or after a write, never half of it.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The lock file, relative to the project root.
pub const LOCK_FILE: &str = "git_ops/.lock";

/// An exclusive lock on a project, released on drop.
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error(
        "another git-ops operation is running on this project (it holds {}); wait for it to finish",
        .0.display()
    )]
    Busy(PathBuf),
    /// The lock file is a symbolic link: git-ops would create or lock a
    /// file wherever it points.
    #[error(
        "{} is a symbolic link: git-ops does not lock through it; delete it (the lock file is local state, never committed)",
        .0.display()
    )]
    Link(PathBuf),
    /// The lock file cannot be created or locked.
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

impl ProjectLock {
    /// Takes the lock of the project at `root`: at once, or, with `wait`,
    /// as soon as the process holding it releases it.
    ///
    /// # Errors
    ///
    /// [`LockError::Busy`] when another process holds it and `wait` is
    /// false; [`LockError::Io`] when the file cannot be created or locked.
    pub fn acquire(root: &Path, wait: bool) -> Result<ProjectLock, LockError> {
        let path = root.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        // A link in place of the lock file is not followed: git-ops would
        // create or open a file wherever it points.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
        let file = options.open(&path).map_err(|source| {
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) {
                LockError::Link(path.clone())
            } else {
                io(source)
            }
        })?;
        if wait {
            file.lock().map_err(io)?;
        } else {
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(LockError::Busy(path)),
                Err(TryLockError::Error(source)) => return Err(io(source)),
            }
        }
        Ok(ProjectLock { path, _file: file })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
