//! The lexer: source text to tokens, comments kept aside for docs and formatting.

use crate::span::Span;
use logos::Logos;
use std::fmt;

/// A token of PCR source. Comments are not tokens: the lexer keeps them in
/// [`Lexed::comments`] so that documentation and formatting can use them.
///
/// Tokens carry no text: a name, number or string is the source between the
/// token's offsets ([`written`], [`string_value`]). Lexing allocates nothing
/// per token, and the parser copies tokens for free.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\f\u{FEFF}]+")]
pub enum Token {
    // Keywords (`docs/src/lexical-structure.md`).
    #[token("import")]
    Import,
    #[token("rule")]
    Rule,
    #[token("title")]
    Title,
    #[token("version")]
    Version,
    #[token("standard")]
    Standard,
    #[token("declared_unit")]
    DeclaredUnit,
    #[token("boundary")]
    Boundary,
    #[token("gwp")]
    Gwp,
    #[token("cutoff")]
    Cutoff,
    #[token("allocation")]
    Allocation,
    #[token("input")]
    Input,
    #[token("factor")]
    Factor,
    #[token("db")]
    Db,
    #[token("let")]
    Let,
    #[token("fn")]
    Fn,
    #[token("stage")]
    Stage,
    #[token("emission")]
    Emission,
    #[token("as")]
    As,
    #[token("exclude")]
    Exclude,
    #[token("grades")]
    Grades,
    #[token("otherwise")]
    Otherwise,
    #[token("example")]
    Example,
    #[token("given")]
    Given,
    #[token("expect")]
    Expect,
    #[token("list")]
    List,
    #[token("enum")]
    Enum,
    #[token("if")]
    If,
    #[token("then")]
    Then,
    #[token("else")]
    Else,
    #[token("match")]
    Match,
    #[token("sum")]
    Sum,
    #[token("in")]
    In,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("dimension")]
    Dimension,
    #[token("unit")]
    Unit,
    #[token("gwp_set")]
    GwpSet,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("result")]
    Result,
    #[token("table")]
    Table,

    // Contextual words: keywords where they follow a clause keyword, names elsewhere.
    #[token("item")]
    Item,
    #[token("total")]
    Total,
    #[token("share")]
    Share,
    #[token("source")]
    Source,
    #[token("within")]
    Within,
    #[token("en")]
    En,
    #[token("category")]
    Category,
    #[token("separate")]
    Separate,

    #[regex(r"[\p{XID_Start}_][\p{XID_Continue}]*", priority = 1)]
    Ident,
    /// A number as written (`1_000`, `2.5e6`), kept exact for the compiler.
    #[regex(r"[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9]+)?")]
    Number,
    /// A number that ends its line, followed by a name on a later line:
    /// never lexed, the parser feeds a [`Token::Number`] so (§11, "line
    /// breaks end quantity literals"), so that the name is never its unit.
    NumberAtLineEnd,
    /// A number directly followed by `%` (`5%` is 0.05); the text written includes the `%`.
    #[regex(r"[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9]+)?%")]
    Percent,
    /// A string literal; [`string_value`] resolves its escapes.
    #[regex(r#""([^"\\\n]|\\.)*""#)]
    Str,
    /// A string with no closing quote on its line; reported, then treated as a string.
    #[regex(r#""([^"\\\n]|\\.)*"#, priority = 0)]
    UnterminatedStr,

    #[regex(r"//[^\n]*", allow_greedy = true)]
    Comment,

    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    #[token("·")]
    Star,
    #[token("/")]
    Slash,
    #[token("^")]
    Caret,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("=")]
    Assign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("->")]
    Arrow,
    #[token("=>")]
    FatArrow,
}

/// A token and where it is written: bytes `start..end` of the source.
///
/// The offsets are `u32`, like [`Span`]'s ([`lex`] refuses longer sources),
/// so a token takes 12 bytes: a long file has a million tokens, and the
/// lexer, the cut search and the parser each stream through all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexeme {
    pub token: Token,
    start: u32,
    end: u32,
}

impl Lexeme {
    /// A token at `start..end`, offsets that [`lex`] has checked fit in `u32`.
    fn new(start: usize, token: Token, end: usize) -> Lexeme {
        Lexeme {
            token,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The byte offset where the token starts.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// The byte offset just after the token.
    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn span(self) -> Span {
        Span {
            start: self.start,
            end: self.end,
        }
    }

    /// The `(start, token, end)` triple the generated parser reads.
    pub fn triple(self) -> (usize, Token, usize) {
        (self.start(), self.token, self.end())
    }
}

/// The text of a token as written in `source`.
pub fn written<'s>(source: &'s str, token: &Lexeme) -> &'s str {
    source.get(token.start()..token.end()).unwrap_or("")
}

/// The value of a string token written as `raw` (quotes included): escapes
/// resolved, the closing quote removed (an unterminated string has none).
pub fn string_value(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = match inner.strip_suffix('"') {
        // The last quote closes the string unless a backslash escapes it.
        Some(body) if body.chars().rev().take_while(|c| *c == '\\').count() % 2 == 0 => body,
        _ => inner,
    };
    unescape(inner)
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Token {
    /// The token for messages (`name \`x\``, `` `+` ``), given its text as written.
    pub fn describe(&self, written: &str) -> String {
        match self {
            Token::Ident => format!("name `{written}`"),
            Token::Number | Token::NumberAtLineEnd => format!("number `{written}`"),
            Token::Percent => format!("percentage `{written}`"),
            Token::Str | Token::UnterminatedStr => "a string".to_string(),
            Token::Comment => "a comment".to_string(),
            other => format!("`{}`", other.text()),
        }
    }

    /// The fixed text of a keyword or punctuation token; empty for names,
    /// numbers and strings, whose text is in the source ([`written`]).
    pub fn text(&self) -> &'static str {
        match self {
            Token::Import => "import",
            Token::Rule => "rule",
            Token::Title => "title",
            Token::Version => "version",
            Token::Standard => "standard",
            Token::DeclaredUnit => "declared_unit",
            Token::Boundary => "boundary",
            Token::Gwp => "gwp",
            Token::Cutoff => "cutoff",
            Token::Allocation => "allocation",
            Token::Input => "input",
            Token::Factor => "factor",
            Token::Db => "db",
            Token::Let => "let",
            Token::Fn => "fn",
            Token::Stage => "stage",
            Token::Emission => "emission",
            Token::As => "as",
            Token::Exclude => "exclude",
            Token::Grades => "grades",
            Token::Otherwise => "otherwise",
            Token::Example => "example",
            Token::Given => "given",
            Token::Expect => "expect",
            Token::List => "list",
            Token::Enum => "enum",
            Token::If => "if",
            Token::Then => "then",
            Token::Else => "else",
            Token::Match => "match",
            Token::Sum => "sum",
            Token::In => "in",
            Token::And => "and",
            Token::Or => "or",
            Token::Not => "not",
            Token::Dimension => "dimension",
            Token::Unit => "unit",
            Token::GwpSet => "gwp_set",
            Token::True => "true",
            Token::False => "false",
            Token::Result => "result",
            Token::Table => "table",
            Token::Item => "item",
            Token::Total => "total",
            Token::Share => "share",
            Token::Source => "source",
            Token::Within => "within",
            Token::En => "en",
            Token::Category => "category",
            Token::Separate => "separate",
            Token::Ident
            | Token::Number
            | Token::NumberAtLineEnd
            | Token::Percent
            | Token::Str
            | Token::UnterminatedStr => "",
            Token::Comment => "//",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Caret => "^",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Comma => ",",
            Token::Colon => ":",
            Token::Dot => ".",
            Token::Assign => "=",
            Token::EqEq => "==",
            Token::NotEq => "!=",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::Gt => ">",
            Token::Ge => ">=",
            Token::Arrow => "->",
            Token::FatArrow => "=>",
        }
    }

    /// Whether this token is a keyword (reserved or contextual): its fixed
    /// text is a word.
    pub fn is_keyword(&self) -> bool {
        self.text().starts_with(|c: char| c.is_ascii_alphabetic())
    }
}

/// Every keyword, reserved or contextual: the one list the formatter, the
/// language server (completion, rename, highlighting) and the fuzz dictionary
/// take theirs from (tests keep it equal to the tokens, the book and the
/// dictionary).
pub const KEYWORDS: &[&str] = &[
    "import",
    "rule",
    "title",
    "version",
    "standard",
    "declared_unit",
    "boundary",
    "gwp",
    "cutoff",
    "item",
    "total",
    "allocation",
    "input",
    "factor",
    "db",
    "source",
    "let",
    "fn",
    "stage",
    "emission",
    "as",
    "exclude",
    "share",
    "grades",
    "otherwise",
    "example",
    "given",
    "expect",
    "within",
    "list",
    "enum",
    "if",
    "then",
    "else",
    "match",
    "sum",
    "in",
    "and",
    "or",
    "not",
    "dimension",
    "unit",
    "gwp_set",
    "true",
    "false",
    "result",
    "table",
    "en",
    "category",
    "separate",
];

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(self.text()))
    }
}

/// What kind of comment: `//`, `///` (documents the next declaration) or `//!` (documents the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentKind {
    Line,
    Doc,
    ModuleDoc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub kind: CommentKind,
    pub span: Span,
    /// The text after `//`, `///` or `//!`, with one leading space removed.
    pub text: String,
}

/// A lexical error: a character that starts no token, or a string left open.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub span: Span,
    pub message: String,
    pub label: String,
}

/// The lexer's output.
#[derive(Debug, Clone, Default)]
pub struct Lexed {
    pub tokens: Vec<Lexeme>,
    pub comments: Vec<Comment>,
    pub errors: Vec<LexError>,
}

/// Sources at least this long are lexed in two halves on two threads.
const PARALLEL_LEX_BYTES: usize = 1 << 20;

/// Lex a whole source text. Never fails: problems are in [`Lexed::errors`].
/// A source of 4 GiB or more gives that one error and no tokens, since
/// offsets are `u32`.
///
/// No token, string or comment spans a line break, so a long source is cut
/// at the line start nearest its middle and its halves are lexed at once.
pub fn lex(source: &str) -> Lexed {
    if let Some(error) = too_long(source.len()) {
        return Lexed {
            errors: vec![error],
            ..Lexed::default()
        };
    }
    if source.len() >= PARALLEL_LEX_BYTES {
        if let Some(cut) = line_start_after(source, source.len() / 2) {
            if let Some(lexed) = lex_halves(source, cut) {
                return lexed;
            }
        }
    }
    lex_range(source, 0, source.len(), 0)
}

/// The error for a source of `len` bytes if its offsets do not fit in `u32`.
fn too_long(len: usize) -> Option<LexError> {
    u32::try_from(len).is_err().then(|| LexError {
        span: Span::default(),
        message: format!("this file is too long: {len} bytes, and pcr reads files under 4 GiB"),
        label: "the file starts here".to_string(),
    })
}

/// The start of the first line after byte `from`.
fn line_start_after(source: &str, from: usize) -> Option<usize> {
    let newline = source
        .as_bytes()
        .get(from..)?
        .iter()
        .position(|b| *b == b'\n')?;
    Some(from + newline + 1).filter(|cut| *cut < source.len())
}

/// Lex `..cut` and `cut..` on two threads and join the results.
fn lex_halves(source: &str, cut: usize) -> Option<Lexed> {
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| lex_range(source, cut, source.len(), 0));
        // The first half's vectors get room for both, so joining copies one half.
        (lex_range(source, 0, cut, source.len()), second.join())
    });
    let second = second.ok()?;
    let mut out = first;
    out.tokens.extend(second.tokens);
    out.comments.extend(second.comments);
    out.errors.extend(second.errors);
    Some(out)
}

/// Lex `source[start..end]` (`start` at a line start), with offsets into
/// `source`, making room for the tokens of `room` bytes if that is more.
fn lex_range(source: &str, start: usize, end: usize, room: usize) -> Lexed {
    let text = source.get(start..end).unwrap_or("");
    let mut out = Lexed {
        // Rules have about one token per 4.5 bytes: one allocation, not twenty.
        tokens: Vec::with_capacity(text.len().max(room) / 4 + 16),
        ..Lexed::default()
    };
    let mut lexer = Token::lexer(text);
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let range = range.start + start..range.end + start;
        let span = Span::new(range.start, range.end);
        match result {
            Ok(Token::Comment) => {
                let raw = lexer.slice();
                let (kind, rest) = if let Some(rest) = raw.strip_prefix("///") {
                    if rest.starts_with('/') {
                        (CommentKind::Line, &raw[2..])
                    } else {
                        (CommentKind::Doc, rest)
                    }
                } else if let Some(rest) = raw.strip_prefix("//!") {
                    (CommentKind::ModuleDoc, rest)
                } else {
                    (CommentKind::Line, &raw[2..])
                };
                let text = rest
                    .strip_prefix(' ')
                    .unwrap_or(rest)
                    .trim_end()
                    .to_string();
                out.comments.push(Comment { kind, span, text });
            }
            Ok(Token::UnterminatedStr) => {
                out.errors.push(LexError {
                    span,
                    message: "unterminated string".to_string(),
                    label: "this string has no closing `\"` on its line".to_string(),
                });
                out.tokens
                    .push(Lexeme::new(range.start, Token::Str, range.end));
            }
            Ok(token) => out.tokens.push(Lexeme::new(range.start, token, range.end)),
            Err(()) => {
                let text = lexer.slice();
                let shown: String = text.chars().take(1).collect();
                let message = if shown.chars().all(|c| c.is_control()) {
                    format!(
                        "unexpected character U+{:04X}",
                        shown.chars().next().map(|c| c as u32).unwrap_or(0)
                    )
                } else {
                    format!("unexpected character `{shown}`")
                };
                let label = if text == "%" {
                    percent_hint(source, out.tokens.last(), range.start)
                } else {
                    "no token starts with this character".to_string()
                };
                out.errors.push(LexError {
                    span,
                    message,
                    label,
                });
            }
        }
    }
    out
}

/// What to write instead of a `%` that does not follow a number directly,
/// `previous` being the token before it.
fn percent_hint(source: &str, previous: Option<&Lexeme>, at: usize) -> String {
    match previous.map(|p| p.token) {
        Some(Token::Colon | Token::Arrow) => {
            "a share is not a unit: declare it with the type `ratio` (`input x: ratio`) and write its values as `5%` or `0.05`".to_string()
        }
        Some(Token::Number) => {
            let number = previous.map_or("", |p| written(source, p));
            let spaced = previous.is_some_and(|p| p.end() < at);
            if spaced {
                format!("write a percentage with no space before `%`: `{number}%`")
            } else {
                "`%` follows the digits of a number, as in `5%`".to_string()
            }
        }
        _ => "`%` only follows the digits of a number, as in `5%`; a share is declared with the type `ratio`".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Token> {
        lex(src).tokens.into_iter().map(|t| t.token).collect()
    }

    fn texts(src: &str) -> Vec<&str> {
        lex(src).tokens.iter().map(|t| written(src, t)).collect()
    }

    #[test]
    fn the_keyword_list_is_every_keyword_token() {
        // Each entry lexes to one keyword token of that spelling ...
        for word in KEYWORDS {
            let tokens = kinds(word);
            assert_eq!(tokens.len(), 1, "{word}");
            assert!(tokens[0].is_keyword(), "{word}");
            assert_eq!(tokens[0].text(), *word);
        }
        // ... and every word token of the source of this lexer is listed.
        let source = include_str!("lexer.rs");
        let declared = source
            .lines()
            .filter_map(|l| l.trim().strip_prefix("#[token(\""))
            .filter_map(|l| l.split_once('"').map(|(word, _)| word))
            .filter(|word| word.starts_with(|c: char| c.is_ascii_alphabetic()))
            .count();
        assert_eq!(declared, KEYWORDS.len());
    }

    #[test]
    fn numbers_percent_and_quantities() {
        let src = "1_000 0.6205 2.5e6 5% 450 MWh";
        assert_eq!(
            kinds(src),
            vec![
                Token::Number,
                Token::Number,
                Token::Number,
                Token::Percent,
                Token::Number,
                Token::Ident,
            ]
        );
        assert_eq!(texts(src), ["1_000", "0.6205", "2.5e6", "5%", "450", "MWh"]);
    }

    #[test]
    fn unicode_identifiers_and_keywords() {
        assert_eq!(
            kinds("input 电力: kWh"),
            vec![Token::Input, Token::Ident, Token::Colon, Token::Ident]
        );
        assert_eq!(texts("input 电力: kWh"), ["input", "电力", ":", "kWh"]);
        assert_eq!(kinds("gwp gwp_set"), vec![Token::Gwp, Token::GwpSet]);
    }

    #[test]
    fn strings_with_escapes() {
        let src = r#""a\"b\\c\n""#;
        assert_eq!(kinds(src), vec![Token::Str]);
        assert_eq!(string_value(texts(src)[0]), "a\"b\\c\n");
        // Unterminated strings keep everything after the opening quote.
        assert_eq!(string_value(r#""open"#), "open");
        assert_eq!(string_value(r#""ends in \""#), "ends in \"");
        assert_eq!(string_value(r#""back\\""#), "back\\");
    }

    #[test]
    fn lexing_in_halves_cut_at_any_line_equals_lexing_whole() {
        let src = "//! doc\nrule r { /// a\n  input x: kg = 1_000 kg // c\n  title \"标题\" en \"t\\\"x\"\n $ \"open\n let y = x * 5% }\n";
        let whole = lex_range(src, 0, src.len(), 0);
        for (i, _) in src.match_indices('\n') {
            let Some(halves) = lex_halves(src, i + 1) else {
                panic!("a lexing thread failed");
            };
            assert_eq!(halves.tokens, whole.tokens, "cut at {}", i + 1);
            assert_eq!(halves.comments, whole.comments);
            assert_eq!(halves.errors, whole.errors);
        }
    }

    #[test]
    fn offsets_fit_in_u32_or_the_source_is_refused() {
        assert_eq!(std::mem::size_of::<Lexeme>(), 12);
        assert_eq!(too_long(u32::MAX as usize), None);
        let error = too_long(u32::MAX as usize + 1);
        assert!(error.is_some_and(|e| e.message.contains("too long")));
    }

    #[test]
    fn comments_are_kept_aside() {
        let lexed = lex("//! file\n/// doc\n// plain\nrule");
        let kinds: Vec<_> = lexed.comments.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![CommentKind::ModuleDoc, CommentKind::Doc, CommentKind::Line]
        );
        assert_eq!(lexed.comments[1].text, "doc");
        assert_eq!(lexed.tokens.len(), 1);
    }

    #[test]
    fn bad_characters_and_open_strings_are_errors_not_panics() {
        let lexed = lex("a $ \"open\nb");
        assert_eq!(lexed.errors.len(), 2);
        assert!(lexed.errors[0].message.contains('$'));
        assert_eq!(lexed.errors[1].message, "unterminated string");
        assert_eq!(lexed.tokens.len(), 3);
    }
}
