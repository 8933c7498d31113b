//! View files: the merged views written for the generated inmanta plugin
//! (`docs/views.md`).
//!
//! One file per slice, `git_ops/views/<store>/<kind>/<name>.json`, holding
//! the record the model sees, the folded previous versions and a
//! fingerprint of its inputs; one index per store and kind,
//! `git_ops/views/<store>/<kind>.json`, naming the folders the views are
//! computed from and the schema they were computed with. Everything here is
//! pure: paths and bytes. The write side (update, sync, prune) writes them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::project::VIEWS_FOLDER;
use super::reader::Store;
use super::record::SliceView;
use super::slice::ViewKind;
use crate::format::json::{to_json, write_json_at};
use crate::schema::{EntitySchema, Field, FieldKind, StoreSchema, ValueType};

/// The version of the view file format; a plugin refuses files of another.
pub const VIEW_FORMAT: u64 = 1;

/// One input of a view: a slice file and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewInput {
    /// The file, relative to the project root with `/` separators (absolute
    /// when outside the project).
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

/// A file to write: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewFile {
    /// Where, absolute.
    pub path: PathBuf,
    /// The content: JSON written like Python's `json.dumps(indent=2)`.
    pub content: String,
}

/// The parsed head of a view file: what a staleness check reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ViewFileHead {
    /// [`VIEW_FORMAT`] of the writer.
    pub git_ops_view: u64,
    /// `active` or `source`.
    pub kind: String,
    /// The store.
    pub store: String,
    /// The slice.
    pub name: String,
    /// [`schema_fingerprint`] of the schema the view was computed with.
    pub schema: String,
    /// The files the view was computed from.
    pub inputs: Vec<ViewInput>,
}

impl ViewFileHead {
    /// Reads the head of a view file (the whole file).
    ///
    /// # Errors
    ///
    /// When the bytes are not a view file.
    pub fn parse(bytes: &[u8]) -> Result<ViewFileHead, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// Whether a view file with this head is up to date for `inputs` (the
    /// current files of the slice, as [`super::LoadedSlice::inputs`] or
    /// [`fingerprint_inputs`] give them) and the store's schema.
    pub fn is_fresh(&self, store: &Store, inputs: &[ViewInput]) -> bool {
        self.git_ops_view == VIEW_FORMAT
            && self.schema == store.schema_fingerprint()
            && self.inputs == inputs
    }
}

/// The folder of the view files of a store: `<root>/git_ops/views/<store>/<kind>/`.
pub fn view_folder(project_root: &Path, store: &str, kind: ViewKind) -> PathBuf {
    project_root
        .join(VIEWS_FOLDER)
        .join(store)
        .join(kind.as_str())
}

/// The view file of a slice: `<root>/git_ops/views/<store>/<kind>/<name>.json`.
pub fn view_file_path(project_root: &Path, store: &str, kind: ViewKind, name: &str) -> PathBuf {
    view_folder(project_root, store, kind).join(format!("{name}.json"))
}

/// The index of a store's views: `<root>/git_ops/views/<store>/<kind>.json`.
pub fn view_index_path(project_root: &Path, store: &str, kind: ViewKind) -> PathBuf {
    project_root
        .join(VIEWS_FOLDER)
        .join(store)
        .join(format!("{}.json", kind.as_str()))
}

/// The view file of one slice.
pub(crate) fn view_file(
    store: &Store,
    kind: ViewKind,
    name: &str,
    inputs: &[ViewInput],
    view: Option<&SliceView>,
) -> ViewFile {
    let body = ViewBody::new(view);
    view_file_with_body(store, kind, name, inputs, &body)
}

/// The part of a view file after its inputs (`record`, `previous`), which
/// the source and active view files of a synced slice share: rendered once.
pub(crate) struct ViewBody(String);

impl ViewBody {
    pub(crate) fn new(view: Option<&SliceView>) -> ViewBody {
        let mut out = String::with_capacity(4096);
        out.push_str(",\n  \"record\": ");
        match view {
            None => out.push_str("null"),
            Some(view) => {
                let record = &view.record;
                out.push_str("{\n    \"name\": ");
                write_json_at(&Value::String(record.name.clone()), 2, &mut out);
                out.push_str(",\n    \"store_name\": ");
                write_json_at(&Value::String(record.store_name.clone()), 2, &mut out);
                out.push_str(",\n    \"version\": ");
                write_json_at(&Value::from(record.version), 2, &mut out);
                out.push_str(",\n    \"attributes\": ");
                write_json_at(&record.attributes, 2, &mut out);
                out.push_str(",\n    \"deleted\": ");
                out.push_str(if record.deleted { "true" } else { "false" });
                out.push_str("\n  }");
            }
        }
        out.push_str(",\n  \"previous\": ");
        match view.and_then(|v| v.previous.as_ref()) {
            None => out.push_str("null"),
            Some(previous) => write_json_at(previous, 1, &mut out),
        }
        out.push_str("\n}");
        ViewBody(out)
    }
}

/// The view file of one slice, its body rendered already: the same bytes
/// as `to_json` of the whole document (`docs/views.md`).
pub(crate) fn view_file_with_body(
    store: &Store,
    kind: ViewKind,
    name: &str,
    inputs: &[ViewInput],
    body: &ViewBody,
) -> ViewFile {
    let head = ViewHead::new(store.name(), store.schema_fingerprint(), kind, name, inputs);
    head.file(store, kind, name, body)
}

/// The head of a view file as git-ops writes it: every key before
/// `record` (format, kind, store, name, schema, inputs), rendered.
///
/// A view file written by git-ops for the same slice and inputs starts
/// with exactly these bytes followed by [`RECORD_MARKER`], which lets the
/// write side check that a view file is fresh by comparing a few hundred
/// bytes, without parsing ([`ViewHead::matches`]).
pub(crate) struct ViewHead(String);

/// What follows the head of a view file written by git-ops.
pub(crate) const RECORD_MARKER: &[u8] = b",\n  \"record\": ";

impl ViewHead {
    /// The head of the view of kind `kind` of slice `name` of store
    /// `store`, whose schema has fingerprint `schema`.
    pub(crate) fn new(
        store: &str,
        schema: &str,
        kind: ViewKind,
        name: &str,
        inputs: &[ViewInput],
    ) -> ViewHead {
        let mut content = String::with_capacity(320 + 160 * inputs.len());
        content.push_str("{\n  \"git_ops_view\": ");
        let _ = write!(content, "{VIEW_FORMAT}");
        content.push_str(",\n  \"kind\": ");
        write_json_string(kind.as_str(), &mut content);
        content.push_str(",\n  \"store\": ");
        write_json_string(store, &mut content);
        content.push_str(",\n  \"name\": ");
        write_json_string(name, &mut content);
        content.push_str(",\n  \"schema\": ");
        write_json_string(schema, &mut content);
        content.push_str(",\n  \"inputs\": ");
        if inputs.is_empty() {
            content.push_str("[]");
        } else {
            content.push('[');
            for (i, input) in inputs.iter().enumerate() {
                if i > 0 {
                    content.push(',');
                }
                content.push_str("\n    {\n      \"path\": ");
                write_json_string(&input.path, &mut content);
                content.push_str(",\n      \"sha256\": ");
                write_json_string(&input.sha256, &mut content);
                content.push_str("\n    }");
            }
            content.push_str("\n  ]");
        }
        ViewHead(content)
    }

    /// Whether `prefix`, the first bytes of a view file, are this head
    /// followed by [`RECORD_MARKER`]. Reading [`ViewHead::prefix_len`]
    /// bytes is enough.
    pub(crate) fn matches(&self, prefix: &[u8]) -> bool {
        prefix.len() == self.prefix_len()
            && prefix.starts_with(self.0.as_bytes())
            && prefix.ends_with(RECORD_MARKER)
    }

    /// The length of the prefix [`ViewHead::matches`] compares.
    pub(crate) fn prefix_len(&self) -> usize {
        self.0.len() + RECORD_MARKER.len()
    }

    /// The whole view file: this head, then `body`.
    pub(crate) fn file(
        &self,
        store: &Store,
        kind: ViewKind,
        name: &str,
        body: &ViewBody,
    ) -> ViewFile {
        let mut content = String::with_capacity(self.0.len() + body.0.len());
        content.push_str(&self.0);
        content.push_str(&body.0);
        ViewFile {
            path: view_file_path(store.project_root(), store.name(), kind, name),
            content,
        }
    }
}

/// A JSON string, as `to_json` writes it.
fn write_json_string(text: &str, out: &mut String) {
    crate::format::json::write_string(text, out);
}

/// The head of a view file, read from the first bytes of the file when it
/// was written by git-ops (the head ends before `"record"`): the write side
/// checks freshness without reading or parsing the records. `None` when the
/// bytes do not hold a head in that layout.
pub(crate) fn parse_head_prefix(prefix: &[u8]) -> Option<ViewFileHead> {
    let end = prefix
        .windows(RECORD_MARKER.len())
        .position(|w| w == RECORD_MARKER)?;
    let mut head = prefix[..end].to_vec();
    head.extend_from_slice(b"\n}");
    ViewFileHead::parse(&head).ok()
}

/// The index of a store's views of one kind: the format, the schema
/// fingerprint and the folders whose files the views cover (source folder
/// first for the source view), relative to the project root.
pub fn view_index(store: &Store, kind: ViewKind) -> ViewFile {
    let mut folders = Vec::new();
    if kind == ViewKind::Source {
        folders.push(store.shown(store.source_folder()));
    }
    folders.push(store.shown(store.active_folder()));
    let content = json!({
        "git_ops_views": VIEW_FORMAT,
        "kind": kind.as_str(),
        "store": store.name(),
        "schema": store.schema_fingerprint(),
        "folders": folders,
    });
    ViewFile {
        path: view_index_path(store.project_root(), store.name(), kind),
        content: to_json(&content),
    }
}

/// SHA-256 (lowercase hex) of what in a store schema decides its views:
/// entities, fields, types, defaults, keys, unions, model-only flags, and
/// [`VIEW_FORMAT`]. Descriptions, Rust names, processors and the default
/// source location are left out: changing them changes no view.
pub fn schema_fingerprint(schema: &StoreSchema) -> String {
    let entities: Vec<Value> = schema.entities.values().map(entity).collect();
    let projection = json!({
        "view_format": VIEW_FORMAT,
        "store": schema.store,
        "root": schema.root,
        "entities": entities,
    });
    hex(&Sha256::digest(to_json(&projection).as_bytes()).into())
}

fn entity(entity: &EntitySchema) -> Value {
    json!({
        "id": entity.id,
        "kind": entity.kind,
        "bases": entity.bases,
        "fields": entity.fields.iter().map(field).collect::<Vec<_>>(),
        "keys": entity.resolved_keys,
        "discriminator": entity.discriminator,
    })
}

fn field(field: &Field) -> Value {
    let kind = match &field.kind {
        FieldKind::Value { ty, nullable } => json!({"type": value_type(ty), "nullable": nullable}),
        FieldKind::Relation {
            target,
            cardinality,
            nullable,
        } => json!({"target": target, "cardinality": cardinality, "nullable": nullable}),
    };
    json!({
        "name": field.name,
        "kind": kind,
        "default": field.default,
        "model_only": field.model_only,
        "discriminator": field.discriminator,
    })
}

fn value_type(ty: &ValueType) -> Value {
    match ty {
        ValueType::Enum(e) => json!({"type": "enum", "values": e.values}),
        ValueType::List { items } => {
            json!({"type": "list", "items": items.as_deref().map(value_type)})
        }
        ValueType::Dict { values } => {
            json!({"type": "dict", "values": values.as_deref().map(value_type)})
        }
        other => serde_json::to_value(other).expect("a value type serialises"),
    }
}

/// Lowercase hex of a digest.
pub(crate) fn hex(bytes: &[u8; 32]) -> String {
    let mut out = String::with_capacity(64);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// SHA-256 (lowercase hex) of some bytes, as the view inputs record it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes).into())
}

/// The inputs of a slice's view computed from its files without parsing
/// them: what a staleness check compares with [`ViewFileHead::inputs`].
///
/// # Errors
///
/// A file that cannot be read.
pub fn fingerprint_inputs(
    files: &dyn super::StoreFiles,
    slice: &super::SliceFiles,
    kind: ViewKind,
) -> Result<Vec<ViewInput>, super::StoreErrors> {
    let source = match kind {
        ViewKind::Source => slice.source.as_ref(),
        ViewKind::Active => None,
    };
    source
        .into_iter()
        .chain(&slice.active)
        .map(|file| {
            let bytes = files.read(&file.path).map_err(|source| {
                super::StoreErrors::from(super::StoreError::file(
                    file.shown.clone(),
                    super::StoreErrorKind::Io {
                        action: "read the file",
                        source,
                    },
                ))
            })?;
            Ok(ViewInput {
                path: file.shown.clone(),
                sha256: sha256_hex(&bytes),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_of(inputs: &[ViewInput]) -> ViewHead {
        ViewHead::new("fs", "5b1c", ViewKind::Source, "caf\u{e9}", inputs)
    }

    /// The head rendered by hand is the start of `to_json` of the whole
    /// view file, and parses back to the same head.
    #[test]
    fn the_head_is_the_start_of_the_view_file() {
        for inputs in [
            vec![],
            vec![
                ViewInput {
                    path: "files/fs/caf\u{e9}.yaml".into(),
                    sha256: "ab".repeat(32),
                },
                ViewInput {
                    path: "git_ops/active/fs/caf\u{e9}@v1.json".into(),
                    sha256: "cd".repeat(32),
                },
            ],
        ] {
            let whole = to_json(&json!({
                "git_ops_view": VIEW_FORMAT,
                "kind": "source",
                "store": "fs",
                "name": "caf\u{e9}",
                "schema": "5b1c",
                "inputs": inputs.iter().map(|i| json!({"path": i.path, "sha256": i.sha256})).collect::<Vec<_>>(),
                "record": null,
                "previous": null,
            }));
            let head = head_of(&inputs);
            let prefix = &whole.as_bytes()[..head.prefix_len()];
            assert!(head.matches(prefix), "{whole}");
            let parsed = parse_head_prefix(prefix).unwrap();
            assert_eq!((parsed.schema.as_str(), parsed.inputs), ("5b1c", inputs));
        }
    }

    /// Another input, a shorter prefix or another layout do not match.
    #[test]
    fn other_bytes_do_not_match() {
        let input = |sha: &str| ViewInput {
            path: "git_ops/active/fs/a@v1.json".into(),
            sha256: sha.into(),
        };
        let head = head_of(&[input("00")]);
        let mut bytes = head.0.clone().into_bytes();
        bytes.extend_from_slice(RECORD_MARKER);
        assert!(head.matches(&bytes));
        assert!(!head.matches(&bytes[..bytes.len() - 1]));
        assert!(!head_of(&[input("01")]).matches(&bytes));
        assert!(!head_of(&[]).matches(&bytes));
        let compact = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("\n  ", "\n ");
        assert!(!head.matches(compact.as_bytes()));
    }
}
