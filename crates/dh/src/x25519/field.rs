//! Arithmetic in GF(p), p = 2^255 - 19: the field Curve25519 is defined over
//! (RFC 7748 §4.1).
//!
//! Constant time: yes, because every operation is a fixed sequence of 64-bit
//! additions, shifts, masks and 64x64 -> 128-bit multiplications, with no
//! branch, loop bound or memory index that depends on the value. The one
//! selection, [`FieldElement::conditional_swap`], goes through `subtle`, whose
//! `Choice` hides the bit from the optimiser.
//!
//! # Representation: radix 2^51
//!
//! An element is five unsigned 64-bit limbs, `f = f0 + f1·2^51 + f2·2^102 +
//! f3·2^153 + f4·2^204`. Each limb nominally holds 51 bits, which leaves 13
//! bits of headroom in a `u64`: sums of a few elements need no carrying, and a
//! product of two limbs fits comfortably in a `u128`. Because 2^255 ≡ 19
//! (mod p), whatever spills over 2^255 is folded back into the low limb
//! multiplied by 19. The same representation is used by curve25519-dalek,
//! Go's `crypto/internal/fips140/edwards25519/field` and many others.
//!
//! Values are *not* kept fully reduced: a limb may exceed 2^51, and the value
//! may exceed p. Only [`FieldElement::to_bytes`] produces the unique
//! representative in [0, p). Two limb bounds carry the reasoning, each checked
//! by `debug_assert!` where it is needed:
//!
//! - **reduced**: every limb < 2^52. What `from_bytes`, `mul`, `square` and
//!   `mul_a24` return (in fact < 2^51 + 2^26).
//! - **loose**: every limb < 2^54. What `+` and `-` of reduced elements
//!   return, and what `*`, `square` and `mul_a24` accept.
//!
//! So in the ladder of RFC 7748 §5 every sum and difference can go straight
//! into a multiplication, with no carry pass in between ("lazy reduction").

use core::ops::{Add, Mul, Sub};
use subtle::{Choice, ConditionallySelectable};
use zeroize::Zeroize;

#[cfg(test)]
mod tests;

/// The low 51 bits.
const MASK_51: u64 = (1 << 51) - 1;

/// Limbs below this bound are "reduced" (see the module doc).
const REDUCED_BOUND: u64 = 1 << 52;

/// Limbs below this bound are "loose": what multiplication accepts.
const LOOSE_BOUND: u64 = 1 << 54;

/// 4p in radix 2^51: each limb is larger than any reduced limb, so
/// `a + 4p - b` never underflows.
const FOUR_P: [u64; 5] = [
    4 * ((1 << 51) - 19),
    4 * ((1 << 51) - 1),
    4 * ((1 << 51) - 1),
    4 * ((1 << 51) - 1),
    4 * ((1 << 51) - 1),
];

/// An element of GF(2^255 - 19) in radix 2^51 (see the module doc for the
/// limb bounds). Not reduced modulo p until [`FieldElement::to_bytes`].
///
/// It holds secret values, so it has no `Debug` outside the unit tests
/// (proptest prints the inputs of a failing case).
#[derive(Clone, Copy)]
#[cfg_attr(test, derive(Debug))]
pub(crate) struct FieldElement(pub(crate) [u64; 5]);

impl FieldElement {
    /// The element 0.
    pub(crate) const ZERO: FieldElement = FieldElement([0; 5]);
    /// The element 1.
    pub(crate) const ONE: FieldElement = FieldElement([1, 0, 0, 0, 0]);

    /// Decodes 32 little-endian bytes, ignoring the top bit (RFC 7748 §5,
    /// `decodeUCoordinate`: "implementations of X25519 MUST mask the most
    /// significant bit in the final byte").
    ///
    /// Non-canonical values in [p, 2^255) are accepted and behave as their
    /// residue mod p, as §5 requires. The result is reduced (limbs < 2^51).
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> FieldElement {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[8 * i..8 * i + 8]);
            u64::from_le_bytes(w)
        };
        let (w0, w1, w2, w3) = (word(0), word(1), word(2), word(3));
        FieldElement([
            w0 & MASK_51,
            ((w0 >> 51) | (w1 << 13)) & MASK_51,
            ((w1 >> 38) | (w2 << 26)) & MASK_51,
            ((w2 >> 25) | (w3 << 39)) & MASK_51,
            // Bits 204..254; `& MASK_51` drops bit 255, the masked bit.
            (w3 >> 12) & MASK_51,
        ])
    }

    /// Encodes the unique representative in [0, p) as 32 little-endian bytes
    /// (RFC 7748 §5, `encodeUCoordinate`). Accepts loose input.
    pub(crate) fn to_bytes(self) -> [u8; 32] {
        // First carry so every limb fits in 51 bits except limb 0, which
        // takes 19 times the carry out of limb 4 (at most 8 for loose
        // input): the value h is now below 2^255 + 19·8 < 2p.
        let mut l = self.carry().0;

        // h >= p exactly when h + 19 >= 2^255. Compute q = (h + 19) >> 255
        // by propagating the carries of h + 19 through the limbs.
        let mut q = (l[0] + 19) >> 51;
        for &limb in &l[1..] {
            q = (limb + q) >> 51;
        }
        // h - q·p = h + 19q - q·2^255: add 19q, carry, drop bit 255.
        l[0] += 19 * q;
        for i in 0..4 {
            l[i + 1] += l[i] >> 51;
            l[i] &= MASK_51;
        }
        l[4] &= MASK_51;

        // Pack 5 x 51 bits into 4 x 64 bits.
        let words = [
            l[0] | (l[1] << 51),
            (l[1] >> 13) | (l[2] << 38),
            (l[2] >> 26) | (l[3] << 25),
            (l[3] >> 39) | (l[4] << 12),
        ];
        let mut bytes = [0u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        bytes
    }

    /// The small number `v` (below 2^51).
    pub(crate) fn from_u64(v: u64) -> FieldElement {
        debug_assert!(v <= MASK_51);
        FieldElement([v, 0, 0, 0, 0])
    }

    /// `-self`, as `0 - self`: loose output for reduced input.
    pub(crate) fn neg(self) -> FieldElement {
        FieldElement::ZERO - self
    }

    /// One carry pass: limbs 1-4 end below 2^51 and limb 0 below
    /// 2^51 + 19·(carry out of limb 4). Same value mod p; loose input,
    /// reduced output (for a sum that must go into another `+` or `-`).
    pub(crate) fn carry(self) -> FieldElement {
        let mut l = self.0;
        debug_assert!(l.iter().all(|&x| x < LOOSE_BOUND), "carry: input limb >= 2^54");
        for i in 0..4 {
            l[i + 1] += l[i] >> 51;
            l[i] &= MASK_51;
        }
        l[0] += 19 * (l[4] >> 51);
        l[4] &= MASK_51;
        FieldElement(l)
    }

    /// The square (a specialised [`Mul`]: 15 limb products instead of 25).
    /// Accepts loose input, returns reduced output.
    #[inline(always)]
    pub(crate) fn square(self) -> FieldElement {
        let a = &self.0;
        debug_assert!(a.iter().all(|&x| x < LOOSE_BOUND), "square: input limb >= 2^54");
        let m = |x: u64, y: u64| u128::from(x) * u128::from(y);

        // With limbs < 2^54: 2·a_i < 2^55 and 38·a_i < 2^60 fit in a u64.
        let (a0_2, a1_2) = (2 * a[0], 2 * a[1]);
        let (a3_19, a4_19) = (19 * a[3], 19 * a[4]);
        let (a3_38, a4_38) = (38 * a[3], 38 * a[4]);

        // The schoolbook square with a_i·a_j (i != j) counted twice and the
        // terms at 2^255 and above folded back times 19 (2^255 ≡ 19).
        let c = [
            m(a[0], a[0]) + m(a[1], a4_38) + m(a[2], a3_38),
            m(a0_2, a[1]) + m(a[2], a4_38) + m(a[3], a3_19),
            m(a0_2, a[2]) + m(a[1], a[1]) + m(a[3], a4_38),
            m(a0_2, a[3]) + m(a1_2, a[2]) + m(a[4], a4_19),
            m(a0_2, a[4]) + m(a1_2, a[3]) + m(a[2], a[2]),
        ];
        FieldElement::carry_wide(c)
    }

    /// `k` successive squarings: self^(2^k).
    pub(crate) fn pow2k(self, k: u32) -> FieldElement {
        debug_assert!(k > 0);
        let mut r = self;
        for _ in 0..k {
            r = r.square();
        }
        r
    }

    /// Multiplies by a24 = (486662 - 2) / 4 = 121665, the constant of the
    /// ladder step of RFC 7748 §5. Accepts loose input, returns reduced.
    #[inline(always)]
    pub(crate) fn mul_a24(self) -> FieldElement {
        const A24: u64 = 121_665;
        let a = &self.0;
        debug_assert!(a.iter().all(|&x| x < LOOSE_BOUND), "mul_a24: input limb >= 2^54");
        // Each product is below 2^54 · 2^17 = 2^71.
        let c = a.map(|limb| u128::from(limb) * u128::from(A24));
        FieldElement::carry_wide(c)
    }

    /// The inverse, as self^(p - 2) (Fermat; RFC 7748 §5 computes
    /// `x_2 * (z_2^(p - 2))` this way). 0 maps to 0.
    ///
    /// p - 2 = 2^255 - 21 by the fixed addition chain of the curve25519
    /// reference implementations (ref10, donna): 11 multiplications and 254
    /// squarings. The exponent is public, so its bits may shape the chain.
    pub(crate) fn invert(self) -> FieldElement {
        let z = self;
        let z2 = z.square(); // z^2
        let z9 = z2.pow2k(2) * z; // z^9
        let z11 = z9 * z2; // z^11
        let z_5_0 = z11.square() * z9; // z^(2^5 - 1)
        let z_10_0 = z_5_0.pow2k(5) * z_5_0; // z^(2^10 - 1)
        let z_20_0 = z_10_0.pow2k(10) * z_10_0; // z^(2^20 - 1)
        let z_40_0 = z_20_0.pow2k(20) * z_20_0; // z^(2^40 - 1)
        let z_50_0 = z_40_0.pow2k(10) * z_10_0; // z^(2^50 - 1)
        let z_100_0 = z_50_0.pow2k(50) * z_50_0; // z^(2^100 - 1)
        let z_200_0 = z_100_0.pow2k(100) * z_100_0; // z^(2^200 - 1)
        let z_250_0 = z_200_0.pow2k(50) * z_50_0; // z^(2^250 - 1)
        z_250_0.pow2k(5) * z11 // z^(2^255 - 32 + 11) = z^(p - 2)
    }

    /// A square root, or `None` if there is none: **variable time**, for
    /// public values only (the Edwards base point in `base.rs`). As p = 5
    /// mod 8, `r = a^((p+3)/8)` has `r^2 = a` or `r^2 = -a`; in the second
    /// case `r sqrt(-1)` is the root, with `sqrt(-1) = 2^((p-1)/4)`
    /// (Atkin's method, as in RFC 8032 §5.1.3 step 3).
    pub(crate) fn sqrt_vartime(self) -> Option<FieldElement> {
        // (p + 3)/8 = 2^252 - 2 and (p - 1)/4 = 2^253 - 5, little-endian.
        let mut p_plus_3_over_8 = [0xff; 32];
        p_plus_3_over_8[0] = 0xfe;
        p_plus_3_over_8[31] = 0x0f;
        let mut p_minus_1_over_4 = [0xff; 32];
        p_minus_1_over_4[0] = 0xfb;
        p_minus_1_over_4[31] = 0x1f;
        let r = self.pow_vartime(&p_plus_3_over_8);
        let a = self.to_bytes();
        if r.square().to_bytes() == a {
            return Some(r);
        }
        let r = r * FieldElement::from_u64(2).pow_vartime(&p_minus_1_over_4);
        (r.square().to_bytes() == a).then_some(r)
    }

    /// `self^exp` for a public little-endian exponent: square and multiply,
    /// **variable time in the exponent**.
    fn pow_vartime(self, exp: &[u8; 32]) -> FieldElement {
        let mut acc = FieldElement::ONE;
        for bit in (0..256).rev() {
            acc = acc.square();
            if (exp[bit / 8] >> (bit % 8)) & 1 == 1 {
                acc = acc * self;
            }
        }
        acc
    }

    /// Swaps `a` and `b` when `swap` is set, in constant time: the `cswap`
    /// of RFC 7748 §5, `dummy = mask(swap) AND (x_2 XOR x_3)`, limb by limb.
    #[inline(always)]
    pub(crate) fn conditional_swap(a: &mut FieldElement, b: &mut FieldElement, swap: Choice) {
        for (x, y) in a.0.iter_mut().zip(b.0.iter_mut()) {
            u64::conditional_swap(x, y, swap);
        }
    }

    /// Carries five 128-bit column sums into a reduced element: the shared
    /// tail of `mul`, `square` and `mul_a24`.
    ///
    /// Precondition (holds for products of loose inputs): `c[0..4] < 2^115`
    /// and `c[4] < 5·2^108`, so each carry fits in a u64 and
    /// 19·(carry out of limb 4) < 2^64.
    #[inline(always)]
    fn carry_wide(mut c: [u128; 5]) -> FieldElement {
        debug_assert!(c[..4].iter().all(|&x| x < 1 << 115) && c[4] < 5 << 108);
        let mut out = [0u64; 5];
        for i in 0..4 {
            c[i + 1] += c[i] >> 51;
            out[i] = (c[i] as u64) & MASK_51;
        }
        out[4] = (c[4] as u64) & MASK_51;
        // The last column has no 19s: c[4] < 5·2^108 + 2^64 < 2^110.4, so its
        // carry is < 2^59.4 and out[0] + 19·carry < 2^51 + 2^63.7 < 2^64.
        let top = (c[4] >> 51) as u64;
        out[0] += 19 * top;
        // One more step brings limb 0 under 2^51 and limb 1 under 2^51 + 2^13.
        out[1] += out[0] >> 51;
        out[0] &= MASK_51;
        let r = FieldElement(out);
        debug_assert!(r.0.iter().all(|&x| x < REDUCED_BOUND));
        r
    }
}

impl Add for FieldElement {
    type Output = FieldElement;

    /// Limb-wise sum, no carry: reduced + reduced is loose (< 2^53).
    #[inline(always)]
    fn add(self, rhs: FieldElement) -> FieldElement {
        debug_assert!(self.0.iter().chain(&rhs.0).all(|&x| x < REDUCED_BOUND), "add: input not reduced");
        FieldElement(core::array::from_fn(|i| self.0[i] + rhs.0[i]))
    }
}

impl Sub for FieldElement {
    type Output = FieldElement;

    /// `self + 4p - rhs` limb by limb, no carry: each limb of 4p is at least
    /// 2^53 - 76 > 2^52 > any reduced limb, so nothing underflows, and the
    /// result is loose (< 2^52 + 2^53 < 2^54).
    #[inline(always)]
    #[allow(clippy::suspicious_arithmetic_impl, reason = "a - b is computed as (a + 4p) - b")]
    fn sub(self, rhs: FieldElement) -> FieldElement {
        debug_assert!(self.0.iter().chain(&rhs.0).all(|&x| x < REDUCED_BOUND), "sub: input not reduced");
        FieldElement(core::array::from_fn(|i| (self.0[i] + FOUR_P[i]) - rhs.0[i]))
    }
}

impl Mul for FieldElement {
    type Output = FieldElement;

    /// The product. Accepts loose inputs, returns reduced output.
    #[inline(always)]
    fn mul(self, rhs: FieldElement) -> FieldElement {
        let (a, b) = (&self.0, &rhs.0);
        debug_assert!(a.iter().chain(b).all(|&x| x < LOOSE_BOUND), "mul: input limb >= 2^54");
        let m = |x: u64, y: u64| u128::from(x) * u128::from(y);

        // 19·b_i < 2^59 fits in a u64.
        let b1_19 = 19 * b[1];
        let b2_19 = 19 * b[2];
        let b3_19 = 19 * b[3];
        let b4_19 = 19 * b[4];

        // Column k collects a_i·b_j with i + j = k, and i + j = k + 5 times
        // 19 (those terms sit at 2^255·2^(51k) ≡ 19·2^(51k)). Each column is
        // below (1 + 4·19)·2^108 < 2^115; the last has no 19s: < 5·2^108.
        let c = [
            m(a[0], b[0]) + m(a[1], b4_19) + m(a[2], b3_19) + m(a[3], b2_19) + m(a[4], b1_19),
            m(a[0], b[1]) + m(a[1], b[0]) + m(a[2], b4_19) + m(a[3], b3_19) + m(a[4], b2_19),
            m(a[0], b[2]) + m(a[1], b[1]) + m(a[2], b[0]) + m(a[3], b4_19) + m(a[4], b3_19),
            m(a[0], b[3]) + m(a[1], b[2]) + m(a[2], b[1]) + m(a[3], b[0]) + m(a[4], b4_19),
            m(a[0], b[4]) + m(a[1], b[3]) + m(a[2], b[2]) + m(a[3], b[1]) + m(a[4], b[0]),
        ];
        FieldElement::carry_wide(c)
    }
}

impl Zeroize for FieldElement {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}
