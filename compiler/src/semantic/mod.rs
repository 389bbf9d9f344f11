//! What the compiler knows of names, for editors (in the spirit of
//! rust-analyzer's `hir`): what is at an offset, where it is defined, who
//! refers to it, a module's declarations, the type recorded for an
//! expression, the resolved import edges.
//!
//! Built by `analyze` when `Options::record` is set, from the references
//! the compiler records where it resolves a name: the checker (values,
//! functions, parameters, `sum` variables, record fields, enum variants,
//! units in quantities, GWP gases) and the rule checks (stages, boundaries,
//! categories, GWP sets, `given` and `expect` targets) push them as they
//! resolve; [`world_names`] records the names the world's passes resolve
//! (type positions, unit and dimension definitions, boundaries' stages);
//! `load_imports` records each import edge. Each source records a name it
//! resolves once, and the sources name disjoint kinds of names, so a use
//! appears once: nothing is deduplicated afterwards.
//!
//! The language server answers every request from here and resolves
//! nothing itself.

mod declarations;
mod world_names;

pub use declarations::{walk_expr, Decl, DeclKind};

use crate::analysis::Analysis;
use crate::checker::Reference;
use crate::source::FileId;
use crate::types::{Location, Type};
use pcr_lang::Span;
use std::sync::OnceLock;

/// `import a.b` in `from`, resolved to the module file `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportEdge {
    pub from: FileId,
    /// The whole `import` item.
    pub span: Span,
    /// The dotted path (`a.b`).
    pub path: Span,
    pub to: FileId,
}

/// A name at an offset: a use of a declaration, or the declaration's own name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol {
    /// Where the name is written.
    pub file: FileId,
    pub span: Span,
    /// The declaration it names (for an import, the start of the module's file).
    pub definition: Location,
}

/// References as the compiler records them.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub(crate) refs: Vec<Reference>,
}

impl Recorder {
    pub(crate) fn record(&mut self, file: FileId, span: Span, target: Location) {
        self.refs.push(Reference { file, span, target });
    }
}

/// The references recorded outside the checkers (those are in
/// `Analysis::refs`), import edges and (computed once, when asked)
/// each file's declarations.
#[derive(Debug, Default)]
pub struct SemanticIndex {
    refs: Vec<Reference>,
    imports: Vec<ImportEdge>,
    declarations: Vec<OnceLock<Vec<Decl>>>,
}

impl SemanticIndex {
    /// The references the checkers do not record: the world's and the import paths'.
    pub(crate) fn build(
        analysis_modules: &[(FileId, pcr_lang::ast::Module)],
        world: &crate::world::World,
        file_count: usize,
        imports: Vec<ImportEdge>,
    ) -> SemanticIndex {
        let mut recorder = Recorder::default();
        for (file, module) in analysis_modules {
            world_names::record(world, *file, module, &mut recorder);
        }
        for edge in &imports {
            let start = Location {
                file: edge.to,
                span: Span::default(),
            };
            recorder.record(edge.from, edge.path, start);
        }
        SemanticIndex {
            refs: recorder.refs,
            imports,
            declarations: (0..file_count).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Only the import edges (when references are not recorded).
    pub(crate) fn imports_only(imports: Vec<ImportEdge>) -> SemanticIndex {
        SemanticIndex {
            imports,
            ..SemanticIndex::default()
        }
    }
}

/// The semantic queries over one analysis.
#[derive(Clone, Copy)]
pub struct Semantic<'a> {
    analysis: &'a Analysis,
}

impl Analysis {
    /// What the compiler knows of names (recorded with `Options::record`).
    pub fn semantic(&self) -> Semantic<'_> {
        Semantic { analysis: self }
    }
}

impl<'a> Semantic<'a> {
    fn index(&self) -> &'a SemanticIndex {
        &self.analysis.semantic_index
    }

    /// Every recorded use of a name: the checkers' and the others.
    fn all_refs(&self) -> impl Iterator<Item = &'a Reference> + 'a {
        self.analysis.refs.iter().chain(self.index().refs.iter())
    }

    /// The name at `offset` of `file`: the innermost use there, else the
    /// declaration whose name it is (a cursor just after a name counts,
    /// after one that starts there).
    pub fn at(&self, file: FileId, offset: usize) -> Option<Symbol> {
        let closest = |span: &Span| (span.end as usize == offset, span.len());
        let used = self
            .all_refs()
            .filter(|r| r.file == file && r.span.contains(offset))
            .min_by_key(|r| closest(&r.span));
        if let Some(r) = used {
            return Some(Symbol {
                file,
                span: r.span,
                definition: r.target,
            });
        }
        let declared = self
            .declarations(file)
            .iter()
            .filter(|d| d.name_span.contains(offset))
            .min_by_key(|d| closest(&d.name_span))?;
        Some(Symbol {
            file,
            span: declared.name_span,
            definition: Location {
                file,
                span: declared.name_span,
            },
        })
    }

    /// Where the symbol is declared.
    pub fn definition(&self, symbol: &Symbol) -> Location {
        symbol.definition
    }

    /// Every use of the symbol's declaration, in every file of the analysis,
    /// in the order recorded; each use once.
    pub fn references(&self, symbol: &Symbol) -> impl Iterator<Item = Location> + 'a {
        self.uses_of(symbol.definition)
    }

    /// Every use of the declaration at `definition`.
    pub fn uses_of(&self, definition: Location) -> impl Iterator<Item = Location> + 'a {
        self.all_refs()
            .filter(move |r| r.target == definition)
            .map(|r| Location {
                file: r.file,
                span: r.span,
            })
    }

    /// Every name used in `file` and what it names (semantic tokens).
    pub fn uses_in(&self, file: FileId) -> impl Iterator<Item = (Span, Location)> + 'a {
        self.all_refs()
            .filter(move |r| r.file == file)
            .map(|r| (r.span, r.target))
    }

    /// The declarations of `file` (document symbols), each parent before its children.
    pub fn declarations(&self, file: FileId) -> &'a [Decl] {
        let analysis = self.analysis;
        let Some(cell) = self.index().declarations.get(file.0 as usize) else {
            return &[];
        };
        cell.get_or_init(|| match analysis.module(file) {
            Some(module) => declarations::declarations(module, analysis.files.text(file)),
            None => Vec::new(),
        })
    }

    /// The declaration whose name is exactly at `location`.
    pub fn declaration(&self, location: Location) -> Option<&'a Decl> {
        self.declarations(location.file)
            .iter()
            .find(|d| d.name_span == location.span)
    }

    /// The resolved `import`s of every module, in the order loaded.
    pub fn imports(&self) -> &'a [ImportEdge] {
        &self.index().imports
    }

    /// The innermost expression of `file` around `offset` whose type was recorded.
    pub fn type_at(&self, file: FileId, offset: usize) -> Option<(Span, &'a Type)> {
        self.analysis
            .types
            .iter()
            .filter(|(f, span, _)| *f == file && span.contains(offset))
            .min_by_key(|(_, span, _)| (span.end as usize == offset, span.len()))
            .map(|(_, span, ty)| (*span, ty))
    }

    /// Every recorded expression type of `file` (inlay hints).
    pub fn types_in(&self, file: FileId) -> impl Iterator<Item = (Span, &'a Type)> + 'a {
        self.analysis
            .types
            .iter()
            .filter(move |(f, _, _)| *f == file)
            .map(|(_, span, ty)| (*span, ty))
    }

    /// The recorded type of exactly this span of `file`.
    pub fn type_of(&self, file: FileId, span: Span) -> Option<&'a Type> {
        self.analysis
            .types
            .iter()
            .rev()
            .find(|(f, s, _)| *f == file && *s == span)
            .map(|(_, _, t)| t)
    }
}
