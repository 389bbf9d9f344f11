//! Exact rationals for unit factors and exponents: the one type in
//! `pcr-units`, shared with plans, re-exported under the compiler's path.

pub use pcr_units::rational::{gcd, Rational};
