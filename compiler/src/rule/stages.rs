//! Stage blocks and exclusions, in the order written: a stage known, inside
//! the boundary (E0301) and in one block (E0102); its emissions checked.

use super::boundary::{stage_known, Boundary};
use super::emission::check_emission;
use super::exclusions::{exclude, Cutoff};
use crate::checked::{CheckedEmission, CheckedExclusion, DeclaredUnit};
use crate::checker::Checker;
use crate::diagnostic::Code;
use crate::dimension::Dimension;
use crate::types::{Location, TExpr};
use crate::FastMap;
use pcr_lang::ast::{self, Clause};
use pcr_lang::Span;

/// What a rule's stage blocks and exclusions give.
pub(super) struct Stages<'r> {
    pub(super) emissions: Vec<CheckedEmission>,
    /// Every emission written, valid or not, for examples to name.
    pub(super) emission_names: Vec<(&'r str, Location)>,
    /// Each emission name's first declaration.
    seen_emissions: FastMap<&'r str, Location>,
    /// Each stage's first block.
    pub(super) blocks: FastMap<&'r str, Span>,
    /// Stages with an emission, valid or not (an erroneous emission is reported once, not again as E0302).
    pub(super) counted: FastMap<&'r str, ()>,
    pub(super) excluded: FastMap<&'r str, Span>,
    pub(super) exclusions: Vec<CheckedExclusion>,
}

/// What an emission must be: CO2e per declared unit.
pub(super) struct EmissionUnit<'a> {
    pub(super) dim: Option<&'a Dimension>,
    pub(super) declared: Option<&'a DeclaredUnit>,
}

/// Check the stage blocks and exclusions; `typed` are the emissions' values
/// in order.
pub(super) fn check_stages<'r>(
    checker: &mut Checker,
    rule: &'r ast::Rule,
    typed: Vec<TExpr>,
    boundary: &Boundary,
    unit: &EmissionUnit,
    cutoff: &Cutoff,
) -> Stages<'r> {
    let emission_count = typed.len();
    let mut typed_values = typed.into_iter();
    let mut stages = Stages {
        emissions: Vec::with_capacity(emission_count),
        emission_names: Vec::with_capacity(emission_count),
        seen_emissions: FastMap::default(),
        blocks: FastMap::default(),
        counted: FastMap::default(),
        excluded: FastMap::default(),
        exclusions: Vec::new(),
    };
    stages.seen_emissions.reserve(emission_count);
    for clause in &rule.clauses {
        match clause {
            Clause::Stage(s) => stages.stage(checker, s, &mut typed_values, boundary, unit),
            Clause::Exclude(x) => exclude(
                checker,
                x,
                boundary,
                cutoff,
                &mut stages.excluded,
                &mut stages.exclusions,
            ),
            _ => {}
        }
    }
    stages
}

impl<'r> Stages<'r> {
    /// One stage block and its emissions.
    fn stage(
        &mut self,
        checker: &mut Checker,
        s: &'r ast::StageBlock,
        typed_values: &mut impl Iterator<Item = TExpr>,
        boundary: &Boundary,
        unit: &EmissionUnit,
    ) {
        let file = checker.file;
        let boundary_stages = &boundary.stages;
        let boundary = &boundary.name;
        let (stage_blocks, counted_stages, emission_names, seen_emissions, emissions) = (
            &mut self.blocks,
            &mut self.counted,
            &mut self.emission_names,
            &mut self.seen_emissions,
            &mut self.emissions,
        );
        let known = stage_known(checker, &s.name);
        if known && boundary.is_some() && !boundary_stages.contains(&s.name.text) {
            let d = checker
                .error(
                    Code::StageOutsideBoundary,
                    s.name.span,
                    format!("stage `{}` is outside the rule's boundary `{}`", s.name.text, boundary.clone().unwrap_or_default()),
                    "outside the boundary",
                )
                .with_note(format!("the boundary counts {}", boundary_stages.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")))
                .with_note("nothing outside the system boundary may be counted in the footprint (GB/T 24067, ISO 14067)");
            checker.push(d);
        }
        if let Some(previous) = stage_blocks.get(s.name.text.as_str()) {
            let d = checker
                .error(
                    Code::DuplicateDefinition,
                    s.name.span,
                    format!("stage `{}` has two blocks", s.name.text),
                    "second block",
                )
                .with_label(file, *previous, "first block")
                .with_help("put all emissions of a stage in one block");
            checker.push(d);
        }
        stage_blocks.insert(&s.name.text, s.name.span);
        if !s.emissions.is_empty() {
            counted_stages.insert(&s.name.text, ());
        }
        emission_names.extend(s.emissions.iter().map(|e| {
            (
                e.name.text.as_str(),
                Location {
                    file,
                    span: e.name.span,
                },
            )
        }));
        for e in &s.emissions {
            let typed = typed_values.next();
            if let Some(emission) = check_emission(
                checker,
                e,
                typed,
                &s.name.text,
                unit.dim,
                unit.declared,
                seen_emissions,
            ) {
                emissions.push(emission);
            }
            seen_emissions.entry(&e.name.text).or_insert(Location {
                file,
                span: e.name.span,
            });
        }
    }
}
