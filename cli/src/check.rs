//! `pcr check`: every diagnostic of every file, in the terminal or as JSON lines.

use crate::inputs::pcr_files;
use crate::MessageFormat;
use pcr_compiler::{analyze, render::render, DiskLoader, Options};
use std::io::{IsTerminal, Write};
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
    let db = match crate::check::load_factors(factors) {
        Ok(db) => db,
        Err(code) => return code,
    };
    let colour = std::io::stderr().is_terminal();
    let mut errors = 0usize;
    let mut warning_count = 0usize;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (index, path) in files.iter().enumerate() {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let name = path.display().to_string();
        let mut analysis = analyze(&name, Some(path), text, &DiskLoader, options);
        if let Some(db) = &db {
            let extra = pcr_compiler::factor_check::check_factor_db(&analysis, db);
            analysis.diagnostics.extend(extra);
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
                    let _ = writeln!(out, "{}", d.to_json(&analysis.files));
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
