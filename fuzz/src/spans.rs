//! The span invariant: every span a pass reports lies inside its text and
//! on character boundaries (renderers and the language server slice with it).

use pcr_lang::Span;

/// Panics when `span` does not lie inside `text` on character boundaries.
pub fn assert_span_in(span: Span, text: &str, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what}: span {start}..{end} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} splits a character"
    );
}
