//! The open documents: their text and version, as the client last sent them.

use pcr_lang::LineIndex;
use std::collections::HashMap;
use std::path::PathBuf;
use tower_lsp_server::ls_types::Uri;

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
    pub lines: LineIndex,
    /// The file on disk, for `file:` URIs.
    pub path: Option<PathBuf>,
}

impl Document {
    pub fn new(uri: Uri, text: String, version: i32) -> Document {
        let lines = LineIndex::new(&text);
        let path = file_path(&uri);
        Document {
            uri,
            text,
            version,
            lines,
            path,
        }
    }
}

/// The path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// Every open document by URI.
#[derive(Debug, Default)]
pub struct DocumentStore {
    docs: HashMap<Uri, Document>,
}

impl DocumentStore {
    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        self.docs
            .insert(uri.clone(), Document::new(uri, text, version));
    }

    /// Replace a document's text (full synchronisation).
    pub fn change(&mut self, uri: &Uri, text: String, version: i32) {
        self.docs
            .insert(uri.clone(), Document::new(uri.clone(), text, version));
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.docs.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    /// The open document at a path on disk.
    pub fn by_path(&self, path: &std::path::Path) -> Option<&Document> {
        self.docs.values().find(|d| d.path.as_deref() == Some(path))
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.docs.keys().cloned().collect()
    }
}
