//! `git-ops new module NAME`: a new module, both halves in one folder —
//! a Rust crate declaring the slice types and building the module's own
//! `git-ops` binary, and the inmanta module generated from them.
//!
//! ```text
//! acme/
//!   Cargo.toml           depends on git-ops-runtime and git-ops-gen (see Dependency)
//!   src/slices.rs        example slice types: a root with a key and a processor,
//!                        an embedded list, a discriminated union
//!   src/lib.rs           registry(): the stores, with their processors and migrations
//!   src/main.rs          git_ops_gen::cli::run(acme::registry())
//!   tests/slices.rs      the slices through update, sync, prune (git_ops_runtime::testing)
//!   README.md            both halves, how to change the types, how to use the module
//!   setup.cfg, ...       the Python packaging (crate::package)
//!   model/, schemas/, inmanta_plugins/acme/   generated (crate::generate_module)
//! ```
//!
//! The Rust files are rendered from `templates/module/crate/` and printed
//! with prettyplease; the templates are kept in prettyplease's form (a test
//! checks it), so no comment is lost on the way. The generated half is
//! generated at once from the schema of the example types: git-ops-gen
//! compiles the very same `templates/module/crate/src/slices.rs`
//! ([`example_stores`]), so the module is complete before its crate is
//! ever built, and `cargo run -- module generate` in it changes nothing.

use std::path::{Component, Path, PathBuf};

use git_ops_runtime::{Slice, StoreSchema};
use serde_json::Value;

use crate::package::{PackageSpec, write_python_package};
use crate::template::{self, Template};
use crate::{
    FileKind, GenerateError, GenerateReport, GeneratedFile, ModuleSpec, ScaffoldReport,
    generate_module, write,
};

/// A template of `templates/module/crate/`.
macro_rules! crate_template {
    ($path:literal) => {
        Template {
            path: concat!("module/crate/", $path),
            text: include_str!(concat!("../../templates/module/crate/", $path)),
        }
    };
}

/// The example slice types, compiled from the template the new crate gets.
#[allow(dead_code, missing_docs, unreachable_pub)]
mod slices {
    include!("../../templates/module/crate/src/slices.rs");
}

/// The module path the example types have here, replaced by the module
/// name in [`example_stores`].
const EXAMPLE_PREFIX: &str = "git_ops_gen::new_module::";

/// How the new crate depends on `git-ops-runtime` and `git-ops-gen`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dependency {
    /// A checkout of git-ops-rs: path dependencies (written relative to the
    /// crate when both are absolute).
    Path(PathBuf),
    /// A git repository of git-ops-rs, at a revision (a commit, tag or
    /// branch) or its default branch.
    Git {
        /// The repository URL.
        url: String,
        /// The revision.
        rev: Option<String>,
    },
    /// Published crates: a version requirement.
    Version(String),
}

impl Dependency {
    /// The checkout this git-ops-gen was built from, when it is still
    /// there (a `cargo install --path git-ops-gen` keeps it).
    pub fn build_checkout() -> Option<Dependency> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
        root.join("git-ops-runtime/Cargo.toml")
            .is_file()
            .then(|| Dependency::Path(root.to_path_buf()))
    }

    /// The TOML value of the dependency on `crate_name`, for a crate in
    /// `dir`, with `features`.
    fn toml(&self, crate_name: &str, dir: &Path, features: &[&str]) -> String {
        let mut parts = match self {
            Dependency::Path(checkout) => {
                let target = checkout.join(crate_name);
                let shown = relative_to(&target, dir).unwrap_or(target);
                vec![format!("path = {}", toml_str(&shown.to_string_lossy()))]
            }
            Dependency::Git { url, rev } => {
                let mut parts = vec![format!("git = {}", toml_str(url))];
                if let Some(rev) = rev {
                    parts.push(format!("rev = {}", toml_str(rev)));
                }
                parts
            }
            Dependency::Version(version) => vec![format!("version = {}", toml_str(version))],
        };
        if !features.is_empty() {
            parts.push(format!(
                "features = [{}]",
                features
                    .iter()
                    .map(|f| toml_str(f))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

/// A new module.
#[derive(Debug, Clone)]
pub struct NewModule {
    /// The name: the crate, the library and the inmanta module.
    pub name: String,
    /// The folder (created if missing).
    pub dir: PathBuf,
    /// How the crate depends on git-ops.
    pub dependency: Dependency,
    /// The license (an SPDX expression).
    pub license: String,
}

/// What [`scaffold_module`] did.
#[derive(Debug, Clone, Default)]
pub struct NewModuleReport {
    /// The crate's files and the packaging: created, or kept when they
    /// existed.
    pub scaffold: ScaffoldReport,
    /// The generated inmanta module.
    pub generated: GenerateReport,
    /// The name of the module's binary (`git-ops-acme`).
    pub binary: String,
}

/// The name of a module's binary: `git-ops-<name>`, `_` written `-`.
pub fn binary_name(module: &str) -> String {
    format!("git-ops-{}", module.replace('_', "-"))
}

/// The stores of the example types, as the new crate's derive computes
/// them: entity ids start with the module name.
pub fn example_stores(module: &str) -> Vec<StoreSchema> {
    let schema = slices::Service::store_schema();
    let mut value = serde_json::to_value(&schema).expect("a schema serialises");
    rename(&mut value, module);
    vec![serde_json::from_value(value).expect("a renamed schema reads back")]
}

/// Replaces the example prefix of every id (keys and strings).
fn rename(value: &mut Value, module: &str) {
    let fix = |s: &str| match s.strip_prefix(EXAMPLE_PREFIX) {
        Some(rest) => format!("{module}::{rest}"),
        None => s.to_owned(),
    };
    match value {
        Value::String(s) => *s = fix(s),
        Value::Array(items) => items.iter_mut().for_each(|v| rename(v, module)),
        Value::Object(map) => {
            let entries: Vec<(String, Value)> = std::mem::take(map)
                .into_iter()
                .map(|(k, mut v)| {
                    rename(&mut v, module);
                    (fix(&k), v)
                })
                .collect();
            map.extend(entries);
        }
        _ => {}
    }
}

const CARGO_TOML: Template = crate_template!("Cargo.toml");
const README: Template = crate_template!("README.md");
const LIB: Template = crate_template!("src/lib.rs");
const MAIN: Template = crate_template!("src/main.rs");
const SLICES: Template = crate_template!("src/slices.rs");
const TESTS: Template = crate_template!("tests/slices.rs");

/// The Rust templates, with their paths in the crate.
pub const RUST_TEMPLATES: [(&str, Template); 4] = [
    ("src/lib.rs", LIB),
    ("src/main.rs", MAIN),
    ("src/slices.rs", SLICES),
    ("tests/slices.rs", TESTS),
];

/// The crate's files, without touching the disk.
///
/// # Errors
///
/// [`GenerateError::Scaffold`] when the name is not a Rust crate name and
/// an inmanta module name, or the license is not one line.
pub fn render_crate(spec: &NewModule) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut problems = Vec::new();
    if let Some(problem) = crate::dsl::names::module_segment_problem(&spec.name) {
        problems.push(format!(
            "`{}` cannot name an inmanta module: {problem}",
            spec.name
        ));
    }
    if !spec
        .name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        || syn::parse_str::<syn::Ident>(&spec.name).is_err()
    {
        problems.push(format!(
            "`{}` cannot name the crate: use lower-case ASCII letters, digits and `_`, not a Rust keyword",
            spec.name
        ));
    }
    if spec.license.trim().is_empty() || spec.license.contains(['\n', '\r', '"']) {
        problems.push(format!(
            "the license must be one line, not {:?}",
            spec.license
        ));
    }
    if !problems.is_empty() {
        return Err(GenerateError::Scaffold {
            what: format!("module `{}`", spec.name),
            problems,
        });
    }
    let binary = binary_name(&spec.name);
    let dir = absolute(&spec.dir);
    let runtime = spec.dependency.toml("git-ops-runtime", &dir, &[]);
    let runtime_testing = spec.dependency.toml("git-ops-runtime", &dir, &["testing"]);
    let gen_dependency = spec.dependency.toml("git-ops-gen", &dir, &[]);
    let description = PackageSpec::new(&spec.name).description;
    let values: &[(&str, &str)] = &[
        ("module", &spec.name),
        ("binary", &binary),
        ("license", spec.license.trim()),
        ("description", &description),
        ("runtime", &runtime),
        ("runtime_testing", &runtime_testing),
        ("gen", &gen_dependency),
    ];
    let fill = |template: Template| {
        let used: Vec<(&str, &str)> = values
            .iter()
            .copied()
            .filter(|(key, _)| template.text.contains(&format!("{{{{{key}}}}}")))
            .collect();
        template::render(template, &used)
    };
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".into(),
            content: fill(CARGO_TOML),
            kind: FileKind::Scaffold,
        },
        GeneratedFile {
            path: "README.md".into(),
            content: fill(README),
            kind: FileKind::Scaffold,
        },
    ];
    for (path, template) in RUST_TEMPLATES {
        files.push(GeneratedFile {
            path: path.into(),
            content: rust(&fill(template), template.path),
            kind: FileKind::Scaffold,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Rust source printed by prettyplease.
///
/// # Panics
///
/// When the text does not parse: a bug of the templates.
pub fn rust(text: &str, path: &str) -> String {
    let file = syn::parse_file(text)
        .unwrap_or_else(|e| panic!("templates/{path} is not valid Rust once filled in: {e}"));
    prettyplease::unparse(&file)
}

/// Creates the module (see the module documentation): the crate's files
/// and the Python packaging that do not exist yet, then the generated
/// inmanta module.
///
/// # Errors
///
/// As [`render_crate`] and [`generate_module`]; a file that cannot be
/// written.
pub fn scaffold_module(spec: &NewModule) -> Result<NewModuleReport, GenerateError> {
    let files = render_crate(spec)?;
    let mut scaffold = write::write_once(&spec.dir, files)?;
    let package = write_python_package(
        &spec.dir,
        &PackageSpec {
            license: spec.license.trim().to_owned(),
            ..PackageSpec::new(&spec.name)
        },
    )?;
    scaffold.created.extend(package.created);
    // The crate's README.md is the module's: the packaging keeps it.
    let ours = scaffold.created.clone();
    scaffold
        .kept
        .extend(package.kept.into_iter().filter(|p| !ours.contains(p)));
    scaffold.created.sort();
    scaffold.kept.sort();
    let generated = generate_module(&ModuleSpec {
        name: spec.name.clone(),
        dir: spec.dir.clone(),
        header: None,
        stores: example_stores(&spec.name),
        explicit_parent_relations: false,
        migrations: Default::default(),
    })?;
    Ok(NewModuleReport {
        scaffold,
        generated,
        binary: binary_name(&spec.name),
    })
}

/// `path` from the working directory when relative.
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// `target` relative to `from` (both absolute, without `..`), `/`-separated.
fn relative_to(target: &Path, from: &Path) -> Option<PathBuf> {
    let clean = |p: &Path| -> Option<Vec<String>> {
        if !p.is_absolute() {
            return None;
        }
        let mut parts = Vec::new();
        for c in p.components() {
            match c {
                Component::Normal(s) => parts.push(s.to_str()?.to_owned()),
                Component::CurDir | Component::RootDir => {}
                Component::ParentDir => {
                    parts.pop()?;
                }
                Component::Prefix(_) => return None,
            }
        }
        Some(parts)
    };
    let (target, from) = (clean(target)?, clean(from)?);
    let common = target.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".to_owned(); from.len() - common];
    out.extend(target[common..].iter().cloned());
    Some(PathBuf::from(out.join("/")))
}

/// A TOML basic string.
fn toml_str(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rust_templates_are_in_prettyplease_form() {
        // Printing them changes nothing: no comment is lost (prettyplease
        // keeps doc comments only), the crate gets them as written.
        for (path, template) in RUST_TEMPLATES {
            let filled = template
                .text
                .replace("{{module}}", "acme")
                .replace("{{binary}}", "git-ops-acme");
            assert_eq!(
                rust(&filled, template.path),
                filled,
                "templates/module/crate/{path}"
            );
        }
    }

    #[test]
    fn example_ids_start_with_the_module() {
        let stores = example_stores("acme");
        let text = serde_json::to_string(&stores).unwrap();
        assert!(!text.contains("git_ops_gen"), "{text}");
        assert_eq!(stores[0].root.as_str(), "acme::slices::Service");
        assert_eq!(stores[0].store, "service");
    }

    #[test]
    fn dependencies() {
        let dir = Path::new("/work/modules/acme");
        assert_eq!(
            Dependency::Path("/work/git-ops-rs".into()).toml("git-ops-gen", dir, &[]),
            r#"{ path = "../../git-ops-rs/git-ops-gen" }"#
        );
        assert_eq!(
            Dependency::Git {
                url: "https://example.com/git-ops-rs.git".into(),
                rev: Some("v0.1.0".into())
            }
            .toml("git-ops-runtime", dir, &["testing"]),
            r#"{ git = "https://example.com/git-ops-rs.git", rev = "v0.1.0", features = ["testing"] }"#
        );
        assert_eq!(
            Dependency::Version("0.1".into()).toml("git-ops-gen", dir, &[]),
            r#"{ version = "0.1" }"#
        );
    }

    #[test]
    fn names_are_checked() {
        for bad in ["Acme", "my-module", "fn", "", "1x"] {
            let spec = NewModule {
                name: bad.into(),
                dir: "x".into(),
                dependency: Dependency::Version("0.1".into()),
                license: "MIT".into(),
            };
            assert!(render_crate(&spec).is_err(), "{bad:?}");
        }
    }
}
