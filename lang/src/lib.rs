//! `pcr-lang`: sources and spans, the lexer, the parser and the syntax tree of
//! the PCR language, and the formatter.
#![cfg_attr(not(test), deny(clippy::panic, clippy::unreachable))]

pub mod ast;
pub mod depth;
pub mod format;
pub mod lexer;
mod parallel;
pub mod parser;
pub mod span;

pub use parser::{parse, Parsed, SyntaxError};
pub use span::{LineIndex, Span};
