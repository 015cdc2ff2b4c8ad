//! The SHA-NI backend: SHA-256 on the x86 SHA extensions.
//!
//! Constant time: yes. The SHA instructions, shuffles and additions take the
//! same time whatever their operands, and nothing here branches on the data.
//!
//! This module holds the crate's only `unsafe`: calling functions compiled
//! with `#[target_feature]`, and loading and storing 128-bit vectors. Each
//! block says why it is sound. The portable backend computes the same function
//! and property tests check the two agree (`tests/backends.rs`).
//!
//! How the instructions map onto FIPS 180-4 §6.2.2 (Intel's "New Instructions
//! Supporting the Secure Hash Algorithm on Intel Architecture Processors", 2013):
//!
//! - `sha256rnds2(cdgh, abef, wk)` runs two rounds of step 3. The eight working
//!   variables live in two registers, one holding A, B, E, F and the other
//!   C, D, G, H (highest lane first); the low two lanes of `wk` hold
//!   `W_t + K_t` for the two rounds. It returns the new A, B, E, F; the old
//!   A, B, E, F are the new C, D, G, H.
//! - `sha256msg1` and `sha256msg2` compute four words of the message schedule
//!   (step 1): `msg1` adds the σ0 terms, an `alignr` supplies `W_{t-7}`, and
//!   `msg2` adds the σ1 terms.

#![allow(unsafe_code)]

/// Whether this CPU has the SHA extensions (and the SSE levels we use with them).
///
/// Asked once per process: every compression call checks it (see
/// [`sha256_compress`]), and one atomic load is cheaper than four feature tests.
pub(crate) fn is_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("sha")
                && std::arch::is_x86_feature_detected!("sse2")
                && std::arch::is_x86_feature_detected!("ssse3")
                && std::arch::is_x86_feature_detected!("sse4.1")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// SHA-256 compression of whole 64-byte blocks with SHA-NI.
///
/// Panics if the CPU lacks SHA-NI: hashers only choose this backend after
/// [`is_available`] said yes, so reaching the panic is a broken invariant.
pub(crate) fn sha256_compress(h: &mut [u32; 8], blocks: &[u8]) {
    assert!(is_available(), "SHA-NI backend used on a CPU without SHA-NI");
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the assertion above checked that the CPU supports every feature
    // `x86::sha256_compress` is compiled for.
    unsafe {
        x86::sha256_compress(h, blocks)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (h, blocks);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi32, _mm_alignr_epi8, _mm_blend_epi16, _mm_loadu_si128, _mm_set_epi64x,
        _mm_sha256msg1_epu32, _mm_sha256msg2_epu32, _mm_sha256rnds2_epu32, _mm_shuffle_epi8,
        _mm_shuffle_epi32, _mm_storeu_si128,
    };

    use crate::sha256::K;

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub(super) fn sha256_compress(h: &mut [u32; 8], blocks: &[u8]) {
        // Byte order: each 32-bit word of the block is big-endian (§3.1).
        let byte_swap = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203);

        // H holds A..H in lane order [A, B, C, D] [E, F, G, H]; the round
        // instruction wants [F, E, B, A] and [H, G, D, C] (lane 0 first).
        let [abcd, efgh] = [load(&h[..4]), load(&h[4..])];
        let badc = _mm_shuffle_epi32(abcd, 0b10_11_00_01);
        let hgfe = _mm_shuffle_epi32(efgh, 0b00_01_10_11);
        let mut abef = _mm_alignr_epi8(badc, hgfe, 8);
        let mut cdgh = _mm_blend_epi16(hgfe, badc, 0xf0);

        for block in blocks.chunks_exact(64) {
            let (abef_in, cdgh_in) = (abef, cdgh);

            // Step 1: W_0 .. W_15 come from the block, four words per register.
            let mut w0 = _mm_shuffle_epi8(load_bytes(&block[0..16]), byte_swap);
            let mut w1 = _mm_shuffle_epi8(load_bytes(&block[16..32]), byte_swap);
            let mut w2 = _mm_shuffle_epi8(load_bytes(&block[32..48]), byte_swap);
            let mut w3 = _mm_shuffle_epi8(load_bytes(&block[48..64]), byte_swap);

            // Step 3, rounds 0 to 15, on those words.
            four_rounds(&mut abef, &mut cdgh, w0, 0);
            four_rounds(&mut abef, &mut cdgh, w1, 1);
            four_rounds(&mut abef, &mut cdgh, w2, 2);
            four_rounds(&mut abef, &mut cdgh, w3, 3);

            // Rounds 16 to 63: each group of four rounds first computes its
            // schedule words from the sixteen before, overwriting the oldest.
            for group in (4..16).step_by(4) {
                w0 = schedule(w0, w1, w2, w3);
                four_rounds(&mut abef, &mut cdgh, w0, group);
                w1 = schedule(w1, w2, w3, w0);
                four_rounds(&mut abef, &mut cdgh, w1, group + 1);
                w2 = schedule(w2, w3, w0, w1);
                four_rounds(&mut abef, &mut cdgh, w2, group + 2);
                w3 = schedule(w3, w0, w1, w2);
                four_rounds(&mut abef, &mut cdgh, w3, group + 3);
            }

            // Step 4: add the previous hash value.
            abef = _mm_add_epi32(abef, abef_in);
            cdgh = _mm_add_epi32(cdgh, cdgh_in);
        }

        // Back from [F, E, B, A] [H, G, D, C] to [A, B, C, D] [E, F, G, H].
        let abef_rev = _mm_shuffle_epi32(abef, 0b00_01_10_11);
        let ghcd = _mm_shuffle_epi32(cdgh, 0b10_11_00_01);
        store(&mut h[..4], _mm_blend_epi16(abef_rev, ghcd, 0xf0));
        store(&mut h[4..], _mm_alignr_epi8(ghcd, abef_rev, 8));
    }

    /// Rounds 4·group to 4·group + 3 of step 3, given their four words W_t.
    #[inline]
    #[target_feature(enable = "sha,sse2")]
    fn four_rounds(abef: &mut __m128i, cdgh: &mut __m128i, w: __m128i, group: usize) {
        let wk = _mm_add_epi32(w, load(&K[4 * group..4 * group + 4]));
        let next = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
        *cdgh = *abef;
        *abef = next;
        // The next two rounds take the upper two lanes of `wk`.
        let next = _mm_sha256rnds2_epu32(*cdgh, *abef, _mm_shuffle_epi32(wk, 0b00_00_11_10));
        *cdgh = *abef;
        *abef = next;
    }

    /// Four new words W_t .. W_{t+3} of step 1, from the sixteen before them:
    /// `w16` holds W_{t-16} .. W_{t-13}, `w12` the next four, and so on.
    ///
    /// `W_t = σ1(W_{t-2}) + W_{t-7} + σ0(W_{t-15}) + W_{t-16}`
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3")]
    fn schedule(w16: __m128i, w12: __m128i, w8: __m128i, w4: __m128i) -> __m128i {
        let sigma0_added = _mm_sha256msg1_epu32(w16, w12);
        let w7_added = _mm_add_epi32(sigma0_added, _mm_alignr_epi8(w4, w8, 4));
        _mm_sha256msg2_epu32(w7_added, w4)
    }

    /// Loads four words, lane 0 first.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn load(words: &[u32]) -> __m128i {
        assert_eq!(words.len(), 4);
        // SAFETY: `words` is 16 readable bytes; `loadu` has no alignment requirement.
        unsafe { _mm_loadu_si128(words.as_ptr().cast()) }
    }

    /// Loads 16 bytes as they are.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn load_bytes(bytes: &[u8]) -> __m128i {
        assert_eq!(bytes.len(), 16);
        // SAFETY: `bytes` is 16 readable bytes; `loadu` has no alignment requirement.
        unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) }
    }

    /// Stores four words, lane 0 first.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn store(words: &mut [u32], v: __m128i) {
        assert_eq!(words.len(), 4);
        // SAFETY: `words` is 16 writable bytes; `storeu` has no alignment requirement.
        unsafe { _mm_storeu_si128(words.as_mut_ptr().cast(), v) }
    }
}
