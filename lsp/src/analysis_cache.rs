//! One analysis per document version, reused by every request until the
//! document or a file it imports changes.

use crate::decls::Decl;
use crate::document::{read_source_file, Document, DocumentStore};
use pcr_compiler::source::SourceFile;
use pcr_compiler::{analyze, Analysis, FileId, Options, SourceLoader};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use tower_lsp_server::ls_types::Uri;

/// Reads imports from the open documents (so unsaved edits count), else from disk.
pub struct StoreLoader<'a> {
    pub docs: &'a DocumentStore,
}

impl SourceLoader for StoreLoader<'_> {
    fn load(&self, path: &Path) -> Option<String> {
        match self.docs.by_path(path) {
            Some(doc) => Some(doc.text.clone()),
            None => read_source_file(path),
        }
    }
}

/// A document's analysis and what it was computed from.
pub struct Analyzed {
    pub uri: Uri,
    pub version: i32,
    /// The store's generation when this was computed.
    pub generation: u64,
    pub analysis: Analysis,
}

impl Analyzed {
    pub fn main(&self) -> FileId {
        self.analysis.main
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.analysis.files.get(id)
    }

    /// What the compiler knows of the names of this analysis.
    pub fn semantic(&self) -> pcr_compiler::semantic::Semantic<'_> {
        self.analysis.semantic()
    }

    /// The document's declarations, as the compiler lists them.
    pub fn decls(&self) -> &[Decl] {
        self.semantic().declarations(self.main())
    }

    pub fn text(&self) -> &str {
        self.analysis.files.text(self.analysis.main)
    }

    /// The paths on disk of the files this analysis read besides the document.
    pub fn dependencies(&self) -> impl Iterator<Item = &Path> {
        self.analysis
            .imports
            .iter()
            .filter_map(|id| self.analysis.files.get(*id))
            .filter(|f| !f.embedded)
            .filter_map(|f| f.path.as_deref())
    }
}

/// Analyse a document as it is now.
pub fn analyze_document(doc: &Document, docs: &DocumentStore, generation: u64) -> Analyzed {
    let name = match &doc.path {
        Some(p) => p.display().to_string(),
        None => doc.uri.as_str().to_string(),
    };
    let options = Options {
        record: true,
        std_dir: None,
        sequential: false,
    };
    let analysis = analyze(
        &name,
        doc.path.as_deref(),
        &doc.text,
        &StoreLoader { docs },
        &options,
    );
    Analyzed {
        uri: doc.uri.clone(),
        version: doc.version,
        generation,
        analysis,
    }
}

/// The cache: the latest analysis of each document.
#[derive(Default)]
pub struct AnalysisCache {
    entries: HashMap<Uri, Rc<Analyzed>>,
    /// When each path on disk last changed (its open document's edits).
    changed: HashMap<PathBuf, u64>,
    generation: u64,
}

impl AnalysisCache {
    /// Note that a document changed: analyses that read it are stale.
    pub fn touch(&mut self, uri: &Uri, path: Option<&Path>) -> u64 {
        self.generation += 1;
        self.entries.remove(uri);
        if let Some(p) = path {
            self.changed.insert(p.to_path_buf(), self.generation);
        }
        self.generation
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The cached analysis of a document at this version, if still valid.
    pub fn get(&self, uri: &Uri, version: i32) -> Option<Rc<Analyzed>> {
        let entry = self.entries.get(uri)?;
        if entry.version != version {
            return None;
        }
        let stale = entry
            .dependencies()
            .any(|p| self.changed.get(p).is_some_and(|g| *g > entry.generation));
        if stale {
            return None;
        }
        Some(entry.clone())
    }

    pub fn insert(&mut self, analyzed: Rc<Analyzed>) {
        self.entries.insert(analyzed.uri.clone(), analyzed);
    }

    pub fn remove(&mut self, uri: &Uri) {
        self.entries.remove(uri);
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The documents whose analysis read `path`.
    pub fn dependents(&self, path: &Path) -> Vec<Uri> {
        self.entries
            .values()
            .filter(|a| a.dependencies().any(|p| p == path))
            .map(|a| a.uri.clone())
            .collect()
    }
}
