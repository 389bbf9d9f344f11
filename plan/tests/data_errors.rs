//! Bad activity data and factor databases never yield a number; every
//! error is reported with its location.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_plan::batch::{run_csv, BatchOptions, OutputFormat};
use pcr_plan::data::ActivityData;
use pcr_plan::error::{DataErrorKind, Location};
use pcr_plan::factors::FactorDb;
use pcr_plan::sample::hot_rolled_coil;
use pcr_plan::Evaluator;

const FACTORS: &str = "key,value,unit,source,year,region\nCN.electricity.footprint.2023,0.6205,kgCO2e/kWh,MEE,2023,CN\n";

fn errors(json: &str) -> Vec<(DataErrorKind, Option<Location>)> {
    let plan = hot_rolled_coil();
    match ActivityData::from_json(json, &plan, "data.json") {
        Ok(_) => vec![],
        Err(e) => e.errors.into_iter().map(|e| (e.kind, e.location)).collect(),
    }
}

fn at(line: usize, column: usize) -> Option<Location> {
    Some(Location::Line { line, column })
}

#[test]
fn every_json_error_is_collected_with_line_and_column() {
    let src = "{\n  \"output\": \"1000 kWh\",\n  \"electricty\": 450,\n  \"natural_gas\": \"1.2.3 GJ\",\n  \"route\": \"electric\",\n  \"distance\": -3,\n  \"materials\": [{\"name\": \"ore\", \"mass\": \"NaN t\", \"ef\": 0.02}]\n}";
    let errs = errors(src);
    assert_eq!(errs.len(), 7, "{errs:#?}");
    assert!(
        matches!(&errs[0], (DataErrorKind::WrongDimension { input, found, expected, .. }, l)
        if input == "output" && found.contains("Length^2") && expected == "Mass" && *l == at(2, 13))
    );
    assert!(
        matches!(&errs[1], (DataErrorKind::UnknownInput { input, suggestion: Some(s) }, l)
        if input == "electricty" && s == "electricity" && *l == at(3, 3))
    );
    assert!(
        matches!(&errs[2], (DataErrorKind::MalformedNumber { input, .. }, l) if input == "natural_gas" && *l == at(4, 18))
    );
    assert!(
        matches!(&errs[3], (DataErrorKind::UnknownVariant { variants, .. }, l) if variants.len() == 2 && *l == at(5, 12))
    );
    assert!(
        matches!(&errs[4], (DataErrorKind::NegativeQuantity { input, .. }, l) if input == "distance" && *l == at(6, 15))
    );
    assert!(
        matches!(&errs[5], (DataErrorKind::NotFinite { input, .. }, l) if input == "materials[0].mass" && *l == at(7, 41))
    );
    assert!(
        matches!(&errs[6], (DataErrorKind::MissingInput { input }, l) if input == "electricity" && *l == at(1, 1))
    );
}

#[test]
fn json_error_messages_name_input_and_variants() {
    let errs = errors(
        r#"{"output": 1, "electricity": 1, "natural_gas": 1, "materials": [], "route": "x"}"#,
    );
    let msg = errs[0].0.to_string();
    assert_eq!(
        msg,
        "input `route`: unknown variant `x` of `Route`, expected one of `bf_bof`, `eaf`"
    );
}

#[test]
fn infinity_and_syntax_errors() {
    let errs =
        errors(r#"{"output": 1e999, "electricity": Infinity, "natural_gas": 1, "materials": []}"#);
    assert_eq!(errs.len(), 2);
    assert!(errs
        .iter()
        .all(|e| matches!(e.0, DataErrorKind::NotFinite { .. })));
    let errs = errors("{\"output\": 1,\n \"electricity\" 2}");
    assert!(
        matches!(&errs[0], (DataErrorKind::Syntax { .. }, l) if *l == at(2, 16)),
        "{errs:?}"
    );
}

#[test]
fn quantity_object_and_wrong_kinds() {
    let errs = errors(
        r#"{"output": {"value": 1, "unit": "kWh"}, "electricity": true, "natural_gas": {"value": "x", "unit": "GJ"}, "materials": {}}"#,
    );
    assert_eq!(errs.len(), 4, "{errs:#?}");
    assert!(matches!(errs[0].0, DataErrorKind::WrongDimension { .. }));
    assert!(matches!(errs[1].0, DataErrorKind::WrongType { .. }));
    assert!(matches!(errs[2].0, DataErrorKind::WrongType { .. }));
    assert!(matches!(errs[3].0, DataErrorKind::WrongType { .. }));
}

#[test]
fn factor_db_errors() {
    let plan = hot_rolled_coil();
    // Missing key, with a suggestion.
    let db = FactorDb::from_csv_str(
        "f.csv",
        "key,value,unit,source\nCN.electricity.footprint.2022,0.6,kgCO2e/kWh,x\n",
    )
    .unwrap();
    let e = db.resolve(&plan, &Default::default()).unwrap_err();
    assert!(
        matches!(&e.errors[0].kind, DataErrorKind::MissingFactorKey { factor, suggestion: Some(_), .. } if factor == "grid")
    );
    // Unit of the wrong dimension, located at the unit cell.
    let db = FactorDb::from_csv_str(
        "f.csv",
        "key,value,unit,source\nCN.electricity.footprint.2023,0.6,kgCO2e/kg,x\n",
    )
    .unwrap();
    let e = db.resolve(&plan, &Default::default()).unwrap_err();
    assert!(matches!(
        &e.errors[0].kind,
        DataErrorKind::FactorDimension { .. }
    ));
    assert_eq!(
        e.errors[0].location,
        Some(Location::Cell { row: 2, column: 3 })
    );
    // Malformed value and missing columns.
    let e = FactorDb::from_csv_str("f.csv", "key,value,unit,source\na,abc,kg,x\nb,NaN,kg,x\n")
        .unwrap_err();
    assert_eq!(e.errors.len(), 2);
    assert_eq!(
        e.errors[0].location,
        Some(Location::Cell { row: 2, column: 2 })
    );
    assert!(e.errors[1].to_string().contains("not finite"));
    let e = FactorDb::from_csv_str("f.csv", "key,amount,unit\na,1,kg\n").unwrap_err();
    let msgs: Vec<String> = e.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("missing column `value`")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("missing column `source`")),
        "{msgs:?}"
    );
    // A db value converts through the plan's unit table.
    let db = FactorDb::from_csv_str(
        "f.csv",
        "key,value,unit,source\nCN.electricity.footprint.2023,620.5,kgCO2e/MWh,x\n",
    )
    .unwrap();
    let r = db.resolve(&plan, &Default::default()).unwrap();
    assert!((r.provenance[0].value - 0.6205).abs() < 1e-12);
}

fn batch(csv: &str, format: OutputFormat) -> (String, pcr_plan::batch::BatchSummary) {
    let plan = hot_rolled_coil();
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
    let mut out = Vec::new();
    let opts = BatchOptions {
        format,
        chunk_rows: 2,
        ..BatchOptions::default()
    };
    let s = run_csv(&mut ev, csv.as_bytes(), "b.csv", &mut out, &opts).unwrap();
    (String::from_utf8(out).unwrap(), s)
}

const MAT: &str = r#""[{""name"":""ore"",""mass"":""1600 t"",""ef"":0.02}]""#;

#[test]
fn csv_batch_with_header_units_and_cell_errors() {
    let csv = format!(
        "id,output [t],electricity [MWh],natural_gas,materials\n\
         p1,1000,450,2000 GJ,{MAT}\n\
         p2,1000,,2000 GJ,{MAT}\n\
         p3,1000,450 kg,2000,{MAT}\n\
         p4,1000,450000 kWh,2000,{MAT}\n\
         p5,1000,450,2000,\"[{{\"\"mass\"\":1}}]\"\n"
    );
    let (out, s) = batch(&csv, OutputFormat::Csv);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "id,footprint,stage.raw_material_acquisition,stage.production,category.fossil,\
         emission.materials,emission.inbound_transport,emission.electricity,emission.gas,\
         grade,primary_data_share"
    );
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with("p1,452.22"));
    assert!(lines[2].starts_with("p4,452.22"));
    assert_eq!((s.rows, s.written, s.failed), (5, 2, 3));
    let errs: Vec<_> = s
        .errors
        .errors
        .iter()
        .map(|e| (e.kind.clone(), e.location.clone()))
        .collect();
    assert!(
        matches!(&errs[0], (DataErrorKind::MissingInput { input }, Some(Location::Cell { row: 3, column: 3 })) if input == "electricity")
    );
    assert!(matches!(
        &errs[1],
        (
            DataErrorKind::WrongDimension { .. },
            Some(Location::Cell { row: 4, column: 3 })
        )
    ));
    // A list cell missing fields: both `name` and `ef` reported, at row 6 column 5.
    assert_eq!(errs.len(), 4, "{errs:#?}");
    assert!(errs[2..].iter().all(|e| matches!(
        e,
        (
            DataErrorKind::MissingInput { .. },
            Some(Location::Cell { row: 6, column: 5 })
        )
    )));
}

#[test]
fn csv_header_errors_stop_the_batch() {
    let plan = hot_rolled_coil();
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
    let csv = "output [kWh],electricty,natural_gas,materials\n1,2,3,[]\n";
    let err = run_csv(
        &mut ev,
        csv.as_bytes(),
        "b.csv",
        Vec::new(),
        &BatchOptions::default(),
    )
    .unwrap_err();
    let pcr_plan::batch::BatchError::Data(e) = err else {
        panic!("{err:?}")
    };
    let kinds: Vec<_> = e
        .errors
        .iter()
        .map(|e| (e.kind.clone(), e.location.clone()))
        .collect();
    assert!(matches!(
        &kinds[0],
        (
            DataErrorKind::WrongDimension { .. },
            Some(Location::Cell { row: 1, column: 1 })
        )
    ));
    assert!(matches!(
        &kinds[1],
        (
            DataErrorKind::UnknownInput {
                suggestion: Some(_),
                ..
            },
            Some(Location::Cell { row: 1, column: 2 })
        )
    ));
    assert!(
        matches!(&kinds[2], (DataErrorKind::MissingInput { input }, _) if input == "electricity")
    );
}

#[test]
fn jsonl_batch_and_refused_rows() {
    let csv = format!(
        "output,electricity,natural_gas,materials\n1000,450,2000,{MAT}\n0,450,2000,{MAT}\n"
    );
    let (out, s) = batch(&csv, OutputFormat::Jsonl);
    assert_eq!(out.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert!((v["footprint"].as_f64().unwrap() - 452.225).abs() < 1e-9);
    assert_eq!(v["grade"], "A");
    assert_eq!(s.failed, 1);
    assert!(matches!(
        s.errors.errors[0].location,
        Some(Location::Row { row: 3 })
    ));
}

#[test]
fn errors_render_with_miette() {
    let plan = hot_rolled_coil();
    let err =
        ActivityData::from_json("{\n  \"output\": \"5 kWh\"\n}", &plan, "data.json").unwrap_err();
    let mut s = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut s, &err)
        .unwrap();
    assert!(s.contains("data.json:2:13"), "{s}");
    assert!(s.contains("expected a unit of Mass"), "{s}");
}

/// Reading and evaluating run on two threads, a chunk apart: whatever the
/// chunk size, the output lines, the counts and the errors (in row order,
/// cut at `max_errors`) are the same.
#[test]
fn chunk_size_changes_nothing() {
    let mut csv = String::from("id,output [t],electricity [MWh],natural_gas,materials\n");
    for i in 0..23 {
        let line = match i % 7 {
            // A cell error: a missing required input.
            1 => format!("p{i},1000,,2000 GJ,{MAT}"),
            // A cell error: a mass where energy is expected.
            3 => format!("p{i},1000,450 kg,2000,{MAT}"),
            // A refused product: no output to divide by.
            5 => format!("p{i},0,450,2000,{MAT}"),
            _ => format!("p{i},{},{},2000 GJ,{MAT}", 900 + i, 400 + i),
        };
        csv.push_str(&line);
        csv.push('\n');
    }
    let run = |chunk_rows: usize, max_errors: usize| {
        let plan = hot_rolled_coil();
        let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
        let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
        let mut out = Vec::new();
        let opts = BatchOptions {
            format: OutputFormat::Csv,
            chunk_rows,
            max_errors,
            ..BatchOptions::default()
        };
        let s = run_csv(&mut ev, csv.as_bytes(), "b.csv", &mut out, &opts).unwrap();
        let errors: Vec<(DataErrorKind, Option<Location>)> = s
            .errors
            .errors
            .iter()
            .map(|e| (e.kind.clone(), e.location.clone()))
            .collect();
        (
            String::from_utf8(out).unwrap(),
            (s.rows, s.written, s.failed, s.errors_omitted),
            errors,
        )
    };
    for max_errors in [100, 4] {
        let whole = run(4096, max_errors);
        // 23 rows: 4 missing, 3 wrong-unit cells and 3 refused products.
        assert_eq!(whole.1 .0, 23);
        assert_eq!(whole.1 .1, 13);
        assert_eq!(whole.2.len() + whole.1 .3, 10);
        assert_eq!(whole.2.len(), max_errors.min(10));
        let rows: Vec<usize> = whole
            .2
            .iter()
            .map(|(_, l)| match l {
                Some(Location::Cell { row, .. } | Location::Row { row }) => *row,
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "{rows:?}");
        for chunk_rows in [1, 2, 3, 7] {
            assert_eq!(run(chunk_rows, max_errors), whole, "chunks of {chunk_rows}");
        }
    }
}
