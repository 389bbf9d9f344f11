//! The declarations the compiler lists for a file (document symbols, hover,
//! completion): read from `pcr_compiler::semantic`, never resolved here.

pub use pcr_compiler::semantic::{Decl, DeclKind};
