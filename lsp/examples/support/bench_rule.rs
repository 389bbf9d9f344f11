//! The generated rule both language-server benchmarks edit
//! (`lsp/examples/bench_lsp.rs` in process, `cli/examples/bench_lsp_stdio.rs`
//! over stdio), so their figures are for the same text.

/// A rule of about `lines` lines: inputs, factors, lets and emissions.
pub fn generate(lines: usize) -> String {
    let n = (lines.saturating_sub(30)) / 4;
    let mut out = String::new();
    out.push_str("//! Generated rule for the language-server benchmark.\n\n");
    out.push_str("rule bench {\n");
    out.push_str("    title \"基准\" en \"Benchmark\"\n    version \"0.1.0\"\n");
    out.push_str("    declared_unit 1 t\n    boundary cradle_to_gate\n    gwp ar6\n");
    out.push_str("    cutoff item 1% total 5%\n\n    input output: t\n");
    for i in 0..n {
        out.push_str(&format!("    input energy_{i}: MWh = {} MWh\n", i % 97 + 1));
    }
    for i in 0..n {
        out.push_str(&format!(
            "    factor ef_{i}: kgCO2e/kWh = 0.{:03} kgCO2e/kWh source \"generated\"\n",
            i % 1000
        ));
    }
    for i in 0..n {
        out.push_str(&format!("    let load_{i} = energy_{i} * ef_{i}\n"));
    }
    out.push_str("    stage raw_material_acquisition {\n");
    out.push_str("        emission none = 0 kgCO2e / output\n    }\n");
    out.push_str("    stage production {\n");
    for i in 0..n {
        out.push_str(&format!("        emission e_{i} = load_{i} / output\n"));
    }
    out.push_str("    }\n}\n");
    out
}
