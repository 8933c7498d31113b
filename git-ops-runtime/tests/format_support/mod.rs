//! Asking the real Python (`json`, PyYAML) for the reference answers.
//!
//! The virtualenv comes from `GIT_OPS_VENV` (default: `.venv` at the
//! workspace root), as `scripts/test` sets it up. Without it the tests fail
//! with the command to run: they never skip.

#![allow(dead_code)] // Each test crate uses a part of this module.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub mod strategies;

use serde_json::{Value, json};

/// The venv's Python, or a panic that says how to get one.
pub fn python() -> PathBuf {
    let venv = match std::env::var_os("GIT_OPS_VENV") {
        Some(venv) => PathBuf::from(venv),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv"),
    };
    let python = venv.join("bin/python");
    if !python.is_file() {
        panic!(
            "the Python virtualenv with PyYAML is missing at {}: run scripts/setup-venv \
             (or set GIT_OPS_VENV to an existing one)",
            venv.display()
        );
    }
    python
}

/// What Python makes of a batch of inputs (see fixtures/format/reference.py).
pub struct Reference {
    /// `(json.dumps(v, indent=2), yaml.safe_dump(v, sort_keys=False))` per value.
    pub dump: Vec<(String, String)>,
    /// The tagged result of `yaml.safe_load(text)` per text, or `{"error": ...}`.
    pub load: Vec<Value>,
    /// Python and PyYAML versions, for messages.
    pub versions: Value,
}

/// Runs the reference script once for the whole batch.
pub fn reference(dump: &[Value], load: &[String]) -> Reference {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format/reference.py");
    let mut child = Command::new(python())
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the venv's python");
    let request =
        serde_json::to_vec(&json!({"dump": dump, "load": load})).expect("serialise the batch");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&request));
    let output = child.wait_with_output().expect("run the reference script");
    writer
        .join()
        .expect("writer thread")
        .expect("send the batch to python");
    assert!(
        output.status.success(),
        "the reference script failed (is PyYAML installed in the venv? run scripts/setup-venv):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value =
        serde_json::from_slice(&output.stdout).expect("the reference script writes JSON");
    let dump = answer["dump"]
        .as_array()
        .expect("dump answers")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("json text").to_owned(),
                pair[1].as_str().expect("yaml text").to_owned(),
            )
        })
        .collect();
    let load = answer["load"].as_array().expect("load answers").clone();
    Reference {
        dump,
        load,
        versions: answer["versions"].clone(),
    }
}
