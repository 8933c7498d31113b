//! The `git-ops` command line (`docs/cli.md`), as a library: the plain
//! binary runs [`main`], which finds the project's modules by their store
//! manifests ([`crate::discover`]); a module's own binary runs [`run`] with
//! its typed stores, so that its custom processors and migrations work:
//!
//! ```no_run
//! use std::process::ExitCode;
//!
//! fn main() -> ExitCode {
//!     let mut registry = git_ops_runtime::store::Registry::new();
//!     // registry.store::<acme::slices::Vlan>().processor("label", label);
//!     git_ops_gen::cli::run(registry)
//! }
//! ```
//!
//! Parsing ([`args`], clap) → the libraries (the engine, the generator,
//! [`crate::plan`], [`crate::check`], [`crate::status`]) → rendering
//! ([`render`], [`table`]); errors become [`term::Diagnostic`]s at this
//! edge. Data goes to stdout, logs and errors to stderr.
//!
//! Exit codes: 0 success; 1 failure (an operation refused, a check that
//! fails, an invalid file); 2 usage error (a bad argument, an unknown
//! store, a missing `--store` or `--name` without a terminal to ask on);
//! `plan --detailed-exitcode`: 0 no change, 2 changes, 1 error (usage
//! errors included).

pub mod args;
mod module;
mod new;
mod project;
pub mod render;
pub mod table;
pub mod term;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use git_ops_runtime::store::{OperationError, Registry, StoreError, StoreErrors};

use args::{Cli, Command};
use term::Diagnostic;

/// Where the command line's stores come from.
#[derive(Debug)]
pub enum Stores {
    /// A module's own binary: its stores, with their Rust processors and
    /// migrations.
    Registry(Registry),
    /// The plain `git-ops` binary: the store manifests of the project's
    /// modules ([`crate::discover`]).
    Manifests,
}

/// The plain `git-ops` binary: the process's arguments, stores from the
/// project's manifests.
pub fn main() -> ExitCode {
    run_from(std::env::args_os(), Stores::Manifests)
}

/// A module's own binary: the process's arguments, the stores of
/// `registry` (see the module documentation).
pub fn run(registry: Registry) -> ExitCode {
    run_from(std::env::args_os(), Stores::Registry(registry))
}

/// Runs the command line `args` (the program name first) with `stores`;
/// returns the exit code.
pub fn run_from<I, T>(args: I, stores: Stores) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let detailed = args.iter().any(|a| a == "--detailed-exitcode");
    let bin_name = bin_name(&args, &stores);
    let command = without_empty_env(Cli::command().bin_name(&bin_name));
    let matches = match command.try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return match error.exit_code() {
                0 => ExitCode::SUCCESS,
                // 2 means "changes" with --detailed-exitcode.
                _ if detailed => ExitCode::from(1),
                code => ExitCode::from(u8::try_from(code).unwrap_or(2)),
            };
        }
    };
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if detailed { 1 } else { 2 });
        }
    };
    term::set_level(cli.log_level);
    let context = Context { stores, bin_name };
    match dispatch(&context, cli.command) {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            Diagnostic::new(message)
                .note("for more information, try '--help'")
                .print();
            ExitCode::from(if detailed { 1 } else { 2 })
        }
        Err(Failure::Errors(diagnostics)) => {
            for diagnostic in &diagnostics {
                diagnostic.print();
            }
            ExitCode::from(1)
        }
    }
}

/// The command with the environment variables that are set but empty
/// ignored: `INMANTA_GIT_OPS_SLICE_STORE= git-ops ...` means "not set", as
/// in shell scripts (clap would take the empty value).
fn without_empty_env(mut command: clap::Command) -> clap::Command {
    let empty: Vec<clap::Id> = command
        .get_arguments()
        .filter(|arg| {
            arg.get_env()
                .and_then(std::env::var_os)
                .is_some_and(|value| value.is_empty())
        })
        .map(|arg| arg.get_id().clone())
        .collect();
    for id in empty {
        command = command.mut_arg(id, |arg| arg.env(None::<&str>));
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, without_empty_env);
    }
    command
}

/// The name in usage lines: `git-ops`, or a module binary's file name.
fn bin_name(args: &[OsString], stores: &Stores) -> String {
    match stores {
        Stores::Manifests => "git-ops".to_owned(),
        Stores::Registry(_) => args
            .first()
            .and_then(|a| std::path::Path::new(a).file_stem())
            .and_then(|n| n.to_str())
            .unwrap_or("git-ops")
            .to_owned(),
    }
}

/// What every command gets.
pub(crate) struct Context {
    pub(crate) stores: Stores,
    pub(crate) bin_name: String,
}

/// Why a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A usage error (exit 2).
    Usage(String),
    /// Errors (exit 1).
    Errors(Vec<Diagnostic>),
}

impl Failure {
    /// One error.
    pub(crate) fn error(message: impl std::fmt::Display) -> Failure {
        Failure::Errors(vec![Diagnostic::new(message.to_string())])
    }
}

/// A command's result: its exit code, or why it failed.
pub(crate) type Outcome = Result<ExitCode, Failure>;

impl From<OperationError> for Failure {
    fn from(error: OperationError) -> Failure {
        match error {
            OperationError::UnknownStore { .. } => Failure::Usage(error.to_string()),
            OperationError::Store(errors) => store_errors(&errors),
            other => Failure::error(other),
        }
    }
}

impl From<StoreErrors> for Failure {
    fn from(errors: StoreErrors) -> Failure {
        store_errors(&errors)
    }
}

/// One diagnostic per problem, each with its snippet, and a count.
pub(crate) fn store_errors(errors: &StoreErrors) -> Failure {
    let mut out: Vec<Diagnostic> = errors.errors.iter().map(store_error).collect();
    if out.len() > 1 {
        out.push(Diagnostic::new(format!(
            "{} problems; nothing was written",
            out.len()
        )));
    }
    Failure::Errors(out)
}

/// A located problem of a file, with its snippet.
pub(crate) fn store_error(error: &StoreError) -> Diagnostic {
    Diagnostic {
        message: error.to_string(),
        snippet: error.snippet.clone(),
        notes: Vec::new(),
    }
}

/// Writes data on stdout (a closed pipe is not an error).
pub(crate) fn out(text: &str) {
    let mut stdout = anstream::stdout().lock();
    let _ = writeln!(stdout, "{text}");
}

fn dispatch(context: &Context, command: Command) -> Outcome {
    match command {
        Command::Module(args) => module::run(context, args),
        Command::Project(args) => project::run(context, args),
        Command::New(args) => new::run(context, args),
        Command::Completions { shell } => {
            let shell = match shell {
                args::Shell::Bash => clap_complete::Shell::Bash,
                args::Shell::Zsh => clap_complete::Shell::Zsh,
                args::Shell::Fish => clap_complete::Shell::Fish,
            };
            let mut command = Cli::command();
            let mut buffer = Vec::new();
            clap_complete::generate(shell, &mut command, context.bin_name.clone(), &mut buffer);
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&buffer);
            Ok(ExitCode::SUCCESS)
        }
    }
}
