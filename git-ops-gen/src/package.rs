//! The Python packaging of a generated module: everything an inmanta v2
//! module needs besides what [`crate::generate_module`] writes, so that
//! `pip install -e <module dir>` and `inmanta module build` work.
//!
//! ```text
//! setup.cfg            name (inmanta-module-<name>), version, license, install_requires
//! setup.py             build hook: a plain `pip install` lays the package out as `inmanta module build` does
//! pyproject.toml       the build backend: setuptools (>= 64, with wheel)
//! MANIFEST.in          setup.cfg, the manifest, the model, files/, templates/ in the wheel
//! README.md
//! .gitignore
//! files/.gitkeep
//! templates/.gitkeep
//! tests/README.md
//! ```
//!
//! These files are the author's once written: [`write_python_package`] writes
//! those that do not exist and never changes the others.
//!
//! ```no_run
//! use git_ops_gen::package::{PackageSpec, write_python_package};
//!
//! let report = write_python_package(
//!     "inmanta-module-acme".as_ref(),
//!     &PackageSpec::new("acme"),
//! )?;
//! println!("created {:?}, kept {:?}", report.created, report.kept);
//! # Ok::<(), git_ops_gen::GenerateError>(())
//! ```

use std::path::{Path, PathBuf};

use crate::dsl::names;
use crate::template::{self, Template};
use crate::{FileKind, GenerateError, GeneratedFile, ScaffoldReport, write};

/// What a module's packaging says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageSpec {
    /// The inmanta module name (`acme`); the Python package is
    /// [`python_package_name`] of it.
    pub name: String,
    /// The version, e.g. `0.1.0`.
    pub version: String,
    /// The license (an SPDX expression, e.g. `Apache-2.0`). inmanta-core
    /// refuses to load a module without one.
    pub license: String,
    /// One line describing the module.
    pub description: String,
}

impl PackageSpec {
    /// A module at version `0.1.0`, license `Apache-2.0`, with a description
    /// naming it.
    pub fn new(name: impl Into<String>) -> PackageSpec {
        let name = name.into();
        PackageSpec {
            description: format!("The slices of {name}, for the inmanta orchestrator."),
            name,
            version: "0.1.0".to_owned(),
            license: "Apache-2.0".to_owned(),
        }
    }
}

/// The Python distribution name of an inmanta module: `inmanta-module-` and
/// the module name with `_` written `-` (`acme_net` → `inmanta-module-acme-net`).
pub fn python_package_name(module: &str) -> String {
    format!("inmanta-module-{}", module.replace('_', "-"))
}

/// The files of the packaging, in path order, without touching the disk.
///
/// # Errors
///
/// [`GenerateError::Scaffold`] when the name cannot name an inmanta module,
/// or a field is empty or spans several lines.
pub fn render_python_package(spec: &PackageSpec) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut problems = Vec::new();
    if let Some(problem) = names::module_segment_problem(&spec.name) {
        problems.push(format!(
            "`{}` cannot name an inmanta module: {problem}",
            spec.name
        ));
    }
    for (field, value) in [
        ("version", &spec.version),
        ("license", &spec.license),
        ("description", &spec.description),
    ] {
        if value.trim().is_empty() || value.contains(['\n', '\r']) {
            problems.push(format!(
                "the {field} must be one non-empty line, not {value:?}"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(GenerateError::Scaffold {
            what: format!("the packaging of module `{}`", spec.name),
            problems,
        });
    }
    let package = python_package_name(&spec.name);
    let values: &[(&str, &str)] = &[
        ("module", &spec.name),
        ("package", &package),
        ("version", spec.version.trim()),
        ("license", spec.license.trim()),
        ("description", spec.description.trim()),
    ];
    let file = |path: &str, template: Template| {
        let used: Vec<(&str, &str)> = values
            .iter()
            .copied()
            .filter(|(key, _)| template.text.contains(&format!("{{{{{key}}}}}")))
            .collect();
        GeneratedFile {
            path: PathBuf::from(path),
            content: template::render(template, &used),
            kind: FileKind::Scaffold,
        }
    };
    let empty = |path: &str| GeneratedFile {
        path: PathBuf::from(path),
        content: String::new(),
        kind: FileKind::Scaffold,
    };
    let mut files = vec![
        file("setup.cfg", template::SETUP_CFG),
        file("setup.py", template::SETUP_PY),
        file("pyproject.toml", template::PYPROJECT),
        file("MANIFEST.in", template::MANIFEST_IN),
        file("README.md", template::MODULE_README),
        file(".gitignore", template::MODULE_GITIGNORE),
        file("tests/README.md", template::MODULE_TESTS_README),
        empty("files/.gitkeep"),
        empty("templates/.gitkeep"),
    ];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Writes the packaging of a module into `dir` (created if missing): every
/// file of [`render_python_package`] that does not exist yet. Existing files
/// are left as they are (listed in [`ScaffoldReport::kept`]).
///
/// # Errors
///
/// As [`render_python_package`], or when a file cannot be written.
pub fn write_python_package(
    dir: &Path,
    spec: &PackageSpec,
) -> Result<ScaffoldReport, GenerateError> {
    let files = render_python_package(spec)?;
    write::write_once(dir, files)
}
