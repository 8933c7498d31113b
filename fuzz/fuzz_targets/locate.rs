//! `locate` never panics, and finds every value the reader read.
#![no_main]

use git_ops_runtime::format::Format;
use git_ops_runtime::format::locate::{RawPathSegment, locate, locate_nearest};
use git_ops_runtime::format::read::read;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn paths(value: &Value, prefix: &mut Vec<RawPathSegment>, out: &mut Vec<Vec<RawPathSegment>>) {
    if out.len() > 64 {
        return;
    }
    out.push(prefix.clone());
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(RawPathSegment::Index(i));
                paths(item, prefix, out);
                prefix.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                prefix.push(RawPathSegment::Key(key.clone()));
                paths(item, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for format in [Format::Json, Format::Yaml] {
        let probe = [RawPathSegment::key("a"), RawPathSegment::Index(0)];
        let _ = locate_nearest(text, format, &probe);
        if let Ok(map) = read(data, format) {
            let mut found = Vec::new();
            paths(&Value::Object(map), &mut Vec::new(), &mut found);
            for path in found {
                assert!(locate(text, format, &path).is_some(), "{path:?} not located");
            }
        }
    }
});
