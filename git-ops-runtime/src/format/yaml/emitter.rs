//! A port of PyYAML's `Emitter` (PyYAML 6, `emitter.py`) for the events
//! `yaml.safe_dump(value, sort_keys=False)` produces from JSON data.
//!
//! With `default_flow_style=False` every non-empty collection is in block
//! style and only empty ones are written in flow style (`[]`, `{}`); there
//! are no anchors (JSON data shares no objects), no tags (every scalar is
//! either plain and implicitly typed, or a quoted string), no explicit
//! document markers, and the options are PyYAML's defaults: indent 2, width
//! 80, `allow_unicode=False`, `\n` line breaks. The state machine of the
//! original becomes a recursive walk over the value; the state it keeps
//! between events (column, whitespace, indention, indents, open-ended) is
//! kept with the same names and the same updates, so the output is the same
//! byte for byte. The differential test against the real PyYAML proves it.

use serde_json::Value;

use super::resolver::resolve_plain;
use crate::format::{json, pyfloat};

const BEST_INDENT: usize = 2;
const BEST_WIDTH: usize = 80;

/// Line breaks as PyYAML's emitter knows them.
fn is_break(ch: char) -> bool {
    matches!(ch, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Characters after which (or before which) an indicator is "followed by
/// whitespace" in `analyze_scalar`.
fn is_blank_or_break(ch: char) -> bool {
    matches!(ch, '\0' | ' ' | '\t' | '\r') || is_break(ch)
}

/// The result of `analyze_scalar`: which styles can write a scalar.
struct Analysis {
    empty: bool,
    multiline: bool,
    allow_flow_plain: bool,
    allow_block_plain: bool,
    allow_single_quoted: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
}

/// The context a node is emitted in (`expect_node`'s flags).
#[derive(Clone, Copy, Default)]
struct Context {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

pub(crate) struct Emitter<'o> {
    out: &'o mut String,
    indents: Vec<Option<usize>>,
    indent: Option<usize>,
    flow_level: usize,
    context: Context,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
}

impl<'o> Emitter<'o> {
    pub(crate) fn new(out: &'o mut String) -> Self {
        Emitter {
            out,
            indents: Vec::new(),
            indent: None,
            flow_level: 0,
            context: Context::default(),
            column: 0,
            whitespace: true,
            indention: true,
            open_ended: false,
        }
    }

    /// One document holding `value`: stream start, an implicit document
    /// start, the root node, the document end and the stream end.
    pub(crate) fn emit_document(mut self, value: &Value) {
        self.expect_node(
            value,
            Context {
                root: true,
                ..Context::default()
            },
        );
        // expect_document_end (not explicit).
        self.write_indent();
        // expect_document_start on the stream end.
        if self.open_ended {
            self.write_indicator("...", true, false, false);
            self.write_indent();
        }
    }

    fn expect_node(&mut self, value: &Value, context: Context) {
        self.context = context;
        match value {
            Value::Array(items) if items.is_empty() || self.flow_level > 0 => {
                self.write_indicator("[", true, true, false);
                self.flow_level += 1;
                self.increase_indent(true, false);
                // Only empty collections are in flow style: the sequence ends here.
                self.indent = self.indents.pop().flatten();
                self.flow_level -= 1;
                self.write_indicator("]", false, false, false);
            }
            Value::Object(map) if map.is_empty() || self.flow_level > 0 => {
                self.write_indicator("{", true, true, false);
                self.flow_level += 1;
                self.increase_indent(true, false);
                self.indent = self.indents.pop().flatten();
                self.flow_level -= 1;
                self.write_indicator("}", false, false, false);
            }
            Value::Array(items) => self.block_sequence(items),
            Value::Object(map) => self.block_mapping(map),
            scalar => {
                let (text, implicit) = represent(scalar);
                let chars: Vec<char> = text.chars().collect();
                let analysis = analyze_scalar(&chars);
                self.expect_scalar(&chars, &analysis, implicit);
            }
        }
    }

    fn block_sequence(&mut self, items: &[Value]) {
        let indentless = self.context.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.expect_node(item, Context::default());
        }
        self.indent = self.indents.pop().flatten();
    }

    fn block_mapping(&mut self, map: &serde_json::Map<String, Value>) {
        self.increase_indent(false, false);
        for (key, value) in map {
            self.write_indent();
            let chars: Vec<char> = key.chars().collect();
            let analysis = analyze_scalar(&chars);
            // A key is a string: implicit when it would read back as one.
            let implicit = resolve_plain(key).is_none();
            let key_context = Context {
                mapping: true,
                ..Context::default()
            };
            // check_simple_key: a short single-line, non-empty scalar. The
            // length counts the tag PyYAML has prepared although it does not
            // write it: `!!str`, 5 characters.
            if chars.len() + "!!str".len() < 128 && !analysis.empty && !analysis.multiline {
                self.context = Context {
                    simple_key: true,
                    ..key_context
                };
                self.expect_scalar(&chars, &analysis, implicit);
                self.write_indicator(":", false, false, false);
                self.expect_node(value, key_context);
            } else {
                self.write_indicator("?", true, false, true);
                self.context = key_context;
                self.expect_scalar(&chars, &analysis, implicit);
                self.write_indent();
                self.write_indicator(":", true, false, true);
                self.expect_node(value, key_context);
            }
        }
        self.indent = self.indents.pop().flatten();
    }

    fn expect_scalar(&mut self, text: &[char], analysis: &Analysis, implicit: bool) {
        self.increase_indent(true, false);
        let style = self.choose_scalar_style(analysis, implicit);
        let split = !self.context.simple_key;
        match style {
            Style::DoubleQuoted => self.write_double_quoted(text, split),
            Style::SingleQuoted => self.write_single_quoted(text, split),
            Style::Plain => self.write_plain(text, split),
        }
        self.indent = self.indents.pop().flatten();
    }

    fn choose_scalar_style(&self, analysis: &Analysis, implicit: bool) -> Style {
        let simple_key = self.context.simple_key;
        if implicit
            && !(simple_key && (analysis.empty || analysis.multiline))
            && ((self.flow_level > 0 && analysis.allow_flow_plain)
                || (self.flow_level == 0 && analysis.allow_block_plain))
        {
            return Style::Plain;
        }
        if analysis.allow_single_quoted && !(simple_key && analysis.multiline) {
            return Style::SingleQuoted;
        }
        Style::DoubleQuoted
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        match self.indent {
            None => self.indent = Some(if flow { BEST_INDENT } else { 0 }),
            Some(indent) if !indentless => self.indent = Some(indent + BEST_INDENT),
            Some(_) => {}
        }
    }

    // Writers.

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        whitespace: bool,
        indention: bool,
    ) {
        if !self.whitespace && need_whitespace {
            self.out.push(' ');
            self.column += 1;
        }
        self.out.push_str(indicator);
        self.column += indicator.chars().count();
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
        self.open_ended = false;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.write_line_break(None);
        }
        if self.column < indent {
            self.whitespace = true;
            for _ in self.column..indent {
                self.out.push(' ');
            }
            self.column = indent;
        }
    }

    fn write_line_break(&mut self, data: Option<char>) {
        self.whitespace = true;
        self.indention = true;
        self.column = 0;
        self.out.push(data.unwrap_or('\n'));
    }

    fn write_text(&mut self, text: &[char]) {
        self.out.extend(text);
        self.column += text.len();
    }

    fn write_plain(&mut self, text: &[char], split: bool) {
        if self.context.root {
            self.open_ended = true;
        }
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.out.push(' ');
            self.column += 1;
        }
        self.whitespace = false;
        self.indention = false;
        // A plain scalar never holds a line break (analyze_scalar forbids
        // it), so only runs of spaces can be folded.
        let mut spaces = false;
        let mut start = 0;
        for end in 0..=text.len() {
            let ch = text.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > BEST_WIDTH && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.write_text(&text[start..end]);
                    }
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || is_break(c)) {
                self.write_text(&text[start..end]);
                start = end;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
            }
        }
    }

    fn write_single_quoted(&mut self, text: &[char], split: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut start = 0;
        for end in 0..=text.len() {
            let ch = text.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end
                        && self.column > BEST_WIDTH
                        && split
                        && start != 0
                        && end != text.len()
                    {
                        self.write_indent();
                    } else {
                        self.write_text(&text[start..end]);
                    }
                    start = end;
                }
            } else if breaks {
                if ch.is_none_or(|c| !is_break(c)) {
                    if text[start] == '\n' {
                        self.write_line_break(None);
                    }
                    for &br in &text[start..end] {
                        self.write_line_break(Some(br));
                    }
                    self.write_indent();
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || c == '\'' || is_break(c)) && start < end {
                self.write_text(&text[start..end]);
                start = end;
            }
            if ch == Some('\'') {
                self.out.push_str("''");
                self.column += 2;
                start = end + 1;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
        self.write_indicator("'", false, false, false);
    }

    fn write_double_quoted(&mut self, text: &[char], split: bool) {
        self.write_indicator("\"", true, false, false);
        let mut start = 0;
        for end in 0..=text.len() {
            let ch = text.get(end).copied();
            let escaped = match ch {
                None => true,
                Some(c) => {
                    matches!(
                        c,
                        '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}'
                    ) || !(' '..='~').contains(&c)
                }
            };
            if escaped {
                if start < end {
                    self.write_text(&text[start..end]);
                    start = end;
                }
                if let Some(c) = ch {
                    let before = self.out.len();
                    push_escape(c, self.out);
                    // Escapes are ASCII: bytes are characters.
                    self.column += self.out.len() - before;
                    start = end + 1;
                }
            }
            // `end - start` is -1 right after an escape: compare signed.
            let pending = end as isize - start as isize;
            if 0 < end
                && end + 1 < text.len()
                && (ch == Some(' ') || start >= end)
                && self.column as isize + pending > BEST_WIDTH as isize
                && split
            {
                if start < end {
                    self.write_text(&text[start..end]);
                    start = end;
                }
                self.out.push('\\');
                self.column += 1;
                self.write_indent();
                self.whitespace = false;
                self.indention = false;
                if text[start] == ' ' {
                    self.out.push('\\');
                    self.column += 1;
                }
            }
        }
        self.write_indicator("\"", false, false, false);
    }
}

/// `Emitter.ESCAPE_REPLACEMENTS`, else `\xXX`, `\uXXXX` or `\UXXXXXXXX`
/// (uppercase hex).
fn push_escape(ch: char, out: &mut String) {
    let short = match ch {
        '\0' => Some('0'),
        '\u{7}' => Some('a'),
        '\u{8}' => Some('b'),
        '\t' => Some('t'),
        '\n' => Some('n'),
        '\u{b}' => Some('v'),
        '\u{c}' => Some('f'),
        '\r' => Some('r'),
        '\u{1b}' => Some('e'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '\u{85}' => Some('N'),
        '\u{a0}' => Some('_'),
        '\u{2028}' => Some('L'),
        '\u{2029}' => Some('P'),
        _ => None,
    };
    out.push('\\');
    if let Some(short) = short {
        out.push(short);
        return;
    }
    let code = u32::from(ch);
    let (prefix, width) = match code {
        0..=0xFF => ('x', 2),
        0x100..=0xFFFF => ('u', 4),
        _ => ('U', 8),
    };
    out.push(prefix);
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for i in (0..width).rev() {
        out.push(HEX[((code >> (4 * i)) & 0xF) as usize] as char);
    }
}

/// SafeRepresenter: the text of a scalar and whether it is implicit (would
/// read back as the same type when written plain).
fn represent(value: &Value) -> (std::borrow::Cow<'_, str>, bool) {
    match value {
        Value::Null => ("null".into(), true),
        Value::Bool(true) => ("true".into(), true),
        Value::Bool(false) => ("false".into(), true),
        Value::Number(number) => {
            let mut text = String::new();
            if number.is_f64() {
                // `repr(data).lower()`, with ".0" before the exponent when
                // there is no dot ("1e+16" -> "1.0e+16").
                pyfloat::write_repr(number.as_f64().unwrap_or_default(), &mut text);
                if !text.contains('.')
                    && let Some(e) = text.find('e')
                {
                    text.insert_str(e, ".0");
                }
            } else {
                json::write_number(number, &mut text);
            }
            (text.into(), true)
        }
        Value::String(text) => (text.as_str().into(), resolve_plain(text).is_none()),
        Value::Array(_) | Value::Object(_) => unreachable!("collections are not scalars"),
    }
}

/// `Emitter.analyze_scalar` with `allow_unicode=False`.
fn analyze_scalar(scalar: &[char]) -> Analysis {
    if scalar.is_empty() {
        return Analysis {
            empty: true,
            multiline: false,
            allow_flow_plain: false,
            allow_block_plain: true,
            allow_single_quoted: true,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;

    if scalar.starts_with(&['-', '-', '-']) || scalar.starts_with(&['.', '.', '.']) {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = scalar.len() == 1 || is_blank_or_break(scalar[1]);
    let mut previous_space = false;
    let mut previous_break = false;
    let last = scalar.len() - 1;

    for (index, &ch) in scalar.iter().enumerate() {
        if index == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(ch) {
                flow_indicators = true;
                block_indicators = true;
            }
            if ch == '?' || ch == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if ch == '-' && followed_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        } else {
            if ",?[]{}".contains(ch) {
                flow_indicators = true;
            }
            if ch == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if ch == '#' && preceded_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        }

        if is_break(ch) {
            line_breaks = true;
        }
        // With allow_unicode=False every character outside printable ASCII
        // but the line feed is special: only double quotes can write it.
        if !(ch == '\n' || (' '..='~').contains(&ch)) {
            special_characters = true;
        }

        if ch == ' ' {
            if index == 0 {
                leading_space = true;
            }
            if index == last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(ch) {
            if index == 0 {
                leading_break = true;
            }
            if index == last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }

        preceded_by_whitespace = is_blank_or_break(ch);
        followed_by_whitespace = index + 2 >= scalar.len() || is_blank_or_break(scalar[index + 2]);
    }

    let mut allow_flow_plain = true;
    let mut allow_block_plain = true;
    let mut allow_single_quoted = true;
    if leading_space || leading_break || trailing_space || trailing_break {
        allow_flow_plain = false;
        allow_block_plain = false;
    }
    if break_space {
        allow_flow_plain = false;
        allow_block_plain = false;
        allow_single_quoted = false;
    }
    if space_break || special_characters {
        allow_flow_plain = false;
        allow_block_plain = false;
        allow_single_quoted = false;
    }
    if line_breaks {
        allow_flow_plain = false;
        allow_block_plain = false;
    }
    if flow_indicators {
        allow_flow_plain = false;
    }
    if block_indicators {
        allow_block_plain = false;
    }
    Analysis {
        empty: false,
        multiline: line_breaks,
        allow_flow_plain,
        allow_block_plain,
        allow_single_quoted,
    }
}
