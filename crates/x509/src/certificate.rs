//! Reading a certificate (RFC 5280 §4.1) from DER or PEM.
//!
//! ```text
//!   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate,
//!                              signatureAlgorithm AlgorithmIdentifier,
//!                              signatureValue BIT STRING }
//!   TBSCertificate ::= SEQUENCE {
//!        version [0] EXPLICIT Version DEFAULT v1,  serialNumber INTEGER,
//!        signature AlgorithmIdentifier,  issuer Name,  validity Validity,
//!        subject Name,  subjectPublicKeyInfo SubjectPublicKeyInfo,
//!        issuerUniqueID [1] IMPLICIT OPTIONAL,  subjectUniqueID [2] IMPLICIT OPTIONAL,
//!        extensions [3] EXPLICIT Extensions OPTIONAL }
//! ```
//!
//! The exact bytes of `tbsCertificate` are kept: the signature covers them,
//! not a re-encoding.

use core::fmt;

use padlock_der::{Oid, Reader, Tag, Time, oids, pem};
use padlock_ec::EcPublicKey;
use padlock_rsa::{PssParams, PssParamsError, RsaKey, RsaPssPublicKey, RsaPublicKey};

use crate::error::{Error, Within};
use crate::extensions::Extensions;
use crate::name::Name;

/// A parsed X.509 certificate, owning its DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Vec<u8>,
    /// The version: 1, 2 or 3.
    pub version: u8,
    /// serialNumber, as big-endian two's complement bytes.
    pub serial: Vec<u8>,
    /// signatureAlgorithm (equal to the tbsCertificate's `signature`).
    pub signature_algorithm: SignatureAlgorithm,
    /// issuer.
    pub issuer: Name,
    /// subject.
    pub subject: Name,
    /// notBefore of validity.
    pub not_before: Time,
    /// notAfter of validity.
    pub not_after: Time,
    /// subjectPublicKeyInfo.
    pub public_key: PublicKeyInfo,
    /// The extensions (all empty for v1).
    pub extensions: Extensions,
    /// signatureValue.
    pub signature: Vec<u8>,
}

/// A hash function used in a signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// A certificate's signature algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) with a hash: `sha256WithRSAEncryption` ...
    RsaPkcs1(HashAlgorithm),
    /// RSASSA-PSS (RFC 4055 §3.1) with its parameters: the hash, the MGF1
    /// hash and the salt length (exact, for a signature).
    RsaPss(PssParams),
    /// ECDSA (FIPS 186-5 §6.4, RFC 5758 §3.2) with a hash:
    /// `ecdsa-with-SHA256`, `ecdsa-with-SHA384`, `ecdsa-with-SHA512`.
    Ecdsa(HashAlgorithm),
    /// Recognised, but not verifiable yet (Ed25519, Ed448, SHA-224
    /// variants): the OID, whose name the OID table knows.
    Unsupported(Oid),
    /// Not recognised.
    Unknown(Oid),
}

impl SignatureAlgorithm {
    /// The algorithm's name: `sha256WithRSAEncryption`, `RSASSA-PSS (SHA-256)`,
    /// `ecdsa-with-SHA384`, `Ed25519`, or a dotted OID.
    pub fn name(&self) -> String {
        match self {
            SignatureAlgorithm::RsaPkcs1(hash) => format!("{}WithRSAEncryption", hash.short_name()),
            SignatureAlgorithm::RsaPss(params) => format!("RSASSA-PSS ({})", params.hash.name()),
            SignatureAlgorithm::Ecdsa(hash) => format!("ecdsa-with-{}", hash.name().replace('-', "")),
            SignatureAlgorithm::Unsupported(oid) | SignatureAlgorithm::Unknown(oid) => {
                oid.name().map_or_else(|| oid.to_string(), str::to_string)
            }
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl HashAlgorithm {
    /// The FIPS 180-4 name, `SHA-256`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "SHA-1",
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha384 => "SHA-384",
            HashAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// The name inside `sha256WithRSAEncryption`.
    fn short_name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "sha1",
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }
}

/// A SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), whatever the key type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKeyInfo {
    /// The algorithm OID: rsaEncryption, id-ecPublicKey, id-Ed25519 ...
    pub algorithm: Oid,
    /// The named curve, for an EC key.
    pub curve: Option<Oid>,
    /// The subjectPublicKey bits (whole bytes for every key type in use).
    pub key: Vec<u8>,
    der: Vec<u8>,
}

impl PublicKeyInfo {
    /// The exact DER of the SubjectPublicKeyInfo.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `RSA`, `RSA-PSS`, `EC (secp256r1)`, `Ed25519`, or the OID's name.
    pub fn key_type(&self) -> String {
        let name = |oid: &Oid| oid.name().map_or_else(|| oid.to_string(), str::to_string);
        match (self.algorithm, self.curve) {
            (oids::RSA_ENCRYPTION, _) => "RSA".to_string(),
            (oids::RSASSA_PSS, _) => "RSA-PSS".to_string(),
            (oids::EC_PUBLIC_KEY, Some(curve)) => format!("EC ({})", name(&curve)),
            (oids::ED25519, _) => "Ed25519".to_string(),
            (oids::ED448, _) => "Ed448".to_string(),
            (oid, _) => name(&oid),
        }
    }

    /// The RSA key, if this is an rsaEncryption one (usable for any RSA
    /// scheme). An id-RSASSA-PSS key is [`PublicKeyInfo::rsa_pss_key`].
    pub fn rsa_key(&self) -> Result<RsaPublicKey, String> {
        if self.algorithm == oids::RSASSA_PSS {
            return Err("it is an RSA-PSS key (id-RSASSA-PSS), which verifies RSASSA-PSS signatures only \
                        (RFC 4055 §1.2)"
                .to_string());
        }
        if self.algorithm != oids::RSA_ENCRYPTION {
            return Err(format!("it is a {} key, not RSA", self.key_type()));
        }
        match padlock_rsa::read_key(&self.der).map(|file| file.into_key()) {
            Ok(RsaKey::Public(key)) => Ok(key),
            Ok(_) => Err("not an rsaEncryption public key".to_string()),
            Err(error) => Err(error.to_string()),
        }
    }

    /// The RSA key restricted to RSASSA-PSS, with its parameters if it has
    /// any, if this is an id-RSASSA-PSS key (RFC 4055 §1.2, §3.1).
    pub fn rsa_pss_key(&self) -> Result<RsaPssPublicKey, String> {
        if self.algorithm != oids::RSASSA_PSS {
            return Err(format!("it is a {} key, not RSA-PSS", self.key_type()));
        }
        match padlock_rsa::read_key(&self.der).map(|file| file.into_key()) {
            Ok(RsaKey::PssPublic(key)) => Ok(key),
            Ok(_) => Err("not an id-RSASSA-PSS public key".to_string()),
            Err(error) => Err(error.to_string()),
        }
    }

    /// The EC key (P-256 or P-384, RFC 5480 §2), if this is one; its point
    /// is checked to be on the curve.
    pub fn ec_key(&self) -> Result<EcPublicKey, String> {
        if self.algorithm != oids::EC_PUBLIC_KEY {
            return Err(format!("it is a {} key, not EC", self.key_type()));
        }
        EcPublicKey::from_spki_der(&self.der).map_err(|error| error.to_string())
    }

    /// Reads a SubjectPublicKeyInfo:
    /// `SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`.
    fn read(r: &mut Reader<'_>) -> Result<PublicKeyInfo, Error> {
        let element = r.read_element(Tag::SEQUENCE).within("SubjectPublicKeyInfo")?;
        let (algorithm, curve, key) = element
            .reader()
            .and_then(|r| {
                r.read_all(|r| {
                    let (algorithm, curve) = r.read_sequence()?.read_all(|alg| {
                        let oid = alg.read_oid()?;
                        let curve =
                            if alg.peek_tag() == Some(Tag::OID) { Some(alg.read_oid()?) } else { None };
                        // Other parameters (NULL for RSA, DH groups ...) are not ours to judge.
                        while !alg.is_empty() {
                            alg.read_tlv()?;
                        }
                        Ok((oid, curve))
                    })?;
                    Ok((algorithm, curve, r.read_bit_string()?.bytes().to_vec()))
                })
            })
            .within("SubjectPublicKeyInfo")?;
        Ok(PublicKeyInfo { algorithm, curve, key, der: element.raw().to_vec() })
    }
}

impl Certificate {
    /// Reads a certificate from DER; trailing bytes are an error.
    pub fn from_der(der: &[u8]) -> Result<Certificate, Error> {
        let (tbs, outer_algorithm, signature) = Reader::new(der)
            .read_all(|r| {
                r.read_sequence()?.read_all(|cert| {
                    let tbs = cert.read_element(Tag::SEQUENCE)?;
                    let algorithm = cert.read_element(Tag::SEQUENCE)?;
                    Ok((tbs, algorithm, cert.read_bit_string()?.octets()?))
                })
            })
            .within("Certificate")?;
        let mut cert = read_tbs(tbs.raw(), tbs.reader().within("tbsCertificate")?)?;
        // RFC 5280 §4.1.1.2: signatureAlgorithm MUST be the same as the
        // signature field of tbsCertificate.
        if cert.1 != outer_algorithm.raw() {
            return Err(Error::Invalid("signatureAlgorithm differs from the tbsCertificate's signature"));
        }
        cert.0.der = der.to_vec();
        cert.0.signature = signature.to_vec();
        Ok(cert.0)
    }

    /// Reads the first `CERTIFICATE` block of PEM text.
    pub fn from_pem(text: impl AsRef<[u8]>) -> Result<Certificate, Error> {
        match Certificate::all_from_pem(text)?.into_iter().next() {
            Some(cert) => Ok(cert),
            None => Err(Error::Pem(padlock_der::Error::PemNotFound)),
        }
    }

    /// Reads every `CERTIFICATE` block of PEM text (a chain or a CA
    /// bundle), skipping blocks with other labels.
    pub fn all_from_pem(text: impl AsRef<[u8]>) -> Result<Vec<Certificate>, Error> {
        let blocks = pem::decode_all(text).map_err(Error::Pem)?;
        blocks
            .iter()
            .filter(|block| block.label == "CERTIFICATE")
            .map(|block| Certificate::from_der(&block.contents))
            .collect()
    }

    /// The whole certificate's DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The exact bytes of tbsCertificate, which the signature covers.
    pub fn tbs_der(&self) -> &[u8] {
        &self.tbs
    }

    /// Whether issuer and subject are the same name (RFC 5280 §6.1:
    /// "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.issuer.der() == self.subject.der()
    }
}

/// Reads tbsCertificate; returns the certificate (without its outer DER and
/// signature) and the raw bytes of its `signature` AlgorithmIdentifier.
fn read_tbs<'a>(raw: &[u8], mut r: Reader<'a>) -> Result<(Certificate, &'a [u8]), Error> {
    // RFC 5280 §4.1.2.1: v1 is 0 (and, DEFAULT, encoded by omission), v3 is 2.
    let version = match r.read_optional_explicit(0).within("version")? {
        Some(v) => v.read_all(|v| v.read_small_integer()).within("version")?,
        None => 0,
    };
    if !(0..=2).contains(&version) {
        return Err(Error::UnsupportedVersion(version + 1));
    }
    let serial = r.read_integer_bytes().within("serialNumber")?.to_vec();
    let algorithm = r.read_element(Tag::SEQUENCE).within("signature")?;
    let signature_algorithm = read_signature_algorithm(algorithm.reader().within("signature")?)?;
    let issuer = Name::read(&mut r)?;
    let (not_before, not_after) = read_validity(&mut r)?;
    let subject = Name::read(&mut r)?;
    let public_key = PublicKeyInfo::read(&mut r)?;
    r.read_optional_context(1).within("issuerUniqueID")?;
    r.read_optional_context(2).within("subjectUniqueID")?;
    let extensions = match r.read_optional_explicit(3).within("extensions")? {
        // RFC 5280 §4.1.2.9: extensions appear only in v3.
        Some(_) if version != 2 => return Err(Error::Invalid("extensions in a certificate before v3")),
        Some(mut ext) => {
            let extensions = Extensions::read(&mut ext)?;
            ext.finish().within("extensions")?;
            extensions
        }
        None => Extensions::default(),
    };
    r.finish().within("tbsCertificate")?;
    let cert = Certificate {
        der: Vec::new(),
        tbs: raw.to_vec(),
        version: version as u8 + 1,
        serial,
        signature_algorithm,
        issuer,
        subject,
        not_before,
        not_after,
        public_key,
        extensions,
        signature: Vec::new(),
    };
    Ok((cert, algorithm.raw()))
}

/// `Validity ::= SEQUENCE { notBefore Time, notAfter Time }`, each a
/// UTCTime or GeneralizedTime in the strict DER forms `padlock_der::Time`
/// reads (seconds present, `Z` zone; UTCTime years 50–99 are 19xx).
pub(crate) fn read_validity(r: &mut Reader<'_>) -> Result<(Time, Time), Error> {
    r.read_sequence().and_then(|v| v.read_all(|v| Ok((v.read_time()?, v.read_time()?)))).within("validity")
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`
/// for a signature (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3).
fn read_signature_algorithm(mut r: Reader<'_>) -> Result<SignatureAlgorithm, Error> {
    let oid = r.read_oid().within("signature algorithm")?;
    let hash = match oid {
        oids::SHA1_WITH_RSA_ENCRYPTION => Some(HashAlgorithm::Sha1),
        oids::SHA256_WITH_RSA_ENCRYPTION => Some(HashAlgorithm::Sha256),
        oids::SHA384_WITH_RSA_ENCRYPTION => Some(HashAlgorithm::Sha384),
        oids::SHA512_WITH_RSA_ENCRYPTION => Some(HashAlgorithm::Sha512),
        _ => None,
    };
    if let Some(hash) = hash {
        // RFC 4055 §5: the parameters MUST be NULL (some old CAs omit them).
        if !r.is_empty() {
            r.read_null().within("signature algorithm")?;
        }
        r.finish().within("signature algorithm")?;
        return Ok(SignatureAlgorithm::RsaPkcs1(hash));
    }
    let ecdsa_hash = match oid {
        oids::ECDSA_WITH_SHA256 => Some(HashAlgorithm::Sha256),
        oids::ECDSA_WITH_SHA384 => Some(HashAlgorithm::Sha384),
        oids::ECDSA_WITH_SHA512 => Some(HashAlgorithm::Sha512),
        _ => None,
    };
    if let Some(hash) = ecdsa_hash {
        // RFC 5758 §3.2: "the encoding MUST omit the parameters field".
        if !r.is_empty() {
            return Err(Error::Invalid("ecdsa-with-SHA* has parameters, which RFC 5758 §3.2 forbids"));
        }
        return Ok(SignatureAlgorithm::Ecdsa(hash));
    }
    match oid {
        oids::RSASSA_PSS => read_pss_params(r),
        oids::SHA224_WITH_RSA_ENCRYPTION | oids::ECDSA_WITH_SHA224 | oids::ED25519 | oids::ED448 => {
            Ok(SignatureAlgorithm::Unsupported(oid))
        }
        _ => Ok(SignatureAlgorithm::Unknown(oid)),
    }
}

/// RFC 4055 §3.1: the RSASSA-PSS-params (read by padlock-rsa's
/// [`PssParams`]), which "MUST be present when used in the algorithm
/// identifier associated with a signature value".
fn read_pss_params(mut r: Reader<'_>) -> Result<SignatureAlgorithm, Error> {
    const PART: &str = "RSASSA-PSS parameters";
    let params = PssParams::read(&mut r).map_err(|error| match error {
        PssParamsError::Malformed(error) => Error::Malformed { part: PART, error },
        PssParamsError::TrailerField(_) => Error::Invalid("RSASSA-PSS trailerField is not 1 (RFC 4055 §3.1)"),
        unsupported => Error::UnsupportedSignature(unsupported.to_string()),
    })?;
    r.finish().within(PART)?;
    Ok(SignatureAlgorithm::RsaPss(params))
}

#[cfg(test)]
mod tests {
    use padlock_der::Writer;

    use super::*;

    /// `Validity` with both times of one tag (`0x17` UTCTime, `0x18`
    /// GeneralizedTime) and the given contents.
    fn validity(tag: u8, not_before: &str, not_after: &str) -> Result<(Time, Time), Error> {
        let mut der = vec![0x30, (4 + not_before.len() + not_after.len()) as u8];
        for text in [not_before, not_after] {
            der.extend_from_slice(&[tag, text.len() as u8]);
            der.extend_from_slice(text.as_bytes());
        }
        let mut r = Reader::new(&der);
        let times = read_validity(&mut r)?;
        r.finish().within("test")?;
        Ok(times)
    }

    fn utc(text: &str) -> Result<String, Error> {
        validity(0x17, text, text).map(|(t, _)| t.to_string())
    }

    fn generalized(text: &str) -> Result<String, Error> {
        validity(0x18, text, text).map(|(t, _)| t.to_string())
    }

    #[test]
    fn utc_time_years_50_to_99_are_19xx() {
        assert_eq!(utc("500101000000Z").unwrap(), "1950-01-01T00:00:00Z");
        assert_eq!(utc("991231235959Z").unwrap(), "1999-12-31T23:59:59Z");
        assert_eq!(utc("000101000000Z").unwrap(), "2000-01-01T00:00:00Z");
        assert_eq!(utc("491231235959Z").unwrap(), "2049-12-31T23:59:59Z");
        assert_eq!(utc("240229120000Z").unwrap(), "2024-02-29T12:00:00Z");
    }

    #[test]
    fn utc_time_is_strict() {
        for bad in [
            "5001010000Z",  // no seconds
            "500101000000", // no zone
            "500101000000+0100",
            "500101000000z",
            "500230000000Z", // 30 February
            "230229000000Z", // 2023 is not a leap year
            "501301000000Z",
            "500100000000Z",
            "500101240000Z",
            "500101006000Z",
            "500101000060Z",
            "5001010000 0Z",
            "500101000000.5Z",
        ] {
            assert!(utc(bad).is_err(), "UTCTime {bad:?} accepted");
        }
    }

    #[test]
    fn generalized_time_is_strict() {
        assert_eq!(generalized("20500101000000Z").unwrap(), "2050-01-01T00:00:00Z");
        assert_eq!(generalized("99991231235959Z").unwrap(), "9999-12-31T23:59:59Z");
        assert_eq!(generalized("20000229000000Z").unwrap(), "2000-02-29T00:00:00Z");
        for bad in [
            "205001010000Z",
            "20500101000000",
            "20500101000000.5Z",
            "20500101000000-0500",
            "21000229000000Z", // 2100 is not a leap year
            "20500431000000Z",
        ] {
            assert!(generalized(bad).is_err(), "GeneralizedTime {bad:?} accepted");
        }
        // The two forms may be mixed (a UTCTime notBefore, a GeneralizedTime notAfter).
        let mut der = vec![0x30, 32, 0x17, 13];
        der.extend_from_slice(b"491231235959Z");
        der.extend_from_slice(&[0x18, 15]);
        der.extend_from_slice(b"20500101000000Z");
        let (a, b) = read_validity(&mut Reader::new(&der)).expect("mixed validity");
        assert!(a < b);
    }

    /// `AlgorithmIdentifier` DER for `oid` with parameters written by `params`.
    fn algorithm(oid: Oid, params: impl FnOnce(&mut Writer)) -> Result<SignatureAlgorithm, Error> {
        let mut w = Writer::new();
        w.sequence(|w| {
            w.oid(&oid);
            params(w);
        });
        let der = w.finish().expect("DER");
        let mut r = Reader::new(&der);
        read_signature_algorithm(r.read_sequence().within("test")?)
    }

    #[test]
    fn signature_algorithms_are_named() {
        let rsa = algorithm(oids::SHA384_WITH_RSA_ENCRYPTION, |w| w.null()).unwrap();
        assert_eq!(rsa.name(), "sha384WithRSAEncryption");
        assert_eq!(
            algorithm(oids::SHA1_WITH_RSA_ENCRYPTION, |_| {}).unwrap().name(),
            "sha1WithRSAEncryption"
        );
        let ecdsa = algorithm(oids::ECDSA_WITH_SHA256, |_| {}).unwrap();
        assert_eq!(ecdsa, SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256));
        assert_eq!(ecdsa.name(), "ecdsa-with-SHA256");
        assert_eq!(algorithm(oids::ECDSA_WITH_SHA384, |_| {}).unwrap().name(), "ecdsa-with-SHA384");
        // RFC 5758 §3.2: no parameters, not even NULL.
        assert!(algorithm(oids::ECDSA_WITH_SHA256, |w| w.null()).is_err());
        let sha224 = algorithm(oids::ECDSA_WITH_SHA224, |_| {}).unwrap();
        assert_eq!(sha224, SignatureAlgorithm::Unsupported(oids::ECDSA_WITH_SHA224));
        assert!(algorithm(oids::ED25519, |_| {}).unwrap().name().contains("25519"));
        assert!(algorithm(oids::SHA256_WITH_RSA_ENCRYPTION, |w| w.small_integer(1)).is_err());
    }

    #[test]
    fn pss_parameters_default_to_sha1_and_salt_20() {
        let pss = algorithm(oids::RSASSA_PSS, |w| w.sequence(|_| {})).unwrap();
        assert_eq!(pss, SignatureAlgorithm::RsaPss(PssParams::DEFAULT));
        // RFC 4055 §3.1: the parameters "MUST be present" beside a signature.
        assert!(algorithm(oids::RSASSA_PSS, |_| {}).is_err());
        let sha256 = |w: &mut Writer| {
            w.sequence(|w| {
                w.oid(&oids::SHA256);
                w.null();
            })
        };
        let pss = algorithm(oids::RSASSA_PSS, |w| {
            w.sequence(|w| {
                w.explicit(0, sha256);
                w.explicit(1, |w| {
                    w.sequence(|w| {
                        w.oid(&oids::MGF1);
                        sha256(w);
                    })
                });
                w.explicit(2, |w| w.small_integer(32));
            })
        })
        .unwrap();
        assert_eq!(pss, SignatureAlgorithm::RsaPss(PssParams::for_hash(padlock_rsa::PssHash::Sha256)));
        let bad_trailer =
            algorithm(oids::RSASSA_PSS, |w| w.sequence(|w| w.explicit(3, |w| w.small_integer(2))));
        assert!(bad_trailer.is_err());
    }

    #[test]
    fn garbage_is_an_error() {
        for der in [&[][..], &[0x30, 0x00], &[0x30, 0x03, 0x30, 0x01, 0x00], &[0x04, 0x00]] {
            assert!(Certificate::from_der(der).is_err(), "{der:02x?}");
        }
        assert!(matches!(Certificate::from_pem("hello"), Err(Error::Pem(_))));
    }
}
