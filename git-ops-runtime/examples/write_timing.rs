//! Rough timing of the write side of the store engine on a store of many
//! slices of about 1 KB (a keyed list of 5 objects), each with three active
//! versions (the `fs` example store, from a manifest-like schema).
//!
//! ```text
//! cargo run --release -p git-ops-runtime --example write_timing [SLICES] [THREADS] [fsync|none]
//! ```
//!
//! Prints the time of a plain read + parse + write of the same files for
//! comparison, then: update (normalising every source), full sync (a new
//! version of every slice), incremental sync after 1% of the slices
//! changed (with and without the change cache), a sync with nothing to do,
//! and the peak memory of the process. Not a test, nothing is asserted.
//!
//! Measured on the development machine (2 shared cores, ext4 *without a
//! journal* on a virtual disk, whose inode allocator skips recently freed
//! inodes and makes the creation of many files superlinear), 10 000 slices
//! of 1 KB with 3 active versions (41 MB in 40 000 files), 2 threads, runs
//! 35 s apart (ranges over several runs; the machine is shared):
//!
//! ```text
//!                                          durability None    Fsync (default)
//! baseline: read+parse+write 10k sources        0.17 s            0.17 s
//! baseline: read+parse 40k, write 10k           0.54–0.76 s       0.54–0.62 s
//! baseline: read+parse 40k, write 30k
//!           through temporary file + rename     1.3–2.4 s         1.3 s
//! update (normalise every source, 30k files)    1.6–3.8 s         2.8–3.0 s
//! full sync (10k versions + 20k views)          1.7–2.4 s         3.5–3.9 s
//! sync with nothing to do (change cache)        0.18–0.26 s       0.19–0.23 s
//! incremental sync, 100 changed                 0.27–0.30 s       0.32–0.33 s
//!   (without the change cache)                  0.84–0.95 s       0.95–0.99 s
//! prune (30k files removed, 20k views)          4.5–4.8 s         6.5–7.6 s
//! peak memory                                   97 MB             97 MB
//! ```
//!
//! 100 000 slices (416 MB in 400 000 files), durability None: full sync
//! 52 s, incremental sync of 1 000 changed 3.7 s (14 s without the cache),
//! peak memory 879 MB (2.1 times the store).

#[path = "../tests/document_support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{Engine, Options, Project, Registry, Report, UpdateOptions};
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
        "content": files,
    })
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn files_in(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    out.sort();
    out
}

fn timed(label: &str, f: impl FnOnce() -> Report) -> Duration {
    let start = Instant::now();
    let report = f();
    let elapsed = start.elapsed();
    let files: usize = report.stores.iter().map(|s| s.files.len()).sum();
    let slices: usize = report.stores.iter().map(|s| s.slices.len()).sum();
    println!("{label}: {elapsed:?} ({slices} new versions, {files} files written or removed)");
    elapsed
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let threads: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2);
    let durability = match args.next().as_deref() {
        Some("none") => Durability::None,
        _ => Durability::Fsync,
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    std::fs::write(root.join("project.yml"), "name: timing\n").unwrap();
    let source = root.join("files/fs");
    let active = root.join("git_ops/active/fs");
    let copy = root.join("copy");
    for folder in [&source, &active, &copy] {
        std::fs::create_dir_all(folder).unwrap();
    }
    std::fs::write(active.join(".migrations.json"), "{\n  \"applied\": []\n}").unwrap();
    let mut registry = Registry::new();
    let _ = registry.manifest_store(support::fs());
    let engine = Engine::new(Project::at(root), &registry).with_options(Options {
        durability,
        threads,
        ..Options::default()
    });
    let documents = git_ops_runtime::document::DocumentSchema::new(&support::fs());
    let normalised =
        |doc: &Value| to_json(&documents.for_file(&documents.normalise(doc).expect("valid")));
    let mut bytes = 0;
    for i in 0..count {
        for version in 1..=3 {
            let text = normalised(&document(i, version));
            bytes += text.len();
            std::fs::write(active.join(format!("s{i:06}@v{version}.json")), text).unwrap();
        }
        // Written as users do: only some fields, so update normalises it.
        let text = to_json(&document(i, 4));
        bytes += text.len();
        std::fs::write(source.join(format!("s{i:06}.json")), text).unwrap();
    }
    println!(
        "{count} slices, 3 active versions and a source file each: {:.1} MB in {} files, {threads} threads, durability {durability:?}",
        bytes as f64 / 1e6,
        count * 4
    );

    let baseline = |folders: &[&Path]| {
        let start = Instant::now();
        for folder in folders {
            for path in files_in(folder) {
                let text = std::fs::read(&path).unwrap();
                let value: Value = serde_json::from_slice(&text).unwrap();
                if *folder == source.as_path() {
                    std::fs::write(copy.join(path.file_name().unwrap()), to_json(&value)).unwrap();
                }
            }
        }
        start.elapsed()
    };
    let sources_only = baseline(&[&source]);
    let all_files = baseline(&[&source, &active]);
    println!("baseline: read + parse + write the {count} source files: {sources_only:?}");
    println!(
        "baseline: read + parse all {} files, write the {count} source files: {all_files:?}",
        count * 4
    );
    // What a sync does to the file system without any of its logic: read
    // and parse the 4 files of every slice, then replace 2 files and create
    // 1 through a temporary file and a rename each.
    let plain = root.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    for i in 0..count {
        for copy in 0..2 {
            std::fs::write(plain.join(format!("s{i:06}-{copy}.json")), "{}").unwrap();
        }
    }
    std::thread::sleep(Duration::from_secs(1));
    let start = Instant::now();
    for i in 0..count {
        let mut text = Vec::new();
        for path in std::iter::once(source.join(format!("s{i:06}.json")))
            .chain((1..=3).map(|v| active.join(format!("s{i:06}@v{v}.json"))))
        {
            text = std::fs::read(&path).unwrap();
            let _: Value = serde_json::from_slice(&text).unwrap();
        }
        for copy in 0..3 {
            let target = plain.join(format!("s{i:06}-{copy}.json"));
            let temporary = plain.join(format!(".s{i:06}-{copy}.tmp"));
            std::fs::write(&temporary, &text).unwrap();
            std::fs::rename(&temporary, &target).unwrap();
        }
    }
    let plain_sync = start.elapsed();
    println!(
        "baseline: read + parse all {} files, write {} through a temporary file and a rename: {plain_sync:?}",
        count * 4,
        count * 3
    );

    timed("update (normalise every source, write every view)", || {
        engine.update(&UpdateOptions::default()).unwrap()
    });
    // Let the files age past the change cache's racy margin, as between
    // two commands of a user.
    std::thread::sleep(Duration::from_millis(300));
    let full = timed("full sync (a new version of every slice)", || {
        engine.sync().unwrap()
    });
    println!(
        "  full sync / baseline (sources): {:.2}, / baseline (all files): {:.2}, / baseline (same file operations): {:.2}",
        full.as_secs_f64() / sources_only.as_secs_f64(),
        full.as_secs_f64() / all_files.as_secs_f64(),
        full.as_secs_f64() / plain_sync.as_secs_f64()
    );
    timed("sync with nothing to do", || engine.sync().unwrap());

    let changed = count / 100;
    let change = |revision: usize| {
        for i in (0..count).step_by(100).take(changed) {
            std::fs::write(
                source.join(format!("s{i:06}.json")),
                normalised(&document(i, revision)),
            )
            .unwrap();
        }
    };
    change(5);
    let incremental = timed(&format!("incremental sync ({changed} changed)"), || {
        engine.sync().unwrap()
    });
    println!(
        "  incremental / full: {:.2}",
        incremental.as_secs_f64() / full.as_secs_f64()
    );
    change(6);
    let no_cache = Engine::new(Project::at(root), &registry).with_options(Options {
        durability,
        threads,
        cache: false,
        ..Options::default()
    });
    timed(
        &format!("incremental sync ({changed} changed), without the change cache"),
        || no_cache.sync().unwrap(),
    );
    timed("prune (drop 3 old versions of every slice)", || {
        engine.prune().unwrap()
    });
    if let Some(peak) = peak_memory_kib() {
        println!(
            "peak memory of the process: {:.1} MB (store files: {:.1} MB)",
            peak as f64 / 1e3,
            bytes as f64 / 1e6
        );
    }
}
