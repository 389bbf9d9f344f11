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
        let builtin = match f.text.as_str() {
            "min" => Some(Builtin::Min),
            "max" => Some(Builtin::Max),
            "abs" => Some(Builtin::Abs),
            _ => None,
        };
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
        let targs: Vec<TExpr> = args.iter().map(|a| self.expr(a)).collect();
        if targs.iter().any(|t| t.ty.is_error()) {
            return TExpr::error(span);
        }
        let arity_ok = match builtin {
            Builtin::Abs => targs.len() == 1,
            _ => targs.len() >= 2,
        };
        if !arity_ok {
            let d = self.error(
                Code::TypeError,
                span,
                match builtin {
                    Builtin::Abs => "`abs` takes one argument".to_string(),
                    _ => format!("`{}` takes two or more arguments", f.text),
                },
                "wrong number of arguments",
            );
            self.push(d);
            return TExpr::error(span);
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
        self.done(TKind::Builtin(builtin, targs), ty, span)
    }
}
