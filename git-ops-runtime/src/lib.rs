//! # git-ops-runtime
//!
//! Slice types, the schema model and the store engine of `git-ops`, the GitOps
//! companion of the inmanta orchestrator.
//!
//! A module author declares the slices of a store as Rust types:
//!
//! ```
//! use git_ops_runtime::{Slice, SliceObject};
//! use serde::{Deserialize, Serialize};
//!
//! /// One VLAN of the campus network.
//! #[derive(Serialize, Deserialize, Slice)]
//! #[slice(store = "vlan")]
//! struct Vlan {
//!     /// The 802.1q tag of the VLAN.
//!     #[slice(key)]
//!     vid: u16,
//!     label: Option<String>,
//! }
//!
//! let schema = Vlan::store_schema();
//! assert_eq!(schema.store, "vlan");
//! assert_eq!(schema.root_entity().resolved_keys, ["vid"]);
//! ```
#![deny(missing_docs)]

pub mod build;
pub mod dictpath;
pub mod document;
pub mod format;
pub mod schema;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use schema::{Slice, SliceField, SliceObject, StoreSchema};

#[cfg(feature = "derive")]
pub use git_ops_derive::{Slice, SliceObject};

#[doc(hidden)]
pub use schema::traits::__private;
