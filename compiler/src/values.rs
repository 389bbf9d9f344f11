//! Typing a rule's values: input defaults, factor values, `let`s and
//! emissions. A long rule's values are typed on two threads.
//!
//! Typing a value is the same wherever it happens, with one exception: the
//! order in which `let`s are typed decides where a cycle among them is
//! reported. So the threads split the work like this:
//!
//! - this thread types the first half of each kind of value, in the order
//!   one thread would, typing any `let` it meets on the way;
//! - the helper types the second half, but stops a value as soon as it uses
//!   a `let` it has not typed itself, and throws away what that value
//!   produced (each value's diagnostics are contiguous there, since the
//!   helper never types one value inside another);
//! - this thread then takes the helper's results, dropping any `let` it has
//!   typed itself meanwhile, and types what the helper stopped.
//!
//! If either thread reports a cycle (E0103), or the helper fails, the values
//! are typed again on one thread, so that messages never depend on threads.

use crate::checker::{Checker, RuleFn, RuleLet, RuleScope, Slot};
use crate::rule::{factor_value, input_default, CheckedFactor, CheckedInput};
use crate::types::{TExpr, TKind};
use pcr_lang::ast::{self, Clause};
use std::ops::Range;

/// Rules with at least this many values type them on two threads.
const PARALLEL_VALUES: usize = 8192;

/// A rule's typed values, in declaration order.
pub struct Values {
    pub inputs: Vec<CheckedInput>,
    pub factors: Vec<CheckedFactor>,
    /// Each emission's value, in the order of the rule's stages.
    pub emissions: Vec<TExpr>,
}

/// Type every input default, factor value, `let` and emission of the rule
/// in `checker`'s scope.
pub fn type_values(checker: &mut Checker, rule: &ast::Rule) -> Values {
    let emissions: Vec<&ast::Expr> = rule
        .clauses
        .iter()
        .filter_map(|c| match c {
            Clause::Stage(s) => Some(s.emissions.iter().map(|e| &e.value)),
            _ => None,
        })
        .flatten()
        .collect();
    let counts = Counts::of(checker, emissions.len());
    if checker.parallel && counts.total() >= PARALLEL_VALUES {
        if let Some(values) = on_two_threads(checker, &emissions, &counts) {
            return values;
        }
    }
    let mut part = Part::default();
    part.type_values(checker, &counts.all(), &emissions);
    Values {
        inputs: all(part.inputs),
        factors: all(part.factors),
        emissions: all(part.emissions),
    }
}

/// The values typed (a thread types every value of its share on its own).
fn all<T>(typed: Vec<Option<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(typed.len());
    out.extend(typed.into_iter().flatten());
    out
}

/// How many values of each kind the rule has.
struct Counts {
    inputs: usize,
    factors: usize,
    lets: usize,
    emissions: usize,
}

impl Counts {
    fn of(checker: &Checker, emissions: usize) -> Counts {
        let scope = checker.rule.as_ref();
        Counts {
            inputs: scope.map_or(0, |r| r.inputs.len()),
            factors: scope.map_or(0, |r| r.factors.len()),
            lets: scope.map_or(0, |r| r.lets.len()),
            emissions,
        }
    }

    fn total(&self) -> usize {
        self.inputs + self.factors + self.lets + self.emissions
    }

    fn all(&self) -> Share {
        Share {
            inputs: 0..self.inputs,
            factors: 0..self.factors,
            lets: 0..self.lets,
            emissions: 0..self.emissions,
        }
    }

    /// The first and second halves of each kind.
    fn halves(&self) -> (Share, Share) {
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
struct Share {
    inputs: Range<usize>,
    factors: Range<usize>,
    lets: Range<usize>,
    emissions: Range<usize>,
}

/// Where one value's diagnostics, types and references are in a checker's lists.
#[derive(Debug, Clone, Copy)]
struct Marks {
    diags: usize,
    types: usize,
    refs: usize,
}

impl Marks {
    fn of(checker: &Checker) -> Marks {
        Marks {
            diags: checker.diags.len(),
            types: checker.types.len(),
            refs: checker.refs.len(),
        }
    }

    /// Forget everything `checker` found since these marks.
    fn roll_back(self, checker: &mut Checker) {
        checker.diags.truncate(self.diags);
        checker.types.truncate(self.types);
        checker.refs.truncate(self.refs);
    }
}

/// What one thread typed of its share; `None` for a value it stopped.
#[derive(Default)]
struct Part {
    inputs: Vec<Option<CheckedInput>>,
    factors: Vec<Option<CheckedFactor>>,
    /// The `let`s typed, each with the marks before and after it.
    lets: Vec<(usize, Marks, Marks)>,
    emissions: Vec<Option<TExpr>>,
}

impl Part {
    fn with_room(counts: &Counts) -> Part {
        Part {
            inputs: Vec::with_capacity(counts.inputs),
            factors: Vec::with_capacity(counts.factors),
            lets: Vec::new(),
            emissions: Vec::with_capacity(counts.emissions),
        }
    }

    fn type_values(&mut self, checker: &mut Checker, share: &Share, emissions: &[&ast::Expr]) {
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
fn attempt<T>(checker: &mut Checker, f: impl FnOnce(&mut Checker) -> T) -> Option<T> {
    let marks = Marks::of(checker);
    checker.deferred = false;
    let value = f(checker);
    if checker.deferred {
        checker.deferred = false;
        marks.roll_back(checker);
        return None;
    }
    Some(value)
}

fn type_let(checker: &mut Checker, i: usize) {
    let span = checker
        .rule
        .as_ref()
        .and_then(|r| r.lets.get(i))
        .map(|l| l.decl.name.span)
        .unwrap_or_default();
    checker.let_type(i, span);
}

fn reset_let(checker: &mut Checker, i: usize) {
    if let Some(l) = checker.rule.as_mut().and_then(|r| r.lets.get_mut(i)) {
        l.slot = Slot::Pending;
    }
}

/// The `let`s not typed yet, by index.
fn checker_lets_pending(checker: &Checker) -> Vec<usize> {
    checker.rule.as_ref().map_or_else(Vec::new, |r| {
        r.lets
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.slot, Slot::Pending))
            .map(|(i, _)| i)
            .collect()
    })
}

fn type_pending_lets(checker: &mut Checker, pending: &[usize]) {
    for &i in pending {
        type_let(checker, i);
    }
}

/// Type the values on two threads; `None` when they must be typed on one.
fn on_two_threads(
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
    let cycle = |c: &Checker, from: usize| c.diags[from..].iter().any(|d| d.code == "E0103");
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
    helper.parallel = false;
    helper.defer_lets = true;
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
