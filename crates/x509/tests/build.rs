//! Certificates made by `CertificateBuilder`, read back and verified by
//! padlock-x509 itself: a root CA (PKCS#1 v1.5), an intermediate with
//! `pathLenConstraint` 0 (RSASSA-PSS) and a leaf with DNS and IP SANs.
//!
//! - every field is what RFC 5280 and the profile say: v3, a positive
//!   serial of at most 20 octets (§4.1.2.2), the validity asked for, the
//!   extensions of a CA and of a leaf, SKI = SHA-1 of the subjectPublicKey
//!   (§4.2.1.2 method 1) and AKI = the issuer's SKI (§4.2.1.1);
//! - the chain verifies for each SAN, and not for another host, after
//!   notAfter or without the intermediate;
//! - a wrong issuer key, a non-CA issuer, a too-long validity and a DNS
//!   name outside IA5 are errors;
//! - an RSASSA-PSS signature must have the salt length its parameters give.
//!
//! Interoperability with `openssl verify` and `openssl x509 -text` is
//! tested through the CLI, in crates/cli/tests/cert.rs.

use std::net::IpAddr;
use std::sync::OnceLock;

use padlock_der::{BitString, Reader, Time, Writer};
use padlock_rsa::{PssHash, PssParams, RsaPrivateKey};
use padlock_sha::{Hash, Sha1, Sha256};
use padlock_x509::{
    BasicConstraints, BuildError, Certificate, CertificateBuilder, Error, GeneralName, HashAlgorithm,
    KeyUsage, MAX_VALIDITY_DAYS, Profile, SignatureAlgorithm, SigningScheme, verify_chain, verify_signature,
};

/// The keys and certificates of the chain, made once.
struct Chain {
    keys: [RsaPrivateKey; 3],
    ca: Certificate,
    intermediate: Certificate,
    leaf: Certificate,
}

/// notBefore of every certificate here.
fn start() -> Time {
    Time::new(2026, 1, 1, 0, 0, 0).expect("a valid time")
}

/// A time `days` after [`start`].
fn after(days: i64) -> Time {
    Time::from_unix_seconds(start().unix_seconds() + days * 86_400).expect("a valid time")
}

fn chain() -> &'static Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN.get_or_init(|| {
        let mut rng = rand::rng();
        // 1024 bits keeps the test quick; the profile does not depend on the size.
        let keys = [0, 1, 2].map(|_| RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).expect("keygen"));
        let ca =
            CertificateBuilder::ca("Padlock Test Root", start()).self_signed(&keys[0], &mut rng).unwrap();
        let mut builder = CertificateBuilder::ca("Padlock Test Intermediate", start());
        builder.profile = Profile::Ca { path_len: Some(0) };
        builder.scheme = SigningScheme::RsaPssSha256;
        builder.days = 1000;
        let intermediate = builder.signed_by(keys[1].public_key(), &ca, &keys[0], &mut rng).unwrap();
        let mut builder = CertificateBuilder::leaf("example.org", start());
        builder.dns_names = vec!["example.org".into(), "*.example.org".into()];
        builder.ip_addresses = vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
        builder.profile = Profile::Leaf { client_auth: true };
        let leaf = builder.signed_by(keys[2].public_key(), &intermediate, &keys[1], &mut rng).unwrap();
        Chain { keys, ca, intermediate, leaf }
    })
}

#[test]
fn fields_follow_the_profile() {
    let Chain { ca, intermediate, leaf, .. } = chain();
    for cert in [ca, intermediate, leaf] {
        assert_eq!(cert.version, 3);
        // RFC 5280 §4.1.2.2: positive, at most 20 octets.
        assert!(cert.serial.len() <= 20 && cert.serial[0] & 0x80 == 0, "{:02x?}", cert.serial);
        assert!(cert.serial.iter().any(|&b| b != 0));
        assert_eq!(cert.not_before, start());
        let ski = cert.extensions.subject_key_id.as_deref().expect("a subjectKeyIdentifier");
        assert_eq!(ski, Sha1::digest(&cert.public_key.key).as_ref());
        assert!(cert.extensions.other.is_empty());
    }
    assert_ne!(ca.serial, intermediate.serial);
    assert!(ca.is_self_issued());
    assert_eq!(ca.not_after, after(3650));
    assert_eq!(ca.signature_algorithm, SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256));
    assert_eq!(ca.extensions.basic_constraints, Some(BasicConstraints { ca: true, path_len: None }));
    assert_eq!(ca.extensions.key_usage, Some(KeyUsage(KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN)));
    assert_eq!(ca.extensions.authority_key_id, Some(ca.extensions.subject_key_id.clone()));
    assert_eq!(ca.extensions.subject_alt_name, None);

    let pss = SignatureAlgorithm::RsaPss(PssParams::for_hash(PssHash::Sha256));
    assert_eq!(intermediate.signature_algorithm, pss);
    assert_eq!(intermediate.issuer, ca.subject);
    assert_eq!(intermediate.not_after, after(1000));
    assert_eq!(
        intermediate.extensions.basic_constraints,
        Some(BasicConstraints { ca: true, path_len: Some(0) })
    );
    assert_eq!(intermediate.extensions.authority_key_id, Some(ca.extensions.subject_key_id.clone()));

    assert_eq!(leaf.subject.to_string(), "CN=example.org");
    assert_eq!(leaf.issuer, intermediate.subject);
    assert_eq!(leaf.not_after, after(90));
    assert_eq!(leaf.extensions.basic_constraints, Some(BasicConstraints { ca: false, path_len: None }));
    let usage = KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_ENCIPHERMENT;
    assert_eq!(leaf.extensions.key_usage, Some(KeyUsage(usage)));
    let purposes = vec![padlock_der::oids::SERVER_AUTH, padlock_der::oids::CLIENT_AUTH];
    assert_eq!(leaf.extensions.ext_key_usage, Some(purposes));
    let ips: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
    let mut sans: Vec<GeneralName> =
        vec![GeneralName::Dns("example.org".into()), GeneralName::Dns("*.example.org".into())];
    sans.extend(ips.into_iter().map(GeneralName::Ip));
    assert_eq!(leaf.extensions.subject_alt_name, Some(sans));
    assert_eq!(leaf.extensions.authority_key_id, Some(intermediate.extensions.subject_key_id.clone()));
}

#[test]
fn the_chain_verifies_with_our_verifier() {
    let Chain { ca, intermediate, leaf, .. } = chain();
    let (anchors, intermediates) = (std::slice::from_ref(ca), std::slice::from_ref(intermediate));
    for host in ["example.org", "www.example.org", "127.0.0.1", "::1"] {
        let path = verify_chain(leaf, intermediates, anchors, host, after(30)).expect(host);
        assert_eq!(path, vec![leaf, intermediate, ca]);
    }
    let wrong_host = verify_chain(leaf, intermediates, anchors, "example.com", after(30));
    assert!(matches!(wrong_host, Err(Error::HostnameMismatch { .. })), "{wrong_host:?}");
    let expired = verify_chain(leaf, intermediates, anchors, "example.org", after(91));
    assert!(matches!(expired, Err(Error::Expired { .. })), "{expired:?}");
    let alone = verify_chain(leaf, &[], anchors, "example.org", after(30));
    assert!(matches!(alone, Err(Error::UnknownIssuer(_))), "{alone:?}");
    // Read back from its own DER, the certificate is the same.
    assert_eq!(&Certificate::from_der(leaf.der()).unwrap(), leaf);
}

#[test]
fn mistakes_are_errors() {
    let Chain { keys, ca, leaf, .. } = chain();
    let mut rng = rand::rng();
    let builder = CertificateBuilder::leaf("x", start());
    let wrong_key = builder.signed_by(keys[2].public_key(), ca, &keys[1], &mut rng);
    assert!(matches!(wrong_key, Err(BuildError::KeyMismatch(_))), "{wrong_key:?}");
    let not_a_ca = builder.signed_by(keys[1].public_key(), leaf, &keys[2], &mut rng);
    assert!(matches!(not_a_ca, Err(BuildError::IssuerNotCa(_))), "{not_a_ca:?}");
    let mut long = builder.clone();
    long.days = MAX_VALIDITY_DAYS + 1;
    assert!(matches!(long.self_signed(&keys[0], &mut rng), Err(BuildError::ValidityTooLong(_))));
    let mut bad_dns = builder.clone();
    bad_dns.dns_names = vec!["bücher.example".into()];
    assert!(matches!(bad_dns.self_signed(&keys[0], &mut rng), Err(BuildError::Encoding(_))));
}

#[test]
fn dates_from_2050_are_generalized_time() {
    let keys = &chain().keys;
    let mut builder = CertificateBuilder::ca("Far Future", Time::new(2049, 12, 31, 0, 0, 0).unwrap());
    builder.days = 2;
    let cert = builder.self_signed(&keys[0], &mut rand::rng()).unwrap();
    assert_eq!(cert.not_after.to_string(), "2050-01-02T00:00:00Z");
    // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime (tag 0x18) from 2050.
    let tbs = cert.tbs_der();
    assert!(tbs.windows(2).any(|w| w == [0x18, 15]), "no GeneralizedTime");
}

/// The intermediate (RSASSA-PSS, SHA-256, saltLength 32 in its parameters)
/// with every `a2 03 02 01 20` (saltLength [2] INTEGER 32) in its DER
/// replaced by saltLength `param` — in tbsCertificate and in the outer
/// signatureAlgorithm — and tbsCertificate signed again by the root with a
/// salt of `salt` bytes.
fn intermediate_with_pss_salt(param: u8, salt: usize) -> Certificate {
    let Chain { keys, intermediate, .. } = chain();
    let pattern = [0xa2, 0x03, 0x02, 0x01, 0x20];
    let mut der = intermediate.der().to_vec();
    let places: Vec<usize> = (0..der.len() - 4).filter(|&i| der[i..i + 5] == pattern).collect();
    assert_eq!(places.len(), 2, "saltLength in tbsCertificate and signatureAlgorithm");
    for at in places {
        der[at + 4] = param;
    }
    let mut outer = Reader::new(&der).read_sequence().expect("Certificate");
    let (tbs, algorithm) = (outer.read_tlv().expect("tbs").raw(), outer.read_tlv().expect("algorithm").raw());
    let signature = keys[0].sign_pss_with_salt_len::<Sha256, _>(tbs, salt, &mut rand::rng()).expect("signs");
    let mut w = Writer::new();
    w.sequence(|w| {
        w.raw(tbs);
        w.raw(algorithm);
        w.bit_string(BitString::from_octets(&signature));
    });
    Certificate::from_der(&w.finish().expect("DER")).expect("reads back")
}

/// RSASSA-PSS in a certificate: the salt must be as long as the
/// parameters' saltLength says (RFC 4055 §3.1, RFC 8017 §9.1.2 step 10),
/// whatever the hash length (issue 14, defect 11).
#[test]
fn a_pss_signature_has_the_salt_length_its_parameters_give() {
    let ca = &chain().ca;
    for salt in [0, 20, 32] {
        let said_so = intermediate_with_pss_salt(salt as u8, salt);
        let SignatureAlgorithm::RsaPss(params) = said_so.signature_algorithm else { panic!("PSS") };
        assert_eq!(params.salt_len, salt as u64);
        verify_signature(&said_so, ca).unwrap_or_else(|e| panic!("salt {salt}, saltLength {salt}: {e}"));
        // A signature with another salt length than the parameters say.
        for other in [0, 20, 32, 33].into_iter().filter(|&o| o != salt) {
            let mismatched = intermediate_with_pss_salt(salt as u8, other);
            let error = verify_signature(&mismatched, ca).unwrap_err();
            assert!(
                matches!(error, Error::BadSignature { .. }),
                "salt {other}, saltLength {salt}: {error:?}"
            );
        }
    }
}
