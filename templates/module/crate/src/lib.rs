//! # {{module}}
//!
//! The slice types of the `{{module}}` inmanta module ([`slices`]) and the
//! stores they form ([`registry`]). `cargo run -- module generate` writes
//! the inmanta module from them (`model/`, `schemas/`, `inmanta_plugins/`);
//! the same binary runs `git-ops` on a project with these stores.
/// The slice types of the module: one store, `service`. Each slice is one
/// file of the project's `files/service/` folder, e.g.
/// `files/service/web.yaml`:
///
/// ```yaml
/// name: web
/// owner: platform
/// endpoints:
///   - port: 443
///     public: true
/// checks:
///   - kind: http
///     name: home
///     request: /
/// ```
pub mod slices;
use git_ops_runtime::store::{ProcessorContext, Registry};
use serde_json::Value;
/// The stores of the module with their processors and migrations: what the
/// module's binary (`src/main.rs`) and its tests work with. Register custom
/// processors (`.processor("name", function)`) and migrations
/// (`.migration("2024-06-01-rename", function)`) here.
pub fn registry() -> Registry {
    let mut registry = Registry::new();
    let _ = registry.store::<slices::Service>().processor("hostname", hostname);
    registry
}
/// The `hostname` processor: `<slice name>.services.example.com`, filled in
/// by `git-ops project update` when the field is empty.
fn hostname(context: &ProcessorContext<'_>) -> Result<Value, String> {
    Ok(Value::from(format!("{}.services.example.com", context.slice)))
}
