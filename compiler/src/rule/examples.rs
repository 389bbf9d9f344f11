//! Worked examples: `given` values for inputs and factors, `expect`ed
//! results with tolerances, all constants.

use super::constants::{constant, constant_number};
use crate::checked::{CheckedExample, CheckedExpect, CheckedResult, ExpectWhat, Tolerance};
use crate::checker::{Checker, RuleName};
use crate::diagnostic::{Code, Diagnostic, NameKind};
use crate::dimension::Dimension;
use crate::types::{ConstValue, Location, Type};
use pcr_lang::ast::{self, ExprKind};

pub(super) fn check_example(
    checker: &mut Checker,
    x: &ast::Example,
    emissions: &[(&str, Location)],
    stages: &[String],
    grades: &[(String, f64)],
    otherwise: Option<&str>,
    results: &[CheckedResult],
) -> CheckedExample {
    let mut givens: Vec<(String, ConstValue)> = Vec::new();
    let mut expects = Vec::new();
    let co2e = checker
        .world
        .co2e()
        .map(Dimension::base)
        .map(Type::Quantity)
        .unwrap_or(Type::Error);
    for statement in &x.statements {
        match statement {
            ast::ExampleStatement::Given(g) => givens.extend(given(checker, g)),
            ast::ExampleStatement::Expect(e) => {
                let Some(what) = expect_target(checker, &e.target, emissions, stages, results)
                else {
                    continue;
                };
                // The type an expected value and an absolute tolerance have.
                let expected = match &what {
                    ExpectWhat::Result(name) => results
                        .iter()
                        .find(|r| &r.name == name)
                        .map(|r| (Type::Quantity(r.dim.clone()), r.unit.clone()))
                        .unwrap_or((Type::Error, None)),
                    ExpectWhat::Value(_, i) => (checker.let_type(*i, e.span), None),
                    _ => (co2e.clone(), Some(("kgCO2e".to_string(), 1.0))),
                };
                let Some(value) = expected_value(checker, e, &what, grades, otherwise, &expected)
                else {
                    continue;
                };
                let Some(mut tolerance) = tolerance(checker, e.tolerance.as_ref(), &expected)
                else {
                    continue;
                };
                // A result's absolute tolerance is in the result's unit, like its value.
                if let (ExpectWhat::Result(_), Some(Tolerance::Absolute(a)), Some((_, factor))) =
                    (&what, tolerance.as_mut(), &expected.1)
                {
                    *a /= factor;
                }
                expects.push(CheckedExpect {
                    what,
                    value,
                    tolerance,
                    span: e.span,
                });
            }
            ast::ExampleStatement::Error(_) => {}
        }
    }
    CheckedExample {
        name: x.name.value.clone(),
        givens,
        expects,
        span: x.span,
    }
}

/// `given NAME = VALUE`: an input or factor of the rule, and a constant.
fn given(checker: &mut Checker, g: &ast::Given) -> Option<(String, ConstValue)> {
    let target = checker
        .rule
        .as_ref()
        .and_then(|r| r.names.get(g.name.text.as_str()).copied());
    let declared = target.and_then(|(name, span)| {
        let rule = checker.rule.as_ref()?;
        let (ty, unit) = match name {
            RuleName::Input(i) => (
                rule.inputs[i].ty.clone(),
                rule.inputs[i].unit.as_deref().cloned(),
            ),
            RuleName::Factor(i) => (
                rule.factors[i].ty.clone(),
                rule.factors[i].unit.as_deref().cloned(),
            ),
            RuleName::Let(_) | RuleName::Fn(_) | RuleName::Table(_) => return None,
        };
        Some((ty, unit, span))
    });
    let (ty, unit) = match declared {
        Some((ty, unit, span)) => {
            refer(
                checker,
                &g.name,
                Some(Location {
                    file: checker.file,
                    span,
                }),
            );
            (ty, unit)
        }
        _ => {
            let names: Vec<String> = checker
                .rule
                .as_ref()
                .map(|r| {
                    r.inputs
                        .iter()
                        .map(|i| i.decl.name.text.clone())
                        .chain(r.factors.iter().map(|f| f.decl.name.text.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let mut d = checker
                .error(
                    Code::UnknownName,
                    g.name.span,
                    format!("`{}` is not an input or factor of this rule", g.name.text),
                    "cannot be given",
                )
                .with_note("`given` supplies an input or overrides a factor");
            d = d.did_you_mean(&g.name.text, names.iter().map(String::as_str));
            checker.push(d);
            return None;
        }
    };
    let value = checker.expr_with(&g.value, Some(&ty));
    if !checker.expect_type(
        &value,
        &ty,
        unit.as_ref().map(|u| u.1.as_str()),
        format_args!("`{}`", g.name.text),
    ) {
        return None;
    }
    let v = constant(checker, &value, "a given value must be a constant")?;
    Some((g.name.text.clone(), v))
}

/// What an `expect` checks: the footprint, the grade, a stage of the
/// boundary, an emission or a category (E0101 for anything else).
fn expect_target(
    checker: &mut Checker,
    target: &ast::ExpectTarget,
    emissions: &[(&str, Location)],
    stages: &[String],
    results: &[CheckedResult],
) -> Option<ExpectWhat> {
    match target {
        ast::ExpectTarget::Result(n) => {
            if let Some(r) = results.iter().find(|r| r.name == n.text) {
                refer(checker, n, Some(r.loc));
                Some(ExpectWhat::Result(n.text.clone()))
            } else {
                let d = checker
                    .error(
                        Code::UnknownName,
                        n.span,
                        format!("no result `{}` in this rule", n.text),
                        "unknown result",
                    )
                    .did_you_mean(&n.text, results.iter().map(|r| r.name.as_str()));
                checker.push(d);
                None
            }
        }
        ast::ExpectTarget::Value(n) => expect_value_target(checker, n),
        ast::ExpectTarget::Footprint(_) => Some(ExpectWhat::Footprint),
        ast::ExpectTarget::Grade(_) => Some(ExpectWhat::Grade),
        ast::ExpectTarget::Stage(n) => {
            if stages.contains(&n.text) {
                refer(checker, n, checker.world.stages.get(&n.text).map(|s| s.loc));
                Some(ExpectWhat::Stage(n.text.clone()))
            } else {
                let mut d = checker.error(
                    Code::UnknownName,
                    n.span,
                    format!("stage `{}` is not in this rule's boundary", n.text),
                    "no such stage here",
                );
                d = d.did_you_mean(&n.text, stages.iter().map(String::as_str));
                checker.push(d);
                None
            }
        }
        ast::ExpectTarget::Emission(n) => {
            if let Some((_, loc)) = emissions.iter().find(|(name, _)| *name == n.text.as_str()) {
                let loc = *loc;
                refer(checker, n, Some(loc));
                Some(ExpectWhat::Emission(n.text.clone()))
            } else {
                let d = checker
                    .error(
                        Code::UnknownName,
                        n.span,
                        format!("no emission `{}` in this rule", n.text),
                        "unknown emission",
                    )
                    .did_you_mean(&n.text, emissions.iter().map(|(name, _)| *name));
                checker.push(d);
                None
            }
        }
        ast::ExpectTarget::Category(n) => {
            if let Some(c) = checker.world.categories.get(&n.text) {
                refer(checker, n, Some(c.loc));
                Some(ExpectWhat::Category(n.text.clone()))
            } else {
                let d = Diagnostic::unknown(
                    NameKind::Category,
                    &n.text,
                    checker.file,
                    n.span,
                    checker.world.categories.keys().map(String::as_str),
                );
                checker.push(d);
                None
            }
        }
        ast::ExpectTarget::Unknown(n) => {
            let d = checker
                .error(
                    Code::UnknownName,
                    n.span,
                    format!("`expect {}` names nothing to check", n.text),
                    "unknown expectation",
                )
                .with_help(
                    "expect `footprint`, `grade`, `stage NAME`, `emission NAME`, `category NAME`, `result NAME` or `value NAME`",
                );
            checker.push(d);
            None
        }
    }
}

/// `expect value NAME`: a `let` of the rule, which the expectation uses (no
/// W0003); it must be a quantity.
fn expect_value_target(checker: &mut Checker, n: &ast::Name) -> Option<ExpectWhat> {
    let found = checker
        .rule
        .as_ref()
        .and_then(|r| r.names.get(n.text.as_str()).copied());
    let Some((RuleName::Let(i), span)) = found else {
        let lets: Vec<String> = checker
            .rule
            .as_ref()
            .map(|r| r.lets.iter().map(|l| l.decl.name.text.clone()).collect())
            .unwrap_or_default();
        let what = match found {
            Some((RuleName::Input(_), _)) => "an input",
            Some((RuleName::Factor(_), _)) => "a factor",
            Some((RuleName::Fn(_), _)) => "a function",
            _ => "",
        };
        let mut d = checker.error(
            Code::UnknownName,
            n.span,
            if what.is_empty() {
                format!("no `let` `{}` in this rule", n.text)
            } else {
                format!("`{}` is {what}, not a `let` of this rule", n.text)
            },
            "not a `let`",
        );
        d = d.with_note("`expect value NAME` checks a `let` as computed from the example's givens");
        if what.is_empty() {
            d = d.did_you_mean(&n.text, lets.iter().map(String::as_str));
        }
        checker.push(d);
        return None;
    };
    if let Some(l) = checker.rule.as_mut().and_then(|r| r.lets.get_mut(i)) {
        l.used = true;
    }
    refer(
        checker,
        n,
        Some(Location {
            file: checker.file,
            span,
        }),
    );
    let ty = checker.let_type(i, n.span);
    match ty {
        Type::Quantity(_) => Some(ExpectWhat::Value(n.text.clone(), i)),
        Type::Error => None,
        other => {
            let found = checker.describe(&other);
            let d = checker.error(
                Code::TypeError,
                n.span,
                format!("`{}` is {found}: `expect value` checks quantities", n.text),
                "not a quantity",
            );
            checker.push(d);
            None
        }
    }
}

/// The expected value: a grade of the rule, or a constant of the target's
/// type (`expected`, with the unit expected values are written in).
fn expected_value(
    checker: &mut Checker,
    e: &ast::Expectation,
    what: &ExpectWhat,
    grades: &[(String, f64)],
    otherwise: Option<&str>,
    expected: &(Type, Option<(String, f64)>),
) -> Option<Result<f64, String>> {
    if matches!(what, ExpectWhat::Grade) {
        match &e.value.kind {
            ExprKind::Name(n)
                if grades.iter().any(|(g, _)| g == &n.text)
                    || otherwise == Some(n.text.as_str()) =>
            {
                Some(Err(n.text.clone()))
            }
            _ => {
                let d = checker.error(
                    Code::DeclaredTypeMismatch,
                    e.value.span,
                    "`expect grade` takes one of the rule's grades",
                    "not a grade of this rule",
                );
                checker.push(d);
                None
            }
        }
    } else {
        let (ty, unit) = expected;
        let v = checker.expr(&e.value);
        if !checker.expect_type(
            &v,
            ty,
            unit.as_ref().map(|u| u.0.as_str()),
            "an expected value",
        ) {
            return None;
        }
        // Never dropped: a value that cannot be evaluated is an error.
        let canonical = constant_number(checker, &v, "an expected value must be a constant")?;
        // A result's expected value is in the result's unit.
        let factor = match what {
            ExpectWhat::Result(_) => unit.as_ref().map_or(1.0, |u| u.1),
            _ => 1.0,
        };
        Some(Ok(canonical / factor))
    }
}

/// The tolerance, when given: a constant percentage or CO2e amount;
/// `None` when it is not one (reported).
fn tolerance(
    checker: &mut Checker,
    tolerance: Option<&ast::Expr>,
    expected: &(Type, Option<(String, f64)>),
) -> Option<Option<Tolerance>> {
    let co2e = &expected.0;
    match tolerance {
        None => Some(None),
        Some(t) => {
            let tv = checker.expr(t);
            let relative = matches!(&tv.ty, Type::Quantity(d) if d.is_none());
            let absolute = !relative && !tv.ty.is_error() && checker.compatible(&tv.ty, co2e);
            if !relative && !absolute {
                if !tv.ty.is_error() {
                    let d = checker.error(
                        Code::DeclaredTypeMismatch,
                        t.span,
                        "a tolerance is a percentage (`0.1%`) or a quantity of the expected value's dimension (`0.5 kgCO2e`)",
                        "not a tolerance",
                    );
                    checker.push(d);
                }
                return None;
            }
            // An expectation whose tolerance cannot be evaluated is not run with another.
            match constant_number(checker, &tv, "a tolerance must be a constant") {
                Some(n) if relative => Some(Some(Tolerance::Relative(n))),
                Some(n) => Some(Some(Tolerance::Absolute(n))),
                None => None,
            }
        }
    }
}

/// Record a use of a name resolved here (editors: go to definition, references).
fn refer(checker: &mut Checker, name: &ast::Name, target: Option<Location>) {
    if let (true, Some(target)) = (checker.record, target) {
        checker.refs.push(crate::checker::Reference {
            file: checker.file,
            span: name.span,
            target,
        });
    }
}
