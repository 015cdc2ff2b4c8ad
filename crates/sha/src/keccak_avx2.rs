//! Keccak-f[1600] on four states at once with AVX2 (x86-64).
//!
//! Constant time: yes. Each step is the portable one (`keccak`) on 256-bit
//! registers: XOR, AND-NOT and rotations by fixed amounts (two shifts and an
//! OR), none of whose timing depends on the data, and no branch or memory
//! index depends on the state.
//!
//! A 256-bit register holds four 64-bit lanes, so lane `A[x, y]` of four
//! independent states fits in one register ("vertical" vectorisation, as in
//! the eight-block ChaCha20 of padlock-chacha): the 25 registers of the
//! interleaved state `[[u64; 4]; 25]` go through the round of FIPS 202 §3.3
//! exactly as the portable code's 25 words do, four permutations for about
//! the instructions of one. ML-KEM asks for many independent SHAKE outputs
//! (the k² entries of its matrix, its noise polynomials), which is where
//! four at a time pays.
//!
//! This module holds `unsafe` for one reason: calling the function compiled
//! for AVX2 after checking that the CPU has it. The test below checks it
//! against the portable permutation.

#![allow(unsafe_code)]

/// Keccak-f[1600] on the four states interleaved in `lanes` (lane `i` of
/// state `s` at `lanes[i][s]`). Panics if the CPU lacks AVX2 (the caller,
/// `keccak::keccak_f1600_x4`, checks first).
pub(crate) fn keccak_f1600_x4(lanes: &mut [[u64; 4]; 25]) {
    assert!(crate::avx2::is_available(), "the AVX2 Keccak on a CPU without AVX2");
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the assertion above checked AVX2, the feature `x86::permute`
    // is compiled for.
    unsafe {
        x86::permute(lanes)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = lanes;
        unreachable!("AVX2 is never available off x86-64")
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m256i, _mm256_andnot_si256, _mm256_loadu_si256, _mm256_or_si256, _mm256_set1_epi64x,
        _mm256_slli_epi64, _mm256_srli_epi64, _mm256_storeu_si256, _mm256_xor_si256,
    };

    use crate::keccak::RC;

    /// The 24 rounds (FIPS 202 §3.4) on the four interleaved states.
    #[target_feature(enable = "avx2")]
    pub(super) fn permute(lanes: &mut [[u64; 4]; 25]) {
        let mut a = [_mm256_set1_epi64x(0); 25];
        for (v, lane) in a.iter_mut().zip(lanes.iter()) {
            // SAFETY: `lane` is 32 readable bytes; the load is unaligned.
            *v = unsafe { _mm256_loadu_si256(lane.as_ptr().cast()) };
        }
        for rc in RC {
            round(&mut a, rc);
        }
        for (v, lane) in a.iter().zip(lanes.iter_mut()) {
            // SAFETY: `lane` is 32 writable bytes; the store is unaligned.
            unsafe { _mm256_storeu_si256(lane.as_mut_ptr().cast(), *v) };
        }
    }

    /// `$v` rotated left by the constant `$n` bits in each 64-bit lane: two
    /// shifts by immediates and an OR (AVX2 has no 64-bit rotation). For
    /// `$n = 0` the right shift by 64 gives zero, so the result is `$v`.
    macro_rules! rotl {
        ($v:expr, $n:literal) => {{
            let v = $v;
            _mm256_or_si256(_mm256_slli_epi64::<$n>(v), _mm256_srli_epi64::<{ 64 - $n }>(v))
        }};
    }

    /// One row of the next state: the five lanes `$i` of `$a` that ρ and π
    /// bring to row `$y` (lane `$i` is in column `$i mod 5`, so θ adds
    /// `$d[$i mod 5]`), rotated by their ρ offsets `$r`, then χ (§3.2.4) on
    /// the row: `e[5y + x] = b[x] ⊕ (¬b[x + 1] ∧ b[x + 2])`.
    macro_rules! row {
        ($e:ident, $a:ident, $d:ident, $y:literal, $(($i:literal, $r:literal)),* ) => {{
            let [b0, b1, b2, b3, b4] = [$(rotl!(_mm256_xor_si256($a[$i], $d[$i % 5]), $r)),*];
            $e[5 * $y] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2));
            $e[5 * $y + 1] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3));
            $e[5 * $y + 2] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4));
            $e[5 * $y + 3] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0));
            $e[5 * $y + 4] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1));
        }};
    }

    /// One round `Rnd(A, i_r)` of §3.3: the portable `keccak::round`, lane
    /// for lane, with each `u64` a register of four. Written out so that
    /// every index and rotation is a constant (with the loops of the
    /// portable code the compiler kept them rolled, with variable shifts:
    /// slower than four portable permutations), and row by row: θ's column
    /// sums first, then for each row of the result its five lanes through
    /// θ, ρ and π, and χ at once, so that few values are live at a time.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn round(a: &mut [__m256i; 25], rc: u64) {
        let xor = |p: __m256i, q: __m256i| _mm256_xor_si256(p, q);
        // θ (§3.2.1): the column parities C[x], and D[x] = C[x - 1] ⊕
        // rot(C[x + 1], 1), to be XORed into every lane of column x.
        let c: [__m256i; 5] =
            core::array::from_fn(|x| xor(xor(xor(a[x], a[x + 5]), xor(a[x + 10], a[x + 15])), a[x + 20]));
        let d = [
            xor(c[4], rotl!(c[1], 1)),
            xor(c[0], rotl!(c[2], 1)),
            xor(c[1], rotl!(c[3], 1)),
            xor(c[2], rotl!(c[4], 1)),
            xor(c[3], rotl!(c[0], 1)),
        ];
        // ρ (§3.2.2) and π (§3.2.3): lane (x, y), at index x + 5y, goes to
        // row 2x + 3y mod 5, column y, rotated by `keccak::RHO[x + 5y]`;
        // then χ, row by row, into a new state.
        let mut e = [_mm256_set1_epi64x(0); 25];
        row!(e, a, d, 0, (0, 0), (6, 44), (12, 43), (18, 21), (24, 14));
        row!(e, a, d, 1, (3, 28), (9, 20), (10, 3), (16, 45), (22, 61));
        row!(e, a, d, 2, (1, 1), (7, 6), (13, 25), (19, 8), (20, 18));
        row!(e, a, d, 3, (4, 27), (5, 36), (11, 10), (17, 15), (23, 56));
        row!(e, a, d, 4, (2, 62), (8, 55), (14, 39), (15, 41), (21, 2));
        // ι (§3.2.5).
        e[0] = xor(e[0], _mm256_set1_epi64x(rc as i64));
        *a = e;
    }
}

#[cfg(test)]
mod tests {
    /// Four different states through the AVX2 permutation and, one by one,
    /// through the portable one, three times in a row.
    #[test]
    #[cfg_attr(not(target_arch = "x86_64"), ignore = "AVX2 is an x86-64 extension")]
    fn four_states_agree_with_the_portable_permutation() {
        assert!(
            crate::avx2::is_available(),
            "this x86-64 CPU has no AVX2: the test cannot run the AVX2 code"
        );
        let mut lanes = [[0u64; 4]; 25];
        let mut states = [[0u64; 25]; 4];
        let mut x = 0x0123_4567_89ab_cdefu64;
        for i in 0..25 {
            for s in 0..4 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                lanes[i][s] = x;
                states[s][i] = x;
            }
        }
        for _ in 0..3 {
            super::keccak_f1600_x4(&mut lanes);
            for state in states.iter_mut() {
                crate::keccak::keccak_f1600(state);
            }
            for i in 0..25 {
                for s in 0..4 {
                    assert_eq!(lanes[i][s], states[s][i], "lane {i} of state {s}");
                }
            }
        }
    }
}
