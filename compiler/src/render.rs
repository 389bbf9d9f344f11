//! Rendering diagnostics in the terminal with codespan-reporting.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Files};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel};
use codespan_reporting::files::{Error as CsError, Files as CsFiles};
use codespan_reporting::term;
use std::ops::Range;

struct View<'a> {
    files: &'a Files,
}

impl<'a> CsFiles<'a> for View<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, CsError> {
        self.files
            .get(id)
            .map(|f| f.name.as_str())
            .ok_or(CsError::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, CsError> {
        self.files
            .get(id)
            .map(|f| f.text.as_str())
            .ok_or(CsError::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, CsError> {
        let file = self.files.get(id).ok_or(CsError::FileMissing)?;
        Ok(file.lines().line_of(byte_index.min(file.text.len())))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, CsError> {
        let file = self.files.get(id).ok_or(CsError::FileMissing)?;
        let start = file
            .lines()
            .line_start(line_index)
            .ok_or(CsError::LineTooLarge {
                given: line_index,
                max: file.lines().line_count(),
            })?;
        let end = file
            .lines()
            .line_start(line_index + 1)
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<FileId> {
    let base = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
    };
    let mut labels =
        vec![CsLabel::primary(d.primary.file, d.primary.span.range())
            .with_message(&d.primary.message)];
    labels.extend(
        d.secondary
            .iter()
            .map(|l| CsLabel::secondary(l.file, l.span.range()).with_message(&l.message)),
    );
    let mut notes = d.notes.clone();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    base.with_code(d.code.code())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Render diagnostics as text, with or without colour.
pub fn render(files: &Files, diagnostics: &[Diagnostic], colour: bool) -> String {
    let view = View { files };
    let config = term::Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let cs = to_codespan(d);
        if colour {
            let mut buffer = term::termcolor::Buffer::ansi();
            if term::emit_to_write_style(&mut buffer, &config, &view, &cs).is_ok() {
                out.push_str(&String::from_utf8_lossy(buffer.as_slice()));
            }
        } else {
            let mut text = String::new();
            if term::emit_to_string(&mut text, &config, &view, &cs).is_ok() {
                out.push_str(&text);
            }
        }
    }
    out
}
