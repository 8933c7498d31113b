//! `{{binary}}`: the `git-ops` command line with the stores of `{{module}}`
//! built in, so that their Rust processors and migrations run.
use std::process::ExitCode;
fn main() -> ExitCode {
    git_ops_gen::cli::run({{module}}::registry())
}
