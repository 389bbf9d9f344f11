//! Lowering: a checked rule becomes a self-contained calculation plan, with
//! unit factors folded into canonical `f64` and a DAG of operations.

use crate::analysis::Analysis;
use crate::checked::{CheckedExpect, CheckedFactorValue, CheckedRule, ExpectWhat, Tolerance};
use crate::dimension::Dimension;
use crate::types::{Builtin, ConstValue, FnRef, TExpr, TKind, Type};
use pcr_lang::ast::{BinOp, UnOp};
use pcr_plan::format as plan;
use std::collections::{BTreeMap, HashMap};

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

#[derive(Clone, Copy, Debug, PartialEq)]
enum NodeRef {
    Outer(usize),
    Body(usize),
}

/// A rule `let` or a top-level constant, lowered once to an outer node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Named {
    Let(usize),
    Const(usize),
}

/// The `let`s and constants an expression names directly, in order.
fn named_in(e: &TExpr) -> Vec<Named> {
    fn walk(e: &TExpr, out: &mut Vec<Named>) {
        match &e.kind {
            TKind::Let(i) => out.push(Named::Let(*i)),
            TKind::GlobalConst(i) => out.push(Named::Const(*i)),
            _ => e.for_each_child(&mut |c| walk(c, out)),
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    out
}

#[derive(Clone, Copy, Debug)]
enum Binding {
    Value(NodeRef),
    Element,
}

struct Lowerer<'a> {
    analysis: &'a Analysis,
    rule: &'a CheckedRule,
    outer: Vec<plan::Node>,
    body: Option<Vec<plan::Node>>,
    /// Outer nodes already referenced from the current body.
    outer_in_body: HashMap<usize, usize>,
    lets: HashMap<usize, usize>,
    consts: HashMap<usize, usize>,
    consts_outer: HashMap<u64, usize>,
    depth: usize,
}

impl<'a> Lowerer<'a> {
    fn new(analysis: &'a Analysis, rule: &'a CheckedRule) -> Self {
        Lowerer {
            analysis,
            rule,
            outer: Vec::new(),
            body: None,
            outer_in_body: HashMap::new(),
            lets: HashMap::new(),
            consts: HashMap::new(),
            consts_outer: HashMap::new(),
            depth: 0,
        }
    }

    fn err<T>(&self, e: &TExpr, message: impl Into<String>) -> Result<T, LowerError> {
        Err(LowerError {
            message: message.into(),
            span: e.span,
        })
    }

    fn emit_outer(&mut self, node: plan::Node) -> NodeRef {
        if let plan::Node::Const { value } = node {
            let key = value.to_bits();
            if let Some(i) = self.consts_outer.get(&key) {
                return NodeRef::Outer(*i);
            }
            self.outer.push(node);
            self.consts_outer.insert(key, self.outer.len() - 1);
            return NodeRef::Outer(self.outer.len() - 1);
        }
        self.outer.push(node);
        NodeRef::Outer(self.outer.len() - 1)
    }

    fn emit_body(&mut self, node: plan::Node) -> NodeRef {
        NodeRef::Body(self.push_body(node))
    }

    fn push_body(&mut self, node: plan::Node) -> usize {
        let body = self.body.get_or_insert_with(Vec::new);
        body.push(node);
        body.len() - 1
    }

    /// An index usable in the list where a node combining `refs` goes.
    fn place(&mut self, r: NodeRef, in_body: bool) -> usize {
        match (r, in_body) {
            (NodeRef::Outer(i), false) | (NodeRef::Body(i), true) => i,
            (NodeRef::Outer(i), true) => {
                if let Some(j) = self.outer_in_body.get(&i) {
                    return *j;
                }
                let j = self.push_body(plan::Node::Outer { node: i });
                self.outer_in_body.insert(i, j);
                j
            }
            (NodeRef::Body(i), false) => i,
        }
    }

    fn combine(&mut self, refs: &[NodeRef], make: impl FnOnce(&[usize]) -> plan::Node) -> NodeRef {
        let in_body = refs.iter().any(|r| matches!(r, NodeRef::Body(_)));
        let idx: Vec<usize> = refs.iter().map(|r| self.place(*r, in_body)).collect();
        let node = make(&idx);
        if in_body {
            self.emit_body(node)
        } else {
            self.emit_outer(node)
        }
    }

    fn lower(&mut self, e: &TExpr, env: &[Binding]) -> Result<NodeRef, LowerError> {
        Ok(match &e.kind {
            TKind::Const(v) => self.emit_outer(plan::Node::Const { value: *v }),
            TKind::Bool(b) => self.emit_outer(plan::Node::Const {
                value: if *b { 1.0 } else { 0.0 },
            }),
            TKind::Variant(_, v) => self.emit_outer(plan::Node::EnumConst { variant: *v }),
            TKind::Text(_) => return self.err(e, "text cannot be computed with"),
            TKind::Input(i) => {
                if matches!(self.rule.inputs.get(*i).map(|x| &x.ty), Some(Type::List(_))) {
                    return self.err(e, "a list input can only be summed over with `sum`");
                }
                self.emit_outer(plan::Node::Input { input: *i })
            }
            TKind::Factor(i) => self.emit_outer(plan::Node::Factor { factor: *i }),
            TKind::Let(i) => NodeRef::Outer(self.lower_named(Named::Let(*i), e)?),
            TKind::GlobalConst(i) => NodeRef::Outer(self.lower_named(Named::Const(*i), e)?),
            TKind::Local(i) => match env.get(*i) {
                Some(Binding::Value(r)) => *r,
                Some(Binding::Element) => {
                    return self.err(e, "a list element is used only through its fields")
                }
                None => return self.err(e, "internal: unbound local"),
            },
            TKind::Field(base, field) => match (&base.kind, env) {
                (TKind::Local(i), env) if matches!(env.get(*i), Some(Binding::Element)) => {
                    self.emit_body(plan::Node::Field { field: *field })
                }
                _ => return self.err(e, "fields are read from the element of a `sum`"),
            },
            TKind::Unary(op, a) => {
                let a = self.lower(a, env)?;
                match op {
                    UnOp::Neg => self.combine(&[a], |x| plan::Node::Neg { a: x[0] }),
                    UnOp::Not => self.combine(&[a], |x| plan::Node::Not { a: x[0] }),
                }
            }
            TKind::Binary(op, ab) => {
                let make: fn(usize, usize) -> plan::Node = match op {
                    BinOp::Add => |a, b| plan::Node::Add { a, b },
                    BinOp::Sub => |a, b| plan::Node::Sub { a, b },
                    BinOp::Mul => |a, b| plan::Node::Mul { a, b },
                    BinOp::Div => |a, b| plan::Node::Div { a, b },
                    BinOp::Lt => |a, b| plan::Node::Lt { a, b },
                    BinOp::Le => |a, b| plan::Node::Le { a, b },
                    BinOp::Gt => |a, b| plan::Node::Gt { a, b },
                    BinOp::Ge => |a, b| plan::Node::Ge { a, b },
                    BinOp::Eq => |a, b| plan::Node::Eq { a, b },
                    BinOp::Ne => |a, b| plan::Node::Ne { a, b },
                    BinOp::And => |a, b| plan::Node::And { a, b },
                    BinOp::Or => |a, b| plan::Node::Or { a, b },
                    // The checker types `^` as `TKind::Pow`, with its literal exponent.
                    BinOp::Pow => {
                        return self.err(e, "internal: a power without its literal exponent")
                    }
                };
                let a = self.lower(&ab.0, env)?;
                let b = self.lower(&ab.1, env)?;
                self.combine(&[a, b], |x| make(x[0], x[1]))
            }
            TKind::Pow(a, p) => {
                let a = self.lower(a, env)?;
                let exponent = *p;
                self.combine(&[a], |x| plan::Node::Pow {
                    base: x[0],
                    exponent,
                })
            }
            TKind::If(c, a, b) => {
                let c = self.lower(c, env)?;
                let a = self.lower(a, env)?;
                let b = self.lower(b, env)?;
                self.combine(&[c, a, b], |x| plan::Node::If {
                    cond: x[0],
                    then: x[1],
                    otherwise: x[2],
                })
            }
            TKind::Match(s, arms) => {
                let mut refs = vec![self.lower(s, env)?];
                let mut variants = Vec::new();
                let mut default_at = None;
                for (v, value) in arms {
                    let r = self.lower(value, env)?;
                    match v {
                        Some(v) => variants.push(*v),
                        None => default_at = Some(refs.len()),
                    }
                    refs.push(r);
                }
                self.combine(&refs, |x| {
                    let mut arms = Vec::new();
                    let mut k = 1;
                    let mut vi = 0;
                    let mut default = None;
                    while k < x.len() {
                        if Some(k) == default_at {
                            default = Some(x[k]);
                        } else {
                            arms.push(plan::MatchArm {
                                variant: variants[vi],
                                node: x[k],
                            });
                            vi += 1;
                        }
                        k += 1;
                    }
                    plan::Node::Match {
                        scrutinee: x[0],
                        arms,
                        default,
                    }
                })
            }
            TKind::Sum(list, body) => {
                let TKind::Input(list_input) = list.kind else {
                    return self.err(list, "`sum` goes over a list input of the rule");
                };
                if self.body.is_some() {
                    return self.err(
                        e,
                        "a `sum` inside another `sum` cannot be expressed in a plan yet",
                    );
                }
                self.body = Some(Vec::new());
                self.outer_in_body.clear();
                let mut inner_env = env.to_vec();
                inner_env.push(Binding::Element);
                let r = self.lower(body, &inner_env);
                let nodes = self.body.take().unwrap_or_default();
                self.outer_in_body.clear();
                let r = r?;
                let (nodes, result) = match r {
                    NodeRef::Body(i) => (nodes, i),
                    NodeRef::Outer(i) => {
                        // The body does not depend on the element: sum of a constant.
                        let mut nodes = nodes;
                        nodes.push(plan::Node::Outer { node: i });
                        let n = nodes.len() - 1;
                        (nodes, n)
                    }
                };
                self.emit_outer(plan::Node::Sum {
                    list: list_input,
                    body: nodes,
                    result,
                })
            }
            TKind::Builtin(b, args) => {
                let refs: Vec<NodeRef> = args
                    .iter()
                    .map(|a| self.lower(a, env))
                    .collect::<Result<_, _>>()?;
                match b {
                    Builtin::Abs => self.combine(&refs[..1], |x| plan::Node::Abs { a: x[0] }),
                    Builtin::Min | Builtin::Max => {
                        let mut acc = refs[0];
                        for r in &refs[1..] {
                            let is_min = *b == Builtin::Min;
                            acc = self.combine(&[acc, *r], |x| {
                                if is_min {
                                    plan::Node::Min { a: x[0], b: x[1] }
                                } else {
                                    plan::Node::Max { a: x[0], b: x[1] }
                                }
                            });
                        }
                        acc
                    }
                }
            }
            TKind::Call(f, args) => {
                self.depth += 1;
                if self.depth > 64 {
                    return self.err(e, "functions call each other too deeply");
                }
                let arg_refs: Vec<Binding> = args
                    .iter()
                    .map(|a| self.lower(a, env).map(Binding::Value))
                    .collect::<Result<_, _>>()?;
                let body = match f {
                    FnRef::Global(i) => self
                        .analysis
                        .globals
                        .fn_bodies
                        .borrow()
                        .get(*i)
                        .cloned()
                        .flatten(),
                    FnRef::Rule(i) => self.rule.fns.get(*i).and_then(|f| f.body.clone()),
                };
                let Some(body) = body else {
                    return self.err(e, "this function has errors");
                };
                let r = self.lower(&body, &arg_refs);
                self.depth -= 1;
                r?
            }
            TKind::List(_) | TKind::Record(_) => {
                return self.err(e, "list literals are only values of `given`")
            }
            TKind::Error => return self.err(e, "this expression has errors"),
        })
    }

    /// The node of a `let` or constant, lowering it (and what it depends
    /// on, dependencies first, with an explicit stack: a chain of 100,000
    /// `let`s needs no deeper native stack than one) on first use.
    fn lower_named(&mut self, root: Named, at: &TExpr) -> Result<usize, LowerError> {
        if let Some(n) = self.lowered(root) {
            return Ok(n);
        }
        let mut stack: Vec<(Named, TExpr, Vec<Named>, usize)> = Vec::new();
        let mut on_stack: HashMap<Named, ()> = HashMap::new();
        let value = self.named_value(root, at)?;
        let deps = named_in(&value);
        stack.push((root, value, deps, 0));
        on_stack.insert(root, ());
        while let Some((_, _, deps, next)) = stack.last_mut() {
            if let Some(dep) = deps.get(*next).copied() {
                *next += 1;
                if self.lowered(dep).is_some() {
                    continue;
                }
                if on_stack.contains_key(&dep) {
                    return self.err(at, "internal: a cycle among `let`s reached lowering");
                }
                let value = self.named_value(dep, at)?;
                let deps = named_in(&value);
                stack.push((dep, value, deps, 0));
                on_stack.insert(dep, ());
                continue;
            }
            if let Some((named, value, _, _)) = stack.pop() {
                let r = self.lower_outer(&value)?;
                match named {
                    Named::Let(i) => self.lets.insert(i, r),
                    Named::Const(i) => self.consts.insert(i, r),
                };
                on_stack.remove(&named);
            }
        }
        match self.lowered(root) {
            Some(n) => Ok(n),
            None => self.err(at, "internal: a value was not lowered"),
        }
    }

    fn lowered(&self, named: Named) -> Option<usize> {
        match named {
            Named::Let(i) => self.lets.get(&i).copied(),
            Named::Const(i) => self.consts.get(&i).copied(),
        }
    }

    /// The checked value of a `let` or constant.
    fn named_value(&self, named: Named, at: &TExpr) -> Result<TExpr, LowerError> {
        match named {
            Named::Let(i) => match self.rule.lets.get(i) {
                Some(Some(value)) => Ok(value.clone()),
                _ => self.err(at, "this value has errors"),
            },
            Named::Const(i) => match self.analysis.globals.consts.borrow().get(i) {
                Some(crate::checker::Slot::Done(v)) => Ok(v.clone()),
                _ => self.err(at, "this constant has errors"),
            },
        }
    }

    fn lower_outer(&mut self, e: &TExpr) -> Result<usize, LowerError> {
        let saved_body = self.body.take();
        let saved_map = std::mem::take(&mut self.outer_in_body);
        let r = self.lower(e, &[]);
        self.body = saved_body;
        self.outer_in_body = saved_map;
        match r? {
            NodeRef::Outer(i) => Ok(i),
            NodeRef::Body(_) => self.err(
                e,
                "internal: a value depends on a list element outside `sum`",
            ),
        }
    }
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
