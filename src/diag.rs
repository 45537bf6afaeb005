//! Diagnostics: problems in the author's input, reported the way compilers report them.
//!
//! In: a file path, the file's text and a byte offset (or a line and column).
//! Out: a [`Diagnostic`] that prints as
//!
//! ```text
//! error: unknown column "shares" in hf-downloads-by-origin@2025-11-27
//!   --> content/02-downloads.md:41:5
//!    |
//! 41 | y = "shares"
//!    |
//!    = help: columns are country, period, share
//! ```
//!
//! Byte offsets become line and column in exactly one place, [`Source::locate`], which also
//! accounts for the offset of a fragment (a Markdown body after its front matter, a TOML
//! directive inside a Markdown file) within its file.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the input, with where it is and, when there is one, a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the project root (as the author knows it).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// What is wrong, in one sentence without a final full stop.
    pub message: String,
    /// The offending line of the file, when known.
    pub snippet: Option<String>,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (no line).
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: 0,
            col: 0,
            message: message.into(),
            snippet: None,
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn sort_key(&self) -> (&Path, usize, usize, &str) {
        (&self.file, self.line, self.col, &self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let file = self.file.display().to_string().replace('\\', "/");
        let gutter = " ".repeat(self.line.max(1).to_string().len());
        match (self.line, self.col) {
            (0, _) => writeln!(f, "{gutter}--> {file}")?,
            (line, 0) => writeln!(f, "{gutter}--> {file}:{line}")?,
            (line, col) => writeln!(f, "{gutter}--> {file}:{line}:{col}")?,
        }
        if let Some(snippet) = &self.snippet {
            writeln!(f, "{gutter} |")?;
            writeln!(f, "{} | {}", self.line, shorten(snippet))?;
            writeln!(f, "{gutter} |")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "{gutter} = help: {hint}")?;
        }
        Ok(())
    }
}

/// A very long line (minified data, a pasted blob) is cut so the diagnostic stays readable.
fn shorten(line: &str) -> String {
    const MAX: usize = 160;
    if line.chars().count() <= MAX {
        line.to_string()
    } else {
        let cut: String = line.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// Sorts diagnostics by file, line and column, and drops exact repeats.
pub fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    diagnostics
}

/// A file's text as the author wrote it, or a fragment of it, for turning offsets into
/// line and column.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The file, relative to the project root.
    pub file: &'a Path,
    /// The whole text of the file.
    pub text: &'a str,
    /// Where the fragment being parsed starts in `text`; offsets given to
    /// [`Source::locate`] are relative to it.
    pub base: usize,
    /// True when offsets count the fragment as the Markdown parser hands it out: each
    /// `\r\n` of the file as one `\n` (a code block's text in a file with CRLF endings).
    pub lf: bool,
}

impl<'a> Source<'a> {
    /// A whole file.
    pub fn new(file: &'a Path, text: &'a str) -> Self {
        Source {
            file,
            text,
            base: 0,
            lf: false,
        }
    }

    /// The same file, with offsets counted from `base` (relative to this source's own base).
    pub fn fragment(&self, base: usize) -> Self {
        Source {
            base: self.base + base,
            ..*self
        }
    }

    /// Like [`Source::fragment`], for a fragment whose text has each `\r\n` of the file as
    /// `\n` (pulldown-cmark's code block text): offsets into that text are mapped back.
    pub fn fragment_lf(&self, base: usize) -> Self {
        Source {
            lf: true,
            ..self.fragment(base)
        }
    }

    /// Where byte `offset` of the fragment is in the file.
    fn file_offset(&self, offset: usize) -> usize {
        if !self.lf {
            return self.base + offset;
        }
        let rest = self.text.as_bytes().get(self.base..).unwrap_or_default();
        let (mut file, mut fragment) = (0, 0);
        while fragment < offset && file < rest.len() {
            file += if rest[file..].starts_with(b"\r\n") {
                2
            } else {
                1
            };
            fragment += 1;
        }
        self.base + file + (offset - fragment)
    }

    /// A diagnostic at byte `offset` of the fragment.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.locate(offset);
        Diagnostic {
            file: self.file.to_path_buf(),
            line,
            col,
            message: message.into(),
            snippet: lines(self.text).nth(line - 1).map(str::to_string),
            hint: None,
        }
    }

    /// The byte offset (of the whole file) of 1-based `line` and `col` (in characters), as
    /// parsers of JSON and YAML report positions; past the end, the end.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let mut start = 0;
        for (n, text) in lines(self.text).enumerate() {
            if n + 1 == line {
                let within = text
                    .char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(text.len(), |(i, _)| i);
                return start + within;
            }
            start += text.len();
            let rest = &self.text.as_bytes()[start..];
            start += if rest.starts_with(b"\r\n") {
                2
            } else {
                usize::from(!rest.is_empty())
            };
        }
        self.text.len()
    }

    /// 1-based line and column (in characters) of byte `offset` of the fragment.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let mut at = self.file_offset(offset).min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let before = &self.text[..at];
        let line = lines(before).count().max(1) + usize::from(ends_line(before));
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

/// The lines of `text`, ended by `\n`, `\r\n` or a lone `\r` (as CommonMark and CSV
/// files from old Macs have them), without their endings.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(i) => {
                let ending = if current[i..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[i + ending..]).filter(|r| !r.is_empty());
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// True when `text` ends with a line ending (so the next line has begun).
fn ends_line(text: &str) -> bool {
    text.ends_with(['\n', '\r'])
}

/// Where the line that sets `key = ...` starts in a TOML text (0 when no line does), for
/// pointing a diagnostic at the key it is about.
pub fn toml_key_offset(toml: &str, key: &str) -> usize {
    let mut at = 0;
    for line in toml.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return at + (line.len() - trimmed.len());
        }
        at += line.len();
    }
    0
}

/// The line (1-based) of the first byte that is not UTF-8, for "file is not UTF-8" errors.
pub fn invalid_utf8(file: &Path, bytes: &[u8], err: std::str::Utf8Error) -> Diagnostic {
    let at = err.valid_up_to();
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&bytes[line_start..at])
        .chars()
        .count()
        + 1;
    Diagnostic {
        file: file.to_path_buf(),
        line,
        col,
        message: format!("file is not valid UTF-8 (byte 0x{:02X})", bytes[at]),
        snippet: None,
        hint: Some("save the file as UTF-8".to_string()),
    }
}

/// A TOML parse or schema error inside `source`, at the span the TOML parser gives.
pub fn toml_error(source: &Source<'_>, what: &str, err: &toml::de::Error) -> Diagnostic {
    let offset = err.span().map_or(0, |span| span.start);
    let message = err.message().trim_end_matches('\n').replace('\n', "; ");
    let mut diagnostic = source.error_at(offset, format!("{what}: {message}"));
    if message.starts_with("unknown field") {
        diagnostic.hint = Some("check the spelling; unknown keys are not ignored".to_string());
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offsets_in_a_fragment() {
        let text = "+++\ntitle = 1\n+++\nhello\nwörld x\n";
        let source = Source::new(Path::new("a.md"), text).fragment(18);
        assert_eq!(source.locate(0), (4, 1));
        assert_eq!(source.locate(6), (5, 1));
        // Columns count characters, not bytes.
        assert_eq!(source.locate(13), (5, 7));
    }

    #[test]
    fn counts_lines_ended_by_lf_crlf_or_a_lone_cr() {
        let text = "a\nb\r\nc\rd";
        assert_eq!(lines(text).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
        let source = Source::new(Path::new("f"), text);
        assert_eq!(source.locate(0), (1, 1));
        assert_eq!(source.locate(2), (2, 1));
        assert_eq!(source.locate(5), (3, 1));
        assert_eq!(source.locate(7), (4, 1));
        assert_eq!(source.error_at(7, "x").snippet.as_deref(), Some("d"));
    }

    #[test]
    fn prints_in_compiler_format() {
        let text = "a\nb = 2\n";
        let d = Source::new(Path::new("content/x.md"), text)
            .error_at(2, "bad thing")
            .with_hint("do this");
        assert_eq!(
            d.to_string(),
            "error: bad thing\n --> content/x.md:2:1\n  |\n2 | b = 2\n  |\n  = help: do this\n"
        );
    }

    #[test]
    fn reports_the_line_of_invalid_utf8() {
        let bytes: Vec<u8> = [&b"ok\nbad "[..], &[0xff], b" here"].concat();
        let bytes = bytes.as_slice();
        let err = std::str::from_utf8(bytes).unwrap_err();
        let d = invalid_utf8(Path::new("f.md"), bytes, err);
        assert_eq!((d.line, d.col), (2, 5));
    }
}
