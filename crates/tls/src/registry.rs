//! The IANA TLS registries, as far as a real client uses them: every cipher
//! suite, named group, signature scheme and extension a current browser,
//! curl or OpenSSL puts in its ClientHello, with its registry name and
//! whether Padlock implements it. The one place code points get names:
//! the rest of the crate, traces and the CLI's annotated dumps all ask here.
//!
//! Sources: the IANA "Transport Layer Security (TLS) Parameters" registry
//! (cipher suites, supported groups, extension types, signature schemes),
//! RFC 8446 §4.2.3 and §4.2.7, RFC 8701 (GREASE), and
//! draft-ietf-tls-ecdhe-mlkem (the hybrid groups).
//!
//! `implemented` says what this crate negotiates; a test checks it against
//! [`crate::suites`], so the two cannot drift apart.

/// One registered code point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The code point.
    pub code: u16,
    /// The registry's name.
    pub name: &'static str,
    /// Whether Padlock implements it.
    pub implemented: bool,
}

/// What a code point is, as far as the registry knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePoint {
    /// A registered value.
    Known(Entry),
    /// A GREASE value (RFC 8701 §2): reserved so that peers learn to ignore
    /// what they do not know.
    Grease,
    /// Not in our tables.
    Unknown,
}

impl CodePoint {
    /// The registry name, "GREASE", or the hex code.
    pub fn name(self, code: u16) -> String {
        match self {
            CodePoint::Known(entry) => entry.name.to_string(),
            CodePoint::Grease => format!("GREASE (0x{code:04x})"),
            CodePoint::Unknown => format!("0x{code:04x}"),
        }
    }

    /// Whether Padlock implements it (GREASE and unknown values: no).
    pub fn implemented(self) -> bool {
        matches!(self, CodePoint::Known(Entry { implemented: true, .. }))
    }
}

/// RFC 8701 §2: the 16 two-byte GREASE values 0x0A0A, 0x1A1A, ... 0xFAFA,
/// used for cipher suites, extensions, groups, signature schemes and versions.
pub fn is_grease(code: u16) -> bool {
    let [high, low] = code.to_be_bytes();
    high == low && low & 0x0f == 0x0a
}

/// A cipher suite.
pub fn cipher_suite(code: u16) -> CodePoint {
    lookup(CIPHER_SUITES, code)
}

/// A named group (supported_groups, key_share).
pub fn group(code: u16) -> CodePoint {
    lookup(GROUPS, code)
}

/// A signature scheme (signature_algorithms).
pub fn signature_scheme(code: u16) -> CodePoint {
    lookup(SIGNATURE_SCHEMES, code)
}

/// An extension type.
pub fn extension(code: u16) -> CodePoint {
    lookup(EXTENSIONS, code)
}

/// A protocol version (supported_versions, legacy_version).
pub fn version(code: u16) -> CodePoint {
    lookup(VERSIONS, code)
}

/// A certificate compression algorithm (compress_certificate). RFC 8701
/// reserves no GREASE values here.
pub fn certificate_compression(code: u16) -> CodePoint {
    lookup_without_grease(CERTIFICATE_COMPRESSION, code)
}

/// An HPKE key derivation function (an ECH cipher suite's first half).
pub fn hpke_kdf(code: u16) -> CodePoint {
    lookup_without_grease(HPKE_KDFS, code)
}

/// An HPKE AEAD (an ECH cipher suite's second half).
pub fn hpke_aead(code: u16) -> CodePoint {
    lookup_without_grease(HPKE_AEADS, code)
}

fn lookup(table: &[Entry], code: u16) -> CodePoint {
    match table.iter().find(|e| e.code == code) {
        Some(entry) => CodePoint::Known(*entry),
        None if is_grease(code) => CodePoint::Grease,
        None => CodePoint::Unknown,
    }
}

/// As [`lookup`], for registries without GREASE values, where 0x0a0a is
/// simply unknown.
fn lookup_without_grease(table: &[Entry], code: u16) -> CodePoint {
    match table.iter().find(|e| e.code == code) {
        Some(entry) => CodePoint::Known(*entry),
        None => CodePoint::Unknown,
    }
}

const fn yes(code: u16, name: &'static str) -> Entry {
    Entry { code, name, implemented: true }
}

const fn no(code: u16, name: &'static str) -> Entry {
    Entry { code, name, implemented: false }
}

/// Protocol versions (RFC 8446 §4.2.1; SSL 3.0 and TLS 1.0/1.1 for naming only).
pub const VERSIONS: &[Entry] = &[
    no(0x0300, "SSL 3.0"),
    no(0x0301, "TLS 1.0"),
    no(0x0302, "TLS 1.1"),
    yes(0x0303, "TLS 1.2"),
    yes(0x0304, "TLS 1.3"),
];

/// Cipher suites (IANA TLS Cipher Suites registry).
pub const CIPHER_SUITES: &[Entry] = &[
    // RFC 8446 §B.4
    yes(0x1301, "TLS_AES_128_GCM_SHA256"),
    yes(0x1302, "TLS_AES_256_GCM_SHA384"),
    yes(0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    no(0x1304, "TLS_AES_128_CCM_SHA256"),
    no(0x1305, "TLS_AES_128_CCM_8_SHA256"),
    // RFC 5289, RFC 7905: ECDHE
    yes(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    yes(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    yes(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    yes(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    yes(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    yes(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    no(0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    no(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    no(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    no(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    no(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    no(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    no(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    no(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    no(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    // RFC 5288: DHE and RSA key transport with AES-GCM
    yes(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    yes(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    yes(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    yes(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    // RFC 5246 and RFC 3268: CBC suites
    no(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    no(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    no(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    no(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    no(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    no(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    no(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    no(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
    no(0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    // Signalling values: RFC 5746 §3.3, RFC 7507 §2
    no(0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
    no(0x5600, "TLS_FALLBACK_SCSV"),
];

/// Named groups (IANA Supported Groups registry; RFC 8446 §4.2.7, RFC 7919,
/// draft-ietf-tls-ecdhe-mlkem).
pub const GROUPS: &[Entry] = &[
    yes(29, "x25519"),
    no(30, "x448"),
    yes(23, "secp256r1"),
    yes(24, "secp384r1"),
    no(25, "secp521r1"),
    no(26, "brainpoolP256r1"),
    no(27, "brainpoolP384r1"),
    no(28, "brainpoolP512r1"),
    no(31, "brainpoolP256r1tls13"),
    no(32, "brainpoolP384r1tls13"),
    no(33, "brainpoolP512r1tls13"),
    yes(256, "ffdhe2048"),
    yes(257, "ffdhe3072"),
    no(258, "ffdhe4096"),
    no(259, "ffdhe6144"),
    no(260, "ffdhe8192"),
    no(0x0200, "MLKEM512"),
    no(0x0201, "MLKEM768"),
    no(0x0202, "MLKEM1024"),
    yes(0x11eb, "SecP256r1MLKEM768"),
    yes(0x11ec, "X25519MLKEM768"),
    no(0x11ed, "SecP384r1MLKEM1024"),
    no(0x6399, "X25519Kyber768Draft00 (obsolete)"),
];

/// Signature schemes (IANA TLS SignatureScheme registry; RFC 8446 §4.2.3).
pub const SIGNATURE_SCHEMES: &[Entry] = &[
    yes(0x0401, "rsa_pkcs1_sha256"),
    yes(0x0501, "rsa_pkcs1_sha384"),
    yes(0x0601, "rsa_pkcs1_sha512"),
    no(0x0201, "rsa_pkcs1_sha1"),
    no(0x0203, "ecdsa_sha1"),
    no(0x0202, "dsa_sha1 (reserved)"),
    no(0x0402, "dsa_sha256 (reserved)"),
    no(0x0502, "dsa_sha384 (reserved)"),
    no(0x0602, "dsa_sha512 (reserved)"),
    // SHA-224 pairs of TLS 1.2's (hash, signature) code points, which
    // OpenSSL 3 and curl still offer.
    no(0x0301, "sha224_rsa (reserved)"),
    no(0x0302, "sha224_dsa (reserved)"),
    no(0x0303, "sha224_ecdsa (reserved)"),
    yes(0x0403, "ecdsa_secp256r1_sha256"),
    yes(0x0503, "ecdsa_secp384r1_sha384"),
    no(0x0603, "ecdsa_secp521r1_sha512"),
    yes(0x0804, "rsa_pss_rsae_sha256"),
    yes(0x0805, "rsa_pss_rsae_sha384"),
    yes(0x0806, "rsa_pss_rsae_sha512"),
    no(0x0807, "ed25519"),
    no(0x0808, "ed448"),
    yes(0x0809, "rsa_pss_pss_sha256"),
    yes(0x080a, "rsa_pss_pss_sha384"),
    yes(0x080b, "rsa_pss_pss_sha512"),
    no(0x081a, "ecdsa_brainpoolP256r1tls13_sha256"),
    no(0x081b, "ecdsa_brainpoolP384r1tls13_sha384"),
    no(0x081c, "ecdsa_brainpoolP512r1tls13_sha512"),
    no(0x0904, "mldsa44"),
    no(0x0905, "mldsa65"),
    no(0x0906, "mldsa87"),
];

/// Extension types (IANA TLS ExtensionType Values registry). `implemented`
/// means Padlock sends or reads it.
pub const EXTENSIONS: &[Entry] = &[
    yes(0, "server_name"),
    no(1, "max_fragment_length"),
    no(5, "status_request"),
    yes(10, "supported_groups"),
    yes(11, "ec_point_formats"),
    yes(13, "signature_algorithms"),
    no(14, "use_srtp"),
    no(15, "heartbeat"),
    no(16, "application_layer_protocol_negotiation"),
    no(17, "status_request_v2"),
    no(18, "signed_certificate_timestamp"),
    no(19, "client_certificate_type"),
    no(20, "server_certificate_type"),
    no(21, "padding"),
    no(22, "encrypt_then_mac"),
    yes(23, "extended_master_secret"),
    no(27, "compress_certificate"),
    no(28, "record_size_limit"),
    no(34, "delegated_credential"),
    no(35, "session_ticket"),
    no(41, "pre_shared_key"),
    no(42, "early_data"),
    yes(43, "supported_versions"),
    yes(44, "cookie"),
    yes(45, "psk_key_exchange_modes"),
    no(47, "certificate_authorities"),
    no(48, "oid_filters"),
    no(49, "post_handshake_auth"),
    no(50, "signature_algorithms_cert"),
    yes(51, "key_share"),
    no(57, "quic_transport_parameters"),
    no(13172, "next_protocol_negotiation"),
    no(17513, "application_settings (old code point)"),
    no(17613, "application_settings"),
    no(0xfe0d, "encrypted_client_hello"),
    yes(0xff01, "renegotiation_info"),
];

/// Certificate compression algorithms (IANA TLS Certificate Compression
/// Algorithm IDs, RFC 8879 §7.3). Padlock sends certificates uncompressed.
pub const CERTIFICATE_COMPRESSION: &[Entry] = &[no(1, "zlib"), no(2, "brotli"), no(3, "zstd")];

/// HPKE key derivation functions (RFC 9180 §7.2), as encrypted_client_hello
/// names them (draft-ietf-tls-esni §4). Padlock implements no ECH.
pub const HPKE_KDFS: &[Entry] =
    &[no(0x0001, "HKDF-SHA256"), no(0x0002, "HKDF-SHA384"), no(0x0003, "HKDF-SHA512")];

/// HPKE AEADs (RFC 9180 §7.3).
pub const HPKE_AEADS: &[Entry] = &[
    no(0x0001, "AES-128-GCM"),
    no(0x0002, "AES-256-GCM"),
    no(0x0003, "ChaCha20Poly1305"),
    no(0xffff, "Export-only"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_values_are_the_sixteen_of_rfc_8701() {
        let grease: Vec<u16> = (0..=u16::MAX).filter(|&c| is_grease(c)).collect();
        assert_eq!(grease.len(), 16);
        assert_eq!(grease.first(), Some(&0x0a0a));
        assert_eq!(grease.last(), Some(&0xfafa));
        assert_eq!(cipher_suite(0x2a2a), CodePoint::Grease);
        assert_eq!(group(0x11ec).name(0x11ec), "X25519MLKEM768");
        assert_eq!(extension(0x1234).name(0x1234), "0x1234");
    }

    #[test]
    fn registries_without_grease_call_grease_values_unknown() {
        assert_eq!(certificate_compression(2).name(2), "brotli");
        assert_eq!(certificate_compression(0x0a0a), CodePoint::Unknown);
        assert_eq!(hpke_kdf(1).name(1), "HKDF-SHA256");
        assert_eq!(hpke_aead(0xffff).name(0xffff), "Export-only");
        assert_eq!(hpke_aead(0x1a1a), CodePoint::Unknown);
    }

    #[test]
    fn no_code_point_is_listed_twice() {
        for table in [
            VERSIONS,
            CIPHER_SUITES,
            GROUPS,
            SIGNATURE_SCHEMES,
            EXTENSIONS,
            CERTIFICATE_COMPRESSION,
            HPKE_KDFS,
            HPKE_AEADS,
        ] {
            for (i, entry) in table.iter().enumerate() {
                assert!(!is_grease(entry.code), "{} is a GREASE value", entry.name);
                assert!(
                    table[i + 1..].iter().all(|other| other.code != entry.code),
                    "{} listed twice",
                    entry.name
                );
            }
        }
    }
}
