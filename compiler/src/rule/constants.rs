//! Clause values that must be constants, through the one evaluator
//! ([`crate::constant`]): E0204 saying why when they are not.

use crate::checker::Checker;
use crate::diagnostic::Code;
use crate::types::{ConstValue, TExpr, Type};
use pcr_lang::ast;

/// The value of a checked expression that must be a constant (the one
/// evaluator, [`crate::constant`]): E0204 saying why when it is not. An
/// erroneous expression was reported already and gives `None` silently.
pub(super) fn constant(checker: &mut Checker, value: &TExpr, message: &str) -> Option<ConstValue> {
    if value.ty.is_error() {
        return None;
    }
    match crate::constant::evaluate(checker, value) {
        Ok(v) => Some(v),
        Err(why) => {
            let d = checker
                .error(Code::TypeError, value.span, message, "not a constant")
                .with_note(why.reason);
            checker.push(d);
            None
        }
    }
}

/// A constant number, as [`constant`].
pub(super) fn constant_number(checker: &mut Checker, value: &TExpr, message: &str) -> Option<f64> {
    match constant(checker, value, message)? {
        ConstValue::Number(v) => Some(v),
        _ => None,
    }
}

/// A ratio such as `1%` that must be a constant: cut-off criteria and shares.
pub(super) fn ratio_constant(checker: &mut Checker, e: &ast::Expr, what: &str) -> Option<f64> {
    let value = checker.expr(e);
    if !checker.expect_type(&value, &Type::ratio(), None, what) {
        return None;
    }
    constant_number(
        checker,
        &value,
        &format!("{what} must be a constant such as `1%`"),
    )
}

/// A ratio as a percentage for messages: `0.05` is `5%`.
pub(super) fn percent(v: f64) -> String {
    let p = v * 100.0;
    let s = format!("{p:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}
