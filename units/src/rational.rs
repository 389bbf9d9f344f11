//! Exact rational numbers for unit conversion factors and dimension exponents.
//!
//! The compiler computes unit factors and GWP values with them (128-bit, so
//! `GWh/mg` stays exact); plans write dimension exponents with them, as a JSON
//! integer when the denominator is 1 and as a string `"n/d"` otherwise
//! (`"1/2"`, `"-3/2"`), within 64 bits.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact rational `num/den` with `den > 0`, in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i128,
    den: i128,
}

/// The greatest common divisor of `|a|` and `|b|` (`|i128::MIN|` included).
pub fn gcd(a: i128, b: i128) -> u128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
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

    /// `num/den` in lowest terms; `None` when `den` is zero or the value
    /// does not fit (`i128::MIN / -1`).
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 {
            return None;
        }
        if num == 0 {
            return Some(Rational::ZERO);
        }
        if num == den {
            return Some(Rational::ONE);
        }
        // Both multiples of 2^127 means both are `i128::MIN`, handled above.
        let g = i128::try_from(gcd(num, den).max(1)).ok()?;
        let (num, den) = (num / g, den / g);
        if den < 0 {
            Some(Rational {
                num: num.checked_neg()?,
                den: den.checked_neg()?,
            })
        } else {
            Some(Rational { num, den })
        }
    }

    /// An integer.
    pub const fn integer(n: i64) -> Rational {
        Rational {
            num: n as i128,
            den: 1,
        }
    }

    /// The numerator.
    pub fn num(self) -> i128 {
        self.num
    }

    /// The (positive) denominator.
    pub fn den(self) -> i128 {
        self.den
    }

    /// Whether numerator and denominator fit in 64 bits, the width plans
    /// write exponents in.
    pub fn fits_64_bits(self) -> bool {
        i64::try_from(self.num).is_ok() && i64::try_from(self.den).is_ok()
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
        let g1 = i128::try_from(gcd(self.num, other.den).max(1)).ok()?;
        let g2 = i128::try_from(gcd(other.num, self.den).max(1)).ok()?;
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

impl std::str::FromStr for Rational {
    type Err = String;
    /// `3`, `-1/2`, `6/4` (normalised to `3/2`).
    fn from_str(s: &str) -> Result<Rational, String> {
        let s = s.trim();
        let bad = || format!("malformed rational `{s}`");
        match s.split_once('/') {
            Some((n, d)) => {
                let n: i128 = n.trim().parse().map_err(|_| bad())?;
                let d: i128 = d.trim().parse().map_err(|_| bad())?;
                Rational::new(n, d).ok_or_else(bad)
            }
            None => s
                .parse::<i128>()
                .ok()
                .and_then(|n| Rational::new(n, 1))
                .ok_or_else(bad),
        }
    }
}

impl Serialize for Rational {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match i64::try_from(self.num) {
            Ok(n) if self.den == 1 => s.serialize_i64(n),
            _ => s.serialize_str(&self.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Rational {
    /// An integer or a string `"n/d"`; plans keep exponents within 64 bits,
    /// so a wider one is refused, never rounded.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rational, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Rational;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string \"n/d\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Rational, E> {
                Ok(Rational::integer(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Rational, E> {
                i64::try_from(v).map(Rational::integer).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Rational, E> {
                let r: Rational = v.parse().map_err(E::custom)?;
                if r.fits_64_bits() {
                    Ok(r)
                } else {
                    Err(E::custom(format!(
                        "the rational `{v}` does not fit in 64 bits"
                    )))
                }
            }
        }
        d.deserialize_any(V)
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

    #[test]
    fn plans_write_integers_as_numbers_and_fractions_as_strings() {
        let half = r(-2, 4);
        assert_eq!(half.to_string(), "-1/2");
        assert_eq!(serde_json::to_string(&half).unwrap(), "\"-1/2\"");
        assert_eq!(serde_json::to_string(&Rational::integer(3)).unwrap(), "3");
        let back: Rational = serde_json::from_str("\"3/6\"").unwrap();
        assert_eq!(back, r(1, 2));
        let back: Rational = serde_json::from_str("-2").unwrap();
        assert_eq!(back, Rational::integer(-2));
        assert!("1/0".parse::<Rational>().is_err());
        assert!("x".parse::<Rational>().is_err());
        let wide = format!("\"{}\"", i128::from(i64::MAX) + 1);
        let refused = serde_json::from_str::<Rational>(&wide).unwrap_err();
        assert!(refused.to_string().contains("64 bits"), "{refused}");
    }

    #[test]
    fn overflow_is_refused_never_saturated() {
        let big = Rational::new(i128::MAX, 1).unwrap();
        assert_eq!(big.add(Rational::ONE), None);
        assert_eq!(big.mul(Rational::integer(2)), None);
        let tiny = Rational::new(1, i128::MAX).unwrap();
        assert_eq!(tiny.mul(r(1, 3)), None);
        // Exact results that fit still work, even through large factors.
        assert_eq!(tiny.mul(big), Some(Rational::ONE));
        assert_eq!(Rational::new(i128::MIN, 1).unwrap().checked_neg(), None);
        assert_eq!(Rational::new(i128::MIN, -1), None);
        assert_eq!(Rational::new(i128::MIN, i128::MIN), Some(Rational::ONE));
        assert_eq!(
            Rational::new(i128::MIN, 2),
            Rational::integer(i64::MIN)
                .mul(Rational::integer(i64::MIN))
                .map(Rational::neg)
        );
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
