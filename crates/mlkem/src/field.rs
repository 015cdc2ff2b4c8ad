//! Arithmetic in Z_q, q = 3329 (FIPS 203 §2.3, §4.3).
//!
//! Constant time: yes, because every reduction is a multiplication and a
//! shift (Barrett's method) followed by a masked subtraction; there is no
//! `/`, no `%` and no branch on a value. That matters: a division by the
//! constant q, compiled to a `div` instruction on some targets, takes time
//! that depends on its operand, and that leaked ML-KEM secret keys in 2024
//! ("KyberSlash", Bernstein et al.).
//!
//! Coefficients are `u16` in the canonical range `0 .. q`; every function
//! here takes and returns values in that range.

/// The prime modulus q = 3329 = 2^8 · 13 + 1 (FIPS 203 §2.3). Because 256
/// divides q - 1, Z_q has the 256th roots of unity the NTT needs.
pub(crate) const Q: u16 = 3329;

/// Barrett's constant for products: floor(2^24 / q). For x < 2^24 (every
/// product of two reduced values, since q^2 < 2^24), `x · M >> 24` is
/// floor(x / q) or one less, so the remainder it leaves is below 2q.
const BARRETT_M: u64 = (1 << 24) / Q as u64;

/// `a + b mod q`.
#[inline(always)]
pub(crate) fn add(a: u16, b: u16) -> u16 {
    debug_assert!(a < Q && b < Q);
    csubq(u32::from(a) + u32::from(b))
}

/// `a - b mod q`.
#[inline(always)]
pub(crate) fn sub(a: u16, b: u16) -> u16 {
    debug_assert!(a < Q && b < Q);
    csubq(u32::from(a) + u32::from(Q) - u32::from(b))
}

/// `a · b mod q`.
#[inline(always)]
pub(crate) fn mul(a: u16, b: u16) -> u16 {
    debug_assert!(a < Q && b < Q);
    reduce(u32::from(a) * u32::from(b))
}

/// `x mod q` for any x < 2^24, by Barrett reduction.
#[inline(always)]
pub(crate) fn reduce(x: u32) -> u16 {
    debug_assert!(x < 1 << 24);
    let quotient = ((u64::from(x) * BARRETT_M) >> 24) as u32;
    // x - floor-ish(x / q) · q lies in 0 .. 2q.
    csubq(x - quotient * u32::from(Q))
}

/// `x - q` if x ≥ q, else x, for x < 2q: the subtraction is always done and
/// q added back under a mask made from the sign bit, so no branch depends
/// on x.
#[inline(always)]
pub(crate) fn csubq(x: u32) -> u16 {
    debug_assert!(x < 2 * u32::from(Q));
    let t = x.wrapping_sub(u32::from(Q));
    // All ones if t went negative (x < q), else zero.
    let negative = 0u32.wrapping_sub(t >> 31);
    t.wrapping_add(negative & u32::from(Q)) as u16
}

/// `x^e mod q`, for the tables computed at compile time (public values only).
pub(crate) const fn pow_mod_q(x: u32, mut e: u32) -> u16 {
    let q = Q as u32;
    let (mut base, mut result) = (x % q, 1u32);
    while e > 0 {
        if e & 1 == 1 {
            result = result * base % q;
        }
        base = base * base % q;
        e >>= 1;
    }
    result as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduce_is_exact_on_every_product() {
        // Every x below q^2 (all products of reduced values), and the range's end.
        for x in (0..u32::from(Q) * u32::from(Q)).chain([(1 << 24) - 1]) {
            assert_eq!(u32::from(reduce(x)), x % u32::from(Q), "x = {x}");
        }
    }

    #[test]
    fn add_sub_agree_with_integers() {
        for a in (0..Q).step_by(7) {
            for b in (0..Q).step_by(5) {
                assert_eq!(u32::from(add(a, b)), (u32::from(a) + u32::from(b)) % u32::from(Q));
                assert_eq!(u32::from(sub(a, b)), (u32::from(a) + u32::from(Q) - u32::from(b)) % u32::from(Q));
            }
        }
    }
}
