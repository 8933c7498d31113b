//! Processors declared on fields (spec §7, `docs/processors.md`):
//! `simple_value`, `unique_integer` ranges, custom processors and their
//! context, processors from a manifest, and the registry's checks.

use std::sync::{Arc, Mutex};

use git_ops_runtime::dictpath::DictPath;
use git_ops_runtime::store::{
    OperationError, ProcessorContext, Registry, RegistryError, UpdateOptions, UsedValuesQuery,
};
use git_ops_runtime::testing::TestProject;
use git_ops_runtime::{Slice, SliceObject};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A host.
#[derive(Serialize, Deserialize, Slice)]
#[slice(store = "hosts")]
struct Host {
    /// Key.
    #[slice(key)]
    name: String,
    /// Set once.
    #[slice(simple_value = "ops")]
    team: Option<String>,
    /// Unique in the store, three values only.
    #[slice(unique_integer(start = 10, stop = 13, scope = "store"))]
    id: Option<i64>,
    /// Computed by Rust code.
    #[slice(processor = "fqdn")]
    fqdn: Option<String>,
    /// Network interfaces.
    #[serde(default)]
    ports: Vec<Port>,
}

/// A port of a host.
#[derive(Serialize, Deserialize, SliceObject)]
struct Port {
    /// Key.
    #[slice(key)]
    name: String,
    /// Unique among the ports of the host.
    #[slice(unique_integer(start = 1, stop = 100, scope = "siblings"))]
    index: Option<i64>,
}

fn fqdn(ctx: &ProcessorContext<'_>) -> Result<Value, String> {
    let name = ctx.object()["name"].as_str().ok_or("no name")?;
    Ok(json!(format!("{name}.example.com")))
}

fn registry() -> Registry {
    let mut registry = Registry::new();
    let _ = registry.store::<Host>().processor("fqdn", fqdn);
    registry
}

fn host(p: &TestProject, name: &str) -> Value {
    p.slice_in("hosts", name).source().unwrap()
}

#[test]
fn processors_fill_empty_fields_once() {
    let p = TestProject::new(registry());
    p.write(
        "files/hosts/web.yaml",
        "name: web\nports:\n- name: eth0\n- name: eth1\n  index: 1\n",
    );
    let report = p.update();
    assert_eq!(
        p.read("files/hosts/web.yaml"),
        "name: web\nteam: ops\nid: 10\nfqdn: web.example.com\nports:\n- name: eth0\n  index: 2\n- name: eth1\n  index: 1\n"
    );
    let filled: Vec<(&str, &str)> = report
        .store("hosts")
        .unwrap()
        .filled
        .iter()
        .map(|f| (f.path.as_str(), f.processor.as_str()))
        .collect();
    assert_eq!(
        filled,
        [
            ("team", "simple_value"),
            ("id", "unique_integer"),
            ("fqdn", "fqdn"),
            ("ports[name=eth0].index", "unique_integer"),
        ]
    );
    // Set once: an edit of a filled value stays.
    let edited = p
        .read("files/hosts/web.yaml")
        .replace("team: ops", "team: web");
    p.write("files/hosts/web.yaml", &edited);
    let report = p.update();
    let store = report.store("hosts").unwrap();
    assert!(store.filled.is_empty());
    // Only the source view changes (the file did), not the file.
    assert!(
        store
            .files
            .iter()
            .all(|f| f.path.starts_with("git_ops/views/")),
        "{:?}",
        store.files
    );
    assert_eq!(host(&p, "web")["team"], "web");
    // Refresh: simple_value sets its value again.
    p.engine().update(&UpdateOptions { refresh: true }).unwrap();
    assert_eq!(host(&p, "web")["team"], "ops");
}

#[test]
fn a_unique_integer_range_can_run_out() {
    let p = TestProject::new(registry());
    for name in ["a", "b", "c", "d"] {
        p.write(
            &format!("files/hosts/{name}.yaml"),
            &format!("name: {name}\n"),
        );
    }
    let before = p.snapshot();
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "files/hosts/d.yaml: id: processor `unique_integer` of store `hosts` failed: no free value left in 10..13 (every value of the range is used in the store)"
    );
    assert_eq!(p.snapshot(), before);
}

#[test]
fn a_custom_processor_sees_its_context() {
    type Seen = Vec<(String, String, Value, Value, Vec<Value>)>;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let record = seen.clone();
    let mut registry = Registry::new();
    let _ = registry
        .store::<Host>()
        .processor("fqdn", move |ctx: &ProcessorContext<'_>| {
            let used = ctx.used_values(&UsedValuesQuery::new("fqdn".parse().unwrap()))?;
            record.lock().unwrap().push((
                ctx.slice.to_owned(),
                ctx.path.to_string(),
                ctx.previous.clone(),
                ctx.document["id"].clone(),
                used,
            ));
            assert_eq!(ctx.store, "hosts");
            assert_eq!(ctx.view.record.name, ctx.slice);
            fqdn(ctx)
        });
    let p = TestProject::new(registry);
    p.write("files/hosts/b.yaml", "name: b\n");
    p.write("files/hosts/a.yaml", "name: a\n");
    p.update();
    // Slices by name; the document holds the values filled before (id); the
    // used values hold those of the slices processed before.
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("a".into(), "fqdn".into(), Value::Null, json!(10), vec![]),
            (
                "b".into(),
                "fqdn".into(),
                Value::Null,
                json!(11),
                vec![json!("a.example.com")]
            ),
        ]
    );
}

#[test]
fn custom_processor_failures_write_nothing() {
    let failing = |f: fn(&ProcessorContext<'_>) -> Result<Value, String>| {
        let mut registry = Registry::new();
        let _ = registry.store::<Host>().processor("fqdn", f);
        let p = TestProject::new(registry);
        p.write("files/hosts/web.yaml", "name: web\n");
        let before = p.snapshot();
        let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
        assert_eq!(p.snapshot(), before);
        error.to_string()
    };
    assert_eq!(
        failing(|_| Err("no DNS".into())),
        "files/hosts/web.yaml: fqdn: processor `fqdn` of store `hosts` failed: no DNS"
    );
    assert_eq!(
        failing(|_| Ok(Value::Null)),
        "files/hosts/web.yaml: fqdn: processor `fqdn` of store `hosts` failed: the processor returned null; a processor must return the value to store"
    );
    assert_eq!(
        failing(|_| Ok(json!(3))),
        "files/hosts/web.yaml: fqdn: expected a string or null, found the integer 3"
    );
}

#[test]
fn a_manifest_store_runs_until_a_custom_processor_must_fill_a_value() {
    let manifest = || {
        let mut registry = Registry::new();
        let _ = registry.manifest_store(Host::store_schema());
        registry
    };
    let p = TestProject::new(manifest());
    p.write("files/hosts/web.yaml", "name: web\n");
    let error = p.engine().update(&UpdateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "files/hosts/web.yaml: fqdn: processor `fqdn` of store `hosts` must fill this value, but it is Rust code of the module: run the update with the module's own git-ops binary"
    );
    // The module's binary fills it; the plain binary can then update and sync.
    let p = p.with_registry(registry());
    p.update();
    let p = p.with_registry(manifest());
    assert!(p.update().is_noop());
    p.sync();
    assert_eq!(p.slice_in("hosts", "web").versions(), [1]);
}

#[test]
fn the_registry_reports_every_problem() {
    let mut registry = Registry::new();
    let _ = registry.store::<Host>().processor("fqnd", fqdn);
    let _ = registry
        .store::<Host>()
        .processor("fqdn", fqdn)
        .processor("fqdn", fqdn);
    let _ = registry
        .manifest_store(Host::store_schema())
        .migration("", Ok);
    let errors = registry.check().unwrap_err();
    assert_eq!(
        errors.errors,
        [
            RegistryError::DuplicateStore("hosts".into()),
            RegistryError::DuplicateStore("hosts".into()),
            RegistryError::MissingProcessor {
                store: "hosts".into(),
                name: "fqdn".into()
            },
            RegistryError::UnusedProcessor {
                store: "hosts".into(),
                name: "fqnd".into()
            },
        ]
    );
    let p = TestProject::new(Registry::new());
    let engine = git_ops_runtime::store::Engine::new(
        git_ops_runtime::store::Project::at(p.root()),
        &registry,
    );
    assert!(matches!(
        engine.update(&UpdateOptions::default()),
        Err(OperationError::Registry(_))
    ));
    let _: DictPath = DictPath::root();

    // A schema made by hand, without `StoreSchema::build`: its name and
    // source location become paths, and follow the derive's rules.
    let mut escaping = Host::store_schema();
    escaping.store = "../../../esc".into();
    escaping.source = "inmanta:///files/../x/".into();
    let mut registry = Registry::new();
    let _ = registry.manifest_store(escaping);
    let errors = registry.check().unwrap_err();
    assert_eq!(
        errors.errors,
        [
            RegistryError::InvalidStore {
                store: "../../../esc".into(),
                problem: "the store name is a folder name (`git_ops/active/<store>/`): use ASCII letters, digits, `_`, `-` and `.`, not starting with `.`".into()
            },
            RegistryError::InvalidStore {
                store: "../../../esc".into(),
                problem: "invalid source folder: location \"inmanta:///files/../x/\" leaves its root folder (`..` is not allowed)".into()
            },
        ]
    );
    let engine = git_ops_runtime::store::Engine::new(
        git_ops_runtime::store::Project::at(p.root()),
        &registry,
    );
    let before = p.snapshot();
    assert!(matches!(
        engine.update(&UpdateOptions::default()),
        Err(OperationError::Registry(_))
    ));
    assert_eq!(p.snapshot(), before);
}

/// A greeting rendered from a template (scenario 29's analogue).
#[derive(Serialize, Deserialize, Slice)]
#[slice(store = "greetings")]
struct Greeting {
    /// Key.
    #[slice(key)]
    who: String,
    /// Rendered once by the `template` processor.
    #[slice(processor = "template")]
    text: Option<String>,
}

#[test]
fn scenario_29_by_design_a_template_is_a_custom_processor() {
    // The original's `get_template_value` replaces a field holding a
    // template reference with the rendered Jinja text. There is no template
    // engine here: a custom processor does the rendering, and, like every
    // processor, fills an empty field once.
    let p = TestProject::new(Registry::new());
    let template = p.write("templates/greeting.txt", "Hello {{ who }}");
    let mut registry = Registry::new();
    let _ =
        registry
            .store::<Greeting>()
            .processor("template", move |ctx: &ProcessorContext<'_>| {
                let text = std::fs::read_to_string(&template).map_err(|e| e.to_string())?;
                let who = ctx.object()["who"].as_str().unwrap_or_default();
                Ok(json!(text.replace("{{ who }}", who)))
            });
    let p = p.with_registry(registry);
    p.write("files/greetings/w.yaml", "who: world\n");
    p.update();
    assert_eq!(
        p.read("files/greetings/w.yaml"),
        "who: world\ntext: Hello world\n"
    );
    p.write("templates/greeting.txt", "Bye {{ who }}");
    p.update();
    assert_eq!(
        p.read("files/greetings/w.yaml"),
        "who: world\ntext: Hello world\n"
    );
}
