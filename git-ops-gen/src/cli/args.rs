//! The command line's arguments (clap): what each command takes. The
//! commands themselves are in [`super::commands`]; `docs/cli.md` is the
//! reference.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use git_ops_runtime::format::atomic::Durability;

use super::term::LogLevel;

/// GitOps for the inmanta orchestrator: slices of service instances as
/// JSON/YAML files in git, versioned in an active store.
///
/// `git-ops module ...` works on an inmanta module (generate its model,
/// list its stores), `git-ops project ...` on an inmanta project (update,
/// sync, prune, slices, plan, check, status), `git-ops new ...` creates
/// either. Data goes to stdout, logs and errors to stderr.
#[derive(Debug, Parser)]
#[command(name = "git-ops", version, max_term_width = 100)]
pub struct Cli {
    /// How much to log on stderr: error, warn, info (what the command does)
    /// or debug (also where things were found and why).
    #[arg(
        long,
        global = true,
        value_enum,
        ignore_case = true,
        hide_possible_values = true,
        default_value = "info",
        env = "GIT_OPS_LOG_LEVEL",
        hide_env_values = true,
        value_name = "LEVEL"
    )]
    pub log_level: LogLevel,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work on an inmanta module: generate its model, list its stores.
    Module(ModuleArgs),
    /// Work on an inmanta project (the nearest folder with a project.yml).
    Project(ProjectArgs),
    /// Create a new module (a Rust crate and an inmanta module) or project.
    #[command(subcommand)]
    New(NewCommand),
    /// Print the completion script of a shell.
    ///
    /// bash: `git-ops completions bash > ~/.local/share/bash-completion/completions/git-ops`;
    /// zsh: `git-ops completions zsh > ~/.zfunc/_git-ops` (with `~/.zfunc` in `fpath`);
    /// fish: `git-ops completions fish > ~/.config/fish/completions/git-ops.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// The shells `completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// GNU bash.
    Bash,
    /// Z shell.
    Zsh,
    /// The friendly interactive shell.
    Fish,
}

/// `git-ops module`.
#[derive(Debug, Args)]
pub struct ModuleArgs {
    /// The module's folder (where setup.cfg, model/ and inmanta_plugins/ are).
    #[arg(
        long,
        env = "INMANTA_GIT_OPS_MODULE_PATH",
        hide_env_values = true,
        default_value = ".",
        value_name = "DIR"
    )]
    pub module_path: PathBuf,
    /// The command.
    #[command(subcommand)]
    pub command: ModuleCommand,
}

/// `git-ops module <command>`.
#[derive(Debug, Subcommand)]
pub enum ModuleCommand {
    /// Generate the module's model, JSON Schemas, store manifest and plugin.
    ///
    /// The module's own binary generates from its slice types; the plain
    /// `git-ops` regenerates from the module's store manifest.
    Generate {
        /// Name the reverse relation of embedded entities after their owner
        /// instead of `parent`.
        #[arg(
            long,
            env = "INMANTA_GIT_OPS_EXPLICIT_PARENT_RELATIONS",
            hide_env_values = true
        )]
        explicit_parent_relations: bool,
    },
    /// The module's stores.
    #[command(subcommand)]
    Store(StoreCommand),
}

/// `git-ops module store <command>`.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// List the module's stores.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// Print the JSON Schema of a store's slice files.
    Schema {
        /// The store.
        #[arg(long, value_name = "STORE")]
        store: String,
    },
}

/// `table` or `json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// A table for humans.
    Table,
    /// JSON, 2-space indent.
    Json,
}

/// `text` or `json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Text for humans.
    Text,
    /// JSON, 2-space indent.
    Json,
}

/// `table`, `json` or `markdown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A table for humans.
    Table,
    /// JSON, 2-space indent.
    Json,
    /// Markdown, ready to paste as a pull-request comment.
    Markdown,
}

/// `git-ops project`.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The project's folder [default: the nearest folder holding a
    /// project.yml, from the working directory up].
    #[arg(
        long,
        env = "GIT_OPS_PROJECT",
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub project: Option<PathBuf>,
    /// Use this store manifest (inmanta_plugins/<module>/git_ops_manifest.json)
    /// instead of looking for the project's modules; repeat for several
    /// (the variable: paths separated by `:`).
    #[arg(
        long = "manifest",
        env = "GIT_OPS_MANIFEST",
        hide_env_values = true,
        value_delimiter = ':',
        value_name = "FILE"
    )]
    pub manifests: Vec<PathBuf>,
    /// The Python environment whose installed modules to use: its
    /// interpreter or its folder [default: $VIRTUAL_ENV, else the project's
    /// .venv].
    #[arg(
        long,
        env = "GIT_OPS_PYTHON",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub python: Option<PathBuf>,
    /// The command.
    #[command(subcommand)]
    pub command: ProjectCommand,
}

/// `--store`, repeatable: the stores a command works on.
#[derive(Debug, Args, Clone, Default)]
pub struct StoreFilter {
    /// Only this store (repeat for several) [default: every store].
    #[arg(long = "store", value_name = "STORE")]
    pub stores: Vec<String>,
}

/// How a writing command writes.
#[derive(Debug, Args, Clone)]
pub struct WriteArgs {
    /// `fsync`: the files are on disk when the command returns; `none`:
    /// faster, still all-or-nothing after a crash of the process (CI,
    /// throw-away checkouts).
    #[arg(
        long,
        value_enum,
        default_value = "fsync",
        env = "GIT_OPS_DURABILITY",
        hide_env_values = true,
        value_name = "MODE"
    )]
    pub durability: DurabilityArg,
    /// Wait for another git-ops command writing to the project to finish,
    /// instead of failing.
    #[arg(long)]
    pub wait: bool,
}

/// [`Durability`], as an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DurabilityArg {
    /// Sync files and folders to disk.
    Fsync,
    /// Do not sync.
    None,
}

impl From<DurabilityArg> for Durability {
    fn from(value: DurabilityArg) -> Durability {
        match value {
            DurabilityArg::Fsync => Durability::Fsync,
            DurabilityArg::None => Durability::None,
        }
    }
}

/// `git-ops project <command>`.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Apply migrations, fill processor values, normalise the source files,
    /// refresh the views and JSON Schema files.
    Update {
        /// Run every processor again, also on fields that have a value.
        #[arg(long)]
        refresh: bool,
        #[command(flatten)]
        #[allow(missing_docs)]
        stores: StoreFilter,
        #[command(flatten)]
        #[allow(missing_docs)]
        write: WriteArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextFormat,
    },
    /// Write the new versions of the slices into the active store.
    Sync {
        #[command(flatten)]
        #[allow(missing_docs)]
        stores: StoreFilter,
        #[command(flatten)]
        #[allow(missing_docs)]
        write: WriteArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextFormat,
    },
    /// Remove the active versions older than each slice's latest.
    Prune {
        #[command(flatten)]
        #[allow(missing_docs)]
        stores: StoreFilter,
        #[command(flatten)]
        #[allow(missing_docs)]
        write: WriteArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextFormat,
    },
    /// Finish an operation that was interrupted (its journal is left).
    ///
    /// Replays the journal `git_ops/.journal.json` of an interrupted update,
    /// sync, prune or create, rolling the operation forward: every writing
    /// command does this first, this one also finishes an operation one of
    /// whose files the file system cannot hold (a name too long, in a
    /// journal of an older git-ops) without that file, and lists it. Then
    /// removes leftover temporary files. A journal naming a path git-ops
    /// does not write is refused whole.
    Recover {
        #[command(flatten)]
        #[allow(missing_docs)]
        write: WriteArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextFormat,
    },
    /// Create, list and inspect slices.
    #[command(subcommand)]
    Slice(SliceCommand),
    /// What the working tree creates, updates and deletes against a commit.
    ///
    /// Compares the slices the orchestrator gets at REV (its active store)
    /// with the slices it gets once this working tree is synced and merged
    /// (the source view), slice by slice and object by object.
    Plan {
        /// The commit, branch or tag to compare with (e.g. `origin/main`).
        #[arg(long, value_name = "REV")]
        base: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: PlanFormat,
        /// Exit with 0 when nothing changes, 2 when something does, 1 on
        /// error.
        #[arg(long)]
        detailed_exitcode: bool,
        #[command(flatten)]
        #[allow(missing_docs)]
        stores: StoreFilter,
    },
    /// Fail, listing every problem, unless the project is ready to merge.
    ///
    /// Checks that every source slice is valid, no migration is pending, an
    /// update would change nothing (sources normalised, processor values
    /// filled, views and JSON Schema files fresh), a sync would write
    /// nothing, and no interrupted operation left its journal.
    Check {
        #[command(flatten)]
        #[allow(missing_docs)]
        stores: StoreFilter,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextFormat,
    },
    /// The stores, their slices and versions, and what update and sync would
    /// do.
    Status {
        #[command(flatten)]
        #[allow(missing_docs)]
        stores: StoreFilter,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
}

/// The slice a `slice create` or `slice inspect` acts on.
#[derive(Debug, Args, Clone)]
pub struct SliceTarget {
    /// The store [prompted on a terminal when missing].
    #[arg(
        long,
        env = "INMANTA_GIT_OPS_SLICE_STORE",
        hide_env_values = true,
        value_name = "STORE"
    )]
    pub store: Option<String>,
    /// The slice name [prompted on a terminal when missing].
    #[arg(
        long,
        env = "INMANTA_GIT_OPS_SLICE_NAME",
        hide_env_values = true,
        value_name = "NAME"
    )]
    pub name: Option<String>,
}

/// `git-ops project slice <command>`.
#[derive(Debug, Subcommand)]
pub enum SliceCommand {
    /// Create a source file with the scaffold of the store's slice type.
    Create {
        #[command(flatten)]
        #[allow(missing_docs)]
        target: SliceTarget,
        /// The format of the file.
        #[arg(
            long,
            value_enum,
            default_value = "json",
            env = "INMANTA_GIT_OPS_SLICE_EXTENSION",
            hide_env_values = true
        )]
        extension: Extension,
        #[command(flatten)]
        #[allow(missing_docs)]
        write: WriteArgs,
    },
    /// List the slices (as they will be once synced).
    List {
        /// Only this store.
        #[arg(
            long,
            env = "INMANTA_GIT_OPS_SLICE_STORE",
            hide_env_values = true,
            value_name = "STORE"
        )]
        store: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// Print a slice's record: its version and merged attributes.
    Inspect {
        #[command(flatten)]
        #[allow(missing_docs)]
        target: SliceTarget,
    },
}

/// The extension of a new slice file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Extension {
    /// `.json`
    Json,
    /// `.yaml`
    Yaml,
    /// `.yml`
    Yml,
}

impl Extension {
    /// The extension, without the dot.
    pub fn as_str(self) -> &'static str {
        match self {
            Extension::Json => "json",
            Extension::Yaml => "yaml",
            Extension::Yml => "yml",
        }
    }
}

/// `git-ops new <command>`.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create a module: a Rust crate declaring slice types, with its binary,
    /// and the inmanta module generated from them.
    Module {
        /// The module name (a Rust crate name and an inmanta module name:
        /// lower case, digits, `_`).
        name: String,
        /// The folder to create it in [default: ./<NAME>].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        #[command(flatten)]
        #[allow(missing_docs)]
        dependency: DependencyArgs,
        /// With --git-ops-git: the commit, tag or branch.
        #[arg(long, value_name = "REV", requires = "git_ops_git")]
        git_ops_rev: Option<String>,
        /// The module's license (an SPDX expression).
        #[arg(long, default_value = "Apache-2.0")]
        license: String,
    },
    /// Create an inmanta project using modules: project.yml, main.cf
    /// unrolling every store, source folders, editor settings.
    Project {
        /// The project name.
        name: String,
        /// The folder to create it in [default: ./<NAME>].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// A module folder whose stores the project uses (repeat for
        /// several).
        #[arg(long = "module", value_name = "DIR")]
        modules: Vec<PathBuf>,
        /// A store manifest of a module the project uses (repeat for
        /// several).
        #[arg(long = "manifest", value_name = "FILE")]
        manifests: Vec<PathBuf>,
    },
}

/// How the new crate depends on git-ops-runtime and git-ops-gen.
#[derive(Debug, Args, Clone, Default)]
#[group(multiple = false)]
pub struct DependencyArgs {
    /// A git-ops-rs checkout: path dependencies [default: the checkout this
    /// git-ops was built from, when it still exists].
    #[arg(long, value_name = "DIR")]
    pub git_ops_path: Option<PathBuf>,
    /// A git repository of git-ops-rs: git dependencies.
    #[arg(long, value_name = "URL")]
    pub git_ops_git: Option<String>,
    /// A published version of the crates: registry dependencies.
    #[arg(long, value_name = "VERSION")]
    pub git_ops_version: Option<String>,
}
