//! Formatting: the same canonical style as `pcr fmt`; a file with syntax
//! errors is left alone (the formatter never guesses at broken code).

use crate::engine::State;
use pcr_lang::format::format_source;
use pcr_lang::LineIndex;
use tower_lsp_server::ls_types::{Position, Range, TextEdit, Uri};

/// The edit that formats `text`: none when it is already formatted or cannot be.
pub fn format_text(text: &str) -> Option<Vec<TextEdit>> {
    let formatted = format_source(text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    let lines = LineIndex::new(text);
    let (line, character) = lines.line_utf16(text, text.len());
    Some(vec![TextEdit {
        range: Range {
            start: Position::new(0, 0),
            end: Position { line, character },
        },
        new_text: formatted,
    }])
}

pub fn format(s: &mut State, uri: &Uri) -> Option<Vec<TextEdit>> {
    if s.is_stdlib(uri) {
        return None;
    }
    let doc = s.docs.get(uri)?;
    format_text(&doc.text)
}
