//! The value names an expression uses, for the order of typing definitions.

use pcr_lang::ast::{self, ExprKind};

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
        ExprKind::Index(table, key) => {
            names_used(table, bound, found);
            names_used(key, bound, found);
        }
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
        ExprKind::Sum {
            var,
            list,
            filter,
            body,
        } => {
            names_used(list, bound, found);
            bound.push(&var.text);
            if let Some(filter) = filter {
                names_used(filter, bound, found);
            }
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
