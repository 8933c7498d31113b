use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};
/// A service deployed on the platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Slice)]
#[slice(store = "service")]
pub struct Service {
    /// The name of the service, unique in the store.
    #[slice(key)]
    pub name: String,
    /// An identifier allocated by `git-ops project update`, unique in the store.
    #[slice(unique_integer(start = 1, stop = 1000))]
    pub id: Option<i64>,
    /// The team that runs the service.
    pub owner: Option<String>,
    /// The DNS name of the service, computed by the `hostname` processor
    /// (a Rust function, registered in `registry()`).
    #[slice(processor = "hostname")]
    pub hostname: Option<String>,
    /// The ports the service listens on.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// How the platform checks that the service is healthy.
    #[serde(default)]
    pub checks: Vec<Check>,
}
/// A port the service listens on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct Endpoint {
    /// The TCP port, unique in the service.
    #[slice(key)]
    pub port: u16,
    /// Whether the port is reachable from outside the platform.
    #[serde(default)]
    pub public: bool,
}
/// A health check of a service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Check {
    /// `kind: http`.
    Http(HttpCheck),
    /// `kind: tcp`.
    Tcp(TcpCheck),
}
/// An HTTP request that must succeed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct HttpCheck {
    /// The name of the check, unique among the service's HTTP checks.
    #[slice(key)]
    pub name: String,
    /// The path requested.
    pub request: String,
}
/// A TCP connection that must be accepted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, SliceObject)]
pub struct TcpCheck {
    /// The name of the check, unique among the service's TCP checks.
    #[slice(key)]
    pub name: String,
    /// The port connected to.
    pub port: u16,
}
