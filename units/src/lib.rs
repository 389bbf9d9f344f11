//! What the PCR compiler and calculation plans both need, written once.
//!
//! | module | owns |
//! |---|---|
//! | [`rational`] | the exact [`Rational`]: unit factors, exponents, decimal literals |
//! | [`dimension`] | [`Dimension`] as plans write it: base name → exponent |
//! | [`unit_expr`] | the [`UnitTable`] of a plan, unit-expression and quantity parsing |
//! | [`suggest`] | "did you mean": the closest known name |
//!
//! This crate depends on nothing of pcr, so `pcr-plan` can use it and still
//! depend on nothing of the compiler or the language.
#![cfg_attr(not(test), deny(clippy::panic, clippy::unreachable))]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod dimension;
pub mod rational;
pub mod suggest;
pub mod unit_expr;

pub use dimension::{Dimension, ExponentOverflow};
pub use rational::Rational;
pub use unit_expr::{
    parse_quantity, split_quantity, QuantityText, Unit, UnitError, UnitTable, UnitValue,
};
