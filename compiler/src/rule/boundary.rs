//! The system boundary: known, its stages known, and every stage in it
//! counted or excluded (E0301, E0302).

use crate::checker::Checker;
use crate::diagnostic::{Code, Diagnostic, NameKind};
use crate::FastMap;
use pcr_lang::ast;
use pcr_lang::Span;

const BOUNDARY_NOTE: &str = "GB/T 24067 and ISO 14067 require every stage inside the system boundary to be counted, or excluded with a reason within the cut-off criteria";

pub(super) fn stage_known(checker: &mut Checker, name: &ast::Name) -> bool {
    match checker.world.stages.get(&name.text) {
        Some(s) => {
            let loc = s.loc;
            checker.reference(name.span, loc);
            true
        }
        None => {
            let d = Diagnostic::unknown(
                NameKind::Stage,
                &name.text,
                checker.file,
                name.span,
                checker.world.stages.keys().map(String::as_str),
            );
            checker.push(d);
            false
        }
    }
}

/// The boundary a rule names, and its stages.
#[derive(Default)]
pub(super) struct Boundary {
    pub(super) name: Option<String>,
    pub(super) stages: Vec<String>,
}

/// The boundary the `boundary` clause names (E0101 when unknown).
pub(super) fn boundary(
    checker: &mut Checker,
    boundary_clause: Option<&ast::NameClause>,
) -> Boundary {
    let mut boundary_stages = Vec::new();
    let mut boundary = None;
    if let Some(b) = boundary_clause {
        match checker.world.boundaries.get(&b.name.text) {
            Some(def) => {
                boundary_stages = def.stages.clone();
                boundary = Some(def.name.clone());
                let loc = def.loc;
                checker.reference(b.name.span, loc);
            }
            None => {
                let d = Diagnostic::unknown(
                    NameKind::Boundary,
                    &b.name.text,
                    checker.file,
                    b.name.span,
                    checker.world.boundaries.keys().map(String::as_str),
                );
                checker.push(d);
            }
        }
    }

    Boundary {
        name: boundary,
        stages: boundary_stages,
    }
}

/// Every stage of the boundary counted or excluded (E0302).
pub(super) fn every_stage_counted(
    checker: &mut Checker,
    boundary_clause: Option<&ast::NameClause>,
    boundary: &Boundary,
    counted_stages: &FastMap<&str, ()>,
    excluded_stages: &FastMap<&str, Span>,
    stage_blocks: &FastMap<&str, Span>,
) {
    let boundary_stages = &boundary.stages;
    if let Some(b) = boundary_clause {
        for stage in boundary_stages {
            let counted = counted_stages.contains_key(stage.as_str());
            // A stage block or exclusion that did not parse was still written.
            let written_broken = checker
                .rule
                .as_ref()
                .is_some_and(|r| r.in_broken_text(stage));
            if !counted && !excluded_stages.contains_key(stage.as_str()) && !written_broken {
                let has_block = stage_blocks.contains_key(stage.as_str());
                let d = checker
                    .error(
                        Code::StageNotCovered,
                        b.name.span,
                        format!("stage `{stage}` of boundary `{}` is neither calculated nor excluded", b.name.text),
                        format!("`{stage}` is in this boundary"),
                    )
                    .with_help(if has_block {
                        format!("its block has no emission: add `emission …` to `stage {stage}`, or exclude it")
                    } else {
                        format!("add `stage {stage} {{ emission … }}`, or `exclude stage {stage} \"reason\" share 0.5%`")
                    })
                    .with_note(BOUNDARY_NOTE);
                checker.push(d);
            }
        }
    }
}
