//! A plan is untrusted input: reading and validating any JSON never panics;
//! a plan that validates survives a JSON round trip, runs its worked
//! examples, and evaluates sample data (one product, and a CSV batch)
//! without panicking, allocating without bound or yielding a non-finite
//! number.
//!
//! Input: a first byte 0 means "mutate a plan built from the repository's
//! rules as the rest says" (see `plan_mutation`); otherwise the input is
//! the plan's JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcr_fuzz::finite::{assert_finite_result, assert_json_result};
use pcr_fuzz::hostile_data::{DataShape, HostileData, Magnitude};
use pcr_fuzz::plan_mutation::HostilePlan;
use pcr_fuzz::stdlib_plans::stdlib;
use pcr_plan::batch::{run_csv, BatchOptions, OutputFormat};
use pcr_plan::{ActivityData, Evaluator, Plan};
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    pcr_fuzz::stack_overflow::report_stack_overflows();
    let text: Cow<str> = match data.split_first() {
        Some((0, rest)) => {
            let Some(hostile) = HostilePlan::from_bytes(rest) else {
                return;
            };
            let start = &stdlib().pick(hostile.plan).plan;
            let Ok(mut value) = serde_json::to_value(start) else {
                return;
            };
            hostile.apply(&mut value);
            Cow::Owned(value.to_string())
        }
        _ => match std::str::from_utf8(data) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => return,
        },
    };
    let Ok(plan) = Plan::from_json(&text) else {
        return;
    };
    if let Err(e) = Plan::from_json(&plan.to_json_pretty()) {
        panic!("a valid plan does not read back after writing: {e}");
    }
    let factors = &stdlib().factors;
    for example in &plan.examples {
        let _ = pcr_plan::run_example(&plan, example, factors);
    }
    let sample = HostileData {
        shape: DataShape::Plain,
        magnitude: Magnitude::One,
        size: 0,
        bom: false,
        header_units: false,
        ragged: Vec::new(),
        per_input: Vec::new(),
    };
    if let Ok(activity) = ActivityData::from_json(&sample.json(&plan), &plan, "sample.json") {
        if let Ok(result) = plan.evaluate(&activity, factors) {
            assert_finite_result(&result);
        }
    }
    if let Ok(resolved) = factors.resolve(&plan, &Default::default()) {
        let mut evaluator = Evaluator::new(&plan, resolved);
        let options = BatchOptions {
            format: OutputFormat::Jsonl,
            ..BatchOptions::default()
        };
        let mut out = Vec::new();
        let csv = sample.csv(&plan);
        if run_csv(
            &mut evaluator,
            csv.as_bytes(),
            "sample.csv",
            &mut out,
            &options,
        )
        .is_ok()
        {
            String::from_utf8_lossy(&out)
                .lines()
                .for_each(assert_json_result);
        }
    }
});
