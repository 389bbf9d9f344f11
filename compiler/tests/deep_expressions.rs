//! Expressions as deep as the parser allows (`pcr_lang::depth::MAX_DEPTH`)
//! are checked and lowered on a 2 MiB stack in a debug build: the stack of
//! the language server's analysis thread.

use pcr_compiler::lower::lower;
use pcr_compiler::render::render;
use pcr_compiler::{analyze, DiskLoader, Options};
use pcr_lang::depth::MAX_DEPTH;

/// A rule whose `let`s are each `levels` deep, of every kind of nesting.
fn deep_rule(levels: usize) -> String {
    let n = levels - 1;
    let sum = format!("1{}", " + 1".repeat(n));
    let product = format!("output{}", " / output * output".repeat(n / 2));
    let parens = format!("{}1{}", "(".repeat(n), ")".repeat(n));
    // An even number of minus signs.
    let minus = format!("{}1", "- ".repeat(n - n % 2));
    let branches = format!("{}1", "if output > 1 t then 1 else ".repeat(n));
    let calls = format!("{}1{}", "id(".repeat(n), ")".repeat(n));
    format!(
        "rule deep {{
    title \"深\" en \"Deep\"
    version \"0.1.0\"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
    fn id(x: ratio) -> ratio = x
    let s = {sum}
    let q = {product}
    let p = {parens}
    let m = {minus}
    let b = {branches}
    let c = {calls}
    stage production {{
        emission e = 1 kgCO2e * s * p * m * b * c * q / output / output
    }}
}}
"
    )
}

#[test]
fn the_deepest_expressions_check_and_lower_on_a_2_mib_stack() {
    let source = deep_rule(MAX_DEPTH as usize);
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let analysis = analyze(
                "deep.pcr",
                None,
                source.as_str(),
                &DiskLoader,
                &Options::default(),
            );
            if analysis.has_errors() {
                return Err(render(&analysis.files, &analysis.diagnostics, false));
            }
            let rule = analysis.rule(None)?;
            lower(&analysis, rule)
                .map(|_| ())
                .map_err(|e| e.message.clone())
        })
        .unwrap_or_else(|e| panic!("cannot start a thread: {e}"));
    match handle.join() {
        Ok(Ok(())) => {}
        Ok(Err(message)) => panic!("{message}"),
        Err(_) => panic!("checking panicked"),
    }
}
