//! `round(q, step)`: the nearest multiple of `step`, ties to even, as
//! GB/T 8170-2008 prescribes ("四舍六入五成双"), decided on decimal values.
//!
//! A tie is decided on each number's shortest round-trip decimal (the
//! digits Rust's `{}` prints for an `f64`), never on its binary expansion:
//! the `f64` nearest 0.35 is 0.34999999999999997779…, which binary
//! rounding sends down to 0.3, while 0.35 written in a rule is a tie that
//! goes to the even 0.4. The quotient `value / step` does not depend on the
//! unit both are stated in, so deciding in the plan's canonical units is
//! deciding in the step's unit whenever the unit's factor is a terminating
//! decimal (every unit of the prelude; `docs/src/expressions.md`).

/// A finite, non-negative `f64` as its shortest round-trip decimal:
/// `digits × 10^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    digits: u128,
    exponent: i32,
}

impl Decimal {
    /// The shortest round-trip decimal of `x` (finite, `>= 0`), or `None`
    /// if `x` is not such a number.
    fn of(x: f64) -> Option<Decimal> {
        if !x.is_finite() || x < 0.0 {
            return None;
        }
        // `{:e}` prints the shortest round-trip digits: `1.745e0`.
        let text = format!("{x:e}");
        let (mantissa, exponent) = text.split_once('e')?;
        let exponent: i32 = exponent.parse().ok()?;
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: u128 = format!("{whole}{fraction}").parse().ok()?;
        let fraction_len = i32::try_from(fraction.len()).ok()?;
        Some(Decimal {
            digits,
            exponent: exponent - fraction_len,
        })
    }
}

/// Quotients at or beyond 2^53: every `f64` there is already a multiple of
/// the step to within the float's own resolution, so the value is kept.
const EXACT_LIMIT: u128 = 1 << 53;

/// `value` rounded to the nearest multiple of `step`, a tie going to the
/// even multiple, decided on the decimals of both. `NaN` when `step` is not
/// a positive finite number or `value` is not finite: a plan refuses such a
/// result as a data error.
pub fn round_to_step(value: f64, step: f64) -> f64 {
    if !value.is_finite() || !step.is_finite() || step <= 0.0 {
        return f64::NAN;
    }
    if value == 0.0 {
        return 0.0;
    }
    let (Some(v), Some(s)) = (Decimal::of(value.abs()), Decimal::of(step)) else {
        return f64::NAN;
    };
    // value / step = (v.digits / s.digits) × 10^k, as the fraction n / m.
    let k = v.exponent - s.exponent;
    let scale = |d: u128, e: i32| -> Option<u128> {
        let e = u32::try_from(e).ok()?;
        d.checked_mul(10u128.checked_pow(e)?)
    };
    let Some(n) = scale(v.digits, k.max(0)) else {
        // The quotient is beyond 10^21: nothing to round.
        return value;
    };
    let Some(m) = scale(s.digits, (-k).max(0)) else {
        // The quotient is below 10^-21: the nearest multiple is zero.
        return 0.0;
    };
    let mut multiple = n / m;
    let rest = n % m;
    let above = m - rest;
    if rest > above || rest == above && multiple % 2 == 1 {
        multiple += 1;
    }
    if multiple >= EXACT_LIMIT {
        return value;
    }
    if multiple == 0 {
        return 0.0;
    }
    // multiple × step, as the decimal it is, read back to the nearest f64.
    let digits = multiple * s.digits;
    let magnitude: f64 = format!("{digits}e{}", s.exponent)
        .parse()
        .unwrap_or(f64::NAN);
    if value < 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::round_to_step;
    use proptest::prelude::*;

    /// The examples of LANGUAGE.md §11 (`docs/src/expressions.md`).
    #[test]
    fn the_reference_examples() {
        assert_eq!(round_to_step(1.745, 0.01), 1.74);
        assert_eq!(round_to_step(0.35, 0.1), 0.4);
        assert_eq!(round_to_step(28.350, 0.1), 28.4);
        assert_eq!(round_to_step(2500.0, 1000.0), 2000.0);
    }

    /// GB/T 8170-2008, 3.2: the examples of the rules for the digits
    /// dropped (less than 5, more than 5, exactly 5, negative numbers).
    #[test]
    fn gb_t_8170_examples() {
        // 3.2.1: the first digit dropped is below 5.
        assert_eq!(round_to_step(12.1498, 0.1), 12.1);
        // 3.2.2: above 5, or 5 followed by non-zero digits.
        assert_eq!(round_to_step(1268.0, 100.0), 1300.0);
        assert_eq!(round_to_step(10.502, 1.0), 11.0);
        // 3.2.3: exactly 5: to the even neighbour.
        assert_eq!(round_to_step(1.050, 0.1), 1.0);
        assert_eq!(round_to_step(0.35, 0.1), 0.4);
        assert_eq!(round_to_step(2500.0, 1000.0), 2000.0);
        assert_eq!(round_to_step(3500.0, 1000.0), 4000.0);
        // 3.2.4: negative numbers: their absolute value, then the sign.
        assert_eq!(round_to_step(-355.0, 10.0), -360.0);
        assert_eq!(round_to_step(-325.0, 10.0), -320.0);
        assert_eq!(round_to_step(-0.0365, 0.001), -0.036);
    }

    #[test]
    fn binary_expansions_do_not_decide_ties() {
        // The f64 nearest 0.35 is below it, that of 0.25 is 0.25 exactly,
        // that of 28.35 is below it: all three are decimal ties.
        assert_eq!((0.35_f64 / 0.1).round() * 0.1, 0.30000000000000004);
        assert_eq!(round_to_step(0.25, 0.1), 0.2);
        assert_eq!(round_to_step(0.45, 0.1), 0.4);
        assert_eq!(round_to_step(0.55, 0.1), 0.6);
        assert_eq!(round_to_step(2.675, 0.01), 2.68);
        assert_eq!(round_to_step(1.005, 0.01), 1.0);
        assert_eq!(round_to_step(1.015, 0.01), 1.02);
    }

    #[test]
    fn steps_other_than_powers_of_ten() {
        assert_eq!(round_to_step(7.0, 5.0), 5.0);
        assert_eq!(round_to_step(7.5, 5.0), 10.0);
        assert_eq!(round_to_step(12.5, 5.0), 10.0);
        assert_eq!(round_to_step(0.125, 0.25), 0.0);
        assert_eq!(round_to_step(0.375, 0.25), 0.5);
        assert_eq!(round_to_step(1.3, 0.5), 1.5);
    }

    #[test]
    fn extremes() {
        assert!(round_to_step(1.0, 0.0).is_nan());
        assert!(round_to_step(1.0, -0.1).is_nan());
        assert!(round_to_step(f64::INFINITY, 1.0).is_nan());
        assert!(round_to_step(1.0, f64::NAN).is_nan());
        assert_eq!(round_to_step(0.0, 0.1), 0.0);
        assert_eq!(round_to_step(1e-300, 1.0), 0.0);
        assert_eq!(round_to_step(1e300, 1e-300), 1e300);
        assert_eq!(round_to_step(f64::MAX, 1.0), f64::MAX);
        assert_eq!(round_to_step(4e-320, 1e-320), 4e-320);
        assert_eq!(round_to_step(0.3, 0.1), 0.3);
    }

    proptest! {
        /// The result is a multiple of the step (its quotient an integer to
        /// within rounding) no more than half a step away.
        #[test]
        fn result_is_a_near_multiple(value in -1.0e9f64..1.0e9, exponent in -6i32..6, mantissa in 1u32..100) {
            let step: f64 = format!("{mantissa}e{exponent}").parse().unwrap();
            let r = round_to_step(value, step);
            prop_assert!(r.is_finite());
            let q = r / step;
            let quotient_limit = 2f64.powi(52);
            if (value / step).abs() < quotient_limit {
                prop_assert!((q - q.round()).abs() <= 1e-6 * q.abs().max(1.0), "{value} {step} {r}");
                prop_assert!((r - value).abs() <= step / 2.0 * (1.0 + 1e-9), "{value} {step} {r}");
            }
        }

        /// A decimal written with one digit more than the step, ending in 5,
        /// goes to the even multiple.
        #[test]
        fn written_ties_go_to_even(whole in 0u64..1_000_000, places in 1u32..6) {
            // whole × 10^-places + 5 × 10^-(places + 1): a tie at step 10^-places.
            let text = format!("{}5e-{}", whole, places + 1);
            let value: f64 = text.parse().unwrap();
            let step: f64 = format!("1e-{places}").parse().unwrap();
            let expected_multiple = if whole % 2 == 0 { whole } else { whole + 1 };
            let expected: f64 = format!("{expected_multiple}e-{places}").parse().unwrap();
            prop_assert_eq!(round_to_step(value, step), expected, "{}", text);
        }
    }
}
