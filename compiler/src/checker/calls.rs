//! Calls: built-in functions and declared ones, arguments checked against
//! the signature.

use super::literals::is_zero_literal;
use super::{Checker, RuleName};
use crate::diagnostic::Code;
use crate::types::{Builtin, FnRef, Location, TExpr, TKind, Type};
use crate::world::WorldValue;
use pcr_lang::ast;
use pcr_lang::Span;

impl Checker<'_, '_> {
    pub(super) fn call(&mut self, f: &ast::Name, args: &[ast::Expr], span: Span) -> TExpr {
        let builtin = Builtin::named(f.text.as_str());
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
                    Code::TypeError,
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
                        Code::TypeError,
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
                    Code::TypeError,
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
            if !sig.dimensions.is_empty() {
                return match self.dimension_generic_args(f, &sig, args) {
                    Some((targs, ty)) => self.done(TKind::Call(fn_ref, targs), ty, span),
                    None => TExpr::error(span),
                };
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
            self.unknown_name(&n, None);
            for a in args {
                self.expr(a);
            }
            return TExpr::error(span);
        };
        if builtin == Builtin::Co2e {
            return self.co2e(args, span);
        }
        let targs: Vec<TExpr> = args.iter().map(|a| self.expr(a)).collect();
        if targs.iter().any(|t| t.ty.is_error()) {
            return TExpr::error(span);
        }
        let arity_ok = match builtin {
            Builtin::Abs | Builtin::Exp | Builtin::Ln | Builtin::Sqrt => targs.len() == 1,
            Builtin::Round | Builtin::Co2e => targs.len() == 2,
            Builtin::Min | Builtin::Max => targs.len() >= 2,
        };
        if !arity_ok {
            let d = self.error(
                Code::TypeError,
                span,
                match builtin {
                    Builtin::Abs | Builtin::Exp | Builtin::Ln | Builtin::Sqrt => {
                        format!("`{}` takes one argument", f.text)
                    }
                    Builtin::Round => {
                        "`round` takes two arguments: the value and the step".to_string()
                    }
                    _ => format!("`{}` takes two or more arguments", f.text),
                },
                "wrong number of arguments",
            );
            self.push(d);
            return TExpr::error(span);
        }
        if builtin.is_math() {
            return self.math(builtin, targs, span);
        }
        let mut ty = targs[0].ty.clone();
        for t in &targs {
            if !matches!(t.ty, Type::Quantity(_)) {
                let d = self.error(
                    Code::TypeError,
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
        if builtin == Builtin::Round && !self.positive_step(&targs[1]) {
            return TExpr::error(span);
        }
        self.done(TKind::Builtin(builtin, targs), ty, span)
    }

    /// `exp`, `ln`, `sqrt` of one argument: a dimensionless value (`sqrt`:
    /// or one whose exponents are all even, halved); a constant argument
    /// outside the function's domain is refused here, one from data when
    /// the plan runs (`docs/src/expressions.md`).
    fn math(&mut self, builtin: Builtin, targs: Vec<TExpr>, span: Span) -> TExpr {
        let name = builtin.name();
        let Some(arg) = targs.first() else {
            return TExpr::error(span);
        };
        let Type::Quantity(dim) = &arg.ty else {
            let d = self.error(
                Code::TypeError,
                arg.span,
                format!("`{name}` needs a number, found {}", self.describe(&arg.ty)),
                "not a number",
            );
            self.push(d);
            return TExpr::error(span);
        };
        let ty = match builtin {
            Builtin::Sqrt if dim.factors().all(|(_, e)| e.num() % 2 == 0 && e.den() == 1) => {
                let half = crate::rational::Rational::new(1, 2).and_then(|h| dim.pow(h));
                match half {
                    Some(d) => Type::Quantity(d),
                    None => return TExpr::error(span),
                }
            }
            _ if dim.is_none() => Type::ratio(),
            _ => {
                let found = self.describe(&arg.ty);
                let unit = self.world.canonical_unit(dim);
                let example = if unit.starts_with(|c: char| c.is_ascii_digit()) {
                    String::new()
                } else {
                    format!(", e.g. `{name}(x / 1 {unit})`")
                };
                let help = match builtin {
                    Builtin::Sqrt => format!(
                        "`sqrt` takes a dimensionless value, or one whose dimension has even exponents (an area gives a length); divide by a reference quantity{example}"
                    ),
                    _ => format!(
                        "divide by a reference quantity to make it dimensionless{example}"
                    ),
                };
                let d = self
                    .error(
                        Code::TypeError,
                        arg.span,
                        if builtin == Builtin::Sqrt {
                            format!("`sqrt` needs a dimensionless value or a square, found {found}")
                        } else {
                            format!("`{name}` needs a dimensionless value, found {found}")
                        },
                        format!("this is {found}"),
                    )
                    .with_help(help);
                self.push(d);
                return TExpr::error(span);
            }
        };
        if let Ok(crate::types::ConstValue::Number(x)) = crate::constant::evaluate(self, arg) {
            let refused = match builtin {
                Builtin::Ln => (x <= 0.0).then_some("`ln` is defined for positive values only"),
                Builtin::Sqrt => {
                    (x < 0.0).then_some("`sqrt` is defined for values that are not negative")
                }
                _ => None,
            };
            if let Some(why) = refused {
                let d = self
                    .error(
                        Code::TypeError,
                        arg.span,
                        format!("`{name}` of {x}, which is outside its domain"),
                        "outside the domain",
                    )
                    .with_note(why);
                self.push(d);
                return TExpr::error(span);
            }
        }
        self.done(TKind::Builtin(builtin, targs), ty, span)
    }

    /// A constant step of `round` (a literal, or a `let` of constants) must
    /// be positive; one computed from data is checked when the plan runs.
    fn positive_step(&mut self, step: &TExpr) -> bool {
        let Ok(crate::types::ConstValue::Number(value)) = crate::constant::evaluate(self, step)
        else {
            return true;
        };
        if value > 0.0 {
            return true;
        }
        let d = self
            .error(
                Code::TypeError,
                step.span,
                "the step of `round` must be positive",
                "not a positive step",
            )
            .with_note("`round(q, step)` gives the multiple of `step` nearest to `q`");
        self.push(d);
        false
    }

    /// `co2e(gas, mass)`: a `Gas` and a `Mass`, characterised with the
    /// rule's GWP set; a literal gas the set lacks is E0204.
    fn co2e(&mut self, args: &[ast::Expr], span: Span) -> TExpr {
        let gas_enum = self.world.enum_id("Gas");
        let mass = self.world.dimensions.get("Mass").map(|d| d.dim.clone());
        let co2e = self.world.co2e().map(crate::dimension::Dimension::base);
        let (Some(gas_enum), Some(mass), Some(co2e)) = (gas_enum, mass, co2e) else {
            let d = self.error(
                Code::TypeError,
                span,
                "`co2e` needs the prelude's `enum Gas`, `Mass` and `CO2e`",
                "not available with this prelude",
            );
            self.push(d);
            return TExpr::error(span);
        };
        if args.len() != 2 {
            let d = self.error(
                Code::TypeError,
                span,
                format!(
                    "`co2e` takes two arguments: a `Gas` and a mass, {} given",
                    args.len()
                ),
                "wrong number of arguments",
            );
            self.push(d);
            for a in args {
                self.expr(a);
            }
            return TExpr::error(span);
        }
        let gas_ty = Type::Enum(gas_enum);
        let mass_ty = Type::Quantity(mass);
        let gas = self.expr_with(&args[0], Some(&gas_ty));
        let mut ok = self.expect_type(&gas, &gas_ty, None, "the gas of `co2e`");
        let m = self.expr_with(&args[1], Some(&mass_ty));
        ok &= self.expect_type(&m, &mass_ty, None, "the mass of `co2e`");
        if !ok || gas.ty.is_error() || m.ty.is_error() {
            return TExpr::error(span);
        }
        if let TKind::Variant(_, v) = gas.kind {
            if !self.gas_in_rule_set(gas_enum, v, gas.span) {
                return TExpr::error(span);
            }
        }
        self.done(
            TKind::Builtin(Builtin::Co2e, vec![gas, m]),
            Type::Quantity(co2e),
            span,
        )
    }

    /// Whether the rule's GWP set has a value for variant `v` of `Gas`;
    /// if not, E0204 naming the set and the gas, and a set that has it.
    fn gas_in_rule_set(&mut self, gas_enum: usize, v: usize, at: Span) -> bool {
        let Some(set_name) = self.rule.as_ref().and_then(|r| r.gwp.clone()) else {
            return true;
        };
        let Some(gas) = self
            .world
            .enums
            .get(gas_enum)
            .and_then(|e| e.variants.get(v))
            .map(|x| x.name.clone())
        else {
            return true;
        };
        let has = |set: &crate::world::GwpSetDef| set.values.iter().any(|g| g.gas == gas);
        if self.world.gwp_sets.get(&set_name).is_none_or(has) {
            return true;
        }
        let mut others: Vec<&str> = self
            .world
            .gwp_sets
            .values()
            .filter(|s| has(s))
            .map(|s| s.name.as_str())
            .collect();
        // The most recent set first (`ar6`, `ar5`).
        others.sort_unstable_by(|a, b| b.cmp(a));
        let mut d = self.error(
            Code::TypeError,
            at,
            format!("GWP set `{set_name}` has no value for gas `{gas}`"),
            "not in the rule's GWP set",
        );
        let listed: Vec<String> = others.iter().map(|o| format!("`{o}`")).collect();
        d = match others.first() {
            Some(o) => d.with_help(format!(
                "{} {} `{gas}`: choose one with `gwp {o}`, or use a gas that `{set_name}` lists",
                listed.join(" and "),
                if listed.len() == 1 { "has" } else { "have" }
            )),
            None => d.with_help(format!("use a gas that `{set_name}` lists")),
        };
        self.push(d);
        false
    }
}
