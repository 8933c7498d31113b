//! The store benchmark (`docs/performance.md`): update, full sync, export
//! view, incremental sync and prune on synthetic stores, each next to its
//! *floor*: a plain program that reads and parses with `serde_json` every
//! file the operation must read and writes with `std::fs::write` every file
//! it must write, nothing else.
//!
//! ```text
//! cargo bench -p git-ops-runtime --bench store -- [OPTIONS]
//!
//!   --sizes 1k,10k[,100k]   slices per store (default 1k,10k)
//!   --ops LIST              update,sync,export,incremental,prune (default all)
//!   --runs N                repetitions of everything (default 3)
//!   --dir PATH              where the stores are built (default
//!                           target/store-bench; /dev/shm/... for tmpfs)
//!   --durability D          fsync (the engine's default) or none
//!   --threads N             engine threads (default: available parallelism)
//!   --no-floor              skip the floors
//! ```
//!
//! Every store has N slices of about 1 KB (the `fs` example schema: a root
//! folder with a keyed list of 5 file objects), 3 active versions each and
//! a source file written as a user would (some fields only, so that update
//! rewrites it). One run goes through the life of a project:
//!
//! 1. **update**: normalises every source, writes both views of every slice;
//! 2. **sync**: a new version of every slice, both views rewritten;
//! 3. **export**: the active view of every slice (what an export compile
//!    sees), computed from the active files and rendered as view files,
//!    written nowhere;
//! 4. **incremental**: 1% of the source files changed, then a sync;
//! 5. **prune**: every slice keeps its latest version, views rewritten.
//!
//! Each measured operation and each floor runs in its own child process
//! (this binary, re-executed with `--child`), which reports its wall time
//! and its peak resident memory (`VmHWM`), so that peaks do not mix. A floor
//! runs on a copy of the store as it was before the operation. The files
//! are in the page cache (just written), as between two commands of a user;
//! `sync(1)` runs before every measurement so that earlier writes are not
//! flushed during it.
//!
//! Not a test: nothing is asserted. With neither `--bench` (which `cargo
//! bench` passes) nor an option, it does nothing, so that `cargo test
//! --benches` stays quick.

#[path = "../tests/document_support/mod.rs"]
mod support;

#[path = "bench_support/mod.rs"]
mod bench_support;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{
    Depth, Engine, Options, Project, Registry, Store, UpdateOptions, ViewKind, WorkingTree,
};
use serde_json::Value;

use bench_support::{
    document, flush, machine, median, parse_size, peak_memory_kib, range, size_label, slice_name,
};

/// The operations, in the order a run performs them.
const OPERATIONS: [&str; 5] = ["update", "sync", "export", "incremental", "prune"];

/// One slice in a hundred changes before the incremental sync.
const CHANGED_EVERY: usize = 100;

/// The store's name and folders, relative to the project root.
const SOURCE: &str = "files/fs";
const ACTIVE: &str = "git_ops/active/fs";
const VIEWS: &str = "git_ops/views/fs";

struct Args {
    sizes: Vec<usize>,
    ops: Vec<String>,
    runs: usize,
    dir: PathBuf,
    durability: Durability,
    threads: usize,
    floor: bool,
}

fn parse_args(args: &[String]) -> Args {
    let mut parsed = Args {
        sizes: vec![1000, 10_000],
        ops: OPERATIONS.iter().map(|s| (*s).to_owned()).collect(),
        runs: 3,
        dir: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/store-bench"
        )),
        durability: Durability::Fsync,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        floor: true,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--sizes" => parsed.sizes = value().split(',').map(parse_size).collect(),
            "--ops" => {
                parsed.ops = value().split(',').map(|s| s.trim().to_owned()).collect();
                for op in &parsed.ops {
                    assert!(OPERATIONS.contains(&op.as_str()), "unknown operation {op}");
                }
            }
            "--runs" => parsed.runs = value().parse().expect("--runs N"),
            "--dir" => parsed.dir = PathBuf::from(value()),
            "--durability" => parsed.durability = parse_durability(value()),
            "--threads" => parsed.threads = value().parse().expect("--threads N"),
            "--no-floor" => parsed.floor = false,
            other => panic!("unknown argument {other} (see the benchmark's documentation)"),
        }
    }
    parsed
}

fn parse_durability(text: &str) -> Durability {
    match text {
        "none" => Durability::None,
        "fsync" => Durability::Fsync,
        other => panic!("durability is fsync or none, not {other}"),
    }
}

fn durability_name(durability: Durability) -> &'static str {
    match durability {
        Durability::None => "none",
        Durability::Fsync => "fsync",
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    if args.is_empty() {
        println!("store benchmark: run it with `cargo bench -p git-ops-runtime --bench store`");
        return;
    }
    let args = parse_args(&args);
    fs::create_dir_all(&args.dir).expect("the benchmark folder");
    let dir = args.dir.canonicalize().expect("the benchmark folder");
    println!("{}", machine(&dir));
    println!(
        "durability {}, {} engine threads, {} runs; times are medians (min–max) of the runs, \
         measured inside a child process per operation\n",
        durability_name(args.durability),
        args.threads,
        args.runs
    );
    print_sets();
    for &size in &args.sizes {
        bench_size(&args, &dir, size);
    }
}

/// What the floors read and write, per operation.
fn print_sets() {
    println!(
        "Read and write sets (what the floor does; N slices, the engine does the same file work through temporary files and renames):"
    );
    println!(
        "  update:      read+parse source + 3 versions of every slice; write the source, its source view and active view"
    );
    println!(
        "  sync:        read+parse source + 3 versions of every slice; write version 4, the source view and the active view"
    );
    println!("  export:      read+parse the 4 versions of every slice; write nothing");
    println!(
        "  incremental: read+parse source + 4 versions of each changed slice (1%); write version 5 and both views of it"
    );
    println!(
        "  prune:       remove versions 1-3 of every slice; read+parse the source and version 4; write both views"
    );
    println!(
        "  (view files written by a floor hold about as many bytes as the engine's: 3 of the slice's documents)\n"
    );
}

/// What a child reports.
#[derive(Debug, Clone, Default)]
struct Measure {
    wall: Duration,
    peak_kib: u64,
    written: usize,
    removed: usize,
    bytes_written: u64,
    read: usize,
    skipped: usize,
}

impl Measure {
    fn encode(&self) -> String {
        format!(
            "RESULT {} {} {} {} {} {} {}",
            self.wall.as_nanos(),
            self.peak_kib,
            self.written,
            self.removed,
            self.bytes_written,
            self.read,
            self.skipped
        )
    }

    fn decode(line: &str) -> Option<Measure> {
        let mut parts = line.strip_prefix("RESULT ")?.split(' ');
        let mut next = || parts.next()?.parse::<u64>().ok();
        Some(Measure {
            wall: Duration::from_nanos(next()?),
            peak_kib: next()?,
            written: next()? as usize,
            removed: next()? as usize,
            bytes_written: next()?,
            read: next()? as usize,
            skipped: next()? as usize,
        })
    }
}

fn run_child(what: &str, project: &Path, args: &Args) -> Measure {
    flush();
    let exe = std::env::current_exe().expect("the benchmark binary");
    let output = Command::new(exe)
        .arg("--child")
        .arg(what)
        .arg(project)
        .arg(durability_name(args.durability))
        .arg(args.threads.to_string())
        .output()
        .expect("the child process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(Measure::decode)
        .unwrap_or_else(|| panic!("{what}: no result in\n{stdout}"))
}

fn bench_size(args: &Args, dir: &Path, size: usize) {
    let label = size_label(size);
    println!("== {label} slices ==");
    let fixture = dir.join(format!("fixture-{size}"));
    let start = Instant::now();
    let store_bytes = generate(&fixture, size);
    println!(
        "generated in {:.1?}: {} files, {:.1} MB of slice data",
        start.elapsed(),
        size * 4,
        store_bytes as f64 / 1e6
    );
    let mut engine: Vec<Vec<Measure>> = vec![Vec::new(); OPERATIONS.len()];
    let mut floors: Vec<Vec<Measure>> = vec![Vec::new(); OPERATIONS.len()];
    let mut data: Vec<u64> = vec![0; OPERATIONS.len()];
    for run in 0..args.runs {
        let work = dir.join(format!("run-{size}"));
        let _ = fs::remove_dir_all(&work);
        copy_tree(&fixture, &work);
        // The last operation measured decides how far a run goes.
        let last = OPERATIONS
            .iter()
            .rposition(|op| args.ops.iter().any(|o| o == op))
            .unwrap_or(0);
        for (i, op) in OPERATIONS.iter().enumerate().take(last + 1) {
            if *op == "incremental" {
                change_sources(&work, size);
            }
            let measured = args.ops.iter().any(|o| o == op);
            data[i] = slice_data_bytes(&work);
            if measured && args.floor {
                let floor = if *op == "export" {
                    run_child("floor-export", &work, args)
                } else {
                    let copy = dir.join(format!("floor-{size}"));
                    let _ = fs::remove_dir_all(&copy);
                    copy_tree(&work, &copy);
                    let measure = run_child(&format!("floor-{op}"), &copy, args);
                    fs::remove_dir_all(&copy).expect("remove the floor's copy");
                    measure
                };
                floors[i].push(floor);
            }
            // Past the change cache's racy margin, as between two commands.
            std::thread::sleep(Duration::from_millis(150));
            let measure = run_child(op, &work, args);
            if measured {
                engine[i].push(measure);
            }
        }
        fs::remove_dir_all(&work).expect("remove the run's store");
        eprintln!("{label}: run {} of {} done", run + 1, args.runs);
    }
    fs::remove_dir_all(&fixture).expect("remove the fixture");
    print_table(size, &engine, &floors, &data);
}

fn print_table(size: usize, engine: &[Vec<Measure>], floors: &[Vec<Measure>], data: &[u64]) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| operation | wall time | MB/s | peak memory | peak / slice data | floor | engine / floor | slices read (skipped) | written / removed |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    let mut full_sync = None;
    for (i, op) in OPERATIONS.iter().enumerate() {
        let runs = &engine[i];
        if runs.is_empty() {
            continue;
        }
        let walls: Vec<f64> = runs.iter().map(|m| m.wall.as_secs_f64()).collect();
        let median = median(&walls);
        if *op == "sync" {
            full_sync = Some(median);
        }
        let peak = runs.iter().map(|m| m.peak_kib).max().unwrap_or(0) as f64 * 1024.0;
        let last = runs.last().expect("a run");
        let (floor, ratio) = if floors[i].is_empty() {
            ("–".to_owned(), "–".to_owned())
        } else {
            let f = wall_list(&floors[i]);
            (range(&f), format!("{:.2}×", median / self::median(&f)))
        };
        let _ = writeln!(
            out,
            "| {op} | {} | {:.0} | {:.0} MB | {:.2} | {floor} | {ratio} | {} ({}) | {} / {} |",
            range(&walls),
            data[i] as f64 / 1e6 / median,
            peak / 1e6,
            peak / data[i] as f64,
            last.read,
            last.skipped,
            last.written,
            last.removed,
        );
    }
    if let Some(full) = full_sync
        && !engine[3].is_empty()
    {
        let incremental = median(&wall_list(&engine[3]));
        let _ = writeln!(
            out,
            "\nincremental sync ({} of {size} changed) / full sync: {:.3}",
            size / CHANGED_EVERY,
            incremental / full
        );
    }
    let _ = writeln!(
        out,
        "slice data: {:.1} MB before update (sources + versions); MB/s is the slice data \
         of the store at the operation's start over the median wall time",
        data[0] as f64 / 1e6
    );
    println!("{out}");
}

fn wall_list(runs: &[Measure]) -> Vec<f64> {
    runs.iter().map(|m| m.wall.as_secs_f64()).collect()
}

/// Builds the store before its first update; returns its slice data bytes.
fn generate(root: &Path, count: usize) -> u64 {
    let _ = fs::remove_dir_all(root);
    let source = root.join(SOURCE);
    let active = root.join(ACTIVE);
    fs::create_dir_all(&source).expect("the source folder");
    fs::create_dir_all(&active).expect("the active folder");
    fs::write(root.join("project.yml"), "name: bench\n").expect("project.yml");
    fs::write(active.join(".migrations.json"), "{\n  \"applied\": []\n}").expect("state");
    let documents = git_ops_runtime::document::DocumentSchema::new(&support::fs());
    let mut bytes = 0;
    for i in 0..count {
        let name = slice_name(i);
        for version in 1..=3 {
            let normalised = documents.normalise(&document(i, version)).expect("valid");
            let text = to_json(&documents.for_file(&normalised));
            bytes += text.len() as u64;
            fs::write(active.join(format!("{name}@v{version}.json")), text).expect("a version");
        }
        // As users write them: some fields only, so update rewrites it.
        let text = to_json(&document(i, 4));
        bytes += text.len() as u64;
        fs::write(source.join(format!("{name}.json")), text).expect("a source");
    }
    bytes
}

/// Changes 1% of the source files (normalised, so that a sync takes them).
fn change_sources(root: &Path, count: usize) {
    let documents = git_ops_runtime::document::DocumentSchema::new(&support::fs());
    for i in (0..count).step_by(CHANGED_EVERY) {
        let normalised = documents.normalise(&document(i, 5)).expect("valid");
        fs::write(
            root.join(SOURCE).join(format!("{}.json", slice_name(i))),
            to_json(&documents.for_file(&normalised)),
        )
        .expect("a changed source");
    }
}

/// The bytes of the source and active files.
fn slice_data_bytes(root: &Path) -> u64 {
    [SOURCE, ACTIVE]
        .iter()
        .filter_map(|folder| fs::read_dir(root.join(folder)).ok())
        .flatten()
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("a folder of the copy");
    for entry in fs::read_dir(from).expect("a folder to copy") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("a file copy");
        }
    }
}

/// Runs one operation or floor and prints its [`Measure`].
fn child(args: &[String]) {
    let [what, project, durability, threads] = args else {
        panic!("--child WHAT PROJECT DURABILITY THREADS");
    };
    let root = PathBuf::from(project);
    let durability = parse_durability(durability);
    let threads: usize = threads.parse().expect("threads");
    // `generate-N` and `change-N` prepare a store by hand, for profiling
    // one operation: `--child generate-10000 DIR none 2`, then
    // `--child update DIR none 2` under `perf record`.
    if let Some(count) = what.strip_prefix("generate-") {
        generate(&root, parse_size(count));
        return;
    }
    if let Some(count) = what.strip_prefix("change-") {
        change_sources(&root, parse_size(count));
        return;
    }
    let mut measure = match what.strip_prefix("floor-") {
        Some(op) => floor(op, &root),
        None => operation(what, &root, durability, threads),
    };
    measure.peak_kib = peak_memory_kib();
    println!("{}", measure.encode());
}

fn operation(op: &str, root: &Path, durability: Durability, threads: usize) -> Measure {
    let mut registry = Registry::new();
    let _ = registry.manifest_store(support::fs());
    let start = Instant::now();
    if op == "export" {
        // What an export compile sees: the active view of every slice,
        // rendered as the view files hold it.
        let store = Store::new(&Project::at(root), support::fs())
            .expect("the store")
            .with_threads(threads);
        let listing = store
            .list_files(&WorkingTree, ViewKind::Active)
            .expect("the listing");
        let mut bytes = 0;
        let mut read = 0;
        for slice in store
            .slices(&WorkingTree, &listing, ViewKind::Active, Depth::Full)
            .with_views()
        {
            let slice = slice.expect("a valid slice");
            bytes += slice.view_file().expect("a view file").content.len() as u64;
            read += 1;
        }
        let wall = start.elapsed();
        std::hint::black_box(bytes);
        return Measure {
            wall,
            read,
            ..Measure::default()
        };
    }
    let engine = Engine::new(Project::at(root), &registry).with_options(Options {
        durability,
        threads,
        ..Options::default()
    });
    let report = match op {
        "update" => engine.update(&UpdateOptions::default()),
        "sync" | "incremental" => engine.sync(),
        "prune" => engine.prune(),
        other => panic!("unknown operation {other}"),
    }
    .expect("the operation succeeds");
    let wall = start.elapsed();
    let mut measure = Measure {
        wall,
        ..Measure::default()
    };
    for store in &report.stores {
        measure.read += store.read;
        measure.skipped += store.skipped;
    }
    for file in report.files() {
        match file.change {
            git_ops_runtime::store::Change::Written => {
                measure.written += 1;
                measure.bytes_written += fs::metadata(root.join(&file.path)).map_or(0, |m| m.len());
            }
            git_ops_runtime::store::Change::Removed => measure.removed += 1,
        }
    }
    measure
}

/// The files of each slice: the source file and the versions by number.
fn slices_on_disk(root: &Path) -> Vec<(String, Vec<PathBuf>)> {
    let mut sources: Vec<PathBuf> = list(&root.join(SOURCE));
    sources.sort();
    let mut versions: Vec<PathBuf> = list(&root.join(ACTIVE));
    versions.sort_by_key(|p| {
        let name = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let (slice, version) = name.split_once("@v").unwrap_or((&name, "0"));
        (slice.to_owned(), version.parse::<u64>().unwrap_or(0))
    });
    let mut out: Vec<(String, Vec<PathBuf>)> = sources
        .into_iter()
        .map(|p| {
            let name = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, vec![p])
        })
        .collect();
    let mut at = 0;
    for version in versions {
        let stem = version
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let name = stem.split_once("@v").map_or(stem.as_str(), |(n, _)| n);
        while out[at].0 != name {
            at += 1;
        }
        out[at].1.push(version);
    }
    out
}

fn list(folder: &Path) -> Vec<PathBuf> {
    fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    !p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .starts_with('.')
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The plain program: the operation's read and write sets, nothing else.
fn floor(op: &str, root: &Path) -> Measure {
    let start = Instant::now();
    let mut measure = Measure::default();
    let source_views = root.join(VIEWS).join("source");
    let active_views = root.join(VIEWS).join("active");
    if op != "export" {
        fs::create_dir_all(&source_views).expect("a view folder");
        fs::create_dir_all(&active_views).expect("a view folder");
    }
    let slices = slices_on_disk(root);
    let write = |path: &Path, bytes: &[u8], measure: &mut Measure| {
        fs::write(path, bytes).expect("a floor write");
        measure.written += 1;
        measure.bytes_written += bytes.len() as u64;
    };
    let read = |path: &Path, measure: &mut Measure| -> Value {
        let bytes = fs::read(path).expect("a floor read");
        measure.read += 1;
        serde_json::from_slice(&bytes).expect("JSON")
    };
    for (index, (name, files)) in slices.iter().enumerate() {
        let (source, versions) = files.split_first().expect("a source file");
        let view_bytes = |docs: &[Value]| {
            let three: Vec<&Value> = docs.iter().cycle().take(3).collect();
            serde_json::to_vec_pretty(&three).expect("JSON")
        };
        // Both view files of the slice.
        let write_views = |view: &[u8], measure: &mut Measure| {
            write(&source_views.join(format!("{name}.json")), view, measure);
            write(&active_views.join(format!("{name}.json")), view, measure);
        };
        match op {
            "update" | "sync" | "incremental" => {
                // The incremental sync reads and writes the changed slices only.
                if op == "incremental" && index % CHANGED_EVERY != 0 {
                    continue;
                }
                let docs: Vec<Value> = files.iter().map(|f| read(f, &mut measure)).collect();
                let text = serde_json::to_vec_pretty(&docs[0]).expect("JSON");
                if op == "update" {
                    write(source, &text, &mut measure);
                } else {
                    let next = root
                        .join(ACTIVE)
                        .join(format!("{name}@v{}.json", versions.len() + 1));
                    write(&next, &text, &mut measure);
                }
                write_views(&view_bytes(&docs), &mut measure);
            }
            "export" => {
                for version in versions {
                    std::hint::black_box(read(version, &mut measure));
                }
            }
            "prune" => {
                let (latest, older) = versions.split_last().expect("a version");
                for old in older {
                    fs::remove_file(old).expect("a floor removal");
                    measure.removed += 1;
                }
                let docs = vec![read(source, &mut measure), read(latest, &mut measure)];
                write_views(&view_bytes(&docs), &mut measure);
            }
            other => panic!("no floor for {other}"),
        }
    }
    measure.wall = start.elapsed();
    measure
}
