//! Expressions as deep as the parser allows (`pcr_lang::depth::MAX_DEPTH`)
//! are checked and lowered on a 2 MiB stack in a debug build: the stack of
//! the language server's analysis thread.

use pcr_compiler::lower::lower;
use pcr_compiler::render::render;
use pcr_compiler::{analyze, DiskLoader, Options};
use pcr_lang::depth::{CALL_LEVELS, MAX_DEPTH};

/// The `let`s of the rule, each `levels` deep (at most), by kind of nesting.
fn deep_lets(levels: usize) -> Vec<(&'static str, String)> {
    let n = levels - 1;
    vec![
        ("sum_of_ones", format!("1{}", " + 1".repeat(n))),
        (
            "mass_chain",
            format!("output{}", " / output * output".repeat(n / 2)),
        ),
        (
            "parenthesised",
            format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        ),
        // An even number of minus signs.
        ("negated", format!("{}1", "- ".repeat(n - n % 2))),
        // The condition is two levels deep.
        (
            "branches",
            format!("{}1", "if output > 1 t then 1 else ".repeat(n - 1)),
        ),
        (
            "matched",
            format!(
                "{}1{}",
                "match route { a => ".repeat(n),
                ", b => 1 }".repeat(n)
            ),
        ),
        // The body's terms are two levels deep.
        (
            "summed",
            format!(
                "sum(p in parts: p.fraction{})",
                " + p.fraction".repeat(n - 2)
            ),
        ),
        (
            "logic",
            format!(
                "if output > 1 t{} then 1 else 1",
                " and output > 1 t".repeat(n - 2)
            ),
        ),
        ("calls", {
            let calls = n / CALL_LEVELS as usize;
            format!("{}1{}", "same(".repeat(calls), ")".repeat(calls))
        }),
    ]
}

/// A rule using every deep `let`; `only` keeps one of them deep, the others simple.
fn deep_rule(levels: usize, only: Option<&str>) -> String {
    let mut lets = String::new();
    for (name, value) in deep_lets(levels) {
        let value = match only {
            Some(kind) if kind != name => {
                if name == "mass_chain" {
                    "output".to_string()
                } else {
                    "1".to_string()
                }
            }
            _ => value,
        };
        lets.push_str(&format!("    let {name} = {value}\n"));
    }
    format!(
        "enum Route {{ a, b }}
rule deep {{
    title \"深\" en \"Deep\"
    version \"0.1.0\"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
    input route: Route = a
    input parts: list {{ fraction: ratio }}
    fn same(x: ratio) -> ratio = x
    exclude stage raw_material_acquisition \"not in this test\" share 0.5%
{lets}    stage production {{
        emission e = 1 kgCO2e * sum_of_ones * parenthesised * negated * branches * calls * matched * summed * logic * mass_chain / output / output
    }}
}}
"
    )
}

fn check_and_lower(source: String) -> Result<(), String> {
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
}

#[test]
fn the_deepest_expressions_check_and_lower_on_a_2_mib_stack() {
    // `DEEP_LEVELS` and `DEEP_KIND` (one `let` name) measure other depths.
    let levels = std::env::var("DEEP_LEVELS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MAX_DEPTH as usize);
    let only = std::env::var("DEEP_KIND").ok();
    let source = deep_rule(levels, only.as_deref());
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || check_and_lower(source))
        .unwrap_or_else(|e| panic!("cannot start a thread: {e}"));
    match handle.join() {
        Ok(Ok(())) => {}
        Ok(Err(message)) => panic!("{message}"),
        Err(_) => panic!("checking panicked"),
    }
}
