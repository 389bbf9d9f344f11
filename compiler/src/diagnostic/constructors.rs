//! Constructors for the kinds of diagnostic that repeat with one wording,
//! so each is written once: "unknown stage `x`", its label and its
//! "did you mean" with the quick fix.

use super::{Code, Diagnostic};
use crate::source::FileId;
use pcr_lang::Span;

/// The kind of name a rule may misspell, as its messages call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Unit,
    Dimension,
    Stage,
    Boundary,
    Category,
    GwpSet,
    /// An emission of the rule (`emission.x` inside a result).
    Emission,
}

impl NameKind {
    /// The words the messages use: "unknown {words} `x`".
    pub fn words(self) -> &'static str {
        match self {
            NameKind::Unit => "unit",
            NameKind::Dimension => "dimension",
            NameKind::Stage => "stage",
            NameKind::Boundary => "boundary",
            NameKind::Category => "category",
            NameKind::GwpSet => "GWP set",
            NameKind::Emission => "emission",
        }
    }

    /// The label under the unknown name.
    fn label(self) -> &'static str {
        match self {
            NameKind::Unit => "not a unit",
            NameKind::Dimension => "not a dimension",
            NameKind::Stage => "not a stage",
            NameKind::Boundary => "not a boundary",
            NameKind::Category => "not a reporting category",
            NameKind::GwpSet => "not a GWP set",
            NameKind::Emission => "not an emission of this rule",
        }
    }
}

impl Diagnostic {
    /// E0101 "unknown {kind} `{name}`" at `span` (the name as written), with
    /// "did you mean" and its quick fix when one of `candidates` is close.
    pub fn unknown<'a>(
        kind: NameKind,
        name: &str,
        file: FileId,
        span: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        Diagnostic::new(
            Code::UnknownName,
            file,
            span,
            format!("unknown {} `{name}`", kind.words()),
            kind.label(),
        )
        .did_you_mean(name, candidates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Files;

    #[test]
    fn unknown_names_the_kind_and_suggests_a_close_candidate_with_its_fix() {
        let mut files = Files::default();
        let file = files.add("r.pcr", None, "boundary cradle_to_gat", false);
        let span = Span::new(9, 22);
        let d = Diagnostic::unknown(
            NameKind::Boundary,
            "cradle_to_gat",
            file,
            span,
            ["cradle_to_gate", "cradle_to_grave"],
        );
        assert_eq!(d.code, Code::UnknownName);
        assert_eq!(d.message, "unknown boundary `cradle_to_gat`");
        assert_eq!(d.primary.message, "not a boundary");
        assert_eq!(d.help.as_deref(), Some("did you mean `cradle_to_gate`?"));
        let fix = d.fix.as_ref().map(|f| (f.span, f.replacement.as_str()));
        assert_eq!(fix, Some((span, "cradle_to_gate")));

        let far = Diagnostic::unknown(NameKind::GwpSet, "zz", file, span, ["ar6"]);
        assert_eq!(far.message, "unknown GWP set `zz`");
        assert_eq!((far.help, far.fix), (None, None));
    }
}
