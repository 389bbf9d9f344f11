//! Document symbols: the rule and its inputs, factors, lets, stages,
//! emissions, exclusions, grades and examples; top-level declarations.

use crate::analysis_cache::Analyzed;
use crate::decls::{Decl, DeclKind};
use crate::engine::State;
use tower_lsp_server::ls_types::{DocumentSymbol, DocumentSymbolResponse, SymbolKind, Uri};

pub fn symbol_kind(kind: DeclKind) -> SymbolKind {
    match kind {
        DeclKind::Rule => SymbolKind::MODULE,
        DeclKind::Input => SymbolKind::VARIABLE,
        DeclKind::Factor => SymbolKind::CONSTANT,
        DeclKind::Let => SymbolKind::VARIABLE,
        DeclKind::Fn => SymbolKind::FUNCTION,
        DeclKind::Param | DeclKind::SumVar => SymbolKind::VARIABLE,
        DeclKind::StageBlock => SymbolKind::NAMESPACE,
        DeclKind::Emission => SymbolKind::FIELD,
        DeclKind::Example => SymbolKind::EVENT,
        DeclKind::Exclusion => SymbolKind::KEY,
        DeclKind::Grade => SymbolKind::ENUM_MEMBER,
        DeclKind::Enum => SymbolKind::ENUM,
        DeclKind::Variant => SymbolKind::ENUM_MEMBER,
        DeclKind::Unit => SymbolKind::CONSTANT,
        DeclKind::Dimension => SymbolKind::CLASS,
        DeclKind::GwpSet => SymbolKind::STRUCT,
        DeclKind::Gas => SymbolKind::CONSTANT,
        DeclKind::Stage => SymbolKind::EVENT,
        DeclKind::Boundary => SymbolKind::ARRAY,
        DeclKind::Category => SymbolKind::ENUM_MEMBER,
        DeclKind::Const => SymbolKind::CONSTANT,
        DeclKind::Table => SymbolKind::STRUCT,
        DeclKind::Field => SymbolKind::FIELD,
        DeclKind::Result => SymbolKind::PROPERTY,
    }
}

fn shown(d: &Decl) -> bool {
    !matches!(d.kind, DeclKind::SumVar | DeclKind::Field | DeclKind::Param)
}

/// The shown declarations under each declaration, in order: one pass over
/// the index, so that documents with many declarations stay linear.
fn children_of(decls: &[Decl]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut top = Vec::new();
    let mut children = vec![Vec::new(); decls.len()];
    for (i, d) in decls.iter().enumerate() {
        if !shown(d) {
            continue;
        }
        match d.parent {
            None => top.push(i),
            Some(p) => {
                if let Some(list) = children.get_mut(p) {
                    list.push(i);
                }
            }
        }
    }
    (top, children)
}

#[allow(deprecated)]
fn symbol(a: &Analyzed, decls: &[Decl], tree: &[Vec<usize>], i: usize) -> Option<DocumentSymbol> {
    let d = decls.get(i)?;
    let main = a.main();
    let span = d.span.to(d.name_span);
    let children: Vec<DocumentSymbol> = tree
        .get(i)
        .map(|c| c.as_slice())
        .unwrap_or_default()
        .iter()
        // A parent always precedes its children in the index, so this
        // recursion follows the document's nesting and ends.
        .filter(|&&j| j > i)
        .filter_map(|&j| symbol(a, decls, tree, j))
        .collect();
    Some(DocumentSymbol {
        name: if d.name.is_empty() {
            "_".to_string()
        } else {
            d.name.clone()
        },
        detail: d.detail.clone(),
        kind: symbol_kind(d.kind),
        tags: None,
        deprecated: None,
        range: a.range(main, span)?,
        selection_range: a.range(main, d.name_span)?,
        children: (!children.is_empty()).then_some(children),
    })
}

pub fn document_symbols(s: &mut State, uri: &Uri) -> Option<DocumentSymbolResponse> {
    let a = s.analyzed(uri)?;
    let decls = a.decls();
    let (top, tree) = children_of(decls);
    let top: Vec<DocumentSymbol> = top
        .into_iter()
        .filter_map(|i| symbol(&a, decls, &tree, i))
        .collect();
    Some(DocumentSymbolResponse::Nested(top))
}
