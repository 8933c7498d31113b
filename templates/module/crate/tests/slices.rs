//! The slices of `{{module}}` through update, sync and prune, as the
//! orchestrator sees them.
use git_ops_runtime::testing::TestProject;
use serde_json::Value;
use {{module}}::slices::{Check, Endpoint, HttpCheck, Service};
fn web(ports: &[u16]) -> Service {
    let home = HttpCheck {
        name: "home".into(),
        request: "/".into(),
    };
    Service {
        name: "web".into(),
        id: None,
        owner: Some("platform".into()),
        hostname: None,
        endpoints: ports.iter().map(|&port| Endpoint { port, public: true }).collect(),
        checks: Vec::from([Check::Http(home)]),
    }
}
/// The `path` and `operation` of every object of a list of the view.
fn objects(view: &Value) -> Vec<(&str, &str)> {
    let items = view.as_array().expect("a list");
    items
        .iter()
        .map(|item| (
            item["path"].as_str().unwrap(),
            item["operation"].as_str().unwrap(),
        ))
        .collect()
}
#[test]
fn update_allocates_an_id_and_a_removed_endpoint_is_deleted_until_prune() {
    let project = TestProject::new({{module}}::registry());
    let slice = project.slice::<Service>("web");
    slice.write(&web(&[80, 443]));
    assert_eq!(slice.versions(), [1]);
    let service: Service = slice.typed();
    assert_eq!(service.id, Some(1));
    assert_eq!(service.hostname.as_deref(), Some("web.services.example.com"));
    let mut changed = service;
    changed.endpoints.retain(|e| e.port != 80);
    slice.write(&changed);
    let instance = slice.instance().unwrap();
    assert_eq!(instance.version, 2);
    assert_eq!(instance.attributes["operation"], "update");
    let endpoints = objects(&instance.attributes["endpoints"]);
    assert_eq!(
        endpoints, [("endpoints[port=443]", "create"), ("endpoints[port=80]", "delete")]
    );
    let checks = objects(&instance.attributes["checks"]);
    assert_eq!(checks, [("checks[kind=http][name=home]", "create")]);
    project.prune();
    assert_eq!(slice.versions(), [2]);
    let instance = slice.instance().unwrap();
    let endpoints = objects(&instance.attributes["endpoints"]);
    assert_eq!(endpoints, [("endpoints[port=443]", "create")]);
    slice.remove();
    assert!(slice.instance().unwrap().deleted);
}
