//! Go to definition: the declaration of the name under the cursor, in this
//! file, an imported one, or the prelude (the workspace's `stdlib-rules/`
//! file when it has the same text, else a read-only folder).

use crate::analysis_cache::Analyzed;
use crate::engine::State;
use pcr_compiler::checker::Reference;
use pcr_compiler::types::Location as CLocation;
use pcr_lang::Span;
use tower_lsp_server::ls_types::{GotoDefinitionResponse, Position, Uri};

/// A name under the cursor and the declaration it names.
#[derive(Debug, Clone, Copy)]
pub struct Symbol {
    /// The name as written in the document.
    pub span: Span,
    pub target: CLocation,
}

/// Every name use in the document: the compiler's references and the index's.
pub fn all_refs(a: &Analyzed) -> impl Iterator<Item = &Reference> {
    let main = a.main();
    a.analysis
        .refs
        .iter()
        .filter(move |r| r.file == main)
        .chain(a.index.refs.iter())
}

/// The name at a byte offset of the document.
pub fn symbol_at(a: &Analyzed, offset: usize) -> Option<Symbol> {
    let main = a.main();
    let best = all_refs(a)
        .filter(|r| r.span.contains(offset))
        .min_by_key(|r| (r.span.end as usize == offset, r.span.len()));
    if let Some(r) = best {
        return Some(Symbol {
            span: r.span,
            target: r.target,
        });
    }
    let d = a
        .index
        .decls
        .iter()
        .filter(|d| d.name_span.contains(offset))
        .min_by_key(|d| (d.name_span.end as usize == offset, d.name_span.len()))?;
    Some(Symbol {
        span: d.name_span,
        target: CLocation {
            file: main,
            span: d.name_span,
        },
    })
}

pub fn definition(s: &mut State, uri: &Uri, pos: Position) -> Option<GotoDefinitionResponse> {
    let a = s.analyzed(uri)?;
    let offset = a.offset(pos)?;
    let symbol = symbol_at(&a, offset)?;
    let mut location = a.location(symbol.target, &s.stdlib)?;
    if let Some(uri) = workspace_stdlib_uri(&a, symbol.target.file) {
        location.uri = uri;
    }
    Some(GotoDefinitionResponse::Scalar(location))
}

/// For a file of the embedded standard library, the workspace's own
/// `stdlib-rules/` copy near the document, when there is one with the same text.
fn workspace_stdlib_uri(a: &Analyzed, file: pcr_compiler::FileId) -> Option<Uri> {
    let f = a.file(file).filter(|f| f.embedded)?;
    let near = a.file(a.main())?.path.as_ref()?.parent()?;
    Uri::from_file_path(crate::stdlib::StdlibDir::workspace_copy(&f.name, near)?)
}
