//! Bad input on the write side, on the `acme` stores: every refusal names
//! the file, the position and the dict path where they are known, and
//! leaves every byte on disk as it was (update, sync and the dry run behind
//! `git-ops project check` alike).

use acme::slices::disk::Volume;
use acme::slices::tree::Tree;
use acme::slices::vlan::Vlan;
use git_ops_runtime::format::Position;
use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::format::read::ReadErrorKind;
use git_ops_runtime::store::{
    OperationError, Options, Registry, StoreError, StoreErrorKind, UpdateOptions,
};
use git_ops_runtime::testing::TestProject;
use serde_json::json;

/// A project with the three acme stores.
fn project() -> TestProject {
    let mut registry = Registry::new();
    let _ = registry.store::<Vlan>();
    let _ = registry.store::<Tree>();
    let _ = registry.store::<Volume>();
    TestProject::new(registry)
}

/// The problems of a failed operation.
fn problems(result: Result<git_ops_runtime::store::Report, OperationError>) -> Vec<StoreError> {
    match result {
        Err(OperationError::Store(errors)) => errors.errors,
        Err(other) => panic!("expected problems with files, got: {other}"),
        Ok(report) => panic!("expected a refusal, got {report:?}"),
    }
}

/// Runs an update, a sync and a dry-run update (what `check` runs) and
/// returns the problems of each, asserting that none of them changed a
/// byte of the project.
fn refused_everywhere(p: &TestProject) -> [Vec<StoreError>; 3] {
    let before = p.snapshot();
    let update = problems(p.engine().update(&UpdateOptions::default()));
    assert_eq!(p.snapshot(), before, "the update changed the project");
    let sync = problems(p.engine().sync());
    assert_eq!(p.snapshot(), before, "the sync changed the project");
    let dry = p.engine().with_options(Options {
        durability: Durability::None,
        dry_run: true,
        cache: false,
        threads: 2,
        ..Options::default()
    });
    let check = problems(dry.update(&UpdateOptions::default()));
    assert_eq!(p.snapshot(), before, "the dry run changed the project");
    [update, sync, check]
}

fn remove(p: &TestProject, relative: &str) {
    std::fs::remove_file(p.root().join(relative)).unwrap();
}

fn at(line: usize, column: usize) -> Option<Position> {
    Some(Position::new(line, column))
}

// Case 3 of issue 9: aliases bounded by what they copy, not by nodes.

/// `label` anchors a 1 MiB string that `ports` aliases `aliases` times.
fn aliased_label(aliases: usize) -> String {
    let mut text = format!("vid: 10\nlabel: &big {}\nports:\n", "x".repeat(1 << 20));
    text.push_str(&"- *big\n".repeat(aliases));
    text
}

#[test]
fn a_file_whose_aliases_expand_too_far_is_refused() {
    // 300 aliases would have the update rewrite the 1 MiB file into a
    // 300 MiB one; 3 000 (3 GiB) or 100 000 (100 GiB) would exhaust the
    // memory. Each is refused at the alias that crosses ten times the
    // file's size, having copied at most that.
    for aliases in [300, 3_000, 100_000] {
        let p = project();
        p.write("files/vlan/campus-10.yaml", &aliased_label(aliases));
        for errors in refused_everywhere(&p) {
            let [error] = &errors[..] else {
                panic!("{errors:?}")
            };
            assert_eq!(
                error.file.to_str(),
                Some("files/vlan/campus-10.yaml"),
                "{error}"
            );
            let StoreErrorKind::Read(ReadErrorKind::AliasesTooLarge { limit }) = error.kind else {
                panic!("{error}")
            };
            // The anchored copy plus k aliases of 1 MiB each: the first k
            // with (1 + k) MiB above the bound, on line 3 + k.
            let size = aliased_label(aliases).len();
            assert_eq!(limit, size * 10);
            let k = limit / (1 << 20);
            assert_eq!(error.position, at(3 + k, 3), "{error}");
            assert_eq!(error.dict_path, None);
        }
    }
}

#[test]
fn aliases_within_the_bound_are_expanded() {
    let p = project();
    p.write("files/vlan/campus-10.yaml", &aliased_label(5));
    p.update();
    let source = p.slice::<Vlan>("campus-10").source().unwrap();
    assert_eq!(source["ports"].as_array().unwrap().len(), 5);
    assert_eq!(source["ports"][4], source["label"]);
}

// YAML 1.1 booleans (docs/validation.md): `yes` is the boolean.

#[test]
fn a_plain_yes_is_a_boolean_refused_in_a_string_field() {
    let p = project();
    p.write("files/vlan/campus-10.yaml", "vid: 10\nlabel: yes\n");
    for errors in refused_everywhere(&p) {
        assert_eq!(
            errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "files/vlan/campus-10.yaml:2:8: label: expected a string or null, found the boolean true"
            ]
        );
    }
    // Quoted, it is the string; in a bool field, plain `off` is false.
    p.write(
        "files/vlan/campus-10.yaml",
        "vid: 10\nlabel: 'yes'\nenabled: off\n",
    );
    p.update();
    let source = p.slice::<Vlan>("campus-10").source().unwrap();
    assert_eq!(source["label"], "yes");
    assert_eq!(source["enabled"], false);
}

// Case 8 of issue 9: an `i64` accepts exactly the i64 range.

#[test]
fn an_integer_beyond_its_type_is_refused() {
    let p = project();
    let range = "expected an integer between -9223372036854775808 and 9223372036854775807";
    for (text, message) in [
        (
            "vid: 9223372036854775808\n",
            format!("files/vlan/campus-10.yaml:1:6: vid: {range}, found the integer 9223372036854775808"),
        ),
        (
            "vid: 18446744073709551615\n",
            format!("files/vlan/campus-10.yaml:1:6: vid: {range}, found the integer 18446744073709551615"),
        ),
        (
            "vid: '-9223372036854775809'\n",
            format!(
                r#"files/vlan/campus-10.yaml:1:6: vid: {range}, found the string "-9223372036854775809""#
            ),
        ),
        // Beyond 64 bits no file can hold it.
        (
            "vid: 18446744073709551616\n",
            r#"files/vlan/campus-10.yaml:1:6: "18446744073709551616" cannot be represented: integers must be between -9223372036854775808 and 18446744073709551615"#.to_owned(),
        ),
    ] {
        p.write("files/vlan/campus-10.yaml", text);
        for errors in refused_everywhere(&p) {
            assert_eq!(
                errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
                std::slice::from_ref(&message),
                "{text}"
            );
        }
    }
    // Both ends of the range are accepted.
    for vid in [i64::MIN, i64::MAX] {
        p.write("files/vlan/campus-10.yaml", &format!("vid: {vid}\n"));
        p.update();
        assert_eq!(p.slice::<Vlan>("campus-10").typed::<Vlan>().vid, vid);
    }
}

// Case 11 of issue 9: a placeholder of `slice create` is never synced.

fn fill_in(path: &str, expected: &str) -> String {
    format!(
        "{path}: unfilled placeholder \"<REPLACE_THIS>\" (from `slice create`): fill in the placeholder with {expected}"
    )
}

/// The problems as `file:line:column: dict path: message`.
fn messages(errors: &[StoreError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

#[test]
fn a_created_slice_left_unfilled_is_refused_at_every_placeholder() {
    let p = project();
    for (store, name, extension) in [
        ("vlan", "campus-10", "yaml"),
        ("tree", "oak", "json"),
        ("disk", "data", "yaml"),
    ] {
        p.engine().create(store, name, extension).unwrap();
    }
    let expected = [
        // Every placeholder of the three scaffolds, located.
        format!("files/disk/data.yaml:1:7: {}", fill_in("name", "a string")),
        format!("files/disk/data.yaml:5:8: {}", fill_in("mount", "a string")),
        format!("files/tree/oak.json:2:12: {}", fill_in("label", "a string")),
        format!(
            "files/tree/oak.json:6:14: {}",
            fill_in("trunk.label", "a string")
        ),
        format!(
            "files/vlan/campus-10.yaml:1:6: {}",
            fill_in("vid", "an integer")
        ),
    ];
    for errors in refused_everywhere(&p) {
        assert_eq!(messages(&errors), expected);
    }
}

#[test]
fn a_placeholder_left_in_a_string_field_is_refused() {
    // The string fields hold a string: the schema alone accepted them.
    let p = project();
    p.write(
        "files/vlan/campus-10.yaml",
        "vid: 10\nlabel: <REPLACE_THIS>\nports: [ge-0/0/1, <REPLACE_THIS>]\n",
    );
    p.write(
        "files/tree/oak.yaml",
        "label: oak\ntrunk:\n  label: t\n  children:\n  - label: c\n    note: <REPLACE_THIS>\n",
    );
    p.write(
        "files/disk/data.yaml",
        "name: data\nmount: /data\nitems:\n- kind: doc\n  name: readme\n  text: <REPLACE_THIS>\n- <REPLACE_THIS>\n",
    );
    for errors in refused_everywhere(&p) {
        assert_eq!(
            messages(&errors),
            [
                format!(
                    "files/disk/data.yaml:6:9: {}",
                    fill_in("items[kind=doc][name=readme].text", "a string")
                ),
                format!(
                    "files/disk/data.yaml:7:3: {}",
                    fill_in("items[1]", "a `DirItem` object")
                ),
                format!(
                    "files/tree/oak.yaml:6:11: {}",
                    fill_in("trunk.children[label=c].note", "a string or null")
                ),
                format!(
                    "files/vlan/campus-10.yaml:2:8: {}",
                    fill_in("label", "a string or null")
                ),
                format!(
                    "files/vlan/campus-10.yaml:3:19: {}",
                    fill_in("ports[1]", "a string")
                ),
            ]
        );
    }
    // Filled in, the slices go through.
    p.write("files/vlan/campus-10.yaml", "vid: 10\nlabel: campus\n");
    p.write("files/tree/oak.yaml", "label: oak\ntrunk:\n  label: t\n");
    p.write("files/disk/data.yaml", "name: data\nmount: /data\n");
    p.update();
    p.sync();
    assert_eq!(p.slice::<Vlan>("campus-10").versions(), [1]);
}

// Case 12 of issue 9: no two slices of a store with the same root keys.

const COLLISION: &str = "would make the export compile fail on an index collision; give one of the two slices other keys";

#[test]
fn two_slices_with_the_same_root_keys_are_refused_naming_both_files() {
    let p = project();
    // Written in normalised form (JSON), so that the sync reads them too.
    let vlan = |name: &str, doc| {
        p.slice::<Vlan>(name).write_value(doc);
    };
    vlan("edge-public", json!({"vid": 20, "label": "public"}));
    vlan("edge-copy", json!({"vid": 20, "label": "copy"}));
    vlan("edge-other", json!({"vid": 21}));
    // Several keys: (mount, name); the same name on another mount is fine.
    let disk = |name: &str, doc| {
        p.slice::<Volume>(name).write_value(doc);
    };
    disk("a", json!({"name": "data", "mount": "/srv"}));
    disk("b", json!({"name": "data", "mount": "/srv", "mode": "600"}));
    disk("c", json!({"name": "data", "mount": "/home"}));
    // Three slices with one key: two problems, both naming the first.
    for name in ["oak", "oak-2", "oak-3"] {
        p.slice::<Tree>(name)
            .write_value(json!({"label": "oak", "trunk": {"label": "t"}}));
    }
    for errors in refused_everywhere(&p) {
        assert_eq!(
            messages(&errors),
            [
                format!(
                    "files/disk/b.json:6:12: mount: slice `a` has the same keys (mount=/srv, name=data, files/disk/a.json:6:12): two `Volume` objects with one identity {COLLISION}"
                ),
                format!(
                    "files/tree/oak-2.json:2:12: label: slice `oak` has the same keys (label=oak, files/tree/oak.json:2:12): two `Tree` objects with one identity {COLLISION}"
                ),
                format!(
                    "files/tree/oak-3.json:2:12: label: slice `oak` has the same keys (label=oak, files/tree/oak.json:2:12): two `Tree` objects with one identity {COLLISION}"
                ),
                format!(
                    "files/vlan/edge-public.json:2:10: vid: slice `edge-copy` has the same keys (vid=20, files/vlan/edge-copy.json:2:10): two `Vlan` objects with one identity {COLLISION}"
                ),
            ]
        );
        // The snippet shows the line of the value.
        let vlan = errors
            .iter()
            .find(|e| e.file.ends_with("edge-public.json"))
            .unwrap();
        assert_eq!(
            vlan.snippet.as_deref(),
            Some("2 |   \"vid\": 20,\n  |          ^")
        );
    }
    // Other keys: accepted.
    vlan("edge-copy", json!({"vid": 22, "label": "copy"}));
    disk("b", json!({"name": "data-2", "mount": "/srv"}));
    remove(&p, "files/tree/oak-2.json");
    remove(&p, "files/tree/oak-3.json");
    p.update();
    p.sync();
}

#[test]
fn the_same_root_keys_in_files_written_by_hand() {
    // The issue's example: `name` of two YAML files (keys in any order,
    // not normalised: the update refuses before rewriting anything).
    let p = project();
    p.write(
        "files/disk/edge-public.yaml",
        "name: edge-public
mount: /
",
    );
    p.write(
        "files/disk/edge.yml",
        "mount: /
name: edge-public
mode: '600'
",
    );
    let before = p.snapshot();
    let errors = problems(p.engine().update(&UpdateOptions::default()));
    assert_eq!(
        messages(&errors),
        [format!(
            "files/disk/edge-public.yaml:2:8: mount: slice `edge` has the same keys (mount=/, name=edge-public, files/disk/edge.yml:1:8): two `Volume` objects with one identity {COLLISION}"
        )]
    );
    assert_eq!(p.snapshot(), before);
}

#[test]
fn a_deleted_slice_keeps_its_keys_until_a_prune() {
    // Renaming a file deletes a slice and creates another with the same
    // keys: both are records until a prune, and the export compile would
    // create two `Vlan` objects with vid 20.
    let p = project();
    p.write("files/vlan/edge.yaml", "vid: 20\n");
    p.update();
    p.sync();
    remove(&p, "files/vlan/edge.yaml");
    p.slice::<Vlan>("edge-public")
        .write_value(json!({"vid": 20}));
    for errors in refused_everywhere(&p) {
        assert_eq!(
            messages(&errors),
            [
                "files/vlan/edge-public.json:2:10: vid: slice `edge` has the same keys (vid=20, git_ops/active/vlan/edge@v1.json:2:10) and, deleted, stays in the views until a prune: two `Vlan` objects with one identity would make the export compile fail on an index collision; sync and prune the deletion first, or give this slice other keys"
            ]
        );
    }
    // The way out the message gives: the deletion synced and pruned first.
    remove(&p, "files/vlan/edge-public.json");
    p.update();
    p.sync();
    p.prune();
    p.slice::<Vlan>("edge-public")
        .write_value(json!({"vid": 20}));
    p.update();
    p.sync();
    assert_eq!(p.slice::<Vlan>("edge-public").versions(), [1]);
}

#[test]
fn only_the_current_keys_count() {
    // `edge` had vid 20 in version 1 and has 21 now: its record holds 21.
    let p = project();
    p.write("files/vlan/edge.yaml", "vid: 20\n");
    p.update();
    p.sync();
    p.write("files/vlan/edge.yaml", "vid: 21\n");
    p.update();
    p.sync();
    p.write("files/vlan/other.yaml", "vid: 20\n");
    // An empty source file never synced is no slice: it has no keys.
    p.write("files/vlan/empty.yaml", "");
    p.write("files/vlan/empty-too.yaml", "{}\n");
    p.update();
    p.sync();
    assert_eq!(p.slice::<Vlan>("other").versions(), [1]);
}

#[test]
fn the_keys_of_slices_the_cache_skips_are_checked() {
    let p = project();
    p.write("files/vlan/edge.yaml", "vid: 20\n");
    p.update();
    p.sync();
    // Rewritten by update (it was not in normalised form) and unchanged in
    // value: clean, its identity taken after the write: the cache keeps it.
    p.write("files/vlan/edge.yaml", "label: null\nvid: 20\n");
    p.update();
    let report = p.update();
    let vlan = report.store("vlan").unwrap();
    assert_eq!((vlan.read, vlan.skipped), (0, 1));
    // A new slice with its key: read alone, refused against the cache.
    p.slice::<Vlan>("edge-copy").write_value(json!({"vid": 20}));
    let expected = [format!(
        "files/vlan/edge-copy.json:2:10: vid: slice `edge` has the same keys (vid=20, files/vlan/edge.yaml:1:6): two `Vlan` objects with one identity {COLLISION}"
    )];
    let before = p.snapshot();
    let errors = problems(p.engine().update(&UpdateOptions::default()));
    assert_eq!(messages(&errors), expected);
    assert_eq!(p.snapshot(), before);
    let errors = problems(p.engine().sync());
    assert_eq!(messages(&errors), expected);
    assert_eq!(p.snapshot(), before);
}
