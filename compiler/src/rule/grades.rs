//! Grades: thresholds in CO2e, constant and strictly increasing, each
//! grade named once, and an `otherwise` grade (E0305).

use super::constants::constant_number;
use crate::checker::Checker;
use crate::diagnostic::Code;
use crate::dimension::Dimension;
use crate::types::Type;
use pcr_lang::ast;
use pcr_lang::Span;

/// The grades with their thresholds, and the `otherwise` grade.
pub(super) fn check_grades(
    checker: &mut Checker,
    grades_clause: Option<&ast::Grades>,
) -> (Vec<(String, f64)>, Option<String>) {
    let file = checker.file;
    let mut grades = Vec::new();
    let mut otherwise = None;
    if let Some(g) = grades_clause {
        let co2e = checker
            .world
            .co2e()
            .map(Dimension::base)
            .map(Type::Quantity);
        let mut previous: Option<(f64, Span)> = None;
        for entry in &g.entries {
            let value = checker.expr(&entry.threshold);
            if let Some(ty) = &co2e {
                if !checker.expect_type(
                    &value,
                    ty,
                    Some("kgCO2e"),
                    format_args!("the threshold of grade `{}`", entry.name.text),
                ) {
                    continue;
                }
            }
            let Some(v) = constant_number(
                checker,
                &value,
                &format!(
                    "the threshold of grade `{}` must be a constant",
                    entry.name.text
                ),
            ) else {
                continue;
            };
            if let Some((p, pspan)) = previous {
                if v <= p {
                    let d = checker
                        .error(
                            Code::GradesOutOfOrder,
                            entry.threshold.span,
                            "grade thresholds must be strictly increasing",
                            "not above the previous threshold",
                        )
                        .with_label(file, pspan, "previous threshold");
                    checker.push(d);
                }
            }
            if grades.iter().any(|(n, _)| n == &entry.name.text) {
                let d = checker.error(
                    Code::DuplicateDefinition,
                    entry.name.span,
                    format!("grade `{}` is defined twice", entry.name.text),
                    "again here",
                );
                checker.push(d);
            }
            previous = Some((v, entry.threshold.span));
            grades.push((entry.name.text.clone(), v));
        }
        match &g.otherwise {
            Some(o) => otherwise = Some(o.text.clone()),
            None => {
                let d = checker
                    .error(Code::GradesOutOfOrder, g.span, "grades have no `otherwise` grade", "no `otherwise`")
                    .with_help("end the grades with a catch-all such as `C otherwise`, so that every footprint has a grade");
                checker.push(d);
            }
        }
    }

    (grades, otherwise)
}
