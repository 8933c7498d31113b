//! Bytes ↔ [`serde_json::Value`]: the on-disk formats of slice files.
//!
//! A project must be able to switch between the Python original and this
//! engine without a git diff, so the writers reproduce the original's bytes:
//! [`json::to_json`] writes like Python's `json.dumps(value, indent=2)`,
//! [`yaml::to_yaml`] like PyYAML's `yaml.safe_dump(value, sort_keys=False)`.
//! [`filename`] is the slice file-name grammar.

pub mod filename;
pub mod json;
mod position;
mod pyfloat;
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
