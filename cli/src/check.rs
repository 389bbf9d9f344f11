//! `pcr check`: every diagnostic of every file, in the terminal or as JSON lines.

use crate::inputs::{display_name, import_base, pcr_files, read_source, thousands};
use crate::MessageFormat;
use pcr_compiler::rule::CheckedFactorValue;
use pcr_compiler::{analyze, render::render, Analysis, DiskLoader, Options};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(
    paths: &[PathBuf],
    format: MessageFormat,
    factors: &[PathBuf],
    warnings: bool,
    options: &Options,
) -> ExitCode {
    let files = match pcr_files(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if files.is_empty() {
        eprintln!("error: {}", no_rule_files(paths, "checked"));
        return ExitCode::from(1);
    }
    let db = match crate::check::load_factors(factors) {
        Ok(db) => db,
        Err(code) => return code,
    };
    let colour = crate::terminal::colour();
    let mut errors = 0usize;
    let mut warning_count = 0usize;
    let mut unchecked_keys = 0usize;
    for (index, path) in files.iter().enumerate() {
        let text = match read_source(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let name = display_name(path);
        let mut analysis = analyze(&name, Some(import_base(path)), text, &DiskLoader, options);
        match &db {
            Some(db) => {
                let extra = pcr_compiler::factor_check::check_factor_db(&analysis, db);
                analysis.diagnostics.extend(extra);
            }
            None => unchecked_keys += db_keys(&analysis),
        }
        let shown: Vec<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| warnings || d.is_error())
            .cloned()
            .collect();
        errors += shown.iter().filter(|d| d.is_error()).count();
        warning_count += shown.iter().filter(|d| !d.is_error()).count();
        match format {
            MessageFormat::Json => {
                for d in &shown {
                    outln!("{}", d.to_json(&analysis.files));
                }
            }
            MessageFormat::Human => {
                eprint!("{}", render(&analysis.files, &shown, colour));
            }
        }
        if index + 1 == files.len() {
            // The process ends next: the system takes the memory back at once,
            // where freeing a long rule's trees node by node takes a good part
            // of the time checking took (bench_check prints both); clang and
            // rustc skip the same work.
            std::mem::forget(analysis);
        }
    }
    if unchecked_keys > 0 {
        eprintln!("note: {}", unchecked_note(unchecked_keys));
    }
    if format == MessageFormat::Human {
        let checked = files.len();
        let plural = |n: usize, w: &str| {
            if n == 1 {
                format!("{n} {w}")
            } else {
                format!("{n} {w}s")
            }
        };
        if errors == 0 {
            eprintln!(
                "checked {}: no errors{}",
                plural(checked, "file"),
                if warning_count > 0 {
                    format!(", {}", plural(warning_count, "warning"))
                } else {
                    String::new()
                }
            );
        } else {
            eprintln!(
                "checked {}: {}, {}",
                plural(checked, "file"),
                plural(errors, "error"),
                plural(warning_count, "warning")
            );
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What to say when the paths given hold no `.pcr` file: nothing was `done`.
pub fn no_rule_files(paths: &[PathBuf], done: &str) -> String {
    let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    format!(
        "no rule files (`.pcr`) in {}: nothing was {done}",
        names.join(", ")
    )
}

/// The number of `db` factor keys of the rules of an analysis.
pub fn db_keys(analysis: &Analysis) -> usize {
    analysis
        .rules
        .iter()
        .flat_map(|r| &r.factors)
        .filter(|f| matches!(f.value, CheckedFactorValue::Db { .. }))
        .count()
}

/// The note for `db` keys that were not looked up.
pub fn unchecked_note(keys: usize) -> String {
    let n = if keys == 1 {
        "1 factor key was".to_string()
    } else {
        format!("{} factor keys were", thousands(keys))
    };
    format!("{n} not checked: no factor database (pass --factors FILE or set factors in pcr.toml)")
}

/// Read factor databases given with `--factors`; errors are rendered and end the command.
pub fn load_factors(paths: &[PathBuf]) -> Result<Option<pcr_plan::factors::FactorDb>, ExitCode> {
    if paths.is_empty() {
        return Ok(None);
    }
    match pcr_plan::factors::FactorDb::from_csv_files(paths) {
        Ok(db) => Ok(Some(db)),
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            Err(ExitCode::from(1))
        }
    }
}
