//! Every data error is rendered with its registered code, and that code
//! has an explanation (`pcr explain D…`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_plan::sample::hot_rolled_coil;
use pcr_plan::{ActivityData, DataCode};

fn render(d: &dyn miette::Diagnostic) -> String {
    let mut s = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut s, d)
        .unwrap();
    s
}

#[test]
fn a_rendered_data_error_shows_its_code_and_its_json_carries_it() {
    let plan = hot_rolled_coil();
    let text = r#"{"output": "1000 t", "electricty": "450 MWh", "natural_gas": "2000 GJ"}"#;
    let errors = ActivityData::from_json(text, &plan, "d.json").unwrap_err();
    let unknown = errors
        .errors
        .iter()
        .find(|e| e.code() == DataCode::UnknownInput)
        .expect("an unknown-input error");
    let rendered = render(unknown);
    assert!(rendered.contains("D0102"), "{rendered}");
    assert!(
        rendered.contains("did you mean `electricity`?"),
        "{rendered}"
    );
    let json = unknown.to_json();
    assert_eq!(json["code"], "D0102");
    assert_eq!(json["file"], "d.json");
    assert_eq!(json["line"], 1);
    assert!(DataCode::UnknownInput
        .explanation()
        .contains("did you mean"));
}
