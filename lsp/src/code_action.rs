//! Code actions: the quick fixes the compiler's diagnostics suggest.

use crate::engine::State;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionResponse, Diagnostic,
    NumberOrString, Range, TextEdit, Uri, WorkspaceEdit,
};

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

pub fn actions(
    s: &mut State,
    uri: &Uri,
    range: Range,
    context: &[Diagnostic],
) -> Option<CodeActionResponse> {
    let a = s.analyzed(uri)?;
    let main = a.main();
    let mut out = Vec::new();
    for d in &a.analysis.diagnostics {
        let Some(fix) = &d.fix else { continue };
        if d.primary.file != main || fix.file != main {
            continue;
        }
        let (Some(diag_range), Some(fix_range)) =
            (a.range(main, d.primary.span), a.range(main, fix.span))
        else {
            continue;
        };
        if !overlaps(diag_range, range) {
            continue;
        }
        let code = NumberOrString::String(d.code.to_string());
        let matching: Vec<Diagnostic> = context
            .iter()
            .filter(|c| c.range == diag_range && c.code.as_ref() == Some(&code))
            .cloned()
            .collect();
        let mut changes = HashMap::new();
        changes.insert(
            uri.clone(),
            vec![TextEdit {
                range: fix_range,
                new_text: fix.replacement.clone(),
            }],
        );
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: fix.title.clone(),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: (!matching.is_empty()).then_some(matching),
            edit: Some(WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
    Some(out)
}
