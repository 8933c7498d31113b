//! A small JSON scanner that keeps the position of every node.
//!
//! It accepts the JSON serde_json accepts (RFC 8259, nesting up to 128
//! levels) and records, on the way, the first duplicate key and the first
//! integer literal a `serde_json::Value` cannot hold: the JSON reader asks
//! for those on its error path.

use std::rc::Rc;

use super::{SpanEntry, SpanKind, SpanNode};
use crate::format::Position;

/// serde_json's recursion limit.
const MAX_DEPTH: usize = 128;

/// A key found twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    pub(crate) key: String,
    pub(crate) first: Position,
    pub(crate) second: Position,
}

/// What a scan found.
pub(crate) struct Scan {
    /// The tree, when the whole text is JSON.
    pub(crate) root: Option<Rc<SpanNode>>,
    /// The first key, in text order, that repeats a key of its object.
    pub(crate) first_duplicate: Option<Duplicate>,
    /// The first integer literal outside `i64::MIN..=u64::MAX`.
    pub(crate) first_out_of_range: Option<(String, Position)>,
}

pub(crate) fn scan(text: &str) -> Scan {
    let mut scanner = Scanner {
        text: text.as_bytes(),
        at: 0,
        line: 1,
        column: 1,
        first_duplicate: None,
        first_out_of_range: None,
    };
    let root = scanner.document();
    Scan {
        root,
        first_duplicate: scanner.first_duplicate,
        first_out_of_range: scanner.first_out_of_range,
    }
}

/// The first duplicate key of `text` (found even if the text is not valid
/// JSON after it).
pub(crate) fn first_duplicate_key(text: &str) -> Option<Duplicate> {
    scan(text).first_duplicate
}

/// The first integer literal of `text` a `serde_json::Value` cannot hold.
pub(crate) fn first_out_of_range_integer(text: &str) -> Option<(String, Position)> {
    scan(text).first_out_of_range
}

struct Scanner<'t> {
    text: &'t [u8],
    at: usize,
    line: usize,
    column: usize,
    first_duplicate: Option<Duplicate>,
    first_out_of_range: Option<(String, Position)>,
}

impl Scanner<'_> {
    fn position(&self) -> Position {
        Position::new(self.line, self.column)
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        if byte == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if byte & 0b1100_0000 != 0b1000_0000 {
            // The first byte of a character: positions are only asked for
            // between characters, so the column is right once it is read.
            self.column += 1;
        }
        Some(byte)
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.bump()? == byte).then_some(())
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn document(&mut self) -> Option<Rc<SpanNode>> {
        self.skip_whitespace();
        let root = self.value(0)?;
        self.skip_whitespace();
        self.peek().is_none().then_some(root)
    }

    fn value(&mut self, depth: usize) -> Option<Rc<SpanNode>> {
        let start = self.position();
        let kind = match self.peek()? {
            b'{' => self.object(depth + 1)?,
            b'[' => self.array(depth + 1)?,
            b'"' => {
                self.string()?;
                SpanKind::Scalar
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            b'-' | b'0'..=b'9' => {
                self.number(start)?;
                SpanKind::Scalar
            }
            _ => return None,
        };
        Some(Rc::new(SpanNode { start, kind }))
    }

    fn literal(&mut self, word: &[u8]) -> Option<SpanKind> {
        for &byte in word {
            self.eat(byte)?;
        }
        Some(SpanKind::Scalar)
    }

    fn object(&mut self, depth: usize) -> Option<SpanKind> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'{')?;
        let mut entries: Vec<SpanEntry> = Vec::new();
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.bump();
            return Some(SpanKind::Mapping(entries));
        }
        loop {
            self.skip_whitespace();
            let key_start = self.position();
            let key = self.string()?;
            if self.first_duplicate.is_none()
                && let Some(first) = entries.iter().find(|entry| entry.key == key)
            {
                self.first_duplicate = Some(Duplicate {
                    key: key.clone(),
                    first: first.key_start,
                    second: key_start,
                });
            }
            self.skip_whitespace();
            self.eat(b':')?;
            self.skip_whitespace();
            let value = self.value(depth)?;
            entries.push(SpanEntry {
                key,
                key_start,
                value,
            });
            self.skip_whitespace();
            match self.bump()? {
                b',' => continue,
                b'}' => return Some(SpanKind::Mapping(entries)),
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<SpanKind> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.bump();
            return Some(SpanKind::Sequence(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.bump()? {
                b',' => continue,
                b']' => return Some(SpanKind::Sequence(items)),
                _ => return None,
            }
        }
    }

    /// A string literal, unescaped.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.bump()? {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let escaped = match self.bump()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(escaped.encode_utf8(&mut buf).as_bytes());
                }
                byte if byte < 0x20 => return None,
                byte => out.push(byte),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = char::from(self.bump()?).to_digit(16)?;
            value = value * 16 + digit;
        }
        Some(value)
    }

    /// After `\u`: one code point, from a surrogate pair if need be (a lone
    /// surrogate is refused, as serde_json refuses it).
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) {
            self.eat(b'\\')?;
            self.eat(b'u')?;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return None;
            }
            char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        } else {
            char::from_u32(first)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`.
    fn number(&mut self, start: Position) -> Option<()> {
        let begin = self.at;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.bump()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.bump();
            self.one_or_more_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.bump();
            if matches!(self.peek(), Some(b'-' | b'+')) {
                self.bump();
            }
            self.one_or_more_digits()?;
        }
        let literal = std::str::from_utf8(&self.text[begin..self.at]).ok()?;
        if integer
            && self.first_out_of_range.is_none()
            && literal.parse::<u64>().is_err()
            && literal.parse::<i64>().is_err()
        {
            self.first_out_of_range = Some((literal.to_owned(), start));
        }
        Some(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump();
        }
    }

    fn one_or_more_digits(&mut self) -> Option<()> {
        matches!(self.peek(), Some(b'0'..=b'9')).then_some(())?;
        self.digits();
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_the_first_duplicate_key() {
        let text = "{\n  \"a\": {\"x\": 1, \"x\": 2},\n  \"a\": 3\n}";
        assert_eq!(
            first_duplicate_key(text),
            Some(Duplicate {
                key: "x".into(),
                first: Position::new(2, 9),
                second: Position::new(2, 17),
            })
        );
    }

    #[test]
    fn records_integers_out_of_range() {
        let text = "[1, 18446744073709551615, -9223372036854775808, 1e30, 18446744073709551616]";
        assert_eq!(
            first_out_of_range_integer(text),
            Some(("18446744073709551616".to_owned(), Position::new(1, 55)))
        );
    }

    #[test]
    fn columns_count_characters() {
        let scan = scan("{\"é€😀\": [true]}");
        let Some(root) = scan.root else {
            panic!("valid JSON")
        };
        let SpanKind::Mapping(entries) = &root.kind else {
            panic!("an object")
        };
        assert_eq!(entries[0].key, "é€😀");
        assert_eq!(entries[0].key_start, Position::new(1, 2));
        assert_eq!(entries[0].value.start, Position::new(1, 9));
    }

    #[test]
    fn refuses_what_is_not_json() {
        for text in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "\"\\ud800\"",
            "tru",
            "[1] x",
            "\"a\nb\"",
        ] {
            assert!(scan(text).root.is_none(), "{text:?}");
        }
    }
}
