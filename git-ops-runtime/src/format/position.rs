//! Positions in a source text.

use std::fmt;

/// A place in a source text: 1-based line and 1-based column, the column
/// counted in characters (Unicode scalar values), so a position points at the
/// same character whatever the editor's encoding.
///
/// Positions carry no file name: the caller that knows the file adds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line number, from 1.
    pub line: usize,
    /// Column number in characters, from 1.
    pub column: usize,
}

impl Position {
    /// A position from a 1-based line and column.
    pub const fn new(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    /// The position of byte `offset` of `text` (clamped to the text, and
    /// rounded down to a character boundary).
    pub fn of_byte_offset(text: &[u8], offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + count_chars(&text[line_start..offset]);
        Position { line, column }
    }

    /// The position serde_json means by `line` and `byte_column`: the
    /// column counts the bytes read on that line, the last of which is the
    /// one at fault; `0` means the line break before the line.
    pub(crate) fn of_line_and_byte_column(
        text: &[u8],
        line: usize,
        byte_column: usize,
    ) -> Position {
        let mut start = 0;
        for _ in 1..line {
            match text[start..].iter().position(|&b| b == b'\n') {
                Some(i) => start += i + 1,
                None => break,
            }
        }
        if byte_column == 0 {
            // Nothing consumed on this line: the last character read is the
            // line break that ends the previous line.
            return Position::of_byte_offset(text, start.saturating_sub(1));
        }
        // The byte at `byte_column` is the one at fault: point at the
        // character that contains it.
        let mut at = (start + byte_column - 1).min(text.len());
        while at > start && at < text.len() && is_continuation(text[at]) {
            at -= 1;
        }
        Position::of_byte_offset(text, at)
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| !is_continuation(b)).count()
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_become_lines_and_character_columns() {
        let text = "ab\nécu: 1\n".as_bytes();
        assert_eq!(Position::of_byte_offset(text, 0), Position::new(1, 1));
        assert_eq!(Position::of_byte_offset(text, 2), Position::new(1, 3));
        assert_eq!(Position::of_byte_offset(text, 3), Position::new(2, 1));
        // "é" is two bytes: ':' is byte 7 of the text, column 4.
        assert_eq!(Position::of_byte_offset(text, 7), Position::new(2, 4));
        assert_eq!(Position::of_byte_offset(text, 100), Position::new(3, 1));
    }

    #[test]
    fn serde_json_byte_columns_point_at_the_character() {
        let text = "{\n  \"é\": x\n}".as_bytes();
        // serde_json reports the 'x' at line 2, byte column 9.
        assert_eq!(
            Position::of_line_and_byte_column(text, 2, 9),
            Position::new(2, 8)
        );
        // Column 0: the line break at the end of line 2.
        assert_eq!(
            Position::of_line_and_byte_column(text, 3, 0),
            Position::new(2, 9)
        );
        assert_eq!(
            Position::of_line_and_byte_column(b"", 1, 0),
            Position::new(1, 1)
        );
    }
}
