//! "Did you mean": the one suggestion in `pcr-units`, shared with plans,
//! re-exported under the compiler's path.

pub use pcr_units::suggest::closest;
