//! Authenticated encryption with associated data (the interface of RFC 5116),
//! as TLS records use it: encrypt and authenticate the record in place, and
//! authenticate the record header alongside without encrypting it.
//!
//! The trait lives in its own crate so that every AEAD (AES-GCM in
//! `padlock-aes`, ChaCha20-Poly1305 in `padlock-chacha`) implements it
//! without one cipher crate depending on another, and TLS holds any of them
//! behind one interface.

/// An authenticated cipher, sealing and opening buffers in place.
pub trait Aead {
    /// Encrypts `buffer` in place and returns the tag that authenticates it
    /// together with `aad` (associated data: authenticated, not encrypted).
    ///
    /// A nonce must never repeat under one key: with GCM, a repeat reveals the
    /// XOR of the two plaintexts and lets an attacker forge tags.
    fn seal_in_place(&self, nonce: &[u8], aad: &[u8], buffer: &mut [u8]) -> Result<Tag, SealError>;

    /// Checks `tag` over `aad` and the ciphertext in `buffer`, in constant
    /// time, and decrypts `buffer` in place. The plaintext is only ever
    /// returned under a matching tag: on failure `buffer` is zeroed before
    /// the call returns, and the one opaque error says nothing about what
    /// was wrong. (An implementation may decrypt while it authenticates, as
    /// the one-pass AVX2 ChaCha20-Poly1305 does, as long as it wipes the
    /// buffer when the tag does not match; the caller never sees unverified
    /// plaintext either way.)
    fn open_in_place(
        &self,
        nonce: &[u8],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), DecryptError>;
}

/// An authentication tag: up to 16 bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    bytes: [u8; 16],
    len: usize,
}

impl Tag {
    /// The first `len` bytes of `full` (`len` at most 16: GCM may truncate
    /// its tag, RFC 5116 §5.1; Poly1305's is always 16).
    pub fn new(full: [u8; 16], len: usize) -> Tag {
        assert!(len <= 16, "a tag is at most 16 bytes");
        Tag { bytes: full, len }
    }
}

impl AsRef<[u8]> for Tag {
    fn as_ref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl core::fmt::Debug for Tag {
    /// Tags are public (they travel with the ciphertext), so they may be shown.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Tag(")?;
        for b in self.as_ref() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// Why a buffer could not be sealed: the inputs are outside what the mode
/// allows. (These are public facts, unlike the reasons an open can fail.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealError {
    /// The nonce is empty (GCM needs at least one byte; TLS uses 12).
    InvalidNonce,
    /// The plaintext or the associated data is longer than the mode allows.
    TooLong,
}

impl core::fmt::Display for SealError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            SealError::InvalidNonce => "the nonce must not be empty",
            SealError::TooLong => "the message or associated data is too long for this mode",
        })
    }
}

impl std::error::Error for SealError {}

/// Decryption failed. Deliberately opaque: a wrong tag, a wrong nonce and a
/// bad padding look the same, so the error cannot serve as an oracle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecryptError;

impl core::fmt::Display for DecryptError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("decryption failed")
    }
}

impl std::error::Error for DecryptError {}
