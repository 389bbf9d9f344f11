//! Parsing a long file on two threads. The tokens are cut at a declaration
//! boundary near the middle or, inside a long rule, at a clause boundary, and
//! the two halves are parsed at once. The grammar is LR(1), so when both
//! halves parse, the tree is the one a single parse gives; when either fails,
//! the caller parses the whole file again and recovers from its errors.

use crate::ast::{Clause, Item, Name, Rule};
use crate::lexer::{written, Lexeme, Token};
use crate::parser::{fed, grammar, starts_part, Docs, CLAUSE_KEYWORDS, ITEM_KEYWORDS};
use crate::span::Span;

/// Files with fewer tokens are parsed on one thread (about 8,000 lines).
const PARALLEL_PARSE_TOKENS: usize = 100_000;

/// Where the tokens are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// Between two declarations: the second starts at this token.
    Between(usize),
    /// Inside the rule whose `rule` keyword is token `rule` and whose closing
    /// `}` is token `close`, before the clause starting at token `clause`.
    InRule {
        rule: usize,
        clause: usize,
        close: usize,
    },
}

/// The items of a long file, parsed on two threads; `None` for a short file,
/// a syntax error in either half, or a file with nowhere to cut.
pub(crate) fn parse_module(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Option<Vec<Item>> {
    if tokens.len() < PARALLEL_PARSE_TOKENS {
        return None;
    }
    parse_at(docs, source, tokens, find_cut(tokens)?)
}

fn items(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Option<Vec<Item>> {
    grammar::ModuleParser::new()
        .parse(docs, source, fed(source, tokens))
        .ok()
}

fn clauses(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Option<Vec<Clause>> {
    grammar::ClausesParser::new()
        .parse(docs, source, fed(source, tokens))
        .ok()
}

fn parse_at(docs: &Docs, source: &str, tokens: &[Lexeme], cut: Cut) -> Option<Vec<Item>> {
    match cut {
        Cut::Between(at) => {
            let (before, after) = tokens.split_at(at);
            let (first, second) = both(
                || items(docs, source, before),
                || items(docs, source, after),
            )?;
            let mut all = first?;
            all.extend(second?);
            Some(all)
        }
        Cut::InRule {
            rule,
            clause,
            close,
        } => {
            let (first, second) = both(
                || {
                    let before = items(docs, source, tokens.get(..rule)?)?;
                    let head = clauses(docs, source, tokens.get(rule + 3..clause)?)?;
                    Some((before, head))
                },
                || {
                    let tail = clauses(docs, source, tokens.get(clause..close)?)?;
                    let after = items(docs, source, tokens.get(close + 1..)?)?;
                    Some((tail, after))
                },
            )?;
            let ((mut all, mut body), (tail, after)) = (first?, second?);
            body.extend(tail);
            let start = tokens.get(rule)?.start();
            let name = tokens.get(rule + 1)?;
            let end = tokens.get(close)?.end();
            all.push(Item::Rule(Rule {
                name: Name {
                    text: written(source, name).to_string(),
                    span: name.span(),
                },
                clauses: body,
                doc: docs.at(start),
                span: Span::new(start, end),
            }));
            all.extend(after);
            Some(all)
        }
    }
}

/// Run `a` here and `b` on a second thread; `None` if that thread panicked.
fn both<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> Option<(A, B)> {
    std::thread::scope(|scope| {
        let second = scope.spawn(b);
        let first = a();
        second.join().ok().map(|second| (first, second))
    })
}

/// How a token changes the bracket depth.
fn depth_change(token: Token) -> isize {
    match token {
        Token::LBrace | Token::LParen | Token::LBracket => 1,
        Token::RBrace | Token::RParen | Token::RBracket => -1,
        _ => 0,
    }
}

/// Of a boundary at or before `middle` and one after it, the nearer (the
/// earlier when both are as near).
fn nearer(before: Option<usize>, after: Option<usize>, middle: usize) -> Option<usize> {
    match (before, after) {
        (Some(b), Some(a)) if a - middle < middle - b => Some(a),
        (Some(b), _) => Some(b),
        (None, a) => a,
    }
}

/// The declarations around the middle of the tokens, found in one pass.
#[derive(Debug)]
struct AroundMiddle {
    /// The last declaration starting at or before the middle, other than at token 0.
    before: Option<usize>,
    /// The first declaration starting after the middle.
    after: Option<usize>,
    /// The bracket depth just before the middle token.
    depth: usize,
}

/// The one pass over the whole file, kept lean: bracket depth, and the
/// declarations (depth 0) starting nearest `middle`; `None` if the brackets
/// do not balance.
fn around_middle(tokens: &[Lexeme], middle: usize) -> Option<AroundMiddle> {
    let mut item_starter = [false; 256];
    for t in ITEM_KEYWORDS {
        item_starter[*t as usize] = true;
    }
    let mut found = AroundMiddle {
        before: None,
        after: None,
        depth: 0,
    };
    let mut depth = 0isize;
    for (i, lexeme) in tokens.iter().enumerate() {
        if i == middle {
            found.depth = usize::try_from(depth).ok()?;
        }
        // After a bracket the depth is never 0 at a declaration keyword,
        // so adding first and testing after is the same as testing before.
        let token = lexeme.token;
        depth += depth_change(token);
        if depth < 0 {
            return None;
        }
        if depth == 0
            && item_starter[token as usize]
            && i > 0
            && starts_part(tokens, i, ITEM_KEYWORDS)
        {
            if i <= middle {
                found.before = Some(i);
            } else if found.after.is_none() {
                found.after = Some(i);
            }
        }
    }
    (depth == 0).then_some(found)
}

/// The clause start in `first..last` (a rule's body) nearest `middle`,
/// looking outward from it: a clause keyword at bracket depth 1, `depth`
/// being the depth just before token `middle`.
fn nearest_clause(
    tokens: &[Lexeme],
    middle: usize,
    depth: usize,
    first: usize,
    last: usize,
) -> Option<usize> {
    let starts_clause =
        |i: usize, depth: isize| depth == 1 && i < last && starts_part(tokens, i, CLAUSE_KEYWORDS);
    let mut before = None;
    let mut d = depth as isize;
    for i in (first..=middle).rev() {
        if starts_clause(i, d) {
            before = Some(i);
            break;
        }
        // The depth before token `i - 1`.
        d -= i
            .checked_sub(1)
            .and_then(|p| tokens.get(p))
            .map_or(0, |t| depth_change(t.token));
    }
    let mut after = None;
    let mut d = depth as isize;
    for i in middle + 1..last {
        d += tokens.get(i - 1).map_or(0, |t| depth_change(t.token));
        if i >= first && starts_clause(i, d) {
            after = Some(i);
            break;
        }
    }
    nearer(before, after, middle)
}

/// A cut near the middle. Only the bracket depth is followed through the
/// whole file; clause starts are looked for outward from the middle.
/// Whether tokens `rule..=close` are `rule NAME { … }` with at least one
/// token between the braces.
fn rule_with_body(tokens: &[Lexeme], rule: usize, close: usize) -> bool {
    let token = |i: usize| tokens.get(i).map(|t| t.token);
    close > rule + 3
        && token(rule) == Some(Token::Rule)
        && token(rule + 1) == Some(Token::Ident)
        && token(rule + 2) == Some(Token::LBrace)
        && token(close) == Some(Token::RBrace)
}

fn find_cut(tokens: &[Lexeme]) -> Option<Cut> {
    let middle = tokens.len() / 2;
    let around = around_middle(tokens, middle)?;
    let between = nearer(around.before, around.after, middle);
    // A declaration boundary within an eighth of the file of the middle will do.
    if let Some(at) = between.filter(|at| at.abs_diff(middle) <= tokens.len() / 8) {
        return Some(Cut::Between(at));
    }
    // Otherwise cut inside the rule that spans the middle, between clauses.
    let rule = around.before.unwrap_or(0);
    let next = around.after.unwrap_or(tokens.len());
    let close = next.checked_sub(1)?;
    if !rule_with_body(tokens, rule, close) {
        return between.map(Cut::Between);
    }
    match nearest_clause(tokens, middle, around.depth, rule + 4, close) {
        Some(clause) => Some(Cut::InRule {
            rule,
            clause,
            close,
        }),
        None => between.map(Cut::Between),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex;
    use std::fmt::Write as _;

    /// A valid file of prelude-like items around one long rule.
    fn long_file(clauses: usize, items_before: usize, items_after: usize) -> String {
        let mut s = String::from("//! A long file.\nimport general.rule\n");
        for i in 0..items_before {
            let _ = writeln!(s, "/// Unit {i}.\nunit u{i} = {i} kg \"单位\" \"unit\"");
        }
        s.push_str("/// The rule.\nrule long {\n    title \"长\" en \"Long\"\n    gwp ar6\n");
        s.push_str("    exclude stage use \"not counted\" share 0.5%\n");
        for i in 0..clauses {
            let _ = writeln!(s, "    /// Input {i}.\n    input e{i}: MWh = {i} MWh");
            let _ = writeln!(s, "    let l{i} = e{i} * 0.6 kgCO2/kWh * gwp.CO2 / output");
            if i % 500 == 0 {
                let _ = writeln!(
                    s,
                    "    stage s{i} {{\n        emission x{i} = l{i} + 2 kgCO2e/t as fossil\n    }}"
                );
            }
        }
        s.push_str("    example \"e\" {\n        given e0 = 1 MWh\n        expect footprint == 1 tCO2e within 1%\n    }\n}\n");
        for i in 0..items_after {
            let _ = writeln!(s, "fn f{i}(x: kg) -> kg = x * {i}");
        }
        s
    }

    /// Where declarations start (depth 0) and where clauses of a rule start
    /// (depth 1 inside `rule NAME { … }`), other than at token 0.
    #[derive(Debug, Default)]
    struct Boundaries {
        items: Vec<usize>,
        clauses: Vec<usize>,
    }

    /// Find the boundaries in one pass; `None` if the brackets do not balance.
    fn boundaries(tokens: &[Lexeme]) -> Option<Boundaries> {
        // One table lookup per token: this pass runs over the whole file.
        let mut item_starter = [false; 256];
        for t in ITEM_KEYWORDS {
            item_starter[*t as usize] = true;
        }
        let mut clause_starter = [false; 256];
        for t in CLAUSE_KEYWORDS {
            clause_starter[*t as usize] = true;
        }
        let mut found = Boundaries::default();
        let mut depth = 0usize;
        let mut in_rule = false;
        for (i, token) in tokens.iter().map(|t| t.token).enumerate() {
            match token {
                Token::LBrace | Token::LParen | Token::LBracket => depth += 1,
                Token::RBrace | Token::RParen | Token::RBracket => depth = depth.checked_sub(1)?,
                t if depth == 0 && item_starter[t as usize] => {
                    let starts = starts_part(tokens, i, ITEM_KEYWORDS);
                    if starts && i > 0 {
                        found.items.push(i);
                    }
                    if starts || i == 0 {
                        in_rule = t == Token::Rule;
                    }
                }
                t if depth == 1
                    && in_rule
                    && clause_starter[t as usize]
                    && starts_part(tokens, i, CLAUSE_KEYWORDS) =>
                {
                    found.clauses.push(i);
                }
                _ => {}
            }
        }
        (depth == 0).then_some(found)
    }

    /// The boundary in `starts` nearest to `middle`.
    fn nearest(starts: &[usize], middle: usize) -> Option<usize> {
        starts.iter().copied().min_by_key(|s| s.abs_diff(middle))
    }

    /// The cut search as it was (every boundary collected), to compare with [`find_cut`].
    fn find_cut_from_boundaries(tokens: &[Lexeme]) -> Option<Cut> {
        let middle = tokens.len() / 2;
        let Boundaries { items, clauses } = boundaries(tokens)?;
        let between = nearest(&items, middle);
        // A declaration boundary within an eighth of the file of the middle will do.
        if let Some(at) = between.filter(|at| at.abs_diff(middle) <= tokens.len() / 8) {
            return Some(Cut::Between(at));
        }
        // Otherwise cut inside the rule that spans the middle, between clauses.
        let rule = items
            .iter()
            .copied()
            .rev()
            .find(|s| *s <= middle)
            .unwrap_or(0);
        let next = items
            .iter()
            .copied()
            .find(|s| *s > middle)
            .unwrap_or(tokens.len());
        let close = next.checked_sub(1)?;
        if !rule_with_body(tokens, rule, close) {
            return between.map(Cut::Between);
        }
        let in_body: Vec<usize> = clauses
            .iter()
            .copied()
            .filter(|c| *c > rule + 3 && *c < close)
            .collect();
        match nearest(&in_body, middle) {
            Some(clause) => Some(Cut::InRule {
                rule,
                clause,
                close,
            }),
            None => between.map(Cut::Between),
        }
    }

    fn sequential(docs: &Docs, source: &str, tokens: &[Lexeme]) -> Option<Vec<Item>> {
        items(docs, source, tokens)
    }

    #[test]
    fn the_cut_is_the_one_every_boundary_collected_gives() {
        let items = [
            "unit u = 1 kg \"单位\" \"unit\"\n",
            "fn f(x: kg) -> kg = x * (2 + 3)\n",
            "import general.rule\n",
            "let g = [1, {2}]\n",
        ];
        let clauses = [
            "    input e: MWh = 1 MWh\n",
            "    let l = (e * 0.6 kgCO2/kWh) * gwp.CO2\n",
            "    exclude stage use \"n\" share 1%\n",
            "    stage s {\n        emission x = 1 kg as fossil\n    }\n",
            "    gwp ar6\n",
        ];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        let mut cuts_in_rules = 0;
        for _ in 0..400 {
            let mut source = String::new();
            for _ in 0..next(4) * next(4) {
                source.push_str(items[next(items.len())]);
            }
            for r in 0..1 + next(2) {
                let _ = writeln!(source, "rule r{r} {{");
                for _ in 0..next(30) {
                    source.push_str(clauses[next(clauses.len())]);
                }
                source.push_str("}\n");
                for _ in 0..next(3) * next(6) {
                    source.push_str(items[next(items.len())]);
                }
            }
            let mut tokens = lex(&source).tokens;
            let found = find_cut(&tokens);
            assert_eq!(found, find_cut_from_boundaries(&tokens), "{source}");
            cuts_in_rules += usize::from(matches!(found, Some(Cut::InRule { .. })));
            // Any shape of brackets and keywords: drop a token or two.
            for _ in 0..2 {
                if !tokens.is_empty() {
                    tokens.remove(next(tokens.len()));
                }
                let found = find_cut(&tokens);
                assert_eq!(found, find_cut_from_boundaries(&tokens), "{source}");
            }
        }
        assert!(cuts_in_rules > 50, "{cuts_in_rules}");
    }

    #[test]
    fn cut_inside_a_long_rule_gives_the_same_tree() {
        let source = long_file(6_000, 3, 3);
        let lexed = lex(&source);
        assert!(lexed.tokens.len() >= PARALLEL_PARSE_TOKENS);
        let docs = Docs::new(&lexed);
        let cut = find_cut(&lexed.tokens);
        assert!(matches!(cut, Some(Cut::InRule { .. })), "{cut:?}");
        let whole = sequential(&docs, &source, &lexed.tokens);
        assert!(whole.is_some());
        assert_eq!(parse_module(&docs, &source, &lexed.tokens), whole);
    }

    #[test]
    fn cut_between_declarations_gives_the_same_tree() {
        let source = long_file(10, 8_000, 8_000);
        let lexed = lex(&source);
        assert!(lexed.tokens.len() >= PARALLEL_PARSE_TOKENS);
        let docs = Docs::new(&lexed);
        let cut = find_cut(&lexed.tokens);
        assert!(matches!(cut, Some(Cut::Between(_))), "{cut:?}");
        let whole = sequential(&docs, &source, &lexed.tokens);
        assert!(whole.is_some());
        assert_eq!(parse_module(&docs, &source, &lexed.tokens), whole);
    }

    #[test]
    fn every_clause_cut_gives_the_same_tree() {
        let source = long_file(40, 2, 2);
        let lexed = lex(&source);
        let docs = Docs::new(&lexed);
        let tokens = &lexed.tokens;
        let whole = sequential(&docs, &source, tokens);
        assert!(whole.is_some());
        // The rule keyword that starts a declaration, not the path segment of the import.
        let rule = tokens
            .windows(2)
            .position(|w| w[0].token == Token::Rule && w[1].token == Token::Ident);
        let close = tokens.iter().rposition(|t| t.token == Token::RBrace);
        let (Some(rule), Some(close)) = (rule, close) else {
            panic!("the file has a rule");
        };
        let Some(found) = boundaries(tokens) else {
            panic!("the rule's brackets balance");
        };
        // Every clause keyword at the rule's top level, and nothing else.
        let expected: Vec<usize> = (rule + 4..close)
            .filter(|i| {
                matches!(
                    tokens[*i].token,
                    Token::Title
                        | Token::Gwp
                        | Token::Exclude
                        | Token::Input
                        | Token::Let
                        | Token::Stage
                        | Token::Example
                ) && tokens[*i - 1].token != Token::Exclude
                    && tokens[*i + 1].token != Token::Dot
            })
            .filter(|i| {
                let depth: i64 = tokens[rule + 3..*i]
                    .iter()
                    .map(|t| match t.token {
                        Token::LBrace => 1,
                        Token::RBrace => -1,
                        _ => 0,
                    })
                    .sum();
                depth == 0
            })
            .collect();
        let clause_starts: Vec<usize> = found
            .clauses
            .iter()
            .copied()
            .filter(|c| *c > rule + 3)
            .collect();
        assert_eq!(clause_starts, expected);
        assert!(clause_starts.len() > 80);
        for clause in clause_starts {
            let cut = Cut::InRule {
                rule,
                clause,
                close,
            };
            assert_eq!(parse_at(&docs, &source, tokens, cut), whole, "{cut:?}");
        }
    }

    #[test]
    fn a_syntax_error_in_either_half_gives_none() {
        let mut source = long_file(6_000, 0, 0);
        let at = source.len() / 4;
        let line = source[at..].find('\n').map_or(at, |n| at + n + 1);
        source.insert_str(line, "    let broken = = 1\n");
        let lexed = lex(&source);
        let docs = Docs::new(&lexed);
        assert_eq!(parse_module(&docs, &source, &lexed.tokens), None);
        // The whole parse recovers and reports it.
        let parsed = crate::parse(&source);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    }
}
