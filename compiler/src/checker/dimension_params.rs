//! Calls of functions generic over a dimension (`fn share<D>(main: D,
//! coproduct: D) -> ratio`): the arguments fix each dimension parameter at
//! the call, then every argument must agree with it (E0203 naming the
//! argument that fixed it and the one that differs), and the result's type
//! has it replaced.

use super::{Checker, FnSig};
use crate::diagnostic::Code;
use crate::dimension::{BaseId, Dimension};
use crate::types::{TExpr, Type};
use pcr_lang::ast;

/// A dimension parameter fixed at a call: its base, the dimension it stands
/// for, and the index of the argument that fixed it.
#[derive(Debug, Clone)]
struct Binding {
    base: BaseId,
    dim: Dimension,
    by: usize,
}

impl Checker<'_, '_> {
    /// The arguments of a call of `f`, whose signature has dimension
    /// parameters, checked; with the call's type. `None` when an argument
    /// is wrong (reported).
    pub(super) fn dimension_generic_args(
        &mut self,
        f: &ast::Name,
        sig: &FnSig,
        args: &[ast::Expr],
    ) -> Option<(Vec<TExpr>, Type)> {
        let bases: Vec<BaseId> = sig.dimensions.iter().map(|(_, b)| *b).collect();
        let targs: Vec<TExpr> = sig
            .params
            .iter()
            .zip(args)
            .map(|((_, pty), arg)| {
                if mentions(pty, &bases) {
                    self.expr(arg)
                } else {
                    self.expr_with(arg, Some(pty))
                }
            })
            .collect();
        let bindings = fix_dimensions(sig, &bases, &targs);
        let mut ok = true;
        for (i, ((pname, pty), t)) in sig.params.iter().zip(&targs).enumerate() {
            if t.ty.is_error() {
                ok = false;
                continue;
            }
            if !mentions(pty, &bases) {
                ok &= self.expect_type(
                    t,
                    pty,
                    None,
                    format_args!("parameter `{pname}` of `{}`", f.text),
                );
                continue;
            }
            ok &= self.dimension_generic_arg(f, sig, &bindings, &targs, i);
        }
        if !ok {
            return None;
        }
        let ret = match &sig.ret {
            Some(Type::Quantity(d)) => Type::Quantity(substitute(d, &bindings)?),
            Some(t) => t.clone(),
            None => Type::Error,
        };
        Some((targs, ret))
    }

    /// Argument `i`, whose parameter's type has a dimension parameter:
    /// a quantity whose dimension agrees with the parameters as fixed.
    fn dimension_generic_arg(
        &mut self,
        f: &ast::Name,
        sig: &FnSig,
        bindings: &[Binding],
        targs: &[TExpr],
        i: usize,
    ) -> bool {
        let (pname, pty) = &sig.params[i];
        let t = &targs[i];
        let Type::Quantity(pd) = pty else {
            return true;
        };
        let Type::Quantity(got) = &t.ty else {
            let found = self.describe(&t.ty);
            let d = self.error(
                Code::DeclaredTypeMismatch,
                t.span,
                format!(
                    "parameter `{pname}` of `{}` takes a quantity of dimension {}, but the value is {found}",
                    f.text,
                    self.world.dimension_name(pd)
                ),
                format!("this is {found}"),
            );
            self.push(d);
            return false;
        };
        let Some(expected) = substitute(pd, bindings) else {
            return false;
        };
        if self.compatible(&t.ty, &Type::Quantity(expected.clone())) {
            return true;
        }
        // The dimension parameter was fixed by another argument: name both.
        let fixed_by = bindings
            .iter()
            .find(|b| b.by != i && !pd.exponent(b.base).is_zero());
        let found = self.describe(&t.ty);
        let mut d = match fixed_by {
            Some(b) => {
                let param = sig
                    .dimensions
                    .iter()
                    .find(|(_, base)| *base == b.base)
                    .map(|(n, _)| n.as_str())
                    .unwrap_or("?");
                let (other_name, _) = &sig.params[b.by];
                let other = self.describe(&targs[b.by].ty);
                let other_span = targs[b.by].span;
                self.error(
                    Code::DeclaredTypeMismatch,
                    t.span,
                    format!(
                        "the arguments of `{}` differ in dimension: `{other_name}` is {other}, but `{pname}` is {found} (both are of dimension `{param}`)",
                        f.text
                    ),
                    format!("this is {found}"),
                )
                .with_label(self.file, other_span, format!("this fixes `{param}` as {other}"))
                .with_help(format!(
                    "give `{pname}` and `{other_name}` in the same dimension"
                ))
            }
            None => self.error(
                Code::DeclaredTypeMismatch,
                t.span,
                format!(
                    "parameter `{pname}` of `{}` is declared {}, but the value is {found}",
                    f.text,
                    self.world.dimension_name(&expected)
                ),
                format!("this is {found}"),
            ),
        };
        if let Some(help) = self.gas_help(&expected, got) {
            d = d.with_help(help);
        }
        self.push(d);
        false
    }
}

/// Whether a parameter's type has one of the dimension parameters.
fn mentions(ty: &Type, bases: &[BaseId]) -> bool {
    match ty {
        Type::Quantity(d) => bases.iter().any(|b| !d.exponent(*b).is_zero()),
        _ => false,
    }
}

/// Each dimension parameter fixed by the first argument whose parameter's
/// type has it alone among those not yet fixed: `D` from `main: D`, and
/// from `rate: D/t` as the argument's dimension times mass.
fn fix_dimensions(sig: &FnSig, bases: &[BaseId], targs: &[TExpr]) -> Vec<Binding> {
    let mut bindings: Vec<Binding> = Vec::new();
    loop {
        let before = bindings.len();
        for (i, ((_, pty), t)) in sig.params.iter().zip(targs).enumerate() {
            let (Type::Quantity(pd), Type::Quantity(got)) = (pty, &t.ty) else {
                continue;
            };
            let Some(pd) = substitute(pd, &bindings) else {
                continue;
            };
            let open: Vec<BaseId> = bases
                .iter()
                .copied()
                .filter(|b| !pd.exponent(*b).is_zero())
                .collect();
            let [base] = open[..] else {
                continue;
            };
            let k = pd.exponent(base);
            let Some(power) = Dimension::base(base).pow(k) else {
                continue;
            };
            let rest = pd.div(&power);
            let dim = rest
                .and_then(|rest| got.div(&rest))
                .zip(k.recip())
                .and_then(|(d, inv)| d.pow(inv));
            if let Some(dim) = dim {
                bindings.push(Binding { base, dim, by: i });
            }
        }
        if bindings.len() == before {
            return bindings;
        }
    }
}

/// `dim` with every fixed dimension parameter replaced by what it stands for.
fn substitute(dim: &Dimension, bindings: &[Binding]) -> Option<Dimension> {
    let mut out = Dimension::none();
    for (base, e) in dim.factors() {
        let factor = match bindings.iter().find(|b| b.base == base) {
            Some(b) => b.dim.pow(e)?,
            None => Dimension::base(base).pow(e)?,
        };
        out = out.mul(&factor)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::Rational;

    #[test]
    fn a_parameter_under_a_power_is_fixed_by_the_root() {
        let d: BaseId = 9;
        let mass = Dimension::base(0);
        let sig = FnSig {
            dimensions: vec![("D".to_string(), d)],
            params: vec![(
                "area".to_string(),
                Type::Quantity(
                    Dimension::base(d)
                        .pow(Rational::integer(2))
                        .unwrap_or_default(),
                ),
            )],
            ret: None,
        };
        let arg = TExpr::error(pcr_lang::Span::new(0, 0));
        let arg = TExpr {
            ty: Type::Quantity(mass.pow(Rational::integer(2)).unwrap_or_default()),
            ..arg
        };
        let b = fix_dimensions(&sig, &[d], &[arg]);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].dim, mass);
    }
}
