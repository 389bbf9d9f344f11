//! The embedded standard library: the prelude (`std/`) and the general module (`general/`).

use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The prelude's files: in scope in every rule without an import.
pub fn prelude_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED
        .iter()
        .copied()
        .filter(|(path, _)| path.starts_with("std/"))
}

/// An embedded module by its path under `stdlib-rules/` (`general/energy.pcr`).
pub fn embedded_module(path: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// The names of the prelude's files (`units.pcr`, …): a folder given with
/// `--std` must hold every one of them.
pub fn prelude_file_names() -> impl Iterator<Item = &'static str> {
    prelude_files().filter_map(|(path, _)| path.strip_prefix("std/"))
}

/// Checks a folder given with `--std` before anything is read from it: it
/// must exist and hold every prelude file, or every rule would be checked
/// against a partial prelude. The message names the folder and what is missing.
pub fn check_std_dir(dir: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!(
            "--std `{}`: no such folder (it should hold the prelude's files: {})",
            dir.display(),
            prelude_file_names().collect::<Vec<_>>().join(", ")
        ));
    }
    let missing: Vec<&str> = prelude_file_names()
        .filter(|name| !dir.join(name).is_file())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "--std `{}` is not a complete prelude: it lacks {}",
            dir.display(),
            missing.join(", ")
        ))
    }
}

/// When the file being checked is itself a prelude file, the name of the
/// prelude file it replaces (`units.pcr`), so that its declarations are not
/// declared twice. That is so only for a file of the `--std` folder, or,
/// without `--std`, of a folder named `std` that holds the whole prelude
/// (`stdlib-rules/std`): a user's own `std/` folder beside their rules is
/// not the prelude and replaces nothing.
pub fn replaced_prelude_file(path: &Path, std_dir: Option<&Path>) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if !prelude_file_names().any(|p| p == name) {
        return None;
    }
    let parent = match path.parent() {
        Some(p) if p.as_os_str().is_empty() => Path::new("."),
        Some(p) => p,
        None => return None,
    };
    let is_prelude_folder = match std_dir {
        Some(dir) => same_folder(parent, dir),
        None => {
            let named_std = std::fs::canonicalize(parent)
                .ok()
                .and_then(|p| p.file_name().map(|n| n == "std"))
                .unwrap_or(false);
            named_std && prelude_file_names().all(|p| parent.join(p).is_file())
        }
    };
    is_prelude_folder.then(|| name.to_string())
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
