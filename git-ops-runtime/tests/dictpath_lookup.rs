//! Looking paths up, setting values and walking wild paths (spec §5.3, §6.8,
//! §7.2 and scenarios 28, 31, 33, 34).

use git_ops_runtime::dictpath::{DictPath, LookupErrorKind, LookupReason, WildDictPath};
use serde_json::{Value, json};

fn p(input: &str) -> DictPath {
    DictPath::parse(input).unwrap()
}

fn find_all(path: &str, doc: &Value) -> Vec<Value> {
    WildDictPath::parse(path)
        .unwrap()
        .find_all(doc)
        .unwrap()
        .into_iter()
        .cloned()
        .collect()
}

/// `E(n)` of spec §12, with a unique id.
fn e(name: &str, id: Value) -> Value {
    json!({"name": name, "description": null, "unique_id": id, "recursive_slice": []})
}

fn slice() -> Value {
    json!({
        "name": "s",
        "unique_id": 1,
        "embedded_required": e("r", json!(10)),
        "embedded_optional": null,
        "embedded_sequence": [e("a", json!(20)), e("b", json!(null))],
    })
}

#[test]
fn get_follows_keys_and_items() {
    let doc = slice();
    assert_eq!(p(".").get(&doc).unwrap(), &doc);
    assert_eq!(p("unique_id").get(&doc).unwrap(), &json!(1));
    assert_eq!(
        p("embedded_required.unique_id").get(&doc).unwrap(),
        &json!(10)
    );
    assert_eq!(
        p("embedded_sequence[name=a].unique_id").get(&doc).unwrap(),
        &json!(20)
    );
    assert_eq!(
        p("embedded_sequence[name=b]").get(&doc).unwrap(),
        &e("b", json!(null))
    );
    assert_eq!(p("embedded_optional").get(&doc).unwrap(), &json!(null));
    assert_eq!(
        p("embedded_sequence[name=b][unique_id=\\0]")
            .get(&doc)
            .unwrap(),
        &e("b", json!(null))
    );
}

#[test]
fn get_distinguishes_not_found_ambiguous_and_structure() {
    let doc = json!({
        "s": "text",
        "n": null,
        "l": [{"k": 1, "v": "a"}, {"k": 1, "v": "b"}, {"k": 2}, "not a mapping"],
    });
    for (path, kind, number, reason) in [
        (
            "missing",
            LookupErrorKind::NotFound,
            1,
            LookupReason::MissingKey("missing".into()),
        ),
        (
            "x[k=1]",
            LookupErrorKind::NotFound,
            1,
            LookupReason::MissingKey("x".into()),
        ),
        ("l[k=3]", LookupErrorKind::NotFound, 1, LookupReason::NoItem),
        (
            "l[k=1]",
            LookupErrorKind::Ambiguous,
            1,
            LookupReason::SeveralItems(2),
        ),
        (
            "s.x",
            LookupErrorKind::Structure,
            2,
            LookupReason::Structure {
                expected: "a mapping",
                found: "a string",
            },
        ),
        (
            "n.x",
            LookupErrorKind::Structure,
            2,
            LookupReason::Structure {
                expected: "a mapping",
                found: "null",
            },
        ),
        (
            "n[k=1]",
            LookupErrorKind::Structure,
            1,
            LookupReason::Structure {
                expected: "a list",
                found: "null",
            },
        ),
        (
            "s[k=1]",
            LookupErrorKind::Structure,
            1,
            LookupReason::Structure {
                expected: "a list",
                found: "a string",
            },
        ),
    ] {
        let err = p(path).get(&doc).unwrap_err();
        assert_eq!(err.kind(), kind, "{path}: {err}");
        assert_eq!(err.section_number, number, "{path}");
        assert_eq!(err.reason, reason, "{path}");
        assert_eq!(err.path, path);
    }
    assert_eq!(p("l[k=2]").get(&doc).unwrap(), &json!({"k": 2}));
    let err = p(".").get(&json!([1])).unwrap_err();
    assert_eq!(err.kind(), LookupErrorKind::Structure);
    assert_eq!(
        err.to_string(),
        "dict path `.`: at the root, expected a mapping but found a list"
    );
}

#[test]
fn lookup_error_messages_quote_path_and_section() {
    let doc = json!({"items": [{"name": "a", "x": "text"}]});
    assert_eq!(
        p("items[name=b].id").get(&doc).unwrap_err().to_string(),
        "dict path `items[name=b].id`: section 1 (`items[name=b]`): no item of the list matches"
    );
    assert_eq!(
        p("items[name=a].x.y").get(&doc).unwrap_err().to_string(),
        "dict path `items[name=a].x.y`: section 3 (`y`): expected a mapping but found a string"
    );
    assert_eq!(
        p("id").get(&doc).unwrap_err().to_string(),
        "dict path `id`: the mapping has no key `id`"
    );
}

#[test]
fn selectors_match_as_documented() {
    let doc = json!({"l": [
        {"k": "1", "t": "string"},
        {"k": 2, "t": "int"},
        {"k": 2.5, "t": "float"},
        {"k": true, "t": "bool"},
        {"k": null, "t": "null"},
        {"k": "None", "t": "None"},
        {"k": ["a", 1], "t": "list"},
        {"other": 1, "t": "no k"},
    ]});
    for (path, expected) in [
        ("l[k=1].t", "string"),
        ("l[k=2].t", "int"),
        ("l[k=2\\.0].t", "int"),
        ("l[k=2\\.5].t", "float"),
        ("l[k=True].t", "bool"),
        ("l[k=\\0].t", "null"),
        ("l[k=None].t", "None"),
        ("l[k=\\['a', 1\\]].t", "list"),
        ("l[other=1].t", "no k"),
        ("l[k=1][t=string].t", "string"),
    ] {
        assert_eq!(p(path).get(&doc).unwrap(), &json!(expected), "{path}");
    }
    // A number never matches a boolean (the reference's `[k=1]` would).
    assert_eq!(
        p("l[t=bool][k=1]").get(&doc).unwrap_err().kind(),
        LookupErrorKind::NotFound
    );
    let types: Vec<Value> = find_all("l[k=*].t", &doc);
    assert_eq!(
        types.len(),
        7,
        "every item with a `k`, null included: {types:?}"
    );
    assert_eq!(find_all("l[*=1].t", &doc), [json!("string"), json!("no k")]);
}

#[test]
fn get_mut_changes_the_designated_value() {
    let mut doc = slice();
    *p("embedded_sequence[name=b].unique_id")
        .get_mut(&mut doc)
        .unwrap() = json!(21);
    assert_eq!(doc["embedded_sequence"][1]["unique_id"], json!(21));
    let err = p("embedded_sequence[name=c]")
        .get_mut(&mut doc)
        .unwrap_err();
    assert_eq!(err.reason, LookupReason::NoItem);
}

#[test]
fn set_assigns_keys_and_items() {
    let mut doc = slice();
    p("unique_id").set(&mut doc, json!(5)).unwrap();
    assert_eq!(doc["unique_id"], json!(5));
    // Keys keep their position when replaced.
    assert_eq!(doc.as_object().unwrap().keys().nth(1).unwrap(), "unique_id");
    p("embedded_sequence[name=a].unique_id")
        .set(&mut doc, json!(7))
        .unwrap();
    assert_eq!(doc["embedded_sequence"][0]["unique_id"], json!(7));
    // The last section an item: replace the match, else append.
    p("embedded_sequence[name=b]")
        .set(&mut doc, e("B", json!(1)))
        .unwrap();
    assert_eq!(doc["embedded_sequence"][1], e("B", json!(1)));
    p("embedded_sequence[name=c]")
        .set(&mut doc, json!({"free": 1}))
        .unwrap();
    assert_eq!(doc["embedded_sequence"][2], json!({"free": 1}));
}

#[test]
fn set_creates_missing_mappings_and_items_like_the_reference() {
    let mut doc = json!({});
    p(r"l[n=1].m[k=\0][j=x\.y].x")
        .set(&mut doc, json!(5))
        .unwrap();
    // Checked against inmanta-core: created items hold the selector text.
    assert_eq!(
        doc,
        json!({"l": [{"n": "1", "m": [{"k": null, "j": "x.y", "x": 5}]}]})
    );
    p("a.b.c").set(&mut doc, json!([])).unwrap();
    assert_eq!(doc["a"], json!({"b": {"c": []}}));
    p("new[k=v]").set(&mut doc, json!({"k": "v"})).unwrap();
    assert_eq!(doc["new"], json!([{"k": "v"}]));
}

#[test]
fn set_refuses_ambiguity_and_structure_errors() {
    let mut doc = json!({"l": [{"k": 1}, {"k": 1}], "s": "x", "n": null});
    for (path, reason) in [
        ("l[k=1]", LookupReason::SeveralItems(2)),
        ("l[k=1].x", LookupReason::SeveralItems(2)),
        (
            "s.x",
            LookupReason::Structure {
                expected: "a mapping",
                found: "a string",
            },
        ),
        (
            "n.x",
            LookupReason::Structure {
                expected: "a mapping",
                found: "null",
            },
        ),
        (
            "n[k=1]",
            LookupReason::Structure {
                expected: "a list",
                found: "null",
            },
        ),
        (
            "s[k=1].x",
            LookupReason::Structure {
                expected: "a list",
                found: "a string",
            },
        ),
    ] {
        let before = doc.clone();
        let err = p(path).set(&mut doc, json!(0)).unwrap_err();
        assert_eq!(err.reason, reason, "{path}");
        assert_eq!(
            doc, before,
            "{path}: nothing was created before the failing section"
        );
    }
}

#[test]
fn set_on_the_root_replaces_the_document() {
    // inmanta-core's NullPath.set_element clears the container, then copies.
    let mut doc = json!({"a": 1, "b": 2});
    p(".").set(&mut doc, json!({"x": 1})).unwrap();
    assert_eq!(doc, json!({"x": 1}));
    let err = p(".").set(&mut doc, json!([1])).unwrap_err();
    assert_eq!(err.reason, LookupReason::RootValueNotMapping("a list"));
    let mut list = json!([]);
    let err = p(".").set(&mut list, json!({})).unwrap_err();
    assert_eq!(err.kind(), LookupErrorKind::Structure);
}

/// Scenario 28: `used_values` over one slice.
#[test]
fn scenario_28_used_values_paths() {
    let mut doc = slice();
    doc["unique_id"] = json!(null);
    assert!(find_all("unique_id", &doc).is_empty());
    doc["unique_id"] = json!(1);
    assert_eq!(find_all("unique_id", &doc), [json!(1)]);
    assert!(find_all("embedded_optional.unique_id", &doc).is_empty());
    doc["embedded_optional"] = json!({"name": "b", "unique_id": 2});
    assert_eq!(find_all("embedded_optional.unique_id", &doc), [json!(2)]);
    let mut joined = Vec::new();
    for path in [
        "embedded_optional.unique_id",
        "unique_id",
        "embedded_sequence[name=x].unique_id",
        "embedded_sequence[baba=a].unique_id",
    ] {
        joined.extend(find_all(path, &doc));
    }
    assert_eq!(joined, [json!(2), json!(1)]);
    assert_eq!(
        find_all("embedded_sequence[name=*].unique_id", &doc),
        [json!(20)]
    );
    assert_eq!(find_all(".", &doc), [doc.clone()]);
}

#[test]
fn wild_walk_expands_wildcards_and_stops_at_null() {
    let doc = json!({
        "a": {"x": 1, "y": null, "z": {"w": 2}},
        "b": {"x": 3},
        "l": [{"k": "p", "v": 4}, {"k": "q", "v": {"w": 5}}, {"k": "r"}, 7, {"k": null, "v": 6}],
        "n": null,
    });
    let mappings = json!({"a": doc["a"].clone(), "b": doc["b"].clone(), "n": null});
    assert_eq!(find_all("*.x", &mappings), [json!(1), json!(3)]);
    assert_eq!(find_all("a.*", &doc), [json!(1), json!({"w": 2})]);
    assert_eq!(
        find_all("l[k=*].v", &doc),
        [json!(4), json!({"w": 5}), json!(6)]
    );
    assert_eq!(find_all("l[k=q].v.w", &doc), [json!(5)]);
    assert_eq!(find_all(r"l[k=\0].v", &doc), [json!(6)]);
    assert!(find_all("l[k=none].v", &doc).is_empty());
    assert!(find_all("missing.x", &doc).is_empty());
    assert!(find_all("missing[k=*]", &doc).is_empty());
    assert!(find_all("n.x", &doc).is_empty());
    assert!(find_all("a.y.deeper", &doc).is_empty());
    assert!(find_all(".", &json!(null)).is_empty());
}

#[test]
fn wild_walk_propagates_structure_errors() {
    let doc = json!({"s": "text", "n": null, "a": {"x": 1, "y": [1]}});
    for (path, number, found) in [
        ("s.x", 2, "a string"),
        ("*.x", 2, "a string"),
        ("a.*.z", 3, "a number"),
        ("n[k=*]", 1, "null"),
        ("s[k=*]", 1, "a string"),
    ] {
        let err = WildDictPath::parse(path)
            .unwrap()
            .find_all(&doc)
            .unwrap_err();
        assert_eq!(err.kind(), LookupErrorKind::Structure, "{path}");
        assert_eq!(err.section_number, number, "{path}: {err}");
        let LookupReason::Structure { found: actual, .. } = err.reason else {
            panic!("{path}: {err}")
        };
        assert_eq!(actual, found, "{path}");
    }
}

/// Scenario 31: the view keeps a deleted item, the source does not; looking
/// its parent up in the source fails (the store reports a deleted element).
#[test]
fn scenario_31_parent_of_a_deleted_item_is_not_found_in_the_source() {
    let path = p("embedded_sequence[name=x].unique_id");
    let source = json!({"embedded_sequence": []});
    let err = path.parent().get(&source).unwrap_err();
    assert_eq!(err.kind(), LookupErrorKind::NotFound);
    assert_eq!(
        err.to_string(),
        "dict path `embedded_sequence[name=x]`: no item of the list matches"
    );
}

/// Scenario 33: the parent `embedded_optional` exists but is null.
#[test]
fn scenario_33_parent_null() {
    let doc = json!({"embedded_optional": null});
    let path = p("embedded_optional.unique_id");
    assert_eq!(path.parent().get(&doc).unwrap(), &json!(null));
    assert_eq!(
        path.get(&doc).unwrap_err().kind(),
        LookupErrorKind::Structure
    );
}

/// Scenario 34: a `slice_matching` path that matches no item is not found
/// (the reference lets that error fail the compile).
#[test]
fn scenario_34_unmatched_keyed_path() {
    let doc = json!({"embedded_sequence": [{"name": "y", "unique_id": 4}]});
    let err = p("embedded_sequence[name=x].unique_id")
        .get(&doc)
        .unwrap_err();
    assert_eq!(err.reason, LookupReason::NoItem);
}
