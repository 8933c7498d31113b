//! Rough figures for docs/formats.md: how long the writers, readers and
//! atomic writes take. Run with
//!
//! ```text
//! cargo bench -p git-ops-runtime --bench format
//! ```
//!
//! Atomic writes go to a folder under `target/` (the project's file
//! system), or to `GIT_OPS_BENCH_DIR`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use git_ops_runtime::format::atomic::{Durability, write_atomic};
use git_ops_runtime::format::read::read;
use git_ops_runtime::format::{Format, json, yaml};
use serde_json::{Value, json};

/// A slice like the ones of a file-server store: a few fields and a list
/// of 20 objects.
fn slice(i: usize) -> Value {
    let content: Vec<Value> = (0..20)
        .map(|j| {
            json!({
                "path": format!("/srv/data/project-{i}/dir-{j}"),
                "owner": "root",
                "group": "wheel",
                "mode": "0644",
                "size": j * 1024,
                "checksum": format!("{:064x}", i * 1000 + j),
                "tags": ["backup", "nightly"],
                "description": "A directory synchronised every night with the archive, kept for thirty days.",
            })
        })
        .collect();
    json!({"name": format!("slice-{i}"), "vid": i, "mtu": 1500.0, "enabled": true, "content": content})
}

fn report(what: &str, count: usize, elapsed: Duration, bytes: usize) {
    let per = elapsed / count as u32;
    let mb_s = bytes as f64 / elapsed.as_secs_f64() / 1e6;
    println!("{what:<34} {count:>6} in {elapsed:>10.2?}  {per:>9.2?} each  {mb_s:>7.1} MB/s");
}

fn main() {
    let docs: Vec<Value> = (0..1000).map(slice).collect();
    let rounds = 5;

    let mut out = String::new();
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        for doc in &docs {
            out.clear();
            json::write_json(doc, &mut out);
            bytes += out.len();
            black_box(&out);
        }
    }
    report(
        "JSON write (json.dumps indent=2)",
        docs.len() * rounds,
        start.elapsed(),
        bytes,
    );

    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        for doc in &docs {
            out.clear();
            yaml::write_yaml(doc, &mut out);
            bytes += out.len();
            black_box(&out);
        }
    }
    report(
        "YAML write (safe_dump)",
        docs.len() * rounds,
        start.elapsed(),
        bytes,
    );

    for format in [Format::Json, Format::Yaml] {
        let texts: Vec<String> = docs.iter().map(|doc| format.write(doc)).collect();
        let bytes: usize = texts.iter().map(String::len).sum::<usize>() * rounds;
        let start = Instant::now();
        for _ in 0..rounds {
            for text in &texts {
                black_box(read(text.as_bytes(), format).expect("reads back"));
            }
        }
        report(
            &format!("{format:?} read"),
            texts.len() * rounds,
            start.elapsed(),
            bytes,
        );
    }

    let dir = std::env::var_os("GIT_OPS_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-format")
        });
    for durability in [Durability::None, Durability::Fsync] {
        let folder = dir.join(format!("{durability:?}"));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("create the bench folder");
        let texts: Vec<String> = docs.iter().map(json::to_json).collect();
        let bytes: usize = texts.iter().map(String::len).sum();
        let start = Instant::now();
        for (i, text) in texts.iter().enumerate() {
            let path = folder.join(format!("slice-{i}@v1.json"));
            write_atomic(&path, text.as_bytes(), durability).expect("atomic write");
        }
        report(
            &format!("atomic write, {durability:?}"),
            texts.len(),
            start.elapsed(),
            bytes,
        );
        let _ = std::fs::remove_dir_all(&folder);
    }
}
