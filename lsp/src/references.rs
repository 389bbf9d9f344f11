//! References.
use crate::engine::State;
use tower_lsp_server::ls_types::{Location, Position, Uri};
pub fn references(
    _s: &mut State,
    _uri: &Uri,
    _pos: Position,
    _include: bool,
) -> Option<Vec<Location>> {
    None
}
