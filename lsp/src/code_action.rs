//! Code actions.
use crate::engine::State;
use tower_lsp_server::ls_types::{CodeActionResponse, Diagnostic, Range, Uri};
pub fn actions(
    _s: &mut State,
    _uri: &Uri,
    _range: Range,
    _d: &[Diagnostic],
) -> Option<CodeActionResponse> {
    None
}
