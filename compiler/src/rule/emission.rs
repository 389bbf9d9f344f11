//! One emission: named once, a known category, never negative unless a
//! removal, a credit or in a separate stage (E0306), CO2e per declared unit (E0202, with a fix for a plant
//! total).

use crate::checked::{CheckedEmission, DeclaredUnit};
use crate::checker::Checker;
use crate::diagnostic::{Code, Diagnostic, NameKind};
use crate::dimension::Dimension;
use crate::types::{Location, TExpr, Type};
use crate::FastMap;
use pcr_lang::ast::{self, ExprKind, UnOp};

/// Whether an emission may be negative: removals (`biogenic_removal`),
/// credits (`credit`), and every emission of a stage declared `separate`
/// (EN 15804 module `D`), which is never summed into the footprint.
fn may_be_negative(category: &str, separate_stage: bool) -> bool {
    separate_stage || category == "biogenic_removal" || category == "credit"
}

/// Whether an expression is a negative literal: `-5 kgCO2e/t`.
fn negative_literal(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Unary(UnOp::Neg, inner) => {
            matches!(inner.kind, ExprKind::Number(_) | ExprKind::Quantity { .. })
                || literal_quotient(inner)
        }
        ExprKind::Paren(inner) => negative_literal(inner),
        ExprKind::Binary(ast::BinOp::Mul | ast::BinOp::Div, a, b) => {
            negative_literal(a) && is_literal(b) || is_literal(a) && negative_literal(b)
        }
        _ => false,
    }
}

fn is_literal(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Name(_) => true,
        ExprKind::Paren(inner) => is_literal(inner),
        _ => false,
    }
}

fn literal_quotient(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Binary(ast::BinOp::Mul | ast::BinOp::Div, a, b) => {
            is_literal(a) && (is_literal(b) || literal_quotient(b))
                || literal_quotient(a) && is_literal(b)
        }
        ExprKind::Paren(inner) => literal_quotient(inner),
        _ => false,
    }
}

fn needs_parens(e: &ast::Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Binary(ast::BinOp::Add | ast::BinOp::Sub, ..)
            | ExprKind::If(..)
            | ExprKind::Unary(..)
    )
}

/// Check one emission; `typed` is its value when already typed.
#[allow(clippy::too_many_arguments)]
pub(super) fn check_emission(
    checker: &mut Checker,
    e: &ast::EmissionDecl,
    typed: Option<TExpr>,
    stage: &str,
    expected: Option<&Dimension>,
    declared: Option<&DeclaredUnit>,
    previous: &FastMap<&str, Location>,
) -> Option<CheckedEmission> {
    let file = checker.file;
    let mut ok = true;
    if let Some(p) = previous.get(e.name.text.as_str()) {
        let d = checker
            .error(
                Code::DuplicateDefinition,
                e.name.span,
                format!("emission `{}` is declared twice", e.name.text),
                "declared again here",
            )
            .with_label(p.file, p.span, "first declared here")
            .with_note("emission names label results, so each is unique within the rule");
        checker.push(d);
        ok = false;
    }
    let value = match typed {
        Some(value) => value,
        None => checker.expr(&e.value),
    };
    let category = match &e.category {
        Some(c) => match checker.world.categories.get(&c.text) {
            Some(def) => {
                let loc = def.loc;
                checker.reference(c.span, loc);
                c.text.clone()
            }
            None => {
                let d = Diagnostic::unknown(
                    NameKind::Category,
                    &c.text,
                    checker.file,
                    c.span,
                    checker.world.categories.keys().map(String::as_str),
                );
                checker.push(d);
                ok = false;
                c.text.clone()
            }
        },
        None => "fossil".to_string(),
    };
    let separate = checker.world.stages.get(stage).is_some_and(|s| s.separate);
    if !may_be_negative(&category, separate) && negative_literal(&e.value) {
        let d = checker
            .error(Code::NegativeEmission, e.value.span, format!("emission `{}` is negative, but only `biogenic_removal` and `credit`, or a stage reported separately such as `D`, may be negative", e.name.text), "negative value")
            .with_note("the footprint is the sum of declared emissions: offsets and certificates cannot be netted in (ISO 14067)")
            .with_help("declare removals with `as biogenic_removal`, recycling or system-expansion credits with `as credit`, or report benefits beyond the system boundary in module D");
        checker.push(d);
        ok = false;
    }
    if let (Some(expected), Type::Quantity(got)) = (expected, &value.ty) {
        if expected != got {
            emission_dimension_error(checker, e, &value, expected, got, declared);
            ok = false;
        }
    } else if !value.ty.is_error() && expected.is_some() {
        let d = checker.error(
            Code::NotCo2ePerDeclaredUnit,
            e.value.span,
            format!(
                "emission `{}` must be a quantity, found {}",
                e.name.text,
                checker.describe(&value.ty)
            ),
            "not a quantity",
        );
        checker.push(d);
        ok = false;
    }
    if value.ty.is_error() {
        ok = false;
    }
    ok.then(|| CheckedEmission {
        name: e.name.text.clone(),
        stage: stage.to_string(),
        category,
        value,
        doc: e.doc.clone(),
        loc: Location {
            file,
            span: e.name.span,
        },
    })
}

fn emission_dimension_error(
    checker: &mut Checker,
    e: &ast::EmissionDecl,
    value: &TExpr,
    expected: &Dimension,
    got: &Dimension,
    declared: Option<&DeclaredUnit>,
) {
    let world = checker.world;
    let unit_text = declared
        .map(|d| format!("{} {}", fmt_amount(d.amount), d.unit))
        .unwrap_or_default();
    let declared_dim = declared.map(|d| d.dim.clone()).unwrap_or_default();
    let got_text = checker.describe(&value.ty);
    let expected_text = format!(
        "{} (kgCO2e per {})",
        world.dimension_name(expected),
        declared.map(|d| d.unit.clone()).unwrap_or_default()
    );
    let mut d = checker.error(
        Code::NotCo2ePerDeclaredUnit,
        e.value.span,
        format!(
            "emission `{}` is {got_text}, not CO2e per declared unit",
            e.name.text
        ),
        format!("this is {got_text}"),
    );
    d = d.with_note(format!(
        "every emission is CO2e per declared unit (`{unit_text}`): {expected_text}"
    ));
    let missing = expected.div(got);
    if missing.is_some() && missing == Dimension::none().div(&declared_dim) {
        // A plant total: divide by the production quantity.
        let candidates: Vec<String> = checker
            .rule
            .as_ref()
            .map(|r| {
                r.inputs
                    .iter()
                    .filter(|i| matches!(&i.ty, Type::Quantity(dim) if *dim == declared_dim))
                    .map(|i| i.decl.name.text.clone())
                    .collect()
            })
            .unwrap_or_default();
        let dim_name = world.dimension_name(&declared_dim);
        match candidates.first() {
            Some(name) => {
                let source = checker
                    .text
                    .get(e.value.span.range())
                    .unwrap_or("")
                    .to_string();
                let replacement = if needs_parens(&e.value) {
                    format!("({source}) / {name}")
                } else {
                    format!("{source} / {name}")
                };
                d = d
                    .with_help(format!("this looks like a plant total: divide by the production quantity ({dim_name}), e.g. `/ {name}`"))
                    .with_fix(format!("divide by `{name}`"), e.value.span, replacement);
            }
            None => {
                d = d.with_help(format!("this looks like a plant total: divide by the production quantity ({dim_name}), declared as an input"));
            }
        }
    } else if let Some(help) = checker.gas_help(expected, got) {
        d = d.with_help(help);
    } else if let Some(missing) = &missing {
        d = d.with_help(format!(
            "multiply by a quantity of {}",
            world.dimension_name(missing)
        ));
    }
    checker.push(d);
}

fn fmt_amount(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
