//! `exp`, `ln` and `sqrt` end to end: the worked example, and a logarithm
//! of data that is not positive refused as a data error naming `ln`, never
//! a NaN in the result.

mod support;
use support::{pcr, temp, text};

const LANDFILL: &str = "tests/rules/landfill_decay.pcr";

const LOG_RULE: &str = r#"rule kiln {
    title "窑" en "Kiln"
    version "0.1.0"
    declared_unit 1 t
    boundary gate_to_gate
    gwp ar6
    cutoff item 1% total 5%

    input output: t
    input ratio: ratio
    input area: m2

    stage production {
        emission logged = (1 + ln(ratio)) * 10 kgCO2e/t
        emission rooted = sqrt(area) / 1 m * 1 kgCO2e/t
    }
}
"#;

#[test]
fn the_worked_example_passes() {
    let out = pcr(&["test", LANDFILL]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn ln_and_sqrt_of_data_compute() {
    let rule = temp("kiln.pcr", LOG_RULE);
    let data = temp(
        "ok.json",
        r#"{"output": "1 t", "ratio": 1, "area": "9 m2"}"#,
    );
    let out = pcr(&[
        "run",
        &rule.to_string_lossy(),
        "--data",
        &data.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    assert!(json.contains("\"logged\": 10"), "{json}");
    assert!(json.contains("\"rooted\": 3"), "{json}");
}

#[test]
fn ln_of_zero_from_data_is_a_data_error_naming_ln() {
    let rule = temp("kiln0.pcr", LOG_RULE);
    let data = temp(
        "zero.json",
        r#"{"output": "1 t", "ratio": 0, "area": "9 m2"}"#,
    );
    let out = pcr(&[
        "run",
        &rule.to_string_lossy(),
        "--data",
        &data.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("D0403"), "{err}");
    assert!(
        err.contains(
            "emission `logged` is not a finite number: `ln` of a value that is not positive?"
        ),
        "{err}"
    );
    assert!(!text(&out.stdout).contains("NaN"));
    assert!(!text(&out.stdout).contains("inf"));
}

/// A choice made on a value that is not a number (`if ln(x) > 0 …`,
/// `min(ln(x), …)`) is not a number either: the product is refused, never
/// silently given the `else` branch or the other operand.
#[test]
fn a_decision_on_ln_of_zero_is_a_data_error_not_a_silent_choice() {
    for (name, emission) in [
        (
            "branched",
            "if ln(ratio) > 0 then 10 kgCO2e/t else 1 kgCO2e/t",
        ),
        ("smallest", "min(ln(ratio), 2) * 1 kgCO2e/t + 5 kgCO2e/t"),
        (
            "checked",
            "if ln(ratio) > 0 and output > 0 t then 10 kgCO2e/t else 1 kgCO2e/t",
        ),
    ] {
        let rule = temp(
            &format!("kiln_{name}.pcr"),
            &format!(
                r#"rule kiln {{
    title "窑" en "Kiln"
    version "0.1.0"
    declared_unit 1 t
    boundary gate_to_gate
    gwp ar6
    cutoff item 1% total 5%

    input output: t
    input ratio: ratio

    stage production {{
        emission {name} = {emission}
    }}
}}
"#
            ),
        );
        let data = temp("zero_choice.json", r#"{"output": "1 t", "ratio": 0}"#);
        let out = pcr(&[
            "run",
            &rule.to_string_lossy(),
            "--data",
            &data.to_string_lossy(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("emission `{name}` is not a finite number")),
            "{name}: {err}"
        );
    }
}
