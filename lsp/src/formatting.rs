//! Formatting.
use crate::engine::State;
use tower_lsp_server::ls_types::{TextEdit, Uri};
pub fn format(_s: &mut State, _uri: &Uri) -> Option<Vec<TextEdit>> {
    None
}
