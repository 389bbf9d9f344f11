//! Units resolved to exact factors and dimensions, in dependency order.

use super::{reported, Builder, State, UnitLookup, World};
use crate::diagnostic::{Code, Diagnostic, NameKind};
use crate::dimension::Dimension;
use crate::rational::Rational;
use crate::source::FileId;
use pcr_lang::ast::{self, BinOp, ExprKind, UnOp};
use std::collections::HashMap;

impl World {
    pub(super) fn resolve_units(&mut self, builder: &Builder, diags: &mut Vec<Diagnostic>) {
        let defs: HashMap<&str, (FileId, &ast::UnitDefinition)> = builder
            .unit_defs
            .iter()
            .map(|(n, f, d)| (n.as_str(), (*f, d)))
            .collect();
        let mut state: HashMap<String, State> = defs
            .keys()
            .map(|k| (k.to_string(), State::Pending))
            .collect();
        for (name, _, _) in &builder.unit_defs {
            self.unit_of(name, &defs, &mut state, diags);
        }
    }

    pub(super) fn unit_of(
        &mut self,
        name: &str,
        defs: &HashMap<&str, (FileId, &ast::UnitDefinition)>,
        state: &mut HashMap<String, State>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        match state.get(name) {
            None | Some(State::Done) => {
                return self.units.get(name).map(|u| (u.factor, u.dim.clone()))
            }
            Some(State::Visiting) => return None,
            Some(State::Pending) => {}
        }
        state.insert(name.to_string(), State::Visiting);
        let (file, def) = defs.get(name).copied()?;
        let value = match def {
            ast::UnitDefinition::Base(dim) => match self.dimensions.get(&dim.text) {
                Some(d) => {
                    let d = d.dim.clone();
                    if let Some(base) = d.single_base() {
                        let base = base as usize;
                        if let Some(b) = self.bases.get_mut(base) {
                            if b.unit.is_none() {
                                b.unit = Some(name.to_string());
                            }
                        }
                    }
                    Some((Rational::ONE, d))
                }
                None => {
                    diags.push(Diagnostic::unknown(
                        NameKind::Dimension,
                        &dim.text,
                        file,
                        dim.span,
                        self.dimensions.keys().map(String::as_str),
                    ));
                    None
                }
            },
            ast::UnitDefinition::Derived(expr) => self.exact_reported(
                expr,
                file,
                &mut |w, n, diags| {
                    if state.get(&n.text) == Some(&State::Visiting) {
                        diags.push(Diagnostic::new(
                            Code::CyclicDefinition,
                            file,
                            n.span,
                            format!("unit `{}` is defined in terms of itself", n.text),
                            "cyclic reference",
                        ));
                        return None;
                    }
                    w.unit_of(&n.text, defs, state, diags)
                },
                diags,
            ),
        };
        state.insert(name.to_string(), State::Done);
        if let (Some((factor, dim)), Some(u)) = (&value, self.units.get_mut(name)) {
            u.factor = *factor;
            u.dim = dim.clone();
        }
        value
    }

    /// [`World::exact`], and E0204 when it fails without saying why (a
    /// number, an exponent or a product beyond exact arithmetic, an unknown
    /// unit in a GWP value): a value is never silently left out.
    pub(super) fn exact_reported(
        &mut self,
        e: &ast::Expr,
        file: FileId,
        unit: &mut UnitLookup<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        let before = diags.len();
        let value = self.exact(e, file, unit, diags);
        if value.is_none() && diags.len() == before {
            diags.push(Diagnostic::new(
                Code::TypeError,
                file,
                e.span,
                "this value cannot be evaluated exactly: a number, an exponent or a product is out of range, or a unit is unknown",
                "not an exact value",
            ));
        }
        value
    }

    /// Evaluate a constant unit expression exactly: numbers, units, `* / ^`, `+ -` of like quantities.
    pub(super) fn exact(
        &mut self,
        e: &ast::Expr,
        file: FileId,
        unit: &mut UnitLookup<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        let number = |n: &ast::NumberLit| -> Option<Rational> {
            let v = Rational::parse_decimal(&n.text)?;
            if n.percent {
                v.div(Rational::integer(100))
            } else {
                Some(v)
            }
        };
        match &e.kind {
            ExprKind::Number(n) => Some((number(n)?, Dimension::none())),
            ExprKind::Quantity {
                number: n,
                unit: u,
                power,
            } => {
                let v = number(n)?;
                let (f, d) = self.exact_unit(u, file, unit, diags)?;
                let (f, d) = match power {
                    Some(p) if p.den == 1 => (
                        f.pow(i32::try_from(p.num).ok()?)?,
                        reported(d.pow(Rational::integer(p.num)), file, e.span, diags)?,
                    ),
                    Some(_) => return self.inexact(e, file, diags),
                    None => (f, d),
                };
                Some((v.mul(f)?, d))
            }
            ExprKind::Name(n) => self.exact_unit(n, file, unit, diags),
            ExprKind::Paren(a) => self.exact(a, file, unit, diags),
            ExprKind::Unary(UnOp::Neg, a) => {
                self.exact(a, file, unit, diags).map(|(v, d)| (v.neg(), d))
            }
            ExprKind::Binary(op, a, b) => {
                let (x, dx) = self.exact(a, file, unit, diags)?;
                match op {
                    BinOp::Pow => {
                        let (p, dp) = self.exact(b, file, unit, diags)?;
                        if !dp.is_none() || !p.is_integer() {
                            return self.inexact(b, file, diags);
                        }
                        let p = i32::try_from(p.num()).ok()?;
                        let dp =
                            reported(dx.pow(Rational::integer(p as i64)), file, e.span, diags)?;
                        Some((x.pow(p)?, dp))
                    }
                    _ => {
                        let (y, dy) = self.exact(b, file, unit, diags)?;
                        match op {
                            BinOp::Mul => {
                                Some((x.mul(y)?, reported(dx.mul(&dy), file, e.span, diags)?))
                            }
                            BinOp::Div => {
                                Some((x.div(y)?, reported(dx.div(&dy), file, e.span, diags)?))
                            }
                            BinOp::Add | BinOp::Sub => {
                                if dx != dy {
                                    diags.push(Diagnostic::new(
                                        Code::IncompatibleDimensions,
                                        file,
                                        e.span,
                                        format!(
                                            "cannot {} {} and {}",
                                            if *op == BinOp::Add { "add" } else { "subtract" },
                                            self.dimension_name(&dx),
                                            self.dimension_name(&dy)
                                        ),
                                        "incompatible dimensions",
                                    ));
                                    return None;
                                }
                                let v = if *op == BinOp::Add {
                                    x.add(y)?
                                } else {
                                    x.sub(y)?
                                };
                                Some((v, dx))
                            }
                            _ => self.inexact(e, file, diags),
                        }
                    }
                }
            }
            ExprKind::Error => None,
            _ => self.inexact(e, file, diags),
        }
    }

    pub(super) fn exact_unit(
        &mut self,
        n: &ast::Name,
        file: FileId,
        unit: &mut UnitLookup<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        if !self.units.contains_key(&n.text) {
            diags.push(Diagnostic::unknown(
                NameKind::Unit,
                &n.text,
                file,
                n.span,
                self.units.keys().map(String::as_str),
            ));
            return None;
        }
        unit(self, n, diags)
    }

    pub(super) fn inexact(
        &self,
        e: &ast::Expr,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        diags.push(Diagnostic::new(
            Code::TypeError,
            file,
            e.span,
            "a unit or GWP value must be an exact product of numbers and units",
            "not an exact unit expression",
        ));
        None
    }
}
