//! Dimensions as plans write them: base-dimension name → non-zero exponent.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rational::Rational;

/// An exponent that does not fit: the exact result of an operation on
/// exponents has a numerator or denominator beyond 128 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExponentOverflow {
    /// Left operand.
    pub a: Rational,
    /// `+` or `*`.
    pub op: char,
    /// Right operand.
    pub b: Rational,
}

impl fmt::Display for ExponentOverflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rational exponent overflow: {} {} {} does not fit in 128 bits",
            self.a, self.op, self.b
        )
    }
}

impl std::error::Error for ExponentOverflow {}

fn checked_add(a: Rational, b: Rational) -> Result<Rational, ExponentOverflow> {
    a.add(b).ok_or(ExponentOverflow { a, op: '+', b })
}

fn checked_mul(a: Rational, b: Rational) -> Result<Rational, ExponentOverflow> {
    a.mul(b).ok_or(ExponentOverflow { a, op: '*', b })
}

/// A dimension: base-dimension name → non-zero rational exponent.
///
/// The empty map is the dimensionless `ratio`. Serialised as a JSON object,
/// e.g. `{"Mass": 1, "Length": 2, "Time": -2}` for energy.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default, Hash)]
#[serde(transparent)]
pub struct Dimension(pub BTreeMap<String, Rational>);

impl Dimension {
    /// The dimensionless dimension.
    pub fn none() -> Dimension {
        Dimension::default()
    }

    /// A base dimension to the power one.
    pub fn base(name: &str) -> Dimension {
        let mut m = BTreeMap::new();
        m.insert(name.to_string(), Rational::ONE);
        Dimension(m)
    }

    /// Builds a dimension from `(base, integer exponent)` pairs, each base
    /// named once (a later pair for the same base replaces an earlier one).
    pub fn from_pairs(pairs: &[(&str, i64)]) -> Dimension {
        Dimension(
            pairs
                .iter()
                .filter(|(_, e)| *e != 0)
                .map(|(n, e)| (n.to_string(), Rational::integer(*e)))
                .collect(),
        )
    }

    /// Whether this is dimensionless.
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }

    /// Product of two dimensions; an error when an exponent does not fit.
    pub fn mul(&self, other: &Dimension) -> Result<Dimension, ExponentOverflow> {
        let mut m = self.0.clone();
        for (k, v) in &other.0 {
            let e = m.get(k).copied().unwrap_or(Rational::ZERO);
            let e = checked_add(e, *v)?;
            if e.is_zero() {
                m.remove(k);
            } else {
                m.insert(k.clone(), e);
            }
        }
        Ok(Dimension(m))
    }

    /// Quotient of two dimensions; an error when an exponent does not fit.
    pub fn div(&self, other: &Dimension) -> Result<Dimension, ExponentOverflow> {
        self.mul(&other.pow(Rational::integer(-1))?)
    }

    /// Power; an error when an exponent does not fit.
    pub fn pow(&self, e: Rational) -> Result<Dimension, ExponentOverflow> {
        if e.is_zero() {
            return Ok(Dimension::none());
        }
        self.0
            .iter()
            .map(|(k, v)| Ok((k.clone(), checked_mul(*v, e)?)))
            .collect::<Result<_, _>>()
            .map(Dimension)
    }
}

impl fmt::Display for Dimension {
    /// `Mass*Length^2/Time^2`, `ratio` when dimensionless.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("ratio");
        }
        let pos: Vec<_> = self.0.iter().filter(|(_, e)| e.num() > 0).collect();
        let neg: Vec<_> = self.0.iter().filter(|(_, e)| e.num() < 0).collect();
        let term = |(n, e): &(&String, &Rational)| -> String {
            if **e == Rational::ONE {
                n.to_string()
            } else if e.is_integer() {
                format!("{n}^{e}")
            } else {
                format!("{n}^({e})")
            }
        };
        if pos.is_empty() {
            f.write_str("1")?;
        } else {
            let s: Vec<String> = pos.iter().map(term).collect();
            f.write_str(&s.join("*"))?;
        }
        for (n, e) in neg {
            match e.checked_neg() {
                Some(p) => {
                    f.write_str("/")?;
                    f.write_str(&term(&(n, &p)))?;
                }
                // `i128::MIN` has no positive counterpart: write it as is.
                None => write!(f, "*{n}^({e})")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_display() {
        let e = Dimension::from_pairs(&[("Mass", 1), ("Length", 2), ("Time", -2)]);
        assert_eq!(e.to_string(), "Length^2*Mass/Time^2");
        assert_eq!(Dimension::none().to_string(), "ratio");
        let json = serde_json::to_string(
            &Dimension::base("Mass")
                .pow(Rational::new(1, 2).unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(json, r#"{"Mass":"1/2"}"#);
    }

    #[test]
    fn exponent_overflow_is_refused_not_saturated() {
        let huge = Dimension::base("Mass")
            .pow(Rational::new(i128::MAX / 2, 1).unwrap())
            .unwrap();
        let e = huge.mul(&huge).and_then(|d| d.mul(&huge)).unwrap_err();
        assert!(e.to_string().contains("overflow"), "{e}");
    }
}
