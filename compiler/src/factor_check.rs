//! Checking a rule's `db` factors against a factor database (E0401, E0402).

use crate::analysis::Analysis;
use crate::checked::CheckedFactorValue;
use crate::diagnostic::{Code, Diagnostic};
use crate::lower::plan_dimension;
use pcr_plan::factors::FactorDb;

/// Every `db` key of every rule looked up in `db`: missing keys and wrong units.
pub fn check_factor_db(analysis: &Analysis, db: &FactorDb) -> Vec<Diagnostic> {
    let mut table = pcr_plan::dimension::UnitTable::new();
    for (name, u) in &analysis.world.units {
        // As in plans: a unit whose dimension a plan cannot write is not read.
        if let Ok(dim) = plan_dimension(analysis, &u.dim) {
            table.insert(name, u.factor.to_f64(), dim);
        }
    }
    let mut out = Vec::new();
    for rule in &analysis.rules {
        for f in &rule.factors {
            let CheckedFactorValue::Db { key } = &f.value else {
                continue;
            };
            let Some(entry) = db.get(key) else {
                let d = Diagnostic::new(
                    Code::FactorKeyNotFound,
                    f.loc.file,
                    f.loc.span,
                    format!(
                        "factor `{}`: key `{key}` is not in the factor database",
                        f.name
                    ),
                    "key not found",
                )
                .with_note(format!(
                    "looked in {}",
                    db.files()
                        .iter()
                        .map(|f| format!("`{}`", f.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                out.push(d);
                continue;
            };
            let Some(expected) = f.ty.dimension() else {
                continue;
            };
            match table.parse(&entry.unit) {
                Ok(unit) => {
                    let want = match plan_dimension(analysis, expected) {
                        Ok(want) => want,
                        Err(why) => {
                            out.push(Diagnostic::new(
                                Code::FactorUnitMismatch,
                                f.loc.file,
                                f.loc.span,
                                format!("factor `{}`: {why}", f.name),
                                "dimension out of range",
                            ));
                            continue;
                        }
                    };
                    if unit.dimension != want {
                        let d = Diagnostic::new(
                            Code::FactorUnitMismatch,
                            f.loc.file,
                            f.loc.span,
                            format!(
                                "factor `{}` is declared {}, but the database gives `{key}` in `{}`",
                                f.name,
                                f.unit.as_ref().map(|u| u.0.clone()).unwrap_or_default(),
                                entry.unit
                            ),
                            "unit of the wrong dimension",
                        )
                        .with_note(format!("source of the entry: {}", entry.source));
                        out.push(d);
                    }
                }
                Err(e) => {
                    out.push(Diagnostic::new(
                        Code::FactorUnitMismatch,
                        f.loc.file,
                        f.loc.span,
                        format!(
                            "the database unit `{}` of `{key}` cannot be read: {e}",
                            entry.unit
                        ),
                        "unreadable unit",
                    ));
                }
            }
        }
    }
    out
}
