//! Symbolic links on the way to the folders and files git-ops reads and
//! writes (`docs/operations.md`, "Links").
//!
//! A link is followed when it resolves inside the folder it is checked
//! against (the project root; for a source folder the module declares
//! outside the project, that folder): a link that leaves it, or that cannot
//! be followed (dangling, a loop), is refused, naming the link and where it
//! points. A check resolves each link on the way once: a handful of system
//! calls per folder, once per operation.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A symbolic link git-ops does not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    /// The link (absolute).
    pub link: PathBuf,
    /// Its target as written in it.
    pub target: PathBuf,
    /// What is wrong with it.
    pub kind: LinkProblemKind,
}

/// What is wrong with a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblemKind {
    /// It resolves to `resolved`, outside `within` (both canonical).
    Outside {
        /// Where it leads.
        resolved: PathBuf,
        /// The folder it must stay in.
        within: PathBuf,
    },
    /// Its target does not exist.
    Dangling,
    /// It cannot be followed (a loop of links, a folder that cannot be
    /// searched): the system's message.
    Broken(String),
}

impl fmt::Display for LinkProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkProblemKind::Outside { resolved, within } => write!(
                f,
                "it resolves to {}, outside {}",
                resolved.display(),
                within.display()
            ),
            LinkProblemKind::Dangling => f.write_str("its target does not exist"),
            LinkProblemKind::Broken(reason) => write!(f, "it cannot be followed ({reason})"),
        }
    }
}

/// Checks every component of `path` below `within` (see the module
/// documentation). Components that do not exist end the check: what
/// git-ops creates there are plain folders and files.
///
/// # Errors
///
/// The first link on the way that leaves `within` or cannot be followed.
pub(crate) fn check(within: &Path, path: &Path) -> Result<(), LinkProblem> {
    let Ok(rest) = path.strip_prefix(within) else {
        return Ok(());
    };
    if rest.as_os_str().is_empty() {
        return Ok(());
    }
    let Ok(root) = fs::canonicalize(within) else {
        // Nothing there yet: nothing to go through.
        return Ok(());
    };
    let mut at = within.to_path_buf();
    for component in rest.components() {
        at.push(component);
        let Ok(metadata) = fs::symlink_metadata(&at) else {
            return Ok(());
        };
        if !metadata.is_symlink() {
            continue;
        }
        check_link(&root, &at)?;
    }
    Ok(())
}

/// Checks one link: it must resolve inside `root` (canonical).
pub(crate) fn check_link(root: &Path, link: &Path) -> Result<(), LinkProblem> {
    let problem = |kind| LinkProblem {
        link: link.to_path_buf(),
        target: fs::read_link(link).unwrap_or_default(),
        kind,
    };
    match fs::canonicalize(link) {
        Ok(resolved) if resolved.starts_with(root) => Ok(()),
        Ok(resolved) => Err(problem(LinkProblemKind::Outside {
            resolved,
            within: root.to_path_buf(),
        })),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            Err(problem(LinkProblemKind::Dangling))
        }
        Err(error) => Err(problem(LinkProblemKind::Broken(error.to_string()))),
    }
}

/// Where `path` really is: the canonical form of its longest existing
/// ancestor, with the rest (which does not exist yet) appended. `None`
/// when an existing ancestor is a link that cannot be followed.
pub(crate) fn resolve(path: &Path) -> Option<PathBuf> {
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        match fs::symlink_metadata(at) {
            Ok(_) => {
                let mut resolved = fs::canonicalize(at).ok()?;
                resolved.extend(rest.iter().rev());
                return Some(resolved);
            }
            Err(_) => {
                rest.push(at.file_name()?.to_owned());
                at = at.parent()?;
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_are_followed_links_outside_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        fs::create_dir_all(root.join("shared/vlan")).unwrap();
        fs::create_dir_all(root.join("files")).unwrap();
        symlink("../shared/vlan", root.join("files/vlan")).unwrap();
        symlink(outside.path(), root.join("files/out")).unwrap();
        symlink("missing", root.join("files/gone")).unwrap();
        symlink("loop", root.join("files/loop")).unwrap();

        assert_eq!(check(&root, &root.join("files/vlan/x/y")), Ok(()));
        assert_eq!(check(&root, &root.join("files/new/x")), Ok(()));
        let error = check(&root, &root.join("files/out/a.json")).unwrap_err();
        assert_eq!(error.link, root.join("files/out"));
        assert_eq!(error.target, outside.path());
        assert!(
            matches!(&error.kind, LinkProblemKind::Outside { resolved, .. } if *resolved == fs::canonicalize(outside.path()).unwrap())
        );
        let error = check(&root, &root.join("files/gone")).unwrap_err();
        assert_eq!(
            (error.target, error.kind),
            (PathBuf::from("missing"), LinkProblemKind::Dangling)
        );
        let error = check(&root, &root.join("files/loop/a")).unwrap_err();
        assert!(
            matches!(error.kind, LinkProblemKind::Broken(_)),
            "{error:?}"
        );

        assert_eq!(
            resolve(&root.join("files/vlan/new/a.json")),
            Some(
                fs::canonicalize(root.join("shared/vlan"))
                    .unwrap()
                    .join("new/a.json")
            )
        );
        assert_eq!(resolve(&root.join("files/loop/a")), None);
    }
}
