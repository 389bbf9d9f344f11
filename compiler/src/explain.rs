//! `pcr explain CODE`: a longer explanation of each diagnostic code, with an
//! example of the mistake and its fix. The texts are Markdown files in
//! `compiler/explain/`, embedded in the binary.

/// Every code that has an explanation, errors first, in the order of
/// `docs/src/diagnostics.md`.
pub const CODES: &[&str] = &[
    "E0001", "E0101", "E0102", "E0103", "E0201", "E0202", "E0203", "E0204", "E0301", "E0302",
    "E0303", "E0304", "E0305", "E0306", "E0401", "E0402", "E0501", "W0001", "W0002", "W0003",
];

/// The explanation of a diagnostic code (Markdown), or `None` for an unknown code.
///
/// The code is matched case-insensitively and surrounding whitespace is
/// ignored: `E0202`, `e0202` and ` E0202 ` all work.
pub fn explain(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    let text = match code.as_str() {
        "E0001" => include_str!("../explain/E0001.md"),
        "E0101" => include_str!("../explain/E0101.md"),
        "E0102" => include_str!("../explain/E0102.md"),
        "E0103" => include_str!("../explain/E0103.md"),
        "E0201" => include_str!("../explain/E0201.md"),
        "E0202" => include_str!("../explain/E0202.md"),
        "E0203" => include_str!("../explain/E0203.md"),
        "E0204" => include_str!("../explain/E0204.md"),
        "E0301" => include_str!("../explain/E0301.md"),
        "E0302" => include_str!("../explain/E0302.md"),
        "E0303" => include_str!("../explain/E0303.md"),
        "E0304" => include_str!("../explain/E0304.md"),
        "E0305" => include_str!("../explain/E0305.md"),
        "E0306" => include_str!("../explain/E0306.md"),
        "E0401" => include_str!("../explain/E0401.md"),
        "E0402" => include_str!("../explain/E0402.md"),
        "E0501" => include_str!("../explain/E0501.md"),
        "W0001" => include_str!("../explain/W0001.md"),
        "W0002" => include_str!("../explain/W0002.md"),
        "W0003" => include_str!("../explain/W0003.md"),
        _ => return None,
    };
    Some(text)
}

/// The title of a code's explanation: its first line without the `# ` prefix.
pub fn title(code: &str) -> Option<&'static str> {
    explain(code)?
        .lines()
        .next()
        .map(|line| line.trim_start_matches('#').trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_explanation_with_a_pcr_example() {
        for code in CODES {
            let Some(text) = explain(code) else {
                panic!("no explanation for {code}")
            };
            assert!(text.contains("```pcr"), "{code} has no PCR example");
            assert!(
                text.starts_with(&format!("# {code}: ")),
                "{code}: the first line must be `# {code}: title`"
            );
            assert!(
                text.matches("```").count() % 2 == 0,
                "{code}: unclosed code block"
            );
        }
    }

    #[test]
    fn codes_are_case_insensitive_and_unknown_codes_have_none() {
        assert_eq!(explain("e0202"), explain("E0202"));
        assert!(explain(" E0202\n").is_some());
        assert_eq!(title("w0001"), Some("W0001: unused input"));
        assert_eq!(explain("E9999"), None);
        assert_eq!(explain(""), None);
    }
}
