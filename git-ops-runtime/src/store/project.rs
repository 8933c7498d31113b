//! The inmanta project a store lives in: its root folder, location strings
//! (spec §2.1) and the fixed places git-ops uses inside it.
//!
//! ```
//! use git_ops_runtime::store::Project;
//! use std::path::Path;
//!
//! let project = Project::at("/srv/campus");
//! assert_eq!(project.resolve("inmanta:///files/vlans/").unwrap(), Path::new("/srv/campus/files/vlans"));
//! assert_eq!(project.resolve("file:///srv/schemas/tree.json").unwrap(), Path::new("/srv/schemas/tree.json"));
//! assert_eq!(project.active_folder("vlan"), Path::new("/srv/campus/git_ops/active/vlan"));
//! assert!(project.resolve("files/vlans").is_err());
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::format::{self, Format};

/// The file that marks the root of an inmanta project.
pub const PROJECT_FILE: &str = "project.yml";
/// The git-ops configuration file, relative to the project root.
pub const CONFIG_FILE: &str = "files/git-ops-config.yml";
/// The folder of the active stores, relative to the project root.
pub const ACTIVE_FOLDER: &str = "git_ops/active";
/// The folder of the view files, relative to the project root.
pub const VIEWS_FOLDER: &str = "git_ops/views";

/// A location string, parsed (spec §2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `inmanta:///<path>`: relative to the project root.
    Project(PathBuf),
    /// `inmanta://<module>/<path>`: relative to the root of an inmanta module.
    Module {
        /// The module name.
        module: String,
        /// The path inside the module.
        path: PathBuf,
    },
    /// `file:///<absolute path>`.
    File(PathBuf),
}

/// A location string that cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    /// Not `inmanta://` nor `file://`.
    #[error(
        "location {0:?} has no known scheme: write `inmanta:///<path in the project>`, `inmanta://<module>/<path in the module>` or `file:///<absolute path>`"
    )]
    UnknownScheme(String),
    /// `inmanta://...` without a path after the module part.
    #[error("location {0:?} has no path after `inmanta://<module>/`")]
    MissingPath(String),
    /// A path with `..`, or otherwise leaving its root.
    #[error("location {0:?} leaves its root folder (`..` is not allowed)")]
    Escapes(String),
    /// `inmanta://<module>/...` where `<module>` is not a module name
    /// (ASCII letters, digits and `_`): `inmanta://../x` would leave the
    /// module path.
    #[error(
        "location {0:?} names a module that cannot exist: a module name is made of ASCII letters, digits and `_`"
    )]
    InvalidModule(String),
    /// `file://` with a relative path.
    #[error("location {0:?} must hold an absolute path after `file://` (`file:///srv/x`)")]
    NotAbsolute(String),
    /// A module that is neither given nor found on the project's module path.
    #[error(
        "location {location:?} refers to module `{module}`, which is not found in the project's module path ({searched}); give its root folder with Project::with_module"
    )]
    UnknownModule {
        /// The location.
        location: String,
        /// The module.
        module: String,
        /// The folders searched, for the message.
        searched: String,
    },
}

impl Location {
    /// Parses a location string.
    pub fn parse(location: &str) -> Result<Location, LocationError> {
        if let Some(rest) = location.strip_prefix("inmanta://") {
            let (module, path) = rest
                .split_once('/')
                .ok_or_else(|| LocationError::MissingPath(location.to_owned()))?;
            let path =
                relative_path(path).ok_or_else(|| LocationError::Escapes(location.to_owned()))?;
            if path.as_os_str().is_empty() {
                return Err(LocationError::MissingPath(location.to_owned()));
            }
            if !module
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(LocationError::InvalidModule(location.to_owned()));
            }
            Ok(if module.is_empty() {
                Location::Project(path)
            } else {
                Location::Module {
                    module: module.to_owned(),
                    path,
                }
            })
        } else if let Some(rest) = location.strip_prefix("file://") {
            let path = Path::new(rest);
            if !path.is_absolute() {
                return Err(LocationError::NotAbsolute(location.to_owned()));
            }
            if path.components().any(|c| c == Component::ParentDir) {
                return Err(LocationError::Escapes(location.to_owned()));
            }
            Ok(Location::File(path.to_path_buf()))
        } else {
            Err(LocationError::UnknownScheme(location.to_owned()))
        }
    }
}

/// `a/b/` as a relative path; `None` when it has `..` or is absolute.
fn relative_path(text: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => out.push(part),
        }
    }
    Some(out)
}

/// A problem with the project itself.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// No `project.yml` in the folder or any ancestor.
    #[error("no inmanta project here: no project.yml in {} or any folder above it", .0.display())]
    NotFound(PathBuf),
    /// `project.yml` cannot be read.
    #[error("cannot read {}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// `project.yml` is not valid YAML, or `modulepath` has the wrong shape.
    #[error("{}: {message}", file.display())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// What is wrong, with the position when known.
        message: String,
    },
}

/// An inmanta project: where its root is and where its modules are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    root: PathBuf,
    module_path: Vec<PathBuf>,
    modules: BTreeMap<String, PathBuf>,
}

impl Project {
    /// A project rooted at `root`, without reading anything: no module path.
    pub fn at(root: impl Into<PathBuf>) -> Project {
        Project {
            root: root.into(),
            module_path: Vec::new(),
            modules: BTreeMap::new(),
        }
    }

    /// The project whose root is the nearest ancestor of `start` (or `start`
    /// itself) holding a `project.yml`; reads its `modulepath`.
    pub fn find(start: &Path) -> Result<Project, ProjectError> {
        let start = if start.is_absolute() {
            start.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|source| ProjectError::Io {
                    file: start.to_path_buf(),
                    source,
                })?
                .join(start)
        };
        let root = start
            .ancestors()
            .find(|dir| dir.join(PROJECT_FILE).is_file())
            .ok_or_else(|| ProjectError::NotFound(start.clone()))?;
        Project::open(root)
    }

    /// The project rooted at `root`, which must hold a `project.yml`; reads
    /// its `modulepath` (a folder or a list of folders, relative to the
    /// root or absolute, each holding module folders named after their
    /// module).
    pub fn open(root: &Path) -> Result<Project, ProjectError> {
        let file = root.join(PROJECT_FILE);
        let bytes = std::fs::read(&file).map_err(|source| ProjectError::Io {
            file: file.clone(),
            source,
        })?;
        let invalid = |message: String| ProjectError::Invalid {
            file: file.clone(),
            message,
        };
        let doc = format::read::read(&bytes, Format::Yaml).map_err(|e| invalid(e.to_string()))?;
        let module_path = match doc.get("modulepath") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => many
                .iter()
                .map(|item| {
                    item.as_str().map(str::to_owned).ok_or_else(|| {
                        invalid("`modulepath` must be a folder or a list of folders".into())
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(invalid(
                    "`modulepath` must be a folder or a list of folders".into(),
                ));
            }
        };
        let mut project = Project::at(root);
        project.module_path = module_path.iter().map(|p| root.join(p)).collect();
        Ok(project)
    }

    /// Tells where module `name` is (for `inmanta://<name>/...`), instead of
    /// looking for it on the module path: e.g. a v2 module installed in a
    /// Python environment.
    pub fn with_module(mut self, name: impl Into<String>, root: impl Into<PathBuf>) -> Project {
        self.modules.insert(name.into(), root.into());
        self
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folders searched for modules, absolute.
    pub fn module_path(&self) -> &[PathBuf] {
        &self.module_path
    }

    /// The root folder of module `name`: given with [`Project::with_module`],
    /// else the first `<module path entry>/<name>` folder that exists.
    pub fn module_root(&self, name: &str) -> Option<PathBuf> {
        if let Some(root) = self.modules.get(name) {
            return Some(root.clone());
        }
        self.module_path
            .iter()
            .map(|dir| dir.join(name))
            .find(|dir| dir.is_dir())
    }

    /// The path a location string designates.
    pub fn resolve(&self, location: &str) -> Result<PathBuf, LocationError> {
        match Location::parse(location)? {
            Location::Project(path) => Ok(self.root.join(path)),
            Location::File(path) => Ok(path),
            Location::Module { module, path } => match self.module_root(&module) {
                Some(root) => Ok(root.join(path)),
                None => Err(LocationError::UnknownModule {
                    location: location.to_owned(),
                    searched: if self.module_path.is_empty() {
                        "no modulepath in project.yml".to_owned()
                    } else {
                        self.module_path
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                    module,
                }),
            },
        }
    }

    /// The active folder of a store: `<root>/git_ops/active/<store>/`.
    pub fn active_folder(&self, store: &str) -> PathBuf {
        self.root.join(ACTIVE_FOLDER).join(store)
    }

    /// The git-ops configuration file: `<root>/files/git-ops-config.yml`.
    pub fn config_file(&self) -> PathBuf {
        self.root.join(CONFIG_FILE)
    }

    /// How the engine names `path` in messages and view files: relative to
    /// the project root with `/` separators when it is inside the project,
    /// else the path as it is.
    pub fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Project(path) => write!(f, "inmanta:///{}", path.display()),
            Location::Module { module, path } => {
                write!(f, "inmanta://{module}/{}", path.display())
            }
            Location::File(path) => write!(f, "file://{}", path.display()),
        }
    }
}
