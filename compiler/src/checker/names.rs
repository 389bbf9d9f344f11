//! Names and fields: locals, a rule's names, constants, units, enum
//! variants; record fields and `gwp(gas)`; unknown names with a suggestion.

use super::{Checker, RuleName};
use crate::diagnostic::{Code, Diagnostic, NameKind};
use crate::suggest::closest;
use crate::types::{Location, TExpr, TKind, Type};
use crate::world::WorldValue;
use pcr_lang::ast::{self, ExprKind};
use pcr_lang::Span;

impl Checker<'_, '_> {
    /// E0101 for a name found nowhere. `hint` is the expected type: where
    /// it is an enum, a misspelt variant is suggested first
    /// (`given route = bf_bfo` → `bf_bof`).
    pub(super) fn unknown_name(&mut self, n: &ast::Name, hint: Option<&Type>) -> TExpr {
        // Declared, perhaps, by a part of the rule that did not parse (E0001).
        if self
            .rule
            .as_ref()
            .is_some_and(|r| r.in_broken_text(&n.text))
        {
            return TExpr::error(n.span);
        }
        let mut candidates: Vec<&str> = self.world.value_names().collect();
        candidates.extend(self.locals.iter().map(|l| l.name.as_str()));
        let rule_names: Vec<String> = self
            .rule
            .as_ref()
            .map(|r| r.names.keys().map(|k| k.to_string()).collect())
            .unwrap_or_default();
        candidates.extend(rule_names.iter().map(String::as_str));
        let variant = match hint {
            Some(Type::Enum(id)) => self.world.enums.get(*id).and_then(|e| {
                closest(&n.text, e.variants.iter().map(|v| v.name.as_str())).map(str::to_string)
            }),
            _ => None,
        };
        let suggestion = variant.or_else(|| closest(&n.text, candidates).map(str::to_string));
        let mut d = self.error(
            Code::UnknownName,
            n.span,
            format!("unknown name `{}`", n.text),
            "not found in this scope",
        );
        if n.text == "footprint" {
            d = d.with_note(
                "`footprint` is a value only inside a `result`: `result NAME = footprint - …`",
            );
        } else if let Some(h) = suggestion {
            d = d.with_suggestion(&h);
        } else if self.world.stages.contains_key(&n.text)
            || self.world.categories.contains_key(&n.text)
        {
            d = d.with_note("stages and categories are named only in `stage`, `as` and `expect` clauses, not in expressions");
        }
        self.push(d);
        TExpr::error(n.span)
    }

    pub(super) fn name(&mut self, n: &ast::Name, hint: Option<&Type>) -> TExpr {
        let span = n.span;
        if let Some(index) = self.locals.iter().rposition(|l| l.name == n.text) {
            let local = &self.locals[index];
            let (ty, loc) = (local.ty.clone(), local.loc);
            // A local at an empty span is bound by the language (a result's
            // `footprint`, `stage`, …), not declared: no reference to it.
            if !loc.span.is_empty() {
                self.reference(span, loc);
            }
            return self.done(TKind::Local(index), ty, span);
        }
        // A bare enum variant where the type is known comes before the
        // rule's names, as in a `match` arm: `given product = oil` is the
        // variant `oil` even if an input is also called `oil`.
        if let Some(Type::Enum(id)) = hint {
            if let Some(v) = self.world.enums.get(*id).and_then(|e| e.variant(&n.text)) {
                if let Some(loc) = self.world.enums.get(*id).map(|e| e.variants[v].loc) {
                    self.reference(span, loc);
                }
                return self.done(TKind::Variant(*id, v), Type::Enum(*id), span);
            }
        }
        let rule_name = self
            .rule
            .as_ref()
            .and_then(|r| r.names.get(n.text.as_str()).copied());
        if let Some((name, decl_span)) = rule_name {
            self.reference(
                span,
                Location {
                    file: self.file,
                    span: decl_span,
                },
            );
            return match name {
                RuleName::Input(i) => {
                    let ty = match self.rule.as_mut() {
                        Some(r) => {
                            if let Some(used) = r.inputs_used.get_mut(i) {
                                *used = true;
                            }
                            r.inputs
                                .get(i)
                                .map_or(Type::Error, |input| input.ty.clone())
                        }
                        None => Type::Error,
                    };
                    self.done(TKind::Input(i), ty, span)
                }
                RuleName::Factor(i) => {
                    let ty = match self.rule.as_mut() {
                        Some(r) => {
                            if let Some(used) = r.factors_used.get_mut(i) {
                                *used = true;
                            }
                            r.factors.get(i).map_or(Type::Error, |f| f.ty.clone())
                        }
                        None => Type::Error,
                    };
                    self.done(TKind::Factor(i), ty, span)
                }
                RuleName::Let(i) if self.helper.is_some() && !self.let_typed(i) => {
                    if let Some(helper) = self.helper.as_mut() {
                        helper.stopped = true;
                    }
                    TExpr::error(span)
                }
                RuleName::Let(i) => {
                    if let Some(l) = self.rule.as_mut().and_then(|r| r.lets.get_mut(i)) {
                        l.used = true;
                    }
                    let ty = self.let_type(i, span);
                    self.done(TKind::Let(i), ty, span)
                }
                RuleName::Table(_) => {
                    self.table_as_value(n);
                    TExpr::error(span)
                }
                RuleName::Fn(_) => {
                    let d = self.error(
                        Code::TypeError,
                        span,
                        format!("`{}` is a function: call it with arguments", n.text),
                        "function used as a value",
                    );
                    self.push(d);
                    TExpr::error(span)
                }
            };
        }
        // Units are the most used world names (`/ kWh`): one lookup finds them.
        if let Some(u) = self.world.units.get(n.text.as_str()) {
            self.reference(span, u.loc);
            return self.done(
                TKind::Const(u.factor.to_f64()),
                Type::Quantity(u.dim.clone()),
                span,
            );
        }
        match self.world.values.get(&n.text).copied() {
            // Every unit was found above.
            Some((WorldValue::Unit, _)) => TExpr::error(span),
            Some((WorldValue::Const(i), loc)) => {
                self.reference(span, loc);
                let ty = self.const_type(i, span);
                self.done(TKind::GlobalConst(i), ty, span)
            }
            Some((WorldValue::Table(_), loc)) => {
                self.reference(span, loc);
                self.table_as_value(n);
                TExpr::error(span)
            }
            Some((WorldValue::Fn(_), _)) => {
                let d = self.error(
                    Code::TypeError,
                    span,
                    format!("`{}` is a function: call it with arguments", n.text),
                    "function used as a value",
                );
                self.push(d);
                TExpr::error(span)
            }
            Some((WorldValue::Enum(_), _)) => {
                let d = self
                    .error(
                        Code::TypeError,
                        span,
                        format!("`{}` is an enum, not a value", n.text),
                        "enum used as a value",
                    )
                    .with_help(format!("name one of its variants, as `{}.variant`", n.text));
                self.push(d);
                TExpr::error(span)
            }
            None => {
                // A variant written bare where no type is known: find its enum.
                let owners: Vec<(usize, usize)> = self
                    .world
                    .enums
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| e.variant(&n.text).map(|v| (i, v)))
                    .collect();
                if let [(id, v)] = owners[..] {
                    if let Some(loc) = self.world.enums.get(id).map(|e| e.variants[v].loc) {
                        self.reference(span, loc);
                    }
                    return self.done(TKind::Variant(id, v), Type::Enum(id), span);
                }
                self.unknown_name(n, hint)
            }
        }
    }

    /// The type of a rule `let`, checking it on first use (detects cycles).
    /// The kind of name a reported record's fields are: `stage`, `category`
    /// or `emission` inside a result (a local bound by the language, at an
    /// empty span), else `None`.
    fn reported_kind(&self, base: &TExpr) -> Option<NameKind> {
        let TKind::Local(i) = base.kind else {
            return None;
        };
        let local = self.locals.get(i).filter(|l| l.loc.span.is_empty())?;
        match local.name.as_str() {
            "stage" => Some(NameKind::Stage),
            "category" => Some(NameKind::Category),
            "emission" => Some(NameKind::Emission),
            _ => None,
        }
    }

    pub(super) fn field(&mut self, base: &ast::Expr, field: &ast::Name, span: Span) -> TExpr {
        // `Route.eaf`: a qualified enum variant.
        if let ExprKind::Name(n) = &base.kind {
            let shadowed = self.locals.iter().any(|l| l.name == n.text)
                || self
                    .rule
                    .as_ref()
                    .is_some_and(|r| r.names.contains_key(n.text.as_str()));
            if !shadowed {
                if let Some(id) = self.world.enum_id(&n.text) {
                    let Some(def) = self.world.enums.get(id) else {
                        return TExpr::error(span);
                    };
                    self.reference(n.span, def.loc);
                    return match def.variant(&field.text) {
                        Some(v) => {
                            let loc = def.variants[v].loc;
                            self.reference(field.span, loc);
                            self.done(TKind::Variant(id, v), Type::Enum(id), span)
                        }
                        None => {
                            let names: Vec<&str> =
                                def.variants.iter().map(|v| v.name.as_str()).collect();
                            let mut d = self.error(
                                Code::UnknownName,
                                field.span,
                                format!("enum `{}` has no variant `{}`", def.name, field.text),
                                "unknown variant",
                            );
                            d = d.did_you_mean(&field.text, names.iter().copied());
                            self.push(d);
                            TExpr::error(span)
                        }
                    };
                }
            }
        }
        let base = self.expr(base);
        match &base.ty {
            Type::Record(r) => match r.field(&field.text) {
                Some((index, def)) => {
                    self.reference(field.span, def.loc);
                    let ty = def.ty.clone();
                    self.done(TKind::Field(Box::new(base), index), ty, span)
                }
                None => {
                    let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
                    if let Some(kind) = self.reported_kind(&base) {
                        let d = Diagnostic::unknown(
                            kind,
                            &field.text,
                            self.file,
                            field.span,
                            names.iter().copied(),
                        );
                        self.push(d);
                        return TExpr::error(span);
                    }
                    let mut d = self.error(
                        Code::UnknownName,
                        field.span,
                        format!("no field `{}`", field.text),
                        "unknown field",
                    );
                    d = match closest(&field.text, names.iter().copied()) {
                        Some(h) => d.with_suggestion(h),
                        None => d.with_note(format!(
                            "the fields are {}",
                            names
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    };
                    self.push(d);
                    TExpr::error(span)
                }
            },
            Type::Error => TExpr::error(span),
            other => {
                let d = self.error(
                    Code::TypeError,
                    base.span,
                    format!("{} has no fields", self.describe(other)),
                    "no field here",
                );
                self.push(d);
                TExpr::error(span)
            }
        }
    }

    pub(super) fn gwp(&mut self, gas: &ast::Name, span: Span) -> TExpr {
        let set_name = self.rule.as_ref().and_then(|r| r.gwp.clone());
        let Some(set_name) = set_name else {
            if self.rule.is_none() {
                let d = self.error(
                    Code::TypeError,
                    span,
                    "`gwp.X` is only available inside a rule, which chooses the GWP set",
                    "outside a rule",
                );
                self.push(d);
            }
            return TExpr::error(span);
        };
        let Some(set) = self.world.gwp_sets.get(&set_name) else {
            return TExpr::error(span);
        };
        match set.values.iter().find(|v| v.gas == gas.text) {
            Some(v) => {
                self.reference(gas.span, v.loc);
                self.done(
                    TKind::Const(v.value.to_f64()),
                    Type::Quantity(v.dim.clone()),
                    span,
                )
            }
            None => {
                let names: Vec<&str> = set.values.iter().map(|v| v.gas.as_str()).collect();
                let mut d = self.error(
                    Code::UnknownName,
                    gas.span,
                    format!("GWP set `{set_name}` has no gas `{}`", gas.text),
                    "unknown gas",
                );
                if let Some(h) = closest(&gas.text, names.iter().copied()) {
                    d = d.with_help(format!("did you mean `gwp.{h}`?")).with_fix(
                        format!("replace with `gwp.{h}`"),
                        gas.span,
                        h,
                    );
                }
                self.push(d);
                TExpr::error(span)
            }
        }
    }
}
