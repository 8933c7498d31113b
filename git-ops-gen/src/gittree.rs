//! The files of a project as they are in a commit of its git repository,
//! read blob by blob ([`GitTree`], a [`StoreFiles`]): no checkout, no
//! temporary clone. `git-ops project plan --base REV` loads the stores of
//! REV through it with the same engine that reads the working tree.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use git_ops_runtime::store::{EntryKind, FolderEntry, StoreFiles};
use git2::{Oid, Repository};

/// Why a commit cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The project is not in a git work tree.
    #[error("{} is not in a git repository ({message})", path.display())]
    NotARepository {
        /// The project root.
        path: PathBuf,
        /// git's message.
        message: String,
    },
    /// The repository has no work tree (a bare repository).
    #[error("the git repository of {} has no work tree", .0.display())]
    Bare(PathBuf),
    /// The revision does not name a commit.
    #[error("`{rev}` does not name a commit of the repository: {message}")]
    Revision {
        /// The revision.
        rev: String,
        /// git's message.
        message: String,
    },
}

/// The files of one commit, as a [`StoreFiles`]: paths under the project
/// root (as the engine computes them for the working tree) are looked up
/// in the commit's tree at the same place relative to the repository's
/// work tree; anything else is not found.
///
/// Regular files (mode `100644`, `100755`) are files; folders, symbolic
/// links and submodules are other entries (unlike the working tree, a link
/// is not followed: its target may not exist in the commit).
///
/// Each tree (folder) of the commit is read once, when first needed, and
/// kept by path with its entries by name; a file is then read by the id
/// its folder gives, so reading the 10 000 files of one folder reads that
/// folder's tree once, not once per file. Blobs are read in parallel, each
/// thread with a handle of its own on the repository.
pub struct GitTree {
    /// Handles on the repository not in use by a thread: a
    /// [`Repository`] must not be shared between threads.
    repos: Mutex<Vec<Repository>>,
    /// The repository's git folder, to open more handles.
    git_dir: PathBuf,
    tree: Oid,
    commit: Oid,
    summary: String,
    /// The project root as the engine sees it.
    root: PathBuf,
    /// The project root relative to the work tree.
    prefix: PathBuf,
    /// The work tree, canonical.
    workdir: PathBuf,
    /// The folders read so far, by path relative to the work tree (`None`:
    /// not a folder of the commit).
    folders: Mutex<HashMap<PathBuf, Option<Arc<Folder>>>>,
}

/// One tree of the commit: its entries in the tree's order, and where each
/// name is.
struct Folder {
    entries: Vec<Entry>,
    by_name: HashMap<OsString, usize>,
}

/// One entry of a tree.
struct Entry {
    name: OsString,
    id: Oid,
    mode: i32,
}

impl Entry {
    fn is_file(&self) -> bool {
        matches!(self.mode, 0o100644 | 0o100755)
    }

    fn is_tree(&self) -> bool {
        self.mode == 0o040000
    }

    /// What the entry is, for messages.
    fn describe(&self) -> &'static str {
        match self.mode {
            0o100644 | 0o100755 => "a regular file",
            0o040000 => "a folder",
            0o120000 => "a symbolic link (links in a commit are not followed)",
            0o160000 => "a submodule",
            _ => "not a regular file",
        }
    }
}

/// An entry of a folder of the commit that is not a regular file
/// ([`GitTree::non_files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonFile {
    /// Its name.
    pub name: OsString,
    /// What it is: `a folder`, `a symbolic link (links in a commit are not
    /// followed)`, `a submodule`.
    pub what: &'static str,
}

impl Folder {
    fn read(repo: &Repository, id: Oid) -> Result<Folder, git2::Error> {
        let tree = repo.find_tree(id)?;
        let entries: Vec<Entry> = tree
            .iter()
            .map(|entry| Entry {
                name: OsString::from(String::from_utf8_lossy(entry.name_bytes()).into_owned()),
                id: entry.id(),
                mode: entry.filemode(),
            })
            .collect();
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(i, entry)| (entry.name.clone(), i))
            .collect();
        Ok(Folder { entries, by_name })
    }

    fn get(&self, name: &OsStr) -> Option<&Entry> {
        self.by_name.get(name).map(|&i| &self.entries[i])
    }
}

impl std::fmt::Debug for GitTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitTree")
            .field("commit", &self.commit)
            .field("root", &self.root)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl GitTree {
    /// The files of revision `rev` (a commit id, branch, tag, `HEAD~1`,
    /// ...) of the repository holding the project at `project_root`.
    ///
    /// # Errors
    ///
    /// No repository, a bare one, or a revision that names no commit.
    pub fn open(project_root: &Path, rev: &str) -> Result<GitTree, GitError> {
        let repo = Repository::discover(project_root).map_err(|e| GitError::NotARepository {
            path: project_root.to_path_buf(),
            message: e.message().to_owned(),
        })?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| GitError::Bare(project_root.to_path_buf()))?;
        let workdir = workdir
            .canonicalize()
            .unwrap_or_else(|_| workdir.to_path_buf());
        let canonical_root = project_root
            .canonicalize()
            .unwrap_or_else(|_| project_root.to_path_buf());
        let prefix = canonical_root
            .strip_prefix(&workdir)
            .map(Path::to_path_buf)
            .map_err(|_| GitError::NotARepository {
                path: project_root.to_path_buf(),
                message: format!("outside the work tree {}", workdir.display()),
            })?;
        let revision = |e: git2::Error| GitError::Revision {
            rev: rev.to_owned(),
            message: e.message().to_owned(),
        };
        let commit = repo
            .revparse_single(rev)
            .and_then(|object| object.peel_to_commit())
            .map_err(revision)?;
        let tree = commit.tree().map_err(revision)?.id();
        let summary =
            String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned();
        let id = commit.id();
        drop(commit);
        let git_dir = repo.path().to_path_buf();
        Ok(GitTree {
            repos: Mutex::new(vec![repo]),
            git_dir,
            tree,
            commit: id,
            summary,
            root: project_root.to_path_buf(),
            prefix,
            workdir,
            folders: Mutex::new(HashMap::new()),
        })
    }

    /// The commit's id, in hex.
    pub fn commit_id(&self) -> String {
        self.commit.to_string()
    }

    /// The first line of the commit's message.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// Where `path` is in the tree, relative to its root; `None` outside
    /// the work tree.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let relative = match path.strip_prefix(&self.root) {
            Ok(inside) => self.prefix.join(inside),
            Err(_) => path
                .canonicalize()
                .ok()?
                .strip_prefix(&self.workdir)
                .ok()?
                .to_path_buf(),
        };
        // Only plain components: a tree path has no `..` nor root.
        relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
            .then_some(relative)
    }

    /// Runs `f` with a handle on the repository that no other thread uses.
    fn with_repo<T>(&self, f: impl FnOnce(&Repository) -> io::Result<T>) -> io::Result<T> {
        let taken = self.repos.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let repo = match taken {
            Some(repo) => repo,
            None => Repository::open(&self.git_dir).map_err(git_io)?,
        };
        let result = f(&repo);
        self.repos
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(repo);
        result
    }

    /// The folder at `relative` (relative to the work tree; empty for the
    /// root) if the commit has one there, each tree on the way read once.
    fn folder(&self, relative: &Path) -> io::Result<Option<Arc<Folder>>> {
        let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        self.folder_locked(&mut folders, relative)
    }

    fn folder_locked(
        &self,
        folders: &mut HashMap<PathBuf, Option<Arc<Folder>>>,
        relative: &Path,
    ) -> io::Result<Option<Arc<Folder>>> {
        if let Some(known) = folders.get(relative) {
            return Ok(known.clone());
        }
        let id = match (relative.parent(), relative.file_name()) {
            (Some(parent), Some(name)) => {
                let Some(parent) = self.folder_locked(folders, parent)? else {
                    return Ok(None);
                };
                match parent.get(name) {
                    Some(entry) if entry.is_tree() => Some(entry.id),
                    _ => None,
                }
            }
            _ => Some(self.tree),
        };
        let folder = match id {
            Some(id) => Some(Arc::new(
                self.with_repo(|repo| Folder::read(repo, id).map_err(git_io))?,
            )),
            None => None,
        };
        folders.insert(relative.to_path_buf(), folder.clone());
        Ok(folder)
    }

    /// The entries of `folder` in the commit that are not regular files
    /// (folders, symbolic links, submodules), in the tree's order; none when
    /// the commit has no such folder.
    ///
    /// # Errors
    ///
    /// A tree of the commit that cannot be read.
    pub fn non_files(&self, folder: &Path) -> io::Result<Vec<NonFile>> {
        let Some(relative) = self.relative(folder) else {
            return Ok(Vec::new());
        };
        let Some(folder) = self.folder(&relative)? else {
            return Ok(Vec::new());
        };
        Ok(folder
            .entries
            .iter()
            .filter(|entry| !entry.is_file())
            .map(|entry| NonFile {
                name: entry.name.clone(),
                what: entry.describe(),
            })
            .collect())
    }

    /// The id of the blob of `file`.
    fn blob_id(&self, file: &Path) -> io::Result<Oid> {
        let relative = self.relative(file).ok_or_else(|| not_found(file))?;
        let (Some(parent), Some(name)) = (relative.parent(), relative.file_name()) else {
            return Err(not_found(file));
        };
        let folder = self.folder(parent)?.ok_or_else(|| not_found(file))?;
        let entry = folder.get(name).ok_or_else(|| not_found(file))?;
        if entry.is_file() {
            Ok(entry.id)
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a file in the commit", file.display()),
            ))
        }
    }
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("{} is not in the commit", path.display()),
    )
}

fn git_io(error: git2::Error) -> io::Error {
    io::Error::other(error.message().to_owned())
}

impl StoreFiles for GitTree {
    fn list(&self, folder: &Path) -> io::Result<Option<Vec<FolderEntry>>> {
        let Some(relative) = self.relative(folder) else {
            return Ok(None);
        };
        let Some(folder) = self.folder(&relative)? else {
            return Ok(None);
        };
        Ok(Some(
            folder
                .entries
                .iter()
                .map(|entry| {
                    FolderEntry::new(
                        entry.name.clone(),
                        if entry.is_file() {
                            EntryKind::File
                        } else if entry.is_tree() {
                            EntryKind::Folder
                        } else {
                            EntryKind::Other
                        },
                    )
                })
                .collect(),
        ))
    }

    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        let mut buffer = Vec::new();
        self.read_into(file, &mut buffer)?;
        Ok(buffer)
    }

    fn read_into(&self, file: &Path, buffer: &mut Vec<u8>) -> io::Result<()> {
        let id = self.blob_id(file)?;
        buffer.clear();
        self.with_repo(|repo| {
            let blob = repo.find_blob(id).map_err(git_io)?;
            buffer.extend_from_slice(blob.content());
            Ok(())
        })
    }
}
