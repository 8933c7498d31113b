//! The slice types of the three stores.

pub mod disk;
pub mod tree;
pub mod vlan;
