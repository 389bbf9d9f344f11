//! The open documents: their text and version, as the client last sent them.

use pcr_lang::LineIndex;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

/// The largest file read from disk (an import, or a document the client
/// asks about without opening it); larger ones, and anything that is not a
/// regular file (a device, a pipe, a folder), are not read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

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

/// The text of a regular file of at most [`MAX_FILE_BYTES`], read up to the
/// size it declares: a pipe (which would block), a device (which may never
/// end) or a kernel file that declares no size (`/proc`) is not read.
pub fn read_source_file(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    if meta.len() == 0 {
        return Some(String::new());
    }
    let file = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    file.take(meta.len()).read_to_string(&mut text).ok()?;
    Some(text)
}

/// The byte offset of a position in an edit's range: a column past the end
/// of its line means the line's end (as the protocol says); a line past the
/// end of the document is an error.
fn edit_offset(text: &str, lines: &LineIndex, pos: Position) -> Result<usize, String> {
    let line = pos.line as usize;
    if line >= lines.line_count() {
        return Err(format!(
            "line {} is past the end of the document ({} lines)",
            pos.line,
            lines.line_count()
        ));
    }
    Ok(lines.offset_utf16(text, pos.line, pos.character))
}

/// Apply a `didChange`'s changes in order: a change without a range is the
/// whole new text, one with a range replaces that part. A range that does
/// not fit the text refuses the whole notification (the text is unchanged).
pub fn apply_changes(
    text: &str,
    changes: Vec<TextDocumentContentChangeEvent>,
) -> Result<String, String> {
    let mut text = text.to_string();
    for (n, change) in changes.into_iter().enumerate() {
        let Some(range) = change.range else {
            text = change.text;
            continue;
        };
        let lines = LineIndex::new(&text);
        let (start, end) = byte_range(&text, &lines, range, n)?;
        text.replace_range(start..end, &change.text);
    }
    Ok(text)
}

/// The bytes of `text` that change `n`'s range covers, or why it does not fit.
fn byte_range(
    text: &str,
    lines: &LineIndex,
    range: Range,
    n: usize,
) -> Result<(usize, usize), String> {
    let start = edit_offset(text, lines, range.start);
    let end = edit_offset(text, lines, range.end);
    let (start, end) = match (start, end) {
        (Ok(s), Ok(e)) if s <= e => (s, e),
        (Ok(_), Ok(_)) => return Err(format!("change {n}: its range ends before it starts")),
        (Err(e), _) | (_, Err(e)) => return Err(format!("change {n}: {e}")),
    };
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Err(format!("change {n}: its range splits a character"));
    }
    Ok((start, end))
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

    /// Apply a `didChange`'s changes to an open document (incremental
    /// synchronisation). One ranged change, a keystroke, is made in the text
    /// itself, its range found with the document's line index; several are
    /// made on a copy. A change that does not fit refuses them all and
    /// leaves the document as it was.
    pub fn edit(
        &mut self,
        uri: &Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) -> Result<(), String> {
        let Some(doc) = self.docs.get_mut(uri) else {
            return Err("the document is not open".to_string());
        };
        let single = match changes.as_slice() {
            [one] => one.range,
            _ => None,
        };
        if let Some(range) = single {
            let (start, end) = byte_range(&doc.text, &doc.lines, range, 0)?;
            let new_text = changes.into_iter().next().map(|c| c.text);
            doc.text
                .replace_range(start..end, new_text.as_deref().unwrap_or_default());
        } else {
            doc.text = apply_changes(&doc.text, changes)?;
        }
        doc.lines = LineIndex::new(&doc.text);
        doc.version = version;
        Ok(())
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

    /// Every open document.
    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.docs.values()
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.docs.keys().cloned().collect()
    }
}
