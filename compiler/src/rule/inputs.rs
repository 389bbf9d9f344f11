//! One input's default or one factor's value, checked: each a constant of
//! its declared type; a default never negative (E0203).

use super::constants::{constant, constant_number};
use crate::checked::{CheckedFactor, CheckedFactorValue, CheckedInput};
use crate::checker::Checker;
use crate::diagnostic::Code;
use crate::types::{ConstValue, Location};
use pcr_lang::ast;

/// Input number `i` with its default checked.
pub(crate) fn input_default(checker: &mut Checker, i: usize) -> Option<CheckedInput> {
    let file = checker.file;
    let (decl, ty, unit) = checker
        .rule
        .as_ref()
        .and_then(|r| r.inputs.get(i))
        .map(|x| (x.decl, x.ty.clone(), x.unit.as_deref().cloned()))?;
    let default = decl.default.as_ref().and_then(|e| {
        let value = checker.expr_with(e, Some(&ty));
        if !checker.expect_type(
            &value,
            &ty,
            unit.as_ref().map(|u| u.1.as_str()),
            format_args!("input `{}`", decl.name.text),
        ) {
            return None;
        }
        let v = constant(checker, &value, "a default must be a constant value");
        if let Some(ConstValue::Number(n)) = v {
            if n < 0.0 {
                let d = checker.error(
                    Code::DeclaredTypeMismatch,
                    e.span,
                    "an input's default cannot be negative",
                    "negative default",
                );
                checker.push(d);
            }
        }
        v
    });
    Some(CheckedInput {
        name: decl.name.text.clone(),
        doc: decl.doc.clone(),
        ty,
        unit: unit.map(|(f, t)| (t, f.to_f64())),
        default,
        loc: Location {
            file,
            span: decl.name.span,
        },
    })
}

/// Factor number `i` with its value checked.
pub(crate) fn factor_value(checker: &mut Checker, i: usize) -> Option<CheckedFactor> {
    let file = checker.file;
    let (decl, ty, unit) = checker
        .rule
        .as_ref()
        .and_then(|r| r.factors.get(i))
        .map(|x| (x.decl, x.ty.clone(), x.unit.as_deref().cloned()))?;
    let unit_factor = unit.as_ref().map(|u| u.0.to_f64()).unwrap_or(1.0);
    let value = match &decl.value {
        ast::FactorValue::Db(key) => CheckedFactorValue::Db {
            key: key.value.clone(),
        },
        ast::FactorValue::Literal(e) => {
            let value = checker.expr_with(e, Some(&ty));
            checker.expect_type(
                &value,
                &ty,
                unit.as_ref().map(|u| u.1.as_str()),
                format_args!("factor `{}`", decl.name.text),
            );
            match constant_number(
                checker,
                &value,
                "a factor's value must be a constant quantity",
            ) {
                Some(v) => CheckedFactorValue::Literal {
                    canonical: v,
                    in_unit: v / unit_factor,
                },
                // Reported: the rule has errors and is never lowered.
                None => CheckedFactorValue::Literal {
                    canonical: 0.0,
                    in_unit: 0.0,
                },
            }
        }
    };
    Some(CheckedFactor {
        name: decl.name.text.clone(),
        doc: decl.doc.clone(),
        ty,
        unit: unit.map(|(f, t)| (t, f.to_f64())),
        value,
        source: decl.source.as_ref().map(|s| s.value.clone()),
        loc: Location {
            file,
            span: decl.name.span,
        },
    })
}
