//! A language-server session as a script: document opens, edits and
//! closes, and requests at arbitrary positions, run through the server's
//! analysis state ([`pcr_lsp::State`]) and request modules, exactly as the
//! protocol handlers in `lsp/src/server.rs` call them.

use crate::hostile_rules::HostileRule;
use arbitrary::{Arbitrary, Unstructured};
use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{
    code_action, completion, definition, diagnostics, formatting, hover, inlay_hints, references,
    rename, semantic_tokens, symbols, State,
};
use std::str::FromStr;
use std::sync::OnceLock;
use tower_lsp_server::ls_types::{Position, Range, Uri};

/// Rule texts the edits start from.
const SEEDS: [&str; 3] = [
    include_str!("../../tests/rules/hot_rolled_coil.pcr"),
    include_str!("../../stdlib-rules/sectors/steel/crude_steel.pcr"),
    include_str!("../../tests/lsp/coil.pcr"),
];

/// Which document: two ordinary files (the second may import the first),
/// an untitled buffer, or a prelude file (read-only in the server).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Doc {
    A,
    B,
    Untitled,
    Prelude,
}

/// A document's new text.
#[derive(Arbitrary, Debug, Clone)]
pub enum Text {
    /// Any text.
    Raw(String),
    /// A repository rule with one edit.
    Edited {
        seed: u8,
        at: u32,
        delete: u16,
        insert: String,
    },
    /// A generated hostile rule.
    Hostile(HostileRule),
    /// An import of document A, then any text.
    ImportsA(String),
}

/// A position: mostly near the text, sometimes anywhere.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Pos {
    Near { line: u8, character: u8 },
    Anywhere { line: u32, character: u32 },
}

/// One client message.
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    Open {
        doc: Doc,
        text: Text,
        version: i32,
    },
    Change {
        doc: Doc,
        text: Text,
        version: i32,
    },
    Close {
        doc: Doc,
    },
    DiskChanged {
        doc: Doc,
    },
    Diagnostics {
        doc: Doc,
    },
    Hover {
        doc: Doc,
        pos: Pos,
    },
    Definition {
        doc: Doc,
        pos: Pos,
    },
    References {
        doc: Doc,
        pos: Pos,
        include_declaration: bool,
    },
    Completion {
        doc: Doc,
        pos: Pos,
    },
    Symbols {
        doc: Doc,
    },
    Formatting {
        doc: Doc,
    },
    SemanticTokens {
        doc: Doc,
    },
    InlayHints {
        doc: Doc,
        start: Pos,
        end: Pos,
    },
    PrepareRename {
        doc: Doc,
        pos: Pos,
    },
    Rename {
        doc: Doc,
        pos: Pos,
        new_name: String,
    },
    CodeAction {
        doc: Doc,
        start: Pos,
        end: Pos,
        with_diagnostics: bool,
    },
}

/// A whole session.
#[derive(Arbitrary, Debug, Clone)]
pub struct Script {
    pub ops: Vec<Op>,
}

impl Script {
    pub fn from_bytes(data: &[u8]) -> Option<Script> {
        Script::arbitrary_take_rest(Unstructured::new(data)).ok()
    }

    /// Run the session on a fresh server state.
    pub fn run(&self) {
        let mut state = State::with_stdlib(stdlib_dir().clone());
        for op in self.ops.iter().take(64) {
            run_op(&mut state, op);
        }
    }
}

/// The prelude files, written once per process.
fn stdlib_dir() -> &'static StdlibDir {
    static DIR: OnceLock<StdlibDir> = OnceLock::new();
    DIR.get_or_init(StdlibDir::create)
}

fn uri(doc: Doc) -> Option<Uri> {
    let text = match doc {
        Doc::A => "file:///pcr-fuzz/a.pcr".to_string(),
        Doc::B => "file:///pcr-fuzz/b.pcr".to_string(),
        Doc::Untitled => "untitled:Untitled-1".to_string(),
        Doc::Prelude => {
            let root = stdlib_dir().root.as_ref()?;
            format!("file://{}/std/units.pcr", root.display())
        }
    };
    Uri::from_str(&text).ok()
}

fn text(t: &Text) -> String {
    match t {
        Text::Raw(s) => s.clone(),
        Text::Edited {
            seed,
            at,
            delete,
            insert,
        } => {
            let mut s = SEEDS[usize::from(*seed) % SEEDS.len()].to_string();
            let mut at = (*at as usize) % (s.len() + 1);
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + usize::from(*delete)).min(s.len());
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.replace_range(at..end, insert);
            s
        }
        Text::Hostile(h) => h.render(),
        Text::ImportsA(s) => format!("import a\n{s}"),
    }
}

fn position(p: Pos) -> Position {
    match p {
        Pos::Near { line, character } => Position::new(u32::from(line), u32::from(character)),
        Pos::Anywhere { line, character } => Position::new(line, character),
    }
}

fn run_op(s: &mut State, op: &Op) {
    match op {
        Op::Open {
            doc,
            text: t,
            version,
        } => {
            if let Some(u) = uri(*doc) {
                let affected = s.open(u, text(t), *version);
                diagnostics::check(s, &affected);
            }
        }
        Op::Change {
            doc,
            text: t,
            version,
        } => {
            if let Some(u) = uri(*doc) {
                let affected = s.change(u, text(t), *version);
                diagnostics::check(s, &affected);
            }
        }
        Op::Close { doc } => {
            if let Some(u) = uri(*doc) {
                let affected = s.close(&u);
                diagnostics::check(s, &affected);
            }
        }
        Op::DiskChanged { doc } => {
            if let Some(u) = uri(*doc) {
                let affected = s.disk_changed(&u);
                diagnostics::check(s, &affected);
            }
        }
        Op::Diagnostics { doc } => {
            if let Some(u) = uri(*doc) {
                diagnostics::check(s, &[u]);
            }
        }
        Op::Hover { doc, pos } => {
            if let Some(u) = uri(*doc) {
                hover::hover(s, &u, position(*pos));
            }
        }
        Op::Definition { doc, pos } => {
            if let Some(u) = uri(*doc) {
                definition::definition(s, &u, position(*pos));
            }
        }
        Op::References {
            doc,
            pos,
            include_declaration,
        } => {
            if let Some(u) = uri(*doc) {
                references::references(s, &u, position(*pos), *include_declaration);
            }
        }
        Op::Completion { doc, pos } => {
            if let Some(u) = uri(*doc) {
                completion::completion(s, &u, position(*pos));
            }
        }
        Op::Symbols { doc } => {
            if let Some(u) = uri(*doc) {
                symbols::document_symbols(s, &u);
            }
        }
        Op::Formatting { doc } => {
            if let Some(u) = uri(*doc) {
                formatting::format(s, &u);
            }
        }
        Op::SemanticTokens { doc } => {
            if let Some(u) = uri(*doc) {
                semantic_tokens::full(s, &u);
            }
        }
        Op::InlayHints { doc, start, end } => {
            if let Some(u) = uri(*doc) {
                inlay_hints::hints(s, &u, Range::new(position(*start), position(*end)));
            }
        }
        Op::PrepareRename { doc, pos } => {
            if let Some(u) = uri(*doc) {
                rename::prepare(s, &u, position(*pos));
            }
        }
        Op::Rename { doc, pos, new_name } => {
            if let Some(u) = uri(*doc) {
                let _ = rename::rename(s, &u, position(*pos), new_name);
            }
        }
        Op::CodeAction {
            doc,
            start,
            end,
            with_diagnostics,
        } => {
            if let Some(u) = uri(*doc) {
                let context = if *with_diagnostics {
                    diagnostics::check(s, std::slice::from_ref(&u))
                        .into_iter()
                        .flat_map(|(_, d, _)| d)
                        .collect()
                } else {
                    Vec::new()
                };
                let range = Range::new(position(*start), position(*end));
                code_action::actions(s, &u, range, &context);
            }
        }
    }
}
