//! The AES-NI backend: AES on the x86-64 AES instructions.
//!
//! Constant time: yes. `aesenc`, `aesenclast`, `aesdec` and `aesdeclast` run
//! a whole round in hardware, without tables in memory, in a time that does
//! not depend on their operands; nothing here branches on key or data.
//!
//! One `aesenc` is one round of FIPS 197 §5.1 (SubBytes, ShiftRows,
//! MixColumns, AddRoundKey); `aesenclast` is the last round, without
//! MixColumns. The instruction takes a few cycles to finish but the CPU can
//! start one or two every cycle, so `encrypt_blocks` keeps eight blocks in
//! flight: it runs round 1 on all eight, then round 2, and so on. On CPUs
//! with VAES, counter mode (and so GCM) runs `aesenc` on 256-bit registers,
//! two blocks per instruction, sixteen in flight.
//!
//! Decryption uses the "equivalent inverse cipher" of FIPS 197 §5.3.5, which
//! is what `aesdec` implements: its round keys are the encryption round keys
//! in reverse order, with InvMixColumns (`aesimc`) applied to the middle ones.
//!
//! This module holds the crate's only `unsafe` besides `clmul`: calling
//! `#[target_feature]` functions, and vector loads and stores. Property tests
//! check it against the portable backends.

#![allow(unsafe_code)]

use zeroize::Zeroize;

/// Whether this CPU has AES-NI (and the SSE levels used with it). Asked once.
pub(crate) fn is_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("aes")
                && std::arch::is_x86_feature_detected!("sse2")
                && std::arch::is_x86_feature_detected!("ssse3")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// Encryption and decryption round keys, as 16-byte blocks.
pub(crate) struct Key {
    /// Round keys 0 ..= Nr for encryption (FIPS 197 §5.2).
    enc: [[u8; 16]; 15],
    /// Round keys for the equivalent inverse cipher (§5.3.5).
    dec: [[u8; 16]; 15],
    /// The number of rounds Nr: 10, 12 or 14.
    nr: usize,
}

impl Key {
    /// §5.2 KeyExpansion. `key` is 16, 24 or 32 bytes (the caller checked).
    ///
    /// Panics if the CPU lacks AES-NI: callers only choose this backend after
    /// [`is_available`] said yes.
    pub(crate) fn new(key: &[u8]) -> Key {
        assert!(is_available(), "AES-NI backend used on a CPU without AES-NI");
        assert!(matches!(key.len(), 16 | 24 | 32), "AES keys are 16, 24 or 32 bytes");
        let mut k = Key { enc: [[0; 16]; 15], dec: [[0; 16]; 15], nr: key.len() / 4 + 6 };
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the assertion above checked the CPU has the features.
        unsafe {
            x86::expand_key(key, &mut k)
        };
        k
    }

    /// Encrypts each block in place, eight at a time.
    pub(crate) fn encrypt_blocks(&self, blocks: &mut [[u8; 16]]) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a `Key` exists only if `new` found AES-NI on this CPU.
        unsafe {
            x86::encrypt_blocks(self, blocks)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = blocks;
    }

    /// XORs `data` with the keystream `E(counter(0)) ‖ E(counter(1)) ‖ ...`,
    /// the counter blocks made in registers rather than in memory.
    pub(crate) fn ctr_xor(&self, counter: impl Fn(u64) -> u128 + Copy, data: &mut [u8]) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a `Key` exists only if `new` found AES-NI on this CPU.
        unsafe {
            x86::ctr_xor(self, counter, data)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (counter, data);
    }

    /// The encryption round keys 0 ..= Nr and the round count Nr, for the
    /// GCM kernel in `clmul` that runs AES and GHASH in one pass.
    pub(crate) fn encryption_round_keys(&self) -> (&[[u8; 16]; 15], usize) {
        (&self.enc, self.nr)
    }

    /// CBC encryption of whole blocks in place (SP 800-38A §6.2): serial by
    /// nature, so the gain is keeping the round keys in registers.
    pub(crate) fn cbc_encrypt(&self, iv: &[u8; 16], blocks: &mut [[u8; 16]]) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a `Key` exists only if `new` found AES-NI on this CPU.
        unsafe {
            x86::cbc_encrypt(self, iv, blocks)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (iv, blocks);
    }

    /// Decrypts each block in place, eight at a time.
    pub(crate) fn decrypt_blocks(&self, blocks: &mut [[u8; 16]]) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a `Key` exists only if `new` found AES-NI on this CPU.
        unsafe {
            x86::decrypt_blocks(self, blocks)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = blocks;
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        self.enc.zeroize();
        self.dec.zeroize();
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod x86 {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm_aesdec_si128, _mm_aesdeclast_si128, _mm_aesenc_si128, _mm_aesenclast_si128,
        _mm_aesimc_si128, _mm_loadu_si128, _mm_set_epi64x, _mm_setzero_si128, _mm_storeu_si128,
        _mm_xor_si128, _mm256_aesenc_epi128, _mm256_aesenclast_epi128, _mm256_broadcastsi128_si256,
        _mm256_loadu_si256, _mm256_set_m128i, _mm256_setzero_si256, _mm256_storeu_si256, _mm256_xor_si256,
    };

    use super::Key;

    /// Blocks kept in flight at once.
    const LANES: usize = 8;

    /// FIPS 197 §5.2 KeyExpansion, word by word as the standard writes it.
    ///
    /// SubWord needs the S-box, and the S-box must not be a table (that would
    /// leak the key through the cache). `aesenclast` with a zero round key
    /// computes SubBytes and ShiftRows; on a block whose four columns are the
    /// same word, ShiftRows changes nothing, so column 0 of the result is
    /// SubWord of that word.
    #[target_feature(enable = "aes,sse2")]
    pub(super) fn expand_key(key: &[u8], k: &mut Key) {
        let nk = key.len() / 4;
        let words = 4 * (k.nr + 1);
        let mut w = [[0u8; 4]; 60];
        for (wi, chunk) in w.iter_mut().zip(key.chunks_exact(4)) {
            wi.copy_from_slice(chunk);
        }
        let mut rcon = 0x01u8;
        for i in nk..words {
            let mut temp = w[i - 1];
            if i % nk == 0 {
                temp = sub_word([temp[1], temp[2], temp[3], temp[0]]); // SubWord(RotWord(temp))
                temp[0] ^= rcon;
                // xtime on a public constant: the round number, not the key.
                rcon = (rcon << 1) ^ if rcon & 0x80 != 0 { 0x1b } else { 0 };
            } else if nk > 6 && i % nk == 4 {
                temp = sub_word(temp);
            }
            for j in 0..4 {
                w[i][j] = w[i - nk][j] ^ temp[j];
            }
        }
        for (round_key, four) in k.enc.iter_mut().zip(w.chunks_exact(4)).take(k.nr + 1) {
            round_key.copy_from_slice(four.as_flattened());
        }
        w.as_flattened_mut().fill(0);

        // §5.3.5: decryption keys in reverse, InvMixColumns on the middle ones.
        k.dec[0] = k.enc[k.nr];
        for round in 1..k.nr {
            store(&mut k.dec[round], _mm_aesimc_si128(load(&k.enc[k.nr - round])));
        }
        k.dec[k.nr] = k.enc[0];
    }

    /// SubWord through `aesenclast` (see `expand_key`).
    #[target_feature(enable = "aes,sse2")]
    fn sub_word(word: [u8; 4]) -> [u8; 4] {
        let mut block = [0u8; 16];
        for column in block.chunks_exact_mut(4) {
            column.copy_from_slice(&word);
        }
        let mut out = [0u8; 16];
        store(&mut out, _mm_aesenclast_si128(load(&block), _mm_setzero_si128()));
        [out[0], out[1], out[2], out[3]]
    }

    #[target_feature(enable = "aes,sse2")]
    pub(super) fn encrypt_blocks(k: &Key, blocks: &mut [[u8; 16]]) {
        // The round count is public; a constant lets the compiler unroll the
        // rounds and keep all eight blocks and every round key in registers.
        match k.nr {
            10 => encrypt_blocks_nr::<10>(k, blocks),
            12 => encrypt_blocks_nr::<12>(k, blocks),
            _ => encrypt_blocks_nr::<14>(k, blocks),
        }
    }

    #[inline]
    #[target_feature(enable = "aes,sse2")]
    fn encrypt_blocks_nr<const NR: usize>(k: &Key, blocks: &mut [[u8; 16]]) {
        let rk: [__m128i; 15] = core::array::from_fn(|i| load(&k.enc[i]));
        let mut chunks = blocks.chunks_exact_mut(LANES);
        for chunk in &mut chunks {
            let mut s = [_mm_setzero_si128(); LANES];
            for (si, b) in s.iter_mut().zip(chunk.iter()) {
                *si = load(b);
            }
            encrypt8::<NR>(&rk, &mut s);
            for (si, b) in s.iter().zip(chunk.iter_mut()) {
                store(b, *si);
            }
        }
        for b in chunks.into_remainder() {
            let mut s = _mm_xor_si128(load(b), rk[0]);
            for round_key in &rk[1..NR] {
                s = _mm_aesenc_si128(s, *round_key);
            }
            store(b, _mm_aesenclast_si128(s, rk[NR]));
        }
    }

    /// FIPS 197 §5.1 on eight blocks at once: each round on all eight before
    /// the next, so the AES unit always has independent work.
    #[inline]
    #[target_feature(enable = "aes,sse2")]
    fn encrypt8<const NR: usize>(rk: &[__m128i; 15], s: &mut [__m128i; LANES]) {
        for si in s.iter_mut() {
            *si = _mm_xor_si128(*si, rk[0]);
        }
        for round_key in &rk[1..NR] {
            for si in s.iter_mut() {
                *si = _mm_aesenc_si128(*si, *round_key);
            }
        }
        for si in s.iter_mut() {
            *si = _mm_aesenclast_si128(*si, rk[NR]);
        }
    }

    /// Counter mode with the counter blocks made in registers: XORs `data`
    /// with the encryptions of `counter(0)`, `counter(1)`, ...
    #[target_feature(enable = "aes,sse2")]
    pub(super) fn ctr_xor(k: &Key, counter: impl Fn(u64) -> u128 + Copy, data: &mut [u8]) {
        // Whole groups of 16 blocks go through VAES when the CPU has it; the
        // rest (or everything, without VAES) through the 128-bit path.
        let wide_len = if vaes_is_available() {
            // SAFETY: `vaes_is_available` checked VAES and AVX2; AES-NI was
            // checked when the key was made.
            unsafe { ctr_xor_vaes(k, counter, data) }
        } else {
            0
        };
        let first = (wide_len / 16) as u64;
        let counter = move |i: u64| counter(first + i);
        let rest = &mut data[wide_len..];
        match k.nr {
            10 => ctr_xor_nr::<10>(k, counter, rest),
            12 => ctr_xor_nr::<12>(k, counter, rest),
            _ => ctr_xor_nr::<14>(k, counter, rest),
        }
    }

    /// Whether the CPU has VAES (with AVX2): `aesenc` on two blocks at once in
    /// a 256-bit register. Asked once.
    pub(crate) fn vaes_is_available() -> bool {
        static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *AVAILABLE.get_or_init(|| {
            std::arch::is_x86_feature_detected!("vaes") && std::arch::is_x86_feature_detected!("avx2")
        })
    }

    /// Blocks per pass of the VAES path: eight 256-bit registers of two.
    const WIDE_BLOCKS: usize = 16;

    /// Counter mode on VAES over the whole 16-block groups at the start of
    /// `data`; returns how many bytes it processed.
    #[target_feature(enable = "aes,avx2,vaes")]
    fn ctr_xor_vaes(k: &Key, counter: impl Fn(u64) -> u128, data: &mut [u8]) -> usize {
        match k.nr {
            10 => ctr_xor_vaes_nr::<10>(k, counter, data),
            12 => ctr_xor_vaes_nr::<12>(k, counter, data),
            _ => ctr_xor_vaes_nr::<14>(k, counter, data),
        }
    }

    #[inline]
    #[target_feature(enable = "aes,avx2,vaes")]
    fn ctr_xor_vaes_nr<const NR: usize>(k: &Key, counter: impl Fn(u64) -> u128, data: &mut [u8]) -> usize {
        // Each round key in both halves of a 256-bit register.
        let rk: [__m256i; 15] = core::array::from_fn(|i| _mm256_broadcastsi128_si256(load(&k.enc[i])));
        let mut index = 0u64;
        let wide_len = data.len() - data.len() % (16 * WIDE_BLOCKS);
        for chunk in data[..wide_len].chunks_exact_mut(16 * WIDE_BLOCKS) {
            let mut s = [_mm256_setzero_si256(); WIDE_BLOCKS / 2];
            for si in s.iter_mut() {
                *si = _mm256_set_m128i(counter_block(counter(index + 1)), counter_block(counter(index)));
                *si = _mm256_xor_si256(*si, rk[0]);
                index += 2;
            }
            for round_key in &rk[1..NR] {
                for si in s.iter_mut() {
                    *si = _mm256_aesenc_epi128(*si, *round_key);
                }
            }
            for (si, bytes) in s.iter().zip(chunk.chunks_exact_mut(32)) {
                let keystream = _mm256_aesenclast_epi128(*si, rk[NR]);
                store_wide(bytes, _mm256_xor_si256(keystream, load_wide(bytes)));
            }
        }
        wide_len
    }

    /// Loads 32 bytes.
    #[inline]
    #[target_feature(enable = "avx")]
    pub(crate) fn load_wide(bytes: &[u8]) -> __m256i {
        assert_eq!(bytes.len(), 32);
        // SAFETY: `bytes` is 32 readable bytes; `loadu` has no alignment requirement.
        unsafe { _mm256_loadu_si256(bytes.as_ptr().cast()) }
    }

    /// Stores 32 bytes.
    #[inline]
    #[target_feature(enable = "avx")]
    pub(crate) fn store_wide(bytes: &mut [u8], v: __m256i) {
        assert_eq!(bytes.len(), 32);
        // SAFETY: `bytes` is 32 writable bytes; `storeu` has no alignment requirement.
        unsafe { _mm256_storeu_si256(bytes.as_mut_ptr().cast(), v) }
    }

    #[inline]
    #[target_feature(enable = "aes,sse2")]
    fn ctr_xor_nr<const NR: usize>(k: &Key, counter: impl Fn(u64) -> u128, data: &mut [u8]) {
        let rk: [__m128i; 15] = core::array::from_fn(|i| load(&k.enc[i]));
        let mut index = 0u64;
        let mut chunks = data.chunks_exact_mut(16 * LANES);
        for chunk in &mut chunks {
            let mut s = [_mm_setzero_si128(); LANES];
            for si in s.iter_mut() {
                *si = counter_block(counter(index));
                index = index.wrapping_add(1);
            }
            encrypt8::<NR>(&rk, &mut s);
            for (si, bytes) in s.iter().zip(chunk.chunks_exact_mut(16)) {
                let bytes: &mut [u8; 16] = bytes.try_into().expect("16-byte chunk");
                store(bytes, _mm_xor_si128(*si, load(bytes)));
            }
        }
        for bytes in chunks.into_remainder().chunks_mut(16) {
            let mut s = _mm_xor_si128(counter_block(counter(index)), rk[0]);
            index = index.wrapping_add(1);
            for round_key in &rk[1..NR] {
                s = _mm_aesenc_si128(s, *round_key);
            }
            let mut keystream = [0u8; 16];
            store(&mut keystream, _mm_aesenclast_si128(s, rk[NR]));
            for (b, ks) in bytes.iter_mut().zip(keystream) {
                *b ^= ks;
            }
        }
    }

    #[target_feature(enable = "aes,sse2")]
    pub(super) fn cbc_encrypt(k: &Key, iv: &[u8; 16], blocks: &mut [[u8; 16]]) {
        let rk: [__m128i; 15] = core::array::from_fn(|i| load(&k.enc[i]));
        let mut previous = load(iv);
        for block in blocks {
            // C_j = CIPH_K(P_j xor C_{j-1})
            let mut s = _mm_xor_si128(_mm_xor_si128(load(block), previous), rk[0]);
            for round_key in &rk[1..k.nr] {
                s = _mm_aesenc_si128(s, *round_key);
            }
            previous = _mm_aesenclast_si128(s, rk[k.nr]);
            store(block, previous);
        }
    }

    /// The counter value as a big-endian block, built in a register.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(crate) fn counter_block(value: u128) -> __m128i {
        // Bytes 0..8 of the block are the high half, big-endian: as a
        // little-endian lane that is the byte-swapped high half.
        let high = ((value >> 64) as u64).swap_bytes();
        let low = (value as u64).swap_bytes();
        _mm_set_epi64x(low as i64, high as i64)
    }

    #[target_feature(enable = "aes,sse2")]
    pub(super) fn decrypt_blocks(k: &Key, blocks: &mut [[u8; 16]]) {
        let rk: [__m128i; 15] = core::array::from_fn(|i| load(&k.dec[i]));
        let mut chunks = blocks.chunks_exact_mut(LANES);
        for chunk in &mut chunks {
            let mut s: [__m128i; LANES] = [_mm_setzero_si128(); LANES];
            for (si, b) in s.iter_mut().zip(chunk.iter()) {
                *si = _mm_xor_si128(load(b), rk[0]);
            }
            for round_key in &rk[1..k.nr] {
                for si in s.iter_mut() {
                    *si = _mm_aesdec_si128(*si, *round_key);
                }
            }
            for (si, b) in s.iter().zip(chunk.iter_mut()) {
                store(b, _mm_aesdeclast_si128(*si, rk[k.nr]));
            }
        }
        for b in chunks.into_remainder() {
            let mut s = _mm_xor_si128(load(b), rk[0]);
            for round_key in &rk[1..k.nr] {
                s = _mm_aesdec_si128(s, *round_key);
            }
            store(b, _mm_aesdeclast_si128(s, rk[k.nr]));
        }
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    fn load(block: &[u8; 16]) -> __m128i {
        // SAFETY: `block` is 16 readable bytes; `loadu` has no alignment requirement.
        unsafe { _mm_loadu_si128(block.as_ptr().cast()) }
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    fn store(block: &mut [u8; 16], v: __m128i) {
        // SAFETY: `block` is 16 writable bytes; `storeu` has no alignment requirement.
        unsafe { _mm_storeu_si128(block.as_mut_ptr().cast(), v) }
    }
}
