//! The AVX2 backend: SHA-512 (and SHA-384, SHA-512/256) on x86-64 CPUs with
//! AVX2 and BMI2.
//!
//! Constant time: yes. Like the portable code it only adds, shifts, rotates
//! and combines words, and no branch or memory index depends on the data.
//!
//! There is no SHA-512 instruction on these CPUs, so this backend speeds up
//! the portable algorithm in two ways:
//!
//! - the message schedule (FIPS 180-4 §6.4.2 step 1) is computed for two
//!   blocks at once, two words of each in a 256-bit vector register, sixteen
//!   words ahead of the first block's rounds, so the vector unit works while
//!   the integer unit runs the rounds; the second block's rounds then find
//!   their `K_t + W_t` ready;
//! - the rounds (step 3) are the portable `round` function, compiled here with
//!   BMI2, whose `rorx` rotates into a fresh register.
//!
//! This module and `ni` hold the crate's only `unsafe`: calling a function
//! compiled with `#[target_feature]`, and vector loads and stores. Property
//! tests check this backend against the portable one (`tests/properties.rs`).

#![allow(unsafe_code)]

/// Whether this CPU has AVX2, BMI1 and BMI2. Asked once per process.
pub(crate) fn is_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("bmi1")
                && std::arch::is_x86_feature_detected!("bmi2")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// SHA-512 compression of whole 128-byte blocks.
///
/// Panics if the CPU lacks AVX2 or BMI2: hashers only choose this backend
/// after [`is_available`] said yes, so reaching the panic is a broken invariant.
pub(crate) fn sha512_compress(state: &mut [u64; 8], blocks: &[u8]) {
    assert!(is_available(), "AVX2 backend used on a CPU without AVX2 and BMI2");
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the assertion above checked that the CPU supports every feature
    // `x86::sha512_compress` is compiled for.
    unsafe {
        x86::sha512_compress(state, blocks)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (state, blocks);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm_loadu_si128, _mm_storeu_si128, _mm256_add_epi64, _mm256_alignr_epi8,
        _mm256_broadcastsi128_si256, _mm256_castsi256_si128, _mm256_extracti128_si256, _mm256_or_si256,
        _mm256_set_m128i, _mm256_set1_epi64x, _mm256_setr_epi64x, _mm256_shuffle_epi8, _mm256_slli_epi64,
        _mm256_srli_epi64, _mm256_xor_si256,
    };
    use zeroize::Zeroize;

    use crate::sha512::K;

    /// The sixteen most recent schedule words of two blocks as eight pairs:
    /// word `W_t` of the first block is in lane `t % 2` of the low 128 bits
    /// of `ring[(t / 2) % 8]`, that of the second block in the same lane of
    /// the high 128 bits. Every instruction used on it works on the two
    /// 128-bit halves separately, so the two blocks never mix.
    type Ring = [__m256i; 8];

    /// Compresses the blocks two at a time: while the first block's rounds
    /// run, the vector unit computes both blocks' schedules (one instruction
    /// for both) and sets the second block's `K_t + W_t` aside, so the second
    /// block's rounds run with no schedule work at all. This is how OpenSSL's
    /// AVX2 code divides the work. An odd last block goes through the same
    /// code paired with itself, its second copy's rounds skipped.
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    pub(super) fn sha512_compress(state: &mut [u64; 8], blocks: &[u8]) {
        let mut second = [0u64; 80];
        for pair in blocks.chunks(256) {
            let (first_block, second_block) = pair.split_at(128);
            let second_block = if second_block.is_empty() { first_block } else { second_block };
            rounds_with_schedule(state, first_block, second_block, &mut second);
            if pair.len() == 256 {
                rounds(state, &second);
            }
        }
        second.zeroize();
    }

    /// The first block's 80 rounds (FIPS 180-4 §6.4.2 steps 2 to 4), with
    /// both blocks' schedules (step 1) computed alongside; `K_t + W_t` of the
    /// second block goes to `second`.
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    fn rounds_with_schedule(state: &mut [u64; 8], block: &[u8], next: &[u8], second: &mut [u64; 80]) {
        // Each 64-bit word of a block is big-endian (§3.1).
        let byte_swap = _mm256_setr_epi64x(
            0x0001_0203_0405_0607,
            0x0809_0a0b_0c0d_0e0f,
            0x0001_0203_0405_0607,
            0x0809_0a0b_0c0d_0e0f,
        );
        // Step 1: W_0 .. W_15 of both blocks.
        let mut ring: Ring = [_mm256_set1_epi64x(0); 8];
        for (j, pair) in ring.iter_mut().enumerate() {
            let both = _mm256_set_m128i(load(&next[16 * j..16 * j + 16]), load(&block[16 * j..16 * j + 16]));
            *pair = _mm256_shuffle_epi8(both, byte_swap);
        }

        // Step 2.
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;

        // Step 3: 80 rounds, eight at a time. Each group first takes its
        // words out of the ring (adding K_t; the second block's sums go to
        // `second`), then refills those slots with the words sixteen ahead,
        // for the group after next.
        for t in (0..80).step_by(8) {
            let mut kw = [0u64; 8];
            for j in 0..4 {
                let k = _mm256_broadcastsi128_si256(load(&K[t + 2 * j..t + 2 * j + 2]));
                let sum = _mm256_add_epi64(ring[(t / 2 + j) % 8], k);
                store(&mut kw[2 * j..2 * j + 2], _mm256_castsi256_si128(sum));
                store(&mut second[t + 2 * j..t + 2 * j + 2], _mm256_extracti128_si256::<1>(sum));
            }
            if t + 16 < 80 {
                for j in 0..4 {
                    schedule_pair(&mut ring, t + 16 + 2 * j);
                }
            }
            eight_rounds([&mut a, &mut b, &mut c, &mut d, &mut e, &mut f, &mut g, &mut h], &kw);
        }

        // Step 4.
        for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *s = s.wrapping_add(v);
        }
    }

    /// Steps 2 to 4 for a block whose `K_t + W_t` are ready.
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    fn rounds(state: &mut [u64; 8], kw: &[u64; 80]) {
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
        for group in kw.chunks_exact(8) {
            eight_rounds([&mut a, &mut b, &mut c, &mut d, &mut e, &mut f, &mut g, &mut h], group);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *s = s.wrapping_add(v);
        }
    }

    /// Eight rounds of step 3, the working variables' roles rotating as in
    /// the portable code, given `K_t + W_t` for each.
    #[inline(always)]
    fn eight_rounds([a, b, c, d, e, f, g, h]: [&mut u64; 8], kw: &[u64]) {
        // b ^ c for the first round's Maj; each round hands on its a ^ b.
        let mut b_xor_c = *b ^ *c;
        round(*a, *b, d, *e, *f, *g, h, kw[0], &mut b_xor_c);
        round(*h, *a, c, *d, *e, *f, g, kw[1], &mut b_xor_c);
        round(*g, *h, b, *c, *d, *e, f, kw[2], &mut b_xor_c);
        round(*f, *g, a, *b, *c, *d, e, kw[3], &mut b_xor_c);
        round(*e, *f, h, *a, *b, *c, d, kw[4], &mut b_xor_c);
        round(*d, *e, g, *h, *a, *b, c, kw[5], &mut b_xor_c);
        round(*c, *d, f, *g, *h, *a, b, kw[6], &mut b_xor_c);
        round(*b, *c, e, *f, *g, *h, a, kw[7], &mut b_xor_c);
    }

    /// One round of §6.4.2 step 3 (the same function as `sha512::round`),
    /// arranged for this CPU's integer units:
    ///
    /// - `Maj(a, b, c) = b ⊕ ((a ⊕ b) ∧ (b ⊕ c))`, where `b ⊕ c` is the
    ///   previous round's `a ⊕ b` (its a and b are this round's b and c): two
    ///   operations and the one xor handed on, instead of four;
    /// - `Ch(e, f, g) = (e ∧ f) + (¬e ∧ g)` (the two parts have no bit in
    ///   common, so + is ⊕), which lets the additions into `T1` run in any
    ///   order: `h + K_t + W_t` and `Ch` first, `Σ1(e)`, the longest, last.
    ///
    /// `c` is not needed beyond `b ⊕ c`; `d` and `h` are updated in place.
    #[inline(always)]
    #[allow(clippy::too_many_arguments, reason = "the working variables of the standard")]
    fn round(a: u64, b: u64, d: &mut u64, e: u64, f: u64, g: u64, h: &mut u64, kw: u64, b_xor_c: &mut u64) {
        let ch = (e & f).wrapping_add(!e & g);
        let sigma1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
        let t1 = h.wrapping_add(kw).wrapping_add(ch).wrapping_add(sigma1);
        let a_xor_b = a ^ b;
        let maj = b ^ (a_xor_b & *b_xor_c);
        *b_xor_c = a_xor_b;
        let t2 = (a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39)).wrapping_add(maj);
        *d = d.wrapping_add(t1);
        *h = t1.wrapping_add(t2);
    }

    /// Computes `W_t` and `W_{t+1}` (t even) of both blocks into the ring
    /// slot that held `W_{t-16}` and `W_{t-15}`:
    ///
    /// `W_t = σ1(W_{t-2}) + W_{t-7} + σ0(W_{t-15}) + W_{t-16}`
    ///
    /// The pairs (t-2, t-1) and (t-16, t-15) are slots of the ring; the pairs
    /// (t-15, t-14) and (t-7, t-6) straddle two slots and are cut out of them
    /// with `alignr` (which shifts each 128-bit half on its own).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn schedule_pair(ring: &mut Ring, t: usize) {
        let slot = |u: usize| (u / 2) % 8;
        let w16 = ring[slot(t - 16)];
        let w15 = _mm256_alignr_epi8(ring[slot(t - 14)], w16, 8);
        let w7 = _mm256_alignr_epi8(ring[slot(t - 6)], ring[slot(t - 8)], 8);
        let w2 = ring[slot(t - 2)];
        let sum = _mm256_add_epi64(
            _mm256_add_epi64(small_sigma1(w2), w7),
            _mm256_add_epi64(small_sigma0(w15), w16),
        );
        ring[slot(t)] = sum;
    }

    /// σ0 of §4.1.3 on every lane: ROTR^1 ⊕ ROTR^8 ⊕ SHR^7.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn small_sigma0(x: __m256i) -> __m256i {
        let rotr1 = _mm256_or_si256(_mm256_srli_epi64::<1>(x), _mm256_slli_epi64::<63>(x));
        let rotr8 = _mm256_or_si256(_mm256_srli_epi64::<8>(x), _mm256_slli_epi64::<56>(x));
        _mm256_xor_si256(_mm256_xor_si256(rotr1, rotr8), _mm256_srli_epi64::<7>(x))
    }

    /// σ1 of §4.1.3 on every lane: ROTR^19 ⊕ ROTR^61 ⊕ SHR^6.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn small_sigma1(x: __m256i) -> __m256i {
        let rotr19 = _mm256_or_si256(_mm256_srli_epi64::<19>(x), _mm256_slli_epi64::<45>(x));
        let rotr61 = _mm256_or_si256(_mm256_srli_epi64::<61>(x), _mm256_slli_epi64::<3>(x));
        _mm256_xor_si256(_mm256_xor_si256(rotr19, rotr61), _mm256_srli_epi64::<6>(x))
    }

    /// Loads 16 bytes (two words, or a slice of two `u64`), lane 0 first.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn load<T>(items: &[T]) -> __m128i {
        assert_eq!(size_of_val(items), 16);
        // SAFETY: `items` is 16 readable bytes; `loadu` has no alignment requirement.
        unsafe { _mm_loadu_si128(items.as_ptr().cast()) }
    }

    /// Stores two words, lane 0 first.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn store(words: &mut [u64], v: __m128i) {
        assert_eq!(words.len(), 2);
        // SAFETY: `words` is 16 writable bytes; `storeu` has no alignment requirement.
        unsafe { _mm_storeu_si128(words.as_mut_ptr().cast(), v) }
    }
}
