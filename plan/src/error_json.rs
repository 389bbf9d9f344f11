//! The JSON form of a data error, with the members of the compiler's
//! diagnostic JSON where they apply, so scripts read both alike.

use crate::data_code::DataCode;
use crate::error::{DataError, DataErrorKind, DataErrors, Location};
use serde_json::{json, Map, Value};

impl DataErrorKind {
    /// The registered code of this kind of data error.
    pub fn code(&self) -> DataCode {
        use DataErrorKind as K;
        match self {
            K::MissingInput { .. } => DataCode::MissingInput,
            K::UnknownInput { .. } => DataCode::UnknownInput,
            K::WrongDimension { .. } => DataCode::WrongDimension,
            K::BadUnit { .. } => DataCode::BadUnit,
            K::MalformedNumber { .. } => DataCode::MalformedNumber,
            K::NotFinite { .. } => DataCode::NotFinite,
            K::NegativeQuantity { .. } => DataCode::NegativeQuantity,
            K::UnknownVariant { .. } => DataCode::UnknownVariant,
            K::WrongType { .. } => DataCode::WrongType,
            K::Syntax { .. } => DataCode::Syntax,
            K::Encoding { .. } => DataCode::Encoding,
            K::CellCount { .. } => DataCode::CellCount,
            K::MissingFactorKey { .. } => DataCode::MissingFactorKey,
            K::NoFactorDatabase { .. } => DataCode::NoFactorDatabase,
            K::FactorDimension { .. } => DataCode::FactorDimension,
            K::FactorDb { .. } => DataCode::FactorDb,
            K::NegativeEmission { .. } => DataCode::NegativeEmission,
            K::NonFiniteTotal { .. } => DataCode::NonFiniteTotal,
            K::NonFiniteEmission { .. } => DataCode::NonFiniteEmission,
            K::GasNotInGwpSet { .. } => DataCode::GasNotInGwpSet,
        }
    }
}

impl DataError {
    /// The registered code of this error.
    pub fn code(&self) -> DataCode {
        self.kind.code()
    }

    /// One JSON object with the members of the compiler's diagnostic JSON
    /// that apply (`docs/src/command-line.md`): `code`, `severity` (always
    /// `"error"`), `message` (without the place), `file`; the place as
    /// `line` and `column` (1-based, in characters) in a JSON file, or
    /// `row` and `column` (1-based cell) in a CSV file; the byte offsets
    /// `start` and `end`; `label`, `labels` (empty), `notes` (empty) and
    /// `help` when there is one. Members that do not apply are left out.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("code".into(), json!(self.code().code()));
        out.insert("severity".into(), json!("error"));
        out.insert("message".into(), json!(self.kind.to_string()));
        if let Some(src) = &self.src {
            out.insert("file".into(), json!(src.name()));
        }
        match self.location {
            Some(Location::Line { line, column }) => {
                out.insert("line".into(), json!(line));
                out.insert("column".into(), json!(column));
            }
            Some(Location::Cell { row, column }) => {
                out.insert("row".into(), json!(row));
                out.insert("column".into(), json!(column));
            }
            Some(Location::Row { row }) => {
                out.insert("row".into(), json!(row));
            }
            None => {}
        }
        if let Some(span) = self.span {
            out.insert("start".into(), json!(span.offset()));
            out.insert("end".into(), json!(span.offset() + span.len()));
        }
        if self.location.is_some() {
            out.insert("label".into(), json!(self.label));
        }
        out.insert("labels".into(), json!([]));
        out.insert("notes".into(), json!([]));
        if let Some(help) = &self.help {
            out.insert("help".into(), json!(help));
        }
        Value::Object(out)
    }
}

impl DataErrors {
    /// Every error kept, as [`DataError::to_json`] writes it.
    pub fn to_json(&self) -> Vec<Value> {
        self.errors.iter().map(DataError::to_json).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DataSource;
    use miette::SourceSpan;
    use std::sync::Arc;

    #[test]
    fn a_data_error_has_the_members_of_a_compiler_diagnostic() {
        let text = "{\"output\": \"1 t\",\n \"electricty\": \"450 MWh\"}";
        let start = text.find("\"electricty\"").unwrap_or(0);
        let e = DataError::new(DataErrorKind::UnknownInput {
            input: "electricty".into(),
            suggestion: Some("electricity".into()),
        })
        .at(
            Location::Line { line: 2, column: 2 },
            DataSource::file("data.json", Arc::from(text)),
            SourceSpan::new(start.into(), 12),
            "",
        );
        let json = e.to_json();
        assert_eq!(json["code"], "D0102");
        assert_eq!(json["severity"], "error");
        assert_eq!(json["message"], "unknown input `electricty`");
        assert_eq!(json["file"], "data.json");
        assert_eq!(
            (json["line"].as_u64(), json["column"].as_u64()),
            (Some(2), Some(2))
        );
        assert_eq!(
            (json["start"].as_u64(), json["end"].as_u64()),
            (Some(start as u64), Some(start as u64 + 12))
        );
        assert_eq!(json["label"], "not an input of this rule");
        assert_eq!(json["help"], "did you mean `electricity`?");
        assert_eq!(json["labels"], json!([]));
        assert_eq!(json["notes"], json!([]));
        let keys: Vec<&String> = json
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("code"));
    }

    #[test]
    fn a_csv_error_is_placed_by_row_and_an_error_without_a_place_has_no_place() {
        let text = "output [t]\n-1\n";
        let e = DataError::new(DataErrorKind::NegativeQuantity {
            input: "output".into(),
            text: "-1".into(),
        })
        .at(
            Location::Cell { row: 2, column: 1 },
            DataSource::file("data.csv", Arc::from(text)),
            SourceSpan::new(11.into(), 2),
            "",
        );
        let json = e.to_json();
        assert_eq!(json["code"], "D0107");
        assert_eq!(
            (json["row"].as_u64(), json["column"].as_u64()),
            (Some(2), Some(1))
        );
        assert!(json.get("line").is_none());

        let bare = DataError::new(DataErrorKind::NoFactorDatabase {
            factor: "grid".into(),
            key: "CN.grid".into(),
        })
        .to_json();
        assert_eq!(bare["code"], "D0302");
        for absent in ["file", "line", "row", "start", "label", "help"] {
            assert!(bare.get(absent).is_none(), "{absent}");
        }
    }
}
