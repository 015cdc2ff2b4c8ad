//! The object identifiers Padlock uses, by name, each with the standard that
//! assigns it.
//!
//! Each constant is written with the arcs its standard gives, so it can be
//! checked against the ASN.1 module by eye. [`TABLE`] maps them to names:
//! the ASN.1 identifier from the standard (`sha256WithRSAEncryption`,
//! `id-ce-basicConstraints`), plus the aliases people type (OpenSSL's
//! `prime256v1`, RFC 4514's `CN`). [`by_oid`] and [`by_name`] look them up.

use crate::Oid;

// --- RSA: PKCS #1 v2.2, RFC 8017 Appendix C (pkcs-1 = 1.2.840.113549.1.1) ---

/// `rsaEncryption`: an RSA key in SubjectPublicKeyInfo or PKCS #8.
pub const RSA_ENCRYPTION: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 1]);
/// `id-RSAES-OAEP`: RSA encryption with OAEP padding.
pub const RSAES_OAEP: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 7]);
/// `id-mgf1`: the MGF1 mask generation function of OAEP and PSS.
pub const MGF1: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 8]);
/// `id-pSpecified`: the OAEP label source.
pub const P_SPECIFIED: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 9]);
/// `id-RSASSA-PSS`: RSA signatures with PSS padding.
pub const RSASSA_PSS: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 10]);
/// `sha1WithRSAEncryption`: PKCS #1 v1.5 signatures with SHA-1.
pub const SHA1_WITH_RSA_ENCRYPTION: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 5]);
/// `sha256WithRSAEncryption`: PKCS #1 v1.5 signatures with SHA-256.
pub const SHA256_WITH_RSA_ENCRYPTION: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 11]);
/// `sha384WithRSAEncryption`: PKCS #1 v1.5 signatures with SHA-384.
pub const SHA384_WITH_RSA_ENCRYPTION: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 12]);
/// `sha512WithRSAEncryption`: PKCS #1 v1.5 signatures with SHA-512.
pub const SHA512_WITH_RSA_ENCRYPTION: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 13]);
/// `sha224WithRSAEncryption`: PKCS #1 v1.5 signatures with SHA-224.
pub const SHA224_WITH_RSA_ENCRYPTION: Oid = Oid::new(&[1, 2, 840, 113549, 1, 1, 14]);

// --- Hash functions: RFC 8017 Appendix C (NIST's arcs 2.16.840.1.101.3.4.2) ---

/// `id-sha1`: SHA-1 (OIW's arc).
pub const SHA1: Oid = Oid::new(&[1, 3, 14, 3, 2, 26]);
/// `id-sha256`: SHA-256.
pub const SHA256: Oid = Oid::new(&[2, 16, 840, 1, 101, 3, 4, 2, 1]);
/// `id-sha384`: SHA-384.
pub const SHA384: Oid = Oid::new(&[2, 16, 840, 1, 101, 3, 4, 2, 2]);
/// `id-sha512`: SHA-512.
pub const SHA512: Oid = Oid::new(&[2, 16, 840, 1, 101, 3, 4, 2, 3]);
/// `id-sha224`: SHA-224.
pub const SHA224: Oid = Oid::new(&[2, 16, 840, 1, 101, 3, 4, 2, 4]);
/// `id-sha512-224`: SHA-512/224.
pub const SHA512_224: Oid = Oid::new(&[2, 16, 840, 1, 101, 3, 4, 2, 5]);
/// `id-sha512-256`: SHA-512/256.
pub const SHA512_256: Oid = Oid::new(&[2, 16, 840, 1, 101, 3, 4, 2, 6]);

// --- Elliptic curves: RFC 5480, RFC 5758, RFC 8410 ---

/// `id-ecPublicKey`: an elliptic-curve public key (RFC 5480 §2.1.1).
pub const EC_PUBLIC_KEY: Oid = Oid::new(&[1, 2, 840, 10045, 2, 1]);
/// `secp256r1`, OpenSSL's `prime256v1`, NIST P-256 (RFC 5480 §2.1.1.1).
pub const SECP256R1: Oid = Oid::new(&[1, 2, 840, 10045, 3, 1, 7]);
/// `secp384r1`, NIST P-384 (RFC 5480 §2.1.1.1).
pub const SECP384R1: Oid = Oid::new(&[1, 3, 132, 0, 34]);
/// `secp521r1`, NIST P-521 (RFC 5480 §2.1.1.1).
pub const SECP521R1: Oid = Oid::new(&[1, 3, 132, 0, 35]);
/// `ecdsa-with-SHA224` (RFC 5758 §3.2).
pub const ECDSA_WITH_SHA224: Oid = Oid::new(&[1, 2, 840, 10045, 4, 3, 1]);
/// `ecdsa-with-SHA256` (RFC 5758 §3.2).
pub const ECDSA_WITH_SHA256: Oid = Oid::new(&[1, 2, 840, 10045, 4, 3, 2]);
/// `ecdsa-with-SHA384` (RFC 5758 §3.2).
pub const ECDSA_WITH_SHA384: Oid = Oid::new(&[1, 2, 840, 10045, 4, 3, 3]);
/// `ecdsa-with-SHA512` (RFC 5758 §3.2).
pub const ECDSA_WITH_SHA512: Oid = Oid::new(&[1, 2, 840, 10045, 4, 3, 4]);
/// `id-X25519`: an X25519 key (RFC 8410 §3).
pub const X25519: Oid = Oid::new(&[1, 3, 101, 110]);
/// `id-X448`: an X448 key (RFC 8410 §3).
pub const X448: Oid = Oid::new(&[1, 3, 101, 111]);
/// `id-Ed25519`: an Ed25519 key or signature (RFC 8410 §3).
pub const ED25519: Oid = Oid::new(&[1, 3, 101, 112]);
/// `id-Ed448`: an Ed448 key or signature (RFC 8410 §3).
pub const ED448: Oid = Oid::new(&[1, 3, 101, 113]);

// --- Finite-field Diffie-Hellman ---

/// `dhKeyAgreement`: PKCS #3 DH parameters and keys, as OpenSSL writes them
/// (PKCS #3 v1.4, RSA Laboratories, 1993).
pub const DH_KEY_AGREEMENT: Oid = Oid::new(&[1, 2, 840, 113549, 1, 3, 1]);
/// `dhpublicnumber`: an X9.42 DH key in a certificate (RFC 3279 §2.3.3).
pub const DH_PUBLIC_NUMBER: Oid = Oid::new(&[1, 2, 840, 10046, 2, 1]);

// --- Name attribute types: RFC 5280 Appendix A.1 (id-at = 2.5.4) ---

/// `id-at-commonName` (CN).
pub const COMMON_NAME: Oid = Oid::new(&[2, 5, 4, 3]);
/// `id-at-surname` (SN).
pub const SURNAME: Oid = Oid::new(&[2, 5, 4, 4]);
/// `id-at-serialNumber`: a device or person's serial number, not a
/// certificate's.
pub const SERIAL_NUMBER: Oid = Oid::new(&[2, 5, 4, 5]);
/// `id-at-countryName` (C).
pub const COUNTRY_NAME: Oid = Oid::new(&[2, 5, 4, 6]);
/// `id-at-localityName` (L).
pub const LOCALITY_NAME: Oid = Oid::new(&[2, 5, 4, 7]);
/// `id-at-stateOrProvinceName` (ST).
pub const STATE_OR_PROVINCE_NAME: Oid = Oid::new(&[2, 5, 4, 8]);
/// `id-at-organizationName` (O).
pub const ORGANIZATION_NAME: Oid = Oid::new(&[2, 5, 4, 10]);
/// `id-at-organizationalUnitName` (OU).
pub const ORGANIZATIONAL_UNIT_NAME: Oid = Oid::new(&[2, 5, 4, 11]);
/// `id-domainComponent` (DC).
pub const DOMAIN_COMPONENT: Oid = Oid::new(&[0, 9, 2342, 19200300, 100, 1, 25]);
/// `id-emailAddress`: the legacy PKCS #9 e-mail attribute.
pub const EMAIL_ADDRESS: Oid = Oid::new(&[1, 2, 840, 113549, 1, 9, 1]);

// --- Certificate extensions: RFC 5280 §4.2 (id-ce = 2.5.29, id-pkix = 1.3.6.1.5.5.7) ---

/// `id-ce-subjectKeyIdentifier` (RFC 5280 §4.2.1.2).
pub const SUBJECT_KEY_IDENTIFIER: Oid = Oid::new(&[2, 5, 29, 14]);
/// `id-ce-keyUsage` (RFC 5280 §4.2.1.3).
pub const KEY_USAGE: Oid = Oid::new(&[2, 5, 29, 15]);
/// `id-ce-subjectAltName` (RFC 5280 §4.2.1.6).
pub const SUBJECT_ALT_NAME: Oid = Oid::new(&[2, 5, 29, 17]);
/// `id-ce-issuerAltName` (RFC 5280 §4.2.1.7).
pub const ISSUER_ALT_NAME: Oid = Oid::new(&[2, 5, 29, 18]);
/// `id-ce-basicConstraints` (RFC 5280 §4.2.1.9).
pub const BASIC_CONSTRAINTS: Oid = Oid::new(&[2, 5, 29, 19]);
/// `id-ce-nameConstraints` (RFC 5280 §4.2.1.10).
pub const NAME_CONSTRAINTS: Oid = Oid::new(&[2, 5, 29, 30]);
/// `id-ce-cRLDistributionPoints` (RFC 5280 §4.2.1.13).
pub const CRL_DISTRIBUTION_POINTS: Oid = Oid::new(&[2, 5, 29, 31]);
/// `id-ce-certificatePolicies` (RFC 5280 §4.2.1.4).
pub const CERTIFICATE_POLICIES: Oid = Oid::new(&[2, 5, 29, 32]);
/// `anyPolicy` (RFC 5280 §4.2.1.4).
pub const ANY_POLICY: Oid = Oid::new(&[2, 5, 29, 32, 0]);
/// `id-ce-authorityKeyIdentifier` (RFC 5280 §4.2.1.1).
pub const AUTHORITY_KEY_IDENTIFIER: Oid = Oid::new(&[2, 5, 29, 35]);
/// `id-ce-extKeyUsage` (RFC 5280 §4.2.1.12).
pub const EXT_KEY_USAGE: Oid = Oid::new(&[2, 5, 29, 37]);
/// `anyExtendedKeyUsage` (RFC 5280 §4.2.1.12).
pub const ANY_EXTENDED_KEY_USAGE: Oid = Oid::new(&[2, 5, 29, 37, 0]);
/// `id-kp-serverAuth`: TLS server authentication (RFC 5280 §4.2.1.12).
pub const SERVER_AUTH: Oid = Oid::new(&[1, 3, 6, 1, 5, 5, 7, 3, 1]);
/// `id-kp-clientAuth`: TLS client authentication (RFC 5280 §4.2.1.12).
pub const CLIENT_AUTH: Oid = Oid::new(&[1, 3, 6, 1, 5, 5, 7, 3, 2]);
/// `id-pe-authorityInfoAccess` (RFC 5280 §4.2.2.1).
pub const AUTHORITY_INFO_ACCESS: Oid = Oid::new(&[1, 3, 6, 1, 5, 5, 7, 1, 1]);
/// `id-ad-ocsp`: an OCSP responder, in authorityInfoAccess (RFC 5280 §4.2.2.1).
pub const AD_OCSP: Oid = Oid::new(&[1, 3, 6, 1, 5, 5, 7, 48, 1]);
/// `id-ad-caIssuers`: where the issuer's certificate is, in
/// authorityInfoAccess (RFC 5280 §4.2.2.1).
pub const AD_CA_ISSUERS: Oid = Oid::new(&[1, 3, 6, 1, 5, 5, 7, 48, 2]);

/// A named OID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The OID.
    pub oid: Oid,
    /// Its ASN.1 identifier in the standard that assigns it.
    pub name: &'static str,
    /// Other names it goes by (OpenSSL's, RFC 4514's), also accepted by
    /// [`by_name`].
    pub aliases: &'static [&'static str],
    /// Where it is assigned.
    pub source: &'static str,
}

/// Every OID Padlock has a name for.
pub static TABLE: &[Entry] = &[
    Entry { oid: RSA_ENCRYPTION, name: "rsaEncryption", aliases: &[], source: "RFC 8017 Appendix C" },
    Entry { oid: RSAES_OAEP, name: "id-RSAES-OAEP", aliases: &["RSAES-OAEP"], source: "RFC 8017 Appendix C" },
    Entry { oid: MGF1, name: "id-mgf1", aliases: &["MGF1"], source: "RFC 8017 Appendix C" },
    Entry { oid: P_SPECIFIED, name: "id-pSpecified", aliases: &[], source: "RFC 8017 Appendix C" },
    Entry { oid: RSASSA_PSS, name: "id-RSASSA-PSS", aliases: &["RSASSA-PSS"], source: "RFC 8017 Appendix C" },
    Entry {
        oid: SHA1_WITH_RSA_ENCRYPTION,
        name: "sha1WithRSAEncryption",
        aliases: &[],
        source: "RFC 8017 Appendix C",
    },
    Entry {
        oid: SHA224_WITH_RSA_ENCRYPTION,
        name: "sha224WithRSAEncryption",
        aliases: &[],
        source: "RFC 8017 Appendix C",
    },
    Entry {
        oid: SHA256_WITH_RSA_ENCRYPTION,
        name: "sha256WithRSAEncryption",
        aliases: &[],
        source: "RFC 8017 Appendix C",
    },
    Entry {
        oid: SHA384_WITH_RSA_ENCRYPTION,
        name: "sha384WithRSAEncryption",
        aliases: &[],
        source: "RFC 8017 Appendix C",
    },
    Entry {
        oid: SHA512_WITH_RSA_ENCRYPTION,
        name: "sha512WithRSAEncryption",
        aliases: &[],
        source: "RFC 8017 Appendix C",
    },
    Entry { oid: SHA1, name: "id-sha1", aliases: &["sha1", "SHA-1"], source: "RFC 8017 Appendix C" },
    Entry { oid: SHA224, name: "id-sha224", aliases: &["sha224", "SHA-224"], source: "RFC 8017 Appendix C" },
    Entry { oid: SHA256, name: "id-sha256", aliases: &["sha256", "SHA-256"], source: "RFC 8017 Appendix C" },
    Entry { oid: SHA384, name: "id-sha384", aliases: &["sha384", "SHA-384"], source: "RFC 8017 Appendix C" },
    Entry { oid: SHA512, name: "id-sha512", aliases: &["sha512", "SHA-512"], source: "RFC 8017 Appendix C" },
    Entry {
        oid: SHA512_224,
        name: "id-sha512-224",
        aliases: &["SHA-512/224"],
        source: "RFC 8017 Appendix C",
    },
    Entry {
        oid: SHA512_256,
        name: "id-sha512-256",
        aliases: &["SHA-512/256"],
        source: "RFC 8017 Appendix C",
    },
    Entry {
        oid: EC_PUBLIC_KEY,
        name: "id-ecPublicKey",
        aliases: &["ecPublicKey"],
        source: "RFC 5480 §2.1.1",
    },
    Entry {
        oid: SECP256R1,
        name: "secp256r1",
        aliases: &["prime256v1", "P-256"],
        source: "RFC 5480 §2.1.1.1",
    },
    Entry { oid: SECP384R1, name: "secp384r1", aliases: &["P-384"], source: "RFC 5480 §2.1.1.1" },
    Entry { oid: SECP521R1, name: "secp521r1", aliases: &["P-521"], source: "RFC 5480 §2.1.1.1" },
    Entry { oid: ECDSA_WITH_SHA224, name: "ecdsa-with-SHA224", aliases: &[], source: "RFC 5758 §3.2" },
    Entry { oid: ECDSA_WITH_SHA256, name: "ecdsa-with-SHA256", aliases: &[], source: "RFC 5758 §3.2" },
    Entry { oid: ECDSA_WITH_SHA384, name: "ecdsa-with-SHA384", aliases: &[], source: "RFC 5758 §3.2" },
    Entry { oid: ECDSA_WITH_SHA512, name: "ecdsa-with-SHA512", aliases: &[], source: "RFC 5758 §3.2" },
    Entry { oid: X25519, name: "id-X25519", aliases: &["X25519"], source: "RFC 8410 §3" },
    Entry { oid: X448, name: "id-X448", aliases: &["X448"], source: "RFC 8410 §3" },
    Entry { oid: ED25519, name: "id-Ed25519", aliases: &["Ed25519"], source: "RFC 8410 §3" },
    Entry { oid: ED448, name: "id-Ed448", aliases: &["Ed448"], source: "RFC 8410 §3" },
    Entry { oid: DH_KEY_AGREEMENT, name: "dhKeyAgreement", aliases: &[], source: "PKCS #3 v1.4" },
    Entry { oid: DH_PUBLIC_NUMBER, name: "dhpublicnumber", aliases: &[], source: "RFC 3279 §2.3.3" },
    Entry {
        oid: COMMON_NAME,
        name: "id-at-commonName",
        aliases: &["CN", "commonName"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: SURNAME,
        name: "id-at-surname",
        aliases: &["SN", "surname"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: SERIAL_NUMBER,
        name: "id-at-serialNumber",
        aliases: &["serialNumber"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: COUNTRY_NAME,
        name: "id-at-countryName",
        aliases: &["C", "countryName"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: LOCALITY_NAME,
        name: "id-at-localityName",
        aliases: &["L", "localityName"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: STATE_OR_PROVINCE_NAME,
        name: "id-at-stateOrProvinceName",
        aliases: &["ST", "stateOrProvinceName"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: ORGANIZATION_NAME,
        name: "id-at-organizationName",
        aliases: &["O", "organizationName"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: ORGANIZATIONAL_UNIT_NAME,
        name: "id-at-organizationalUnitName",
        aliases: &["OU", "organizationalUnitName"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: DOMAIN_COMPONENT,
        name: "id-domainComponent",
        aliases: &["DC", "domainComponent"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: EMAIL_ADDRESS,
        name: "id-emailAddress",
        aliases: &["emailAddress"],
        source: "RFC 5280 Appendix A.1",
    },
    Entry {
        oid: SUBJECT_KEY_IDENTIFIER,
        name: "id-ce-subjectKeyIdentifier",
        aliases: &["subjectKeyIdentifier"],
        source: "RFC 5280 §4.2.1.2",
    },
    Entry { oid: KEY_USAGE, name: "id-ce-keyUsage", aliases: &["keyUsage"], source: "RFC 5280 §4.2.1.3" },
    Entry {
        oid: SUBJECT_ALT_NAME,
        name: "id-ce-subjectAltName",
        aliases: &["subjectAltName"],
        source: "RFC 5280 §4.2.1.6",
    },
    Entry {
        oid: ISSUER_ALT_NAME,
        name: "id-ce-issuerAltName",
        aliases: &["issuerAltName"],
        source: "RFC 5280 §4.2.1.7",
    },
    Entry {
        oid: BASIC_CONSTRAINTS,
        name: "id-ce-basicConstraints",
        aliases: &["basicConstraints"],
        source: "RFC 5280 §4.2.1.9",
    },
    Entry {
        oid: NAME_CONSTRAINTS,
        name: "id-ce-nameConstraints",
        aliases: &["nameConstraints"],
        source: "RFC 5280 §4.2.1.10",
    },
    Entry {
        oid: CRL_DISTRIBUTION_POINTS,
        name: "id-ce-cRLDistributionPoints",
        aliases: &["crlDistributionPoints"],
        source: "RFC 5280 §4.2.1.13",
    },
    Entry {
        oid: CERTIFICATE_POLICIES,
        name: "id-ce-certificatePolicies",
        aliases: &["certificatePolicies"],
        source: "RFC 5280 §4.2.1.4",
    },
    Entry { oid: ANY_POLICY, name: "anyPolicy", aliases: &[], source: "RFC 5280 §4.2.1.4" },
    Entry {
        oid: AUTHORITY_KEY_IDENTIFIER,
        name: "id-ce-authorityKeyIdentifier",
        aliases: &["authorityKeyIdentifier"],
        source: "RFC 5280 §4.2.1.1",
    },
    Entry {
        oid: EXT_KEY_USAGE,
        name: "id-ce-extKeyUsage",
        aliases: &["extKeyUsage"],
        source: "RFC 5280 §4.2.1.12",
    },
    Entry {
        oid: ANY_EXTENDED_KEY_USAGE,
        name: "anyExtendedKeyUsage",
        aliases: &[],
        source: "RFC 5280 §4.2.1.12",
    },
    Entry {
        oid: SERVER_AUTH,
        name: "id-kp-serverAuth",
        aliases: &["serverAuth"],
        source: "RFC 5280 §4.2.1.12",
    },
    Entry {
        oid: CLIENT_AUTH,
        name: "id-kp-clientAuth",
        aliases: &["clientAuth"],
        source: "RFC 5280 §4.2.1.12",
    },
    Entry {
        oid: AUTHORITY_INFO_ACCESS,
        name: "id-pe-authorityInfoAccess",
        aliases: &["authorityInfoAccess"],
        source: "RFC 5280 §4.2.2.1",
    },
    Entry { oid: AD_OCSP, name: "id-ad-ocsp", aliases: &["OCSP"], source: "RFC 5280 §4.2.2.1" },
    Entry {
        oid: AD_CA_ISSUERS,
        name: "id-ad-caIssuers",
        aliases: &["caIssuers"],
        source: "RFC 5280 §4.2.2.1",
    },
];

/// The entry for an OID, if Padlock names it.
pub fn by_oid(oid: &Oid) -> Option<&'static Entry> {
    TABLE.iter().find(|entry| entry.oid == *oid)
}

/// The entry whose name or alias is `name`, ignoring ASCII case.
pub fn by_name(name: &str) -> Option<&'static Entry> {
    TABLE.iter().find(|entry| {
        entry.name.eq_ignore_ascii_case(name) || entry.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_oids_are_unique() {
        let mut names: Vec<String> = TABLE
            .iter()
            .flat_map(|e| e.aliases.iter().chain([&e.name]))
            .map(|n| n.to_ascii_lowercase())
            .collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "a name or alias is used twice");
        for (i, entry) in TABLE.iter().enumerate() {
            assert!(TABLE[..i].iter().all(|e| e.oid != entry.oid), "{} is listed twice", entry.name);
            assert!(!entry.source.is_empty());
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(by_name("CN").map(|e| e.oid), Some(COMMON_NAME));
        assert_eq!(by_name("prime256v1").map(|e| e.name), Some("secp256r1"));
        assert_eq!(by_name("SHA256WITHRSAENCRYPTION").map(|e| e.oid), Some(SHA256_WITH_RSA_ENCRYPTION));
        assert_eq!(by_oid(&ED25519).map(|e| e.source), Some("RFC 8410 §3"));
        assert_eq!(SERVER_AUTH.name(), Some("id-kp-serverAuth"));
        assert_eq!(by_name("no such name"), None);
    }

    /// Encodings checked against the DER in the standards: RFC 8017 §9.2
    /// Note 1 (the DigestInfo prefixes), RFC 8410 §10.1, RFC 5480 §2.1.1.1.
    #[test]
    fn encodings_from_the_standards() {
        assert_eq!(SHA1.as_bytes(), [0x2b, 0x0e, 0x03, 0x02, 0x1a]);
        assert_eq!(SHA256.as_bytes(), [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]);
        assert_eq!(SHA512_256.as_bytes(), [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x06]);
        assert_eq!(RSA_ENCRYPTION.as_bytes(), [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);
        assert_eq!(ED25519.as_bytes(), [0x2b, 0x65, 0x70]);
        assert_eq!(SECP256R1.as_bytes(), [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
        assert_eq!(SECP384R1.as_bytes(), [0x2b, 0x81, 0x04, 0x00, 0x22]);
        assert_eq!(BASIC_CONSTRAINTS.as_bytes(), [0x55, 0x1d, 0x13]);
    }
}
