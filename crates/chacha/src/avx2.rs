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
//! **Few blocks: rows.** For four blocks or fewer, the vertical layout
//! wastes most of its lanes. `horizontal` keeps one block's four rows in
//! the halves of four registers, two blocks per register set, and turns
//! the diagonals into columns by rotating rows (OpenSSL's and BoringSSL's
//! layout): a third of the instructions for two blocks, at the price of a
//! chain of dependent steps.
//!
//! **Both in one pass.** The AEAD (`aead`) runs ChaCha20 and Poly1305
//! together, as BoringSSL's assembly does: Poly1305 in 64-bit limbs on the
//! integer unit (`poly_block`: `mulx`, `adc`, one block in about thirty
//! instructions), its blocks placed between ChaCha20's vector quarter
//! rounds, one after every second quarter round of the first eight double
//! rounds (32 blocks, the 512 bytes that eight ChaCha20 blocks make), so
//! that both units work at once. The vector Poly1305 above would compete
//! with ChaCha20 for the vector unit. Sealing (`seal`) makes the one-time
//! key in the same eight-block call as the first 448 bytes of keystream,
//! MACs each region's ciphertext beside the next region's keystream, and
//! runs a short last batch in rows. Opening (`open`) has its ciphertext
//! from the start, so it makes the key alone in rows and then MACs each
//! region beside that region's own keystream (1 KiB 0.61 -> 0.55 µs, 16 KiB
//! 6.3 -> 6.0 µs). Sealing 16 KiB took 8.0 µs in two passes and 6.9 µs
//! in one; 1 KiB took 0.92 µs with the key block made on its own and the
//! last eight-block chunk's Poly1305 after the loop. With the key block in
//! the first call, the short batch in rows and a shorter Poly1305 chain
//! (`poly_block`) they take 6.0 and 0.60 µs, and 0.57 µs with the rows
//! kernel's slots spread over all its rounds (docs/performance.md). How the
//! blocks are spread matters: two per slot in the first four double rounds
//! ran at 9.2 µs (each block waits for the one before), and with the slots
//! behind a branch the compiler gathered them after each double round's
//! vector code (7.4 µs). How the
//! code is shaped matters as much: where a kernel was not inlined, a
//! closure holding the Poly1305 block was called out of line per slot, or
//! the accumulator went through memory per block (20% to 50% slower); so
//! the slot bodies are a trait's always-inlined methods in `horizontal`,
//! and `eight_blocks` has one call site per kind of slot.
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

/// Whether this CPU can run the one-pass ChaCha20-Poly1305 (`aead`):
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

/// The whole AEAD in one pass (see `x86::seal` and `x86::open`): `data`
/// sealed or opened in place under `state` (block counter 0), the tag
/// returned. Panics if [`stitched_available`] is false (a broken invariant).
pub(crate) fn aead(state: &[u32; 16], aad: &[u8], data: &mut [u8], open: bool) -> [u8; crate::TAG_LEN] {
    assert!(stitched_available(), "stitched AEAD used on a CPU without AVX2 and BMI2");
    #[cfg(target_arch = "x86_64")]
    if open {
        // SAFETY: the assertion above checked AVX2 and BMI2, the features
        // `x86::open` is compiled for.
        unsafe { x86::open(state, aad, data) }
    } else {
        // SAFETY: as above, for `x86::seal`.
        unsafe { x86::seal(state, aad, data) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (state, aad, data, open);
        unreachable!("stitched_available is false off x86-64")
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
        _mm256_set1_epi64x, _mm256_setr_epi8, _mm256_setr_epi32, _mm256_setzero_si256, _mm256_shuffle_epi8,
        _mm256_shuffle_epi32, _mm256_slli_epi32, _mm256_slli_epi64, _mm256_srli_epi32, _mm256_srli_epi64,
        _mm256_storeu_si256, _mm256_unpackhi_epi32, _mm256_unpackhi_epi64, _mm256_unpacklo_epi32,
        _mm256_unpacklo_epi64, _mm256_xor_si256,
    };

    use zeroize::Zeroize;

    use crate::TAG_LEN;
    use crate::poly1305;

    /// Eight ChaCha20 blocks: 512 bytes.
    const STRIDE: usize = 8 * 64;

    /// Secret bytes on the stack (keystream, the one-time key), `N` a
    /// multiple of 32, aligned so that wiping them takes one vector store
    /// per 32 bytes. (`zeroize` on a byte array writes one byte at a time:
    /// for 512 bytes of keystream, a third of a 1 KiB seal.)
    #[repr(C, align(32))]
    struct SecretBytes<const N: usize>([u8; N]);

    /// Eight blocks of keystream.
    type KeystreamBuffer = SecretBytes<STRIDE>;

    impl<const N: usize> SecretBytes<N> {
        /// Overwrites the bytes with zeros. Volatile stores, then a fence,
        /// so the compiler cannot drop them as dead.
        #[target_feature(enable = "avx2")]
        fn wipe(&mut self) {
            let zero = _mm256_setzero_si256();
            for at in (0..N).step_by(32) {
                let target: *mut __m256i = self.0[at..].as_mut_ptr().cast();
                // SAFETY: `at + 32 <= N` (N is a multiple of 32), and `at`
                // is a multiple of 32 in a 32-byte-aligned array, so the
                // store is in bounds and aligned as `__m256i` requires.
                unsafe { core::ptr::write_volatile(target, zero) };
            }
            core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
        }
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn xor_keystream(state: &[u32; 16], data: &mut [u8]) {
        let mut counter = state[12];
        let mut chunks = data.chunks_exact_mut(STRIDE);
        for chunk in &mut chunks {
            xor_blocks(&keystream(state, counter), chunk);
            counter = counter.wrapping_add(8);
        }
        // The tail: up to `SHORT` blocks in the horizontal layout, more as
        // eight blocks, into a buffer of which only the first `tail.len()`
        // bytes are used (the caller made sure the counter does not pass
        // 2^32 - 1 in those; the blocks after may wrap, unused).
        let tail = chunks.into_remainder();
        if !tail.is_empty() {
            let mut buffer = SecretBytes([0u8; STRIDE]);
            match tail.len().div_ceil(64) {
                blocks @ 0..=SHORT => short_blocks(state, counter, blocks, &mut buffer),
                _ => store_blocks(&keystream(state, counter), &mut buffer.0),
            }
            xor_in(tail, &buffer.0);
            buffer.wipe();
        }
    }

    /// Sealing in one pass (RFC 8439 §2.8): `state` has block counter 0
    /// and the nonce; `data` is encrypted in place; returns the tag over
    /// `aad` and the ciphertext.
    ///
    /// The keystream comes in batches of eight blocks. Batch 0 makes block 0,
    /// whose first 32 bytes are the one-time Poly1305 key (§2.6), together
    /// with blocks 1 to 7, the keystream of the first 448 bytes, so the key
    /// costs no call of its own. Each region is XORed as soon as its
    /// keystream exists, and each later batch makes the next 512 bytes of
    /// keystream while the integer unit MACs the ciphertext of the region
    /// before it (28 or 32 Poly1305 blocks in the slots of `eight_blocks`,
    /// or of the rows kernel when the last batch has `SHORT` blocks or
    /// fewer: `short_blocks_mac`); only the last region is MACed after its
    /// keystream, alone.
    ///
    /// Which batch runs, how many slots are filled and which buffer is
    /// XORed depend only on the lengths; Poly1305 and ChaCha20 run the same
    /// instructions whatever the bytes.
    #[target_feature(enable = "avx2,bmi2")]
    pub(super) fn seal(state: &[u32; 16], aad: &[u8], data: &mut [u8]) -> [u8; TAG_LEN] {
        const FIRST: usize = STRIDE - 64;
        let mut buffer = SecretBytes([0u8; STRIDE]);
        let mut otk = SecretBytes([0u8; 32]);
        let first = data.len().min(FIRST);
        if first == FIRST {
            // A whole first region: straight from the registers.
            key_and_xor(&keystream(state, state[12]), &mut otk.0, &mut data[..FIRST]);
        } else {
            match 1 + first.div_ceil(64) {
                blocks @ 0..=SHORT => short_blocks(state, state[12], blocks, &mut buffer),
                _ => store_blocks(&keystream(state, state[12]), &mut buffer.0),
            }
            otk.0.copy_from_slice(&buffer.0[..32]);
            xor_in(&mut data[..first], &buffer.0[64..]);
        }
        let (mut key, mut s) = poly1305::key64(&otk.0);
        otk.wipe();
        let mut h = [0u64; 3];
        mac_padded(&mut h, &key, aad);

        // The region encrypted last, not yet MACed: `start..end`.
        let (mut start, mut end) = (0, first);
        let mut counter = state[12].wrapping_add(8);
        while end < data.len() {
            let next = (end + STRIDE).min(data.len());
            // The region before is whole: 448 bytes (the first) or 512.
            let region: &[u8] = &data[start..end];
            let blocks = region.len() / 16;
            if next - end <= SHORT * 64 {
                // The last region, `SHORT` blocks or fewer.
                let rows;
                (rows, h) = short_blocks_mac(state, counter, (next - end).div_ceil(64), (h, &key), region);
                store_rows(&rows, &mut buffer);
                xor_in(&mut data[end..next], &buffer.0);
            } else {
                let x = if blocks == STRIDE / 16 {
                    eight_blocks::<8>(state, counter, |slot| {
                        poly_block(&mut h, &key, &region[slot * 16..slot * 16 + 16])
                    })
                } else {
                    // The first region's 28 blocks, three to a double round
                    // over all ten: four to a round in the first seven kept
                    // the Poly1305 chain (about 13 cycles a block) longer
                    // than the rounds it shared (1 KiB 0.61 -> 0.60 µs).
                    // The same spreading for 32 blocks was slower (16 KiB
                    // 6.0 -> 7.3 µs): the compiler kept that loop rolled.
                    eight_blocks::<10>(state, counter, |slot| {
                        let block = slot / 4 * 3 + slot % 4;
                        if slot % 4 < 3 && block < FIRST / 16 {
                            poly_block(&mut h, &key, &region[block * 16..block * 16 + 16]);
                        }
                    })
                };
                if next - end == STRIDE {
                    xor_blocks(&x, &mut data[end..next]);
                } else {
                    store_blocks(&x, &mut buffer.0);
                    xor_in(&mut data[end..next], &buffer.0);
                }
            }
            (start, end) = (end, next);
            counter = counter.wrapping_add(8);
        }
        // The last region (possibly empty or partial), alone.
        mac_padded(&mut h, &key, &data[start..end]);
        buffer.wipe();
        let tag = finish(&mut h, &key, s, aad.len(), data.len());
        key.zeroize();
        s.zeroize();
        tag
    }

    /// Opening in one pass (RFC 8439 §2.8): `state` as for `seal`; `data`
    /// is decrypted in place; returns the tag over `aad` and the ciphertext
    /// as received, for the caller to compare.
    ///
    /// The ciphertext is all there from the start, so Poly1305 waits only
    /// for the one-time key, not for any keystream: batch 0 makes block 0
    /// in the rows kernel (99 ns, where eight blocks take 160), and from
    /// then on each batch makes the keystream of the next 512 bytes while
    /// the integer unit MACs the same 512 bytes of ciphertext in its slots,
    /// which are then decrypted straight from the registers. (Sealing
    /// cannot do this: it MACs what the keystream makes.) So that the
    /// batches after it come in whole eights, batch 0 also makes the
    /// keystream of the head, the first `blocks mod 8` blocks when those
    /// are three or fewer (a TLS record of 2^n bytes has one more, its
    /// content type): they are MACed alone, a few nanoseconds a block,
    /// where a short batch of their own at the end would cost 100 ns. Data
    /// of seven blocks or fewer is all head, made with the key in one
    /// batch (of eight blocks from four on).
    ///
    /// As in `seal`, what runs depends only on the lengths.
    #[target_feature(enable = "avx2,bmi2")]
    pub(super) fn open(state: &[u32; 16], aad: &[u8], data: &mut [u8]) -> [u8; TAG_LEN] {
        let mut buffer = SecretBytes([0u8; STRIDE]);
        let mut otk = SecretBytes([0u8; 32]);
        let head = match data.len().div_ceil(64) {
            blocks @ 0..8 => blocks,
            blocks if blocks % 8 < SHORT => blocks % 8,
            _ => 0,
        };
        match 1 + head {
            blocks @ 0..=SHORT => short_blocks(state, state[12], blocks, &mut buffer),
            _ => store_blocks(&keystream(state, state[12]), &mut buffer.0),
        }
        otk.0.copy_from_slice(&buffer.0[..32]);
        let (mut key, mut s) = poly1305::key64(&otk.0);
        otk.wipe();
        let mut h = [0u64; 3];
        mac_padded(&mut h, &key, aad);
        let (head_bytes, rest) = data.split_at_mut((64 * head).min(data.len()));
        mac_padded(&mut h, &key, head_bytes);
        xor_in(head_bytes, &buffer.0[64..]);

        let mut counter = state[12].wrapping_add(1 + head as u32);
        for region in rest.chunks_mut(STRIDE) {
            if region.len() == STRIDE {
                let x = eight_blocks::<8>(state, counter, |slot| {
                    poly_block(&mut h, &key, &region[slot * 16..slot * 16 + 16])
                });
                xor_blocks(&x, region);
            } else {
                // The last region, partial: whole Poly1305 blocks go into
                // the slots, up to 28 of them, three to a double round as
                // in `seal`'s first region (four to a round in the first
                // eight, under a test, were 40 ns slower); the rest after.
                let in_slots = (region.len() / 16).min(28) * 16;
                if region.len() <= SHORT * 64 {
                    let rows;
                    (rows, h) = short_blocks_mac(
                        state,
                        counter,
                        region.len().div_ceil(64),
                        (h, &key),
                        &region[..in_slots],
                    );
                    store_rows(&rows, &mut buffer);
                } else {
                    let (blocks, _) = region[..in_slots].as_chunks::<16>();
                    let x = eight_blocks::<10>(state, counter, |slot| {
                        if slot % 4 < 3
                            && let Some(block) = blocks.get(slot / 4 * 3 + slot % 4)
                        {
                            poly_block(&mut h, &key, block);
                        }
                    });
                    store_blocks(&x, &mut buffer.0);
                }
                mac_padded(&mut h, &key, &region[in_slots..]);
                xor_in(region, &buffer.0);
            }
            counter = counter.wrapping_add(8);
        }
        buffer.wipe();
        let tag = finish(&mut h, &key, s, aad.len(), data.len());
        key.zeroize();
        s.zeroize();
        tag
    }

    /// §2.8's last Poly1305 block, the two lengths, and the tag; the
    /// accumulator wiped.
    #[inline]
    #[target_feature(enable = "avx2,bmi2")]
    fn finish(h: &mut [u64; 3], key: &[u64; 3], s: u128, aad_len: usize, data_len: usize) -> [u8; TAG_LEN] {
        let mut lengths = [0u8; 16];
        lengths[..8].copy_from_slice(&(aad_len as u64).to_le_bytes());
        lengths[8..].copy_from_slice(&(data_len as u64).to_le_bytes());
        poly_block(h, key, &lengths);
        let tag = poly1305::tag64(*h, s);
        h.zeroize();
        tag
    }

    /// Up to this many blocks go through `horizontal` (one or two groups)
    /// rather than `eight_blocks`. (Three groups, six blocks, spill: with
    /// them compiled in, the 1 KiB seal took 0.81 µs instead of 0.67.)
    const SHORT: usize = 4;

    /// `blocks` blocks of keystream (at most `SHORT`) from `counter` into
    /// the start of `out`, in the horizontal layout, which needs fewer
    /// instructions for them than `eight_blocks`.
    #[inline(never)]
    #[target_feature(enable = "avx2")]
    fn short_blocks(state: &[u32; 16], counter: u32, blocks: usize, out: &mut KeystreamBuffer) {
        debug_assert!(blocks <= SHORT);
        match blocks {
            0..=2 => store_rows(&horizontal::<1, _>(state, counter, &mut NoSlots), out),
            _ => store_rows(&horizontal::<2, _>(state, counter, &mut NoSlots), out),
        }
    }

    /// As `short_blocks`, with Poly1305 over `region` (whole blocks, at
    /// most 32) in the kernel's slots (`MacSlots`), continuing the
    /// accumulator `h`. Returns the rows (two groups; the second zero
    /// when one was enough) and the accumulator, so that an opening caller
    /// can decrypt the region before from its buffer before reusing it.
    /// Out of line, with the accumulator in a local value, so that the
    /// compiler keeps it in registers.
    #[inline(never)]
    #[target_feature(enable = "avx2,bmi2")]
    fn short_blocks_mac(
        state: &[u32; 16],
        counter: u32,
        blocks: usize,
        (h, key): ([u64; 3], &[u64; 3]),
        region: &[u8],
    ) -> ([[__m256i; 4]; 2], [u64; 3]) {
        debug_assert!(blocks <= SHORT && region.len() <= STRIDE && region.len().is_multiple_of(16));
        let mut mac = MacSlots { h, key, region };
        let rows = match blocks {
            0..=2 => {
                let [group] = horizontal::<1, _>(state, counter, &mut mac);
                [group, [_mm256_setzero_si256(); 4]]
            }
            _ => horizontal::<2, _>(state, counter, &mut mac),
        };
        (rows, mac.h)
    }

    /// What a kernel runs between its vector steps (`horizontal`): slots 0
    /// to 39, four in each of the ten double rounds. The slot
    /// bodies are always inlined, so that the compiler keeps them in place
    /// (a closure holding two Poly1305 blocks was called out of line).
    trait Slots {
        fn slot(&mut self, i: usize);
    }

    /// Nothing between the rounds.
    struct NoSlots;

    impl Slots for NoSlots {
        #[inline(always)]
        fn slot(&mut self, _: usize) {}
    }

    /// Poly1305 over `region` (whole blocks, at most 32), spread over the
    /// ten double rounds: four blocks in each of the first two, three in
    /// each of the other eight, as long as the region has them (a test on
    /// its public length). Four to a round in the first eight left the
    /// last two rounds without any and made the chain of blocks (about 13
    /// cycles each, three times a round's) longer than the rounds it
    /// shared: 1 KiB seal 0.59 -> 0.57 µs.
    struct MacSlots<'a> {
        h: [u64; 3],
        key: &'a [u64; 3],
        region: &'a [u8],
    }

    impl Slots for MacSlots<'_> {
        #[inline(always)]
        fn slot(&mut self, i: usize) {
            let block = if i < 8 { i } else { 8 + (i / 4 - 2) * 3 + i % 4 };
            if (i < 8 || i % 4 < 3) && 16 * block < self.region.len() {
                poly_block(&mut self.h, self.key, &self.region[16 * block..16 * block + 16]);
            }
        }
    }

    /// Poly1305 over `bytes` followed by zeros up to a multiple of 16 (the
    /// `pad16` of §2.8), each block with its 2^128 bit.
    #[inline]
    #[target_feature(enable = "avx2,bmi2")]
    fn mac_padded(h: &mut [u64; 3], key: &[u64; 3], bytes: &[u8]) {
        let mut blocks = bytes.chunks_exact(16);
        for block in &mut blocks {
            poly_block(h, key, block);
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            // Gathered byte by byte rather than copied: a copy of a
            // variable length is a call to `memcpy`, which cost more than
            // the block (the AAD of a TLS record is 5 or 13 bytes). Not
            // wiped afterwards: what the AEAD MACs (AAD, ciphertext,
            // lengths) is public.
            let mut last = [0u64; 2];
            let (whole, tail) = rest.as_chunks::<8>();
            if let Some(word) = whole.first() {
                last[0] = u64::from_le_bytes(*word);
            }
            for (i, &byte) in tail.iter().enumerate() {
                last[whole.len()] |= u64::from(byte) << (8 * i);
            }
            let bytes = (u128::from(last[0]) | u128::from(last[1]) << 64).to_le_bytes();
            poly_block(h, key, &bytes);
        }
    }

    /// `data ^= keystream`, over `data.len()` bytes (at most the keystream's).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn xor_in(data: &mut [u8], keystream: &[u8]) {
        assert!(data.len() <= keystream.len());
        let whole = data.len() / 32 * 32;
        for at in (0..whole).step_by(32) {
            let bytes = &mut data[at..at + 32];
            store(bytes, _mm256_xor_si256(load(bytes), load(&keystream[at..at + 32])));
        }
        for (byte, k) in data[whole..].iter_mut().zip(&keystream[whole..]) {
            *byte ^= k;
        }
    }

    #[cfg(test)]
    #[target_feature(enable = "avx2,bmi2")]
    pub(super) fn poly_block_for_tests(h: &mut [u64; 3], key: &[u64; 3], block: &[u8]) {
        poly_block(h, key, block);
    }

    /// One Poly1305 block in 64-bit limbs: `h = (h + m + 2^128) * r mod p`,
    /// with `h = h0 + h1 2^64 + h2 2^128` and `h2` below 2^63 on entry and
    /// on return: the accumulator stays partly reduced, and each block
    /// finishes the reduction of the one before (`poly1305::tag64` the
    /// last).
    ///
    /// On entry, what is above 2^130 (`h2 >> 2`) comes back times 5
    /// (2^130 = 5 mod p), as `(h2 & !3) + (h2 >> 2)`, added together with
    /// the message: `h2` is then at most 3 + 1 + 2 carries = 6. With `r =
    /// r0 + r1 2^64` clamped, `r1` is a multiple of 4, so the product's part
    /// at 2^128 folds back exactly: `h1 r1 2^128 = h1 (r1 / 4) 2^130 = 5 (r1
    /// / 4) h1 = s1 h1 (mod p)`, with `s1 = r1 + r1 / 4`:
    ///
    /// ```text
    /// d0 = h0 r0 + h1 s1           (below 2^126)
    /// d1 = h0 r1 + h1 r0 + h2 s1   (below 2^126, with the carry of d0)
    /// d2 = h2 r0                   (below 2^63, with the carry of d1)
    /// ```
    ///
    /// and `(d0 mod 2^64, d1 mod 2^64, d2)` is the new `h`. `r0` and `r1`
    /// are below 2^60, so `h2 s1` is below 2^63 and the carry of `d0` below
    /// 2^62: the two are summed in one word, which cannot overflow, before
    /// joining `d1`; `h2 r0` joins `d1`'s high word in the same
    /// add-with-carry as `d1`'s carry, which stays below 8 * 2^60.
    ///
    /// The order is chosen for the chain from block to block, which sets
    /// the pace when nothing else runs: the message is added while the
    /// previous block's `d2` is still being made, and the fold of `d2`
    /// joins afterwards. 32 blocks take 143 ns; with the fold at the end of
    /// each block 155 ns, and with plain separate carries 164 ns. `mulx`
    /// and `imul` take the same time for every operand; no branch.
    #[inline(always)]
    fn poly_block(h: &mut [u64; 3], key: &[u64; 3], block: &[u8]) {
        assert!(block.len() >= 16);
        let [mut h0, mut h1, mut h2] = *h;
        // SAFETY: reads 16 bytes of `block` (checked above) and the three
        // words of `key`; writes only the registers named.
        unsafe {
            core::arch::asm!(
                // h + m + 2^128, with h2 folded: 5 (h2 >> 2) into h0.
                "mov {t0}, {h2}",
                "mov {t1}, {h2}",
                "and {h2}, 3",
                "and {t0}, -4",
                "shr {t1}, 2",
                "add {t0}, {t1}",
                "add {h0}, qword ptr [{m}]",
                "adc {h1}, qword ptr [{m} + 8]",
                "adc {h2}, 1",
                "add {h0}, {t0}",
                "adc {h1}, 0",
                "adc {h2}, 0",
                // d0, d1, d2 as above.
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
                "add {t1}, {h0}",
                "add {t2}, {t1}",
                "adc {t3}, {h2}",
                "mov {h0}, {t0}",
                "mov {h1}, {t2}",
                "mov {h2}, {t3}",
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
        eight_blocks::<0>(state, counter, |_| {})
    }

    /// Byte shuffles that rotate each 32-bit lane left by 16 and by 8.
    /// Hidden from the optimiser with `black_box`: knowing them, LLVM
    /// merges consecutive rotations and splits the XOR around them, which
    /// costs more shuffles than it saves.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn rotations() -> (__m256i, __m256i) {
        let rot16 = core::hint::black_box(_mm256_setr_epi8(
            2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14,
            15, 12, 13,
        ));
        let rot8 = core::hint::black_box(_mm256_setr_epi8(
            3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15,
            12, 13, 14,
        ));
        (rot16, rot8)
    }

    /// RFC 8439 §2.3 on eight states at once: lane `j` of register `i` is
    /// word `i` of the block with counter `counter + j`. `between` gets four
    /// slots in each of the first `SLOT_ROUNDS` double rounds (8 or 10;
    /// 0 for none).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn eight_blocks<const SLOT_ROUNDS: usize>(
        state: &[u32; 16],
        counter: u32,
        mut between: impl FnMut(usize),
    ) -> [__m256i; 16] {
        let mut initial = [_mm256_set1_epi32(0); 16];
        for (v, &word) in initial.iter_mut().zip(state) {
            *v = _mm256_set1_epi32(word as i32);
        }
        let lane_offsets = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        initial[12] = _mm256_add_epi32(_mm256_set1_epi32(counter as i32), lane_offsets);
        let rot = rotations();
        let mut x = initial;
        // §2.3: ten double rounds; `between` gets slots 0 to 4 SLOT_ROUNDS
        // - 1, four in each of the first SLOT_ROUNDS, and the rest run alone.
        for round in 0..SLOT_ROUNDS {
            double_round(&mut x, rot, |k| between(4 * round + k));
        }
        for _ in SLOT_ROUNDS..10 {
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

    /// RFC 8439 §2.3 on `2 G` blocks laid out by rows ("horizontal"):
    /// register `r` of group `g` holds row `r` of the state (words `4r` to
    /// `4r + 3`) of the block with counter `counter + 2g` in its low 128
    /// bits and of the next block in its high 128 bits. A column round is
    /// then one quarter round on the four registers, lane by lane; for the
    /// diagonal round, rows 1, 2 and 3 are rotated by one, two and three
    /// words so that each diagonal stands in a column, and rotated back
    /// after it. For two or four blocks this takes a quarter or a half of
    /// the instructions of `eight_blocks` (no transposition, and only the
    /// groups needed), at the price of a longer chain, which the groups and
    /// the Poly1305 blocks in `slots` (0 to 39, four a double round) fill:
    /// two blocks 99 ns, four 123 ns, where eight in columns take 161 ns.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn horizontal<const G: usize, S: Slots>(
        state: &[u32; 16],
        counter: u32,
        slots: &mut S,
    ) -> [[__m256i; 4]; G] {
        let w = |i: usize| state[i] as i32;
        let mut initial = [[_mm256_set1_epi32(0); 4]; G];
        for (g, rows) in initial.iter_mut().enumerate() {
            for (r, row) in rows.iter_mut().enumerate().take(3) {
                let i = 4 * r;
                *row =
                    _mm256_setr_epi32(w(i), w(i + 1), w(i + 2), w(i + 3), w(i), w(i + 1), w(i + 2), w(i + 3));
            }
            let low = counter.wrapping_add(2 * g as u32) as i32;
            let high = counter.wrapping_add(2 * g as u32 + 1) as i32;
            rows[3] = _mm256_setr_epi32(low, w(13), w(14), w(15), high, w(13), w(14), w(15));
        }
        let rot = rotations();
        let mut x = initial;
        for round in 0..10 {
            rows_double_round(&mut x, rot, slots, 4 * round);
        }
        for (rows, start) in x.iter_mut().zip(initial) {
            for (row, i) in rows.iter_mut().zip(start) {
                *row = _mm256_add_epi32(*row, i);
            }
        }
        x
    }

    /// A column round and a diagonal round on the rows of `horizontal`,
    /// with slots `base` to `base + 3` after each half quarter round.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn rows_double_round<const G: usize, S: Slots>(
        x: &mut [[__m256i; 4]; G],
        (rot16, rot8): (__m256i, __m256i),
        slots: &mut S,
        base: usize,
    ) {
        rows_half_quarter_round::<G, 12, 20>(x, rot16);
        slots.slot(base);
        rows_half_quarter_round::<G, 7, 25>(x, rot8);
        slots.slot(base + 1);
        rotate_rows::<G, 0x39, 0x93>(x);
        rows_half_quarter_round::<G, 12, 20>(x, rot16);
        slots.slot(base + 2);
        rows_half_quarter_round::<G, 7, 25>(x, rot8);
        slots.slot(base + 3);
        rotate_rows::<G, 0x93, 0x39>(x);
    }

    /// Rows 1, 2 and 3 of each group of `horizontal` rotated left by one,
    /// two and three words (`SHIFT_1` etc. the shuffle controls): diagonals
    /// into columns, and with the inverse controls back.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn rotate_rows<const G: usize, const SHIFT_1: i32, const SHIFT_3: i32>(x: &mut [[__m256i; 4]; G]) {
        for rows in x.iter_mut() {
            rows[1] = _mm256_shuffle_epi32::<SHIFT_1>(rows[1]);
            rows[2] = _mm256_shuffle_epi32::<0x4e>(rows[2]);
            rows[3] = _mm256_shuffle_epi32::<SHIFT_3>(rows[3]);
        }
    }

    /// Half of §2.1's quarter round on every group's rows: `a += b; d ^= a;
    /// d <<<= 16 (or 8); c += d; b ^= c; b <<<= 12 (or 7)`, the first
    /// rotation by the byte shuffle `rot`, the second as shifts left by `L`
    /// and right by `R = 32 - L`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn rows_half_quarter_round<const G: usize, const L: i32, const R: i32>(
        x: &mut [[__m256i; 4]; G],
        rot: __m256i,
    ) {
        for [a, b, c, d] in x.iter_mut() {
            *a = _mm256_add_epi32(*a, *b);
            *d = _mm256_shuffle_epi8(_mm256_xor_si256(*d, *a), rot);
            *c = _mm256_add_epi32(*c, *d);
            let t = _mm256_xor_si256(*b, *c);
            *b = _mm256_or_si256(_mm256_slli_epi32::<L>(t), _mm256_srli_epi32::<R>(t));
        }
    }

    /// The blocks of `horizontal`, in order, at the start of `out`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn store_rows<const G: usize>(x: &[[__m256i; 4]; G], out: &mut KeystreamBuffer) {
        for (g, [r0, r1, r2, r3]) in x.iter().enumerate() {
            let at = g * 128;
            store(&mut out.0[at..], _mm256_permute2x128_si256::<0x20>(*r0, *r1));
            store(&mut out.0[at + 32..], _mm256_permute2x128_si256::<0x20>(*r2, *r3));
            store(&mut out.0[at + 64..], _mm256_permute2x128_si256::<0x31>(*r0, *r1));
            store(&mut out.0[at + 96..], _mm256_permute2x128_si256::<0x31>(*r2, *r3));
        }
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

    /// Batch 0 when sealing a whole first region: block 0's first 32 bytes
    /// into `otk` (the one-time key), blocks 1 to 7 XORed into the 448
    /// bytes of `data`; block 0's other 32 bytes are dropped.
    #[target_feature(enable = "avx2")]
    fn key_and_xor(x: &[__m256i; 16], otk: &mut [u8; 32], data: &mut [u8]) {
        debug_assert_eq!(data.len(), STRIDE - 64);
        for half in 0..2 {
            let words: &[__m256i; 8] = x[half * 8..half * 8 + 8].try_into().expect("eight words");
            let rows = transpose(words);
            if half == 0 {
                store(otk, rows[0]);
            }
            for (block, row) in rows.into_iter().enumerate().skip(1) {
                let at = (block - 1) * 64 + half * 32;
                let bytes = &mut data[at..at + 32];
                store(bytes, _mm256_xor_si256(load(bytes), row));
            }
        }
    }

    /// Eight blocks of keystream, held word-sliced, as 512 bytes.
    #[target_feature(enable = "avx2")]
    fn store_blocks(x: &[__m256i; 16], out: &mut [u8; STRIDE]) {
        for half in 0..2 {
            let words: &[__m256i; 8] = x[half * 8..half * 8 + 8].try_into().expect("eight words");
            for (block, row) in transpose(words).into_iter().enumerate() {
                let at = block * 64 + half * 32;
                store(&mut out[at..at + 32], row);
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
    /// bound it accepts (`h2` up to 2^63 - 1, the other limbs all ones), at
    /// 4 and 3, and from small ones, with the largest clamped `r` and
    /// others; every result keeps `h2` below 2^63.
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
        let top = (1u64 << 63) - 1;
        let starts = [
            [u64::MAX, u64::MAX, top],
            [u64::MAX, u64::MAX, 4],
            [u64::MAX, u64::MAX, 3],
            [0, 0, 0],
            [5, u64::MAX, 0],
            [u64::MAX, 0, top - 3],
        ];
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
                        assert!(h[2] < 1 << 63, "h2 = {} from {start:x?}", h[2]);
                        assert_eq!(value(&h) % &p, expected, "from {start:x?}, r = {r0:x} {r1:x}");
                    }
                }
            }
        }
    }

    /// The one-pass AEAD's last step (`poly1305::tag64`) against `((h mod
    /// p) + s) mod 2^128` on big integers, for accumulators at its bound
    /// (`h2` up to 2^63 - 1), just below and at `p`, at `2p` and beyond, and small
    /// ones, with `s` zero, all ones and in between.
    #[test]
    fn tag64_against_big_integers() {
        let p = (BigUint::from(1u8) << 130u32) - 5u8;
        let two128 = BigUint::from(1u8) << 128u32;
        let value = |h: &[u64; 3]| {
            BigUint::from(h[0]) + (BigUint::from(h[1]) << 64u32) + (BigUint::from(h[2]) << 128u32)
        };
        let m = u64::MAX;
        let accumulators = [
            [0, 0, 0],
            [1, 0, 0],
            [m - 5, m, 3], // p - 1
            [m - 4, m, 3], // p
            [m - 3, m, 3], // p + 1
            [m, m, 3],     // 2^130 - 1
            [0, 0, 4],     // 2^130
            [4, 0, 4],     // 2^130 + 4
            [m - 9, m, 3], // p - 5
            [m, m, 4],
            [m, m, (1 << 63) - 1], // the largest the AEAD leaves
            [3, 0, 4 * 5],         // 2^130 * 5 + 3
            [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, 2],
        ];
        let seconds = [0u128, u128::MAX, 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100];
        for h in accumulators {
            for s in seconds {
                let expected = ((value(&h) % &p) + BigUint::from(s)) % &two128;
                let mut bytes = expected.to_bytes_le();
                bytes.resize(16, 0);
                assert_eq!(poly1305::tag64(h, s).to_vec(), bytes, "h = {h:x?}, s = {s:x}");
            }
        }
    }

    /// Every number of groups, odd and even (1 is only reachable here: the
    /// Poly1305 front end sends at least 256 bytes), against the portable code.
    #[test]
    fn poly1305_groups_agree_with_portable() {
        assert!(is_available(), "this test needs AVX2 (x86-64 since 2013)");
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
