//! Lowering: a checked rule becomes a self-contained calculation plan, with
//! unit factors folded into canonical `f64` and a DAG of operations.

use crate::analysis::Analysis;
use crate::checked::{
    CheckedExpect, CheckedFactorValue, CheckedRule, ExpectWhat, ReportedAmount, Tolerance,
};
use crate::dimension::Dimension;
use crate::types::{ConstValue, Type};
use pcr_plan::format as plan;
use std::collections::BTreeMap;

mod expressions;

use expressions::Lowerer;

/// Why a checked rule could not be lowered (the rule has errors, or uses a
/// construct plans cannot express).
#[derive(Debug, Clone, PartialEq)]
pub struct LowerError {
    pub message: String,
    pub span: pcr_lang::Span,
}

/// A dimension as plans write it. Plans keep exponents as 64-bit ratios: an
/// exponent beyond them is refused (never written as another exponent).
pub fn plan_dimension(
    analysis: &Analysis,
    dim: &Dimension,
) -> Result<pcr_plan::dimension::Dimension, String> {
    let mut map = BTreeMap::new();
    for (base, e) in dim.factors() {
        let Some(name) = analysis.world.bases.get(base as usize).map(|b| &b.name) else {
            return Err(format!("internal: base dimension {base} is not declared"));
        };
        if !e.fits_64_bits() {
            return Err(format!(
                "the exponent {e} of `{name}` in {} is too large for a plan (at most 64-bit ratios)",
                analysis.world.dimension_name(dim)
            ));
        }
        map.insert(name.clone(), e);
    }
    Ok(pcr_plan::dimension::Dimension(map))
}

fn input_kind(
    analysis: &Analysis,
    ty: &Type,
    unit: Option<&(String, f64)>,
) -> Result<plan::InputKind, String> {
    Ok(match ty {
        Type::Quantity(d) if d.is_none() && unit.is_none_or(|u| u.0 == "1") => {
            plan::InputKind::Ratio
        }
        Type::Quantity(d) => plan::InputKind::Quantity {
            dimension: plan_dimension(analysis, d)?,
            unit: unit
                .map(|u| u.0.clone())
                .unwrap_or_else(|| analysis.world.canonical_unit(d)),
            factor: unit.map(|u| u.1).unwrap_or(1.0),
        },
        Type::Bool => plan::InputKind::Bool,
        Type::Enum(i) => {
            let Some(def) = analysis.world.enums.get(*i) else {
                return Err(format!("internal: enum {i} is not declared"));
            };
            plan::InputKind::Enum {
                name: def.name.clone(),
                variants: def.variants.iter().map(|v| v.name.clone()).collect(),
            }
        }
        Type::List(r) | Type::Record(r) => plan::InputKind::List {
            fields: r
                .fields
                .iter()
                .map(|f| {
                    Ok(plan::ListField {
                        name: f.name.clone(),
                        kind: input_kind(
                            analysis,
                            &f.ty,
                            f.unit.as_ref().map(|u| (u.text.clone(), u.factor)).as_ref(),
                        )?,
                    })
                })
                .collect::<Result<_, String>>()?,
        },
        Type::Text => plan::InputKind::Text,
        Type::Error => return Err("internal: a value with errors".to_string()),
    })
}

/// A constant as plans write it (`given` values, input defaults).
fn plan_value(analysis: &Analysis, v: &ConstValue, ty: &Type) -> Result<plan::Value, String> {
    Ok(match v {
        ConstValue::Number(n) => plan::Value::Number(*n),
        ConstValue::Bool(b) => plan::Value::Bool(*b),
        ConstValue::Text(t) => plan::Value::Text(t.clone()),
        ConstValue::Variant(e, i) => {
            let Some(variant) = analysis
                .world
                .enums
                .get(*e)
                .and_then(|d| d.variants.get(*i))
            else {
                return Err(format!("internal: variant {i} of enum {e} is not declared"));
            };
            plan::Value::Text(variant.name.clone())
        }
        ConstValue::List(items) => {
            let Type::List(record) = ty else {
                return Err("internal: a list value for a value that is not a list".to_string());
            };
            let mut rows = Vec::with_capacity(items.len());
            for item in items {
                let ConstValue::Record(fields) = item else {
                    return Err("internal: a list element that is not a record".to_string());
                };
                let mut map = BTreeMap::new();
                for (i, fv) in fields {
                    let Some(f) = record.fields.get(*i) else {
                        return Err(format!("internal: field {i} is not declared"));
                    };
                    map.insert(f.name.clone(), plan_value(analysis, fv, &f.ty)?);
                }
                rows.push(map);
            }
            plan::Value::List(rows)
        }
        ConstValue::Record(_) => {
            return Err("internal: a record outside a list".to_string());
        }
    })
}

pub use crate::source::sha256_hex;

/// Lower one checked rule of an analysis into a plan. The rule's file is
/// hashed once per analysis, however many of its rules are lowered.
pub fn lower(analysis: &Analysis, rule: &CheckedRule) -> Result<plan::Plan, LowerError> {
    lower_with_source_hash(analysis, rule, analysis.files.sha256(rule.file))
}

/// [`lower`], with the SHA-256 of the rule's file given.
pub fn lower_with_source_hash(
    analysis: &Analysis,
    rule: &CheckedRule,
    source_sha256: &str,
) -> Result<plan::Plan, LowerError> {
    let at = |message: &str| at_rule(rule, message);
    if rule.has_errors {
        return Err(at("the rule has errors"));
    }
    let declared = rule
        .declared
        .clone()
        .ok_or_else(|| at("the rule has no declared unit"))?;
    let cutoff = rule
        .cutoff
        .ok_or_else(|| at("the rule has no cut-off criteria"))?;
    let mut l = Lowerer::new(analysis, rule);
    let emissions = lower_emissions(&mut l, rule)?;
    let results = lower_results(&mut l, analysis, rule, &emissions, declared.canonical)?;
    let checked_values = lower_checked_values(&mut l, rule)?;
    let units = unit_table(analysis);
    let inputs = lower_inputs(analysis, rule)?;
    let factors = lower_factors(analysis, rule)?;
    let stages = lower_stages(analysis, rule);
    let categories = category_names(analysis);
    let examples = lower_examples(analysis, rule)?;
    let plan = plan::Plan {
        format: plan::FormatVersion,
        rule: rule_info(rule, source_sha256, cutoff),
        declared_unit: plan::DeclaredUnit {
            amount: declared.amount,
            unit: declared.unit.clone(),
            dimension: plan_dimension(analysis, &declared.dim)
                .map_err(|m| at(&format!("the declared unit: {m}")))?,
            canonical: declared.canonical,
        },
        units,
        inputs,
        factors,
        nodes: l.outer,
        stages,
        exclusions: lower_exclusions(rule),
        emissions,
        categories,
        results,
        checked_values,
        grades: lower_grades(rule),
        examples,
    };
    plan.validate()
        .map_err(|e| at(&format!("internal: the lowered plan is invalid: {e}")))?;
    Ok(plan)
}

/// An error at the rule's name.
fn at_rule(rule: &CheckedRule, message: &str) -> LowerError {
    LowerError {
        message: message.to_string(),
        span: rule.name_span,
    }
}

/// An error at a declaration (an input or factor), naming it.
fn at_declaration(loc: &crate::types::Location, what: &str, message: String) -> LowerError {
    LowerError {
        message: format!("{what}: {message}"),
        span: loc.span,
    }
}

/// The rule's name, version, titles, standard, boundary, GWP set,
/// allocation and cut-off criteria.
fn rule_info(rule: &CheckedRule, source_sha256: &str, cutoff: (f64, f64)) -> plan::RuleInfo {
    plan::RuleInfo {
        name: rule.name.clone(),
        version: rule.version.clone().unwrap_or_default(),
        title: rule.title.clone().unwrap_or_default(),
        title_en: rule.title_en.clone().unwrap_or_default(),
        standard: rule.standard.clone(),
        source_sha256: source_sha256.to_string(),
        boundary: rule.boundary.clone().unwrap_or_default(),
        gwp: rule.gwp.clone().unwrap_or_default(),
        allocation: rule
            .allocation
            .as_ref()
            .map(|(kind, reason)| plan::Allocation {
                kind: kind.clone(),
                reason: reason.clone().unwrap_or_default(),
            }),
        cutoff: plan::Cutoff {
            item: cutoff.0,
            total: cutoff.1,
        },
    }
}

/// Each emission's value, lowered to an outer node.
fn lower_emissions(l: &mut Lowerer, rule: &CheckedRule) -> Result<Vec<plan::Emission>, LowerError> {
    let mut emissions = Vec::new();
    for e in &rule.emissions {
        let node = l.lower_outer(&e.value)?;
        emissions.push(plan::Emission {
            name: e.name.clone(),
            stage: e.stage.clone(),
            category: e.category.clone(),
            node,
        });
    }
    Ok(emissions)
}

/// An outer node, constants shared.
fn push_node(l: &mut Lowerer, node: plan::Node) -> usize {
    if let plan::Node::Const { value } = node {
        if let Some(i) = l.outer.iter().position(
            |n| matches!(n, plan::Node::Const { value: v } if v.to_bits() == value.to_bits()),
        ) {
            return i;
        }
    }
    l.outer.push(node);
    l.outer.len() - 1
}

/// The sum of some emissions' reported amounts (kgCO2e per declared unit):
/// each emission's node times the declared amount.
fn reported_sum(l: &mut Lowerer, nodes: &[usize], declared: f64) -> usize {
    let scale = push_node(l, plan::Node::Const { value: declared });
    let mut total: Option<usize> = None;
    for &n in nodes {
        let amount = push_node(l, plan::Node::Mul { a: n, b: scale });
        total = Some(match total {
            Some(t) => push_node(l, plan::Node::Add { a: t, b: amount }),
            None => amount,
        });
    }
    total.unwrap_or_else(|| push_node(l, plan::Node::Const { value: 0.0 }))
}

/// The rule's results: the reported amounts they read bound to nodes
/// (footprint and categories over the stages counted in the footprint),
/// each result scaled by the declared amount when it is per declared unit,
/// and converted to its unit.
fn lower_results(
    l: &mut Lowerer,
    analysis: &Analysis,
    rule: &CheckedRule,
    emissions: &[plan::Emission],
    declared: f64,
) -> Result<Vec<plan::ReportedResult>, LowerError> {
    if rule.results.is_empty() {
        return Ok(Vec::new());
    }
    let counted = |e: &plan::Emission| {
        !analysis
            .world
            .stages
            .get(&e.stage)
            .is_some_and(|s| s.separate)
    };
    let mut bound = Vec::with_capacity(rule.reported.len());
    for amount in &rule.reported {
        let nodes: Vec<usize> = emissions
            .iter()
            .filter(|e| match amount {
                ReportedAmount::Footprint => counted(e),
                ReportedAmount::Stage(s) => &e.stage == s,
                ReportedAmount::Category(c) => &e.category == c && counted(e),
                ReportedAmount::Emission(n) => &e.name == n,
            })
            .map(|e| e.node)
            .collect();
        bound.push(reported_sum(l, &nodes, declared));
    }
    let mut out = Vec::with_capacity(rule.results.len());
    for r in &rule.results {
        let at = |m: String| at_declaration(&r.loc, &format!("result `{}`", r.name), m);
        let mut node = l.lower_outer_bound(&r.value, &bound)?;
        if r.per_declared_unit {
            let scale = push_node(l, plan::Node::Const { value: declared });
            node = push_node(l, plan::Node::Mul { a: node, b: scale });
        }
        let (unit, factor) = match &r.unit {
            Some((text, factor)) => (text.clone(), *factor),
            None => (analysis.world.canonical_unit(&r.dim), 1.0),
        };
        if factor != 1.0 {
            let f = push_node(l, plan::Node::Const { value: factor });
            node = push_node(l, plan::Node::Div { a: node, b: f });
        }
        out.push(plan::ReportedResult {
            name: r.name.clone(),
            title_zh: r.zh.clone(),
            title_en: r.en.clone(),
            unit,
            dimension: plan_dimension(analysis, &r.dim).map_err(at)?,
            node,
        });
    }
    Ok(out)
}

/// The `let`s that examples check (`expect value NAME`), once each.
fn lower_checked_values(
    l: &mut Lowerer,
    rule: &CheckedRule,
) -> Result<Vec<plan::CheckedValue>, LowerError> {
    let mut out: Vec<plan::CheckedValue> = Vec::new();
    let checked = rule
        .examples
        .iter()
        .flat_map(|x| &x.expects)
        .filter_map(|e| match &e.what {
            ExpectWhat::Value(name, i) => Some((name, *i, e.span)),
            _ => None,
        });
    for (name, i, span) in checked {
        if out.iter().any(|v| &v.name == name) {
            continue;
        }
        let Some(Some(value)) = rule.lets.get(i) else {
            return Err(LowerError {
                message: format!("`{name}` has errors"),
                span,
            });
        };
        let at_let = crate::types::TExpr {
            kind: crate::types::TKind::Let(i),
            ty: value.ty.clone(),
            span,
        };
        let node = l.lower_outer(&at_let)?;
        out.push(plan::CheckedValue {
            name: name.clone(),
            node,
        });
    }
    Ok(out)
}

/// Every unit of the world, by name, with its factor to canonical units.
fn unit_table(analysis: &Analysis) -> pcr_plan::dimension::UnitTable {
    let mut units = pcr_plan::dimension::UnitTable::new();
    let mut unit_names: Vec<&String> = analysis.world.units.keys().collect();
    unit_names.sort();
    for name in unit_names {
        let u = &analysis.world.units[name];
        // A unit whose dimension a plan cannot write is left out of the
        // table: data in that unit is then refused as an unknown unit.
        if let Ok(dim) = plan_dimension(analysis, &u.dim) {
            units.insert(name, u.factor.to_f64(), dim);
        }
    }
    units
}

/// The rule's inputs, with their kinds and defaults.
fn lower_inputs(analysis: &Analysis, rule: &CheckedRule) -> Result<Vec<plan::Input>, LowerError> {
    rule.inputs
        .iter()
        .map(|i| {
            let at = |m| at_declaration(&i.loc, &format!("input `{}`", i.name), m);
            Ok(plan::Input {
                name: i.name.clone(),
                doc: i.doc.clone(),
                kind: input_kind(analysis, &i.ty, i.unit.as_ref()).map_err(at)?,
                default: i
                    .default
                    .as_ref()
                    .map(|v| plan_value(analysis, v, &i.ty))
                    .transpose()
                    .map_err(at)?,
            })
        })
        .collect()
}

/// The rule's factors, with their dimensions, units and values.
fn lower_factors(analysis: &Analysis, rule: &CheckedRule) -> Result<Vec<plan::Factor>, LowerError> {
    rule.factors
        .iter()
        .map(|f| {
            let at = |m| at_declaration(&f.loc, &format!("factor `{}`", f.name), m);
            let Some(dim) = f.ty.dimension().cloned() else {
                return Err(at("internal: a factor is a quantity".to_string()));
            };
            let dimension = plan_dimension(analysis, &dim).map_err(at)?;
            Ok(plan::Factor {
                name: f.name.clone(),
                doc: f.doc.clone(),
                unit: f
                    .unit
                    .as_ref()
                    .map(|u| u.0.clone())
                    .unwrap_or_else(|| analysis.world.canonical_unit(&dim)),
                dimension,
                factor: f.unit.as_ref().map(|u| u.1).unwrap_or(1.0),
                value: match &f.value {
                    CheckedFactorValue::Literal { canonical, in_unit } => {
                        plan::FactorValue::Literal {
                            value: *canonical,
                            value_in_unit: *in_unit,
                            source: f.source.clone(),
                        }
                    }
                    CheckedFactorValue::Db { key } => plan::FactorValue::Db { key: key.clone() },
                },
            })
        })
        .collect()
}

/// The stages of the rule's boundary, with their titles.
fn lower_stages(analysis: &Analysis, rule: &CheckedRule) -> Vec<plan::Stage> {
    rule.boundary_stages
        .iter()
        .map(|s| {
            let def = analysis.world.stages.get(s);
            plan::Stage {
                name: s.clone(),
                title_zh: def.and_then(|d| d.zh.clone()).unwrap_or_default(),
                title_en: def.and_then(|d| d.en.clone()).unwrap_or_default(),
                in_footprint: !def.is_some_and(|d| d.separate),
            }
        })
        .collect()
}

/// The names of the world's impact categories, in declaration order.
fn category_names(analysis: &Analysis) -> Vec<String> {
    let mut categories: Vec<&crate::world::CategoryDef> =
        analysis.world.categories.values().collect();
    categories.sort_by_key(|c| (c.loc.file, c.loc.span.start));
    categories.iter().map(|c| c.name.clone()).collect()
}

/// The rule's exclusions.
fn lower_exclusions(rule: &CheckedRule) -> Vec<plan::Exclusion> {
    rule.exclusions
        .iter()
        .map(|x| plan::Exclusion {
            name: x.name.clone(),
            reason: x.reason.clone(),
            share: x.share,
            stage: x.is_stage,
        })
        .collect()
}

/// The rule's grade classes, when it grades.
fn lower_grades(rule: &CheckedRule) -> Option<plan::Grades> {
    rule.otherwise.as_ref().map(|o| plan::Grades {
        classes: rule
            .grades
            .iter()
            .map(|(name, max)| plan::GradeClass {
                name: name.clone(),
                max: *max,
            })
            .collect(),
        otherwise: o.clone(),
    })
}

/// The rule's examples, with their `given` values and expectations.
fn lower_examples(
    analysis: &Analysis,
    rule: &CheckedRule,
) -> Result<Vec<plan::Example>, LowerError> {
    rule.examples
        .iter()
        .map(|x| {
            let at_example = |m: String| LowerError {
                message: format!("example `{}`: {m}", x.name),
                span: x.span,
            };
            Ok(plan::Example {
                name: x.name.clone(),
                given: x
                    .givens
                    .iter()
                    .map(|(name, v)| {
                        let ty = given_type(rule, name).ok_or_else(|| {
                            at_example(format!("internal: `{name}` is not an input or factor"))
                        })?;
                        Ok((
                            name.clone(),
                            plan_value(analysis, v, &ty).map_err(at_example)?,
                        ))
                    })
                    .collect::<Result<_, LowerError>>()?,
                expects: x.expects.iter().map(expectation).collect(),
            })
        })
        .collect()
}

/// The type of the input or factor an example's `given` names.
fn given_type(rule: &CheckedRule, name: &str) -> Option<Type> {
    rule.inputs
        .iter()
        .find(|i| i.name == name)
        .map(|i| i.ty.clone())
        .or_else(|| {
            rule.factors
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.ty.clone())
        })
}

fn expectation(e: &CheckedExpect) -> plan::Expectation {
    plan::Expectation {
        target: match &e.what {
            ExpectWhat::Footprint => plan::Target::Footprint,
            ExpectWhat::Stage(s) => plan::Target::Stage(s.clone()),
            ExpectWhat::Emission(s) => plan::Target::Emission(s.clone()),
            ExpectWhat::Category(s) => plan::Target::Category(s.clone()),
            ExpectWhat::Grade => plan::Target::Grade,
            ExpectWhat::Result(s) => plan::Target::Result(s.clone()),
            ExpectWhat::Value(s, _) => plan::Target::Value(s.clone()),
        },
        value: match &e.value {
            Ok(v) => plan::Expected::Number(*v),
            Err(g) => plan::Expected::Grade(g.clone()),
        },
        tolerance: match e.tolerance {
            Some(Tolerance::Relative(r)) => plan::Tolerance::Relative(r),
            Some(Tolerance::Absolute(a)) => plan::Tolerance::Absolute(a),
            None => plan::Tolerance::default(),
        },
    }
}
