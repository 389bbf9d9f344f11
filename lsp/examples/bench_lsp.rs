//! Language-server latency on a generated 10,000-line rule, driving the
//! server's analysis state in-process (what each `didChange`, `hover` and
//! `completion` handler runs on the analysis thread).
//!
//! `cargo run --release -p pcr-lsp --example bench_lsp [LINES] [STAGES]`
//!
//! Also `documentSymbol` on that rule and on one of STAGES (default 100,000)
//! stage blocks, which must stay linear in the number of declarations.
//!
//! Prints figures only; nothing is asserted.

use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{completion, diagnostics, hover, symbols, State};
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::DocumentSymbolResponse;
use tower_lsp_server::ls_types::{Position, Uri};

/// The allocator the `pcr` binary uses, so that the figures are the binary's.
#[path = "support/bench_rule.rs"]
mod bench_rule;
use bench_rule::generate;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A rule of `stages` stage blocks, one emission each.
fn generate_stages(stages: usize) -> String {
    let mut out = String::from("rule stages {\n    title \"多\" en \"Many\"\n");
    out.push_str("    version \"0.1.0\"\n    declared_unit 1 t\n    boundary cradle_to_gate\n");
    out.push_str("    gwp ar6\n    cutoff item 1% total 5%\n    input output: t\n");
    for i in 0..stages {
        out.push_str(&format!(
            "    stage production {{ emission e{i} = 1 kgCO2e / output }}\n"
        ));
    }
    out.push_str("}\n");
    out
}

/// The number of symbols in an answer, nested ones included.
fn symbol_count(answer: Option<DocumentSymbolResponse>) -> usize {
    fn count(symbols: &[tower_lsp_server::ls_types::DocumentSymbol]) -> usize {
        symbols
            .iter()
            .map(|s| 1 + s.children.as_deref().map(count).unwrap_or(0))
            .sum()
    }
    match answer {
        Some(DocumentSymbolResponse::Nested(top)) => count(&top),
        Some(DocumentSymbolResponse::Flat(all)) => all.len(),
        None => 0,
    }
}

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).copied().unwrap_or_default()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<34} n={:<4} median {:>8.3} ms   p95 {:>8.3} ms   max {:>8.3} ms",
        samples.len(),
        ms(pick(0.5)),
        ms(pick(0.95)),
        ms(pick(1.0)),
    );
}

fn position_of(text: &str, needle: &str, delta: usize) -> Position {
    let at = text.find(needle).map(|i| i + delta).unwrap_or(0);
    let line = text[..at].matches('\n').count() as u32;
    let col = text[..at]
        .rsplit('\n')
        .next()
        .map(|l| l.encode_utf16().count())
        .unwrap_or(0) as u32;
    Position::new(line, col)
}

fn main() {
    let lines: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let text = generate(lines);
    println!(
        "generated rule: {} lines, {} bytes",
        text.lines().count(),
        text.len()
    );
    let dir = std::env::temp_dir().join("pcr-lsp-bench");
    let _ = std::fs::create_dir_all(&dir);
    let mut state = State::with_stdlib(StdlibDir {
        root: StdlibDir::write_to(&dir).ok(),
    });
    let Some(uri) = Uri::from_file_path(dir.join("bench.pcr")) else {
        eprintln!("cannot make a URI");
        return;
    };

    let t = Instant::now();
    let affected = state.open(uri.clone(), text.clone(), 1);
    let published = diagnostics::check(&mut state, &affected);
    let count = published.first().map(|p| p.1.len()).unwrap_or(0);
    println!(
        "open + first diagnostics: {:.1} ms ({count} diagnostics)",
        t.elapsed().as_secs_f64() * 1000.0
    );

    // Edit to diagnostics: a keystroke changes one default value.
    let mut edits = Vec::new();
    let mut version = 1;
    for k in 0..60 {
        let edited = text.replacen(
            "input energy_5: MWh = 6 MWh",
            &format!("input energy_5: MWh = {} MWh", 6 + k % 9),
            1,
        );
        version += 1;
        let t = Instant::now();
        let affected = state.change(uri.clone(), edited, version);
        let published = diagnostics::check(&mut state, &affected);
        edits.push(t.elapsed());
        std::hint::black_box(published);
    }
    stats("edit -> diagnostics", edits);

    // Half-typed edit (a syntax error in the middle) to diagnostics.
    let mut broken = Vec::new();
    for k in 0..30 {
        let edited = text.replacen("let load_7 = energy_7 * ef_7", "let load_7 = energy_7 *", 1);
        version += 1;
        let t = Instant::now();
        let affected = state.change(uri.clone(), format!("{edited}{}", " ".repeat(k)), version);
        let published = diagnostics::check(&mut state, &affected);
        broken.push(t.elapsed());
        std::hint::black_box(published);
    }
    stats("broken edit -> diagnostics", broken);

    // Requests on the cached analysis of the current version.
    version += 1;
    let affected = state.change(uri.clone(), text.clone(), version);
    let _ = diagnostics::check(&mut state, &affected);
    let spots = [
        position_of(&text, "emission e_1234 = load_1234", 11),
        position_of(&text, "let load_2000 = energy_2000", 18),
        position_of(&text, "energy_2000 * ef_2000", 15),
        position_of(&text, "declared_unit 1 t", 16),
    ];
    let mut hovers = Vec::new();
    for k in 0..200 {
        let t = Instant::now();
        let h = hover::hover(&mut state, &uri, spots[k % spots.len()]);
        hovers.push(t.elapsed());
        std::hint::black_box(h);
    }
    stats("hover (cached analysis)", hovers);

    let places = [
        position_of(&text, "emission e_99 = load_99 / output", 16),
        position_of(&text, "= 6 MWh", 4),
        position_of(&text, "stage production", 6),
    ];
    let names = [
        "completion: names in an emission",
        "completion: unit after a number",
        "completion: stage names",
    ];
    for (place, name) in places.iter().zip(names) {
        let mut completions = Vec::new();
        for _ in 0..100 {
            let t = Instant::now();
            let c = completion::completion(&mut state, &uri, *place);
            completions.push(t.elapsed());
            std::hint::black_box(c);
        }
        stats(name, completions);
    }

    let mut outline = Vec::new();
    let mut shown = 0;
    for _ in 0..20 {
        let t = Instant::now();
        shown = symbol_count(symbols::document_symbols(&mut state, &uri));
        outline.push(t.elapsed());
    }
    stats(&format!("documentSymbol ({shown} symbols)"), outline);

    let stages: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    if let Some(many) = Uri::from_file_path(dir.join("stages.pcr")) {
        state.open(many.clone(), generate_stages(stages), 1);
        let t = Instant::now();
        let analysed = state.analyzed(&many).is_some();
        println!(
            "{stages}-stage rule: analysis {:.1} ms (ok: {analysed})",
            t.elapsed().as_secs_f64() * 1000.0
        );
        let mut outline = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            shown = symbol_count(symbols::document_symbols(&mut state, &many));
            outline.push(t.elapsed());
        }
        stats(
            &format!("documentSymbol, {stages} stages ({shown} symbols)"),
            outline,
        );
    }

    // Where an edit's time goes: the compiler's analysis alone.
    for record in [true, false] {
        let options = pcr_compiler::Options {
            record,
            ..pcr_compiler::Options::default()
        };
        let mut compiler = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let a = pcr_compiler::analyze(
                "bench.pcr",
                None,
                text.as_str(),
                &pcr_compiler::DiskLoader,
                &options,
            );
            compiler.push(t.elapsed());
            std::hint::black_box(a.diagnostics.len());
        }
        stats(&format!("compiler analyze (record: {record})"), compiler);
    }
}
