//! Chains and cycles of 100,000 `let`s are checked, evaluated as constants
//! and lowered within bounded stack: on a thread with a 2 MiB stack, as the
//! language server and test harnesses run the compiler. Nothing in the
//! checker or the lowering recurses once per `let`.

use pcr_compiler::lower::lower;
use pcr_compiler::{analyze, Analysis, Options, SourceLoader};
use std::fmt::Write as _;
use std::path::Path;

struct NoFiles;

impl SourceLoader for NoFiles {
    fn load(&self, _: &Path) -> Option<String> {
        None
    }
}

const LETS: usize = 100_000;

/// Run `f` on a thread with a 2 MiB stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap_or_else(|e| panic!("cannot spawn: {e}"))
        .join()
        .unwrap_or_else(|_| panic!("the checker panicked"))
}

fn rule(lets: &str, emission: &str, example: &str) -> String {
    format!(
        "rule long {{\n    title \"长\" en \"Long\"\n    version \"1.0.0\"\n    declared_unit 1 t\n    boundary cradle_to_gate\n    gwp ar6\n    cutoff item 1% total 5%\n    input output: t\n{lets}    stage raw_material_acquisition {{\n        emission m = {emission}\n    }}\n    exclude stage production \"not modelled\" share 0.5%\n{example}}}\n"
    )
}

fn check(text: String, sequential: bool) -> Analysis {
    on_small_stack(move || {
        analyze(
            "long.pcr",
            None,
            text,
            &NoFiles,
            &Options {
                sequential,
                ..Options::default()
            },
        )
    })
}

fn errors(a: &Analysis) -> Vec<String> {
    a.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

/// `x1 = 1 kg`, `xK = x(K-1) + 1 kg`, written last first when `reversed`
/// (so typing `x100000` first needs all the others).
fn chain(reversed: bool) -> String {
    let mut lines: Vec<String> = (1..=LETS)
        .map(|k| match k {
            1 => "    let x1 = 1 kg\n".to_string(),
            _ => format!("    let x{k} = x{} + 1 kg\n", k - 1),
        })
        .collect();
    if reversed {
        lines.reverse();
    }
    lines.concat()
}

#[test]
fn a_chain_of_100000_lets_checks_and_lowers_on_a_small_stack() {
    for reversed in [false, true] {
        for sequential in [false, true] {
            let text = rule(
                &chain(reversed),
                &format!("x{LETS} * 1 kgCO2e/kg / output"),
                "",
            );
            let a = on_small_stack(move || {
                let a = check(text, sequential);
                let plan = a.rules.first().map(|r| lower(&a, r));
                (errors(&a), plan.map(|p| p.map(|p| p.nodes.len())))
            });
            assert_eq!(a.0, Vec::<String>::new(), "reversed: {reversed}");
            let nodes = a.1.and_then(Result::ok).unwrap_or(0);
            assert!(nodes >= LETS, "the plan has {nodes} nodes");
        }
    }
}

#[test]
fn a_cycle_of_100000_lets_is_one_e0103_naming_its_first_members() {
    let mut lets = String::new();
    for k in 1..=LETS {
        let next = if k == LETS { 1 } else { k + 1 };
        let _ = writeln!(lets, "    let a{k}: kg = a{next}");
    }
    let text = rule(&lets, "a1 * 1 kgCO2e/kg / output", "");
    let a = check(text, false);
    let cycles: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.code.code() == "E0103")
        .collect();
    assert_eq!(cycles.len(), 1, "{:?}", errors(&a));
    let notes = cycles[0].notes.join("\n");
    assert!(
        notes.contains("`a1` → `a2` → `a3`") && notes.contains("100000 `let`s in all"),
        "{notes}"
    );
    assert!(
        notes.len() < 1000,
        "the note lists every member: {}",
        notes.len()
    );
}

#[test]
fn a_chain_of_100000_top_level_lets_is_a_constant_on_a_small_stack() {
    // Written last first: `y100000` needs every other one.
    let mut text = String::new();
    for k in (1..=LETS).rev() {
        match k {
            1 => text.push_str("let y1 = 1 kgCO2e\n"),
            _ => {
                let _ = writeln!(text, "let y{k} = y{} + 1 kgCO2e", k - 1);
            }
        }
    }
    text.push_str(&rule(
        "",
        "output / output * 1 kgCO2e/t",
        &format!(
            "    example \"e\" {{\n        given output = 1 t\n        expect footprint == y{LETS} within 0.1%\n    }}\n"
        ),
    ));
    let result = on_small_stack(move || {
        let a = check(text, false);
        let expected = a
            .rules
            .first()
            .and_then(|r| r.examples.first())
            .and_then(|x| x.expects.first())
            .and_then(|e| e.value.clone().ok());
        let plan = a.rules.first().map(|r| lower(&a, r).is_ok());
        (errors(&a), expected, plan)
    });
    assert_eq!(result.0, Vec::<String>::new());
    assert_eq!(result.1, Some(LETS as f64));
    assert_eq!(result.2, Some(true));
}
