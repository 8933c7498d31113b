//! Rough timing of `document::normalise` and `document::for_file` on many
//! small slice documents of the `fs` example store.
//!
//! ```text
//! cargo run --release -p git-ops-runtime --example document_timing [DOCUMENTS]
//! ```
//!
//! Prints the time per document; not a test, nothing is asserted.

#[path = "../tests/document_support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Instant;

use git_ops_runtime::document::{self, DocumentSchema};
use serde_json::{Value, json};

/// A RootFolder of about 1 KB: a few files and a nested folder, written by
/// hand (fields not in file order, defaults left out).
fn document(i: usize) -> Value {
    let files: Vec<Value> = (0..5)
        .map(|f| {
            json!({
                "type": "file",
                "name": format!("file-{f}.conf"),
                "permissions": "640",
                "owner": "app",
                "content": format!("setting_{f} = {i}\nother = true\n"),
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

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let schema = support::fs();
    // A thousand distinct documents, read over and over: a store's files
    // would not all be in memory at once either.
    let docs: Vec<Value> = (0..count.min(1_000)).map(document).collect();
    let doc = |i: usize| &docs[i % docs.len()];
    let bytes: usize = (0..count).map(|i| doc(i).to_string().len()).sum();

    let start = Instant::now();
    let documents = DocumentSchema::new(&schema);
    let compile = start.elapsed();

    let start = Instant::now();
    for i in 0..count {
        black_box(documents.normalise(doc(i)).expect("valid document"));
    }
    let normalise = start.elapsed();

    let normalised: Vec<Value> = docs
        .iter()
        .map(|d| documents.normalise(d).expect("valid document"))
        .collect();
    let start = Instant::now();
    for i in 0..count {
        black_box(documents.for_file(&normalised[i % normalised.len()]));
    }
    let for_file = start.elapsed();

    let start = Instant::now();
    for i in 0..count {
        black_box(
            documents
                .normalise(&normalised[i % normalised.len()])
                .expect("valid document"),
        );
    }
    let renormalise = start.elapsed();

    let sample = count.min(1_000);
    let start = Instant::now();
    for i in 0..sample {
        black_box(document::normalise(&schema, doc(i)).expect("valid document"));
    }
    let uncached = start.elapsed();

    let per_doc = |d: std::time::Duration, n: usize| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "{count} documents, {:.0} bytes each (compact JSON)",
        bytes as f64 / count as f64
    );
    println!(
        "DocumentSchema::new:            {:>8.1} µs",
        compile.as_secs_f64() * 1e6
    );
    println!(
        "normalise (cached schema):      {:>8.2} µs/document, {:.0} ms in all, {:.0} MB/s",
        per_doc(normalise, count),
        normalise.as_secs_f64() * 1e3,
        bytes as f64 / normalise.as_secs_f64() / 1e6
    );
    println!(
        "normalise (file order already): {:>8.2} µs/document",
        per_doc(renormalise, count)
    );
    println!(
        "for_file:                       {:>8.2} µs/document",
        per_doc(for_file, count)
    );
    println!(
        "document::normalise (compiles): {:>8.2} µs/document",
        per_doc(uncached, sample)
    );
}
