//! Finding the store manifests of the modules a project uses, for the plain
//! `git-ops` binary (which has no slice types of its own).
//!
//! A module's manifest is `inmanta_plugins/<module>/git_ops_manifest.json`
//! ([`crate::manifest`]), in the module's folder and in its installed
//! package. [`discover`] looks, in this order, and the first manifest of a
//! module wins:
//!
//! 1. the manifests given explicitly ([`Search::manifests`]: `--manifest`,
//!    `GIT_OPS_MANIFEST`); when there are any, nowhere else;
//! 2. the module folders of the project's `modulepath` (`project.yml`):
//!    `<folder>/<module>/inmanta_plugins/<module>/git_ops_manifest.json`;
//! 3. the site-packages of a Python environment ([`Search::python`]:
//!    `--python`, `$VIRTUAL_ENV`, else the project's `.venv`): installed
//!    modules (`inmanta_plugins/<module>/`), and modules installed in
//!    editable mode (`pip install -e`: the folders named by `.pth` files and
//!    by setuptools' `__editable__*finder.py` mappings). When the project
//!    has a `requirements.txt`, only the modules it names
//!    (`inmanta-module-<name>`, or `-e <folder>`) are taken from the
//!    environment, so that other modules installed there do not interfere.
//!
//! [`registry`] turns the manifests into a [`Registry`] of manifest stores,
//! each knowing its module's migrations; two modules defining one store
//! name are refused.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use git_ops_runtime::store::Registry;

use crate::manifest::{Manifest, ManifestError, load_manifest};
use crate::package::python_package_name;

/// The manifest file name, in `inmanta_plugins/<module>/`.
pub const MANIFEST_FILE: &str = "git_ops_manifest.json";

/// Where to look.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Manifests given explicitly: when not empty, the only ones used.
    pub manifests: Vec<PathBuf>,
    /// The project root (for `requirements.txt` and `.venv`).
    pub project: Option<PathBuf>,
    /// The folders of the project's `modulepath`, absolute.
    pub module_path: Vec<PathBuf>,
    /// A Python interpreter or environment folder; `None`: `$VIRTUAL_ENV`,
    /// else `<project>/.venv` when it exists.
    pub python: Option<PathBuf>,
    /// `$VIRTUAL_ENV` (read by the caller, so that tests can set it).
    pub virtual_env: Option<PathBuf>,
}

/// Where a manifest was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Given with `--manifest`.
    Explicit,
    /// A module folder of the project's `modulepath`.
    ModulePath,
    /// A Python environment.
    Python,
}

/// A module's manifest, found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The manifest file.
    pub path: PathBuf,
    /// Its content.
    pub manifest: Manifest,
    /// The module's root folder, for `inmanta://<module>/...` locations: the
    /// folder holding `inmanta_plugins/` for a module folder, the package
    /// folder `inmanta_plugins/<module>/` for an installed module.
    pub module_root: PathBuf,
    /// Where it was found.
    pub origin: Origin,
}

/// What was found, and what was looked at.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// One manifest per module, in the order found.
    pub found: Vec<Found>,
    /// The places searched, for messages.
    pub searched: Vec<String>,
    /// Manifests skipped, with why (a module found earlier elsewhere, a
    /// module the project's requirements do not name).
    pub skipped: Vec<(PathBuf, String)>,
}

/// Why the manifests cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// A manifest is invalid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// No manifest anywhere.
    #[error(
        "no store manifest found (searched {}): install the project's modules in the Python environment (`--python`, $VIRTUAL_ENV), put them in the project's modulepath, or name their manifests with --manifest",
        if searched.is_empty() { "nothing".to_owned() } else { searched.join(", ") }
    )]
    NothingFound {
        /// The places searched.
        searched: Vec<String>,
    },
    /// Two modules define a store with the same name.
    #[error(
        "store `{store}` is defined by module `{first_module}` ({}) and by module `{second_module}` ({}): store names are unique in a project; choose the manifests with --manifest",
        first.display(), second.display()
    )]
    DuplicateStore {
        /// The store.
        store: String,
        /// The first module.
        first_module: String,
        /// Its manifest.
        first: PathBuf,
        /// The second module.
        second_module: String,
        /// Its manifest.
        second: PathBuf,
    },
}

/// Looks for manifests (see the module documentation).
///
/// # Errors
///
/// An invalid manifest (named); none found.
pub fn discover(search: &Search) -> Result<Discovery, DiscoverError> {
    let mut discovery = Discovery::default();
    let mut modules = BTreeSet::new();
    if !search.manifests.is_empty() {
        for path in &search.manifests {
            discovery.searched.push(path.display().to_string());
            let manifest = load_manifest(path)?;
            let root = module_root_of(path);
            add(
                &mut discovery,
                &mut modules,
                path.clone(),
                manifest,
                root,
                Origin::Explicit,
            );
        }
        return finish(discovery);
    }
    for folder in &search.module_path {
        discovery
            .searched
            .push(format!("modulepath {}", folder.display()));
        for module in sorted_entries(folder) {
            let Some(name) = module
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned)
            else {
                continue;
            };
            let path = module
                .join("inmanta_plugins")
                .join(&name)
                .join(MANIFEST_FILE);
            if path.is_file() {
                let manifest = load_manifest(&path)?;
                add(
                    &mut discovery,
                    &mut modules,
                    path,
                    manifest,
                    module.clone(),
                    Origin::ModulePath,
                );
            }
        }
    }
    if let Some(env) = python_environment(search) {
        let wanted = search.project.as_deref().and_then(requirements);
        discovery
            .searched
            .push(format!("Python environment {}", env.display()));
        for (path, root) in environment_manifests(&env) {
            let manifest = load_manifest(&path)?;
            if let Some(wanted) = &wanted
                && !wanted
                    .names
                    .contains(&python_package_name(&manifest.module))
                && !wanted
                    .folders
                    .iter()
                    .any(|f| root.starts_with(f) || same_folder(f, &root))
            {
                discovery.skipped.push((
                    path,
                    format!(
                        "module `{}` is installed but not named in the project's requirements.txt",
                        manifest.module
                    ),
                ));
                continue;
            }
            add(
                &mut discovery,
                &mut modules,
                path,
                manifest,
                root,
                Origin::Python,
            );
        }
    }
    finish(discovery)
}

fn finish(discovery: Discovery) -> Result<Discovery, DiscoverError> {
    if discovery.found.is_empty() {
        return Err(DiscoverError::NothingFound {
            searched: discovery.searched,
        });
    }
    Ok(discovery)
}

fn add(
    discovery: &mut Discovery,
    modules: &mut BTreeSet<String>,
    path: PathBuf,
    manifest: Manifest,
    module_root: PathBuf,
    origin: Origin,
) {
    if !modules.insert(manifest.module.clone()) {
        let first = discovery
            .found
            .iter()
            .find(|f| f.manifest.module == manifest.module)
            .map(|f| f.path.display().to_string())
            .unwrap_or_default();
        discovery.skipped.push((
            path,
            format!("module `{}` was found first at {first}", manifest.module),
        ));
        return;
    }
    discovery.found.push(Found {
        path,
        manifest,
        module_root,
        origin,
    });
}

/// A registry of the stores of `found`: manifest stores, each knowing its
/// module's migrations.
///
/// # Errors
///
/// Two modules defining a store with the same name.
pub fn registry(found: &[Found]) -> Result<Registry, DiscoverError> {
    let mut owners: BTreeMap<&str, &Found> = BTreeMap::new();
    let mut registry = Registry::new();
    for module in found {
        for store in &module.manifest.stores {
            if let Some(first) = owners.insert(&store.store, module) {
                return Err(DiscoverError::DuplicateStore {
                    store: store.store.clone(),
                    first_module: first.manifest.module.clone(),
                    first: first.path.clone(),
                    second_module: module.manifest.module.clone(),
                    second: module.path.clone(),
                });
            }
            let _ = registry
                .manifest_store(store.clone())
                .known_migrations(module.manifest.migrations_of(&store.store).iter().cloned());
        }
    }
    Ok(registry)
}

/// The module root of a manifest file `<root>/inmanta_plugins/<m>/git_ops_manifest.json`:
/// `<root>` when it looks like a module folder (a `setup.cfg` or a
/// `model/`), else the package folder (an installed module).
fn module_root_of(manifest: &Path) -> PathBuf {
    let package = manifest.parent().unwrap_or(Path::new("."));
    let root = package.parent().and_then(Path::parent);
    match root {
        Some(root) if root.join("setup.cfg").is_file() || root.join("model").is_dir() => {
            root.to_path_buf()
        }
        _ => package.to_path_buf(),
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The entries of a folder, sorted (none when it cannot be read).
fn sorted_entries(folder: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(folder)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

/// The Python environment to search: `--python` (an interpreter
/// `<env>/bin/python`, or the folder), `$VIRTUAL_ENV`, `<project>/.venv`.
pub fn python_environment(search: &Search) -> Option<PathBuf> {
    if let Some(python) = &search.python {
        if python.is_dir() {
            return Some(python.clone());
        }
        // <env>/bin/python (not canonicalised: a venv's interpreter is a
        // link to the system one).
        return python
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
    }
    if let Some(env) = &search.virtual_env {
        return Some(env.clone());
    }
    let local = search.project.as_ref()?.join(".venv");
    local.is_dir().then_some(local)
}

/// The site-packages folders of an environment.
pub fn site_packages(env: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for lib in ["lib", "lib64"] {
        for python in sorted_entries(&env.join(lib)) {
            let is_python = python
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("python"));
            let site = python.join("site-packages");
            if is_python && site.is_dir() && !out.iter().any(|s| same_folder(s, &site)) {
                out.push(site);
            }
        }
    }
    let windows = env.join("Lib").join("site-packages");
    if windows.is_dir() {
        out.push(windows);
    }
    out
}

/// Every manifest of an environment, with its module root: installed
/// packages, then editable installs.
fn environment_manifests(env: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut out: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut push = |path: PathBuf| {
        if path.is_file() && !out.iter().any(|(p, _)| p == &path) {
            let root = module_root_of(&path);
            out.push((path, root));
        }
    };
    for site in site_packages(env) {
        for package in sorted_entries(&site.join("inmanta_plugins")) {
            push(package.join(MANIFEST_FILE));
        }
        for file in sorted_entries(&site) {
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Ok(text) = fs::read_to_string(&file) else {
                continue;
            };
            if name.ends_with(".pth") {
                for folder in pth_folders(&text) {
                    let folder = site.join(folder);
                    for package in sorted_entries(&folder.join("inmanta_plugins")) {
                        push(package.join(MANIFEST_FILE));
                    }
                }
            } else if name.starts_with("__editable__") && name.ends_with("finder.py") {
                for (key, folder) in editable_mapping(&text) {
                    if key == "inmanta_plugins" {
                        for package in sorted_entries(Path::new(&folder)) {
                            push(package.join(MANIFEST_FILE));
                        }
                    } else if key.starts_with("inmanta_plugins.") {
                        push(Path::new(&folder).join(MANIFEST_FILE));
                    }
                }
            }
        }
    }
    out
}

/// The folders a `.pth` file adds to the path: its lines that are not
/// comments nor `import` statements.
fn pth_folders(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("import"))
        .map(str::to_owned)
        .collect()
}

/// The `MAPPING = {'package': '/folder', ...}` of a setuptools editable
/// finder: its pairs of string literals.
fn editable_mapping(text: &str) -> Vec<(String, String)> {
    let Some(line) = text.lines().find(|l| l.trim_start().starts_with("MAPPING")) else {
        return Vec::new();
    };
    let strings = python_strings(line);
    strings
        .chunks(2)
        .filter(|pair| pair.len() == 2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect()
}

/// The string literals of a line of Python (`'...'` or `"..."`, with
/// backslash escapes of the quote and the backslash).
fn python_strings(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\'' && c != '"' {
            continue;
        }
        let mut value = String::new();
        while let Some(d) = chars.next() {
            match d {
                '\\' => {
                    if let Some(e) = chars.next() {
                        value.push(e);
                    }
                }
                d if d == c => break,
                d => value.push(d),
            }
        }
        out.push(value);
    }
    out
}

/// What a project's `requirements.txt` names.
struct Requirements {
    /// Distribution names, normalised (`inmanta-module-acme`).
    names: BTreeSet<String>,
    /// Folders of `-e <folder>` lines, absolute.
    folders: Vec<PathBuf>,
}

/// The modules `<project>/requirements.txt` names; `None` without one.
fn requirements(project: &Path) -> Option<Requirements> {
    let text = fs::read_to_string(project.join("requirements.txt")).ok()?;
    let mut names = BTreeSet::new();
    let mut folders = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let editable = line
            .strip_prefix("-e")
            .or_else(|| line.strip_prefix("--editable"))
            .map(str::trim);
        if let Some(folder) = editable {
            let folder = project.join(folder);
            folders.push(fs::canonicalize(&folder).unwrap_or(folder));
            continue;
        }
        if line.starts_with('-') {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        names.insert(name.to_ascii_lowercase().replace(['_', '.'], "-"));
    }
    Some(Requirements { names, folders })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editable_finder_mappings() {
        let text = "import sys\nMAPPING = {'inmanta_plugins': '/m/acme/inmanta_plugins', \"inmanta_plugins.x\": 'C:\\\\x'}\nNAMESPACES = {}\n";
        assert_eq!(
            editable_mapping(text),
            [
                (
                    "inmanta_plugins".to_owned(),
                    "/m/acme/inmanta_plugins".to_owned()
                ),
                ("inmanta_plugins.x".to_owned(), "C:\\x".to_owned()),
            ]
        );
    }

    #[test]
    fn pth_lines() {
        let text = "import __editable___x; __editable___x.install()\n/src/acme\n# comment\n\n";
        assert_eq!(pth_folders(text), ["/src/acme"]);
    }

    #[test]
    fn requirement_names() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("requirements.txt"),
            "inmanta-module-acme>=0.1  # ours\nInmanta_Module_Net[extra]==2\n-e ../lib/fs\n--index-url x\n",
        )
        .unwrap();
        let wanted = requirements(dir.path()).unwrap();
        assert_eq!(
            wanted.names.iter().map(String::as_str).collect::<Vec<_>>(),
            ["inmanta-module-acme", "inmanta-module-net"]
        );
        assert_eq!(wanted.folders, [dir.path().join("../lib/fs")]);
    }
}
