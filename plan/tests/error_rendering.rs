//! Rendering data errors is bounded: long lines are cut to a window around
//! the error (never a panic past column 65,535), and every kind of error
//! list is capped, then "… and N more errors".

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use pcr_plan::batch::{run_csv, BatchError, BatchOptions};
use pcr_plan::error::{DataErrors, Location};
use pcr_plan::sample::hot_rolled_coil;
use pcr_plan::{ActivityData, Evaluator, FactorDb};

const FACTORS: &str = "key,value,unit,source,year,region\nCN.electricity.footprint.2023,0.6205,kgCO2e/kWh,MEE,2023,CN\n";

fn render(d: &dyn miette::Diagnostic) -> String {
    let mut s = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut s, d)
        .unwrap();
    s
}

/// Minified activity data: `items` good list elements, then one bad one.
fn minified(items: usize, bad: &str) -> String {
    let good = r#"{"name":"ore","mass":"1600 t","ef":0.02}"#;
    let mut list = vec![good; items];
    list.push(bad);
    format!(
        r#"{{"output":"1000 t","electricity":"450 MWh","natural_gas":"2000 GJ","materials":[{}]}}"#,
        list.join(",")
    )
}

#[test]
fn an_error_past_column_65535_renders_a_window_of_its_line() {
    let plan = hot_rolled_coil();
    let text = minified(3000, r#"{"name":"x","mass":"1 kWh","ef":0.02}"#);
    assert!(text.len() > 100_000);
    let err = ActivityData::from_json(&text, &plan, "d.json").unwrap_err();
    let Some(Location::Line { line: 1, column }) = err.errors[0].location else {
        panic!("{err:?}")
    };
    assert!(column > 65_535, "{column}");
    let out = render(&err);
    assert!(out.contains(&format!("d.json:1:{column}")), "{out}");
    assert!(out.contains("1 kWh"), "{out}");
    assert!(out.len() < 2_000, "{} bytes: {out}", out.len());
}

#[test]
fn a_header_with_ten_thousand_unknown_columns_renders_a_capped_report() {
    let plan = hot_rolled_coil();
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
    let header: Vec<String> = (0..10_000).map(|i| format!("unknown_column_{i}")).collect();
    let csv = format!("{}\n", header.join(","));
    let start = Instant::now();
    let err = run_csv(
        &mut ev,
        csv.as_bytes(),
        "b.csv",
        Vec::new(),
        &BatchOptions::default(),
    )
    .unwrap_err();
    let BatchError::Data(e) = err else {
        panic!("{err:?}")
    };
    let out = render(&e);
    assert!(start.elapsed().as_secs() < 10);
    assert!(out.len() < 40_000, "{} bytes", out.len());
    // 10,000 unknown columns and 4 missing inputs, 20 rendered.
    assert!(out.contains("10004 errors in the data"), "{}", &out[..300]);
    assert!(
        out.contains("… and 9984 more errors"),
        "{}",
        &out[out.len() - 300..]
    );
    assert_eq!(e.errors.len(), DataErrors::MAX_KEPT);
    assert!(out.contains("b.csv:1:"), "{}", &out[..600]);
}

#[test]
fn thousands_of_json_errors_are_kept_up_to_the_cap_and_rendered_up_to_twenty() {
    let plan = hot_rolled_coil();
    let bad: Vec<String> = (0..5000)
        .map(|i| format!(r#""no_such_input_{i}":1"#))
        .collect();
    let text = format!("{{{}}}", bad.join(","));
    let start = Instant::now();
    let err = ActivityData::from_json(&text, &plan, "d.json").unwrap_err();
    assert_eq!(err.errors.len(), DataErrors::MAX_KEPT);
    assert_eq!(err.errors.len() + err.omitted, 5004);
    let out = render(&err);
    assert!(start.elapsed().as_secs() < 10);
    assert_eq!(
        out.matches("unknown input").count(),
        DataErrors::MAX_SHOWN,
        "{out}"
    );
    assert!(out.contains("… and 4984 more errors"), "{out}");
}

#[test]
fn text_quoted_from_the_data_is_cut_in_messages() {
    let plan = hot_rolled_coil();
    let text = format!(r#"{{"output": "{}"}}"#, "x".repeat(70_000));
    let err = ActivityData::from_json(&text, &plan, "d.json").unwrap_err();
    let message = err.errors[0].to_string();
    assert!(message.len() < 400, "{} bytes", message.len());
    assert!(message.contains("xxx…"), "{message}");
    assert!(render(&err).len() < 4_000);
}

#[test]
fn factor_database_errors_over_several_files_are_capped_too() {
    let dir = std::env::temp_dir().join(format!("pcr-plan-caps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("key,value,unit,source\n");
    for i in 0..1500 {
        text.push_str(&format!("k{i},not-a-number,kg,s\n"));
    }
    let paths: Vec<_> = (0..3)
        .map(|i| {
            let p = dir.join(format!("f{i}.csv"));
            std::fs::write(&p, &text).unwrap();
            p
        })
        .collect();
    let err = FactorDb::from_csv_files(&paths).unwrap_err();
    assert_eq!(err.errors.len(), DataErrors::MAX_KEPT);
    assert_eq!(err.errors.len() + err.omitted, 4500);
    assert!(render(&err).contains("… and 4480 more errors"));
}
