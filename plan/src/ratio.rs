//! A small exact rational number, used for dimension exponents.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact rational `num/den` with `den > 0`, always in lowest terms.
///
/// Serialised as a JSON integer when the denominator is 1 and as a string
/// `"n/d"` otherwise (`"1/2"`, `"-3/2"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ratio {
    num: i64,
    den: i64,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// An exponent that does not fit: the exact result of an operation on
/// [`Ratio`]s has a numerator or denominator beyond `i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("rational exponent overflow: {a} {op} {b} does not fit in 64 bits")]
pub struct RatioOverflow {
    /// Left operand.
    pub a: Ratio,
    /// `+` or `*`.
    pub op: char,
    /// Right operand.
    pub b: Ratio,
}

impl Ratio {
    /// Zero.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// One.
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num/den` in lowest terms; `None` when `den == 0` or when the
    /// normalised value does not fit (`i64::MIN / -1`).
    pub fn new(num: i64, den: i64) -> Option<Ratio> {
        Ratio::from_wide(i128::from(num), i128::from(den))
    }

    fn from_wide(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        let (mut n, mut d) = (num / g, den / g);
        if d < 0 {
            n = -n;
            d = -d;
        }
        Some(Ratio {
            num: i64::try_from(n).ok()?,
            den: i64::try_from(d).ok()?,
        })
    }

    /// An integer.
    pub const fn int(n: i64) -> Ratio {
        Ratio { num: n, den: 1 }
    }

    /// The numerator.
    pub fn numer(self) -> i64 {
        self.num
    }

    /// The (positive) denominator.
    pub fn denom(self) -> i64 {
        self.den
    }

    /// Whether this is zero.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// Whether the denominator is one.
    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    /// The exact sum, or an error when it does not fit.
    pub fn checked_add(self, o: Ratio) -> Result<Ratio, RatioOverflow> {
        let (a, b, c, d) = (
            i128::from(self.num),
            i128::from(self.den),
            i128::from(o.num),
            i128::from(o.den),
        );
        // |a·d + c·b| < 2^127 and |b·d| < 2^126: no i128 overflow.
        Ratio::from_wide(a * d + c * b, b * d).ok_or(RatioOverflow {
            a: self,
            op: '+',
            b: o,
        })
    }

    /// The exact product, or an error when it does not fit.
    pub fn checked_mul(self, o: Ratio) -> Result<Ratio, RatioOverflow> {
        Ratio::from_wide(
            i128::from(self.num) * i128::from(o.num),
            i128::from(self.den) * i128::from(o.den),
        )
        .ok_or(RatioOverflow {
            a: self,
            op: '*',
            b: o,
        })
    }

    /// The negation, or `None` for `i64::MIN`.
    pub fn checked_neg(self) -> Option<Ratio> {
        Some(Ratio {
            num: self.num.checked_neg()?,
            den: self.den,
        })
    }

    /// As a float.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

impl std::str::FromStr for Ratio {
    type Err = String;
    fn from_str(s: &str) -> Result<Ratio, String> {
        let s = s.trim();
        let bad = || format!("malformed rational `{s}`");
        match s.split_once('/') {
            Some((n, d)) => {
                let n: i64 = n.trim().parse().map_err(|_| bad())?;
                let d: i64 = d.trim().parse().map_err(|_| bad())?;
                Ratio::new(n, d).ok_or_else(bad)
            }
            None => s.parse::<i64>().map(Ratio::int).map_err(|_| bad()),
        }
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.den == 1 {
            s.serialize_i64(self.num)
        } else {
            s.serialize_str(&self.to_string())
        }
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ratio, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Ratio;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string \"n/d\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Ratio, E> {
                Ok(Ratio::int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Ratio, E> {
                i64::try_from(v).map(Ratio::int).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Ratio, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_serialises() {
        let r = Ratio::new(2, -4).unwrap();
        assert_eq!(r.to_string(), "-1/2");
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"-1/2\"");
        assert_eq!(serde_json::to_string(&Ratio::int(3)).unwrap(), "3");
        let back: Ratio = serde_json::from_str("\"3/6\"").unwrap();
        assert_eq!(back, Ratio::new(1, 2).unwrap());
        let back: Ratio = serde_json::from_str("-2").unwrap();
        assert_eq!(back, Ratio::int(-2));
        assert!(Ratio::new(1, 0).is_none());
        assert_eq!(
            Ratio::new(1, 2)
                .unwrap()
                .checked_add(Ratio::new(1, 2).unwrap()),
            Ok(Ratio::ONE)
        );
    }

    #[test]
    fn overflow_is_refused_never_saturated() {
        let big = Ratio::int(i64::MAX);
        let e = big.checked_add(Ratio::ONE).unwrap_err();
        assert!(e.to_string().contains("overflow"), "{e}");
        assert!(big.checked_mul(Ratio::int(2)).is_err());
        let tiny = Ratio::new(1, i64::MAX).unwrap();
        assert!(tiny.checked_mul(Ratio::new(1, 3).unwrap()).is_err());
        assert!(tiny.checked_add(Ratio::new(1, 3).unwrap()).is_err());
        // Exact results that fit still work, even through large intermediates.
        assert_eq!(tiny.checked_mul(Ratio::int(i64::MAX)), Ok(Ratio::ONE));
        assert!(Ratio::new(i64::MIN, -1).is_none());
        assert_eq!(Ratio::new(i64::MIN, 2), Some(Ratio::int(i64::MIN / 2)));
        assert!("-9223372036854775808/-1".parse::<Ratio>().is_err());
        assert!(Ratio::int(i64::MIN).checked_neg().is_none());
    }
}
