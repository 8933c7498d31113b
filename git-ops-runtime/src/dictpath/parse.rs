//! Parsing the dict-path syntax (see the module documentation for the grammar).
//!
//! One pass over the input, no backtracking. The accepted language is the one
//! of inmanta-core's `to_path` / `to_wild_path`, with two differences:
//!
//! - an unescaped `.` is accepted inside a selector value (`a[k=x.y]`), which
//!   inmanta-core refuses (its splitter cuts the section at that dot);
//! - a `\` at the very end, or followed by a line break, is an error, where
//!   inmanta-core silently drops the backslash.

use std::str::FromStr;

use super::error::{ParseError, ParseErrorKind};
use super::path::{DictPath, Key, Section, Selector, SelectorValue, WildDictPath};
use super::render::{is_special, key_text};

struct Parser<'a> {
    input: &'a str,
    /// Byte offset of the next character.
    pos: usize,
    /// Byte offset where the current section starts.
    section_start: usize,
    wild: bool,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// The current section as written, for error messages: up to the next
    /// `.` that is neither escaped nor inside `[...]`.
    fn section_text(&self) -> String {
        let text = &self.input[self.section_start..];
        let mut chars = text.char_indices();
        let mut in_selector = false;
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '[' => in_selector = true,
                ']' => in_selector = false,
                '.' if !in_selector => return text[..at].to_owned(),
                _ => {}
            }
        }
        text.to_owned()
    }

    fn error(&self, at: usize, kind: ParseErrorKind) -> ParseError {
        ParseError {
            input: self.input.to_owned(),
            section: self.section_text(),
            column: self.input[..at].chars().count() + 1,
            kind,
        }
    }

    fn path(mut self) -> Result<Vec<Section>, ParseError> {
        if self.input == "." {
            return Ok(Vec::new());
        }
        let mut sections = Vec::new();
        while let Some(c) = self.peek() {
            if c == '.' {
                // A leading dot, or an empty section (`a..b`, `a.`): ignored, as
                // inmanta-core does; `path + ".x"` with path `.` still works.
                self.pos += 1;
                continue;
            }
            self.section_start = self.pos;
            sections.push(self.section()?);
        }
        if sections.is_empty() {
            self.section_start = self.input.len();
            return Err(self.error(0, ParseErrorKind::Empty));
        }
        Ok(sections)
    }

    /// One section; leaves the cursor on the `.` after it or at the end.
    fn section(&mut self) -> Result<Section, ParseError> {
        let start = self.pos;
        if self.peek() == Some('*') {
            self.pos += 1;
            return match self.peek() {
                None | Some('.') if self.wild => Ok(Section::Key(Key::Wildcard)),
                None | Some('.') => Err(self.error(start, ParseErrorKind::Wildcard)),
                Some('[') => Err(self.error(start, ParseErrorKind::WildcardRelation)),
                Some(_) => Err(self.error(start, ParseErrorKind::StarInName)),
            };
        }
        let name = self.text(false)?;
        match self.peek() {
            None | Some('.') => Ok(Section::Key(Key::Name(name.into()))),
            Some('[') if name.is_empty() => {
                Err(self.error(self.pos, ParseErrorKind::MissingRelation))
            }
            Some('[') => self.selectors(name),
            Some('*') => Err(self.error(self.pos, ParseErrorKind::StarInName)),
            Some(c) => Err(self.error(self.pos, ParseErrorKind::Unexpected(c))),
        }
    }

    /// Literal text up to the next unescaped special character (a `.` too
    /// unless `allow_dot`), unescaped. The cursor stays on that character.
    fn text(&mut self, allow_dot: bool) -> Result<String, ParseError> {
        let mut out = String::new();
        loop {
            let rest = self.rest();
            let stop = rest
                .find(|c: char| is_special(c) && !(allow_dot && c == '.'))
                .unwrap_or(rest.len());
            out.push_str(&rest[..stop]);
            self.pos += stop;
            if self.peek() != Some('\\') {
                return Ok(out);
            }
            let escape_at = self.pos;
            self.pos += 1;
            match self.peek() {
                None => return Err(self.error(escape_at, ParseErrorKind::DanglingEscape)),
                Some(c) if is_special(c) => {
                    out.push(c);
                    self.pos += 1;
                }
                Some(c) => return Err(self.error(escape_at, ParseErrorKind::InvalidEscape(c))),
            }
        }
    }

    /// The selectors of an item section, the cursor on the first `[`.
    fn selectors(&mut self, relation: String) -> Result<Section, ParseError> {
        let mut selectors: Vec<Selector> = Vec::with_capacity(1);
        while self.peek() == Some('[') {
            self.pos += 1;
            let key_at = self.pos;
            let key = self.selector_key()?;
            self.pos += 1; // '='
            let value_at = self.pos;
            let value = self.selector_value()?;
            self.pos += 1; // ']'
            if !self.wild {
                if key == Key::Wildcard {
                    return Err(self.error(key_at, ParseErrorKind::Wildcard));
                }
                if value == SelectorValue::Wildcard {
                    return Err(self.error(value_at, ParseErrorKind::Wildcard));
                }
            }
            if selectors.iter().any(|s| s.key == key) {
                let kind = ParseErrorKind::DuplicateSelectorKey(key_text(&key));
                return Err(self.error(key_at, kind));
            }
            selectors.push(Selector { key, value });
        }
        match self.peek() {
            None | Some('.') => Ok(Section::Item {
                relation: relation.into(),
                selectors: selectors.into(),
            }),
            Some(_) => Err(self.error(self.pos, ParseErrorKind::TextAfterSelector)),
        }
    }

    /// A selector key; leaves the cursor on the `=`.
    fn selector_key(&mut self) -> Result<Key, ParseError> {
        if self.rest().starts_with("*=") {
            self.pos += 1;
            return Ok(Key::Wildcard);
        }
        let key_at = self.pos;
        let text = self.text(false)?;
        match self.peek() {
            Some('=') if text.is_empty() => {
                Err(self.error(key_at, ParseErrorKind::EmptySelectorKey))
            }
            Some('=') => Ok(Key::Name(text.into())),
            None => Err(self.error(self.pos, ParseErrorKind::UnclosedSelector)),
            Some(']') => Err(self.error(self.pos, ParseErrorKind::MissingEquals)),
            Some('*') => Err(self.error(self.pos, ParseErrorKind::StarInName)),
            Some(c) => Err(self.error(self.pos, ParseErrorKind::Unexpected(c))),
        }
    }

    /// A selector value; leaves the cursor on the `]`.
    fn selector_value(&mut self) -> Result<SelectorValue, ParseError> {
        if self.rest().starts_with("\\0]") {
            self.pos += 2;
            return Ok(SelectorValue::Null);
        }
        if self.rest().starts_with("*]") {
            self.pos += 1;
            return Ok(SelectorValue::Wildcard);
        }
        let text = self.text(true)?;
        match self.peek() {
            Some(']') => Ok(SelectorValue::Text(text.into())),
            None => Err(self.error(self.pos, ParseErrorKind::UnclosedSelector)),
            Some('*') => Err(self.error(self.pos, ParseErrorKind::StarInName)),
            Some(c) => Err(self.error(self.pos, ParseErrorKind::Unexpected(c))),
        }
    }
}

fn parse(input: &str, wild: bool) -> Result<Vec<Section>, ParseError> {
    Parser {
        input,
        pos: 0,
        section_start: 0,
        wild,
    }
    .path()
}

impl DictPath {
    /// Parses a path that designates one value; a wildcard is an error.
    ///
    /// ```
    /// use git_ops_runtime::dictpath::DictPath;
    ///
    /// let path = DictPath::parse(r"content[type=file][name=a\.txt].mode").unwrap();
    /// assert_eq!(path.sections().len(), 2);
    /// assert_eq!(path.to_string(), r"content[type=file][name=a\.txt].mode");
    /// assert!(DictPath::parse("items[name=*]").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        parse(input, false).map(DictPath::from_checked)
    }
}

impl WildDictPath {
    /// Parses a path in which `*` is a wildcard (a whole key, selector key or
    /// selector value).
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        parse(input, true).map(WildDictPath::from_checked)
    }
}

impl FromStr for DictPath {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, ParseError> {
        DictPath::parse(input)
    }
}

impl FromStr for WildDictPath {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, ParseError> {
        WildDictPath::parse(input)
    }
}
