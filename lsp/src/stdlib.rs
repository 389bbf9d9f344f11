//! The embedded standard library, served as read-only files in a temporary
//! folder so that "go to definition" into the prelude opens a real file, or
//! the workspace's own `stdlib-rules/` file when it holds the same text.

use pcr_compiler::prelude::EMBEDDED;
use std::path::{Path, PathBuf};

/// Where the embedded files were written (if they could be).
#[derive(Debug, Clone)]
pub struct StdlibDir {
    pub root: Option<PathBuf>,
}

impl StdlibDir {
    /// Write the embedded files under the system's temporary folder, in a
    /// folder named by a hash of their contents (so versions never mix).
    pub fn create() -> StdlibDir {
        let root = Self::write_to(&std::env::temp_dir()).ok();
        StdlibDir { root }
    }

    pub fn write_to(base: &Path) -> std::io::Result<PathBuf> {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for (path, text) in EMBEDDED {
            for b in path.bytes().chain(text.bytes()) {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        let root = base.join(format!("pcr-lsp-stdlib-{hash:016x}"));
        for (path, text) in EMBEDDED {
            let file = root.join(path);
            if std::fs::read_to_string(&file).ok().as_deref() == Some(*text) {
                continue;
            }
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&file, text)?;
        }
        Ok(root)
    }

    /// The file for an embedded source named `<stdlib>/std/units.pcr`.
    pub fn path_of(&self, name: &str) -> Option<PathBuf> {
        let rel = name.strip_prefix("<stdlib>/")?;
        Some(self.root.as_ref()?.join(rel))
    }

    /// The workspace's own copy of an embedded source named
    /// `<stdlib>/std/units.pcr`: `stdlib-rules/std/units.pcr` in the nearest
    /// folder above `near` that has one, when its text is the embedded text
    /// (the compiler's spans are spans of the embedded text).
    pub fn workspace_copy(name: &str, near: &Path) -> Option<PathBuf> {
        let rel = name.strip_prefix("<stdlib>/")?;
        let embedded = pcr_compiler::prelude::embedded_module(rel)?;
        let copy = near
            .ancestors()
            .map(|dir| dir.join("stdlib-rules").join(rel))
            .find(|p| p.is_file())?;
        // Compare lengths first: a large file is never read.
        let same_length = std::fs::metadata(&copy).ok()?.len() == embedded.len() as u64;
        (same_length && std::fs::read_to_string(&copy).ok()? == embedded).then_some(copy)
    }

    /// Whether a path is one of the served (read-only) files.
    pub fn contains(&self, path: &Path) -> bool {
        self.root.as_ref().is_some_and(|r| path.starts_with(r))
    }
}
