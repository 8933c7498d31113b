//! The command benchmark (`docs/performance.md`): `git-ops project check`,
//! `plan --base HEAD` and `slice list`, run as a user runs them (the
//! `git-ops` binary of this build, one process per command), on a project
//! in a git repository, each next to its *floor*: a plain single-threaded
//! program that reads and parses with `serde_json` the files the command
//! must read, nothing else.
//!
//! ```text
//! cargo bench -p git-ops-gen --bench commands -- [OPTIONS]
//!
//!   --sizes 1k,10k[,100k]   slices in the store (default 1k,10k)
//!   --ops LIST              check,plan,list (default all)
//!   --runs N                repetitions of every measurement (default 3)
//!   --dir PATH              where the projects are built (default
//!                           target/commands-bench; /dev/shm/... for tmpfs)
//!   --no-floor              skip the floors
//!   --keep                  keep the projects (DIR/project-N), e.g. to
//!                           profile a command in one
//! ```
//!
//! The project has one store, `fs` (the example schema of
//! `git-ops-runtime/benches/store.rs`: slices of about 1 KB), read through
//! the store manifest of `tests/cli/modules/fs/` (`GIT_OPS_MANIFEST`). Its
//! N slices get 3 versions each through the binary (`update` and `sync`,
//! three times), then everything is committed (the project's `.gitignore`
//! is the scaffold's: no lock, cache nor source views). One slice in ten is
//! then changed and updated in the working tree, as on a branch before its
//! sync: at 10k, 1 000 changed slices. The change cache is deleted, as in a
//! fresh clone (what CI runs).
//!
//! Each command then runs `--runs` times, its output to `/dev/null`; the
//! wall time, the CPU time (user + system) and the peak resident memory
//! (`ru_maxrss`) are the command's, taken by a child process of this binary
//! that runs it (`--child run ...`) with `getrusage` of its children. A
//! floor runs in a child process of this binary (`--child floor-OP
//! PROJECT`), which reports its own wall time, CPU time and peak memory.
//! The read sets:
//!
//! | command | the floor reads and parses |
//! |---|---|
//! | check | every source file, every active version; reads (no parse) both view files of every slice |
//! | plan | every active version in the commit (one read of the active folder's tree, then each blob by id), every source file and active version in the working tree |
//! | list | every source file and every active version |
//!
//! Not a test: nothing is asserted. With neither `--bench` (which `cargo
//! bench` passes) nor an option, it does nothing.

#[path = "../../git-ops-runtime/benches/bench_support/mod.rs"]
mod bench_support;
mod measure;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use bench_support::{
    document, machine, median, parse_size, range, seconds, size_label, slice_name,
};
use measure::{Measure, measure_process, own_usage, read_result, run_measured};
use serde_json::Value;

/// The commands, in the order they are measured.
const COMMANDS: [&str; 3] = ["check", "plan", "list"];

/// One slice in ten changes on the "branch".
const CHANGED_EVERY: usize = 10;

const SOURCE: &str = "files/fs";
const ACTIVE: &str = "git_ops/active/fs";
const VIEWS: &str = "git_ops/views/fs";

struct Args {
    sizes: Vec<usize>,
    ops: Vec<String>,
    runs: usize,
    dir: PathBuf,
    floor: bool,
    keep: bool,
}

fn parse_args(args: &[String]) -> Args {
    let mut parsed = Args {
        sizes: vec![1000, 10_000],
        ops: COMMANDS.iter().map(|s| (*s).to_owned()).collect(),
        runs: 3,
        dir: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/commands-bench"
        )),
        floor: true,
        keep: false,
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
                    assert!(COMMANDS.contains(&op.as_str()), "unknown command {op}");
                }
            }
            "--runs" => parsed.runs = value().parse().expect("--runs N"),
            "--dir" => parsed.dir = PathBuf::from(value()),
            "--no-floor" => parsed.floor = false,
            "--keep" => parsed.keep = true,
            other => panic!("unknown argument {other} (see the benchmark's documentation)"),
        }
    }
    parsed
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    if args.is_empty() {
        println!(
            "command benchmark: run it with `cargo bench -p git-ops-gen --bench commands -- --sizes 1k,10k`"
        );
        return;
    }
    let args = parse_args(&args);
    fs::create_dir_all(&args.dir).expect("the benchmark folder");
    let dir = args.dir.canonicalize().expect("the benchmark folder");
    println!("{}", machine(&dir));
    println!(
        "{} runs; times are medians (min–max) of the runs; CPU is user + system time of the process\n",
        args.runs
    );
    for &size in &args.sizes {
        bench_size(&args, &dir, size);
    }
}

/// The `git-ops` binary of this build.
fn git_ops() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_git-ops"));
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/modules/fs/inmanta_plugins/fs/git_ops_manifest.json");
    command
        .env("GIT_OPS_MANIFEST", manifest)
        .env("GIT_OPS_DURABILITY", "none")
        .env("NO_COLOR", "1")
        .env_remove("GIT_OPS_PROJECT");
    command
}

/// Runs a setup command; panics when it fails.
fn run(command: &mut Command, root: &Path) {
    let output = command
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("the command runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn git(root: &Path, args: &[&str]) {
    run(
        Command::new("git")
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Bench")
            .env("GIT_AUTHOR_EMAIL", "bench@example.com")
            .env("GIT_COMMITTER_NAME", "Bench")
            .env("GIT_COMMITTER_EMAIL", "bench@example.com"),
        root,
    );
}

/// Writes every source file at `revision` (one slice in `every`).
fn write_sources(root: &Path, size: usize, revision: usize, every: usize) {
    for i in (0..size).step_by(every) {
        let text = serde_json::to_string_pretty(&document(i, revision)).expect("JSON");
        fs::write(
            root.join(SOURCE).join(format!("{}.json", slice_name(i))),
            text,
        )
        .expect("a source file");
    }
}

/// The project, committed with 3 versions of every slice, then one slice
/// in ten changed and updated.
fn generate(root: &Path, size: usize) {
    let _ = fs::remove_dir_all(root);
    fs::create_dir_all(root.join(SOURCE)).expect("the source folder");
    fs::write(root.join("project.yml"), "name: bench\n").expect("project.yml");
    let ignore = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../templates/project/gitignore"
    ))
    .expect("the project template's .gitignore")
    .replace("{{lock_file}}", git_ops_runtime::store::LOCK_FILE)
    .replace("{{journal_file}}", git_ops_runtime::store::JOURNAL_FILE)
    .replace("{{cache_folder}}", git_ops_runtime::store::CACHE_FOLDER)
    .replace(
        "{{temporary_suffix}}",
        git_ops_runtime::format::atomic::TEMPORARY_SUFFIX,
    );
    fs::write(root.join(".gitignore"), ignore).expect(".gitignore");
    for revision in 1..=3 {
        write_sources(root, size, revision, 1);
        run(git_ops().args(["project", "update"]), root);
        run(git_ops().args(["project", "sync"]), root);
    }
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(
        root,
        &["commit", "-q", "-m", "three versions of every slice"],
    );
    write_sources(root, size, 4, CHANGED_EVERY);
    run(git_ops().args(["project", "update"]), root);
    let _ = fs::remove_dir_all(root.join(git_ops_runtime::store::CACHE_FOLDER));
}

/// The command line of a measured command.
fn command_args(op: &str) -> &'static [&'static str] {
    match op {
        "check" => &["project", "check"],
        "plan" => &["project", "plan", "--base", "HEAD"],
        "list" => &["project", "slice", "list"],
        other => panic!("unknown command {other}"),
    }
}

fn run_floor(op: &str, root: &Path) -> Measure {
    let mut child = Command::new(std::env::current_exe().expect("the benchmark binary"));
    child.arg("--child").arg(format!("floor-{op}")).arg(root);
    read_result(&mut child, &format!("floor {op}"))
}

fn bench_size(args: &Args, dir: &Path, size: usize) {
    let label = size_label(size);
    println!("== {label} slices ==");
    let root = dir.join(format!("project-{size}"));
    let start = Instant::now();
    generate(&root, size);
    println!(
        "project generated and committed in {:.1?}; {} of {size} slices changed and updated",
        start.elapsed(),
        size.div_ceil(CHANGED_EVERY)
    );
    let mut rows = Vec::new();
    for op in COMMANDS {
        if !args.ops.iter().any(|o| o == op) {
            continue;
        }
        let mut runs = Vec::new();
        let mut floors = Vec::new();
        for _ in 0..args.runs {
            // check exits 1: the changed slices are not synced.
            runs.push(measure_process(
                git_ops().args(command_args(op)).current_dir(&root),
            ));
            if args.floor {
                floors.push(run_floor(op, &root));
            }
        }
        rows.push((op, runs, floors));
    }
    print_table(&rows);
    if !args.keep {
        fs::remove_dir_all(&root).expect("remove the project");
    }
}

type Row<'a> = (&'a str, Vec<Measure>, Vec<Measure>);

fn print_table(rows: &[Row<'_>]) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| command | wall time | CPU | peak memory | floor | floor peak | command / floor |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    let walls = |runs: &[Measure]| {
        runs.iter()
            .map(|m| m.wall.as_secs_f64())
            .collect::<Vec<_>>()
    };
    let peak = |runs: &[Measure]| runs.iter().map(|m| m.peak_kib).max().unwrap_or(0) as f64 / 1e3;
    let mut check = None;
    for (op, runs, floors) in rows {
        let wall = walls(runs);
        let cpu: Vec<f64> = runs.iter().map(|m| m.cpu.as_secs_f64()).collect();
        if *op == "check" {
            check = Some((median(&wall), peak(runs)));
        }
        let (floor, floor_peak, ratio) = if floors.is_empty() {
            ("–".to_owned(), "–".to_owned(), "–".to_owned())
        } else {
            let f = walls(floors);
            (
                range(&f),
                format!("{:.0} MB", peak(floors)),
                format!("{:.2}×", median(&wall) / median(&f)),
            )
        };
        let _ = writeln!(
            out,
            "| {op} | {} | {} | {:.0} MB | {floor} | {floor_peak} | {ratio} |",
            range(&wall),
            seconds(median(&cpu)),
            peak(runs),
        );
    }
    if let Some((check_wall, check_peak)) = check
        && let Some((_, runs, _)) = rows.iter().find(|(op, ..)| *op == "plan")
    {
        let _ = writeln!(
            out,
            "\nplan --base / check: wall time {:.2}×, peak memory {:.2}×",
            median(&walls(runs)) / check_wall,
            peak(runs) / check_peak
        );
    }
    println!("{out}");
}

/// Runs one measured command or floor and prints its [`Measure`].
fn child(args: &[String]) {
    if let [run, program, rest @ ..] = args
        && run == "run"
    {
        println!("{}", run_measured(program, rest).encode());
        return;
    }
    let [what, project] = args else {
        panic!("--child floor-OP PROJECT");
    };
    let root = PathBuf::from(project);
    let start = Instant::now();
    let parsed = match what.as_str() {
        "floor-check" => {
            let mut n = parse_folder(&root.join(SOURCE)) + parse_folder(&root.join(ACTIVE));
            for kind in ["source", "active"] {
                n += read_folder(&root.join(VIEWS).join(kind));
            }
            n
        }
        "floor-plan" => {
            parse_commit_folder(&root, ACTIVE)
                + parse_folder(&root.join(SOURCE))
                + parse_folder(&root.join(ACTIVE))
        }
        "floor-list" => parse_folder(&root.join(SOURCE)) + parse_folder(&root.join(ACTIVE)),
        other => panic!("no floor {other}"),
    };
    std::hint::black_box(parsed);
    println!("{}", own_usage(start).encode());
}

/// The files of `folder` whose name does not start with `.`.
fn files(folder: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(folder)
        .expect("a folder")
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// Reads and parses every file of `folder`; how many.
fn parse_folder(folder: &Path) -> usize {
    let files = files(folder);
    for file in &files {
        let bytes = fs::read(file).expect("a file");
        let value: Value = serde_json::from_slice(&bytes).expect("JSON");
        std::hint::black_box(value);
    }
    files.len()
}

/// Reads every file of `folder`; how many.
fn read_folder(folder: &Path) -> usize {
    let files = files(folder);
    for file in &files {
        std::hint::black_box(fs::read(file).expect("a file"));
    }
    files.len()
}

/// Reads and parses every blob of `folder` in the commit `HEAD` of the
/// repository at `root`: the folder's tree is found once, each blob read
/// by id.
fn parse_commit_folder(root: &Path, folder: &str) -> usize {
    let repo = git2::Repository::open(root).expect("the repository");
    let tree = repo
        .head()
        .and_then(|head| head.peel_to_tree())
        .expect("HEAD's tree");
    let entry = tree.get_path(Path::new(folder)).expect("the folder");
    let folder = repo.find_tree(entry.id()).expect("the folder's tree");
    let mut n = 0;
    for entry in folder.iter() {
        if entry.name_bytes().starts_with(b".") {
            continue;
        }
        let blob = repo.find_blob(entry.id()).expect("a blob");
        let value: Value = serde_json::from_slice(blob.content()).expect("JSON");
        std::hint::black_box(value);
        n += 1;
    }
    n
}
