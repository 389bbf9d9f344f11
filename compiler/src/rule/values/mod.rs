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
//!
//! `part` holds what both threads do (a share of the values, typed one by
//! one); `two_threads` the helper and the merging of its results. The files
//! depend one way: `part` ← `two_threads` ← this file.

mod part;
mod two_threads;

pub(super) use part::Values;

use crate::checker::Checker;
use part::{Counts, Part};
use pcr_lang::ast::{self, Clause};

/// Rules with at least this many values type them on two threads.
const PARALLEL_VALUES: usize = 8192;

/// How many threads may type a rule's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    One,
    /// Two for a rule with at least 8192 values.
    UpToTwo,
}

/// Type every input default, factor value, `let` and emission of the rule
/// in `checker`'s scope.
pub(in crate::rule) fn type_values(
    checker: &mut Checker,
    rule: &ast::Rule,
    threads: Threads,
) -> Values {
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
    if threads == Threads::UpToTwo && counts.total() >= PARALLEL_VALUES {
        if let Some(values) = two_threads::on_two_threads(checker, &emissions, &counts) {
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
