//! Version 1 syntax (§11): `result` clauses, `expect result` and
//! `expect value`, reported amounts (`stage.NAME`) in expressions, and line
//! breaks that end quantity literals.

use pcr_lang::ast::{Clause, ExampleStatement, ExpectTarget, ExprKind, Item, LetDecl};
use pcr_lang::{parse, Parsed};

fn clauses(parsed: &Parsed) -> Vec<&Clause> {
    parsed
        .module
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rule(r) => Some(r),
            _ => None,
        })
        .flat_map(|r| r.clauses.iter())
        .collect()
}

fn rule(body: &str) -> String {
    format!("rule r {{\n{body}\n}}\n")
}

fn lets(parsed: &Parsed) -> Vec<&LetDecl> {
    clauses(parsed)
        .into_iter()
        .filter_map(|c| match c {
            Clause::Let(l) => Some(l),
            _ => None,
        })
        .collect()
}

#[test]
fn a_result_with_labels_unit_and_doc() {
    let source = rule(
        "    /// Carbon content.\n    result carbon \"碳含量\" en \"Carbon content\": kgC = c / output",
    );
    let parsed = parse(&source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let [Clause::Result(r)] = clauses(&parsed)[..] else {
        panic!("{:?}", clauses(&parsed));
    };
    assert_eq!(r.name.text, "carbon");
    assert_eq!(r.zh.as_ref().map(|s| s.value.as_str()), Some("碳含量"));
    assert_eq!(
        r.en.as_ref().map(|s| s.value.as_str()),
        Some("Carbon content")
    );
    assert!(r.ty.is_some());
    assert_eq!(r.doc.as_deref(), Some("Carbon content."));
}

#[test]
fn a_result_reads_reported_amounts() {
    let source = rule(
        "    result net = footprint - category.biogenic_removal + stage.production - emission.gas",
    );
    let parsed = parse(&source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let [Clause::Result(r)] = clauses(&parsed)[..] else {
        panic!("{:?}", clauses(&parsed));
    };
    assert!(r.zh.is_none() && r.ty.is_none());
    let text = format!("{:?}", r.value);
    for word in [
        "footprint",
        "category",
        "biogenic_removal",
        "stage",
        "production",
        "emission",
        "gas",
    ] {
        assert!(text.contains(&format!("\"{word}\"")), "{word} in {text}");
    }
}

#[test]
fn reported_amounts_do_not_split_a_long_rule() {
    // Many clauses so that the parser may split the rule at clause
    // keywords: `stage.` and `category.` inside a result are not clause starts.
    let mut body = String::new();
    for i in 0..3000 {
        body.push_str(&format!("    let v{i} = {i}\n"));
    }
    body.push_str("    result net = stage.production + category.fossil\n");
    let source = rule(&body);
    let parsed = parse(&source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert!(clauses(&parsed)
        .iter()
        .any(|c| matches!(c, Clause::Result(r) if r.name.text == "net")));
}

#[test]
fn expectations_of_results_and_values() {
    let source = rule(
        "    example \"e\" {\n        expect result net == 2 kgCO2e within 1%\n        expect value mass == 3 t\n    }",
    );
    let parsed = parse(&source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let [Clause::Example(x)] = clauses(&parsed)[..] else {
        panic!("{:?}", clauses(&parsed));
    };
    let targets: Vec<&ExpectTarget> = x
        .statements
        .iter()
        .filter_map(|s| match s {
            ExampleStatement::Expect(e) => Some(&e.target),
            _ => None,
        })
        .collect();
    assert!(
        matches!(targets[..], [ExpectTarget::Result(r), ExpectTarget::Value(v)] if r.text == "net" && v.text == "mass"),
        "{targets:?}"
    );
}

#[test]
fn an_unknown_two_word_target_is_reported_at_its_first_word() {
    let source = rule("    example \"e\" {\n        expect values mass == 3 t\n    }");
    let parsed = parse(&source);
    let messages: Vec<&str> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("expect value mass")),
        "{messages:?}"
    );
}

#[test]
fn a_line_break_ends_a_number_before_result() {
    let source = rule("    let k = 2\n    result scope1 = footprint * k");
    let parsed = parse(&source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let kinds: Vec<&str> = clauses(&parsed).iter().map(|c| c.keyword()).collect();
    assert_eq!(kinds, ["let", "result"]);
    assert!(matches!(lets(&parsed)[0].value.kind, ExprKind::Number(_)));
}

#[test]
fn a_line_break_ends_a_number_before_table() {
    // `table` is not a keyword of this parser: the line is an error of its
    // own, and the number before it stays a number.
    let source = rule("    let k = 2\n    table grid: Province -> ratio { north => 1 }");
    let parsed = parse(&source);
    let l = lets(&parsed);
    assert_eq!(l.len(), 1, "{:?}", clauses(&parsed));
    assert!(
        matches!(l[0].value.kind, ExprKind::Number(_)),
        "{:?}",
        l[0].value
    );
    let source_errors: Vec<&str> = parsed
        .errors
        .iter()
        .map(|e| source.get(e.span.range()).unwrap_or(""))
        .collect();
    assert!(!source_errors.contains(&"2"), "{source_errors:?}");
}

#[test]
fn a_line_break_ends_a_number_before_a_unit_name() {
    // `t` is a unit: on the number's line it would be its unit.
    let same_line = parse(&rule("    let k = 2 t"));
    assert!(matches!(
        lets(&same_line)[0].value.kind,
        ExprKind::Quantity { .. }
    ));
    let next_line = parse(&rule("    let k = 2\n    t"));
    let l = lets(&next_line);
    assert!(
        matches!(l[0].value.kind, ExprKind::Number(_)),
        "{:?}",
        l[0].value
    );
    assert!(!next_line.errors.is_empty(), "the lone `t` is an error");
    // A comment between them is a line break too.
    let commented = parse(&rule("    let k = 2 // two\n    t"));
    assert!(matches!(
        lets(&commented)[0].value.kind,
        ExprKind::Number(_)
    ));
}

#[test]
fn a_number_still_ends_its_line_inside_brackets() {
    let source = rule("    let k = (2\n    t)");
    let parsed = parse(&source);
    assert!(
        !parsed.errors.is_empty(),
        "`2` then `t` on the next line is no quantity"
    );
}

#[test]
fn the_formatter_keeps_results_on_their_own_lines() {
    let source = "rule r {\n    let k = 2\n  result net \"净\" en \"net\" : kgCO2e = footprint-stage.production*k\n    example \"e\" {\n        expect result net == 1 kgCO2e\n        expect value k == 2\n    }\n}\n";
    let formatted = pcr_lang::format::format_source(source).unwrap_or_default();
    assert_eq!(
        formatted,
        "rule r {\n    let k = 2\n    result net \"净\" en \"net\": kgCO2e = footprint - stage.production * k\n    example \"e\" {\n        expect result net == 1 kgCO2e\n        expect value k == 2\n    }\n}\n"
    );
}
