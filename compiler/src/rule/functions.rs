//! Functions: a signature's types resolved, a body checked with its
//! parameters in scope (top-level functions and a rule's own).

use crate::checker::{Checker, FnSig, Local};
use crate::diagnostic::{Code, Diagnostic};
use crate::dimension::BaseId;
use crate::types::{Location, TExpr};
use pcr_lang::ast;

pub fn signature(checker: &mut Checker, f: &ast::FnDecl) -> FnSig {
    let file = checker.file;
    let dimensions = dimension_params(checker, f);
    let params = f
        .params
        .iter()
        .map(|p| {
            (
                p.name.text.clone(),
                checker
                    .world
                    .resolve_type_in(&p.ty, &dimensions, file, &mut checker.diags)
                    .0,
            )
        })
        .collect();
    let ret = f.ret.as_ref().map(|t| {
        checker
            .world
            .resolve_type_in(t, &dimensions, file, &mut checker.diags)
            .0
    });
    FnSig {
        dimensions,
        params,
        ret,
    }
}

/// A function's dimension parameters with their base dimensions; E0102 for
/// one written twice or named like a dimension, unit or enum (a parameter
/// would hide it in the signature).
fn dimension_params(checker: &mut Checker, f: &ast::FnDecl) -> Vec<(String, BaseId)> {
    let mut out: Vec<(String, BaseId)> = Vec::new();
    for name in &f.dimensions {
        let taken = if out.iter().any(|(n, _)| *n == name.text) {
            Some(format!(
                "dimension parameter `{}` of `{}` is written twice",
                name.text, f.name.text
            ))
        } else if checker.world.dimensions.contains_key(&name.text) {
            Some(format!(
                "dimension parameter `{}` has the name of the dimension `{}`",
                name.text, name.text
            ))
        } else if checker.world.units.contains_key(&name.text) {
            Some(format!(
                "dimension parameter `{}` has the name of the unit `{}`",
                name.text, name.text
            ))
        } else if checker.world.enum_id(&name.text).is_some()
            || matches!(name.text.as_str(), "ratio" | "bool" | "text")
        {
            Some(format!(
                "dimension parameter `{}` has the name of the type `{}`",
                name.text, name.text
            ))
        } else {
            None
        };
        if let Some(message) = taken {
            let d = Diagnostic::new(
                Code::DuplicateDefinition,
                checker.file,
                name.span,
                message,
                "choose another name",
            )
            .with_help("a dimension parameter is usually one capital letter: `fn share<D>(main: D, coproduct: D) -> ratio`");
            checker.diags.push(d);
            continue;
        }
        if let Some(base) = checker.world.dimension_params.get(&name.text) {
            out.push((name.text.clone(), *base));
        }
    }
    out
}

/// Check a function body with its parameters in scope.
pub fn fn_body(checker: &mut Checker, decl: &ast::FnDecl, sig: &FnSig) -> TExpr {
    let saved = std::mem::take(&mut checker.locals);
    for (p, (name, ty)) in decl.params.iter().zip(&sig.params) {
        checker.locals.push(Local {
            name: name.clone(),
            ty: ty.clone(),
            loc: Location {
                file: checker.file,
                span: p.name.span,
            },
        });
    }
    let body = checker.expr_with(&decl.body, sig.ret.as_ref());
    if let Some(ret) = &sig.ret {
        let unit = decl
            .ret
            .as_ref()
            .and_then(|t| {
                checker
                    .world
                    .resolve_type_in(t, &sig.dimensions, checker.file, &mut Vec::new())
                    .1
            })
            .map(|u| u.1);
        checker.expect_type(
            &body,
            ret,
            unit.as_deref(),
            format_args!("the result of `{}`", decl.name.text),
        );
    }
    checker.locals = saved;
    body
}

/// Check the bodies of the rule's own functions.
pub(super) fn check_rule_fns(checker: &mut Checker) {
    let fn_count = checker.rule.as_ref().map(|r| r.fns.len()).unwrap_or(0);
    for i in 0..fn_count {
        let Some((decl, sig)) = checker
            .rule
            .as_ref()
            .map(|r| (r.fns[i].decl, r.fns[i].sig.clone()))
        else {
            continue;
        };
        let body = fn_body(checker, decl, &sig);
        if let Some(r) = checker.rule.as_mut() {
            r.fns[i].body = Some(body);
        }
    }
}
