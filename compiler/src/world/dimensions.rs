//! Derived dimensions resolved in dependency order (E0103 for a cycle).

use super::{reported, Builder, State, World};
use crate::diagnostic::{Code, Diagnostic, NameKind};
use crate::dimension::Dimension;
use crate::rational::Rational;
use crate::source::FileId;
use pcr_lang::ast::{self, TypeKind};
use std::collections::HashMap;

impl World {
    pub(super) fn resolve_dimensions(&mut self, builder: &Builder, diags: &mut Vec<Diagnostic>) {
        let defs: HashMap<&str, (FileId, &Option<ast::TypeExpr>)> = builder
            .dimension_defs
            .iter()
            .map(|(n, f, d)| (n.as_str(), (*f, d)))
            .collect();
        let mut state: HashMap<String, State> = defs
            .keys()
            .map(|k| (k.to_string(), State::Pending))
            .collect();
        let names: Vec<String> = builder
            .dimension_defs
            .iter()
            .map(|(n, _, _)| n.clone())
            .collect();
        for name in names {
            self.dimension_of(&name, &defs, &mut state, diags);
        }
    }

    pub(super) fn dimension_of(
        &mut self,
        name: &str,
        defs: &HashMap<&str, (FileId, &Option<ast::TypeExpr>)>,
        state: &mut HashMap<String, State>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Dimension> {
        match state.get(name) {
            None | Some(State::Done) => return self.dimensions.get(name).map(|d| d.dim.clone()),
            Some(State::Visiting) => return None,
            Some(State::Pending) => {}
        }
        state.insert(name.to_string(), State::Visiting);
        let (file, Some(expr)) = defs.get(name).copied()? else {
            return None;
        };
        let dim = self.dimension_expr(expr, file, defs, state, diags);
        state.insert(name.to_string(), State::Done);
        if let (Some(dim), Some(def)) = (&dim, self.dimensions.get_mut(name)) {
            def.dim = dim.clone();
        }
        dim
    }

    pub(super) fn dimension_expr(
        &mut self,
        e: &ast::TypeExpr,
        file: FileId,
        defs: &HashMap<&str, (FileId, &Option<ast::TypeExpr>)>,
        state: &mut HashMap<String, State>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Dimension> {
        match &e.kind {
            TypeKind::Named(n) => {
                if state.get(&n.text) == Some(&State::Visiting) {
                    diags.push(Diagnostic::new(
                        Code::CyclicDefinition,
                        file,
                        n.span,
                        format!("dimension `{}` is defined in terms of itself", n.text),
                        "cyclic reference",
                    ));
                    return None;
                }
                if !self.dimensions.contains_key(&n.text) {
                    diags.push(Diagnostic::unknown(
                        NameKind::Dimension,
                        &n.text,
                        file,
                        n.span,
                        self.dimensions.keys().map(String::as_str),
                    ));
                    return None;
                }
                self.dimension_of(&n.text, defs, state, diags)
            }
            TypeKind::Number(t) if t == "1" => Some(Dimension::none()),
            TypeKind::Mul(a, b) | TypeKind::Div(a, b) => {
                let x = self.dimension_expr(a, file, defs, state, diags)?;
                let y = self.dimension_expr(b, file, defs, state, diags)?;
                let product = if matches!(e.kind, TypeKind::Mul(..)) {
                    x.mul(&y)
                } else {
                    x.div(&y)
                };
                reported(product, file, e.span, diags)
            }
            TypeKind::Pow(a, exp) => {
                let r = Rational::new(exp.num as i128, exp.den as i128)?;
                let x = self.dimension_expr(a, file, defs, state, diags)?;
                reported(x.pow(r), file, e.span, diags)
            }
            _ => {
                diags.push(Diagnostic::new(
                    Code::TypeError,
                    file,
                    e.span,
                    "a dimension is a product of dimensions with exponents",
                    "not a dimension expression",
                ));
                None
            }
        }
    }
}
