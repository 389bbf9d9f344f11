//! Go to definition: the declaration of the name under the cursor, in this
//! file, an imported one, or the prelude (the workspace's `stdlib-rules/`
//! file when it has the same text, else a read-only folder).

use crate::analysis_cache::Analyzed;
use crate::engine::State;
use pcr_compiler::semantic::Symbol;
use tower_lsp_server::ls_types::{GotoDefinitionResponse, Position, Uri};

/// The name at a byte offset of the document, as the compiler resolved it.
pub fn symbol_at(a: &Analyzed, offset: usize) -> Option<Symbol> {
    a.semantic().at(a.main(), offset)
}

pub fn definition(s: &mut State, uri: &Uri, pos: Position) -> Option<GotoDefinitionResponse> {
    let a = s.analyzed(uri)?;
    let offset = a.offset(pos)?;
    let symbol = symbol_at(&a, offset)?;
    let definition = a.semantic().definition(&symbol);
    let mut location = a.location(definition, &s.stdlib)?;
    if let Some(uri) = workspace_stdlib_uri(&a, definition.file) {
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
