//! `files/git-ops-config.yml`: per-store settings of a project (spec §2.7).
//!
//! ```yaml
//! stores:
//!   - store_name: vlan
//!     schema_path: inmanta:///files/schemas/vlan.json
//! ```
//!
//! A missing file and an empty one (or one holding only comments) mean "no
//! configuration" (the original crashes on an empty file, spec §13 gap 21).
//! Anything else that is not this shape is refused with the file, the
//! position and what is wrong: invalid YAML, a key that is not `stores`,
//! `store_name` or `schema_path` (the original ignores unknown keys, so a
//! typo silently dropped a setting), a store listed twice, a `schema_path`
//! that is not a location of a file.
//!
//! [`GitOpsConfig::check`] then checks the file against the program's
//! stores and the project, before `update` writes anything: a store name
//! that is not a store (a typo would silently leave a store without its
//! schema file), and a `schema_path` that update must not write
//! (`docs/operations.md`, "Schema paths").

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::confine;
use super::error::{StoreError, StoreErrorKind, StoreErrors};
use super::files::{EntryKind, StoreFiles, read_own_file};
use super::project::{Location, Project};
use super::registry::Registry;
use crate::document::normalise::did_you_mean;
use crate::format::locate::{RawPathSegment, locate_nearest, snippet};
use crate::format::{self, Format};

/// The settings of one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreConfig {
    /// The store.
    pub store_name: String,
    /// Where `update` writes the store's JSON Schema, as a location string.
    pub schema_path: Option<String>,
}

/// The content of `files/git-ops-config.yml`.
#[derive(Debug, Clone, Default)]
pub struct GitOpsConfig {
    /// The stores configured, in file order.
    pub stores: Vec<StoreConfig>,
    /// The file as named in messages, and its text: to locate what
    /// [`GitOpsConfig::check`] finds.
    source: Option<(PathBuf, String)>,
}

/// Two configurations are equal when they configure the same stores.
impl PartialEq for GitOpsConfig {
    fn eq(&self, other: &Self) -> bool {
        self.stores == other.stores
    }
}

impl Eq for GitOpsConfig {}

impl GitOpsConfig {
    /// Reads the project's configuration file; a missing or empty file is
    /// the empty configuration.
    ///
    /// # Errors
    ///
    /// Every problem of the file, each with its position.
    pub fn read(project: &Project, files: &dyn StoreFiles) -> Result<GitOpsConfig, StoreErrors> {
        let path = project.config_file();
        let shown = project.relative(&path);
        // Never read (nor print in an error) a file out of the project.
        if let Err(problem) = files.check_links(project.root(), &path) {
            return Err(StoreError::link(project.relative(&problem.link), problem).into());
        }
        let bytes = match files.read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(GitOpsConfig::default());
            }
            Err(source) => {
                return Err(StoreError::file(
                    shown,
                    StoreErrorKind::Io {
                        action: "read the file",
                        source,
                    },
                )
                .into());
            }
        };
        GitOpsConfig::parse(&bytes, &shown)
    }

    /// Parses the bytes of a configuration file; `file` names it in errors.
    ///
    /// # Errors
    ///
    /// Every problem of the file, each with its position.
    pub fn parse(bytes: &[u8], file: &Path) -> Result<GitOpsConfig, StoreErrors> {
        let doc = format::read::read(bytes, Format::Yaml).map_err(|error| {
            let text = String::from_utf8_lossy(bytes);
            StoreError {
                file: file.to_path_buf(),
                position: Some(error.position),
                dict_path: None,
                snippet: Some(snippet(&text, error.position)),
                kind: StoreErrorKind::Read(error.kind),
            }
        })?;
        let mut checker = Checker {
            problems: Vec::new(),
        };
        let mut config = checker.config(&doc);
        let text = String::from_utf8_lossy(bytes).into_owned();
        config.source = Some((file.to_path_buf(), text));
        if checker.problems.is_empty() {
            return Ok(config);
        }
        Err(config.located(checker.problems))
    }

    /// The problems, each located in the file's text.
    fn located(&self, problems: Vec<Problem>) -> StoreErrors {
        let (file, text) = match &self.source {
            Some((file, text)) => (file.clone(), Some(text.as_str())),
            None => (PathBuf::from(super::project::CONFIG_FILE), None),
        };
        let errors = problems
            .into_iter()
            .map(|(raw, at_key, message)| {
                let position = text.and_then(|text| {
                    locate_nearest(text, Format::Yaml, &raw).map(|(loc, depth)| {
                        if at_key && depth == raw.len() {
                            loc.key.unwrap_or(loc.value)
                        } else {
                            loc.value
                        }
                    })
                });
                StoreError {
                    file: file.clone(),
                    position,
                    dict_path: None,
                    snippet: position.zip(text).map(|(p, text)| snippet(text, p)),
                    kind: StoreErrorKind::Config(message),
                }
            })
            .collect();
        StoreErrors::new(errors)
    }

    /// Checks the configuration against the stores of `registry` and the
    /// files of `project` (`docs/operations.md`, "Schema paths"); `update`
    /// runs it before it writes anything. Refused, at the entry's line:
    ///
    /// - a `store_name` that is neither a store of `registry` nor one of
    ///   [`Registry::other_stores`], with the nearest store name;
    /// - a `schema_path` that resolves outside the project (a `file://`
    ///   path, a module installed elsewhere, a symbolic link out), inside
    ///   `git_ops/`, inside the source folder of a store, on the
    ///   configuration file itself, on the schema path of another store;
    /// - a `schema_path` naming something that is not a file git-ops wrote:
    ///   a folder, a symbolic link, a file that is neither blank, nor `{}`,
    ///   nor a JSON Schema (a JSON object with a string `title`,
    ///   `"type": "object"` and an object `properties`, as git-ops and the
    ///   original write).
    ///
    /// # Errors
    ///
    /// Every problem, each with its position in the file.
    pub fn check(&self, project: &Project, registry: &Registry) -> Result<(), StoreErrors> {
        let mut problems = Vec::new();
        let mut known: Vec<String> = registry.names().into_iter().map(str::to_owned).collect();
        known.extend(registry.other_store_names().into_iter().map(str::to_owned));
        let places = Places::of(project, registry);
        let mut targets: Vec<(PathBuf, &str)> = Vec::new();
        for (index, entry) in self.stores.iter().enumerate() {
            let at = |key: &str| {
                vec![
                    RawPathSegment::key("stores"),
                    RawPathSegment::Index(index),
                    RawPathSegment::key(key),
                ]
            };
            if !known.contains(&entry.store_name) {
                let mut sorted = known.clone();
                sorted.sort();
                let nearest = did_you_mean(&entry.store_name, &known)
                    .map(|name| format!("did you mean `{name}`? "))
                    .unwrap_or_default();
                problems.push((
                    at("store_name"),
                    false,
                    format!(
                        "no store named `{}`; {nearest}the stores are: {}",
                        entry.store_name,
                        if sorted.is_empty() {
                            "none".to_owned()
                        } else {
                            sorted.join(", ")
                        }
                    ),
                ));
            }
            let Some(location) = &entry.schema_path else {
                continue;
            };
            match places.schema_path(location) {
                Ok(target) => {
                    if let Some((_, other)) = targets.iter().find(|(t, _)| *t == target) {
                        problems.push((
                            at("schema_path"),
                            false,
                            format!(
                                "`schema_path` {location:?} is also the schema path of store `{other}`: each store needs its own file"
                            ),
                        ));
                    } else {
                        targets.push((target, &entry.store_name));
                    }
                }
                Err(message) => problems.push((at("schema_path"), false, message)),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(self.located(problems))
        }
    }

    /// The settings of a store, if it is configured.
    pub fn store(&self, name: &str) -> Option<&StoreConfig> {
        self.stores.iter().find(|s| s.store_name == name)
    }
}

/// A problem: where (raw path), whether to point at the key, the message.
type Problem = (Vec<RawPathSegment>, bool, String);

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn problem(&mut self, raw: Vec<RawPathSegment>, at_key: bool, message: String) {
        self.problems.push((raw, at_key, message));
    }

    fn config(&mut self, doc: &Map<String, Value>) -> GitOpsConfig {
        let mut config = GitOpsConfig::default();
        for key in doc.keys().filter(|k| *k != "stores") {
            self.problem(
                vec![RawPathSegment::key(key)],
                true,
                format!("unknown key `{key}`; the only top-level key is `stores`"),
            );
        }
        let stores = match doc.get("stores") {
            None | Some(Value::Null) => return config,
            Some(Value::Array(stores)) => stores,
            Some(other) => {
                self.problem(
                    vec![RawPathSegment::key("stores")],
                    false,
                    format!(
                        "`stores` must be a list of stores, found {}",
                        crate::format::read::kind_name(other)
                    ),
                );
                return config;
            }
        };
        for (index, entry) in stores.iter().enumerate() {
            let at = |key: Option<&str>| {
                let mut raw = vec![RawPathSegment::key("stores"), RawPathSegment::Index(index)];
                raw.extend(key.map(RawPathSegment::key));
                raw
            };
            let Value::Object(entry) = entry else {
                self.problem(
                    at(None),
                    false,
                    "a store entry must be a mapping with `store_name` and `schema_path`".into(),
                );
                continue;
            };
            for key in entry.keys() {
                if key != "store_name" && key != "schema_path" {
                    self.problem(
                        at(Some(key)),
                        true,
                        format!(
                            "unknown key `{key}`; a store entry has `store_name` and `schema_path`"
                        ),
                    );
                }
            }
            let store_name = match entry.get("store_name") {
                Some(Value::String(name)) => name.clone(),
                Some(_) => {
                    self.problem(
                        at(Some("store_name")),
                        false,
                        "`store_name` must be a string".into(),
                    );
                    continue;
                }
                None => {
                    self.problem(at(None), false, "a store entry needs a `store_name`".into());
                    continue;
                }
            };
            let schema_path = match entry.get("schema_path") {
                None | Some(Value::Null) => None,
                Some(Value::String(path)) => {
                    if let Err(message) = check_schema_path(path) {
                        self.problem(at(Some("schema_path")), false, message);
                    }
                    Some(path.clone())
                }
                Some(_) => {
                    self.problem(
                        at(Some("schema_path")),
                        false,
                        "`schema_path` must be a location string or null".into(),
                    );
                    None
                }
            };
            if config.store(&store_name).is_some() {
                self.problem(
                    at(Some("store_name")),
                    false,
                    format!("store `{store_name}` is configured twice"),
                );
                continue;
            }
            config.stores.push(StoreConfig {
                store_name,
                schema_path,
            });
        }
        config
    }
}

/// Where the files are that a schema path must stay clear of, resolved
/// (every link followed).
struct Places<'p> {
    project: &'p Project,
    root: Option<PathBuf>,
    git_ops: Option<PathBuf>,
    config: Option<PathBuf>,
    sources: Vec<(String, PathBuf, PathBuf)>,
}

impl<'p> Places<'p> {
    fn of(project: &'p Project, registry: &Registry) -> Places<'p> {
        let root = project.root();
        Places {
            project,
            root: confine::resolve(root),
            git_ops: confine::resolve(&root.join("git_ops")),
            config: confine::resolve(&project.config_file()),
            sources: registry
                .stores()
                .iter()
                .filter_map(|store| {
                    let folder = project.resolve(&store.schema().source).ok()?;
                    let resolved = confine::resolve(&folder)?;
                    Some((store.name().to_owned(), folder, resolved))
                })
                .collect(),
        }
    }

    /// Where update may write the schema file of `location`, resolved, or
    /// why not.
    fn schema_path(&self, location: &str) -> Result<PathBuf, String> {
        let project = self.project;
        let root = project.root();
        let path = project
            .resolve(location)
            .map_err(|error| error.to_string())?;
        let shown = |path: &Path| project.relative(path).display().to_string();
        if let Err(problem) = confine::check(root, &path) {
            return Err(format!(
                "`schema_path` {location:?} goes through the symbolic link {} to `{}`: {}; git-ops does not write through it",
                shown(&problem.link),
                problem.target.display(),
                problem.kind
            ));
        }
        let resolved = confine::resolve(&path)
            .ok_or_else(|| format!("`schema_path` {location:?} cannot be resolved"))?;
        if !self.root.as_ref().is_some_and(|r| resolved.starts_with(r)) {
            return Err(format!(
                "`schema_path` {location:?} is {}, outside the project: git-ops writes nothing outside the project because of what the project holds (the Python module writes there); choose a file in the project, e.g. `inmanta:///files/schemas/<store>.json`",
                resolved.display()
            ));
        }
        if self
            .git_ops
            .as_ref()
            .is_some_and(|g| resolved.starts_with(g))
        {
            return Err(format!(
                "`schema_path` {location:?} is inside `git_ops/`, which git-ops manages (active folders, views, journal, cache)"
            ));
        }
        if self.config.as_ref() == Some(&resolved) {
            return Err(format!(
                "`schema_path` {location:?} is the configuration file itself"
            ));
        }
        if let Some((store, folder, _)) = self
            .sources
            .iter()
            .find(|(_, _, source)| resolved.starts_with(source))
        {
            return Err(format!(
                "`schema_path` {location:?} is inside {}, the source folder of store `{store}`: the schema file would be read as a slice",
                shown(folder)
            ));
        }
        match fs::symlink_metadata(&path) {
            Err(_) => Ok(resolved),
            Ok(metadata) if metadata.is_symlink() => Err(format!(
                "`schema_path` {location:?} is a symbolic link: update would replace it with a file; name the file itself"
            )),
            Ok(metadata) if !metadata.is_file() => Err(format!(
                "`schema_path` {location:?} names {}, not a file",
                if metadata.is_dir() {
                    EntryKind::Folder.describe()
                } else {
                    "something that is not a regular file"
                }
            )),
            Ok(_) => match read_own_file(&path) {
                Ok(bytes) if written_by_git_ops(&bytes) => Ok(resolved),
                Ok(_) => Err(format!(
                    "`schema_path` {location:?} names an existing file that git-ops did not write (it is not empty, nor `{{}}`, nor a JSON Schema: a JSON object with `title`, `\"type\": \"object\"` and `properties`); git-ops does not overwrite it: move it, or choose another `schema_path`"
                )),
                Err(error) => Err(format!(
                    "`schema_path` {location:?}: cannot read it: {error}"
                )),
            },
        }
    }
}

/// Whether an existing schema file may be overwritten: nothing to lose
/// (blank, or the empty object `{}`), or a JSON Schema of an object, as
/// git-ops (and the original) write them.
fn written_by_git_ops(bytes: &[u8]) -> bool {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return true;
    }
    let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(bytes) else {
        return false;
    };
    let schema_of_an_object = doc.get("title").is_some_and(Value::is_string)
        && doc.get("type").and_then(Value::as_str) == Some("object")
        && doc.get("properties").is_some_and(Value::is_object);
    doc.is_empty() || schema_of_an_object
}

/// The rule of the original: `inmanta://[<module>]/files/<path>`,
/// `inmanta://[<module>]/templates/<path>` or `file://<absolute path>`, not
/// ending with `/`.
fn check_schema_path(path: &str) -> Result<(), String> {
    let location = Location::parse(path).map_err(|e| e.to_string())?;
    if path.ends_with('/') {
        return Err(format!(
            "`schema_path` {path:?} names a folder; it must name a file"
        ));
    }
    match location {
        Location::File(_) => Ok(()),
        Location::Project(inner) | Location::Module { path: inner, .. } => {
            let mut parts = inner.components();
            let first = parts.next().map(|c| c.as_os_str().to_owned());
            let ok = matches!(
                first.as_deref().and_then(|s| s.to_str()),
                Some("files" | "templates")
            ) && parts.next().is_some();
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "`schema_path` {path:?} must be in the `files/` or `templates/` folder of the project or of a module (`inmanta:///files/schemas/x.json`)"
                ))
            }
        }
    }
}
