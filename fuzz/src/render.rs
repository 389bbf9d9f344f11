//! Rendering errors as the command line does, with a bound on the size of
//! what is rendered: a report must not grow faster than its input.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

/// Rendered errors may be this many times the input's size, plus [`SLACK`].
pub const GROWTH: usize = 64;
/// Fixed allowance for a report on a tiny input.
pub const SLACK: usize = 1 << 20;

/// Render `diag` as `pcr run` does (miette, no colour) and panic when the
/// text is out of proportion to the input of `input_len` bytes.
pub fn render_data_errors(diag: &dyn Diagnostic, input_len: usize) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
    let mut s = String::new();
    if handler.render_report(&mut s, diag).is_err() {
        s = diag.to_string();
    }
    assert_bounded(s.len(), input_len, "rendered data errors");
    s
}

/// Panic when `output_len` is out of proportion to `input_len`.
pub fn assert_bounded(output_len: usize, input_len: usize, what: &str) {
    let limit = input_len.saturating_mul(GROWTH).saturating_add(SLACK);
    assert!(
        output_len <= limit,
        "{what}: {output_len} bytes for an input of {input_len} bytes (limit {limit})"
    );
}
