//! The end of a rule's check: unused inputs, factors and `let`s warned
//! about (W0001 to W0003), and the typed `let`s and functions taken from
//! the scope.

use crate::checked::CheckedFn;
use crate::checker::{Checker, Slot};
use crate::diagnostic::{Code, Diagnostic};
use crate::types::TExpr;

/// Warn about unused names and take the typed `let`s and functions.
pub(super) fn finish_scope(checker: &mut Checker) -> (Vec<Option<TExpr>>, Vec<CheckedFn>) {
    let file = checker.file;
    // Unused names (a name written where the rule did not parse may be used there).
    let scope = checker.rule.take().unwrap_or_default();
    for (input, used) in scope.inputs.iter().zip(&scope.inputs_used) {
        if !used && !scope.in_broken_text(&input.decl.name.text) {
            let d = Diagnostic::new(
                Code::UnusedInput,
                file,
                input.decl.name.span,
                format!("input `{}` is never used", input.decl.name.text),
                "unused input",
            )
            .with_help("use it in an emission or a `let`, or remove it");
            checker.push(d);
        }
    }
    for (factor, used) in scope.factors.iter().zip(&scope.factors_used) {
        if !used && !scope.in_broken_text(&factor.decl.name.text) {
            let d = Diagnostic::new(
                Code::UnusedFactor,
                file,
                factor.decl.name.span,
                format!("factor `{}` is never used", factor.decl.name.text),
                "unused factor",
            );
            checker.push(d);
        }
    }
    for l in &scope.lets {
        if !l.used && !scope.in_broken_text(&l.decl.name.text) {
            let d = Diagnostic::new(
                Code::UnusedLet,
                file,
                l.decl.name.span,
                format!("`{}` is never used", l.decl.name.text),
                "unused let",
            );
            checker.push(d);
        }
    }
    let lets = scope
        .lets
        .into_iter()
        .map(|l| match l.slot {
            Slot::Done(t) => Some(t),
            _ => None,
        })
        .collect();
    let fns = scope
        .fns
        .into_iter()
        .map(|f| CheckedFn {
            sig: f.sig,
            body: f.body,
        })
        .collect();
    (lets, fns)
}
