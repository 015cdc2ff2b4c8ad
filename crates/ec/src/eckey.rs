//! Keys whose curve is known only at run time — from a key file, a
//! certificate, a command-line flag, a TLS named group: [`EcPrivateKey`],
//! [`EcPublicKey`] and [`EcEphemeralSecret`] hold a P-256 or a P-384 key and
//! pass each operation to it.
//!
//! Signatures here are DER `Ecdsa-Sig-Value`s, the form X.509 and TLS use.
//!
//! Constant time: as the keys they hold (the `match` on the curve is on
//! public information).

use padlock_sha::Hash;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::{Curve, Error, SharedSecret, p256, p384};

/// A private key on P-256 or P-384.
pub enum EcPrivateKey {
    /// A P-256 key.
    P256(p256::PrivateKey),
    /// A P-384 key.
    P384(p384::PrivateKey),
}

/// A public key on P-256 or P-384.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EcPublicKey {
    /// A P-256 key.
    P256(p256::PublicKey),
    /// A P-384 key.
    P384(p384::PublicKey),
}

impl EcPrivateKey {
    /// A fresh random key on `curve`.
    pub fn generate<R: CryptoRng + ?Sized>(curve: Curve, rng: &mut R) -> Self {
        match curve {
            Curve::P256 => EcPrivateKey::P256(p256::PrivateKey::generate(rng)),
            Curve::P384 => EcPrivateKey::P384(p384::PrivateKey::generate(rng)),
        }
    }

    /// The key on `curve` whose d is these L big-endian bytes.
    pub fn from_bytes(curve: Curve, bytes: &[u8]) -> Result<Self, Error> {
        Ok(match curve {
            Curve::P256 => EcPrivateKey::P256(p256::PrivateKey::from_bytes(bytes)?),
            Curve::P384 => EcPrivateKey::P384(p384::PrivateKey::from_bytes(bytes)?),
        })
    }

    /// Makes this key obey the labs' `switches` ([`crate::lab`]): for the
    /// labs only, with the feature `lab-switches`.
    #[cfg(feature = "lab-switches")]
    pub fn set_lab_switches(&mut self, switches: crate::lab::Switches) {
        match self {
            EcPrivateKey::P256(key) => key.set_lab_switches(switches),
            EcPrivateKey::P384(key) => key.set_lab_switches(switches),
        }
    }

    /// d as L big-endian bytes, wiped on drop.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        match self {
            EcPrivateKey::P256(key) => key.to_bytes(),
            EcPrivateKey::P384(key) => key.to_bytes(),
        }
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        match self {
            EcPrivateKey::P256(_) => Curve::P256,
            EcPrivateKey::P384(_) => Curve::P384,
        }
    }

    /// The public key.
    pub fn public_key(&self) -> EcPublicKey {
        match self {
            EcPrivateKey::P256(key) => EcPublicKey::P256(*key.public_key()),
            EcPrivateKey::P384(key) => EcPublicKey::P384(*key.public_key()),
        }
    }

    /// Signs `message` hashed with `H` (RFC 6979 nonce); the DER signature.
    pub fn sign<H: Hash>(&self, message: &[u8]) -> Vec<u8> {
        self.sign_prehashed::<H>(H::digest(message).as_ref())
    }

    /// Signs the hash `digest` made with `H`; the DER signature.
    pub fn sign_prehashed<H: Hash>(&self, digest: &[u8]) -> Vec<u8> {
        match self {
            EcPrivateKey::P256(key) => key.sign_prehashed::<H>(digest).to_der(),
            EcPrivateKey::P384(key) => key.sign_prehashed::<H>(digest).to_der(),
        }
    }
}

impl EcPublicKey {
    /// Reads a SEC1 point on `curve` (uncompressed or compressed), checked
    /// as SEC 1 §3.2.2.1 asks.
    pub fn from_sec1(curve: Curve, bytes: &[u8]) -> Result<Self, Error> {
        Ok(match curve {
            Curve::P256 => EcPublicKey::P256(p256::PublicKey::from_sec1(bytes)?),
            Curve::P384 => EcPublicKey::P384(p384::PublicKey::from_sec1(bytes)?),
        })
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        match self {
            EcPublicKey::P256(_) => Curve::P256,
            EcPublicKey::P384(_) => Curve::P384,
        }
    }

    /// `04 || x || y`.
    pub fn to_sec1_uncompressed(&self) -> Vec<u8> {
        match self {
            EcPublicKey::P256(key) => key.to_sec1_uncompressed(),
            EcPublicKey::P384(key) => key.to_sec1_uncompressed(),
        }
    }

    /// Verifies the DER signature `der` on `message` hashed with `H`.
    pub fn verify<H: Hash>(&self, message: &[u8], der: &[u8]) -> Result<(), Error> {
        self.verify_prehashed(H::digest(message).as_ref(), der)
    }

    /// Verifies the DER signature `der` on a message whose hash is `digest`.
    pub fn verify_prehashed(&self, digest: &[u8], der: &[u8]) -> Result<(), Error> {
        match self {
            EcPublicKey::P256(key) => key.verify_prehashed(digest, &p256::Signature::from_der(der)?),
            EcPublicKey::P384(key) => key.verify_prehashed(digest, &p384::Signature::from_der(der)?),
        }
    }
}

/// A key for one ECDH exchange on a curve chosen at run time, as a TLS
/// `key_share` for `secp256r1` or `secp384r1` needs: generate, send
/// [`public_key_sec1`](EcEphemeralSecret::public_key_sec1), then
/// [`diffie_hellman`](EcEphemeralSecret::diffie_hellman) with the peer's
/// point, which consumes the key.
///
/// ```
/// use padlock_ec::{Curve, EcEphemeralSecret};
///
/// let mut rng = rand::rng();
/// let client = EcEphemeralSecret::generate(Curve::P384, &mut rng);
/// let server = EcEphemeralSecret::generate(Curve::P384, &mut rng);
/// let server_share = server.public_key_sec1(); // 97 bytes: 04 || x || y
/// let z1 = server.diffie_hellman(&client.public_key_sec1())?;
/// let z2 = client.diffie_hellman(&server_share)?;
/// assert_eq!(z1.as_bytes(), z2.as_bytes());
/// # Ok::<(), padlock_ec::Error>(())
/// ```
pub enum EcEphemeralSecret {
    /// A P-256 key (TLS `secp256r1`, NamedGroup 0x0017).
    P256(p256::EphemeralSecret),
    /// A P-384 key (TLS `secp384r1`, NamedGroup 0x0018).
    P384(p384::EphemeralSecret),
}

impl EcEphemeralSecret {
    /// A fresh random key on `curve`.
    pub fn generate<R: CryptoRng + ?Sized>(curve: Curve, rng: &mut R) -> Self {
        match curve {
            Curve::P256 => EcEphemeralSecret::P256(p256::EphemeralSecret::generate(rng)),
            Curve::P384 => EcEphemeralSecret::P384(p384::EphemeralSecret::generate(rng)),
        }
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        match self {
            EcEphemeralSecret::P256(_) => Curve::P256,
            EcEphemeralSecret::P384(_) => Curve::P384,
        }
    }

    /// The public key as TLS sends it: the uncompressed SEC1 point
    /// (RFC 8446 §4.2.8.2, RFC 8422 §5.4.1).
    pub fn public_key_sec1(&self) -> Vec<u8> {
        match self {
            EcEphemeralSecret::P256(key) => key.public_key().to_sec1_uncompressed(),
            EcEphemeralSecret::P384(key) => key.public_key().to_sec1_uncompressed(),
        }
    }

    /// The shared secret with the peer's SEC1 point, consuming this key; an
    /// invalid point is an error (TLS: `illegal_parameter`).
    pub fn diffie_hellman(self, peer_sec1: &[u8]) -> Result<SharedSecret, Error> {
        match self {
            EcEphemeralSecret::P256(key) => key.diffie_hellman(peer_sec1),
            EcEphemeralSecret::P384(key) => key.diffie_hellman(peer_sec1),
        }
    }
}

impl From<p256::PrivateKey> for EcPrivateKey {
    fn from(key: p256::PrivateKey) -> Self {
        EcPrivateKey::P256(key)
    }
}

impl From<p384::PrivateKey> for EcPrivateKey {
    fn from(key: p384::PrivateKey) -> Self {
        EcPrivateKey::P384(key)
    }
}

impl From<p256::PublicKey> for EcPublicKey {
    fn from(key: p256::PublicKey) -> Self {
        EcPublicKey::P256(key)
    }
}

impl From<p384::PublicKey> for EcPublicKey {
    fn from(key: p384::PublicKey) -> Self {
        EcPublicKey::P384(key)
    }
}
