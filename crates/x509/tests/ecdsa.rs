//! ECDSA certificates made by `CertificateBuilder` and verified by
//! padlock-x509 itself, in chains that mix RSA and ECDSA as the Web does:
//!
//! - a P-256 leaf under a P-384 intermediate under an RSA root (a free CA's
//!   usual shape), signed ecdsa-with-SHA384 and sha256WithRSAEncryption;
//! - an RSA leaf under an ECDSA (P-256) root;
//! - an ECDSA self-signed root;
//! - the fields ECDSA changes: the algorithm (no parameters, RFC 5758
//!   §3.2), the key identifiers (SHA-1 of the SEC1 point), keyUsage without
//!   keyEncipherment for an EC leaf (RFC 5480 §3);
//! - refusals: a changed signature, a scheme that does not fit the key, an
//!   issuer key that is not the certificate's.

use std::sync::OnceLock;

use padlock_der::Time;
use padlock_ec::{Curve, EcPrivateKey};
use padlock_rsa::RsaPrivateKey;
use padlock_sha::{Hash, Sha1};
use padlock_x509::{
    BuildError, Certificate, CertificateBuilder, Error, HashAlgorithm, KeyUsage, Profile, SignatureAlgorithm,
    SigningScheme, verify_chain, verify_signature,
};

struct Keys {
    rsa_root: RsaPrivateKey,
    p384: EcPrivateKey,
    p256: EcPrivateKey,
    rsa_leaf: RsaPrivateKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rand::rng();
        let rsa = |rng: &mut _| RsaPrivateKey::generate(1024, rng, &mut |_| {}).expect("keygen");
        Keys {
            rsa_root: rsa(&mut rng),
            p384: EcPrivateKey::generate(Curve::P384, &mut rng),
            p256: EcPrivateKey::generate(Curve::P256, &mut rng),
            rsa_leaf: rsa(&mut rng),
        }
    })
}

fn start() -> Time {
    Time::new(2026, 1, 1, 0, 0, 0).expect("a valid time")
}

fn during() -> Time {
    Time::new(2026, 2, 1, 0, 0, 0).expect("a valid time")
}

/// RSA root → P-384 intermediate (signed with RSA) → P-256 leaf (signed
/// ecdsa-with-SHA384).
fn web_chain() -> (Certificate, Certificate, Certificate) {
    let (keys, mut rng) = (keys(), rand::rng());
    let root =
        CertificateBuilder::ca("RSA Root", start()).self_signed(&keys.rsa_root, &mut rng).expect("root");
    let mut builder = CertificateBuilder::ca("P-384 Intermediate", start());
    builder.profile = Profile::Ca { path_len: Some(0) };
    let intermediate =
        builder.signed_by(keys.p384.public_key(), &root, &keys.rsa_root, &mut rng).expect("intermediate");
    let mut builder = CertificateBuilder::leaf("example.org", start());
    builder.dns_names = vec!["example.org".into()];
    builder.scheme = SigningScheme::EcdsaSha384;
    let leaf = builder.signed_by(keys.p256.public_key(), &intermediate, &keys.p384, &mut rng).expect("leaf");
    (root, intermediate, leaf)
}

#[test]
fn a_p256_leaf_under_a_p384_intermediate_under_an_rsa_root() {
    let (root, intermediate, leaf) = web_chain();
    assert_eq!(intermediate.signature_algorithm, SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256));
    assert_eq!(leaf.signature_algorithm, SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha384));
    assert_eq!(intermediate.public_key.key_type(), "EC (secp384r1)");
    assert_eq!(leaf.public_key.key_type(), "EC (secp256r1)");
    assert_eq!(leaf.public_key.ec_key().expect("EC"), keys().p256.public_key());
    let anchors = [root.clone()];
    let path = verify_chain(&leaf, std::slice::from_ref(&intermediate), &anchors, "example.org", during())
        .expect("the chain verifies");
    assert_eq!(path.len(), 3);
    verify_signature(&leaf, &intermediate).expect("ECDSA P-384 signature");
    verify_signature(&intermediate, &root).expect("RSA signature over an EC key");
    // The wrong issuer: the root's RSA key did not sign the leaf.
    assert!(matches!(verify_signature(&leaf, &root), Err(Error::UnsupportedKey { .. })));
}

#[test]
fn an_rsa_leaf_under_an_ecdsa_root() {
    let (keys, mut rng) = (keys(), rand::rng());
    let mut builder = CertificateBuilder::ca("P-256 Root", start());
    builder.scheme = SigningScheme::EcdsaSha256;
    let root = builder.self_signed(&keys.p256, &mut rng).expect("root");
    assert_eq!(root.signature_algorithm, SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256));
    verify_signature(&root, &root).expect("ECDSA self-signature");
    let mut builder = CertificateBuilder::leaf("rsa.example", start());
    builder.dns_names = vec!["rsa.example".into()];
    builder.scheme = SigningScheme::EcdsaSha256;
    let leaf = builder.signed_by(keys.rsa_leaf.public_key(), &root, &keys.p256, &mut rng).expect("leaf");
    assert_eq!(leaf.public_key.key_type(), "RSA");
    verify_chain(&leaf, &[], &[root], "rsa.example", during()).expect("the chain verifies");
    // An RSA leaf keeps keyEncipherment.
    let usage = leaf.extensions.key_usage.expect("keyUsage");
    assert!(usage.allows(KeyUsage::KEY_ENCIPHERMENT));
}

#[test]
fn ecdsa_fields_follow_rfc_5480_and_5758() {
    let (_, intermediate, leaf) = web_chain();
    for cert in [&intermediate, &leaf] {
        // RFC 5280 §4.2.1.2 method 1 over the SEC1 point.
        let ski = cert.extensions.subject_key_id.as_deref().expect("SKI");
        assert_eq!(ski, Sha1::digest(&cert.public_key.key).as_ref());
    }
    assert_eq!(
        leaf.extensions.authority_key_id.clone().flatten(),
        intermediate.extensions.subject_key_id.clone()
    );
    // RFC 5480 §3: an EC end-entity key has no keyEncipherment.
    let usage = leaf.extensions.key_usage.expect("keyUsage");
    assert!(usage.allows(KeyUsage::DIGITAL_SIGNATURE) && !usage.allows(KeyUsage::KEY_ENCIPHERMENT));
    // RFC 5758 §3.2: the AlgorithmIdentifier is the bare OID (no NULL):
    // SEQUENCE (0x30 0x0a) { OID 1.2.840.10045.4.3.3 }.
    let der = leaf.der();
    let algorithm = [0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
    assert!(der.windows(algorithm.len()).any(|w| w == algorithm), "ecdsa-with-SHA384 without parameters");
}

#[test]
fn a_changed_ecdsa_signature_is_refused() {
    let (root, intermediate, leaf) = web_chain();
    let mut der = leaf.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    let tampered = Certificate::from_der(&der).expect("still parses");
    assert!(matches!(verify_signature(&tampered, &intermediate), Err(Error::BadSignature { .. })));
    assert!(verify_chain(&tampered, &[intermediate], &[root], "example.org", during()).is_err());
}

#[test]
fn schemes_must_fit_keys_and_keys_must_match() {
    let (keys, mut rng) = (keys(), rand::rng());
    // The constructors default to an RSA scheme: an EC key must say ECDSA.
    let error = CertificateBuilder::ca("EC Root", start()).self_signed(&keys.p256, &mut rng).unwrap_err();
    assert_eq!(error, BuildError::SchemeMismatch(SigningScheme::RsaPkcs1Sha256));
    assert!(error.to_string().contains("default_for"), "{error}");
    let mut builder = CertificateBuilder::ca("RSA Root", start());
    builder.scheme = SigningScheme::EcdsaSha256;
    assert!(matches!(builder.self_signed(&keys.rsa_root, &mut rng), Err(BuildError::SchemeMismatch(_))));
    assert_eq!(SigningScheme::default_for((&keys.p384).into()), SigningScheme::EcdsaSha384);
    assert_eq!(SigningScheme::default_for((&keys.p256).into()), SigningScheme::EcdsaSha256);
    assert_eq!(SigningScheme::default_for((&keys.rsa_root).into()), SigningScheme::RsaPkcs1Sha256);
    // An issuer key that is not the issuer certificate's.
    let (_, intermediate, _) = web_chain();
    let mut builder = CertificateBuilder::leaf("example.org", start());
    builder.scheme = SigningScheme::EcdsaSha384;
    let wrong = EcPrivateKey::generate(Curve::P384, &mut rng);
    let result = builder.signed_by(keys.p256.public_key(), &intermediate, &wrong, &mut rng);
    assert!(matches!(result, Err(BuildError::KeyMismatch(_))));
}
