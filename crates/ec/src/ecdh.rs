//! Elliptic Curve Diffie-Hellman: the primitive of SEC 1 v2.0 §3.3.1, as
//! TLS 1.3 (RFC 8446 §7.4.2) and TLS 1.2 ECDHE (RFC 8422 §5.10) use it.
//!
//! ```text
//!   Alice: d_A, Q_A = d_A·G          Bob: d_B, Q_B = d_B·G
//!   shared point P = d_A·Q_B = d_A·d_B·G = d_B·Q_A
//!   shared secret z = x_P, L bytes (the y-coordinate is dropped)
//! ```
//!
//! Constant time: yes, because d·Q is the constant-time [`mul`], the
//! inversion that makes x_P affine is Fermat's with a fixed exponent, and
//! the only branch is on whether the result is the identity, which depends
//! on the (public) peer point alone: for d in [1, n-1] and a valid Q of
//! prime order it never is.

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use rand_core::CryptoRng;

use crate::Error;
use crate::curve::{Curve, CurveParams, FieldElement};
use crate::key::{PrivateKey, PublicKey};
use crate::mul::mul;
use crate::point::AffinePoint;

impl<C: CurveParams<N>, const N: usize> PrivateKey<C, N> {
    /// The ECDH shared secret with `peer` (SEC 1 §3.3.1): the x-coordinate
    /// of d·Q_peer. The peer key was validated when it was decoded.
    pub fn diffie_hellman(&self, peer: &PublicKey<C, N>) -> Result<SharedSecret, Error> {
        // §3.3.1 step 1: P = d_U · Q_V.
        let p = mul::<C, N>(&peer.as_affine().to_projective(), self.scalar());
        // Step 2: "If P = O, output 'invalid' and stop."
        let affine: AffinePoint<C, N> = Option::from(p.to_affine()).ok_or(Error::SharedSecretIsIdentity)?;
        // Steps 3-4: z = x_P, as an octet string of L bytes (§2.3.5).
        let mut secret = SharedSecret { bytes: [0; MAX_SECRET_LEN], len: FieldElement::<C, N>::BYTES };
        affine.x().write_be_bytes(&mut secret.bytes[..secret.len]);
        Ok(secret)
    }
}

/// The longest shared secret: P-384's 48 bytes.
const MAX_SECRET_LEN: usize = 48;

/// A key for one ECDH exchange, as TLS uses them: generated, its public key
/// sent, then consumed by [`EphemeralSecret::diffie_hellman`] with the
/// peer's point as it arrived on the wire.
pub struct EphemeralSecret<C: CurveParams<N>, const N: usize> {
    key: PrivateKey<C, N>,
}

impl<C: CurveParams<N>, const N: usize> EphemeralSecret<C, N> {
    /// A fresh random key (FIPS 186-5 Appendix A.2.2).
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        EphemeralSecret { key: PrivateKey::generate(rng) }
    }

    /// The key with these L bytes as d (for tests and reproducible runs).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        PrivateKey::from_bytes(bytes).map(|key| EphemeralSecret { key })
    }

    /// The public key to send.
    pub fn public_key(&self) -> &PublicKey<C, N> {
        self.key.public_key()
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        C::CURVE
    }

    /// The shared secret with the peer whose SEC1 point is `peer_sec1`
    /// (uncompressed or compressed), consuming this key. An invalid point —
    /// wrong length, off the curve, the identity — is an error (TLS answers
    /// `illegal_parameter`, RFC 8446 §4.2.8.2).
    pub fn diffie_hellman(self, peer_sec1: &[u8]) -> Result<SharedSecret, Error> {
        let peer = PublicKey::<C, N>::from_sec1(peer_sec1)?;
        self.key.diffie_hellman(&peer)
    }
}

/// An ECDH shared secret z: L secret bytes (32 or 48), the input to the
/// TLS key schedule. Not printable or cloneable; wiped on drop.
pub struct SharedSecret {
    bytes: [u8; MAX_SECRET_LEN],
    len: usize,
}

impl SharedSecret {
    /// The L bytes of the secret.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Compares two secrets in constant time (for tests and protocols that
    /// need it).
    pub fn ct_eq(&self, other: &SharedSecret) -> subtle::Choice {
        self.as_bytes().ct_eq(other.as_bytes())
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for SharedSecret {}
