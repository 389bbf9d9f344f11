//! placeholder
pub mod dimension;
pub mod error;
pub mod format;
pub mod json;
pub mod ratio;
