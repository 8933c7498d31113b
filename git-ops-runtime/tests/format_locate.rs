//! `locate`: positions of nested keys and items, counted by hand.

use git_ops_runtime::format::locate::{Location, RawPathSegment, locate, locate_nearest, snippet};
use git_ops_runtime::format::{Format, Position};

fn key(k: &str) -> RawPathSegment {
    RawPathSegment::key(k)
}

fn index(i: usize) -> RawPathSegment {
    RawPathSegment::Index(i)
}

fn at(line: usize, column: usize) -> Position {
    Position::new(line, column)
}

fn value_and_key(value: Position, key: Position) -> Option<Location> {
    Some(Location {
        value,
        key: Some(key),
    })
}

const JSON: &str = r#"{
  "name": "campus",
  "content": [
    {
      "path": "/etc",
      "mode": 644
    },
    {"path": "/tmp", "tags": ["a", "é€", "b"]}
  ],
  "extra": {}
}"#;

#[test]
fn format_locate_json() {
    assert_eq!(
        locate(JSON, Format::Json, &[]),
        Some(Location {
            value: at(1, 1),
            key: None
        })
    );
    assert_eq!(
        locate(JSON, Format::Json, &[key("name")]),
        value_and_key(at(2, 11), at(2, 3))
    );
    assert_eq!(
        locate(JSON, Format::Json, &[key("content")]),
        value_and_key(at(3, 14), at(3, 3))
    );
    assert_eq!(
        locate(JSON, Format::Json, &[key("content"), index(0)]),
        Some(Location {
            value: at(4, 5),
            key: None
        })
    );
    assert_eq!(
        locate(JSON, Format::Json, &[key("content"), index(0), key("mode")]),
        value_and_key(at(6, 15), at(6, 7))
    );
    assert_eq!(
        locate(JSON, Format::Json, &[key("content"), index(1), key("path")]),
        value_and_key(at(8, 14), at(8, 6))
    );
    // "é€" is two characters: the next item starts at column 42.
    assert_eq!(
        locate(
            JSON,
            Format::Json,
            &[key("content"), index(1), key("tags"), index(2)]
        ),
        Some(Location {
            value: at(8, 42),
            key: None
        })
    );
    assert_eq!(
        locate(JSON, Format::Json, &[key("extra")]),
        value_and_key(at(10, 12), at(10, 3))
    );
}

const YAML: &str = "\
name: campus
content:
- path: /etc
  mode: 644
  owner:   root
- {path: /tmp, tags: [a, \"é€\", b]}
nested:
  deeper:
    - - x
      - y
base: &base
  port: 22
  proto: tcp
derived:
  <<: *base
  proto: udp
alias: *base
";

#[test]
fn format_locate_yaml() {
    assert_eq!(
        locate(YAML, Format::Yaml, &[key("name")]),
        value_and_key(at(1, 7), at(1, 1))
    );
    // A block sequence at its key's indentation starts, for the parser, at
    // the content of its first item.
    assert_eq!(
        locate(YAML, Format::Yaml, &[key("content")]),
        value_and_key(at(3, 3), at(2, 1))
    );
    assert_eq!(
        locate(YAML, Format::Yaml, &[key("content"), index(0), key("mode")]),
        value_and_key(at(4, 9), at(4, 3))
    );
    assert_eq!(
        locate(
            YAML,
            Format::Yaml,
            &[key("content"), index(0), key("owner")]
        ),
        value_and_key(at(5, 12), at(5, 3))
    );
    assert_eq!(
        locate(YAML, Format::Yaml, &[key("content"), index(1)]),
        Some(Location {
            value: at(6, 3),
            key: None
        })
    );
    assert_eq!(
        locate(
            YAML,
            Format::Yaml,
            &[key("content"), index(1), key("tags"), index(2)]
        ),
        Some(Location {
            value: at(6, 32),
            key: None
        })
    );
    assert_eq!(
        locate(
            YAML,
            Format::Yaml,
            &[key("nested"), key("deeper"), index(0), index(1)]
        ),
        Some(Location {
            value: at(10, 9),
            key: None
        })
    );
    // A merged key is found where the anchor defines it; an own key where
    // the mapping writes it.
    assert_eq!(
        locate(YAML, Format::Yaml, &[key("derived"), key("port")]),
        value_and_key(at(12, 9), at(12, 3))
    );
    assert_eq!(
        locate(YAML, Format::Yaml, &[key("derived"), key("proto")]),
        value_and_key(at(16, 10), at(16, 3))
    );
    // Through an alias: the anchored node.
    assert_eq!(
        locate(YAML, Format::Yaml, &[key("alias"), key("proto")]),
        value_and_key(at(13, 10), at(13, 3))
    );
}

#[test]
fn format_locate_missing_paths() {
    assert_eq!(
        locate(YAML, Format::Yaml, &[key("content"), index(5)]),
        None
    );
    assert_eq!(locate(YAML, Format::Yaml, &[key("name"), key("x")]), None);
    // The nearest existing value, and how far the path got.
    assert_eq!(
        locate_nearest(
            YAML,
            Format::Yaml,
            &[key("content"), index(0), key("missing")]
        ),
        Some((
            Location {
                value: at(3, 3),
                key: None
            },
            2
        ))
    );
    assert_eq!(
        locate_nearest(JSON, Format::Json, &[key("content"), index(9)]),
        Some((
            Location {
                value: at(3, 14),
                key: Some(at(3, 3))
            },
            1
        ))
    );
    // Text that does not parse.
    assert_eq!(locate("{", Format::Json, &[]), None);
    assert_eq!(locate("a: [", Format::Yaml, &[]), None);
}

#[test]
fn format_locate_crlf_and_snippet() {
    let text = "a: 1\r\nb:\r\n  c: [x, y]\r\n";
    let location = locate(text, Format::Yaml, &[key("b"), key("c"), index(1)]).unwrap();
    assert_eq!(location.value, at(3, 10));
    assert_eq!(
        snippet(text, location.value),
        "3 |   c: [x, y]\n  |          ^"
    );
}
