//! How result numbers are printed: rounded to 15 significant digits, then
//! the shortest decimal that reads back as that value.
//!
//! An `f64` holds 15 to 17 significant decimal digits; the last one or two
//! are noise from unit conversions and sums (`0.1 + 0.2` is
//! `0.30000000000000004`, `12` through a `kWh` → `J` → `kWh` round trip may
//! be `11.999999999999998`). Rounding to 15 significant digits removes that
//! noise and keeps every digit that data can carry, and the shortest
//! round-trip form prints `0.3`, `12`, `452.225`.

use std::io::Write;

/// Significant digits kept in printed results.
pub const SIGNIFICANT_DIGITS: usize = 15;

/// `x` rounded to [`SIGNIFICANT_DIGITS`] significant digits (non-finite
/// values and zero unchanged).
pub fn tidy(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{:.*e}", SIGNIFICANT_DIGITS - 1, x)
        .parse()
        .unwrap_or(x)
}

/// Significant digits of a number printed by `f64`'s `Display` (which
/// never uses an exponent): digits from the first to the last non-zero one.
fn significant(printed: &[u8]) -> usize {
    let (mut seen, mut first, mut last) = (0usize, None, 0usize);
    for b in printed.iter().filter(|b| b.is_ascii_digit()) {
        if *b != b'0' {
            first.get_or_insert(seen);
            last = seen;
        }
        seen += 1;
    }
    first.map_or(0, |f| last - f + 1)
}

/// Appends `x` as printed in results (see the module documentation); the
/// common case (a short number) costs one shortest-form print.
pub fn write_number(buf: &mut Vec<u8>, x: f64) {
    let start = buf.len();
    let _ = write!(buf, "{x}");
    if significant(&buf[start..]) > SIGNIFICANT_DIGITS {
        buf.truncate(start);
        let _ = write!(buf, "{}", tidy(x));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(x: f64) -> String {
        let mut b = Vec::new();
        write_number(&mut b, x);
        String::from_utf8(b).unwrap_or_default()
    }

    #[test]
    fn noise_is_dropped_digits_are_kept() {
        assert_eq!(printed(0.1 + 0.2), "0.3");
        assert_eq!(printed(11.999999999999998), "12");
        assert_eq!(printed(56.099999999999994), "56.1");
        assert_eq!(printed(452.225), "452.225");
        assert_eq!(printed(1e300), format!("{}", 1e300));
        assert_eq!(printed(123456789012345.0), "123456789012345");
        assert_eq!(printed(-0.000123), "-0.000123");
        assert_eq!(printed(0.0), "0");
        assert_eq!(tidy(2.0 / 3.0), 0.666666666666667);
    }
}
