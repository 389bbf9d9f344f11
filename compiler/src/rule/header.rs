//! The header clauses: each given once; title, version, declared unit,
//! boundary, GWP set and cut-off required (E0304); the GWP set and the
//! allocation kind known (E0101).

use super::declarations::RuleClauses;
use crate::checker::Checker;
use crate::diagnostic::{Code, Diagnostic, NameKind};
use pcr_lang::ast::{self, Clause};
use pcr_lang::Span;

fn single<'r, T>(
    checker: &mut Checker,
    rule: &ast::Rule,
    items: &[&'r T],
    keyword: &str,
    span_of: impl Fn(&T) -> Span,
) -> Option<&'r T> {
    if items.len() > 1 {
        let first = span_of(items[0]);
        for extra in &items[1..] {
            let d = checker
                .error(
                    Code::ClauseMissingOrRepeated,
                    span_of(extra),
                    format!("rule `{}` gives `{keyword}` twice", rule.name.text),
                    "given again here",
                )
                .with_label(checker.file, first, "first given here");
            checker.push(d);
        }
    }
    items.first().copied()
}

fn missing(checker: &mut Checker, rule: &ast::Rule, keyword: &str, example: &str) {
    let d = checker
        .error(Code::ClauseMissingOrRepeated, rule.name.span, format!("rule `{}` has no `{keyword}` clause", rule.name.text), format!("`{keyword}` missing"))
        .with_help(format!("add a clause such as `{example}`"))
        .with_note("every rule states its title, version, declared unit, system boundary, GWP set and cut-off criteria (GB/T 24067, ISO 14067)");
    checker.push(d);
}

/// The allocation kinds of `docs/src/rules.md`.
pub const ALLOCATION_KINDS: [&str; 4] = ["none", "physical", "economic", "system_expansion"];

/// Whether `allocation KIND` names a documented kind; E0101 listing them when not.
fn allocation_kind_known(checker: &mut Checker, a: &ast::AllocationClause) -> bool {
    if ALLOCATION_KINDS.contains(&a.kind.text.as_str()) {
        return true;
    }
    let kinds = ALLOCATION_KINDS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let d = checker
        .error(
            Code::UnknownName,
            a.kind.span,
            format!("unknown allocation kind `{}`", a.kind.text),
            "not an allocation kind",
        )
        .with_note(format!(
            "the allocation kinds are {kinds} (ISO 14044 4.3.4)"
        ))
        .did_you_mean(&a.kind.text, ALLOCATION_KINDS);
    checker.push(d);
    false
}

/// The header clauses, each the first one given.
pub(super) struct Header<'r> {
    pub(super) title: Option<&'r ast::TitleClause>,
    pub(super) version: Option<&'r ast::TextClause>,
    pub(super) standard: Option<&'r ast::TextClause>,
    pub(super) declared: Option<&'r ast::DeclaredUnitClause>,
    pub(super) boundary: Option<&'r ast::NameClause>,
    pub(super) gwp: Option<&'r ast::NameClause>,
    pub(super) cutoff: Option<&'r ast::CutoffClause>,
    /// Only an allocation of a known kind.
    pub(super) allocation: Option<&'r ast::AllocationClause>,
    pub(super) grades: Option<&'r ast::Grades>,
}

/// Each header clause given once, the required ones given.
pub(super) fn check_header<'r>(
    checker: &mut Checker,
    rule: &'r ast::Rule,
    c: &RuleClauses<'r>,
) -> Header<'r> {
    // A clause that did not parse was still written: it is not "missing".
    let broken: Vec<&str> = rule
        .clauses
        .iter()
        .filter_map(|c| match c {
            Clause::Error(span) => checker
                .text
                .get(span.range())
                .and_then(|t| t.split_whitespace().next()),
            _ => None,
        })
        .collect();
    let written = |k: &str| broken.contains(&k);
    let title = single(checker, rule, &c.titles, "title", |t| t.span);
    let version = single(checker, rule, &c.versions, "version", |t| t.span);
    let standard = single(checker, rule, &c.standards, "standard", |t| t.span);
    let declared_clause = single(checker, rule, &c.declared, "declared_unit", |t| t.span);
    let boundary_clause = single(checker, rule, &c.boundaries, "boundary", |t| t.span);
    let gwp_clause = single(checker, rule, &c.gwps, "gwp", |t| t.span);
    let cutoff_clause = single(checker, rule, &c.cutoffs, "cutoff", |t| t.span);
    let allocation = single(checker, rule, &c.allocations, "allocation", |t| t.span);
    let grades_clause = single(checker, rule, &c.grades, "grades", |t| t.span);
    let allocation = allocation.filter(|a| allocation_kind_known(checker, a));
    if title.is_none() && !written("title") {
        missing(checker, rule, "title", "title \"…\" en \"…\"");
    }
    if version.is_none() && !written("version") {
        missing(checker, rule, "version", "version \"0.1.0\"");
    }
    if declared_clause.is_none() && !written("declared_unit") {
        missing(checker, rule, "declared_unit", "declared_unit 1 t");
    }
    if boundary_clause.is_none() && !written("boundary") {
        missing(checker, rule, "boundary", "boundary cradle_to_gate");
    }
    if gwp_clause.is_none() && !written("gwp") {
        missing(checker, rule, "gwp", "gwp ar6");
    }
    if cutoff_clause.is_none() && !written("cutoff") {
        missing(checker, rule, "cutoff", "cutoff item 1% total 5%");
    }
    Header {
        title,
        version,
        standard,
        declared: declared_clause,
        boundary: boundary_clause,
        gwp: gwp_clause,
        cutoff: cutoff_clause,
        allocation,
        grades: grades_clause,
    }
}

/// The rule's GWP set, when the `gwp` clause names a known one.
pub(super) fn gwp_set(
    checker: &mut Checker,
    gwp_clause: Option<&ast::NameClause>,
) -> Option<String> {
    let mut gwp = None;
    if let Some(g) = gwp_clause {
        if let Some(set) = checker.world.gwp_sets.get(&g.name.text) {
            let loc = set.loc;
            checker.reference(g.name.span, loc);
            gwp = Some(g.name.text.clone());
        } else {
            let d = Diagnostic::unknown(
                NameKind::GwpSet,
                &g.name.text,
                checker.file,
                g.name.span,
                checker.world.gwp_sets.keys().map(String::as_str),
            );
            checker.push(d);
        }
    }
    gwp
}
