//! Rename.
use crate::engine::State;
use tower_lsp_server::ls_types::{Position, PrepareRenameResponse, Uri, WorkspaceEdit};
pub fn prepare(_s: &mut State, _uri: &Uri, _pos: Position) -> Option<PrepareRenameResponse> {
    None
}
pub fn rename(
    _s: &mut State,
    _uri: &Uri,
    _pos: Position,
    _new: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    Ok(None)
}
