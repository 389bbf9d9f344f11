//! Formatting is idempotent (fmt(fmt(x)) == fmt(x)), formatted text always
//! parses, and checking the formatted text gives the same diagnostic codes
//! as checking the original.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcr_fuzz::checking::{check, codes};
use pcr_fuzz::rule_input::rule_text;
use pcr_lang::format::format_source;

fuzz_target!(|data: &[u8]| {
    pcr_fuzz::stack_overflow::report_stack_overflows();
    let Some(text) = rule_text(data) else {
        return;
    };
    let Ok(once) = format_source(&text) else {
        return;
    };
    let twice = match format_source(&once) {
        Ok(t) => t,
        Err(e) => panic!("the formatted text does not parse: {e}"),
    };
    if once != twice {
        let at = once
            .bytes()
            .zip(twice.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(once.len().min(twice.len()));
        let from = at.saturating_sub(60);
        panic!(
            "formatting is not idempotent at byte {at}:\n once: {:?}\ntwice: {:?}",
            once.get(from..(at + 60).min(once.len())),
            twice.get(from..(at + 60).min(twice.len()))
        );
    }
    let before = codes(&check(&text, false));
    let after = codes(&check(&once, false));
    assert_eq!(before, after, "formatting changed the diagnostic codes");
});
