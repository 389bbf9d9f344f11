//! How data files are read: a member twice in a JSON object is refused,
//! bytes that are not UTF-8 are a data error with the byte offset (JSON and
//! CSV alike), a UTF-8 byte-order mark is accepted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_plan::batch::{run_csv, BatchError, BatchOptions};
use pcr_plan::error::{DataErrorKind, Location};
use pcr_plan::sample::hot_rolled_coil;
use pcr_plan::{ActivityData, Evaluator, FactorDb};

const FACTORS: &str = "key,value,unit,source,year,region\nCN.electricity.footprint.2023,0.6205,kgCO2e/kWh,MEE,2023,CN\n";
const DATA: &str = r#"{"output": "1000 t", "electricity": "450 MWh", "natural_gas": "2000 GJ",
  "materials": [{"name": "ore", "mass": "1600 t", "ef": 0.02}]}"#;
const MAT: &str = r#""[{""name"":""ore"",""mass"":""1600 t"",""ef"":0.02}]""#;

#[test]
fn a_duplicate_json_member_is_refused_naming_it_and_where() {
    let plan = hot_rolled_coil();
    let src = "{\"output\": \"1000 t\",\n \"electricity\": \"450 MWh\", \"output\": \"5 t\"}";
    let err = ActivityData::from_json(src, &plan, "d.json").unwrap_err();
    let e = &err.errors[0];
    assert!(
        matches!(&e.kind, DataErrorKind::Syntax { reason, .. } if reason.contains("duplicate member `output`")),
        "{e}"
    );
    assert_eq!(
        e.location,
        Some(Location::Line {
            line: 2,
            column: 28
        })
    );
    // Inside a list element and inside a quantity object, too.
    let nested = DATA.replace(r#""ef": 0.02"#, r#""ef": 0.02, "ef": 0.03"#);
    assert!(ActivityData::from_json(&nested, &plan, "d.json")
        .unwrap_err()
        .to_string()
        .contains("error"));
    let quantity = DATA.replace(
        r#""450 MWh""#,
        r#"{"value": 450, "unit": "MWh", "value": 1}"#,
    );
    let e = ActivityData::from_json(&quantity, &plan, "d.json").unwrap_err();
    assert!(
        e.errors[0].to_string().contains("duplicate member `value`"),
        "{e:?}"
    );
}

#[test]
fn invalid_utf8_json_is_a_data_error_with_the_byte_offset() {
    let plan = hot_rolled_coil();
    let mut bytes = DATA.as_bytes().to_vec();
    bytes[12] = 0xff;
    let err = ActivityData::from_json_bytes(&bytes, &plan, "d.json").unwrap_err();
    let e = &err.errors[0];
    assert_eq!(
        e.kind,
        DataErrorKind::Encoding {
            file: "d.json".into(),
            offset: 12
        }
    );
    assert!(
        e.to_string()
            .contains("`d.json` is not valid UTF-8 at byte 12"),
        "{e}"
    );
}

#[test]
fn invalid_utf8_csv_is_a_data_error_with_the_byte_offset() {
    let plan = hot_rolled_coil();
    let db = FactorDb::from_csv_str("f.csv", FACTORS).unwrap();
    let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
    let header = "output [t],electricity [MWh],natural_gas,materials\n";
    let mut bytes =
        format!("{header}1000,450,2000 GJ,{MAT}\n1000,450,2000 GJ,{MAT}\n").into_bytes();
    let at = bytes.len() - 5;
    bytes[at] = 0xc3;
    let err = run_csv(
        &mut ev,
        &bytes[..],
        "b.csv",
        Vec::new(),
        &BatchOptions::default(),
    )
    .unwrap_err();
    let BatchError::Data(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.errors[0].kind,
        DataErrorKind::Encoding {
            file: "b.csv".into(),
            offset: at
        }
    );
}

#[test]
fn a_byte_order_mark_is_accepted_in_json_and_csv() {
    let plan = hot_rolled_coil();
    let db = FactorDb::from_csv_str("f.csv", &format!("\u{feff}{FACTORS}")).unwrap();
    let with_bom = format!("\u{feff}{DATA}");
    let data = ActivityData::from_json_bytes(with_bom.as_bytes(), &plan, "d.json").unwrap();
    let r = plan.evaluate(&data, &db).unwrap();
    assert!((r.footprint - 452.225).abs() < 1e-9, "{}", r.footprint);
    // Columns on the first line are counted without the mark.
    let bad = "\u{feff}{\"outptu\": 1}";
    let e = ActivityData::from_json(bad, &plan, "d.json").unwrap_err();
    assert_eq!(
        e.errors[0].location,
        Some(Location::Line { line: 1, column: 2 })
    );

    let mut ev = Evaluator::new(&plan, db.resolve(&plan, &Default::default()).unwrap());
    let csv = format!(
        "\u{feff}output [t],electricity [MWh],natural_gas,materials\n1000,450,2000 GJ,{MAT}\n"
    );
    let mut out = Vec::new();
    let s = run_csv(
        &mut ev,
        csv.as_bytes(),
        "b.csv",
        &mut out,
        &BatchOptions::default(),
    )
    .unwrap();
    assert_eq!((s.written, s.failed), (1, 0), "{:?}", s.errors);
}
