//! Check throughput: generate a rule of about 100,000 lines, check it, print lines per second.
//!
//! Run: `cargo run --release -p pcr-compiler --example bench_check [LINES]`

use pcr_compiler::{analyze, Options, SourceLoader};
/// The allocator the `pcr` binary uses, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

struct NoFiles;

impl SourceLoader for NoFiles {
    fn load(&self, _: &Path) -> Option<String> {
        None
    }
}

/// A valid rule with `lines` lines: inputs, factors, lets and emissions in blocks.
pub fn generate(lines: usize) -> String {
    let mut s = String::from(
        "rule generated {\n    title \"生成\" en \"Generated\"\n    version \"1.0.0\"\n    declared_unit 1 t\n    boundary cradle_to_gate\n    gwp ar6\n    cutoff item 1% total 5%\n    input output: t\n    stage raw_material_acquisition {\n        emission base = 1 kgCO2e/t\n    }\n    stage production {\n",
    );
    let mut n = 0;
    let mut body = String::new();
    let mut decls = String::new();
    while s.lines().count() + n * 4 < lines {
        let _ = writeln!(decls, "    input e{n}: MWh = {} MWh", n % 97 + 1);
        let _ = writeln!(
            decls,
            "    factor f{n}: kgCO2/GJ = 56.1 kgCO2/GJ source \"IPCC 2006\""
        );
        let _ = writeln!(decls, "    let l{n} = e{n} * f{n} * gwp.CO2 / output");
        let _ = writeln!(
            body,
            "        emission x{n} = l{n} + 0.5 * e{n} * 0.6 kgCO2e/kWh / output"
        );
        n += 1;
    }
    s.push_str(&body);
    s.push_str("    }\n");
    s.push_str(&decls);
    s.push_str("}\n");
    s
}

fn main() {
    let lines: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let text = generate(lines);
    let actual = text.lines().count();
    let options = Options::default();
    // Warm up (page in the prelude), then measure.
    let warm = analyze("generated.pcr", None, &text, &NoFiles, &options);
    let errors = warm.diagnostics.iter().filter(|d| d.is_error()).count();
    assert_eq!(errors, 0, "the generated rule must check cleanly");
    let runs = 11;
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let a = analyze("generated.pcr", None, &text, &NoFiles, &options);
        times.push(start.elapsed().as_secs_f64());
        std::hint::black_box(a.rules.len());
    }
    let drop_start = Instant::now();
    drop(warm);
    let dropping = drop_start.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let median = times[runs / 2];
    println!("check: {actual} lines, {} bytes", text.len());
    println!(
        "check: median {:.1} ms over {runs} runs (fastest {:.1}, slowest {:.1}), {:.0} lines/s",
        median * 1000.0,
        times[0] * 1000.0,
        times[runs - 1] * 1000.0,
        actual as f64 / median
    );
    println!(
        "freeing the analysis: {:.1} ms (pcr check skips it for its last file)",
        dropping * 1000.0
    );
    let lex_start = Instant::now();
    let lexed = pcr_lang::lexer::lex(&text);
    let lex = lex_start.elapsed().as_secs_f64();
    println!(
        "lex only: {:.1} ms, {} tokens",
        lex * 1000.0,
        lexed.tokens.len()
    );
    let parse_start = Instant::now();
    let parsed = pcr_lang::parse(&text);
    let parse = parse_start.elapsed().as_secs_f64();
    std::hint::black_box(parsed.errors.len());
    println!(
        "parse only: {:.1} ms, {:.0} lines/s",
        parse * 1000.0,
        actual as f64 / parse
    );
}
