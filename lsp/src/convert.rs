//! Between the compiler's byte spans and files and the protocol's
//! UTF-16 positions and URIs.

use crate::analysis_cache::Analyzed;
use crate::stdlib::StdlibDir;
use pcr_compiler::source::SourceFile;
use pcr_compiler::types::Location as CLocation;
use pcr_compiler::FileId;
use pcr_lang::Span;
use tower_lsp_server::ls_types::{Location, Position, Range, Uri};

pub fn position(file: &SourceFile, offset: usize) -> Position {
    let (line, character) = file.lines().line_utf16(&file.text, offset);
    Position { line, character }
}

pub fn range(file: &SourceFile, span: Span) -> Range {
    Range {
        start: position(file, span.start as usize),
        end: position(file, span.end as usize),
    }
}

/// The byte offset of a position, clamped to the text.
pub fn offset(file: &SourceFile, pos: Position) -> usize {
    file.lines()
        .offset_utf16(&file.text, pos.line, pos.character)
        .min(file.text.len())
}

/// A key naming a file the same way in every analysis (its path, or its name).
pub fn file_key(file: &SourceFile) -> String {
    match &file.path {
        Some(p) => p.display().to_string(),
        None => file.name.clone(),
    }
}

impl Analyzed {
    /// The main file's byte offset of a position.
    pub fn offset(&self, pos: Position) -> Option<usize> {
        Some(offset(self.file(self.main())?, pos))
    }

    pub fn range(&self, file: FileId, span: Span) -> Option<Range> {
        Some(range(self.file(file)?, span))
    }

    /// The URI a client opens for a file of this analysis.
    pub fn uri_of(&self, id: FileId, stdlib: &StdlibDir) -> Option<Uri> {
        if id == self.main() {
            return Some(self.uri.clone());
        }
        let file = self.file(id)?;
        if file.embedded {
            return Uri::from_file_path(stdlib.path_of(&file.name)?);
        }
        Uri::from_file_path(file.path.as_ref()?)
    }

    pub fn location(&self, loc: CLocation, stdlib: &StdlibDir) -> Option<Location> {
        Some(Location {
            uri: self.uri_of(loc.file, stdlib)?,
            range: self.range(loc.file, loc.span)?,
        })
    }

    pub fn key(&self, id: FileId) -> String {
        self.file(id).map(file_key).unwrap_or_default()
    }
}
