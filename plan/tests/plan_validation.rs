//! A plan is untrusted input: `Plan::from_json` refuses every index, size
//! and number the evaluator could not use, and evaluating whatever it
//! accepts never panics (property test over mutated valid plans).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_plan::batch::{run_csv, BatchOptions, OutputFormat};
use pcr_plan::format::{Emission, MatchArm, Node, Plan};
use pcr_plan::sample::hot_rolled_coil;
use pcr_plan::{run_example, ActivityData, Evaluator, FactorDb};
use proptest::prelude::*;
use serde_json::Value;

const FACTORS: &str = "key,value,unit,source,year,region\nCN.electricity.footprint.2023,0.6205,kgCO2e/kWh,MEE,2023,CN\n";
const DATA: &str = r#"{"output": "1000 t", "electricity": "450 MWh", "natural_gas": "2000 GJ",
  "route": "eaf", "materials": [{"name": "ore", "mass": "1600 t", "ef": 0.02}]}"#;
const MAT: &str = r#""[{""name"":""ore"",""mass"":""1600 t"",""ef"":0.02}]""#;

/// The sample plan plus a `match` on the `route` enum and a power, so that
/// mutations reach every kind of node.
fn richer_plan() -> Plan {
    let mut plan = hot_rolled_coil();
    let n = plan.nodes.len();
    plan.nodes.extend([
        Node::Input { input: 3 },       // n: route
        Node::Const { value: 1.5 },     // n+1
        Node::EnumConst { variant: 1 }, // n+2
        Node::Match {
            scrutinee: n,
            arms: vec![
                MatchArm {
                    variant: 0,
                    node: n + 1,
                },
                MatchArm {
                    variant: 1,
                    node: n + 2,
                },
            ],
            default: Some(n + 1),
        }, // n+3
        Node::Pow {
            base: n + 3,
            exponent: 2.0,
        }, // n+4
        Node::Lookup {
            key: n,
            values: vec![2.0, 0.75],
        }, // n+5: a table row read by the route
    ]);
    plan.emissions.push(Emission {
        name: "route_extra".into(),
        stage: "production".into(),
        category: "fossil".into(),
        node: n + 4,
    });
    plan.emissions.push(Emission {
        name: "route_row".into(),
        stage: "production".into(),
        category: "fossil".into(),
        node: n + 5,
    });
    plan
}

fn plan_json(f: impl FnOnce(&mut Value)) -> String {
    let mut v = serde_json::to_value(richer_plan()).unwrap();
    f(&mut v);
    v.to_string()
}

fn match_node(v: &mut Value) -> &mut Value {
    let nodes = v["nodes"].as_array_mut().unwrap();
    nodes.iter_mut().find(|n| n["op"] == "match").unwrap()
}

#[test]
fn the_richer_plan_is_valid_and_evaluates() {
    let plan = Plan::from_json(&plan_json(|_| {})).unwrap();
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let data = ActivityData::from_json(DATA, &plan, "d.json").unwrap();
    let r = plan.evaluate(&data, &db).unwrap();
    assert_eq!(r.emissions.get("route_extra"), Some(&1000.0));
}

#[test]
fn a_lookup_reads_the_row_of_the_key() {
    let plan = Plan::from_json(&plan_json(|_| {})).unwrap();
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let data = ActivityData::from_json(DATA, &plan, "d.json").unwrap();
    let r = plan.evaluate(&data, &db).unwrap();
    // `eaf` is the second variant: 0.75 kgCO2e per declared unit of 1 t.
    let row = r.emissions.get("route_row").copied().unwrap_or(f64::NAN);
    assert!(
        (row - 0.75 * 1000.0).abs() < 1e-9 || (row - 0.75).abs() < 1e-9,
        "{row}"
    );
}

fn lookup_node(v: &mut Value) -> &mut Value {
    let nodes = v["nodes"].as_array_mut().unwrap();
    nodes.iter_mut().find(|n| n["op"] == "lookup").unwrap()
}

#[test]
fn a_lookup_with_a_later_key_or_a_bad_value_is_refused() {
    let cases: Vec<(&str, Edit)> = vec![(
        "not earlier",
        Box::new(|v| lookup_node(v)["key"] = 10_000.into()),
    )];
    for (needle, f) in cases {
        let err = Plan::from_json(&plan_json(f)).unwrap_err();
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
    let mut plan = richer_plan();
    for node in &mut plan.nodes {
        if let Node::Lookup { values, .. } = node {
            values[1] = f64::NAN;
        }
    }
    let err = plan.validate().unwrap_err();
    assert!(err.to_string().contains("value 1 of lookup node"), "{err}");
}

#[test]
fn a_match_arm_with_a_huge_variant_is_refused() {
    for variant in [u64::MAX, 4_000_000_000_000, 1 << 20] {
        let text = plan_json(|v| match_node(v)["arms"][0]["variant"] = variant.into());
        let err = Plan::from_json(&text).unwrap_err();
        assert!(err.to_string().contains("variant"), "{err}");
    }
    let text = plan_json(|v| {
        let nodes = v["nodes"].as_array_mut().unwrap();
        let k = nodes.iter().position(|n| n["op"] == "enum_const").unwrap();
        nodes[k]["variant"] = u64::MAX.into();
    });
    assert!(Plan::from_json(&text).is_err());
}

/// A change to a plan's JSON.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn later_match_operands_and_bad_numbers_are_refused() {
    let cases: Vec<(&str, Edit)> = vec![
        (
            "not earlier",
            Box::new(|v| match_node(v)["arms"][1]["node"] = 10_000.into()),
        ),
        (
            "not earlier",
            Box::new(|v| match_node(v)["default"] = 10_000.into()),
        ),
        (
            "conversion factor",
            Box::new(|v| v["units"]["kWh"]["factor"] = 0.into()),
        ),
        (
            "conversion factor",
            Box::new(|v| v["declared_unit"]["canonical"] = (-1).into()),
        ),
        (
            "conversion factor",
            Box::new(|v| v["inputs"][0]["kind"]["factor"] = 0.into()),
        ),
        (
            "default of input `distance`",
            Box::new(|v| v["inputs"][4]["default"] = "far".into()),
        ),
        (
            "grade",
            Box::new(|v| v["grades"]["classes"][1]["max"] = (-5).into()),
        ),
        (
            "tolerance",
            Box::new(|v| {
                v["examples"][0]["expects"][0]["tolerance"] = serde_json::json!({"relative": -1})
            }),
        ),
    ];
    for (needle, f) in cases {
        let err = Plan::from_json(&plan_json(f)).unwrap_err();
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
}

/// One change to a plan's JSON: the `at`-th number or array (depth first)
/// is replaced or loses or repeats an element.
#[derive(Debug, Clone)]
enum Mutation {
    Number(usize, Value),
    Remove(usize, usize),
    Repeat(usize, usize),
}

fn walk(v: &mut Value, at: &mut usize, m: &Mutation) -> bool {
    match v {
        Value::Number(_) => {
            if let Mutation::Number(_, x) = m {
                if *at == 0 {
                    *v = x.clone();
                    return true;
                }
                *at -= 1;
            }
            false
        }
        Value::Array(items) => {
            match m {
                Mutation::Remove(_, i) | Mutation::Repeat(_, i) if *at == 0 => {
                    if !items.is_empty() {
                        let i = i % items.len();
                        if matches!(m, Mutation::Remove(..)) {
                            items.remove(i);
                        } else {
                            let x = items[i].clone();
                            items.push(x);
                        }
                    }
                    return true;
                }
                Mutation::Remove(..) | Mutation::Repeat(..) => *at -= 1,
                Mutation::Number(..) => {}
            }
            items.iter_mut().any(|x| walk(x, at, m))
        }
        Value::Object(members) => members.values_mut().any(|x| walk(x, at, m)),
        _ => false,
    }
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from(u64::MAX)),
        Just(Value::from(4_000_000_000_000u64)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(0)),
        Just(Value::from(-1)),
        Just(Value::from(1e308)),
        Just(Value::from(-1e308)),
        Just(Value::from(5e-324)),
        (0u64..40).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(Value::from),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (0usize..400, number()).prop_map(|(a, x)| Mutation::Number(a, x)),
        1 => (0usize..60, 0usize..20).prop_map(|(a, i)| Mutation::Remove(a, i)),
        1 => (0usize..60, 0usize..20).prop_map(|(a, i)| Mutation::Repeat(a, i)),
    ]
}

/// Everything a calculator does with a plan, on a plan that passed validation.
fn exercise(plan: &Plan) {
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    if let Ok(data) = ActivityData::from_json(DATA, plan, "d.json") {
        let _ = plan.evaluate(&data, &db);
    }
    if let Ok(resolved) = db.resolve(plan, &Default::default()) {
        let mut ev = Evaluator::new(plan, resolved);
        let csv = format!(
            "id,output [t],electricity [MWh],natural_gas,materials,route\n\
             p1,1000,450,2000 GJ,{MAT},eaf\np2,0,450,2000 GJ,{MAT},bf_bof\np3,1,2\n"
        );
        for format in [OutputFormat::Csv, OutputFormat::Jsonl, OutputFormat::Json] {
            let opts = BatchOptions {
                format,
                ..BatchOptions::default()
            };
            let _ = run_csv(&mut ev, csv.as_bytes(), "b.csv", Vec::new(), &opts);
        }
    }
    for ex in &plan.examples {
        let _ = run_example(plan, ex, &db);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn mutated_plans_are_refused_or_evaluate_without_panic(
        mutations in proptest::collection::vec(mutation(), 1..4)
    ) {
        let mut v = serde_json::to_value(richer_plan()).unwrap();
        for m in &mutations {
            let mut at = match m {
                Mutation::Number(a, _) | Mutation::Remove(a, _) | Mutation::Repeat(a, _) => *a,
            };
            walk(&mut v, &mut at, m);
        }
        if let Ok(plan) = Plan::from_json(&v.to_string()) {
            exercise(&plan);
        }
    }
}
