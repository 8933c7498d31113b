//! Property tests of the merge and version invariants, on random documents
//! of the `tree` store held in memory.

mod store_support;
#[path = "document_support/mod.rs"]
mod support;

use std::collections::BTreeSet;

use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{Depth, Project, SliceView, Store, ViewKind};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use store_support::MemoryFiles;

const LABELS: [&str; 5] = ["a", "b", "c", "d", "e"];

fn branch(depth: u32) -> BoxedStrategy<Value> {
    let note = prop::option::of(prop::sample::select(vec!["1", "2"]));
    let children = if depth == 0 {
        Just(Vec::new()).boxed()
    } else {
        prop::collection::vec(branch(depth - 1), 0..4).boxed()
    };
    (prop::sample::select(LABELS.to_vec()), note, children)
        .prop_map(|(label, note, children)| {
            json!({"label": label, "note": note, "children": unique(children)})
        })
        .boxed()
}

/// Keeps the first item of each label (documents with duplicates are refused).
fn unique(items: Vec<Value>) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item["label"].as_str().unwrap().to_owned()))
        .collect()
}

fn tree_doc() -> impl Strategy<Value = Value> {
    (
        branch(1),
        prop::option::of(branch(1)),
        prop::collection::vec(branch(2), 0..5),
        prop::option::of(prop::sample::select(vec!["x", "y"])),
    )
        .prop_map(|(trunk, spare, branches, owner)| {
            json!({"label": "t", "owner": owner, "trunk": trunk, "spare": spare, "branches": unique(branches)})
        })
}

fn store(threads: usize) -> Store {
    Store::new(&Project::at("/p"), support::tree())
        .unwrap()
        .with_threads(threads)
}

fn active(files: &MemoryFiles, version: u64, doc: &Value) {
    files.insert(
        format!("/p/git_ops/active/tree/s@v{version}.json"),
        to_json(doc),
    );
}

fn view(store: &Store, files: &MemoryFiles, kind: ViewKind) -> Option<SliceView> {
    store.view(files, kind, "s").expect("the store loads")
}

/// Every `operation` of a view, with its path.
fn operations(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(op)), Some(Value::String(path))) =
                (map.get("operation"), map.get("path"))
            {
                out.push((path.clone(), op.clone()));
            }
            map.values().for_each(|v| operations(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| operations(v, out)),
        _ => {}
    }
}

fn labels(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|i| i["label"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn find<'a>(list: Option<&'a Value>, label: &str) -> Option<&'a Value> {
    list?.as_array()?.iter().find(|item| item["label"] == label)
}

/// Checks a merged list against the current and previous lists: the current
/// items once each in current order, then exactly the items only in
/// previous, in previous order, marked `delete`; recursively.
fn check_list(merged: &Value, current: Option<&Value>, previous: Option<&Value>) {
    let (cur, prev) = (labels(current), labels(previous));
    let mut expected = cur.clone();
    expected.extend(prev.iter().filter(|l| !cur.contains(l)).cloned());
    assert_eq!(labels(Some(merged)), expected);
    for item in merged.as_array().unwrap() {
        let label = item["label"].as_str().unwrap();
        let (c, p) = (find(current, label), find(previous, label));
        match (c, p) {
            (None, Some(_)) => assert_eq!(item["operation"], "delete"),
            (Some(_), None) => assert_eq!(item["operation"], "create"),
            _ => assert_ne!(item["operation"], "delete"),
        }
        check_list(
            &item["children"],
            c.map(|c| &c["children"]),
            p.map(|p| &p["children"]),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_document_merged_with_itself_is_all_create(doc in tree_doc()) {
        let files = MemoryFiles::default();
        active(&files, 1, &doc);
        active(&files, 2, &doc);
        let view = view(&store(1), &files, ViewKind::Active).unwrap();
        let mut ops = Vec::new();
        operations(&view.record.attributes, &mut ops);
        prop_assert!(!ops.is_empty());
        prop_assert!(ops.iter().all(|(_, op)| op == "create"), "{ops:?}");
        // And a single version: all create as well.
        files.remove("/p/git_ops/active/tree/s@v2.json");
        let single = self::view(&store(1), &files, ViewKind::Active).unwrap();
        let mut single_ops = Vec::new();
        operations(&single.record.attributes, &mut single_ops);
        prop_assert_eq!(single_ops, ops);
    }

    #[test]
    fn a_view_lists_current_items_once_then_exactly_the_deleted_ones(
        old in tree_doc(),
        new in tree_doc(),
    ) {
        let files = MemoryFiles::default();
        active(&files, 1, &old);
        active(&files, 2, &new);
        let view = view(&store(1), &files, ViewKind::Active).unwrap();
        let attributes = &view.record.attributes;
        check_list(&attributes["branches"], Some(&new["branches"]), Some(&old["branches"]));
        check_list(&attributes["trunk"]["children"], Some(&new["trunk"]["children"]), Some(&old["trunk"]["children"]));
        // Paths designate their element.
        let mut ops = Vec::new();
        operations(attributes, &mut ops);
        for (path, _) in &ops {
            let parsed = git_ops_runtime::dictpath::DictPath::parse(path).unwrap();
            let element = view.attribute(&parsed).unwrap();
            prop_assert_eq!(&element["path"], &json!(path));
        }
        // The root is `create` exactly when nothing changed.
        let same = git_ops_runtime::store::values_equal(
            &support_normalise(&old),
            &support_normalise(&new),
        );
        prop_assert_eq!(attributes["operation"] == "create", same);
    }

    #[test]
    fn version_assignment_is_idempotent(
        history in prop::collection::vec(prop::option::of(tree_doc()), 0..3),
        source in prop::option::of(prop::option::of(tree_doc())),
    ) {
        let files = MemoryFiles::default();
        for (i, doc) in history.iter().enumerate() {
            active(&files, i as u64 + 1, doc.as_ref().unwrap_or(&json!({})));
        }
        match &source {
            Some(Some(doc)) => files.insert("/p/files/tree/s.json", to_json(doc)),
            Some(None) => files.insert("/p/files/tree/s.yaml", ""),
            None => {}
        }
        let store = store(1);
        let load = || {
            let listing = store.list_files(&files, ViewKind::Source).unwrap();
            listing.get("s").map(|slice| {
                let loaded = store.load(&files, slice, ViewKind::Source, Depth::Full).unwrap();
                let current = loaded.current().map(|c| (c.version, c.document.cloned(), c.is_new));
                let record = loaded.record().unwrap().cloned();
                (current, record)
            })
        };
        let first = load();
        prop_assert_eq!(&first, &load());
        // "Sync" the new version: the source view then finds it unchanged,
        // with the same record as the export view.
        if let Some((Some((version, document, true)), record)) = first {
            active(&files, version, document.as_ref().unwrap_or(&json!({})));
            let (current, again) = load().unwrap();
            prop_assert_eq!(current, Some((version, document, false)));
            prop_assert_eq!(&again, &record);
            let exported = view(&store, &files, ViewKind::Active).map(|v| v.record);
            prop_assert_eq!(exported, record);
        }
    }

    #[test]
    fn views_do_not_depend_on_key_order_threads_or_listing_order(
        docs in prop::collection::vec(tree_doc(), 1..4),
    ) {
        let files = MemoryFiles::default();
        let reversed = MemoryFiles::default();
        for (i, doc) in docs.iter().enumerate() {
            for name in ["s", "t", "u"] {
                let path = format!("/p/git_ops/active/tree/{name}@v{}.json", i + 1);
                files.insert(path.clone(), to_json(doc));
                reversed.insert(path, to_json(&reverse_keys(doc)));
            }
        }
        let render = |store: &Store, files: &MemoryFiles| -> Vec<String> {
            let listing = store.list_files(files, ViewKind::Active).unwrap();
            store
                .slices(files, &listing, ViewKind::Active, Depth::Full)
                .with_views()
                .map(|slice| {
                    let slice = slice.unwrap();
                    let view = slice.view().unwrap().unwrap();
                    let mut out = to_json(&serde_json::to_value(&view.record).unwrap());
                    out.push_str(&view.previous.as_ref().map(to_json).unwrap_or_default());
                    out
                })
                .collect()
        };
        let one = render(&store(1), &files);
        prop_assert_eq!(one.len(), 3);
        prop_assert_eq!(&one, &render(&store(3), &files));
        prop_assert_eq!(&one, &render(&store(2), &reversed));
    }
}

/// The normalised form of a generated document (the generator writes
/// every field, so only the model shape matters for equality).
fn support_normalise(doc: &Value) -> Value {
    git_ops_runtime::document::normalise(&support::tree(), doc).unwrap()
}

fn reverse_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map.iter().rev() {
                out.insert(k.clone(), reverse_keys(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(reverse_keys).collect()),
        other => other.clone(),
    }
}
