//! `primary_data_share`: values the rule fixes (a `let` of constants, a
//! top-level constant, a factor) never make an emission secondary; only an
//! input that fell back to its default does (`docs/src/results.md`).

mod support;
use support::{pcr, temp, text};

const RULE: &str = r#"let carbon_to_co2 = 44 / 12

rule lime {
    title "石灰" en "Lime"
    version "0.1.0"
    declared_unit 1 t
    boundary gate_to_gate
    gwp ar6
    cutoff item 1% total 5%

    input output: t
    input carbon: t
    input electricity: kWh = 100 kWh

    let molar_ratio = carbon_to_co2 * 1
    factor grid: kgCO2e/kWh = 0.5 kgCO2e/kWh source "illustrative"

    stage production {
        emission process = carbon * molar_ratio * 1 kgCO2e/kg / output
        emission power = electricity * grid / output
    }
}
"#;

fn share(case: &str, data: &str) -> String {
    let rule = temp(&format!("{case}.pcr"), RULE);
    let data = temp(&format!("{case}.json"), data);
    let out = pcr(&[
        "run",
        &rule.to_string_lossy(),
        "--data",
        &data.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    json.lines()
        .find(|l| l.contains("primary_data_share"))
        .map(|l| l.trim().trim_end_matches(',').to_string())
        .unwrap_or_else(|| panic!("no share in {json}"))
}

#[test]
fn constants_lets_and_factors_are_never_secondary() {
    // Every input supplied: the constant, the `let` and the factor count
    // as the rule's, so all is primary.
    let s = share(
        "supplied",
        r#"{"output": "1 t", "carbon": "0.012 t", "electricity": "100 kWh"}"#,
    );
    assert_eq!(s, "\"primary_data_share\": 1.0");
}

#[test]
fn an_input_that_fell_back_to_its_default_is_secondary() {
    // process = 12 kg × 44/12 = 44 kgCO2e primary; power = 50 kgCO2e from
    // the default: 44 / 94.
    let s = share("defaulted", r#"{"output": "1 t", "carbon": "0.012 t"}"#);
    assert!(
        s.starts_with("\"primary_data_share\": 0.468085106382"),
        "{s}"
    );
}
