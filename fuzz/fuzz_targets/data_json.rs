//! One product's JSON activity data against plans built from the
//! repository's rules: reading and evaluating never panics, a result never
//! holds a non-finite number, its JSON has numbers where numbers go, and
//! rendered errors stay in proportion to the data.
//!
//! Input: a selector byte (low 7 bits: the plan; high bit: generate
//! hostile data from the rest instead of reading the rest as JSON).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcr_fuzz::finite::{assert_finite_result, assert_json_result};
use pcr_fuzz::hostile_data::HostileData;
use pcr_fuzz::render::render_data_errors;
use pcr_fuzz::stdlib_plans::stdlib;
use pcr_plan::ActivityData;
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    pcr_fuzz::stack_overflow::report_stack_overflows();
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let stdlib = stdlib();
    let built = stdlib.pick(selector & 0x7f);
    let text: Cow<str> = if selector & 0x80 != 0 {
        match HostileData::from_bytes(rest) {
            Some(h) => Cow::Owned(h.json(&built.plan)),
            None => return,
        }
    } else {
        match std::str::from_utf8(rest) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => return,
        }
    };
    let activity = match ActivityData::from_json(&text, &built.plan, "data.json") {
        Ok(a) => a,
        Err(e) => {
            render_data_errors(&e, text.len());
            return;
        }
    };
    match built.plan.evaluate(&activity, &stdlib.factors) {
        Ok(result) => {
            assert_finite_result(&result);
            match serde_json::to_string(&result) {
                Ok(json) => assert_json_result(&json),
                Err(e) => panic!("a result does not serialise: {e}"),
            }
        }
        Err(e) => {
            render_data_errors(&e, text.len());
        }
    }
});
