//! # pcr-plan: calculation plans for product carbon-footprint rules
//!
//! A compiled PCR rule is a **plan** (`"format": "pcr-plan/2"`, JSON): the
//! rule's identity, the unit table needed to read data, the inputs, the
//! factors (literal or factor-database keys), a DAG of operations in
//! canonical units, the emissions with their stage and category, grades and
//! worked examples. This crate is all a calculator needs: it depends on
//! nothing of the compiler.
//!
//! | module | what |
//! |---|---|
//! | [`format`] | the plan types ([`Plan`], [`Node`], [`Input`], [`Factor`], …) |
//! | [`dimension`] | [`Dimension`], [`UnitTable`], unit-expression and quantity parsing (from `pcr-units`) |
//! | [`data`] | [`ActivityData`]: one product's JSON activity data |
//! | [`factors`] | [`FactorDb`]: factor databases (CSV) and factor resolution |
//! | [`eval`] | the column-wise [`Evaluator`] |
//! | [`batch`] | streaming CSV → CSV / JSON lines |
//! | [`number`] | how result numbers are printed (15 significant digits, shortest form) |
//! | [`result`] | [`ProductResult`] and provenance |
//! | [`example`] | [`run_example`] for a plan's worked examples |
//! | [`error`] | [`DataError`] / [`DataErrors`] (miette diagnostics; `to_json` in `error_json.rs`) |
//! | [`data_code`] | [`DataCode`]: the registry of data-error codes (`D0101` …) and their explanations |
//! | [`validate`] | [`Plan::validate`]: every index, size and number of an untrusted plan |
//! | [`schema`] | the JSON Schema of the plan format |
//! | [`sample`] | the worked example of the language reference as a plan |
//!
//! Values at run time are `f64` in canonical units (kg, m, s, J = kg·m²/s²,
//! kgCO2e, …); booleans are `1.0`/`0.0` and enum values variant indexes.
//! An emission node yields kgCO2e per canonical declared-unit dimension; the
//! reported value is that times `declared_unit.canonical`.
//!
//! ```
//! use pcr_plan::{ActivityData, FactorDb, Plan};
//!
//! // A tiny plan: one input, one literal factor, one emission.
//! let plan = Plan::from_json(r#"{
//!   "format": "pcr-plan/2",
//!   "rule": {"name": "widget", "version": "1.0.0", "title": "小部件", "title_en": "Widget",
//!            "source_sha256": "00", "boundary": "cradle_to_gate", "gwp": "ar6",
//!            "cutoff": {"item": 0.01, "total": 0.05}},
//!   "declared_unit": {"amount": 1, "unit": "piece", "dimension": {"Count": 1}, "canonical": 1},
//!   "units": {"piece": {"factor": 1, "dimension": {"Count": 1}},
//!             "kWh": {"factor": 3600000, "dimension": {"Mass": 1, "Length": 2, "Time": -2}},
//!             "MWh": {"factor": 3600000000, "dimension": {"Mass": 1, "Length": 2, "Time": -2}},
//!             "kgCO2e": {"factor": 1, "dimension": {"CO2e": 1}}},
//!   "inputs": [{"name": "electricity", "kind": {"type": "quantity",
//!               "dimension": {"Mass": 1, "Length": 2, "Time": -2}, "unit": "kWh", "factor": 3600000}}],
//!   "factors": [{"name": "grid", "unit": "kgCO2e/kWh", "dimension": {"CO2e": 1, "Mass": -1, "Length": -2, "Time": 2},
//!                "factor": 2.7777777777777776e-7,
//!                "value": {"kind": "literal", "value": 1.6666666666666665e-7, "value_in_unit": 0.6, "source": "illustrative"}}],
//!   "nodes": [{"op": "input", "input": 0}, {"op": "factor", "factor": 0}, {"op": "mul", "a": 0, "b": 1}],
//!   "stages": [{"name": "production", "title_zh": "生产", "title_en": "production", "in_footprint": true}],
//!   "emissions": [{"name": "electricity", "stage": "production", "category": "fossil", "node": 2}],
//!   "categories": ["fossil"]
//! }"#).unwrap();
//!
//! let data = ActivityData::from_json(r#"{"electricity": "1.5 MWh"}"#, &plan, "data.json").unwrap();
//! let result = plan.evaluate(&data, &FactorDb::new()).unwrap();
//! println!("footprint: {} kgCO2e", result.footprint);
//! assert!((result.footprint - 900.0).abs() < 1e-9);
//!
//! // Bad data never yields a number.
//! let err = ActivityData::from_json(r#"{"electricity": "3 kg"}"#, &plan, "data.json").unwrap_err();
//! assert!(err.errors[0].to_string().contains("line 1, column 17"));
//! ```
//!
//! Batches: build an [`Evaluator`] from [`FactorDb::resolve`] and call
//! [`batch::run_csv`], or fill [`columns::InputColumns`] yourself and call
//! [`Evaluator::evaluate_batch`].
#![cfg_attr(not(test), deny(clippy::panic, clippy::unreachable))]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod batch;
pub mod columns;
pub mod data;
pub mod data_code;
pub mod dimension;
pub mod error;
mod error_json;
pub mod eval;
pub mod example;
pub mod factors;
pub mod format;
pub mod json;
pub mod number;
pub mod record;
pub mod result;
pub mod round;
pub mod sample;
pub mod schema;
pub mod validate;

pub use data::ActivityData;
pub use data_code::DataCode;
pub use dimension::{parse_quantity, Dimension, Unit, UnitTable};
pub use error::{DataError, DataErrorKind, DataErrors};
pub use eval::{BatchResults, Evaluator};
pub use example::{run_example, ExampleOutcome};
pub use factors::{FactorDb, ResolvedFactors};
pub use format::{Factor, Input, InputKind, Node, Plan, PlanError};
pub use pcr_units::Rational;
pub use result::ProductResult;
