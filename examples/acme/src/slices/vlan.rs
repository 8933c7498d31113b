//! Store `vlan`: one flat slice type (spec §9.6 a).

use git_ops_runtime::Slice;
use serde::{Deserialize, Serialize};

fn default_mtu() -> f64 {
    1500.0
}

fn default_enabled() -> bool {
    true
}

/// One VLAN of the campus network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Slice)]
#[slice(store = "vlan")]
pub struct Vlan {
    /// The 802.1q tag of the VLAN.
    #[slice(key)]
    pub vid: i64,
    /// Free text shown in the switch configuration, it is truncated by most vendors after thirty two characters.
    pub label: Option<String>,
    #[allow(missing_docs)] // no description, as in the reference example
    #[serde(default = "default_mtu")]
    pub mtu: f64,
    /// Whether the VLAN is active.
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// Access ports.
    #[serde(default)]
    pub ports: Vec<String>,
    #[allow(missing_docs)] // no description, as in the reference example
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
