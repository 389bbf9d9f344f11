//! Hover.
use crate::engine::State;
use tower_lsp_server::ls_types::{Hover, Position, Uri};
pub fn hover(_s: &mut State, _uri: &Uri, _pos: Position) -> Option<Hover> {
    None
}
