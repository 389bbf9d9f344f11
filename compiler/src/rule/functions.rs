//! Functions: a signature's types resolved, a body checked with its
//! parameters in scope (top-level functions and a rule's own).

use crate::checker::{Checker, FnSig, Local};
use crate::types::{Location, TExpr};
use pcr_lang::ast;

pub fn signature(checker: &mut Checker, f: &ast::FnDecl) -> FnSig {
    let file = checker.file;
    let params = f
        .params
        .iter()
        .map(|p| {
            (
                p.name.text.clone(),
                checker
                    .world
                    .resolve_type(&p.ty, file, &mut checker.diags)
                    .0,
            )
        })
        .collect();
    let ret = f
        .ret
        .as_ref()
        .map(|t| checker.world.resolve_type(t, file, &mut checker.diags).0);
    FnSig { params, ret }
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
                    .resolve_type(t, checker.file, &mut Vec::new())
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
