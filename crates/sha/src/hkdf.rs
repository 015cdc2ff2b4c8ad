//! HKDF: the HMAC-based extract-and-expand key derivation function (RFC 5869).
//!
//! HKDF turns input keying material that is secret but not uniformly random
//! (a Diffie-Hellman shared secret, say) into as many uniformly random bytes
//! as needed, in two steps:
//!
//! ```text
//! PRK = HKDF-Extract(salt, IKM)    = HMAC(salt, IKM)                  (§2.2)
//! OKM = HKDF-Expand(PRK, info, L)  = T(1) ‖ T(2) ‖ ... truncated to L  (§2.3)
//!       where T(0) = "", T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i)
//! ```
//!
//! TLS 1.3's whole key schedule (RFC 8446 §7.1) is built from these two steps.

use zeroize::Zeroize;

use crate::Hash;
use crate::hmac::Hmac;

/// HKDF-Expand was asked for more than 255 blocks of output (RFC 5869 §2.3:
/// `L <= 255 * HashLen`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputTooLong {
    /// The length asked for, in bytes.
    pub requested: usize,
    /// The most this hash can give, `255 * HashLen`.
    pub max: usize,
}

impl core::fmt::Display for OutputTooLong {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "HKDF output of {} bytes requested; at most {} possible", self.requested, self.max)
    }
}

impl std::error::Error for OutputTooLong {}

/// A pseudorandom key: the output of [`extract`], the input of [`Prk::expand`].
///
/// It is secret: no `Debug`, no comparison, wiped on drop.
pub struct Prk<H: Hash> {
    /// HMAC keyed with the PRK, ready to be cloned for each block of output.
    keyed: Hmac<H>,
    bytes: H::Output,
}

/// RFC 5869 §2.2: `PRK = HMAC-Hash(salt, IKM)`. An empty salt stands for
/// `HashLen` zero bytes (HMAC pads keys with zeros, so the two are the same).
pub fn extract<H: Hash>(salt: &[u8], ikm: &[u8]) -> Prk<H> {
    let mut mac = Hmac::<H>::new(salt);
    mac.update(ikm);
    Prk::from_bytes(mac.finalize().as_ref())
}

impl<H: Hash> Prk<H> {
    /// Takes a PRK from elsewhere, such as a secret of the TLS 1.3 key
    /// schedule, which is used as a PRK directly (RFC 5869 §3.3 allows
    /// skipping extract when the key is already uniformly random).
    ///
    /// # Panics
    /// If `prk` is not `H::OUTPUT_LEN` bytes: callers pass hash outputs.
    pub fn from_bytes(prk: &[u8]) -> Self {
        assert_eq!(prk.len(), H::OUTPUT_LEN, "a PRK is one hash output long");
        let mut bytes = H::digest(b"");
        bytes.as_mut().copy_from_slice(prk);
        Prk { keyed: Hmac::new(prk), bytes }
    }

    /// The PRK's bytes (secret: for the key log and for test vectors).
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// RFC 5869 §2.3: fills `okm` with `okm.len()` bytes derived from the PRK
    /// and `info`. At most `255 * HashLen` bytes can be derived.
    pub fn expand(&self, info: &[u8], okm: &mut [u8]) -> Result<(), OutputTooLong> {
        let max = 255 * H::OUTPUT_LEN;
        if okm.len() > max {
            return Err(OutputTooLong { requested: okm.len(), max });
        }
        let mut t_prev = H::digest(b"");
        for (i, chunk) in okm.chunks_mut(H::OUTPUT_LEN).enumerate() {
            // T(i) = HMAC-Hash(PRK, T(i-1) | info | i), with T(0) empty.
            let mut mac = self.keyed.clone();
            if i > 0 {
                mac.update(t_prev.as_ref());
            }
            mac.update(info);
            // The counter is i + 1, from 0x01 to 0xff (checked above).
            mac.update(&[(i + 1) as u8]);
            t_prev = mac.finalize();
            chunk.copy_from_slice(&t_prev.as_ref()[..chunk.len()]);
        }
        t_prev.as_mut().zeroize();
        Ok(())
    }
}

impl<H: Hash> Drop for Prk<H> {
    fn drop(&mut self) {
        self.bytes.as_mut().zeroize();
    }
}
