//! Shared parts of pcr's fuzz targets (`fuzz_targets/`): structured
//! hostile inputs, the plans built from the repository's rules, and the
//! invariants the targets assert. See `docs/src/fuzzing.md`.

#![deny(unsafe_code)]

pub mod checking;
pub mod finite;
pub mod hostile_data;
pub mod hostile_rules;
pub mod lsp_script;
pub mod plan_mutation;
pub mod render;
pub mod rule_input;
pub mod spans;
pub mod stack_overflow;
pub mod stdlib_plans;
