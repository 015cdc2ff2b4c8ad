//! What the two sides negotiate: cipher suites and named groups (signature
//! schemes are in [`crate::sign`]). Their names come from
//! [`crate::registry`].

use crate::key_schedule::HashAlgorithm;
use crate::messages::KeyExchangeAlgorithm;

/// A cipher suite we implement: all AES-GCM (RFC 5288 for TLS 1.2, RFC 8446
/// §B.4 for TLS 1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CipherSuite {
    /// The IANA code point.
    pub id: u16,
    /// The key exchange (TLS 1.2 only; `None` for TLS 1.3 suites).
    pub kx: Option<KeyExchangeAlgorithm>,
    /// AES key length in bytes.
    pub key_len: usize,
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

const fn suite(
    id: u16,
    kx: Option<KeyExchangeAlgorithm>,
    key_len: usize,
    hash: HashAlgorithm,
) -> CipherSuite {
    CipherSuite { id, kx, key_len, hash }
}

use HashAlgorithm::{Sha256, Sha384};
use KeyExchangeAlgorithm::{Dhe, Ecdhe, Rsa};

/// TLS_AES_128_GCM_SHA256 (RFC 8446 §B.4).
pub const TLS13_AES_128_GCM_SHA256: CipherSuite = suite(0x1301, None, 16, Sha256);
/// TLS_AES_256_GCM_SHA384.
pub const TLS13_AES_256_GCM_SHA384: CipherSuite = suite(0x1302, None, 32, Sha384);
/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5289 §3.2).
pub const ECDHE_RSA_AES_128_GCM_SHA256: CipherSuite = suite(0xc02f, Some(Ecdhe), 16, Sha256);
/// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.
pub const ECDHE_RSA_AES_256_GCM_SHA384: CipherSuite = suite(0xc030, Some(Ecdhe), 32, Sha384);
/// TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5288 §3).
pub const DHE_RSA_AES_128_GCM_SHA256: CipherSuite = suite(0x009e, Some(Dhe), 16, Sha256);
/// TLS_DHE_RSA_WITH_AES_256_GCM_SHA384.
pub const DHE_RSA_AES_256_GCM_SHA384: CipherSuite = suite(0x009f, Some(Dhe), 32, Sha384);
/// TLS_RSA_WITH_AES_128_GCM_SHA256 (RFC 5288 §3): RSA key transport.
pub const RSA_AES_128_GCM_SHA256: CipherSuite = suite(0x009c, Some(Rsa), 16, Sha256);
/// TLS_RSA_WITH_AES_256_GCM_SHA384.
pub const RSA_AES_256_GCM_SHA384: CipherSuite = suite(0x009d, Some(Rsa), 32, Sha384);

/// Every suite, in our default order of preference: TLS 1.3 first, then
/// forward-secret ECDHE, DHE, and RSA key transport last.
pub const ALL_SUITES: [CipherSuite; 8] = [
    TLS13_AES_128_GCM_SHA256,
    TLS13_AES_256_GCM_SHA384,
    ECDHE_RSA_AES_128_GCM_SHA256,
    ECDHE_RSA_AES_256_GCM_SHA384,
    DHE_RSA_AES_128_GCM_SHA256,
    DHE_RSA_AES_256_GCM_SHA384,
    RSA_AES_128_GCM_SHA256,
    RSA_AES_256_GCM_SHA384,
];

/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3).
pub const EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00ff;

/// TLS_FALLBACK_SCSV (RFC 7507 §2).
pub const FALLBACK_SCSV: u16 = 0x5600;

/// Named groups (RFC 8446 §4.2.7, RFC 7919).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedGroup {
    /// X25519 (RFC 7748), code point 29.
    X25519,
    /// ffdhe2048 (RFC 7919), 256.
    Ffdhe2048,
    /// ffdhe3072, 257.
    Ffdhe3072,
}

impl NamedGroup {
    /// Every group we implement, in default order of preference.
    pub const ALL: [NamedGroup; 3] = [NamedGroup::X25519, NamedGroup::Ffdhe2048, NamedGroup::Ffdhe3072];

    /// The code point.
    pub fn id(self) -> u16 {
        match self {
            NamedGroup::X25519 => 29,
            NamedGroup::Ffdhe2048 => 256,
            NamedGroup::Ffdhe3072 => 257,
        }
    }

    /// The group with code point `id`, if we implement it.
    pub fn by_id(id: u16) -> Option<NamedGroup> {
        NamedGroup::ALL.into_iter().find(|g| g.id() == id)
    }

    /// The group named `name` ("x25519", "ffdhe2048", "ffdhe3072").
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

    /// Whether it is a finite-field group.
    pub fn is_ffdhe(self) -> bool {
        !matches!(self, NamedGroup::X25519)
    }

    /// The finite-field group parameters.
    pub fn ffdhe(self) -> Option<padlock_dh::groups::Group> {
        match self {
            NamedGroup::X25519 => None,
            NamedGroup::Ffdhe2048 => Some(padlock_dh::groups::FFDHE2048),
            NamedGroup::Ffdhe3072 => Some(padlock_dh::groups::FFDHE3072),
        }
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
