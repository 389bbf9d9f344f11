//! `pcr explain CODE`: the explanation of a code, looked up in the two
//! registries: the compiler's diagnostics ([`Code`], `E…` and `W…`) and the
//! calculator's data errors ([`DataCode`], `D…`, in `pcr-plan`). The texts
//! are Markdown files embedded by the registries; this module lists none.

use crate::diagnostic::Code;
use pcr_plan::DataCode;

/// A code of either registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnyCode {
    /// A compiler diagnostic (`E…`, `W…`).
    Diagnostic(Code),
    /// A data error of `pcr run` (`D…`).
    Data(DataCode),
}

impl AnyCode {
    /// The code of a string such as `"E0202"` or `"d0101"` (case and
    /// surrounding whitespace ignored), or `None`.
    pub fn from_code(code: &str) -> Option<AnyCode> {
        Code::from_code(code)
            .map(AnyCode::Diagnostic)
            .or_else(|| DataCode::from_code(code).map(AnyCode::Data))
    }

    /// Every code: compiler errors, warnings, then data errors, in the
    /// order of `docs/src/diagnostics.md`.
    pub fn all() -> impl Iterator<Item = AnyCode> {
        Code::ALL
            .into_iter()
            .map(AnyCode::Diagnostic)
            .chain(DataCode::ALL.into_iter().map(AnyCode::Data))
    }

    /// The stable code: `"E0202"`, `"D0101"`.
    pub fn code(self) -> &'static str {
        match self {
            AnyCode::Diagnostic(c) => c.code(),
            AnyCode::Data(c) => c.code(),
        }
    }

    /// The short title.
    pub fn title(self) -> &'static str {
        match self {
            AnyCode::Diagnostic(c) => c.title(),
            AnyCode::Data(c) => c.title(),
        }
    }

    /// The explanation (Markdown, first line `# CODE: title`).
    pub fn explanation(self) -> &'static str {
        match self {
            AnyCode::Diagnostic(c) => c.explanation(),
            AnyCode::Data(c) => c.explanation(),
        }
    }
}

/// The explanation of a code (Markdown), or `None` for an unknown code.
///
/// The code is matched case-insensitively and surrounding whitespace is
/// ignored: `E0202`, `e0202` and ` E0202 ` all work.
pub fn explain(code: &str) -> Option<&'static str> {
    AnyCode::from_code(code).map(AnyCode::explanation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_registries_are_consulted_and_unknown_codes_have_none() {
        assert_eq!(explain("e0202"), explain("E0202"));
        assert!(explain(" E0202\n").is_some());
        assert_eq!(explain("w0001"), Some(Code::UnusedInput.explanation()));
        assert_eq!(explain("D0101"), Some(DataCode::MissingInput.explanation()));
        assert_eq!(explain("E9999"), None);
        assert_eq!(explain("D9999"), None);
        assert_eq!(explain(""), None);
    }

    #[test]
    fn no_code_is_registered_twice() {
        let mut codes: Vec<&str> = AnyCode::all().map(AnyCode::code).collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
