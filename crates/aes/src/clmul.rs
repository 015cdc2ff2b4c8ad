//! The PCLMULQDQ backend of GHASH (NIST SP 800-38D §6.4) on x86-64.
//!
//! Constant time: yes, because PCLMULQDQ, the shuffles and the XORs take the same time
//! whatever their operands, and nothing here branches on H or on the data or indexes
//! memory with them.
//!
//! This module holds `unsafe` for two things: calling the functions compiled with
//! `#[target_feature]`, and loading and storing blocks in vector registers. Each block
//! says why it is sound. It computes the same function as the portable backend in
//! `ghash` (same backwards representation, same `H·x^-1` key, same reduction); tests
//! check the two agree.
//!
//! The method is that of Gueron and Kounavis, "Intel Carry-Less Multiplication
//! Instruction and its Usage for Computing the GCM Mode" (Intel white paper, rev. 2.02,
//! 2014), section "Efficient Algorithms for Computing GCM":
//!
//! - PCLMULQDQ multiplies two 64-bit halves carry-lessly into 128 bits; a 128×128-bit
//!   product takes three of them with Karatsuba.
//! - Bit reflection: blocks are byte-swapped into backwards integers, and the key is
//!   `H·x^-1` (their "H<<1 mod P"), so products need no shift (see
//!   `ghash::times_x_inverse`).
//! - Aggregated reduction: Algorithm 2 of SP 800-38D unrolled eight times is
//!   `Y_8 = (Y_0 ⊕ X_1)•H^8 ⊕ X_2•H^7 ⊕ ... ⊕ X_8•H`. The eight products are
//!   independent, so the multiplier works on all of them at once, and since reduction
//!   mod P is linear their unreduced sums are reduced once, not eight times.
//! - The reduction folds the low 128 bits into the high ones as in `ghash::reduce`, with
//!   the shifts by 63, 62 and 57 done by one carry-less multiplication by `0xC2 << 56`.
//!
//! On CPUs with VPCLMULQDQ and AVX2, the eight products of a group are computed two at a
//! time in 256-bit registers (one block per 128-bit lane); the rest is the same. On AMD
//! Zen 3 both forms of the instruction issue once every two cycles, so the wide form
//! doubles the multiplier's throughput: 3 × 8 + 2 = 26 PCLMULQDQ per 128 bytes bound the
//! narrow form near 7 GB/s at 3 GHz, and the wide form needs 14. (Measured on a Zen 3
//! EPYC, 16 KiB messages: about 6.5 GB/s narrow, 9.5 GB/s wide.)
//!
//! GCM's one-pass kernel lives here too (`ctr_and_absorb_wide`): with VAES, the AES
//! rounds of counter mode run beside these multiplications instead of in a pass of
//! their own (see `gcm`'s module doc), sixteen blocks per reduction. Sealing 16 KiB
//! went from 3.46 µs (two passes) to 2.77 µs (one pass, eight blocks per reduction) to
//! 2.22 µs (sixteen) on a Zen 3 EPYC, beside *ring*'s assembly at 2.13 µs.

#![allow(unsafe_code)]

use zeroize::Zeroize;

/// Blocks absorbed per reduction, and so the number of powers of H kept.
const WAYS: usize = 8;

/// Whether this CPU has PCLMULQDQ (and SSSE3, for the byte swap). Asked once per process.
pub(crate) fn is_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("pclmulqdq")
                && std::arch::is_x86_feature_detected!("sse2")
                && std::arch::is_x86_feature_detected!("ssse3")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// Whether this CPU also has VPCLMULQDQ and AVX2, for two blocks per instruction.
/// Asked once per process.
fn wide_is_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            is_available()
                && std::arch::is_x86_feature_detected!("vpclmulqdq")
                && std::arch::is_x86_feature_detected!("avx2")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// Whether this CPU runs [`Clmul::ctr_and_absorb`], GCM's one-pass kernel: VAES as well
/// as VPCLMULQDQ and AVX2 (AES-NI is there: the caller holds AES-NI round keys).
pub(crate) fn one_pass_is_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        wide_is_available() && crate::ni::x86::vaes_is_available()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Which way [`Clmul::ctr_and_absorb`] runs GCM: sealing hashes the ciphertext it has
/// just made, opening the ciphertext it is about to decrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Seal,
    Open,
}

/// GHASH state on PCLMULQDQ: the powers of H and Y, all backwards (big-endian) `u128`s.
pub(crate) struct Clmul {
    /// `keys[i]` is `H^(i+1) · x^-1`.
    keys: [u128; WAYS],
    /// `H^(i+9) · x^-1`, for the one-pass GCM kernel's sixteen blocks per reduction
    /// (zero where that kernel does not run).
    high_keys: [u128; WAYS],
    /// The running value Y.
    y: u128,
    /// Whether to use VPCLMULQDQ on 256-bit registers (only if [`wide_is_available`]).
    wide: bool,
}

impl Clmul {
    /// Prepares H, H², ..., H⁸ for the key `h` (stored backwards).
    ///
    /// Panics if the CPU lacks PCLMULQDQ: `Ghash` only chooses this backend after
    /// [`is_available`] said yes, so reaching the panic is a broken invariant.
    pub(crate) fn new(h: u128) -> Clmul {
        assert!(is_available(), "PCLMULQDQ backend used on a CPU without PCLMULQDQ");
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the assertion above checked that the CPU supports every feature
        // `x86::powers` is compiled for.
        let keys = unsafe { x86::powers(h) };
        #[cfg(not(target_arch = "x86_64"))]
        let keys = [0; WAYS]; // Unreachable: the assertion fails off x86-64.
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        let high_keys = if one_pass_is_available() { unsafe { x86::powers_above(&keys) } } else { [0; WAYS] };
        #[cfg(not(target_arch = "x86_64"))]
        let high_keys = [0; WAYS];
        Clmul { keys, high_keys, y: 0, wide: wide_is_available() }
    }

    /// The same powers of H with Y = 0 (see `Ghash::fresh`).
    pub(crate) fn fresh(&self) -> Clmul {
        Clmul { keys: self.keys, high_keys: self.high_keys, y: 0, wide: self.wide }
    }

    /// Absorbs whole 16-byte blocks (SP 800-38D Algorithm 2), eight per reduction.
    pub(crate) fn update_blocks(&mut self, blocks: &[u8]) {
        #[cfg(target_arch = "x86_64")]
        // The wide form pays off only from one group of eight blocks on.
        let y = if self.wide && blocks.len() >= WAYS * 16 {
            debug_assert!(wide_is_available());
            // SAFETY: `wide` is set only if `wide_is_available` found VPCLMULQDQ and the
            // CPU features `x86::update_blocks_wide` is compiled for.
            unsafe { x86::update_blocks_wide(self.y, &self.keys, blocks) }
        } else {
            // SAFETY: a `Clmul` exists only if `new` found the CPU features that
            // `x86::update_blocks` is compiled for.
            unsafe { x86::update_blocks(self.y, &self.keys, blocks) }
        };
        #[cfg(not(target_arch = "x86_64"))]
        let y = {
            let _ = (blocks, self.wide); // Unreachable: no `Clmul` exists off x86-64.
            self.y
        };
        self.y = y;
    }

    /// GCM's counter mode and GHASH in one pass over the whole groups of sixteen blocks at
    /// the start of `data` (see `x86::ctr_and_absorb_wide`): XORs them with the keystream
    /// `E(first) ‖ E(inc32(first)) ‖ E(inc32²(first)) ‖ ...` (SP 800-38D §6.5, GCTR) under the AES-NI round keys `round_keys`
    /// (`rounds` = Nr) and absorbs the ciphertext. Returns how many bytes it processed
    /// (a multiple of 256), the caller doing the rest with the two-pass code; 0 when
    /// the CPU lacks what the kernel needs ([`one_pass_is_available`]).
    pub(crate) fn ctr_and_absorb(
        &mut self,
        round_keys: &[[u8; 16]; 15],
        rounds: usize,
        direction: Direction,
        first: &[u8; 16],
        data: &mut [u8],
    ) -> usize {
        let len = data.len() - data.len() % x86::STEP;
        if !one_pass_is_available() || len == 0 {
            return 0;
        }
        let data = &mut data[..len];
        #[cfg(target_arch = "x86_64")]
        {
            // The round count is public; a constant unrolls the rounds.
            let (seal, y, keys) = (direction == Direction::Seal, self.y, (&self.keys, &self.high_keys));
            self.y = match (rounds, seal) {
                (10, true) => one_pass::<10, true>(y, keys, round_keys, first, data),
                (10, false) => one_pass::<10, false>(y, keys, round_keys, first, data),
                (12, true) => one_pass::<12, true>(y, keys, round_keys, first, data),
                (12, false) => one_pass::<12, false>(y, keys, round_keys, first, data),
                (_, true) => one_pass::<14, true>(y, keys, round_keys, first, data),
                (_, false) => one_pass::<14, false>(y, keys, round_keys, first, data),
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (round_keys, rounds, direction, first, data); // Unreachable: not available.
        len
    }

    /// The current value Y, backwards.
    pub(crate) fn y(&self) -> u128 {
        self.y
    }
}

/// [`x86::ctr_and_absorb_wide`] for one round count and direction, after checking the
/// CPU can run it.
#[cfg(target_arch = "x86_64")]
fn one_pass<const NR: usize, const SEAL: bool>(
    y: u128,
    keys: (&[u128; WAYS], &[u128; WAYS]),
    round_keys: &[[u8; 16]; 15],
    first: &[u8; 16],
    data: &mut [u8],
) -> u128 {
    assert!(one_pass_is_available(), "GCM's one-pass kernel used on a CPU without VAES");
    // SAFETY: the assertion above checked every feature the kernel is compiled for.
    unsafe { x86::ctr_and_absorb_wide::<NR, SEAL>(y, keys, round_keys, first, data) }
}

impl Drop for Clmul {
    fn drop(&mut self) {
        self.keys.zeroize();
        self.high_keys.zeroize();
        self.y.zeroize();
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm_add_epi32, _mm_clmulepi64_si128, _mm_cvtsi128_si64, _mm_loadu_si128,
        _mm_set_epi32, _mm_set_epi64x, _mm_setzero_si128, _mm_shuffle_epi8, _mm_shuffle_epi32,
        _mm_slli_si128, _mm_srli_si128, _mm_unpackhi_epi64, _mm_xor_si128, _mm256_add_epi32,
        _mm256_aesenc_epi128, _mm256_aesenclast_epi128, _mm256_broadcastsi128_si256, _mm256_castsi256_si128,
        _mm256_clmulepi64_epi128, _mm256_extracti128_si256, _mm256_loadu_si256, _mm256_set_epi32,
        _mm256_set_m128i, _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_shuffle_epi32, _mm256_xor_si256,
        _mm256_zextsi128_si256,
    };

    use super::WAYS;
    use crate::ghash::times_x_inverse;
    use crate::ni::x86::{load_wide, store_wide};

    /// A power of H ready to multiply by: `k` = `H^i·x^-1`, and `mid` = its two 64-bit
    /// halves XORed together (the Karatsuba middle operand) in the low lane.
    #[derive(Clone, Copy)]
    struct Key {
        /// The power itself.
        k: __m128i,
        /// `k.lo ⊕ k.hi` in the low 64 bits.
        mid: __m128i,
    }

    /// `[H·x^-1, H²·x^-1, ..., H⁸·x^-1]` for `h` stored backwards.
    #[target_feature(enable = "pclmulqdq,sse2")]
    pub(super) fn powers(h: u128) -> [u128; WAYS] {
        // Multiplying by a key `H^b·x^-1` multiplies by H^b (see `times_x_inverse`), so
        // the key `H^a·x^-1` times the key `H^b·x^-1` is the key `H^(a+b)·x^-1`. These
        // (a + b, a, b) make every chain of products at most three long, so the CPU
        // overlaps the independent ones: GCM computes the powers for every message.
        const FACTORS: [(usize, usize, usize); WAYS - 1] =
            [(2, 1, 1), (3, 2, 1), (4, 2, 2), (5, 4, 1), (6, 4, 2), (7, 4, 3), (8, 4, 4)];
        let mut keys = [0; WAYS]; // keys[p - 1] = H^p · x^-1
        keys[0] = times_x_inverse(h);
        for (p, a, b) in FACTORS {
            let (lo, hi, mid) = partial_products(from_u128(keys[a - 1]), &key(keys[b - 1]));
            keys[p - 1] = to_u128(reduce(lo, hi, mid));
        }
        keys
    }

    /// `[H⁹·x^-1, ..., H¹⁶·x^-1]` from `keys` = `[H·x^-1, ..., H⁸·x^-1]`: each `H^8`
    /// times one of them (see [`powers`]), eight independent products.
    #[target_feature(enable = "pclmulqdq,sse2")]
    pub(super) fn powers_above(keys: &[u128; WAYS]) -> [u128; WAYS] {
        let h8 = from_u128(keys[WAYS - 1]);
        let mut high = [0; WAYS];
        for (slot, &k) in high.iter_mut().zip(keys) {
            let (lo, hi, mid) = partial_products(h8, &key(k));
            *slot = to_u128(reduce(lo, hi, mid));
        }
        high
    }

    /// Absorbs whole blocks into `y`; returns the new Y.
    #[target_feature(enable = "pclmulqdq,sse2,ssse3")]
    pub(super) fn update_blocks(y: u128, keys: &[u128; WAYS], blocks: &[u8]) -> u128 {
        let keys = prepare(keys);
        let mut y = from_u128(y);
        let mut groups = blocks.chunks_exact(WAYS * 16);
        for group in &mut groups {
            y = absorb(y, group, &keys);
        }
        let rest = groups.remainder();
        if !rest.is_empty() {
            y = absorb(y, rest, &keys);
        }
        to_u128(y)
    }

    /// Absorbs 1 to 8 blocks `X_1 .. X_n` with one reduction: block `j` (from 1) is
    /// multiplied by `H^(n+1-j)`, the first one after adding Y (aggregated reduction).
    #[inline]
    #[target_feature(enable = "pclmulqdq,sse2,ssse3")]
    fn absorb(y: __m128i, blocks: &[u8], keys: &[Key; WAYS]) -> __m128i {
        let n = blocks.len() / 16;
        debug_assert!((1..=WAYS).contains(&n) && blocks.len().is_multiple_of(16));
        let zero = _mm_setzero_si128();
        let (mut lo, mut hi, mut mid) = (zero, zero, zero);
        for (j, block) in blocks.chunks_exact(16).enumerate() {
            let mut x = load_backwards(block);
            if j == 0 {
                x = _mm_xor_si128(x, y);
            }
            let (l, h, m) = partial_products(x, &keys[n - 1 - j]);
            lo = _mm_xor_si128(lo, l);
            hi = _mm_xor_si128(hi, h);
            mid = _mm_xor_si128(mid, m);
        }
        reduce(lo, hi, mid)
    }

    /// Karatsuba's three products for `x ⊗ key`: `x0·k0`, `x1·k1` and `(x0⊕x1)·(k0⊕k1)`
    /// (x0, k0 the low 64-bit halves). Sums of these over several blocks are combined by
    /// [`reduce`].
    #[inline]
    #[target_feature(enable = "pclmulqdq,sse2")]
    fn partial_products(x: __m128i, key: &Key) -> (__m128i, __m128i, __m128i) {
        let lo = _mm_clmulepi64_si128(x, key.k, 0x00);
        let hi = _mm_clmulepi64_si128(x, key.k, 0x11);
        // Swapping the halves of x and XORing puts x0 ⊕ x1 in both lanes.
        let x_mid = _mm_xor_si128(x, _mm_shuffle_epi32(x, 0b01_00_11_10));
        let mid = _mm_clmulepi64_si128(x_mid, key.mid, 0x00);
        (lo, hi, mid)
    }

    /// Combines Karatsuba's products into the 256-bit product and reduces it mod P.
    ///
    /// Karatsuba: `a⊗b = hi·2^128 ⊕ (mid ⊕ lo ⊕ hi)·2^64 ⊕ lo`. Then, as in
    /// `ghash::reduce`, with the low 128 bits `[v1 : v0]` backwards: `v0` folds into
    /// `[v2 : v1]` as `v0 ⊕ v0·(x + x^2 + x^7)`, which backwards is `v0` moved up 64 bits
    /// plus `v0 ⊗ 0xC200_0000_0000_0000` (bits 63, 62 and 57: shifts by 63, 62, 57 in one
    /// multiplication); then `v1` folds into `[v3 : v2]` the same way.
    #[inline]
    #[target_feature(enable = "pclmulqdq,sse2")]
    fn reduce(lo: __m128i, hi: __m128i, mid: __m128i) -> __m128i {
        let mid = _mm_xor_si128(mid, _mm_xor_si128(lo, hi));
        let lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
        let hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));

        let poly = _mm_set_epi64x(0, 0xc200_0000_0000_0000_u64 as i64);
        // First fold: t = v0 ⊗ poly; swapping the halves moves v0 up by 64 bits.
        let t = _mm_clmulepi64_si128(lo, poly, 0x00);
        let folded = _mm_xor_si128(_mm_shuffle_epi32(lo, 0b01_00_11_10), t);
        // Second fold: the low half is now v1 plus what the first fold spilled into it.
        let t = _mm_clmulepi64_si128(folded, poly, 0x00);
        let folded = _mm_xor_si128(_mm_shuffle_epi32(folded, 0b01_00_11_10), t);
        _mm_xor_si128(hi, folded)
    }

    /// Two powers of H side by side (one per 128-bit lane), for VPCLMULQDQ.
    #[derive(Clone, Copy)]
    struct WideKey {
        /// The two powers.
        k: __m256i,
        /// Their Karatsuba middle operands, in the low 64 bits of each lane.
        mid: __m256i,
    }

    /// [`update_blocks`] with VPCLMULQDQ: groups of eight blocks as four pairs.
    #[target_feature(enable = "pclmulqdq,avx2,sse2,ssse3,vpclmulqdq")]
    pub(super) fn update_blocks_wide(y: u128, keys: &[u128; WAYS], blocks: &[u8]) -> u128 {
        let narrow = prepare(keys);
        let wide = prepare_wide(&narrow);
        let mut y = from_u128(y);
        let mut groups = blocks.chunks_exact(WAYS * 16);
        for group in &mut groups {
            y = absorb_wide(y, group, &wide);
        }
        let rest = groups.remainder();
        if !rest.is_empty() {
            y = absorb(y, rest, &narrow);
        }
        to_u128(y)
    }

    /// The powers of H in pairs for [`absorb_wide`]. Pair j holds blocks 2j+1 and 2j+2 of
    /// a group (from 1), which are multiplied by H^(8-2j) and H^(7-2j): keys[7 - 2j] in
    /// the low lane, keys[6 - 2j] in the high.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn prepare_wide(narrow: &[Key; WAYS]) -> [WideKey; WAYS / 2] {
        let zero = _mm256_setzero_si256();
        let mut wide = [WideKey { k: zero, mid: zero }; WAYS / 2];
        for (j, slot) in wide.iter_mut().enumerate() {
            let (first, second) = (narrow[WAYS - 1 - 2 * j], narrow[WAYS - 2 - 2 * j]);
            *slot = WideKey {
                k: _mm256_set_m128i(second.k, first.k),
                mid: _mm256_set_m128i(second.mid, first.mid),
            };
        }
        wide
    }

    /// [`absorb`] for exactly eight blocks, two per VPCLMULQDQ.
    #[inline]
    #[target_feature(enable = "pclmulqdq,avx2,vpclmulqdq")]
    fn absorb_wide(y: __m128i, group: &[u8], keys: &[WideKey; WAYS / 2]) -> __m128i {
        debug_assert_eq!(group.len(), WAYS * 16);
        let mut pairs = [_mm256_setzero_si256(); WAYS / 2];
        for (x, pair) in pairs.iter_mut().zip(group.chunks_exact(32)) {
            *x = load_backwards_wide(pair);
        }
        absorb_wide_registers(y, &pairs, keys)
    }

    /// [`absorb_wide`] on `2N` blocks already in registers, backwards, two per register,
    /// each pair with its two powers of H.
    #[inline]
    #[target_feature(enable = "pclmulqdq,avx2,vpclmulqdq")]
    fn absorb_wide_registers<const N: usize>(
        y: __m128i,
        pairs: &[__m256i; N],
        keys: &[WideKey; N],
    ) -> __m128i {
        let zero = _mm256_setzero_si256();
        let (mut lo, mut hi, mut mid) = (zero, zero, zero);
        for (j, (&pair, key)) in pairs.iter().zip(keys).enumerate() {
            let mut x = pair;
            if j == 0 {
                // Y joins X_1, in the low lane.
                x = _mm256_xor_si256(x, _mm256_zextsi128_si256(y));
            }
            let (l, h, m) = partial_products_wide(x, key);
            lo = _mm256_xor_si256(lo, l);
            hi = _mm256_xor_si256(hi, h);
            mid = _mm256_xor_si256(mid, m);
        }
        // Each lane holds the sums for half of the blocks; add the lanes.
        reduce(add_lanes(lo), add_lanes(hi), add_lanes(mid))
    }

    /// Blocks per step of [`ctr_and_absorb_wide`], and bytes.
    const BLOCKS: usize = 2 * WAYS;
    pub(crate) const STEP: usize = 16 * BLOCKS;

    /// GCM's counter mode and GHASH in one pass (`Clmul::ctr_and_absorb`): `data` is whole
    /// steps of sixteen blocks; returns the new Y.
    ///
    /// Each step runs the ten to fourteen AES rounds of sixteen counter blocks (eight VAES
    /// registers of two) and the eight wide GHASH multiplications and one reduction of
    /// sixteen ciphertext blocks (with H^16 .. H: aggregated reduction, as in
    /// [`update_blocks`], twice as deep). The two chains do not depend on each other and
    /// use different execution units (`vaesenc` and `vpclmulqdq` issue on different ports
    /// on Zen 3), so the CPU overlaps them; run one after the other, as two passes over
    /// the message, each unit waits while the other works. Sixteen blocks rather than
    /// eight per reduction halve the chain that runs through Y from step to step (Y
    /// joins the first block's product, and the next step needs the reduced sum), which
    /// bounded the eight-block kernel. Opening hashes the step it is about to decrypt;
    /// sealing hashes the step it made before, still in registers, and the last one
    /// after the loop.
    ///
    /// Constant time: the same instructions as counter mode and GHASH apart, none of them
    /// variable in time, nothing branching on or indexed by key or data.
    #[target_feature(enable = "aes,avx,avx2,pclmulqdq,sse2,ssse3,vaes,vpclmulqdq")]
    pub(crate) fn ctr_and_absorb_wide<const NR: usize, const SEAL: bool>(
        y: u128,
        (keys, high_keys): (&[u128; WAYS], &[u128; WAYS]),
        round_keys: &[[u8; 16]; 15],
        first: &[u8; 16],
        data: &mut [u8],
    ) -> u128 {
        debug_assert!(data.len().is_multiple_of(STEP));
        // Pair j holds blocks 2j+1 and 2j+2 of a step (from 1), multiplied by H^(16-2j)
        // and H^(15-2j).
        let (narrow, high) = (prepare(keys), prepare(high_keys));
        let power = |p: usize| if p <= WAYS { narrow[p - 1] } else { high[p - 1 - WAYS] };
        let zero = _mm256_setzero_si256();
        let mut wide = [WideKey { k: zero, mid: zero }; WAYS];
        for (j, slot) in wide.iter_mut().enumerate() {
            let (first, second) = (power(BLOCKS - 2 * j), power(BLOCKS - 1 - 2 * j));
            *slot = WideKey {
                k: _mm256_set_m128i(second.k, first.k),
                mid: _mm256_set_m128i(second.mid, first.mid),
            };
        }
        // Each round key in both halves of a 256-bit register.
        let mut rk = [zero; 15];
        for (slot, round_key) in rk.iter_mut().zip(round_keys) {
            *slot = _mm256_broadcastsi128_si256(load_block(round_key));
        }
        let reverse = _mm256_set_m128i(backwards_pattern(), backwards_pattern());
        let mut y = from_u128(y);
        // Sealing: the ciphertext of the previous step, backwards, waiting to be hashed.
        let mut pending: Option<[__m256i; WAYS]> = None;
        // The counter blocks, kept backwards (byte-reversed): the block's last 32 bits,
        // its big-endian counter, are then the first 32-bit lane of each half as a
        // little-endian number, and `vpaddd` adds to it modulo 2^32 without touching the
        // rest, which is inc32. Pair j of a step holds blocks 2j and 2j + 1.
        let first = from_u128(u128::from_be_bytes(*first));
        let second = _mm_add_epi32(first, _mm_set_epi32(0, 0, 0, 1));
        let mut counters = [zero; WAYS];
        let mut next_pair = _mm256_set_m128i(second, first);
        for pair in counters.iter_mut() {
            *pair = next_pair;
            next_pair = _mm256_add_epi32(next_pair, _mm256_set_epi32(0, 0, 0, 2, 0, 0, 0, 2));
        }
        let step_by = _mm256_set_epi32(0, 0, 0, BLOCKS as i32, 0, 0, 0, BLOCKS as i32);
        for step in data.chunks_exact_mut(STEP) {
            let mut s = [zero; WAYS];
            for (si, pair) in s.iter_mut().zip(counters.iter_mut()) {
                *si = _mm256_xor_si256(_mm256_shuffle_epi8(*pair, reverse), rk[0]);
                *pair = _mm256_add_epi32(*pair, step_by);
            }
            // Opening: the step's ciphertext, loaded once, hashed (backwards) and
            // XORed with the keystream below. Sealing loads the plaintext only at the
            // end: held across the AES rounds, eight more live registers (tried: 2.47
            // against 2.22 µs for 16 KiB, on a noisy machine).
            let mut input = [zero; WAYS];
            if !SEAL {
                for (x, pair) in input.iter_mut().zip(step.chunks_exact(32)) {
                    *x = load_wide(pair);
                }
            }
            let to_hash = if SEAL {
                pending
            } else {
                let mut pairs = [zero; WAYS];
                for (x, &raw) in pairs.iter_mut().zip(&input) {
                    *x = _mm256_shuffle_epi8(raw, reverse);
                }
                Some(pairs)
            };
            // The GHASH chain, then the AES chain: written in turn, run side by side.
            let hashed = to_hash.map(|pairs| absorb_wide_registers(y, &pairs, &wide));
            for round_key in &rk[1..NR] {
                for si in s.iter_mut() {
                    *si = _mm256_aesenc_epi128(*si, *round_key);
                }
            }
            let mut made = [zero; WAYS];
            for (((si, &raw), bytes), out) in
                s.iter().zip(&input).zip(step.chunks_exact_mut(32)).zip(made.iter_mut())
            {
                let raw = if SEAL { load_wide(bytes) } else { raw };
                let result = _mm256_xor_si256(_mm256_aesenclast_epi128(*si, rk[NR]), raw);
                store_wide(bytes, result);
                if SEAL {
                    // The ciphertext just made, backwards, for the next step's GHASH.
                    *out = _mm256_shuffle_epi8(result, reverse);
                }
            }
            if SEAL {
                pending = Some(made);
            }
            if let Some(hashed) = hashed {
                y = hashed;
            }
        }
        if let Some(pairs) = pending {
            y = absorb_wide_registers(y, &pairs, &wide);
        }
        to_u128(y)
    }

    /// Loads a 16-byte round key.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn load_block(block: &[u8; 16]) -> __m128i {
        // SAFETY: `block` is 16 readable bytes; `loadu` has no alignment requirement.
        unsafe { _mm_loadu_si128(block.as_ptr().cast()) }
    }

    /// [`partial_products`] for the two blocks in the lanes of `x`, each with its key.
    #[inline]
    #[target_feature(enable = "avx2,vpclmulqdq")]
    fn partial_products_wide(x: __m256i, key: &WideKey) -> (__m256i, __m256i, __m256i) {
        let x_mid = _mm256_xor_si256(x, _mm256_shuffle_epi32(x, 0b01_00_11_10));
        let lo = _mm256_clmulepi64_epi128(x, key.k, 0x00);
        let hi = _mm256_clmulepi64_epi128(x, key.k, 0x11);
        let mid = _mm256_clmulepi64_epi128(x_mid, key.mid, 0x00);
        (lo, hi, mid)
    }

    /// The XOR of the two 128-bit lanes of `v`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn add_lanes(v: __m256i) -> __m128i {
        _mm_xor_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1))
    }

    /// Prepares the powers of H for [`partial_products`]. (A loop rather than `map`: a
    /// closure calling a `#[target_feature]` function is not inlined.)
    #[inline]
    #[target_feature(enable = "sse2")]
    fn prepare(keys: &[u128; WAYS]) -> [Key; WAYS] {
        let zero = _mm_setzero_si128();
        let mut prepared = [Key { k: zero, mid: zero }; WAYS];
        for (slot, &k) in prepared.iter_mut().zip(keys) {
            *slot = key(k);
        }
        prepared
    }

    /// Prepares one power of H for [`partial_products`].
    #[inline]
    #[target_feature(enable = "sse2")]
    fn key(k: u128) -> Key {
        let halves_xored = (k as u64 ^ (k >> 64) as u64) as i64;
        Key { k: from_u128(k), mid: _mm_set_epi64x(0, halves_xored) }
    }

    /// Loads a 16-byte block as a backwards integer: a big-endian load, by reversing the
    /// bytes of a plain (little-endian) load.
    #[inline]
    #[target_feature(enable = "sse2,ssse3")]
    fn load_backwards(block: &[u8]) -> __m128i {
        assert_eq!(block.len(), 16);
        // SAFETY: `block` is 16 readable bytes; `loadu` has no alignment requirement.
        let bytes = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
        _mm_shuffle_epi8(bytes, backwards_pattern())
    }

    /// Loads two consecutive 16-byte blocks as backwards integers, one per lane.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn load_backwards_wide(pair: &[u8]) -> __m256i {
        assert_eq!(pair.len(), 32);
        // SAFETY: `pair` is 32 readable bytes; `loadu` has no alignment requirement.
        let bytes = unsafe { _mm256_loadu_si256(pair.as_ptr().cast()) };
        // `vpshufb` shuffles within each 128-bit lane: the same pattern reverses both.
        let reverse = _mm256_set_m128i(backwards_pattern(), backwards_pattern());
        _mm256_shuffle_epi8(bytes, reverse)
    }

    /// The `pshufb` pattern that reverses 16 bytes: byte i of the result is byte 15 - i.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn backwards_pattern() -> __m128i {
        _mm_set_epi64x(0x0001_0203_0405_0607, 0x0809_0a0b_0c0d_0e0f)
    }

    /// A `u128` into a vector register, low 64 bits in the low lane.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn from_u128(v: u128) -> __m128i {
        _mm_set_epi64x((v >> 64) as i64, v as i64)
    }

    /// A vector register back into a `u128`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn to_u128(v: __m128i) -> u128 {
        let lo = _mm_cvtsi128_si64(v) as u64;
        let hi = _mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)) as u64;
        u128::from(lo) | (u128::from(hi) << 64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ghash::{Ghash, GhashBackend, times_x_inverse};

    /// A seeded stream of test bytes (SplitMix64), so failures reproduce.
    fn test_bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        (0..len).map(|_| next() as u8).collect()
    }

    /// GHASH of whole blocks on the portable backend.
    fn portable(h: &[u8; 16], blocks: &[u8]) -> u128 {
        let mut ghash = Ghash::with_backend(h, GhashBackend::Portable).expect("portable");
        ghash.update_padded(blocks);
        u128::from_be_bytes(ghash.finalize())
    }

    /// The forms of this backend the CPU runs: 128-bit, and 256-bit if it can.
    fn forms() -> Vec<bool> {
        [false, true].into_iter().filter(|&wide| !wide || wide_is_available()).collect()
    }

    #[test]
    fn powers_are_powers_of_h() {
        if !is_available() {
            return;
        }
        let h: [u8; 16] = test_bytes(1, 16).try_into().expect("16 bytes");
        let clmul = Clmul::new(u128::from_be_bytes(h));
        // H^(i+1) = GHASH_H(H^i), one block.
        let mut power = h;
        for key in clmul.keys {
            assert_eq!(key, times_x_inverse(u128::from_be_bytes(power)));
            power = portable(&h, &power).to_be_bytes();
        }
    }

    #[test]
    fn every_length_and_form_matches_portable() {
        if !is_available() {
            return;
        }
        // Up to five groups of eight, so every tail length follows every group count.
        for blocks in 0..=40 {
            let seed = blocks as u64;
            let h: [u8; 16] = test_bytes(seed, 16).try_into().expect("16 bytes");
            let data = test_bytes(seed + 1000, 16 * blocks);
            for wide in forms() {
                let mut clmul = Clmul::new(u128::from_be_bytes(h));
                clmul.wide = wide;
                clmul.update_blocks(&data);
                assert_eq!(clmul.y(), portable(&h, &data), "{blocks} blocks, wide: {wide}");
            }
        }
    }

    #[test]
    fn calls_of_any_size_chain() {
        if !is_available() {
            return;
        }
        let h: [u8; 16] = test_bytes(7, 16).try_into().expect("16 bytes");
        let data = test_bytes(8, 16 * 100);
        let expected = portable(&h, &data);
        for wide in forms() {
            for piece in 1..=17 {
                let mut clmul = Clmul::new(u128::from_be_bytes(h));
                clmul.wide = wide;
                for chunk in data.chunks(16 * piece) {
                    clmul.update_blocks(chunk);
                }
                assert_eq!(clmul.y(), expected, "pieces of {piece} blocks, wide: {wide}");
            }
        }
    }
}
