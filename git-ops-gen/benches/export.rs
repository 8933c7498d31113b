//! The export-compile benchmark (`docs/performance.md`): real `inmanta
//! compile` runs of a project using a generated module, with 1k and 10k
//! slices, next to the same compile with no slices, and the generated
//! plugin's own work timed alone.
//!
//! ```text
//! cargo bench -p git-ops-gen --bench export -- [OPTIONS]
//!
//!   --sizes 1k,10k   slices in the store (default 1k,10k)
//!   --runs N         compiles of each kind (default 3)
//!   --dir PATH       where the module and the projects are built (default
//!                    target/export-bench)
//!   --full           also compile the scaffolded main.cf (every object
//!                    created as an entity: mostly the compiler's own work)
//!   --keep           keep the projects (DIR/project-N), e.g. to profile a
//!                    compile in one
//! ```
//!
//! The module is `fs` (the example schema of
//! `git-ops-runtime/benches/store.rs`: slices of about 1 KB, a root folder
//! with 5 file objects), generated with this build of the generator and
//! installed (`pip install -e`) into the test virtualenv (`GIT_OPS_VENV`,
//! default `.venv`, made by `scripts/setup-venv`: inmanta-core 14). The
//! project is scaffolded for it; every slice is synced three times (3
//! active versions, so a view checks 3 input files).
//!
//! What is compiled, each `--runs` times, as a separate process measured
//! like the command benchmark (wall, CPU, peak memory):
//!
//! - **empty**: `main.cf` calls `fs::unroll_slices("fs")` and keeps the
//!   result, with `INMANTA_GIT_OPS_COMPILE_MODE=empty`: the plugin returns
//!   no slice. Compiler start, module loading, the model;
//! - **export**: the same `main.cf` in export mode (the default): the
//!   plugin reads and checks the active views of every slice and returns
//!   every record;
//! - **plugin alone**: the plugin's reading and checking of the views
//!   (`_load` of the generated plugin), in the virtualenv's Python, outside
//!   a compile, timed in that process;
//! - with `--full`, the scaffolded `main.cf` (every object an entity) in
//!   both modes.
//!
//! The figure of interest is *export − empty*: what a compile pays for the
//! slices, of which the plugin's own work is the *plugin share*; the rest
//! is inmanta handing the records from the plugin to the model.
//!
//! Not a test: nothing is asserted. Without arguments (as `cargo test
//! --benches` runs it) it does nothing.

#[path = "../../git-ops-runtime/benches/bench_support/mod.rs"]
mod bench_support;
mod measure;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use bench_support::{document, machine, median, parse_size, range, seconds, size_label};
use git_ops_gen::package::{PackageSpec, write_python_package};
use git_ops_gen::project::{ProjectModule, ProjectSpec, scaffold_project};
use git_ops_gen::{ModuleSpec, generate_module};
use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::format::json::to_json;
use git_ops_runtime::store::{Engine, Options, Project, Registry, UpdateOptions};
use git_ops_runtime::{Slice, StoreSchema};
use measure::{Measure, measure_process, run_measured};

/// The module and its one store.
const MODULE: &str = "fs";
const STORE: &str = "fs";

/// The main.cf of the plugin compiles: the records, kept, no entity.
const PLUGIN_MAIN: &str = "import fs\n\nrecords = fs::unroll_slices(\"fs\")\n";

/// Times the plugin's reading and checking of the active views, in the
/// process, outside a compile. Argument: the project root.
const PLUGIN_ALONE: &str = r#"
import sys, time
import inmanta_plugins.fs as plugin
start, cpu = time.perf_counter(), time.process_time()
views = plugin._load(sys.argv[1], "fs", "active", "hashes")
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
print("RESULT %d %d 0" % (wall * 1e9, cpu * 1e9), len(views.records))
"#;

struct Args {
    sizes: Vec<usize>,
    runs: usize,
    dir: PathBuf,
    full: bool,
    keep: bool,
}

fn parse_args(args: &[String]) -> Args {
    let mut parsed = Args {
        sizes: vec![1000, 10_000],
        runs: 3,
        dir: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/export-bench"
        )),
        full: false,
        keep: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--sizes" => parsed.sizes = value().split(',').map(parse_size).collect(),
            "--runs" => parsed.runs = value().parse().expect("--runs N"),
            "--dir" => parsed.dir = PathBuf::from(value()),
            "--full" => parsed.full = true,
            "--keep" => parsed.keep = true,
            other => panic!("unknown argument {other} (see the benchmark's documentation)"),
        }
    }
    parsed
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [child, run, program, rest @ ..] = args.as_slice()
        && child == "--child"
        && run == "run"
    {
        println!("{}", run_measured(program, rest).encode());
        return;
    }
    if args.is_empty() {
        println!(
            "export benchmark: run it with `cargo bench -p git-ops-gen --bench export -- --sizes 1k,10k`"
        );
        return;
    }
    let args = parse_args(&args);
    let venv = venv();
    fs::create_dir_all(&args.dir).expect("the benchmark folder");
    let dir = args.dir.canonicalize().expect("the benchmark folder");
    println!("{}", machine(&dir));
    println!("{}", inmanta_version(&venv));
    println!(
        "{} runs; times are medians (min–max); CPU is user + system time of the process\n",
        args.runs
    );
    let schema = ::fs::RootFolder::store_schema();
    let module = install_module(&venv, &dir, &schema);
    for &size in &args.sizes {
        bench_size(&args, &venv, &dir, &module, &schema, size);
    }
}

/// The virtualenv with the inmanta compiler.
fn venv() -> PathBuf {
    let venv = std::env::var_os("GIT_OPS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv"));
    assert!(
        venv.join("bin/inmanta").is_file(),
        "no inmanta compiler in {}: run scripts/setup-venv (or set GIT_OPS_VENV)",
        venv.display()
    );
    venv
}

fn inmanta_version(venv: &Path) -> String {
    let output = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            "import sys, importlib.metadata as m; print('inmanta-core', m.version('inmanta-core'), 'on Python', sys.version.split()[0])",
        ])
        .output()
        .expect("the virtualenv's Python");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Generates module `fs` with this build's generator and installs it
/// (editable) into the virtualenv; returns its spec.
fn install_module(venv: &Path, dir: &Path, schema: &StoreSchema) -> ModuleSpec {
    let folder = dir.join("module");
    let _ = fs::remove_dir_all(&folder);
    write_python_package(&folder, &PackageSpec::new(MODULE)).expect("the package");
    let spec = ModuleSpec {
        name: MODULE.to_owned(),
        dir: folder.clone(),
        header: None,
        stores: vec![schema.clone()],
        explicit_parent_relations: false,
        migrations: Default::default(),
    };
    generate_module(&spec).expect("the module");
    let output = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-e",
        ])
        .arg(&folder)
        .output()
        .expect("pip");
    assert!(
        output.status.success(),
        "pip install failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    spec
}

/// A scaffolded project with `size` slices synced three times.
fn project(dir: &Path, module: &ModuleSpec, schema: &StoreSchema, size: usize) -> PathBuf {
    let root = dir.join(format!("project-{size}"));
    let _ = fs::remove_dir_all(&root);
    scaffold_project(&ProjectSpec {
        name: "bench".to_owned(),
        dir: root.clone(),
        modules: vec![ProjectModule::from(module)],
    })
    .expect("the project");
    let mut registry = Registry::new();
    let _ = registry.manifest_store(schema.clone());
    let engine = Engine::new(Project::at(&root), &registry).with_options(Options {
        durability: Durability::None,
        ..Options::default()
    });
    let source = root.join("files").join(STORE);
    fs::create_dir_all(&source).expect("the source folder");
    for revision in 1..=3 {
        for i in 0..size {
            fs::write(
                source.join(format!("{}.json", bench_support::slice_name(i))),
                to_json(&document(i, revision)),
            )
            .expect("a source file");
        }
        engine
            .update(&UpdateOptions::default())
            .and_then(|_| engine.sync())
            .expect("update and sync");
    }
    root
}

/// `inmanta compile` in `root`, with `main`, in `mode`.
fn compile(venv: &Path, root: &Path, main: &str, mode: &str) -> Measure {
    fs::write(root.join("main.cf"), main).expect("main.cf");
    let mut command = Command::new(venv.join("bin/inmanta"));
    command
        .arg("compile")
        .current_dir(root)
        .env("INMANTA_GIT_OPS_COMPILE_MODE", mode)
        .env_remove("INMANTA_GIT_OPS_VIEW_CHECK");
    measure_process(&command)
}

/// The plugin's own work, timed in the virtualenv's Python.
fn plugin_alone(venv: &Path, root: &Path) -> Measure {
    let mut command = Command::new(venv.join("bin/python"));
    command.arg("-c").arg(PLUGIN_ALONE).arg(root);
    measure::read_result(&mut command, "the plugin alone")
}

fn bench_size(
    args: &Args,
    venv: &Path,
    dir: &Path,
    module: &ModuleSpec,
    schema: &StoreSchema,
    size: usize,
) {
    let label = size_label(size);
    println!("== {label} slices ==");
    let start = Instant::now();
    let root = project(dir, module, schema, size);
    let full_main = fs::read_to_string(root.join("main.cf")).expect("the scaffolded main.cf");
    println!(
        "project written and synced 3 times in {:.1?}",
        start.elapsed()
    );
    let mut rows: Vec<(&str, Vec<Measure>)> = vec![
        ("empty", Vec::new()),
        ("export", Vec::new()),
        ("plugin alone", Vec::new()),
    ];
    if args.full {
        rows.push(("full, empty", Vec::new()));
        rows.push(("full, export", Vec::new()));
    }
    for _ in 0..args.runs {
        rows[0].1.push(compile(venv, &root, PLUGIN_MAIN, "empty"));
        rows[1].1.push(compile(venv, &root, PLUGIN_MAIN, "export"));
        rows[2].1.push(plugin_alone(venv, &root));
        if args.full {
            rows[3].1.push(compile(venv, &root, &full_main, "empty"));
            rows[4].1.push(compile(venv, &root, &full_main, "export"));
        }
    }
    print_table(&rows);
    if !args.keep {
        fs::remove_dir_all(&root).expect("remove the project");
    }
}

fn print_table(rows: &[(&str, Vec<Measure>)]) {
    let walls = |runs: &[Measure]| {
        runs.iter()
            .map(|m| m.wall.as_secs_f64())
            .collect::<Vec<_>>()
    };
    let cpus = |runs: &[Measure]| runs.iter().map(|m| m.cpu.as_secs_f64()).collect::<Vec<_>>();
    let mut out = String::new();
    let _ = writeln!(out, "| compile | wall time | CPU | peak memory |");
    let _ = writeln!(out, "|---|---|---|---|");
    for (what, runs) in rows {
        let peak = runs.iter().map(|m| m.peak_kib).max().unwrap_or(0);
        let peak = if peak == 0 {
            "–".to_owned()
        } else {
            format!("{:.0} MB", peak as f64 / 1e3)
        };
        let _ = writeln!(
            out,
            "| {what} | {} | {} | {peak} |",
            range(&walls(runs)),
            seconds(median(&cpus(runs)))
        );
    }
    let med = |i: usize, f: &dyn Fn(&[Measure]) -> Vec<f64>| median(&f(&rows[i].1));
    let above_wall = med(1, &walls) - med(0, &walls);
    let above_cpu = med(1, &cpus) - med(0, &cpus);
    let _ = writeln!(
        out,
        "\nexport − empty: {} wall, {} CPU; the plugin alone: {} wall ({:.0}% of export − empty), {} CPU",
        seconds(above_wall),
        seconds(above_cpu),
        seconds(med(2, &walls)),
        100.0 * med(2, &walls) / above_wall,
        seconds(med(2, &cpus)),
    );
    if rows.len() > 3 {
        let _ = writeln!(
            out,
            "full export − full empty: {} wall, {} CPU",
            seconds(med(4, &walls) - med(3, &walls)),
            seconds(med(4, &cpus) - med(3, &cpus)),
        );
    }
    println!("{out}");
}
