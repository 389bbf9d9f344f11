//! Checking any text against the embedded prelude never panics; every
//! diagnostic's span lies in its file; rendering is bounded; a rule that
//! checks without errors lowers to a plan that validates, survives a JSON
//! round trip and runs its worked examples.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcr_compiler::render::render;
use pcr_fuzz::checking::check;
use pcr_fuzz::render::assert_bounded;
use pcr_fuzz::rule_input::rule_text;
use pcr_fuzz::spans::assert_span_in;
use pcr_plan::{FactorDb, Plan};

fuzz_target!(|data: &[u8]| {
    pcr_fuzz::stack_overflow::report_stack_overflows();
    let Some(text) = rule_text(data) else {
        return;
    };
    // Editors record types and references; alternate so both paths run.
    let analysis = check(&text, data.len().is_multiple_of(2));
    for d in &analysis.diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            assert_span_in(label.span, analysis.files.text(label.file), d.code.code());
        }
        if let Some(fix) = &d.fix {
            assert_span_in(fix.span, analysis.files.text(fix.file), d.code.code());
        }
    }
    let rendered = render(&analysis.files, &analysis.diagnostics, false);
    assert_bounded(rendered.len(), text.len(), "rendered diagnostics");
    if analysis.has_errors() {
        return;
    }
    let factors = FactorDb::new();
    for rule in &analysis.rules {
        let Ok(plan) = pcr_compiler::lower::lower(&analysis, rule) else {
            continue;
        };
        if let Err(e) = plan.validate() {
            panic!(
                "rule `{}` checks but lowers to an invalid plan: {e}",
                rule.name
            );
        }
        let json = plan.to_json_pretty();
        if let Err(e) = Plan::from_json(&json) {
            panic!("the plan of rule `{}` does not read back: {e}", rule.name);
        }
        for example in &plan.examples {
            let _ = pcr_plan::run_example(&plan, example, &factors);
        }
    }
});
