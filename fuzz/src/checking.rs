//! Checking a rule text as `pcr check` does, against the embedded prelude,
//! with no file system: imports resolve to the embedded modules only.

use pcr_compiler::{analyze, Analysis, Options, SourceLoader};
use std::path::Path;

/// A loader that finds no file on disk.
pub struct NoDisk;

impl SourceLoader for NoDisk {
    fn load(&self, _: &Path) -> Option<String> {
        None
    }
}

/// Check `text` as the file `fuzz.pcr`.
pub fn check(text: &str, record: bool) -> Analysis {
    let options = Options {
        record,
        ..Options::default()
    };
    analyze("fuzz.pcr", None, text.to_string(), &NoDisk, &options)
}

/// The diagnostic codes of an analysis, sorted.
pub fn codes(analysis: &Analysis) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = analysis.diagnostics.iter().map(|d| d.code.code()).collect();
    codes.sort_unstable();
    codes
}
