//! The registry of diagnostic codes: every kind of diagnostic the compiler
//! reports, with its stable code, its severity, its title and the
//! explanation `pcr explain` prints. Nothing else lists codes: the CLI, the
//! language server, `--message-format json` and the generated chapter
//! `docs/src/diagnostics.md` all read this enum.
//!
//! The variants are named in the domain's words (`Code::UnknownName`); the
//! code string (`"E0101"`) is what users see and what stays stable. Codes
//! are grouped by the pass that finds them:
//!
//! - `E00xx` syntax, `E01xx` names and definitions, `E02xx` types and
//!   dimensions, `E03xx` rule checks, `E04xx` factor databases, `E05xx`
//!   worked examples;
//! - `W00xx` warnings (the rule is still accepted).
//!
//! Each explanation is a Markdown file `compiler/explain/CODE.md` whose first
//! line is `# CODE: title`; it is embedded here, once.

use super::Severity;

/// One kind of diagnostic: its code, severity, title and explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// E0001: syntax error.
    SyntaxError,
    /// E0101: unknown name.
    UnknownName,
    /// E0102: duplicate definition, or a name that shadows a prelude item.
    DuplicateDefinition,
    /// E0103: cyclic definition.
    CyclicDefinition,
    /// E0201: incompatible dimensions.
    IncompatibleDimensions,
    /// E0202: an emission is not CO2e per declared unit.
    NotCo2ePerDeclaredUnit,
    /// E0203: a value does not match its declared type.
    DeclaredTypeMismatch,
    /// E0204: every other type error (wrong operand kind, exponent, `match`).
    TypeError,
    /// E0301: a stage outside the rule's boundary.
    StageOutsideBoundary,
    /// E0302: a boundary stage neither calculated nor excluded.
    StageNotCovered,
    /// E0303: exclusions exceed the cut-off criteria.
    CutoffExceeded,
    /// E0304: a required clause is missing or repeated.
    ClauseMissingOrRepeated,
    /// E0305: grades not strictly increasing, or without `otherwise`.
    GradesOutOfOrder,
    /// E0306: a negative emission outside `biogenic_removal`.
    NegativeEmission,
    /// E0401: a `db` key not found in the factor database.
    FactorKeyNotFound,
    /// E0402: a factor database unit that does not match the factor.
    FactorUnitMismatch,
    /// E0501: an example's expectation failed.
    ExampleFailed,
    /// W0001: an input no emission uses.
    UnusedInput,
    /// W0002: a factor no emission uses.
    UnusedFactor,
    /// W0003: a `let` nothing uses.
    UnusedLet,
}

impl Code {
    /// Every code, errors first, in the order of `docs/src/diagnostics.md`.
    pub const ALL: [Code; 20] = [
        Code::SyntaxError,
        Code::UnknownName,
        Code::DuplicateDefinition,
        Code::CyclicDefinition,
        Code::IncompatibleDimensions,
        Code::NotCo2ePerDeclaredUnit,
        Code::DeclaredTypeMismatch,
        Code::TypeError,
        Code::StageOutsideBoundary,
        Code::StageNotCovered,
        Code::CutoffExceeded,
        Code::ClauseMissingOrRepeated,
        Code::GradesOutOfOrder,
        Code::NegativeEmission,
        Code::FactorKeyNotFound,
        Code::FactorUnitMismatch,
        Code::ExampleFailed,
        Code::UnusedInput,
        Code::UnusedFactor,
        Code::UnusedLet,
    ];

    /// The stable code users see: `"E0101"`.
    pub const fn code(self) -> &'static str {
        self.entry().0
    }

    /// Error (the rule is refused) or warning (reported, the rule accepted).
    pub const fn severity(self) -> Severity {
        match self {
            Code::UnusedInput | Code::UnusedFactor | Code::UnusedLet => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The explanation `pcr explain` prints (Markdown; first line
    /// `# CODE: title`).
    pub const fn explanation(self) -> &'static str {
        self.entry().1
    }

    /// The short title: the explanation's first line after `# CODE: `.
    pub fn title(self) -> &'static str {
        pcr_plan::data_code::explanation_title(self.code(), self.explanation())
    }

    /// The code of a string such as `"E0101"` (case and surrounding
    /// whitespace ignored), or `None`.
    pub fn from_code(code: &str) -> Option<Code> {
        let code = code.trim();
        Code::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }

    const fn entry(self) -> (&'static str, &'static str) {
        macro_rules! entry {
            ($code:literal) => {
                ($code, include_str!(concat!("../../explain/", $code, ".md")))
            };
        }
        match self {
            Code::SyntaxError => entry!("E0001"),
            Code::UnknownName => entry!("E0101"),
            Code::DuplicateDefinition => entry!("E0102"),
            Code::CyclicDefinition => entry!("E0103"),
            Code::IncompatibleDimensions => entry!("E0201"),
            Code::NotCo2ePerDeclaredUnit => entry!("E0202"),
            Code::DeclaredTypeMismatch => entry!("E0203"),
            Code::TypeError => entry!("E0204"),
            Code::StageOutsideBoundary => entry!("E0301"),
            Code::StageNotCovered => entry!("E0302"),
            Code::CutoffExceeded => entry!("E0303"),
            Code::ClauseMissingOrRepeated => entry!("E0304"),
            Code::GradesOutOfOrder => entry!("E0305"),
            Code::NegativeEmission => entry!("E0306"),
            Code::FactorKeyNotFound => entry!("E0401"),
            Code::FactorUnitMismatch => entry!("E0402"),
            Code::ExampleFailed => entry!("E0501"),
            Code::UnusedInput => entry!("W0001"),
            Code::UnusedFactor => entry!("W0002"),
            Code::UnusedLet => entry!("W0003"),
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_explanation_with_its_title_and_a_pcr_example() {
        for code in Code::ALL {
            let text = code.explanation();
            assert!(
                text.starts_with(&format!("# {code}: {}\n", code.title())),
                "{code}: the first line must be `# {code}: title`"
            );
            assert!(!code.title().is_empty(), "{code} has no title");
            assert!(text.contains("```pcr"), "{code} has no PCR example");
            assert!(
                text.matches("```").count() % 2 == 0,
                "{code}: unclosed code block"
            );
        }
    }

    #[test]
    fn codes_are_unique_ordered_and_their_severity_follows_their_letter() {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_by_key(|c| (c.starts_with('W'), *c));
        sorted.dedup();
        assert_eq!(codes, sorted, "Code::ALL: unique, errors first, in order");
        // Diagnostics at one place are sorted by `Code`: its order is the codes'.
        assert!(Code::ALL.windows(2).all(|w| w[0] < w[1]));
        for code in Code::ALL {
            let warning = code.code().starts_with('W');
            assert_eq!(code.severity() == Severity::Warning, warning, "{code}");
            assert_eq!(Code::from_code(code.code()), Some(code));
        }
    }

    #[test]
    fn codes_are_read_case_insensitively_and_unknown_codes_are_none() {
        assert_eq!(Code::from_code("e0202"), Some(Code::NotCo2ePerDeclaredUnit));
        assert_eq!(Code::from_code(" W0001\n"), Some(Code::UnusedInput));
        assert_eq!(Code::UnusedInput.title(), "unused input");
        assert_eq!(Code::from_code("E9999"), None);
        assert_eq!(Code::from_code(""), None);
    }

    /// Every code of the language reference's §7 table, and its warnings,
    /// is in the registry, and the registry has no code the reference lacks.
    #[test]
    fn the_codes_of_the_language_reference_are_all_registered() {
        let section7 = LANGUAGE_SECTION_7_CODES;
        for code in section7 {
            assert!(
                Code::from_code(code).is_some(),
                "{code} of the language reference is not in the registry"
            );
        }
        for code in Code::ALL {
            assert!(
                section7.contains(&code.code()) || code.severity() == Severity::Warning,
                "{code} is registered but not in the language reference's §7"
            );
        }
    }

    /// The codes of the table in §7 "Static checks and codes" of the
    /// language reference (LANGUAGE.md, normative), copied here because
    /// that file is not part of the repository.
    const LANGUAGE_SECTION_7_CODES: [&str; 17] = [
        "E0001", "E0101", "E0102", "E0103", "E0201", "E0202", "E0203", "E0204", "E0301", "E0302",
        "E0303", "E0304", "E0305", "E0306", "E0401", "E0402", "E0501",
    ];
}
