//! Rendering paths to the inmanta-core dict-path syntax.
//!
//! Every special character (`\ [ ] . * =`) in a name or value is prefixed with
//! `\`; a null selector value is `\0` and a wildcard `*`. The root is `.`;
//! other paths have no leading dot.

use std::fmt::{self, Write};

use super::path::{DictPath, Key, Section, SelectorValue, WildDictPath};

/// The characters that are escaped with `\` in names and values.
pub const SPECIAL_CHARACTERS: [char; 6] = ['\\', '[', ']', '.', '*', '='];

/// Whether `c` must be escaped in a name or value.
pub fn is_special(c: char) -> bool {
    SPECIAL_CHARACTERS.contains(&c)
}

/// Writes `text` with every special character escaped.
pub fn write_escaped(out: &mut impl Write, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some(at) = rest.find(is_special) {
        out.write_str(&rest[..at])?;
        out.write_char('\\')?;
        // A special character is one byte long.
        out.write_str(&rest[at..at + 1])?;
        rest = &rest[at + 1..];
    }
    out.write_str(rest)
}

/// `text` with every special character escaped (`a.b` -> `a\.b`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    // Writing to a String cannot fail.
    let _ = write_escaped(&mut out, text);
    out
}

fn write_key(out: &mut impl Write, key: &Key) -> fmt::Result {
    match key {
        Key::Name(name) => write_escaped(out, name),
        Key::Wildcard => out.write_char('*'),
    }
}

/// A key as written in a path.
pub(crate) fn key_text(key: &Key) -> String {
    let mut out = String::new();
    let _ = write_key(&mut out, key);
    out
}

fn write_section(out: &mut impl Write, section: &Section) -> fmt::Result {
    match section {
        Section::Key(key) => write_key(out, key),
        Section::Item {
            relation,
            selectors,
        } => {
            write_escaped(out, relation)?;
            for selector in selectors.iter() {
                out.write_char('[')?;
                write_key(out, &selector.key)?;
                out.write_char('=')?;
                match &selector.value {
                    SelectorValue::Text(text) => write_escaped(out, text)?,
                    SelectorValue::Null => out.write_str("\\0")?,
                    SelectorValue::Wildcard => out.write_char('*')?,
                }
                out.write_char(']')?;
            }
            Ok(())
        }
    }
}

fn write_sections(out: &mut impl Write, sections: &[Section]) -> fmt::Result {
    let Some((first, rest)) = sections.split_first() else {
        return out.write_char('.');
    };
    write_section(out, first)?;
    for section in rest {
        out.write_char('.')?;
        write_section(out, section)?;
    }
    Ok(())
}

/// A generous guess of the rendered length, to allocate once.
fn rendered_len(sections: &[Section]) -> usize {
    sections
        .iter()
        .map(|section| match section {
            Section::Key(Key::Name(name)) => name.len() + 1,
            Section::Key(Key::Wildcard) => 2,
            Section::Item {
                relation,
                selectors,
            } => {
                relation.len()
                    + 1
                    + selectors
                        .iter()
                        .map(|s| {
                            let key = match &s.key {
                                Key::Name(name) => name.len(),
                                Key::Wildcard => 1,
                            };
                            let value = match &s.value {
                                SelectorValue::Text(text) => text.len(),
                                _ => 2,
                            };
                            key + value + 3
                        })
                        .sum::<usize>()
            }
        })
        .sum::<usize>()
        .max(1)
}

fn render(sections: &[Section]) -> String {
    let mut out = String::with_capacity(rendered_len(sections));
    let _ = write_sections(&mut out, sections);
    out
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_section(f, self)
    }
}

impl fmt::Display for DictPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_sections(f, self.sections())
    }
}

impl fmt::Display for WildDictPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_sections(f, self.sections())
    }
}

impl DictPath {
    /// The path in dict-path syntax, e.g. `items[kind=dir][name=a].mode`, or
    /// `.` for the root. Same as `to_string()`, allocating once.
    pub fn render(&self) -> String {
        render(self.sections())
    }
}

impl WildDictPath {
    /// The path in dict-path syntax, e.g. `items[name=*].id`, or `.`.
    pub fn render(&self) -> String {
        render(self.sections())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character_and_nothing_else() {
        assert_eq!(escape(r"a\b[c]d.e*f=g h"), r"a\\b\[c\]d\.e\*f\=g h");
        assert_eq!(escape("é✓\n"), "é✓\n");
        assert_eq!(escape(""), "");
    }
}
