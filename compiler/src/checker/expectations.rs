//! Expected types: a value of the type a place needs (E0203), compatible
//! types, and help for a greenhouse gas given where CO2e is expected.

use super::literals::is_zero_literal;
use super::Checker;
use crate::diagnostic::Code;
use crate::dimension::Dimension;
use crate::rational::Rational;
use crate::types::{TExpr, Type};
use std::sync::Arc;

impl Checker<'_, '_> {
    pub fn expect_type(
        &mut self,
        value: &TExpr,
        expected: &Type,
        unit_text: Option<&str>,
        what: impl std::fmt::Display,
    ) -> bool {
        if self.compatible(&value.ty, expected)
            || is_zero_literal(value) && matches!(expected, Type::Quantity(_))
        {
            return true;
        }
        let expected_text = match (expected, unit_text) {
            (Type::Quantity(d), Some(u)) if !d.is_none() => {
                format!("{} ({u})", self.world.dimension_name(d))
            }
            _ => self.describe(expected),
        };
        // A literal's unit as written (`kgCO2/kWh`), not the canonical `kgCO2/J`.
        let written = self
            .text
            .get(value.span.range())
            .and_then(|t| crate::types::written_unit(t, |u| self.world.units.contains_key(u)));
        let found = match (&value.ty, written) {
            (Type::Quantity(d), Some(u)) if !d.is_none() => {
                format!("{} ({u})", self.world.dimension_name(d))
            }
            _ => self.describe(&value.ty),
        };
        let mut d = self.error(
            Code::DeclaredTypeMismatch,
            value.span,
            format!("{what} is declared {expected_text}, but the value is {found}"),
            format!("this is {found}"),
        );
        if let (Type::Quantity(exp), Type::Quantity(got)) = (expected, &value.ty) {
            if let Some(help) = self.gas_help(exp, got) {
                d = d.with_help(help);
            }
        }
        self.push(d);
        false
    }

    /// When `got` is a gas where `expected` has CO2e: point to `gwp.X`.
    pub fn gas_help(&self, expected: &Dimension, got: &Dimension) -> Option<String> {
        let co2e = self.world.co2e()?;
        let ratio = expected.div(got)?;
        // ratio = CO2e / Gas  →  multiply by gwp.Gas
        if ratio.factor_count() == 2 && ratio.exponent(co2e) == Rational::ONE {
            let (gas, e) = ratio.factors().find(|(b, _)| *b != co2e)?;
            if e == Rational::ONE.neg() {
                let name = &self.world.bases.get(gas as usize)?.name;
                // Only a gas the rule's GWP set characterises has a `gwp.X`
                // (a dimension the rule declares itself, such as `Pt`, has none).
                if !self.characterised(name) {
                    return None;
                }
                return Some(format!(
                    "{name} is a mass of gas, not CO2e: multiply by `gwp.{name}` to characterise it with the rule's GWP set"
                ));
            }
        }
        None
    }

    /// Whether `gwp.{gas}` exists: the gas is in the rule's GWP set (outside a
    /// rule, or with an unknown set, in any of the prelude's sets).
    pub(super) fn characterised(&self, gas: &str) -> bool {
        let set = self
            .rule
            .as_ref()
            .and_then(|r| r.gwp.as_ref())
            .and_then(|g| self.world.gwp_sets.get(g));
        match set {
            Some(set) => set.values.iter().any(|v| v.gas == gas),
            None => self
                .world
                .gwp_sets
                .values()
                .any(|set| set.values.iter().any(|v| v.gas == gas)),
        }
    }

    pub fn compatible(&self, a: &Type, b: &Type) -> bool {
        match (a, b) {
            (Type::Error, _) | (_, Type::Error) => true,
            (Type::Quantity(x), Type::Quantity(y)) => x == y,
            (Type::Enum(x), Type::Enum(y)) => x == y,
            (Type::List(x), Type::List(y)) | (Type::Record(x), Type::Record(y)) => {
                Arc::ptr_eq(x, y) || x == y
            }
            (Type::Bool, Type::Bool) | (Type::Text, Type::Text) => true,
            _ => false,
        }
    }
}
