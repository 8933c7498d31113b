//! Dict paths: the inmanta-core language that addresses a value inside a slice
//! (`embedded_sequence[name=a].unique_id`), as the `path` attribute of every
//! object of a view and the argument of the getters, setters and processors.
//!
//! ```text
//! path        := "." | [ "." ] section { "." section }
//! section     := name | "*" | name selector { selector }
//! selector    := "[" ( name | "*" ) "=" ( value | "*" | "\0" ) "]"
//! name        := 1*( normal | "\" special )
//! value       := *( normal | "\" special | "." )
//! special     := "\" | "[" | "]" | "." | "*" | "="
//! ```
//!
//! - [`DictPath`] designates one value (no wildcard): [`DictPath::get`],
//!   [`DictPath::get_mut`], [`DictPath::set`]. Built from the root with
//!   [`DictPath::child`] and [`DictPath::item`], which take *literal* text and
//!   escape it when rendering.
//! - [`WildDictPath`] may hold wildcards: [`WildDictPath::find_all`].
//! - [`python_str`] and [`identity_value`] give the text the reference uses
//!   for the identity of list items (Python `str()`).
//!
//! `docs/dict-paths.md` is the user documentation, with the places where this
//! implementation deliberately differs from inmanta-core.

mod error;
mod lookup;
mod matching;
mod parse;
mod path;
mod python;
mod render;
mod serde_impl;
mod wild;

pub use error::{
    LookupError, LookupErrorKind, LookupReason, ParseError, ParseErrorKind, PathError,
};
pub use matching::value_matches;
pub use path::{DictPath, Key, Name, Section, Selector, SelectorValue, WildDictPath};
pub use python::{float_repr, identity_value, number_repr, python_str};
pub use render::{SPECIAL_CHARACTERS, escape, is_special, write_escaped};
