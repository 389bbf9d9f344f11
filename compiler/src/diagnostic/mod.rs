//! The one diagnostic value: rendered by the CLI, converted by the language
//! server, serialised by `pcr check --message-format json`. Its kind is a
//! [`Code`] of the registry (`registry.rs`); the kinds that repeat have
//! constructors (`constructors.rs`).

mod constructors;
pub mod registry;

pub use constructors::NameKind;
pub use registry::Code;

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
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic of kind `code` (its severity is the code's) at `span`
    /// of `file`, with its message and the label of that span.
    pub fn new(
        code: Code,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
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

    /// The JSON form of `pcr check --message-format json` (`docs/src/command-line.md`):
    /// the primary place flat (`file`, `line`, `column`, `end_line`,
    /// `end_column`, 1-based, plus byte offsets `start` and `end`), and
    /// `labels` (the secondary places), `notes`, `help` and `fix` (the
    /// replacement text for a span), so scripts and editors can apply it.
    pub fn to_json(&self, files: &Files) -> serde_json::Value {
        let mut value = place_json(files, self.primary.file, self.primary.span);
        let fields = [
            ("code", serde_json::json!(self.code)),
            ("severity", serde_json::json!(self.severity)),
            ("message", serde_json::json!(self.message)),
            ("label", serde_json::json!(self.primary.message)),
            ("notes", serde_json::json!(self.notes)),
        ];
        let labels: Vec<serde_json::Value> = self
            .secondary
            .iter()
            .map(|l| {
                let mut label = place_json(files, l.file, l.span);
                label.insert("message".into(), serde_json::json!(l.message));
                serde_json::Value::Object(label)
            })
            .collect();
        value.extend(fields.map(|(k, v)| (k.to_string(), v)));
        value.insert("labels".into(), serde_json::Value::Array(labels));
        if let Some(help) = &self.help {
            value.insert("help".into(), serde_json::json!(help));
        }
        if let Some(fix) = &self.fix {
            let mut f = place_json(files, fix.file, fix.span);
            f.insert("title".into(), serde_json::json!(fix.title));
            f.insert("replacement".into(), serde_json::json!(fix.replacement));
            value.insert("fix".into(), serde_json::Value::Object(f));
        }
        // Keys in a fixed, readable order: code first, as before.
        let order = [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "start",
            "end",
            "label",
            "labels",
            "notes",
            "help",
            "fix",
        ];
        let mut ordered = serde_json::Map::new();
        for key in order {
            if let Some(v) = value.remove(key) {
                ordered.insert(key.to_string(), v);
            }
        }
        serde_json::Value::Object(ordered)
    }
}

/// `file`, `line`, `column`, `end_line`, `end_column` (1-based; columns in
/// characters) and the byte offsets `start` and `end` of a span.
fn place_json(
    files: &Files,
    file: FileId,
    span: Span,
) -> serde_json::Map<String, serde_json::Value> {
    let (name, (line, column), (end_line, end_column)) = match files.get(file) {
        Some(f) => (
            f.name.clone(),
            f.line_col(span.start as usize),
            f.line_col(span.end as usize),
        ),
        None => (String::new(), (1, 1), (1, 1)),
    };
    let mut place = serde_json::Map::new();
    place.insert("file".into(), serde_json::json!(name));
    place.insert("line".into(), serde_json::json!(line));
    place.insert("column".into(), serde_json::json!(column));
    place.insert("end_line".into(), serde_json::json!(end_line));
    place.insert("end_column".into(), serde_json::json!(end_column));
    place.insert("start".into(), serde_json::json!(span.start));
    place.insert("end".into(), serde_json::json!(span.end));
    place
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_carries_secondary_labels_notes_help_and_the_fix() {
        let mut files = Files::default();
        let text = "let a = 1 kg\nlet b = aa + 1 kg\n";
        let file = files.add("r.pcr", None, text, false);
        let at = |s: &str| {
            let start = text.find(s).unwrap_or(0);
            Span::new(start, start + s.len())
        };
        let d = Diagnostic::new(
            Code::UnknownName,
            file,
            at("aa"),
            "unknown name `aa`",
            "not found",
        )
        .with_label(file, at("a = 1"), "`a` is defined here")
        .with_note("a note")
        .with_help("did you mean `a`?")
        .with_fix("replace with `a`", at("aa"), "a");
        let json = d.to_json(&files);
        assert_eq!(json["code"], "E0101");
        assert_eq!(
            (json["line"].as_u64(), json["column"].as_u64()),
            (Some(2), Some(9))
        );
        assert_eq!(
            (json["start"].as_u64(), json["end"].as_u64()),
            (Some(21), Some(23))
        );
        let label = &json["labels"][0];
        assert_eq!(label["message"], "`a` is defined here");
        assert_eq!(
            (label["line"].as_u64(), label["column"].as_u64()),
            (Some(1), Some(5))
        );
        assert_eq!(json["notes"][0], "a note");
        assert_eq!(json["help"], "did you mean `a`?");
        let fix = &json["fix"];
        assert_eq!(fix["replacement"], "a");
        assert_eq!(fix["title"], "replace with `a`");
        assert_eq!(
            (fix["start"].as_u64(), fix["end"].as_u64()),
            (Some(21), Some(23))
        );
        assert_eq!(fix["file"], "r.pcr");
        // The keys keep one order: code first.
        let keys: Vec<&String> = json
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("code"));
    }
}
