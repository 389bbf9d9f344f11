//! `pcr fmt`: format files in place, or `--check` that they are formatted;
//! `-` formats stdin to stdout.

use crate::inputs::{display_name, is_stdin, pcr_files, read_source};
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
    if files.is_empty() {
        eprintln!("error: {}", crate::check::no_rule_files(paths, "formatted"));
        return ExitCode::from(1);
    }
    let mut failed = false;
    let mut would_change = Vec::new();
    for path in &files {
        let name = display_name(path);
        let text = match read_source(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        match pcr_lang::format::format_source(&text) {
            Ok(formatted) if is_stdin(path) && !check => {
                out!("{formatted}");
                crate::stdout::flush();
            }
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if check {
                    would_change.push(name);
                } else if let Err(e) = std::fs::write(path, formatted) {
                    eprintln!("error: cannot write `{name}`: {e}");
                    failed = true;
                } else {
                    eprintln!("formatted {name}");
                }
            }
            Err(e) => {
                eprintln!("error: `{name}` was not formatted: {e}");
                if !is_stdin(path) {
                    eprintln!("  run `pcr check {name}` to see every syntax error");
                }
                failed = true;
            }
        }
    }
    if check && !would_change.is_empty() {
        for f in &would_change {
            outln!("{f}");
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
