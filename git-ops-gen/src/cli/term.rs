//! The terminal side of the command line: logs and errors on stderr (in
//! colour on a terminal, unless `NO_COLOR` is set: `anstream` decides),
//! error snippets, and prompts (only on a terminal).

use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::{AtomicU8, Ordering};

use anstyle::{AnsiColor, Style};
use clap::ValueEnum;

/// How much the command logs on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum LogLevel {
    /// Only errors.
    Error,
    /// Errors and warnings.
    #[value(alias = "warning")]
    Warn,
    /// What the command does (the default).
    Info,
    /// Also where things were found and why.
    Debug,
}

static LEVEL: AtomicU8 = AtomicU8::new(LogLevel::Info as u8);

/// Sets the level of [`log`].
pub fn set_level(level: LogLevel) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

pub(crate) const ERROR: Style = AnsiColor::Red.on_default().bold();
pub(crate) const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub(crate) const INFO: Style = AnsiColor::Green.on_default().bold();
pub(crate) const DEBUG: Style = AnsiColor::Cyan.on_default();
pub(crate) const GUTTER: Style = AnsiColor::Blue.on_default().bold();
pub(crate) const BOLD: Style = Style::new().bold();

/// Logs `message` on stderr at `level` (`info: ...`), when the level is on.
pub fn log(level: LogLevel, message: impl std::fmt::Display) {
    if level as u8 > LEVEL.load(Ordering::Relaxed) {
        return;
    }
    let (style, label) = match level {
        LogLevel::Error => (ERROR, "error"),
        LogLevel::Warn => (WARNING, "warning"),
        LogLevel::Info => (INFO, "info"),
        LogLevel::Debug => (DEBUG, "debug"),
    };
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{style}{label}{style:#}: {message}");
}

/// One error for the user: a message, an optional snippet of the file it
/// is about (the offending line with a caret), and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The message (one line, or several).
    pub message: String,
    /// `<line> | <text>` and `  | ^` lines, from the runtime's errors.
    pub snippet: Option<String>,
    /// Hints printed after it (`note: ...`).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with only a message.
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            snippet: None,
            notes: Vec::new(),
        }
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// The diagnostic as printed: `error: ` then the message, the snippet
    /// with its gutter, the notes. Styled; `anstream` strips the styles
    /// when they must not be shown.
    pub fn render(&self) -> String {
        let mut out = format!("{ERROR}error{ERROR:#}: {}", self.message);
        if let Some(snippet) = &self.snippet {
            for line in snippet.lines() {
                out.push('\n');
                match line.split_once(" | ") {
                    Some((gutter, text)) if !text.trim_start().starts_with('^') => {
                        out.push_str(&format!("{GUTTER}{gutter} |{GUTTER:#} {text}"));
                    }
                    Some((gutter, caret)) => {
                        out.push_str(&format!(
                            "{GUTTER}{gutter} |{GUTTER:#} {ERROR}{caret}{ERROR:#}"
                        ));
                    }
                    None => out.push_str(line),
                }
            }
        }
        for note in &self.notes {
            out.push_str(&format!("\n{BOLD}note{BOLD:#}: {note}"));
        }
        out
    }

    /// Prints it on stderr.
    pub fn print(&self) {
        let mut err = anstream::stderr().lock();
        let _ = writeln!(err, "{}", self.render());
    }
}

/// Asks for a value on the terminal: `None` when stdin or stderr is not a
/// terminal (then the caller reports a usage error) or the answer is
/// empty.
pub fn prompt(label: &str) -> Option<String> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    {
        let mut err = anstream::stderr().lock();
        let _ = write!(err, "{BOLD}{label}{BOLD:#}: ");
        let _ = err.flush();
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    let answer = line.trim();
    (!answer.is_empty()).then(|| answer.to_owned())
}
