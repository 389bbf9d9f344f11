//! Error recovery: one mistake gives one error, at the mistake, and the
//! valid declarations around it are kept.

use pcr_lang::ast::{Clause, Item, TypeKind};
use pcr_lang::{parse, Parsed};

fn errors_at<'s>(source: &'s str, parsed: &Parsed) -> Vec<&'s str> {
    parsed
        .errors
        .iter()
        .map(|e| source.get(e.span.range()).unwrap_or("<bad span>"))
        .collect()
}

fn rule_clauses(parsed: &Parsed) -> Vec<&Clause> {
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

#[test]
fn a_valid_declaration_before_a_broken_line_is_kept() {
    let source = "enum Project { c, d }\nbogus_keyword here\nrule r {\n    input p: Project\n}\n";
    let parsed = parse(source);
    assert_eq!(
        errors_at(source, &parsed),
        ["bogus_keyword"],
        "{:?}",
        parsed.errors
    );
    assert!(
        matches!(parsed.module.items.first(), Some(Item::Enum(e)) if e.name.text == "Project"),
        "{:?}",
        parsed.module.items
    );
}

#[test]
fn a_valid_fn_before_a_broken_line_is_kept() {
    for source in [
        "fn f(x: kg) -> kg = x\nbogus_keyword here\n",
        "fn f(x: kg) -> kg = x * 2\nbogus_keyword here\n",
        "let k = 2\nbogus_keyword here\n",
    ] {
        let parsed = parse(source);
        assert_eq!(
            errors_at(source, &parsed),
            ["bogus_keyword"],
            "{source}: {:?}",
            parsed.errors
        );
        assert!(
            matches!(
                parsed.module.items.first(),
                Some(Item::Fn(_) | Item::Let(_))
            ),
            "{source}: {:?}",
            parsed.module.items
        );
    }
}

#[test]
fn a_valid_clause_before_a_broken_line_is_kept() {
    let source = "rule r {\n    input a: t = 2 t\n    bogus_keyword here\n    input b: t\n}\n";
    let parsed = parse(source);
    assert_eq!(
        errors_at(source, &parsed),
        ["bogus_keyword"],
        "{:?}",
        parsed.errors
    );
    let clauses = rule_clauses(&parsed);
    assert!(
        matches!(clauses.first(), Some(Clause::Input(i)) if i.default.is_some()),
        "{clauses:?}"
    );
}

#[test]
fn a_stray_closing_bracket_in_a_stage_is_reported_where_it_is() {
    let source = "rule r {\n    version \"1\"\n    stage production {\n        emission nothing = 0 kgCO2e / t ))\n        emission b = 1 kgCO2e\n    }\n    input a: t\n}\n";
    let parsed = parse(source);
    assert_eq!(errors_at(source, &parsed), [")"], "{:?}", parsed.errors);
    let at = parsed.errors[0].span.start as usize;
    assert_eq!(at, source.find("))").unwrap_or(0));
    let clauses = rule_clauses(&parsed);
    let kinds: Vec<&str> = clauses.iter().map(|c| c.keyword()).collect();
    assert_eq!(kinds, ["version", "stage", "input"]);
}

#[test]
fn a_reserved_word_as_a_name_is_said_so_and_the_declaration_kept() {
    let source = "rule r {\n    version \"1\"\n    input share: ratio\n    let y = share * 2\n}\n";
    let parsed = parse(source);
    assert_eq!(
        errors_at(source, &parsed),
        ["share", "share"],
        "{:?}",
        parsed.errors
    );
    let error = &parsed.errors[0];
    assert!(
        error.message.contains("`share` is a reserved word"),
        "{error:?}"
    );
    assert!(error.label.contains("share_"), "{error:?}");
    let clauses = rule_clauses(&parsed);
    assert!(
        matches!(clauses.get(1), Some(Clause::Input(i)) if i.name.text == "share" && matches!(&i.ty.kind, TypeKind::Named(n) if n.text == "ratio")),
        "{clauses:?}"
    );
    assert!(matches!(clauses.get(2), Some(Clause::Let(l)) if l.name.text == "y"));
}

#[test]
fn reserved_words_in_other_name_positions() {
    for (source, word) in [
        ("fn total(x: kg) -> kg = x\n", "total"),
        ("fn f(item: kg) -> kg = item\n", "item"),
        ("let source = 2\n", "source"),
        ("rule within {\n    version \"1\"\n}\n", "within"),
    ] {
        let parsed = parse(source);
        assert!(!parsed.errors.is_empty(), "{source}");
        assert!(
            parsed
                .errors
                .iter()
                .all(|e| e.message.contains(&format!("`{word}` is a reserved word"))),
            "{source}: {:?}",
            parsed.errors
        );
        assert!(
            !matches!(parsed.module.items.first(), Some(Item::Error(_)) | None),
            "{source}"
        );
    }
}

#[test]
fn a_percent_sign_as_a_type_suggests_ratio() {
    let source = "rule r {\n    input x: %\n}\n";
    let parsed = parse(source);
    assert_eq!(
        errors_at(source, &parsed).first(),
        Some(&"%"),
        "{:?}",
        parsed.errors
    );
    let error = &parsed.errors[0];
    assert!(error.label.contains("ratio"), "{error:?}");
}

#[test]
fn a_detached_percent_sign_says_how_to_write_a_percentage() {
    let source = "rule r {\n    example \"e\" {\n        expect footprint == 1 kgCO2e within 5 %\n    }\n}\n";
    let parsed = parse(source);
    let error = &parsed.errors[0];
    assert_eq!(
        errors_at(source, &parsed).first(),
        Some(&"%"),
        "{:?}",
        parsed.errors
    );
    assert!(error.label.contains("5%"), "{error:?}");
}

#[test]
fn a_lexical_error_is_the_only_error_of_its_part() {
    let source = "rule r {\n    input x: %\n    factor f: kg = 1 kg\n    title \"open en \"T\"\n    version \"1\"\n}\n";
    let parsed = parse(source);
    assert_eq!(
        errors_at(source, &parsed),
        ["%", "\""],
        "{:?}",
        parsed.errors
    );
}

#[test]
fn a_clause_word_as_a_name_names_its_clause_and_a_descriptive_name() {
    for (source, word, clause, descriptive) in [
        ("let share = 2\n", "share", "exclude", "allocated_share"),
        (
            "fn f(total: kg) -> kg = total\n",
            "total",
            "cutoff",
            "total_amount",
        ),
        ("let within = 2\n", "within", "expect", "tolerance"),
        (
            "rule r {\n    input source: t\n}\n",
            "source",
            "factor",
            "source_name",
        ),
    ] {
        let parsed = parse(source);
        assert!(!parsed.errors.is_empty(), "{source}");
        let error = &parsed.errors[0];
        assert!(
            error
                .message
                .contains(&format!("`{word}` is a reserved word"))
                && error.message.contains(clause),
            "{source}: {error:?}"
        );
        assert!(
            error.label.contains(descriptive) && error.label.contains(&format!("{word}_")),
            "{source}: {error:?}"
        );
    }
}
