//! Bytes ↔ [`serde_json::Value`]: the on-disk formats of slice files.
//!
//! A project must be able to switch between the Python original and this
//! engine without a git diff, so the writers reproduce the original's bytes:
//!
//! - [`json::to_json`] writes like Python's `json.dumps(value, indent=2)`
//!   (active files, `.migrations.json`, JSON source files);
//! - [`yaml::to_yaml`] writes like PyYAML's `yaml.safe_dump(value,
//!   sort_keys=False)` (YAML source files).
//!
//! The readers ([`read::read`]) refuse what a slice file must not contain
//! (duplicate keys, a top level that is not a mapping, values JSON cannot
//! hold) with a [`Position`], and read YAML scalars the way PyYAML's YAML 1.1
//! `safe_load` does, so a file means the same in both tools.
//! [`locate::locate`] finds where a value sits in a source text, for error
//! messages; [`filename`] is the slice file-name grammar and [`atomic`]
//! writes files through a temporary file and a rename.
//!
//! ```
//! use git_ops_runtime::format::{self, Format};
//!
//! let doc = format::read::read(b"vid: 10\nlabel: null\n", Format::Yaml).unwrap();
//! let value = serde_json::Value::Object(doc);
//! assert_eq!(format::json::to_json(&value), "{\n  \"vid\": 10,\n  \"label\": null\n}");
//! assert_eq!(format::yaml::to_yaml(&value), "vid: 10\nlabel: null\n");
//! ```
//!
//! The rules and where they differ from the original are in `docs/formats.md`.

pub mod atomic;
pub mod filename;
pub mod json;
pub mod locate;
mod position;
pub(crate) mod pyfloat;
pub mod read;
pub mod yaml;

pub use position::Position;

/// The serialisation format of a slice file, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `.json`: written like Python's `json.dumps(value, indent=2)`.
    Json,
    /// `.yaml` and `.yml`: written like PyYAML's `safe_dump(value, sort_keys=False)`.
    Yaml,
}

impl Format {
    /// The format of a file extension (without the dot): `json`, `yaml` or
    /// `yml`. Extensions are case sensitive, like the file-name grammar.
    pub fn from_extension(extension: &str) -> Result<Format, filename::UnsupportedExtension> {
        match extension {
            "json" => Ok(Format::Json),
            "yaml" | "yml" => Ok(Format::Yaml),
            other => Err(filename::UnsupportedExtension {
                extension: other.to_owned(),
            }),
        }
    }

    /// Serialise a value in this format, exactly as the original does.
    pub fn write(self, value: &serde_json::Value) -> String {
        match self {
            Format::Json => json::to_json(value),
            Format::Yaml => yaml::to_yaml(value),
        }
    }
}
