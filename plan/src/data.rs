//! Activity data: reading one product from JSON, and the cell parsing
//! shared with the CSV batch reader.
//!
//! Quantities are `"450 MWh"`, `{"value": 450, "unit": "MWh"}` or a bare
//! number in the input's declared unit; ratios take numbers or `"5%"`;
//! enums take variant names; bools `true`/`false`; lists arrays of objects.
//! `null` means "not given". Every problem is collected, each with its
//! line and column.

use std::sync::Arc;

use miette::SourceSpan;

use crate::columns::InputColumns;
use crate::dimension::{split_quantity, Dimension, UnitError, UnitTable, UnitValue};
use crate::error::{DataError, DataErrorKind, DataErrors, DataSource, LineLocator, Location};
use crate::factors::sha256_hex;
use crate::format::{InputKind, ListField, Plan};
use crate::json::{self, JKind, JValue};
use pcr_units::suggest::closest;

/// The activity data of one product, ready to evaluate.
#[derive(Debug, Clone)]
pub struct ActivityData {
    /// The inputs, as a one-row chunk.
    pub columns: InputColumns,
    /// SHA-256 (hex) of the data file's bytes.
    pub sha256: String,
    /// The file name as given.
    pub file: String,
}

fn unit_error(input: &str, e: UnitError) -> DataErrorKind {
    match e {
        UnitError::MalformedNumber { text } => DataErrorKind::MalformedNumber {
            input: input.into(),
            text,
        },
        UnitError::NotFinite { text } => DataErrorKind::NotFinite {
            input: input.into(),
            text,
        },
        e @ (UnitError::UnknownUnit { .. } | UnitError::Syntax { .. }) => {
            let reason = match &e {
                UnitError::UnknownUnit {
                    suggestion: Some(s),
                    ..
                } => format!("{e} (did you mean `{s}`?)"),
                _ => e.to_string(),
            };
            DataErrorKind::BadUnit {
                input: input.into(),
                reason,
            }
        }
    }
}

/// Converts `number` given in `unit` (text) to canonical, checking the dimension.
fn with_unit(
    units: &UnitTable,
    input: &str,
    dim: &Dimension,
    number: f64,
    unit: &str,
) -> Result<f64, DataErrorKind> {
    let u = units.parse(unit).map_err(|e| unit_error(input, e))?;
    if &u.dimension != dim {
        return Err(DataErrorKind::WrongDimension {
            input: input.into(),
            unit: unit.into(),
            found: u.dimension.to_string(),
            expected: dim.to_string(),
        });
    }
    Ok(number * u.factor)
}

fn check_quantity(input: &str, v: f64, text: &str) -> Result<f64, DataErrorKind> {
    if !v.is_finite() {
        Err(DataErrorKind::NotFinite {
            input: input.into(),
            text: text.into(),
        })
    } else if v < 0.0 {
        Err(DataErrorKind::NegativeQuantity {
            input: input.into(),
            text: text.into(),
        })
    } else {
        Ok(v)
    }
}

/// Reads a quantity written as text (`"450 MWh"`, `"12"`): a bare number is
/// in `bare` (the CSV header's unit, else the input's declared unit).
pub(crate) fn quantity_text(
    units: &UnitTable,
    input: &str,
    dim: &Dimension,
    bare: f64,
    text: &str,
) -> Result<f64, DataErrorKind> {
    let q = split_quantity(text).map_err(|e| unit_error(input, e))?;
    let v = match q.unit {
        None if q.percent && !dim.is_none() => {
            return Err(DataErrorKind::WrongDimension {
                input: input.into(),
                unit: "%".into(),
                found: "ratio".into(),
                expected: dim.to_string(),
            })
        }
        None if q.percent => q.number,
        None => q.number * bare,
        Some(u) => with_unit(units, input, dim, q.number, u)?,
    };
    check_quantity(input, v, text)
}

/// Reads a ratio written as text (`"0.05"`, `"5%"`).
pub(crate) fn ratio_text(units: &UnitTable, input: &str, text: &str) -> Result<f64, DataErrorKind> {
    let q = split_quantity(text).map_err(|e| unit_error(input, e))?;
    match q.unit {
        None => Ok(q.number),
        Some(u) => with_unit(units, input, &Dimension::none(), q.number, u),
    }
}

/// Reads an enum variant name.
pub(crate) fn variant_text(
    input: &str,
    enum_name: &str,
    variants: &[String],
    text: &str,
) -> Result<f64, DataErrorKind> {
    variants
        .iter()
        .position(|v| v == text)
        .map(|i| i as f64)
        .ok_or_else(|| DataErrorKind::UnknownVariant {
            input: input.into(),
            variant: text.into(),
            enum_name: enum_name.into(),
            variants: variants.to_vec(),
        })
}

/// Reads a bool written as text (`true`/`false`, also `yes`/`no`, `1`/`0`).
pub(crate) fn bool_text(input: &str, text: &str) -> Result<f64, DataErrorKind> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(1.0),
        "false" | "no" | "0" => Ok(0.0),
        _ => Err(DataErrorKind::WrongType {
            input: input.into(),
            expected: "`true` or `false`".into(),
            found: format!("`{text}`"),
        }),
    }
}

/// Reads a CSV cell (non-empty, not a list) for an input of `kind`.
/// `header_unit` is the unit of the column header, if any.
pub(crate) fn cell_value(
    units: &UnitTable,
    kind: &InputKind,
    input: &str,
    header_unit: Option<&UnitValue>,
    text: &str,
) -> Result<f64, DataErrorKind> {
    match kind {
        InputKind::Quantity {
            dimension, factor, ..
        } => {
            let bare = header_unit.map_or(*factor, |u| u.factor);
            if let Ok(x) = text.parse::<f64>() {
                return check_quantity(input, x * bare, text);
            }
            quantity_text(units, input, dimension, bare, text)
        }
        InputKind::Ratio => match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x * header_unit.map_or(1.0, |u| u.factor)),
            _ => ratio_text(units, input, text),
        },
        InputKind::Bool => bool_text(input, text),
        InputKind::Enum { name, variants } => variant_text(input, name, variants, text),
        InputKind::Text | InputKind::List { .. } => Ok(0.0),
    }
}

fn json_number(input: &str, text: &str) -> Result<f64, DataErrorKind> {
    match text {
        "NaN" | "Infinity" | "-Infinity" => {
            return Err(DataErrorKind::NotFinite {
                input: input.into(),
                text: text.into(),
            })
        }
        _ => {}
    }
    let x: f64 = text.parse().map_err(|_| DataErrorKind::MalformedNumber {
        input: input.into(),
        text: text.into(),
    })?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(DataErrorKind::NotFinite {
            input: input.into(),
            text: text.into(),
        })
    }
}

fn wrong_type(input: &str, expected: &str, v: &JValue) -> DataErrorKind {
    DataErrorKind::WrongType {
        input: input.into(),
        expected: expected.into(),
        found: v.kind.describe().into(),
    }
}

/// An error at a byte span of the text being read.
pub(crate) type Report<'r> = &'r mut dyn FnMut(DataErrorKind, usize, usize);

/// Reads a non-list JSON value for an input or list field of `kind`.
fn json_scalar(
    units: &UnitTable,
    kind: &InputKind,
    input: &str,
    v: &JValue,
    report: Report<'_>,
) -> Option<f64> {
    let r = match (kind, &v.kind) {
        (InputKind::Quantity { factor, .. }, JKind::Number(t)) => {
            json_number(input, t).and_then(|x| check_quantity(input, x * factor, t))
        }
        (
            InputKind::Quantity {
                dimension, factor, ..
            },
            JKind::Str(s),
        ) => quantity_text(units, input, dimension, *factor, s),
        (InputKind::Quantity { dimension, .. }, JKind::Object(members)) => {
            let value = members.iter().find(|m| m.key == "value");
            let unit = members.iter().find(|m| m.key == "unit");
            for m in members {
                if m.key != "value" && m.key != "unit" {
                    report(
                        DataErrorKind::WrongType {
                            input: input.into(),
                            expected: "`value` and `unit`".into(),
                            found: format!("member `{}`", m.key),
                        },
                        m.key_start,
                        m.key_end,
                    );
                }
            }
            match (value, unit) {
                (Some(val), Some(u)) => {
                    let JKind::Str(us) = &u.value.kind else {
                        report(
                            wrong_type(input, "a unit string", &u.value),
                            u.value.start,
                            u.value.end,
                        );
                        return None;
                    };
                    let number = match &val.value.kind {
                        JKind::Number(t) => json_number(input, t),
                        _ => Err(wrong_type(input, "a number", &val.value)),
                    };
                    match number {
                        Err(e) => {
                            report(e, val.value.start, val.value.end);
                            return None;
                        }
                        Ok(x) => match with_unit(units, input, dimension, x, us) {
                            Err(e) => {
                                report(e, u.value.start, u.value.end);
                                return None;
                            }
                            Ok(c) => check_quantity(input, c, &format!("{x} {us}")),
                        },
                    }
                }
                _ => Err(wrong_type(input, "an object with `value` and `unit`", v)),
            }
        }
        (InputKind::Quantity { .. }, _) => Err(wrong_type(input, "a quantity", v)),
        (InputKind::Ratio, JKind::Number(t)) => json_number(input, t),
        (InputKind::Ratio, JKind::Str(s)) => ratio_text(units, input, s),
        (InputKind::Ratio, _) => Err(wrong_type(input, "a ratio", v)),
        (InputKind::Bool, JKind::Bool(b)) => Ok(f64::from(u8::from(*b))),
        (InputKind::Bool, _) => Err(wrong_type(input, "`true` or `false`", v)),
        (InputKind::Enum { name, variants }, JKind::Str(s)) => {
            variant_text(input, name, variants, s)
        }
        (InputKind::Enum { name, .. }, _) => {
            Err(wrong_type(input, &format!("a variant of `{name}`"), v))
        }
        (InputKind::Text, JKind::Str(_)) => Ok(0.0),
        (InputKind::Text, _) => Err(wrong_type(input, "a string", v)),
        (InputKind::List { .. }, _) => Err(wrong_type(input, "a value", v)),
    };
    match r {
        Ok(x) => Some(x),
        Err(e) => {
            report(e, v.start, v.end);
            None
        }
    }
}

/// Reads a JSON list value into `cols` (current row). Returns whether it was fine.
pub(crate) fn json_list(
    units: &UnitTable,
    input_index: usize,
    input: &str,
    fields: &[ListField],
    v: &JValue,
    cols: &mut InputColumns,
    report: Report<'_>,
) -> bool {
    let JKind::Array(items) = &v.kind else {
        report(wrong_type(input, "an array of objects", v), v.start, v.end);
        return false;
    };
    let mut ok = true;
    let mut buf = vec![0.0; fields.len()];
    let mut suggestions = DataErrors::MAX_KEPT;
    cols.give_list(input_index);
    for (k, item) in items.iter().enumerate() {
        let name = format!("{input}[{k}]");
        let JKind::Object(members) = &item.kind else {
            report(wrong_type(&name, "an object", item), item.start, item.end);
            ok = false;
            continue;
        };
        let mut item_ok = true;
        for m in members {
            if !fields.iter().any(|f| f.name == m.key) {
                let suggestion = suggest_within(
                    &mut suggestions,
                    &m.key,
                    fields.iter().map(|f| f.name.as_str()),
                );
                report(
                    DataErrorKind::UnknownInput {
                        input: format!("{name}.{}", m.key),
                        suggestion,
                    },
                    m.key_start,
                    m.key_end,
                );
                item_ok = false;
            }
        }
        for (fi, f) in fields.iter().enumerate() {
            let fname = format!("{name}.{}", f.name);
            match members
                .iter()
                .find(|m| m.key == f.name && m.value.kind != JKind::Null)
            {
                None => {
                    report(
                        DataErrorKind::MissingInput { input: fname },
                        item.start,
                        item.start + 1,
                    );
                    item_ok = false;
                }
                Some(m) => match json_scalar(units, &f.kind, &fname, &m.value, report) {
                    Some(x) => buf[fi] = x,
                    None => item_ok = false,
                },
            }
        }
        if item_ok {
            cols.push_element(input_index, &buf);
        } else {
            ok = false;
        }
    }
    ok
}

impl ActivityData {
    /// Reads one product's activity data from the bytes of a JSON file:
    /// bytes that are not UTF-8 are a data error naming the file and the
    /// byte offset; a leading byte-order mark is skipped.
    pub fn from_json_bytes(
        bytes: &[u8],
        plan: &Plan,
        file: &str,
    ) -> Result<ActivityData, DataErrors> {
        match std::str::from_utf8(bytes) {
            Ok(text) => ActivityData::from_json(text, plan, file),
            Err(e) => Err(DataError::new(DataErrorKind::Encoding {
                file: file.into(),
                offset: e.valid_up_to(),
            })
            .into()),
        }
    }

    /// Reads one product's activity data from JSON text. `file` names the
    /// file in error messages. Every error is collected.
    pub fn from_json(text: &str, plan: &Plan, file: &str) -> Result<ActivityData, DataErrors> {
        let src = DataSource::file(file, Arc::from(text));
        let mut errors = DataErrors::new();
        let mut locator = LineLocator::new(text);
        let mut push = |kind: DataErrorKind, start: usize, end: usize| {
            if errors.is_full() {
                errors.omitted += 1;
                return;
            }
            let (line, column) = locator.locate(start);
            errors.push(DataError::new(kind).at(
                Location::Line { line, column },
                src.clone(),
                SourceSpan::new(start.into(), end.saturating_sub(start)),
                "",
            ));
        };
        let root = match json::parse(text) {
            Ok(v) => v,
            Err(e) => {
                let end = (e.offset + 1).min(text.len());
                push(
                    DataErrorKind::Syntax {
                        format: "JSON".into(),
                        reason: e.reason,
                    },
                    e.offset,
                    end,
                );
                return Err(errors);
            }
        };
        let JKind::Object(members) = &root.kind else {
            push(
                DataErrorKind::Syntax {
                    format: "activity data".into(),
                    reason: format!(
                        "expected an object with one member per input, found {}",
                        root.kind.describe()
                    ),
                },
                root.start,
                root.end,
            );
            return Err(errors);
        };
        let mut cols = InputColumns::new(plan);
        cols.start_row();
        let mut given = vec![false; plan.inputs.len()];
        let mut suggestions = DataErrors::MAX_KEPT;
        for m in members {
            let Some(i) = plan.input_index(&m.key) else {
                let suggestion = suggest_within(
                    &mut suggestions,
                    &m.key,
                    plan.inputs.iter().map(|i| i.name.as_str()),
                );
                push(
                    DataErrorKind::UnknownInput {
                        input: m.key.clone(),
                        suggestion,
                    },
                    m.key_start,
                    m.key_end,
                );
                continue;
            };
            if m.value.kind == JKind::Null {
                continue;
            }
            given[i] = true;
            let input = &plan.inputs[i];
            match &input.kind {
                InputKind::List { fields } => {
                    json_list(
                        &plan.units,
                        i,
                        &input.name,
                        fields,
                        &m.value,
                        &mut cols,
                        &mut push,
                    );
                }
                kind => {
                    if let Some(x) =
                        json_scalar(&plan.units, kind, &input.name, &m.value, &mut push)
                    {
                        cols.set(i, x);
                    }
                }
            }
        }
        for (i, input) in plan.inputs.iter().enumerate() {
            if !given[i] && input.required() {
                push(
                    DataErrorKind::MissingInput {
                        input: input.name.clone(),
                    },
                    root.start,
                    root.start + 1,
                );
            }
        }
        cols.finish_row();
        errors.into_result(ActivityData {
            columns: cols,
            sha256: sha256_hex(text.as_bytes()),
            file: file.to_string(),
        })
    }
}

/// "Did you mean" for at most `budget` more unknown names: no more errors
/// than [`DataErrors::MAX_KEPT`] are kept, so a file with 100,000 unknown
/// names does not compare each of them with every known one.
pub(crate) fn suggest_within<'a>(
    budget: &mut usize,
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<String> {
    let left = budget.checked_sub(1)?;
    *budget = left;
    closest(name, candidates).map(str::to_string)
}
