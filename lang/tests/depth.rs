//! The depth limit of expressions and types: a tree as deep as the limit
//! parses, formats and drops on a 2 MiB stack; one level more is one error at
//! the offending place; hostile depths cost bounded time.

use pcr_lang::depth::{CALL_LEVELS, MAX_DEPTH};
use pcr_lang::format::format_source;
use pcr_lang::parse;
use std::time::{Duration, Instant};

/// An expression of exactly `levels` levels, nested the way `kind` says.
fn nested(kind: &str, levels: usize) -> String {
    let n = levels - 1;
    match kind {
        "sum" => format!("1{}", "+1".repeat(n)),
        "product" => format!("x{}", " * x".repeat(n)),
        "parens" => format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        "minus" => format!("{}x", "- ".repeat(n)),
        "not" => format!("{}x", "not ".repeat(n)),
        "if" => format!("{}1", "if c then 1 else ".repeat(n)),
        "call" => {
            // A call adds CALL_LEVELS levels: as many as fit, or one too many.
            let calls = if levels > MAX_DEPTH as usize {
                MAX_DEPTH as usize / CALL_LEVELS as usize + 1
            } else {
                n / CALL_LEVELS as usize
            };
            format!("{}1{}", "f(".repeat(calls), ")".repeat(calls))
        }
        "list" => format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        "record" => format!("{}1{}", "{ a: ".repeat(n), " }".repeat(n)),
        "match" => format!("{}1{}", "match x { a => ".repeat(n), " }".repeat(n)),
        "sum_over" => format!("{}1{}", "sum(m in xs: ".repeat(n), ")".repeat(n)),
        "field" => format!("x{}", ".a".repeat(n)),
        "power" => format!("2{}", "^2".repeat(n)),
        "or" => format!("a{}", " or a".repeat(n)),
        _ => panic!("unknown kind {kind}"),
    }
}

const KINDS: &[&str] = &[
    "sum", "product", "parens", "minus", "not", "if", "call", "list", "record", "match",
    "sum_over", "field", "power", "or",
];

/// A type of exactly `levels` levels.
fn nested_type(kind: &str, levels: usize) -> String {
    let n = levels - 1;
    match kind {
        "product" => format!("kg{}", "*kg".repeat(n)),
        "list" => format!("{}kg{}", "list { a: ".repeat(n), " }".repeat(n)),
        _ => panic!("unknown kind {kind}"),
    }
}

fn let_of(expr: &str) -> String {
    format!("let v = {expr}\n")
}

fn input_of(ty: &str) -> String {
    format!("rule r {{\n    input v: {ty}\n}}\n")
}

fn on_a_2_mib_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap_or_else(|e| panic!("cannot start a thread: {e}"));
    match handle.join() {
        Ok(value) => value,
        Err(_) => panic!("the thread panicked"),
    }
}

#[test]
fn an_expression_as_deep_as_the_limit_parses_and_formats_on_a_small_stack() {
    let depth = MAX_DEPTH as usize;
    let mut sources: Vec<String> = KINDS.iter().map(|k| let_of(&nested(k, depth))).collect();
    sources.push(input_of(&nested_type("product", depth)));
    sources.push(input_of(&nested_type("list", depth)));
    on_a_2_mib_stack(move || {
        for source in sources {
            let parsed = parse(&source);
            assert_eq!(parsed.errors, vec![], "{source}");
            let once = format_source(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
            let twice = format_source(&once).unwrap_or_else(|e| panic!("{e}\n{once}"));
            assert_eq!(once, twice);
            drop(parsed);
        }
    });
}

#[test]
fn one_level_more_is_one_error_at_the_offending_place() {
    let depth = MAX_DEPTH as usize + 1;
    let mut cases: Vec<(String, String)> = KINDS
        .iter()
        .map(|k| (k.to_string(), let_of(&nested(k, depth))))
        .collect();
    cases.push((
        "type product".into(),
        input_of(&nested_type("product", depth)),
    ));
    cases.push(("type list".into(), input_of(&nested_type("list", depth))));
    for (kind, source) in cases {
        let parsed = parse(&source);
        assert_eq!(parsed.errors.len(), 1, "{kind}: {:?}", parsed.errors);
        let error = &parsed.errors[0];
        assert_eq!(
            error.message,
            format!("expression nested too deeply: more than {MAX_DEPTH} levels"),
            "{kind}"
        );
        let at = &source[error.span.range()];
        let expected = match kind.as_str() {
            "sum" => "+",
            "product" => "*",
            "parens" => "(",
            "minus" => "-",
            "not" => "not",
            "if" => "if",
            "call" => "f",
            "list" => "[",
            "record" => "{",
            "match" => "match",
            "sum_over" => "sum",
            "field" => ".",
            "power" => "^",
            "or" => "or",
            "type product" => "*",
            "type list" => "list",
            _ => "?",
        };
        assert_eq!(at, expected, "{kind}");
        assert!(format_source(&source).is_err());
    }
}

#[test]
fn the_limit_is_reported_where_it_is_crossed() {
    // The `+` where the sum gets one level too deep, not the start of the line.
    let source = let_of(&nested("sum", MAX_DEPTH as usize + 10));
    let parsed = parse(&source);
    let at = parsed.errors[0].span.start as usize;
    let plus = source
        .match_indices('+')
        .nth(MAX_DEPTH as usize - 1)
        .map(|(i, _)| i);
    assert_eq!(Some(at), plus);
}

#[test]
fn the_rest_of_the_file_is_kept() {
    let source = format!(
        "let a = 1\n{}let b = 2\nrule r {{\n    let c = {}\n    input d: t\n}}\n",
        let_of(&nested("parens", 1000)),
        nested("sum", 1000)
    );
    let parsed = parse(&source);
    assert_eq!(parsed.errors.len(), 2, "{:?}", parsed.errors);
    assert_eq!(parsed.module.items.len(), 4);
}

fn within(limit: Duration, what: &str, f: impl FnOnce()) {
    let start = Instant::now();
    f();
    let took = start.elapsed();
    assert!(took < limit, "{what} took {took:?}");
}

#[test]
fn hostile_depths_cost_bounded_time_and_no_stack() {
    let parens = let_of(&nested("parens", 100_000));
    let sum = let_of(&nested("sum", 1_000_000));
    let minus = let_of(&nested("minus", 100_000));
    let list = input_of(&nested_type("list", 100_000));
    on_a_2_mib_stack(move || {
        for (what, source) in [
            ("100,000 parentheses", parens),
            ("a sum of 1,000,000 terms", sum),
            ("100,000 minus signs", minus),
            ("100,000 nested list types", list),
        ] {
            within(Duration::from_secs(30), what, || {
                let parsed = parse(&source);
                assert_eq!(parsed.errors.len(), 1, "{what}: {:?}", parsed.errors);
                assert!(parsed.errors[0].message.contains("nested too deeply"));
                assert!(format_source(&source).is_err());
            });
        }
    });
}
