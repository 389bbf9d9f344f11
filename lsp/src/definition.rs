//! Definition.
use crate::engine::State;
use tower_lsp_server::ls_types::{GotoDefinitionResponse, Position, Uri};
pub fn definition(_s: &mut State, _uri: &Uri, _pos: Position) -> Option<GotoDefinitionResponse> {
    None
}
