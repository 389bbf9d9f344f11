//! Functions calling each other: a chain of 100,000 is checked in linear
//! time within a 2 MiB stack, and every member of a cycle of calls, and
//! only those, is E0103.

use pcr_compiler::{analyze, Analysis, Options, SourceLoader};
use std::fmt::Write as _;
use std::path::Path;

struct NoFiles;

impl SourceLoader for NoFiles {
    fn load(&self, _: &Path) -> Option<String> {
        None
    }
}

fn check(text: String) -> Analysis {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || analyze("fns.pcr", None, text, &NoFiles, &Options::default()))
        .unwrap_or_else(|e| panic!("cannot spawn: {e}"))
        .join()
        .unwrap_or_else(|_| panic!("the checker panicked"))
}

/// The names in the E0103 messages, sorted.
fn recursive(analysis: &Analysis) -> Vec<String> {
    let mut names: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code.code() == "E0103")
        .map(|d| d.message.clone())
        .collect();
    names.sort();
    names
}

#[test]
fn a_chain_of_100000_functions_is_checked_without_recursion_errors() {
    let mut text = String::from("fn f0(v: kg) -> kg = v\n");
    for i in 1..=100_000 {
        let _ = writeln!(text, "fn f{i}(v: kg) -> kg = f{}(v)", i - 1);
    }
    let started = std::time::Instant::now();
    let analysis = check(text);
    assert!(
        recursive(&analysis).is_empty(),
        "{:?}",
        recursive(&analysis)
    );
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics.first());
    // Quadratic recursion detection took minutes here; linear takes well
    // under one second. The bound is generous for slow debug builds.
    assert!(
        started.elapsed().as_secs() < 120,
        "checking took {:?}",
        started.elapsed()
    );
}

#[test]
fn every_member_of_a_cycle_of_calls_is_reported_and_nothing_else() {
    let text = "\
fn a(v: kg) -> kg = b(v) + c(v)
fn b(v: kg) -> kg = c(v)
fn c(v: kg) -> kg = a(v)
fn top(v: kg) -> kg = a(v) + e(v) + e(v)
fn e(v: kg) -> kg = v
fn itself(v: kg) -> kg = itself(v)
"
    .to_string();
    let analysis = check(text);
    assert_eq!(analysis.diagnostics.len(), 4, "{:?}", analysis.diagnostics);
    assert_eq!(
        recursive(&analysis),
        [
            "function `a` calls itself",
            "function `b` calls itself",
            "function `c` calls itself",
            "function `itself` calls itself",
        ]
    );
}
