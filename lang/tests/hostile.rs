//! Hostile input, generated with structure: deep nesting of every kind, long
//! sums, long lines and names, reserved words where names go, unbalanced
//! brackets. The parser never panics, reports every invalid input, stays
//! within bounded time, and the formatter is idempotent on what parses.

use pcr_lang::depth::{CALL_LEVELS, MAX_DEPTH};
use pcr_lang::format::format_source;
use pcr_lang::parse;
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// Generous: a debug build on a busy machine.
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Parse (and format, when it parses) within the time limit; the errors.
fn parse_and_format(source: &str) -> Result<usize, TestCaseError> {
    let start = Instant::now();
    let parsed = parse(source);
    let errors = parsed.errors.len();
    if errors == 0 {
        let once =
            format_source(source).map_err(|e| TestCaseError::fail(format!("{e}\n{source}")))?;
        let twice = format_source(&once)
            .map_err(|e| TestCaseError::fail(format!("formatted: {e}\n{once}")))?;
        prop_assert_eq!(&once, &twice, "not idempotent");
    } else {
        prop_assert!(format_source(source).is_err());
    }
    prop_assert!(start.elapsed() < TIME_LIMIT, "took {:?}", start.elapsed());
    Ok(errors)
}

/// One level of nesting around an expression: the text before and after it,
/// and how many levels it adds.
fn wrappers() -> impl Strategy<Value = (&'static str, &'static str, usize)> {
    prop::sample::select(vec![
        ("(", ")", 1),
        ("f(", ")", CALL_LEVELS as usize),
        ("g(1, ", ", 2)", CALL_LEVELS as usize),
        ("[", "]", 1),
        ("{ a: ", " }", 1),
        ("if c then 1 else ", "", 1),
        ("if ", " then 1 else 2", 1),
        ("match x { a => ", " }", 1),
        ("sum(m in xs: ", ")", 1),
        ("not (", ")", 2),
        ("-(", ")", 2),
        ("1 + (", ")", 2),
        ("2 * (", ")", 2),
        ("(", ").a", 2),
        ("x ^ (", ")", 2),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn nesting_of_every_kind_is_bounded(layers in prop::collection::vec(wrappers(), 0..400)) {
        let mut expr = String::from("1");
        let mut depth = 1;
        for (before, after, levels) in &layers {
            expr = format!("{before}{expr}{after}");
            depth += levels;
        }
        let source = format!("let v = {expr}\nlet w = 2\n");
        let errors = parse_and_format(&source)?;
        if depth > MAX_DEPTH as usize {
            prop_assert_eq!(errors, 1, "depth {}", depth);
            let parsed = parse(&source);
            prop_assert!(parsed.errors[0].message.contains("nested too deeply"));
            prop_assert_eq!(parsed.module.items.len(), 2);
        } else {
            prop_assert_eq!(errors, 0, "depth {}: {}", depth, source);
        }
    }

    #[test]
    fn long_sums_are_bounded(terms in 1usize..3_000, op in prop::sample::select(vec!["+", "-", "*", "/", " and ", " or ", " == "])) {
        let source = format!("rule r {{\n    let v = 1{}\n}}\n", format!("{op}1").repeat(terms - 1));
        let errors = parse_and_format(&source)?;
        // A comparison does not chain: `1 == 1 == 1` is a syntax error.
        let valid = terms <= MAX_DEPTH as usize && (op != " == " || terms <= 2);
        prop_assert_eq!(errors == 0, valid, "{} terms of {}", terms, op);
    }

    #[test]
    fn long_lines_and_long_names_parse(width in 1usize..5_000, name_len in 1usize..20_000) {
        let name = "n".repeat(name_len);
        let items: Vec<String> = (0..width).map(|i| i.to_string()).collect();
        let source = format!("let {name} = [{}]\nlet y = {name}\n", items.join(", "));
        prop_assert_eq!(parse_and_format(&source)?, 0);
    }

    #[test]
    fn reserved_words_as_names_are_reported(
        word in prop::sample::select(vec![
            "item", "total", "share", "source", "within", "en", "category", "separate",
            "db", "as", "otherwise", "given", "expect", "list",
        ]),
        place in 0usize..5,
    ) {
        let source = match place {
            0 => format!("rule r {{\n    input {word}: t\n}}\n"),
            1 => format!("let {word} = 1\n"),
            2 => format!("fn {word}(x: kg) -> kg = x\n"),
            3 => format!("fn f({word}: kg) -> kg = 1 kg\n"),
            _ => format!("rule r {{\n    factor {word}: kg = 1 kg\n}}\n"),
        };
        prop_assert!(parse_and_format(&source)? > 0);
        let parsed = parse(&source);
        let reserved = format!("`{word}` is a reserved word");
        prop_assert!(
            parsed.errors.iter().all(|e| e.message.contains(&reserved)),
            "{:?}", parsed.errors
        );
        prop_assert!(parsed.module.items.iter().all(|i| !matches!(i, pcr_lang::ast::Item::Error(_))));
    }

    #[test]
    fn any_reserved_word_in_a_name_position_never_panics(
        word in prop::sample::select(pcr_lang::lexer::KEYWORDS.to_vec()),
        place in 0usize..4,
    ) {
        let source = match place {
            0 => format!("rule r {{\n    input {word}: t\n    let y = {word} * 2\n}}\n"),
            1 => format!("let {word} = 1\n"),
            2 => format!("enum E {{ a, {word} }}\n"),
            _ => format!("rule r {{\n    stage {word} {{\n        emission {word} = 1 kg\n    }}\n}}\n"),
        };
        prop_assert!(parse_and_format(&source)? > 0);
    }

    #[test]
    fn unbalanced_brackets_are_reported(
        pieces in prop::collection::vec(prop::sample::select(vec![
            "(", ")", "[", "]", "{", "}", "1", "x", "+", ",", "a: ", "\n",
        ]), 0..200),
    ) {
        let body: String = pieces.concat();
        let source = format!("rule r {{\n    let v = {body}\n}}\nlet w = 1\n");
        let opens = pieces.iter().filter(|p| matches!(**p, "(" | "[" | "{")).count();
        let closes = pieces.iter().filter(|p| matches!(**p, ")" | "]" | "}")).count();
        let errors = parse_and_format(&source)?;
        if opens != closes {
            prop_assert!(errors > 0, "{}", source);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..300 {
        let len = (seed % 400) as usize;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let alphabet = b"(){}[]+-*/^.,:=<>!%\"\\ \nabcxyz019_";
            bytes.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let source = String::from_utf8_lossy(&bytes).into_owned();
        let start = Instant::now();
        let parsed = parse(&source);
        if parsed.errors.is_empty() {
            let once = format_source(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
            assert_eq!(format_source(&once).ok(), Some(once.clone()), "{source}");
        }
        assert!(start.elapsed() < TIME_LIMIT);
    }
}
