//! The expression checker's entry: [`Checker::expr`] dispatches on the kind
//! of expression; unary operators, `if`, `sum` and list literals here.

use super::literals::is_zero_literal;
use super::{Checker, Local};
use crate::diagnostic::Code;
use crate::types::{Location, TExpr, TKind, Type};
use pcr_lang::ast::{self, ExprKind, UnOp};
use pcr_lang::Span;

impl Checker<'_, '_> {
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
            } => self.quantity(number, unit, power.as_ref(), span),
            ExprKind::Str(s) => self.done(TKind::Text(s.clone()), Type::Text, span),
            ExprKind::Bool(b) => self.done(TKind::Bool(*b), Type::Bool, span),
            ExprKind::Name(n) => self.name(n, hint),
            ExprKind::Paren(inner) => {
                let mut t = self.expr_with(inner, hint);
                t.span = span;
                t
            }
            ExprKind::Field(base, field) => self.field(base, field, span),
            ExprKind::Index(table, key) => self.table_row(table, key, span),
            ExprKind::Gwp(gas) => self.gwp(gas, span),
            ExprKind::Call(f, args) => self.call(f, args, span),
            ExprKind::Unary(op, a) => self.unary(op, a, span),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, span),
            ExprKind::If(c, a, b) => self.if_expr(c, a, b, span, hint),
            ExprKind::Match(scrutinee, arms) => self.match_expr(scrutinee, arms, span, hint),
            ExprKind::Sum {
                var,
                list,
                filter,
                body,
            } => self.sum(var, list, filter.as_deref(), body, span),
            ExprKind::List(items) => self.list_literal(items, span, hint),
            ExprKind::Record(fields) => self.record_literal(fields, span, hint),
            ExprKind::Error => TExpr::error(span),
        }
    }
    pub(super) fn unify_branches(&mut self, a: &TExpr, b: &TExpr, what: &str) -> Type {
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
                Code::IncompatibleDimensions,
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

    fn unary(&mut self, op: &UnOp, a: &ast::Expr, span: Span) -> TExpr {
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
                    Code::TypeError,
                    a.span,
                    format!("cannot negate {}", self.describe(other)),
                    "not a quantity",
                );
                self.push(d);
                TExpr::error(span)
            }
            (UnOp::Not, other) => {
                let d = self.error(
                    Code::TypeError,
                    a.span,
                    format!("`not` needs a bool, found {}", self.describe(other)),
                    "not a bool",
                );
                self.push(d);
                TExpr::error(span)
            }
        }
    }

    fn if_expr(
        &mut self,
        c: &ast::Expr,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
        hint: Option<&Type>,
    ) -> TExpr {
        let c = self.expr(c);
        if !matches!(c.ty, Type::Bool | Type::Error) {
            let d = self.error(
                Code::TypeError,
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

    /// `sum(x in list [if filter]: body)`. A filter becomes
    /// `if filter then body else 0` in the typed tree, so every later pass
    /// (constants, lowering, hover) sees an ordinary `sum`.
    fn sum(
        &mut self,
        var: &ast::Name,
        list: &ast::Expr,
        filter: Option<&ast::Expr>,
        body: &ast::Expr,
        span: Span,
    ) -> TExpr {
        let list = self.expr(list);
        let record = match &list.ty {
            Type::List(r) => Some(r.clone()),
            Type::Error => None,
            other => {
                let d = self.error(
                    Code::TypeError,
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
        let filter = filter.map(|f| self.sum_filter(f));
        let body = self.expr(body);
        self.locals.pop();
        let ty = match &body.ty {
            Type::Quantity(_) | Type::Error => body.ty.clone(),
            other => {
                let d = self.error(
                    Code::TypeError,
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
        let body = match filter {
            None => body,
            Some(None) => return TExpr::error(span),
            Some(Some(cond)) => {
                let at = body.span;
                let zero = TExpr {
                    kind: TKind::Const(0.0),
                    ty: ty.clone(),
                    span: at,
                };
                TExpr {
                    kind: TKind::If(Box::new(cond), Box::new(body), Box::new(zero)),
                    ty: ty.clone(),
                    span: at,
                }
            }
        };
        self.done(TKind::Sum(Box::new(list), Box::new(body)), ty, span)
    }

    /// The filter of a `sum`: a bool (E0204 otherwise); `None` if erroneous.
    fn sum_filter(&mut self, filter: &ast::Expr) -> Option<TExpr> {
        let cond = self.expr(filter);
        match &cond.ty {
            Type::Bool => Some(cond),
            Type::Error => None,
            other => {
                let d = self
                    .error(
                        Code::TypeError,
                        cond.span,
                        format!(
                            "the filter of a `sum` must be a bool, found {}",
                            self.describe(other)
                        ),
                        "not a bool",
                    )
                    .with_help("compare it, e.g. `sum(p in parts if p.mass > 0 kg: …)`");
                self.push(d);
                None
            }
        }
    }

    fn list_literal(&mut self, items: &[ast::Expr], span: Span, hint: Option<&Type>) -> TExpr {
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
                    Code::TypeError,
                    span,
                    "a list literal is only allowed where a list input is expected",
                    "list here",
                );
                self.push(d);
                TExpr::error(span)
            }
        }
    }
}
