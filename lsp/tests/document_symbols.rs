//! `documentSymbol` scales linearly with the number of declarations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{symbols, State};
use std::str::FromStr;
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::{DocumentSymbol, DocumentSymbolResponse, Uri};

fn count(symbols: &[DocumentSymbol]) -> usize {
    symbols
        .iter()
        .map(|s| 1 + s.children.as_deref().map(count).unwrap_or(0))
        .sum()
}

/// A rule with `stages` stage blocks, each with one emission.
pub fn many_stages(stages: usize) -> String {
    let mut text = String::from(
        "rule many {
    title \"多\" en \"Many\"
    version \"0.1.0\"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
",
    );
    for i in 0..stages {
        text.push_str(&format!(
            "    stage production {{ emission e{i} = 1 kgCO2e / output }}\n"
        ));
    }
    text.push_str("}\n");
    text
}

/// The CPU time this thread has used (Linux: `/proc/thread-self/stat`, in
/// clock ticks of 10 ms), so that a loaded machine does not slow the count;
/// elsewhere, `None` and the wall clock is used.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

#[test]
fn symbols_of_a_100_000_stage_document_answer_promptly() {
    let stages = 100_000;
    let dir = std::env::temp_dir().join("pcr-lsp-symbol-tests");
    let mut state = State::with_stdlib(StdlibDir {
        root: StdlibDir::write_to(&dir).ok(),
    });
    let uri = Uri::from_str("untitled:many.pcr").unwrap();
    state.open(uri.clone(), many_stages(stages), 1);
    // Analyse first (cached), so that only the symbols are timed.
    assert!(state.analyzed(&uri).is_some());
    let (started, cpu_started) = (Instant::now(), thread_cpu_time());
    let answer = symbols::document_symbols(&mut state, &uri).expect("symbols");
    let wall = started.elapsed();
    let cpu = thread_cpu_time()
        .zip(cpu_started)
        .map(|(end, start)| end - start);
    println!("documentSymbol, {stages} stages: {wall:?} ({cpu:?} of CPU)");
    // Quadratic, this was minutes of CPU; linear, well under a second.
    let took = cpu.unwrap_or(wall);
    let DocumentSymbolResponse::Nested(top) = answer else {
        panic!("nested symbols");
    };
    assert_eq!(top.len(), 1, "the rule");
    // The rule, its input, and each stage with its emission.
    assert_eq!(count(&top), 2 + 2 * stages);
    assert!(
        took < Duration::from_secs(10),
        "documentSymbol took {took:?} of CPU for {stages} stages"
    );
}
