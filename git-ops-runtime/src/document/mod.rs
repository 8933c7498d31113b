//! One slice document through the schema model.
//!
//! Every slice document the engine reads, source or active, goes through
//! [`normalise`]; every document it writes goes through [`for_file`]. A new
//! slice starts from [`scaffold`]; editors check files with [`json_schema`].
//!
//! ```
//! use git_ops_runtime::document::{self, DocumentSchema};
//! use git_ops_runtime::schema::{
//!     EntityId, EntityKind, EntitySchema, Field, FieldKind, StoreSchema, ValueType,
//! };
//! use serde_json::json;
//!
//! let field = |name: &str, ty: ValueType, default: Option<serde_json::Value>| Field {
//!     name: name.into(),
//!     rust_name: None,
//!     description: None,
//!     kind: FieldKind::Value { ty, nullable: false },
//!     default,
//!     model_only: false,
//!     discriminator: false,
//!     processor: None,
//! };
//! let vlan = EntitySchema {
//!     id: EntityId::from("acme::Vlan"),
//!     kind: EntityKind::Root,
//!     description: None,
//!     bases: vec![],
//!     fields: vec![
//!         field("vid", ValueType::Int { min: Some(1), max: Some(4094) }, None),
//!         field("mtu", ValueType::FLOAT, Some(json!(1500.0))),
//!     ],
//!     keys: Some(vec!["vid".into()]),
//!     resolved_keys: vec![],
//!     discriminator: None,
//! };
//! let schema = StoreSchema::build("vlan", "inmanta:///files/vlan/", vlan.id.clone(), [vlan])
//!     .unwrap();
//!
//! // Build once per store, use for every document.
//! let documents = DocumentSchema::new(&schema);
//! let normalised = documents.normalise(&json!({"vid": "10"})).unwrap();
//! assert_eq!(normalised, json!({"vid": 10, "mtu": 1500.0}));
//!
//! let errors = documents.normalise(&json!({"vid": 5000, "mut": 9000})).unwrap_err();
//! assert_eq!(
//!     errors.messages(),
//!     [
//!         "vid: expected an integer between 1 and 4094, found the integer 5000",
//!         "mut: unknown field; did you mean `mtu`?",
//!     ]
//! );
//! # let _ = document::scaffold(&schema, &schema.root);
//! ```
//!
//! The free functions compile the schema on every call; for many documents
//! build a [`DocumentSchema`] once and call its methods.

mod coerce;
mod compiled;
mod error;
mod for_file;
mod json_schema;
pub(crate) mod normalise;
mod path;
mod scaffold;

use serde_json::Value;

pub use compiled::DocumentSchema;
pub use error::{DocumentError, DocumentErrorKind, DocumentErrors, PathSegment};
pub use json_schema::{JSON_SCHEMA_DRAFT, json_schema, json_schema_for_entity};
pub use scaffold::PLACEHOLDER;

use crate::schema::{EntityId, StoreSchema};

/// Checks a slice document and returns its normalised form; see
/// [`DocumentSchema::normalise`].
///
/// # Errors
///
/// Every problem of the document, each with its path.
pub fn normalise(schema: &StoreSchema, doc: &Value) -> Result<Value, DocumentErrors> {
    DocumentSchema::new(schema).normalise(doc)
}

/// The file form of a normalised document or a merged view; see
/// [`DocumentSchema::for_file`].
pub fn for_file(schema: &StoreSchema, doc: &Value) -> Value {
    DocumentSchema::new(schema).for_file(doc)
}

/// The scaffold of a new document of `entity`; see
/// [`DocumentSchema::scaffold`].
///
/// # Panics
///
/// If `entity` is not part of the store.
pub fn scaffold(schema: &StoreSchema, entity: &EntityId) -> Value {
    DocumentSchema::new(schema).scaffold(entity)
}
