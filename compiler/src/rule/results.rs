//! Reported results (`result NAME … [: UNIT] = EXPR`, §11): values reported
//! next to the footprint, never summed into it.
//!
//! Inside a result only, `footprint`, `stage.NAME`, `category.NAME` and
//! `emission.NAME` are values: the reported amounts per declared unit
//! (CO2e). They are bound as locals while the expression is checked, then
//! renumbered to one local per amount ([`CheckedRule::reported`]'s order),
//! which lowering binds to the amounts' nodes.
//!
//! A result is an amount per declared unit: a value whose dimension is the
//! reported dimension per the declared unit's is multiplied by the declared
//! amount; a value that is already an amount is reported as it is. With an
//! annotation the reported dimension is the annotation's (E0203 when the
//! value is neither); without one, a CO2e value is an amount and any other
//! value is per declared unit.
//!
//! [`CheckedRule::reported`]: crate::checked::CheckedRule::reported

use crate::checked::{CheckedResult, DeclaredUnit, ReportedAmount};
use crate::checker::{Checker, Local};
use crate::diagnostic::Code;
use crate::dimension::Dimension;
use crate::types::{FieldDef, Location, RecordType, TExpr, TKind, Type};
use pcr_lang::ast::{self, Clause};
use std::collections::HashMap;
use std::sync::Arc;

/// The words that name reported amounts inside a result, in local order.
const REPORTED_WORDS: [&str; 4] = ["footprint", "stage", "category", "emission"];

/// The amounts a result may read: the footprint, then each stage of the
/// boundary, each category of the world, each emission of the rule.
pub(super) fn reported_amounts(
    stages: &[String],
    categories: &[String],
    emissions: &[(&str, Location)],
) -> Vec<ReportedAmount> {
    let mut out = vec![ReportedAmount::Footprint];
    out.extend(stages.iter().cloned().map(ReportedAmount::Stage));
    out.extend(categories.iter().cloned().map(ReportedAmount::Category));
    out.extend(
        emissions
            .iter()
            .map(|(n, _)| ReportedAmount::Emission((*n).to_string())),
    );
    out
}

/// The world's categories, in declaration order.
pub(super) fn category_names(checker: &Checker) -> Vec<String> {
    let mut categories: Vec<&crate::world::CategoryDef> =
        checker.world.categories.values().collect();
    categories.sort_by_key(|c| (c.loc.file, c.loc.span.start));
    categories.iter().map(|c| c.name.clone()).collect()
}

/// Check every `result` clause of `rule`.
pub(super) fn check_results(
    checker: &mut Checker,
    rule: &ast::Rule,
    reported: &[ReportedAmount],
    declared: Option<&DeclaredUnit>,
) -> Vec<CheckedResult> {
    let mut out: Vec<CheckedResult> = Vec::new();
    let mut seen: HashMap<&str, pcr_lang::Span> = HashMap::new();
    for clause in &rule.clauses {
        let Clause::Result(r) = clause else {
            continue;
        };
        if let Some(first) = seen.get(r.name.text.as_str()) {
            let d = checker
                .error(
                    Code::DuplicateDefinition,
                    r.name.span,
                    format!("result `{}` is declared twice", r.name.text),
                    "second declaration",
                )
                .with_label(checker.file, *first, "first declared here");
            checker.push(d);
            continue;
        }
        seen.insert(&r.name.text, r.name.span);
        if let Some(result) = check_result(checker, rule, r, reported, declared) {
            out.push(result);
        }
    }
    out
}

fn co2e(checker: &Checker) -> Type {
    checker
        .world
        .co2e()
        .map(Dimension::base)
        .map(Type::Quantity)
        .unwrap_or(Type::Error)
}

/// The locals `footprint`, `stage`, `category` and `emission` for a result
/// whose value is at `value`. The language binds them, nobody declares them:
/// their location is the empty span at the start of the value, and the
/// checker records no reference to them (`Checker::name`). Each field's
/// location is the stage's, category's or emission's declaration, so
/// `stage.use` refers to the stage `use`.
fn reported_locals(
    checker: &Checker,
    rule: &ast::Rule,
    reported: &[ReportedAmount],
    value: Location,
) -> [Local; 4] {
    let co2e = co2e(checker);
    let world = checker.world;
    let emission_loc = |name: &str| {
        rule.clauses
            .iter()
            .filter_map(|c| match c {
                Clause::Stage(s) => Some(s),
                _ => None,
            })
            .flat_map(|s| s.emissions.iter())
            .find(|e| e.name.text == name)
            .map(|e| Location {
                file: checker.file,
                span: e.name.span,
            })
    };
    let declared_at = |amount: &ReportedAmount| match amount {
        ReportedAmount::Stage(s) => world.stages.get(s).map(|d| d.loc),
        ReportedAmount::Category(c) => world.categories.get(c).map(|d| d.loc),
        ReportedAmount::Emission(e) => emission_loc(e),
        ReportedAmount::Footprint => None,
    };
    let record = |pick: &dyn Fn(&ReportedAmount) -> Option<&String>| {
        Type::Record(Arc::new(RecordType {
            fields: reported
                .iter()
                .filter_map(|a| pick(a).map(|name| (a, name)))
                .map(|(amount, name)| FieldDef {
                    name: name.clone(),
                    ty: co2e.clone(),
                    unit: None,
                    loc: declared_at(amount).unwrap_or(value),
                })
                .collect(),
        }))
    };
    let loc = value;
    let local = |name: &str, ty: Type| Local {
        name: name.to_string(),
        ty,
        loc,
    };
    [
        local(REPORTED_WORDS[0], co2e.clone()),
        local(
            REPORTED_WORDS[1],
            record(&|a| match a {
                ReportedAmount::Stage(s) => Some(s),
                _ => None,
            }),
        ),
        local(
            REPORTED_WORDS[2],
            record(&|a| match a {
                ReportedAmount::Category(s) => Some(s),
                _ => None,
            }),
        ),
        local(
            REPORTED_WORDS[3],
            record(&|a| match a {
                ReportedAmount::Emission(s) => Some(s),
                _ => None,
            }),
        ),
    ]
}

fn check_result(
    checker: &mut Checker,
    rule: &ast::Rule,
    r: &ast::ResultDecl,
    reported: &[ReportedAmount],
    declared: Option<&DeclaredUnit>,
) -> Option<CheckedResult> {
    let loc = Location {
        file: checker.file,
        span: r.name.span,
    };
    let annotation = r.ty.as_ref().map(|t| {
        let mut diags = Vec::new();
        let (ty, unit) = checker.world.resolve_type(t, checker.file, &mut diags);
        for d in diags {
            checker.push(d);
        }
        (ty, unit, t.span)
    });
    let base = checker.locals.len();
    let saved = std::mem::take(&mut checker.locals);
    checker.locals = saved.clone();
    let value_start = Location {
        file: checker.file,
        span: pcr_lang::Span::new(r.value.span.start as usize, r.value.span.start as usize),
    };
    checker
        .locals
        .extend(reported_locals(checker, rule, reported, value_start));
    let mut value = checker.expr(&r.value);
    checker.locals = saved;
    if value.ty.is_error() {
        return None;
    }
    let declared = declared?;
    let Type::Quantity(dim) = value.ty.clone() else {
        let found = checker.describe(&value.ty);
        let d = checker.error(
            Code::TypeError,
            r.value.span,
            format!(
                "result `{}` is {found}, but a result is a quantity",
                r.name.text
            ),
            format!("this is {found}"),
        );
        checker.push(d);
        return None;
    };
    let per_unit_of = |d: &Dimension| d.div(&declared.dim);
    let (per_declared_unit, reported_dim, unit) = match annotation {
        Some((Type::Error, _, _)) => return None,
        Some((Type::Quantity(want), unit, span)) => {
            let unit = unit.map(|(factor, text)| (text, factor.to_f64()));
            if want == dim {
                (false, want, unit)
            } else if per_unit_of(&want).as_ref() == Some(&dim) {
                (true, want, unit)
            } else {
                let world = checker.world;
                let d = checker
                    .error(
                        Code::DeclaredTypeMismatch,
                        r.value.span,
                        format!(
                            "result `{}` is declared {}, but the value is {}",
                            r.name.text,
                            world.dimension_name(&want),
                            world.dimension_name(&dim)
                        ),
                        format!("this is {}", world.dimension_name(&dim)),
                    )
                    .with_label(checker.file, span, "the unit of the reported amount")
                    .with_help(format!(
                        "a result is an amount ({}) or an amount per declared unit ({} per {})",
                        world.dimension_name(&want),
                        world.dimension_name(&want),
                        declared.unit
                    ));
                checker.push(d);
                return None;
            }
        }
        Some((other, _, span)) => {
            let found = checker.describe(&other);
            let d = checker.error(
                Code::TypeError,
                span,
                format!(
                    "the unit of result `{}` is {found}, not a unit",
                    r.name.text
                ),
                "not a unit",
            );
            checker.push(d);
            return None;
        }
        None => {
            if Type::Quantity(dim.clone()) == co2e(checker) {
                (false, dim, None)
            } else {
                let Some(amount) = dim.mul(&declared.dim) else {
                    checker.push(crate::dimension::overflow(checker.file, r.value.span));
                    return None;
                };
                (true, amount, None)
            }
        }
    };
    renumber(&mut value, base, reported);
    Some(CheckedResult {
        name: r.name.text.clone(),
        zh: r.zh.as_ref().map(|s| s.value.clone()),
        en: r.en.as_ref().map(|s| s.value.clone()),
        doc: r.doc.clone(),
        value,
        per_declared_unit,
        dim: reported_dim,
        unit,
        loc,
    })
}

/// Renumber the locals of a checked result: `footprint` and each field of
/// `stage`, `category` and `emission` (locals `base..base + 4`) become one
/// local per reported amount (`base..base + reported.len()`), and the
/// locals above them (`sum` variables) move up to follow.
fn renumber(e: &mut TExpr, base: usize, reported: &[ReportedAmount]) {
    let count = |f: fn(&ReportedAmount) -> bool| reported.iter().filter(|a| f(a)).count();
    let stages = count(|a| matches!(a, ReportedAmount::Stage(_)));
    let categories = count(|a| matches!(a, ReportedAmount::Category(_)));
    let offsets = [0, 1, 1 + stages, 1 + stages + categories];
    let shift = reported.len();
    renumber_in(e, base, &offsets, shift);
}

fn renumber_in(e: &mut TExpr, base: usize, offsets: &[usize; 4], shift: usize) {
    let reported_field = match &e.kind {
        TKind::Field(inner, field) => match inner.kind {
            TKind::Local(i) if (base + 1..base + 4).contains(&i) => {
                offsets.get(i - base).map(|o| base + o + field)
            }
            _ => None,
        },
        _ => None,
    };
    if let Some(local) = reported_field {
        e.kind = TKind::Local(local);
        return;
    }
    match &mut e.kind {
        TKind::Local(i) if *i >= base + 4 => *i = *i - 4 + shift,
        TKind::Field(a, _) | TKind::Unary(_, a) | TKind::Pow(a, _) | TKind::Row(_, a) => {
            renumber_in(a, base, offsets, shift)
        }
        TKind::Binary(_, ab) => {
            renumber_in(&mut ab.0, base, offsets, shift);
            renumber_in(&mut ab.1, base, offsets, shift);
        }
        TKind::Sum(a, b) => {
            renumber_in(a, base, offsets, shift);
            renumber_in(b, base, offsets, shift);
        }
        TKind::If(a, b, c) => {
            renumber_in(a, base, offsets, shift);
            renumber_in(b, base, offsets, shift);
            renumber_in(c, base, offsets, shift);
        }
        TKind::Match(a, arms) => {
            renumber_in(a, base, offsets, shift);
            for (_, arm) in arms {
                renumber_in(arm, base, offsets, shift);
            }
        }
        TKind::Call(_, args) | TKind::Builtin(_, args) | TKind::List(args) => {
            for a in args {
                renumber_in(a, base, offsets, shift);
            }
        }
        TKind::Record(fields) => {
            for (_, f) in fields {
                renumber_in(f, base, offsets, shift);
            }
        }
        TKind::Const(_)
        | TKind::Bool(_)
        | TKind::Text(_)
        | TKind::Variant(..)
        | TKind::Input(_)
        | TKind::Factor(_)
        | TKind::Let(_)
        | TKind::GlobalConst(_)
        | TKind::Local(_)
        | TKind::Error => {}
    }
}
