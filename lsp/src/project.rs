//! The project file (`pcr.toml`) in the editor: each rule document's
//! nearest project, its `[lsp]` settings and its factor databases, so that
//! the editor checks `db` keys (E0401, E0402) as `pcr check` does with the
//! same factors. Parsing the file is `pcr_compiler::project`'s, checking
//! keys `pcr_compiler::factor_check`'s; this module finds, caches and
//! reports.
//!
//! - A project is found from the document's folder up (`file:` documents
//!   only) each time a document is checked, and read again whenever its
//!   text differs from the cached one (an open `pcr.toml`'s unsaved text
//!   counts), so an edit, a save or another program's write is picked up.
//! - Factor databases are cached per project, keyed by their paths, sizes
//!   and modification times; they are read only when `check_factors` is on,
//!   and only regular files of at most [`MAX_FILE_BYTES`] are read.
//! - A broken project file or an unreadable factor database is never
//!   ignored: it is a diagnostic on the `pcr.toml` when it is open, one at
//!   line 1 of every rule document of the project, and one error message to
//!   the user (shown once until it changes).

use crate::document::{DocumentStore, MAX_FILE_BYTES};
use pcr_compiler::project::{self, LspSettings, Project, ProjectError, FILE_NAME};
use pcr_plan::factors::FactorDb;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::SystemTime;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, Position, Range, Uri,
};

/// Whether a path names a project file.
pub fn is_project_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == FILE_NAME)
}

/// The text of an open `pcr.toml` whose canonical path is `file`.
fn open_text<'d>(file: &Path, docs: &'d DocumentStore) -> Option<&'d str> {
    if let Some(doc) = docs.by_path(file) {
        return Some(&doc.text);
    }
    docs.iter()
        .filter(|d| d.path.as_deref().is_some_and(is_project_file))
        .find(|d| {
            d.path
                .as_deref()
                .and_then(|p| std::fs::canonicalize(p).ok())
                .is_some_and(|p| p == file)
        })
        .map(|d| d.text.as_str())
}

/// What a rule document's checks take from its project.
#[derive(Debug, Clone)]
pub struct ProjectContext {
    /// The `pcr.toml`.
    pub file: PathBuf,
    /// Its `[lsp]` settings (the defaults when the file is broken).
    pub settings: LspSettings,
    /// The factor databases to check `db` keys against, when `check_factors`
    /// is on, `factors` lists some and they could all be read.
    pub factors: Option<Rc<FactorDb>>,
    /// Why the project cannot be used as written, if it cannot.
    pub problem: Option<Problem>,
}

/// What is wrong with a project: the file at fault, the 1-based line (0 for
/// the whole file) in `pcr.toml`, and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// A parsed project file and the text it was parsed from.
struct Parsed {
    text: String,
    project: Project,
}

/// The factor databases of one project and what they were read from.
struct Factors {
    stamps: Vec<(PathBuf, Option<(SystemTime, u64)>)>,
    db: Result<Rc<FactorDb>, String>,
}

/// Every project seen, by the path of its `pcr.toml`.
#[derive(Default)]
pub struct Projects {
    parsed: HashMap<PathBuf, Parsed>,
    factors: HashMap<PathBuf, Factors>,
    /// The problem last reported to the user, per project file.
    reported: HashMap<PathBuf, Problem>,
    /// Error messages for the user not yet sent.
    messages: Vec<String>,
}

impl Projects {
    /// The project of a rule document at `path` (none for untitled documents
    /// or when no `pcr.toml` is above it).
    pub fn for_document(
        &mut self,
        path: Option<&Path>,
        docs: &DocumentStore,
    ) -> Option<ProjectContext> {
        let folder = path?.parent()?;
        let file = project::find(folder)?;
        Some(self.context(&file, docs))
    }

    /// The project whose file is `file`, read (or reused) and checked.
    pub fn context(&mut self, file: &Path, docs: &DocumentStore) -> ProjectContext {
        let context = match self.project(file, docs) {
            Ok(project) => {
                let settings = project.lsp.clone();
                let mut context = ProjectContext {
                    file: file.to_path_buf(),
                    settings: settings.clone(),
                    factors: None,
                    problem: None,
                };
                if settings.check_factors && !project.factors.is_empty() {
                    match self.factor_db(&project) {
                        Ok(db) => context.factors = Some(db),
                        Err(message) => {
                            context.problem = Some(Problem {
                                line: line_of_key(&project, "factors", docs),
                                message,
                            })
                        }
                    }
                }
                context
            }
            Err(e) => ProjectContext {
                file: file.to_path_buf(),
                settings: LspSettings::default(),
                factors: None,
                problem: Some(Problem {
                    line: e.line,
                    message: describe(&e),
                }),
            },
        };
        self.note(file, context.problem.as_ref());
        context
    }

    /// The diagnostics of an open `pcr.toml` itself.
    pub fn file_diagnostics(&mut self, file: &Path, docs: &DocumentStore) -> Vec<Diagnostic> {
        let text = docs.by_path(file).map(|d| d.text.as_str()).unwrap_or("");
        // Projects are known by canonical path, as `project::find` gives them.
        let canonical = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let context = self.context(&canonical, docs);
        let Some(problem) = context.problem else {
            return Vec::new();
        };
        vec![Diagnostic {
            range: line_range(text, problem.line),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("pcr".to_string()),
            message: problem.message,
            ..Diagnostic::default()
        }]
    }

    /// Forget what was read for a project file or a factor database at
    /// `path`; returns whether it was one of ours (its documents need
    /// checking again).
    pub fn forget(&mut self, path: &Path) -> bool {
        let as_project = self.parsed.remove(path).is_some() | self.factors.remove(path).is_some();
        let users: Vec<PathBuf> = self
            .factors
            .iter()
            .filter(|(_, f)| f.stamps.iter().any(|(p, _)| p == path))
            .map(|(file, _)| file.clone())
            .collect();
        for file in &users {
            self.factors.remove(file);
        }
        as_project || !users.is_empty() || is_project_file(path)
    }

    /// Error messages for the user, each once, taken.
    pub fn take_messages(&mut self) -> Vec<String> {
        std::mem::take(&mut self.messages)
    }

    /// The project file read (the open document's text first) and parsed;
    /// a cached parse is reused while the text is the same.
    fn project(&mut self, file: &Path, docs: &DocumentStore) -> Result<Project, ProjectError> {
        let text = match open_text(file, docs) {
            Some(text) => text.to_string(),
            None => read_bounded(file).map_err(|message| ProjectError {
                file: file.to_path_buf(),
                line: 0,
                key: None,
                message,
            })?,
        };
        if let Some(parsed) = self.parsed.get(file) {
            if parsed.text == text {
                return Ok(parsed.project.clone());
            }
        }
        self.parsed.remove(file);
        // A broken file is parsed again next time: a missing path may appear.
        let project = project::parse(file, &text)?;
        self.parsed.insert(
            file.to_path_buf(),
            Parsed {
                text,
                project: project.clone(),
            },
        );
        Ok(project)
    }

    /// The project's factor databases, read again when a path, size or
    /// modification time differs from the cached read.
    fn factor_db(&mut self, project: &Project) -> Result<Rc<FactorDb>, String> {
        let stamps: Vec<_> = project
            .factors
            .iter()
            .map(|p| (p.clone(), stamp(p)))
            .collect();
        if let Some(cached) = self.factors.get(&project.file) {
            if cached.stamps == stamps {
                return cached.db.clone();
            }
        }
        let db = read_factors(project).map(Rc::new);
        self.factors.insert(
            project.file.clone(),
            Factors {
                stamps,
                db: db.clone(),
            },
        );
        db
    }

    /// Remember a project's problem; a new one becomes a message for the user.
    fn note(&mut self, file: &Path, problem: Option<&Problem>) {
        match problem {
            Some(p) => {
                if self.reported.get(file) != Some(p) {
                    self.reported.insert(file.to_path_buf(), p.clone());
                    self.messages.push(format!(
                        "pcr: the project file {} is broken: {}",
                        file.display(),
                        p.message
                    ));
                }
            }
            None => {
                self.reported.remove(file);
            }
        }
    }
}

/// The diagnostic at line 1 of a rule document whose project is broken.
pub fn document_diagnostic(context: &ProjectContext, document_text: &str) -> Option<Diagnostic> {
    let problem = context.problem.as_ref()?;
    let related = Uri::from_file_path(&context.file).map(|uri| {
        vec![DiagnosticRelatedInformation {
            location: Location {
                uri,
                range: Range::new(
                    Position::new(problem.line.saturating_sub(1) as u32, 0),
                    Position::new(problem.line.saturating_sub(1) as u32, 0),
                ),
            },
            message: problem.message.clone(),
        }]
    });
    Some(Diagnostic {
        range: line_range(document_text, 1),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("pcr".to_string()),
        message: format!(
            "the project file `{}` is broken, so its settings and factor databases are not used: {}",
            location_text(&context.file, problem.line),
            problem.message
        ),
        related_information: related,
        ..Diagnostic::default()
    })
}

/// `file:line`, or `file` for the whole file.
fn location_text(file: &Path, line: usize) -> String {
    if line > 0 {
        format!("{}:{line}", file.display())
    } else {
        file.display().to_string()
    }
}

/// A project error without its file (shown beside or in the file): the key
/// at fault and what is wrong.
fn describe(e: &ProjectError) -> String {
    match &e.key {
        Some(key) => format!("key `{key}`: {}", e.message),
        None => e.message.clone(),
    }
}

/// The whole of a 1-based line (line 1 for 0), in UTF-16 columns.
fn line_range(text: &str, line: usize) -> Range {
    let index = line.saturating_sub(1);
    let width = text
        .lines()
        .nth(index)
        .map_or(0, |l| l.encode_utf16().count());
    Range::new(
        Position::new(index as u32, 0),
        Position::new(index as u32, width as u32),
    )
}

/// The 1-based line of a top-level key in the project's text (0 if not found).
fn line_of_key(project: &Project, key: &str, docs: &DocumentStore) -> usize {
    let text = match open_text(&project.file, docs) {
        Some(text) => text.to_string(),
        None => read_bounded(&project.file).unwrap_or_default(),
    };
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |n| n + 1)
}

/// Size and modification time of a file, if it can be read.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Every factor database of a project, in order (later files override
/// earlier ones, as `pcr check --factors a.csv,b.csv`), each named relative
/// to the project's folder, as `pcr check` names them when run there.
fn read_factors(project: &Project) -> Result<FactorDb, String> {
    let mut db = FactorDb::new();
    for path in &project.factors {
        let name = path
            .strip_prefix(&project.root)
            .unwrap_or(path)
            .display()
            .to_string();
        let text = read_bounded(path).map_err(|why| format!("factor database `{name}`: {why}"))?;
        if let Err(errors) = db.add_csv(&name, &text) {
            let first = errors
                .errors
                .first()
                .map(|e| e.to_string())
                .unwrap_or_default();
            let more = (errors.errors.len() + errors.omitted).saturating_sub(1);
            return Err(format!(
                "factor database `{name}`: {first}{}",
                if more > 0 {
                    format!(" (and {more} more errors)")
                } else {
                    String::new()
                }
            ));
        }
    }
    Ok(db)
}

/// The text of a regular file of at most [`MAX_FILE_BYTES`], or why not.
fn read_bounded(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_file() {
        return Err("cannot read it: not a regular file".to_string());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "cannot read it: {} bytes, more than the {MAX_FILE_BYTES} bytes read",
            meta.len()
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not valid UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        )
    })
}
