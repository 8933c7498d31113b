//! The schema model: what the slices of a store look like.
//!
//! - [`model`]: the serialisable data ([`StoreSchema`], [`EntitySchema`],
//!   [`Field`], ...). Serialised, a [`StoreSchema`] is the *store manifest*.
//! - [`traits`]: what the derive macros implement ([`Slice`], [`SliceObject`],
//!   [`SliceField`]) and the [`SchemaRegistry`] that collects a graph.
//! - `build`: [`StoreSchema::build`], which checks a graph and resolves what is
//!   inherited, and the ordered accessors ([`StoreSchema::all_fields`], ...).

mod build;
pub mod model;
pub mod traits;

pub use build::{RESERVED_FIELDS, store_name_problem};
pub use model::*;
pub use traits::{SchemaRegistry, Shape, Slice, SliceField, SliceObject};

/// A store graph that cannot be used, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.join("; "))]
pub struct SchemaError {
    /// One sentence per problem, each naming the entity at fault.
    pub problems: Vec<String>,
}
