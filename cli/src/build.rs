//! `pcr build`: write a rule's calculation plan as JSON.

use pcr_compiler::Options;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(
    file: &Path,
    rule: Option<&str>,
    output: Option<&PathBuf>,
    factors: &[PathBuf],
    options: &Options,
) -> ExitCode {
    let db = match crate::check::load_factors(factors) {
        Ok(db) => db,
        Err(code) => return code,
    };
    let plan = match crate::compile::plan(file, rule, options, db.as_ref(), true) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let json = plan.to_json_pretty();
    match output {
        Some(path) => match std::fs::write(path, format!("{json}\n")) {
            Ok(()) => {
                eprintln!(
                    "wrote plan for rule `{}` ({} inputs, {} factors, {} emissions) to {}",
                    plan.rule.name,
                    plan.inputs.len(),
                    plan.factors.len(),
                    plan.emissions.len(),
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                ExitCode::from(2)
            }
        },
        None => {
            outln!("{json}");
            ExitCode::SUCCESS
        }
    }
}
