//! `pcr-compiler`: modules and names, dimensions and units, type checking,
//! rule checks, diagnostics and lowering to calculation plans.
#![cfg_attr(not(test), deny(clippy::panic, clippy::unreachable))]

pub mod analysis;
pub mod checked;
pub(crate) mod checker;
pub(crate) mod constant;
pub mod diagnostic;
pub mod dimension;
pub mod explain;
pub mod factor_check;
pub mod lower;
pub mod prelude;
pub mod project;
pub mod rational;
pub mod render;
pub mod rule;
pub mod semantic;
pub mod source;
pub(crate) mod suggest;
pub mod types;
pub mod world;

/// The checker's maps keyed by names. foldhash (already in the dependency tree
/// through hashbrown) hashes short keys several times faster than the
/// standard library's SipHash; it is still seeded per process.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

pub use analysis::{analyze, Analysis, DiskLoader, Options, SourceLoader};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use source::{FileId, Files};
