//! The expression checker: names bound, every expression typed with a
//! dimension, errors reported once (an erroneous expression has the `Error`
//! type, which unifies with everything).

use crate::diagnostic::Diagnostic;
use crate::dimension::Dimension;
use crate::rational::Rational;
use crate::source::FileId;
use crate::suggest::closest;
use crate::types::{Builtin, FnRef, Location, TExpr, TKind, Type};
use crate::world::{World, WorldValue};
use crate::FastMap;
use pcr_lang::ast::{self, BinOp, ExprKind, UnOp};
use pcr_lang::Span;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A function's signature: parameter names and types, and the return type.
#[derive(Debug, Clone)]
pub struct FnSig {
    pub params: Vec<(String, Type)>,
    pub ret: Option<Type>,
}

/// Lazily typed definitions (`let`s, constants): detects cycles.
#[derive(Debug, Clone)]
pub enum Slot {
    Pending,
    Visiting,
    Done(TExpr),
}

/// A cell that threads may share: the prelude's functions and constants are
/// typed lazily on one thread, then read by the threads that check a long
/// rule's emissions. (A poisoned lock only means another thread panicked;
/// the data is still what it wrote.)
#[derive(Debug, Default)]
pub struct Shared<T>(RwLock<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(RwLock::new(value))
    }

    pub fn borrow(&self) -> RwLockReadGuard<'_, T> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn borrow_mut(&self) -> RwLockWriteGuard<'_, T> {
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What the checker learnt of the prelude's and modules' functions and constants.
#[derive(Debug)]
pub struct Globals {
    pub fn_sigs: Vec<FnSig>,
    pub fn_bodies: Shared<Vec<Option<TExpr>>>,
    pub consts: Shared<Vec<Slot>>,
}

/// What a name in a rule's scope is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleName {
    Input(usize),
    Factor(usize),
    Let(usize),
    Fn(usize),
}

#[derive(Debug)]
pub struct RuleInput<'a> {
    pub decl: &'a ast::InputDecl,
    pub ty: Type,
    /// The declared unit's factor and text, shared by every name declared
    /// with the same type. Both threads of a long rule read it: borrow it
    /// (`as_deref`) rather than clone the `Arc`, whose count they would share.
    pub unit: Option<Arc<(Rational, String)>>,
}

#[derive(Debug)]
pub struct RuleFactor<'a> {
    pub decl: &'a ast::FactorDecl,
    pub ty: Type,
    /// As for [`RuleInput::unit`].
    pub unit: Option<Arc<(Rational, String)>>,
}

#[derive(Debug)]
pub struct RuleLet<'a> {
    pub decl: &'a ast::LetDecl,
    pub declared: Option<Type>,
    pub slot: Slot,
    pub used: bool,
}

#[derive(Debug)]
pub struct RuleFn<'a> {
    pub decl: &'a ast::FnDecl,
    pub sig: FnSig,
    pub body: Option<TExpr>,
}

/// The names a rule declares. Names, inputs and factors are fixed once
/// declared and shared with the thread that helps check a long rule; each
/// thread keeps its own used flags and `let` slots.
#[derive(Debug, Default)]
pub struct RuleScope<'a> {
    pub names: Arc<FastMap<&'a str, (RuleName, Span)>>,
    pub inputs: Arc<Vec<RuleInput<'a>>>,
    pub factors: Arc<Vec<RuleFactor<'a>>>,
    /// By input index: is it used.
    pub inputs_used: Vec<bool>,
    /// By factor index: is it used.
    pub factors_used: Vec<bool>,
    pub lets: Vec<RuleLet<'a>>,
    pub fns: Vec<RuleFn<'a>>,
    /// The rule's GWP set, for `gwp.X`.
    pub gwp: Option<String>,
    /// The words written in the rule's parts that did not parse: a name
    /// among them may be declared or used there, so it is never reported
    /// as unknown or unused (no cascade after a syntax error).
    pub broken_words: Arc<FastMap<String, ()>>,
}

impl RuleScope<'_> {
    /// Whether `name` is written in a part of the rule that did not parse.
    pub fn in_broken_text(&self, name: &str) -> bool {
        self.broken_words.contains_key(name)
    }
}

/// A use of a name and where it was declared (go to definition, references).
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub file: FileId,
    pub span: Span,
    pub target: Location,
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub ty: Type,
    pub loc: Location,
}

pub struct Checker<'w, 'a> {
    pub world: &'w World,
    pub globals: &'w Globals,
    pub file: FileId,
    /// The text of `file`, for suggested fixes.
    pub text: &'w str,
    pub diags: Vec<Diagnostic>,
    pub locals: Vec<Local>,
    pub rule: Option<RuleScope<'a>>,
    /// Record every expression's type (hover) and every use of a name (go to
    /// definition, rename); off in the command line.
    pub record: bool,
    pub types: Vec<(FileId, Span, Type)>,
    pub refs: Vec<Reference>,
    /// May a long rule's values be checked on two threads.
    pub parallel: bool,
    /// A helper thread's checker: a use of a `let` it has not typed
    /// stops the value being checked (see [`Checker::deferred`]).
    pub defer_lets: bool,
    /// Set when a use of an untyped `let` stopped the value being checked:
    /// the main thread checks it again.
    pub deferred: bool,
    /// The rule `let`s being typed, outermost first: a use of one of them
    /// closes a cycle, named from this path.
    pub let_path: Vec<usize>,
}

/// A literal such as `56.1` or `1200` exactly: at most 15 digits, at most
/// one `.`, nothing else. Both the digits as an integer (below 2^53) and the
/// power of ten are exact doubles, so one division rounds correctly: the
/// result is the one `str::parse::<f64>` gives, without its general parser.
fn short_decimal(text: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let mut mantissa: u64 = 0;
    let mut digits = 0;
    let mut fraction: Option<usize> = None;
    for b in text.bytes() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if let Some(f) = fraction.as_mut() {
                    *f += 1;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(0),
            _ => return None,
        }
        if digits > 15 {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    Some(mantissa as f64 / POW10[fraction.unwrap_or(0)])
}

/// Why a literal is not a number the compiler can represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfRange {
    /// Beyond the largest finite double: it would be infinity.
    Overflow,
    /// Not zero, but below the smallest double: it would be 0.
    Underflow,
    Malformed,
}

/// A number literal's value (divided by 100 with `%`): never silently
/// infinite, and never 0 unless written as zero.
pub fn literal_value(n: &ast::NumberLit) -> Result<f64, OutOfRange> {
    // `str::parse` rounds correctly.
    let parsed = match short_decimal(&n.text) {
        Some(v) => Ok(v),
        None if n.text.contains('_') => n.text.replace('_', "").parse::<f64>(),
        None => n.text.parse::<f64>(),
    };
    let v = parsed.map_err(|_| OutOfRange::Malformed)?;
    let v = if n.percent { v / 100.0 } else { v };
    if !v.is_finite() {
        return Err(OutOfRange::Overflow);
    }
    let mantissa = n.text.split(['e', 'E']).next().unwrap_or("");
    if v == 0.0 && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        return Err(OutOfRange::Underflow);
    }
    Ok(v)
}

/// Whether an expression is a literal zero (which takes any dimension: `if c then x else 0`).
fn is_zero_literal(e: &TExpr) -> bool {
    matches!(e.kind, TKind::Const(v) if v == 0.0)
        && matches!(&e.ty, Type::Quantity(d) if d.is_none())
}

impl<'w, 'a> Checker<'w, 'a> {
    pub fn new(world: &'w World, globals: &'w Globals, file: FileId, text: &'w str) -> Self {
        Checker {
            world,
            globals,
            file,
            text,
            diags: Vec::new(),
            locals: Vec::new(),
            rule: None,
            record: false,
            types: Vec::new(),
            refs: Vec::new(),
            parallel: true,
            defer_lets: false,
            deferred: false,
            let_path: Vec::new(),
        }
    }

    pub fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(code, self.file, span, message, label)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// `CO2e/Energy · kgCO2e/J`-style description of a type.
    pub fn describe(&self, ty: &Type) -> String {
        match ty {
            Type::Quantity(d) => {
                let name = self.world.dimension_name(d);
                let unit = self.world.canonical_unit(d);
                if d.is_none() {
                    "ratio".to_string()
                } else if name == unit {
                    name
                } else {
                    format!("{name} ({unit})")
                }
            }
            Type::Bool => "bool".to_string(),
            Type::Text => "text".to_string(),
            Type::Enum(i) => self
                .world
                .enums
                .get(*i)
                .map(|e| format!("enum `{}`", e.name))
                .unwrap_or_default(),
            Type::List(_) => "a list".to_string(),
            Type::Record(_) => "a record".to_string(),
            Type::Error => "an erroneous value".to_string(),
        }
    }

    /// Note a use of a name (editors only: go to definition, rename).
    fn reference(&mut self, span: Span, target: Location) {
        if !self.record {
            return;
        }
        self.refs.push(Reference {
            file: self.file,
            span,
            target,
        });
    }

    fn done(&mut self, kind: TKind, ty: Type, span: Span) -> TExpr {
        if self.record {
            self.types.push((self.file, span, ty.clone()));
        }
        TExpr { kind, ty, span }
    }

    fn number(&mut self, n: &ast::NumberLit, span: Span) -> Option<f64> {
        match literal_value(n) {
            Ok(v) => Some(v),
            Err(problem) => {
                self.out_of_range(&n.text, n.percent, problem, span);
                None
            }
        }
    }

    /// E0204: a literal is not representable (`1e999`, `1e-999`).
    fn out_of_range(&mut self, text: &str, percent: bool, problem: OutOfRange, span: Span) {
        let percent = if percent { "%" } else { "" };
        let d = match problem {
            OutOfRange::Overflow => self
                .error(
                    "E0204",
                    span,
                    format!("`{text}{percent}` is not a number this compiler can represent: it overflows to infinity"),
                    "number out of range",
                )
                .with_note("quantities are 64-bit floating-point numbers in canonical units, at most about 1.8e308"),
            OutOfRange::Underflow => self
                .error(
                    "E0204",
                    span,
                    format!("`{text}{percent}` is not a number this compiler can represent: it underflows to 0"),
                    "number out of range",
                )
                .with_note("quantities are 64-bit floating-point numbers in canonical units; a non-zero value below about 2.2e-308 cannot be told from 0")
                .with_help("write `0` if zero is meant"),
            OutOfRange::Malformed => self.error(
                "E0204",
                span,
                format!("`{text}{percent}` is not a number this compiler can represent"),
                "number out of range",
            ),
        };
        self.push(d);
    }

    pub fn expr(&mut self, e: &ast::Expr) -> TExpr {
        self.expr_with(e, None)
    }

    /// Check an expression; `hint` is the expected type, so that bare enum variants resolve.
    pub fn expr_with(&mut self, e: &ast::Expr, hint: Option<&Type>) -> TExpr {
        let span = e.span;
        match &e.kind {
            ExprKind::Number(n) => match self.number(n, span) {
                Some(v) => self.done(TKind::Const(v), Type::ratio(), span),
                None => TExpr::error(span),
            },
            ExprKind::Quantity {
                number,
                unit,
                power,
            } => {
                let Some(v) = self.number(number, span) else {
                    return TExpr::error(span);
                };
                let written = v;
                let Some(u) = self.world.units.get(&unit.text) else {
                    let mut d = self.error(
                        "E0101",
                        unit.span,
                        format!("unknown unit `{}`", unit.text),
                        "not a unit",
                    );
                    if let Some(h) =
                        closest(&unit.text, self.world.units.keys().map(String::as_str))
                    {
                        d = d.with_suggestion(h);
                    }
                    self.push(d);
                    return TExpr::error(span);
                };
                self.reference(unit.span, u.loc);
                let (factor, dim) = match power {
                    Some(p) => {
                        let Some(r) = Rational::new(i128::from(p.num), i128::from(p.den)) else {
                            let d = self.error(
                                "E0204",
                                span,
                                format!("the power of `{}` has a zero denominator", unit.text),
                                "not a number",
                            );
                            self.push(d);
                            return TExpr::error(span);
                        };
                        let Some(dim) = u.dim.pow(r) else {
                            return self.dimension_overflow(span);
                        };
                        (u.factor.to_f64().powf(r.to_f64()), dim)
                    }
                    None => (u.factor.to_f64(), u.dim.clone()),
                };
                // Exactly where the literal and the unit's factor allow
                // (`1.1 kWh` is 3,960,000 J, not 3,960,000.0000000005),
                // rounded once; otherwise in floating point.
                let canonical = match power {
                    None => exact_in_canonical_units(number, u.factor).unwrap_or(v * factor),
                    Some(_) => v * factor,
                };
                // In canonical units the amount must still be the number written.
                let problem = if !canonical.is_finite() {
                    Some(OutOfRange::Overflow)
                } else if canonical == 0.0 && written != 0.0 {
                    Some(OutOfRange::Underflow)
                } else {
                    None
                };
                if let Some(problem) = problem {
                    let text = self
                        .text
                        .get(span.range())
                        .unwrap_or(&number.text)
                        .to_string();
                    self.out_of_range(&text, false, problem, span);
                    return TExpr::error(span);
                }
                self.done(TKind::Const(canonical), Type::Quantity(dim), span)
            }
            ExprKind::Str(s) => self.done(TKind::Text(s.clone()), Type::Text, span),
            ExprKind::Bool(b) => self.done(TKind::Bool(*b), Type::Bool, span),
            ExprKind::Name(n) => self.name(n, hint),
            ExprKind::Paren(inner) => {
                let mut t = self.expr_with(inner, hint);
                t.span = span;
                t
            }
            ExprKind::Field(base, field) => self.field(base, field, span),
            ExprKind::Gwp(gas) => self.gwp(gas, span),
            ExprKind::Call(f, args) => self.call(f, args, span),
            ExprKind::Unary(op, a) => {
                let a = self.expr(a);
                match (op, &a.ty) {
                    (_, Type::Error) => TExpr::error(span),
                    (UnOp::Neg, Type::Quantity(_)) => {
                        let ty = a.ty.clone();
                        self.done(TKind::Unary(UnOp::Neg, Box::new(a)), ty, span)
                    }
                    (UnOp::Not, Type::Bool) => {
                        self.done(TKind::Unary(UnOp::Not, Box::new(a)), Type::Bool, span)
                    }
                    (UnOp::Neg, other) => {
                        let d = self.error(
                            "E0204",
                            a.span,
                            format!("cannot negate {}", self.describe(other)),
                            "not a quantity",
                        );
                        self.push(d);
                        TExpr::error(span)
                    }
                    (UnOp::Not, other) => {
                        let d = self.error(
                            "E0204",
                            a.span,
                            format!("`not` needs a bool, found {}", self.describe(other)),
                            "not a bool",
                        );
                        self.push(d);
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, span),
            ExprKind::If(c, a, b) => {
                let c = self.expr(c);
                if !matches!(c.ty, Type::Bool | Type::Error) {
                    let d = self.error(
                        "E0204",
                        c.span,
                        format!(
                            "the condition of `if` must be a bool, found {}",
                            self.describe(&c.ty)
                        ),
                        "not a bool",
                    );
                    self.push(d);
                }
                let a = self.expr_with(a, hint);
                let b = self.expr_with(b, hint.or(Some(&a.ty)));
                let ty = self.unify_branches(&a, &b, "the branches of `if`");
                self.done(TKind::If(Box::new(c), Box::new(a), Box::new(b)), ty, span)
            }
            ExprKind::Match(scrutinee, arms) => self.match_expr(scrutinee, arms, span, hint),
            ExprKind::Sum { var, list, body } => {
                let list = self.expr(list);
                let record = match &list.ty {
                    Type::List(r) => Some(r.clone()),
                    Type::Error => None,
                    other => {
                        let d = self.error(
                            "E0204",
                            list.span,
                            format!("`sum` goes over a list, found {}", self.describe(other)),
                            "not a list",
                        );
                        self.push(d);
                        None
                    }
                };
                let var_ty = record.map(Type::Record).unwrap_or(Type::Error);
                self.locals.push(Local {
                    name: var.text.clone(),
                    ty: var_ty,
                    loc: Location {
                        file: self.file,
                        span: var.span,
                    },
                });
                let body = self.expr(body);
                self.locals.pop();
                let ty = match &body.ty {
                    Type::Quantity(_) | Type::Error => body.ty.clone(),
                    other => {
                        let d = self.error(
                            "E0204",
                            body.span,
                            format!("`sum` adds quantities, found {}", self.describe(other)),
                            "not a quantity",
                        );
                        self.push(d);
                        Type::Error
                    }
                };
                if ty.is_error() {
                    return TExpr::error(span);
                }
                self.done(TKind::Sum(Box::new(list), Box::new(body)), ty, span)
            }
            ExprKind::List(items) => {
                let element = match hint {
                    Some(Type::List(r)) => Some(Type::Record(r.clone())),
                    _ => None,
                };
                let items: Vec<TExpr> = items
                    .iter()
                    .map(|i| self.expr_with(i, element.as_ref()))
                    .collect();
                let record = match hint {
                    Some(Type::List(r)) => Some(r.clone()),
                    _ => None,
                };
                match record {
                    Some(r) => self.done(TKind::List(items), Type::List(r), span),
                    None => {
                        let d = self.error(
                            "E0204",
                            span,
                            "a list literal is only allowed where a list input is expected",
                            "list here",
                        );
                        self.push(d);
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::Record(fields) => self.record_literal(fields, span, hint),
            ExprKind::Error => TExpr::error(span),
        }
    }

    fn record_literal(
        &mut self,
        fields: &[ast::RecordField],
        span: Span,
        hint: Option<&Type>,
    ) -> TExpr {
        let Some(Type::Record(record)) = hint else {
            let d = self.error(
                "E0204",
                span,
                "a record literal is only allowed as an element of a list input",
                "record here",
            );
            self.push(d);
            return TExpr::error(span);
        };
        let record = record.clone();
        let mut out = Vec::new();
        for f in fields {
            let Some((index, def)) = record.field(&f.name.text) else {
                let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                let mut d = self.error(
                    "E0101",
                    f.name.span,
                    format!("the list has no field `{}`", f.name.text),
                    "unknown field",
                );
                d = d.with_note(format!(
                    "its fields are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                self.push(d);
                continue;
            };
            let expected = def.ty.clone();
            let value = self.expr_with(&f.value, Some(&expected));
            self.expect_type(
                &value,
                &expected,
                def.unit.as_ref().map(|u| u.text.as_str()),
                "this field",
            );
            out.push((index, value));
        }
        for (i, def) in record.fields.iter().enumerate() {
            if !out.iter().any(|(j, _)| *j == i) {
                let d = self.error(
                    "E0203",
                    span,
                    format!("field `{}` is missing", def.name),
                    "incomplete record",
                );
                self.push(d);
            }
        }
        self.done(TKind::Record(out), Type::Record(record), span)
    }

    /// Report E0203 when `value` does not have the declared type.
    pub fn expect_type(
        &mut self,
        value: &TExpr,
        expected: &Type,
        unit_text: Option<&str>,
        what: impl std::fmt::Display,
    ) -> bool {
        if self.compatible(&value.ty, expected)
            || is_zero_literal(value) && matches!(expected, Type::Quantity(_))
        {
            return true;
        }
        let expected_text = match (expected, unit_text) {
            (Type::Quantity(d), Some(u)) if !d.is_none() => {
                format!("{} ({u})", self.world.dimension_name(d))
            }
            _ => self.describe(expected),
        };
        // A literal's unit as written (`kgCO2/kWh`), not the canonical `kgCO2/J`.
        let written = self
            .text
            .get(value.span.range())
            .and_then(|t| crate::types::written_unit(t, |u| self.world.units.contains_key(u)));
        let found = match (&value.ty, written) {
            (Type::Quantity(d), Some(u)) if !d.is_none() => {
                format!("{} ({u})", self.world.dimension_name(d))
            }
            _ => self.describe(&value.ty),
        };
        let mut d = self.error(
            "E0203",
            value.span,
            format!("{what} is declared {expected_text}, but the value is {found}"),
            format!("this is {found}"),
        );
        if let (Type::Quantity(exp), Type::Quantity(got)) = (expected, &value.ty) {
            if let Some(help) = self.gas_help(exp, got) {
                d = d.with_help(help);
            }
        }
        self.push(d);
        false
    }

    /// When `got` is a gas where `expected` has CO2e: point to `gwp.X`.
    pub fn gas_help(&self, expected: &Dimension, got: &Dimension) -> Option<String> {
        let co2e = self.world.co2e()?;
        let ratio = expected.div(got)?;
        // ratio = CO2e / Gas  →  multiply by gwp.Gas
        if ratio.factor_count() == 2 && ratio.exponent(co2e) == Rational::ONE {
            let (gas, e) = ratio.factors().find(|(b, _)| *b != co2e)?;
            if e == Rational::ONE.neg() {
                let name = &self.world.bases.get(gas as usize)?.name;
                // Only a gas the rule's GWP set characterises has a `gwp.X`
                // (a dimension the rule declares itself, such as `Pt`, has none).
                if !self.characterised(name) {
                    return None;
                }
                return Some(format!(
                    "{name} is a mass of gas, not CO2e: multiply by `gwp.{name}` to characterise it with the rule's GWP set"
                ));
            }
        }
        None
    }

    /// Whether `gwp.{gas}` exists: the gas is in the rule's GWP set (outside a
    /// rule, or with an unknown set, in any of the prelude's sets).
    fn characterised(&self, gas: &str) -> bool {
        let set = self
            .rule
            .as_ref()
            .and_then(|r| r.gwp.as_ref())
            .and_then(|g| self.world.gwp_sets.get(g));
        match set {
            Some(set) => set.values.iter().any(|v| v.gas == gas),
            None => self
                .world
                .gwp_sets
                .values()
                .any(|set| set.values.iter().any(|v| v.gas == gas)),
        }
    }

    pub fn compatible(&self, a: &Type, b: &Type) -> bool {
        match (a, b) {
            (Type::Error, _) | (_, Type::Error) => true,
            (Type::Quantity(x), Type::Quantity(y)) => x == y,
            (Type::Enum(x), Type::Enum(y)) => x == y,
            (Type::List(x), Type::List(y)) | (Type::Record(x), Type::Record(y)) => {
                Arc::ptr_eq(x, y) || x == y
            }
            (Type::Bool, Type::Bool) | (Type::Text, Type::Text) => true,
            _ => false,
        }
    }

    fn unify_branches(&mut self, a: &TExpr, b: &TExpr, what: &str) -> Type {
        if a.ty.is_error() || b.ty.is_error() {
            return Type::Error;
        }
        if is_zero_literal(b) && matches!(a.ty, Type::Quantity(_)) {
            return a.ty.clone();
        }
        if is_zero_literal(a) && matches!(b.ty, Type::Quantity(_)) {
            return b.ty.clone();
        }
        if self.compatible(&a.ty, &b.ty) {
            return a.ty.clone();
        }
        let d = self
            .error(
                "E0201",
                b.span,
                format!(
                    "{what} have incompatible types: {} and {}",
                    self.describe(&a.ty),
                    self.describe(&b.ty)
                ),
                format!("this is {}", self.describe(&b.ty)),
            )
            .with_label(
                self.file,
                a.span,
                format!("this is {}", self.describe(&a.ty)),
            );
        self.push(d);
        Type::Error
    }

    fn binary(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, span: Span) -> TExpr {
        if op == BinOp::Pow {
            return self.power(a, b, span);
        }
        let ta = self.expr(a);
        let tb = self.expr_with(b, Some(&ta.ty));
        if ta.ty.is_error() || tb.ty.is_error() {
            return TExpr::error(span);
        }
        let ty = match op {
            BinOp::And | BinOp::Or => {
                for t in [&ta, &tb] {
                    if t.ty != Type::Bool {
                        let d = self.error(
                            "E0204",
                            t.span,
                            format!(
                                "`{}` needs bools, found {}",
                                op.symbol(),
                                self.describe(&t.ty)
                            ),
                            "not a bool",
                        );
                        self.push(d);
                        return TExpr::error(span);
                    }
                }
                Type::Bool
            }
            BinOp::Mul | BinOp::Div => match (&ta.ty, &tb.ty) {
                (Type::Quantity(x), Type::Quantity(y)) => {
                    match if op == BinOp::Mul { x.mul(y) } else { x.div(y) } {
                        Some(d) => Type::Quantity(d),
                        None => return self.dimension_overflow(span),
                    }
                }
                _ => return self.not_quantity(op, &ta, &tb, span),
            },
            BinOp::Add | BinOp::Sub => match (&ta.ty, &tb.ty) {
                (Type::Quantity(x), Type::Quantity(y)) => {
                    if x == y || is_zero_literal(&tb) {
                        Type::Quantity(x.clone())
                    } else if is_zero_literal(&ta) {
                        Type::Quantity(y.clone())
                    } else {
                        self.mismatch(op, &ta, &tb);
                        return TExpr::error(span);
                    }
                }
                _ => return self.not_quantity(op, &ta, &tb, span),
            },
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => match (&ta.ty, &tb.ty) {
                (Type::Quantity(x), Type::Quantity(y)) => {
                    if x != y && !is_zero_literal(&ta) && !is_zero_literal(&tb) {
                        self.mismatch(op, &ta, &tb);
                        return TExpr::error(span);
                    }
                    Type::Bool
                }
                _ => return self.not_quantity(op, &ta, &tb, span),
            },
            BinOp::Eq | BinOp::Ne => {
                let ok = match (&ta.ty, &tb.ty) {
                    (Type::Quantity(x), Type::Quantity(y)) => {
                        x == y || is_zero_literal(&ta) || is_zero_literal(&tb)
                    }
                    (Type::Enum(x), Type::Enum(y)) => x == y,
                    (Type::Bool, Type::Bool) => true,
                    _ => false,
                };
                if !ok {
                    if matches!((&ta.ty, &tb.ty), (Type::Quantity(_), Type::Quantity(_))) {
                        self.mismatch(op, &ta, &tb);
                    } else {
                        let d = self.error(
                            "E0204",
                            span,
                            format!(
                                "cannot compare {} with {}",
                                self.describe(&ta.ty),
                                self.describe(&tb.ty)
                            ),
                            "not comparable",
                        );
                        self.push(d);
                    }
                    return TExpr::error(span);
                }
                Type::Bool
            }
            BinOp::Pow => Type::Error,
        };
        self.done(TKind::Binary(op, Box::new((ta, tb))), ty, span)
    }

    /// E0204: the dimension's exponent overflowed.
    fn dimension_overflow(&mut self, span: Span) -> TExpr {
        let d = crate::dimension::overflow(self.file, span);
        self.push(d);
        TExpr::error(span)
    }

    fn not_quantity(&mut self, op: BinOp, a: &TExpr, b: &TExpr, span: Span) -> TExpr {
        let bad = if matches!(a.ty, Type::Quantity(_)) {
            b
        } else {
            a
        };
        let d = self.error(
            "E0204",
            bad.span,
            format!(
                "`{}` needs quantities, found {}",
                op.symbol(),
                self.describe(&bad.ty)
            ),
            "not a quantity",
        );
        self.push(d);
        TExpr::error(span)
    }

    fn mismatch(&mut self, op: BinOp, a: &TExpr, b: &TExpr) {
        let verb = match op {
            BinOp::Add => "add",
            BinOp::Sub => "subtract",
            _ => "compare",
        };
        let (Type::Quantity(x), Type::Quantity(y)) = (&a.ty, &b.ty) else {
            return;
        };
        let mut d = self
            .error(
                "E0201",
                b.span,
                format!(
                    "cannot {verb} {} and {} with `{}`",
                    self.world.dimension_name(x),
                    self.world.dimension_name(y),
                    op.symbol()
                ),
                format!("this is {}", self.describe(&b.ty)),
            )
            .with_label(
                self.file,
                a.span,
                format!("this is {}", self.describe(&a.ty)),
            );
        if let Some(help) = self.gas_help(x, y).or_else(|| self.gas_help(y, x)) {
            d = d.with_help(help);
        } else {
            d = d.with_note(
                "both sides must have the same dimension; units of one dimension are converted",
            );
        }
        self.push(d);
    }

    /// The exponent of `^` must be a literal: `2`, `-1`, `(1/2)`.
    fn literal_exponent(e: &ast::Expr) -> Option<Rational> {
        match &e.kind {
            ExprKind::Number(n) if !n.percent => Rational::parse_decimal(&n.text),
            ExprKind::Paren(a) => Self::literal_exponent(a),
            ExprKind::Unary(UnOp::Neg, a) => Self::literal_exponent(a).map(Rational::neg),
            ExprKind::Binary(BinOp::Div, a, b) => {
                Self::literal_exponent(a)?.div(Self::literal_exponent(b)?)
            }
            _ => None,
        }
    }

    fn power(&mut self, a: &ast::Expr, b: &ast::Expr, span: Span) -> TExpr {
        let base = self.expr(a);
        let Some(exponent) = Self::literal_exponent(b) else {
            let eb = self.expr(b);
            if !eb.ty.is_error() {
                let d = self
                    .error("E0204", b.span, "an exponent must be a number written in the rule", "not a literal number")
                    .with_note("dimensions must be known when the rule is checked, so `x ^ n` takes a literal `n` such as `2`, `-1` or `(1/2)`");
                self.push(d);
            }
            return TExpr::error(span);
        };
        match &base.ty {
            Type::Quantity(d) => {
                let Some(d) = d.pow(exponent) else {
                    return self.dimension_overflow(span);
                };
                let ty = Type::Quantity(d);
                self.done(TKind::Pow(Box::new(base), exponent.to_f64()), ty, span)
            }
            Type::Error => TExpr::error(span),
            other => {
                let d = self.error(
                    "E0204",
                    base.span,
                    format!("cannot raise {} to a power", self.describe(other)),
                    "not a quantity",
                );
                self.push(d);
                TExpr::error(span)
            }
        }
    }

    fn unknown_name(&mut self, n: &ast::Name) -> TExpr {
        // Declared, perhaps, by a part of the rule that did not parse (E0001).
        if self
            .rule
            .as_ref()
            .is_some_and(|r| r.in_broken_text(&n.text))
        {
            return TExpr::error(n.span);
        }
        let mut candidates: Vec<&str> = self.world.value_names().collect();
        candidates.extend(self.locals.iter().map(|l| l.name.as_str()));
        let rule_names: Vec<String> = self
            .rule
            .as_ref()
            .map(|r| r.names.keys().map(|k| k.to_string()).collect())
            .unwrap_or_default();
        candidates.extend(rule_names.iter().map(String::as_str));
        let hint = closest(&n.text, candidates).map(str::to_string);
        let mut d = self.error(
            "E0101",
            n.span,
            format!("unknown name `{}`", n.text),
            "not found in this scope",
        );
        if let Some(h) = hint {
            d = d.with_help(format!("did you mean `{h}`?")).with_fix(
                format!("replace with `{h}`"),
                n.span,
                h,
            );
        } else if self.world.stages.contains_key(&n.text)
            || self.world.categories.contains_key(&n.text)
        {
            d = d.with_note("stages and categories are named only in `stage`, `as` and `expect` clauses, not in expressions");
        }
        self.push(d);
        TExpr::error(n.span)
    }

    fn name(&mut self, n: &ast::Name, hint: Option<&Type>) -> TExpr {
        let span = n.span;
        if let Some(index) = self.locals.iter().rposition(|l| l.name == n.text) {
            let local = &self.locals[index];
            let (ty, loc) = (local.ty.clone(), local.loc);
            self.reference(span, loc);
            return self.done(TKind::Local(index), ty, span);
        }
        // A bare enum variant where the type is known comes before the
        // rule's names, as in a `match` arm: `given product = oil` is the
        // variant `oil` even if an input is also called `oil`.
        if let Some(Type::Enum(id)) = hint {
            if let Some(v) = self.world.enums.get(*id).and_then(|e| e.variant(&n.text)) {
                if let Some(loc) = self.world.enums.get(*id).map(|e| e.variants[v].loc) {
                    self.reference(span, loc);
                }
                return self.done(TKind::Variant(*id, v), Type::Enum(*id), span);
            }
        }
        let rule_name = self
            .rule
            .as_ref()
            .and_then(|r| r.names.get(n.text.as_str()).copied());
        if let Some((name, decl_span)) = rule_name {
            self.reference(
                span,
                Location {
                    file: self.file,
                    span: decl_span,
                },
            );
            return match name {
                RuleName::Input(i) => {
                    let ty = match self.rule.as_mut() {
                        Some(r) => {
                            if let Some(used) = r.inputs_used.get_mut(i) {
                                *used = true;
                            }
                            r.inputs
                                .get(i)
                                .map_or(Type::Error, |input| input.ty.clone())
                        }
                        None => Type::Error,
                    };
                    self.done(TKind::Input(i), ty, span)
                }
                RuleName::Factor(i) => {
                    let ty = match self.rule.as_mut() {
                        Some(r) => {
                            if let Some(used) = r.factors_used.get_mut(i) {
                                *used = true;
                            }
                            r.factors.get(i).map_or(Type::Error, |f| f.ty.clone())
                        }
                        None => Type::Error,
                    };
                    self.done(TKind::Factor(i), ty, span)
                }
                RuleName::Let(i) if self.defer_lets && !self.let_typed(i) => {
                    self.deferred = true;
                    TExpr::error(span)
                }
                RuleName::Let(i) => {
                    if let Some(l) = self.rule.as_mut().and_then(|r| r.lets.get_mut(i)) {
                        l.used = true;
                    }
                    let ty = self.let_type(i, span);
                    self.done(TKind::Let(i), ty, span)
                }
                RuleName::Fn(_) => {
                    let d = self.error(
                        "E0204",
                        span,
                        format!("`{}` is a function: call it with arguments", n.text),
                        "function used as a value",
                    );
                    self.push(d);
                    TExpr::error(span)
                }
            };
        }
        // Units are the most used world names (`/ kWh`): one lookup finds them.
        if let Some(u) = self.world.units.get(n.text.as_str()) {
            self.reference(span, u.loc);
            return self.done(
                TKind::Const(u.factor.to_f64()),
                Type::Quantity(u.dim.clone()),
                span,
            );
        }
        match self.world.values.get(&n.text).copied() {
            // Every unit was found above.
            Some((WorldValue::Unit, _)) => TExpr::error(span),
            Some((WorldValue::Const(i), loc)) => {
                self.reference(span, loc);
                let ty = self.const_type(i, span);
                self.done(TKind::GlobalConst(i), ty, span)
            }
            Some((WorldValue::Fn(_), _)) => {
                let d = self.error(
                    "E0204",
                    span,
                    format!("`{}` is a function: call it with arguments", n.text),
                    "function used as a value",
                );
                self.push(d);
                TExpr::error(span)
            }
            Some((WorldValue::Enum(_), _)) => {
                let d = self
                    .error(
                        "E0204",
                        span,
                        format!("`{}` is an enum, not a value", n.text),
                        "enum used as a value",
                    )
                    .with_help(format!("name one of its variants, as `{}.variant`", n.text));
                self.push(d);
                TExpr::error(span)
            }
            None => {
                // A variant written bare where no type is known: find its enum.
                let owners: Vec<(usize, usize)> = self
                    .world
                    .enums
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| e.variant(&n.text).map(|v| (i, v)))
                    .collect();
                if let [(id, v)] = owners[..] {
                    if let Some(loc) = self.world.enums.get(id).map(|e| e.variants[v].loc) {
                        self.reference(span, loc);
                    }
                    return self.done(TKind::Variant(id, v), Type::Enum(id), span);
                }
                self.unknown_name(n)
            }
        }
    }

    /// The type of a rule `let`, checking it on first use (detects cycles).
    /// Whether `let` number `index` is typed.
    pub fn let_typed(&self, index: usize) -> bool {
        self.rule
            .as_ref()
            .and_then(|r| r.lets.get(index))
            .is_some_and(|l| matches!(l.slot, Slot::Done(_)))
    }

    pub fn let_type(&mut self, index: usize, use_span: Span) -> Type {
        let Some(slot) = self.rule.as_ref().and_then(|r| r.lets.get(index)) else {
            return Type::Error;
        };
        match &slot.slot {
            Slot::Done(t) => return slot.declared.clone().unwrap_or_else(|| t.ty.clone()),
            Slot::Visiting => {
                self.let_cycle(index, use_span);
                return Type::Error;
            }
            Slot::Pending => {}
        }
        if self.defer_lets {
            // A helper thread types one `let`; a use of another it has not
            // typed stops it (see `values.rs`).
            self.set_let_slot(index, Slot::Visiting);
            self.let_path.push(index);
            self.type_let_value(index);
            self.let_path.pop();
        } else {
            self.type_lets_from(index);
        }
        match self.rule.as_ref().and_then(|r| r.lets.get(index)) {
            Some(RuleLet {
                slot: Slot::Done(t),
                declared,
                ..
            }) => declared.clone().unwrap_or_else(|| t.ty.clone()),
            _ => Type::Error,
        }
    }

    fn set_let_slot(&mut self, index: usize, slot: Slot) {
        if let Some(l) = self.rule.as_mut().and_then(|r| r.lets.get_mut(index)) {
            l.slot = slot;
        }
    }

    fn let_pending(&self, index: usize) -> bool {
        self.rule
            .as_ref()
            .and_then(|r| r.lets.get(index))
            .is_some_and(|l| matches!(l.slot, Slot::Pending))
    }

    /// Type `root` and the `let`s it depends on, dependencies first, with an
    /// explicit stack: a chain or cycle of 100,000 `let`s needs no deeper
    /// native stack than one `let`. Each `let` on the stack is `Visiting`, so
    /// a use of it while typing one it depends on closes a cycle (E0103).
    fn type_lets_from(&mut self, root: usize) {
        let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        self.set_let_slot(root, Slot::Visiting);
        self.let_path.push(root);
        stack.push((root, self.let_dependencies(root), 0));
        while let Some((_, deps, next)) = stack.last_mut() {
            if let Some(dep) = deps.get(*next).copied() {
                *next += 1;
                if self.let_pending(dep) {
                    self.set_let_slot(dep, Slot::Visiting);
                    self.let_path.push(dep);
                    let deps = self.let_dependencies(dep);
                    stack.push((dep, deps, 0));
                }
                continue;
            }
            if let Some((index, _, _)) = stack.pop() {
                self.type_let_value(index);
                self.let_path.pop();
            }
        }
    }

    /// The rule `let`s that `let` number `index` names, in order of use (a
    /// name bound by an enclosing `sum` is not a `let`).
    fn let_dependencies(&self, index: usize) -> Vec<usize> {
        let Some(rule) = self.rule.as_ref() else {
            return Vec::new();
        };
        let Some(l) = rule.lets.get(index) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut bound: Vec<&str> = Vec::new();
        names_used(&l.decl.value, &mut bound, &mut |name| {
            if let Some((RuleName::Let(i), _)) = rule.names.get(name) {
                out.push(*i);
            }
        });
        out
    }

    /// E0103: a use of a `let` being typed; names the cycle (its first few
    /// members when it is long).
    fn let_cycle(&mut self, index: usize, use_span: Span) {
        const SHOWN: usize = 6;
        let name_of = |c: &Self, i: usize| {
            c.rule
                .as_ref()
                .and_then(|r| r.lets.get(i))
                .map(|l| l.decl.name.text.clone())
                .unwrap_or_default()
        };
        let name = name_of(self, index);
        let start = self.let_path.iter().rposition(|&i| i == index);
        let mut d = self
            .error(
                "E0103",
                use_span,
                format!("`{name}` is defined in terms of itself"),
                "cyclic reference",
            )
            .with_note(
                "`let` definitions may refer to each other in any order, but not in a cycle",
            );
        if let Some(start) = start {
            let members = &self.let_path[start..];
            if members.len() > 1 {
                let mut chain: Vec<String> = members
                    .iter()
                    .take(SHOWN)
                    .map(|&i| format!("`{}`", name_of(self, i)))
                    .collect();
                if members.len() > SHOWN {
                    chain.push(format!("… ({} `let`s in all)", members.len()));
                }
                chain.push(format!("`{name}`"));
                d = d.with_note(format!("the cycle: {}", chain.join(" → ")));
            }
        }
        self.push(d);
    }

    /// Type the value of `let` number `index` (marked `Visiting`), whose
    /// dependencies are typed or being typed.
    fn type_let_value(&mut self, index: usize) {
        let Some((decl, declared)) = self
            .rule
            .as_ref()
            .and_then(|r| r.lets.get(index))
            .map(|l| (l.decl, l.declared.clone()))
        else {
            return;
        };
        let saved_locals = std::mem::take(&mut self.locals);
        let value = self.expr_with(&decl.value, declared.as_ref());
        self.locals = saved_locals;
        if let (Some(declared), Some(ty)) = (&declared, &decl.ty) {
            let unit = self
                .world
                .resolve_type(ty, self.file, &mut Vec::new())
                .1
                .map(|u| u.1);
            self.expect_type(
                &value,
                declared,
                unit.as_deref(),
                format_args!("`{}`", decl.name.text),
            );
        }
        self.set_let_slot(index, Slot::Done(value));
    }

    /// The type of a top-level constant, checking it on first use.
    pub fn const_type(&mut self, index: usize, use_span: Span) -> Type {
        let state = match self.globals.consts.borrow().get(index) {
            Some(Slot::Done(t)) => return t.ty.clone(),
            Some(Slot::Visiting) => Slot::Visiting,
            Some(Slot::Pending) => Slot::Pending,
            None => return Type::Error,
        };
        if let Slot::Visiting = state {
            let d = self.error(
                "E0103",
                use_span,
                "this constant is defined in terms of itself",
                "cyclic reference",
            );
            self.push(d);
            return Type::Error;
        }
        self.type_consts_from(index);
        match self.globals.consts.borrow().get(index) {
            Some(Slot::Done(t)) => t.ty.clone(),
            _ => Type::Error,
        }
    }

    fn set_const_slot(&self, index: usize, slot: Slot) {
        if let Some(s) = self.globals.consts.borrow_mut().get_mut(index) {
            *s = slot;
        }
    }

    /// As [`Checker::type_lets_from`], for top-level constants.
    fn type_consts_from(&mut self, root: usize) {
        let deps_of = |c: &Self, index: usize| -> Vec<usize> {
            let Some(def) = c.world.consts.get(index) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            names_used(&def.decl.value, &mut Vec::new(), &mut |name| {
                if let Some((WorldValue::Const(i), _)) = c.world.values.get(name) {
                    out.push(*i);
                }
            });
            out
        };
        let pending =
            |c: &Self, i: usize| matches!(c.globals.consts.borrow().get(i), Some(Slot::Pending));
        let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        self.set_const_slot(root, Slot::Visiting);
        stack.push((root, deps_of(self, root), 0));
        while let Some((_, deps, next)) = stack.last_mut() {
            if let Some(dep) = deps.get(*next).copied() {
                *next += 1;
                if pending(self, dep) {
                    self.set_const_slot(dep, Slot::Visiting);
                    let deps = deps_of(self, dep);
                    stack.push((dep, deps, 0));
                }
                continue;
            }
            if let Some((index, _, _)) = stack.pop() {
                self.type_const_value(index);
            }
        }
    }

    /// Type top-level constant number `index` (marked `Visiting`).
    fn type_const_value(&mut self, index: usize) {
        let Some(def) = self.world.consts.get(index) else {
            return;
        };
        let saved_file = std::mem::replace(&mut self.file, def.file);
        let saved_locals = std::mem::take(&mut self.locals);
        let saved_rule = self.rule.take();
        let declared = def
            .decl
            .ty
            .as_ref()
            .map(|t| self.world.resolve_type(t, def.file, &mut self.diags));
        let value = self.expr_with(&def.decl.value, declared.as_ref().map(|d| &d.0));
        if let Some((ty, unit)) = &declared {
            self.expect_type(
                &value,
                ty,
                unit.as_ref().map(|u| u.1.as_str()),
                format_args!("`{}`", def.name),
            );
        }
        self.rule = saved_rule;
        self.locals = saved_locals;
        self.file = saved_file;
        let ty = declared.map(|d| d.0).unwrap_or_else(|| value.ty.clone());
        let mut stored = value;
        stored.ty = ty;
        self.set_const_slot(index, Slot::Done(stored));
    }

    fn field(&mut self, base: &ast::Expr, field: &ast::Name, span: Span) -> TExpr {
        // `Route.eaf`: a qualified enum variant.
        if let ExprKind::Name(n) = &base.kind {
            let shadowed = self.locals.iter().any(|l| l.name == n.text)
                || self
                    .rule
                    .as_ref()
                    .is_some_and(|r| r.names.contains_key(n.text.as_str()));
            if !shadowed {
                if let Some(id) = self.world.enum_id(&n.text) {
                    let Some(def) = self.world.enums.get(id) else {
                        return TExpr::error(span);
                    };
                    self.reference(n.span, def.loc);
                    return match def.variant(&field.text) {
                        Some(v) => {
                            let loc = def.variants[v].loc;
                            self.reference(field.span, loc);
                            self.done(TKind::Variant(id, v), Type::Enum(id), span)
                        }
                        None => {
                            let names: Vec<&str> =
                                def.variants.iter().map(|v| v.name.as_str()).collect();
                            let mut d = self.error(
                                "E0101",
                                field.span,
                                format!("enum `{}` has no variant `{}`", def.name, field.text),
                                "unknown variant",
                            );
                            d = d.did_you_mean(&field.text, names.iter().copied());
                            self.push(d);
                            TExpr::error(span)
                        }
                    };
                }
            }
        }
        let base = self.expr(base);
        match &base.ty {
            Type::Record(r) => match r.field(&field.text) {
                Some((index, def)) => {
                    let ty = def.ty.clone();
                    self.done(TKind::Field(Box::new(base), index), ty, span)
                }
                None => {
                    let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
                    let mut d = self.error(
                        "E0101",
                        field.span,
                        format!("no field `{}`", field.text),
                        "unknown field",
                    );
                    d = match closest(&field.text, names.iter().copied()) {
                        Some(h) => d.with_suggestion(h),
                        None => d.with_note(format!(
                            "the fields are {}",
                            names
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    };
                    self.push(d);
                    TExpr::error(span)
                }
            },
            Type::Error => TExpr::error(span),
            other => {
                let d = self.error(
                    "E0204",
                    base.span,
                    format!("{} has no fields", self.describe(other)),
                    "no field here",
                );
                self.push(d);
                TExpr::error(span)
            }
        }
    }

    fn gwp(&mut self, gas: &ast::Name, span: Span) -> TExpr {
        let set_name = self.rule.as_ref().and_then(|r| r.gwp.clone());
        let Some(set_name) = set_name else {
            if self.rule.is_none() {
                let d = self.error(
                    "E0204",
                    span,
                    "`gwp.X` is only available inside a rule, which chooses the GWP set",
                    "outside a rule",
                );
                self.push(d);
            }
            return TExpr::error(span);
        };
        let Some(set) = self.world.gwp_sets.get(&set_name) else {
            return TExpr::error(span);
        };
        match set.values.iter().find(|v| v.gas == gas.text) {
            Some(v) => {
                self.reference(gas.span, v.loc);
                self.done(
                    TKind::Const(v.value.to_f64()),
                    Type::Quantity(v.dim.clone()),
                    span,
                )
            }
            None => {
                let names: Vec<&str> = set.values.iter().map(|v| v.gas.as_str()).collect();
                let mut d = self.error(
                    "E0101",
                    gas.span,
                    format!("GWP set `{set_name}` has no gas `{}`", gas.text),
                    "unknown gas",
                );
                if let Some(h) = closest(&gas.text, names.iter().copied()) {
                    d = d.with_help(format!("did you mean `gwp.{h}`?")).with_fix(
                        format!("replace with `gwp.{h}`"),
                        gas.span,
                        h,
                    );
                }
                self.push(d);
                TExpr::error(span)
            }
        }
    }

    fn call(&mut self, f: &ast::Name, args: &[ast::Expr], span: Span) -> TExpr {
        let builtin = match f.text.as_str() {
            "min" => Some(Builtin::Min),
            "max" => Some(Builtin::Max),
            "abs" => Some(Builtin::Abs),
            _ => None,
        };
        let local = self
            .rule
            .as_ref()
            .and_then(|r| r.names.get(f.text.as_str()).copied());
        let target = match local {
            Some((RuleName::Fn(i), decl_span)) => {
                self.reference(
                    f.span,
                    Location {
                        file: self.file,
                        span: decl_span,
                    },
                );
                Some((
                    FnRef::Rule(i),
                    self.rule.as_ref().map(|r| r.fns[i].sig.clone()),
                ))
            }
            Some(_) => {
                let d = self.error(
                    "E0204",
                    f.span,
                    format!("`{}` is not a function", f.text),
                    "called here",
                );
                self.push(d);
                return TExpr::error(span);
            }
            None => match self.world.values.get(&f.text).copied() {
                Some((WorldValue::Fn(i), loc)) => {
                    self.reference(f.span, loc);
                    Some((FnRef::Global(i), self.globals.fn_sigs.get(i).cloned()))
                }
                Some(_) => {
                    let d = self.error(
                        "E0204",
                        f.span,
                        format!("`{}` is not a function", f.text),
                        "called here",
                    );
                    self.push(d);
                    return TExpr::error(span);
                }
                None => None,
            },
        };
        if let Some((fn_ref, Some(sig))) = target {
            let mut targs = Vec::new();
            if sig.params.len() != args.len() {
                let d = self.error(
                    "E0204",
                    span,
                    format!(
                        "`{}` takes {} argument(s), {} given",
                        f.text,
                        sig.params.len(),
                        args.len()
                    ),
                    "wrong number of arguments",
                );
                self.push(d);
                return TExpr::error(span);
            }
            let mut ok = true;
            for ((pname, pty), arg) in sig.params.iter().zip(args) {
                let t = self.expr_with(arg, Some(pty));
                ok &= self.expect_type(
                    &t,
                    pty,
                    None,
                    format_args!("parameter `{pname}` of `{}`", f.text),
                );
                targs.push(t);
            }
            let ty = sig.ret.clone().unwrap_or(Type::Error);
            if !ok {
                return TExpr::error(span);
            }
            return self.done(TKind::Call(fn_ref, targs), ty, span);
        }
        let Some(builtin) = builtin else {
            let n = f.clone();
            self.unknown_name(&n);
            for a in args {
                self.expr(a);
            }
            return TExpr::error(span);
        };
        let targs: Vec<TExpr> = args.iter().map(|a| self.expr(a)).collect();
        if targs.iter().any(|t| t.ty.is_error()) {
            return TExpr::error(span);
        }
        let arity_ok = match builtin {
            Builtin::Abs => targs.len() == 1,
            _ => targs.len() >= 2,
        };
        if !arity_ok {
            let d = self.error(
                "E0204",
                span,
                match builtin {
                    Builtin::Abs => "`abs` takes one argument".to_string(),
                    _ => format!("`{}` takes two or more arguments", f.text),
                },
                "wrong number of arguments",
            );
            self.push(d);
            return TExpr::error(span);
        }
        let mut ty = targs[0].ty.clone();
        for t in &targs {
            if !matches!(t.ty, Type::Quantity(_)) {
                let d = self.error(
                    "E0204",
                    t.span,
                    format!(
                        "`{}` needs quantities, found {}",
                        f.text,
                        self.describe(&t.ty)
                    ),
                    "not a quantity",
                );
                self.push(d);
                return TExpr::error(span);
            }
        }
        let what = format!("the arguments of `{}`", f.text);
        for t in &targs[1..] {
            let unified = self.unify_branches(&targs[0], t, &what);
            if unified.is_error() {
                return TExpr::error(span);
            }
            if is_zero_literal(&targs[0]) {
                ty = unified;
            }
        }
        self.done(TKind::Builtin(builtin, targs), ty, span)
    }

    fn match_expr(
        &mut self,
        scrutinee: &ast::Expr,
        arms: &[ast::MatchArm],
        span: Span,
        hint: Option<&Type>,
    ) -> TExpr {
        let s = self.expr(scrutinee);
        let id = match &s.ty {
            Type::Enum(id) => Some(*id),
            Type::Error => None,
            other => {
                let d = self.error(
                    "E0204",
                    s.span,
                    format!(
                        "`match` takes an enum value, found {}",
                        self.describe(other)
                    ),
                    "not an enum",
                );
                self.push(d);
                None
            }
        };
        let mut out: Vec<(Option<usize>, TExpr)> = Vec::new();
        let mut ty: Option<TExpr> = None;
        let mut result_ty = Type::Error;
        let mut wildcard = false;
        for arm in arms {
            let variant = match (&arm.pattern, id) {
                (ast::Pattern::Wildcard(_), _) => {
                    wildcard = true;
                    None
                }
                (ast::Pattern::Variant(v), Some(id))
                | (ast::Pattern::Qualified(_, v), Some(id)) => {
                    let def = &self.world.enums[id];
                    match def.variant(&v.text) {
                        Some(i) => {
                            let loc = def.variants[i].loc;
                            self.reference(v.span, loc);
                            if out.iter().any(|(o, _)| *o == Some(i)) {
                                let d = self.error(
                                    "E0102",
                                    v.span,
                                    format!("variant `{}` is matched twice", v.text),
                                    "again here",
                                );
                                self.push(d);
                            }
                            Some(i)
                        }
                        None => {
                            let names: Vec<&str> =
                                def.variants.iter().map(|v| v.name.as_str()).collect();
                            let mut d = self.error(
                                "E0101",
                                v.span,
                                format!("enum `{}` has no variant `{}`", def.name, v.text),
                                "unknown variant",
                            );
                            d = d.did_you_mean(&v.text, names.iter().copied());
                            self.push(d);
                            None
                        }
                    }
                }
                _ => None,
            };
            let value = self.expr_with(&arm.value, hint.or(ty.as_ref().map(|t| &t.ty)));
            match &ty {
                None => {
                    result_ty = value.ty.clone();
                    ty = Some(value.clone());
                }
                Some(first) => {
                    let first = first.clone();
                    let unified = self.unify_branches(&first, &value, "the arms of `match`");
                    if unified.is_error() {
                        result_ty = Type::Error;
                    } else if is_zero_literal(&first) {
                        result_ty = unified;
                    }
                }
            }
            out.push((variant, value));
        }
        if let (Some(id), false) = (id, wildcard) {
            let def = &self.world.enums[id];
            let missing: Vec<String> = (0..def.variants.len())
                .filter(|i| !out.iter().any(|(v, _)| *v == Some(*i)))
                .map(|i| format!("`{}`", def.variants[i].name))
                .collect();
            if !missing.is_empty() {
                let d = self
                    .error(
                        "E0204",
                        span,
                        format!("`match` does not cover {}", missing.join(", ")),
                        "not exhaustive",
                    )
                    .with_help("add an arm for each missing variant, or `_ => …` for the rest");
                self.push(d);
                return TExpr::error(span);
            }
        }
        if result_ty.is_error() || id.is_none() {
            return TExpr::error(span);
        }
        self.done(TKind::Match(Box::new(s), out), result_ty, span)
    }
}

/// Call `found` with each value name `e` uses that is not bound by an
/// enclosing `sum` (recursive only in the expression's own nesting).
pub(crate) fn names_used<'e>(
    e: &'e ast::Expr,
    bound: &mut Vec<&'e str>,
    found: &mut dyn FnMut(&'e str),
) {
    match &e.kind {
        ExprKind::Name(n) => {
            if !bound.contains(&n.text.as_str()) {
                found(&n.text);
            }
        }
        ExprKind::Field(base, _) => names_used(base, bound, found),
        ExprKind::Call(_, args) | ExprKind::List(args) => {
            for a in args {
                names_used(a, bound, found);
            }
        }
        ExprKind::Unary(_, a) | ExprKind::Paren(a) => names_used(a, bound, found),
        ExprKind::Binary(_, a, b) => {
            names_used(a, bound, found);
            names_used(b, bound, found);
        }
        ExprKind::If(c, a, b) => {
            names_used(c, bound, found);
            names_used(a, bound, found);
            names_used(b, bound, found);
        }
        ExprKind::Match(s, arms) => {
            names_used(s, bound, found);
            for arm in arms {
                names_used(&arm.value, bound, found);
            }
        }
        ExprKind::Sum { var, list, body } => {
            names_used(list, bound, found);
            bound.push(&var.text);
            names_used(body, bound, found);
            bound.pop();
        }
        ExprKind::Record(fields) => {
            for f in fields {
                names_used(&f.value, bound, found);
            }
        }
        ExprKind::Number(_)
        | ExprKind::Quantity { .. }
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::Gwp(_)
        | ExprKind::Error => {}
    }
}

/// A literal times a unit's exact factor, computed with exact ratios and
/// rounded to `f64` once; `None` when the ratio does not fit.
fn exact_in_canonical_units(n: &ast::NumberLit, factor: Rational) -> Option<f64> {
    let mut value = Rational::parse_decimal(&n.text)?;
    if n.percent {
        value = value.div(Rational::integer(100))?;
    }
    let exact = value.mul(factor)?;
    // Beyond 2^53 the two conversions of `to_f64` round twice.
    let fits = |x: i128| x.unsigned_abs() <= 1 << 53;
    (fits(exact.num()) && fits(exact.den())).then(|| exact.to_f64())
}

#[cfg(test)]
mod tests {
    use super::short_decimal;
    use proptest::prelude::*;

    #[test]
    fn short_decimals() {
        assert_eq!(short_decimal("56.1"), Some(56.1));
        assert_eq!(short_decimal("0.6205"), Some(0.6205));
        assert_eq!(short_decimal("1200"), Some(1200.0));
        assert_eq!(short_decimal("1_000"), None);
        assert_eq!(short_decimal("2.5e6"), None);
        assert_eq!(short_decimal("1234567890123456"), None);
    }

    proptest! {
        #[test]
        fn short_decimals_parse_as_str_parse_does(int in "[0-9]{1,15}", frac in proptest::option::of("[0-9]{0,15}")) {
            let text = match &frac {
                Some(f) => format!("{int}.{f}"),
                None => int.clone(),
            };
            let parsed = text.parse::<f64>().ok();
            match short_decimal(&text) {
                Some(v) => prop_assert_eq!(Some(v), parsed),
                None => prop_assert!(text.len() > 16 || int.len() + frac.map_or(0, |f| f.len()) > 15),
            }
        }
    }
}
