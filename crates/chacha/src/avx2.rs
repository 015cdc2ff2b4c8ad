//! The AVX2 backend (x86-64): ChaCha20 eight blocks at a time, and Poly1305
//! four blocks at a time.
//!
//! Constant time: yes. Both algorithms run the same vector additions, XORs,
//! shifts, shuffles and 32x32 -> 64-bit multiplications (`vpmuludq`, whose
//! timing does not depend on its operands) whatever the data, and the
//! one-pass AEAD adds only `add`, `adc`, `and`, `shr`, `imul` and `mulx`
//! (fixed latency for every operand); no branch or memory index depends on
//! a secret.
//!
//! **ChaCha20.** A 256-bit register holds eight 32-bit lanes, so word `i` of
//! eight consecutive blocks fits in one register: sixteen registers hold
//! eight whole states, and the quarter round of RFC 8439 §2.1 runs on all
//! eight at once, unchanged ("vertical" vectorisation). Rotations by 16 and
//! 8 bits are byte shuffles; by 12 and 7, two shifts and an OR. At the end
//! the words are transposed back into eight 64-byte blocks of keystream.
//!
//! **Poly1305.** The sequential rule `acc = (acc + m_i) * r` is split four
//! ways (Goll and Gueron, "Vectorization of Poly1305 message authentication
//! code", 2015): lane `j` accumulates blocks `j, j + 4, j + 8, ...`,
//! multiplying by `r^4` between them, and the last four blocks are
//! multiplied by `r^4, r^3, r^2, r` so that after summing the lanes every
//! block carries the power of `r` the sequential rule gives it:
//!
//! ```text
//! acc_after = acc * r^n + m_1 * r^n + m_2 * r^(n-1) + ... + m_n * r
//! ```
//!
//! `vpmuludq` multiplies 32-bit halves into 64 bits, so numbers are held in
//! five limbs of 26 bits, one register per limb, one lane per accumulator.
//! Limb bounds are stated beside the multiplication.
//!
//! **Both in one pass.** The AEAD (`stitched`) runs the two together, as
//! BoringSSL's assembly does: Poly1305 in 64-bit limbs on the integer
//! unit (`poly_block`: `mulx`, `adc`, one block in about thirty
//! instructions), its blocks placed between ChaCha20's vector quarter
//! rounds, one after every second quarter round of the first eight double
//! rounds (32 blocks, the 512 bytes that eight ChaCha20 blocks make), so
//! that both units work at once. The vector Poly1305 above would compete
//! with ChaCha20 for the vector unit. Sealing 16 KiB took 8.0 µs in two
//! passes and takes 6.9 µs in one. How the blocks are spread matters: two
//! per slot in the first four double rounds ran at 9.2 µs (each block
//! waits about fifteen cycles for the one before), and with the slots
//! behind a branch the compiler gathered them after each double round's
//! vector code (7.4 µs).
//!
//! This module and `avx512` hold the crate's only `unsafe`: calling functions compiled
//! for AVX2 (after checking the CPU has it), unaligned vector loads and
//! stores, and the `asm!` of `poly_block`. Property tests check it against
//! the portable backend and RustCrypto.

#![allow(unsafe_code)]

use zeroize::Zeroize;

use crate::poly1305::{self, Limbs};

/// Poly1305 bytes per vector step: four 16-byte blocks, one per lane.
pub(crate) const POLY_STRIDE: usize = 64;

const MASK26: u64 = (1 << 26) - 1;

/// Whether this CPU has AVX2. Asked once per process.
pub(crate) fn is_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx2")
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
/// Panics if the CPU lacks AVX2: callers only choose this backend after
/// [`is_available`] said yes, so reaching the panic is a broken invariant.
pub(crate) fn xor_keystream(state: &[u32; 16], data: &mut [u8]) {
    assert!(is_available(), "AVX2 backend used on a CPU without AVX2");
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the assertion above checked that the CPU supports AVX2, the
    // only feature `x86::xor_keystream` is compiled for.
    unsafe {
        x86::xor_keystream(state, data)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (state, data);
}

/// Whether this CPU can run the stitched ChaCha20-Poly1305 (`stitched`):
/// AVX2, and BMI2 for `mulx`.
pub(crate) fn stitched_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            is_available() && std::arch::is_x86_feature_detected!("bmi2")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// ChaCha20 and Poly1305 in one pass over whole 512-byte chunks of `data`
/// (see `x86::stitched`); returns the bytes encrypted and the bytes MACed.
/// Panics if [`stitched_available`] is false (a broken invariant).
pub(crate) fn stitched(
    state: &[u32; 16],
    data: &mut [u8],
    h: &mut [u64; 3],
    key: &[u64; 3],
    mac_before: bool,
) -> (usize, usize) {
    assert!(stitched_available(), "stitched AEAD used on a CPU without AVX2 and BMI2");
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the assertion above checked AVX2 and BMI2, the features
    // `x86::stitched` is compiled for.
    unsafe {
        x86::stitched(state, data, h, key, mac_before)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (state, data, h, key, mac_before);
        (0, 0)
    }
}

/// One Poly1305 block of the stitched AEAD (`x86::poly_block`), for tests.
#[cfg(all(test, target_arch = "x86_64"))]
fn stitched_poly_block(h: &mut [u64; 3], key: &[u64; 3], block: &[u8; 16]) {
    assert!(stitched_available());
    // SAFETY: checked above that the CPU has AVX2 and BMI2.
    unsafe { x86::poly_block_for_tests(h, key, block) }
}

/// `r^1 .. r^8` in 26-bit limbs, for the four-way Poly1305. Secret: wiped
/// on drop.
pub(crate) struct Powers {
    /// `low[i][j]`: limb `i` of `r^(4 - j)`: lane `j` of a last group of
    /// four blocks multiplies by `r^4, r^3, r^2, r`. Lane 0, `r^4`, is also
    /// the step between groups.
    low: [[u64; 4]; 5],
    /// `high[i][j]`: limb `i` of `r^(8 - j)`: `r^8, r^7, r^6, r^5` for the
    /// group before the last. Lane 0, `r^8`, is also the step between pairs
    /// of groups.
    high: [[u64; 4]; 5],
}

impl Powers {
    /// The powers of the clamped `r`, computed with the portable arithmetic.
    pub(crate) fn new(r: &Limbs) -> Powers {
        let mut powers = poly1305::powers_1_to_8(r);
        let split = |exponents: [usize; 4]| {
            let mut limbs = [[0u64; 4]; 5];
            for (lane, e) in exponents.into_iter().enumerate() {
                // Partly reduced, as `mul` leaves it: limbs below 2^26 + 2^10.
                for (limb, value) in limbs.iter_mut().zip(to_radix26(&powers[e - 1])) {
                    limb[lane] = value;
                }
            }
            limbs
        };
        let (low, high) = (split([4, 3, 2, 1]), split([8, 7, 6, 5]));
        powers.zeroize();
        Powers { low, high }
    }
}

impl Drop for Powers {
    fn drop(&mut self) {
        self.low.zeroize();
        self.high.zeroize();
    }
}

/// Poly1305 over whole groups of four blocks (`data.len()` a multiple of
/// 64, each block with its 2^128 bit), updating the portable accumulator
/// `h`. Panics if the CPU lacks AVX2 (a broken invariant, as above).
pub(crate) fn poly1305_blocks(h: &mut Limbs, powers: &Powers, data: &[u8]) {
    assert!(is_available(), "AVX2 backend used on a CPU without AVX2");
    assert!(data.len().is_multiple_of(POLY_STRIDE), "whole groups of four blocks");
    if data.is_empty() {
        return;
    }
    let mut lanes = [[0u64; 4]; 5];
    for (lane, limb) in lanes.iter_mut().zip(to_radix26(h)) {
        lane[0] = limb;
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the assertion above checked that the CPU supports AVX2, the
    // only feature `x86::poly1305_groups` is compiled for.
    unsafe {
        x86::poly1305_groups(&mut lanes, powers, data)
    };
    *h = from_radix26_lanes(&lanes);
    lanes.zeroize();
}

/// Splits 44-bit limbs (within the stored bounds of `poly1305::Limbs`) into
/// five 26-bit limbs of the same value. The pieces are added, not ORed, so
/// that the spare bits of `h1` land in limb 3 without loss: every result is
/// below `2^26 + 2^10`.
fn to_radix26(h: &Limbs) -> [u64; 5] {
    let [h0, h1, h2] = *h;
    [
        h0 & MASK26,
        (h0 >> 26) + ((h1 & 0xff) << 18),
        (h1 >> 8) & MASK26,
        (h1 >> 34) + ((h2 & 0xffff) << 10),
        h2 >> 16,
    ]
}

/// Sums the four lanes and carries the result back into 44-bit limbs
/// within the stored bounds (`h0, h1 < 2^44 + 2^6`, `h2 < 2^42`).
fn from_radix26_lanes(lanes: &[[u64; 4]; 5]) -> Limbs {
    // Each lane's limbs are below 2^27 (see `x86::mul`), so sums are below 2^29.
    let mut t = lanes.map(|limb| limb.iter().sum::<u64>());
    for i in 0..4 {
        t[i + 1] += t[i] >> 26;
        t[i] &= MASK26;
    }
    // 2^130 = 5 (mod p): what is above limb 4's 26 bits comes back times 5.
    t[0] += (t[4] >> 26) * 5;
    t[4] &= MASK26;
    t[1] += t[0] >> 26;
    t[0] &= MASK26;
    // Now t0, t2, t3, t4 < 2^26 and t1 <= 2^26: regroup 26 + 18 | 8 + 26 + 10 | 16 + 26 bits.
    let low = t[0] + (t[1] << 26);
    let mid = (low >> 44) + (t[2] << 8) + (t[3] << 34);
    let high = (mid >> 44) + (t[4] << 16);
    // `high` may hold a carry at 2^42: fold it back once more.
    let h = poly1305::carry([low & ((1 << 44) - 1), mid & ((1 << 44) - 1), high]);
    debug_assert!(h[1] < (1 << 44) + (1 << 6));
    h
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi32, _mm256_add_epi64, _mm256_and_si256, _mm256_loadu_si256, _mm256_mul_epu32,
        _mm256_or_si256, _mm256_permute2x128_si256, _mm256_permute4x64_epi64, _mm256_set1_epi32,
        _mm256_set1_epi64x, _mm256_setr_epi8, _mm256_setr_epi32, _mm256_shuffle_epi8, _mm256_slli_epi32,
        _mm256_slli_epi64, _mm256_srli_epi32, _mm256_srli_epi64, _mm256_storeu_si256, _mm256_unpackhi_epi32,
        _mm256_unpackhi_epi64, _mm256_unpacklo_epi32, _mm256_unpacklo_epi64, _mm256_xor_si256,
    };

    use zeroize::Zeroize;

    /// Eight ChaCha20 blocks: 512 bytes.
    const STRIDE: usize = 8 * 64;

    #[target_feature(enable = "avx2")]
    pub(super) fn xor_keystream(state: &[u32; 16], data: &mut [u8]) {
        let mut counter = state[12];
        let mut chunks = data.chunks_exact_mut(STRIDE);
        for chunk in &mut chunks {
            xor_blocks(&keystream(state, counter), chunk);
            counter = counter.wrapping_add(8);
        }
        // The tail. One block or less: the portable code, which computes
        // only that block. More: eight blocks into a buffer, of which only
        // the first `tail.len()` bytes are used (the caller made sure the
        // counter does not pass 2^32 - 1 in those; the blocks after may
        // wrap, unused).
        let tail = chunks.into_remainder();
        if !tail.is_empty() && tail.len() <= 64 {
            let mut state = *state;
            state[12] = counter;
            crate::chacha20::xor_keystream_portable(&state, tail);
            state.zeroize();
        } else if !tail.is_empty() {
            let mut buffer = [0u8; STRIDE];
            buffer[..tail.len()].copy_from_slice(tail);
            xor_blocks(&keystream(state, counter), &mut buffer);
            tail.copy_from_slice(&buffer[..tail.len()]);
            buffer.zeroize();
        }
    }

    /// ChaCha20 over `data` from the counter in `state[12]`, with Poly1305
    /// (in 64-bit limbs, `h` and `key = [r0, r1, r1 + r1 / 4]`) run over
    /// 512-byte chunks of the ciphertext between the vector quarter rounds.
    /// Sealing (`mac_before = false`) MACs each chunk while the next one's
    /// keystream is made, so the last whole chunk is left unMACed; opening
    /// MACs each chunk before decrypting it. Only whole chunks are handled;
    /// returns how many bytes were encrypted and how many MACed.
    #[target_feature(enable = "avx2,bmi2")]
    pub(super) fn stitched(
        state: &[u32; 16],
        data: &mut [u8],
        h: &mut [u64; 3],
        key: &[u64; 3],
        mac_before: bool,
    ) -> (usize, usize) {
        let chunks = data.len() / STRIDE;
        let mut counter = state[12];
        let mut maced = 0;
        for i in 0..chunks {
            let mac_chunk = if mac_before { Some(i) } else { i.checked_sub(1) };
            let keystream = match mac_chunk {
                Some(j) => {
                    let chunk: &[u8] = &data[j * STRIDE..(j + 1) * STRIDE];
                    let keystream = eight_blocks(state, counter, |slot| {
                        poly_block(h, key, &chunk[slot * 16..slot * 16 + 16]);
                    });
                    maced += STRIDE;
                    keystream
                }
                None => keystream(state, counter),
            };
            xor_blocks(&keystream, &mut data[i * STRIDE..(i + 1) * STRIDE]);
            counter = counter.wrapping_add(8);
        }
        (chunks * STRIDE, maced)
    }

    #[cfg(test)]
    #[target_feature(enable = "avx2,bmi2")]
    pub(super) fn poly_block_for_tests(h: &mut [u64; 3], key: &[u64; 3], block: &[u8]) {
        poly_block(h, key, block);
    }

    /// One Poly1305 block in 64-bit limbs: `h = (h + m + 2^128) * r`, partly
    /// reduced (`h2` at most 4 on return, given at most 4). With
    /// `r = r0 + r1 2^64` clamped, `r1` is a multiple of 4, so the product's
    /// part at 2^128 folds back exactly: `h1 r1 2^128 = h1 (r1 / 4) 2^130
    /// = 5 (r1 / 4) h1 = s1 h1 (mod p)`, with `s1 = r1 + r1 / 4`:
    ///
    /// ```text
    /// d0 = h0 r0 + h1 s1           (below 2^126)
    /// d1 = h0 r1 + h1 r0 + h2 s1   (below 2^126, with the carry of d0)
    /// d2 = h2 r0                   (below 2^64, with the carry of d1)
    /// ```
    ///
    /// then what is above 2^130 (`d2 >> 2`) comes back times 5, as
    /// `(d2 & !3) + (d2 >> 2)`. `mulx` and `imul` take the same time for
    /// every operand; no branch.
    #[inline(always)]
    fn poly_block(h: &mut [u64; 3], key: &[u64; 3], block: &[u8]) {
        assert!(block.len() >= 16);
        let [mut h0, mut h1, mut h2] = *h;
        // SAFETY: reads 16 bytes of `block` (checked above) and the three
        // words of `key`; writes only the registers named.
        unsafe {
            core::arch::asm!(
                "add {h0}, qword ptr [{m}]",
                "adc {h1}, qword ptr [{m} + 8]",
                "adc {h2}, 1",
                "mov rdx, {h0}",
                "mulx {t1}, {t0}, qword ptr [{k}]",
                "mulx {t3}, {t2}, qword ptr [{k} + 8]",
                "mov rdx, {h1}",
                "mulx {h1}, {h0}, qword ptr [{k} + 16]",
                "add {t0}, {h0}",
                "adc {t1}, {h1}",
                "mulx {h1}, {h0}, qword ptr [{k}]",
                "add {t2}, {h0}",
                "adc {t3}, {h1}",
                "mov {h0}, {h2}",
                "imul {h0}, qword ptr [{k} + 16]",
                "imul {h2}, qword ptr [{k}]",
                "add {t2}, {h0}",
                "adc {t3}, 0",
                "add {t2}, {t1}",
                "adc {t3}, 0",
                "add {h2}, {t3}",
                "mov {t1}, {h2}",
                "shr {t1}, 2",
                "mov {h0}, {h2}",
                "and {h0}, -4",
                "and {h2}, 3",
                "add {h0}, {t1}",
                "add {h0}, {t0}",
                "adc {t2}, 0",
                "adc {h2}, 0",
                "mov {h1}, {t2}",
                h0 = inout(reg) h0, h1 = inout(reg) h1, h2 = inout(reg) h2,
                m = in(reg) block.as_ptr(), k = in(reg) key.as_ptr(),
                t0 = out(reg) _, t1 = out(reg) _, t2 = out(reg) _, t3 = out(reg) _,
                out("rdx") _,
                options(nostack, readonly),
            );
        }
        *h = [h0, h1, h2];
    }

    /// Eight blocks of keystream with nothing between the rounds. Kept out
    /// of line: inlined into its callers, the compiler spilled more of the
    /// sixteen state registers (5.57 against 5.39 µs for 16 KiB).
    #[inline(never)]
    #[target_feature(enable = "avx2")]
    fn keystream(state: &[u32; 16], counter: u32) -> [__m256i; 16] {
        eight_blocks(state, counter, |_| {})
    }

    /// RFC 8439 §2.3 on eight states at once: lane `j` of register `i` is
    /// word `i` of the block with counter `counter + j`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn eight_blocks(state: &[u32; 16], counter: u32, mut between: impl FnMut(usize)) -> [__m256i; 16] {
        let mut initial = [_mm256_set1_epi32(0); 16];
        for (v, &word) in initial.iter_mut().zip(state) {
            *v = _mm256_set1_epi32(word as i32);
        }
        let lane_offsets = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        initial[12] = _mm256_add_epi32(_mm256_set1_epi32(counter as i32), lane_offsets);
        // Byte shuffles that rotate each 32-bit lane left by 16 and by 8.
        // Hidden from the optimiser with `black_box`: knowing them, LLVM
        // merges consecutive rotations and splits the XOR around them, which
        // costs more shuffles than it saves.
        let rot16 = core::hint::black_box(_mm256_setr_epi8(
            2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14,
            15, 12, 13,
        ));
        let rot8 = core::hint::black_box(_mm256_setr_epi8(
            3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15,
            12, 13, 14,
        ));
        let rot = (rot16, rot8);
        let mut x = initial;
        // §2.3: ten double rounds; `between` gets slots 0 to 31, four in
        // each of the first eight, and the last two run alone.
        for round in 0..8 {
            double_round(&mut x, rot, |k| between(4 * round + k));
        }
        for _ in 8..10 {
            double_round(&mut x, rot, |_| {});
        }
        for (v, i) in x.iter_mut().zip(initial) {
            *v = _mm256_add_epi32(*v, i);
        }
        x
    }

    /// A column round, then a diagonal round (§2.3), calling `between` with
    /// 0 to 3 after each pair of quarter rounds.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn double_round(x: &mut [__m256i; 16], rot: (__m256i, __m256i), mut between: impl FnMut(usize)) {
        quarter_round(x, rot, 0, 4, 8, 12);
        quarter_round(x, rot, 1, 5, 9, 13);
        between(0);
        quarter_round(x, rot, 2, 6, 10, 14);
        quarter_round(x, rot, 3, 7, 11, 15);
        between(1);
        quarter_round(x, rot, 0, 5, 10, 15);
        quarter_round(x, rot, 1, 6, 11, 12);
        between(2);
        quarter_round(x, rot, 2, 7, 8, 13);
        quarter_round(x, rot, 3, 4, 9, 14);
        between(3);
    }

    /// §2.1 on eight lanes. (Written one quarter round after another: with
    /// sixteen registers for sixteen state words, interleaving four quarter
    /// rounds by hand made the compiler spill and ran at half the speed; the
    /// CPU overlaps independent quarter rounds by itself.)
    #[inline]
    #[target_feature(enable = "avx2")]
    fn quarter_round(
        x: &mut [__m256i; 16],
        (rot16, rot8): (__m256i, __m256i),
        a: usize,
        b: usize,
        c: usize,
        d: usize,
    ) {
        x[a] = _mm256_add_epi32(x[a], x[b]);
        x[d] = _mm256_shuffle_epi8(_mm256_xor_si256(x[d], x[a]), rot16);
        x[c] = _mm256_add_epi32(x[c], x[d]);
        let t = _mm256_xor_si256(x[b], x[c]);
        x[b] = _mm256_or_si256(_mm256_slli_epi32::<12>(t), _mm256_srli_epi32::<20>(t));
        x[a] = _mm256_add_epi32(x[a], x[b]);
        x[d] = _mm256_shuffle_epi8(_mm256_xor_si256(x[d], x[a]), rot8);
        x[c] = _mm256_add_epi32(x[c], x[d]);
        let t = _mm256_xor_si256(x[b], x[c]);
        x[b] = _mm256_or_si256(_mm256_slli_epi32::<7>(t), _mm256_srli_epi32::<25>(t));
    }

    /// XORs eight blocks of keystream, held word-sliced, into 512 bytes.
    #[target_feature(enable = "avx2")]
    fn xor_blocks(x: &[__m256i; 16], data: &mut [u8]) {
        debug_assert_eq!(data.len(), STRIDE);
        for half in 0..2 {
            let words: &[__m256i; 8] = x[half * 8..half * 8 + 8].try_into().expect("eight words");
            for (block, row) in transpose(words).into_iter().enumerate() {
                let at = block * 64 + half * 32;
                let bytes = &mut data[at..at + 32];
                store(bytes, _mm256_xor_si256(load(bytes), row));
            }
        }
    }

    /// Eight registers of eight lanes, transposed: out `b` holds lane `b` of
    /// each input in order, that is eight consecutive words of block `b`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn transpose(v: &[__m256i; 8]) -> [__m256i; 8] {
        // Interleave 32-bit words, then 64-bit pairs: each 128-bit half now
        // holds four words of one block (blocks b and b + 4 share a register).
        let t0 = _mm256_unpacklo_epi32(v[0], v[1]);
        let t1 = _mm256_unpackhi_epi32(v[0], v[1]);
        let t2 = _mm256_unpacklo_epi32(v[2], v[3]);
        let t3 = _mm256_unpackhi_epi32(v[2], v[3]);
        let t4 = _mm256_unpacklo_epi32(v[4], v[5]);
        let t5 = _mm256_unpackhi_epi32(v[4], v[5]);
        let t6 = _mm256_unpacklo_epi32(v[6], v[7]);
        let t7 = _mm256_unpackhi_epi32(v[6], v[7]);
        let u = [
            _mm256_unpacklo_epi64(t0, t2), // words 0-3 of blocks 0 | 4
            _mm256_unpackhi_epi64(t0, t2), // blocks 1 | 5
            _mm256_unpacklo_epi64(t1, t3), // blocks 2 | 6
            _mm256_unpackhi_epi64(t1, t3), // blocks 3 | 7
            _mm256_unpacklo_epi64(t4, t6), // words 4-7 of blocks 0 | 4
            _mm256_unpackhi_epi64(t4, t6),
            _mm256_unpacklo_epi64(t5, t7),
            _mm256_unpackhi_epi64(t5, t7),
        ];
        // Join the halves: low halves give blocks 0-3, high halves 4-7.
        [
            _mm256_permute2x128_si256::<0x20>(u[0], u[4]),
            _mm256_permute2x128_si256::<0x20>(u[1], u[5]),
            _mm256_permute2x128_si256::<0x20>(u[2], u[6]),
            _mm256_permute2x128_si256::<0x20>(u[3], u[7]),
            _mm256_permute2x128_si256::<0x31>(u[0], u[4]),
            _mm256_permute2x128_si256::<0x31>(u[1], u[5]),
            _mm256_permute2x128_si256::<0x31>(u[2], u[6]),
            _mm256_permute2x128_si256::<0x31>(u[3], u[7]),
        ]
    }

    /// Four-way Poly1305 over `data` (whole groups of four blocks). `lanes`
    /// holds the four accumulators in 26-bit limbs (`lanes[limb][lane]`).
    ///
    /// Groups go two at a time: `h = (h + m_a) * r^8 + m_b * r^4`, two
    /// independent products and one carry chain per 128 bytes, so the chain
    /// from one step to the next (the multiply and the carries) is paid half
    /// as often. The last pair multiplies by `r^8..r^5` and `r^4..r`, so
    /// that each block ends with the power of `r` the sequential rule gives
    /// it; an odd group goes first, alone, times `r^4` (or `r^4..r` if it is
    /// the only one).
    #[target_feature(enable = "avx2")]
    pub(super) fn poly1305_groups(lanes: &mut [[u64; 4]; 5], powers: &super::Powers, data: &[u8]) {
        let mut h = lanes.map(|limb| load_u64x4(&limb));
        // Each power with its limbs times 5, made once rather than per group.
        let r4 = Multiplier::new(powers.low.map(|limb| _mm256_set1_epi64x(limb[0] as i64)));
        let r8 = Multiplier::new(powers.high.map(|limb| _mm256_set1_epi64x(limb[0] as i64)));
        let low = Multiplier::new(powers.low.map(|limb| load_u64x4(&limb)));
        let high = Multiplier::new(powers.high.map(|limb| load_u64x4(&limb)));
        let groups = data.len() / 64;
        let mut chunks = data.chunks_exact(64);
        if groups % 2 == 1
            && let Some(group) = chunks.next()
        {
            h = carry(&products(&add5(&h, &message_limbs(group)), if groups == 1 { &low } else { &r4 }));
        }
        // Every pair but the last steps by r^8 and r^4; the last multiplies
        // its lanes by r^8 .. r^5 and r^4 .. r (the caller's `Powers`).
        let pairs = groups / 2;
        for pair in 0..pairs {
            let (Some(a), Some(b)) = (chunks.next(), chunks.next()) else { break };
            if pair + 1 < pairs {
                let first = products(&add5(&h, &message_limbs(a)), &r8);
                h = carry(&add5(&first, &products(&message_limbs(b), &r4)));
            } else {
                let first = products(&add5(&h, &message_limbs(a)), &high);
                h = carry(&add5(&first, &products(&message_limbs(b), &low)));
            }
        }
        for (limb, v) in lanes.iter_mut().zip(h) {
            store_u64x4(limb, v);
        }
    }

    /// Limb by limb sums of two numbers in 26-bit limbs, no carry.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn add5(a: &[__m256i; 5], b: &[__m256i; 5]) -> [__m256i; 5] {
        [
            _mm256_add_epi64(a[0], b[0]),
            _mm256_add_epi64(a[1], b[1]),
            _mm256_add_epi64(a[2], b[2]),
            _mm256_add_epi64(a[3], b[3]),
            _mm256_add_epi64(a[4], b[4]),
        ]
    }

    /// Four message blocks, block `j` into lane `j`, as 26-bit limbs with
    /// the 2^128 bit set (at 2^24 of limb 4).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn message_limbs(group: &[u8]) -> [__m256i; 5] {
        let (a, b) = (load(&group[..32]), load(&group[32..]));
        // a = [lo0, hi0, lo1, hi1], b = [lo2, hi2, lo3, hi3] (64-bit lanes).
        // Unpacking gives [lo0, lo2, lo1, lo3]; 0b11_01_10_00 puts lanes in order.
        let lo = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_unpacklo_epi64(a, b));
        let hi = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_unpackhi_epi64(a, b));
        let mask = _mm256_set1_epi64x(super::MASK26 as i64);
        [
            _mm256_and_si256(lo, mask),
            _mm256_and_si256(_mm256_srli_epi64::<26>(lo), mask),
            _mm256_and_si256(_mm256_or_si256(_mm256_srli_epi64::<52>(lo), _mm256_slli_epi64::<12>(hi)), mask),
            _mm256_and_si256(_mm256_srli_epi64::<14>(hi), mask),
            _mm256_or_si256(_mm256_srli_epi64::<40>(hi), _mm256_set1_epi64x(1 << 24)),
        ]
    }

    /// `h * r` lane by lane, as five unreduced 64-bit limb sums.
    ///
    /// Bounds: `h` limbs below 2^27 + 2^10 (an accumulator below 2^26 + 2^10
    /// plus a message limb below 2^26), `r` limbs (powers, partly reduced)
    /// below 2^26 + 2^10, so `5 * r` below 2^28.33; each product is below
    /// 2^55.4 and each sum of five below 2^57.7. Two such sums added (the paired step) stay below 2^58.7, well
    /// within the 64-bit lanes. `vpmuludq` reads only the low 32 bits of each
    /// lane, which every limb fits.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn products(h: &[__m256i; 5], multiplier: &Multiplier) -> [__m256i; 5] {
        let (r, s) = (&multiplier.r, &multiplier.s);
        let m = |a, b| _mm256_mul_epu32(a, b);
        let add = |a, b| _mm256_add_epi64(a, b);
        [
            add(add(add(m(h[0], r[0]), m(h[1], s[4])), add(m(h[2], s[3]), m(h[3], s[2]))), m(h[4], s[1])),
            add(add(add(m(h[0], r[1]), m(h[1], r[0])), add(m(h[2], s[4]), m(h[3], s[3]))), m(h[4], s[2])),
            add(add(add(m(h[0], r[2]), m(h[1], r[1])), add(m(h[2], r[0]), m(h[3], s[4]))), m(h[4], s[3])),
            add(add(add(m(h[0], r[3]), m(h[1], r[2])), add(m(h[2], r[1]), m(h[3], r[0]))), m(h[4], s[4])),
            add(add(add(m(h[0], r[4]), m(h[1], r[3])), add(m(h[2], r[2]), m(h[3], r[1]))), m(h[4], r[0])),
        ]
    }

    /// A power of `r` in 26-bit limbs, and its limbs times 5: limb products
    /// at 2^130 and above fold back times 5 (2^130 = 5 mod p).
    struct Multiplier {
        r: [__m256i; 5],
        /// `s[i] = 5 r[i]` (`s[0]` unused).
        s: [__m256i; 5],
    }

    impl Multiplier {
        #[inline]
        #[target_feature(enable = "avx2")]
        fn new(r: [__m256i; 5]) -> Multiplier {
            Multiplier { r, s: [r[0], times5(r[1]), times5(r[2]), times5(r[3]), times5(r[4])] }
        }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn times5(v: __m256i) -> __m256i {
        _mm256_add_epi64(v, _mm256_slli_epi64::<2>(v))
    }

    /// Carries limb sums below 2^59 back to 26-bit limbs, partly reduced:
    /// limbs 0, 2, 3 end below 2^26, limb 1 below 2^26 + 2^10 and limb 4
    /// below 2^26 + 2^7.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn carry(d: &[__m256i; 5]) -> [__m256i; 5] {
        let mask = _mm256_set1_epi64x(super::MASK26 as i64);
        let high = |v: __m256i| _mm256_srli_epi64::<26>(v);
        let low = |v: __m256i| _mm256_and_si256(v, mask);
        let add = |a, b| _mm256_add_epi64(a, b);
        // Two interleaved chains: 0 -> 1 -> 2 -> 3 -> 4 and 3 -> 4 -> 0 -> 1,
        // the carry out of limb 4 (at 2^130) coming back into limb 0 times 5.
        let d1 = add(d[1], high(d[0]));
        let d4 = add(d[4], high(d[3]));
        let (d0, d3) = (low(d[0]), low(d[3]));
        let d2 = add(d[2], high(d1));
        let d0 = add(d0, times5(high(d4)));
        let (d1, d4) = (low(d1), low(d4));
        let d3 = add(d3, high(d2));
        let d1 = add(d1, high(d0));
        let (d2, d0) = (low(d2), low(d0));
        let d4 = add(d4, high(d3));
        let d3 = low(d3);
        [d0, d1, d2, d3, d4]
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn load(bytes: &[u8]) -> __m256i {
        assert!(bytes.len() >= 32);
        // SAFETY: the slice holds at least 32 bytes; `loadu` has no alignment requirement.
        unsafe { _mm256_loadu_si256(bytes.as_ptr().cast()) }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn store(bytes: &mut [u8], v: __m256i) {
        assert!(bytes.len() >= 32);
        // SAFETY: the slice holds at least 32 bytes; `storeu` has no alignment requirement.
        unsafe { _mm256_storeu_si256(bytes.as_mut_ptr().cast(), v) }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn load_u64x4(words: &[u64; 4]) -> __m256i {
        // SAFETY: four u64 are 32 bytes; `loadu` has no alignment requirement.
        unsafe { _mm256_loadu_si256(words.as_ptr().cast()) }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn store_u64x4(words: &mut [u64; 4], v: __m256i) {
        // SAFETY: four u64 are 32 bytes; `storeu` has no alignment requirement.
        unsafe { _mm256_storeu_si256(words.as_mut_ptr().cast(), v) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    /// The stitched AEAD's Poly1305 block (64-bit limbs, `mulx`) against
    /// `(h + m + 2^128) r mod p` on big integers, from accumulators at the
    /// bound it promises (`h2` up to 4, the other limbs all ones) and from
    /// small ones, with the largest clamped `r` and others; every result
    /// keeps `h2` at most 4.
    #[test]
    fn stitched_poly_block_against_big_integers() {
        assert!(stitched_available(), "this test needs AVX2 and BMI2 (x86-64 since 2013)");
        let p = (BigUint::from(1u8) << 130u32) - 5u8;
        let value = |h: &[u64; 3]| {
            BigUint::from(h[0]) + (BigUint::from(h[1]) << 64u32) + (BigUint::from(h[2]) << 128u32)
        };
        let clamp = |lo: u64, hi: u64| (lo & 0x0fff_fffc_0fff_ffff, hi & 0x0fff_fffc_0fff_fffc);
        let keys =
            [clamp(u64::MAX, u64::MAX), clamp(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210), clamp(1, 4)];
        let starts =
            [[u64::MAX, u64::MAX, 4], [u64::MAX, u64::MAX, 3], [0, 0, 0], [5, u64::MAX, 0], [u64::MAX, 0, 4]];
        let messages = [[0xffu8; 16], [0u8; 16], *b"sixteen bytes!!!"];
        for (r0, r1) in keys {
            let key = [r0, r1, r1 + (r1 >> 2)];
            let r = BigUint::from(r0) + (BigUint::from(r1) << 64u32);
            for start in starts {
                for message in &messages {
                    let mut h = start;
                    // Ten blocks in a row, each checked.
                    for _ in 0..10 {
                        let expected =
                            ((value(&h) + BigUint::from_bytes_le(message) + (BigUint::from(1u8) << 128u32))
                                * &r)
                                % &p;
                        stitched_poly_block(&mut h, &key, message);
                        assert!(h[2] <= 4, "h2 = {} from {start:x?}", h[2]);
                        assert_eq!(value(&h) % &p, expected, "from {start:x?}, r = {r0:x} {r1:x}");
                    }
                }
            }
        }
    }

    /// Every number of groups, odd and even (1 is only reachable here: the
    /// Poly1305 front end sends at least 256 bytes), against the portable code.
    #[test]
    fn poly1305_groups_agree_with_portable() {
        if !is_available() {
            return;
        }
        let key: [u8; 32] = core::array::from_fn(|i| (i * 37 + 11) as u8 | 0x80);
        let poly = crate::poly1305::Poly1305::from_key(&key, crate::Backend::Portable);
        let r = poly.clamped_r();
        let data: Vec<u8> = (0..64 * 9).map(|i| (i * 151 + 3) as u8).collect();
        for groups in 1..=9 {
            let start: Limbs = [0x0abc_def0_1234, 0x0fff_ffff_ffff, 0x03ff_ffff_fff0];
            let mut expected = start;
            poly1305::blocks(&mut expected, &r, &data[..64 * groups], 1 << 40);
            let mut got = start;
            poly1305_blocks(&mut got, &Powers::new(&r), &data[..64 * groups]);
            assert_eq!(
                poly1305::reduce_fully_limbs(&got),
                poly1305::reduce_fully_limbs(&expected),
                "{groups} groups"
            );
        }
    }
}
