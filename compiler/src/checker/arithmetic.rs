//! Binary operators and powers: dimensions multiplied, divided and
//! compared; mismatches reported once (E0201, E0204).

use super::literals::is_zero_literal;
use super::Checker;
use crate::diagnostic::Code;
use crate::rational::Rational;
use crate::types::{TExpr, TKind, Type};
use pcr_lang::ast::{self, BinOp, ExprKind, UnOp};
use pcr_lang::Span;

impl Checker<'_, '_> {
    pub(super) fn binary(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, span: Span) -> TExpr {
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
                            Code::TypeError,
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
                            Code::TypeError,
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
    pub(super) fn dimension_overflow(&mut self, span: Span) -> TExpr {
        let d = crate::dimension::overflow(self.file, span);
        self.push(d);
        TExpr::error(span)
    }

    pub(super) fn not_quantity(&mut self, op: BinOp, a: &TExpr, b: &TExpr, span: Span) -> TExpr {
        let bad = if matches!(a.ty, Type::Quantity(_)) {
            b
        } else {
            a
        };
        let d = self.error(
            Code::TypeError,
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

    pub(super) fn mismatch(&mut self, op: BinOp, a: &TExpr, b: &TExpr) {
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
                Code::IncompatibleDimensions,
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
    pub(super) fn literal_exponent(e: &ast::Expr) -> Option<Rational> {
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

    pub(super) fn power(&mut self, a: &ast::Expr, b: &ast::Expr, span: Span) -> TExpr {
        let base = self.expr(a);
        let Some(exponent) = Self::literal_exponent(b) else {
            let eb = self.expr(b);
            if !eb.ty.is_error() {
                let d = self
                    .error(Code::TypeError, b.span, "an exponent must be a number written in the rule", "not a literal number")
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
                    Code::TypeError,
                    base.span,
                    format!("cannot raise {} to a power", self.describe(other)),
                    "not a quantity",
                );
                self.push(d);
                TExpr::error(span)
            }
        }
    }
}
