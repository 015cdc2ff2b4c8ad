//! HMAC: keyed-hash message authentication (RFC 2104, FIPS 198-1).
//!
//! ```text
//! HMAC(K, m) = H((K0 ⊕ opad) ‖ H((K0 ⊕ ipad) ‖ m))
//! ```
//!
//! where `K0` is the key padded with zeros to the hash's block length (or, if
//! longer than a block, first hashed), `ipad` is the byte 0x36 repeated and
//! `opad` the byte 0x5c repeated.
//!
//! Checking a received tag must take the same time wherever the first wrong
//! byte is, or an attacker can find a valid tag byte by byte: use
//! [`Hmac::verify`], which compares in constant time.

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::{Hash, MAX_BLOCK_LEN};

/// A tag did not match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyError;

impl core::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("authentication tag mismatch")
    }
}

impl std::error::Error for VerifyError {}

/// A streaming HMAC computation over the hash `H`.
///
/// Cloning copies the keyed state: TLS uses this to MAC many messages under
/// one key without rehashing the key each time.
#[derive(Clone)]
pub struct Hmac<H: Hash> {
    /// The inner hash, already fed `K0 ⊕ ipad`.
    inner: H,
    /// The outer hash, already fed `K0 ⊕ opad`.
    outer: H,
}

impl<H: Hash> Hmac<H> {
    /// Starts an HMAC under `key`, of any length (RFC 2104 §2).
    pub fn new(key: &[u8]) -> Self {
        // FIPS 198-1 §4 steps 1-3: K0 is the key, or its hash if it is longer
        // than a block, padded with zeros to the block length.
        let mut k0 = [0u8; MAX_BLOCK_LEN];
        if key.len() > H::BLOCK_LEN {
            let mut hashed = H::digest(key);
            k0[..H::OUTPUT_LEN].copy_from_slice(hashed.as_ref());
            hashed.as_mut().zeroize();
        } else {
            k0[..key.len()].copy_from_slice(key);
        }
        let k0 = &mut k0[..H::BLOCK_LEN];

        // Steps 4-5: K0 ⊕ ipad starts the inner hash.
        k0.iter_mut().for_each(|b| *b ^= 0x36);
        let mut inner = H::new();
        inner.update(k0);

        // Step 7: K0 ⊕ opad starts the outer hash (0x36 ⊕ 0x5c flips ipad to opad).
        k0.iter_mut().for_each(|b| *b ^= 0x36 ^ 0x5c);
        let mut outer = H::new();
        outer.update(k0);

        k0.zeroize();
        Hmac { inner, outer }
    }

    /// Absorbs message bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    /// Steps 6, 8 and 9: the tag, `H::OUTPUT_LEN` bytes.
    pub fn finalize(self) -> H::Output {
        let Hmac { inner, mut outer } = self;
        let inner_digest = inner.finalize();
        outer.update(inner_digest.as_ref());
        outer.finalize()
    }

    /// Checks a received tag, `H::OUTPUT_LEN` bytes long, in constant time.
    pub fn verify(self, tag: &[u8]) -> Result<(), VerifyError> {
        if tag.len() != H::OUTPUT_LEN {
            return Err(VerifyError);
        }
        self.verify_truncated(tag)
    }

    /// Checks a truncated tag (RFC 2104 §5) in constant time: `tag` is
    /// compared with the leftmost `tag.len()` bytes of the computed tag.
    ///
    /// Tags shorter than 80 bits (10 bytes), RFC 2104's floor, are refused.
    /// The RFC also recommends keeping at least half the hash output; that is
    /// the caller's choice of protocol. Only the tag's length, which is
    /// public, affects the timing.
    pub fn verify_truncated(self, tag: &[u8]) -> Result<(), VerifyError> {
        if tag.len() < 10 || tag.len() > H::OUTPUT_LEN {
            return Err(VerifyError);
        }
        let computed = self.finalize();
        if bool::from(computed.as_ref()[..tag.len()].ct_eq(tag)) { Ok(()) } else { Err(VerifyError) }
    }
}

/// HMAC of `data` under `key` in one call.
pub fn hmac<H: Hash>(key: &[u8], data: &[u8]) -> H::Output {
    let mut mac = Hmac::<H>::new(key);
    mac.update(data);
    mac.finalize()
}
