//! `pcr fmt`: format files in place, or `--check` that they are formatted.

use crate::inputs::pcr_files;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(paths: &[PathBuf], check: bool) -> ExitCode {
    let files = match pcr_files(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    let mut would_change = Vec::new();
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        match pcr_lang::format::format_source(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if check {
                    would_change.push(path.display().to_string());
                } else if let Err(e) = std::fs::write(path, formatted) {
                    eprintln!("error: cannot write `{}`: {e}", path.display());
                    failed = true;
                } else {
                    eprintln!("formatted {}", path.display());
                }
            }
            Err(e) => {
                eprintln!("error: `{}` was not formatted: {e}", path.display());
                eprintln!(
                    "  run `pcr check {}` to see every syntax error",
                    path.display()
                );
                failed = true;
            }
        }
    }
    if check && !would_change.is_empty() {
        for f in &would_change {
            println!("{f}");
        }
        eprintln!(
            "{} file(s) would be reformatted by `pcr fmt`",
            would_change.len()
        );
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
