//! The NIST curves P-256 and P-384 (FIPS 186-5, SP 800-186, SEC 2): ECDH
//! (SEC 1 v2.0 §3.3.1) and ECDSA (FIPS 186-5 §6.4, with the deterministic
//! nonces of RFC 6979), SEC1 point encoding, and EC key files.
//!
//! This is the key exchange most TLS connections outside X25519 use
//! (`secp256r1` is mandatory in TLS 1.3, RFC 8446 §9.1), and the signature
//! most web server certificates carry: a P-256 key signed by a P-384
//! intermediate is the usual shape of a free CA's chain.
//!
//! # How the crate is organised
//!
//! - [`field`]: arithmetic mod a prime of 64·N bits in Montgomery form,
//!   generic over the modulus — the field GF(p) and the scalars mod n of
//!   both curves are instances of one implementation.
//! - `curve`: the [`CurveParams`] trait and the run-time [`Curve`] enum;
//!   [`p256`] and [`p384`]: the constants of each curve (transcribed from
//!   SP 800-186) and type aliases such as [`p256::PrivateKey`].
//! - `point`: [`AffinePoint`] and [`ProjectivePoint`], with the complete
//!   addition formulas of Renes–Costello–Batina 2016.
//! - [`mul`]: scalar multiplication — constant time for secret scalars
//!   (signed 5-bit windows, masked table reads), a fixed-base table for the
//!   generator, and variable-time u1·G + u2·Q for verification.
//! - `sec1`: point encoding (SEC 1 §2.3.3-2.3.4), with the public-key
//!   checks of §3.2.2.1.
//! - `key`: [`PrivateKey`] and [`PublicKey`]; `ecdh`: [`EphemeralSecret`]
//!   and [`SharedSecret`]; `ecdsa`: [`Signature`] (DER and raw), signing and
//!   verification; `rfc6979`: the nonces.
//! - `eckey`: [`EcPrivateKey`], [`EcPublicKey`] and [`EcEphemeralSecret`],
//!   for code that learns the curve at run time (certificates, the CLI, TLS).
//! - `keyfile`: SEC1 `EC PRIVATE KEY`, PKCS #8 and SubjectPublicKeyInfo, in
//!   DER or PEM ([`read_key`], [`write_key`]).
//! - [`hazmat`]: signing with a caller-chosen nonce, for test vectors and
//!   for demonstrating why that is dangerous.
//! - [`lab`]: the labs' switch that makes signing repeat its nonce (off in
//!   every normal build; see the module).
//!
//! # Constant time
//!
//! Everything that handles a private key, a nonce or a shared secret is
//! constant time: fixed limb counts, no secret-dependent branch or table
//! index, inversion by Fermat's little theorem with a fixed exponent. Each
//! module says so, or says why not: verification (`mul_double_base_vartime`)
//! and point decoding handle public data only.
//!
//! # Example: TLS-style ECDH and an ECDSA signature
//!
//! ```
//! use padlock_ec::p256;
//! use padlock_sha::Sha256;
//!
//! let mut rng = rand::rng();
//! let client = p256::EphemeralSecret::generate(&mut rng);
//! let key_share = client.public_key().to_sec1_uncompressed(); // 65 bytes, 0x04 || x || y
//! let server = p256::EphemeralSecret::generate(&mut rng);
//! let server_share = server.public_key().to_sec1_uncompressed();
//! let server_secret = server.diffie_hellman(&key_share)?;
//! let client_secret = client.diffie_hellman(&server_share)?;
//! assert_eq!(client_secret.as_bytes(), server_secret.as_bytes());
//!
//! let key = p256::PrivateKey::generate(&mut rng);
//! let der = key.sign::<Sha256>(b"transcript").to_der();
//! key.public_key().verify_der::<Sha256>(b"transcript", &der)?;
//! # Ok::<(), padlock_ec::Error>(())
//! ```

mod curve;
mod ecdh;
mod ecdsa;
mod eckey;
pub mod field;
pub mod hazmat;
mod key;
mod keyfile;
pub mod lab;
pub mod mul;
pub mod p256;
pub mod p384;
mod point;
mod rfc6979;
mod sec1;

pub use curve::{Curve, CurveParams, FieldElement, Scalar};
pub use ecdh::{EphemeralSecret, SharedSecret};
pub use ecdsa::Signature;
pub use eckey::{EcEphemeralSecret, EcPrivateKey, EcPublicKey};
pub use key::{PrivateKey, PublicKey};
pub use keyfile::{EcKey, KeyEncoding, KeyFile, KeyFileError, KeyFormat, read_key, write_key};
pub use point::{AffinePoint, ProjectivePoint};

/// What went wrong. Points and signatures come from peers and files, so
/// each refusal says which rule the input broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// A SEC1 point of the wrong length or with an unknown or unsupported
    /// leading byte (SEC 1 §2.3.4).
    InvalidPointEncoding,
    /// A coordinate is not below p (SEC 1 §3.2.2.1 step 2).
    CoordinateOutOfRange,
    /// The point is not on the curve (SEC 1 §3.2.2.1 step 3).
    PointNotOnCurve,
    /// The point is the identity ("point at infinity"), which is never a
    /// valid public key (SEC 1 §3.2.2.1 step 1).
    PointAtInfinity,
    /// A private key is not L bytes, or not in [1, n-1].
    InvalidPrivateKey,
    /// The ECDH result is the identity (SEC 1 §3.3.1 step 2).
    SharedSecretIsIdentity,
    /// A signature is not a well-formed DER `Ecdsa-Sig-Value` (or raw
    /// `r || s` of the right length).
    MalformedSignature,
    /// r or s is not in [1, n-1] (FIPS 186-5 §6.4.2 step 1).
    SignatureOutOfRange,
    /// The signature does not verify.
    VerificationFailed,
    /// A key or signature is for another curve than the one expected.
    CurveMismatch,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Error::InvalidPointEncoding => {
                "invalid SEC1 point encoding: not 04||x||y or 02/03||x of the curve's length"
            }
            Error::CoordinateOutOfRange => "a point coordinate is not below the field prime p",
            Error::PointNotOnCurve => "the point is not on the curve",
            Error::PointAtInfinity => "the point is the identity (point at infinity)",
            Error::InvalidPrivateKey => "invalid private key: not in [1, n-1] or of the wrong length",
            Error::SharedSecretIsIdentity => "the ECDH result is the point at infinity",
            Error::MalformedSignature => "malformed ECDSA signature encoding",
            Error::SignatureOutOfRange => "ECDSA signature value r or s is not in [1, n-1]",
            Error::VerificationFailed => "the ECDSA signature does not verify",
            Error::CurveMismatch => "the key or signature is for another curve",
        })
    }
}

impl std::error::Error for Error {}
