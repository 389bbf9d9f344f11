//! The parser: tokens to a syntax tree, recovering from every syntax error.

use crate::ast::{
    Clause, EmissionDecl, Example, ExampleStatement, ExpectTarget, Exponent, Expr, ExprKind,
    FactorDecl, FactorValue, InputDecl, Item, LetDecl, Module, Name, StageBlock, Str, TypeExpr,
    TypeKind,
};
use crate::lexer::{lex, string_value, written, CommentKind, Lexed, Lexeme, Token};
use crate::span::Span;
use lalrpop_util::{lalrpop_mod, ParseError};
use std::collections::HashMap;

lalrpop_mod!(
    #[allow(
        clippy::all,
        clippy::pedantic,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        unused
    )]
    pub(crate) grammar,
    "/pcr.rs"
);

/// An error raised by a grammar action (a malformed exponent, an unknown expectation).
#[derive(Debug, Clone, PartialEq)]
pub struct UserError {
    pub span: Span,
    pub message: String,
}

/// A syntax error: where, what, and what was expected there.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    pub label: String,
    pub expected: Vec<String>,
}

/// The result of parsing one file: the tree (with error nodes) and every error.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub module: Module,
    pub errors: Vec<SyntaxError>,
    pub lexed: Lexed,
}

/// Doc comments (`///`) by the byte offset of the token they document.
#[derive(Debug, Default)]
pub struct Docs {
    by_token: HashMap<usize, String>,
}

impl Docs {
    pub(crate) fn new(lexed: &Lexed) -> Docs {
        let mut by_token = HashMap::new();
        let mut pending: Vec<&str> = Vec::new();
        let mut tokens = lexed.tokens.iter().peekable();
        for comment in &lexed.comments {
            // A token between two doc comments ends the first group.
            let mut attached = false;
            while let Some(token) = tokens.peek() {
                if token.start() >= comment.span.start as usize {
                    break;
                }
                if !pending.is_empty() && !attached {
                    by_token.insert(token.start(), pending.join("\n"));
                    pending.clear();
                    attached = true;
                }
                tokens.next();
            }
            match comment.kind {
                CommentKind::Doc => pending.push(&comment.text),
                CommentKind::Line | CommentKind::ModuleDoc => pending.clear(),
            }
        }
        if !pending.is_empty() {
            if let Some(token) = tokens.peek() {
                by_token.insert(token.start(), pending.join("\n"));
            }
        }
        Docs { by_token }
    }

    /// The doc comment of the declaration starting at `offset`.
    pub fn at(&self, offset: usize) -> Option<String> {
        self.by_token.get(&offset).cloned()
    }
}

/// The source text between two token offsets (empty if they are not on
/// character boundaries, which the lexer never produces).
pub fn text_at(source: &str, start: usize, end: usize) -> &str {
    source.get(start..end).unwrap_or("")
}

/// Take boxed nodes out of their boxes (the grammar boxes large nodes).
pub fn unbox<T>(boxed: Vec<Box<T>>) -> Vec<T> {
    boxed.into_iter().map(|b| *b).collect()
}

/// Parse an exponent `n` or `n/d` written in source.
pub fn exponent(
    num: &str,
    den: &str,
    span: Span,
) -> Result<Exponent, ParseError<usize, Token, UserError>> {
    let parse = |s: &str| s.replace('_', "").parse::<i64>();
    match (parse(num), parse(den)) {
        (Ok(num), Ok(den)) if den > 0 => Ok(Exponent { num, den }),
        _ => Err(ParseError::User {
            error: UserError {
                span,
                message: format!("an exponent must be a whole number or a fraction of whole numbers, found `{num}`"),
            },
        }),
    }
}

/// `expect footprint …`, `expect grade …`; any other word is kept and reported.
pub fn expect_target(name: Name) -> ExpectTarget {
    match name.text.as_str() {
        "footprint" => ExpectTarget::Footprint(name.span),
        "grade" => ExpectTarget::Grade(name.span),
        _ => ExpectTarget::Unknown(name),
    }
}

/// `expect value NAME`; any other word before the name is reported.
pub fn expect_value_target(
    kind: Name,
    name: Name,
) -> Result<ExpectTarget, ParseError<usize, Token, UserError>> {
    if kind.text == "value" {
        Ok(ExpectTarget::Value(name))
    } else {
        Err(ParseError::User {
            error: UserError {
                span: kind.span,
                message: format!(
                    "`expect {} {}` names no target: write `expect value {}` for a `let`, or `expect footprint`, `stage`, `emission`, `category`, `result` or `grade`",
                    kind.text, name.text, name.text
                ),
            },
        })
    }
}

/// Parse one source text. Never fails: syntax errors are in [`Parsed::errors`]
/// and the tree keeps `Error` nodes where they were.
pub fn parse(source: &str) -> Parsed {
    let lexed = lex(source);
    let docs = Docs::new(&lexed);
    let mut errors: Vec<SyntaxError> = lexed
        .errors
        .iter()
        .map(|e| SyntaxError {
            span: e.span,
            message: e.message.clone(),
            label: e.label.clone(),
            expected: Vec::new(),
        })
        .collect();
    let tokens = &lexed.tokens;
    let whole = match crate::parallel::parse_module(&docs, source, tokens) {
        Some(items) => Ok(items),
        None => grammar::ModuleParser::new().parse(&docs, source, fed(source, tokens)),
    };
    let items = match whole {
        Ok(items) => items,
        Err(_) => {
            let lexical: Vec<Span> = lexed.errors.iter().map(|e| e.span).collect();
            let mut recovery = Recovery {
                tokens,
                docs: &docs,
                source,
                lexical: &lexical,
                errors: &mut errors,
            };
            recovery.items(0, tokens.len())
        }
    };
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    let module_doc: Vec<&str> = lexed
        .comments
        .iter()
        .filter(|c| c.kind == CommentKind::ModuleDoc)
        .map(|c| c.text.as_str())
        .collect();
    let doc = (!module_doc.is_empty()).then(|| module_doc.join("\n"));
    Parsed {
        module: Module { doc, items },
        errors,
        lexed,
    }
}

/// A token as the generated parser reads it: `(start, token, end)`.
pub(crate) type Tok = (usize, Token, usize);

/// The tokens as the generated parser reads them. A number followed by a
/// name on a later line is fed as [`Token::NumberAtLineEnd`]: a line break
/// ends a quantity literal, so the name is never the number's unit.
pub(crate) fn fed<'t>(
    source: &'t str,
    tokens: &'t [Lexeme],
) -> impl Iterator<Item = Result<Tok, UserError>> + 't {
    tokens.iter().enumerate().map(move |(i, t)| {
        let (start, token, end) = t.triple();
        let ends_line = token == Token::Number
            && tokens.get(i + 1).is_some_and(|next| {
                next.token == Token::Ident
                    && source
                        .get(end..next.start())
                        .is_some_and(|between| between.contains('\n'))
            });
        if ends_line {
            Ok((start, Token::NumberAtLineEnd, end))
        } else {
            Ok((start, token, end))
        }
    })
}

/// Whether token `i` (at nesting depth 0) starts a part beginning with one of
/// `starters`: not when it is a path segment after `.` (`import a.rule`), the
/// `stage` of `exclude stage`, or the `gwp` of `gwp.CO2`.
pub(crate) fn starts_part(tokens: &[Lexeme], i: usize, starters: &[Token]) -> bool {
    let Some(token) = tokens.get(i).map(|t| t.token) else {
        return false;
    };
    if !starters.contains(&token) {
        return false;
    }
    let prev = i
        .checked_sub(1)
        .and_then(|p| tokens.get(p))
        .map(|t| t.token);
    let next = tokens.get(i + 1).map(|t| t.token);
    let path_segment = prev == Some(Token::Dot);
    // A keyword where a name belongs (`let category = …`); the keyword
    // before it is itself a path segment in `import general.unit`.
    let written_as_name = prev.is_some_and(names_next)
        && i.checked_sub(2)
            .and_then(|p| tokens.get(p))
            .is_none_or(|t| t.token != Token::Dot);
    let excluded_stage = token == Token::Stage && prev == Some(Token::Exclude);
    // `gwp.CO2`, and the reported amounts `stage.NAME`, `category.NAME`, `emission.NAME`.
    let gwp_of_gas = matches!(
        token,
        Token::Gwp | Token::Stage | Token::Category | Token::Emission
    ) && next == Some(Token::Dot);
    !(path_segment || written_as_name || excluded_stage || gwp_of_gas)
}

/// Keywords always followed by a name: a keyword after one of them is a
/// reserved word written as that name (`let category = …`), not the start of
/// a new part.
fn names_next(token: Token) -> bool {
    matches!(
        token,
        Token::Input
            | Token::Factor
            | Token::Let
            | Token::Fn
            | Token::Emission
            | Token::Given
            | Token::Unit
            | Token::Dimension
            | Token::Enum
            | Token::Category
            | Token::GwpSet
            | Token::Rule
            | Token::Result
            | Token::Table
    )
}

/// Keywords that start a top-level declaration (recovery, formatting, and
/// the language server's completion at the top level).
pub const ITEM_KEYWORDS: &[Token] = &[
    Token::Import,
    Token::Dimension,
    Token::Unit,
    Token::GwpSet,
    Token::Stage,
    Token::Boundary,
    Token::Category,
    Token::Enum,
    Token::Fn,
    Token::Let,
    Token::Table,
    Token::Rule,
];

/// Keywords that start a rule clause (recovery, formatting, and the
/// language server's completion in a rule).
pub const CLAUSE_KEYWORDS: &[Token] = &[
    Token::Title,
    Token::Version,
    Token::Standard,
    Token::DeclaredUnit,
    Token::Boundary,
    Token::Gwp,
    Token::Cutoff,
    Token::Allocation,
    Token::Input,
    Token::Factor,
    Token::Let,
    Token::Fn,
    Token::Stage,
    Token::Result,
    Token::Table,
    Token::Exclude,
    Token::Grades,
    Token::Example,
];

/// Keywords that start or join an expression (the language server's
/// completion in an expression).
pub const EXPRESSION_KEYWORDS: &[Token] = &[
    Token::If,
    Token::Then,
    Token::Else,
    Token::Match,
    Token::Sum,
    Token::In,
    Token::And,
    Token::Or,
    Token::Not,
    Token::True,
    Token::False,
    Token::Gwp,
];

/// An error of the generated parser.
type Failure = ParseError<usize, Token, UserError>;

/// An entry point of the grammar that recovery parses one part with.
trait Entry {
    type Output;
    /// What a line of this kind starts with, for a line that starts otherwise.
    const LINE_START: &'static str;
    fn parse(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Result<Self::Output, Failure>;
}

struct ItemEntry;
struct ClauseEntry;
struct EmissionEntry;
struct StatementEntry;

impl Entry for ItemEntry {
    type Output = Box<Item>;
    const LINE_START: &'static str =
        "a declaration starts with a keyword such as `rule`, `unit`, `fn` or `import`";
    fn parse(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Result<Self::Output, Failure> {
        grammar::ItemParser::new().parse(docs, source, fed(source, tokens))
    }
}

impl Entry for ClauseEntry {
    type Output = Box<Clause>;
    const LINE_START: &'static str =
        "a clause starts with a keyword such as `input`, `factor`, `let` or `stage`";
    fn parse(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Result<Self::Output, Failure> {
        grammar::ClauseParser::new().parse(docs, source, fed(source, tokens))
    }
}

impl Entry for EmissionEntry {
    type Output = Box<EmissionDecl>;
    const LINE_START: &'static str = "each line of a stage starts with `emission`";
    fn parse(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Result<Self::Output, Failure> {
        grammar::EmissionLineParser::new().parse(docs, source, fed(source, tokens))
    }
}

impl Entry for StatementEntry {
    type Output = Box<ExampleStatement>;
    const LINE_START: &'static str = "each line of an example starts with `given` or `expect`";
    fn parse(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Result<Self::Output, Failure> {
        grammar::ExampleStatementParser::new().parse(docs, source, fed(source, tokens))
    }
}

/// What became of a part.
enum Outcome<T> {
    /// The whole part parsed (perhaps once reserved words were read as names,
    /// each reported).
    Parsed(T),
    /// The part's tokens up to `cut` parsed; the rest was reported.
    Prefix(T),
    /// The part did not parse; its error was reported.
    Failed,
}

impl<T> Outcome<T> {
    fn value(self) -> Option<T> {
        match self {
            Outcome::Parsed(v) | Outcome::Prefix(v) => Some(v),
            Outcome::Failed => None,
        }
    }
}

/// How many reserved words one part may use as names before recovery stops
/// reading them as names.
const MAX_RENAMES: usize = 8;

/// Keywords that may be read as a name for a better message: not those that
/// start or join expressions, where a missing operand is the likelier mistake.
fn renameable(token: Token) -> bool {
    token.is_keyword()
        && !matches!(
            token,
            Token::If
                | Token::Then
                | Token::Else
                | Token::Match
                | Token::Sum
                | Token::In
                | Token::And
                | Token::Or
                | Token::Not
                | Token::True
                | Token::False
        )
}

/// For a closing bracket after a complete part, which closes nothing: the label.
fn closes_nothing(token: Token) -> Option<String> {
    let opener = match token {
        Token::RParen => "(",
        Token::RBracket => "[",
        Token::RBrace => "{",
        _ => return None,
    };
    Some(format!(
        "this `{}` closes nothing: no `{opener}` is open here",
        token.text()
    ))
}

/// The error for a reserved word written where a name belongs.
/// A clause word's own clause is named, with a more descriptive name to use.
fn reserved_word(word: &str, span: Span) -> SyntaxError {
    let message = match clause_word(word) {
        Some((clause, _)) => format!(
            "`{word}` is a reserved word and cannot be used as a name (it is the `{word}` of {clause})"
        ),
        None => format!("`{word}` is a reserved word and cannot be used as a name"),
    };
    let label = match clause_word(word) {
        Some((_, descriptive)) => {
            format!("choose another name, such as `{descriptive}` or `{word}_`")
        }
        None => format!("choose another name, such as `{word}_` or a more descriptive one"),
    };
    SyntaxError {
        span,
        message,
        label,
        expected: Vec::new(),
    }
}

/// For a reserved clause word (one that only follows its own keyword): the
/// clause it belongs to, and a descriptive name to write instead.
fn clause_word(word: &str) -> Option<(&'static str, &'static str)> {
    Some(match word {
        "share" => ("`exclude NAME \"reason\" share P`", "allocated_share"),
        "item" => ("`cutoff item P total Q`", "item_share"),
        "total" => ("`cutoff item P total Q`", "total_amount"),
        "source" => ("`factor … source \"…\"`", "source_name"),
        "within" => ("`expect … within P`", "tolerance"),
        "en" => ("`title \"…\" en \"…\"`", "en_name"),
        "separate" => ("`stage NAME … separate`", "separate_part"),
        "category" => (
            "`category NAME` and `expect category NAME`",
            "category_name",
        ),
        _ => return None,
    })
}

/// Open brackets, innermost last. A closer that matches the innermost opener
/// closes it; a `}` may also close a brace a few brackets out (the brackets
/// inside it were left open); any other closer closes nothing and is skipped,
/// so that a stray `)` does not end the block around it.
#[derive(Debug, Default)]
pub(crate) struct Nesting(Vec<Token>);

/// How far out a `}` looks for its `{`.
const BRACE_REACH: usize = 16;

impl Nesting {
    pub(crate) fn depth(&self) -> usize {
        self.0.len()
    }

    /// Follow one token; whether it closed a bracket.
    pub(crate) fn step(&mut self, token: Token) -> bool {
        let opener = match token {
            Token::LBrace | Token::LParen | Token::LBracket => {
                self.0.push(token);
                return false;
            }
            Token::RBrace => Token::LBrace,
            Token::RParen => Token::LParen,
            Token::RBracket => Token::LBracket,
            _ => return false,
        };
        let reach = if token == Token::RBrace {
            BRACE_REACH
        } else {
            1
        };
        let found = self.0.iter().rev().take(reach).position(|t| *t == opener);
        match found {
            Some(from_top) => {
                let at = self.0.len() - 1 - from_top;
                self.0.truncate(at);
                true
            }
            None => false,
        }
    }
}

/// Recovery after a failed parse: split the tokens at the keywords that start
/// items, clauses, emissions and example statements, parse each part on its
/// own, and keep an error node and one error for each part that fails. A part
/// whose beginning parses keeps that beginning, and the error is reported at
/// the first token that does not belong to it.
struct Recovery<'a> {
    tokens: &'a [Lexeme],
    docs: &'a Docs,
    source: &'a str,
    /// Where the lexical errors are: a part with one gets no second error.
    lexical: &'a [Span],
    errors: &'a mut Vec<SyntaxError>,
}

impl Recovery<'_> {
    /// Whether a lexical error lies in the part `start..end` (up to the next
    /// part): it is the mistake, and the parser's error would repeat it.
    fn explained(&self, start: usize, end: usize) -> bool {
        let from = self.tokens.get(start).map_or(0, |t| t.start());
        let to = self
            .tokens
            .get(end)
            .map_or(self.source.len(), |t| t.start());
        self.lexical
            .iter()
            .any(|s| (from..to).contains(&(s.start as usize)))
    }

    /// Split `start..end` into parts, each starting at one of `starters` outside brackets.
    fn split(&self, start: usize, end: usize, starters: &[Token]) -> Vec<(usize, usize)> {
        let mut parts = Vec::new();
        let mut nesting = Nesting::default();
        let mut part_start = start;
        for i in start..end {
            if nesting.depth() == 0 && i > part_start && starts_part(self.tokens, i, starters) {
                parts.push((part_start, i));
                part_start = i;
            }
            nesting.step(self.tokens[i].token);
        }
        if part_start < end {
            parts.push((part_start, end));
        }
        parts
    }

    fn span_of(&self, start: usize, end: usize) -> Span {
        match (
            self.tokens.get(start),
            end.checked_sub(1).and_then(|i| self.tokens.get(i)),
        ) {
            (Some(first), Some(last)) if start < end => Span::new(first.start(), last.end()),
            _ => Span::new(self.source.len(), self.source.len()),
        }
    }

    /// The index of the token of `start..end` that starts at byte `at`.
    fn index_at(&self, start: usize, end: usize, at: usize) -> Option<usize> {
        self.tokens
            .get(start..end)?
            .binary_search_by_key(&at, |t| t.start())
            .ok()
            .map(|i| i + start)
    }

    /// The first token of `start..` on the line of token `k`.
    fn line_start(&self, start: usize, k: usize) -> usize {
        let mut i = k;
        while i > start {
            let gap = self
                .source
                .get(self.tokens[i - 1].end()..self.tokens[i].start())
                .unwrap_or("");
            if gap.contains('\n') {
                break;
            }
            i -= 1;
        }
        i
    }

    /// Report `error` of the part `start..end`, unless a lexical error explains it.
    fn report(&mut self, error: Failure, start: usize, end: usize) {
        if self.explained(start, end) {
            return;
        }
        let error = match (error, self.tokens.get(end)) {
            // The part ended where the next part starts: say what came next.
            (ParseError::UnrecognizedEof { expected, .. }, Some(next)) => {
                ParseError::UnrecognizedToken {
                    token: next.triple(),
                    expected,
                }
            }
            (error, _) => error,
        };
        self.errors.push(syntax_error(error, self.source));
    }

    /// Report token `i` as not starting a line of the kind `what` describes.
    fn unexpected(&mut self, i: usize, what: &str) {
        let token = &self.tokens[i];
        self.errors.push(SyntaxError {
            span: token.span(),
            message: format!(
                "unexpected {}",
                token.token.describe(written(self.source, token))
            ),
            label: what.to_string(),
            expected: Vec::new(),
        });
    }

    /// Parse the part `start..end` as an `E`, recovering as described on [`Recovery`].
    fn attempt<E: Entry>(&mut self, start: usize, end: usize) -> Outcome<E::Output> {
        let error = match E::parse(self.docs, self.source, &self.tokens[start..end]) {
            Ok(value) => return Outcome::Parsed(value),
            Err(error) => error,
        };
        if let Some(value) = self.with_reserved_names::<E>(start, end, &error) {
            return Outcome::Parsed(value);
        }
        let at = match &error {
            ParseError::UnrecognizedToken { token, .. } | ParseError::ExtraToken { token } => {
                self.index_at(start, end, token.0)
            }
            _ => None,
        };
        if let Some(k) = at {
            // Keep the beginning that parses, up to the line of the mistake or up to the mistake.
            let line = self.line_start(start, k);
            let cuts = if line == k {
                [Some(k), None]
            } else {
                [Some(line), Some(k)]
            };
            for cut in cuts.into_iter().flatten() {
                if cut <= start {
                    continue;
                }
                if let Ok(value) = E::parse(self.docs, self.source, &self.tokens[start..cut]) {
                    if cut == line {
                        if !self.explained(start, end) {
                            self.unexpected(cut, E::LINE_START);
                        }
                    } else if let Some(bracket) = closes_nothing(self.tokens[k].token) {
                        if !self.explained(start, end) {
                            self.unexpected(k, &bracket);
                        }
                    } else {
                        self.report(error, start, end);
                    }
                    return Outcome::Prefix(value);
                }
            }
        }
        self.report(error, start, end);
        Outcome::Failed
    }

    /// When a part fails at a reserved word where a name may stand, read it as
    /// a name: if the part then parses, report each such word and keep the part.
    fn with_reserved_names<E: Entry>(
        &mut self,
        start: usize,
        end: usize,
        error: &Failure,
    ) -> Option<E::Output> {
        let mut tokens: Vec<Lexeme> = Vec::new();
        let mut renamed = Vec::new();
        let mut error = error.clone();
        for _ in 0..MAX_RENAMES {
            let ParseError::UnrecognizedToken {
                token: (at, token, _),
                expected,
            } = &error
            else {
                return None;
            };
            if !renameable(*token) || !expected.iter().any(|e| e == "Ident") {
                return None;
            }
            let k = self.index_at(start, end, *at)?;
            if tokens.is_empty() {
                tokens = self.tokens.get(start..end)?.to_vec();
            }
            tokens.get_mut(k - start)?.token = Token::Ident;
            renamed.push(k);
            match E::parse(self.docs, self.source, &tokens) {
                Ok(value) => {
                    for k in renamed {
                        let lexeme = self.tokens[k];
                        self.errors
                            .push(reserved_word(lexeme.token.text(), lexeme.span()));
                    }
                    return Some(value);
                }
                Err(next) => error = next,
            }
        }
        None
    }

    fn items(&mut self, start: usize, end: usize) -> Vec<Item> {
        let mut items = Vec::new();
        for (a, b) in self.split(start, end, ITEM_KEYWORDS) {
            if !ITEM_KEYWORDS.contains(&self.tokens[a].token) {
                self.unexpected(a, ItemEntry::LINE_START);
                items.push(Item::Error(self.span_of(a, b)));
                continue;
            }
            if self.tokens[a].token == Token::Rule {
                match ItemEntry::parse(self.docs, self.source, &self.tokens[a..b]) {
                    Ok(item) => items.push(*item),
                    Err(_) => items.push(self.rule(a, b)),
                }
                continue;
            }
            match self.attempt::<ItemEntry>(a, b).value() {
                Some(item) => items.push(*item),
                None => items.push(Item::Error(self.span_of(a, b))),
            }
        }
        items
    }

    /// Find the body of a block `HEAD { BODY }` in `start..end`: the index after `{`,
    /// the index of the matching `}` (or `end` when it is missing) and the index after it.
    fn block(
        &mut self,
        start: usize,
        end: usize,
        header_len: usize,
    ) -> Option<(usize, usize, usize)> {
        let open = start + header_len;
        if open >= end || self.tokens[open].token != Token::LBrace {
            return None;
        }
        let mut nesting = Nesting::default();
        for i in open..end {
            if nesting.step(self.tokens[i].token) && nesting.depth() == 0 {
                return Some((open + 1, i, i + 1));
            }
        }
        let token = &self.tokens[open];
        self.errors.push(SyntaxError {
            span: token.span(),
            message: "unclosed `{`".to_string(),
            label: "this `{` has no matching `}`".to_string(),
            expected: vec!["`}`".to_string()],
        });
        Some((open + 1, end, end))
    }

    fn trailing(&mut self, after: usize, end: usize) {
        if after < end {
            self.unexpected(after, "expected a declaration");
        }
    }

    fn name_at(&self, i: usize) -> Option<Name> {
        let lexeme = self.tokens.get(i)?;
        let text = match lexeme.token {
            Token::Ident => written(self.source, lexeme).to_string(),
            Token::Item
            | Token::Total
            | Token::Share
            | Token::Source
            | Token::Within
            | Token::En
            | Token::Category
            | Token::Separate
            | Token::Result => lexeme.token.text().to_string(),
            _ => return None,
        };
        Some(Name {
            text,
            span: lexeme.span(),
        })
    }

    /// The name of a block (`rule NAME {`, `stage NAME {`) at token `i`; a
    /// reserved word there is reported and kept as the name.
    fn block_name(&mut self, i: usize) -> Option<Name> {
        let name = self.name_at(i)?;
        if self.tokens[i].token != Token::Ident {
            self.errors.push(reserved_word(&name.text, name.span));
        }
        Some(name)
    }

    fn rule(&mut self, start: usize, end: usize) -> Item {
        let span = self.span_of(start, end);
        let has_block = self
            .tokens
            .get(start + 2)
            .is_some_and(|t| t.token == Token::LBrace);
        let name = if has_block && self.name_at(start + 1).is_some() {
            self.block_name(start + 1)
        } else {
            None
        };
        let (Some(name), Some((body_start, body_end, after))) = (name, self.block(start, end, 2))
        else {
            self.attempt::<ItemEntry>(start, end);
            return Item::Error(span);
        };
        let mut clauses = Vec::new();
        for (a, b) in self.split(body_start, body_end, CLAUSE_KEYWORDS) {
            clauses.push(self.clause(a, b));
        }
        self.trailing(after, end);
        Item::Rule(crate::ast::Rule {
            name,
            clauses,
            doc: self.docs.at(self.tokens[start].start()),
            span,
        })
    }

    fn clause(&mut self, start: usize, end: usize) -> Clause {
        let span = self.span_of(start, end);
        if !CLAUSE_KEYWORDS.contains(&self.tokens[start].token) {
            self.unexpected(start, ClauseEntry::LINE_START);
            return Clause::Error(span);
        }
        if let Ok(clause) = ClauseEntry::parse(self.docs, self.source, &self.tokens[start..end]) {
            return *clause;
        }
        let head = self.tokens[start].token;
        match head {
            Token::Stage if self.name_at(start + 1).is_some() => {
                if let Some((body_start, body_end, after)) = self.block(start, end, 2) {
                    return self.stage(start, span, (body_start, body_end, after), end);
                }
            }
            Token::Example => {
                if let (Some(name), Some((body_start, body_end, after))) = (
                    self.tokens
                        .get(start + 1)
                        .copied()
                        .filter(|t| t.token == Token::Str),
                    self.block(start, end, 2),
                ) {
                    let value = string_value(written(self.source, &name));
                    let mut statements = Vec::new();
                    for (a, b) in self.split(body_start, body_end, &[Token::Given, Token::Expect]) {
                        let statement =
                            if matches!(self.tokens[a].token, Token::Given | Token::Expect) {
                                self.attempt::<StatementEntry>(a, b).value()
                            } else {
                                self.unexpected(a, StatementEntry::LINE_START);
                                None
                            };
                        statements.push(
                            statement.map_or_else(
                                || ExampleStatement::Error(self.span_of(a, b)),
                                |s| *s,
                            ),
                        );
                    }
                    self.trailing(after, end);
                    return Clause::Example(Example {
                        name: Str {
                            value,
                            span: name.span(),
                        },
                        statements,
                        doc: self.docs.at(self.tokens[start].start()),
                        span,
                    });
                }
            }
            _ => {}
        }
        if let Some(clause) = self.attempt::<ClauseEntry>(start, end).value() {
            return *clause;
        }
        // A broken declaration still declares its name, so that its uses
        // raise no second error: the checker gives it the error type.
        let doc = self.docs.at(self.tokens[start].start());
        let error_type = |span: Span| TypeExpr {
            kind: TypeKind::Error,
            span,
        };
        let error_expr = |span: Span| Expr {
            kind: ExprKind::Error,
            span,
        };
        match (head, self.name_at(start + 1)) {
            (Token::Input, Some(name)) => Clause::Input(InputDecl {
                ty: error_type(span),
                default: None,
                name,
                doc,
                span,
            }),
            (Token::Factor, Some(name)) => Clause::Factor(FactorDecl {
                ty: error_type(span),
                value: FactorValue::Literal(error_expr(span)),
                source: None,
                name,
                doc,
                span,
            }),
            (Token::Let, Some(name)) => Clause::Let(LetDecl {
                ty: None,
                value: error_expr(span),
                name,
                doc,
                span,
            }),
            _ => Clause::Error(span),
        }
    }

    /// A stage block whose emissions did not all parse: each emission on its own.
    fn stage(
        &mut self,
        start: usize,
        span: Span,
        (body_start, body_end, after): (usize, usize, usize),
        end: usize,
    ) -> Clause {
        let name = self.block_name(start + 1);
        let mut emissions = Vec::new();
        for (a, b) in self.split(body_start, body_end, &[Token::Emission]) {
            if self.tokens[a].token != Token::Emission {
                self.unexpected(a, EmissionEntry::LINE_START);
                continue;
            }
            if let Some(e) = self.attempt::<EmissionEntry>(a, b).value() {
                emissions.push(*e);
            } else if let Some(name) = self.name_at(a + 1) {
                // Keep the broken emission's name: its stage is still counted.
                let span = self.span_of(a, b);
                emissions.push(EmissionDecl {
                    name,
                    value: Expr {
                        kind: ExprKind::Error,
                        span,
                    },
                    category: None,
                    doc: self.docs.at(self.tokens[a].start()),
                    span,
                });
            }
        }
        self.trailing(after, end);
        match name {
            Some(name) => Clause::Stage(StageBlock {
                name,
                emissions,
                doc: self.docs.at(self.tokens[start].start()),
                span,
            }),
            None => Clause::Error(span),
        }
    }
}

/// Parse a single expression (for tests and tools).
pub fn parse_expr(source: &str) -> Result<crate::ast::Expr, SyntaxError> {
    let lexed = lex(source);
    if let Some(e) = lexed.errors.first() {
        return Err(SyntaxError {
            span: e.span,
            message: e.message.clone(),
            label: e.label.clone(),
            expected: Vec::new(),
        });
    }
    let docs = Docs::default();
    grammar::ExprParser::new()
        .parse(&docs, source, fed(source, &lexed.tokens))
        .map(|e| *e.expr)
        .map_err(|e| syntax_error(e, source))
}

fn describe_expected(expected: &[String]) -> Vec<String> {
    let mut out: Vec<String> = expected
        .iter()
        .map(|e| match e.as_str() {
            "Ident" => "a name".to_string(),
            "Num" | "NumEol" => "a number".to_string(),
            "Pct" => "a percentage".to_string(),
            "StrLit" => "a string".to_string(),
            other => format!("`{}`", other.trim_matches('"')),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn expected_note(expected: &[String]) -> String {
    match expected.len() {
        0 => String::new(),
        1 => format!("expected {}", expected[0]),
        n if n <= 8 => format!("expected one of {}", expected.join(", ")),
        _ => format!("expected one of {}, …", expected[..8].join(", ")),
    }
}

fn syntax_error(error: ParseError<usize, Token, UserError>, source: &str) -> SyntaxError {
    let end = source.len();
    match error {
        ParseError::InvalidToken { location } => SyntaxError {
            span: Span::new(location, location + 1),
            message: "invalid token".to_string(),
            label: "not understood here".to_string(),
            expected: Vec::new(),
        },
        ParseError::UnrecognizedEof { location, expected } => {
            let expected = describe_expected(&expected);
            SyntaxError {
                span: Span::new(location.min(end), location.min(end)),
                message: "unexpected end of file".to_string(),
                label: expected_note(&expected),
                expected,
            }
        }
        ParseError::UnrecognizedToken {
            token: (l, token, r),
            expected,
        } => {
            let expected = describe_expected(&expected);
            let label = if expected.is_empty() {
                "unexpected here".to_string()
            } else {
                expected_note(&expected)
            };
            SyntaxError {
                span: Span::new(l, r),
                message: format!("unexpected {}", token.describe(text_at(source, l, r))),
                label,
                expected,
            }
        }
        ParseError::ExtraToken {
            token: (l, token, r),
        } => SyntaxError {
            span: Span::new(l, r),
            message: format!(
                "unexpected {} after the end",
                token.describe(text_at(source, l, r))
            ),
            label: "nothing more was expected".to_string(),
            expected: Vec::new(),
        },
        ParseError::User { error } => SyntaxError {
            span: error.span,
            message: error.message,
            label: "here".to_string(),
            expected: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::*;

    const COIL: &str = include_str!("../../tests/rules/hot_rolled_coil.pcr");

    #[test]
    fn the_reference_rule_parses_cleanly() {
        let parsed = parse(COIL);
        assert_eq!(parsed.errors, vec![]);
        let rules: Vec<&Rule> = parsed
            .module
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rule(r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].name.text, "hot_rolled_coil");
        assert_eq!(rules[0].clauses.len(), 23);
        let input_doc = rules[0].clauses.iter().find_map(|c| match c {
            Clause::Input(i) if i.name.text == "output" => Some(i.doc.clone()),
            _ => None,
        });
        assert_eq!(
            input_doc,
            Some(Some("Coil produced in the reference period.".to_string()))
        );
        assert_eq!(
            parsed.module.doc.as_deref(),
            Some("Illustrative rule: hot-rolled steel coil.")
        );
    }

    #[test]
    fn quantity_literals_bind_tighter_than_operators() {
        let e = parse_expr("0.6205 kgCO2e/kWh").unwrap_or_else(|e| panic!("{e:?}"));
        let ExprKind::Binary(BinOp::Div, lhs, rhs) = e.kind else {
            panic!("not a division: {e:?}")
        };
        assert!(matches!(lhs.kind, ExprKind::Quantity { .. }));
        assert!(matches!(rhs.kind, ExprKind::Name(_)));
        let e = parse_expr("3 m^2").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(matches!(
            e.kind,
            ExprKind::Quantity {
                power: Some(Exponent { num: 2, den: 1 }),
                ..
            }
        ));
    }

    #[test]
    fn every_broken_clause_is_reported_and_the_rest_is_kept() {
        let source = "rule r {\n    version \"1\"\n    input a: = 3\n    input b: t\n    factor f: kg = \n    let c = b * 2\n}\n";
        let parsed = parse(source);
        assert_eq!(parsed.errors.len(), 2, "{:?}", parsed.errors);
        let Some(Item::Rule(rule)) = parsed.module.items.first() else {
            panic!("no rule")
        };
        let kinds: Vec<&str> = rule.clauses.iter().map(Clause::keyword).collect();
        // The broken declarations keep their names, with error nodes inside.
        assert_eq!(kinds, vec!["version", "input", "input", "factor", "let"]);
        let Clause::Input(a) = &rule.clauses[1] else {
            panic!("not an input")
        };
        assert_eq!((a.name.text.as_str(), &a.ty.kind), ("a", &TypeKind::Error));
        assert_eq!(&source[parsed.errors[0].span.range()], "=");
        assert_eq!(&source[parsed.errors[1].span.range()], "let");
    }

    #[test]
    fn recovery_does_not_cut_at_gwp_dot_or_exclude_stage() {
        let source = "rule r {\n    input a: = 3\n    let c = 2 kg * gwp.CH4\n    exclude stage use \"n/a\" share 1%\n}\n";
        let parsed = parse(source);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        let Some(Item::Rule(rule)) = parsed.module.items.first() else {
            panic!("no rule")
        };
        let kinds: Vec<&str> = rule.clauses.iter().map(Clause::keyword).collect();
        assert_eq!(kinds, vec!["input", "let", "exclude"]);
        let Clause::Exclude(exclusion) = &rule.clauses[2] else {
            panic!("not an exclusion")
        };
        assert!(exclusion.is_stage);
    }

    #[test]
    fn a_broken_emission_keeps_its_neighbours() {
        let source = "rule r {\n stage production {\n emission a = 1 +\n emission b = 2\n }\n}";
        let parsed = parse(source);
        assert_eq!(parsed.errors.len(), 1);
        let Some(Item::Rule(rule)) = parsed.module.items.first() else {
            panic!("no rule")
        };
        let Some(Clause::Stage(stage)) = rule.clauses.first() else {
            panic!("no stage")
        };
        assert_eq!(stage.emissions.len(), 2);
        assert_eq!(stage.emissions[0].name.text, "a");
        assert_eq!(stage.emissions[0].value.kind, ExprKind::Error);
        assert_eq!(stage.emissions[1].name.text, "b");
    }

    #[test]
    fn garbage_never_panics() {
        for source in [
            "}}}{{{",
            "rule",
            "rule {",
            "\"open",
            "$$$ rule x { title",
            "example \"x\" { given",
            "\u{0}\u{1}",
        ] {
            let parsed = parse(source);
            assert!(!parsed.errors.is_empty(), "{source:?}");
        }
    }
}
