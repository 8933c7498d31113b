//! Rough timing of the read side of the store engine on a store of many
//! slices of about 1 KB, each with three active versions and a changed
//! source file (the `fs` example store).
//!
//! ```text
//! cargo run --release -p git-ops-runtime --example store_timing [SLICES] [THREADS]
//! ```
//!
//! Prints, for comparison, the time of a plain read + parse + write of the
//! source files, then listing, version assignment (`Depth::Latest`), full
//! loads with merged views, and view file rendering; then the peak memory
//! of the process. Not a test, nothing is asserted.

#[path = "../tests/document_support/mod.rs"]
mod support;

use std::time::Instant;

use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{Depth, Project, Store, ViewKind, WorkingTree};
use serde_json::{Value, json};

fn document(i: usize, revision: usize) -> Value {
    let files: Vec<Value> = (0..5)
        .map(|f| {
            json!({
                "type": "file",
                "name": format!("file-{f}.conf"),
                "permissions": "640",
                "owner": "app",
                "content": format!("setting_{f} = {i}\nrevision = {}\n", if f == 0 { revision } else { 0 }),
            })
        })
        .collect();
    json!({
        "root": "/srv",
        "name": format!("site-{i}"),
        "owner": "root",
        "content": [
            {"type": "folder", "name": "conf.d", "content": files},
            {"type": "file", "name": "README", "content": "Managed by git-ops."},
            {"type": "folder", "name": "empty"},
        ],
    })
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let threads: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    let source = root.join("files/fs");
    let active = root.join("git_ops/active/fs");
    let copy = root.join("copy");
    for folder in [&source, &active, &copy] {
        std::fs::create_dir_all(folder).unwrap();
    }
    let mut bytes = 0;
    for i in 0..count {
        for version in 1..=3 {
            let text = to_json(&document(i, version));
            bytes += text.len();
            std::fs::write(active.join(format!("s{i:06}@v{version}.json")), text).unwrap();
        }
        let text = to_json(&document(i, 4));
        bytes += text.len();
        std::fs::write(source.join(format!("s{i:06}.json")), text).unwrap();
    }
    println!(
        "{count} slices, 3 active versions and a source file each: {:.1} MB in {} files, {threads} threads",
        bytes as f64 / 1e6,
        count * 4
    );

    let start = Instant::now();
    for entry in std::fs::read_dir(&source).unwrap() {
        let entry = entry.unwrap();
        let text = std::fs::read(entry.path()).unwrap();
        let value: Value = serde_json::from_slice(&text).unwrap();
        std::fs::write(copy.join(entry.file_name()), to_json(&value)).unwrap();
    }
    let baseline = start.elapsed();
    println!("baseline: read + parse + write every source file: {baseline:?}");

    let store = Store::new(&Project::at(root), support::fs())
        .unwrap()
        .with_threads(threads);
    let start = Instant::now();
    let listing = store.list_files(&WorkingTree, ViewKind::Source).unwrap();
    println!("listing: {:?} ({} slices)", start.elapsed(), listing.len());

    let start = Instant::now();
    let mut new = 0;
    for slice in store.slices(&WorkingTree, &listing, ViewKind::Source, Depth::Latest) {
        new += usize::from(slice.unwrap().current().unwrap().is_new);
    }
    println!(
        "versions (source + latest active read, normalised, compared): {:?} ({new} new versions)",
        start.elapsed()
    );

    let start = Instant::now();
    let mut loaded = 0;
    for slice in store.slices(&WorkingTree, &listing, ViewKind::Source, Depth::Full) {
        loaded += slice.unwrap().active().len();
    }
    println!(
        "full load, no views (4 files per slice read, normalised): {:?} ({loaded} active files)",
        start.elapsed()
    );

    let start = Instant::now();
    let mut elements = 0;
    for slice in store
        .slices(&WorkingTree, &listing, ViewKind::Source, Depth::Full)
        .with_views()
    {
        let slice = slice.unwrap();
        let record = slice.record().unwrap().unwrap();
        elements += record.attributes["content"].as_array().unwrap().len();
    }
    println!(
        "full load + merged views (4 files per slice): {:?} ({elements} top elements)",
        start.elapsed()
    );

    let start = Instant::now();
    let mut view_bytes = 0;
    for slice in store
        .slices(&WorkingTree, &listing, ViewKind::Source, Depth::Full)
        .with_views()
    {
        view_bytes += slice.unwrap().view_file().unwrap().content.len();
    }
    println!(
        "full load + views + view file bytes: {:?} ({:.1} MB of view files)",
        start.elapsed(),
        view_bytes as f64 / 1e6
    );
    if let Some(peak) = peak_memory_kib() {
        println!("peak memory of the process: {:.1} MB", peak as f64 / 1e3);
    }
}
