//! RSA (RFC 8017, "PKCS #1 v2.2"): keys and key generation, the raw
//! operations with CRT, blinding and a fault check, and the four schemes —
//! RSAES-PKCS1-v1_5 and RSAES-OAEP for encryption, RSASSA-PKCS1-v1_5 and
//! RSASSA-PSS for signatures.
//!
//! # How the crate is organised
//!
//! - `key`: [`RsaPublicKey`] and [`RsaPrivateKey`]; key generation (FIPS
//!   186-5 Appendix A.1.3); RSAEP/RSAVP1 and RSADP/RSASP1 (§5).
//! - `padding`: the encodings — EME-PKCS1-v1_5, EME-OAEP, EMSA-PKCS1-v1_5,
//!   EMSA-PSS, MGF1 — with constant-time decoding where the input is secret,
//!   and the TLS 1.2 premaster-secret countermeasure (RFC 5246 §7.4.7.1).
//! - `schemes`: encrypt, decrypt, sign and verify on the keys. PSS verifies
//!   with a salt as long as the hash (`verify_pss`, as TLS requires), a
//!   given length (`verify_pss_with_salt_len`, as X.509 parameters say) or
//!   any length (`verify_pss_any_salt_len`).
//! - `keyfile`: key files as OpenSSL reads and writes them — PKCS #1
//!   (RFC 8017 Appendix A.1), PKCS #8 (RFC 5208), SubjectPublicKeyInfo
//!   (RFC 5280 §4.1.2.7), DER or PEM — with [`read_key`] for any of them.
//! - [`lab`]: the switches the labs flip to skip the fault check and
//!   simulate a fault (feature `lab-switches` only; off everywhere else).
//! - `pss_params`: [`PssParams`], the RSASSA-PSS-params of RFC 4055 §3.1
//!   (hash, MGF1 hash, salt length), read and written in DER.
//! - `pss_key`: [`RsaPssPrivateKey`] and [`RsaPssPublicKey`], keys whose
//!   algorithm is id-RSASSA-PSS (RFC 4055 §1.2): PSS only, within their
//!   parameters if they have any (RFC 4055 §3.3). `read_key` returns them
//!   as [`RsaKey::PssPrivate`] and [`RsaKey::PssPublic`].
//!
//! Every secret the key hands out — a decrypted message, the TLS premaster
//! secret, the decrypted block they came from, the private numbers for key
//! files — is in a [`zeroize::Zeroizing`] buffer, wiped when dropped.
//!
//! The arithmetic is `padlock-bigint`'s, constant time; the hashes are
//! `padlock-sha`'s, chosen by type (`sign_pss::<Sha256>`); DER and PEM are
//! `padlock-der`'s.
//!
//! # Example
//!
//! ```
//! use padlock_rsa::RsaPrivateKey;
//! use padlock_sha::Sha256;
//!
//! let mut rng = rand::rng();
//! let key = RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).unwrap();
//! let signature = key.sign_pss::<Sha256, _>(b"hello", &mut rng).unwrap();
//! key.public_key().verify_pss::<Sha256>(b"hello", &signature).unwrap();
//! assert!(key.public_key().verify_pss::<Sha256>(b"hellO", &signature).is_err());
//! ```

mod key;
mod keyfile;
pub mod lab;
mod padding;
mod pss_key;
mod pss_params;
mod schemes;

pub use key::{DEFAULT_EXPONENT, KeygenProgress, RsaPrivateKey, RsaPublicKey};
pub use keyfile::{
    KeyEncoding, KeyFile, KeyFileError, KeyFormat, MAX_MODULUS_BITS, RsaKey, read_key, write_key,
};
pub use pss_key::{RsaPssPrivateKey, RsaPssPublicKey};
pub use pss_params::{PssHash, PssParams, PssParamsError};

/// What went wrong with an RSA operation (other than a decryption, whose
/// failures are all [`DecryptError`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The key is not a valid RSA key; the text says why.
    InvalidKey(&'static str),
    /// The message is too long for the key and the scheme.
    MessageTooLong,
    /// An input (ciphertext, signature) is not `k` bytes or not below `n`.
    OutOfRange,
    /// The signature does not verify.
    Verification,
    /// The private operation's result did not check out against the public
    /// key (a fault during the computation); nothing was released.
    Fault,
    /// The arithmetic failed (for instance no prime was found).
    Bigint(padlock_bigint::Error),
    /// An id-RSASSA-PSS key's parameters do not allow a signature made
    /// with `used` (RFC 4055 §3.3: the same hashes, at least its salt).
    PssRestricted {
        /// What the key allows (its salt length is the minimum).
        key: PssParams,
        /// What the signature would use.
        used: PssParams,
    },
    /// RSASSA-PSS with parameters padlock-rsa does not do; the text says why.
    UnsupportedPss(&'static str),
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::InvalidKey(why) => write!(f, "invalid RSA key: {why}"),
            Error::MessageTooLong => f.write_str("the message is too long for this key"),
            Error::OutOfRange => f.write_str("the input is not the size of the modulus, or not below it"),
            Error::Verification => f.write_str("the signature does not verify"),
            Error::Fault => f.write_str("the RSA computation failed its self-check"),
            Error::Bigint(e) => write!(f, "big-integer arithmetic failed: {e}"),
            Error::PssRestricted { key, used } => write!(
                f,
                "the RSASSA-PSS key allows only {} with MGF1 {} and a salt of at least {} bytes \
                 (RFC 4055 §3.3), not {used}",
                key.hash, key.mgf1_hash, key.salt_len
            ),
            Error::UnsupportedPss(why) => write!(f, "unsupported RSASSA-PSS parameters: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// Decryption failed. Deliberately opaque: bad padding, a wrong label and a
/// malformed ciphertext look the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecryptError;

impl core::fmt::Display for DecryptError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("decryption failed")
    }
}

impl std::error::Error for DecryptError {}
