//! SHA-224 and SHA-256 (FIPS 180-4 §6.2 and §6.3).
//!
//! Both run the same compression function on 32-bit words; SHA-224 starts from
//! different initial hash values and keeps only the first 224 bits.

use zeroize::Zeroize;

use crate::Backend;
use crate::md::{ChainingState, Compress, hasher};

hasher!(
    /// SHA-256: 256-bit digests of 64-byte blocks.
    Sha256, "SHA-256", State, H0_256, 64, 32
);
hasher!(
    /// SHA-224: SHA-256 with other initial values, truncated to 224 bits (§6.3).
    Sha224, "SHA-224", State, H0_224, 64, 28
);

/// FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square
/// roots of the first eight primes.
const H0_256: [u32; 8] =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// FIPS 180-4 §5.3.2: the second 32 bits of the fractional parts of the square
/// roots of the 9th to 16th primes.
const H0_224: [u32; 8] =
    [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];

/// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube
/// roots of the first 64 primes.
pub(crate) const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// The chaining value H(i) of §6.2 and the backend that updates it.
#[derive(Clone)]
struct State {
    h: [u32; 8],
    backend: Backend,
}

impl ChainingState for State {
    type Words = [u32; 8];

    /// SHA-224 and SHA-256 run on the portable and SHA-NI backends.
    fn start(h: [u32; 8], backend: Backend) -> Option<Self> {
        let supported = matches!(backend, Backend::Portable | Backend::ShaNi);
        (supported && backend.is_available()).then_some(State { h, backend })
    }

    fn backend(&self) -> Backend {
        self.backend
    }

    fn write_be(&self, out: &mut [u8]) {
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.h) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }
}

impl Compress for State {
    const BLOCK_LEN: usize = 64;
    const LENGTH_LEN: usize = 8;

    fn compress(&mut self, blocks: &[u8]) {
        match self.backend {
            Backend::ShaNi => crate::ni::sha256_compress(&mut self.h, blocks),
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

// FIPS 180-4 §4.1.2: the functions on 32-bit words.

/// `Ch(x, y, z) = (x ∧ y) ⊕ (¬x ∧ z)`: each bit of x chooses y or z. Computed
/// as `z ⊕ (x ∧ (y ⊕ z))`, the same function in three operations instead of four.
fn ch(x: u32, y: u32, z: u32) -> u32 {
    z ^ (x & (y ^ z))
}

/// `Maj(x, y, z) = (x ∧ y) ⊕ (x ∧ z) ⊕ (y ∧ z)`: the majority of each bit.
/// Computed as `(x ∧ y) ∨ (z ∧ (x ∨ y))`, the same function in four operations.
fn maj(x: u32, y: u32, z: u32) -> u32 {
    (x & y) | (z & (x | y))
}

fn big_sigma0(x: u32) -> u32 {
    x.rotate_right(2) ^ x.rotate_right(13) ^ x.rotate_right(22)
}

fn big_sigma1(x: u32) -> u32 {
    x.rotate_right(6) ^ x.rotate_right(11) ^ x.rotate_right(25)
}

fn small_sigma0(x: u32) -> u32 {
    x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
}

fn small_sigma1(x: u32) -> u32 {
    x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
}

/// One round of §6.2.2 step 3, given `K_t + W_t`:
///
/// ```text
/// T1 = h + Σ1(e) + Ch(e, f, g) + K_t + W_t
/// T2 = Σ0(a) + Maj(a, b, c)
/// h, g, f, e, d, c, b, a  =  g, f, e, d + T1, c, b, a, T1 + T2
/// ```
///
/// The shifts along are left to the caller (see `compress_portable`): this
/// only writes the two values that are new, `d + T1` into `d` (which becomes
/// the next `e`) and `T1 + T2` into `h` (which becomes the next `a`).
#[inline(always)]
#[allow(clippy::too_many_arguments, reason = "the eight working variables of the standard")]
fn round(a: u32, b: u32, c: u32, d: &mut u32, e: u32, f: u32, g: u32, h: &mut u32, k_plus_w: u32) {
    let t1 = h.wrapping_add(big_sigma1(e)).wrapping_add(ch(e, f, g)).wrapping_add(k_plus_w);
    let t2 = big_sigma0(a).wrapping_add(maj(a, b, c));
    *d = d.wrapping_add(t1);
    *h = t1.wrapping_add(t2);
}

/// FIPS 180-4 §6.2.2, the SHA-256 hash computation, on each 64-byte block.
pub(crate) fn compress_portable(state: &mut [u32; 8], blocks: &[u8]) {
    debug_assert_eq!(blocks.len() % 64, 0);
    for block in blocks.chunks_exact(64) {
        // Step 1: the message schedule W_0 .. W_63.
        let mut w = [0u32; 64];
        for (t, word) in block.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..64 {
            w[t] = small_sigma1(w[t - 2])
                .wrapping_add(w[t - 7])
                .wrapping_add(small_sigma0(w[t - 15]))
                .wrapping_add(w[t - 16]);
        }

        // Step 2: the eight working variables start as the previous hash value.
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;

        // Step 3: 64 rounds, eight at a time. Instead of moving every variable
        // one place along after each round (h = g, g = f, ...), the calls
        // rotate which variable plays which role; after eight rounds the roles
        // are back where they started.
        let kw = |t: usize| K[t].wrapping_add(w[t]);
        for t in (0..64).step_by(8) {
            round(a, b, c, &mut d, e, f, g, &mut h, kw(t));
            round(h, a, b, &mut c, d, e, f, &mut g, kw(t + 1));
            round(g, h, a, &mut b, c, d, e, &mut f, kw(t + 2));
            round(f, g, h, &mut a, b, c, d, &mut e, kw(t + 3));
            round(e, f, g, &mut h, a, b, c, &mut d, kw(t + 4));
            round(d, e, f, &mut g, h, a, b, &mut c, kw(t + 5));
            round(c, d, e, &mut f, g, h, a, &mut b, kw(t + 6));
            round(b, c, d, &mut e, f, g, h, &mut a, kw(t + 7));
        }

        // Step 4: the intermediate hash value H(i).
        for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *s = s.wrapping_add(v);
        }
    }
}
