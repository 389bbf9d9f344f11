//! Diagnostics: the compiler's, converted, for the document's own file; those
//! of imported files are summarised at the `import` that brings them in.

use crate::analysis_cache::Analyzed;
use crate::project::{is_project_file, ProjectContext};
use crate::stdlib::StdlibDir;
use pcr_compiler::diagnostic::{Diagnostic as CDiagnostic, Severity};
use pcr_compiler::FileId;
use pcr_lang::Span;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString,
};

/// The protocol's diagnostics for the analysed document.
pub fn diagnostics(a: &Analyzed, stdlib: &StdlibDir) -> Vec<Diagnostic> {
    convert_all(a, a.analysis.diagnostics.iter(), stdlib)
}

/// The document's diagnostics under its project (`pcr.toml`): with its
/// factor databases, `db` keys are checked as `pcr check` checks them
/// (E0401, E0402); with `[lsp] warnings = false`, warnings are hidden; a
/// broken project file is reported at line 1.
pub fn diagnostics_in_project(
    a: &Analyzed,
    project: Option<&ProjectContext>,
    stdlib: &StdlibDir,
) -> Vec<Diagnostic> {
    let Some(project) = project else {
        return diagnostics(a, stdlib);
    };
    let factor_checks = match &project.factors {
        Some(db) => pcr_compiler::factor_check::check_factor_db(&a.analysis, db),
        None => Vec::new(),
    };
    let warnings = project.settings.warnings;
    let shown = a
        .analysis
        .diagnostics
        .iter()
        .chain(&factor_checks)
        .filter(|d| warnings || d.is_error());
    let mut out = Vec::new();
    out.extend(crate::project::document_diagnostic(project, a.text()));
    out.extend(convert_all(a, shown, stdlib));
    out
}

/// Diagnostics of the document's own file converted; errors of imported
/// files summarised at the import.
fn convert_all<'d>(
    a: &Analyzed,
    all: impl Iterator<Item = &'d CDiagnostic>,
    stdlib: &StdlibDir,
) -> Vec<Diagnostic> {
    let main = a.main();
    let import_of = import_spans(a);
    let mut out = Vec::new();
    for d in all {
        if d.primary.file == main {
            if let Some(converted) = convert(a, d, stdlib) {
                out.push(converted);
            }
        } else if d.is_error() {
            // An error in an imported module: show it at the import.
            let is_prelude = a.file(d.primary.file).is_some_and(|f| f.embedded)
                && a.analysis.world.is_prelude(d.primary.file);
            let span = import_of.get(&d.primary.file).copied();
            let Some(range) = span
                .and_then(|s| a.range(main, s))
                .or_else(|| is_prelude.then(|| a.range(main, Span::default())).flatten())
            else {
                continue;
            };
            let name = a
                .file(d.primary.file)
                .map(|f| f.name.clone())
                .unwrap_or_default();
            let related = a
                .location(
                    pcr_compiler::types::Location {
                        file: d.primary.file,
                        span: d.primary.span,
                    },
                    stdlib,
                )
                .map(|location| {
                    vec![DiagnosticRelatedInformation {
                        location,
                        message: d.primary.message.clone(),
                    }]
                });
            out.push(Diagnostic {
                range,
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String(d.code.to_string())),
                source: Some("pcr".to_string()),
                message: format!("in imported module `{name}`: {}", d.message),
                related_information: related,
                ..Diagnostic::default()
            });
        }
    }
    out
}

fn convert(a: &Analyzed, d: &CDiagnostic, stdlib: &StdlibDir) -> Option<Diagnostic> {
    let range = a.range(d.primary.file, d.primary.span)?;
    let mut message = d.message.clone();
    for note in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut related: Vec<DiagnosticRelatedInformation> = Vec::new();
    if !d.primary.message.is_empty() {
        if let Some(location) = a.location(
            pcr_compiler::types::Location {
                file: d.primary.file,
                span: d.primary.span,
            },
            stdlib,
        ) {
            related.push(DiagnosticRelatedInformation {
                location,
                message: d.primary.message.clone(),
            });
        }
    }
    for l in &d.secondary {
        let loc = pcr_compiler::types::Location {
            file: l.file,
            span: l.span,
        };
        if let Some(location) = a.location(loc, stdlib) {
            related.push(DiagnosticRelatedInformation {
                location,
                message: l.message.clone(),
            });
        }
    }
    let data = d.fix.as_ref().and_then(|f| {
        let range = a.range(f.file, f.span)?;
        Some(serde_json::json!({
            "title": f.title,
            "replacement": f.replacement,
            "range": range,
        }))
    });
    Some(Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("pcr".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        data,
        ..Diagnostic::default()
    })
}

/// For each imported file, the span of the main file's `import` that brings
/// it in (directly or through other modules), from the compiler's import edges.
fn import_spans(a: &Analyzed) -> HashMap<FileId, Span> {
    let main = a.main();
    let edges = a.semantic().imports();
    let mut out = HashMap::new();
    for first in edges.iter().filter(|e| e.from == main) {
        let mut stack = vec![first.to];
        while let Some(id) = stack.pop() {
            if out.contains_key(&id) {
                continue;
            }
            out.insert(id, first.span);
            stack.extend(edges.iter().filter(|e| e.from == id).map(|e| e.to));
        }
    }
    out
}

/// Re-check documents: the diagnostics to publish for each open one.
pub fn check(
    state: &mut crate::engine::State,
    uris: &[tower_lsp_server::ls_types::Uri],
) -> Vec<crate::server::Publication> {
    let mut out = Vec::new();
    for uri in uris {
        let Some(version) = state.docs.get(uri).map(|d| d.version) else {
            continue;
        };
        if state.is_stdlib(uri) {
            // The prelude's files are read-only references.
            out.push((uri.clone(), Vec::new(), Some(version)));
            continue;
        }
        let path = crate::document::file_path(uri);
        if let Some(file) = path.as_deref().filter(|p| is_project_file(p)) {
            // An open pcr.toml: its own problems, not a rule's.
            let found = state.projects.file_diagnostics(file, &state.docs);
            out.push((uri.clone(), found, Some(version)));
            continue;
        }
        let Some(a) = state.analyzed(uri) else {
            continue;
        };
        let project = state.projects.for_document(path.as_deref(), &state.docs);
        let found = diagnostics_in_project(&a, project.as_ref(), &state.stdlib);
        out.push((uri.clone(), found, Some(version)));
    }
    out
}
