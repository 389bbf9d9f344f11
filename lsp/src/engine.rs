//! The analysis thread: owns the open documents and their cached analyses
//! (the compiler's `Analysis` is not `Send`), runs one job at a time and
//! catches a panic in any job so that the server survives it.

use crate::analysis_cache::{analyze_document, AnalysisCache, Analyzed};
use crate::document::{file_path, read_source_file, Document, DocumentStore};
use crate::project::{is_project_file, Projects};
use crate::stdlib::StdlibDir;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::mpsc;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// Everything the analysis thread owns.
pub struct State {
    pub docs: DocumentStore,
    pub cache: AnalysisCache,
    pub stdlib: StdlibDir,
    /// The projects (`pcr.toml`) of the documents, with their factor databases.
    pub projects: Projects,
}

impl State {
    pub fn new() -> State {
        State::with_stdlib(StdlibDir::create())
    }

    pub fn with_stdlib(stdlib: StdlibDir) -> State {
        State {
            docs: DocumentStore::default(),
            cache: AnalysisCache::default(),
            stdlib,
            projects: Projects::default(),
        }
    }

    /// A document was opened: returns the documents to re-check (it, and those importing it).
    pub fn open(&mut self, uri: Uri, text: String, version: i32) -> Vec<Uri> {
        let path = file_path(&uri);
        self.cache.touch(&uri, path.as_deref());
        self.docs.open(uri.clone(), text, version);
        self.affected(uri, path.as_deref())
    }

    /// A document's new full text: returns the documents to re-check.
    pub fn change(&mut self, uri: Uri, text: String, version: i32) -> Vec<Uri> {
        let path = file_path(&uri);
        self.cache.touch(&uri, path.as_deref());
        self.docs.change(&uri, text, version);
        self.affected(uri, path.as_deref())
    }

    /// A `didChange` of an open document: its changes applied in order.
    /// Refused (the document unchanged) when the document is not open or a
    /// change's range does not fit its text.
    pub fn edit(
        &mut self,
        uri: Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) -> Result<Vec<Uri>, String> {
        self.docs
            .edit(&uri, changes, version)
            .map_err(|e| format!("{}: {e}", uri.as_str()))?;
        let path = file_path(&uri);
        self.cache.touch(&uri, path.as_deref());
        Ok(self.affected(uri, path.as_deref()))
    }

    /// A document was closed: its importers now read it from disk again
    /// (and a project file's rules its text on disk).
    pub fn close(&mut self, uri: &Uri) -> Vec<Uri> {
        let path = file_path(uri);
        self.cache.touch(uri, path.as_deref());
        self.docs.close(uri);
        match path {
            Some(p) if is_project_file(&p) => self.docs.uris(),
            Some(p) => self.cache.dependents(&p),
            None => Vec::new(),
        }
    }

    /// A file changed on disk (saved by another program, or by the editor:
    /// a project file or a factor database has every open document checked
    /// again).
    pub fn disk_changed(&mut self, uri: &Uri) -> Vec<Uri> {
        let Some(path) = file_path(uri) else {
            return Vec::new();
        };
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if self.projects.forget(&canonical) {
            return self.docs.uris();
        }
        if self.docs.get(uri).is_some() {
            return Vec::new();
        }
        self.cache.touch(uri, Some(&path));
        self.cache.dependents(&path)
    }

    fn affected(&self, uri: Uri, path: Option<&std::path::Path>) -> Vec<Uri> {
        if path.is_some_and(is_project_file) {
            // A project file's text: every rule may be under it.
            let mut out = vec![uri.clone()];
            out.extend(self.docs.uris().into_iter().filter(|d| *d != uri));
            return out;
        }
        let mut out = vec![uri.clone()];
        if let Some(p) = path {
            for d in self.cache.dependents(p) {
                if d != uri && self.docs.get(&d).is_some() {
                    out.push(d);
                }
            }
        }
        out
    }

    /// The analysis of a document at its current version (cached).
    pub fn analyzed(&mut self, uri: &Uri) -> Option<Rc<Analyzed>> {
        let owned;
        let doc = match self.docs.get(uri) {
            Some(d) => d,
            None => {
                // Not open: read it from disk (e.g. a request for a prelude file).
                let path = file_path(uri)?;
                let text = read_source_file(&path)?;
                owned = Document::new(uri.clone(), text, 0);
                &owned
            }
        };
        if let Some(a) = self.cache.get(uri, doc.version) {
            return Some(a);
        }
        let analyzed = Rc::new(analyze_document(doc, &self.docs, self.cache.generation()));
        if self.docs.get(uri).is_some() {
            self.cache.insert(analyzed.clone());
        }
        Some(analyzed)
    }

    /// Whether a document is one of the read-only prelude files.
    pub fn is_stdlib(&self, uri: &Uri) -> bool {
        file_path(uri).is_some_and(|p| self.stdlib.contains(&p))
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

type Job = Box<dyn FnOnce(&mut State) + Send>;

/// The analysis thread's stack. The compiler recurses over the syntax tree
/// (long sums, nested parentheses, chains of `let`s), and a stack overflow
/// cannot be caught: it would end the whole server. The stack is virtual
/// memory, committed only as deep analyses touch it.
pub const ANALYSIS_STACK_BYTES: usize = 256 * 1024 * 1024;

/// A handle to the analysis thread.
#[derive(Clone)]
pub struct Engine {
    jobs: mpsc::Sender<Job>,
}

impl Engine {
    /// Start the analysis thread (with a smaller stack if the system refuses
    /// the full one).
    pub fn start() -> Engine {
        let mut last_error = None;
        for stack in [
            ANALYSIS_STACK_BYTES,
            ANALYSIS_STACK_BYTES / 4,
            16 * 1024 * 1024,
        ] {
            let (jobs, rx) = mpsc::channel::<Job>();
            let spawned = std::thread::Builder::new()
                .name("pcr-analysis".to_string())
                .stack_size(stack)
                .spawn(move || {
                    let mut state = State::new();
                    while let Ok(job) = rx.recv() {
                        if catch_unwind(AssertUnwindSafe(|| job(&mut state))).is_err() {
                            // The job's answer was dropped, so its handler answers
                            // with nothing; analyses may be half-built: forget them.
                            state.cache.clear();
                        }
                    }
                });
            match spawned {
                Ok(_) => return Engine { jobs },
                Err(e) => last_error = Some(e),
            }
        }
        if let Some(e) = last_error {
            eprintln!("pcr lsp: cannot start the analysis thread: {e}");
        }
        // Every job is answered with "the analysis thread has stopped".
        let (jobs, _) = mpsc::channel::<Job>();
        Engine { jobs }
    }

    /// Run `f` on the analysis thread and await its answer.
    /// `Err` carries the panic message when `f` panicked.
    pub async fn run<R, F>(&self, f: F) -> Result<R, String>
    where
        R: Send + 'static,
        F: FnOnce(&mut State) -> R + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |state: &mut State| {
            let result = catch_unwind(AssertUnwindSafe(|| f(state)));
            let answer = result.map_err(|payload| panic_message(payload.as_ref()));
            let failed = answer.is_err();
            let _ = tx.send(answer);
            if failed {
                state.cache.clear();
            }
        });
        if self.jobs.send(job).is_err() {
            return Err("the analysis thread has stopped".to_string());
        }
        match rx.await {
            Ok(answer) => answer,
            Err(_) => Err("the analysis job was dropped".to_string()),
        }
    }
}

/// The text of a panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}
