//! Parses arbitrary text as a plain and as a wild dict path: never panics,
//! a parsed path renders to text that parses back to the same path, and
//! walking it over a small document never panics.
#![no_main]

use git_ops_runtime::dictpath::{DictPath, WildDictPath};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|text: &str| {
    let doc = json!({"a": {"b": [{"k": "1", "v": null}, {"k": 1.5}]}, "l": [1, "x"]});
    if let Ok(path) = DictPath::parse(text) {
        assert_eq!(DictPath::parse(&path.render()).as_ref(), Ok(&path));
        let _ = path.get(&doc);
        let _ = path.set(&mut doc.clone(), json!(0));
    }
    match WildDictPath::parse(text) {
        Ok(path) => {
            assert_eq!(WildDictPath::parse(&path.render()).as_ref(), Ok(&path));
            let _ = path.find_all(&doc);
        }
        Err(err) => assert!(err.column >= 1 && err.column <= text.chars().count() + 1),
    }
});
