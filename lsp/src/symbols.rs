//! Symbols.
use crate::engine::State;
use tower_lsp_server::ls_types::{DocumentSymbolResponse, Uri};
pub fn document_symbols(_s: &mut State, _uri: &Uri) -> Option<DocumentSymbolResponse> {
    None
}
