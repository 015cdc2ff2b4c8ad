//! AES-GCM: Galois/Counter Mode (NIST SP 800-38D), the AEAD that seals TLS
//! records (RFC 5288 for TLS 1.2, RFC 8446 §5.2 for TLS 1.3).
//!
//! GCM encrypts with counter mode and authenticates with GHASH, a polynomial
//! hash over GF(2^128) keyed by `H = E_K(0^128)`:
//!
//! ```text
//! J0 = IV ‖ 0^31 ‖ 1                        (96-bit IV; else GHASH of the IV)
//! C  = GCTR(inc32(J0), P)                   counter mode from the block after J0
//! S  = GHASH(A ‖ pad ‖ C ‖ pad ‖ [len(A)]64 ‖ [len(C)]64)
//! T  = MSB_t(E_K(J0) ⊕ S)
//! ```
//!
//! Opening recomputes `T` over the received ciphertext and compares it in
//! constant time *before* decrypting anything.

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::ctr::apply_keystream_inc32;
use crate::ghash::{Ghash, GhashBackend};
use crate::{Aead, Aes, Backend, DecryptError, KeyError, Tag};
use padlock_aead::SealError;

/// SP 800-38D §5.2.1.1: at most 2^39 - 256 bits of plaintext, so that the
/// 32-bit block counter never wraps into J0.
const MAX_PLAINTEXT_LEN: u64 = (1 << 36) - 32;

/// AES-GCM under one key.
pub struct AesGcm {
    aes: Aes,
    /// The hash subkey H = E_K(0^128) (§7.1 step 1). Secret.
    h: [u8; 16],
    /// Tag length in bytes: 16 unless asked otherwise.
    tag_len: usize,
}

impl AesGcm {
    /// AES-GCM with 128-bit tags, on the preferred AES backend.
    pub fn new(key: &[u8]) -> Result<AesGcm, KeyError> {
        AesGcm::with_backend(key, Backend::preferred())
    }

    /// AES-GCM with 128-bit tags on the given AES backend. GHASH runs on
    /// PCLMULQDQ alongside AES-NI when the CPU has it, else on the portable
    /// constant-time code.
    pub fn with_backend(key: &[u8], backend: Backend) -> Result<AesGcm, KeyError> {
        let aes = Aes::with_backend(key, backend)?;
        let mut h = [0u8; 16];
        aes.encrypt_block(&mut h);
        Ok(AesGcm { aes, h, tag_len: 16 })
    }

    /// Truncated tags of 12 to 16 bytes (SP 800-38D §5.2.1.2 allows 96 to 128
    /// bits for general use). Shorter tags make forgeries likelier: use only
    /// where a protocol demands them. `None` for other lengths.
    pub fn with_tag_len(mut self, tag_len: usize) -> Option<AesGcm> {
        self.tag_len = tag_len;
        (12..=16).contains(&tag_len).then_some(self)
    }

    /// The backend the block cipher runs on.
    pub fn backend(&self) -> Backend {
        self.aes.backend()
    }

    fn ghash(&self) -> Ghash {
        let clmul = self.aes.backend() == Backend::Ni;
        let backend = if clmul { GhashBackend::Clmul } else { GhashBackend::Portable };
        Ghash::with_backend(&self.h, backend)
            .or_else(|| Ghash::with_backend(&self.h, GhashBackend::Portable))
            .expect("the portable GHASH always runs")
    }

    /// §7.1 step 2: the pre-counter block J0.
    fn pre_counter_block(&self, iv: &[u8]) -> [u8; 16] {
        if iv.len() == 12 {
            let mut j0 = [0u8; 16];
            j0[..12].copy_from_slice(iv);
            j0[15] = 1;
            j0
        } else {
            // J0 = GHASH_H(IV ‖ 0^(s+64) ‖ [len(IV)]64)
            let mut ghash = self.ghash();
            ghash.update_padded(iv);
            let mut lengths = [0u8; 16];
            lengths[8..].copy_from_slice(&(iv.len() as u64 * 8).to_be_bytes());
            ghash.update_block(&lengths);
            ghash.finalize()
        }
    }

    /// §7.1 steps 5 and 6 (and §7.2 steps 5-8): `T = MSB_t(E_K(J0) ⊕ S)`,
    /// where `S` is GHASH over the associated data and the ciphertext.
    fn tag(&self, j0: &[u8; 16], aad: &[u8], ciphertext: &[u8]) -> [u8; 16] {
        let mut ghash = self.ghash();
        ghash.update_padded(aad);
        ghash.update_padded(ciphertext);
        let mut lengths = [0u8; 16];
        lengths[..8].copy_from_slice(&(aad.len() as u64 * 8).to_be_bytes());
        lengths[8..].copy_from_slice(&(ciphertext.len() as u64 * 8).to_be_bytes());
        ghash.update_block(&lengths);
        let s = ghash.finalize();
        let mut tag = *j0;
        self.aes.encrypt_block(&mut tag);
        for (t, s) in tag.iter_mut().zip(s) {
            *t ^= s;
        }
        tag
    }
}

/// The counter block after J0: `inc32(J0)`, where the plaintext starts.
fn first_counter(j0: &[u8; 16]) -> [u8; 16] {
    let mut counter = *j0;
    let low = u32::from_be_bytes([j0[12], j0[13], j0[14], j0[15]]).wrapping_add(1);
    counter[12..].copy_from_slice(&low.to_be_bytes());
    counter
}

fn check_lengths(nonce: &[u8], aad: &[u8], text: &[u8]) -> Result<(), SealError> {
    if nonce.is_empty() {
        return Err(SealError::InvalidNonce);
    }
    // §5.2.1.1: len(A) and len(IV) at most 2^64 - 1 bits.
    let fits_bits = |n: usize| (n as u64) < (1 << 61);
    if text.len() as u64 > MAX_PLAINTEXT_LEN || !fits_bits(aad.len()) || !fits_bits(nonce.len()) {
        return Err(SealError::TooLong);
    }
    Ok(())
}

impl Aead for AesGcm {
    /// SP 800-38D §7.1, GCM-AE.
    fn seal_in_place(&self, nonce: &[u8], aad: &[u8], buffer: &mut [u8]) -> Result<Tag, SealError> {
        check_lengths(nonce, aad, buffer)?;
        let j0 = self.pre_counter_block(nonce);
        apply_keystream_inc32(&self.aes, &first_counter(&j0), buffer);
        Ok(Tag::new(self.tag(&j0, aad, buffer), self.tag_len))
    }

    /// SP 800-38D §7.2, GCM-AD: the tag is checked before anything is
    /// decrypted, and a mismatch leaves `buffer` zeroed.
    fn open_in_place(
        &self,
        nonce: &[u8],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), DecryptError> {
        if check_lengths(nonce, aad, buffer).is_err() || tag.len() != self.tag_len {
            buffer.fill(0);
            return Err(DecryptError);
        }
        let j0 = self.pre_counter_block(nonce);
        let expected = self.tag(&j0, aad, buffer);
        if !bool::from(expected[..self.tag_len].ct_eq(tag)) {
            buffer.fill(0);
            return Err(DecryptError);
        }
        apply_keystream_inc32(&self.aes, &first_counter(&j0), buffer);
        Ok(())
    }
}

impl Drop for AesGcm {
    fn drop(&mut self) {
        self.h.zeroize();
    }
}
