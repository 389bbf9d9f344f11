//! Dimensions: products of base dimensions with rational exponents.
//!
//! A dimension is a value the checker copies for nearly every expression, so
//! the common case is stored inline, without allocating: up to
//! [`INLINE`] factors whose base fits a `u8` and whose exponent `num/den`
//! fits `i8/u8`. Any other dimension (more factors, a large base index or a
//! large exponent) spills to a shared heap form with full `i128` rational
//! exponents. The representation is canonical (a dimension is inline exactly
//! when it fits), so the derived equality and hash compare dimensions.
//! Exponents are exact; an exponent that overflows even the heap form makes
//! `mul`, `div` or `pow` return `None`, for the caller to report.

use crate::diagnostic::{Code, Diagnostic};
use crate::rational::Rational;
use crate::source::FileId;
use pcr_lang::Span;
use std::fmt;
use std::sync::Arc;

/// Index of a base dimension in the prelude's table of base dimensions.
pub type BaseId = u16;

/// How many factors a dimension stores without allocating.
pub const INLINE: usize = 7;

/// A dimension, e.g. `CO2e · Mass^-1`. The empty product is `ratio`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Dimension(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline(Inline),
    /// Sorted by base, no zero exponents; only for dimensions that do not fit inline.
    Spilled(Arc<[(BaseId, Rational)]>),
}

/// Sorted by base, no zero exponents, exponents in lowest terms with `den > 0`;
/// slots from `len` on are zero.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
struct Inline {
    len: u8,
    bases: [u8; INLINE],
    nums: [i8; INLINE],
    dens: [u8; INLINE],
}

impl Inline {
    /// Append a factor, if it fits inline.
    #[inline]
    fn push(&mut self, base: BaseId, num: i64, den: i64) -> bool {
        let i = self.len as usize;
        match (
            i < INLINE,
            u8::try_from(base),
            i8::try_from(num),
            u8::try_from(den),
        ) {
            (true, Ok(b), Ok(n), Ok(d)) => {
                self.bases[i] = b;
                self.nums[i] = n;
                self.dens[i] = d;
                self.len += 1;
                true
            }
            _ => false,
        }
    }

    #[inline]
    fn get(&self, i: usize) -> (BaseId, i64, i64) {
        (
            self.bases[i] as BaseId,
            self.nums[i] as i64,
            self.dens[i] as i64,
        )
    }
}

impl Default for Dimension {
    fn default() -> Dimension {
        Dimension(Repr::Inline(Inline::default()))
    }
}

impl fmt::Debug for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.factors()).finish()
    }
}

/// The factors of a dimension, sorted by base.
pub struct Factors<'a> {
    dim: &'a Dimension,
    next: usize,
}

impl Iterator for Factors<'_> {
    type Item = (BaseId, Rational);

    fn next(&mut self) -> Option<(BaseId, Rational)> {
        let i = self.next;
        let item = match &self.dim.0 {
            Repr::Inline(x) => {
                if i >= x.len as usize {
                    return None;
                }
                let (b, n, d) = x.get(i);
                (
                    b,
                    Rational::new(n as i128, d as i128).unwrap_or(Rational::ZERO),
                )
            }
            Repr::Spilled(v) => *v.get(i)?,
        };
        self.next += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.dim.factor_count().saturating_sub(self.next);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Factors<'_> {}

impl Dimension {
    pub fn none() -> Dimension {
        Dimension::default()
    }

    pub fn base(id: BaseId) -> Dimension {
        let mut inline = Inline::default();
        if inline.push(id, 1, 1) {
            Dimension(Repr::Inline(inline))
        } else {
            Dimension(Repr::Spilled(Arc::from([(id, Rational::ONE)])))
        }
    }

    /// The canonical form of sorted factors without zero exponents.
    fn from_factors(factors: Vec<(BaseId, Rational)>) -> Dimension {
        let mut inline = Inline::default();
        let fits =
            factors.iter().all(
                |(b, e)| match (i64::try_from(e.num()), i64::try_from(e.den())) {
                    (Ok(n), Ok(d)) => inline.push(*b, n, d),
                    _ => false,
                },
            );
        if fits {
            Dimension(Repr::Inline(inline))
        } else {
            Dimension(Repr::Spilled(factors.into()))
        }
    }

    pub fn is_none(&self) -> bool {
        self.factor_count() == 0
    }

    /// The number of base dimensions with a non-zero exponent.
    pub fn factor_count(&self) -> usize {
        match &self.0 {
            Repr::Inline(x) => x.len as usize,
            Repr::Spilled(v) => v.len(),
        }
    }

    /// The factors `(base, exponent)`, sorted by base, without zero exponents.
    pub fn factors(&self) -> Factors<'_> {
        Factors { dim: self, next: 0 }
    }

    /// The base, when this dimension is a single base dimension (exponent 1).
    pub fn single_base(&self) -> Option<BaseId> {
        match &self.0 {
            Repr::Inline(x) if x.len == 1 && x.nums[0] == 1 && x.dens[0] == 1 => {
                Some(x.bases[0] as BaseId)
            }
            _ => None,
        }
    }

    pub fn exponent(&self, id: BaseId) -> Rational {
        self.factors()
            .find(|(b, _)| *b == id)
            .map(|(_, e)| e)
            .unwrap_or(Rational::ZERO)
    }

    /// `self · other^sign` without allocating, when both and the result fit inline.
    #[inline]
    fn combine_inline(a: &Inline, b: &Inline, sign: i64) -> Option<Inline> {
        let mut out = Inline::default();
        let (la, lb) = (a.len as usize, b.len as usize);
        let (mut i, mut j) = (0, 0);
        while i < la || j < lb {
            let ok = if j >= lb || (i < la && a.bases[i] < b.bases[j]) {
                let (base, n, d) = a.get(i);
                i += 1;
                out.push(base, n, d)
            } else if i >= la || b.bases[j] < a.bases[i] {
                let (base, n, d) = b.get(j);
                j += 1;
                out.push(base, sign * n, d)
            } else {
                let (base, n1, d1) = a.get(i);
                let (_, n2, d2) = b.get(j);
                i += 1;
                j += 1;
                // |n| ≤ 128 and d ≤ 255: no overflow in i64.
                let (mut n, mut d) = if d1 == d2 {
                    (n1 + sign * n2, d1)
                } else {
                    (n1 * d2 + sign * n2 * d1, d1 * d2)
                };
                if n == 0 {
                    continue;
                }
                if d != 1 {
                    // g divides n, an i64: the cast is exact.
                    let g = crate::rational::gcd(n.into(), d.into()) as i64;
                    n /= g;
                    d /= g;
                }
                out.push(base, n, d)
            };
            if !ok {
                return None;
            }
        }
        Some(out)
    }

    /// `self · other^sign` with exact exponents; `None` on overflow.
    fn combine_general(&self, other: &Dimension, sign: i64) -> Option<Dimension> {
        let scale = |e: Rational| if sign < 0 { e.checked_neg() } else { Some(e) };
        let mut out: Vec<(BaseId, Rational)> =
            Vec::with_capacity(self.factor_count() + other.factor_count());
        let mut a = self.factors().peekable();
        let mut b = other.factors().peekable();
        loop {
            match (a.peek().copied(), b.peek().copied()) {
                (Some(x), Some(y)) if x.0 == y.0 => {
                    let e = x.1.add(scale(y.1)?)?;
                    if !e.is_zero() {
                        out.push((x.0, e));
                    }
                    a.next();
                    b.next();
                }
                (Some(x), Some(y)) if x.0 < y.0 => {
                    out.push(x);
                    a.next();
                }
                (_, Some(y)) => {
                    out.push((y.0, scale(y.1)?));
                    b.next();
                }
                (Some(x), None) => {
                    out.push(x);
                    a.next();
                }
                (None, None) => break,
            }
        }
        Some(Dimension::from_factors(out))
    }

    fn combine(&self, other: &Dimension, sign: i64) -> Option<Dimension> {
        if let (Repr::Inline(a), Repr::Inline(b)) = (&self.0, &other.0) {
            if b.len == 0 {
                return Some(self.clone());
            }
            if a.len == 0 && sign > 0 {
                return Some(other.clone());
            }
            if let Some(out) = Dimension::combine_inline(a, b, sign) {
                return Some(Dimension(Repr::Inline(out)));
            }
        }
        self.combine_general(other, sign)
    }

    /// The product; `None` when an exponent overflows.
    pub fn mul(&self, other: &Dimension) -> Option<Dimension> {
        self.combine(other, 1)
    }

    /// The quotient; `None` when an exponent overflows.
    pub fn div(&self, other: &Dimension) -> Option<Dimension> {
        self.combine(other, -1)
    }

    /// Every exponent times `exponent`; `None` when an exponent overflows.
    pub fn pow(&self, exponent: Rational) -> Option<Dimension> {
        let mut out = Vec::with_capacity(self.factor_count());
        for (b, e) in self.factors() {
            let e = e.mul(exponent)?;
            if !e.is_zero() {
                out.push((b, e));
            }
        }
        Some(Dimension::from_factors(out))
    }
}

/// E0204 for a dimension whose exponent overflows.
pub fn overflow(file: FileId, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::TypeError,
        file,
        span,
        "the dimension of this expression has an exponent too large for this compiler",
        "exponent out of range",
    )
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
    use proptest::prelude::*;

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap_or(Rational::ONE)
    }

    #[test]
    fn products_cancel() {
        let mass = Dimension::base(0);
        let co2e = Dimension::base(5);
        let per = co2e.div(&mass);
        assert_eq!(per.as_ref().and_then(|p| p.mul(&mass)), Some(co2e));
        assert!(mass.div(&mass).is_some_and(|d| d.is_none()));
        let half = mass.pow(r(1, 2));
        assert_eq!(
            half.as_ref().and_then(|h| h.mul(h)),
            Some(Dimension::base(0))
        );
    }

    #[test]
    fn large_dimensions_spill_and_come_back() {
        // More factors than fit inline.
        let mut d = Dimension::none();
        for b in 0..(INLINE as BaseId + 3) {
            d = d.mul(&Dimension::base(b)).unwrap_or_default();
        }
        assert_eq!(d.factor_count(), INLINE + 3);
        assert!(matches!(d.0, Repr::Spilled(_)));
        let mut back = d.clone();
        for b in 0..3 {
            back = back.div(&Dimension::base(b)).unwrap_or_default();
        }
        assert!(matches!(back.0, Repr::Inline(_)));
        let mut direct = Dimension::none();
        for b in 3..(INLINE as BaseId + 3) {
            direct = direct.mul(&Dimension::base(b)).unwrap_or_default();
        }
        assert_eq!(back, direct);
        // A large base index.
        let big = Dimension::base(1000);
        assert!(matches!(big.0, Repr::Spilled(_)));
        assert_eq!(big.single_base(), None);
        assert_eq!(big.exponent(1000), Rational::ONE);
        assert!(big.div(&Dimension::base(1000)).is_some_and(|d| d.is_none()));
        // Large exponents.
        let m = Dimension::base(0);
        let m200 = m.pow(Rational::integer(200));
        assert!(matches!(
            m200.as_ref().map(|d| &d.0),
            Some(Repr::Spilled(_))
        ));
        let m2 = m200.and_then(|d| d.pow(r(1, 100)));
        assert_eq!(m2, m.pow(Rational::integer(2)));
        assert!(matches!(m2.map(|d| d.0), Some(Repr::Inline(_))));
    }

    #[test]
    fn overflow_is_reported() {
        let m = Dimension::base(0);
        let huge = Rational::new(i128::MAX / 3, 1).unwrap_or(Rational::ONE);
        let big = m.pow(huge);
        assert!(big.is_some());
        assert_eq!(big.as_ref().and_then(|b| b.pow(huge)), None);
        assert_eq!(
            big.as_ref().and_then(|b| b.mul(b)),
            Some(m.pow(r(2 * (i128::MAX / 3), 1)).unwrap_or_default())
        );
        let bigger = big.as_ref().and_then(|b| b.pow(Rational::integer(2)));
        assert!(bigger.is_some());
        assert_eq!(bigger.as_ref().and_then(|b| b.mul(b)), None);
    }

    /// The reference: sorted factors, exact rational exponents.
    fn reference(
        a: &[(BaseId, Rational)],
        b: &[(BaseId, Rational)],
        sign: i64,
    ) -> Vec<(BaseId, Rational)> {
        let mut out: Vec<(BaseId, Rational)> = a.to_vec();
        for (base, e) in b {
            let e = if sign < 0 { e.neg() } else { *e };
            match out.iter_mut().find(|(x, _)| x == base) {
                Some(slot) => slot.1 = slot.1.add(e).unwrap_or(Rational::ZERO),
                None => out.push((*base, e)),
            }
        }
        out.retain(|(_, e)| !e.is_zero());
        out.sort_by_key(|(b, _)| *b);
        out
    }

    fn build(factors: &[(BaseId, Rational)]) -> Dimension {
        factors.iter().fold(Dimension::none(), |d, (b, e)| {
            d.mul(&Dimension::base(*b).pow(*e).unwrap_or_default())
                .unwrap_or_default()
        })
    }

    fn factors_strategy() -> impl Strategy<Value = Vec<(BaseId, Rational)>> {
        proptest::collection::btree_map(
            prop_oneof![0u16..12, 250u16..260],
            (-300i128..300, prop_oneof![Just(1i128), 1i128..300]),
            0..10,
        )
        .prop_map(|m| {
            m.into_iter()
                .map(|(b, (n, d))| (b, r(n, d)))
                .filter(|(_, e)| !e.is_zero())
                .collect()
        })
    }

    proptest! {
        #[test]
        fn products_match_the_reference(a in factors_strategy(), b in factors_strategy()) {
            let (da, db) = (build(&a), build(&b));
            prop_assert_eq!(da.factors().collect::<Vec<_>>(), a.clone());
            for sign in [1, -1] {
                let want = reference(&a, &b, sign);
                let got = if sign > 0 { da.mul(&db) } else { da.div(&db) };
                prop_assert_eq!(got.as_ref().map(|g| g.factors().collect::<Vec<_>>()), Some(want.clone()));
                // Canonical: equal to the same dimension built another way.
                prop_assert_eq!(got, Some(build(&want)));
            }
        }
    }
}
