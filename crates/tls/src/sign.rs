//! Signatures in the handshake: the signature schemes of RFC 8446 §4.2.3,
//! the key a server signs with (the private half of its certificate's key)
//! and the key a client checks with (the public key in the server's
//! certificate).
//!
//! A server signs its CertificateVerify (TLS 1.3, RFC 8446 §4.4.3) or its
//! ServerKeyExchange (TLS 1.2 (EC)DHE, RFC 5246 §7.4.3); the client verifies
//! with the scheme the signature names, which must be one it offered. RSA key
//! transport signs nothing.
//!
//! RSA keys come in two kinds, and RFC 8446 §4.2.3 gives each its own PSS
//! schemes: an rsaEncryption key (any RSA scheme) signs with rsa_pss_rsae_*,
//! an id-RSASSA-PSS key (RFC 4055 §1.2: PSS only, within its parameters)
//! with rsa_pss_pss_*. The code point tells the peer which kind of key to
//! expect in the certificate, so a signature cannot be taken from one kind
//! of key to the other; a PSS key never decrypts, so it never serves TLS 1.2
//! RSA key transport either.

use std::sync::Arc;

use padlock_ec::{Curve, EcPrivateKey, EcPublicKey};
use padlock_rsa::{PssHash, PssParams, RsaPrivateKey, RsaPssPrivateKey, RsaPssPublicKey, RsaPublicKey};
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
    /// ecdsa_secp256r1_sha256 (0x0403): ECDSA with SHA-256; in TLS 1.3 on
    /// P-256 only (in TLS 1.2 the code means SHA-256 with ECDSA on any curve).
    EcdsaSecp256r1Sha256,
    /// ecdsa_secp384r1_sha384 (0x0503).
    EcdsaSecp384r1Sha384,
    // --- RSA-PSS keys (id-RSASSA-PSS), RFC 8446 §4.2.3 ---
    /// rsa_pss_pss_sha256 (0x0809): RSASSA-PSS with SHA-256 (MGF1 too) and a
    /// 32-byte salt, by a key whose certificate says id-RSASSA-PSS.
    RsaPssPssSha256,
    /// rsa_pss_pss_sha384 (0x080a).
    RsaPssPssSha384,
    /// rsa_pss_pss_sha512 (0x080b).
    RsaPssPssSha512,
}

impl SignatureScheme {
    /// Every scheme in our order of preference: ECDSA (small and fast),
    /// then RSA-PSS (rsaEncryption keys, then RSA-PSS keys), then PKCS#1 v1.5.
    pub const ALL: [SignatureScheme; 11] = [
        SignatureScheme::EcdsaSecp256r1Sha256,
        SignatureScheme::EcdsaSecp384r1Sha384,
        SignatureScheme::RsaPssRsaeSha256,
        SignatureScheme::RsaPssRsaeSha384,
        SignatureScheme::RsaPssRsaeSha512,
        SignatureScheme::RsaPssPssSha256,
        SignatureScheme::RsaPssPssSha384,
        SignatureScheme::RsaPssPssSha512,
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
            SignatureScheme::EcdsaSecp256r1Sha256 => 0x0403,
            SignatureScheme::EcdsaSecp384r1Sha384 => 0x0503,
            SignatureScheme::RsaPssPssSha256 => 0x0809,
            SignatureScheme::RsaPssPssSha384 => 0x080a,
            SignatureScheme::RsaPssPssSha512 => 0x080b,
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

    /// The kind of key that makes signatures of this scheme, in `version`:
    /// TLS 1.3 ties each ECDSA scheme to its curve (RFC 8446 §4.2.3); TLS
    /// 1.2's codes name only the hash (RFC 5246 §7.4.1.4.1).
    fn key_type(self, version: ProtocolVersion) -> KeyType {
        let curve = |curve| {
            if version == ProtocolVersion::Tls13 { KeyType::Ec(Some(curve)) } else { KeyType::Ec(None) }
        };
        match self {
            SignatureScheme::EcdsaSecp256r1Sha256 => curve(Curve::P256),
            SignatureScheme::EcdsaSecp384r1Sha384 => curve(Curve::P384),
            // RSA-PSS keys: the rsa_pss_pss schemes and no others.
            SignatureScheme::RsaPssPssSha256
            | SignatureScheme::RsaPssPssSha384
            | SignatureScheme::RsaPssPssSha512 => KeyType::RsaPss,
            _ => KeyType::Rsa,
        }
    }

    /// The RSASSA-PSS parameters of an rsa_pss_pss scheme: its hash for the
    /// message and MGF1, and (RFC 8446 §4.2.3) "the length of the Salt MUST
    /// be equal to the length of the output of the digest algorithm".
    fn pss_params(self) -> Option<PssParams> {
        match self {
            SignatureScheme::RsaPssPssSha256 => Some(PssParams::for_hash(PssHash::Sha256)),
            SignatureScheme::RsaPssPssSha384 => Some(PssParams::for_hash(PssHash::Sha384)),
            SignatureScheme::RsaPssPssSha512 => Some(PssParams::for_hash(PssHash::Sha512)),
            _ => None,
        }
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
    /// ([`SigningKey::can_sign`]). ECDSA signs with RFC 6979 nonces, so a
    /// seeded handshake stays reproducible.
    pub fn sign(self, key: &SigningKey, message: &[u8], rng: &mut dyn CryptoRng) -> Result<Vec<u8>, Error> {
        use padlock_sha::{Sha256, Sha384, Sha512};
        let signed = match (self, key) {
            (SignatureScheme::EcdsaSecp256r1Sha256, SigningKey::Ecdsa(key)) => {
                Ok(key.sign::<Sha256>(message))
            }
            (SignatureScheme::EcdsaSecp384r1Sha384, SigningKey::Ecdsa(key)) => {
                Ok(key.sign::<Sha384>(message))
            }
            (SignatureScheme::RsaPkcs1Sha256, SigningKey::Rsa(key)) => {
                key.sign_pkcs1v15::<Sha256, _>(message, rng)
            }
            (SignatureScheme::RsaPkcs1Sha384, SigningKey::Rsa(key)) => {
                key.sign_pkcs1v15::<Sha384, _>(message, rng)
            }
            (SignatureScheme::RsaPkcs1Sha512, SigningKey::Rsa(key)) => {
                key.sign_pkcs1v15::<Sha512, _>(message, rng)
            }
            (SignatureScheme::RsaPssRsaeSha256, SigningKey::Rsa(key)) => {
                key.sign_pss::<Sha256, _>(message, rng)
            }
            (SignatureScheme::RsaPssRsaeSha384, SigningKey::Rsa(key)) => {
                key.sign_pss::<Sha384, _>(message, rng)
            }
            (SignatureScheme::RsaPssRsaeSha512, SigningKey::Rsa(key)) => {
                key.sign_pss::<Sha512, _>(message, rng)
            }
            // An RSA-PSS key, within its own parameters too (RFC 4055 §3.3).
            (_, SigningKey::RsaPss(key)) => match self.pss_params() {
                Some(params) => key.sign(message, &params, rng),
                None => return Err(self.unfit()),
            },
            _ => return Err(self.unfit()),
        };
        signed.map_err(|e| Error::Internal(format!("signing with {}: {e}", self.name())))
    }

    /// The error for a scheme asked of a key that cannot make it.
    fn unfit(self) -> Error {
        Error::Internal(format!("{} does not fit the server's key", self.name()))
    }

    /// Whether `signature` over `message` verifies with `key` under this
    /// scheme. (RFC 8446 §4.2.3: the rsa_pss_rsae schemes use a salt as long
    /// as the hash, which padlock-rsa's `verify_pss` requires.)
    pub fn verify(self, key: &VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
        use padlock_sha::{Sha256, Sha384, Sha512};
        match (self, key) {
            (SignatureScheme::EcdsaSecp256r1Sha256, VerifyingKey::Ecdsa(key)) => {
                key.verify::<Sha256>(message, signature).is_ok()
            }
            (SignatureScheme::EcdsaSecp384r1Sha384, VerifyingKey::Ecdsa(key)) => {
                key.verify::<Sha384>(message, signature).is_ok()
            }
            (SignatureScheme::RsaPkcs1Sha256, VerifyingKey::Rsa(key)) => {
                key.verify_pkcs1v15::<Sha256>(message, signature).is_ok()
            }
            (SignatureScheme::RsaPkcs1Sha384, VerifyingKey::Rsa(key)) => {
                key.verify_pkcs1v15::<Sha384>(message, signature).is_ok()
            }
            (SignatureScheme::RsaPkcs1Sha512, VerifyingKey::Rsa(key)) => {
                key.verify_pkcs1v15::<Sha512>(message, signature).is_ok()
            }
            (SignatureScheme::RsaPssRsaeSha256, VerifyingKey::Rsa(key)) => {
                key.verify_pss::<Sha256>(message, signature).is_ok()
            }
            (SignatureScheme::RsaPssRsaeSha384, VerifyingKey::Rsa(key)) => {
                key.verify_pss::<Sha384>(message, signature).is_ok()
            }
            (SignatureScheme::RsaPssRsaeSha512, VerifyingKey::Rsa(key)) => {
                key.verify_pss::<Sha512>(message, signature).is_ok()
            }
            // An RSA-PSS key, within its own parameters too (RFC 4055 §3.3).
            (_, VerifyingKey::RsaPss(key)) => {
                self.pss_params().is_some_and(|params| key.verify(message, signature, &params).is_ok())
            }
            _ => false,
        }
    }

    /// Whether a peer's certificate key can make signatures of this scheme
    /// in `version` (the scheme a peer used must fit its key). RFC 8446
    /// §4.2.3: rsa_pss_rsae needs an rsaEncryption key, rsa_pss_pss an
    /// id-RSASSA-PSS key whose parameters allow the scheme's.
    pub fn fits(self, key: &VerifyingKey, version: ProtocolVersion) -> bool {
        match (self.key_type(version), key) {
            (KeyType::Rsa, VerifyingKey::Rsa(_)) => true,
            (KeyType::RsaPss, VerifyingKey::RsaPss(key)) => {
                self.pss_params().is_some_and(|params| key.permits(&params).is_ok())
            }
            (KeyType::Ec(None), VerifyingKey::Ecdsa(_)) => true,
            (KeyType::Ec(Some(curve)), VerifyingKey::Ecdsa(key)) => key.curve() == curve,
            _ => false,
        }
    }
}

/// The kinds of key a scheme signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyType {
    /// RSA (rsaEncryption).
    Rsa,
    /// ECDSA, on the curve given (TLS 1.3) or any (TLS 1.2).
    Ec(Option<Curve>),
    /// RSA restricted to PSS (id-RSASSA-PSS).
    RsaPss,
}

/// The private key a server signs its handshake with.
#[derive(Clone)]
pub enum SigningKey {
    /// An RSA key (rsaEncryption): PKCS#1 v1.5 and PSS "rsae" schemes, and
    /// RSA key transport in TLS 1.2.
    Rsa(Arc<RsaPrivateKey>),
    /// An ECDSA key on P-256 or P-384 (id-ecPublicKey).
    Ecdsa(Arc<EcPrivateKey>),
    /// An RSA-PSS key (id-RSASSA-PSS): the rsa_pss_pss schemes its
    /// parameters allow, and never RSA key transport.
    RsaPss(Arc<RsaPssPrivateKey>),
}

impl SigningKey {
    /// Whether this key can make signatures of `scheme` in `version`.
    pub fn can_sign(&self, scheme: SignatureScheme, version: ProtocolVersion) -> bool {
        match (self, scheme.key_type(version)) {
            (SigningKey::Rsa(_), KeyType::Rsa) => true,
            (SigningKey::RsaPss(key), KeyType::RsaPss) => {
                scheme.pss_params().is_some_and(|params| key.public_key().permits(&params).is_ok())
            }
            (SigningKey::Ecdsa(_), KeyType::Ec(None)) => true,
            (SigningKey::Ecdsa(key), KeyType::Ec(Some(curve))) => key.curve() == curve,
            _ => false,
        }
    }

    /// The RSA key, for TLS 1.2 RSA key transport.
    pub fn rsa(&self) -> Option<&RsaPrivateKey> {
        match self {
            SigningKey::Rsa(key) => Some(key),
            // RFC 4055 §1.2: an RSA-PSS key is for RSASSA-PSS only; it never decrypts.
            SigningKey::Ecdsa(_) | SigningKey::RsaPss(_) => None,
        }
    }

    /// Whether it is an ECDSA key (TLS 1.2 ECDHE_ECDSA suites need one).
    pub fn is_ecdsa(&self) -> bool {
        matches!(self, SigningKey::Ecdsa(_))
    }
}

impl From<Arc<RsaPrivateKey>> for SigningKey {
    fn from(key: Arc<RsaPrivateKey>) -> SigningKey {
        SigningKey::Rsa(key)
    }
}

impl From<Arc<EcPrivateKey>> for SigningKey {
    fn from(key: Arc<EcPrivateKey>) -> SigningKey {
        SigningKey::Ecdsa(key)
    }
}

impl From<Arc<RsaPssPrivateKey>> for SigningKey {
    fn from(key: Arc<RsaPssPrivateKey>) -> SigningKey {
        SigningKey::RsaPss(key)
    }
}

/// The public key in the peer's certificate, which its handshake
/// signatures must verify under.
#[derive(Clone, Debug)]
pub enum VerifyingKey {
    /// An RSA key.
    Rsa(RsaPublicKey),
    /// An ECDSA key on P-256 or P-384.
    Ecdsa(EcPublicKey),
    /// An RSA-PSS key (id-RSASSA-PSS), with its parameters if it has any.
    RsaPss(RsaPssPublicKey),
}

impl VerifyingKey {
    /// The subject public key of `certificate`, if it is of a kind we verify.
    pub fn from_certificate(certificate: &Certificate) -> Result<VerifyingKey, Error> {
        let key = &certificate.public_key;
        if let Ok(ec) = key.ec_key() {
            return Ok(VerifyingKey::Ecdsa(ec));
        }
        if let Ok(pss) = key.rsa_pss_key() {
            return Ok(VerifyingKey::RsaPss(pss));
        }
        key.rsa_key().map(VerifyingKey::Rsa).map_err(|why| {
            Error::UnsupportedCertificate(format!(
                "the certificate's key is not one we can verify with: {why}"
            ))
        })
    }

    /// The RSA key, for TLS 1.2 RSA key transport.
    pub fn rsa(&self) -> Option<&RsaPublicKey> {
        match self {
            VerifyingKey::Rsa(key) => Some(key),
            // RFC 4055 §1.2: nothing is encrypted to an RSA-PSS key.
            VerifyingKey::Ecdsa(_) | VerifyingKey::RsaPss(_) => None,
        }
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
