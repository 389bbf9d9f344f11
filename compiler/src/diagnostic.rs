//! The one diagnostic value: rendered by the CLI, converted by the language
//! server, serialised by `pcr check --message-format json`.

use crate::source::{FileId, Files};
use pcr_lang::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a file with a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// A suggested edit that fixes the problem (a quick fix in editors).
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub title: String,
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label {
                file,
                span,
                message: label.into(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn warning(
        code: &'static str,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message, label)
        }
    }

    pub fn with_label(
        mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(
        mut self,
        title: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        self.fix = Some(Fix {
            title: title.into(),
            file: self.primary.file,
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// Help "did you mean `suggestion`?" and the quick fix that writes it in
    /// place of the primary span, which must be the misspelt name.
    pub fn with_suggestion(self, suggestion: &str) -> Diagnostic {
        let span = self.primary.span;
        self.with_help(format!("did you mean `{suggestion}`?"))
            .with_fix(format!("replace with `{suggestion}`"), span, suggestion)
    }

    /// Add "did you mean `x`?", and its quick fix, when a candidate is close
    /// to the misspelt `name` (the primary span).
    pub fn did_you_mean<'a>(
        self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        match crate::suggest::closest(name, candidates) {
            Some(h) => self.with_suggestion(h),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The JSON form of `pcr check --message-format json` (`docs/src/command-line.md`).
    pub fn to_json(&self, files: &Files) -> serde_json::Value {
        let file = files.get(self.primary.file);
        let (name, (line, column), (end_line, end_column)) = match file {
            Some(f) => (
                f.name.clone(),
                f.line_col(self.primary.span.start as usize),
                f.line_col(self.primary.span.end as usize),
            ),
            None => (String::new(), (1, 1), (1, 1)),
        };
        let mut value = serde_json::json!({
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": name,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "label": self.primary.message,
            "notes": self.notes,
        });
        if let (Some(help), Some(obj)) = (&self.help, value.as_object_mut()) {
            obj.insert("help".to_string(), serde_json::Value::String(help.clone()));
        }
        value
    }
}
