//! Language version 1 calculations end to end: `co2e` over a list of
//! releases (a gas the rule's GWP set lacks is a data error naming the row
//! and field), GB/T 8170 rounding, credits and module `D` in batch output.

mod support;
use support::{pcr, root, temp, text};

const RELEASES: &str = "tests/rules/refrigerant_releases.pcr";
const MODULE_D: &str = "tests/rules/module_d_credit.pcr";

#[test]
fn worked_examples_pass() {
    for rule in [RELEASES, MODULE_D] {
        let out = pcr(&["test", rule]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

#[test]
fn releases_are_characterised_gas_by_gas_and_rounded() {
    let data = temp(
        "releases.json",
        r#"{"output": "1000 piece", "electricity": "0 kWh",
            "releases": [{"gas": "HFC125", "mass": "1 kg"}, {"gas": "CO2", "mass": "5 kg"}]}"#,
    );
    let out = pcr(&["run", RELEASES, "--data", &data.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    // 3745 kgCO2e / 1000 = 3.745, a decimal tie: the even 3.74.
    assert!(json.contains("\"refrigerant_releases\": 3.74"), "{json}");
}

#[test]
fn a_gas_the_set_lacks_is_a_data_error_naming_row_and_field() {
    // `ar6` has every gas; a rule on `ar4` lacks the fossil/non-fossil split.
    let source = std::fs::read_to_string(root().join(RELEASES))
        .unwrap_or_else(|e| panic!("{e}"))
        .replace("gwp ar6", "gwp ar4");
    let rule = temp("releases_ar4.pcr", &source);
    let data = temp(
        "releases_ch4.csv",
        "output,electricity,releases\n\
         1000,0,\"[{\"\"gas\"\":\"\"HFC32\"\",\"\"mass\"\":\"\"1 kg\"\"}]\"\n\
         1000,0,\"[{\"\"gas\"\":\"\"HFC32\"\",\"\"mass\"\":\"\"1 kg\"\"},{\"\"gas\"\":\"\"CH4_fossil\"\",\"\"mass\"\":\"\"1 kg\"\"}]\"\n",
    );
    let out = pcr(&[
        "run",
        &rule.to_string_lossy(),
        "--data",
        &data.to_string_lossy(),
        "--format",
        "csv",
    ]);
    let err = text(&out.stderr);
    assert!(
        err.contains("releases[1].gas: gas `CH4_fossil` has no GWP in the rule's set `ar4`"),
        "{err}"
    );
    // The first row is still computed: 675 × 1 kg / 1000 = 0.675 (ar4), a tie: the even 0.68.
    assert!(text(&out.stdout).contains("0.68"), "{}", text(&out.stdout));
}

#[test]
fn module_d_benefits_are_reported_but_not_summed() {
    let data = temp(
        "profile.json",
        r#"{"output": "1 t", "ingot": "1.05 t", "scrap_in": "0.05 t",
            "electricity": "1200 kWh", "heat_exported": "2 GJ",
            "shredding_electricity": "50 kWh", "scrap_out": "0.95 t"}"#,
    );
    let out = pcr(&["run", MODULE_D, "--data", &data.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    assert!(json.contains("\"footprint\": 9665.625"), "{json}");
    assert!(json.contains("\"D\": -7290"), "{json}");
    assert!(json.contains("\"credit\": -140"), "{json}");
}

#[test]
fn a_step_from_data_that_is_not_positive_refuses_the_row() {
    let rule = temp(
        "round_step.pcr",
        "rule r {\n    title \"t\" en \"t\"\n    version \"0.1.0\"\n    declared_unit 1 t\n    boundary gate_to_gate\n    gwp ar6\n    cutoff item 1% total 5%\n\n    input output: t\n    input step: kgCO2e/t = 0.01 kgCO2e/t\n\n    stage production {\n        emission e = round(co2e(Gas.N2O, 1 kg) / output, step)\n    }\n}\n",
    );
    let data = temp("round_step.csv", "output,step\n1,0.01\n1,0\n");
    let out = pcr(&[
        "run",
        &rule.to_string_lossy(),
        "--data",
        &data.to_string_lossy(),
        "--format",
        "csv",
    ]);
    let err = text(&out.stderr);
    assert!(
        err.contains("row 3: emission `e` is not a finite number")
            && err.contains("a `round` step that is not positive"),
        "{err}"
    );
    // 273 kgCO2e/kg × 1 kg N2O (AR6), rounded to 0.01.
    assert!(
        text(&out.stdout).contains("273,273,1"),
        "{}",
        text(&out.stdout)
    );
}
