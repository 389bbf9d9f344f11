//! Inlay hints: the dimension and unit of each `let` and `emission` (a
//! literal's unit as written).

use crate::decls::DeclKind;
use crate::engine::State;
use crate::hover::{describe_type_written, literal_unit};
use pcr_compiler::types::Type;
use tower_lsp_server::ls_types::{InlayHint, InlayHintKind, InlayHintLabel, Range, Uri};

pub fn hints(s: &mut State, uri: &Uri, range: Range) -> Option<Vec<InlayHint>> {
    let a = s.analyzed(uri)?;
    let main = a.main();
    let types: std::collections::HashMap<pcr_lang::Span, &Type> =
        a.semantic().types_in(main).collect();
    let mut out = Vec::new();
    for d in a.decls() {
        let wanted = match d.kind {
            DeclKind::Let | DeclKind::Const => d.detail.is_none(),
            DeclKind::Emission => true,
            _ => false,
        };
        if !wanted {
            continue;
        }
        let Some(ty) = d.value_span.and_then(|v| types.get(&v)) else {
            continue;
        };
        if ty.is_error() {
            continue;
        }
        // A literal's unit as written (`let x = 3 MWh`: `Energy · MWh`).
        let world = &a.analysis.world;
        let unit = d
            .value_span
            .and_then(|v| a.text().get(v.range()))
            .and_then(|t| literal_unit(world, t));
        let Some(at) = a.range(main, d.name_span) else {
            continue;
        };
        if at.end < range.start || at.end > range.end {
            continue;
        }
        out.push(InlayHint {
            position: at.end,
            label: InlayHintLabel::String(format!(": {}", describe_type_written(world, ty, unit))),
            kind: Some(InlayHintKind::TYPE),
            text_edits: None,
            tooltip: None,
            padding_left: None,
            padding_right: Some(true),
            data: None,
        });
    }
    Some(out)
}
