//! The unit table of a plan and the parser for unit expressions
//! (`kgCO2e/kWh`, `t*km`, `kg/m3`, `m^2`, `kgCO2e/(t*km)`) and quantity
//! strings (`"450 MWh"`, `"5%"`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dimension::{Dimension, ExponentOverflow};
use crate::rational::Rational;
use crate::suggest::closest;

/// One unit of the unit table: multiply a value in this unit by `factor` to
/// get the canonical value of its dimension.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Unit {
    /// Conversion factor to the canonical unit of `dimension`.
    pub factor: f64,
    /// The unit's dimension.
    pub dimension: Dimension,
}

/// The unit table a calculator needs to read data: unit name → [`Unit`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(transparent)]
pub struct UnitTable(pub BTreeMap<String, Unit>);

/// A parsed unit expression: its factor to canonical and its dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitValue {
    /// Conversion factor to canonical units.
    pub factor: f64,
    /// Dimension of the expression.
    pub dimension: Dimension,
}

/// Why a unit expression or quantity string could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitError {
    /// An atom that is not in the unit table.
    UnknownUnit {
        /// The atom.
        name: String,
        /// A close unit name, if any.
        suggestion: Option<String>,
    },
    /// Bad syntax in a unit expression.
    Syntax {
        /// The expression.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// The number part of a quantity is malformed.
    MalformedNumber {
        /// The text.
        text: String,
    },
    /// NaN or an infinity.
    NotFinite {
        /// The text.
        text: String,
    },
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::UnknownUnit { name, .. } => write!(f, "unknown unit `{name}`"),
            UnitError::Syntax { text, reason } => {
                write!(f, "malformed unit expression `{text}`: {reason}")
            }
            UnitError::MalformedNumber { text } => write!(f, "malformed number `{text}`"),
            UnitError::NotFinite { text } => write!(f, "`{text}` is not a finite number"),
        }
    }
}

impl std::error::Error for UnitError {}

impl UnitTable {
    /// An empty table.
    pub fn new() -> UnitTable {
        UnitTable::default()
    }

    /// Adds a unit.
    pub fn insert(&mut self, name: &str, factor: f64, dimension: Dimension) {
        self.0.insert(name.to_string(), Unit { factor, dimension });
    }

    /// Looks up a unit atom.
    pub fn get(&self, name: &str) -> Option<&Unit> {
        self.0.get(name)
    }

    /// Parses a unit expression: atoms from this table, `*` (or `·`), `/`,
    /// integer powers `^2` / `^-1`, parentheses. `1` is the unit one.
    pub fn parse(&self, text: &str) -> Result<UnitValue, UnitError> {
        let mut p = UnitParser {
            table: self,
            text,
            chars: text.char_indices().collect(),
            pos: 0,
        };
        let v = p.product()?;
        p.skip_ws();
        if p.pos < p.chars.len() {
            return Err(p.err(&format!("unexpected `{}`", p.chars[p.pos].1)));
        }
        Ok(v)
    }

    /// A unit name close to `name`, for "did you mean" help.
    pub fn suggest(&self, name: &str) -> Option<String> {
        closest(name, self.0.keys().map(String::as_str)).map(str::to_string)
    }
}

struct UnitParser<'a> {
    table: &'a UnitTable,
    text: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
}

impl UnitParser<'_> {
    fn err(&self, reason: &str) -> UnitError {
        UnitError::Syntax {
            text: self.text.to_string(),
            reason: reason.to_string(),
        }
    }
    fn overflow(&self, e: ExponentOverflow) -> UnitError {
        self.err(&format!("its dimension overflows ({e})"))
    }
    /// A conversion factor that is a finite, non-zero number, or an error
    /// (`t^400` would otherwise be infinite, `t^-400` zero).
    fn finite(&self, factor: f64) -> Result<f64, UnitError> {
        if factor.is_finite() && factor != 0.0 {
            Ok(factor)
        } else {
            Err(self.err("its conversion factor overflows"))
        }
    }
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|c| c.1)
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }
    fn product(&mut self) -> Result<UnitValue, UnitError> {
        let mut acc = self.power()?;
        loop {
            self.skip_ws();
            match self.peek() {
                Some('*' | '·' | '⋅') => {
                    self.pos += 1;
                    let r = self.power()?;
                    acc = UnitValue {
                        factor: self.finite(acc.factor * r.factor)?,
                        dimension: acc
                            .dimension
                            .mul(&r.dimension)
                            .map_err(|e| self.overflow(e))?,
                    };
                }
                Some('/') => {
                    self.pos += 1;
                    let r = self.power()?;
                    acc = UnitValue {
                        factor: self.finite(acc.factor / r.factor)?,
                        dimension: acc
                            .dimension
                            .div(&r.dimension)
                            .map_err(|e| self.overflow(e))?,
                    };
                }
                _ => return Ok(acc),
            }
        }
    }
    fn power(&mut self) -> Result<UnitValue, UnitError> {
        let base = self.primary()?;
        self.skip_ws();
        if self.peek() != Some('^') {
            return Ok(base);
        }
        self.pos += 1;
        self.skip_ws();
        let start = self.pos;
        if matches!(self.peek(), Some('-' | '+')) {
            self.pos += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let s: String = self.chars[start..self.pos].iter().map(|c| c.1).collect();
        let e: i32 = s
            .parse()
            .map_err(|_| self.err("expected an integer exponent after `^`"))?;
        Ok(UnitValue {
            factor: self.finite(base.factor.powi(e))?,
            dimension: base
                .dimension
                .pow(Rational::integer(i64::from(e)))
                .map_err(|e| self.overflow(e))?,
        })
    }
    fn primary(&mut self) -> Result<UnitValue, UnitError> {
        self.skip_ws();
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let v = self.product()?;
                self.skip_ws();
                if self.peek() != Some(')') {
                    return Err(self.err("expected `)`"));
                }
                self.pos += 1;
                Ok(v)
            }
            Some('1') => {
                self.pos += 1;
                Ok(UnitValue {
                    factor: 1.0,
                    dimension: Dimension::none(),
                })
            }
            Some(c) if c.is_alphabetic() || c == '_' || c == '%' => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '%')
                {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().map(|c| c.1).collect();
                match self.table.get(&name) {
                    Some(u) => Ok(UnitValue {
                        factor: u.factor,
                        dimension: u.dimension.clone(),
                    }),
                    None if name == "%" => Ok(UnitValue {
                        factor: 0.01,
                        dimension: Dimension::none(),
                    }),
                    None => Err(UnitError::UnknownUnit {
                        suggestion: self.table.suggest(&name),
                        name,
                    }),
                }
            }
            Some(c) => Err(self.err(&format!("unexpected `{c}`"))),
            None => Err(self.err("expected a unit")),
        }
    }
}

/// A quantity read from text: the number as written and the unit part.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantityText<'a> {
    /// The number as written (before unit conversion).
    pub number: f64,
    /// The unit expression (trimmed), `None` when the text is a bare number.
    pub unit: Option<&'a str>,
    /// Whether the text ended in `%` (the number is then already divided by 100).
    pub percent: bool,
}

/// Splits `"450 MWh"` into `450` and `"MWh"`, `"5%"` into `0.05` (percent),
/// `"12"` into `12` and no unit. Rejects NaN and infinities.
pub fn split_quantity(text: &str) -> Result<QuantityText<'_>, UnitError> {
    let t = text.trim();
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let lower = t[i..].to_ascii_lowercase();
    if lower.starts_with("nan") || lower.starts_with("inf") {
        return Err(UnitError::NotFinite {
            text: t.to_string(),
        });
    }
    let digits_start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'_') {
        i += 1;
    }
    if i == digits_start {
        return Err(UnitError::MalformedNumber {
            text: t.to_string(),
        });
    }
    // Exponent: only if followed by digits (so `2e` in `2eq` is not eaten).
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'-' || b[j] == b'+') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let num_text: String = t[..i].chars().filter(|c| *c != '_').collect();
    let number: f64 = num_text.parse().map_err(|_| UnitError::MalformedNumber {
        text: t.to_string(),
    })?;
    if !number.is_finite() {
        return Err(UnitError::NotFinite {
            text: t.to_string(),
        });
    }
    let rest = t[i..].trim();
    if rest == "%" {
        return Ok(QuantityText {
            number: number / 100.0,
            unit: None,
            percent: true,
        });
    }
    if rest.is_empty() {
        return Ok(QuantityText {
            number,
            unit: None,
            percent: false,
        });
    }
    if !t[i..].starts_with(char::is_whitespace)
        && rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')
    {
        return Err(UnitError::MalformedNumber {
            text: t.to_string(),
        });
    }
    Ok(QuantityText {
        number,
        unit: Some(rest),
        percent: false,
    })
}

/// Parses a quantity string such as `"450 MWh"` or `"25 kgCO2e/kg"` over
/// `table`: returns the value in canonical units and its dimension. A bare
/// number is dimensionless with factor 1; `"5%"` is `0.05`.
pub fn parse_quantity(text: &str, table: &UnitTable) -> Result<(f64, Dimension), UnitError> {
    let q = split_quantity(text)?;
    match q.unit {
        None => Ok((q.number, Dimension::none())),
        Some(u) => {
            let uv = table.parse(u)?;
            Ok((q.number * uv.factor, uv.dimension))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit table with the prelude's usual suspects, for tests.
    fn table() -> UnitTable {
        let mass = Dimension::base("Mass");
        let len = Dimension::base("Length");
        let time = Dimension::base("Time");
        let energy = Dimension::from_pairs(&[("Mass", 1), ("Length", 2), ("Time", -2)]);
        let co2e = Dimension::base("CO2e");
        let co2 = Dimension::base("CO2");
        let mut t = UnitTable::new();
        t.insert("kg", 1.0, mass.clone());
        t.insert("g", 1e-3, mass.clone());
        t.insert("t", 1e3, mass.clone());
        t.insert("m", 1.0, len.clone());
        t.insert("km", 1e3, len.clone());
        t.insert("m2", 1.0, len.pow(Rational::integer(2)).unwrap());
        t.insert("m3", 1.0, len.pow(Rational::integer(3)).unwrap());
        t.insert("L", 1e-3, len.pow(Rational::integer(3)).unwrap());
        t.insert("s", 1.0, time.clone());
        t.insert("h", 3600.0, time);
        t.insert("J", 1.0, energy.clone());
        t.insert("MJ", 1e6, energy.clone());
        t.insert("GJ", 1e9, energy.clone());
        t.insert("kWh", 3.6e6, energy.clone());
        t.insert("MWh", 3.6e9, energy);
        t.insert("tkm", 1e6, mass.mul(&len).unwrap());
        t.insert("kgCO2e", 1.0, co2e.clone());
        t.insert("tCO2e", 1e3, co2e);
        t.insert("kgCO2", 1.0, co2);
        t.insert("piece", 1.0, Dimension::base("Count"));
        t
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn parses_unit_expressions() {
        let t = table();
        let v = t.parse("kgCO2e/kWh").unwrap();
        assert!(close(v.factor, 1.0 / 3.6e6));
        assert_eq!(
            v.dimension,
            Dimension::base("CO2e")
                .div(&t.get("J").unwrap().dimension)
                .unwrap()
        );
        let v = t.parse("t*km").unwrap();
        assert!(close(v.factor, 1e6));
        assert_eq!(v.dimension, t.get("tkm").unwrap().dimension);
        let v = t.parse("t · km").unwrap();
        assert!(close(v.factor, 1e6));
        let v = t.parse("kg/m3").unwrap();
        assert_eq!(
            v.dimension,
            Dimension::from_pairs(&[("Mass", 1), ("Length", -3)])
        );
        let v = t.parse("m^2").unwrap();
        assert_eq!(v.dimension, t.get("m2").unwrap().dimension);
        let v = t.parse("km^2").unwrap();
        assert!(close(v.factor, 1e6));
        let v = t.parse("kgCO2e/(t*km)").unwrap();
        assert!(close(v.factor, 1e-6));
        assert_eq!(
            v.dimension,
            Dimension::from_pairs(&[("CO2e", 1), ("Mass", -1), ("Length", -1)])
        );
        let v = t.parse("s^-1").unwrap();
        assert_eq!(v.dimension, Dimension::from_pairs(&[("Time", -1)]));
        let v = t.parse("1/h").unwrap();
        assert!(close(v.factor, 1.0 / 3600.0));
    }

    #[test]
    fn rejects_bad_unit_expressions() {
        let t = table();
        match t.parse("kwh") {
            Err(UnitError::UnknownUnit { name, suggestion }) => {
                assert_eq!(name, "kwh");
                assert_eq!(suggestion.as_deref(), Some("kWh"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(t.parse("kg/"), Err(UnitError::Syntax { .. })));
        assert!(matches!(t.parse("(kg"), Err(UnitError::Syntax { .. })));
        assert!(matches!(t.parse("m^x"), Err(UnitError::Syntax { .. })));
        assert!(matches!(t.parse("kg kg"), Err(UnitError::Syntax { .. })));
    }

    #[test]
    fn parses_quantities() {
        let t = table();
        let (v, d) = parse_quantity("450 MWh", &t).unwrap();
        assert!(close(v, 450.0 * 3.6e9));
        assert_eq!(d, t.get("J").unwrap().dimension);
        let (v, _) = parse_quantity("25 kgCO2e/kg", &t).unwrap();
        assert!(close(v, 25.0));
        let (v, _) = parse_quantity("3000 t*km", &t).unwrap();
        assert!(close(v, 3e9));
        let (v, d) = parse_quantity("5%", &t).unwrap();
        assert!(close(v, 0.05) && d.is_none());
        let (v, _) = parse_quantity("1.5e3kg", &t).unwrap();
        assert!(close(v, 1500.0));
        let (v, _) = parse_quantity("-2 t", &t).unwrap();
        assert!(close(v, -2000.0));
        assert!(matches!(
            parse_quantity("abc kg", &t),
            Err(UnitError::MalformedNumber { .. })
        ));
        assert!(matches!(
            parse_quantity("1.2.3 kg", &t),
            Err(UnitError::MalformedNumber { .. })
        ));
        assert!(matches!(
            parse_quantity("NaN kg", &t),
            Err(UnitError::NotFinite { .. })
        ));
        assert!(matches!(
            parse_quantity("-inf", &t),
            Err(UnitError::NotFinite { .. })
        ));
        assert!(matches!(
            parse_quantity("1e999 kg", &t),
            Err(UnitError::NotFinite { .. })
        ));
    }

    #[test]
    fn overflowing_units_are_refused_not_saturated() {
        let mut t = table();
        t.insert(
            "huge",
            1.0,
            Dimension::base("Mass")
                .pow(Rational::new(i128::MAX / 2, 1).unwrap())
                .unwrap(),
        );
        // Mass^(i128::MAX/2 · 4) does not fit: an error naming the overflow.
        let e = t.parse("huge^4").unwrap_err();
        assert!(e.to_string().contains("overflow"), "{e}");
        assert!(t.parse("huge*huge*huge").is_err());
        assert!(t.parse("kg/huge/huge/huge").is_err());
        // A conversion factor that would be infinite or zero.
        assert!(t
            .parse("t^400")
            .unwrap_err()
            .to_string()
            .contains("overflow"));
        assert!(t.parse("t^-400").is_err());
        assert!(t.parse("kg^3").is_ok());
    }
}
