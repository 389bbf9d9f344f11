//! The declared unit: a positive constant quantity (E0203), and the
//! dimension every emission has, CO2e per declared unit.

use super::constants::constant_number;
use crate::checked::DeclaredUnit;
use crate::checker::Checker;
use crate::diagnostic::Code;
use crate::dimension::Dimension;
use crate::types::Type;
use pcr_lang::ast::{self, ExprKind};

pub(super) fn declared_unit(
    checker: &mut Checker,
    d: &ast::DeclaredUnitClause,
) -> Option<DeclaredUnit> {
    let value = checker.expr(&d.amount);
    let Type::Quantity(dim) = &value.ty else {
        if !value.ty.is_error() {
            let diag = checker.error(
                Code::DeclaredTypeMismatch,
                d.amount.span,
                "the declared unit is a quantity, such as `1 t` or `1 kWh`",
                "not a quantity",
            );
            checker.push(diag);
        }
        return None;
    };
    let canonical = constant_number(
        checker,
        &value,
        "the declared unit must be a constant quantity",
    )?;
    if canonical <= 0.0 {
        let diag = checker.error(
            Code::DeclaredTypeMismatch,
            d.amount.span,
            "the declared unit must be a positive amount",
            "not positive",
        );
        checker.push(diag);
        return None;
    }
    let (amount, unit) = match &d.amount.kind {
        ExprKind::Quantity {
            number,
            unit,
            power,
        } => {
            // The number was checked above (the quantity has a value); never a guessed amount.
            let n = crate::checker::literal_value(number).ok()?;
            let text = match power {
                Some(p) => format!("{}^{}", unit.text, p.num),
                None => unit.text.clone(),
            };
            (n, text)
        }
        _ => (canonical, checker.world.canonical_unit(dim)),
    };
    Some(DeclaredUnit {
        amount,
        unit,
        dim: dim.clone(),
        canonical,
    })
}

/// The dimension of CO2e per declared unit (a diagnostic when its exponents overflow).
pub(super) fn emission_dimension(
    checker: &mut Checker,
    declared: Option<&DeclaredUnit>,
    declared_clause: Option<&ast::DeclaredUnitClause>,
) -> Option<Dimension> {
    let file = checker.file;
    match (declared, checker.world.co2e()) {
        (Some(d), Some(co2e)) => {
            let dim = Dimension::base(co2e).div(&d.dim);
            if dim.is_none() {
                if let Some(clause) = declared_clause {
                    let d = crate::dimension::overflow(file, clause.amount.span);
                    checker.push(d);
                }
            }
            dim
        }
        _ => None,
    }
}
