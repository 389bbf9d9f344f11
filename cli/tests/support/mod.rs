//! What the command-line tests share: running the built `pcr` from the
//! repository's root, reading its output, writing scratch files.
#![allow(dead_code)] // each test file uses its own part of it

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository's root, where the tests run `pcr`.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Run the built `pcr` with `args` from the repository's root.
pub fn pcr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pcr"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run pcr: {e}"))
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// Write `contents` to a scratch file `name` of this test process.
pub fn temp(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcr-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{e}"));
    path
}
