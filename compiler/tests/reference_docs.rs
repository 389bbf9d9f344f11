//! The generated reference chapters (`docs/src/diagnostics.md`,
//! `docs/src/prelude.md`) are what the generator makes of the code today:
//! regenerate them in memory and compare with the committed files.

#[path = "../examples/gen_reference.rs"]
mod gen_reference;

use gen_reference::{chapters, workspace_root, COMMAND};

#[test]
fn generated_chapters_match_the_code() {
    let chapters = match chapters() {
        Ok(c) => c,
        Err(e) => panic!("cannot generate the reference: {e}"),
    };
    let root = workspace_root();
    let mut stale = Vec::new();
    for (path, expected) in &chapters {
        let committed = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        if committed != *expected {
            let line = first_difference(&committed, expected);
            stale.push(format!("`{path}` (first difference at line {line})"));
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {}; run `{COMMAND}` to update",
        stale.join(", ")
    );
}

#[test]
fn every_diagnostic_code_and_prelude_name_is_in_the_reference() {
    let diagnostics = gen_reference::diagnostics_md();
    for code in pcr_compiler::explain::CODES {
        assert!(
            diagnostics.contains(&format!("## {code}: ")),
            "{code} has no section in the diagnostics chapter"
        );
    }
    let prelude = match gen_reference::prelude_md() {
        Ok(p) => p,
        Err(e) => panic!("cannot generate the prelude chapter: {e}"),
    };
    // Names the language reference makes normative, read back from the chapter.
    for name in [
        "`Mass`",
        "`CO2e`",
        "`Energy`",
        "`kWh`",
        "`tkm`",
        "`kgCO2e`",
        "`ar6`",
        "`CH4_fossil`",
        "`cradle_to_gate`",
        "`en15804_a_c_d`",
        "`biogenic_removal`",
        "`D`",
    ] {
        assert!(
            prelude.contains(name),
            "{name} is missing from the prelude chapter"
        );
    }
    // Exact factors come from the compiler, not from the text: kWh is 3.6 MJ.
    assert!(
        prelude.contains("| `kWh` | `1000 Wh` | `Energy` | `3600000 J` |"),
        "the kWh row does not show its exact factor in joules"
    );
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}
