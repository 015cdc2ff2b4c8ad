//! The AVX-512 backend (x86-64 with AVX-512F): ChaCha20 sixteen blocks at a
//! time; Poly1305 as the AVX2 backend does it.
//!
//! Constant time: yes, for the reasons the AVX2 backend is: the same vector
//! additions, XORs and rotations whatever the data, no secret-dependent
//! branch or index.
//!
//! The layout is the AVX2 one widened: a 512-bit register holds word `i` of
//! sixteen consecutive blocks, so sixteen registers hold sixteen states.
//! AVX-512 adds two things ChaCha20 wants: a rotate instruction (`vprold`),
//! one instruction where AVX2 needs a shuffle or two shifts and an OR, and
//! thirty-two registers, so the sixteen state words never leave them. The
//! output is transposed back into blocks in three steps (32-bit, 64-bit and
//! 128-bit interleaves). A tail of less than 1 KiB goes to the AVX2 code.
//!
//! Like `avx2`, this module holds `unsafe` only for calling functions
//! compiled for AVX-512F after checking the CPU has it, and for unaligned
//! vector loads and stores.

#![allow(unsafe_code)]

/// Whether this CPU has AVX-512F (and so AVX2). Asked once per process.
pub(crate) fn is_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx512f") && crate::avx2::is_available()
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

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m512i, _mm512_add_epi32, _mm512_loadu_si512, _mm512_rol_epi32, _mm512_set1_epi32,
        _mm512_setr_epi32, _mm512_shuffle_i32x4, _mm512_storeu_si512, _mm512_unpackhi_epi32,
        _mm512_unpackhi_epi64, _mm512_unpacklo_epi32, _mm512_unpacklo_epi64, _mm512_xor_si512,
    };

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
