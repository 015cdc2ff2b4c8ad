//! The AVX2 backend for the NTT, its inverse and multiplication in the NTT
//! domain (FIPS 203 Algorithms 9-12): sixteen coefficients per instruction.
//!
//! Constant time: yes, because every operation is a fixed sequence of vector
//! additions, multiplications, shuffles and unsigned minimums, whose timing
//! does not depend on the lanes' values; there is no branch or memory index
//! on a coefficient.
//!
//! It computes exactly what `ntt.rs` computes (the property tests at the end
//! check it against the portable code), with coefficients kept canonical in
//! `0 .. q` in 16-bit lanes:
//!
//! - `a + b mod q` and `a - b mod q` are followed by `min(s, s - q)` (unsigned):
//!   if s < q the subtraction wraps to a huge number and the minimum keeps s.
//! - `a · ζ mod q` for a constant ζ uses Shoup's method: with the
//!   precomputed `ζ' = floor(ζ · 2^16 / q)`, the quotient estimate
//!   `mulhi(a, ζ')` is floor(a·ζ/q) or one less, so `a·ζ - estimate·q`,
//!   computed modulo 2^16, lies in `0 .. 2q` and one `min` finishes.
//! - `a · b mod q` for two variables (the base-case products) first makes a
//!   Shoup companion for b: `b·2^16 mod q` by a constant multiplication,
//!   then `b' = floor(b·2^16/q)` as the exact quotient
//!   `(b·2^16 - (b·2^16 mod q)) / q`, which modulo 2^16 is
//!   `-(b·2^16 mod q) · q^-1` — a multiplication, no division.
//!
//! The layers with butterflies 16 or more coefficients apart work on whole
//! vectors; the last three (8, 4 and 2 apart) regroup the 32 coefficients of
//! two vectors with lane permutations so that each butterfly's two inputs
//! sit in the same lane of two registers, then put them back.
//!
//! This module holds the crate's only `unsafe`: the intrinsics, each call
//! reached only after `is_x86_feature_detected!("avx2")` said yes.

#![allow(unsafe_code)]

#[cfg(target_arch = "x86_64")]
pub(crate) use imp::{inverse_ntt, is_available, multiply_ntts_add, ntt};

#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn is_available() -> bool {
    false
}

#[cfg(not(target_arch = "x86_64"))]
pub(crate) use crate::ntt::{
    inverse_ntt_portable as inverse_ntt, multiply_ntts_add_portable as multiply_ntts_add, ntt_portable as ntt,
};

#[cfg(target_arch = "x86_64")]
mod imp {
    use core::arch::x86_64::*;

    use crate::field::Q;
    use crate::ntt::{GAMMAS, ZETAS};
    use crate::poly::Poly;

    /// Whether this CPU has AVX2.
    pub(crate) fn is_available() -> bool {
        is_x86_feature_detected!("avx2")
    }

    /// `floor(x · 2^16 / q)`: the Shoup companion of a constant x < q.
    const fn shoup(x: u16) -> u16 {
        ((x as u32) << 16).div_euclid(Q as u32) as u16
    }

    /// -q^-1 mod 2^16: `b · 2^16 mod q` times this is the exact quotient
    /// `floor(b · 2^16 / q)` modulo 2^16 (see the module doc).
    const Q_INV_NEG: u16 = {
        // Newton's iteration for the inverse of the odd q modulo 2^16.
        let mut inv: u16 = 1;
        let mut i = 0;
        while i < 5 {
            inv = inv.wrapping_mul(2u16.wrapping_sub((Q).wrapping_mul(inv)));
            i += 1;
        }
        inv.wrapping_neg()
    };

    /// 2^16 mod q, the constant that turns b into b·2^16 mod q.
    const R_MOD_Q: u16 = ((1u32 << 16) % Q as u32) as u16;

    /// 128^-1 mod q (FIPS 203 Algorithm 10 step 14).
    const N_INV: u16 = 3303;

    /// A table of sixteen lanes of constants and their Shoup companions.
    #[derive(Clone, Copy)]
    struct Lanes {
        value: [u16; 16],
        shoup: [u16; 16],
    }

    /// The zeta lanes for the three in-register layers of one 32-coefficient
    /// chunk, given the ZETAS index of the chunk's first block in each layer
    /// and the order of the blocks in the lanes (see `regroup`).
    const fn lanes(first: [usize; 3], forward: bool) -> [Lanes; 3] {
        let mut out = [Lanes { value: [0; 16], shoup: [0; 16] }; 3];
        // Which block of the chunk each lane belongs to, per layer:
        // len 8: two blocks of 16, one per 128-bit half;
        // len 4: four blocks of 8, one per 64-bit quarter;
        // len 2: eight blocks of 4, in the order 0 2 1 3 | 4 6 5 7, two lanes each.
        let blocks: [[usize; 16]; 3] = [
            [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
            [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3],
            [0, 0, 2, 2, 1, 1, 3, 3, 4, 4, 6, 6, 5, 5, 7, 7],
        ];
        let mut layer = 0;
        while layer < 3 {
            let mut lane = 0;
            while lane < 16 {
                let block = blocks[layer][lane];
                // The forward NTT counts zeta indices up, the inverse down.
                let index = if forward { first[layer] + block } else { first[layer] - block };
                out[layer].value[lane] = ZETAS[index];
                out[layer].shoup[lane] = shoup(ZETAS[index]);
                lane += 1;
            }
            layer += 1;
        }
        out
    }

    /// Per chunk c (coefficients 32c .. 32c + 32): the zetas of the layers
    /// len = 8, 4, 2 of Algorithm 9, whose blocks there use ZETAS[16 + 2c ..],
    /// ZETAS[32 + 4c ..] and ZETAS[64 + 8c ..].
    const FORWARD: [[Lanes; 3]; 8] = {
        let mut t = [[Lanes { value: [0; 16], shoup: [0; 16] }; 3]; 8];
        let mut c = 0;
        while c < 8 {
            t[c] = lanes([16 + 2 * c, 32 + 4 * c, 64 + 8 * c], true);
            c += 1;
        }
        t
    };

    /// The same for Algorithm 10, whose blocks use ZETAS[31 - 2c ..],
    /// ZETAS[63 - 4c ..] and ZETAS[127 - 8c ..], counting down.
    const INVERSE: [[Lanes; 3]; 8] = {
        let mut t = [[Lanes { value: [0; 16], shoup: [0; 16] }; 3]; 8];
        let mut c = 0;
        while c < 8 {
            t[c] = lanes([31 - 2 * c, 63 - 4 * c, 127 - 8 * c], false);
            c += 1;
        }
        t
    };

    /// γ_i in the odd lane of each pair (0 in the even lane), and the Shoup
    /// companions, for `multiply_ntts_add`.
    const GAMMA_LANES: ([u16; 256], [u16; 256]) = {
        let mut value = [0u16; 256];
        let mut companion = [0u16; 256];
        let mut i = 0;
        while i < 128 {
            value[2 * i + 1] = GAMMAS[i];
            companion[2 * i + 1] = shoup(GAMMAS[i]);
            i += 1;
        }
        (value, companion)
    };

    /// Algorithm 9 on the AVX2 unit.
    pub(crate) fn ntt(f: &mut Poly) {
        assert!(is_available(), "the AVX2 backend was chosen on a CPU without AVX2");
        // SAFETY: AVX2 is available (checked just above).
        unsafe { ntt_avx2(f) }
    }

    /// Algorithm 10 on the AVX2 unit.
    pub(crate) fn inverse_ntt(f: &mut Poly) {
        assert!(is_available(), "the AVX2 backend was chosen on a CPU without AVX2");
        // SAFETY: AVX2 is available (checked just above).
        unsafe { inverse_ntt_avx2(f) }
    }

    /// Algorithms 11 and 12, `h += f̂ ∘ ĝ`, on the AVX2 unit.
    pub(crate) fn multiply_ntts_add(h: &mut Poly, f: &Poly, g: &Poly) {
        assert!(is_available(), "the AVX2 backend was chosen on a CPU without AVX2");
        // SAFETY: AVX2 is available (checked just above).
        unsafe { multiply_ntts_add_avx2(h, f, g) }
    }

    #[target_feature(enable = "avx2")]
    fn load(f: &Poly, at: usize) -> __m256i {
        let lanes: &[u16; 16] = f.0[at..at + 16].try_into().expect("16 coefficients");
        // SAFETY: `lanes` is 32 readable bytes; loadu allows any alignment.
        unsafe { _mm256_loadu_si256(lanes.as_ptr().cast()) }
    }

    #[target_feature(enable = "avx2")]
    fn store(f: &mut Poly, at: usize, v: __m256i) {
        let lanes: &mut [u16; 16] = (&mut f.0[at..at + 16]).try_into().expect("16 coefficients");
        // SAFETY: `lanes` is 32 writable bytes; storeu allows any alignment.
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), v) }
    }

    #[target_feature(enable = "avx2")]
    fn lanes_of(table: &[u16; 16]) -> __m256i {
        // SAFETY: `table` is 32 readable bytes; loadu allows any alignment.
        unsafe { _mm256_loadu_si256(table.as_ptr().cast()) }
    }

    /// `min(s, s - q)` per lane, for s < 2q: the canonical representative.
    #[target_feature(enable = "avx2")]
    fn reduce_once(s: __m256i) -> __m256i {
        _mm256_min_epu16(s, _mm256_sub_epi16(s, _mm256_set1_epi16(Q as i16)))
    }

    #[target_feature(enable = "avx2")]
    fn add(a: __m256i, b: __m256i) -> __m256i {
        reduce_once(_mm256_add_epi16(a, b))
    }

    #[target_feature(enable = "avx2")]
    fn sub(a: __m256i, b: __m256i) -> __m256i {
        reduce_once(_mm256_sub_epi16(_mm256_add_epi16(a, _mm256_set1_epi16(Q as i16)), b))
    }

    /// `a · z mod q` per lane, given `z' = floor(z · 2^16 / q)` (Shoup).
    #[target_feature(enable = "avx2")]
    fn mul_shoup(a: __m256i, z: __m256i, z_shoup: __m256i) -> __m256i {
        let estimate = _mm256_mulhi_epu16(a, z_shoup);
        let r = _mm256_sub_epi16(
            _mm256_mullo_epi16(a, z),
            _mm256_mullo_epi16(estimate, _mm256_set1_epi16(Q as i16)),
        );
        reduce_once(r)
    }

    /// The Shoup companion `floor(b · 2^16 / q)` of variable lanes b < q.
    #[target_feature(enable = "avx2")]
    fn companion(b: __m256i) -> __m256i {
        let r = _mm256_set1_epi16(R_MOD_Q as i16);
        let b_r = mul_shoup(b, r, _mm256_set1_epi16(shoup(R_MOD_Q) as i16));
        _mm256_mullo_epi16(b_r, _mm256_set1_epi16(Q_INV_NEG as i16))
    }

    /// The Cooley-Tukey butterfly of Algorithm 9 on sixteen pairs.
    #[target_feature(enable = "avx2")]
    fn butterfly(a: &mut __m256i, b: &mut __m256i, z: __m256i, z_shoup: __m256i) {
        let t = mul_shoup(*b, z, z_shoup);
        *b = sub(*a, t);
        *a = add(*a, t);
    }

    /// The Gentleman-Sande butterfly of Algorithm 10 on sixteen pairs.
    #[target_feature(enable = "avx2")]
    fn butterfly_inverse(a: &mut __m256i, b: &mut __m256i, z: __m256i, z_shoup: __m256i) {
        let t = *a;
        *a = add(t, *b);
        *b = mul_shoup(sub(*b, t), z, z_shoup);
    }

    /// Butterflies 16 or more apart: whole vectors, one zeta per block.
    #[target_feature(enable = "avx2")]
    fn wide_layer(f: &mut Poly, len: usize, zeta_index: &mut usize, forward: bool) {
        // `(0..256).step_by(2 * len)` would divide by the (public) step to
        // count its iterations, a `div` instruction; counting blocks keeps
        // the crate's machine code free of division (tests/no_division.rs).
        debug_assert!(len.is_power_of_two() && (16..=128).contains(&len));
        for block in 0..128 >> len.trailing_zeros() {
            let start = 2 * len * block;
            let zeta = ZETAS[*zeta_index];
            if forward {
                *zeta_index += 1;
            } else {
                *zeta_index -= 1;
            }
            let (z, z_shoup) = (_mm256_set1_epi16(zeta as i16), _mm256_set1_epi16(shoup(zeta) as i16));
            for j in (start..start + len).step_by(16) {
                let (mut a, mut b) = (load(f, j), load(f, j + len));
                if forward {
                    butterfly(&mut a, &mut b, z, z_shoup);
                } else {
                    butterfly_inverse(&mut a, &mut b, z, z_shoup);
                }
                store(f, j, a);
                store(f, j + len, b);
            }
        }
    }

    /// The three narrow layers (len 8, 4, 2) of one 32-coefficient chunk,
    /// in registers: `x`, `y` hold the two halves of each butterfly.
    #[target_feature(enable = "avx2")]
    fn narrow_layers(f: &mut Poly, chunk: usize, forward: bool) {
        let zetas = if forward { &FORWARD[chunk] } else { &INVERSE[chunk] };
        let z = |layer: usize| (lanes_of(&zetas[layer].value), lanes_of(&zetas[layer].shoup));
        let (a, b) = (load(f, 32 * chunk), load(f, 32 * chunk + 16));
        // len 8: x = (a.lo, b.lo), y = (a.hi, b.hi) as 128-bit halves.
        let (mut x8, mut y8) = (_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31));
        if forward {
            let (zv, zs) = z(0);
            butterfly(&mut x8, &mut y8, zv, zs);
        }
        // len 4: the 64-bit quarters.
        let (mut x4, mut y4) = (_mm256_unpacklo_epi64(x8, y8), _mm256_unpackhi_epi64(x8, y8));
        if forward {
            let (zv, zs) = z(1);
            butterfly(&mut x4, &mut y4, zv, zs);
        }
        // len 2: the 32-bit words, regrouped 0 2 1 3 within each half.
        let (s4, t4) = (_mm256_shuffle_epi32(x4, 0b11_01_10_00), _mm256_shuffle_epi32(y4, 0b11_01_10_00));
        let (mut x2, mut y2) = (_mm256_unpacklo_epi64(s4, t4), _mm256_unpackhi_epi64(s4, t4));
        let (zv, zs) = z(2);
        if forward {
            butterfly(&mut x2, &mut y2, zv, zs);
        } else {
            butterfly_inverse(&mut x2, &mut y2, zv, zs);
        }
        // Undo the regrouping, running the inverse's len 4 and 8 on the way.
        let (s4, t4) = (_mm256_unpacklo_epi64(x2, y2), _mm256_unpackhi_epi64(x2, y2));
        let (mut x4, mut y4) =
            (_mm256_shuffle_epi32(s4, 0b11_01_10_00), _mm256_shuffle_epi32(t4, 0b11_01_10_00));
        if !forward {
            let (zv, zs) = z(1);
            butterfly_inverse(&mut x4, &mut y4, zv, zs);
        }
        let (mut x8, mut y8) = (_mm256_unpacklo_epi64(x4, y4), _mm256_unpackhi_epi64(x4, y4));
        if !forward {
            let (zv, zs) = z(0);
            butterfly_inverse(&mut x8, &mut y8, zv, zs);
        }
        store(f, 32 * chunk, _mm256_permute2x128_si256(x8, y8, 0x20));
        store(f, 32 * chunk + 16, _mm256_permute2x128_si256(x8, y8, 0x31));
    }

    #[target_feature(enable = "avx2")]
    fn ntt_avx2(f: &mut Poly) {
        let mut zeta_index = 1;
        for len in [128, 64, 32, 16] {
            wide_layer(f, len, &mut zeta_index, true);
        }
        for chunk in 0..8 {
            narrow_layers(f, chunk, true);
        }
    }

    #[target_feature(enable = "avx2")]
    fn inverse_ntt_avx2(f: &mut Poly) {
        for chunk in 0..8 {
            narrow_layers(f, chunk, false);
        }
        let mut zeta_index = 15;
        for len in [16, 32, 64, 128] {
            wide_layer(f, len, &mut zeta_index, false);
        }
        let (n, n_shoup) = (_mm256_set1_epi16(N_INV as i16), _mm256_set1_epi16(shoup(N_INV) as i16));
        for at in (0..256).step_by(16) {
            store(f, at, mul_shoup(load(f, at), n, n_shoup));
        }
    }

    /// Swaps the two 16-bit halves of every 32-bit lane: (x0, x1) -> (x1, x0).
    #[target_feature(enable = "avx2")]
    fn swap_pairs(v: __m256i) -> __m256i {
        _mm256_or_si256(_mm256_slli_epi32(v, 16), _mm256_srli_epi32(v, 16))
    }

    #[target_feature(enable = "avx2")]
    fn multiply_ntts_add_avx2(h: &mut Poly, f: &Poly, g: &Poly) {
        let (gammas, gamma_companions) = &GAMMA_LANES;
        for at in (0..256).step_by(16) {
            let (a, b) = (load(f, at), load(g, at));
            let b_shoup = companion(b);
            // (a0·b0, a1·b1) and (a0·b1, a1·b0) for the eight pairs.
            let straight = mul_shoup(a, b, b_shoup);
            let crossed = mul_shoup(a, swap_pairs(b), swap_pairs(b_shoup));
            // c1 = a0·b1 + a1·b0, in both lanes of each pair.
            let c1 = add(crossed, swap_pairs(crossed));
            // c0 = a0·b0 + γ·a1·b1: γ·(a1·b1) computed in the odd lane, moved to the even.
            let gamma = lanes_of(gammas[at..at + 16].try_into().expect("16 lanes"));
            let gamma_shoup = lanes_of(gamma_companions[at..at + 16].try_into().expect("16 lanes"));
            let c0 = add(straight, swap_pairs(mul_shoup(straight, gamma, gamma_shoup)));
            // Even lanes from c0, odd lanes from c1.
            let product = _mm256_blend_epi16(c0, c1, 0b1010_1010);
            store(h, at, add(load(h, at), product));
        }
    }
}

/// The AVX2 code against the portable code on random polynomials (skipped
/// on CPUs without AVX2, where the backend is never chosen).
#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use proptest::prelude::*;

    use crate::field::Q;
    use crate::ntt::{inverse_ntt_portable, multiply_ntts_add_portable, ntt_portable};
    use crate::poly::Poly;

    /// 256 coefficients below q. (A `Vec`, as `Poly` has no `Debug`.)
    fn coefficients() -> impl Strategy<Value = Vec<u16>> {
        proptest::collection::vec(0..Q, 256)
    }

    fn poly(c: Vec<u16>) -> Poly {
        Poly(c.try_into().expect("256 coefficients"))
    }

    /// Polynomials at the edges: all zero, all q - 1, alternating.
    fn edges() -> Vec<Poly> {
        vec![
            Poly([0; 256]),
            Poly([Q - 1; 256]),
            Poly(core::array::from_fn(|i| if i % 2 == 0 { Q - 1 } else { 0 })),
        ]
    }

    fn same_as_portable(f: &Poly, g: &Poly, h: &Poly) {
        if !super::is_available() {
            return;
        }
        let (mut ours, mut theirs) = (f.clone(), f.clone());
        super::ntt(&mut ours);
        ntt_portable(&mut theirs);
        assert_eq!(ours.0, theirs.0, "NTT");

        let (mut ours, mut theirs) = (f.clone(), f.clone());
        super::inverse_ntt(&mut ours);
        inverse_ntt_portable(&mut theirs);
        assert_eq!(ours.0, theirs.0, "inverse NTT");

        let (mut ours, mut theirs) = (h.clone(), h.clone());
        super::multiply_ntts_add(&mut ours, f, g);
        multiply_ntts_add_portable(&mut theirs, f, g);
        assert_eq!(ours.0, theirs.0, "base-case products");
    }

    #[test]
    fn edge_polynomials_agree() {
        for f in edges() {
            for g in edges() {
                same_as_portable(&f, &g, &g);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn avx2_equals_portable(f in coefficients(), g in coefficients(), h in coefficients()) {
            same_as_portable(&poly(f), &poly(g), &poly(h));
        }
    }
}
