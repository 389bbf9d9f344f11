//! Rename a declaration and every use of it, in every open document and in
//! imported files; the prelude's declarations are read-only.

use crate::analysis_cache::Analyzed;
use crate::engine::State;
use crate::references::{other_documents, target_at, Target};
use pcr_lang::lexer::KEYWORDS;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    Position, PrepareRenameResponse, Range, TextEdit, Uri, WorkspaceEdit,
};

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first == '_' || unicode_start(first))
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && !KEYWORDS.contains(&name)
}

fn unicode_start(c: char) -> bool {
    c.is_alphabetic()
}

/// The prelude's declarations, and modules (named by `import` paths, the
/// file's name), cannot be renamed here.
fn read_only(a: &Analyzed, target: &Target) -> bool {
    target.span.is_empty()
        || a.analysis
            .files
            .iter()
            .any(|(_, f)| f.embedded && crate::convert::file_key(f) == target.file)
}

pub fn prepare(s: &mut State, uri: &Uri, pos: Position) -> Option<PrepareRenameResponse> {
    let (a, target) = target_at(s, uri, pos)?;
    if read_only(&a, &target) {
        return None;
    }
    let offset = a.offset(pos)?;
    let symbol = crate::definition::symbol_at(&a, offset)?;
    let range = a.range(a.main(), symbol.span)?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range,
        placeholder: a.text().get(symbol.span.range()).unwrap_or("").to_string(),
    })
}

/// Every place of one analysis that names the target, by URI.
fn edits_in(a: &Analyzed, target: &Target, s: &State, out: &mut HashMap<Uri, Vec<Range>>) {
    let mut add = |file: pcr_compiler::FileId, span: pcr_lang::Span| {
        if !matches!(a.file(file), Some(f) if !f.embedded) {
            return;
        }
        if let (Some(uri), Some(range)) = (a.uri_of(file, &s.stdlib), a.range(file, span)) {
            let v = out.entry(uri).or_default();
            if !v.contains(&range) {
                v.push(range);
            }
        }
    };
    let Some(definition) = crate::references::location_in(a, target) else {
        return;
    };
    for l in a.semantic().uses_of(definition) {
        add(l.file, l.span);
    }
    // The declaration itself.
    add(definition.file, definition.span);
}

pub fn rename(
    s: &mut State,
    uri: &Uri,
    pos: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    if !is_identifier(new_name) {
        return Err(format!("`{new_name}` is not a valid name"));
    }
    let Some((a, target)) = target_at(s, uri, pos) else {
        return Ok(None);
    };
    if read_only(&a, &target) {
        return Err("declarations of the standard library cannot be renamed".to_string());
    }
    let mut ranges: HashMap<Uri, Vec<Range>> = HashMap::new();
    edits_in(&a, &target, s, &mut ranges);
    for other in other_documents(s, uri) {
        edits_in(&other, &target, s, &mut ranges);
    }
    let changes = ranges
        .into_iter()
        .map(|(uri, ranges)| {
            let edits = ranges
                .into_iter()
                .map(|range| TextEdit {
                    range,
                    new_text: new_name.to_string(),
                })
                .collect();
            (uri, edits)
        })
        .collect();
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}
