//! Semantic tokens: keywords, numbers, strings and comments from the lexer;
//! names classified by what they name (unit, input, factor, stage, …).

use crate::analysis_cache::Analyzed;
use crate::decls::DeclKind;
use crate::engine::State;
use pcr_lang::lexer::{lex, CommentKind, Token};
use pcr_lang::Span;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
    SemanticTokensResult, Uri,
};

const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,     // 0
    SemanticTokenType::NUMBER,      // 1
    SemanticTokenType::STRING,      // 2
    SemanticTokenType::COMMENT,     // 3
    SemanticTokenType::TYPE,        // 4: units, dimensions
    SemanticTokenType::PARAMETER,   // 5: inputs, parameters, sum variables
    SemanticTokenType::VARIABLE,    // 6: factors, lets, constants
    SemanticTokenType::FUNCTION,    // 7
    SemanticTokenType::ENUM,        // 8
    SemanticTokenType::ENUM_MEMBER, // 9: variants, grades
    SemanticTokenType::NAMESPACE,   // 10: stages, boundaries, categories, GWP sets
    SemanticTokenType::PROPERTY,    // 11: emissions, fields, gases
    SemanticTokenType::OPERATOR,    // 12
];

const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,     // bit 0
    SemanticTokenModifier::READONLY,        // bit 1
    SemanticTokenModifier::DOCUMENTATION,   // bit 2
    SemanticTokenModifier::DEFAULT_LIBRARY, // bit 3
];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

fn kind_type(kind: DeclKind) -> u32 {
    match kind {
        DeclKind::Unit | DeclKind::Dimension => 4,
        DeclKind::Input | DeclKind::Param | DeclKind::SumVar => 5,
        DeclKind::Factor | DeclKind::Let | DeclKind::Const | DeclKind::Table | DeclKind::Result => {
            6
        }
        DeclKind::Fn => 7,
        DeclKind::Enum => 8,
        DeclKind::Variant | DeclKind::Grade => 9,
        DeclKind::Stage
        | DeclKind::StageBlock
        | DeclKind::Boundary
        | DeclKind::Category
        | DeclKind::GwpSet
        | DeclKind::Rule
        | DeclKind::Example
        | DeclKind::Exclusion => 10,
        DeclKind::Emission | DeclKind::Field | DeclKind::Gas => 11,
    }
}

/// What a name declared elsewhere is, by the world's namespaces.
fn world_type(a: &Analyzed, name: &str) -> Option<u32> {
    let w = &a.analysis.world;
    if w.units.contains_key(name) || w.dimensions.contains_key(name) {
        Some(4)
    } else if w.enum_id(name).is_some() {
        Some(8)
    } else if w.fns.iter().any(|f| f.name == name) {
        Some(7)
    } else if w.consts.iter().any(|c| c.name == name) || w.tables.iter().any(|t| t.name == name) {
        Some(6)
    } else if w.stages.contains_key(name)
        || w.boundaries.contains_key(name)
        || w.categories.contains_key(name)
        || w.gwp_sets.contains_key(name)
    {
        Some(10)
    } else if w.enums.iter().any(|e| e.variant(name).is_some()) {
        Some(9)
    } else {
        None
    }
}

/// Classified tokens of the document: (span, type, modifiers).
pub fn tokens(a: &Analyzed) -> Vec<(Span, u32, u32)> {
    let text = a.text();
    let main = a.main();
    let lexed = lex(text);
    let decl_at: HashMap<Span, DeclKind> =
        a.decls().iter().map(|d| (d.name_span, d.kind)).collect();
    let target_of: HashMap<Span, pcr_compiler::types::Location> =
        a.semantic().uses_in(main).collect();
    let mut out: Vec<(Span, u32, u32)> = Vec::new();
    for lexeme in &lexed.tokens {
        let span = lexeme.span();
        let classified = match &lexeme.token {
            Token::Number | Token::Percent => Some((1, 0)),
            Token::Str | Token::UnterminatedStr => Some((2, 0)),
            Token::Plus
            | Token::Minus
            | Token::Star
            | Token::Slash
            | Token::Caret
            | Token::EqEq
            | Token::NotEq
            | Token::Lt
            | Token::Le
            | Token::Gt
            | Token::Ge => Some((12, 0)),
            t if t.is_keyword() || matches!(t, Token::Ident) => {
                if let Some(kind) = decl_at.get(&span) {
                    Some((kind_type(*kind), 1))
                } else if let Some(target) = target_of.get(&span) {
                    let word = text.get(span.range()).unwrap_or("");
                    if target.file == main {
                        a.semantic()
                            .declaration(*target)
                            .map(|d| (kind_type(d.kind), 0))
                    } else {
                        let lib = if a.analysis.world.is_prelude(target.file) {
                            8
                        } else {
                            0
                        };
                        world_type(a, word)
                            .or(Some(11))
                            .map(|t| (t, lib | if t == 4 { 2 } else { 0 }))
                    }
                } else if t.is_keyword() {
                    Some((0, 0))
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some((ty, mods)) = classified {
            out.push((span, ty, mods));
        }
    }
    for c in &lexed.comments {
        let mods = if c.kind == CommentKind::Line { 0 } else { 4 };
        out.push((c.span, 3, mods));
    }
    out.sort_by_key(|(s, _, _)| s.start);
    out
}

/// Encode tokens relative to each other, as the protocol wants (UTF-16, single lines).
pub fn encode(a: &Analyzed, toks: &[(Span, u32, u32)]) -> Vec<SemanticToken> {
    let Some(file) = a.file(a.main()) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(toks.len());
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    let mut last_end = 0u32;
    for (span, ty, mods) in toks {
        if span.start < last_end {
            continue;
        }
        let (line, col) = file.lines().line_utf16(&file.text, span.start as usize);
        let (end_line, end_col) = file.lines().line_utf16(&file.text, span.end as usize);
        if end_line != line || end_col <= col {
            continue;
        }
        let delta_line = line - prev_line;
        let delta_start = if delta_line == 0 { col - prev_col } else { col };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: end_col - col,
            token_type: *ty,
            token_modifiers_bitset: *mods,
        });
        prev_line = line;
        prev_col = col;
        last_end = span.end;
    }
    out
}

pub fn full(s: &mut State, uri: &Uri) -> Option<SemanticTokensResult> {
    let a = s.analyzed(uri)?;
    let data = encode(&a, &tokens(&a));
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    }))
}
