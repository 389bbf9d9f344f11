//! The registry of data-error codes: every kind of [`DataErrorKind`] with
//! its stable code, its title and the explanation `pcr explain` prints.
//! It is the calculator's counterpart of the compiler's diagnostic
//! registry, kept here because a plan depends on nothing of the compiler.
//!
//! Codes start with `D` and are grouped by what is at fault:
//!
//! - `D01xx` a value of the activity data (an input missing, unknown, of
//!   the wrong unit, number or type);
//! - `D02xx` the data file as a whole (JSON or CSV syntax, encoding, row width);
//! - `D03xx` factors and factor databases;
//! - `D04xx` results refused after evaluation.
//!
//! Each explanation is a Markdown file `plan/explain/CODE.md` whose first
//! line is `# CODE: title`; it is embedded here, once.
//!
//! [`DataErrorKind`]: crate::error::DataErrorKind

/// One kind of data error: its code, title and explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataCode {
    /// D0101: a required input is absent.
    MissingInput,
    /// D0102: a member or column that is no input of the rule.
    UnknownInput,
    /// D0103: a unit of the wrong dimension.
    WrongDimension,
    /// D0104: a unit that cannot be read.
    BadUnit,
    /// D0105: a number that cannot be read.
    MalformedNumber,
    /// D0106: NaN or infinity.
    NotFinite,
    /// D0107: a negative quantity.
    NegativeQuantity,
    /// D0108: an enum value that is no variant.
    UnknownVariant,
    /// D0109: a JSON value of the wrong kind.
    WrongType,
    /// D0201: unparseable JSON or CSV.
    Syntax,
    /// D0202: bytes that are not UTF-8.
    Encoding,
    /// D0203: a CSV row with another number of cells than the header.
    CellCount,
    /// D0301: a `db` key the factor database lacks.
    MissingFactorKey,
    /// D0302: a `db` factor and no factor database.
    NoFactorDatabase,
    /// D0303: a database unit of the wrong dimension.
    FactorDimension,
    /// D0304: a factor database that cannot be read.
    FactorDb,
    /// D0401: a negative emission outside `biogenic_removal`.
    NegativeEmission,
    /// D0402: a total that overflows.
    NonFiniteTotal,
    /// D0403: an emission that is not a finite number.
    NonFiniteEmission,
    /// D0404: a gas from the data that the rule's GWP set lacks.
    GasNotInGwpSet,
}

impl DataCode {
    /// Every data-error code, in the order of `docs/src/diagnostics.md`.
    pub const ALL: [DataCode; 20] = [
        DataCode::MissingInput,
        DataCode::UnknownInput,
        DataCode::WrongDimension,
        DataCode::BadUnit,
        DataCode::MalformedNumber,
        DataCode::NotFinite,
        DataCode::NegativeQuantity,
        DataCode::UnknownVariant,
        DataCode::WrongType,
        DataCode::Syntax,
        DataCode::Encoding,
        DataCode::CellCount,
        DataCode::MissingFactorKey,
        DataCode::NoFactorDatabase,
        DataCode::FactorDimension,
        DataCode::FactorDb,
        DataCode::NegativeEmission,
        DataCode::NonFiniteTotal,
        DataCode::NonFiniteEmission,
        DataCode::GasNotInGwpSet,
    ];

    /// The stable code users see: `"D0101"`.
    pub const fn code(self) -> &'static str {
        self.entry().0
    }

    /// The explanation `pcr explain` prints (Markdown; first line
    /// `# CODE: title`).
    pub const fn explanation(self) -> &'static str {
        self.entry().1
    }

    /// The short title: the explanation's first line after `# CODE: `.
    pub fn title(self) -> &'static str {
        explanation_title(self.code(), self.explanation())
    }

    /// The code of a string such as `"D0101"` (case and surrounding
    /// whitespace ignored), or `None`.
    pub fn from_code(code: &str) -> Option<DataCode> {
        let code = code.trim();
        DataCode::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }

    const fn entry(self) -> (&'static str, &'static str) {
        macro_rules! entry {
            ($code:literal) => {
                ($code, include_str!(concat!("../explain/", $code, ".md")))
            };
        }
        match self {
            DataCode::MissingInput => entry!("D0101"),
            DataCode::UnknownInput => entry!("D0102"),
            DataCode::WrongDimension => entry!("D0103"),
            DataCode::BadUnit => entry!("D0104"),
            DataCode::MalformedNumber => entry!("D0105"),
            DataCode::NotFinite => entry!("D0106"),
            DataCode::NegativeQuantity => entry!("D0107"),
            DataCode::UnknownVariant => entry!("D0108"),
            DataCode::WrongType => entry!("D0109"),
            DataCode::Syntax => entry!("D0201"),
            DataCode::Encoding => entry!("D0202"),
            DataCode::CellCount => entry!("D0203"),
            DataCode::MissingFactorKey => entry!("D0301"),
            DataCode::NoFactorDatabase => entry!("D0302"),
            DataCode::FactorDimension => entry!("D0303"),
            DataCode::FactorDb => entry!("D0304"),
            DataCode::NegativeEmission => entry!("D0401"),
            DataCode::NonFiniteTotal => entry!("D0402"),
            DataCode::NonFiniteEmission => entry!("D0403"),
            DataCode::GasNotInGwpSet => entry!("D0404"),
        }
    }
}

impl std::fmt::Display for DataCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The title in an explanation's first line `# CODE: title` (the
/// compiler's registry of diagnostic codes reads its titles with it too).
pub fn explanation_title(code: &str, explanation: &'static str) -> &'static str {
    let first = explanation.lines().next().unwrap_or("");
    let heading = first.trim_start_matches('#').trim();
    heading
        .strip_prefix(code)
        .and_then(|rest| rest.strip_prefix(':'))
        .map(str::trim)
        .unwrap_or(heading)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_code_has_an_explanation_with_its_title() {
        for code in DataCode::ALL {
            let text = code.explanation();
            assert!(
                text.starts_with(&format!("# {code}: {}\n", code.title())),
                "{code}: the first line must be `# {code}: title`"
            );
            assert!(!code.title().is_empty(), "{code} has no title");
            assert!(
                text.matches("```").count() % 2 == 0,
                "{code}: unclosed code block"
            );
        }
    }

    #[test]
    fn data_codes_are_unique_ordered_and_read_case_insensitively() {
        let codes: Vec<&str> = DataCode::ALL.iter().map(|c| c.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "DataCode::ALL: unique, in order");
        for code in DataCode::ALL {
            assert!(code.code().starts_with('D'), "{code}");
            assert_eq!(DataCode::from_code(code.code()), Some(code));
        }
        assert_eq!(
            DataCode::from_code(" d0101\n"),
            Some(DataCode::MissingInput)
        );
        assert_eq!(DataCode::from_code("D9999"), None);
        assert_eq!(DataCode::from_code("E0101"), None);
    }
}
