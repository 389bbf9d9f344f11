//! Parsing any text (or a generated hostile rule) never panics, never
//! overflows the stack, and every syntax error's span lies in the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcr_fuzz::rule_input::rule_text;
use pcr_fuzz::spans::assert_span_in;

fuzz_target!(|data: &[u8]| {
    pcr_fuzz::stack_overflow::report_stack_overflows();
    let Some(text) = rule_text(data) else {
        return;
    };
    let parsed = pcr_lang::parse(&text);
    for e in &parsed.errors {
        assert_span_in(e.span, &text, "syntax error");
        assert!(!e.message.is_empty(), "a syntax error without a message");
    }
    if let Err(e) = pcr_lang::parser::parse_expr(&text) {
        assert_span_in(e.span, &text, "expression syntax error");
    }
});
