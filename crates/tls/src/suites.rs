//! What the two sides negotiate: cipher suites, named groups and signature
//! schemes, with their IANA code points and names.

use crate::key_schedule::HashAlgorithm;
use crate::messages::KeyExchangeAlgorithm;

/// A cipher suite we implement: all AES-GCM (RFC 5288 for TLS 1.2, RFC 8446
/// §B.4 for TLS 1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CipherSuite {
    /// The IANA code point.
    pub id: u16,
    /// The IANA name, such as `"TLS_AES_128_GCM_SHA256"`.
    pub name: &'static str,
    /// The key exchange (TLS 1.2 only; `None` for TLS 1.3 suites).
    pub kx: Option<KeyExchangeAlgorithm>,
    /// AES key length in bytes.
    pub key_len: usize,
    /// The hash of the PRF / HKDF and the transcript.
    pub hash: HashAlgorithm,
}

impl CipherSuite {
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
        ALL_SUITES.iter().copied().find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

const fn suite(
    id: u16,
    name: &'static str,
    kx: Option<KeyExchangeAlgorithm>,
    key_len: usize,
    hash: HashAlgorithm,
) -> CipherSuite {
    CipherSuite { id, name, kx, key_len, hash }
}

use HashAlgorithm::{Sha256, Sha384};
use KeyExchangeAlgorithm::{Dhe, Ecdhe, Rsa};

/// TLS_AES_128_GCM_SHA256 (RFC 8446 §B.4).
pub const TLS13_AES_128_GCM_SHA256: CipherSuite = suite(0x1301, "TLS_AES_128_GCM_SHA256", None, 16, Sha256);
/// TLS_AES_256_GCM_SHA384.
pub const TLS13_AES_256_GCM_SHA384: CipherSuite = suite(0x1302, "TLS_AES_256_GCM_SHA384", None, 32, Sha384);
/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5289 §3.2).
pub const ECDHE_RSA_AES_128_GCM_SHA256: CipherSuite =
    suite(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Some(Ecdhe), 16, Sha256);
/// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.
pub const ECDHE_RSA_AES_256_GCM_SHA384: CipherSuite =
    suite(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Some(Ecdhe), 32, Sha384);
/// TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5288 §3).
pub const DHE_RSA_AES_128_GCM_SHA256: CipherSuite =
    suite(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Some(Dhe), 16, Sha256);
/// TLS_DHE_RSA_WITH_AES_256_GCM_SHA384.
pub const DHE_RSA_AES_256_GCM_SHA384: CipherSuite =
    suite(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Some(Dhe), 32, Sha384);
/// TLS_RSA_WITH_AES_128_GCM_SHA256 (RFC 5288 §3): RSA key transport.
pub const RSA_AES_128_GCM_SHA256: CipherSuite =
    suite(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", Some(Rsa), 16, Sha256);
/// TLS_RSA_WITH_AES_256_GCM_SHA384.
pub const RSA_AES_256_GCM_SHA384: CipherSuite =
    suite(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", Some(Rsa), 32, Sha384);

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

/// A suite name for a code point we may not implement.
pub fn suite_name(id: u16) -> String {
    match CipherSuite::by_id(id) {
        Some(suite) => suite.name.to_string(),
        None if id == EMPTY_RENEGOTIATION_INFO_SCSV => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV".into(),
        None => format!("0x{id:04x}"),
    }
}

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

    /// The IANA name.
    pub fn name(self) -> &'static str {
        match self {
            NamedGroup::X25519 => "x25519",
            NamedGroup::Ffdhe2048 => "ffdhe2048",
            NamedGroup::Ffdhe3072 => "ffdhe3072",
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

/// A group name for any code point.
pub fn group_name(id: u16) -> String {
    match NamedGroup::by_id(id) {
        Some(group) => group.name().to_string(),
        None => match id {
            23 => "secp256r1".into(),
            24 => "secp384r1".into(),
            25 => "secp521r1".into(),
            30 => "x448".into(),
            258 => "ffdhe4096".into(),
            259 => "ffdhe6144".into(),
            260 => "ffdhe8192".into(),
            other => format!("0x{other:04x}"),
        },
    }
}

/// RSA signature schemes (RFC 8446 §4.2.3).
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

    /// Whether it is RSASSA-PSS (the only kind TLS 1.3 allows, RFC 8446 §4.4.3).
    pub fn is_pss(self) -> bool {
        matches!(
            self,
            SignatureScheme::RsaPssRsaeSha256
                | SignatureScheme::RsaPssRsaeSha384
                | SignatureScheme::RsaPssRsaeSha512
        )
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        match self {
            SignatureScheme::RsaPkcs1Sha256 => "rsa_pkcs1_sha256",
            SignatureScheme::RsaPkcs1Sha384 => "rsa_pkcs1_sha384",
            SignatureScheme::RsaPkcs1Sha512 => "rsa_pkcs1_sha512",
            SignatureScheme::RsaPssRsaeSha256 => "rsa_pss_rsae_sha256",
            SignatureScheme::RsaPssRsaeSha384 => "rsa_pss_rsae_sha384",
            SignatureScheme::RsaPssRsaeSha512 => "rsa_pss_rsae_sha512",
        }
    }

    /// Signs `message` with `key`.
    pub fn sign(
        self,
        key: &padlock_rsa::RsaPrivateKey,
        message: &[u8],
        rng: &mut dyn rand_core::CryptoRng,
    ) -> Result<Vec<u8>, padlock_rsa::Error> {
        use padlock_sha::{Sha256, Sha384, Sha512};
        match self {
            SignatureScheme::RsaPkcs1Sha256 => key.sign_pkcs1v15::<Sha256, _>(message, rng),
            SignatureScheme::RsaPkcs1Sha384 => key.sign_pkcs1v15::<Sha384, _>(message, rng),
            SignatureScheme::RsaPkcs1Sha512 => key.sign_pkcs1v15::<Sha512, _>(message, rng),
            SignatureScheme::RsaPssRsaeSha256 => key.sign_pss::<Sha256, _>(message, rng),
            SignatureScheme::RsaPssRsaeSha384 => key.sign_pss::<Sha384, _>(message, rng),
            SignatureScheme::RsaPssRsaeSha512 => key.sign_pss::<Sha512, _>(message, rng),
        }
    }

    /// Verifies `signature` over `message` with `key`.
    pub fn verify(self, key: &padlock_rsa::RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
        use padlock_sha::{Sha256, Sha384, Sha512};
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

/// A scheme name for any code point.
pub fn scheme_name(id: u16) -> String {
    match SignatureScheme::by_id(id) {
        Some(scheme) => scheme.name().to_string(),
        None => format!("0x{id:04x}"),
    }
}
