//! File access behind a trait, so that the same load runs on the working
//! tree or on another snapshot of the project (a git tree read blob by blob,
//! for `git-ops plan --base REV`).
//!
//! The engine only ever *lists* a folder and *reads* a file through
//! [`StoreFiles`]; everything else (which files count, how names parse,
//! what a file means) is decided by the engine, so every implementation
//! gives the same answers for the same files.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::Path;

/// What a folder entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (a symbolic link to one counts as one).
    File,
    /// Anything else: a folder, a socket, a dangling link...
    Other,
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderEntry {
    /// The entry's name (not a path).
    pub name: OsString,
    /// What it is.
    pub kind: EntryKind,
}

/// Read access to the files of a project.
///
/// Paths are the ones the engine computes from a [`super::Project`]:
/// absolute, under the project root for project locations. An
/// implementation over a git tree maps them relative to the repository's
/// work tree and answers [`io::ErrorKind::NotFound`] for paths it does not
/// hold. Implementations are shared between the threads that load slices
/// in parallel, hence `Send + Sync`.
pub trait StoreFiles: Send + Sync {
    /// The entries of `folder`, in any order; `Ok(None)` when the folder does
    /// not exist (an empty store).
    fn list(&self, folder: &Path) -> io::Result<Option<Vec<FolderEntry>>>;

    /// The bytes of `file`.
    fn read(&self, file: &Path) -> io::Result<Vec<u8>>;

    /// The bytes of `file` into `buffer` (cleared first), so that a caller
    /// reading many files reuses one allocation. By default
    /// [`StoreFiles::read`].
    fn read_into(&self, file: &Path, buffer: &mut Vec<u8>) -> io::Result<()> {
        *buffer = self.read(file)?;
        Ok(())
    }
}

/// The files on disk: the working tree of the project.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkingTree;

impl StoreFiles for WorkingTree {
    fn list(&self, folder: &Path) -> io::Result<Option<Vec<FolderEntry>>> {
        let entries = match fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry?;
            let file_type = entry.file_type()?;
            let is_file = if file_type.is_symlink() {
                // Follow links, like the original (`Path.is_file()`).
                fs::metadata(entry.path()).is_ok_and(|m| m.is_file())
            } else {
                file_type.is_file()
            };
            out.push(FolderEntry {
                name: entry.file_name(),
                kind: if is_file {
                    EntryKind::File
                } else {
                    EntryKind::Other
                },
            });
        }
        Ok(Some(out))
    }

    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        fs::read(file)
    }

    fn read_into(&self, file: &Path, buffer: &mut Vec<u8>) -> io::Result<()> {
        use std::io::Read as _;
        buffer.clear();
        let mut handle = fs::File::open(file)?;
        if let Ok(metadata) = handle.metadata() {
            buffer.reserve(metadata.len() as usize);
        }
        // Through `Read::by_ref`'s plain reader: `File::read_to_end` would
        // `stat` the file and `lseek` again for a capacity it already has.
        (&mut handle).take(u64::MAX).read_to_end(buffer)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An implementation with `read` only: `read_into` falls back to it.
    struct Memory;

    impl StoreFiles for Memory {
        fn list(&self, _: &Path) -> io::Result<Option<Vec<FolderEntry>>> {
            Ok(None)
        }

        fn read(&self, _: &Path) -> io::Result<Vec<u8>> {
            Ok(b"{}".to_vec())
        }
    }

    #[test]
    fn read_into_replaces_the_buffer_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "{\"a\": 1}").unwrap();
        let mut buffer = b"left over from a longer file".to_vec();
        WorkingTree.read_into(&file, &mut buffer).unwrap();
        assert_eq!(buffer, WorkingTree.read(&file).unwrap());
        Memory.read_into(&file, &mut buffer).unwrap();
        assert_eq!(buffer, b"{}");
        let missing = WorkingTree.read_into(&dir.path().join("b.json"), &mut buffer);
        assert_eq!(missing.unwrap_err().kind(), io::ErrorKind::NotFound);
    }
}
