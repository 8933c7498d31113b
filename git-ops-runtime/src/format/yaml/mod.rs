//! YAML written exactly like PyYAML's `yaml.safe_dump(value, sort_keys=False)`.
//!
//! Block mappings with two-space indentation, sequences inside mappings
//! "indentless" (`- ` at the key's indentation), `null`/`true`/`false`,
//! empty collections as `[]`/`{}`, floats as Python's `repr` with `.0`
//! before a bare exponent (`1.0e+16`), strings plain when they read back as
//! strings under YAML 1.1 and quoted otherwise (`'1'`, `'yes'`, `''`,
//! `'0644'`, `'2024-01-10'`), non-ASCII and control characters as
//! double-quoted escapes (`"\xE9"`, `"\u20AC"`, `"\U0001F600"`), long
//! strings folded at 80 columns, a trailing newline.
//!
//! ```
//! use serde_json::json;
//! use git_ops_runtime::format::yaml::to_yaml;
//!
//! let value = json!({"vid": 10, "label": "1", "mtu": 1500.0, "ports": [], "tags": ["a", "é"]});
//! assert_eq!(
//!     to_yaml(&value),
//!     "vid: 10\nlabel: '1'\nmtu: 1500.0\nports: []\ntags:\n- a\n- \"\\xE9\"\n"
//! );
//! ```

mod emitter;
pub(crate) mod events;
pub(crate) mod resolver;

use serde_json::Value;

/// Serialises `value` like PyYAML's `yaml.safe_dump(value, sort_keys=False)`.
///
/// Slice files hold a mapping at the top level; other values are written as
/// PyYAML writes them too (a top-level plain scalar is followed by the
/// document end marker `...`).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_yaml(value, &mut out);
    out
}

/// Appends `value`, serialised like PyYAML's `safe_dump(value,
/// sort_keys=False)`, to `out`.
pub fn write_yaml(value: &Value, out: &mut String) {
    emitter::Emitter::new(out).emit_document(value);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    // Expected outputs: PyYAML 6.0.4 `yaml.safe_dump(value, sort_keys=False)`.
    // tests/format_differential.rs compares thousands more with the real thing.

    #[test]
    fn block_structure() {
        let value = json!({"a": [1, [2, 3], {"b": []}], "c": {"d": {}}});
        assert_eq!(
            to_yaml(&value),
            "a:\n- 1\n- - 2\n  - 3\n- b: []\nc:\n  d: {}\n"
        );
        assert_eq!(to_yaml(&json!({})), "{}\n");
        assert_eq!(to_yaml(&json!([1])), "- 1\n");
    }

    #[test]
    fn top_level_scalars_end_the_document() {
        assert_eq!(to_yaml(&json!("a")), "a\n...\n");
        assert_eq!(to_yaml(&json!(null)), "null\n...\n");
        assert_eq!(to_yaml(&json!("")), "''\n");
    }

    #[test]
    fn keys_that_cannot_be_simple() {
        assert_eq!(to_yaml(&json!({"": 1})), "? ''\n: 1\n");
        assert_eq!(to_yaml(&json!({"a\nb": 1})), "? 'a\n\n  b'\n: 1\n");
        // 122 characters and the 5 of "!!str" stay under PyYAML's 128.
        let short = "k".repeat(122);
        assert_eq!(
            to_yaml(&json!({ short.clone(): 1 })),
            format!("{short}: 1\n")
        );
        let long = "k".repeat(123);
        assert_eq!(
            to_yaml(&json!({ long.clone(): 1 })),
            format!("? {long}\n: 1\n")
        );
    }

    #[test]
    fn scalars() {
        let value = json!({
            "f": [1e16, 1e-5, -0.0, 0.0001],
            "s": ["1", "yes", "NuLL", "1e5", "a: b", "-a", "é", "\t", "\u{2028}", "😀", "\u{7f}"]
        });
        assert_eq!(
            to_yaml(&value),
            "f:\n- 1.0e+16\n- 1.0e-05\n- -0.0\n- 0.0001\ns:\n- '1'\n- 'yes'\n- NuLL\n- 1e5\n- 'a: b'\n- -a\n- \"\\xE9\"\n- \"\\t\"\n- \"\\L\"\n- \"\\U0001F600\"\n- \"\\x7F\"\n"
        );
    }
}
