//! SHA-384, SHA-512 and SHA-512/256 (FIPS 180-4 §6.4, §6.5 and §6.7).
//!
//! All three run the same compression function on 64-bit words and 128-byte
//! blocks; they differ in their initial hash values and in how many bits of the
//! final value they keep. SHA-512/256 is SHA-512 truncated to 256 bits with its
//! own initial values (§5.3.6), which makes it immune to length extension and,
//! on 64-bit CPUs without SHA-NI, faster than SHA-256.

use zeroize::Zeroize;

use crate::Backend;
use crate::md::{ChainingState, Compress, hasher};

/// FIPS 180-4 §5.3.5: the first 64 bits of the fractional parts of the square
/// roots of the first eight primes.
const H0_512: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

/// FIPS 180-4 §5.3.4: the first 64 bits of the fractional parts of the square
/// roots of the 9th to 16th primes.
const H0_384: [u64; 8] = [
    0xcbbb9d5dc1059ed8,
    0x629a292a367cd507,
    0x9159015a3070dd17,
    0x152fecd8f70e5939,
    0x67332667ffc00b31,
    0x8eb44a8768581511,
    0xdb0c2e0d64f98fa7,
    0x47b5481dbefa4fa4,
];

/// FIPS 180-4 §5.3.6.2: produced by the SHA-512/t IV generation function
/// (SHA-512 with its initial values XORed with 0xa5a5..a5, applied to the
/// string "SHA-512/256").
const H0_512_256: [u64; 8] = [
    0x22312194fc2bf72c,
    0x9f555fa3c84c64c2,
    0x2393b86b6f53b151,
    0x963877195940eabd,
    0x96283ee2a88effe3,
    0xbe5e1e2553863992,
    0x2b0199fc2c85b8aa,
    0x0eb72ddc81c52ca2,
];

/// FIPS 180-4 §4.2.3: the first 64 bits of the fractional parts of the cube
/// roots of the first 80 primes.
pub(crate) const K: [u64; 80] = [
    0x428a2f98d728ae22,
    0x7137449123ef65cd,
    0xb5c0fbcfec4d3b2f,
    0xe9b5dba58189dbbc,
    0x3956c25bf348b538,
    0x59f111f1b605d019,
    0x923f82a4af194f9b,
    0xab1c5ed5da6d8118,
    0xd807aa98a3030242,
    0x12835b0145706fbe,
    0x243185be4ee4b28c,
    0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f,
    0x80deb1fe3b1696b1,
    0x9bdc06a725c71235,
    0xc19bf174cf692694,
    0xe49b69c19ef14ad2,
    0xefbe4786384f25e3,
    0x0fc19dc68b8cd5b5,
    0x240ca1cc77ac9c65,
    0x2de92c6f592b0275,
    0x4a7484aa6ea6e483,
    0x5cb0a9dcbd41fbd4,
    0x76f988da831153b5,
    0x983e5152ee66dfab,
    0xa831c66d2db43210,
    0xb00327c898fb213f,
    0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2,
    0xd5a79147930aa725,
    0x06ca6351e003826f,
    0x142929670a0e6e70,
    0x27b70a8546d22ffc,
    0x2e1b21385c26c926,
    0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df,
    0x650a73548baf63de,
    0x766a0abb3c77b2a8,
    0x81c2c92e47edaee6,
    0x92722c851482353b,
    0xa2bfe8a14cf10364,
    0xa81a664bbc423001,
    0xc24b8b70d0f89791,
    0xc76c51a30654be30,
    0xd192e819d6ef5218,
    0xd69906245565a910,
    0xf40e35855771202a,
    0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8,
    0x1e376c085141ab53,
    0x2748774cdf8eeb99,
    0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63,
    0x4ed8aa4ae3418acb,
    0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc,
    0x78a5636f43172f60,
    0x84c87814a1f0ab72,
    0x8cc702081a6439ec,
    0x90befffa23631e28,
    0xa4506cebde82bde9,
    0xbef9a3f7b2c67915,
    0xc67178f2e372532b,
    0xca273eceea26619c,
    0xd186b8c721c0c207,
    0xeada7dd6cde0eb1e,
    0xf57d4f7fee6ed178,
    0x06f067aa72176fba,
    0x0a637dc5a2c898a6,
    0x113f9804bef90dae,
    0x1b710b35131c471b,
    0x28db77f523047d84,
    0x32caab7b40c72493,
    0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6,
    0x597f299cfc657e2a,
    0x5fcb6fab3ad6faec,
    0x6c44198c4a475817,
];

hasher!(
    /// SHA-512: 512-bit digests of 128-byte blocks.
    Sha512, "SHA-512", State, H0_512, 128, 64
);
hasher!(
    /// SHA-384: SHA-512 with other initial values, truncated to 384 bits (§6.5).
    Sha384, "SHA-384", State, H0_384, 128, 48
);
hasher!(
    /// SHA-512/256: SHA-512 with other initial values, truncated to 256 bits (§6.7).
    Sha512_256, "SHA-512/256", State, H0_512_256, 128, 32
);

/// The chaining value H(i) of §6.4 and the backend that updates it.
#[derive(Clone)]
struct State {
    h: [u64; 8],
    backend: Backend,
}

impl ChainingState for State {
    type Words = [u64; 8];

    /// The SHA-512 family runs on the portable and AVX2 backends.
    fn start(h: [u64; 8], backend: Backend) -> Option<Self> {
        let supported = matches!(backend, Backend::Portable | Backend::Avx2);
        (supported && backend.is_available()).then_some(State { h, backend })
    }

    fn backend(&self) -> Backend {
        self.backend
    }

    fn write_be(&self, out: &mut [u8]) {
        let mut all = [0u8; 64];
        for (bytes, word) in all.chunks_exact_mut(8).zip(self.h) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        out.copy_from_slice(&all[..out.len()]);
        all.zeroize();
    }
}

impl Compress for State {
    const BLOCK_LEN: usize = 128;
    const LENGTH_LEN: usize = 16;

    fn compress(&mut self, blocks: &[u8]) {
        match self.backend {
            Backend::Avx2 => crate::avx2::sha512_compress(&mut self.h, blocks),
            // `start` admits no other backend.
            _ => compress_portable(&mut self.h, blocks),
        }
    }
}

impl Drop for State {
    fn drop(&mut self) {
        self.h.zeroize();
    }
}

// FIPS 180-4 §4.1.3: the functions on 64-bit words.

/// `Ch(x, y, z) = (x ∧ y) ⊕ (¬x ∧ z)`: each bit of x chooses y or z. Computed
/// as `z ⊕ (x ∧ (y ⊕ z))`, the same function in three operations instead of four.
fn ch(x: u64, y: u64, z: u64) -> u64 {
    z ^ (x & (y ^ z))
}

/// `Maj(x, y, z) = (x ∧ y) ⊕ (x ∧ z) ⊕ (y ∧ z)`: the majority of each bit.
/// Computed as `(x ∧ y) ∨ (z ∧ (x ∨ y))`, the same function in four operations.
fn maj(x: u64, y: u64, z: u64) -> u64 {
    (x & y) | (z & (x | y))
}

fn big_sigma0(x: u64) -> u64 {
    x.rotate_right(28) ^ x.rotate_right(34) ^ x.rotate_right(39)
}

fn big_sigma1(x: u64) -> u64 {
    x.rotate_right(14) ^ x.rotate_right(18) ^ x.rotate_right(41)
}

fn small_sigma0(x: u64) -> u64 {
    x.rotate_right(1) ^ x.rotate_right(8) ^ (x >> 7)
}

fn small_sigma1(x: u64) -> u64 {
    x.rotate_right(19) ^ x.rotate_right(61) ^ (x >> 6)
}

/// One round of §6.4.2 step 3, given `K_t + W_t`; the same as SHA-256's
/// round on 64-bit words (see `sha256::round` for how the roles rotate).
#[inline(always)]
#[allow(clippy::too_many_arguments, reason = "the eight working variables of the standard")]
pub(crate) fn round(a: u64, b: u64, c: u64, d: &mut u64, e: u64, f: u64, g: u64, h: &mut u64, k_plus_w: u64) {
    let t1 = h.wrapping_add(big_sigma1(e)).wrapping_add(ch(e, f, g)).wrapping_add(k_plus_w);
    let t2 = big_sigma0(a).wrapping_add(maj(a, b, c));
    *d = d.wrapping_add(t1);
    *h = t1.wrapping_add(t2);
}

/// FIPS 180-4 §6.4.2, the SHA-512 hash computation, on each 128-byte block.
fn compress_portable(state: &mut [u64; 8], blocks: &[u8]) {
    debug_assert_eq!(blocks.len() % 128, 0);
    for block in blocks.chunks_exact(128) {
        // Step 1: the message schedule W_0 .. W_79.
        let mut w = [0u64; 80];
        for (t, word) in block.chunks_exact(8).enumerate() {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(word);
            w[t] = u64::from_be_bytes(bytes);
        }
        for t in 16..80 {
            w[t] = small_sigma1(w[t - 2])
                .wrapping_add(w[t - 7])
                .wrapping_add(small_sigma0(w[t - 15]))
                .wrapping_add(w[t - 16]);
        }

        // Step 2.
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;

        // Step 3: 80 rounds, eight at a time, rotating the variables' roles.
        let kw = |t: usize| K[t].wrapping_add(w[t]);
        for t in (0..80).step_by(8) {
            round(a, b, c, &mut d, e, f, g, &mut h, kw(t));
            round(h, a, b, &mut c, d, e, f, &mut g, kw(t + 1));
            round(g, h, a, &mut b, c, d, e, &mut f, kw(t + 2));
            round(f, g, h, &mut a, b, c, d, &mut e, kw(t + 3));
            round(e, f, g, &mut h, a, b, c, &mut d, kw(t + 4));
            round(d, e, f, &mut g, h, a, b, &mut c, kw(t + 5));
            round(c, d, e, &mut f, g, h, a, &mut b, kw(t + 6));
            round(b, c, d, &mut e, f, g, h, &mut a, kw(t + 7));
        }

        // Step 4.
        for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *s = s.wrapping_add(v);
        }
    }
}
