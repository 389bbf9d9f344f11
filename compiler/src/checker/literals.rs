//! Number, quantity and record literals: values exact where the literal and
//! the unit allow, never silently infinite or zero (E0204).

use super::Checker;
use crate::diagnostic::{Code, Diagnostic, NameKind};
use crate::rational::Rational;
use crate::types::{TExpr, TKind, Type};
use pcr_lang::ast;
use pcr_lang::Span;

/// A literal such as `56.1` or `1200` exactly: at most 15 digits, at most
/// one `.`, nothing else. Both the digits as an integer (below 2^53) and the
/// power of ten are exact doubles, so one division rounds correctly: the
/// result is the one `str::parse::<f64>` gives, without its general parser.
fn short_decimal(text: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let mut mantissa: u64 = 0;
    let mut digits = 0;
    let mut fraction: Option<usize> = None;
    for b in text.bytes() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if let Some(f) = fraction.as_mut() {
                    *f += 1;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(0),
            _ => return None,
        }
        if digits > 15 {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    Some(mantissa as f64 / POW10[fraction.unwrap_or(0)])
}

/// Why a literal is not a number the compiler can represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfRange {
    /// Beyond the largest finite double: it would be infinity.
    Overflow,
    /// Not zero, but below the smallest double: it would be 0.
    Underflow,
    Malformed,
}

/// A number literal's value (divided by 100 with `%`): never silently
/// infinite, and never 0 unless written as zero.
pub fn literal_value(n: &ast::NumberLit) -> Result<f64, OutOfRange> {
    // `str::parse` rounds correctly.
    let parsed = match short_decimal(&n.text) {
        Some(v) => Ok(v),
        None if n.text.contains('_') => n.text.replace('_', "").parse::<f64>(),
        None => n.text.parse::<f64>(),
    };
    let v = parsed.map_err(|_| OutOfRange::Malformed)?;
    let v = if n.percent { v / 100.0 } else { v };
    if !v.is_finite() {
        return Err(OutOfRange::Overflow);
    }
    let mantissa = n.text.split(['e', 'E']).next().unwrap_or("");
    if v == 0.0 && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        return Err(OutOfRange::Underflow);
    }
    Ok(v)
}

/// Whether an expression is a literal zero (which takes any dimension: `if c then x else 0`).
pub(super) fn is_zero_literal(e: &TExpr) -> bool {
    matches!(e.kind, TKind::Const(v) if v == 0.0)
        && matches!(&e.ty, Type::Quantity(d) if d.is_none())
}

impl Checker<'_, '_> {
    /// A quantity literal such as `1.1 kWh` or `3 m^2`, in canonical units.
    pub(super) fn quantity(
        &mut self,
        number: &ast::NumberLit,
        unit: &ast::Name,
        power: Option<&ast::Exponent>,
        span: Span,
    ) -> TExpr {
        let Some(v) = self.number(number, span) else {
            return TExpr::error(span);
        };
        let written = v;
        let Some(u) = self.world.units.get(&unit.text) else {
            let d = Diagnostic::unknown(
                NameKind::Unit,
                &unit.text,
                self.file,
                unit.span,
                self.world.units.keys().map(String::as_str),
            );
            self.push(d);
            return TExpr::error(span);
        };
        self.reference(unit.span, u.loc);
        let (factor, dim) = match power {
            Some(p) => {
                let Some(r) = Rational::new(i128::from(p.num), i128::from(p.den)) else {
                    let d = self.error(
                        Code::TypeError,
                        span,
                        format!("the power of `{}` has a zero denominator", unit.text),
                        "not a number",
                    );
                    self.push(d);
                    return TExpr::error(span);
                };
                let Some(dim) = u.dim.pow(r) else {
                    return self.dimension_overflow(span);
                };
                (u.factor.to_f64().powf(r.to_f64()), dim)
            }
            None => (u.factor.to_f64(), u.dim.clone()),
        };
        // Exactly where the literal and the unit's factor allow
        // (`1.1 kWh` is 3,960,000 J, not 3,960,000.0000000005),
        // rounded once; otherwise in floating point.
        let canonical = match power {
            None => exact_in_canonical_units(number, u.factor).unwrap_or(v * factor),
            Some(_) => v * factor,
        };
        // In canonical units the amount must still be the number written.
        let problem = if !canonical.is_finite() {
            Some(OutOfRange::Overflow)
        } else if canonical == 0.0 && written != 0.0 {
            Some(OutOfRange::Underflow)
        } else {
            None
        };
        if let Some(problem) = problem {
            let text = self
                .text
                .get(span.range())
                .unwrap_or(&number.text)
                .to_string();
            self.out_of_range(&text, false, problem, span);
            return TExpr::error(span);
        }
        self.done(TKind::Const(canonical), Type::Quantity(dim), span)
    }

    pub(super) fn number(&mut self, n: &ast::NumberLit, span: Span) -> Option<f64> {
        match literal_value(n) {
            Ok(v) => Some(v),
            Err(problem) => {
                self.out_of_range(&n.text, n.percent, problem, span);
                None
            }
        }
    }

    /// E0204: a literal is not representable (`1e999`, `1e-999`).
    pub(super) fn out_of_range(
        &mut self,
        text: &str,
        percent: bool,
        problem: OutOfRange,
        span: Span,
    ) {
        let percent = if percent { "%" } else { "" };
        let d = match problem {
            OutOfRange::Overflow => self
                .error(
                    Code::TypeError,
                    span,
                    format!("`{text}{percent}` is not a number this compiler can represent: it overflows to infinity"),
                    "number out of range",
                )
                .with_note("quantities are 64-bit floating-point numbers in canonical units, at most about 1.8e308"),
            OutOfRange::Underflow => self
                .error(
                    Code::TypeError,
                    span,
                    format!("`{text}{percent}` is not a number this compiler can represent: it underflows to 0"),
                    "number out of range",
                )
                .with_note("quantities are 64-bit floating-point numbers in canonical units; a non-zero value below about 2.2e-308 cannot be told from 0")
                .with_help("write `0` if zero is meant"),
            OutOfRange::Malformed => self.error(
                Code::TypeError,
                span,
                format!("`{text}{percent}` is not a number this compiler can represent"),
                "number out of range",
            ),
        };
        self.push(d);
    }

    pub(super) fn record_literal(
        &mut self,
        fields: &[ast::RecordField],
        span: Span,
        hint: Option<&Type>,
    ) -> TExpr {
        let Some(Type::Record(record)) = hint else {
            let d = self.error(
                Code::TypeError,
                span,
                "a record literal is only allowed as an element of a list input",
                "record here",
            );
            self.push(d);
            return TExpr::error(span);
        };
        let record = record.clone();
        let mut out = Vec::new();
        for f in fields {
            let Some((index, def)) = record.field(&f.name.text) else {
                let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                let mut d = self.error(
                    Code::UnknownName,
                    f.name.span,
                    format!("the list has no field `{}`", f.name.text),
                    "unknown field",
                );
                d = d.with_note(format!(
                    "its fields are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                self.push(d);
                continue;
            };
            let expected = def.ty.clone();
            let value = self.expr_with(&f.value, Some(&expected));
            self.expect_type(
                &value,
                &expected,
                def.unit.as_ref().map(|u| u.text.as_str()),
                "this field",
            );
            out.push((index, value));
        }
        for (i, def) in record.fields.iter().enumerate() {
            if !out.iter().any(|(j, _)| *j == i) {
                let d = self.error(
                    Code::DeclaredTypeMismatch,
                    span,
                    format!("field `{}` is missing", def.name),
                    "incomplete record",
                );
                self.push(d);
            }
        }
        self.done(TKind::Record(out), Type::Record(record), span)
    }
}

/// A literal times a unit's exact factor, computed with exact ratios and
/// rounded to `f64` once; `None` when the ratio does not fit.
pub(super) fn exact_in_canonical_units(n: &ast::NumberLit, factor: Rational) -> Option<f64> {
    let mut value = Rational::parse_decimal(&n.text)?;
    if n.percent {
        value = value.div(Rational::integer(100))?;
    }
    let exact = value.mul(factor)?;
    // Beyond 2^53 the two conversions of `to_f64` round twice.
    let fits = |x: i128| x.unsigned_abs() <= 1 << 53;
    (fits(exact.num()) && fits(exact.den())).then(|| exact.to_f64())
}

#[cfg(test)]
mod tests {
    use super::short_decimal;
    use proptest::prelude::*;

    #[test]
    fn short_decimals() {
        assert_eq!(short_decimal("56.1"), Some(56.1));
        assert_eq!(short_decimal("0.6205"), Some(0.6205));
        assert_eq!(short_decimal("1200"), Some(1200.0));
        assert_eq!(short_decimal("1_000"), None);
        assert_eq!(short_decimal("2.5e6"), None);
        assert_eq!(short_decimal("1234567890123456"), None);
    }

    proptest! {
        #[test]
        fn short_decimals_parse_as_str_parse_does(int in "[0-9]{1,15}", frac in proptest::option::of("[0-9]{0,15}")) {
            let text = match &frac {
                Some(f) => format!("{int}.{f}"),
                None => int.clone(),
            };
            let parsed = text.parse::<f64>().ok();
            match short_decimal(&text) {
                Some(v) => prop_assert_eq!(Some(v), parsed),
                None => prop_assert!(text.len() > 16 || int.len() + frac.map_or(0, |f| f.len()) > 15),
            }
        }
    }
}
