//! Every attribute keyword the derive reads, one constant each.

use std::fmt;

use syn::{Ident, Path};

/// An attribute keyword, comparable with a path or an identifier.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Symbol(pub &'static str);

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

// --- `#[slice(...)]` -------------------------------------------------------

/// The attribute of this crate.
pub const SLICE: Symbol = Symbol("slice");

/// Type: store name (`#[derive(Slice)]` only).
pub const STORE: Symbol = Symbol("store");
/// Type: default source folder (`#[derive(Slice)]` only).
pub const SOURCE: Symbol = Symbol("source");
/// Type: explicit key list, `keys(a, b)`.
pub const KEYS: Symbol = Symbol("keys");

/// Field: part of the identity.
pub const KEY: Symbol = Symbol("key");
/// Field: a flattened base (inheritance).
pub const BASE: Symbol = Symbol("base");
/// Field: in views and the model, never in slice files.
pub const MODEL_ONLY: Symbol = Symbol("model_only");
/// Field: numeric bounds, `range(min = .., max = ..)`.
pub const RANGE: Symbol = Symbol("range");
/// `range(min = ..)`.
pub const MIN: Symbol = Symbol("min");
/// `range(max = ..)`.
pub const MAX: Symbol = Symbol("max");
/// Field: processor allocating a unique integer.
pub const UNIQUE_INTEGER: Symbol = Symbol("unique_integer");
/// `unique_integer(start = ..)`.
pub const START: Symbol = Symbol("start");
/// `unique_integer(stop = ..)`.
pub const STOP: Symbol = Symbol("stop");
/// `unique_integer(scope = "store" | "siblings")`.
pub const SCOPE: Symbol = Symbol("scope");
/// `scope = "store"`.
pub const SCOPE_STORE: &str = "store";
/// `scope = "siblings"`.
pub const SCOPE_SIBLINGS: &str = "siblings";
/// Field: processor setting a fixed value once.
pub const SIMPLE_VALUE: Symbol = Symbol("simple_value");
/// Field: custom processor, by registered name.
pub const PROCESSOR: Symbol = Symbol("processor");

/// Options of `#[slice(...)]` on a struct or enum.
pub const CONTAINER_OPTIONS: &[Symbol] = &[STORE, SOURCE, KEYS];
/// Options of `#[slice(...)]` on a field.
pub const FIELD_OPTIONS: &[Symbol] = &[
    KEY,
    BASE,
    MODEL_ONLY,
    RANGE,
    UNIQUE_INTEGER,
    SIMPLE_VALUE,
    PROCESSOR,
];

/// Default `unique_integer(start = ..)` (spec §7.4).
pub const UNIQUE_INTEGER_START: i64 = 0;
/// Default `unique_integer(stop = ..)` (spec §7.4).
pub const UNIQUE_INTEGER_STOP: i64 = 1000;

/// Field names the views inject; must equal
/// `git_ops_runtime::schema::RESERVED_FIELDS` (a test checks it).
pub const RESERVED_FIELDS: [&str; 5] =
    ["operation", "path", "version", "slice_store", "slice_name"];

/// Location schemes a source folder may use (spec §2.1).
pub const SOURCE_SCHEMES: &[&str] = &["inmanta://", "file://"];

// --- `#[serde(...)]` -------------------------------------------------------

/// serde's attribute.
pub const SERDE: Symbol = Symbol("serde");
/// `rename = ".."` / `rename(serialize = .., deserialize = ..)`.
pub const RENAME: Symbol = Symbol("rename");
/// `rename_all = ".."`.
pub const RENAME_ALL: Symbol = Symbol("rename_all");
/// `rename_all_fields = ".."` (enums; no effect on newtype or unit variants).
pub const RENAME_ALL_FIELDS: Symbol = Symbol("rename_all_fields");
/// Split form of `rename`/`rename_all`.
pub const SERIALIZE: Symbol = Symbol("serialize");
/// Split form of `rename`/`rename_all`.
pub const DESERIALIZE: Symbol = Symbol("deserialize");
/// `default` / `default = "path"`.
pub const DEFAULT: Symbol = Symbol("default");
/// `flatten`.
pub const FLATTEN: Symbol = Symbol("flatten");
/// `tag = ".."`.
pub const TAG: Symbol = Symbol("tag");
/// `content = ".."` (adjacently tagged enums).
pub const CONTENT: Symbol = Symbol("content");
/// `untagged`.
pub const UNTAGGED: Symbol = Symbol("untagged");
/// `skip`.
pub const SKIP: Symbol = Symbol("skip");
/// `skip_serializing`.
pub const SKIP_SERIALIZING: Symbol = Symbol("skip_serializing");
/// `skip_deserializing`.
pub const SKIP_DESERIALIZING: Symbol = Symbol("skip_deserializing");
/// `skip_serializing_if = "path"`.
pub const SKIP_SERIALIZING_IF: Symbol = Symbol("skip_serializing_if");
/// `alias = ".."`.
pub const ALIAS: Symbol = Symbol("alias");
/// `other` (catch-all variant).
pub const OTHER: Symbol = Symbol("other");
/// `with = "module"`.
pub const WITH: Symbol = Symbol("with");
/// `serialize_with = "path"`.
pub const SERIALIZE_WITH: Symbol = Symbol("serialize_with");
/// `deserialize_with = "path"`.
pub const DESERIALIZE_WITH: Symbol = Symbol("deserialize_with");
/// `getter = "path"` (remote derives).
pub const GETTER: Symbol = Symbol("getter");
/// `transparent`.
pub const TRANSPARENT: Symbol = Symbol("transparent");
/// `from = "Type"`.
pub const FROM: Symbol = Symbol("from");
/// `try_from = "Type"`.
pub const TRY_FROM: Symbol = Symbol("try_from");
/// `into = "Type"`.
pub const INTO: Symbol = Symbol("into");
/// `remote = "Type"`.
pub const REMOTE: Symbol = Symbol("remote");
/// `field_identifier`.
pub const FIELD_IDENTIFIER: Symbol = Symbol("field_identifier");
/// `variant_identifier`.
pub const VARIANT_IDENTIFIER: Symbol = Symbol("variant_identifier");
/// `deny_unknown_fields` (no effect on the schema).
pub const DENY_UNKNOWN_FIELDS: Symbol = Symbol("deny_unknown_fields");
/// `bound = ".."` (no effect on the wire format).
pub const BOUND: Symbol = Symbol("bound");
/// `borrow` (no effect on the wire format).
pub const BORROW: Symbol = Symbol("borrow");
/// `crate = ".."` (no effect on the wire format).
pub const CRATE: Symbol = Symbol("crate");
/// `expecting = ".."` (no effect on the wire format).
pub const EXPECTING: Symbol = Symbol("expecting");

// --- others ----------------------------------------------------------------

/// Doc comments.
pub const DOC: Symbol = Symbol("doc");
