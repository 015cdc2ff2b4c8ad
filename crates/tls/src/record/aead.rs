//! The AEADs records are sealed with, and the one type that holds any of
//! them under a record key.
//!
//! Constant time: yes, because the AEADs are (padlock-aes's AES-GCM and
//! padlock-chacha's ChaCha20-Poly1305 on every backend); nothing here looks
//! at a key but to hand it to them.

use padlock_aead::{Aead, Tag};
use padlock_aes::AesGcm;
use padlock_chacha::ChaCha20Poly1305;

use super::NONCE_LEN;
use crate::Error;

/// The TLS 1.2 AES-GCM explicit nonce sent before each ciphertext (RFC 5288 §3).
pub(super) const EXPLICIT_NONCE_LEN: usize = 8;

/// The AEADs records are sealed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AeadAlgorithm {
    /// AES-128-GCM (RFC 5288, RFC 8446 §B.4).
    Aes128Gcm,
    /// AES-256-GCM (RFC 5288, RFC 8446 §B.4).
    Aes256Gcm,
    /// AEAD_CHACHA20_POLY1305 (RFC 8439; RFC 7905 for TLS 1.2, RFC 8446 §B.4).
    ChaCha20Poly1305,
}

impl AeadAlgorithm {
    /// The key length in bytes: 16, 32 and 32 (the TLS 1.2 key block's
    /// `enc_key_length`, the TLS 1.3 traffic key's length).
    pub fn key_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes128Gcm => 16,
            AeadAlgorithm::Aes256Gcm | AeadAlgorithm::ChaCha20Poly1305 => 32,
        }
    }

    /// The TLS 1.2 key block's `fixed_iv_length` (its client/server_write_IV):
    /// 4 for AES-GCM, the salt (RFC 5288 §3); 12 for ChaCha20-Poly1305
    /// (RFC 7905 §2). TLS 1.3 always uses a 12-byte IV ([`NONCE_LEN`]).
    pub fn tls12_fixed_iv_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => 4,
            AeadAlgorithm::ChaCha20Poly1305 => NONCE_LEN,
        }
    }

    /// The TLS 1.2 explicit nonce sent in each record (`record_iv_length`):
    /// 8 for AES-GCM (RFC 5288 §3), none for ChaCha20-Poly1305 (RFC 7905 §2).
    pub fn tls12_explicit_nonce_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => EXPLICIT_NONCE_LEN,
            AeadAlgorithm::ChaCha20Poly1305 => 0,
        }
    }

    /// The name as RFC 5116's registry writes it, such as `"AEAD_AES_128_GCM"`.
    pub fn name(self) -> &'static str {
        match self {
            AeadAlgorithm::Aes128Gcm => "AEAD_AES_128_GCM",
            AeadAlgorithm::Aes256Gcm => "AEAD_AES_256_GCM",
            AeadAlgorithm::ChaCha20Poly1305 => "AEAD_CHACHA20_POLY1305",
        }
    }

    /// The AES-GCM algorithm for a 16- or 32-byte key.
    pub(super) fn aes_gcm_for_key(key: &[u8]) -> Result<AeadAlgorithm, Error> {
        match key.len() {
            16 => Ok(AeadAlgorithm::Aes128Gcm),
            32 => Ok(AeadAlgorithm::Aes256Gcm),
            n => Err(Error::Internal(format!("an AES-GCM record key of {n} bytes, not 16 or 32"))),
        }
    }
}

/// The AEAD under a record key: either cipher, behind the one `Aead` trait.
#[allow(clippy::large_enum_variant, reason = "two per connection; AES-GCM, the common case, stays inline")]
pub(super) enum RecordAead {
    /// AES-128-GCM or AES-256-GCM, as the algorithm says.
    AesGcm(AeadAlgorithm, AesGcm),
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305(ChaCha20Poly1305),
}

impl RecordAead {
    /// The AEAD of `algorithm` under `key` (of `algorithm.key_len()` bytes).
    pub(super) fn new(algorithm: AeadAlgorithm, key: &[u8]) -> Result<RecordAead, Error> {
        // RFC 5288 §3, RFC 7905 §2, RFC 8446 Appendix B.4: the key lengths.
        if key.len() != algorithm.key_len() {
            return Err(Error::Internal(format!(
                "a {}-byte record key for {}, which takes {}",
                key.len(),
                algorithm.name(),
                algorithm.key_len()
            )));
        }
        let setup_failed =
            |e: &dyn std::fmt::Display| Error::Internal(format!("cannot set up the record key: {e}"));
        Ok(match algorithm {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => {
                RecordAead::AesGcm(algorithm, AesGcm::new(key).map_err(|e| setup_failed(&e))?)
            }
            AeadAlgorithm::ChaCha20Poly1305 => {
                RecordAead::ChaCha20Poly1305(ChaCha20Poly1305::new(key).map_err(|e| setup_failed(&e))?)
            }
        })
    }

    pub(super) fn algorithm(&self) -> AeadAlgorithm {
        match self {
            RecordAead::AesGcm(algorithm, _) => *algorithm,
            RecordAead::ChaCha20Poly1305(_) => AeadAlgorithm::ChaCha20Poly1305,
        }
    }

    /// Encrypts `buffer` in place; the tag authenticates it and `aad`. An
    /// error (never expected: records are far below the AEADs' limits) names
    /// the AEAD.
    pub(super) fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut [u8],
    ) -> Result<Tag, Error> {
        self.aead()
            .seal_in_place(nonce, aad, buffer)
            .map_err(|e| Error::Internal(format!("{} cannot seal the record: {e}", self.algorithm().name())))
    }

    /// Checks `tag` and decrypts `buffer` in place; any failure is
    /// bad_record_mac (RFC 5246 §6.2.3.3, RFC 8446 §5.2), and leaves
    /// `buffer` zeroed, never half decrypted (the `Aead` contract).
    pub(super) fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        self.aead().open_in_place(nonce, aad, buffer, tag).map_err(|_| Error::BadRecordMac)
    }

    fn aead(&self) -> &dyn Aead {
        match self {
            RecordAead::AesGcm(_, aead) => aead,
            RecordAead::ChaCha20Poly1305(aead) => aead,
        }
    }
}
