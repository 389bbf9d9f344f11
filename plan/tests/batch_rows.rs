//! Batch CSV rows: a row whose cell count differs from the header's is
//! refused (never filled with defaults), and `json` output is one document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_plan::batch::{run_csv, BatchOptions, BatchSummary, OutputFormat};
use pcr_plan::error::{DataErrorKind, Location};
use pcr_plan::factors::FactorDb;
use pcr_plan::sample::hot_rolled_coil;
use pcr_plan::Evaluator;

const FACTORS: &str = "key,value,unit,source,year,region\nCN.electricity.footprint.2023,0.6205,kgCO2e/kWh,MEE,2023,CN\n";
const MAT: &str = r#""[{""name"":""ore"",""mass"":""1600 t"",""ef"":0.02}]""#;

fn batch(csv: &str, format: OutputFormat) -> (String, BatchSummary) {
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

#[test]
fn a_row_with_fewer_cells_than_the_header_is_refused() {
    // `distance` has a default in the sample rule; the short row must not take it.
    let csv = format!(
        "id,output [t],electricity [MWh],natural_gas,materials,distance [km]\n\
         p1,1000,450,2000 GJ,{MAT},300\n\
         p2,1000,450,2000 GJ,{MAT}\n"
    );
    let (out, s) = batch(&csv, OutputFormat::Csv);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(!out.contains("p2"), "{out}");
    assert_eq!((s.rows, s.written, s.failed), (2, 1, 1));
    assert_eq!(s.errors.errors.len(), 1, "{:#?}", s.errors);
    let e = &s.errors.errors[0];
    assert!(
        matches!(
            e.kind,
            DataErrorKind::CellCount {
                cells: 5,
                columns: 6
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.location, Some(Location::Cell { row: 3, column: 6 }));
    assert!(e.to_string().contains("row 3, column 6"), "{e}");
}

#[test]
fn a_row_with_more_cells_than_the_header_is_refused() {
    let csv = format!(
        "output [t],electricity [MWh],natural_gas,materials\n\
         1000,450,2000 GJ,{MAT},7\n"
    );
    let (out, s) = batch(&csv, OutputFormat::Csv);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert_eq!((s.rows, s.written, s.failed), (1, 0, 1));
    let e = &s.errors.errors[0];
    assert!(
        matches!(
            e.kind,
            DataErrorKind::CellCount {
                cells: 5,
                columns: 4
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.location, Some(Location::Cell { row: 2, column: 5 }));
}

#[test]
fn an_explicitly_empty_cell_still_means_not_given() {
    let csv = format!(
        "output [t],electricity [MWh],natural_gas,materials,distance\n\
         1000,450,2000 GJ,{MAT},\n"
    );
    let (_, s) = batch(&csv, OutputFormat::Csv);
    assert_eq!((s.rows, s.written, s.failed), (1, 1, 0), "{:#?}", s.errors);
}

#[test]
fn json_output_is_one_array_document() {
    let csv = format!(
        "id,output [t],electricity [MWh],natural_gas,materials\n\
         p1,1000,450,2000 GJ,{MAT}\n\
         p2,1000,450,2000 GJ,{MAT}\n\
         p3,1000,450,2000 GJ,{MAT}\n"
    );
    let (out, _) = batch(&csv, OutputFormat::Json);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[2]["id"], "p3");
    let (empty, _) = batch(
        "output [t],electricity [MWh],natural_gas,materials\n",
        OutputFormat::Json,
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&empty).unwrap(),
        serde_json::json!([])
    );
    let (lines, _) = batch(&csv, OutputFormat::Jsonl);
    assert_eq!(lines.lines().count(), 3);
}

#[test]
fn json_output_stays_one_document_when_bad_bytes_stop_the_batch() {
    let plan = hot_rolled_coil();
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
    let mut csv =
        format!("output [t],electricity [MWh],natural_gas,materials\n1000,450,2000 GJ,{MAT}\n")
            .into_bytes();
    csv.extend_from_slice(b"1000,\xff\n");
    let opts = BatchOptions {
        format: OutputFormat::Json,
        chunk_rows: 1,
        ..BatchOptions::default()
    };
    let mut out = Vec::new();
    assert!(run_csv(&mut ev, &csv[..], "b.csv", &mut out, &opts).is_err());
    let text = String::from_utf8(out).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(v.is_array());
}
