//! Signatures in the handshake: the signature schemes of RFC 8446 §4.2.3,
//! the key a server signs with (the private half of its certificate's key)
//! and the key a client checks with (the public key in the server's
//! certificate).
//!
//! A server signs its CertificateVerify (TLS 1.3, RFC 8446 §4.4.3) or its
//! ServerKeyExchange (TLS 1.2 (EC)DHE, RFC 5246 §7.4.3); the client verifies
//! with the scheme the signature names, which must be one it offered. RSA key
//! transport signs nothing.

use std::sync::Arc;

use padlock_rsa::{RsaPrivateKey, RsaPublicKey};
use padlock_x509::Certificate;
use rand_core::CryptoRng;

use crate::Error;
use crate::messages::ProtocolVersion;

/// Signature schemes (RFC 8446 §4.2.3) Padlock signs and verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureScheme {
    /// rsa_pkcs1_sha256 (0x0401): TLS 1.2 only.
    RsaPkcs1Sha256,
    /// rsa_pkcs1_sha384 (0x0501).
    RsaPkcs1Sha384,
    /// rsa_pkcs1_sha512 (0x0601).
    RsaPkcs1Sha512,
    /// rsa_pss_rsae_sha256 (0x0804).
    RsaPssRsaeSha256,
    /// rsa_pss_rsae_sha384 (0x0805).
    RsaPssRsaeSha384,
    /// rsa_pss_rsae_sha512 (0x0806).
    RsaPssRsaeSha512,
}

impl SignatureScheme {
    /// Every scheme, PSS first (our preference).
    pub const ALL: [SignatureScheme; 6] = [
        SignatureScheme::RsaPssRsaeSha256,
        SignatureScheme::RsaPssRsaeSha384,
        SignatureScheme::RsaPssRsaeSha512,
        SignatureScheme::RsaPkcs1Sha256,
        SignatureScheme::RsaPkcs1Sha384,
        SignatureScheme::RsaPkcs1Sha512,
    ];

    /// The code point.
    pub fn id(self) -> u16 {
        match self {
            SignatureScheme::RsaPkcs1Sha256 => 0x0401,
            SignatureScheme::RsaPkcs1Sha384 => 0x0501,
            SignatureScheme::RsaPkcs1Sha512 => 0x0601,
            SignatureScheme::RsaPssRsaeSha256 => 0x0804,
            SignatureScheme::RsaPssRsaeSha384 => 0x0805,
            SignatureScheme::RsaPssRsaeSha512 => 0x0806,
        }
    }

    /// The scheme with code point `id`, if we implement it.
    pub fn by_id(id: u16) -> Option<SignatureScheme> {
        SignatureScheme::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The IANA name, such as `"rsa_pss_rsae_sha256"`.
    pub fn name(self) -> &'static str {
        match crate::registry::signature_scheme(self.id()) {
            crate::registry::CodePoint::Known(entry) => entry.name,
            _ => "unregistered signature scheme",
        }
    }

    /// Whether the scheme may sign in `version`: RFC 8446 §4.4.3 forbids
    /// RSASSA-PKCS1-v1_5 in TLS 1.3 handshake signatures.
    pub fn allowed_in(self, version: ProtocolVersion) -> bool {
        version == ProtocolVersion::Tls12 || !self.is_pkcs1()
    }

    /// The kind of key that makes signatures of this scheme.
    fn key_type(self) -> KeyType {
        KeyType::Rsa
    }

    fn is_pkcs1(self) -> bool {
        matches!(
            self,
            SignatureScheme::RsaPkcs1Sha256
                | SignatureScheme::RsaPkcs1Sha384
                | SignatureScheme::RsaPkcs1Sha512
        )
    }

    /// Signs `message` with `key`. The scheme must suit the key
    /// ([`SigningKey::can_sign`]).
    pub fn sign(self, key: &SigningKey, message: &[u8], rng: &mut dyn CryptoRng) -> Result<Vec<u8>, Error> {
        use padlock_sha::{Sha256, Sha384, Sha512};
        let SigningKey::Rsa(key) = key;
        let signed = match self {
            SignatureScheme::RsaPkcs1Sha256 => key.sign_pkcs1v15::<Sha256, _>(message, rng),
            SignatureScheme::RsaPkcs1Sha384 => key.sign_pkcs1v15::<Sha384, _>(message, rng),
            SignatureScheme::RsaPkcs1Sha512 => key.sign_pkcs1v15::<Sha512, _>(message, rng),
            SignatureScheme::RsaPssRsaeSha256 => key.sign_pss::<Sha256, _>(message, rng),
            SignatureScheme::RsaPssRsaeSha384 => key.sign_pss::<Sha384, _>(message, rng),
            SignatureScheme::RsaPssRsaeSha512 => key.sign_pss::<Sha512, _>(message, rng),
        };
        signed.map_err(|e| Error::Internal(format!("signing with {}: {e}", self.name())))
    }

    /// Whether `signature` over `message` verifies with `key` under this scheme.
    pub fn verify(self, key: &VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
        use padlock_sha::{Sha256, Sha384, Sha512};
        let VerifyingKey::Rsa(key) = key;
        let result = match self {
            SignatureScheme::RsaPkcs1Sha256 => key.verify_pkcs1v15::<Sha256>(message, signature),
            SignatureScheme::RsaPkcs1Sha384 => key.verify_pkcs1v15::<Sha384>(message, signature),
            SignatureScheme::RsaPkcs1Sha512 => key.verify_pkcs1v15::<Sha512>(message, signature),
            // RFC 8446 §4.2.3: the salt is as long as the hash; `verify_pss` requires that.
            SignatureScheme::RsaPssRsaeSha256 => key.verify_pss::<Sha256>(message, signature),
            SignatureScheme::RsaPssRsaeSha384 => key.verify_pss::<Sha384>(message, signature),
            SignatureScheme::RsaPssRsaeSha512 => key.verify_pss::<Sha512>(message, signature),
        };
        result.is_ok()
    }
}

/// The kinds of key a scheme signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyType {
    /// RSA (rsaEncryption).
    Rsa,
}

/// The private key a server signs its handshake with.
#[derive(Clone)]
pub enum SigningKey {
    /// An RSA key (rsaEncryption): PKCS#1 v1.5 and PSS "rsae" schemes, and
    /// RSA key transport in TLS 1.2.
    Rsa(Arc<RsaPrivateKey>),
}

impl SigningKey {
    /// Whether this key can make signatures of `scheme`.
    pub fn can_sign(&self, scheme: SignatureScheme) -> bool {
        match (self, scheme.key_type()) {
            (SigningKey::Rsa(_), KeyType::Rsa) => true,
        }
    }

    /// The RSA key, for TLS 1.2 RSA key transport.
    pub fn rsa(&self) -> Option<&RsaPrivateKey> {
        let SigningKey::Rsa(key) = self;
        Some(key)
    }
}

impl From<Arc<RsaPrivateKey>> for SigningKey {
    fn from(key: Arc<RsaPrivateKey>) -> SigningKey {
        SigningKey::Rsa(key)
    }
}

/// The public key in the peer's certificate, which its handshake
/// signatures must verify under.
#[derive(Clone, Debug)]
pub enum VerifyingKey {
    /// An RSA key.
    Rsa(RsaPublicKey),
}

impl VerifyingKey {
    /// The subject public key of `certificate`, if it is of a kind we verify.
    pub fn from_certificate(certificate: &Certificate) -> Result<VerifyingKey, Error> {
        certificate.public_key.rsa_key().map(VerifyingKey::Rsa).map_err(|why| {
            Error::UnsupportedCertificate(format!(
                "the certificate's key is not one we can verify with: {why}"
            ))
        })
    }

    /// The RSA key, for TLS 1.2 RSA key transport.
    pub fn rsa(&self) -> Option<&RsaPublicKey> {
        let VerifyingKey::Rsa(key) = self;
        Some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_knows_every_scheme_we_implement() {
        for entry in crate::registry::SIGNATURE_SCHEMES {
            assert_eq!(SignatureScheme::by_id(entry.code).is_some(), entry.implemented, "{}", entry.name);
        }
    }
}
