//! Tables in the style of the original command line (Python's `texttable`
//! with its defaults, spec §10.1): `+---+` borders, `|` between cells, the
//! header underlined with `+===+`, a line after every row, header cells
//! centred, data cells left-aligned, columns sized to their content and
//! wrapped on word boundaries to fit 80 columns.
//!
//! ```text
//! +-------+-------------+---------+---------+
//! | Store |    Name     | Version | Deleted |
//! +=======+=============+=========+=========+
//! | fs    | test-folder | 1       | False   |
//! +-------+-------------+---------+---------+
//! ```

/// The width the original's tables fit in.
pub const MAX_WIDTH: usize = 80;

/// A table: a header and rows of cells (each cell may hold several lines).
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new<I, S>(header: I) -> Table
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (as many cells as columns).
    pub fn row<I, S>(&mut self, cells: I) -> &mut Table
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let row: Vec<String> = cells.into_iter().map(Into::into).collect();
        debug_assert_eq!(
            row.len(),
            self.header.len(),
            "a row has one cell per column"
        );
        self.rows.push(row);
        self
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table, without a trailing newline.
    pub fn render(&self) -> String {
        let widths = self.widths();
        let rule = |c: char| {
            let mut line = String::from("+");
            for width in &widths {
                line.extend(std::iter::repeat_n(c, width + 2));
                line.push('+');
            }
            line
        };
        let mut out = vec![rule('-')];
        out.extend(draw_row(&self.header, &widths, true));
        out.push(rule('='));
        for row in &self.rows {
            out.extend(draw_row(row, &widths, false));
            out.push(rule('-'));
        }
        if self.rows.is_empty() {
            out.push(rule('-'));
        }
        out.join("\n")
    }

    /// The width of every column: the longest line of its cells, shrunk
    /// one column at a time, round robin, when the table would be wider
    /// than [`MAX_WIDTH`] (texttable's `_compute_cols_width`).
    fn widths(&self) -> Vec<usize> {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|c| cell_width(c)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell_width(cell));
            }
        }
        let decoration = 3 * columns.saturating_sub(1) + 4;
        let content: usize = widths.iter().sum();
        if content + decoration > MAX_WIDTH && MAX_WIDTH >= columns + decoration {
            let mut available = MAX_WIDTH - decoration;
            let mut shrunk = vec![0; columns];
            let mut i = 0;
            while available > 0 {
                if shrunk[i] < widths[i] {
                    shrunk[i] += 1;
                    available -= 1;
                }
                i = (i + 1) % columns;
            }
            widths = shrunk;
        }
        widths
    }
}

/// `True` / `False`, as Python prints booleans.
pub fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn cell_width(cell: &str) -> usize {
    cell.split('\n')
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0)
}

/// The lines of one row: each cell wrapped to its column, padded.
fn draw_row(cells: &[String], widths: &[usize], header: bool) -> Vec<String> {
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .zip(widths)
        .map(|(cell, width)| {
            let mut lines = Vec::new();
            for part in cell.split('\n') {
                if part.trim().is_empty() {
                    lines.push(String::new());
                } else {
                    lines.extend(wrap(part, *width));
                }
            }
            lines
        })
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
    (0..height)
        .map(|i| {
            let mut line = String::from("| ");
            for (column, (lines, width)) in wrapped.iter().zip(widths).enumerate() {
                let text = lines.get(i).map_or("", String::as_str);
                let fill = width.saturating_sub(text.chars().count());
                if header {
                    line.push_str(&" ".repeat(fill / 2));
                    line.push_str(text);
                    line.push_str(&" ".repeat(fill - fill / 2));
                } else {
                    line.push_str(text);
                    line.push_str(&" ".repeat(fill));
                }
                line.push_str(if column + 1 < widths.len() {
                    " | "
                } else {
                    " |"
                });
            }
            line
        })
        .collect()
}

/// Python's `textwrap.wrap(text, width)` for one line: words are broken
/// at whitespace and after hyphens inside words, a word longer than the
/// width is cut, whitespace at the end of a line is dropped.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    // Chunks, reversed so that the next one is at the end.
    let mut chunks: Vec<String> = chunks(text).into_iter().rev().collect();
    let mut lines: Vec<String> = Vec::new();
    while !chunks.is_empty() {
        let mut line: Vec<String> = Vec::new();
        let mut length = 0;
        if !lines.is_empty() && chunks.last().is_some_and(|c| c.trim().is_empty()) {
            chunks.pop();
        }
        while let Some(chunk) = chunks.last() {
            let n = chunk.chars().count();
            if length + n <= width {
                length += n;
                line.push(chunks.pop().expect("just looked at it"));
            } else {
                break;
            }
        }
        if let Some(chunk) = chunks.last_mut()
            && chunk.chars().count() > width
        {
            let room = width.saturating_sub(length).max(1);
            let head: String = chunk.chars().take(room).collect();
            let tail: String = chunk.chars().skip(room).collect();
            *chunk = tail;
            line.push(head);
        }
        if line.last().is_some_and(|c| c.trim().is_empty()) {
            line.pop();
        }
        if !line.is_empty() {
            lines.push(line.concat());
        }
    }
    lines
}

/// Whitespace runs and words, words split after a hyphen that has a
/// letter or digit on both sides (`test-folder` → `test-`, `folder`).
fn chunks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let mut current = String::new();
    let mut in_space = false;
    for (i, &c) in chars.iter().enumerate() {
        let space = c == ' ';
        if !current.is_empty() && space != in_space {
            out.push(std::mem::take(&mut current));
        }
        in_space = space;
        current.push(c);
        if c == '-'
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
        {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_example() {
        let mut table = Table::new(["Store", "Name", "Version", "Deleted"]);
        table.row(["fs", "test-folder", "1", python_bool(false)]);
        assert_eq!(
            table.render(),
            "+-------+-------------+---------+---------+\n\
             | Store |    Name     | Version | Deleted |\n\
             +=======+=============+=========+=========+\n\
             | fs    | test-folder | 1       | False   |\n\
             +-------+-------------+---------+---------+"
        );
    }

    #[test]
    fn an_empty_table_is_its_header() {
        // As texttable 1.7 draws it.
        let table = Table::new(["Name", "Path"]);
        assert_eq!(
            table.render(),
            "+------+------+\n| Name | Path |\n+======+======+\n+------+------+"
        );
    }

    #[test]
    fn wide_tables_are_shrunk_round_robin_and_wrapped_on_words() {
        let mut table = Table::new(["Name", "Description"]);
        let text = "word ".repeat(20);
        table.row(["a-rather-long-name", text.trim()]);
        let rendered = table.render();
        for line in rendered.lines() {
            assert_eq!(line.chars().count(), 80, "{line:?}");
        }
        // As texttable 1.7 draws it: 80 - 7 = 73 columns shared round
        // robin, the name keeps its 18, the text gets 55.
        let expected = [
            "+--------------------+---------------------------------------------------------+",
            "|        Name        |                       Description                       |",
            "+====================+=========================================================+",
            "| a-rather-long-name | word word word word word word word word word word word  |",
            "|                    | word word word word word word word word word            |",
            "+--------------------+---------------------------------------------------------+",
        ]
        .join("\n");
        assert_eq!(rendered, expected);
    }

    #[test]
    fn wrap_is_textwrap() {
        // Checked against Python 3.11's textwrap.wrap.
        assert_eq!(wrap("hello world", 5), ["hello", "world"]);
        assert_eq!(wrap("test-folder", 6), ["test-", "folder"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a bcdefgh", 4), ["a bc", "defg", "h"]);
        assert_eq!(wrap("  lead", 10), ["  lead"]);
        assert_eq!(wrap("one two  three", 7), ["one two", "three"]);
    }
}
