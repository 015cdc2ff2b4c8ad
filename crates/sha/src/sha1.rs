//! SHA-1 (FIPS 180-4 §6.1).
//!
//! **SHA-1 is broken for signatures**: practical chosen-prefix collisions exist
//! (SHAttered, 2017; "SHA-1 is a Shambles", 2020), so a signature over a SHA-1
//! digest proves little. It is kept for legacy formats (OAEP with SHA-1, old
//! certificates, RFC 5869's test vectors) and for teaching, as the simplest
//! member of the family. Never choose it for anything new.

use zeroize::Zeroize;

use crate::Backend;
use crate::md::{ChainingState, Compress, hasher};

hasher!(
    /// SHA-1: 160-bit digests of 64-byte blocks. Broken for signatures; see
    /// the module documentation.
    Sha1, "SHA-1", State, H0, 64, 20
);

/// FIPS 180-4 §5.3.1.
const H0: [u32; 5] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

/// FIPS 180-4 §4.2.1: one constant for each group of 20 rounds.
const K: [u32; 4] = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];

/// The chaining value H(i) of §6.1.
#[derive(Clone)]
struct State {
    h: [u32; 5],
}

impl ChainingState for State {
    type Words = [u32; 5];

    /// SHA-1 has only the portable backend.
    fn start(h: [u32; 5], backend: Backend) -> Option<Self> {
        (backend == Backend::Portable).then_some(State { h })
    }

    fn backend(&self) -> Backend {
        Backend::Portable
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
        compress_portable(&mut self.h, blocks);
    }
}

impl Drop for State {
    fn drop(&mut self) {
        self.h.zeroize();
    }
}

/// FIPS 180-4 §4.1.1: the function f_t, which changes every 20 rounds.
/// The round number is public, so branching on it leaks nothing.
fn f(t: usize, x: u32, y: u32, z: u32) -> u32 {
    match t {
        0..20 => (x & y) ^ (!x & z),           // Ch
        40..60 => (x & y) ^ (x & z) ^ (y & z), // Maj
        _ => x ^ y ^ z,                        // Parity
    }
}

/// FIPS 180-4 §6.1.2, the SHA-1 hash computation, on each 64-byte block.
fn compress_portable(h: &mut [u32; 5], blocks: &[u8]) {
    debug_assert_eq!(blocks.len() % 64, 0);
    for block in blocks.chunks_exact(64) {
        // Step 1: the message schedule W_0 .. W_79.
        let mut w = [0u32; 80];
        for (t, word) in block.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }

        // Step 2.
        let [mut a, mut b, mut c, mut d, mut e] = *h;

        // Step 3: 80 rounds.
        for (t, &wt) in w.iter().enumerate() {
            let temp = a
                .rotate_left(5)
                .wrapping_add(f(t, b, c, d))
                .wrapping_add(e)
                .wrapping_add(K[t / 20])
                .wrapping_add(wt);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }

        // Step 4.
        for (hi, v) in h.iter_mut().zip([a, b, c, d, e]) {
            *hi = hi.wrapping_add(v);
        }
    }
}
