//! The project file (`pcr.toml`) on the command line: found above the files
//! given (or the current folder), its rules and factors used where the
//! command line gives none. Parsing is `pcr_compiler::project`'s.

use crate::inputs::is_stdin;
use pcr_compiler::project;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The paths and factor files a command uses: those given, else the
/// project's. A broken project file is a usage error (exit 2).
/// `paths` is empty for `check` and `test` when none were given.
pub fn settle(
    paths: &[PathBuf],
    factors: Vec<PathBuf>,
    default_to_current_folder: bool,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), ExitCode> {
    let start = paths
        .iter()
        .find(|p| !is_stdin(p))
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let found = match project::discover(&start) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(2));
        }
    };
    let paths = match (&found, paths.is_empty()) {
        (_, false) => paths.to_vec(),
        (Some(p), true) if !p.rules.is_empty() => p.rules.iter().map(|r| shown(r)).collect(),
        _ if default_to_current_folder => vec![PathBuf::from(".")],
        _ => {
            eprintln!(
                "error: no rules to check: give files or folders (`pcr check FILE…`), \
                 or list them as `rules` in pcr.toml"
            );
            return Err(ExitCode::from(2));
        }
    };
    let factors = match (&found, factors.is_empty()) {
        (Some(p), true) => p.factors.iter().map(|f| shown(f)).collect(),
        _ => factors,
    };
    Ok((paths, factors))
}

/// A project path as messages show it: relative to the current folder when
/// it lies below it.
fn shown(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) else {
        return path.to_path_buf();
    };
    match path.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}
