//! SHA-1 and the SHA-2 family (FIPS 180-4), SHA-3 and SHAKE (FIPS 202), HMAC
//! (RFC 2104) and HKDF (RFC 5869).
//!
//! Everything Padlock hashes goes through this crate: certificate signatures,
//! RSA padding, the TLS transcript, the TLS 1.2 PRF and the TLS 1.3 key schedule.
//!
//! # How the crate is organised
//!
//! - [`Hash`]: the one small trait every hash function implements. HMAC, HKDF,
//!   RSA padding and TLS are generic over it.
//! - `md`: the Merkle–Damgård framing all of FIPS 180-4 shares — buffering
//!   input into blocks, then the padding of §5.1 with the message length.
//! - [`Sha1`] (`sha1.rs`), [`Sha224`] and [`Sha256`] (`sha256.rs`),
//!   [`Sha384`], [`Sha512`] and [`Sha512_256`] (`sha512.rs`): the initial hash
//!   values of §5.3, and the compression functions of §6 in portable Rust.
//! - `ni`: the SHA-NI backend for SHA-224/256, and `avx2`: the AVX2 backend for
//!   SHA-384/512 (x86-64 only). These two modules and `keccak_avx2` hold the
//!   crate's only `unsafe`. [`Backend`] says which backend a hasher uses; the
//!   fastest available one is picked at run time.
//! - `keccak`: the Keccak-f[1600] permutation, and `sha3`: the sponge on it,
//!   giving [`Sha3_224`], [`Sha3_256`], [`Sha3_384`], [`Sha3_512`] (which
//!   implement [`Hash`]) and the extendable-output [`Shake128`] and
//!   [`Shake256`] with their [`XofReader`] (FIPS 202), in portable Rust; and
//!   [`Shake128x4`] and [`Shake256x4`], four SHAKE instances on four
//!   messages at once, whose permutations run four states to a register on
//!   AVX2 (`keccak_avx2`), for ML-KEM's matrix and noise.
//! - [`hmac`]: HMAC with a constant-time tag check; [`hkdf`]: extract and expand.
//!
//! # Example
//!
//! ```
//! use padlock_sha::{Hash, Sha256};
//!
//! let one_shot = Sha256::digest(b"abc");
//!
//! let mut streaming = Sha256::new();
//! streaming.update(b"a");
//! streaming.update(b"bc");
//! assert_eq!(streaming.finalize(), one_shot);
//! assert_eq!(one_shot[..4], [0xba, 0x78, 0x16, 0xbf]);
//! ```
//!
//! # Constant time
//!
//! The compression functions only add, rotate and combine words with boolean
//! functions: no branch and no memory index depends on the data, so hashing a
//! secret (a key, a premaster secret) leaks nothing but its length.

mod avx2;
mod backend;
pub mod hkdf;
pub mod hmac;
mod keccak;
mod keccak_avx2;
mod md;
mod ni;
mod sha1;
mod sha256;
mod sha3;
mod sha512;

pub use backend::Backend;
pub use sha1::Sha1;
pub use sha3::{
    Sha3, Sha3_224, Sha3_256, Sha3_384, Sha3_512, Shake, Shake128, Shake128x4, Shake256, Shake256x4, ShakeX4,
    XofReader,
};
pub use sha256::{Sha224, Sha256};
pub use sha512::{Sha384, Sha512, Sha512_256};

/// The largest block length of any hash here (the 144-byte rate of
/// SHA3-224), in bytes.
///
/// HMAC uses it to size its key buffers without allocating.
pub const MAX_BLOCK_LEN: usize = 144;

/// The largest output length of any hash here (SHA-512), in bytes.
pub const MAX_OUTPUT_LEN: usize = 64;

/// A hash function of FIPS 180-4 or FIPS 202: streaming (`new`, `update`, `finalize`) and
/// one-shot (`digest`).
///
/// Generic code (HMAC, HKDF, RSA padding, the TLS transcript) only needs the
/// block and output lengths and these four operations.
pub trait Hash: Clone {
    /// The name FIPS 180-4 gives the function, such as `"SHA-256"`.
    const NAME: &'static str;
    /// The block length in bytes (64 or 128; a SHA-3 rate, 72 to 144): what
    /// HMAC pads its key to.
    const BLOCK_LEN: usize;
    /// The digest length in bytes.
    const OUTPUT_LEN: usize;

    /// The digest: a byte array of `OUTPUT_LEN` bytes.
    type Output: AsRef<[u8]> + AsMut<[u8]> + Copy + Eq + core::fmt::Debug;

    /// A hasher in its initial state, on the fastest backend this CPU has.
    fn new() -> Self;

    /// Absorbs `data`. Calling it on pieces gives the same digest as calling it
    /// once on their concatenation.
    fn update(&mut self, data: &[u8]);

    /// Pads the message (FIPS 180-4 §5.1) and returns the digest.
    fn finalize(self) -> Self::Output;

    /// The digest of `data` in one call.
    fn digest(data: &[u8]) -> Self::Output {
        let mut hasher = Self::new();
        hasher.update(data);
        hasher.finalize()
    }
}
