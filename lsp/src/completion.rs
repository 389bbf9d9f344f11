//! Completion: keywords for the block the cursor is in, names in scope in
//! expressions, units wherever a unit may stand (after a number, in type
//! positions, as values in expressions), stages after `stage` (after
//! `expect stage` only the rule's boundary), categories after `as`, variants
//! in `match` and after `given x =`, fields after `.`, GWP gases after `gwp.`.

use crate::analysis_cache::Analyzed;
use crate::decls::DeclKind;
use crate::engine::State;
use crate::hover::describe_type;
use pcr_compiler::types::Type;
use pcr_lang::lexer::{lex, written, Lexeme, Token};
use pcr_lang::parser::{CLAUSE_KEYWORDS, EXPRESSION_KEYWORDS, ITEM_KEYWORDS};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, Documentation, MarkupContent,
    MarkupKind, Position, Uri,
};

const EXPECT_TARGETS: &[&str] = &[
    "footprint",
    "stage",
    "emission",
    "category",
    "grade",
    "result",
    "value",
];
const ALLOCATIONS: &[&str] = &["none", "physical", "economic", "system_expansion"];
const TYPE_WORDS: &[&str] = &["ratio", "bool", "text", "list"];

/// The block the cursor is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Top,
    Rule,
    Stage,
    Example,
    Grades,
    Enum,
    GwpSet,
    Match,
    Other,
}

struct Items {
    out: Vec<CompletionItem>,
    seen: std::collections::HashSet<String>,
}

impl Items {
    fn add(
        &mut self,
        label: &str,
        kind: CompletionItemKind,
        detail: Option<String>,
        doc: Option<&str>,
    ) {
        if label.is_empty() || !self.seen.insert(label.to_string()) {
            return;
        }
        self.out.push(CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail,
            documentation: doc.map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d.to_string(),
                })
            }),
            ..CompletionItem::default()
        });
    }

    fn keywords(&mut self, words: &[&str]) {
        for w in words {
            self.add(w, CompletionItemKind::KEYWORD, None, None);
        }
    }

    /// Keyword tokens, spelt as the lexer spells them.
    fn keyword_tokens(&mut self, tokens: &[Token]) {
        for t in tokens {
            self.add(t.text(), CompletionItemKind::KEYWORD, None, None);
        }
    }
}

fn labels(zh: &Option<String>, en: &Option<String>) -> Option<String> {
    let parts: Vec<&str> = [zh, en].iter().filter_map(|l| l.as_deref()).collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

pub fn completion(s: &mut State, uri: &Uri, pos: Position) -> Option<CompletionResponse> {
    let a = s.analyzed(uri)?;
    let items = complete(&a, a.offset(pos)?);
    Some(CompletionResponse::Array(items))
}

/// The completions at a byte offset of the analysed document.
pub fn complete(a: &Analyzed, offset: usize) -> Vec<CompletionItem> {
    let text = a.text();
    let offset = offset.min(text.len());
    let Some(before_cursor) = text.get(..offset) else {
        return Vec::new();
    };
    // The word being typed.
    let word_start = before_cursor
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(offset);
    // Lex from the start of the top-level item the cursor is in, or inside a
    // rule from the start of the clause it is in (long rules stay fast).
    let module = a.analysis.module(a.main());
    let item = module.and_then(|m| {
        m.items
            .iter()
            .filter(|i| (i.span().start as usize) <= word_start)
            .max_by_key(|i| i.span().start)
    });
    let mut item_start = item.map(|i| i.span().start as usize).unwrap_or(0);
    let mut blocks = vec![Block::Top];
    if let Some(pcr_lang::ast::Item::Rule(rule)) = item {
        let body = text
            .get(rule.name.span.end as usize..word_start)
            .and_then(|t| t.find('{'))
            .map(|i| rule.name.span.end as usize + i + 1);
        let clause = rule
            .clauses
            .iter()
            .map(|c| c.span().start as usize)
            .filter(|s| *s <= word_start && body.is_some_and(|b| *s >= b))
            .max();
        if let (Some(_), Some(start)) = (body, clause.or(body)) {
            item_start = start;
            blocks.push(Block::Rule);
        }
    }
    let chunk = text.get(item_start..word_start).unwrap_or("");
    let tokens: Vec<Lexeme> = lex(chunk).tokens;
    let mut head: Option<Block> = None;
    let mut match_heads: Vec<usize> = Vec::new();
    let mut match_starts: Vec<usize> = Vec::new();
    for (i, tok) in tokens.iter().map(|t| t.token).enumerate() {
        match tok {
            Token::Rule => head = Some(Block::Rule),
            Token::Stage if blocks.last() == Some(&Block::Rule) => head = Some(Block::Stage),
            Token::Example => head = Some(Block::Example),
            Token::Grades => head = Some(Block::Grades),
            Token::Enum => head = Some(Block::Enum),
            Token::GwpSet => head = Some(Block::GwpSet),
            Token::Match => {
                head = Some(Block::Match);
                match_heads.push(i);
            }
            Token::LBrace => {
                let b = head.take().unwrap_or(Block::Other);
                if b == Block::Match {
                    match_starts.push(match_heads.last().copied().unwrap_or(0));
                }
                blocks.push(b);
            }
            Token::RBrace => {
                if blocks.pop() == Some(Block::Match) {
                    match_starts.pop();
                }
                if blocks.is_empty() {
                    blocks.push(Block::Top);
                }
                head = None;
            }
            _ => {}
        }
    }
    let block = blocks.last().copied().unwrap_or(Block::Top);
    let prev = tokens.last().map(|t| t.token);
    let prev2 = tokens
        .len()
        .checked_sub(2)
        .and_then(|i| tokens.get(i))
        .map(|t| t.token);
    let prev_end = tokens
        .last()
        .map(|t| item_start + t.end())
        .unwrap_or(item_start);
    let line_start = text
        .get(prev_end..word_start)
        .is_some_and(|gap| gap.contains('\n'))
        || tokens.is_empty();

    let world = &a.analysis.world;
    let rule = enclosing_rule(a, offset);
    let mut items = Items {
        out: Vec::new(),
        seen: std::collections::HashSet::new(),
    };

    match prev {
        Some(Token::Dot) => {
            match prev2 {
                Some(Token::Gwp) => {
                    let set = rule
                        .and_then(|r| r.gwp.clone())
                        .or_else(|| gwp_in_tokens(&tokens, chunk))
                        .unwrap_or_else(|| "ar6".to_string());
                    if let Some(set) = world.gwp_sets.get(&set) {
                        for v in &set.values {
                            let detail = format!(
                                "{} kgCO2e/kg{} ({})",
                                crate::hover::decimal(v.value),
                                v.gas,
                                set.name
                            );
                            items.add(
                                &v.gas,
                                CompletionItemKind::CONSTANT,
                                Some(detail),
                                v.source.as_deref(),
                            );
                        }
                    }
                }
                // `stage.`, `category.`, `emission.` inside a result: the
                // reported amounts the compiler bound there.
                Some(Token::Stage) | Some(Token::Category) | Some(Token::Emission)
                    if tokens.iter().any(|t| t.token == Token::Result) =>
                {
                    reported_amounts(a, offset, prev2, &mut items);
                }
                Some(Token::Ident) => {
                    let name = tokens
                        .len()
                        .checked_sub(2)
                        .and_then(|i| tokens.get(i))
                        .map(|t| written(chunk, t))
                        .unwrap_or("");
                    if let Some(e) = world.enum_id(name).and_then(|i| world.enums.get(i)) {
                        for v in &e.variants {
                            items.add(
                                &v.name,
                                CompletionItemKind::ENUM_MEMBER,
                                labels(&v.zh, &v.en),
                                None,
                            );
                        }
                    } else if let Some(record) = record_of(a, name, text, offset) {
                        for f in &record.fields {
                            items.add(
                                &f.name,
                                CompletionItemKind::FIELD,
                                Some(describe_type(world, &f.ty)),
                                None,
                            );
                        }
                    }
                }
                _ => {}
            }
            return items.out;
        }
        Some(Token::Stage) => {
            let mut names: Vec<&pcr_compiler::world::StageDef> = world.stages.values().collect();
            names.sort_by_key(|st| world.stage_order.iter().position(|n| *n == st.name));
            let inside: Vec<String> = rule.map(|r| r.boundary_stages.clone()).unwrap_or_default();
            // `expect stage`: only a stage of the rule's boundary can be expected.
            let expected = matches!(prev2, Some(Token::Expect)) && rule.is_some();
            for st in names {
                if expected && !inside.contains(&st.name) {
                    continue;
                }
                let mut item_detail = labels(&st.zh, &st.en);
                if inside.contains(&st.name) {
                    item_detail =
                        Some(format!("in boundary · {}", item_detail.unwrap_or_default()));
                }
                items.add(
                    &st.name,
                    CompletionItemKind::ENUM_MEMBER,
                    item_detail,
                    st.doc.as_deref(),
                );
            }
            // Boundary stages first.
            for it in &mut items.out {
                let first = inside.contains(&it.label);
                it.sort_text = Some(format!("{}{}", if first { "0" } else { "1" }, it.label));
            }
            return items.out;
        }
        Some(Token::As) | Some(Token::Category)
            if matches!(prev, Some(Token::As)) || matches!(prev2, Some(Token::Expect)) =>
        {
            let mut cats: Vec<_> = world.categories.values().collect();
            cats.sort_by(|x, y| x.name.cmp(&y.name));
            for c in cats {
                items.add(
                    &c.name,
                    CompletionItemKind::ENUM_MEMBER,
                    labels(&c.zh, &c.en),
                    c.doc.as_deref(),
                );
            }
            return items.out;
        }
        Some(Token::Boundary) if block == Block::Rule => {
            let mut bs: Vec<_> = world.boundaries.values().collect();
            bs.sort_by(|x, y| x.name.cmp(&y.name));
            for b in bs {
                items.add(
                    &b.name,
                    CompletionItemKind::ENUM,
                    Some(b.stages.join(", ")),
                    b.doc.as_deref(),
                );
            }
            return items.out;
        }
        Some(Token::Gwp) if block == Block::Rule && line_start_of(&tokens, text, item_start) => {
            let mut sets: Vec<_> = world.gwp_sets.values().collect();
            sets.sort_by(|x, y| x.name.cmp(&y.name));
            for g in sets {
                items.add(
                    &g.name,
                    CompletionItemKind::MODULE,
                    g.source.clone(),
                    g.doc.as_deref(),
                );
            }
            return items.out;
        }
        Some(Token::Expect) => {
            items.keywords(EXPECT_TARGETS);
            return items.out;
        }
        Some(Token::Emission) if matches!(prev2, Some(Token::Expect)) => {
            for d in rule_decls(a, offset, DeclKind::Emission) {
                items.add(
                    &d.name,
                    CompletionItemKind::FIELD,
                    d.detail.clone(),
                    d.doc.as_deref(),
                );
            }
            return items.out;
        }
        Some(Token::Result) if matches!(prev2, Some(Token::Expect)) => {
            for d in rule_decls(a, offset, DeclKind::Result) {
                items.add(
                    &d.name,
                    CompletionItemKind::PROPERTY,
                    d.detail.clone().or_else(|| labels(&d.zh, &d.en)),
                    d.doc.as_deref(),
                );
            }
            return items.out;
        }
        Some(Token::Ident)
            if matches!(prev2, Some(Token::Expect))
                && tokens.last().map(|t| written(chunk, t)) == Some("value") =>
        {
            for d in rule_decls(a, offset, DeclKind::Let) {
                items.add(
                    &d.name,
                    CompletionItemKind::VARIABLE,
                    d.detail.clone(),
                    d.doc.as_deref(),
                );
            }
            return items.out;
        }
        Some(Token::Given) => {
            for kind in [DeclKind::Input, DeclKind::Factor] {
                for d in rule_decls(a, offset, kind) {
                    items.add(
                        &d.name,
                        CompletionItemKind::VARIABLE,
                        d.detail.clone(),
                        d.doc.as_deref(),
                    );
                }
            }
            return items.out;
        }
        // `given x = `: the variants of x's enum.
        Some(Token::Assign) if given_enum(a, &tokens, chunk, offset).is_some() => {
            if let Some(e) = given_enum(a, &tokens, chunk, offset).and_then(|i| world.enums.get(i))
            {
                for v in &e.variants {
                    items.add(
                        &v.name,
                        CompletionItemKind::ENUM_MEMBER,
                        labels(&v.zh, &v.en),
                        None,
                    );
                }
            }
            return items.out;
        }
        Some(Token::Allocation) => {
            items.keywords(ALLOCATIONS);
            return items.out;
        }
        Some(Token::Import) => {
            for (path, _) in pcr_compiler::prelude::EMBEDDED {
                if let Some(m) = path.strip_suffix(".pcr").filter(|p| !p.starts_with("std/")) {
                    items.add(&m.replace('/', "."), CompletionItemKind::MODULE, None, None);
                }
            }
            if let Some(dir) = a
                .file(a.main())
                .and_then(|f| f.path.as_ref())
                .and_then(|p| p.parent())
            {
                if let Ok(entries) = std::fs::read_dir(dir) {
                    for e in entries.flatten() {
                        let p = e.path();
                        if p.extension().is_some_and(|x| x == "pcr")
                            && Some(p.as_path()) != a.file(a.main()).and_then(|f| f.path.as_deref())
                        {
                            if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
                                items.add(stem, CompletionItemKind::MODULE, None, None);
                            }
                        }
                    }
                }
            }
            return items.out;
        }
        Some(Token::Number) if !line_start => {
            units(a, &mut items);
            return items.out;
        }
        Some(Token::Colon) | Some(Token::Arrow) | Some(Token::Star) | Some(Token::Slash)
            if in_type_position(&tokens) =>
        {
            units(a, &mut items);
            for e in &world.enums {
                items.add(&e.name, CompletionItemKind::ENUM, None, e.doc.as_deref());
            }
            if matches!(prev, Some(Token::Colon) | Some(Token::Arrow)) {
                items.keywords(TYPE_WORDS);
            }
            return items.out;
        }
        _ => {}
    }

    // Arms of a `match`: the variants of the matched enum.
    if block == Block::Match
        && (line_start || matches!(prev, Some(Token::LBrace) | Some(Token::Comma) | None))
    {
        if let Some(start) = match_starts.last() {
            let scrutinee: Vec<&Lexeme> = tokens
                .iter()
                .skip(start + 1)
                .take_while(|t| t.token != Token::LBrace)
                .collect();
            if let [ident @ Lexeme {
                token: Token::Ident,
                ..
            }] = scrutinee[..]
            {
                let name = written(chunk, ident);
                if let Some(Type::Enum(id)) = type_of_name(a, name, offset) {
                    if let Some(e) = world.enums.get(id) {
                        for v in &e.variants {
                            items.add(
                                &v.name,
                                CompletionItemKind::ENUM_MEMBER,
                                labels(&v.zh, &v.en),
                                None,
                            );
                        }
                        items.add(
                            "_",
                            CompletionItemKind::KEYWORD,
                            Some("any other variant".to_string()),
                            None,
                        );
                        return items.out;
                    }
                }
            }
        }
    }

    // The start of a statement: the keywords of the block.
    if line_start || matches!(prev, Some(Token::LBrace) | Some(Token::RBrace)) {
        match block {
            Block::Top => {
                items.keyword_tokens(ITEM_KEYWORDS);
                return items.out;
            }
            Block::Rule => {
                items.keyword_tokens(CLAUSE_KEYWORDS);
                return items.out;
            }
            Block::Stage => {
                items.keywords(&["emission"]);
                return items.out;
            }
            Block::Example => {
                items.keywords(&["given", "expect"]);
                return items.out;
            }
            Block::Grades => {
                items.keywords(&["otherwise"]);
                return items.out;
            }
            Block::Enum | Block::GwpSet => return items.out,
            Block::Match | Block::Other => {}
        }
    }

    // An expression: names in scope (those the typed word could still match:
    // a long rule has thousands of names).
    expression_names(a, offset, &mut items);
    items.keyword_tokens(EXPRESSION_KEYWORDS);
    let word = text.get(word_start..offset).unwrap_or("");
    if !word.is_empty() {
        items.out.retain(|i| fuzzy(word, &i.label));
    }
    items.out
}

/// Whether the characters of `word` appear in `label` in order, ignoring case.
fn fuzzy(word: &str, label: &str) -> bool {
    let mut chars = label.chars().flat_map(char::to_lowercase);
    word.chars()
        .flat_map(char::to_lowercase)
        .all(|w| chars.any(|c| c == w))
}

/// Whether the last `:`/`->` of the statement opens a type (not a record field value or `sum` body).
fn in_type_position(tokens: &[Lexeme]) -> bool {
    for t in tokens.iter().rev() {
        match t.token {
            Token::Colon | Token::Arrow => return true,
            Token::Ident
            | Token::Star
            | Token::Slash
            | Token::Caret
            | Token::Number
            | Token::LBrace
            | Token::List
            | Token::Comma => {}
            Token::LParen | Token::RParen => {}
            _ => return false,
        }
    }
    false
}

/// The enum of `x` when the tokens end with `given x =`.
fn given_enum(a: &Analyzed, tokens: &[Lexeme], chunk: &str, offset: usize) -> Option<usize> {
    let [.., given, name, assign] = tokens else {
        return None;
    };
    if given.token != Token::Given || name.token != Token::Ident || assign.token != Token::Assign {
        return None;
    }
    match type_of_name(a, written(chunk, name), offset)? {
        Type::Enum(id) => Some(id),
        _ => None,
    }
}

fn line_start_of(tokens: &[Lexeme], text: &str, item_start: usize) -> bool {
    // `gwp` begins its line (the rule clause), not `gwp.` in an expression.
    let n = tokens.len();
    if n < 2 {
        return true;
    }
    let prev_end = tokens[n - 2].end();
    let start = tokens[n - 1].start();
    text.get(item_start + prev_end..item_start + start)
        .is_some_and(|gap| gap.contains('\n'))
}

fn gwp_in_tokens(tokens: &[Lexeme], chunk: &str) -> Option<String> {
    tokens
        .windows(2)
        .find_map(|w| match (w[0].token, w[1].token) {
            (Token::Gwp, Token::Ident) => Some(written(chunk, &w[1]).to_string()),
            _ => None,
        })
}

fn enclosing_rule(a: &Analyzed, offset: usize) -> Option<&pcr_compiler::rule::CheckedRule> {
    a.analysis
        .rules
        .iter()
        .filter(|r| (r.span.start as usize) <= offset)
        .max_by_key(|r| r.span.start)
}

/// The compiler's declarations of one kind in the rule around `offset`.
fn rule_decls(a: &Analyzed, offset: usize, kind: DeclKind) -> Vec<&crate::decls::Decl> {
    let decls = a.decls();
    let rule = decls
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == DeclKind::Rule && (d.span.start as usize) <= offset)
        .max_by_key(|(_, d)| d.span.start)
        .map(|(i, _)| i);
    let in_rule = |mut i: Option<usize>| {
        while let Some(j) = i {
            if Some(j) == rule {
                return true;
            }
            i = decls.get(j).and_then(|d| d.parent);
        }
        false
    };
    decls
        .iter()
        .filter(|d| d.kind == kind && in_rule(d.parent))
        .collect()
}

/// After `stage.`, `category.` or `emission.` in a result: the rule's
/// boundary stages, the world's categories, the rule's emissions.
fn reported_amounts(a: &Analyzed, offset: usize, word: Option<Token>, items: &mut Items) {
    let world = &a.analysis.world;
    match word {
        Some(Token::Stage) => {
            let inside: Vec<String> = enclosing_rule(a, offset)
                .map(|r| r.boundary_stages.clone())
                .unwrap_or_default();
            for name in &inside {
                let st = world.stages.get(name);
                items.add(
                    name,
                    CompletionItemKind::ENUM_MEMBER,
                    st.and_then(|st| labels(&st.zh, &st.en)),
                    st.and_then(|st| st.doc.as_deref()),
                );
            }
        }
        Some(Token::Category) => {
            let mut cats: Vec<_> = world.categories.values().collect();
            cats.sort_by(|x, y| x.name.cmp(&y.name));
            for c in cats {
                items.add(
                    &c.name,
                    CompletionItemKind::ENUM_MEMBER,
                    labels(&c.zh, &c.en),
                    c.doc.as_deref(),
                );
            }
        }
        Some(Token::Emission) => {
            for d in rule_decls(a, offset, DeclKind::Emission) {
                items.add(
                    &d.name,
                    CompletionItemKind::FIELD,
                    d.detail.clone(),
                    d.doc.as_deref(),
                );
            }
        }
        _ => {}
    }
}

fn units(a: &Analyzed, items: &mut Items) {
    let world = &a.analysis.world;
    let mut units: Vec<_> = world.units.values().collect();
    units.sort_by(|x, y| x.name.cmp(&y.name));
    for u in units {
        let mut detail = describe_type(world, &Type::Quantity(u.dim.clone()));
        if let Some(l) = labels(&u.zh, &u.en) {
            detail = format!("{detail} · {l}");
        }
        items.add(
            &u.name,
            CompletionItemKind::UNIT,
            Some(detail),
            u.doc.as_deref(),
        );
    }
}

/// The type of a name in scope at `offset`: a rule's input, factor or `let`, or any recorded use.
fn type_of_name(a: &Analyzed, name: &str, offset: usize) -> Option<Type> {
    if let Some(r) = enclosing_rule(a, offset) {
        if let Some(i) = r.inputs.iter().find(|i| i.name == name) {
            return Some(i.ty.clone());
        }
        if let Some(f) = r.factors.iter().find(|f| f.name == name) {
            return Some(f.ty.clone());
        }
    }
    let text = a.text();
    let main = a.main();
    a.analysis
        .types
        .iter()
        .filter(|(f, s, t)| *f == main && !t.is_error() && text.get(s.range()) == Some(name))
        .min_by_key(|(_, s, _)| (s.start as i64 - offset as i64).abs())
        .map(|(_, _, t)| t.clone())
}

/// The record type behind `name.`: a list input's element, or a `sum` variable's.
fn record_of(
    a: &Analyzed,
    name: &str,
    text: &str,
    offset: usize,
) -> Option<std::sync::Arc<pcr_compiler::types::RecordType>> {
    match type_of_name(a, name, offset) {
        Some(Type::Record(r)) | Some(Type::List(r)) => return Some(r),
        _ => {}
    }
    // `sum(m in materials: m.` while the expression is still unfinished.
    let before = text.get(..offset)?;
    let recent = before
        .get(before.len().saturating_sub(400)..)
        .unwrap_or(before);
    let toks = lex(recent).tokens;
    let list = toks
        .windows(3)
        .rev()
        .find_map(|w| match (w[0].token, w[1].token, w[2].token) {
            (Token::Ident, Token::In, Token::Ident) if written(recent, &w[0]) == name => {
                Some(written(recent, &w[2]).to_string())
            }
            _ => None,
        })?;
    match type_of_name(a, &list, offset) {
        Some(Type::List(r)) => Some(r),
        _ => None,
    }
}

fn expression_names(a: &Analyzed, offset: usize, items: &mut Items) {
    let world = &a.analysis.world;
    let main = a.main();
    // The recorded types of the `let` values only (a long rule records many).
    let let_values: std::collections::HashSet<pcr_lang::Span> = a
        .decls()
        .iter()
        .filter(|d| d.kind == DeclKind::Let)
        .filter_map(|d| d.value_span)
        .collect();
    let types: std::collections::HashMap<pcr_lang::Span, &Type> = a
        .analysis
        .types
        .iter()
        .filter(|(f, s, _)| *f == main && let_values.contains(s))
        .map(|(_, s, t)| (*s, t))
        .collect();
    // Locals: parameters and `sum` variables around the cursor.
    for d in a.decls() {
        let visible = match d.kind {
            DeclKind::SumVar => d.span.contains(offset),
            DeclKind::Param => d
                .parent
                .and_then(|p| a.decls().get(p))
                .is_some_and(|f| f.span.contains(offset)),
            _ => false,
        };
        if visible {
            items.add(
                &d.name,
                CompletionItemKind::VARIABLE,
                d.detail.clone(),
                None,
            );
        }
    }
    let rule = enclosing_rule(a, offset);
    let input_types: std::collections::HashMap<&str, &Type> = rule
        .map(|r| r.inputs.iter().map(|i| (i.name.as_str(), &i.ty)).collect())
        .unwrap_or_default();
    let factor_types: std::collections::HashMap<&str, &Type> = rule
        .map(|r| r.factors.iter().map(|f| (f.name.as_str(), &f.ty)).collect())
        .unwrap_or_default();
    let mut described: std::collections::HashMap<pcr_compiler::dimension::Dimension, String> =
        std::collections::HashMap::new();
    for (kind, ck) in [
        (DeclKind::Input, CompletionItemKind::VARIABLE),
        (DeclKind::Factor, CompletionItemKind::CONSTANT),
        (DeclKind::Let, CompletionItemKind::VARIABLE),
        (DeclKind::Fn, CompletionItemKind::FUNCTION),
    ] {
        for d in rule_decls(a, offset, kind) {
            let ty = match kind {
                DeclKind::Input => input_types.get(d.name.as_str()).map(|t| (*t).clone()),
                DeclKind::Factor => factor_types.get(d.name.as_str()).map(|t| (*t).clone()),
                DeclKind::Let => d
                    .value_span
                    .and_then(|v| types.get(&v))
                    .map(|t| (*t).clone()),
                _ => None,
            };
            let detail = ty
                .filter(|t| !t.is_error())
                .map(|t| match &t {
                    Type::Quantity(dim) => described
                        .entry(dim.clone())
                        .or_insert_with(|| describe_type(world, &t))
                        .clone(),
                    _ => describe_type(world, &t),
                })
                .or_else(|| d.detail.clone());
            items.add(&d.name, ck, detail, d.doc.as_deref());
        }
    }
    for c in &world.consts {
        items.add(
            &c.name,
            CompletionItemKind::CONSTANT,
            None,
            c.decl.doc.as_deref(),
        );
    }
    for f in &world.fns {
        items.add(
            &f.name,
            CompletionItemKind::FUNCTION,
            None,
            f.decl.doc.as_deref(),
        );
    }
    for e in &world.enums {
        items.add(&e.name, CompletionItemKind::ENUM, None, e.doc.as_deref());
    }
    // A unit stands for one of itself in an expression (`electricity * kWh`).
    units(a, items);
    for (b, doc) in BUILTINS {
        items.add(
            b,
            CompletionItemKind::FUNCTION,
            Some("built-in".to_string()),
            Some(doc),
        );
    }
}

/// The built-in functions and what each does (`docs/src/expressions.md`).
pub(crate) const BUILTINS: [(&str, &str); 8] = [
    ("min", "`min(a, b, …)`: the smallest of two or more values of the same dimension"),
    ("max", "`max(a, b, …)`: the largest of two or more values of the same dimension"),
    ("abs", "`abs(a)`: the absolute value"),
    (
        "round",
        "`round(q, step)`: the multiple of `step` nearest to `q` (same dimension), ties to even as GB/T 8170 prescribes, decided on decimal values",
    ),
    (
        "co2e",
        "`co2e(gas, mass)`: a mass of a `Gas` characterised with the rule's GWP set (kgCO2e)",
    ),
    ("exp", "`exp(x)`: e to the power `x`; `x` is dimensionless"),
    (
        "ln",
        "`ln(x)`: the natural logarithm; `x` is dimensionless and positive (a data error otherwise)",
    ),
    (
        "sqrt",
        "`sqrt(x)`: the square root; `x` is not negative, dimensionless or with even exponents (`sqrt(m2)` is `m`)",
    ),
];
