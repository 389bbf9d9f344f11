//! Find references: every use of the declaration under the cursor, in this
//! document and in every other open document that sees it.

use crate::analysis_cache::Analyzed;
use crate::definition::{all_refs, symbol_at};
use crate::engine::State;
use pcr_lang::Span;
use std::rc::Rc;
use tower_lsp_server::ls_types::{Location, Position, Uri};

/// A declaration, named the same way in every analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub file: String,
    pub span: Span,
}

/// The uses (and optionally the declaration) of a target within one analysis.
pub fn uses_in(a: &Analyzed, target: &Target, include_declaration: bool) -> Vec<Span> {
    let main = a.main();
    let mut out: Vec<Span> = all_refs(a)
        .filter(|r| r.target.span == target.span && a.key(r.target.file) == target.file)
        .map(|r| r.span)
        .collect();
    if include_declaration && a.key(main) == target.file {
        out.push(target.span);
    }
    out.sort();
    out.dedup();
    out
}

/// The declaration under the cursor, and every analysis that may use it.
pub fn target_at(s: &mut State, uri: &Uri, pos: Position) -> Option<(Rc<Analyzed>, Target)> {
    let a = s.analyzed(uri)?;
    let offset = a.offset(pos)?;
    let symbol = symbol_at(&a, offset)?;
    let target = Target {
        file: a.key(symbol.target.file),
        span: symbol.target.span,
    };
    Some((a, target))
}

/// The analyses of every open document other than `uri`.
pub fn other_documents(s: &mut State, uri: &Uri) -> Vec<Rc<Analyzed>> {
    let mut uris = s.docs.uris();
    uris.sort();
    uris.retain(|u| u != uri && !s.is_stdlib(u));
    uris.into_iter().filter_map(|u| s.analyzed(&u)).collect()
}

pub fn references(
    s: &mut State,
    uri: &Uri,
    pos: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (a, target) = target_at(s, uri, pos)?;
    let mut out = Vec::new();
    let mut push = |a: &Analyzed, spans: Vec<Span>| {
        for span in spans {
            if let Some(range) = a.range(a.main(), span) {
                let loc = Location {
                    uri: a.uri.clone(),
                    range,
                };
                if !out.contains(&loc) {
                    out.push(loc);
                }
            }
        }
    };
    push(&a, uses_in(&a, &target, include_declaration));
    let others = other_documents(s, uri);
    for other in &others {
        push(other, uses_in(other, &target, include_declaration));
    }
    // A declaration outside every open document.
    if include_declaration && a.key(a.main()) != target.file {
        let declared = a
            .analysis
            .files
            .iter()
            .find(|(_, f)| crate::convert::file_key(f) == target.file)
            .map(|(id, _)| id);
        if let Some(loc) = declared.and_then(|file| {
            a.location(
                pcr_compiler::types::Location {
                    file,
                    span: target.span,
                },
                &s.stdlib,
            )
        }) {
            if !out.contains(&loc) {
                out.insert(0, loc);
            }
        }
    }
    Some(out)
}
