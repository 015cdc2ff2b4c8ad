//! The number-theoretic transform over Z_q (FIPS 203 §4.3): Algorithms 9-12.
//!
//! Constant time: yes, because the transforms are fixed sequences of
//! additions, subtractions and multiplications by public constants, each
//! reduced without division or branch (see `field`).
//!
//! # Why
//!
//! ML-KEM multiplies polynomials in R_q = Z_q[X]/(X^256 + 1). Done directly
//! that is 256^2 products. Because q = 3329 has a primitive 256th root of
//! unity, ζ = 17, X^256 + 1 splits into 128 factors X^2 - ζ^(2·BitRev7(i)+1),
//! and the Chinese remainder theorem turns a polynomial into its 128
//! remainders modulo those factors: its NTT representation `f̂`. There,
//! multiplication is 128 independent products of degree-one polynomials
//! (`multiply_ntts`), and moving in and out costs 7 layers of 128
//! "butterflies" each. FIPS 203 stores matrix A and the secret vectors in this
//! form so that most products are done without transforming at all.

use crate::Backend;
use crate::field::{add, mul, pow_mod_q, sub};
use crate::poly::Poly;

/// ζ = 17, a primitive 256th root of unity modulo q (FIPS 203 §4.3).
const ZETA: u32 = 17;

/// FIPS 203 §4.3 and Appendix A: `ZETAS[i] = ζ^BitRev7(i) mod q`, for
/// i = 0 .. 127, the twiddle factors of Algorithms 9 and 10, computed at
/// compile time from ζ = 17. (Appendix A prints the table; the test
/// `zetas_match_appendix_a` checks its first and last rows.)
pub(crate) const ZETAS: [u16; 128] = {
    let mut table = [0u16; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = pow_mod_q(ZETA, bit_rev7(i as u32));
        i += 1;
    }
    table
};

/// FIPS 203 §4.3.1 and Appendix A: `GAMMAS[i] = ζ^(2·BitRev7(i)+1) mod q`, the
/// constants of the 128 factors X^2 - γ_i, used by `base_case_multiply`.
pub(crate) const GAMMAS: [u16; 128] = {
    let mut table = [0u16; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = pow_mod_q(ZETA, 2 * bit_rev7(i as u32) + 1);
        i += 1;
    }
    table
};

/// 128^-1 mod q = 3303: Algorithm 10 step 14 scales by it, undoing the
/// factor 2 each of the 7 layers adds (3303 · 128 = 127 · 3329 + 1).
const N_INV: u16 = 3303;

/// `BitRev7(r)`: the 7-bit number whose bits are those of r in reverse
/// order (FIPS 203 §2.3).
const fn bit_rev7(r: u32) -> u32 {
    (r & 0x7f).reverse_bits() >> 25
}

/// FIPS 203 Algorithm 9, NTT(f): from R_q to the NTT domain, in place, on
/// the preferred backend.
pub(crate) fn ntt(f: &mut Poly) {
    match Backend::preferred() {
        Backend::Avx2 => crate::avx2::ntt(f),
        Backend::Portable => ntt_portable(f),
    }
}

/// FIPS 203 Algorithm 10, NTT^-1(f̂), in place, on the preferred backend.
pub(crate) fn inverse_ntt(f: &mut Poly) {
    match Backend::preferred() {
        Backend::Avx2 => crate::avx2::inverse_ntt(f),
        Backend::Portable => inverse_ntt_portable(f),
    }
}

/// FIPS 203 Algorithm 11, `h += f̂ ∘ ĝ`, on the preferred backend.
pub(crate) fn multiply_ntts_add(h: &mut Poly, f: &Poly, g: &Poly) {
    match Backend::preferred() {
        Backend::Avx2 => crate::avx2::multiply_ntts_add(h, f, g),
        Backend::Portable => multiply_ntts_add_portable(h, f, g),
    }
}

/// FIPS 203 Algorithm 9 in portable Rust.
pub(crate) fn ntt_portable(f: &mut Poly) {
    let f = &mut f.0;
    let mut i = 1;
    let mut len = 128;
    while len >= 2 {
        for start in (0..256).step_by(2 * len) {
            let zeta = ZETAS[i];
            i += 1;
            for j in start..start + len {
                // The Cooley-Tukey butterfly: (a, b) -> (a + ζb, a - ζb).
                let t = mul(zeta, f[j + len]);
                f[j + len] = sub(f[j], t);
                f[j] = add(f[j], t);
            }
        }
        len /= 2;
    }
}

/// FIPS 203 Algorithm 10, NTT^-1(f̂): back from the NTT domain, in place,
/// in portable Rust.
pub(crate) fn inverse_ntt_portable(f: &mut Poly) {
    let f = &mut f.0;
    let mut i = 127;
    let mut len = 2;
    while len <= 128 {
        for start in (0..256).step_by(2 * len) {
            let zeta = ZETAS[i];
            i -= 1;
            for j in start..start + len {
                // The Gentleman-Sande butterfly: (a, b) -> (a + b, ζ(b - a)).
                let t = f[j];
                f[j] = add(t, f[j + len]);
                f[j + len] = mul(zeta, sub(f[j + len], t));
            }
        }
        len *= 2;
    }
    for coefficient in f.iter_mut() {
        *coefficient = mul(*coefficient, N_INV);
    }
}

/// FIPS 203 Algorithm 11, MultiplyNTTs(f̂, ĝ): the product in the NTT domain,
/// added to `h` (so sums of products, as in Â ∘ ŝ, need no extra pass), in
/// portable Rust.
pub(crate) fn multiply_ntts_add_portable(h: &mut Poly, f: &Poly, g: &Poly) {
    for (i, &gamma) in GAMMAS.iter().enumerate() {
        let (c0, c1) = base_case_multiply(f.0[2 * i], f.0[2 * i + 1], g.0[2 * i], g.0[2 * i + 1], gamma);
        h.0[2 * i] = add(h.0[2 * i], c0);
        h.0[2 * i + 1] = add(h.0[2 * i + 1], c1);
    }
}

/// FIPS 203 Algorithm 12, BaseCaseMultiply: (a0 + a1·X)(b0 + b1·X) modulo
/// X^2 - γ, that is `c0 = a0·b0 + a1·b1·γ` and `c1 = a0·b1 + a1·b0`.
#[inline(always)]
fn base_case_multiply(a0: u16, a1: u16, b0: u16, b1: u16, gamma: u16) -> (u16, u16) {
    let c0 = add(mul(a0, b0), mul(mul(a1, b1), gamma));
    let c1 = add(mul(a0, b1), mul(a1, b0));
    (c0, c1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Q;

    #[test]
    fn zetas_match_appendix_a() {
        // FIPS 203 Appendix A, first row of the ζ^BitRev7(i) table.
        assert_eq!(ZETAS[..8], [1, 1729, 2580, 3289, 2642, 630, 1897, 848]);
        // ... and its last row.
        assert_eq!(ZETAS[120..], [1722, 1212, 1874, 1029, 2110, 2935, 885, 2154]);
        // The first row of the ζ^(2·BitRev7(i)+1) table.
        assert_eq!(GAMMAS[..8], [17, 3312, 2761, 568, 583, 2746, 2649, 680]);
        assert_eq!(u32::from(N_INV) * 128 % u32::from(Q), 1);
    }

    /// Schoolbook multiplication in Z_q[X]/(X^256 + 1), the definition.
    fn schoolbook(f: &Poly, g: &Poly) -> Poly {
        let mut h = Poly::ZERO;
        for i in 0..256 {
            for j in 0..256 {
                let p = mul(f.0[i], g.0[j]);
                let k = (i + j) % 256;
                // X^256 = -1: products that wrap around change sign.
                h.0[k] = if i + j < 256 { add(h.0[k], p) } else { sub(h.0[k], p) };
            }
        }
        h
    }

    fn pseudo_random_poly(seed: u32) -> Poly {
        let mut p = Poly::ZERO;
        let mut x = seed.wrapping_mul(2_654_435_761) | 1;
        for c in p.0.iter_mut() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *c = (x % u32::from(Q)) as u16;
        }
        p
    }

    #[test]
    fn inverse_undoes_ntt() {
        for seed in 0..8 {
            let original = pseudo_random_poly(seed);
            let mut f = original.clone();
            ntt(&mut f);
            inverse_ntt(&mut f);
            assert_eq!(f.0, original.0);
        }
    }

    #[test]
    fn ntt_multiplication_is_ring_multiplication() {
        for seed in 0..4 {
            let (f, g) = (pseudo_random_poly(seed), pseudo_random_poly(seed + 100));
            let (mut f_hat, mut g_hat) = (f.clone(), g.clone());
            ntt(&mut f_hat);
            ntt(&mut g_hat);
            let mut h = Poly::ZERO;
            multiply_ntts_add(&mut h, &f_hat, &g_hat);
            inverse_ntt(&mut h);
            assert_eq!(h.0, schoolbook(&f, &g).0);
        }
    }
}
