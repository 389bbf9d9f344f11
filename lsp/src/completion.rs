//! Completion.
use crate::engine::State;
use tower_lsp_server::ls_types::{CompletionResponse, Position, Uri};
pub fn completion(_s: &mut State, _uri: &Uri, _pos: Position) -> Option<CompletionResponse> {
    None
}
