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
use std::path::{Path, PathBuf};

use super::confine::{self, LinkProblem};

/// What a folder entry is; for a symbolic link, what its target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryKind {
    /// A regular file (or a link to one).
    File,
    /// A folder (or a link to one).
    Folder,
    /// A named pipe: reading it would wait for a writer.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A block or character device.
    Device,
    /// A symbolic link whose target does not exist (an unmounted share, a
    /// file not checked out).
    DanglingLink,
    /// A symbolic link that cannot be followed: a loop of links, or a
    /// folder on the way that cannot be searched.
    BrokenLink,
    /// Anything else (in a git tree: a submodule).
    Other,
}

impl EntryKind {
    /// What it is, for messages: `a folder`, `a named pipe (FIFO)`, ...
    pub fn describe(self) -> &'static str {
        match self {
            EntryKind::File => "a regular file",
            EntryKind::Folder => "a folder",
            EntryKind::Fifo => "a named pipe (FIFO)",
            EntryKind::Socket => "a socket",
            EntryKind::Device => "a device",
            EntryKind::DanglingLink => "a symbolic link whose target does not exist",
            EntryKind::BrokenLink => {
                "a symbolic link that cannot be followed (a loop of links, or a folder that cannot be searched)"
            }
            EntryKind::Other => "not a regular file",
        }
    }

    fn of(file_type: fs::FileType) -> EntryKind {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt as _;
            if file_type.is_fifo() {
                return EntryKind::Fifo;
            }
            if file_type.is_socket() {
                return EntryKind::Socket;
            }
            if file_type.is_block_device() || file_type.is_char_device() {
                return EntryKind::Device;
            }
        }
        if file_type.is_file() {
            EntryKind::File
        } else if file_type.is_dir() {
            EntryKind::Folder
        } else {
            EntryKind::Other
        }
    }
}

/// Where a symbolic link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    /// The target as written in the link (`../shared/a.yaml`, `/etc/x`).
    pub target: PathBuf,
    /// The path it resolves to, every link followed (canonical); `None`
    /// when it cannot be resolved ([`EntryKind::DanglingLink`],
    /// [`EntryKind::BrokenLink`]).
    pub resolved: Option<PathBuf>,
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderEntry {
    /// The entry's name (not a path).
    pub name: OsString,
    /// What it is (for a link: what its target is).
    pub kind: EntryKind,
    /// For a symbolic link: where it points. The engine refuses a link that
    /// resolves outside the project (`docs/operations.md`, "Links").
    pub link: Option<LinkTarget>,
}

impl FolderEntry {
    /// An entry that is not a symbolic link.
    pub fn new(name: impl Into<OsString>, kind: EntryKind) -> FolderEntry {
        FolderEntry {
            name: name.into(),
            kind,
            link: None,
        }
    }
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

    /// Checks that `path` (a folder or a file below `within`) is reached
    /// without a symbolic link that resolves outside `within` or cannot be
    /// followed; the engine calls it before it lists a store's folders or
    /// reads the configuration file. By default there is nothing to check
    /// (files without links: a git tree, memory).
    ///
    /// # Errors
    ///
    /// The first such link on the way, with where it points.
    fn check_links(&self, within: &Path, path: &Path) -> Result<(), LinkProblem> {
        let _ = (within, path);
        Ok(())
    }
}

/// The files on disk: the working tree of the project.
///
/// Reading opens a file without blocking (a named pipe put in place of a
/// slice file after the listing is refused, not waited on) and reads only
/// what the open descriptor says is a regular file.
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
            // From the folder entry itself on most file systems: no system
            // call per file.
            let file_type = entry.file_type()?;
            if !file_type.is_symlink() {
                out.push(FolderEntry::new(
                    entry.file_name(),
                    EntryKind::of(file_type),
                ));
                continue;
            }
            let path = entry.path();
            let target = fs::read_link(&path).unwrap_or_default();
            let (kind, resolved) = match fs::canonicalize(&path) {
                Ok(resolved) => {
                    let kind = fs::metadata(&resolved)
                        .map_or(EntryKind::BrokenLink, |m| EntryKind::of(m.file_type()));
                    (kind, Some(resolved))
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    (EntryKind::DanglingLink, None)
                }
                Err(_) => (EntryKind::BrokenLink, None),
            };
            out.push(FolderEntry {
                name: entry.file_name(),
                kind,
                link: Some(LinkTarget { target, resolved }),
            });
        }
        Ok(Some(out))
    }

    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        let mut buffer = Vec::new();
        self.read_into(file, &mut buffer)?;
        Ok(buffer)
    }

    fn read_into(&self, file: &Path, buffer: &mut Vec<u8>) -> io::Result<()> {
        use std::io::Read as _;
        buffer.clear();
        let (mut handle, metadata) = open_regular(file, true)?;
        buffer.reserve(metadata.len() as usize);
        // Through `Read::by_ref`'s plain reader: `File::read_to_end` would
        // `stat` the file and `lseek` again for a capacity it already has.
        (&mut handle).take(u64::MAX).read_to_end(buffer)?;
        Ok(())
    }

    fn check_links(&self, within: &Path, path: &Path) -> Result<(), LinkProblem> {
        confine::check(within, path)
    }
}

/// The bytes of a file git-ops keeps for itself (a view, an index, the
/// migration state, the change cache, a JSON Schema file): read only when
/// it is a regular file, not through a symbolic link, without blocking
/// ([`open_regular`]).
///
/// # Errors
///
/// [`open_regular`]'s, or the read's.
pub(crate) fn read_own_file(path: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read as _;
    let (mut file, metadata) = open_regular(path, false)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file: without blocking on a
/// named pipe (`O_NONBLOCK`), and, unless `follow`, without following a
/// symbolic link at `path` itself (`O_NOFOLLOW`). The type is checked on
/// the open descriptor, so a file replaced after it was listed is seen as
/// what it is now. Returns the file and its metadata.
///
/// # Errors
///
/// The open's; [`io::ErrorKind::InvalidInput`] for anything but a regular
/// file (saying what it is), and, unless `follow`, for a symbolic link.
pub(crate) fn open_regular(path: &Path, follow: bool) -> io::Result<(fs::File, fs::Metadata)> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut flags = OFlags::NONBLOCK;
        if !follow {
            flags |= OFlags::NOFOLLOW;
        }
        options.custom_flags(flags.bits() as i32);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(_) if !follow && fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a symbolic link, where git-ops keeps a file of its own",
            ));
        }
        Err(error) => return Err(error),
    };
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            if metadata.is_dir() {
                io::ErrorKind::IsADirectory
            } else {
                io::ErrorKind::InvalidInput
            },
            format!(
                "it is {}, not a regular file",
                EntryKind::of(metadata.file_type()).describe()
            ),
        ));
    }
    Ok((file, metadata))
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

    /// A named pipe without a writer: refused at once (a blocking open
    /// would wait for a writer forever).
    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("a.yaml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let error = WorkingTree.read(&fifo).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(
            error.to_string(),
            "it is a named pipe (FIFO), not a regular file"
        );
        let error = read_own_file(&fifo).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        // A link is followed for slice files, not for git-ops' own files.
        let link = dir.path().join("b.json");
        std::os::unix::fs::symlink("c.json", &link).unwrap();
        fs::write(dir.path().join("c.json"), "{}").unwrap();
        assert_eq!(WorkingTree.read(&link).unwrap(), b"{}");
        let error = read_own_file(&link).unwrap_err();
        assert_eq!(
            (error.kind(), error.to_string()),
            (
                io::ErrorKind::InvalidInput,
                "it is a symbolic link, where git-ops keeps a file of its own".to_owned()
            )
        );
        assert_eq!(
            WorkingTree.read(dir.path()).unwrap_err().kind(),
            io::ErrorKind::IsADirectory
        );
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
