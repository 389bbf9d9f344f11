//! Exact rational numbers for unit conversion factors and dimension exponents.

use std::cmp::Ordering;
use std::fmt;

/// An exact rational `num/den` with `den > 0`, in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i128,
    den: i128,
}

/// The greatest common divisor of `|a|` and `|b|`.
pub(crate) fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

// Checked operations: they return `None` on overflow, so they are not the `std::ops` traits.
#[allow(clippy::should_implement_trait)]
impl Rational {
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    pub const ONE: Rational = Rational { num: 1, den: 1 };

    /// `num/den` in lowest terms; `None` when `den` is zero.
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        let sign = if den < 0 { -1 } else { 1 };
        Some(Rational {
            num: sign * num / g,
            den: sign * den / g,
        })
    }

    pub fn integer(n: i64) -> Rational {
        Rational {
            num: n as i128,
            den: 1,
        }
    }

    pub fn num(self) -> i128 {
        self.num
    }

    pub fn den(self) -> i128 {
        self.den
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    /// Parse a decimal literal as written in PCR: `1_000`, `0.6205`, `2.5e6`.
    pub fn parse_decimal(text: &str) -> Option<Rational> {
        let text: String = text.chars().filter(|c| *c != '_').collect();
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
            None => (text.as_str(), 0),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        let digits = format!("{int_part}{frac_part}");
        let num: i128 = digits.parse().ok()?;
        let scale = exponent - frac_part.len() as i32;
        let ten = Rational::integer(10);
        let factor = ten.pow(scale)?;
        Rational::integer(1)
            .mul(factor)?
            .mul(Rational { num, den: 1 })
    }

    pub fn add(self, other: Rational) -> Option<Rational> {
        let num = self
            .num
            .checked_mul(other.den)?
            .checked_add(other.num.checked_mul(self.den)?)?;
        Rational::new(num, self.den.checked_mul(other.den)?)
    }

    pub fn sub(self, other: Rational) -> Option<Rational> {
        self.add(other.neg())
    }

    pub fn neg(self) -> Rational {
        Rational {
            num: -self.num,
            den: self.den,
        }
    }

    /// The negation; `None` when the numerator is `i128::MIN`.
    pub fn checked_neg(self) -> Option<Rational> {
        Some(Rational {
            num: self.num.checked_neg()?,
            den: self.den,
        })
    }

    pub fn mul(self, other: Rational) -> Option<Rational> {
        let g1 = gcd(self.num, other.den).max(1);
        let g2 = gcd(other.num, self.den).max(1);
        let num = (self.num / g1).checked_mul(other.num / g2)?;
        let den = (self.den / g2).checked_mul(other.den / g1)?;
        Rational::new(num, den)
    }

    pub fn recip(self) -> Option<Rational> {
        Rational::new(self.den, self.num)
    }

    pub fn div(self, other: Rational) -> Option<Rational> {
        self.mul(other.recip()?)
    }

    /// Integer power; `None` on overflow or `0^-n`.
    pub fn pow(self, exp: i32) -> Option<Rational> {
        let mut base = if exp < 0 { self.recip()? } else { self };
        let mut e = exp.unsigned_abs();
        let mut acc = Rational::ONE;
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.mul(base)?;
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(base)?;
            }
        }
        Some(acc)
    }

    pub fn to_f64(self) -> f64 {
        // The same roundings; converting from i64 is one instruction, from i128 a library call.
        match (i64::try_from(self.num), i64::try_from(self.den)) {
            (Ok(n), Ok(d)) => n as f64 / d as f64,
            _ => self.num as f64 / self.den as f64,
        }
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Rational) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Rational) -> Ordering {
        // Compare a/b with c/d by a*d vs c*b, falling back to floats on overflow.
        match (
            self.num.checked_mul(other.den),
            other.num.checked_mul(self.den),
        ) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap_or(Rational::ZERO)
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(Rational::parse_decimal("3.6"), Some(r(18, 5)));
        assert_eq!(Rational::parse_decimal("1_000"), Some(r(1000, 1)));
        assert_eq!(Rational::parse_decimal("2.5e6"), Some(r(2_500_000, 1)));
        assert_eq!(Rational::parse_decimal("0.6205"), Some(r(1241, 2000)));
        assert_eq!(Rational::parse_decimal("5e-3"), Some(r(1, 200)));
    }

    #[test]
    fn arithmetic_in_lowest_terms() {
        assert_eq!(r(1, 3).add(r(1, 6)), Some(r(1, 2)));
        assert_eq!(r(2, 4), r(1, 2));
        assert_eq!(r(1, -2), r(-1, 2));
        assert_eq!(r(2, 3).pow(-2), Some(r(9, 4)));
        assert!(r(1, 3) < r(1, 2));
    }

    proptest! {
        #[test]
        fn multiplying_then_dividing_is_exact(a in 1i64..1_000_000_000, b in 1i64..1_000_000, c in 1i64..1_000_000_000, d in 1i64..1_000_000) {
            let x = r(a as i128, b as i128);
            let f = r(c as i128, d as i128);
            let there = x.mul(f);
            prop_assert!(there.is_some());
            let back = there.and_then(|y| y.div(f));
            prop_assert_eq!(back, Some(x));
        }
    }
}
