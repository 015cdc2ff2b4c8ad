//! Certificates whose subject key is id-RSASSA-PSS (RFC 4055 §1.2), built by
//! `CertificateBuilder` and verified by padlock-x509 itself:
//!
//! - an RSA-PSS root restricted to SHA-256 with salts of at least 32 bytes,
//!   self-signed with RSASSA-PSS; below it an RSA-PSS leaf without
//!   parameters and an rsaEncryption leaf; and an RSA-PSS leaf under an
//!   rsaEncryption root signed with PKCS#1 v1.5;
//! - the key is exposed through `PublicKeyInfo::rsa_pss_key`, never as an
//!   rsaEncryption key, and a leaf's keyUsage does not offer keyEncipherment;
//! - the builder signs with an RSA-PSS key only with PSS, and only within
//!   its parameters;
//! - verification honours the issuer key's parameters (RFC 4055 §3.3): a
//!   PKCS#1 v1.5 signature, a shorter salt or another hash is refused, and
//!   says why.
//!
//! OpenSSL's view of these certificates is in `openssl_pss.rs`.

use std::sync::OnceLock;

use padlock_der::{BitString, Reader, Time, Writer, oids};
use padlock_rsa::{PssHash, PssParams, RsaKey, RsaPrivateKey, RsaPssPrivateKey, read_key};
use padlock_sha::Sha256;
use padlock_x509::{
    BuildError, Certificate, CertificateBuilder, Error, KeyUsage, SignatureAlgorithm, SigningScheme,
    verify_chain, verify_signature,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// What the root's key allows: SHA-256, MGF1 with SHA-256, salts of 32 bytes or more.
const ROOT_PARAMS: PssParams = PssParams::for_hash(PssHash::Sha256);

/// The keys and certificates, made once.
struct Pki {
    /// The root's key, as its numbers (to forge signatures the key forbids).
    root_numbers: RsaPrivateKey,
    root_key: RsaPssPrivateKey,
    root: Certificate,
    leaf_key: RsaPssPrivateKey,
    pss_leaf: Certificate,
    rsa_leaf: Certificate,
    rsa_root: Certificate,
    pss_leaf_under_rsa: Certificate,
}

fn start() -> Time {
    Time::new(2026, 1, 1, 0, 0, 0).expect("a valid time")
}

fn during() -> Time {
    Time::new(2026, 2, 1, 0, 0, 0).expect("a valid time")
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(4055);
        let mut keygen = |bits| RsaPrivateKey::generate(bits, &mut rng, &mut |_| {}).expect("keygen");
        let (root_numbers, leaf_numbers, rsa_key) = (keygen(2048), keygen(1024), keygen(1024));
        let root_key = RsaPssPrivateKey::new(copy(&root_numbers), Some(ROOT_PARAMS));
        let leaf_key = RsaPssPrivateKey::new(leaf_numbers, None);
        let mut rng = StdRng::seed_from_u64(8017);

        let mut builder = CertificateBuilder::ca("Padlock PSS Root", start());
        builder.scheme = SigningScheme::default_for((&root_key).into());
        let root = builder.self_signed(&root_key, &mut rng).expect("root");
        let mut builder = leaf_builder();
        builder.scheme = SigningScheme::RsaPssSha256;
        let pss_leaf =
            builder.signed_by(leaf_key.public_key(), &root, &root_key, &mut rng).expect("PSS leaf");
        let rsa_leaf = builder.signed_by(rsa_key.public_key(), &root, &root_key, &mut rng).expect("RSA leaf");

        let rsa_root =
            CertificateBuilder::ca("Padlock RSA Root", start()).self_signed(&rsa_key, &mut rng).unwrap();
        let pss_leaf_under_rsa =
            leaf_builder().signed_by(leaf_key.public_key(), &rsa_root, &rsa_key, &mut rng).expect("leaf");
        Pki { root_numbers, root_key, root, leaf_key, pss_leaf, rsa_leaf, rsa_root, pss_leaf_under_rsa }
    })
}

fn leaf_builder() -> CertificateBuilder {
    let mut builder = CertificateBuilder::leaf("localhost", start());
    builder.dns_names = vec!["localhost".into()];
    builder
}

/// A copy of a private key (they are not `Clone`), through its PKCS #1 DER.
fn copy(key: &RsaPrivateKey) -> RsaPrivateKey {
    match read_key(&key.to_pkcs1_der()).expect("PKCS#1").into_key() {
        RsaKey::Private(key) => *key,
        _ => panic!("an rsaEncryption private key"),
    }
}

#[test]
fn an_rsa_pss_key_is_read_from_its_certificate_with_its_parameters() {
    let pki = pki();
    let key = &pki.root.public_key;
    assert_eq!(key.algorithm, oids::RSASSA_PSS);
    assert_eq!(key.key_type(), "RSA-PSS");
    let pss = key.rsa_pss_key().expect("an RSA-PSS key");
    assert_eq!(pss.params(), Some(&ROOT_PARAMS));
    assert_eq!(pss.numbers().n_bytes(), pki.root_key.public_key().numbers().n_bytes());
    assert_eq!(key.der(), pki.root_key.public_key().to_spki_der());
    // Never an rsaEncryption key: RFC 4055 §1.2.
    let refused = key.rsa_key().expect_err("not for any RSA scheme");
    assert!(refused.contains("RSASSA-PSS signatures only"), "{refused}");
    assert_eq!(pki.pss_leaf.public_key.rsa_pss_key().expect("PSS").params(), None);
    assert!(pki.rsa_leaf.public_key.rsa_pss_key().is_err());
}

#[test]
fn the_builder_signs_with_an_rsa_pss_key_within_its_parameters() {
    let pki = pki();
    for cert in [&pki.root, &pki.pss_leaf, &pki.rsa_leaf] {
        assert_eq!(cert.signature_algorithm, SignatureAlgorithm::RsaPss(ROOT_PARAMS), "{}", cert.subject);
    }
    assert!(matches!(pki.pss_leaf_under_rsa.signature_algorithm, SignatureAlgorithm::RsaPkcs1(_)));
    // RFC 4055 §1.2: an RSA-PSS key signs; it never enciphers.
    let usage = pki.pss_leaf.extensions.key_usage.expect("keyUsage");
    assert!(usage.allows(KeyUsage::DIGITAL_SIGNATURE) && !usage.allows(KeyUsage::KEY_ENCIPHERMENT));
    let usage = pki.rsa_leaf.extensions.key_usage.expect("keyUsage");
    assert!(usage.allows(KeyUsage::KEY_ENCIPHERMENT));

    let mut rng = StdRng::seed_from_u64(1);
    let mut builder = leaf_builder();
    builder.scheme = SigningScheme::RsaPkcs1Sha256;
    let pkcs1 = builder.signed_by(pki.leaf_key.public_key(), &pki.root, &pki.root_key, &mut rng);
    assert_eq!(pkcs1.unwrap_err(), BuildError::SchemeMismatch(SigningScheme::RsaPkcs1Sha256));
    builder.scheme = SigningScheme::RsaPssSha384;
    let sha384 = builder.signed_by(pki.leaf_key.public_key(), &pki.root, &pki.root_key, &mut rng);
    let error = sha384.unwrap_err();
    assert!(matches!(error, BuildError::Signing(padlock_rsa::Error::PssRestricted { .. })), "{error}");
    assert!(error.to_string().contains("allows only SHA-256"), "{error}");
    // The issuer's key must be the one its certificate holds, parameters included.
    let unrestricted = RsaPssPrivateKey::new(copy(&pki.root_numbers), None);
    builder.scheme = SigningScheme::RsaPssSha256;
    let other = builder.signed_by(pki.leaf_key.public_key(), &pki.root, &unrestricted, &mut rng);
    assert!(matches!(other, Err(BuildError::KeyMismatch(_))), "{:?}", other.err());
    // A key restricted to SHA-512 signs with SHA-512 by default.
    let sha512 = RsaPssPrivateKey::new(copy(&pki.root_numbers), Some(PssParams::for_hash(PssHash::Sha512)));
    assert_eq!(SigningScheme::default_for((&sha512).into()), SigningScheme::RsaPssSha512);
}

#[test]
fn chains_with_rsa_pss_keys_verify() {
    let pki = pki();
    for (leaf, root) in
        [(&pki.pss_leaf, &pki.root), (&pki.rsa_leaf, &pki.root), (&pki.pss_leaf_under_rsa, &pki.rsa_root)]
    {
        let path = verify_chain(leaf, &[], std::slice::from_ref(root), "localhost", during())
            .unwrap_or_else(|e| panic!("{} under {}: {e}", leaf.subject, root.subject));
        assert_eq!(path.len(), 2);
    }
    // The leaf is not a CA, and a PSS leaf's key does not sign for another root.
    assert!(verify_signature(&pki.pss_leaf, &pki.rsa_root).is_err());
}

#[test]
fn verification_honours_the_issuer_keys_parameters() {
    let pki = pki();
    let mut rng = StdRng::seed_from_u64(2);
    let numbers = &pki.root_numbers;
    // What the key allows verifies (a longer salt too: RFC 4055 §3.3).
    let pss = |used: PssParams, rng: &mut StdRng| {
        resigned(&pki.pss_leaf, &pss_algorithm(&used), |tbs| {
            numbers.sign_pss_with_params(tbs, &used, rng).unwrap()
        })
    };
    verify_signature(&pss(PssParams { salt_len: 48, ..ROOT_PARAMS }, &mut rng), &pki.root).expect("salt 48");

    // A shorter salt, or another hash, is a signature the key may not make.
    for used in [PssParams { salt_len: 20, ..ROOT_PARAMS }, PssParams::for_hash(PssHash::Sha384)] {
        let error = verify_signature(&pss(used, &mut rng), &pki.root).expect_err("refused");
        assert!(matches!(error, Error::PssParametersRefused { .. }), "{used}: {error:?}");
        assert!(
            error.to_string().contains("is not one the key of 'CN=Padlock PSS Root' may make"),
            "{error}"
        );
    }

    // PKCS#1 v1.5 by the same numbers: RFC 4055 §1.2, PSS only.
    let sha256_with_rsa = der(|w| {
        w.sequence(|w| {
            w.oid(&oids::SHA256_WITH_RSA_ENCRYPTION);
            w.null();
        })
    });
    let forged = resigned(&pki.pss_leaf, &sha256_with_rsa, |tbs| {
        numbers.sign_pkcs1v15::<Sha256, _>(tbs, &mut rng).unwrap()
    });
    let error = verify_signature(&forged, &pki.root).expect_err("refused");
    assert!(matches!(&error, Error::UnsupportedKey { why, .. } if why.contains("RSA-PSS")), "{error:?}");

    // Another MGF1 hash than the key's: padlock-rsa can verify such
    // signatures (MGF1 may use its own hash, RFC 8017 §9.1), but this key
    // names SHA-256 for both, so a correct signature with MGF1-SHA-1 is
    // still one the key may not make.
    let mixed = PssParams { mgf1_hash: PssHash::Sha1, ..ROOT_PARAMS };
    let error = verify_signature(&pss(mixed, &mut rng), &pki.root).expect_err("refused");
    assert!(matches!(error, Error::PssParametersRefused { .. }), "{error:?}");
    assert!(error.to_string().contains("is not one the key of 'CN=Padlock PSS Root' may make"), "{error}");
}

/// `id-RSASSA-PSS` with `params`, as an AlgorithmIdentifier.
fn pss_algorithm(params: &PssParams) -> Vec<u8> {
    der(|w| {
        w.sequence(|w| {
            w.oid(&oids::RSASSA_PSS);
            params.write(w);
        })
    })
}

/// `cert` with `algorithm` in tbsCertificate and outside it, and the
/// tbsCertificate signed again by `sign`.
fn resigned(cert: &Certificate, algorithm: &[u8], sign: impl FnOnce(&[u8]) -> Vec<u8>) -> Certificate {
    let mut tbs = Reader::new(cert.tbs_der()).read_sequence().expect("tbsCertificate");
    let (version, serial) = (tbs.read_tlv().expect("version").raw(), tbs.read_tlv().expect("serial").raw());
    tbs.read_tlv().expect("signature");
    let rest = tbs.remaining();
    let new_tbs = der(|w| {
        w.sequence(|w| {
            w.raw(version);
            w.raw(serial);
            w.raw(algorithm);
            w.raw(rest);
        })
    });
    let signature = sign(&new_tbs);
    let whole = der(|w| {
        w.sequence(|w| {
            w.raw(&new_tbs);
            w.raw(algorithm);
            w.bit_string(BitString::from_octets(&signature));
        })
    });
    Certificate::from_der(&whole).expect("reads back")
}

fn der(write: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::new();
    write(&mut w);
    w.finish().expect("DER")
}
