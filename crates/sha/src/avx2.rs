//! The AVX2 backend: SHA-512 (and SHA-384, SHA-512/256) on x86-64 CPUs with
//! AVX2 and BMI2.
//!
//! Constant time: yes. Like the portable code it only adds, shifts, rotates
//! and combines words (`add`, `rorx`, `xor`, `and`, `andn`, `mov` in the
//! assembly rounds, each a fixed-latency instruction), and no branch or
//! memory index depends on the data.
//!
//! There is no SHA-512 instruction on these CPUs, so this backend speeds up
//! the portable algorithm in two ways:
//!
//! - the message schedule (FIPS 180-4 §6.4.2 step 1) is computed for two
//!   blocks at once, two words of each in a 256-bit vector register, sixteen
//!   words ahead of the first block's rounds, so the vector unit works while
//!   the integer unit runs the rounds; the second block's rounds then find
//!   their `K_t + W_t` ready;
//! - the rounds (step 3) are written in assembly, eight to a block
//!   (`round!`): 24 instructions a round, BMI2's `rorx` rotating into a
//!   fresh register and `andn` making `¬e ∧ g` in one step. The compiler's
//!   own version of the same round kept a loop index on the stack and spilled
//!   the working variables between groups; the two blocks' rounds are also
//!   written out group by group (`group!`), so every ring index is a
//!   constant and the ring stays in vector registers.
//!
//! Measured on an AMD EPYC (Zen 3 class) over 16 KiB (docs/performance.md):
//! the rounds alone run at OpenSSL's speed (22.0 µs against OpenSSL's
//! 21.9 µs for everything); the schedule adds 2.6 µs. Tried and slower:
//! the schedule's vector instructions written into the rounds' assembly,
//! spread one every two round instructions (27.8 µs) or in a burst (27.6);
//! two rounds per `asm!` with a schedule pair between (25.8); the schedule
//! spread over both blocks' rounds, half during the pair before (27.8); the
//! schedule after the rounds instead of before (25.1); `lea` for the
//! additions.
//!
//! This module and `ni` hold the crate's only `unsafe`: calling a function
//! compiled with `#[target_feature]`, vector loads and stores, and the
//! rounds' `asm!`. Property tests check this backend against the portable
//! one (`tests/properties.rs`).

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
        __m128i, __m256i, _mm_loadu_si128, _mm256_add_epi64, _mm256_alignr_epi8, _mm256_broadcastsi128_si256,
        _mm256_or_si256, _mm256_set_m128i, _mm256_set1_epi64x, _mm256_setr_epi64x, _mm256_shuffle_epi8,
        _mm256_slli_epi64, _mm256_srli_epi64, _mm256_storeu_si256, _mm256_xor_si256,
    };
    use zeroize::Zeroize;

    use crate::sha512::K;

    /// One round of §6.4.2 step 3 in assembly, given the registers that hold
    /// a to h this round, `ab` (free) and `bc` (holding b ⊕ c), and the byte
    /// offset of `K_t + W_t` from `kw`. Three values pass from round to
    /// round besides a to h (see [`Working`]): `s0`, `fc` and `bc`.
    ///
    /// - `Ch(e, f, g) = (e ∧ f) + (¬e ∧ g)` (no bit in common, so + is ⊕),
    ///   so every addition into `T1` can run in any order, `Σ1(e)` last;
    ///   `fc` arrives holding f (the last round's e) and leaves holding e.
    /// - `Maj(a, b, c) = b ⊕ ((a ⊕ b) ∧ (b ⊕ c))`, where `b ⊕ c` is the
    ///   previous round's `a ⊕ b`: the next round gets `ab` as its `bc`.
    /// - `T2 = Σ0(a) + Maj` is split: the new a leaves as `T1 + Maj`, and
    ///   `Σ0(a)` leaves in `s0`, to be added at the start of the next round,
    ///   whose first instructions do not need a. This takes the last
    ///   addition off the round's end, where it waited for `T1`.
    ///
    /// `d` becomes `d + T1` (the next e) and `h` the next a. The order of the
    /// instructions, e-side and a-side interleaved, is the one measured
    /// fastest; OpenSSL's `sha512-x86_64` rounds (its AVX2 path) use the same
    /// three ideas. Each round is 24 instructions, 22 of them on the ALUs.
    #[rustfmt::skip]
    macro_rules! round {
        ($a:ident $b:ident $c:ident $d:ident $e:ident $f:ident $g:ident $h:ident $ab:ident $bc:ident $off:literal) => {
            concat!(
                "add {", stringify!($h), "}, qword ptr [{kw} + ", stringify!($off), "]\n",
                "and {fc}, {", stringify!($e), "}\n",
                "rorx {t0}, {", stringify!($e), "}, 41\n",
                "rorx {", stringify!($ab), "}, {", stringify!($e), "}, 18\n",
                "add {", stringify!($a), "}, {s0}\n",
                "add {", stringify!($h), "}, {fc}\n",
                "andn {fc}, {", stringify!($e), "}, {", stringify!($g), "}\n",
                "xor {t0}, {", stringify!($ab), "}\n",
                "rorx {", stringify!($ab), "}, {", stringify!($e), "}, 14\n",
                "add {", stringify!($h), "}, {fc}\n",
                "xor {t0}, {", stringify!($ab), "}\n",
                "rorx {s0}, {", stringify!($a), "}, 39\n",
                "add {", stringify!($h), "}, {t0}\n",
                "rorx {t0}, {", stringify!($a), "}, 34\n",
                "mov {", stringify!($ab), "}, {", stringify!($a), "}\n",
                "add {", stringify!($d), "}, {", stringify!($h), "}\n",
                "xor {", stringify!($ab), "}, {", stringify!($b), "}\n",
                "xor {s0}, {t0}\n",
                "rorx {t0}, {", stringify!($a), "}, 28\n",
                "and {", stringify!($bc), "}, {", stringify!($ab), "}\n",
                "xor {s0}, {t0}\n",
                "xor {", stringify!($bc), "}, {", stringify!($b), "}\n",
                "add {", stringify!($h), "}, {", stringify!($bc), "}\n",
                "mov {fc}, {", stringify!($e), "}\n",
            )
        };
    }

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
    ///
    /// `kw` keeps the sums as the vector registers hold them: for each even
    /// t, `K_t + W_t` and `K_{t+1} + W_{t+1}` of the first block, then the
    /// same two of the second (`kw[2t .. 2t + 4]`). One 256-bit store a pair,
    /// where splitting the halves into two arrays took three instructions;
    /// the rounds read the first block from `kw` and the second from
    /// `kw[2..]`, with the same offsets (16 KiB: 24.6 → 24.0 µs).
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    pub(super) fn sha512_compress(state: &mut [u64; 8], blocks: &[u8]) {
        let mut kw = [0u64; 160];
        for pair in blocks.chunks(256) {
            let (first_block, second_block) = pair.split_at(128);
            let second_block = if second_block.is_empty() { first_block } else { second_block };
            rounds_with_schedule(state, first_block, second_block, &mut kw);
            if pair.len() == 256 {
                rounds(state, &kw[2..]);
            }
        }
        kw.zeroize();
    }

    /// The first block's 80 rounds (FIPS 180-4 §6.4.2 steps 2 to 4), with
    /// both blocks' schedules (step 1) computed alongside; `K_t + W_t` of
    /// both blocks goes to `kw`, one group ahead of the rounds that read it.
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    fn rounds_with_schedule(state: &mut [u64; 8], block: &[u8], next: &[u8], kw: &mut [u64; 160]) {
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
        let mut working = Working::new(state);

        // Step 3: 80 rounds, eight at a time. Before a group runs, the next
        // group's words are taken out of the ring (adding K_t, the sums
        // going to `kw`), and the
        // slots this group's words were taken from are refilled with the
        // words sixteen ahead, for the group after next.
        take_group(&ring, 0, kw);
        macro_rules! group {
            ($t:literal) => {
                if $t + 8 < 80 {
                    take_group(&ring, $t + 8, kw);
                }
                if $t + 16 < 80 {
                    for j in 0..4 {
                        schedule_pair(&mut ring, $t + 16 + 2 * j);
                    }
                }
                eight_rounds(&mut working, &kw[2 * $t..2 * $t + 16]);
            };
        }
        group!(0);
        group!(8);
        group!(16);
        group!(24);
        group!(32);
        group!(40);
        group!(48);
        group!(56);
        group!(64);
        group!(72);

        // Step 4.
        for (s, v) in state.iter_mut().zip(working.finish()) {
            *s = s.wrapping_add(v);
        }
    }

    /// Takes `W_t .. W_{t+7}` of both blocks out of the ring, adds `K_t ..
    /// K_{t+7}`, and stores the sums to `kw[2t .. 2t + 16]`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn take_group(ring: &Ring, t: usize, kw: &mut [u64; 160]) {
        for j in 0..4 {
            let k = _mm256_broadcastsi128_si256(load(&K[t + 2 * j..t + 2 * j + 2]));
            let sum = _mm256_add_epi64(ring[(t / 2 + j) % 8], k);
            store256(&mut kw[2 * t + 4 * j..2 * t + 4 * j + 4], sum);
        }
    }

    /// Steps 2 to 4 for a block whose `K_t + W_t` are ready, laid out as
    /// [`eight_rounds`] reads them.
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    fn rounds(state: &mut [u64; 8], kw: &[u64]) {
        let mut working = Working::new(state);
        for t in (0..80).step_by(8) {
            eight_rounds(&mut working, &kw[2 * t..2 * t + 14]);
        }
        for (s, v) in state.iter_mut().zip(working.finish()) {
            *s = s.wrapping_add(v);
        }
    }

    /// The working variables a to h, and what the assembly rounds hand from
    /// one round to the next (see `round!`).
    struct Working {
        vars: [u64; 8],
        /// Σ0 of the last round's a, not yet added into the new a.
        sigma0: u64,
        /// f, to be ANDed with e.
        f_copy: u64,
        /// b ⊕ c, for Maj.
        b_xor_c: u64,
    }

    impl Working {
        /// Step 2: a to h from the hash value.
        #[inline(always)]
        fn new(state: &[u64; 8]) -> Working {
            Working { vars: *state, sigma0: 0, f_copy: state[5], b_xor_c: state[1] ^ state[2] }
        }

        /// a to h after the rounds, with the last Σ0 added into a.
        #[inline(always)]
        fn finish(self) -> [u64; 8] {
            let mut vars = self.vars;
            vars[0] = vars[0].wrapping_add(self.sigma0);
            vars
        }
    }

    /// Eight rounds of step 3, the working variables' roles rotating as in
    /// the portable code, given `K_t + W_t` for each: the eight sums are
    /// `kw[0]`, `kw[1]`, `kw[4]`, `kw[5]`, `kw[8]`, `kw[9]`, `kw[12]`,
    /// `kw[13]` (the layout of `sha512_compress`'s buffer, where the other
    /// block's sums sit between).
    #[inline(always)]
    fn eight_rounds(working: &mut Working, kw: &[u64]) {
        assert!(kw.len() >= 14);
        let Working { vars: [a, b, c, d, e, f, g, h], sigma0, f_copy, b_xor_c } = working;
        // SAFETY: the block reads eight of the words kw[0..14] (checked above)
        // and only writes the registers named below.
        unsafe {
            core::arch::asm!(
                round!(a b c d e f g h x y 0),
                round!(h a b c d e f g y x 8),
                round!(g h a b c d e f x y 32),
                round!(f g h a b c d e y x 40),
                round!(e f g h a b c d x y 64),
                round!(d e f g h a b c y x 72),
                round!(c d e f g h a b x y 96),
                round!(b c d e f g h a y x 104),
                a = inout(reg) *a, b = inout(reg) *b, c = inout(reg) *c, d = inout(reg) *d,
                e = inout(reg) *e, f = inout(reg) *f, g = inout(reg) *g, h = inout(reg) *h,
                kw = in(reg) kw.as_ptr(),
                s0 = inout(reg) *sigma0, fc = inout(reg) *f_copy, y = inout(reg) *b_xor_c,
                t0 = out(reg) _, x = out(reg) _,
                options(nostack, readonly),
            );
        }
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
        // A rotation by whole bytes is a byte shuffle: one instruction, not three.
        let rotr8_bytes = _mm256_setr_epi64x(
            0x0007_0605_0403_0201,
            0x080f_0e0d_0c0b_0a09,
            0x0007_0605_0403_0201,
            0x080f_0e0d_0c0b_0a09,
        );
        let rotr8 = _mm256_shuffle_epi8(x, rotr8_bytes);
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

    /// Stores four words, lane 0 first.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn store256(words: &mut [u64], v: __m256i) {
        assert_eq!(words.len(), 4);
        // SAFETY: `words` is 32 writable bytes; `storeu` has no alignment requirement.
        unsafe { _mm256_storeu_si256(words.as_mut_ptr().cast(), v) }
    }
}
