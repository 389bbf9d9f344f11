//! What each thread does when a rule's values are typed: its share of the
//! values, typed one by one, and the marks that let a value's findings be
//! forgotten.

use crate::checked::{CheckedFactor, CheckedInput};
use crate::checker::{Checker, Slot};
use crate::rule::inputs::{factor_value, input_default};
use crate::types::TExpr;
use pcr_lang::ast;
use std::ops::Range;

/// A rule's typed values, in declaration order.
pub struct Values {
    pub inputs: Vec<CheckedInput>,
    pub factors: Vec<CheckedFactor>,
    /// Each emission's value, in the order of the rule's stages.
    pub emissions: Vec<TExpr>,
}

/// How many values of each kind the rule has.
pub(super) struct Counts {
    pub(super) inputs: usize,
    pub(super) factors: usize,
    pub(super) lets: usize,
    pub(super) emissions: usize,
}

impl Counts {
    pub(super) fn of(checker: &Checker, emissions: usize) -> Counts {
        let scope = checker.rule.as_ref();
        Counts {
            inputs: scope.map_or(0, |r| r.inputs.len()),
            factors: scope.map_or(0, |r| r.factors.len()),
            lets: scope.map_or(0, |r| r.lets.len()),
            emissions,
        }
    }

    pub(super) fn total(&self) -> usize {
        self.inputs + self.factors + self.lets + self.emissions
    }

    pub(super) fn all(&self) -> Share {
        Share {
            inputs: 0..self.inputs,
            factors: 0..self.factors,
            lets: 0..self.lets,
            emissions: 0..self.emissions,
        }
    }

    /// The first and second halves of each kind.
    pub(super) fn halves(&self) -> (Share, Share) {
        let (i, f, l, e) = (
            self.inputs / 2,
            self.factors / 2,
            self.lets / 2,
            self.emissions / 2,
        );
        (
            Share {
                inputs: 0..i,
                factors: 0..f,
                lets: 0..l,
                emissions: 0..e,
            },
            Share {
                inputs: i..self.inputs,
                factors: f..self.factors,
                lets: l..self.lets,
                emissions: e..self.emissions,
            },
        )
    }
}

/// The values one thread types, by index.
pub(super) struct Share {
    pub(super) inputs: Range<usize>,
    pub(super) factors: Range<usize>,
    pub(super) lets: Range<usize>,
    pub(super) emissions: Range<usize>,
}

/// Where one value's diagnostics, types and references are in a checker's lists.
#[derive(Debug, Clone, Copy)]
pub(super) struct Marks {
    pub(super) diags: usize,
    pub(super) types: usize,
    pub(super) refs: usize,
}

impl Marks {
    pub(super) fn of(checker: &Checker) -> Marks {
        Marks {
            diags: checker.diags.len(),
            types: checker.types.len(),
            refs: checker.refs.len(),
        }
    }

    /// Forget everything `checker` found since these marks.
    pub(super) fn roll_back(self, checker: &mut Checker) {
        checker.diags.truncate(self.diags);
        checker.types.truncate(self.types);
        checker.refs.truncate(self.refs);
    }
}

/// What one thread typed of its share; `None` for a value it stopped.
#[derive(Default)]
pub(super) struct Part {
    pub(super) inputs: Vec<Option<CheckedInput>>,
    pub(super) factors: Vec<Option<CheckedFactor>>,
    /// The `let`s typed, each with the marks before and after it.
    pub(super) lets: Vec<(usize, Marks, Marks)>,
    pub(super) emissions: Vec<Option<TExpr>>,
}

impl Part {
    pub(super) fn with_room(counts: &Counts) -> Part {
        Part {
            inputs: Vec::with_capacity(counts.inputs),
            factors: Vec::with_capacity(counts.factors),
            lets: Vec::new(),
            emissions: Vec::with_capacity(counts.emissions),
        }
    }

    pub(super) fn type_values(
        &mut self,
        checker: &mut Checker,
        share: &Share,
        emissions: &[&ast::Expr],
    ) {
        self.inputs.reserve(share.inputs.len());
        self.factors.reserve(share.factors.len());
        self.lets.reserve(share.lets.len());
        self.emissions.reserve(share.emissions.len());
        for i in share.inputs.clone() {
            self.inputs
                .push(attempt(checker, |c| input_default(c, i)).flatten());
        }
        for i in share.factors.clone() {
            self.factors
                .push(attempt(checker, |c| factor_value(c, i)).flatten());
        }
        for i in share.lets.clone() {
            let before = Marks::of(checker);
            match attempt(checker, |c| type_let(c, i)) {
                Some(()) => self.lets.push((i, before, Marks::of(checker))),
                None => reset_let(checker, i),
            }
        }
        for e in &emissions[share.emissions.clone()] {
            self.emissions.push(attempt(checker, |c| c.expr(e)));
        }
    }
}

/// Type one value; `None`, with nothing it found kept, if it used a `let`
/// this (helper) checker has not typed.
pub(super) fn attempt<T>(checker: &mut Checker, f: impl FnOnce(&mut Checker) -> T) -> Option<T> {
    let marks = Marks::of(checker);
    if let Some(helper) = checker.helper.as_mut() {
        helper.stopped = false;
    }
    let value = f(checker);
    let stopped = checker
        .helper
        .as_mut()
        .is_some_and(|helper| std::mem::take(&mut helper.stopped));
    if stopped {
        marks.roll_back(checker);
        return None;
    }
    Some(value)
}

pub(super) fn type_let(checker: &mut Checker, i: usize) {
    let span = checker
        .rule
        .as_ref()
        .and_then(|r| r.lets.get(i))
        .map(|l| l.decl.name.span)
        .unwrap_or_default();
    checker.let_type(i, span);
}

pub(super) fn reset_let(checker: &mut Checker, i: usize) {
    if let Some(l) = checker.rule.as_mut().and_then(|r| r.lets.get_mut(i)) {
        l.slot = Slot::Pending;
    }
}

/// The `let`s not typed yet, by index.
pub(super) fn checker_lets_pending(checker: &Checker) -> Vec<usize> {
    checker.rule.as_ref().map_or_else(Vec::new, |r| {
        r.lets
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.slot, Slot::Pending))
            .map(|(i, _)| i)
            .collect()
    })
}

pub(super) fn type_pending_lets(checker: &mut Checker, pending: &[usize]) {
    for &i in pending {
        type_let(checker, i);
    }
}
