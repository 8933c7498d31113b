//! Running the real inmanta compiler on generated modules.
//!
//! The virtualenv comes from `GIT_OPS_VENV` (default: `.venv` at the root of
//! the workspace, created by `scripts/setup-venv`); a test fails, with the
//! command to run, when it is missing. Modules are generated under Cargo's
//! per-target temporary folder (`target/tmp/git-ops-gen/<module>`), given the
//! packaging of `git_ops_gen::package`, and installed in editable mode
//! without build isolation (offline: the venv's setuptools and wheel build
//! them). pip runs hold an exclusive lock on a file of the venv and compiles a
//! shared one, so that tests running in parallel never install while another
//! compiles.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use git_ops_gen::package::{PackageSpec, write_python_package};
use git_ops_gen::{GenerateReport, ModuleSpec, generate_module};
use git_ops_runtime::StoreSchema;

/// The virtualenv with inmanta-core and the std module.
pub struct Venv {
    root: PathBuf,
}

impl Venv {
    /// The test virtualenv; panics with what to run when it is missing.
    pub fn get() -> Venv {
        let root = std::env::var_os("GIT_OPS_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv"));
        let venv = Venv { root };
        for tool in ["inmanta", "pip", "python"] {
            assert!(
                venv.bin(tool).is_file(),
                "{} not found: this test needs the Python virtualenv with the inmanta compiler; run `scripts/setup-venv` (or set GIT_OPS_VENV to such a virtualenv)",
                venv.bin(tool).display()
            );
        }
        assert!(
            venv.has_package("wheel"),
            "{} has no `wheel` package, which installing modules without build isolation needs: the virtualenv is older than the pins of scripts/setup-venv; run `scripts/setup-venv` again",
            venv.root.display()
        );
        venv
    }

    /// Whether a Python package is installed in the venv.
    fn has_package(&self, package: &str) -> bool {
        let Ok(entries) = fs::read_dir(self.root.join("lib")) else {
            return false;
        };
        entries
            .flatten()
            .any(|python| python.path().join("site-packages").join(package).is_dir())
    }

    /// A program of the venv.
    pub fn bin(&self, tool: &str) -> PathBuf {
        self.root.join("bin").join(tool)
    }

    fn lock(&self) -> File {
        File::create(self.root.join(".git-ops-gen-tests.lock")).expect("lock file")
    }

    /// Installs modules in editable mode (one pip run).
    pub fn install(&self, modules: &[&Module]) {
        let lock = self.lock();
        lock.lock().expect("exclusive lock");
        let mut command = Command::new(self.bin("pip"));
        command.args([
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
        ]);
        for module in modules {
            command.arg("-e").arg(&module.dir);
        }
        let output = command.output().expect("pip runs");
        assert!(
            output.status.success(),
            "pip install failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Installs one module as a user without `inmanta module build` would:
    /// `pip install <module folder>` (built, not editable).
    pub fn install_built(&self, module: &Module) {
        let lock = self.lock();
        lock.lock().expect("exclusive lock");
        let output = Command::new(self.bin("pip"))
            .args([
                "install",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--force-reinstall",
                "--disable-pip-version-check",
            ])
            .arg(&module.dir)
            .output()
            .expect("pip runs");
        assert!(
            output.status.success(),
            "pip install failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The version of inmanta-core in the venv (`14.0.0`).
    pub fn core_version(&self) -> String {
        let output = Command::new(self.bin("python"))
            .args([
                "-c",
                "import importlib.metadata as m; print(m.version('inmanta-core'))",
            ])
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Compiles `main` in a fresh project folder `dir`.
    pub fn compile(&self, dir: &Path, main: &str) -> Compiled {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).unwrap();
        fs::write(
            dir.join("project.yml"),
            "name: gentest\nmodulepath: libs\ndownloadpath: libs\npip:\n  use_system_config: true\n",
        )
        .unwrap();
        fs::write(dir.join("main.cf"), main).unwrap();
        self.compile_project(dir, &[])
    }

    /// Compiles the project in `dir` as it is, with extra environment
    /// variables.
    pub fn compile_project(&self, dir: &Path, env: &[(&str, &str)]) -> Compiled {
        let lock = self.lock();
        lock.lock_shared().expect("shared lock");
        let start = Instant::now();
        let mut command = Command::new(self.bin("inmanta"));
        command.arg("compile").current_dir(dir);
        for variable in ["INMANTA_GIT_OPS_COMPILE_MODE", "INMANTA_GIT_OPS_VIEW_CHECK"] {
            command.env_remove(variable);
        }
        command.envs(env.iter().copied());
        let output = command.output().expect("inmanta runs");
        let seconds = start.elapsed().as_secs_f64();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        fs::write(dir.join("compile.log"), &text).unwrap();
        // Seen with --nocapture: how long the compiler takes.
        println!("inmanta compile in {}: {seconds:.1} s", dir.display());
        Compiled {
            success: output.status.success(),
            output: text,
        }
    }
}

/// The result of one compile.
pub struct Compiled {
    /// Exit status 0.
    pub success: bool,
    /// stdout and stderr.
    pub output: String,
}

impl Compiled {
    /// Panics with the output unless the compile succeeded.
    #[track_caller]
    pub fn assert_success(&self) {
        assert!(
            self.success && self.output.contains("SUCCESS"),
            "the compile failed:\n{}",
            self.output
        );
    }

    /// Panics unless the compile failed with every one of `messages`.
    #[track_caller]
    pub fn assert_failure(&self, messages: &[&str]) {
        assert!(!self.success, "the compile succeeded:\n{}", self.output);
        // Seen with --nocapture: why the compiler refused the model.
        let reason: Vec<&str> = self
            .output
            .lines()
            .skip_while(|line| !line.starts_with("Error:"))
            .take_while(|line| !line.trim().is_empty())
            .collect();
        println!("refused as expected:\n{}", reason.join("\n"));
        for message in messages {
            assert!(
                self.output.contains(message),
                "the compile failed, but without {message:?}:\n{}",
                self.output
            );
        }
    }
}

/// A generated module on disk.
pub struct Module {
    /// The module directory.
    pub dir: PathBuf,
    /// The module name.
    pub name: String,
}

impl Module {
    /// A project folder beside the module.
    pub fn project(&self) -> PathBuf {
        self.dir
            .parent()
            .expect("the module is in its test folder")
            .join("project")
    }
}

/// The folder of a test's files: `target/tmp/git-ops-gen/<name>`, emptied.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("git-ops-gen")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the packaging of a module named `name`
/// (`git_ops_gen::package`) in a fresh folder and generates `stores` into
/// it (the model, the manifest and the plugin).
pub fn generate(
    name: &str,
    stores: Vec<StoreSchema>,
    header: Option<&str>,
    explicit: bool,
) -> (Module, GenerateReport) {
    let dir = scratch(name).join("module");
    write_python_package(&dir, &PackageSpec::new(name)).unwrap_or_else(|err| panic!("{err}"));
    let report = regenerate(&dir, name, stores, header, explicit);
    (
        Module {
            dir,
            name: name.to_owned(),
        },
        report,
    )
}

/// Generates `stores` into an existing module folder.
pub fn regenerate(
    dir: &Path,
    name: &str,
    stores: Vec<StoreSchema>,
    header: Option<&str>,
    explicit: bool,
) -> GenerateReport {
    generate_module(&ModuleSpec {
        name: name.to_owned(),
        dir: dir.to_owned(),
        header: header.map(str::to_owned),
        stores,
        explicit_parent_relations: explicit,
        migrations: Default::default(),
    })
    .unwrap_or_else(|err| panic!("{err}"))
}
