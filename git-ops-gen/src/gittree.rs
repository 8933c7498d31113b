//! The files of a project as they are in a commit of its git repository,
//! read blob by blob ([`GitTree`], a [`StoreFiles`]): no checkout, no
//! temporary clone. `git-ops project plan --base REV` loads the stores of
//! REV through it with the same engine that reads the working tree.

use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use git_ops_runtime::store::{EntryKind, FolderEntry, StoreFiles};
use git2::{ObjectType, Oid, Repository};

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
pub struct GitTree {
    repo: Mutex<Repository>,
    tree: Oid,
    commit: Oid,
    summary: String,
    /// The project root as the engine sees it.
    root: PathBuf,
    /// The project root relative to the work tree.
    prefix: PathBuf,
    /// The work tree, canonical.
    workdir: PathBuf,
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
        Ok(GitTree {
            repo: Mutex::new(repo),
            tree,
            commit: id,
            summary,
            root: project_root.to_path_buf(),
            prefix,
            workdir,
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

    fn with_repo<T>(&self, f: impl FnOnce(&Repository) -> io::Result<T>) -> io::Result<T> {
        let repo = self.repo.lock().unwrap_or_else(|e| e.into_inner());
        f(&repo)
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
        self.with_repo(|repo| {
            let root = repo.find_tree(self.tree).map_err(git_io)?;
            let tree = if relative.as_os_str().is_empty() {
                root
            } else {
                let entry = match root.get_path(&relative) {
                    Ok(entry) => entry,
                    Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
                    Err(e) => return Err(git_io(e)),
                };
                if entry.kind() != Some(ObjectType::Tree) {
                    return Ok(None);
                }
                repo.find_tree(entry.id()).map_err(git_io)?
            };
            let entries = tree
                .iter()
                .map(|entry| {
                    FolderEntry::new(
                        OsString::from(String::from_utf8_lossy(entry.name_bytes()).into_owned()),
                        match entry.filemode() {
                            0o100644 | 0o100755 => EntryKind::File,
                            _ => EntryKind::Other,
                        },
                    )
                })
                .collect();
            Ok(Some(entries))
        })
    }

    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        let relative = self.relative(file).ok_or_else(|| not_found(file))?;
        self.with_repo(|repo| {
            let root = repo.find_tree(self.tree).map_err(git_io)?;
            let entry = match root.get_path(&relative) {
                Ok(entry) => entry,
                Err(e) if e.code() == git2::ErrorCode::NotFound => return Err(not_found(file)),
                Err(e) => return Err(git_io(e)),
            };
            let blob = repo.find_blob(entry.id()).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} is not a file in the commit", file.display()),
                )
            })?;
            Ok(blob.content().to_vec())
        })
    }
}
