//! Exclusions and the cut-off criteria: an excluded stage inside the
//! boundary (E0301), a share constant and not negative (E0203), a reason
//! given, each share and their sum within the cut-off (E0303).

use super::boundary::{stage_known, Boundary};
use super::constants::{percent, ratio_constant};
use crate::checked::CheckedExclusion;
use crate::checker::Checker;
use crate::diagnostic::Code;
use crate::FastMap;
use pcr_lang::ast;
use pcr_lang::Span;

const CUTOFF_NOTE: &str = "GB/T 24067 and ISO 14067: exclusions are allowed only within the cut-off criteria the rule states, each one documented";

/// The cut-off criteria: the item and total shares, and their clause.
pub(super) struct Cutoff<'r> {
    pub(super) values: Option<(f64, f64)>,
    pub(super) clause: Option<&'r ast::CutoffClause>,
}

/// The item and total cut-off, each a constant ratio.
pub(super) fn cutoff<'r>(
    checker: &mut Checker,
    cutoff_clause: Option<&'r ast::CutoffClause>,
) -> Cutoff<'r> {
    let values = cutoff_clause.and_then(|c| {
        let item = ratio_constant(checker, &c.item, "the item cut-off");
        let total = ratio_constant(checker, &c.total, "the total cut-off");
        Some((item?, total?))
    });
    Cutoff {
        values,
        clause: cutoff_clause,
    }
}

/// One exclusion.
pub(super) fn exclude<'r>(
    checker: &mut Checker,
    x: &'r ast::Exclusion,
    boundary: &Boundary,
    cutoff: &Cutoff,
    excluded_stages: &mut FastMap<&'r str, Span>,
    exclusions: &mut Vec<CheckedExclusion>,
) {
    let file = checker.file;
    let (cutoff, cutoff_clause) = (cutoff.values, cutoff.clause);
    let boundary_stages = &boundary.stages;
    let boundary = &boundary.name;
    if x.is_stage {
        let known = stage_known(checker, &x.name);
        if known && boundary.is_some() && !boundary_stages.contains(&x.name.text) {
            let d = checker
                .error(
                    Code::StageOutsideBoundary,
                    x.name.span,
                    format!(
                        "stage `{}` is not in the boundary `{}`, so there is nothing to exclude",
                        x.name.text,
                        boundary.clone().unwrap_or_default()
                    ),
                    "outside the boundary",
                )
                .with_help("remove this exclusion, or choose a boundary that contains the stage");
            checker.push(d);
        }
        excluded_stages.insert(&x.name.text, x.name.span);
    }
    let share = ratio_constant(checker, &x.share, "an exclusion's share");
    if let Some(share) = share {
        if share < 0.0 {
            let d = checker.error(
                Code::DeclaredTypeMismatch,
                x.share.span,
                "an exclusion's share cannot be negative",
                "negative share",
            );
            checker.push(d);
        }
        exclusions.push(CheckedExclusion {
            name: x.name.text.clone(),
            reason: x.reason.value.clone(),
            share,
            is_stage: x.is_stage,
        });
        if let (Some((item, _)), Some(c)) = (cutoff, cutoff_clause) {
            if share > item + 1e-12 {
                let d = checker
                    .error(
                        Code::CutoffExceeded,
                        x.share.span,
                        format!(
                            "exclusion `{}` is {} of the footprint, above the item cut-off of {}",
                            x.name.text,
                            percent(share),
                            percent(item)
                        ),
                        format!("{} > {}", percent(share), percent(item)),
                    )
                    .with_label(file, c.item.span, "the item cut-off")
                    .with_note(CUTOFF_NOTE);
                checker.push(d);
            }
        }
    }
    if x.reason.value.trim().is_empty() {
        let d = checker.error(
            Code::CutoffExceeded,
            x.reason.span,
            "an exclusion must give its reason",
            "empty reason",
        );
        checker.push(d);
    }
}

/// The exclusions' shares add up to no more than the total cut-off.
pub(super) fn within_total_cutoff(
    checker: &mut Checker,
    cutoff: &Cutoff,
    exclusions: &[CheckedExclusion],
) {
    let (cutoff, cutoff_clause) = (cutoff.values, cutoff.clause);
    if let (Some((_, total)), Some(c)) = (cutoff, cutoff_clause) {
        let sum: f64 = exclusions.iter().map(|x| x.share).sum();
        if sum > total + 1e-12 {
            let shares: Vec<String> = exclusions.iter().map(|x| percent(x.share)).collect();
            let d = checker
                .error(
                    Code::CutoffExceeded,
                    c.total.span,
                    format!(
                        "exclusions add up to {} of the footprint, above the total cut-off of {}",
                        percent(sum),
                        percent(total)
                    ),
                    format!(
                        "{} = {} > {}",
                        shares.join(" + "),
                        percent(sum),
                        percent(total)
                    ),
                )
                .with_note(CUTOFF_NOTE);
            checker.push(d);
        }
    }
}
