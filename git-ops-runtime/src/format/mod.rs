//! Bytes ↔ [`serde_json::Value`]: the on-disk formats of slice files.
//!
//! A project must be able to switch between the Python original and this
//! engine without a git diff, so the writers reproduce the original's bytes:
//! [`json::to_json`] writes like Python's `json.dumps(value, indent=2)`,
//! [`yaml::to_yaml`] like PyYAML's `yaml.safe_dump(value, sort_keys=False)`.

pub mod json;
mod position;
mod pyfloat;
pub mod yaml;

pub use position::Position;
