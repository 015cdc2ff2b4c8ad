//! SHA-3 and SHAKE (FIPS 202): the sponge construction on Keccak-f[1600].
//!
//! Constant time: yes, because absorbing and squeezing only XOR and copy bytes
//! at positions fixed by the input's length, and Keccak-f[1600] is constant
//! time (see `keccak`). Hashing a secret leaks its length only.
//!
//! # The sponge (FIPS 202 §4)
//!
//! The 1600-bit state is split into the *rate* r, the part input is XORed
//! into and output read from, and the *capacity* c = 1600 - r, never touched
//! directly, which carries the security (c/2 bits). To hash:
//!
//! 1. pad the message so that it fills whole r-bit blocks (pad10*1, §5.1);
//! 2. absorb: XOR each block into the first r bits, then apply Keccak-f;
//! 3. squeeze: read r bits of output, apply Keccak-f, read again, as long as
//!    output is wanted.
//!
//! The functions differ only in the capacity and in a few "domain" bits
//! appended to the message before padding (§6): `01` for the SHA3 hashes,
//! `1111` for the SHAKE extendable-output functions. So SHA3-256 and
//! SHAKE256 never give related outputs for the same message.
//!
//! | function | capacity c | rate r (bytes) | domain bits | output   |
//! |----------|-----------:|---------------:|-------------|----------|
//! | SHA3-224 |        448 |            144 | `01`        | 28 bytes |
//! | SHA3-256 |        512 |            136 | `01`        | 32 bytes |
//! | SHA3-384 |        768 |            104 | `01`        | 48 bytes |
//! | SHA3-512 |       1024 |             72 | `01`        | 64 bytes |
//! | SHAKE128 |        256 |            168 | `1111`      | any      |
//! | SHAKE256 |        512 |            136 | `1111`      | any      |
//!
//! This code works on whole bytes, as every caller here does. FIPS 202
//! Appendix B.2 gives the byte forms of the domain bits and the padding:
//! the first padding byte is `0x06` for SHA-3 and `0x1f` for SHAKE, and the
//! last byte of the block has its top bit (`0x80`) set.

use zeroize::Zeroize;

use crate::Hash;
use crate::keccak::keccak_f1600;

/// FIPS 202 §6.1 and Appendix B.2: the SHA-3 domain bits `01` and the first
/// bit of pad10*1, as one byte.
const SHA3_DOMAIN: u8 = 0x06;

/// FIPS 202 §6.2 and Appendix B.2: the SHAKE domain bits `1111` and the first
/// bit of pad10*1, as one byte.
const SHAKE_DOMAIN: u8 = 0x1f;

/// The sponge state of FIPS 202 §4 on Keccak-f[1600], with a rate of `rate`
/// bytes, fed and read one byte position at a time.
#[derive(Clone)]
struct Sponge {
    /// The 25 lanes; byte `i` of the state is byte `i % 8` (little-endian)
    /// of lane `i / 8` (FIPS 202 §3.1.2 and Appendix B.1).
    state: [u64; 25],
    /// r / 8: the number of state bytes input goes into and output comes from.
    rate: usize,
    /// While absorbing: how many bytes of the current block were absorbed.
    /// While squeezing: how many bytes of the current block were read.
    position: usize,
}

impl Sponge {
    fn new(rate: usize) -> Sponge {
        debug_assert!(rate.is_multiple_of(8) && rate < 200);
        Sponge { state: [0; 25], rate, position: 0 }
    }

    /// FIPS 202 Algorithm 8 steps 5-6, incrementally: XOR input into the rate
    /// and apply Keccak-f each time a block is full.
    fn absorb(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.position == 0 && data.len() >= self.rate {
                // A whole block: XOR it in eight bytes (a lane) at a time.
                let (block, rest) = data.split_at(self.rate);
                for (lane, bytes) in self.state.iter_mut().zip(block.chunks_exact(8)) {
                    let mut word = [0u8; 8];
                    word.copy_from_slice(bytes);
                    *lane ^= u64::from_le_bytes(word);
                }
                keccak_f1600(&mut self.state);
                data = rest;
                continue;
            }
            let take = (self.rate - self.position).min(data.len());
            for (i, &byte) in data[..take].iter().enumerate() {
                self.xor_byte(self.position + i, byte);
            }
            self.position += take;
            data = &data[take..];
            if self.position == self.rate {
                keccak_f1600(&mut self.state);
                self.position = 0;
            }
        }
    }

    /// Ends absorbing: the domain bits and pad10*1 (FIPS 202 §5.1) complete
    /// the last block, which is absorbed. Squeezing starts at the first byte.
    fn pad(&mut self, domain: u8) {
        // If only one byte is left in the block, both ends of the padding
        // fall into it (0x06 ^ 0x80 = 0x86): XOR handles that.
        self.xor_byte(self.position, domain);
        self.xor_byte(self.rate - 1, 0x80);
        keccak_f1600(&mut self.state);
        self.position = 0;
    }

    /// FIPS 202 Algorithm 8 steps 7-10, incrementally: read output bytes from
    /// the rate, applying Keccak-f whenever a block has been read out.
    fn squeeze(&mut self, out: &mut [u8]) {
        let mut out = out;
        while !out.is_empty() {
            if self.position == self.rate {
                keccak_f1600(&mut self.state);
                self.position = 0;
            }
            let take = (self.rate - self.position).min(out.len());
            let (now, rest) = out.split_at_mut(take);
            if self.position.is_multiple_of(8) {
                // Lane-aligned: whole lanes at once, then any bytes left.
                let first_lane = self.position / 8;
                let mut lanes = now.chunks_exact_mut(8);
                for (bytes, lane) in (&mut lanes).zip(&self.state[first_lane..]) {
                    bytes.copy_from_slice(&lane.to_le_bytes());
                }
                let done = take - lanes.into_remainder().len();
                for (i, byte) in now[done..].iter_mut().enumerate() {
                    *byte = self.byte(self.position + done + i);
                }
            } else {
                for (i, byte) in now.iter_mut().enumerate() {
                    *byte = self.byte(self.position + i);
                }
            }
            self.position += take;
            out = rest;
        }
    }

    fn xor_byte(&mut self, i: usize, byte: u8) {
        self.state[i / 8] ^= u64::from(byte) << (8 * (i % 8));
    }

    fn byte(&self, i: usize) -> u8 {
        (self.state[i / 8] >> (8 * (i % 8))) as u8
    }
}

impl Drop for Sponge {
    /// The state holds what was absorbed (a key, a seed), mixed but
    /// invertible: Keccak-f is a permutation. Wipe it.
    fn drop(&mut self) {
        self.state.zeroize();
    }
}

/// SHA3-224, SHA3-256, SHA3-384 or SHA3-512 (FIPS 202 §6.1), by digest
/// length in bytes. Use the aliases [`Sha3_224`], [`Sha3_256`], [`Sha3_384`],
/// [`Sha3_512`]; the [`Hash`] trait gives `new`, `update`, `finalize` and
/// `digest`, so HMAC and HKDF work over SHA-3 as over SHA-2.
#[derive(Clone)]
pub struct Sha3<const OUTPUT_LEN: usize> {
    sponge: Sponge,
}

/// SHA3-224: `KECCAK[448](M || 01, 224)`.
pub type Sha3_224 = Sha3<28>;
/// SHA3-256: `KECCAK[512](M || 01, 256)`. ML-KEM's hash `H` (FIPS 203 §4.1).
pub type Sha3_256 = Sha3<32>;
/// SHA3-384: `KECCAK[768](M || 01, 384)`.
pub type Sha3_384 = Sha3<48>;
/// SHA3-512: `KECCAK[1024](M || 01, 512)`. ML-KEM's hash `G` (FIPS 203 §4.1).
pub type Sha3_512 = Sha3<64>;

impl<const OUTPUT_LEN: usize> Hash for Sha3<OUTPUT_LEN> {
    const NAME: &'static str = match OUTPUT_LEN {
        28 => "SHA3-224",
        32 => "SHA3-256",
        48 => "SHA3-384",
        64 => "SHA3-512",
        _ => panic!("FIPS 202 defines SHA-3 with 224, 256, 384 or 512-bit digests"),
    };
    /// The rate: FIPS 202 §6.1 sets the capacity to twice the digest length,
    /// so r = 1600 - 2d bits, 200 - 2 * OUTPUT_LEN bytes. HMAC pads its key
    /// to this length (as NIST's HMAC-SHA3 examples do).
    const BLOCK_LEN: usize = 200 - 2 * OUTPUT_LEN;
    const OUTPUT_LEN: usize = OUTPUT_LEN;
    type Output = [u8; OUTPUT_LEN];

    fn new() -> Self {
        // Evaluating NAME refuses, at compile time, a length FIPS 202 lacks.
        let _ = Self::NAME;
        Sha3 { sponge: Sponge::new(Self::BLOCK_LEN) }
    }

    fn update(&mut self, data: &[u8]) {
        self.sponge.absorb(data);
    }

    fn finalize(mut self) -> Self::Output {
        self.sponge.pad(SHA3_DOMAIN);
        let mut out = [0; OUTPUT_LEN];
        self.sponge.squeeze(&mut out);
        out
    }
}

/// SHAKE128 or SHAKE256 (FIPS 202 §6.2), by rate in bytes: the
/// extendable-output functions, whose output is as long as asked for. Use the
/// aliases [`Shake128`] and [`Shake256`].
///
/// ```
/// use padlock_sha::Shake128;
///
/// let mut shake = Shake128::new();
/// shake.update(b"ab");
/// shake.update(b"c");
/// let mut reader = shake.finalize_xof();
/// let (mut first, mut next) = ([0u8; 10], [0u8; 22]);
/// reader.read(&mut first);
/// reader.read(&mut next);
///
/// let mut at_once = [0u8; 32];
/// Shake128::digest_xof(b"abc", &mut at_once);
/// assert_eq!([&first[..], &next[..]].concat(), at_once);
/// ```
#[derive(Clone)]
pub struct Shake<const RATE: usize> {
    sponge: Sponge,
}

/// SHAKE128: `KECCAK[256](M || 1111, d)`, 128-bit security. ML-KEM's XOF
/// (FIPS 203 §4.1), which expands the matrix A.
pub type Shake128 = Shake<168>;
/// SHAKE256: `KECCAK[512](M || 1111, d)`, 256-bit security. ML-KEM's PRF and
/// its hash `J` (FIPS 203 §4.1).
pub type Shake256 = Shake<136>;

impl<const RATE: usize> Shake<RATE> {
    /// The name FIPS 202 gives the function: `"SHAKE128"` or `"SHAKE256"`.
    pub const NAME: &'static str = match RATE {
        168 => "SHAKE128",
        136 => "SHAKE256",
        _ => panic!("FIPS 202 defines SHAKE with rates of 168 or 136 bytes"),
    };

    /// A SHAKE instance that has absorbed nothing.
    pub fn new() -> Self {
        let _ = Self::NAME;
        Shake { sponge: Sponge::new(RATE) }
    }

    /// Absorbs `data`. Calling it on pieces absorbs their concatenation.
    pub fn update(&mut self, data: &[u8]) {
        self.sponge.absorb(data);
    }

    /// Ends the input and returns a reader of the output stream.
    pub fn finalize_xof(mut self) -> XofReader {
        self.sponge.pad(SHAKE_DOMAIN);
        XofReader { sponge: self.sponge }
    }

    /// The first `out.len()` bytes of the output on `data`, in one call.
    pub fn digest_xof(data: &[u8], out: &mut [u8]) {
        let mut shake = Self::new();
        shake.update(data);
        shake.finalize_xof().read(out);
    }
}

impl<const RATE: usize> Default for Shake<RATE> {
    fn default() -> Self {
        Self::new()
    }
}

/// The output of a SHAKE function, read in pieces of any size: reading `a`
/// bytes then `b` bytes gives the same bytes as reading `a + b` at once.
pub struct XofReader {
    sponge: Sponge,
}

impl XofReader {
    /// Fills `out` with the next `out.len()` bytes of output.
    pub fn read(&mut self, out: &mut [u8]) {
        self.sponge.squeeze(out);
    }

    /// The number of bytes a block holds (168 for SHAKE128, 136 for
    /// SHAKE256): reading whole blocks costs one permutation per block.
    pub fn block_len(&self) -> usize {
        self.sponge.rate
    }
}

/// Four SHAKE instances side by side, on four messages of one length: the
/// same outputs as four [`Shake`]s, with the permutations run four at a time
/// (`keccak::keccak_f1600_x4`: on AVX2, one register holds a lane of all
/// four states). For callers that need several independent outputs at once,
/// as ML-KEM does for its matrix (SHAKE128 on `ρ ‖ j ‖ i`) and its noise
/// (SHAKE256 on `σ ‖ N`). Output comes a block (the rate) at a time.
///
/// ```
/// use padlock_sha::{Shake128, Shake128x4};
///
/// let messages: [&[u8]; 4] = [b"one", b"two", b"six", b"ten"];
/// let mut four = Shake128x4::new(messages);
/// let blocks = four.squeeze_blocks();
/// for (message, block) in messages.iter().zip(&blocks) {
///     let mut one = [0u8; 168];
///     Shake128::digest_xof(message, &mut one);
///     assert_eq!(&one, block);
/// }
/// ```
pub struct ShakeX4<const RATE: usize> {
    /// Lane `i` of instance `s` at `lanes[i][s]`, each state as `Sponge`'s.
    lanes: [[u64; 4]; 25],
    /// Whether the current block has been read out (the next read permutes).
    read: bool,
}

/// Four SHAKE128 instances at once.
pub type Shake128x4 = ShakeX4<168>;
/// Four SHAKE256 instances at once.
pub type Shake256x4 = ShakeX4<136>;

impl<const RATE: usize> ShakeX4<RATE> {
    /// Absorbs `messages[s]` into instance `s` and ends the input (the
    /// SHAKE domain bits and pad10*1, FIPS 202 §5.1 and §6.2). Panics if
    /// the messages' lengths differ: the instances absorb in step.
    pub fn new(messages: [&[u8]; 4]) -> Self {
        let _ = Shake::<RATE>::NAME;
        let len = messages[0].len();
        assert!(messages.iter().all(|m| m.len() == len), "the four messages must have one length");
        let mut four = ShakeX4 { lanes: [[0; 4]; 25], read: false };
        let mut at = 0;
        // Whole blocks, each followed by the permutation.
        while len - at >= RATE {
            for (s, message) in messages.iter().enumerate() {
                four.xor_bytes(s, 0, &message[at..at + RATE]);
            }
            crate::keccak::keccak_f1600_x4(&mut four.lanes);
            at += RATE;
        }
        // The last, partial block and the padding.
        for (s, message) in messages.iter().enumerate() {
            four.xor_bytes(s, 0, &message[at..]);
            four.xor_bytes(s, len - at, &[SHAKE_DOMAIN]);
            four.xor_bytes(s, RATE - 1, &[0x80]);
        }
        crate::keccak::keccak_f1600_x4(&mut four.lanes);
        four
    }

    /// The next `RATE` bytes of each of the four outputs.
    pub fn squeeze_blocks(&mut self) -> [[u8; RATE]; 4] {
        if self.read {
            crate::keccak::keccak_f1600_x4(&mut self.lanes);
        }
        self.read = true;
        let mut blocks = [[0u8; RATE]; 4];
        for (s, block) in blocks.iter_mut().enumerate() {
            for (bytes, lane) in block.chunks_exact_mut(8).zip(&self.lanes) {
                bytes.copy_from_slice(&lane[s].to_le_bytes());
            }
        }
        blocks
    }

    /// XORs `bytes` into instance `s`'s state from byte `at` on.
    fn xor_bytes(&mut self, s: usize, at: usize, bytes: &[u8]) {
        for (i, &byte) in bytes.iter().enumerate() {
            self.lanes[(at + i) / 8][s] ^= u64::from(byte) << (8 * ((at + i) % 8));
        }
    }
}

impl<const RATE: usize> Drop for ShakeX4<RATE> {
    /// As for `Sponge`: the states hold what was absorbed (ML-KEM's σ).
    fn drop(&mut self) {
        self.lanes.zeroize();
    }
}
