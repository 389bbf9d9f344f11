//! The project file, `pcr.toml`, at the root of a project: where its rules
//! and factor databases are, and the language server's settings.
//!
//! ```toml
//! # Paths are relative to the folder that holds pcr.toml.
//! rules = ["stdlib-rules", "tests/rules"]          # files or folders of `.pcr` files
//! factors = ["stdlib-rules/factors/all.csv"]       # factor databases (CSV), later ones override
//!
//! [lsp]
//! warnings = true        # show warnings (W codes) as well as errors; default true
//! check_factors = true   # check `db` keys against `factors` while editing; default true
//! ```
//!
//! API, for the `pcr` command line and the language server alike:
//!
//! - [`find`]`(start)`: the nearest `pcr.toml` in `start` (a file's folder
//!   or a folder) or any folder above it, if any.
//! - [`load`]`(file)`: read and check one `pcr.toml`; paths in the result are
//!   joined to the file's folder. Every listed path must exist.
//! - [`discover`]`(start)`: `find` then `load`.
//!
//! Errors ([`ProjectError`]) name the file, the line and the key at fault.
//! Unknown keys are errors (a typo must not silently turn a setting off).
//! Command-line flags override what the project file says; that is the
//! caller's business.

use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// The project file's name.
pub const FILE_NAME: &str = "pcr.toml";

/// A project file, checked, with its paths joined to its folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The `pcr.toml` file itself.
    pub file: PathBuf,
    /// The folder that holds it.
    pub root: PathBuf,
    /// Rule files and folders (`rules`).
    pub rules: Vec<PathBuf>,
    /// Factor databases (`factors`).
    pub factors: Vec<PathBuf>,
    /// The language server's settings (`[lsp]`).
    pub lsp: LspSettings,
}

/// The `[lsp]` table: the language server's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LspSettings {
    /// Show warnings as well as errors.
    pub warnings: bool,
    /// Check `db` keys against the project's factor databases.
    pub check_factors: bool,
}

impl Default for LspSettings {
    fn default() -> Self {
        LspSettings {
            warnings: true,
            check_factors: true,
        }
    }
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    factors: Vec<String>,
    #[serde(default)]
    lsp: LspSettings,
}

/// What is wrong with a project file: where, which key, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectError {
    pub file: PathBuf,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    /// The key at fault, dotted (`lsp.warnings`), when there is one.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ProjectError {}

/// The nearest `pcr.toml` in `start` or a folder above it. `start` may be a
/// file (its folder is searched first) or a folder; relative paths are taken
/// from the current folder.
pub fn find(start: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(start).ok().or_else(|| {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| std::fs::canonicalize(cwd.join(start)).ok())
    })?;
    let first = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent()?
    };
    first
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The nearest project above `start`, loaded; `Ok(None)` when there is none.
pub fn discover(start: &Path) -> Result<Option<Project>, ProjectError> {
    match find(start) {
        Some(file) => load(&file).map(Some),
        None => Ok(None),
    }
}

/// Read and check a project file.
pub fn load(file: &Path) -> Result<Project, ProjectError> {
    let text = std::fs::read_to_string(file).map_err(|e| ProjectError {
        file: file.to_path_buf(),
        line: 0,
        key: None,
        message: format!("cannot read it: {e}"),
    })?;
    parse(file, &text)
}

/// Check the text of a project file named `file` (paths are joined to its folder).
pub fn parse(file: &Path, text: &str) -> Result<Project, ProjectError> {
    let raw: RawProject = toml::from_str(text).map_err(|e| {
        let start = e.span().map_or(0, |s| s.start);
        ProjectError {
            file: file.to_path_buf(),
            line: line_of(text, start),
            key: key_at(text, start),
            message: e.message().trim().to_string(),
        }
    })?;
    let root = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut project = Project {
        file: file.to_path_buf(),
        root: root.clone(),
        rules: Vec::new(),
        factors: Vec::new(),
        lsp: raw.lsp,
    };
    for (key, values, out) in [
        ("rules", raw.rules, &mut project.rules),
        ("factors", raw.factors, &mut project.factors),
    ] {
        for value in values {
            let path = root.join(&value);
            let exists = if key == "rules" {
                path.exists()
            } else {
                path.is_file()
            };
            if !exists {
                return Err(ProjectError {
                    file: file.to_path_buf(),
                    line: text
                        .find(&format!("\"{value}\""))
                        .or_else(|| text.find(&format!("'{value}'")))
                        .map_or(0, |at| line_of(text, at)),
                    key: Some(key.to_string()),
                    message: format!(
                        "`{value}` does not exist (paths are relative to `{}`)",
                        root.display()
                    ),
                });
            }
            out.push(path);
        }
    }
    Ok(project)
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The dotted key of the line at `offset`: the table header above it and
/// the key before its `=` (or the header itself, on a header line).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let line = line_of(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?.trim();
    let header = |l: &str| -> Option<String> {
        let l = l.trim();
        (l.starts_with('[') && !l.starts_with("[[")).then(|| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
    };
    if let Some(h) = header(here) {
        return Some(h);
    }
    let key = here.split('=').next()?.trim().trim_matches('"').to_string();
    if key.is_empty() || !here.contains('=') {
        return None;
    }
    let table = lines[..line - 1].iter().rev().find_map(|l| header(l));
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ProjectError {
        match parse(Path::new("proj/pcr.toml"), text) {
            Ok(p) => panic!("accepted: {p:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let e = err("rules = []\n\n[lsp]\nwarning = true\n");
        assert_eq!(e.line, 4, "{e}");
        assert_eq!(e.key.as_deref(), Some("lsp.warning"), "{e}");
        assert!(e.message.contains("unknown field `warning`"), "{e}");
        assert!(e
            .to_string()
            .starts_with("proj/pcr.toml:4: key `lsp.warning`"));
    }

    #[test]
    fn a_value_of_the_wrong_type_is_named_with_its_line() {
        let e = err("# rules\nfactors = \"all.csv\"\n");
        assert_eq!((e.line, e.key.as_deref()), (2, Some("factors")), "{e}");
    }

    #[test]
    fn a_missing_path_is_named_with_its_line() {
        let e = err("rules = []\nfactors = [\"no/such.csv\"]\n");
        assert_eq!((e.line, e.key.as_deref()), (2, Some("factors")), "{e}");
        assert!(e.message.contains("no/such.csv"), "{e}");
    }

    #[test]
    fn paths_are_joined_to_the_project_folder_and_lsp_has_defaults() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let p = parse(
            &root.join(FILE_NAME),
            "rules = [\"stdlib-rules\"]\nfactors = [\"stdlib-rules/factors/all.csv\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.rules, vec![root.join("stdlib-rules")]);
        assert_eq!(p.factors, vec![root.join("stdlib-rules/factors/all.csv")]);
        assert_eq!(p.lsp, LspSettings::default());
    }

    #[test]
    fn the_repository_project_is_found_from_a_folder_below_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let found = find(&root.join("stdlib-rules/std/units.pcr"));
        let expected = std::fs::canonicalize(root.join(FILE_NAME)).ok();
        assert_eq!(found, expected);
    }
}
