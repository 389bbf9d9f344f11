//! `pcr-compiler`: modules and names, dimensions and units, type checking,
//! rule checks, diagnostics and lowering to calculation plans.

pub mod analysis;
pub mod checker;
pub mod diagnostic;
pub mod dimension;
pub mod explain;
pub mod factor_check;
pub mod lower;
pub mod prelude;
pub mod rational;
pub mod render;
pub mod rule;
pub mod source;
pub mod suggest;
pub mod types;
pub mod world;

pub use analysis::{analyze, Analysis, DiskLoader, Options, SourceLoader};
pub use diagnostic::{Diagnostic, Severity};
pub use source::{FileId, Files};
