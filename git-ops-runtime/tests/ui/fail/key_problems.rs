use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct Port {
    #[slice(key)]
    number: u16,
}

// Unknown key, with the wire name written instead of the Rust name.
#[derive(Serialize, Deserialize, SliceObject)]
#[slice(keys(name, hostname))]
struct Host {
    name: String,
    #[serde(rename = "hostname")]
    host_name: String,
}

// A key on a relation (known only from the type: a compile-time check).
#[derive(Serialize, Deserialize, SliceObject)]
struct Switch {
    #[slice(key)]
    uplink: Port,
}

// A model-only key, a key listed twice, and keys given both ways.
#[derive(Serialize, Deserialize, SliceObject)]
#[slice(keys(name, name))]
struct Router {
    #[slice(key)]
    name: String,
    #[slice(key, model_only)]
    seen: Option<String>,
}

fn main() {}
