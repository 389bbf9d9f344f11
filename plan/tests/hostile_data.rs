//! Structured hostile data (wide CSV, ragged rows, long lines, huge and
//! tiny numbers, duplicate keys, invalid UTF-8, byte-order marks): the
//! readers, the evaluator and the error renderer never panic, never print a
//! non-finite number, and finish in bounded time with a capped report.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use pcr_plan::batch::{run_csv, BatchError, BatchOptions, OutputFormat};
use pcr_plan::error::DataErrors;
use pcr_plan::sample::hot_rolled_coil;
use pcr_plan::{ActivityData, Evaluator, FactorDb, Plan};
use proptest::prelude::*;

const FACTORS: &str = "key,value,unit,source,year,region\nCN.electricity.footprint.2023,0.6205,kgCO2e/kWh,MEE,2023,CN\n";

fn render(d: &dyn miette::Diagnostic) -> String {
    let mut s = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut s, d)
        .unwrap();
    s
}

/// No printed number is infinite, NaN or missing.
fn assert_finite_output(out: &str) {
    for bad in ["inf", "NaN", "null"] {
        assert!(!out.contains(bad), "`{bad}` in output: {out}");
    }
}

/// Runs a CSV batch in every output format; checks the output and renders
/// the errors (bounded).
fn batch(plan: &Plan, csv: &[u8]) {
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    for format in [OutputFormat::Csv, OutputFormat::Jsonl, OutputFormat::Json] {
        let mut ev = Evaluator::new(plan, db.resolve(plan, &Default::default()).unwrap());
        let mut out = Vec::new();
        let opts = BatchOptions {
            format,
            chunk_rows: 3,
            ..BatchOptions::default()
        };
        match run_csv(&mut ev, csv, "b.csv", &mut out, &opts) {
            Ok(s) => {
                let text = String::from_utf8(out).unwrap();
                assert_finite_output(&text);
                if format == OutputFormat::Json {
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(v.as_array().map(Vec::len), Some(s.written));
                }
                assert_eq!(s.written + s.failed, s.rows);
                if !s.errors.is_empty() {
                    bounded(&render(&s.errors));
                }
            }
            Err(BatchError::Data(e)) => bounded(&render(&e)),
            Err(BatchError::Io(e)) => panic!("{e}"),
        }
    }
}

fn bounded(report: &str) {
    // 20 errors, each at most a window of its line.
    assert!(report.len() < 60_000, "{} bytes", report.len());
}

/// One product as JSON: checks a result, or renders the errors.
fn single(plan: &Plan, bytes: &[u8]) -> Option<pcr_plan::ProductResult> {
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    match ActivityData::from_json_bytes(bytes, plan, "d.json") {
        Ok(data) => match plan.evaluate(&data, &db) {
            Ok(r) => {
                let json = serde_json::to_string(&r).unwrap();
                assert_finite_output(&json);
                Some(r)
            }
            Err(e) => {
                bounded(&render(&e));
                None
            }
        },
        Err(e) => {
            bounded(&render(&e));
            None
        }
    }
}

const INPUTS: [&str; 6] = [
    "output",
    "electricity",
    "natural_gas",
    "route",
    "distance",
    "materials",
];

fn column_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(&INPUTS[..]).prop_map(str::to_string),
        1 => "[a-z_]{1,12}",
        1 => Just("id".to_string()),
        1 => proptest::sample::select(&INPUTS[..]).prop_map(|n| format!("{n} [kWh]")),
        1 => "[a-z]{1,3}".prop_map(|n| format!("output [{n}]")),
    ]
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1e308".to_string()),
        Just("-1e308".to_string()),
        Just("1.7976931348623157e308".to_string()),
        Just("5e-324".to_string()),
        Just("1e400".to_string()),
        Just("1e-400".to_string()),
        Just("-0".to_string()),
        Just("0".to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("0x10".to_string()),
        (0.0f64..1e6).prop_map(|x| x.to_string()),
        any::<f64>().prop_map(|x| format!("{x:e}")),
    ]
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => number_text(),
        2 => (number_text(), proptest::sample::select(&["t", "kg", "MWh", "GJ", "km", "kWh", "t^400", "t^-400", "%", "kg^99999999999"][..]))
            .prop_map(|(n, u)| format!("{n} {u}")),
        1 => Just(String::new()),
        1 => proptest::sample::select(&["eaf", "bf_bof", "x"][..]).prop_map(str::to_string),
        1 => Just(r#""[{""name"":""ore"",""mass"":""1e308 t"",""ef"":1e308}]""#.to_string()),
        1 => Just(r#""[{""name"":""ore"",""mass"":""1600 t"",""ef"":0.02,""ef"":1}]""#.to_string()),
        1 => "[ -~]{0,40}",
        1 => Just("x".repeat(5000)),
    ]
}

fn ragged_csv() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(column_name(), 1..12),
        proptest::collection::vec(proptest::collection::vec(cell(), 0..14), 0..8),
    )
        .prop_map(|(header, rows)| {
            let mut s = header.join(",");
            s.push('\n');
            for r in rows {
                s.push_str(&r.join(","));
                s.push('\n');
            }
            s
        })
}

fn json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        number_text(),
        number_text().prop_map(|n| format!("\"{n} MWh\"")),
        number_text().prop_map(|n| format!("{{\"value\": {n}, \"unit\": \"t\"}}")),
        Just("\"eaf\"".to_string()),
        Just("null".to_string()),
        Just(r#"[{"name": "ore", "mass": "1e308 t", "ef": 1e308}]"#.to_string()),
        Just(r#"{"value": 1, "value": 2, "unit": "t"}"#.to_string()),
        Just(format!("\"{}\"", "x".repeat(70_000))),
    ]
}

fn json_document() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            prop_oneof![
                4 => proptest::sample::select(&INPUTS[..]).prop_map(str::to_string),
                1 => "[a-z]{1,8}",
            ],
            json_value(),
        ),
        0..10,
    )
    .prop_map(|members| {
        let m: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        format!("{{{}}}", m.join(","))
    })
}

/// Bytes with some of them replaced by invalid UTF-8, and maybe a BOM.
fn damaged(text: String, at: Vec<(usize, u8)>, bom: bool) -> Vec<u8> {
    let mut b = text.into_bytes();
    for (i, x) in at {
        if !b.is_empty() {
            let i = i % b.len();
            b[i] = x;
        }
    }
    if bom {
        let mut with = vec![0xef, 0xbb, 0xbf];
        with.extend(b);
        with
    } else {
        b
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn ragged_wide_csv_never_panics_nor_prints_non_finite(csv in ragged_csv()) {
        batch(&hot_rolled_coil(), csv.as_bytes());
    }

    #[test]
    fn hostile_json_never_panics_nor_prints_non_finite(doc in json_document()) {
        single(&hot_rolled_coil(), doc.as_bytes());
    }

    #[test]
    fn invalid_utf8_and_boms_never_panic(
        doc in json_document(),
        csv in ragged_csv(),
        at in proptest::collection::vec((any::<usize>(), 0x80u8..=0xff), 0..3),
        bom in any::<bool>(),
    ) {
        let plan = hot_rolled_coil();
        single(&plan, &damaged(doc, at.clone(), bom));
        batch(&plan, &damaged(csv, at, bom));
    }

    #[test]
    fn a_bom_changes_nothing(doc in json_document()) {
        let plan = hot_rolled_coil();
        let with = single(&plan, &damaged(doc.clone(), vec![], true));
        let without = single(&plan, doc.as_bytes());
        prop_assert_eq!(
            with.map(|r| r.footprint),
            without.map(|r| r.footprint)
        );
    }

    #[test]
    fn duplicate_members_are_always_refused(
        key in proptest::sample::select(&INPUTS[..]),
        first in proptest::sample::select(&["1", "1e308", "\"450 MWh\"", "null", "[]", "{\"value\": 1, \"unit\": \"t\"}"][..]),
        second in proptest::sample::select(&["2", "-1", "\"eaf\"", "null", "[{}]"][..]),
    ) {
        let doc = format!("{{\"{key}\": {first}, \"{key}\": {second}}}");
        let err = ActivityData::from_json(&doc, &hot_rolled_coil(), "d.json").unwrap_err();
        let message = err.errors[0].to_string();
        prop_assert!(message.contains(&format!("duplicate member `{key}`")), "{}", message);
    }
}

const MAT: &str = r#""[{""name"":""ore"",""mass"":""1600 t"",""ef"":0.02}]""#;

#[test]
fn a_one_line_ten_megabyte_json_finishes_quickly() {
    let plan = hot_rolled_coil();
    let bad = r#"{"name":"ore","mass":"1 kWh","ef":0.02}"#;
    let items = vec![bad; 10_000_000 / bad.len()];
    let doc = format!(
        r#"{{"output":"1000 t","electricity":"450 MWh","natural_gas":"2000 GJ","materials":[{}]}}"#,
        items.join(",")
    );
    assert!(doc.len() > 10_000_000);
    let start = Instant::now();
    let err = ActivityData::from_json(&doc, &plan, "d.json").unwrap_err();
    let report = render(&err);
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    assert_eq!(err.errors.len(), DataErrors::MAX_KEPT);
    assert!(report.contains("more errors"));
    bounded(&report);
}

#[test]
fn a_hundred_thousand_columns_and_many_bad_rows_finish_quickly() {
    let plan = hot_rolled_coil();
    let start = Instant::now();
    // A header of 100,000 columns, all unknown.
    let header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let csv = format!("{}\n1\n", header.join(","));
    batch(&plan, csv.as_bytes());
    // Known columns, then rows that are all short or bad.
    let mut csv = String::from("output [t],electricity [MWh],natural_gas,materials\n");
    for i in 0..200_000 {
        csv.push_str(if i % 2 == 0 {
            "1000,450\n"
        } else {
            "1000,450 kg,1,[]\n"
        });
    }
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
    let s = run_csv(
        &mut ev,
        csv.as_bytes(),
        "b.csv",
        Vec::new(),
        &BatchOptions::default(),
    )
    .unwrap();
    assert_eq!(s.failed, 200_000);
    assert_eq!(s.errors.errors.len(), 1000);
    bounded(&render(&s.errors));
    // A good row among wide ragged ones still computes.
    let good =
        format!("output [t],electricity [MWh],natural_gas,materials\n1000,450,2000 GJ,{MAT}\n");
    batch(&plan, good.as_bytes());
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}

/// "Did you mean" is looked for only for errors that are kept: 100,000
/// unknown names, each close to a known one, compare only the first
/// thousand with the plan's inputs.
#[test]
fn suggestions_stop_with_the_kept_errors() {
    let plan = hot_rolled_coil();
    let names: Vec<String> = (0..100_000)
        .map(|i| format!("electricity_from_the_grid_{i:06}"))
        .collect();
    let start = Instant::now();
    let csv = format!("{}\n1\n", names.join(","));
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
    let Err(BatchError::Data(errors)) = run_csv(
        &mut ev,
        csv.as_bytes(),
        "wide.csv",
        Vec::new(),
        &BatchOptions::default(),
    ) else {
        panic!("a header of unknown columns is refused");
    };
    assert!(errors.errors.len() + errors.omitted >= 100_000);
    let members: Vec<String> = names.iter().map(|n| format!("\"{n}\": 1")).collect();
    let json = format!("{{{}}}", members.join(","));
    let Err(errors) = ActivityData::from_json(&json, &plan, "wide.json") else {
        panic!("unknown members are refused");
    };
    assert!(errors.errors.len() + errors.omitted >= 100_000);
    // Comparing every name with every input took 50 s here (debug build).
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}
