//! The `git-ops` command line: the stores of the modules it finds
//! (`docs/cli.md`).

fn main() -> std::process::ExitCode {
    git_ops_gen::cli::main()
}
