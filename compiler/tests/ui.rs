//! UI tests: every `tests/ui/<area>/*.pcr` case is checked; the rendered
//! diagnostics are compared with an insta snapshot, and the codes reported
//! must be exactly those the case's first line lists (`// expect: E0202`).

use pcr_compiler::render::render;
use pcr_compiler::{analyze, DiskLoader, Options};
use std::path::{Path, PathBuf};

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            cases(&p, out);
        } else if p.extension().and_then(|x| x.to_str()) == Some("pcr") {
            out.push(p);
        }
    }
}

#[test]
fn ui_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    cases(&root.join("tests/ui"), &mut files);
    files.sort();
    assert!(
        files.len() >= 20,
        "expected the ui cases, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let expected: Vec<String> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// expect:"))
            .map(|l| l.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let analysis = analyze(&rel, Some(path), &text, &DiskLoader, &Options::default());
        let mut codes: Vec<String> = analysis
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        codes.sort();
        let mut want = expected.clone();
        want.sort();
        if codes != want {
            failures.push(format!("{rel}: expected codes {want:?}, got {codes:?}"));
        }
        let rendered = render(&analysis.files, &analysis.diagnostics, false);
        let name = rel
            .trim_start_matches("tests/ui/")
            .trim_end_matches(".pcr")
            .replace('/', "__");
        insta::with_settings!({ snapshot_path => root.join("tests/ui/snapshots"), prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
