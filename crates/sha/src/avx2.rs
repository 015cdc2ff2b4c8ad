//! The AVX2 backend: SHA-512 (and SHA-384, SHA-512/256) on x86-64 CPUs with
//! AVX2 and BMI2.
//!
//! Constant time: yes. Like the portable code it only adds, shifts, rotates
//! and combines words, and no branch or memory index depends on the data.
//!
//! There is no SHA-512 instruction on these CPUs, so this backend speeds up
//! the portable algorithm in two ways:
//!
//! - the message schedule (FIPS 180-4 §6.4.2 step 1) is computed two words at
//!   a time in 128-bit vector registers, sixteen words ahead of the rounds
//!   that use them, so the vector unit works while the integer unit runs the
//!   rounds;
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
        __m128i, _mm_add_epi64, _mm_alignr_epi8, _mm_loadu_si128, _mm_or_si128, _mm_set_epi64x,
        _mm_shuffle_epi8, _mm_slli_epi64, _mm_srli_epi64, _mm_storeu_si128, _mm_xor_si128,
    };

    use crate::sha512::{K, round};

    /// The sixteen most recent schedule words as eight pairs: word `W_t` is in
    /// lane `t % 2` of `ring[(t / 2) % 8]`.
    type Ring = [__m128i; 8];

    #[target_feature(enable = "avx2,bmi1,bmi2")]
    pub(super) fn sha512_compress(state: &mut [u64; 8], blocks: &[u8]) {
        // Each 64-bit word of the block is big-endian (§3.1).
        let byte_swap = _mm_set_epi64x(0x0809_0a0b_0c0d_0e0f, 0x0001_0203_0405_0607);

        for block in blocks.chunks_exact(128) {
            // Step 1: W_0 .. W_15 from the block.
            let mut ring: Ring = [_mm_set_epi64x(0, 0); 8];
            for (pair, bytes) in ring.iter_mut().zip(block.chunks_exact(16)) {
                *pair = _mm_shuffle_epi8(load(bytes), byte_swap);
            }

            // Step 2.
            let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;

            // Step 3: 80 rounds, eight at a time. Each group first takes its
            // words out of the ring (adding K_t), then refills those slots with
            // the words sixteen ahead, for the group after next.
            for t in (0..80).step_by(8) {
                let mut kw = [0u64; 8];
                for j in 0..4 {
                    let k = load(&K[t + 2 * j..t + 2 * j + 2]);
                    store(&mut kw[2 * j..2 * j + 2], _mm_add_epi64(ring[(t / 2 + j) % 8], k));
                }
                if t + 16 < 80 {
                    for j in 0..4 {
                        schedule_pair(&mut ring, t + 16 + 2 * j);
                    }
                }
                round(a, b, c, &mut d, e, f, g, &mut h, kw[0]);
                round(h, a, b, &mut c, d, e, f, &mut g, kw[1]);
                round(g, h, a, &mut b, c, d, e, &mut f, kw[2]);
                round(f, g, h, &mut a, b, c, d, &mut e, kw[3]);
                round(e, f, g, &mut h, a, b, c, &mut d, kw[4]);
                round(d, e, f, &mut g, h, a, b, &mut c, kw[5]);
                round(c, d, e, &mut f, g, h, a, &mut b, kw[6]);
                round(b, c, d, &mut e, f, g, h, &mut a, kw[7]);
            }

            // Step 4.
            for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
                *s = s.wrapping_add(v);
            }
        }
    }

    /// Computes `W_t` and `W_{t+1}` (t even) into the ring slot that held
    /// `W_{t-16}` and `W_{t-15}`:
    ///
    /// `W_t = σ1(W_{t-2}) + W_{t-7} + σ0(W_{t-15}) + W_{t-16}`
    ///
    /// The pairs (t-2, t-1) and (t-16, t-15) are slots of the ring; the pairs
    /// (t-15, t-14) and (t-7, t-6) straddle two slots and are cut out of them
    /// with `alignr`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn schedule_pair(ring: &mut Ring, t: usize) {
        let slot = |u: usize| (u / 2) % 8;
        let w16 = ring[slot(t - 16)];
        let w15 = _mm_alignr_epi8(ring[slot(t - 14)], w16, 8);
        let w7 = _mm_alignr_epi8(ring[slot(t - 6)], ring[slot(t - 8)], 8);
        let w2 = ring[slot(t - 2)];
        let sum = _mm_add_epi64(_mm_add_epi64(small_sigma1(w2), w7), _mm_add_epi64(small_sigma0(w15), w16));
        ring[slot(t)] = sum;
    }

    /// σ0 of §4.1.3 on both lanes: ROTR^1 ⊕ ROTR^8 ⊕ SHR^7.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn small_sigma0(x: __m128i) -> __m128i {
        let rotr1 = _mm_or_si128(_mm_srli_epi64::<1>(x), _mm_slli_epi64::<63>(x));
        let rotr8 = _mm_or_si128(_mm_srli_epi64::<8>(x), _mm_slli_epi64::<56>(x));
        _mm_xor_si128(_mm_xor_si128(rotr1, rotr8), _mm_srli_epi64::<7>(x))
    }

    /// σ1 of §4.1.3 on both lanes: ROTR^19 ⊕ ROTR^61 ⊕ SHR^6.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn small_sigma1(x: __m128i) -> __m128i {
        let rotr19 = _mm_or_si128(_mm_srli_epi64::<19>(x), _mm_slli_epi64::<45>(x));
        let rotr61 = _mm_or_si128(_mm_srli_epi64::<61>(x), _mm_slli_epi64::<3>(x));
        _mm_xor_si128(_mm_xor_si128(rotr19, rotr61), _mm_srli_epi64::<6>(x))
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
