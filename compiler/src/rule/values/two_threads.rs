//! The helper thread: a checker sharing the rule's scope types the second
//! half of each kind of value; its results are merged back in order.

use super::part::{
    checker_lets_pending, reset_let, type_pending_lets, Counts, Marks, Part, Values,
};
use crate::checker::{Checker, HelperThread, RuleFn, RuleLet, RuleScope, Slot};
use crate::diagnostic::Code;
use crate::rule::inputs::{factor_value, input_default};
use crate::types::{TExpr, TKind};
use pcr_lang::ast;
use std::ops::Range;

/// Type the values on two threads; `None` when they must be typed on one.
pub(super) fn on_two_threads(
    checker: &mut Checker,
    emissions: &[&ast::Expr],
    counts: &Counts,
) -> Option<Values> {
    let start = Marks::of(checker);
    let pending_at_start = checker_lets_pending(checker);
    let mut helper = helper(checker)?;
    let (mine, theirs) = counts.halves();
    let (part, helped) = std::thread::scope(|scope| {
        let helped = scope.spawn(move || {
            let mut part = Part::default();
            part.type_values(&mut helper, &theirs, emissions);
            (part, helper)
        });
        // Room for every value: the helper's are added to these vectors.
        let mut part = Part::with_room(counts);
        part.type_values(checker, &mine, emissions);
        (part, helped.join())
    });
    let cycle = |c: &Checker, from: usize| {
        c.diags[from..]
            .iter()
            .any(|d| d.code == Code::CyclicDefinition)
    };
    // To start again on one thread: forget what this thread found and typed.
    let give_up = |checker: &mut Checker| {
        start.roll_back(checker);
        for &i in &pending_at_start {
            reset_let(checker, i);
        }
    };
    let (their_part, helper) = match helped {
        Ok((p, h)) if !cycle(&h, 0) && !cycle(checker, start.diags) => (p, h),
        _ => {
            give_up(checker);
            return None;
        }
    };
    let values = take_helpers_work(checker, part, their_part, helper, emissions);
    if cycle(checker, start.diags) {
        give_up(checker);
        return None;
    }
    Some(values)
}

/// A checker for the helper thread: the same world, file and rule, the
/// scope's names, inputs and factors shared, its own used flags, and the
/// types (not the trees) of the `let`s typed so far.
fn helper<'w, 'a>(checker: &Checker<'w, 'a>) -> Option<Checker<'w, 'a>> {
    let scope = checker.rule.as_ref()?;
    let lets = scope
        .lets
        .iter()
        .map(|l| RuleLet {
            decl: l.decl,
            declared: l.declared.clone(),
            slot: match &l.slot {
                Slot::Done(t) => Slot::Done(TExpr {
                    kind: TKind::Error,
                    ty: t.ty.clone(),
                    span: t.span,
                }),
                Slot::Pending | Slot::Visiting => Slot::Pending,
            },
            used: false,
        })
        .collect();
    let mut helper = Checker::new(checker.world, checker.globals, checker.file, checker.text);
    helper.record = checker.record;
    helper.helper = Some(HelperThread::default());
    helper.rule = Some(RuleScope {
        names: scope.names.clone(),
        inputs: scope.inputs.clone(),
        factors: scope.factors.clone(),
        inputs_used: vec![false; scope.inputs_used.len()],
        factors_used: vec![false; scope.factors_used.len()],
        lets,
        fns: scope
            .fns
            .iter()
            .map(|f| RuleFn {
                decl: f.decl,
                sig: f.sig.clone(),
                body: None,
            })
            .collect(),
        gwp: scope.gwp.clone(),
        tables: scope.tables.clone(),
        broken_words: scope.broken_words.clone(),
    });
    Some(helper)
}

/// Add the helper's results to `checker`'s, type what the helper stopped,
/// and put the values in order.
fn take_helpers_work(
    checker: &mut Checker,
    mine: Part,
    theirs: Part,
    mut helper: Checker,
    emissions: &[&ast::Expr],
) -> Values {
    // Lets: keep the helper's unless this thread typed the same one meanwhile.
    let mut dropped: Vec<(Marks, Marks)> = Vec::new();
    if let (Some(scope), Some(their_scope)) = (checker.rule.as_mut(), helper.rule.as_mut()) {
        for (i, before, after) in &theirs.lets {
            let mine = scope.lets.get_mut(*i);
            let their = their_scope.lets.get_mut(*i);
            match (mine, their) {
                (Some(m), Some(t)) if matches!(m.slot, Slot::Pending) => {
                    m.slot = std::mem::replace(&mut t.slot, Slot::Pending);
                }
                _ => dropped.push((*before, *after)),
            }
        }
        for (m, t) in scope.inputs_used.iter_mut().zip(&their_scope.inputs_used) {
            *m |= *t;
        }
        for (m, t) in scope.factors_used.iter_mut().zip(&their_scope.factors_used) {
            *m |= *t;
        }
        for (m, t) in scope.lets.iter_mut().zip(&their_scope.lets) {
            m.used |= t.used;
        }
    }
    let gaps = |of: fn(&Marks) -> usize| -> Vec<Range<usize>> {
        dropped.iter().map(|(b, a)| of(b)..of(a)).collect()
    };
    let diags = std::mem::take(&mut helper.diags);
    checker.diags.extend(without(diags, &gaps(|m| m.diags)));
    let types = std::mem::take(&mut helper.types);
    checker.types.extend(without(types, &gaps(|m| m.types)));
    let refs = std::mem::take(&mut helper.refs);
    checker.refs.extend(without(refs, &gaps(|m| m.refs)));

    // What the helper stopped (the order of typing shows nowhere without a cycle).
    let pending = checker_lets_pending(checker);
    type_pending_lets(checker, &pending);
    Values {
        inputs: in_order(checker, mine.inputs, theirs.inputs, input_default),
        factors: in_order(checker, mine.factors, theirs.factors, factor_value),
        emissions: in_order(checker, mine.emissions, theirs.emissions, |c, k| {
            emissions.get(k).map(|e| c.expr(e))
        }),
    }
}

/// Both threads' values in order, typing here those the helper stopped.
/// This thread's values stay where they are (its vector has room for all;
/// `filter_map` over it collects in place), so only the helper's are moved.
fn in_order<T>(
    checker: &mut Checker,
    mine: Vec<Option<T>>,
    theirs: Vec<Option<T>>,
    mut type_value: impl FnMut(&mut Checker, usize) -> Option<T>,
) -> Vec<T> {
    let first = mine.len();
    // `flatten` would collect into a new vector: `filter_map` reuses this one.
    #[allow(clippy::filter_map_identity)]
    let mut out: Vec<T> = mine.into_iter().filter_map(|v| v).collect();
    out.reserve(theirs.len());
    for (k, value) in theirs.into_iter().enumerate() {
        if let Some(v) = value.or_else(|| type_value(checker, first + k)) {
            out.push(v);
        }
    }
    out
}

/// `items` without those whose index is in one of `gaps` (in order, not overlapping).
fn without<'g, T>(items: Vec<T>, gaps: &'g [Range<usize>]) -> impl Iterator<Item = T> + 'g
where
    T: 'g,
{
    let mut gap = 0;
    items.into_iter().enumerate().filter_map(move |(i, item)| {
        while gaps.get(gap).is_some_and(|g| g.end <= i) {
            gap += 1;
        }
        match gaps.get(gap) {
            Some(g) if g.contains(&i) => None,
            _ => Some(item),
        }
    })
}
