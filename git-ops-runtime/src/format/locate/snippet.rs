//! A short excerpt of a source text pointing at a position.

use crate::format::Position;

/// How many characters of a long line are shown on each side of the
/// position.
const HALF_WINDOW: usize = 50;

/// The line of `text` at `position` and a caret under its column:
///
/// ```text
/// 12 |   mode: 7777
///    |         ^
/// ```
///
/// Tabs are shown as one space each, so the caret stays aligned; a line
/// longer than 100 characters is cut around the position (`...`). A
/// position beyond the text points just after its end.
pub fn snippet(text: &str, position: Position) -> String {
    let line_text = text
        .split('\n')
        .nth(position.line.saturating_sub(1))
        .unwrap_or("");
    let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
    let chars: Vec<char> = line_text
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let caret = position.column.saturating_sub(1).min(chars.len());

    let (from, to) = if chars.len() > 2 * HALF_WINDOW {
        let from = caret.saturating_sub(HALF_WINDOW);
        (from, (from + 2 * HALF_WINDOW).min(chars.len()))
    } else {
        (0, chars.len())
    };
    let mut shown: String = chars[from..to].iter().collect();
    let mut caret_column = caret - from;
    if from > 0 {
        shown.insert_str(0, "...");
        caret_column += 3;
    }
    if to < chars.len() {
        shown.push_str("...");
    }

    let number = position.line.to_string();
    let gutter = " ".repeat(number.len());
    format!(
        "{number} | {shown}\n{gutter} | {}^",
        " ".repeat(caret_column)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_column() {
        let text = "a: 1\nname: [x, y\n";
        // Column 7 is the '['.
        assert_eq!(
            snippet(text, Position::new(2, 7)),
            "2 | name: [x, y\n  |       ^"
        );
    }

    #[test]
    fn tabs_and_non_ascii_keep_the_caret_aligned() {
        let text = "\t\"é€\": x";
        assert_eq!(
            snippet(text, Position::new(1, 7)),
            "1 |  \"é€\": x\n  |       ^"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_position() {
        let text = format!("{}X{}", "a".repeat(200), "b".repeat(200));
        let shown = snippet(&text, Position::new(1, 201));
        let (line, caret) = shown.split_once('\n').unwrap();
        assert_eq!(
            line,
            format!("1 | ...{}X{}...", "a".repeat(50), "b".repeat(49))
        );
        assert_eq!(caret.find('^'), line.find('X'));
    }

    #[test]
    fn positions_past_the_end_point_after_it() {
        assert_eq!(snippet("{", Position::new(1, 2)), "1 | {\n  |  ^");
        assert_eq!(snippet("a\n", Position::new(2, 1)), "2 | \n  | ^");
        assert_eq!(snippet("", Position::new(9, 9)), "9 | \n  | ^");
    }
}
