//! A quantity literal is converted to canonical units with exact ratios and
//! rounded once: `1.1 kWh` is 3,960,000 J in the plan, not
//! 3,960,000.0000000005, and `56.1 g` is the double nearest 0.0561 kg.

use pcr_compiler::lower::lower;
use pcr_compiler::{analyze, Options, SourceLoader};
use pcr_plan::Node;
use std::path::Path;

struct NoFiles;

impl SourceLoader for NoFiles {
    fn load(&self, _: &Path) -> Option<String> {
        None
    }
}

/// The constants of the plan lowered from a rule with `lets`.
fn plan_constants(lets: &str, emission: &str) -> Vec<f64> {
    let text = format!(
        "rule exact {{\n    title \"精确\" en \"Exact\"\n    version \"1.0.0\"\n    declared_unit 1 t\n    boundary cradle_to_gate\n    gwp ar6\n    cutoff item 1% total 5%\n    input output: t\n{lets}    stage raw_material_acquisition {{\n        emission m = {emission}\n    }}\n    exclude stage production \"not modelled\" share 0.5%\n}}\n"
    );
    let analysis = analyze("exact.pcr", None, text, &NoFiles, &Options::default());
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let plan = lower(&analysis, &analysis.rules[0]).unwrap_or_else(|e| panic!("{e:?}"));
    plan.nodes
        .iter()
        .filter_map(|n| match n {
            Node::Const { value } => Some(*value),
            _ => None,
        })
        .collect()
}

#[test]
fn kilowatt_hours_are_converted_to_joules_exactly() {
    let constants = plan_constants(
        "    let energy = 1.1 kWh\n",
        "energy * 0.5 kgCO2e / kWh / output",
    );
    assert!(constants.contains(&3_960_000.0), "{constants:?}");
}

#[test]
fn grams_are_converted_to_kilograms_with_one_rounding() {
    let constants = plan_constants("    let mass = 56.1 g\n", "mass * 2 kgCO2e / kg / output");
    // 56.1 * 0.001 in floating point is 0.056100000000000004.
    assert!(constants.contains(&0.0561), "{constants:?}");
}

#[test]
fn percentages_and_exponents_are_exact_too() {
    let constants = plan_constants(
        "    let mass = 2.5e-3 t\n",
        "mass * 2 kgCO2e / kg * 10% / output",
    );
    assert!(constants.contains(&2.5), "{constants:?}");
    assert!(constants.contains(&0.1), "{constants:?}");
}
