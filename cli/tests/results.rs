//! Reported results end to end (§11): `pcr run` JSON, batch CSV columns and
//! JSON lines, scaling by the declared amount, `pcr test`.

mod support;
use support::{pcr, root, temp, text};

const PALLET: &str = "tests/rules/pact_biogenic_totals.pcr";

#[test]
fn json_results_have_value_and_unit() {
    let data = temp(
        "pallet.json",
        r#"{"output": "1000 kg", "wood_mass": "1200 kg", "electricity": "300 kWh"}"#,
    );
    let run = pcr(&["run", PALLET, "--data", &data.to_string_lossy()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_default();
    assert_eq!(v["footprint"], serde_json::json!(-1.93));
    assert_eq!(
        v["results"]["pcf_excluding_uptake"],
        serde_json::json!({"value": 0.27, "unit": "kgCO2e"})
    );
    assert_eq!(
        v["results"]["biogenic_carbon_content"],
        serde_json::json!({"value": 0.6, "unit": "kgC"})
    );
}

#[test]
fn a_result_per_declared_unit_is_scaled_by_the_declared_amount() {
    // The same rule per 1 t: the carbon content is 600 kgC per tonne, the
    // total excluding uptake (already an amount) 270 kgCO2e per tonne.
    let source = std::fs::read_to_string(root().join(PALLET))
        .unwrap_or_default()
        .replace("declared_unit 1 kg", "declared_unit 1 t");
    let rule = temp("pallet_per_t.pcr", &source);
    let data = temp(
        "pallet_t.json",
        r#"{"output": "1000 kg", "wood_mass": "1200 kg", "electricity": "300 kWh"}"#,
    );
    let run = pcr(&[
        "run",
        &rule.to_string_lossy(),
        "--data",
        &data.to_string_lossy(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_default();
    assert_eq!(
        v["results"]["biogenic_carbon_content"]["value"],
        serde_json::json!(600.0)
    );
    assert_eq!(
        v["results"]["pcf_excluding_uptake"]["value"],
        serde_json::json!(270.0)
    );
}

#[test]
fn batch_csv_has_a_column_per_stage_category_emission_and_result() {
    let data = temp(
        "pallets.csv",
        "id,output [kg],wood_mass [kg],electricity [kWh]\np1,1000,1200,300\np2,2000,1200,300\n",
    );
    let run = pcr(&[
        "run",
        PALLET,
        "--data",
        &data.to_string_lossy(),
        "--format",
        "csv",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let out = text(&run.stdout);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(
        rows[0],
        "id,footprint,stage.raw_material_acquisition,stage.production,\
         category.fossil,category.biogenic_removal,\
         emission.wood_supply,emission.biogenic_uptake,emission.electricity,\
         result.pcf_excluding_uptake,result.biogenic_carbon_content,result.production_share,\
         primary_data_share"
    );
    assert!(
        rows[1].starts_with("p1,-1.93,-2.08,0.15,0.27,-2.2,0.12,-2.2,0.15,0.27,0.6,0.5555"),
        "{}",
        rows[1]
    );
    assert_eq!(rows.len(), 3, "{out}");
}

#[test]
fn batch_jsonl_has_the_full_result_object_per_line() {
    let data = temp(
        "pallets_jsonl.csv",
        "id,output [kg],wood_mass [kg],electricity [kWh]\np1,1000,1200,300\n",
    );
    let run = pcr(&[
        "run",
        PALLET,
        "--data",
        &data.to_string_lossy(),
        "--format",
        "jsonl",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let line = text(&run.stdout);
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap_or_default();
    let single = temp(
        "pallet_one.json",
        r#"{"output": "1000 kg", "wood_mass": "1200 kg", "electricity": "300 kWh"}"#,
    );
    let one = pcr(&["run", PALLET, "--data", &single.to_string_lossy()]);
    let w: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap_or_default();
    for key in ["footprint", "stages", "categories", "emissions", "results"] {
        assert_eq!(v[key], w[key], "{key}");
    }
    // Batch output writes whole numbers without `.0`.
    assert_eq!(
        v["primary_data_share"].as_f64(),
        w["primary_data_share"].as_f64()
    );
    assert_eq!(v["id"], "p1");
}

#[test]
fn the_worked_example_passes() {
    let run = pcr(&["test", PALLET]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(text(&run.stdout).contains("1 passed, 0 failed"));
}

#[test]
fn top_level_constant_lets_are_constants_in_givens_expectations_defaults_and_grades() {
    let source = std::fs::read_to_string(root().join(PALLET))
        .unwrap_or_default()
        .replacen(
            "rule wooden_pallet_pact {",
            "let expected_net = 0.27 kgCO2e\nlet batch_size = 1000 kg\n\nrule wooden_pallet_pact {",
            1,
        )
        .replacen(
            "        given output = 1000 kg",
            "        given output = batch_size",
            1,
        )
        .replacen(
            "expect result pcf_excluding_uptake == 0.27 kgCO2e",
            "expect result pcf_excluding_uptake == expected_net",
            1,
        )
        .replacen(
            "    input wood_mass: kg",
            "    input wood_mass: kg = batch_size",
            1,
        )
        .replacen(
            "    example",
            "    grades {\n        A <= (expected_net)\n        B otherwise\n    }\n\n    example",
            1,
        );
    assert!(source.contains("given output = batch_size"));
    let rule = temp("pallet_constants.pcr", &source);
    let run = pcr(&["test", &rule.to_string_lossy()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(text(&run.stdout).contains("1 passed, 0 failed"));
}
