//! The one constant evaluator. Wherever the language demands a constant (a
//! `given`, an input default, a factor's literal value, the declared unit,
//! cut-off criteria, an exclusion's share, a grade threshold, an expected
//! value and its tolerance), the checked expression is evaluated here.
//!
//! A constant may name top-level `let`s and the rule's own `let`s whose
//! values are constant, with their units (values are in canonical units, as
//! the checker types them). What cannot be evaluated is refused with the
//! reason, never skipped.
//!
//! Chains of `let`s are followed with an explicit work stack, so a chain of
//! any length is evaluated within bounded stack; only an expression's own
//! nesting is recursive.

use crate::checker::{Checker, Slot};
use crate::types::{Builtin, ConstValue, TExpr, TKind};
use crate::FastMap;
use pcr_lang::ast::{BinOp, UnOp};
use pcr_lang::Span;

/// Why an expression is not a constant: the part at fault and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct NotConstant {
    pub span: Span,
    /// What to tell the author: `` `k` is not a constant: it depends on input `output` ``.
    pub reason: String,
    /// The first cause, without the chain of `let`s it came through (so a
    /// chain of any length gives a short message).
    pub cause: String,
}

impl NotConstant {
    fn new(span: Span, reason: impl Into<String>) -> NotConstant {
        let reason = reason.into();
        NotConstant {
            span,
            cause: reason.clone(),
            reason,
        }
    }
}

/// A `let` an expression refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Named {
    /// A top-level `let`, by its index in the world's constants.
    Global(usize),
    /// A `let` of the rule being checked.
    Rule(usize),
}

type Memo = FastMap<Named, Result<ConstValue, NotConstant>>;

/// Evaluate a checked expression that must be a constant.
pub fn evaluate(checker: &Checker, e: &TExpr) -> Result<ConstValue, NotConstant> {
    let mut memo = Memo::default();
    let mut roots = Vec::new();
    named_in(e, &mut roots);
    for root in roots {
        resolve(checker, root, &mut memo);
    }
    eval(checker, e, &memo)
}

/// The value a `let` was checked to, if it was.
fn definition(checker: &Checker, named: Named) -> Option<TExpr> {
    match named {
        Named::Global(i) => match checker.globals.consts.borrow().get(i) {
            Some(Slot::Done(t)) => Some(t.clone()),
            _ => None,
        },
        Named::Rule(i) => match checker.rule.as_ref().and_then(|r| r.lets.get(i)) {
            Some(l) => match &l.slot {
                Slot::Done(t) => Some(t.clone()),
                _ => None,
            },
            None => None,
        },
    }
}

/// Evaluate `root` and every `let` it depends on, dependencies first, with
/// an explicit stack (a chain of 100,000 `let`s needs no deeper native stack
/// than one).
fn resolve(checker: &Checker, root: Named, memo: &mut Memo) {
    if memo.contains_key(&root) {
        return;
    }
    // Each entry: a `let`, its value, the `let`s its value names and how many are done.
    let mut stack: Vec<(Named, Option<TExpr>, Vec<Named>, usize)> = Vec::new();
    let mut on_stack: FastMap<Named, ()> = FastMap::default();
    let push = |named: Named, stack: &mut Vec<(Named, Option<TExpr>, Vec<Named>, usize)>| {
        let value = definition(checker, named);
        let mut deps = Vec::new();
        if let Some(v) = &value {
            named_in(v, &mut deps);
        }
        stack.push((named, value, deps, 0));
    };
    push(root, &mut stack);
    on_stack.insert(root, ());
    while let Some((named, value, deps, next)) = stack.last_mut() {
        if let Some(dep) = deps.get(*next).copied() {
            *next += 1;
            if memo.contains_key(&dep) || on_stack.contains_key(&dep) {
                continue;
            }
            on_stack.insert(dep, ());
            push(dep, &mut stack);
            continue;
        }
        let named = *named;
        let result = match value {
            Some(v) => eval(checker, v, memo),
            None => Err(NotConstant::new(
                Span::default(),
                format!("{} has errors", describe(checker, named)),
            )),
        };
        memo.insert(named, result);
        on_stack.remove(&named);
        stack.pop();
    }
}

fn describe(checker: &Checker, named: Named) -> String {
    match named {
        Named::Global(i) => checker
            .world
            .consts
            .get(i)
            .map(|c| format!("`{}`", c.name))
            .unwrap_or_else(|| "a constant".to_string()),
        Named::Rule(i) => checker
            .rule
            .as_ref()
            .and_then(|r| r.lets.get(i))
            .map(|l| format!("`{}`", l.decl.name.text))
            .unwrap_or_else(|| "a `let`".to_string()),
    }
}

/// The `let`s an expression names directly, in order.
fn named_in(e: &TExpr, out: &mut Vec<Named>) {
    match &e.kind {
        TKind::Let(i) => out.push(Named::Rule(*i)),
        TKind::GlobalConst(i) => out.push(Named::Global(*i)),
        _ => e.for_each_child(&mut |c| named_in(c, out)),
    }
}

fn not_constant(e: &TExpr, reason: impl Into<String>) -> Result<ConstValue, NotConstant> {
    Err(NotConstant::new(e.span, reason))
}

fn number(e: &TExpr, v: f64) -> Result<ConstValue, NotConstant> {
    if v.is_finite() {
        Ok(ConstValue::Number(v))
    } else {
        not_constant(e, "its value is not a finite number")
    }
}

fn eval_number(checker: &Checker, e: &TExpr, memo: &Memo) -> Result<f64, NotConstant> {
    match eval(checker, e, memo)? {
        ConstValue::Number(v) => Ok(v),
        _ => Err(NotConstant::new(e.span, "a number was expected here")),
    }
}

fn eval_bool(checker: &Checker, e: &TExpr, memo: &Memo) -> Result<bool, NotConstant> {
    match eval(checker, e, memo)? {
        ConstValue::Bool(b) => Ok(b),
        _ => Err(NotConstant::new(e.span, "a bool was expected here")),
    }
}

/// Evaluate `e`, whose `let`s are all in `memo`.
fn eval(checker: &Checker, e: &TExpr, memo: &Memo) -> Result<ConstValue, NotConstant> {
    match &e.kind {
        TKind::Const(v) => number(e, *v),
        TKind::Bool(b) => Ok(ConstValue::Bool(*b)),
        TKind::Text(t) => Ok(ConstValue::Text(t.clone())),
        TKind::Variant(a, b) => Ok(ConstValue::Variant(*a, *b)),
        TKind::Let(i) => lookup(checker, e, Named::Rule(*i), memo),
        TKind::GlobalConst(i) => lookup(checker, e, Named::Global(*i), memo),
        TKind::Input(i) => {
            let name = checker
                .rule
                .as_ref()
                .and_then(|r| r.inputs.get(*i))
                .map(|x| x.decl.name.text.clone())
                .unwrap_or_default();
            not_constant(
                e,
                format!("it depends on input `{name}`, which the company supplies"),
            )
        }
        TKind::Factor(i) => {
            let name = checker
                .rule
                .as_ref()
                .and_then(|r| r.factors.get(*i))
                .map(|x| x.decl.name.text.clone())
                .unwrap_or_default();
            not_constant(
                e,
                format!(
                    "it depends on factor `{name}`, which an example or a factor database may set"
                ),
            )
        }
        TKind::Local(_) => not_constant(e, "it depends on a parameter or a list element"),
        // A field of a table's row (`blend[R404A].hfc125`).
        TKind::Field(base, field) => match eval(checker, base, memo)? {
            ConstValue::Record(fields) => match fields.into_iter().find(|(i, _)| i == field) {
                Some((_, v)) => Ok(v),
                None => not_constant(e, "its record lacks the field"),
            },
            _ => not_constant(e, "it depends on a parameter or a list element"),
        },
        // The row of a table for a constant key.
        TKind::Row(table, key) => match eval(checker, key, memo)? {
            ConstValue::Variant(_, v) => {
                let Some(row) = table.rows.get(v) else {
                    return not_constant(e, "its key is not a variant of the table's enum");
                };
                if matches!(table.value, crate::types::Type::Record(_)) {
                    Ok(ConstValue::Record(
                        row.iter()
                            .enumerate()
                            .map(|(i, x)| (i, ConstValue::Number(*x)))
                            .collect(),
                    ))
                } else {
                    number(e, row.first().copied().unwrap_or(f64::NAN))
                }
            }
            _ => not_constant(e, "its key is not a variant"),
        },
        TKind::Sum(..) => not_constant(e, "it sums over a list input"),
        TKind::Call(..) => not_constant(e, "it calls a function"),
        TKind::Unary(UnOp::Neg, a) => number(e, -eval_number(checker, a, memo)?),
        TKind::Unary(UnOp::Not, a) => Ok(ConstValue::Bool(!eval_bool(checker, a, memo)?)),
        TKind::Binary(op, ab) => {
            let (a, b) = (&ab.0, &ab.1);
            match op {
                BinOp::And => Ok(ConstValue::Bool(
                    eval_bool(checker, a, memo)? && eval_bool(checker, b, memo)?,
                )),
                BinOp::Or => Ok(ConstValue::Bool(
                    eval_bool(checker, a, memo)? || eval_bool(checker, b, memo)?,
                )),
                BinOp::Eq | BinOp::Ne => {
                    let equal = eval(checker, a, memo)? == eval(checker, b, memo)?;
                    Ok(ConstValue::Bool(equal == (*op == BinOp::Eq)))
                }
                _ => {
                    let (x, y) = (
                        eval_number(checker, a, memo)?,
                        eval_number(checker, b, memo)?,
                    );
                    match op {
                        BinOp::Add => number(e, x + y),
                        BinOp::Sub => number(e, x - y),
                        BinOp::Mul => number(e, x * y),
                        BinOp::Div if y == 0.0 => not_constant(b, "it divides by zero"),
                        BinOp::Div => number(e, x / y),
                        BinOp::Lt => Ok(ConstValue::Bool(x < y)),
                        BinOp::Le => Ok(ConstValue::Bool(x <= y)),
                        BinOp::Gt => Ok(ConstValue::Bool(x > y)),
                        BinOp::Ge => Ok(ConstValue::Bool(x >= y)),
                        _ => not_constant(e, "this operator does not give a constant"),
                    }
                }
            }
        }
        TKind::Pow(a, p) => number(e, eval_number(checker, a, memo)?.powf(*p)),
        TKind::If(c, a, b) => {
            if eval_bool(checker, c, memo)? {
                eval(checker, a, memo)
            } else {
                eval(checker, b, memo)
            }
        }
        TKind::Match(s, arms) => {
            let ConstValue::Variant(_, v) = eval(checker, s, memo)? else {
                return not_constant(s, "an enum variant was expected here");
            };
            let arm = arms
                .iter()
                .find(|(p, _)| *p == Some(v))
                .or_else(|| arms.iter().find(|(p, _)| p.is_none()));
            match arm {
                Some((_, value)) => eval(checker, value, memo),
                None => not_constant(e, "no arm matches"),
            }
        }
        TKind::Builtin(Builtin::Co2e, args) => {
            let (Some(gas), Some(mass)) = (args.first(), args.get(1)) else {
                return not_constant(e, "`co2e` takes a gas and a mass");
            };
            let ConstValue::Variant(g, v) = eval(checker, gas, memo)? else {
                return not_constant(gas, "a gas was expected here");
            };
            let mass = eval_number(checker, mass, memo)?;
            let gas_name = checker
                .world
                .enums
                .get(g)
                .and_then(|en| en.variants.get(v))
                .map(|x| x.name.as_str());
            let set = checker
                .rule
                .as_ref()
                .and_then(|r| r.gwp.as_ref())
                .and_then(|s| checker.world.gwp_sets.get(s));
            match set.and_then(|s| s.values.iter().find(|x| Some(x.gas.as_str()) == gas_name)) {
                Some(gwp) => number(e, gwp.value.to_f64() * mass),
                None => not_constant(gas, "the rule's GWP set has no value for this gas"),
            }
        }
        TKind::Builtin(b, args) => {
            let values = args
                .iter()
                .map(|a| eval_number(checker, a, memo))
                .collect::<Result<Vec<f64>, _>>()?;
            let Some(first) = values.first().copied() else {
                return not_constant(e, "no arguments");
            };
            match b {
                Builtin::Abs => number(e, first.abs()),
                Builtin::Min => number(e, values.iter().copied().fold(first, f64::min)),
                Builtin::Max => number(e, values.iter().copied().fold(first, f64::max)),
                Builtin::Round => {
                    let step = values.get(1).copied().unwrap_or(f64::NAN);
                    let rounded = pcr_plan::round::round_to_step(first, step);
                    if rounded.is_finite() {
                        number(e, rounded)
                    } else {
                        not_constant(e, "the step of `round` is not positive")
                    }
                }
                Builtin::Co2e => not_constant(e, "`co2e` takes a gas and a mass"),
                Builtin::Exp | Builtin::Ln | Builtin::Sqrt => {
                    let x = pcr_plan::eval::apply_unary(math_op(*b), first);
                    if x.is_finite() {
                        number(e, x)
                    } else {
                        not_constant(e, "the argument is outside the function's domain")
                    }
                }
            }
        }
        TKind::List(items) => Ok(ConstValue::List(
            items
                .iter()
                .map(|i| eval(checker, i, memo))
                .collect::<Result<_, _>>()?,
        )),
        TKind::Record(fields) => Ok(ConstValue::Record(
            fields
                .iter()
                .map(|(i, f)| Ok((*i, eval(checker, f, memo)?)))
                .collect::<Result<_, NotConstant>>()?,
        )),
        TKind::Error => not_constant(e, "it has errors"),
    }
}

fn lookup(
    checker: &Checker,
    e: &TExpr,
    named: Named,
    memo: &Memo,
) -> Result<ConstValue, NotConstant> {
    match memo.get(&named) {
        Some(Ok(v)) => Ok(v.clone()),
        Some(Err(why)) => Err(NotConstant {
            span: e.span,
            reason: format!(
                "{} is not a constant: {}",
                describe(checker, named),
                why.cause
            ),
            cause: why.cause.clone(),
        }),
        None => not_constant(
            e,
            format!("{} is defined in terms of itself", describe(checker, named)),
        ),
    }
}

/// The plan's operator for a built-in `exp`, `ln` or `sqrt`.
fn math_op(b: Builtin) -> pcr_plan::format::UnaryOp {
    match b {
        Builtin::Ln => pcr_plan::format::UnaryOp::Ln,
        Builtin::Sqrt => pcr_plan::format::UnaryOp::Sqrt,
        _ => pcr_plan::format::UnaryOp::Exp,
    }
}
