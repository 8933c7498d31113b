//! The files of `templates/` (compiled into the binary) and the one rule that
//! fills them in: every `{{name}}` is replaced by the value of `name`.
//!
//! Templates are constants checked by the tests: a placeholder without a
//! value, or a value without a placeholder, is a bug of this crate and
//! panics.

/// A template of `templates/`: its path there and its text.
#[derive(Clone, Copy, Debug)]
pub struct Template {
    /// The path under `templates/`, for messages.
    pub path: &'static str,
    /// The text.
    pub text: &'static str,
}

macro_rules! template {
    ($path:literal) => {
        Template {
            path: $path,
            text: include_str!(concat!("../../templates/", $path)),
        }
    };
}

/// The generated plugin of a module, `inmanta_plugins/<module>/__init__.py`.
pub const PLUGIN: Template = template!("module/plugin.py");
/// `setup.cfg` of a module.
pub const SETUP_CFG: Template = template!("module/setup.cfg");
/// `setup.py` of a module: the build hook that gives a plain `pip install`
/// the layout `inmanta module build` makes.
pub const SETUP_PY: Template = template!("module/setup.py");
/// `pyproject.toml` of a module.
pub const PYPROJECT: Template = template!("module/pyproject.toml");
/// `MANIFEST.in` of a module.
pub const MANIFEST_IN: Template = template!("module/MANIFEST.in");
/// `README.md` of a module.
pub const MODULE_README: Template = template!("module/README.md");
/// `.gitignore` of a module.
pub const MODULE_GITIGNORE: Template = template!("module/gitignore");
/// `tests/README.md` of a module.
pub const MODULE_TESTS_README: Template = template!("module/tests/README.md");
/// `project.yml` of a project.
pub const PROJECT_YML: Template = template!("project/project.yml");
/// `.gitignore` of a project.
pub const PROJECT_GITIGNORE: Template = template!("project/gitignore");

/// The text of `template` with every `{{name}}` replaced by its value.
///
/// # Panics
///
/// When a placeholder has no value or a value has no placeholder (a bug of
/// the templates or of the caller).
pub fn render(template: Template, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.text.len());
    let mut used = vec![false; values.len()];
    let mut rest = template.text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .unwrap_or_else(|| panic!("{}: unclosed `{{{{`", template.path));
        let name = &after[..end];
        let index = values
            .iter()
            .position(|(key, _)| *key == name)
            .unwrap_or_else(|| panic!("{}: no value for `{{{{{name}}}}}`", template.path));
        used[index] = true;
        out.push_str(values[index].1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    if let Some(unused) = used.iter().position(|used| !used) {
        panic!(
            "{}: the value of `{}` is not used",
            template.path, values[unused].0
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Template = Template {
        path: "test",
        text: "a {{x}} b {{y}} {{x}}",
    };

    #[test]
    fn replaces_every_placeholder() {
        assert_eq!(render(T, &[("x", "1"), ("y", "{{2}}")]), "a 1 b {{2}} 1");
    }

    #[test]
    #[should_panic(expected = "no value for `{{y}}`")]
    fn a_placeholder_without_value_panics() {
        render(T, &[("x", "1")]);
    }

    #[test]
    #[should_panic(expected = "the value of `z` is not used")]
    fn a_value_without_placeholder_panics() {
        render(T, &[("x", "1"), ("y", "2"), ("z", "3")]);
    }
}
