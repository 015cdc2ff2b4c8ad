//! What the two sides negotiate: cipher suites and named groups (signature
//! schemes are in [`crate::sign`]). Their names come from
//! [`crate::registry`].

use crate::key_schedule::HashAlgorithm;
use crate::messages::KeyExchangeAlgorithm;
use crate::record::AeadAlgorithm;

/// A cipher suite we implement: AES-GCM (RFC 5288 for TLS 1.2, RFC 8446
/// §B.4 for TLS 1.3) or ChaCha20-Poly1305 (RFC 7905, RFC 8446 §B.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CipherSuite {
    /// The IANA code point.
    pub id: u16,
    /// The key exchange (TLS 1.2 only; `None` for TLS 1.3 suites).
    pub kx: Option<KeyExchangeAlgorithm>,
    /// The kind of certificate key that authenticates the server (TLS 1.2
    /// only: TLS 1.3 suites leave it to the signature schemes).
    pub auth: Option<Authentication>,
    /// The AEAD that protects the records.
    pub aead: AeadAlgorithm,
    /// The hash of the PRF / HKDF and the transcript.
    pub hash: HashAlgorithm,
}

impl CipherSuite {
    /// The IANA name, such as `"TLS_AES_128_GCM_SHA256"`.
    pub fn name(&self) -> &'static str {
        match crate::registry::cipher_suite(self.id) {
            crate::registry::CodePoint::Known(entry) => entry.name,
            _ => "unregistered cipher suite",
        }
    }

    /// Whether this is a TLS 1.3 suite.
    pub fn is_tls13(&self) -> bool {
        self.kx.is_none()
    }

    /// The suite with code point `id`, if we implement it.
    pub fn by_id(id: u16) -> Option<CipherSuite> {
        ALL_SUITES.iter().copied().find(|s| s.id == id)
    }

    /// The suite named `name` (IANA name, case-insensitive).
    pub fn by_name(name: &str) -> Option<CipherSuite> {
        ALL_SUITES.iter().copied().find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

/// The kind of certificate key a TLS 1.2 suite needs (RFC 8422 §2 for ECDSA).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authentication {
    /// An RSA key: it signs (EC)DHE parameters, or decrypts the premaster.
    Rsa,
    /// An ECDSA key: it signs ECDHE parameters.
    Ecdsa,
}

const fn suite(
    id: u16,
    kx: Option<KeyExchangeAlgorithm>,
    aead: AeadAlgorithm,
    hash: HashAlgorithm,
) -> CipherSuite {
    let auth = if kx.is_some() { Some(Authentication::Rsa) } else { None };
    CipherSuite { id, kx, auth, aead, hash }
}

const fn ecdsa_suite(id: u16, aead: AeadAlgorithm, hash: HashAlgorithm) -> CipherSuite {
    CipherSuite { id, kx: Some(KeyExchangeAlgorithm::Ecdhe), auth: Some(Authentication::Ecdsa), aead, hash }
}

use AeadAlgorithm::{Aes128Gcm, Aes256Gcm, ChaCha20Poly1305};
use HashAlgorithm::{Sha256, Sha384};
use KeyExchangeAlgorithm::{Dhe, Ecdhe, Rsa};

/// TLS_AES_128_GCM_SHA256 (RFC 8446 §B.4).
pub const TLS13_AES_128_GCM_SHA256: CipherSuite = suite(0x1301, None, Aes128Gcm, Sha256);
/// TLS_AES_256_GCM_SHA384.
pub const TLS13_AES_256_GCM_SHA384: CipherSuite = suite(0x1302, None, Aes256Gcm, Sha384);
/// TLS_CHACHA20_POLY1305_SHA256 (RFC 8446 §B.4, RFC 8439).
pub const TLS13_CHACHA20_POLY1305_SHA256: CipherSuite = suite(0x1303, None, ChaCha20Poly1305, Sha256);
/// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (RFC 5289 §3.2).
pub const ECDHE_ECDSA_AES_128_GCM_SHA256: CipherSuite = ecdsa_suite(0xc02b, Aes128Gcm, Sha256);
/// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384.
pub const ECDHE_ECDSA_AES_256_GCM_SHA384: CipherSuite = ecdsa_suite(0xc02c, Aes256Gcm, Sha384);
/// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905 §2).
pub const ECDHE_ECDSA_CHACHA20_POLY1305_SHA256: CipherSuite = ecdsa_suite(0xcca9, ChaCha20Poly1305, Sha256);
/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5289 §3.2).
pub const ECDHE_RSA_AES_128_GCM_SHA256: CipherSuite = suite(0xc02f, Some(Ecdhe), Aes128Gcm, Sha256);
/// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.
pub const ECDHE_RSA_AES_256_GCM_SHA384: CipherSuite = suite(0xc030, Some(Ecdhe), Aes256Gcm, Sha384);
/// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905 §2).
pub const ECDHE_RSA_CHACHA20_POLY1305_SHA256: CipherSuite =
    suite(0xcca8, Some(Ecdhe), ChaCha20Poly1305, Sha256);
/// TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5288 §3).
pub const DHE_RSA_AES_128_GCM_SHA256: CipherSuite = suite(0x009e, Some(Dhe), Aes128Gcm, Sha256);
/// TLS_DHE_RSA_WITH_AES_256_GCM_SHA384.
pub const DHE_RSA_AES_256_GCM_SHA384: CipherSuite = suite(0x009f, Some(Dhe), Aes256Gcm, Sha384);
/// TLS_RSA_WITH_AES_128_GCM_SHA256 (RFC 5288 §3): RSA key transport.
pub const RSA_AES_128_GCM_SHA256: CipherSuite = suite(0x009c, Some(Rsa), Aes128Gcm, Sha256);
/// TLS_RSA_WITH_AES_256_GCM_SHA384.
pub const RSA_AES_256_GCM_SHA384: CipherSuite = suite(0x009d, Some(Rsa), Aes256Gcm, Sha384);

/// Every suite, in our default order of preference: TLS 1.3 first, then
/// forward-secret ECDHE (with an ECDSA, then an RSA certificate), DHE, and
/// RSA key transport last; AES-GCM before
/// ChaCha20-Poly1305 within each (a server may still pick ChaCha20 for a
/// client that prefers it: [`crate::ServerConfig::prioritize_chacha`]).
pub const ALL_SUITES: [CipherSuite; 13] = [
    TLS13_AES_128_GCM_SHA256,
    TLS13_AES_256_GCM_SHA384,
    TLS13_CHACHA20_POLY1305_SHA256,
    ECDHE_ECDSA_AES_128_GCM_SHA256,
    ECDHE_ECDSA_AES_256_GCM_SHA384,
    ECDHE_ECDSA_CHACHA20_POLY1305_SHA256,
    ECDHE_RSA_AES_128_GCM_SHA256,
    ECDHE_RSA_AES_256_GCM_SHA384,
    ECDHE_RSA_CHACHA20_POLY1305_SHA256,
    DHE_RSA_AES_128_GCM_SHA256,
    DHE_RSA_AES_256_GCM_SHA384,
    RSA_AES_128_GCM_SHA256,
    RSA_AES_256_GCM_SHA384,
];

/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3).
pub const EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00ff;

/// TLS_FALLBACK_SCSV (RFC 7507 §2).
pub const FALLBACK_SCSV: u16 = 0x5600;

/// Named groups (RFC 8446 §4.2.7, RFC 7919, draft-ietf-tls-ecdhe-mlkem).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedGroup {
    /// X25519MLKEM768, 0x11ec: ML-KEM-768 and X25519 together, the hybrid
    /// current browsers send first (draft-ietf-tls-ecdhe-mlkem). TLS 1.3 only.
    X25519MlKem768,
    /// SecP256r1MLKEM768, 0x11eb: P-256 and ML-KEM-768. TLS 1.3 only.
    SecP256r1MlKem768,
    /// X25519 (RFC 7748), code point 29.
    X25519,
    /// secp256r1 (NIST P-256, FIPS 186-5), 23.
    Secp256r1,
    /// secp384r1 (NIST P-384), 24.
    Secp384r1,
    /// ffdhe2048 (RFC 7919), 256.
    Ffdhe2048,
    /// ffdhe3072, 257.
    Ffdhe3072,
}

/// What kind of key exchange a group is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// Elliptic-curve Diffie-Hellman: X25519 (RFC 7748).
    X25519,
    /// Elliptic-curve Diffie-Hellman on a NIST curve (SEC 1 §3.3.1).
    Ec(padlock_ec::Curve),
    /// Finite-field Diffie-Hellman (RFC 7919).
    Ffdhe(padlock_dh::groups::Group),
    /// A post-quantum KEM combined with an ECDH group
    /// (draft-ietf-tls-ecdhe-mlkem): the client sends an encapsulation key,
    /// the server a ciphertext.
    Hybrid,
}

impl NamedGroup {
    /// Every group we implement, in default order of preference: the
    /// post-quantum hybrids first (as browsers and servers now prefer),
    /// then the elliptic curves, then finite fields.
    pub const ALL: [NamedGroup; 7] = [
        NamedGroup::X25519MlKem768,
        NamedGroup::SecP256r1MlKem768,
        NamedGroup::X25519,
        NamedGroup::Secp256r1,
        NamedGroup::Secp384r1,
        NamedGroup::Ffdhe2048,
        NamedGroup::Ffdhe3072,
    ];

    /// The code point.
    pub fn id(self) -> u16 {
        match self {
            NamedGroup::X25519MlKem768 => 0x11ec,
            NamedGroup::SecP256r1MlKem768 => 0x11eb,
            NamedGroup::X25519 => 29,
            NamedGroup::Secp256r1 => 23,
            NamedGroup::Secp384r1 => 24,
            NamedGroup::Ffdhe2048 => 256,
            NamedGroup::Ffdhe3072 => 257,
        }
    }

    /// The group with code point `id`, if we implement it.
    pub fn by_id(id: u16) -> Option<NamedGroup> {
        NamedGroup::ALL.into_iter().find(|g| g.id() == id)
    }

    /// The group named `name` (the IANA name, case-insensitive: "x25519",
    /// "secp256r1", "X25519MLKEM768", "ffdhe2048", ...).
    pub fn by_name(name: &str) -> Option<NamedGroup> {
        NamedGroup::ALL.into_iter().find(|g| g.name().eq_ignore_ascii_case(name))
    }

    /// The IANA name, such as `"x25519"`.
    pub fn name(self) -> &'static str {
        match crate::registry::group(self.id()) {
            crate::registry::CodePoint::Known(entry) => entry.name,
            _ => "unregistered group",
        }
    }

    /// What kind of key exchange it is.
    pub fn kind(self) -> GroupKind {
        match self {
            NamedGroup::X25519MlKem768 | NamedGroup::SecP256r1MlKem768 => GroupKind::Hybrid,
            NamedGroup::X25519 => GroupKind::X25519,
            NamedGroup::Secp256r1 => GroupKind::Ec(padlock_ec::Curve::P256),
            NamedGroup::Secp384r1 => GroupKind::Ec(padlock_ec::Curve::P384),
            NamedGroup::Ffdhe2048 => GroupKind::Ffdhe(padlock_dh::groups::FFDHE2048),
            NamedGroup::Ffdhe3072 => GroupKind::Ffdhe(padlock_dh::groups::FFDHE3072),
        }
    }

    /// Whether it is a finite-field group.
    pub fn is_ffdhe(self) -> bool {
        matches!(self.kind(), GroupKind::Ffdhe(_))
    }

    /// The finite-field group parameters.
    pub fn ffdhe(self) -> Option<padlock_dh::groups::Group> {
        match self.kind() {
            GroupKind::Ffdhe(group) => Some(group),
            _ => None,
        }
    }

    /// Whether TLS 1.2 ECDHE can use it (RFC 8422 §5.1.1: the named curves).
    pub fn is_tls12_ecdhe(self) -> bool {
        matches!(self.kind(), GroupKind::X25519 | GroupKind::Ec(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    /// The registry's `implemented` flags say exactly what this module negotiates.
    #[test]
    fn the_registry_knows_what_we_implement() {
        for entry in registry::CIPHER_SUITES {
            assert_eq!(CipherSuite::by_id(entry.code).is_some(), entry.implemented, "{}", entry.name);
        }
        for entry in registry::GROUPS {
            assert_eq!(NamedGroup::by_id(entry.code).is_some(), entry.implemented, "{}", entry.name);
        }
        for suite in ALL_SUITES {
            assert!(registry::cipher_suite(suite.id).implemented(), "{}", suite.name());
        }
    }
}
