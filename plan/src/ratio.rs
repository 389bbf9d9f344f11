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

fn gcd(mut a: i64, mut b: i64) -> i64 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

impl Ratio {
    /// Zero.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// One.
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num/den` in lowest terms; `None` when `den == 0`.
    pub fn new(num: i64, den: i64) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        let (mut n, mut d) = (num / g, den / g);
        if d < 0 {
            n = -n;
            d = -d;
        }
        Some(Ratio { num: n, den: d })
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

    fn plus(self, o: Ratio) -> Ratio {
        let num = self
            .num
            .saturating_mul(o.den)
            .saturating_add(o.num.saturating_mul(self.den));
        let den = self.den.saturating_mul(o.den);
        Ratio::new(num, den).unwrap_or(Ratio::ZERO)
    }

    fn times(self, o: Ratio) -> Ratio {
        Ratio::new(
            self.num.saturating_mul(o.num),
            self.den.saturating_mul(o.den),
        )
        .unwrap_or(Ratio::ZERO)
    }

    fn negated(self) -> Ratio {
        Ratio {
            num: -self.num,
            den: self.den,
        }
    }

    /// As a float.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

/// Sum (saturating on the unlikely overflow).
impl std::ops::Add for Ratio {
    type Output = Ratio;
    fn add(self, o: Ratio) -> Ratio {
        self.plus(o)
    }
}

/// Product (saturating on the unlikely overflow).
impl std::ops::Mul for Ratio {
    type Output = Ratio;
    fn mul(self, o: Ratio) -> Ratio {
        self.times(o)
    }
}

/// Negation.
impl std::ops::Neg for Ratio {
    type Output = Ratio;
    fn neg(self) -> Ratio {
        self.negated()
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
            Ratio::new(1, 2).unwrap() + Ratio::new(1, 2).unwrap(),
            Ratio::ONE
        );
    }
}
