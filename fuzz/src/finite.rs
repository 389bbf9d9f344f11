//! The result invariant: no non-finite number in any result, and no
//! `inf`/`NaN`/`null` number in any output text.

use pcr_plan::ProductResult;

/// Panics naming the first non-finite number of a result.
pub fn assert_finite_result(r: &ProductResult) {
    assert!(
        r.footprint.is_finite(),
        "non-finite footprint {}",
        r.footprint
    );
    assert!(
        r.primary_data_share.is_finite(),
        "non-finite primary_data_share {}",
        r.primary_data_share
    );
    for (what, map) in [
        ("stage", &r.stages),
        ("category", &r.categories),
        ("emission", &r.emissions),
    ] {
        for (name, v) in &map.0 {
            assert!(v.is_finite(), "non-finite {what} `{name}`: {v}");
        }
    }
}

/// The members of a result object that must be numbers.
const NUMBER_MEMBERS: [&str; 2] = ["footprint", "primary_data_share"];
const NUMBER_MAPS: [&str; 3] = ["stages", "categories", "emissions"];

/// Panics unless `line` is one valid JSON result whose numbers are all
/// numbers (serde writes a non-finite `f64` as `null`; a hand-written
/// writer may write `inf` or `NaN`, which is not JSON at all).
pub fn assert_json_result(line: &str) {
    let value: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("result line is not JSON ({e}): {}", excerpt(line)));
    assert_json_value(&value, line);
}

/// As [`assert_json_result`], for a parsed result object.
pub fn assert_json_value(value: &serde_json::Value, line: &str) {
    for m in NUMBER_MEMBERS {
        if let Some(v) = value.get(m) {
            assert!(v.is_number(), "`{m}` is not a number in {}", excerpt(line));
        }
    }
    for m in NUMBER_MAPS {
        if let Some(serde_json::Value::Object(map)) = value.get(m) {
            for (k, v) in map {
                assert!(
                    v.is_number(),
                    "`{m}.{k}` is not a number in {}",
                    excerpt(line)
                );
            }
        }
    }
}

/// Panics unless `field` (a numeric output cell) is a finite number.
pub fn assert_finite_cell(field: &str, column: &str) {
    match field.trim().parse::<f64>() {
        Ok(v) => assert!(v.is_finite(), "non-finite `{column}` cell `{field}`"),
        Err(_) => panic!("`{column}` cell `{}` is not a number", excerpt(field)),
    }
}

fn excerpt(s: &str) -> String {
    s.chars().take(300).collect()
}
