//! `pcr test`: run every worked example of every rule; ends with `N passed, M failed`.

use crate::inputs::{display_name, pcr_files};
use pcr_compiler::render::render;
use pcr_compiler::{Code, Diagnostic, Options};
use pcr_plan::example::{run_example, CheckValue};
use pcr_plan::factors::FactorDb;
use pcr_plan::format::{FactorValue, Target, Tolerance};
use std::path::PathBuf;
use std::process::ExitCode;

fn target(t: &Target) -> String {
    match t {
        Target::Footprint => "footprint".to_string(),
        Target::Stage(s) => format!("stage {s}"),
        Target::Emission(s) => format!("emission {s}"),
        Target::Category(s) => format!("category {s}"),
        Target::Grade => "grade".to_string(),
        Target::Result(s) => format!("result {s}"),
        Target::Value(s) => format!("value {s}"),
    }
}

/// The unit an expectation's numbers are in: kgCO2e, a result's own unit,
/// or a `let`'s canonical unit (not named).
fn unit_of(plan: &pcr_plan::Plan, t: &Target) -> String {
    match t {
        Target::Result(name) => plan
            .results
            .iter()
            .find(|r| r.name == *name)
            .map(|r| format!(" {}", r.unit))
            .unwrap_or_default(),
        Target::Value(_) => String::new(),
        _ => " kgCO2e".to_string(),
    }
}

fn value(v: &CheckValue, unit: &str) -> String {
    match v {
        CheckValue::Number(n) => format!("{n}{unit}"),
        CheckValue::Grade(g) => g.clone(),
        CheckValue::Missing => "nothing".to_string(),
    }
}

fn tolerance(t: &Tolerance, unit: &str) -> String {
    match t {
        Tolerance::Relative(r) => format!("within {}%", r * 100.0),
        Tolerance::Absolute(a) => format!("within {a}{unit}"),
    }
}

/// `db` factors of a plan that an example does not give: without a factor
/// database, they have no value.
fn ungiven_db_factors(plan: &pcr_plan::Plan, example: &pcr_plan::format::Example) -> Vec<String> {
    plan.factors
        .iter()
        .filter_map(|f| match &f.value {
            FactorValue::Db { key } if !example.given.contains_key(&f.name) => {
                Some(format!("`{}` (db \"{key}\")", f.name))
            }
            _ => None,
        })
        .collect()
}

pub fn run(paths: &[PathBuf], factors: &[PathBuf], options: &Options) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let files = match pcr_files(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if files.is_empty() {
        eprintln!("error: {}", crate::check::no_rule_files(&paths, "tested"));
        return ExitCode::from(1);
    }
    let db = match crate::check::load_factors(factors) {
        Ok(db) => db.unwrap_or_else(FactorDb::new),
        Err(code) => return code,
    };
    let colour = crate::terminal::colour();
    let (mut passed, mut failed, mut broken_files) = (0usize, 0usize, 0usize);
    for path in &files {
        let analysis =
            match crate::compile::checked(path, options, (!factors.is_empty()).then_some(&db)) {
                Ok(a) => a,
                Err(_) => {
                    broken_files += 1;
                    continue;
                }
            };
        for rule in &analysis.rules {
            if rule.examples.is_empty() {
                continue;
            }
            // The file's hash goes into every plan: taken once, not once per rule.
            let lowered = pcr_compiler::lower::lower(&analysis, rule);
            let plan = match lowered {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: cannot build rule `{}`: {}", rule.name, e.message);
                    failed += rule.examples.len();
                    continue;
                }
            };
            for (example, checked) in plan.examples.iter().zip(&rule.examples) {
                let ungiven = if factors.is_empty() {
                    ungiven_db_factors(&plan, example)
                } else {
                    Vec::new()
                };
                let outcome = if ungiven.is_empty() {
                    run_example(&plan, example, &db)
                } else {
                    pcr_plan::example::ExampleOutcome {
                        name: example.name.clone(),
                        errors: vec![format!(
                            "no factor database was given, and the example does not give {}: \
                             pass --factors FILE or set factors in pcr.toml",
                            ungiven.join(", ")
                        )],
                        checks: Vec::new(),
                    }
                };
                let label = format!(
                    "{} :: {} :: {}",
                    display_name(path),
                    rule.name,
                    example.name
                );
                if outcome.passed() {
                    passed += 1;
                    outln!("test {label} ... ok");
                    continue;
                }
                failed += 1;
                outln!("test {label} ... FAILED");
                let mut d = Diagnostic::new(
                    Code::ExampleFailed,
                    analysis.main,
                    checked.span,
                    format!("example `{}` of rule `{}` failed", example.name, rule.name),
                    "this example",
                );
                for e in &outcome.errors {
                    d = d.with_note(e.clone());
                }
                for (check, expect) in outcome.checks.iter().zip(&checked.expects) {
                    if !check.passed {
                        d = d.with_label(
                            analysis.main,
                            expect.span,
                            format!(
                                "expected {} {} {}, got {}",
                                target(&check.target),
                                value(&check.expected, &unit_of(&plan, &check.target)),
                                tolerance(&check.tolerance, &unit_of(&plan, &check.target)),
                                value(&check.actual, &unit_of(&plan, &check.target))
                            ),
                        );
                    }
                }
                eprint!("{}", render(&analysis.files, &[d], colour));
            }
        }
    }
    if broken_files > 0 {
        eprintln!("{broken_files} file(s) did not compile");
    }
    if passed + failed == 0 && broken_files == 0 {
        eprintln!(
            "error: no worked examples (`example \"…\" {{ … }}`) in {} rule file(s): nothing was tested",
            files.len()
        );
        outln!("{passed} passed, {failed} failed");
        return ExitCode::from(1);
    }
    outln!("{passed} passed, {failed} failed");
    if failed > 0 || broken_files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
