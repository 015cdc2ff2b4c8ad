//! A server whose certificate holds an RSA-PSS key (id-RSASSA-PSS, RFC 4055
//! §1.2), in memory, in TLS 1.3 and TLS 1.2:
//!
//! - it signs its CertificateVerify (TLS 1.3) or ServerKeyExchange (TLS 1.2
//!   ECDHE and DHE) with rsa_pss_pss_* (RFC 8446 §4.2.3), the hash its
//!   key's parameters allow, and the client verifies;
//! - it never does RSA key transport: a PSS key must not decrypt (RFC 4055
//!   §1.2), so TLS_RSA_* suites are skipped, and a client offering only
//!   those gets handshake_failure; nor does our client encrypt to one;
//! - a client offering only rsa_pss_rsae_* is told there is no scheme in
//!   common;
//! - beside an rsaEncryption certificate, each client gets the certificate
//!   whose schemes it offered (and RSA key transport the one that decrypts);
//! - the client refuses a signature whose scheme does not fit the kind of
//!   key in the certificate (rsa_pss_rsae_* from an RSA-PSS key,
//!   rsa_pss_pss_* from an rsaEncryption key) or that the key's parameters
//!   forbid, with illegal_parameter.

mod common;

use std::sync::{Arc, OnceLock};

use common::*;
use padlock_rsa::{PssHash, PssParams, RsaKey, RsaPrivateKey, RsaPssPrivateKey, read_key};
use padlock_tls::ProtocolVersion::{self, Tls12, Tls13};
use padlock_tls::alert::AlertDescription;
use padlock_tls::suites::{self, CipherSuite};
use padlock_tls::trace::{Check, Event, Side};
use padlock_tls::{CertifiedKey, ClientConfig, Error, ServerConfig, SignatureScheme, SigningKey};
use padlock_x509::{Certificate, CertificateBuilder, SigningScheme};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// An RSA-PSS CA (restricted to SHA-256) and, under it, leaves for
/// localhost: an RSA-PSS key without parameters, one restricted to
/// SHA-384, and an rsaEncryption key; each with its private key, and the
/// numbers of the first two as plain RSA keys (to make a server that
/// misbehaves).
struct PssPki {
    ca: Certificate,
    leaf: Certificate,
    key: Arc<RsaPssPrivateKey>,
    key_numbers: Arc<RsaPrivateKey>,
    sha384_leaf: Certificate,
    sha384_key: Arc<RsaPssPrivateKey>,
    sha384_numbers: Arc<RsaPrivateKey>,
    rsa_leaf: Certificate,
    rsa_key: Arc<RsaPrivateKey>,
}

fn pss_pki() -> &'static PssPki {
    static PKI: OnceLock<PssPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(0x4055);
        let mut keygen = || RsaPrivateKey::generate(2048, &mut rng, &mut |_| {}).expect("keygen");
        let (ca_numbers, leaf_numbers, sha384_numbers, rsa_key) = (keygen(), keygen(), keygen(), keygen());
        let mut rng = StdRng::seed_from_u64(0x8446);
        let ca_key = RsaPssPrivateKey::new(ca_numbers, Some(PssParams::for_hash(PssHash::Sha256)));
        let mut builder = CertificateBuilder::ca("Padlock PSS CA", not_before());
        builder.scheme = SigningScheme::default_for((&ca_key).into());
        let ca = builder.self_signed(&ca_key, &mut rng).expect("CA");
        let mut builder = CertificateBuilder::leaf("localhost", not_before());
        builder.dns_names = vec!["localhost".into()];
        builder.scheme = SigningScheme::RsaPssSha256;
        let key = RsaPssPrivateKey::new(copy(&leaf_numbers), None);
        let leaf = builder.signed_by(key.public_key(), &ca, &ca_key, &mut rng).expect("leaf");
        let sha384 = Some(PssParams::for_hash(PssHash::Sha384));
        let sha384_key = RsaPssPrivateKey::new(copy(&sha384_numbers), sha384);
        let sha384_leaf = builder.signed_by(sha384_key.public_key(), &ca, &ca_key, &mut rng).expect("leaf");
        let rsa_leaf = builder.signed_by(rsa_key.public_key(), &ca, &ca_key, &mut rng).expect("leaf");
        PssPki {
            ca,
            leaf,
            key: Arc::new(key),
            key_numbers: Arc::new(leaf_numbers),
            sha384_leaf,
            sha384_key: Arc::new(sha384_key),
            sha384_numbers: Arc::new(sha384_numbers),
            rsa_leaf,
            rsa_key: Arc::new(rsa_key),
        }
    })
}

/// A copy of a private key (they are not `Clone`), through its PKCS #1 DER.
fn copy(key: &RsaPrivateKey) -> RsaPrivateKey {
    match read_key(&key.to_pkcs1_der()).expect("PKCS#1").into_key() {
        RsaKey::Private(key) => *key,
        _ => panic!("an rsaEncryption private key"),
    }
}

/// A client trusting the PSS CA, speaking `version` with `suites`.
fn client(version: ProtocolVersion, suites: &[CipherSuite]) -> ClientConfig {
    let mut config = ClientConfig::new("localhost", vec![pss_pki().ca.clone()]);
    config.now = Some(now());
    config.versions = vec![version];
    config.cipher_suites = suites.to_vec();
    config
}

/// A server presenting `leaf` and signing with `key`.
fn server(leaf: &Certificate, key: impl Into<SigningKey>) -> ServerConfig {
    ServerConfig::new(vec![leaf.clone()], key)
}

/// The key exchanges in which the server signs.
const SIGNED: [(ProtocolVersion, CipherSuite); 3] = [
    (Tls13, suites::TLS13_AES_128_GCM_SHA256),
    (Tls12, suites::ECDHE_RSA_AES_128_GCM_SHA256),
    (Tls12, suites::DHE_RSA_AES_128_GCM_SHA256),
];

/// A handshake that must succeed; the scheme the client saw the server sign with.
fn signed_with(client: ClientConfig, server: ServerConfig) -> SignatureScheme {
    let (trace, events) = recorder();
    let mut client = client;
    client.trace = Some(trace);
    let (mut c, mut s, _) = connect(client, server, 11);
    c.write_app_data(b"over PSS").expect("client write");
    s.read_tls(&c.take_outgoing()).expect("server read");
    assert_eq!(s.take_app_data(), b"over PSS");
    let events = events.lock().expect("lock");
    let mut checks = events.iter().filter_map(|(side, event)| match (side, event) {
        (Side::Client, Event::Check { check: Check::Signature { scheme, .. }, passed }) => {
            Some((*scheme, *passed))
        }
        _ => None,
    });
    let (scheme, passed) = checks.next().expect("the client checked a signature");
    assert!(passed);
    scheme
}

/// A handshake that must fail: which side failed, and its error.
fn refused(client: ClientConfig, server: ServerConfig) -> (Side, Error) {
    let (side, error, _) = expect_failure(run_with_mitm(client, server, 12, &mut pass, &mut pass));
    (side, error)
}

#[test]
fn a_server_with_an_rsa_pss_key_signs_with_rsa_pss_pss() {
    let pki = pss_pki();
    for (version, suite) in SIGNED {
        let scheme = signed_with(client(version, &[suite]), server(&pki.leaf, pki.key.clone()));
        assert_eq!(scheme, SignatureScheme::RsaPssPssSha256, "{version:?} {}", suite.name());
        // A key restricted to SHA-384 signs with SHA-384, the only scheme it may.
        let scheme = signed_with(client(version, &[suite]), server(&pki.sha384_leaf, pki.sha384_key.clone()));
        assert_eq!(scheme, SignatureScheme::RsaPssPssSha384, "{version:?} {}", suite.name());
    }
}

#[test]
fn the_client_offers_rsa_pss_pss_after_rsa_pss_rsae() {
    let offered = ClientConfig::new("localhost", Vec::new()).signature_schemes;
    let at = |scheme| offered.iter().position(|&s| s == scheme).expect("offered");
    assert!(at(SignatureScheme::RsaPssRsaeSha512) < at(SignatureScheme::RsaPssPssSha256));
    assert!(at(SignatureScheme::RsaPssPssSha256) < at(SignatureScheme::RsaPssPssSha384));
    assert!(at(SignatureScheme::RsaPssPssSha384) < at(SignatureScheme::RsaPssPssSha512));
    let ids: Vec<u16> = [
        SignatureScheme::RsaPssPssSha256,
        SignatureScheme::RsaPssPssSha384,
        SignatureScheme::RsaPssPssSha512,
    ]
    .iter()
    .map(|s| s.id())
    .collect();
    assert_eq!(ids, [0x0809, 0x080a, 0x080b]);
    assert_eq!(SignatureScheme::RsaPssPssSha384.name(), "rsa_pss_pss_sha384");
}

#[test]
fn an_rsa_pss_key_never_serves_rsa_key_transport() {
    let pki = pss_pki();
    // The server prefers RSA key transport, but its key cannot decrypt: ECDHE it is.
    let both = [suites::RSA_AES_128_GCM_SHA256, suites::ECDHE_RSA_AES_128_GCM_SHA256];
    let mut config = server(&pki.leaf, pki.key.clone());
    config.cipher_suites = both.to_vec();
    let (c, _, _) = connect(client(Tls12, &both), config, 13);
    assert_eq!(c.negotiated().expect("negotiated").suite, suites::ECDHE_RSA_AES_128_GCM_SHA256);
    // Offered only RSA key transport: no suite in common.
    let (side, error) =
        refused(client(Tls12, &[suites::RSA_AES_128_GCM_SHA256]), server(&pki.leaf, pki.key.clone()));
    assert_eq!(side, Side::Server, "{error}");
    assert!(error.to_string().contains("no cipher suite in common"), "{error}");
    assert_eq!(error.alert(), Some(AlertDescription::HandshakeFailure));
}

#[test]
fn a_client_offering_only_rsa_pss_rsae_has_no_scheme_in_common() {
    let pki = pss_pki();
    for (version, suite) in SIGNED {
        let mut client = client(version, &[suite]);
        client.signature_schemes = vec![
            SignatureScheme::RsaPssRsaeSha256,
            SignatureScheme::RsaPssRsaeSha384,
            SignatureScheme::RsaPkcs1Sha256,
        ];
        let (side, error) = refused(client, server(&pki.leaf, pki.key.clone()));
        assert_eq!(side, Side::Server, "{error}");
        // Both versions name the schemes on each side (TLS 1.2 rather than
        // listing no suite at all).
        let message = error.to_string();
        assert!(message.contains("no signature scheme in common"), "{version:?}: {message}");
        assert!(message.contains("client offered [rsa_pss_rsae_sha256, "), "{version:?}: {message}");
        let ours = "with [rsa_pss_pss_sha256, rsa_pss_pss_sha384, rsa_pss_pss_sha512]";
        assert!(message.contains(ours), "{version:?}: {message}");
    }
}

#[test]
fn the_client_refuses_a_scheme_that_does_not_fit_the_kind_of_rsa_key() {
    let pki = pss_pki();
    for (version, suite) in SIGNED {
        // An RSA-PSS certificate, and a server signing rsa_pss_rsae_* with the same numbers.
        let (side, error) = refused(client(version, &[suite]), server(&pki.leaf, pki.key_numbers.clone()));
        assert_eq!(side, Side::Client, "{error}");
        assert!(matches!(error, Error::IllegalParameter(why) if why.contains("does not fit")), "{error:?}");
        // An rsaEncryption certificate, and a server signing rsa_pss_pss_* with that key made PSS-only.
        let pss_only = Arc::new(RsaPssPrivateKey::new(copy(&pki.rsa_key), None));
        let mut config = server(&pki.rsa_leaf, pss_only);
        config.cipher_suites = vec![suite];
        let (side, error) = refused(client(version, &[suite]), config);
        assert_eq!(side, Side::Client, "{error}");
        assert!(matches!(error, Error::IllegalParameter(why) if why.contains("does not fit")), "{error:?}");
    }
    // The rsaEncryption leaf of the same CA, with its own key, is fine.
    let scheme = signed_with(
        client(Tls13, &[suites::TLS13_AES_128_GCM_SHA256]),
        server(&pki.rsa_leaf, pki.rsa_key.clone()),
    );
    assert_eq!(scheme, SignatureScheme::RsaPssRsaeSha256);
}

#[test]
fn the_client_refuses_a_scheme_the_keys_parameters_forbid() {
    let pki = pss_pki();
    for (version, suite) in SIGNED {
        // A certificate restricted to SHA-384; the server signs with SHA-256 all the same.
        let unrestricted = Arc::new(RsaPssPrivateKey::new(copy(&pki.sha384_numbers), None));
        let mut config = server(&pki.sha384_leaf, unrestricted);
        config.signature_schemes = vec![SignatureScheme::RsaPssPssSha256];
        let (side, error) = refused(client(version, &[suite]), config);
        assert_eq!(side, Side::Client, "{error}");
        assert!(matches!(error, Error::IllegalParameter(why) if why.contains("does not fit")), "{error:?}");
        // And our own server, honest, refuses to sign what its key forbids.
        let mut config = server(&pki.sha384_leaf, pki.sha384_key.clone());
        config.signature_schemes = vec![SignatureScheme::RsaPssPssSha256];
        let (side, error) = refused(client(version, &[suite]), config);
        assert_eq!(side, Side::Server, "{error}");
    }
}

#[test]
fn a_server_with_an_rsa_pss_and_an_rsa_certificate_answers_each_client_with_one_it_can_verify() {
    let pki = pss_pki();
    // The RSA-PSS certificate first, then the rsaEncryption one.
    let both = || {
        let mut config = server(&pki.leaf, pki.key.clone());
        config
            .certificates
            .push(CertifiedKey { chain: vec![pki.rsa_leaf.clone()], key: pki.rsa_key.clone().into() });
        config
    };
    let rsae = [SignatureScheme::RsaPssRsaeSha256, SignatureScheme::RsaPkcs1Sha256];
    let pss = [SignatureScheme::RsaPssPssSha384, SignatureScheme::RsaPssPssSha256];
    for (version, suite) in SIGNED {
        // A client that verifies only rsaEncryption keys gets that certificate.
        let mut offers_rsae = client(version, &[suite]);
        offers_rsae.signature_schemes = rsae.to_vec();
        assert_eq!(signed_with(offers_rsae, both()), SignatureScheme::RsaPssRsaeSha256, "{version:?}");
        // One that verifies only RSA-PSS keys gets the other, signing in our order of schemes.
        let mut offers_pss = client(version, &[suite]);
        offers_pss.signature_schemes = pss.to_vec();
        assert_eq!(signed_with(offers_pss, both()), SignatureScheme::RsaPssPssSha256, "{version:?}");
        // One that verifies both gets the first certificate.
        assert_eq!(
            signed_with(client(version, &[suite]), both()),
            SignatureScheme::RsaPssPssSha256,
            "{version:?}"
        );
    }
    // RSA key transport needs a key that decrypts: the rsaEncryption one.
    let (c, _, _) = connect(client(Tls12, &[suites::RSA_AES_128_GCM_SHA256]), both(), 14);
    assert_eq!(c.negotiated().expect("negotiated").suite, suites::RSA_AES_128_GCM_SHA256);
}

#[test]
fn the_client_refuses_rsa_key_transport_to_an_rsa_pss_certificate() {
    let pki = pss_pki();
    // A server that decrypts with the numbers of an RSA-PSS certificate's key.
    let mut config = server(&pki.leaf, pki.key_numbers.clone());
    config.cipher_suites = vec![suites::RSA_AES_128_GCM_SHA256];
    let (side, error) = refused(client(Tls12, &[suites::RSA_AES_128_GCM_SHA256]), config);
    assert_eq!(side, Side::Client, "{error}");
    assert_eq!(error.alert(), Some(AlertDescription::UnsupportedCertificate), "{error:?}");
    // Our leaf's keyUsage says so first; without it, the key itself would.
    let message = error.to_string();
    assert!(message.contains("keyEncipherment") || message.contains("RSA-PSS"), "{message}");
}
