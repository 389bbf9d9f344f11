//! Find references: every use of the declaration under the cursor, in this
//! document and in every other open document that sees it.

use crate::analysis_cache::Analyzed;
use crate::definition::symbol_at;
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

/// The target as a location of one analysis (file ids differ between analyses).
pub fn location_in(a: &Analyzed, target: &Target) -> Option<pcr_compiler::types::Location> {
    let file = a
        .analysis
        .files
        .iter()
        .find(|(_, f)| crate::convert::file_key(f) == target.file)
        .map(|(id, _)| id)?;
    Some(pcr_compiler::types::Location {
        file,
        span: target.span,
    })
}

/// The uses in the document (and optionally the declaration) of a target,
/// as the compiler recorded them: each once.
pub fn uses_in(a: &Analyzed, target: &Target, include_declaration: bool) -> Vec<Span> {
    let main = a.main();
    let Some(definition) = location_in(a, target) else {
        return Vec::new();
    };
    let mut out: Vec<Span> = a
        .semantic()
        .uses_of(definition)
        .filter(|l| l.file == main)
        .map(|l| l.span)
        .collect();
    if include_declaration && definition.file == main {
        out.insert(0, target.span);
    }
    out
}

/// The declaration under the cursor, and every analysis that may use it.
pub fn target_at(s: &mut State, uri: &Uri, pos: Position) -> Option<(Rc<Analyzed>, Target)> {
    let a = s.analyzed(uri)?;
    let offset = a.offset(pos)?;
    let symbol = symbol_at(&a, offset)?;
    let definition = a.semantic().definition(&symbol);
    let target = Target {
        file: a.key(definition.file),
        span: definition.span,
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
                out.push(Location {
                    uri: a.uri.clone(),
                    range,
                });
            }
        }
    };
    push(&a, uses_in(&a, &target, include_declaration));
    let others = other_documents(s, uri);
    for other in &others {
        push(other, uses_in(other, &target, include_declaration));
    }
    // A declaration outside this document: listed once, unless an open
    // document that declares it listed it already.
    if include_declaration && a.key(a.main()) != target.file {
        if let Some(loc) = location_in(&a, &target).and_then(|l| a.location(l, &s.stdlib)) {
            if !out.contains(&loc) {
                out.insert(0, loc);
            }
        }
    }
    Some(out)
}
