//! placeholder
pub mod dimension;
pub mod error;
pub mod format;
pub mod json;
pub mod ratio;
pub mod columns;
pub mod eval;
pub mod factors;
pub mod record;
pub mod data;
pub mod result;
pub mod example;
pub mod sample;
