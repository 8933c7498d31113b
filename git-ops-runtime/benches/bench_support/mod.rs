//! What the benchmarks share (`docs/performance.md`): the synthetic slices,
//! sizes, statistics, the machine's description and peak memory. Included
//! by path by `git-ops-runtime/benches/store.rs` and
//! `git-ops-gen/benches/commands.rs`.

#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

/// A slice of the `fs` example schema, about 1 KB once normalised: a root
/// folder with a keyed list of 5 file objects. `revision` changes the
/// content of the first file.
pub fn document(i: usize, revision: usize) -> Value {
    let files: Vec<Value> = (0..5)
        .map(|f| {
            json!({
                "type": "file",
                "name": format!("file-{f}.conf"),
                "permissions": "640",
                "owner": "app",
                "content": format!(
                    "setting_{f} = {i}\nrevision = {}\n",
                    if f == 0 { revision } else { 0 }
                ),
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

/// The name of slice `i`.
pub fn slice_name(i: usize) -> String {
    format!("s{i:06}")
}

/// `1k`, `10k`, `2500` as a number.
pub fn parse_size(text: &str) -> usize {
    let text = text.trim().to_ascii_lowercase();
    let (digits, factor) = match text.strip_suffix('k') {
        Some(digits) => (digits, 1000),
        None => (text.as_str(), 1),
    };
    digits
        .parse::<usize>()
        .map(|n| n * factor)
        .unwrap_or_else(|_| panic!("not a size: {text:?} (e.g. 1k, 10k, 2500)"))
}

/// A size as `parse_size` reads it.
pub fn size_label(size: usize) -> String {
    if size.is_multiple_of(1000) {
        format!("{}k", size / 1000)
    } else {
        size.to_string()
    }
}

/// The median of `values`.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Seconds as `median (min–max)`, or one value.
pub fn range(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    if values.len() == 1 {
        seconds(min)
    } else {
        format!(
            "{} ({}–{})",
            seconds(median(values)),
            seconds(min),
            seconds(max)
        )
    }
}

/// `850 ms`, `1.25 s`.
pub fn seconds(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

/// The cores, the kernel and the file system of `dir`.
pub fn machine(dir: &Path) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    // The file system of the longest mount point holding `dir`.
    let mounts = fs::read_to_string("/proc/mounts").unwrap_or_default();
    let fs_type = mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(' ');
            let (_, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
            dir.starts_with(point)
                .then(|| (point.len(), kind.to_owned()))
        })
        .max()
        .map_or_else(|| "an unknown file system".to_owned(), |(_, kind)| kind);
    format!(
        "machine: {cores} cores, kernel {}, {} on {fs_type}",
        kernel.trim(),
        dir.display()
    )
}

/// The peak resident memory of this process (`VmHWM`), in KiB.
pub fn peak_memory_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Flushes earlier writes (of the setup), so that a measurement does not
/// pay for them.
pub fn flush() {
    let _ = Command::new("sync").status();
}
