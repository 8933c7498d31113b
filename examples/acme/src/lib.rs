//! # The `acme` example: the worked examples of the reference
//!
//! Three stores, each in its own module, reproducing the three worked
//! examples of the reference module's generator (spec §9.6), descriptions
//! included, so that the generated inmanta model can be compared with the
//! reference's verified output:
//!
//! - [`slices::vlan`]: store `vlan`, one flat slice type;
//! - [`slices::tree`]: store `tree`, a recursive tree of branches;
//! - [`slices::disk`]: store `disk`, directories and documents in a
//!   discriminated union, with a root extending a union member.
//!
//! The entity ids follow the module paths (`acme::slices::vlan::Vlan`), which
//! become the inmanta module paths (`acme::slices::vlan`).

pub mod slices;
