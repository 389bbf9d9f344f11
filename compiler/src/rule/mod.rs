//! Rule checks: required clauses, boundary, stages, emissions per declared
//! unit, categories, cut-off, grades and worked examples (E0202, E03xx).
//!
//! [`check_rule`] is a short driver calling one function per clause or
//! group of clauses, each in its own file. The files depend one way (a file
//! uses only those listed before it, and the checker, the world and the
//! checked IR in [`crate::checked`]):
//!
//! 1. `constants`: clause values that must be constants (E0204);
//! 2. `functions`: function signatures and bodies;
//! 3. `declarations`: the rule's scope and its clauses by kind;
//! 4. `header`: each header clause once, the required ones given, the GWP set;
//!    `tables`: the rule's own tables;
//! 5. `declared_unit`, `boundary`, `inputs` (an input's default, a factor's value);
//! 6. `values` (with `values/two_threads`): typing every value, on two threads for long rules;
//! 7. `emission`, `exclusions` (and the cut-off), then `stages`, which walks both;
//! 8. `grades`, `results`, `examples`, `unused`;
//! 9. this driver.

mod boundary;
mod constants;
mod declarations;
mod declared_unit;
mod emission;
mod examples;
mod exclusions;
mod functions;
mod grades;
mod header;
mod inputs;
mod results;
mod stages;
mod tables;
mod unused;
mod values;

// The checked IR, at its former path for the language server and the command line.
pub use crate::checked::{
    CheckedEmission, CheckedExample, CheckedExclusion, CheckedExpect, CheckedFactor,
    CheckedFactorValue, CheckedFn, CheckedInput, CheckedResult, CheckedRule, DeclaredUnit,
    ExpectWhat, ReportedAmount, Tolerance,
};
pub use functions::{fn_body, signature};
pub use header::ALLOCATION_KINDS;
pub use values::Threads;

use crate::checker::Checker;
use pcr_lang::ast::{self, Clause};

/// Check one rule in `checker`'s file: every clause, in a fixed order;
/// `threads` may type a long rule's values.
pub fn check_rule<'w, 'r>(
    checker: &mut Checker<'w, 'r>,
    rule: &'r ast::Rule,
    threads: Threads,
) -> CheckedRule {
    let file = checker.file;
    let errors_before = checker.diags.iter().filter(|d| d.is_error()).count();
    let (mut scope, clauses) = declarations::declare_all(checker, rule);
    let header = header::check_header(checker, rule, &clauses);
    let gwp = header::gwp_set(checker, header.gwp);
    scope.gwp = gwp.clone();
    checker.rule = Some(scope);
    tables::check_tables(checker, &clauses.tables);

    let declared = header
        .declared
        .and_then(|d| declared_unit::declared_unit(checker, d));
    let emission_dim =
        declared_unit::emission_dimension(checker, declared.as_ref(), header.declared);
    let boundary = boundary::boundary(checker, header.boundary);
    let cutoff = exclusions::cutoff(checker, header.cutoff);

    // Input defaults, factor values, lets and emissions' values; then the rule's functions.
    let values = values::type_values(checker, rule, threads);
    functions::check_rule_fns(checker);

    let unit = stages::EmissionUnit {
        dim: emission_dim.as_ref(),
        declared: declared.as_ref(),
    };
    let stages = stages::check_stages(checker, rule, values.emissions, &boundary, &unit, &cutoff);
    exclusions::within_total_cutoff(checker, &cutoff, &stages.exclusions);
    boundary::every_stage_counted(
        checker,
        header.boundary,
        &boundary,
        &stages.counted,
        &stages.excluded,
        &stages.blocks,
    );
    let (grades, otherwise) = grades::check_grades(checker, header.grades);
    let categories = results::category_names(checker);
    let reported = results::reported_amounts(&boundary.stages, &categories, &stages.emission_names);
    let results = results::check_results(checker, rule, &reported, declared.as_ref());
    let mut examples = Vec::new();
    for clause in &rule.clauses {
        if let Clause::Example(x) = clause {
            examples.push(examples::check_example(
                checker,
                x,
                &stages.emission_names,
                &boundary.stages,
                &grades,
                otherwise.as_deref(),
                &results,
            ));
        }
    }
    let (lets, fns) = unused::finish_scope(checker);
    let errors_after = checker.diags.iter().filter(|d| d.is_error()).count();
    let (title, version, standard) = (header.title, header.version, header.standard);
    CheckedRule {
        name: rule.name.text.clone(),
        file,
        name_span: rule.name.span,
        span: rule.span,
        doc: rule.doc.clone(),
        title: title.map(|t| t.zh.value.clone()),
        title_en: title.and_then(|t| t.en.as_ref().map(|e| e.value.clone())),
        version: version.map(|v| v.value.value.clone()),
        standard: standard.map(|v| v.value.value.clone()),
        declared,
        boundary: boundary.name,
        boundary_stages: boundary.stages,
        gwp,
        cutoff: cutoff.values,
        allocation: header.allocation.map(|a| {
            (
                a.kind.text.clone(),
                a.reason.as_ref().map(|r| r.value.clone()),
            )
        }),
        inputs: values.inputs,
        factors: values.factors,
        lets,
        fns,
        emissions: stages.emissions,
        reported,
        results,
        exclusions: stages.exclusions,
        grades,
        otherwise,
        examples,
        has_errors: errors_after > errors_before,
    }
}
