//! Dimensions, the unit table of a plan, unit expressions (`kgCO2e/kWh`,
//! `t*km`, `kgCO2e/(t*km)`) and quantity strings (`"450 MWh"`, `"5%"`): written
//! once in `pcr-units`, shared with the compiler, re-exported here so a
//! calculator needs only this crate.

pub use pcr_units::dimension::{Dimension, ExponentOverflow};
pub use pcr_units::unit_expr::{
    parse_quantity, split_quantity, QuantityText, Unit, UnitError, UnitTable, UnitValue,
};
