//! Compiling a rule file to a plan for `build`, `run` and `test`.

use pcr_compiler::render::render;
use pcr_compiler::{analyze, Analysis, DiskLoader, Options};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// Read and check a rule file; on errors, render them and return exit code 1 (2 for unreadable files).
/// With a factor database, its `db` keys and units are checked too (E0401, E0402).
pub fn checked(
    path: &Path,
    options: &Options,
    db: Option<&pcr_plan::factors::FactorDb>,
) -> Result<Analysis, ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read `{}`: {e}", path.display());
        ExitCode::from(2)
    })?;
    let mut analysis = analyze(
        &path.display().to_string(),
        Some(path),
        text,
        &DiskLoader,
        options,
    );
    if let Some(db) = db {
        let extra = pcr_compiler::factor_check::check_factor_db(&analysis, db);
        analysis.diagnostics.extend(extra);
    }
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if !errors.is_empty() {
        eprint!(
            "{}",
            render(&analysis.files, &errors, std::io::stderr().is_terminal())
        );
        eprintln!(
            "error: `{}` has {} error(s); fix them first (`pcr check`)",
            path.display(),
            errors.len()
        );
        return Err(ExitCode::from(1));
    }
    Ok(analysis)
}

/// Compile one rule of a file to a plan.
pub fn plan(
    path: &Path,
    rule: Option<&str>,
    options: &Options,
    db: Option<&pcr_plan::factors::FactorDb>,
) -> Result<pcr_plan::format::Plan, ExitCode> {
    let analysis = checked(path, options, db)?;
    let rule = analysis.rule(rule).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    pcr_compiler::lower::lower(&analysis, rule).map_err(|e| {
        let (line, column) = analysis
            .files
            .get(rule.file)
            .map(|f| f.line_col(e.span.start as usize))
            .unwrap_or((1, 1));
        eprintln!(
            "error: cannot build a plan for rule `{}`: {} ({}:{line}:{column})",
            rule.name,
            e.message,
            path.display()
        );
        ExitCode::from(1)
    })
}
