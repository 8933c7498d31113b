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

use std::io;
use std::path::Path;

use serde_json::{Map, Value};

use super::error::{StoreError, StoreErrorKind, StoreErrors};
use super::files::StoreFiles;
use super::project::{Location, Project};
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitOpsConfig {
    /// The stores configured, in file order.
    pub stores: Vec<StoreConfig>,
}

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
        let config = checker.config(&doc);
        if checker.problems.is_empty() {
            return Ok(config);
        }
        let text = String::from_utf8_lossy(bytes);
        let errors = checker
            .problems
            .into_iter()
            .map(|(raw, at_key, message)| {
                let position = locate_nearest(&text, Format::Yaml, &raw).map(|(loc, depth)| {
                    if at_key && depth == raw.len() {
                        loc.key.unwrap_or(loc.value)
                    } else {
                        loc.value
                    }
                });
                StoreError {
                    file: file.to_path_buf(),
                    position,
                    dict_path: None,
                    snippet: position.map(|p| snippet(&text, p)),
                    kind: StoreErrorKind::Config(message),
                }
            })
            .collect();
        Err(StoreErrors::new(errors))
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
