//! The formatter behind `pcr fmt`: one canonical layout for PCR source.
//!
//! The formatter is a token-stream printer. It refuses a file with lexical or
//! syntax errors, and otherwise re-prints its tokens, deciding line breaks from
//! the nesting of blocks and from the keywords that start a clause, and putting
//! every comment back where it was, by byte position. It guarantees that
//!
//! * formatting is idempotent: `format(format(x)) == format(x)`;
//! * the output has exactly the input's tokens and comments, in order;
//! * the output parses without errors.
//!
//! The layout:
//!
//! * four spaces of indent per block (`rule`, `stage`, `example`, `grades`,
//!   `gwp_set`, and a `table` whose first row starts on a later line than
//!   its `{`) and per bracket laid out vertically (below);
//! * one item, clause, emission, example statement, grade, GWP entry or
//!   table row (of a table laid out as a block) per line, the `=>` of a
//!   table's rows aligned;
//! * blank lines between lines are kept where the source had any, collapsed to
//!   one, and dropped at the start and end of a block;
//! * one space around binary operators and after `,` and `:`; none around `^`
//!   and `.`, inside `( )` and `[ ]`, or after a unary `-`; one space inside a
//!   record, `match`, `enum` or `list { … }` brace: `{ a: 1, b: 2 }`;
//! * a table's row is read without spaces: `blend[r].hfc125`;
//! * `*` and `/` are binary operators like the others, spaced
//!   (`starch * starch_ef / output`), except between the unit atoms of a
//!   type, of a unit definition or of a quantity's units, where written
//!   without spaces they stay tight, as units are written (`kgCO2e/kWh`,
//!   `t*km`, `m^2/s`, `0.6 kgCO2e/kWh`, `unit N = kg*m/s^2`);
//! * a unary `-` or `not` keeps no space before its operand (`-x`), and `^`
//!   none on either side (`x^2`, `m^-1`);
//! * a bracket (`(`, `[`, or a brace that is not a block) whose first element
//!   starts on a later line than the bracket is laid out vertically, one
//!   comma-separated element per line; any other bracket stays on one line;
//! * a comment that ended a line stays at the end of that line, after two
//!   spaces; any other comment gets a line of its own; a token that followed a
//!   comment starts a continuation line (one more indent);
//! * the `<` and `>` around a function's dimension parameters are tight
//!   (`fn share<D>(main: D, …)`);
//! * long lines are not wrapped; the file ends with one newline and no line
//!   ends with spaces.

use crate::ast::{Clause, FnDecl, Item, Module, TableDecl, TableValueType, UnitDefinition};
use crate::lexer::{string_value, Comment, Lexeme, Token};
use crate::parser::parse;
use crate::span::{LineIndex, Span};
use std::fmt;

/// Why a file was not formatted: the first lexical or syntax error in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Where the problem is.
    pub span: Span,
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column (in characters) of the problem.
    pub column: usize,
    /// What the problem is, as the parser says it.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot format a file with errors: {}:{}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for FormatError {}

/// Format a PCR source text in the canonical style.
///
/// Returns an error naming the first problem when the text has lexical or
/// syntax errors: the formatter never guesses at broken code.
pub fn format_source(source: &str) -> Result<String, FormatError> {
    let parsed = parse(source);
    if let Some(error) = parsed.errors.first() {
        let (line, column) = LineIndex::new(source).line_col(source, error.span.start as usize);
        return Err(FormatError {
            span: error.span,
            line,
            column,
            message: error.message.clone(),
        });
    }
    let lexed = parsed.lexed;
    let units = unit_spans(&parsed.module);
    let layout = Layout::compute(source, &lexed.tokens, &lexed.comments, &units)?;
    Ok(Printer::new(source, &lexed.tokens, &lexed.comments, &layout).print())
}

/// Whether `source` is already formatted (`pcr fmt --check`).
pub fn check_formatted(source: &str) -> Result<bool, FormatError> {
    Ok(format_source(source)? == source)
}

/// Blocks whose body is a sequence of lines that each start with a keyword or a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Top,
    Rule,
    Stage,
    Example,
    Grades,
    GwpSet,
    Table,
}

#[derive(Debug, Clone)]
enum Frame {
    /// A block: `head` is the first token of the current line-level statement.
    Block {
        kind: BlockKind,
        head: Option<Token>,
    },
    /// A bracket inside a statement; `fresh` when the next token starts an element.
    Bracket { vertical: bool, fresh: bool },
}

impl Frame {
    fn indents(&self) -> bool {
        match self {
            Frame::Block { kind, .. } => *kind != BlockKind::Top,
            Frame::Bracket { vertical, .. } => *vertical,
        }
    }
}

/// How one token is laid out.
#[derive(Debug, Clone, Copy, Default)]
struct TokenLayout {
    /// The token starts a line.
    newline: bool,
    /// The indent of that line.
    indent: usize,
    /// The indent of a continuation line, when a comment forces this token onto a new line.
    continuation: usize,
    /// The indent of a comment on its own line just before this token.
    comment_indent: usize,
    /// A space separates this token from the previous one on the same line.
    space: bool,
    /// The token closes a block or a vertical bracket (no blank line before it).
    closer: bool,
    /// The token opens a block or a vertical bracket (no blank line after it).
    opener: bool,
    /// Spaces added after `space`, to align the `=>` of a table's rows.
    pad: usize,
}

struct Layout {
    tokens: Vec<TokenLayout>,
}

use crate::parser::{starts_part, CLAUSE_KEYWORDS, ITEM_KEYWORDS};

fn is_opener(t: &Token) -> bool {
    matches!(t, Token::LParen | Token::LBracket | Token::LBrace)
}

fn is_closer(t: &Token) -> bool {
    matches!(t, Token::RParen | Token::RBracket | Token::RBrace)
}

/// A token after which a `-` is a binary minus.
fn ends_operand(t: &Token) -> bool {
    matches!(
        t,
        Token::Ident
            | Token::Number
            | Token::Percent
            | Token::Str
            | Token::RParen
            | Token::RBracket
            | Token::RBrace
            | Token::True
            | Token::False
    )
}

fn is_unit_atom(t: &Token) -> bool {
    matches!(t, Token::Ident | Token::Number)
}

/// The spans where `*` and `/` join units: types and unit definitions.
fn unit_spans(module: &Module) -> Vec<Span> {
    fn fn_types(f: &FnDecl, out: &mut Vec<Span>) {
        out.extend(f.params.iter().map(|p| p.ty.span));
        out.extend(f.ret.as_ref().map(|t| t.span));
    }
    fn table_types(t: &TableDecl, out: &mut Vec<Span>) {
        match &t.value {
            TableValueType::Single(ty) => out.push(ty.span),
            TableValueType::Record(fields, _) => out.extend(fields.iter().map(|f| f.ty.span)),
        }
    }
    let mut out = Vec::new();
    for item in &module.items {
        match item {
            Item::Dimension(d) => out.extend(d.definition.as_ref().map(|t| t.span)),
            Item::Unit(u) => {
                if let UnitDefinition::Derived(e) = &u.definition {
                    out.push(e.span);
                }
            }
            Item::Fn(f) => fn_types(f, &mut out),
            Item::Let(l) => out.extend(l.ty.as_ref().map(|t| t.span)),
            Item::Table(t) => table_types(t, &mut out),
            Item::Rule(r) => {
                for clause in &r.clauses {
                    match clause {
                        Clause::Input(i) => out.push(i.ty.span),
                        Clause::Factor(f) => out.push(f.ty.span),
                        Clause::Let(l) => out.extend(l.ty.as_ref().map(|t| t.span)),
                        Clause::Fn(f) => fn_types(f, &mut out),
                        Clause::Table(t) => table_types(t, &mut out),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Which tokens lie inside one of `spans`.
fn inside(tokens: &[Lexeme], spans: &[Span]) -> Vec<bool> {
    let mut marks = vec![false; tokens.len()];
    for span in spans {
        let first = tokens.partition_point(|t| t.start() < span.start as usize);
        for (i, t) in tokens.iter().enumerate().skip(first) {
            if t.end() > span.end as usize {
                break;
            }
            marks[i] = true;
        }
    }
    marks
}

/// The index of the last token of the unit atom at `j`, with its exponent
/// (`m`, `m^2`, `m^-1`, `m^(1/2)`).
fn atom_end(tokens: &[Lexeme], j: usize) -> usize {
    let kind = |i: usize| tokens.get(i).map(|t| t.token);
    if kind(j + 1) != Some(Token::Caret) {
        return j;
    }
    let e = j + 2;
    match kind(e) {
        Some(Token::Number) => e,
        Some(Token::Minus) if kind(e + 1) == Some(Token::Number) => e + 1,
        Some(Token::LParen) => {
            let close = (e + 1..e + 6).find(|i| kind(*i) == Some(Token::RParen));
            close.unwrap_or(j)
        }
        _ => j,
    }
}

/// The `*` and `/` between the unit atoms of quantities (`0.6 kgCO2e/kWh`,
/// `3 m^2/s`), written without spaces.
fn quantity_operators(tokens: &[Lexeme]) -> Vec<bool> {
    let mut marks = vec![false; tokens.len()];
    let kind = |i: usize| tokens.get(i).map(|t| t.token);
    let touching = |a: usize, b: usize| match (tokens.get(a), tokens.get(b)) {
        (Some(a), Some(b)) => a.end() == b.start(),
        _ => false,
    };
    for i in 0..tokens.len() {
        if kind(i) != Some(Token::Number) || kind(i + 1) != Some(Token::Ident) {
            continue;
        }
        let mut j = i + 1;
        loop {
            j = atom_end(tokens, j);
            let op = j + 1;
            let joins = matches!(kind(op), Some(Token::Star | Token::Slash))
                && kind(op + 1) == Some(Token::Ident)
                && touching(j, op)
                && touching(op, op + 1);
            if !joins {
                break;
            }
            marks[op] = true;
            j = op + 1;
        }
    }
    marks
}

impl Layout {
    fn compute(
        source: &str,
        tokens: &[Lexeme],
        comments: &[Comment],
        units: &[Span],
    ) -> Result<Layout, FormatError> {
        let unbalanced = |at: usize| {
            let (line, column) = LineIndex::new(source).line_col(source, at);
            FormatError {
                span: Span::new(at, at),
                line,
                column,
                message: "unbalanced brackets".to_string(),
            }
        };
        let comment_between = |a: usize, b: usize| {
            comments
                .iter()
                .any(|c| (c.span.start as usize) >= a && (c.span.start as usize) < b)
        };
        let token = |i: usize| tokens.get(i).map(|t| &t.token);

        // Unary minus and tight `*` `/`, by token.
        let in_units = inside(tokens, units);
        let in_quantity = quantity_operators(tokens);
        let mut unary = vec![false; tokens.len()];
        let mut tight = vec![false; tokens.len()];
        for (i, lexeme) in tokens.iter().enumerate() {
            let (l, t, r) = (lexeme.start(), &lexeme.token, lexeme.end());
            let prev = i.checked_sub(1).and_then(|p| tokens.get(p));
            let next = tokens.get(i + 1);
            if *t == Token::Minus {
                unary[i] = !prev.is_some_and(|p| ends_operand(&p.token));
            }
            if matches!(t, Token::Star | Token::Slash) {
                if let (Some(p), Some(n)) = (prev, next) {
                    // `^(1/2)`, `^(-1/2)`: a fractional exponent.
                    let before: Vec<Token> = tokens[i.saturating_sub(4)..i]
                        .iter()
                        .map(|t| t.token)
                        .collect();
                    let exponent = n.token == Token::Number
                        && tokens.get(i + 2).is_some_and(|c| c.token == Token::RParen)
                        && (before.ends_with(&[Token::Caret, Token::LParen, Token::Number])
                            || before.ends_with(&[
                                Token::Caret,
                                Token::LParen,
                                Token::Minus,
                                Token::Number,
                            ]));
                    tight[i] = (in_units[i] || in_quantity[i] || exponent)
                        && p.end() == l
                        && r == n.start()
                        && is_unit_atom(&p.token)
                        && is_unit_atom(&n.token);
                }
            }
        }

        // `fn share<D, E>(`: the brackets of dimension parameters are tight.
        for i in 0..tokens.len() {
            if token(i) == Some(&Token::Lt)
                && token(i + 1) == Some(&Token::Ident)
                && i.checked_sub(2).and_then(token) == Some(&Token::Fn)
            {
                tight[i] = true;
                let close = (i + 1..tokens.len())
                    .take_while(|&j| {
                        matches!(token(j), Some(Token::Ident | Token::Comma | Token::Gt))
                    })
                    .find(|&j| token(j) == Some(&Token::Gt));
                if let Some(j) = close {
                    tight[j] = true;
                }
            }
        }

        let mut stack: Vec<Frame> = vec![Frame::Block {
            kind: BlockKind::Top,
            head: None,
        }];
        // Index of the opener of each open frame (none for the top level).
        let mut openers: Vec<usize> = Vec::new();
        // (opener of the table block, first token of the row) for each row.
        let mut table_rows: Vec<(usize, usize)> = Vec::new();
        let mut out = Vec::with_capacity(tokens.len());
        for (i, lexeme) in tokens.iter().enumerate() {
            let (l, t) = (lexeme.start(), &lexeme.token);
            let depth: usize = stack.iter().filter(|f| f.indents()).count();
            let prev = i.checked_sub(1).and_then(|p| tokens.get(p));
            let mut lay = TokenLayout {
                continuation: depth + 1,
                comment_indent: depth + 1,
                ..TokenLayout::default()
            };

            if is_closer(t) {
                let Some(open) = openers.pop() else {
                    return Err(unbalanced(l));
                };
                let Some(frame) = stack.pop() else {
                    return Err(unbalanced(l));
                };
                if stack.is_empty() {
                    return Err(unbalanced(l));
                }
                let after: usize = stack.iter().filter(|f| f.indents()).count();
                let empty = open + 1 == i && !comment_between(tokens[open].end(), l);
                let breaks = match frame {
                    Frame::Block { .. } => !empty,
                    Frame::Bracket { vertical, .. } => vertical,
                };
                if breaks {
                    lay.newline = true;
                    lay.closer = true;
                    lay.indent = after;
                    lay.comment_indent = depth;
                } else {
                    lay.space = *t == Token::RBrace && !empty;
                }
                lay.continuation = after + 1;
                out.push(lay);
                continue;
            }

            // Does this token start a line in the current frame?
            let next = token(i + 1);
            match stack.last_mut() {
                Some(Frame::Block { kind, head }) => {
                    let starts = match kind {
                        BlockKind::Top => starts_part(tokens, i, ITEM_KEYWORDS),
                        BlockKind::Rule => starts_part(tokens, i, CLAUSE_KEYWORDS),
                        BlockKind::Stage => *t == Token::Emission,
                        BlockKind::Example => matches!(t, Token::Given | Token::Expect),
                        BlockKind::Grades => {
                            matches!(t, Token::Ident)
                                && matches!(next, Some(Token::Le | Token::Otherwise))
                        }
                        BlockKind::GwpSet => {
                            matches!(t, Token::Ident) && next == Some(&Token::Assign)
                        }
                        BlockKind::Table => {
                            matches!(t, Token::Ident) && next == Some(&Token::FatArrow)
                        }
                    };
                    // After `.`, a keyword is a module path segment (`import general.allocation`).
                    let after_dot = prev.is_some_and(|p| p.token == Token::Dot);
                    if (starts && !after_dot) || i == 0 {
                        lay.newline = true;
                        lay.indent = depth;
                        lay.comment_indent = depth;
                        *head = Some(*t);
                        if *kind == BlockKind::Table {
                            if let Some(block) = openers.last() {
                                table_rows.push((*block, i));
                            }
                        }
                    }
                }
                Some(Frame::Bracket { vertical, fresh }) => {
                    if *vertical && *fresh {
                        lay.newline = true;
                        lay.indent = depth;
                        lay.comment_indent = depth;
                    }
                    *fresh = false;
                    if *t == Token::Comma {
                        *fresh = true;
                    }
                }
                None => return Err(unbalanced(l)),
            }

            if !lay.newline {
                lay.space = match prev {
                    None => false,
                    Some(prev) => {
                        let p = &prev.token;
                        let p_index = i - 1;
                        let glued_after = matches!(
                            p,
                            Token::LParen | Token::LBracket | Token::Dot | Token::Caret
                        ) || unary[p_index]
                            || tight[p_index];
                        let glued_before = tight[i]
                            || matches!(
                                t,
                                Token::RParen
                                    | Token::RBracket
                                    | Token::Comma
                                    | Token::Colon
                                    | Token::Dot
                                    | Token::Caret
                            );
                        let call = *t == Token::LParen && matches!(p, Token::Ident | Token::Sum);
                        // `blend[r]`: a table's row, read like a call.
                        let index = *t == Token::LBracket
                            && matches!(p, Token::Ident | Token::RBracket | Token::RParen);
                        !(glued_after || glued_before || call || index)
                    }
                };
            }

            if is_opener(t) {
                let block = match stack.last() {
                    Some(Frame::Block { head, .. }) if *t == Token::LBrace => match head {
                        Some(Token::Rule) => Some(BlockKind::Rule),
                        Some(Token::Stage) => Some(BlockKind::Stage),
                        Some(Token::Example) => Some(BlockKind::Example),
                        Some(Token::Grades) => Some(BlockKind::Grades),
                        Some(Token::GwpSet) => Some(BlockKind::GwpSet),
                        // The rows of a table written one per line; not the
                        // record type right after `->`.
                        Some(Token::Table)
                            if prev.is_some_and(|p| p.token != Token::Arrow)
                                && tokens.get(i + 1).is_some_and(|n| {
                                    source
                                        .get(lexeme.end()..n.start())
                                        .is_some_and(|gap| gap.contains('\n'))
                                }) =>
                        {
                            Some(BlockKind::Table)
                        }
                        _ => None,
                    },
                    _ => None,
                };
                let next_tok = tokens.get(i + 1);
                let next_closes = next_tok.is_some_and(|n| is_closer(&n.token));
                match block {
                    Some(kind) => {
                        lay.opener = !next_closes;
                        stack.push(Frame::Block { kind, head: None });
                    }
                    None => {
                        let vertical = !next_closes
                            && next_tok.is_some_and(|n| {
                                source
                                    .get(lexeme.end()..n.start())
                                    .is_some_and(|gap| gap.contains('\n'))
                            });
                        lay.opener = vertical;
                        stack.push(Frame::Bracket {
                            vertical,
                            fresh: true,
                        });
                    }
                }
                openers.push(i);
            }
            out.push(lay);
        }
        if !openers.is_empty() {
            return Err(unbalanced(source.len()));
        }
        align_table_rows(source, tokens, &table_rows, &mut out);
        Ok(Layout { tokens: out })
    }
}

/// Pads the `=>` of each table block's rows so that they line up: the
/// variant names are padded to the longest of their block.
fn align_table_rows(
    source: &str,
    tokens: &[Lexeme],
    rows: &[(usize, usize)],
    out: &mut [TokenLayout],
) {
    let width = |i: usize| {
        tokens
            .get(i)
            .and_then(|t| source.get(t.start()..t.end()))
            .map_or(0, |w| w.chars().count())
    };
    let mut start = 0;
    while start < rows.len() {
        let block = rows[start].0;
        let end = rows[start..]
            .iter()
            .position(|r| r.0 != block)
            .map_or(rows.len(), |n| start + n);
        let group = &rows[start..end];
        let widest = group.iter().map(|r| width(r.1)).max().unwrap_or(0);
        for &(_, row) in group {
            if let Some(arrow) = out.get_mut(row + 1) {
                if !arrow.newline {
                    arrow.pad = widest - width(row);
                }
            }
        }
        start = end;
    }
}

/// A string literal as source text, escapes restored.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// A token as printed: strings re-quoted, names and numbers as written,
/// keywords and punctuation in their one spelling (`·` becomes `*`).
fn token_text(token: &Token, written: &str) -> String {
    match token {
        Token::Str | Token::UnterminatedStr => quote(&string_value(written)),
        Token::Ident | Token::Number | Token::Percent => written.to_string(),
        other => other.text().to_string(),
    }
}

struct Printer<'a> {
    source: &'a str,
    tokens: &'a [Lexeme],
    comments: &'a [Comment],
    layout: &'a Layout,
    out: String,
    /// Source offset where the last printed token or comment ended.
    last_end: usize,
    /// A token has been printed and nothing but a trailing comment followed it on its line.
    after_token: bool,
    /// The current line ended a block or vertical-bracket opener.
    after_open: bool,
    /// The next token must start a new line (a comment ended the current one).
    need_newline: bool,
}

impl<'a> Printer<'a> {
    fn new(
        source: &'a str,
        tokens: &'a [Lexeme],
        comments: &'a [Comment],
        layout: &'a Layout,
    ) -> Self {
        Printer {
            source,
            tokens,
            comments,
            layout,
            out: String::with_capacity(source.len() + source.len() / 8),
            last_end: 0,
            after_token: false,
            after_open: false,
            need_newline: false,
        }
    }

    fn blank_in_source(&self, until: usize) -> bool {
        self.source
            .get(self.last_end..until)
            .is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    fn break_line(&mut self, indent: usize, next_start: usize, blank_ok: bool) {
        if self.out.is_empty() {
            return;
        }
        let keep = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(keep);
        self.out.push('\n');
        if blank_ok && !self.after_open && self.blank_in_source(next_start) {
            self.out.push('\n');
        }
        for _ in 0..indent {
            self.out.push_str("    ");
        }
    }

    fn comment(&mut self, comment: &Comment, next_token: usize) {
        let start = comment.span.start as usize;
        let end = comment.span.end as usize;
        let text = self.source.get(start..end).unwrap_or("//").trim_end();
        let trailing = self.after_token
            && self
                .source
                .get(self.last_end..start)
                .is_some_and(|gap| !gap.contains('\n'));
        if trailing {
            let keep = self.out.trim_end_matches([' ', '\t']).len();
            self.out.truncate(keep);
            self.out.push_str("  ");
        } else {
            let indent = self
                .layout
                .tokens
                .get(next_token)
                .map(|l| l.comment_indent)
                .unwrap_or(0);
            self.break_line(indent, start, true);
            self.after_open = false;
        }
        self.out.push_str(text);
        self.after_token = false;
        self.need_newline = true;
        self.last_end = end;
    }

    fn token(&mut self, i: usize) {
        let lexeme = self.tokens[i];
        let (start, token, end) = (lexeme.start(), &lexeme.token, lexeme.end());
        let lay = self.layout.tokens[i];
        if lay.newline {
            self.break_line(lay.indent, start, !lay.closer);
        } else if self.need_newline {
            self.break_line(lay.continuation, start, true);
        } else if lay.space {
            self.out.push(' ');
            for _ in 0..lay.pad {
                self.out.push(' ');
            }
        }
        let written = self.source.get(start..end).unwrap_or("");
        self.out.push_str(&token_text(token, written));
        self.after_open = lay.opener;
        self.after_token = true;
        self.need_newline = false;
        self.last_end = end;
    }

    fn print(mut self) -> String {
        let mut c = 0;
        for i in 0..self.tokens.len() {
            let start = self.tokens[i].start();
            while c < self.comments.len() && (self.comments[c].span.start as usize) < start {
                self.comment(&self.comments[c], i);
                c += 1;
            }
            self.token(i);
        }
        while c < self.comments.len() {
            self.comment(&self.comments[c], self.tokens.len());
            c += 1;
        }
        let keep = self.out.trim_end().len();
        self.out.truncate(keep);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(source: &str) -> String {
        match format_source(source) {
            Ok(out) => out,
            Err(e) => panic!("{e}\n{source}"),
        }
    }

    fn assert_formats(source: &str, expected: &str) {
        let out = fmt(source);
        assert_eq!(
            out, expected,
            "\n--- got ---\n{out}\n--- expected ---\n{expected}"
        );
        assert_eq!(fmt(&out), out, "not idempotent");
    }

    #[test]
    fn a_messy_rule_is_laid_out() {
        let source = "rule r{title \"t\" en \"T\" version \"1\"\n\n\n  declared_unit 1 t boundary cradle_to_gate gwp ar6 cutoff item 1% total 5%\ninput output:t   input e : MWh=3MWh\nfactor grid:kgCO2e/kWh=db \"CN.grid\"\nstage production{emission e=e*grid/output emission g=-1*gwp.CO2*(2 kgCO2/t) as biogenic_removal}\nexclude stage use \"n/a\" share 0%}";
        let expected = "\
rule r {
    title \"t\" en \"T\"
    version \"1\"

    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
    input e: MWh = 3 MWh
    factor grid: kgCO2e/kWh = db \"CN.grid\"
    stage production {
        emission e = e * grid / output
        emission g = -1 * gwp.CO2 * (2 kgCO2/t) as biogenic_removal
    }
    exclude stage use \"n/a\" share 0%
}
";
        assert_formats(source, expected);
    }

    #[test]
    fn dimension_parameters_are_tight() {
        assert_formats(
            "fn split < D , E > ( a : D, b: E ) -> ratio = a / a + (b < b)\n",
            "fn split<D, E>(a: D, b: E) -> ratio = a / a + (b < b)\n",
        );
    }

    #[test]
    fn a_filtered_sum_is_spaced_like_an_if() {
        assert_formats(
            "let m = sum(p in parts   if  not p.recycled:p.mass*p.ef)\n",
            "let m = sum(p in parts if not p.recycled: p.mass * p.ef)\n",
        );
    }

    #[test]
    fn spaced_operators_get_single_spaces() {
        assert_formats(
            "let  x = ( a+b ) * c /d - -3 ^ 2\n",
            "let x = (a + b) * c / d - -3^2\n",
        );
        assert_formats(
            "fn f( a : t,b:kg ) -> ratio=if a>=b and not a==b then 1 else m^-2\n",
            "fn f(a: t, b: kg) -> ratio = if a >= b and not a == b then 1 else m^-2\n",
        );
    }

    #[test]
    fn value_operators_are_spaced_and_units_stay_tight() {
        assert_formats(
            "unit N = kg*m/s^2\nrule r {\n    input x: kgCO2e/kWh = 0.6 kgCO2e/kWh\n    let y = starch*starch_ef/output\n    let z = e*3 m^2/s^(1/2) - -x^2\n}\n",
            "unit N = kg*m/s^2\nrule r {\n    input x: kgCO2e/kWh = 0.6 kgCO2e/kWh\n    let y = starch * starch_ef / output\n    let z = e * 3 m^2/s^(1/2) - -x^2\n}\n",
        );
    }

    #[test]
    fn comments_stay_where_they_were() {
        let source = "//! Module.\n\n\n/// Doc.\nrule r {   // trailing\n\n    // own line\n  version \"1\" // after\n    input a: t =   // mid\n 3 t\n\n  // before close\n}\n// end";
        let expected = "\
//! Module.

/// Doc.
rule r {  // trailing
    // own line
    version \"1\"  // after
    input a: t =  // mid
        3 t

    // before close
}
// end
";
        assert_formats(source, expected);
    }

    #[test]
    fn brackets_opened_at_a_line_end_are_vertical() {
        let source = "rule r { example \"e\" {\n given m = [\n{name: \"a\\\"b\", mass: 1 t},\n   {name:\"c\",mass:2 t}]\n given k = [1,2 ,3]\n expect footprint == 1 kgCO2e within 1%\n expect grade == A } }";
        let expected = "\
rule r {
    example \"e\" {
        given m = [
            { name: \"a\\\"b\", mass: 1 t },
            { name: \"c\", mass: 2 t }
        ]
        given k = [1, 2, 3]
        expect footprint == 1 kgCO2e within 1%
        expect grade == A
    }
}
";
        assert_formats(source, expected);
    }

    #[test]
    fn grades_gwp_sets_enums_and_matches() {
        let source = "enum E {a \"甲\",b}\ngwp_set s \"src\" { CO2 = 1 kgCO2e/kgCO2 CH4 = 27 kgCO2e/kgCH4 source \"x\" }\nrule r { let v = match e {a=>1, b=>2} grades { A <= 1 tCO2e B otherwise } }\n";
        let expected = "\
enum E { a \"甲\", b }
gwp_set s \"src\" {
    CO2 = 1 kgCO2e/kgCO2
    CH4 = 27 kgCO2e/kgCH4 source \"x\"
}
rule r {
    let v = match e { a => 1, b => 2 }
    grades {
        A <= 1 tCO2e
        B otherwise
    }
}
";
        assert_formats(source, expected);
    }

    #[test]
    fn keywords_in_module_paths_do_not_start_lines() {
        assert_formats(
            "import general . allocation import general.unit\nimport a.rule rule r {}",
            "import general.allocation\nimport general.unit\nimport a.rule\nrule r {}\n",
        );
    }

    #[test]
    fn empty_blocks_and_files() {
        assert_formats("rule r {   }", "rule r {}\n");
        assert_formats("", "");
        assert_formats("\n\n// only a comment\n\n", "// only a comment\n");
    }

    #[test]
    fn broken_files_are_refused_with_the_first_problem() {
        let Err(error) = format_source("rule r {\n    input a: = 3\n}\n") else {
            panic!("formatted a broken file")
        };
        assert_eq!((error.line, error.column), (2, 14));
        assert!(error.to_string().contains("unexpected `=`"), "{error}");
        assert!(format_source("unit x = $").is_err());
        assert!(format_source("rule r { title \"open }").is_err());
    }

    #[test]
    fn check_formatted_says_whether_a_file_is_canonical() {
        assert_eq!(check_formatted("import a.b\n"), Ok(true));
        assert_eq!(check_formatted("import a . b"), Ok(false));
        assert!(check_formatted("import").is_err());
    }
}
