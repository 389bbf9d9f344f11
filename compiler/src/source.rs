//! Source files: names, texts and line indexes, including the embedded prelude.

use pcr_lang::LineIndex;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Shown in messages: a path, or `<std>/units.pcr` for the prelude.
    pub name: String,
    /// The file on disk, when there is one.
    pub path: Option<PathBuf>,
    pub text: String,
    /// Built on first use: a clean check of a long file never needs it.
    lines: OnceLock<LineIndex>,
    /// SHA-256 of `text`, hex, taken on first use: plans record it, and
    /// every rule of a long file shares one hash.
    sha256: OnceLock<String>,
    /// Part of the embedded standard library (read-only in editors).
    pub embedded: bool,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }

    /// Where each line starts.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// SHA-256 of the text, hex (hashed once per file).
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| sha256_hex(self.text.as_bytes()))
    }
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every file taking part in one analysis.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn add(
        &mut self,
        name: impl Into<String>,
        path: Option<&Path>,
        text: impl Into<String>,
        embedded: bool,
    ) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            path: path.map(Path::to_path_buf),
            text: text.into(),
            lines: OnceLock::new(),
            sha256: OnceLock::new(),
            embedded,
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.text.as_str()).unwrap_or("")
    }

    /// SHA-256 of a file's text, hex (hashed once per file).
    pub fn sha256(&self, id: FileId) -> &str {
        self.get(id).map(SourceFile::sha256).unwrap_or("")
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.name.as_str()).unwrap_or("")
    }

    pub fn find_path(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path.as_deref() == Some(path))
            .map(|i| FileId(i as u32))
    }

    pub fn find_name(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .map(|i| FileId(i as u32))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_hashed_once_and_the_hash_is_its_texts() {
        let mut files = Files::default();
        let id = files.add("a.pcr", None, "abc", false);
        let first = files.sha256(id);
        // FIPS 180-2, appendix B.1: the digest of "abc".
        assert_eq!(
            first,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // The second call returns the stored hash, not a new one.
        assert!(std::ptr::eq(first, files.sha256(id)));
    }
}
