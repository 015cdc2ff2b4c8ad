//! The AVX-512 backend (x86-64 with AVX-512F and AVX-512 IFMA): ChaCha20
//! sixteen blocks at a time, Poly1305 eight blocks at a time.
//!
//! Constant time: yes, for the reasons the AVX2 backend is: the same vector
//! additions, XORs, rotations and multiplications (`vpmadd52luq` and
//! `vpmadd52huq`, whose timing does not depend on their operands) whatever
//! the data, no secret-dependent branch or index.
//!
//! The layout is the AVX2 one widened: a 512-bit register holds word `i` of
//! sixteen consecutive blocks, so sixteen registers hold sixteen states.
//! AVX-512 adds two things ChaCha20 wants: a rotate instruction (`vprold`),
//! one instruction where AVX2 needs a shuffle or two shifts and an OR, and
//! thirty-two registers, so the sixteen state words never leave them. The
//! output is transposed back into blocks in three steps (32-bit, 64-bit and
//! 128-bit interleaves). A tail of less than 1 KiB goes to the AVX2 code.
//!
//! **Poly1305** uses IFMA, which multiplies 52-bit numbers and adds the low
//! or the high 52 bits of the 104-bit product to an accumulator. That fits
//! the portable code's 44-bit limbs (no change of radix): eight lanes, lane
//! `j` taking blocks `j, j + 8, ...`, multiplied by `r^8` between them and by
//! `r^8, r^7, ..., r` at the end, as the AVX2 code does with four lanes. The
//! high halves of the products sit 52 bits up, that is 8 bits above the next
//! limb, so they are shifted left by 8 and added there; the top limb's high
//! half sits at 2^140 = 5 * 2^10 (mod p).
//!
//! Like `avx2`, this module holds `unsafe` only for calling functions
//! compiled for AVX-512F after checking the CPU has it, and for unaligned
//! vector loads and stores.

#![allow(unsafe_code)]

use zeroize::Zeroize;

use crate::poly1305::{self, Limbs};

/// Poly1305 bytes per vector step: eight 16-byte blocks, one per lane.
pub(crate) const POLY_STRIDE: usize = 128;

const MASK44: u64 = (1 << 44) - 1;
const MASK42: u64 = (1 << 42) - 1;

/// Whether this CPU has AVX-512F and AVX-512 IFMA (and AVX2, for tails).
/// Asked once per process.
pub(crate) fn is_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512ifma")
                && crate::avx2::is_available()
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// ChaCha20 keystream XORed into `data`, from the block counter in
/// `state[12]` on (see `chacha20::xor_keystream`).
///
/// Panics if the CPU lacks AVX-512F: callers only choose this backend after
/// [`is_available`] said yes, so reaching the panic is a broken invariant.
pub(crate) fn xor_keystream(state: &[u32; 16], data: &mut [u8]) {
    assert!(is_available(), "AVX-512 backend used on a CPU without AVX-512F");
    let whole = data.len() / x86::STRIDE * x86::STRIDE;
    let (blocks, tail) = data.split_at_mut(whole);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the assertion above checked that the CPU supports AVX-512F, the
    // only feature `x86::xor_keystream` is compiled for.
    unsafe {
        x86::xor_keystream(state, blocks)
    };
    if !tail.is_empty() {
        let mut state = *state;
        state[12] = state[12].wrapping_add((whole / 64) as u32);
        crate::avx2::xor_keystream(&state, tail);
        zeroize::Zeroize::zeroize(&mut state);
    }
}

/// `r^8, r^7, ..., r` in 44-bit limbs, for the eight-way Poly1305. Secret:
/// wiped on drop.
pub(crate) struct Powers {
    /// `limbs[i][j]`: limb `i` of `r^(8 - j)`. Lane 0, `r^8`, is also the
    /// step between groups.
    limbs: [[u64; 8]; 3],
}

impl Powers {
    /// The powers of the clamped `r`, partly reduced as the portable `mul`
    /// leaves them (every limb below 2^45, well within IFMA's 52 bits).
    pub(crate) fn new(r: &Limbs) -> Powers {
        let mut powers = poly1305::powers_1_to_8(r);
        let mut limbs = [[0u64; 8]; 3];
        // Lane j takes r^(8 - j): the last power first.
        for (lane, power) in powers.iter().rev().enumerate() {
            for (limb, value) in limbs.iter_mut().zip(power) {
                limb[lane] = *value;
            }
        }
        powers.zeroize();
        Powers { limbs }
    }
}

impl Drop for Powers {
    fn drop(&mut self) {
        self.limbs.zeroize();
    }
}

/// Poly1305 over whole groups of eight blocks (`data.len()` a multiple of
/// 128, each block with its 2^128 bit), updating the portable accumulator
/// `h`. Panics if the CPU lacks AVX-512 IFMA (a broken invariant).
pub(crate) fn poly1305_blocks(h: &mut Limbs, powers: &Powers, data: &[u8]) {
    assert!(is_available(), "AVX-512 backend used on a CPU without AVX-512F and IFMA");
    assert!(data.len().is_multiple_of(POLY_STRIDE), "whole groups of eight blocks");
    if data.is_empty() {
        return;
    }
    let mut lanes = [[0u64; 8]; 3];
    for (lane, limb) in lanes.iter_mut().zip(*h) {
        lane[0] = limb;
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the assertion above checked that the CPU supports AVX-512F and
    // IFMA, the features `x86::poly1305_groups` is compiled for.
    unsafe {
        x86::poly1305_groups(&mut lanes, &powers.limbs, data)
    };
    *h = sum_lanes(&lanes);
    lanes.zeroize();
}

/// Sums the eight lanes (each limb below 2^45) and carries the result into
/// the stored bounds of `poly1305::Limbs`.
fn sum_lanes(lanes: &[[u64; 8]; 3]) -> Limbs {
    // Sums below 2^48: one pass leaves h1 below 2^44 + 1.
    let h = poly1305::carry(lanes.map(|limb| limb.iter().sum::<u64>()));
    debug_assert!(h[1] < (1 << 44) + (1 << 6));
    h
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m512i, _mm512_add_epi32, _mm512_add_epi64, _mm512_and_si512, _mm512_loadu_si512,
        _mm512_madd52hi_epu64, _mm512_madd52lo_epu64, _mm512_or_si512, _mm512_permutex2var_epi64,
        _mm512_rol_epi32, _mm512_set1_epi32, _mm512_set1_epi64, _mm512_setr_epi32, _mm512_setr_epi64,
        _mm512_setzero_si512, _mm512_shuffle_i32x4, _mm512_slli_epi64, _mm512_srli_epi64,
        _mm512_storeu_si512, _mm512_unpackhi_epi32, _mm512_unpackhi_epi64, _mm512_unpacklo_epi32,
        _mm512_unpacklo_epi64, _mm512_xor_si512,
    };

    use super::{MASK42, MASK44};

    /// Sixteen ChaCha20 blocks: 1 KiB.
    pub(super) const STRIDE: usize = 16 * 64;

    /// Whole groups of sixteen blocks (`data.len()` a multiple of 1 KiB).
    #[target_feature(enable = "avx512f")]
    pub(super) fn xor_keystream(state: &[u32; 16], data: &mut [u8]) {
        let mut counter = state[12];
        for chunk in data.chunks_exact_mut(STRIDE) {
            xor_blocks(&sixteen_blocks(state, counter), chunk);
            counter = counter.wrapping_add(16);
        }
    }

    /// RFC 8439 §2.3 on sixteen states: lane `j` of register `i` is word `i`
    /// of the block with counter `counter + j`.
    #[target_feature(enable = "avx512f")]
    fn sixteen_blocks(state: &[u32; 16], counter: u32) -> [__m512i; 16] {
        let mut initial = [_mm512_set1_epi32(0); 16];
        for (v, &word) in initial.iter_mut().zip(state) {
            *v = _mm512_set1_epi32(word as i32);
        }
        let lane_offsets = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        initial[12] = _mm512_add_epi32(_mm512_set1_epi32(counter as i32), lane_offsets);
        let mut x = initial;
        for _ in 0..10 {
            // §2.3: a column round, then a diagonal round.
            quarter_round(&mut x, 0, 4, 8, 12);
            quarter_round(&mut x, 1, 5, 9, 13);
            quarter_round(&mut x, 2, 6, 10, 14);
            quarter_round(&mut x, 3, 7, 11, 15);
            quarter_round(&mut x, 0, 5, 10, 15);
            quarter_round(&mut x, 1, 6, 11, 12);
            quarter_round(&mut x, 2, 7, 8, 13);
            quarter_round(&mut x, 3, 4, 9, 14);
        }
        for (v, i) in x.iter_mut().zip(initial) {
            *v = _mm512_add_epi32(*v, i);
        }
        x
    }

    /// §2.1 on sixteen lanes, each rotation one `vprold`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn quarter_round(x: &mut [__m512i; 16], a: usize, b: usize, c: usize, d: usize) {
        x[a] = _mm512_add_epi32(x[a], x[b]);
        x[d] = _mm512_rol_epi32::<16>(_mm512_xor_si512(x[d], x[a]));
        x[c] = _mm512_add_epi32(x[c], x[d]);
        x[b] = _mm512_rol_epi32::<12>(_mm512_xor_si512(x[b], x[c]));
        x[a] = _mm512_add_epi32(x[a], x[b]);
        x[d] = _mm512_rol_epi32::<8>(_mm512_xor_si512(x[d], x[a]));
        x[c] = _mm512_add_epi32(x[c], x[d]);
        x[b] = _mm512_rol_epi32::<7>(_mm512_xor_si512(x[b], x[c]));
    }

    /// XORs sixteen blocks of keystream, held word-sliced, into 1 KiB.
    ///
    /// The 16x16 transpose: within each 128-bit quarter, interleaving 32-bit
    /// then 64-bit elements of four words gives four words of one block
    /// (`u[g][k]`, quarter `q`: words `4g..4g+3` of block `4q + k`); then
    /// the quarters of `u[0..4][k]` are regrouped so that each register holds
    /// the sixteen words of one block.
    #[target_feature(enable = "avx512f")]
    fn xor_blocks(x: &[__m512i; 16], data: &mut [u8]) {
        debug_assert_eq!(data.len(), STRIDE);
        let mut u = [[_mm512_set1_epi32(0); 4]; 4];
        for (g, row) in u.iter_mut().enumerate() {
            let w = 4 * g;
            let t0 = _mm512_unpacklo_epi32(x[w], x[w + 1]);
            let t1 = _mm512_unpackhi_epi32(x[w], x[w + 1]);
            let t2 = _mm512_unpacklo_epi32(x[w + 2], x[w + 3]);
            let t3 = _mm512_unpackhi_epi32(x[w + 2], x[w + 3]);
            *row = [
                _mm512_unpacklo_epi64(t0, t2),
                _mm512_unpackhi_epi64(t0, t2),
                _mm512_unpacklo_epi64(t1, t3),
                _mm512_unpackhi_epi64(t1, t3),
            ];
        }
        let [u0, u1, u2, u3] = u;
        for (k, (((a, b), c), d)) in u0.into_iter().zip(u1).zip(u2).zip(u3).enumerate() {
            // Quarters [a0 a1 b0 b1], [a2 a3 b2 b3], [c0 c1 d0 d1], [c2 c3 d2 d3].
            let p = _mm512_shuffle_i32x4::<0x44>(a, b);
            let q = _mm512_shuffle_i32x4::<0xee>(a, b);
            let r = _mm512_shuffle_i32x4::<0x44>(c, d);
            let s = _mm512_shuffle_i32x4::<0xee>(c, d);
            // [a0 b0 c0 d0] is block k, [a1 b1 c1 d1] block k + 4, and so on.
            let blocks = [
                (k, _mm512_shuffle_i32x4::<0x88>(p, r)),
                (k + 4, _mm512_shuffle_i32x4::<0xdd>(p, r)),
                (k + 8, _mm512_shuffle_i32x4::<0x88>(q, s)),
                (k + 12, _mm512_shuffle_i32x4::<0xdd>(q, s)),
            ];
            for (block, keystream) in blocks {
                let bytes = &mut data[block * 64..block * 64 + 64];
                store(bytes, _mm512_xor_si512(load(bytes), keystream));
            }
        }
    }

    /// Eight-way Poly1305 over `data` (whole groups of eight blocks).
    /// `lanes[limb][lane]` holds the eight accumulators in 44-bit limbs;
    /// `powers[limb][lane]` is `r^(8 - lane)`.
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub(super) fn poly1305_groups(lanes: &mut [[u64; 8]; 3], powers: &[[u64; 8]; 3], data: &[u8]) {
        let mut h = lanes.map(|limb| load_u64x8(&limb));
        let r8 = powers.map(|limb| _mm512_set1_epi64(limb[0] as i64));
        let mixed = powers.map(|limb| load_u64x8(&limb));
        let groups = data.len() / super::POLY_STRIDE;
        for (i, group) in data.chunks_exact(super::POLY_STRIDE).enumerate() {
            let m = message_limbs(group);
            let sum =
                [_mm512_add_epi64(h[0], m[0]), _mm512_add_epi64(h[1], m[1]), _mm512_add_epi64(h[2], m[2])];
            h = mul(&sum, if i + 1 == groups { &mixed } else { &r8 });
        }
        for (limb, v) in lanes.iter_mut().zip(h) {
            store_u64x8(limb, v);
        }
    }

    /// Eight message blocks, block `j` into lane `j`, as 44-bit limbs with
    /// the 2^128 bit set (at 2^40 of limb 2).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn message_limbs(group: &[u8]) -> [__m512i; 3] {
        // a = [lo0, hi0, lo1, hi1, ..], b = [lo4, hi4, ..]: gather the low and
        // the high halves of the eight blocks (indices 8.. pick from b).
        let (a, b) = (load(&group[..64]), load(&group[64..]));
        let lo = _mm512_permutex2var_epi64(a, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), b);
        let hi = _mm512_permutex2var_epi64(a, _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), b);
        let mask = _mm512_set1_epi64(MASK44 as i64);
        [
            _mm512_and_si512(lo, mask),
            _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64::<44>(lo), _mm512_slli_epi64::<20>(hi)), mask),
            _mm512_or_si512(_mm512_srli_epi64::<24>(hi), _mm512_set1_epi64(1 << 40)),
        ]
    }

    /// `h * r mod p` lane by lane, partly reduced, with IFMA.
    ///
    /// Bounds: `h` limbs below 2^45 (stored limbs plus a message), `r`
    /// limbs below 2^45 and `20 * r` below 2^50, all within the 52 bits IFMA
    /// reads. A product is below 2^95: its low half below 2^52, its high
    /// half below 2^43; three of each summed stay below 2^54 and 2^45. After
    /// the high halves are moved up (at most 2^45 * 5 * 2^10 < 2^58) the
    /// carries leave limbs 0 and 2 within 44 and 42 bits and limb 1 below
    /// 2^44 + 2.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn mul(h: &[__m512i; 3], r: &[__m512i; 3]) -> [__m512i; 3] {
        // Limb products at 2^132 fold back times 20 (2^132 = 4 * 2^130 = 20 mod p).
        let times20 = |v: __m512i| _mm512_add_epi64(_mm512_slli_epi64::<4>(v), _mm512_slli_epi64::<2>(v));
        let (s1, s2) = (times20(r[1]), times20(r[2]));
        // d_k = sum of the products at 2^(44 k): low halves and high halves apart.
        let dot = |a: [__m512i; 3], b: [__m512i; 3]| {
            let mut lo = _mm512_setzero_si512();
            let mut hi = _mm512_setzero_si512();
            for (x, y) in a.into_iter().zip(b) {
                lo = _mm512_madd52lo_epu64(lo, x, y);
                hi = _mm512_madd52hi_epu64(hi, x, y);
            }
            (lo, hi)
        };
        let (lo0, hi0) = dot([h[0], h[1], h[2]], [r[0], s2, s1]);
        let (lo1, hi1) = dot([h[0], h[1], h[2]], [r[1], r[0], s2]);
        let (lo2, hi2) = dot([h[0], h[1], h[2]], [r[2], r[1], r[0]]);
        // A high half at 2^(44 k + 52) belongs 8 bits up in limb k + 1; limb
        // 2's, at 2^140 = 2^130 * 2^10, comes back to limb 0 as 5 * 2^10.
        let hi2_times5 = _mm512_add_epi64(hi2, _mm512_slli_epi64::<2>(hi2));
        let t0 = _mm512_add_epi64(lo0, _mm512_slli_epi64::<10>(hi2_times5));
        let t1 = _mm512_add_epi64(lo1, _mm512_slli_epi64::<8>(hi0));
        let t2 = _mm512_add_epi64(lo2, _mm512_slli_epi64::<8>(hi1));
        // Carry 44, 44, 42 bits up; out of limb 2 (2^130) back times 5.
        let (m44, m42) = (_mm512_set1_epi64(MASK44 as i64), _mm512_set1_epi64(MASK42 as i64));
        let t1 = _mm512_add_epi64(t1, _mm512_srli_epi64::<44>(t0));
        let t0 = _mm512_and_si512(t0, m44);
        let t2 = _mm512_add_epi64(t2, _mm512_srli_epi64::<44>(t1));
        let t1 = _mm512_and_si512(t1, m44);
        let c = _mm512_srli_epi64::<42>(t2);
        let t2 = _mm512_and_si512(t2, m42);
        let t0 = _mm512_add_epi64(t0, _mm512_add_epi64(c, _mm512_slli_epi64::<2>(c)));
        let t1 = _mm512_add_epi64(t1, _mm512_srli_epi64::<44>(t0));
        let t0 = _mm512_and_si512(t0, m44);
        [t0, t1, t2]
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn load_u64x8(words: &[u64; 8]) -> __m512i {
        // SAFETY: eight u64 are 64 bytes; `loadu` has no alignment requirement.
        unsafe { _mm512_loadu_si512(words.as_ptr().cast()) }
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn store_u64x8(words: &mut [u64; 8], v: __m512i) {
        // SAFETY: eight u64 are 64 bytes; `storeu` has no alignment requirement.
        unsafe { _mm512_storeu_si512(words.as_mut_ptr().cast(), v) }
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn load(bytes: &[u8]) -> __m512i {
        assert!(bytes.len() >= 64);
        // SAFETY: the slice holds at least 64 bytes; `loadu` has no alignment requirement.
        unsafe { _mm512_loadu_si512(bytes.as_ptr().cast()) }
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn store(bytes: &mut [u8], v: __m512i) {
        assert!(bytes.len() >= 64);
        // SAFETY: the slice holds at least 64 bytes; `storeu` has no alignment requirement.
        unsafe { _mm512_storeu_si512(bytes.as_mut_ptr().cast(), v) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every number of groups against the portable code, from an
    /// accumulator at the top of its stored bounds.
    #[test]
    fn poly1305_groups_agree_with_portable() {
        if !is_available() {
            return;
        }
        let key: [u8; 32] = core::array::from_fn(|i| (i * 37 + 11) as u8 | 0x80);
        let r = crate::poly1305::Poly1305::from_key(&key, crate::Backend::Portable).clamped_r();
        let data: Vec<u8> = (0..128 * 5).map(|i| (i * 151 + 3) as u8).collect();
        for groups in 1..=5 {
            let start: Limbs = [0x0fff_ffff_ffff, (1 << 44) + 63, 0x03ff_ffff_ffff];
            let mut expected = start;
            poly1305::blocks(&mut expected, &r, &data[..128 * groups], 1 << 40);
            let mut got = start;
            poly1305_blocks(&mut got, &Powers::new(&r), &data[..128 * groups]);
            assert_eq!(
                poly1305::reduce_fully_limbs(&got),
                poly1305::reduce_fully_limbs(&expected),
                "{groups} groups"
            );
        }
    }
}
