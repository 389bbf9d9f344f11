//! Results never carry a non-finite number: sums of finite emissions that
//! overflow are data errors naming the total; printed numbers carry no
//! float noise.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_plan::batch::{run_csv, BatchOptions, OutputFormat};
use pcr_plan::error::DataErrorKind;
use pcr_plan::{ActivityData, Evaluator, FactorDb, Plan};

/// Two ratio inputs reported directly as two emissions of one stage.
fn two_emissions() -> Plan {
    Plan::from_json(
        r#"{
  "format": "pcr-plan/2",
  "rule": {"name": "twin", "version": "1.0.0", "title": "t", "title_en": "t",
           "source_sha256": "00", "boundary": "cradle_to_gate", "gwp": "ar6",
           "cutoff": {"item": 0.01, "total": 0.05}},
  "declared_unit": {"amount": 1, "unit": "piece", "dimension": {"Count": 1}, "canonical": 1},
  "units": {"piece": {"factor": 1, "dimension": {"Count": 1}}},
  "inputs": [{"name": "a", "kind": {"type": "ratio"}},
             {"name": "b", "kind": {"type": "ratio"}, "default": 0.5}],
  "factors": [],
  "nodes": [{"op": "input", "input": 0}, {"op": "input", "input": 1}],
  "stages": [{"name": "production", "title_zh": "生产", "title_en": "production", "in_footprint": true}],
  "emissions": [{"name": "first", "stage": "production", "category": "fossil", "node": 0},
                {"name": "second", "stage": "production", "category": "fossil", "node": 1}],
  "categories": ["fossil"]
}"#,
    )
    .unwrap()
}

#[test]
fn an_overflowing_footprint_of_finite_emissions_is_a_data_error() {
    let plan = two_emissions();
    let data = ActivityData::from_json(r#"{"a": 1e308, "b": 1e308}"#, &plan, "d.json").unwrap();
    let err = plan.evaluate(&data, &FactorDb::new()).unwrap_err();
    let text = err.errors[0].to_string();
    assert!(
        matches!(&err.errors[0].kind, DataErrorKind::NonFiniteTotal { total } if total.contains("stage `production`")),
        "{text}"
    );
    assert!(text.contains("overflow"), "{text}");
    assert!(
        err.errors.iter().any(
            |e| matches!(&e.kind, DataErrorKind::NonFiniteTotal { total } if total == "footprint")
        ),
        "{err:?}"
    );
}

#[test]
fn an_overflowing_batch_row_is_withheld_in_every_format() {
    let plan = two_emissions();
    for format in [OutputFormat::Csv, OutputFormat::Jsonl, OutputFormat::Json] {
        let mut ev = Evaluator::new(
            &plan,
            FactorDb::new().resolve(&plan, &Default::default()).unwrap(),
        );
        let mut out = Vec::new();
        let opts = BatchOptions {
            format,
            ..BatchOptions::default()
        };
        let csv = "a,b\n1e308,1e308\n1,2\n-1e308,-1e308\n";
        let s = run_csv(&mut ev, csv.as_bytes(), "b.csv", &mut out, &opts).unwrap();
        let out = String::from_utf8(out).unwrap();
        for bad in ["inf", "NaN", "null"] {
            assert!(!out.contains(bad), "{format:?}: {out}");
        }
        assert_eq!((s.written, s.failed), (1, 2), "{format:?}: {out}");
        assert!(
            s.errors
                .errors
                .iter()
                .all(|e| e.to_string().starts_with("row 2:") || e.to_string().starts_with("row 4:")),
            "{:?}",
            s.errors
        );
    }
}

#[test]
fn results_are_printed_without_float_noise() {
    let plan = two_emissions();
    let data = ActivityData::from_json(r#"{"a": 0.1, "b": 0.2}"#, &plan, "d.json").unwrap();
    let r = plan.evaluate(&data, &FactorDb::new()).unwrap();
    assert_eq!(
        serde_json::to_value(r.footprint).unwrap().to_string(),
        "0.3"
    );
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""footprint":0.3,"#), "{json}");
    for format in [OutputFormat::Csv, OutputFormat::Jsonl] {
        let mut ev = Evaluator::new(
            &plan,
            FactorDb::new().resolve(&plan, &Default::default()).unwrap(),
        );
        let mut out = Vec::new();
        let opts = BatchOptions {
            format,
            ..BatchOptions::default()
        };
        run_csv(
            &mut ev,
            "a,b\n0.1,0.2\n".as_bytes(),
            "b.csv",
            &mut out,
            &opts,
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains("0.30000000000000004"), "{out}");
        assert!(out.contains("0.3"), "{out}");
    }
}

#[test]
fn provenance_shows_a_database_factor_as_written() {
    let plan = pcr_plan::sample::hot_rolled_coil();
    let db = FactorDb::from_csv_str(
        "f.csv",
        "key,value,unit,source,year,region\nCN.electricity.footprint.2023,56.1,kgCO2e/kWh,MEE,2023,CN\n",
    )
    .unwrap();
    let resolved = db.resolve(&plan, &Default::default()).unwrap();
    let grid = resolved
        .provenance
        .iter()
        .find(|p| p.name == "grid")
        .unwrap();
    assert_eq!(serde_json::to_string(&grid.value).unwrap(), "56.1");
    // In another unit of the same dimension, converted without noise.
    let db = FactorDb::from_csv_str(
        "f.csv",
        "key,value,unit,source,year,region\nCN.electricity.footprint.2023,620.5,kgCO2e/MWh,MEE,2023,CN\n",
    )
    .unwrap();
    let resolved = db.resolve(&plan, &Default::default()).unwrap();
    let grid = resolved
        .provenance
        .iter()
        .find(|p| p.name == "grid")
        .unwrap();
    assert_eq!(serde_json::to_string(&grid.value).unwrap(), "0.6205");
}

#[test]
fn provenance_shows_a_literal_factor_without_noise() {
    let mut plan = pcr_plan::sample::hot_rolled_coil();
    let gas = plan
        .factors
        .iter_mut()
        .find(|f| f.name == "gas_ef")
        .unwrap();
    // What `56.1 kgCO2/GJ` becomes through `canonical / unit factor`.
    let pcr_plan::format::FactorValue::Literal { value_in_unit, .. } = &mut gas.value else {
        panic!("a literal")
    };
    *value_in_unit = 56.099999999999994;
    let db = FactorDb::from_csv_str(
        "f.csv",
        "key,value,unit,source,year,region\nCN.electricity.footprint.2023,0.6205,kgCO2e/kWh,MEE,2023,CN\n",
    )
    .unwrap();
    let resolved = db.resolve(&plan, &Default::default()).unwrap();
    let gas = resolved
        .provenance
        .iter()
        .find(|p| p.name == "gas_ef")
        .unwrap();
    assert_eq!(serde_json::to_string(&gas.value).unwrap(), "56.1");
}
