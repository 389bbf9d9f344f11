//! Dimensions: products of base dimensions with rational exponents.

use crate::rational::Rational;

/// Index of a base dimension in the prelude's table of base dimensions.
pub type BaseId = u16;

/// A dimension, e.g. `CO2e · Mass^-1`. The empty product is `ratio`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Dimension {
    /// Sorted by base, no zero exponents.
    factors: Vec<(BaseId, Rational)>,
}

impl Dimension {
    pub fn none() -> Dimension {
        Dimension::default()
    }

    pub fn base(id: BaseId) -> Dimension {
        Dimension {
            factors: vec![(id, Rational::ONE)],
        }
    }

    pub fn is_none(&self) -> bool {
        self.factors.is_empty()
    }

    pub fn factors(&self) -> &[(BaseId, Rational)] {
        &self.factors
    }

    pub fn exponent(&self, id: BaseId) -> Rational {
        self.factors
            .iter()
            .find(|(b, _)| *b == id)
            .map(|(_, e)| *e)
            .unwrap_or(Rational::ZERO)
    }

    fn combine(&self, other: &Dimension, sign: i64) -> Dimension {
        let mut out: Vec<(BaseId, Rational)> =
            Vec::with_capacity(self.factors.len() + other.factors.len());
        let (mut i, mut j) = (0, 0);
        let scale = |e: Rational| if sign < 0 { e.neg() } else { e };
        while i < self.factors.len() || j < other.factors.len() {
            match (self.factors.get(i), other.factors.get(j)) {
                (Some(a), Some(b)) if a.0 == b.0 => {
                    let e = a.1.add(scale(b.1)).unwrap_or(Rational::ZERO);
                    if !e.is_zero() {
                        out.push((a.0, e));
                    }
                    i += 1;
                    j += 1;
                }
                (Some(a), Some(b)) if a.0 < b.0 => {
                    out.push(*a);
                    i += 1;
                }
                (Some(_), Some(b)) | (None, Some(b)) => {
                    out.push((b.0, scale(b.1)));
                    j += 1;
                }
                (Some(a), None) => {
                    out.push(*a);
                    i += 1;
                }
                (None, None) => break,
            }
        }
        Dimension { factors: out }
    }

    pub fn mul(&self, other: &Dimension) -> Dimension {
        self.combine(other, 1)
    }

    pub fn div(&self, other: &Dimension) -> Dimension {
        self.combine(other, -1)
    }

    pub fn pow(&self, exponent: Rational) -> Dimension {
        Dimension {
            factors: self
                .factors
                .iter()
                .filter_map(|(b, e)| {
                    let e = e.mul(exponent)?;
                    (!e.is_zero()).then_some((*b, e))
                })
                .collect(),
        }
    }
}

/// Write `a^e` products as `A·B²/C`, given names for the atoms.
pub fn format_product(atoms: &[(String, Rational)], dot: &str) -> String {
    let fmt_atom = |name: &str, e: Rational| -> String {
        if e == Rational::ONE {
            name.to_string()
        } else if e.is_integer() {
            format!("{name}^{e}")
        } else {
            format!("{name}^({e})")
        }
    };
    let num: Vec<String> = atoms
        .iter()
        .filter(|(_, e)| *e > Rational::ZERO)
        .map(|(n, e)| fmt_atom(n, *e))
        .collect();
    let den: Vec<String> = atoms
        .iter()
        .filter(|(_, e)| *e < Rational::ZERO)
        .map(|(n, e)| fmt_atom(n, e.neg()))
        .collect();
    let numerator = if num.is_empty() {
        "1".to_string()
    } else {
        num.join(dot)
    };
    match den.len() {
        0 => numerator,
        1 => format!("{numerator}/{}", den[0]),
        _ => format!("{numerator}/({})", den.join(dot)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_cancel() {
        let mass = Dimension::base(0);
        let co2e = Dimension::base(5);
        let per = co2e.div(&mass);
        assert_eq!(per.mul(&mass), co2e);
        assert!(mass.div(&mass).is_none());
        let half = Rational::new(1, 2).unwrap_or(Rational::ONE);
        assert_eq!(mass.pow(half).mul(&mass.pow(half)), mass);
    }
}
