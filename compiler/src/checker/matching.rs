//! `match` over an enum: arms known, every variant covered once, branches
//! of one type.

use super::literals::is_zero_literal;
use super::Checker;
use crate::diagnostic::Code;
use crate::types::{TExpr, TKind, Type};
use pcr_lang::ast;
use pcr_lang::Span;

impl Checker<'_, '_> {
    pub(super) fn match_expr(
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
                    Code::TypeError,
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
                                    Code::DuplicateDefinition,
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
                                Code::UnknownName,
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
                        Code::TypeError,
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
