//! Any JSON the reader accepts is written back and read again unchanged,
//! in both formats.
#![no_main]

use git_ops_runtime::format::read::read;
use git_ops_runtime::format::{Format, json, yaml};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(map) = read(data, Format::Json) else { return };
    let value = Value::Object(map);
    let again = read(json::to_json(&value).as_bytes(), Format::Json).expect("our JSON reads back");
    assert_eq!(Value::Object(again), value);
    let again = read(yaml::to_yaml(&value).as_bytes(), Format::Yaml).expect("our YAML reads back");
    assert_eq!(Value::Object(again), value);
});
