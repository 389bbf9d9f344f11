//! The embedded standard library: the prelude (`std/`) and the general module (`general/`).

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The prelude's files: in scope in every rule without an import.
pub fn prelude_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED
        .iter()
        .copied()
        .filter(|(path, _)| path.starts_with("std/"))
}

/// An embedded module by its path under `stdlib-rules/` (`general/energy.pcr`).
pub fn embedded_module(path: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}
