//! The first rule of `docs/src/rules.md`, evaluated from JSON data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_plan::data::ActivityData;
use pcr_plan::example::run_example;
use pcr_plan::factors::FactorDb;
use pcr_plan::format::{Emission, GradeClass, Grades, Plan, Stage};
use pcr_plan::sample::hot_rolled_coil;

const FACTORS: &str = "key,value,unit,source,year,region\nCN.electricity.footprint.2023,0.6205,kgCO2e/kWh,MEE 2023 grid factor,2023,CN\n";

const DATA: &str = r#"{
  "output": "1000 t",
  "electricity": {"value": 450, "unit": "MWh"},
  "natural_gas": 2000,
  "materials": [{"name": "iron ore", "mass": "1600 t", "ef": "0.02 kgCO2e/kg"}]
}"#;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// The expected figures, computed by hand from the rule's inputs, in
/// kgCO2e per tonne of coil.
struct Expected {
    materials: f64,
    transport: f64,
    electricity: f64,
    gas: f64,
}

fn expected() -> Expected {
    let output_t = 1000.0;
    let ore_kg = 1600.0 * 1000.0;
    let materials = ore_kg * 0.02 / output_t;
    let transport = 1600.0 * 300.0 * 0.06 / output_t; // t × km × kgCO2e/tkm
    let electricity = 450.0 * 1000.0 * 0.6205 / output_t; // MWh → kWh
    let gas = 2000.0 * 56.1 * 1.0 / output_t;
    Expected {
        materials,
        transport,
        electricity,
        gas,
    }
}

#[test]
fn footprint_of_the_worked_example() {
    let plan = hot_rolled_coil();
    plan.validate().unwrap();
    let db = FactorDb::from_csv_str("factors.csv", FACTORS).unwrap();
    let data = ActivityData::from_json(DATA, &plan, "data.json").unwrap();
    let r = plan.evaluate(&data, &db).unwrap();
    let e = expected();
    let total = e.materials + e.transport + e.electricity + e.gas;
    assert!(close(r.footprint, total), "{} vs {}", r.footprint, total);
    assert!(close(
        *r.stages.get("production").unwrap(),
        e.electricity + e.gas
    ));
    assert!(close(
        *r.stages.get("raw_material_acquisition").unwrap(),
        e.materials + e.transport
    ));
    assert!(close(
        *r.emissions.get("inbound_transport").unwrap(),
        e.transport
    ));
    assert!(close(*r.categories.get("fossil").unwrap(), total));
    assert_eq!(r.grade.as_deref(), Some("A"));
    // distance fell back to the rule default: inbound transport is secondary.
    assert!(close(r.primary_data_share, (total - e.transport) / total));
    let prov = r.provenance.unwrap();
    assert_eq!(
        prov.factors[0].key.as_deref(),
        Some("CN.electricity.footprint.2023")
    );
    assert!(close(prov.factors[0].value, 0.6205));
    assert_eq!(prov.factors[0].source, "MEE 2023 grid factor");
    assert_eq!(prov.data_sha256.len(), 64);
}

#[test]
fn measured_distance_is_primary() {
    let plan = hot_rolled_coil();
    let db = FactorDb::from_csv_str("factors.csv", FACTORS).unwrap();
    let data = DATA.replace(
        "\"natural_gas\": 2000,",
        "\"natural_gas\": 2000, \"distance\": \"150 km\",",
    );
    let data = ActivityData::from_json(&data, &plan, "data.json").unwrap();
    let r = plan.evaluate(&data, &db).unwrap();
    assert_eq!(r.primary_data_share, 1.0);
    assert!(close(
        *r.emissions.get("inbound_transport").unwrap(),
        expected().transport / 2.0
    ));
}

#[test]
fn the_rules_own_example_passes() {
    let plan = hot_rolled_coil();
    let out = run_example(&plan, &plan.examples[0], &FactorDb::new());
    assert!(out.passed(), "{out:?}");
    assert_eq!(out.checks.len(), 3);
    // A wrong expectation fails, with actual and expected.
    let mut ex = plan.examples[0].clone();
    ex.expects[0].value = pcr_plan::format::Expected::Number(460.0);
    let out = run_example(&plan, &ex, &FactorDb::new());
    assert!(!out.passed());
    assert!(!out.checks[0].passed && out.checks[1].passed);
    // Without `given grid` the db factor is needed.
    let mut ex = plan.examples[0].clone();
    ex.given.remove("grid");
    let out = run_example(&plan, &ex, &FactorDb::new());
    assert!(
        out.errors
            .iter()
            .any(|e| e.contains("CN.electricity.footprint.2023")),
        "{out:?}"
    );
}

fn with_grades(mut plan: Plan, a: f64, b: f64) -> Plan {
    plan.grades = Some(Grades {
        classes: vec![
            GradeClass {
                name: "A".into(),
                max: a,
            },
            GradeClass {
                name: "B".into(),
                max: b,
            },
        ],
        otherwise: "C".into(),
    });
    plan
}

#[test]
fn grade_selection() {
    let db = FactorDb::from_csv_str("factors.csv", FACTORS).unwrap();
    let e = expected();
    let total = e.materials + e.transport + e.electricity + e.gas;
    for (a, b, want) in [
        (total, total + 1.0, "A"),
        (total - 1.0, total, "B"),
        (total - 2.0, total - 1.0, "C"),
    ] {
        let plan = with_grades(hot_rolled_coil(), a, b);
        let data = ActivityData::from_json(DATA, &plan, "data.json").unwrap();
        let r = plan.evaluate(&data, &db).unwrap();
        assert_eq!(r.grade.as_deref(), Some(want), "a={a} b={b}");
    }
}

#[test]
fn module_d_is_reported_but_not_summed() {
    let mut plan = hot_rolled_coil();
    plan.stages.push(Stage {
        name: "D".into(),
        title_zh: "D".into(),
        title_en: "benefits beyond the boundary".into(),
        in_footprint: false,
    });
    // Reuse the gas node as a module D credit-like emission.
    plan.emissions.push(Emission {
        name: "recycling".into(),
        stage: "D".into(),
        category: "fossil".into(),
        node: 18,
    });
    let db = FactorDb::from_csv_str("factors.csv", FACTORS).unwrap();
    let data = ActivityData::from_json(DATA, &plan, "data.json").unwrap();
    let r = plan.evaluate(&data, &db).unwrap();
    let e = expected();
    assert!(close(
        r.footprint,
        e.materials + e.transport + e.electricity + e.gas
    ));
    assert!(close(*r.stages.get("D").unwrap(), e.gas));
    assert!(close(*r.categories.get("fossil").unwrap(), r.footprint));
}

#[test]
fn negative_emission_is_refused_outside_biogenic_removal() {
    let mut plan = hot_rolled_coil();
    // materials emission becomes -materials.
    plan.nodes.push(pcr_plan::format::Node::Neg { a: 3 });
    plan.emissions[0].node = plan.nodes.len() - 1;
    let db = FactorDb::from_csv_str("factors.csv", FACTORS).unwrap();
    let data = ActivityData::from_json(DATA, &plan, "data.json").unwrap();
    let err = plan.evaluate(&data, &db).unwrap_err();
    assert!(
        err.errors[0]
            .to_string()
            .contains("emission `materials` is negative"),
        "{err:?}"
    );
    // Allowed in biogenic_removal, and it nets in the footprint.
    plan.emissions[0].category = "biogenic_removal".into();
    let r = plan.evaluate(&data, &db).unwrap();
    let e = expected();
    assert!(close(
        r.footprint,
        -e.materials + e.transport + e.electricity + e.gas
    ));
    assert!(close(
        *r.categories.get("biogenic_removal").unwrap(),
        -e.materials
    ));
}

#[test]
fn module_d_benefits_may_be_negative_and_stay_out_of_the_footprint() {
    let mut plan = hot_rolled_coil();
    plan.stages.push(Stage {
        name: "D".into(),
        title_zh: "D".into(),
        title_en: "benefits beyond the boundary".into(),
        in_footprint: false,
    });
    // A module D benefit: minus the gas emission, in category fossil.
    plan.nodes.push(pcr_plan::format::Node::Neg { a: 18 });
    plan.emissions.push(Emission {
        name: "recycling_benefit".into(),
        stage: "D".into(),
        category: "fossil".into(),
        node: plan.nodes.len() - 1,
    });
    let db = FactorDb::from_csv_str("factors.csv", FACTORS).unwrap();
    let data = ActivityData::from_json(DATA, &plan, "data.json").unwrap();
    let r = plan.evaluate(&data, &db).unwrap();
    let e = expected();
    let total = e.materials + e.transport + e.electricity + e.gas;
    assert!(close(r.footprint, total));
    assert!(close(*r.stages.get("D").unwrap(), -e.gas));
    assert!(close(*r.categories.get("fossil").unwrap(), total));
    assert!(close(
        *r.emissions.get("recycling_benefit").unwrap(),
        -e.gas
    ));
}

#[test]
fn credits_may_be_negative_and_count_in_the_footprint() {
    let mut plan = hot_rolled_coil();
    plan.categories.push("credit".into());
    plan.nodes.push(pcr_plan::format::Node::Neg { a: 3 });
    plan.emissions[0].node = plan.nodes.len() - 1;
    plan.emissions[0].category = "credit".into();
    let db = FactorDb::from_csv_str("factors.csv", FACTORS).unwrap();
    let data = ActivityData::from_json(DATA, &plan, "data.json").unwrap();
    let r = plan.evaluate(&data, &db).unwrap();
    let e = expected();
    assert!(close(
        r.footprint,
        -e.materials + e.transport + e.electricity + e.gas
    ));
    assert!(close(*r.categories.get("credit").unwrap(), -e.materials));
}

#[test]
fn plan_round_trips_through_json() {
    let plan = hot_rolled_coil();
    let json = plan.to_json_pretty();
    assert!(json.contains("\"format\": \"pcr-plan/2\""));
    let back = Plan::from_json(&json).unwrap();
    assert_eq!(back, plan);
    let bad = json.replace("pcr-plan/2", "pcr-plan/9");
    assert!(Plan::from_json(&bad)
        .unwrap_err()
        .to_string()
        .contains("pcr-plan/9"));
}
