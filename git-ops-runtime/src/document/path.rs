//! Where the walker is inside a document: a stack of segments that renders to
//! a dict path (for people) and to a raw path (for the position lookup).

use serde_json::Value;

use super::error::PathSegment;

/// The identity of a list item: `(field, value)` pairs, the union tag first
/// (spec §4.6). Values are the coerced values (`1.0` for a float key).
pub(crate) type Identity<'a> = Vec<(&'a str, Value)>;

/// One step of the walk.
#[derive(Debug)]
pub(crate) enum Seg<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A list item, with its identity when it could be read.
    Item {
        index: usize,
        identity: Option<Identity<'a>>,
    },
}

/// The current position of a walk.
#[derive(Debug, Default)]
pub(crate) struct PathStack<'a> {
    segs: Vec<Seg<'a>>,
}

impl<'a> PathStack<'a> {
    pub(crate) fn push_key(&mut self, key: &'a str) {
        self.segs.push(Seg::Key(key));
    }

    pub(crate) fn push_item(&mut self, index: usize, identity: Option<Identity<'a>>) {
        self.segs.push(Seg::Item { index, identity });
    }

    /// Removes the last segment and gives back the identity of an item.
    pub(crate) fn pop(&mut self) -> Option<Identity<'a>> {
        match self.segs.pop() {
            Some(Seg::Item { identity, .. }) => identity,
            _ => None,
        }
    }

    /// The identity of the innermost segment, when it is an item with one.
    pub(crate) fn last_identity(&self) -> Option<&Identity<'a>> {
        match self.segs.last() {
            Some(Seg::Item {
                identity: Some(identity),
                ..
            }) => Some(identity),
            _ => None,
        }
    }

    /// The dict path of the current position.
    pub(crate) fn render(&self) -> String {
        render_dict_path(&self.segs)
    }

    /// The current position with list items by index (`content[3]`), for
    /// naming one of several items that share an identity.
    pub(crate) fn render_by_index(&self) -> String {
        let segs: Vec<Seg<'_>> = self
            .segs
            .iter()
            .map(|seg| match seg {
                Seg::Key(key) => Seg::Key(key),
                Seg::Item { index, .. } => Seg::Item {
                    index: *index,
                    identity: None,
                },
            })
            .collect();
        render_dict_path(&segs)
    }

    /// The raw path of the current position.
    pub(crate) fn raw(&self) -> Vec<PathSegment> {
        self.segs
            .iter()
            .map(|seg| match seg {
                Seg::Key(key) => PathSegment::Key((*key).to_owned()),
                Seg::Item { index, .. } => PathSegment::Index(*index),
            })
            .collect()
    }
}

/// Renders a walk position as a dict path (spec §5.2): sections joined with
/// `.`, list items as `[key=value]` selectors (the union tag first) or, when
/// the identity is unknown, as `[index]`; `\` before `\ [ ] . * =` in keys
/// and values; a null value as `\0`; the root as `.`.
///
/// The integrator replaces this function with `crate::dictpath` rendering once
/// that module lands; it is the only place that knows the path syntax.
fn render_dict_path(segs: &[Seg<'_>]) -> String {
    if segs.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                escape_into(key, &mut out);
            }
            Seg::Item {
                identity: Some(identity),
                ..
            } => {
                for (key, value) in identity {
                    out.push('[');
                    escape_into(key, &mut out);
                    out.push('=');
                    if value.is_null() {
                        out.push_str("\\0");
                    } else {
                        escape_into(&python_str(value), &mut out);
                    }
                    out.push(']');
                }
            }
            Seg::Item {
                index,
                identity: None,
            } => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    out
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']' | '.' | '*' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The identity text of a scalar value, as Python's `str()` writes it (spec
/// §4.6): strings as-is, `True`/`False`, `None`, integers in decimal, floats
/// in Python's shortest round-trip form (`1.0`, `1e+16`).
pub(crate) fn python_str(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => python_float_repr(f),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// Python's `repr(float)`: shortest round-trip digits, positional notation
/// for exponents -4..16 with a mandatory `.0`, else `1e+16` / `1.5e-05`.
pub(crate) fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    // `{:e}` gives the shortest round-trip digits: `-1.2345e2`, `1e16`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = sign.to_owned();
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_float_repr_matches_python() {
        // Expected values are what CPython 3 prints for repr(x).
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1.5, "1.5"),
            (1500.0, "1500.0"),
            (-2.25, "-2.25"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000015, "1.5e-05"),
            (123456789012345.0, "123456789012345.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e300, "1.5e+300"),
            (1.0 / 3.0, "0.3333333333333333"),
        ];
        for (value, expected) in cases {
            assert_eq!(python_float_repr(value), expected, "{value:?}");
        }
    }

    #[test]
    fn python_str_of_identity_values() {
        assert_eq!(python_str(&json!("a.b")), "a.b");
        assert_eq!(python_str(&json!(12)), "12");
        assert_eq!(python_str(&json!(1.0)), "1.0");
        assert_eq!(python_str(&json!(true)), "True");
        assert_eq!(python_str(&json!(null)), "None");
    }

    #[test]
    fn renders_keys_items_and_escapes() {
        let segs = vec![
            Seg::Key("content"),
            Seg::Item {
                index: 0,
                identity: Some(vec![("type", json!("folder")), ("name", json!("a.b"))]),
            },
            Seg::Key("content"),
            Seg::Item {
                index: 3,
                identity: None,
            },
            Seg::Key("perm=s"),
        ];
        assert_eq!(
            render_dict_path(&segs),
            r"content[type=folder][name=a\.b].content[3].perm\=s"
        );
        let specials = vec![
            Seg::Key("items"),
            Seg::Item {
                index: 0,
                identity: Some(vec![("name", json!(r"p[q]\s*t")), ("n", json!(1.5))]),
            },
        ];
        assert_eq!(
            render_dict_path(&specials),
            r"items[name=p\[q\]\\s\*t][n=1\.5]"
        );
        let null = vec![
            Seg::Key("items"),
            Seg::Item {
                index: 0,
                identity: Some(vec![("k", Value::Null)]),
            },
        ];
        assert_eq!(render_dict_path(&null), r"items[k=\0]");
        assert_eq!(render_dict_path(&[]), ".");
    }

    #[test]
    fn raw_path_uses_indexes() {
        let mut stack = PathStack::default();
        stack.push_key("content");
        stack.push_item(2, Some(vec![("name", json!("x"))]));
        stack.push_key("mode");
        assert_eq!(stack.render(), "content[name=x].mode");
        assert_eq!(stack.render_by_index(), "content[2].mode");
        assert_eq!(
            stack.raw(),
            vec![
                PathSegment::Key("content".into()),
                PathSegment::Index(2),
                PathSegment::Key("mode".into())
            ]
        );
        stack.pop();
        assert_eq!(stack.pop(), Some(vec![("name", json!("x"))]));
    }
}
