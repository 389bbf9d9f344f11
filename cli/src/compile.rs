//! Compiling a rule file to a plan for `build`, `run` and `test`.

use crate::inputs::{display_name, import_base, read_source, thousands};
use pcr_compiler::render::render;
use pcr_compiler::rule::CheckedRule;
use pcr_compiler::{analyze, Analysis, DiskLoader, Options};
use std::path::Path;
use std::process::ExitCode;

/// How many rule names a message lists before `… and N more`.
const NAMES_SHOWN: usize = 10;

/// Read and check a rule file (`-`: stdin); on errors, render them and return exit code 1 (2 for unreadable files).
/// With a factor database, its `db` keys and units are checked too (E0401, E0402).
pub fn checked(
    path: &Path,
    options: &Options,
    db: Option<&pcr_plan::factors::FactorDb>,
) -> Result<Analysis, ExitCode> {
    crate::inputs::not_a_factor_file(path).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    let text = read_source(path).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    let mut analysis = analyze(
        &display_name(path),
        Some(import_base(path)),
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
            render(&analysis.files, &errors, crate::terminal::colour())
        );
        eprintln!(
            "error: `{}` has {} error(s); fix them first (`pcr check`)",
            display_name(path),
            errors.len()
        );
        return Err(ExitCode::from(1));
    }
    Ok(analysis)
}

/// The rule to build: the one named, or the file's only rule. Otherwise a
/// message listing at most a few of the file's rules, one per line, and how
/// to choose.
pub fn pick_rule<'a>(
    analysis: &'a Analysis,
    name: Option<&str>,
    file: &str,
) -> Result<&'a CheckedRule, String> {
    let rules = &analysis.rules;
    let listed = || {
        let mut text = String::new();
        for r in rules.iter().take(NAMES_SHOWN) {
            text.push_str(&format!("\n    {}", r.name));
        }
        if rules.len() > NAMES_SHOWN {
            text.push_str(&format!(
                "\n    … and {} more",
                thousands(rules.len() - NAMES_SHOWN)
            ));
        }
        text
    };
    match name {
        Some(n) => rules.iter().find(|r| r.name == n).ok_or_else(|| {
            format!(
                "no rule `{n}` in `{file}`; it has {}:{}\nchoose one with `--rule NAME`",
                count(rules.len()),
                listed()
            )
        }),
        None => match rules.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("`{file}` declares no rule")),
            many => Err(format!(
                "`{file}` declares {}:{}\nchoose one with `--rule NAME`",
                count(many.len()),
                listed()
            )),
        },
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 rule".to_string()
    } else {
        format!("{} rules", thousands(n))
    }
}

/// Compile one rule of a file to a plan. Without a factor database and
/// with `note_unchecked`, a note says how many `db` keys went unchecked.
pub fn plan(
    path: &Path,
    rule: Option<&str>,
    options: &Options,
    db: Option<&pcr_plan::factors::FactorDb>,
    note_unchecked: bool,
) -> Result<pcr_plan::format::Plan, ExitCode> {
    let analysis = checked(path, options, db)?;
    if db.is_none() && note_unchecked {
        let keys = crate::check::db_keys(&analysis);
        if keys > 0 {
            eprintln!("note: {}", crate::check::unchecked_note(keys));
        }
    }
    let rule = pick_rule(&analysis, rule, &display_name(path)).map_err(|e| {
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
            display_name(path)
        );
        ExitCode::from(1)
    })
}
