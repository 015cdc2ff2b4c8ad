//! What the client requires of the server's certificate and signatures
//! beyond the chain and the name (issue 14):
//!
//! - extendedKeyUsage, if present, must include serverAuth (RFC 5280
//!   §4.2.1.12), and keyUsage, if present, the bit the key exchange needs
//!   (§4.2.1.3): digitalSignature when the server signs (TLS 1.3, RFC 8446
//!   §4.4.2.2; TLS 1.2 ECDHE and DHE, RFC 5246 §7.4.2), keyEncipherment for
//!   TLS 1.2 RSA key transport (RFC 5246 §7.4.2). A refusal is an
//!   unsupported_certificate alert, as OpenSSL sends (defect 5). The certificates are the builder's,
//!   with one extension value changed in the leaf's tbsCertificate and the
//!   leaf signed again by its CA.
//! - an rsa_pss_rsae_* signature has a salt as long as the hash (RFC 8446
//!   §4.2.3): a ServerKeyExchange signed again with a 0- or 20-byte salt
//!   is a decrypt_error (defect 11).

mod common;

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use common::*;
use padlock_der::{BitString, Writer, oids};
use padlock_rsa::RsaPrivateKey;
use padlock_sha::{Hash, Sha256, Sha384, Sha512};
use padlock_tls::ProtocolVersion::{self, Tls12, Tls13};
use padlock_tls::alert::AlertDescription;
use padlock_tls::suites::{self, CipherSuite};
use padlock_tls::trace::Side;
use padlock_tls::{ClientConfig, Error, ServerConfig, SignatureScheme, VerifyingKey};
use padlock_x509::{Certificate, CertificateBuilder};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// extKeyUsage's id-kp-serverAuth, and the same with id-kp-clientAuth
/// (the OIDs differ in their last byte).
const SERVER_AUTH: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
const CLIENT_AUTH: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// keyUsage BIT STRINGs: digitalSignature and keyEncipherment (what the
/// builder writes), digitalSignature alone, keyEncipherment alone.
const SIGN_AND_ENCIPHER: &[u8] = &[0x03, 0x02, 0x05, 0xa0];
const SIGN_ONLY: &[u8] = &[0x03, 0x02, 0x07, 0x80];
const ENCIPHER_ONLY: &[u8] = &[0x03, 0x02, 0x05, 0x20];

/// The CA's key and certificate, and the leaf's key and certificate as the
/// builder makes them, for localhost; made once.
struct Fixture {
    ca_key: RsaPrivateKey,
    ca: Certificate,
    key: Arc<RsaPrivateKey>,
    leaf: Certificate,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(5);
        let ca_key = RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).expect("keygen");
        let key = RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).expect("keygen");
        let ca =
            CertificateBuilder::ca("Usage Test CA", not_before()).self_signed(&ca_key, &mut rng).expect("CA");
        let mut builder = CertificateBuilder::leaf("localhost", not_before());
        builder.dns_names = vec!["localhost".into()];
        let leaf = builder.signed_by(key.public_key(), &ca, &ca_key, &mut rng).expect("leaf");
        Fixture { ca_key, ca, key: Arc::new(key), leaf }
    })
}

/// The builder's leaf with `from` replaced by `to` (as long) in its
/// tbsCertificate, signed again by the CA (sha256WithRSAEncryption).
fn changed_leaf(from: &[u8], to: &[u8]) -> Certificate {
    let f = fixture();
    let mut tbs = f.leaf.tbs_der().to_vec();
    let at = tbs.windows(from.len()).position(|w| w == from).expect("the builder's leaf has the value");
    tbs[at..at + to.len()].copy_from_slice(to);
    let signature = f.ca_key.sign_pkcs1v15::<Sha256, _>(&tbs, &mut StdRng::seed_from_u64(0)).expect("signs");
    let mut w = Writer::new();
    w.sequence(|w| {
        w.raw(&tbs);
        w.sequence(|w| {
            w.oid(&oids::SHA256_WITH_RSA_ENCRYPTION);
            w.null();
        });
        w.bit_string(BitString::from_octets(&signature));
    });
    Certificate::from_der(&w.finish().expect("DER")).expect("reads back")
}

/// A handshake against a server with `leaf`, the client offering only
/// `version` and `suite`: the client's error and alert, or `None` if it
/// succeeded.
fn handshake(leaf: &Certificate, version: ProtocolVersion, suite: CipherSuite) -> Option<(Error, Vec<u8>)> {
    let f = fixture();
    let mut client = ClientConfig::new("localhost", vec![f.ca.clone()]);
    client.now = Some(now());
    client.versions = vec![version];
    client.cipher_suites = vec![suite];
    let server = ServerConfig::new(vec![leaf.clone()], f.key.clone());
    let (mut to_server, mut to_client) = (|_: usize, bytes: Vec<u8>| bytes, |_: usize, bytes: Vec<u8>| bytes);
    match run_with_mitm(client, server, 14, &mut to_server, &mut to_client) {
        Ok(_) => None,
        Err((side, error, alert)) => {
            assert_eq!(side, Side::Client, "{error}");
            Some((error, alert))
        }
    }
}

/// Every version and key exchange the client speaks.
const KEY_EXCHANGES: [(ProtocolVersion, CipherSuite); 4] = [
    (Tls13, suites::TLS13_AES_128_GCM_SHA256),
    (Tls12, suites::ECDHE_RSA_AES_128_GCM_SHA256),
    (Tls12, suites::DHE_RSA_AES_128_GCM_SHA256),
    (Tls12, suites::RSA_AES_128_GCM_SHA256),
];

/// Checks a refusal: unsupported_certificate (as OpenSSL answers a
/// certificate for the wrong purpose), saying `why`.
fn assert_refused(result: Option<(Error, Vec<u8>)>, version: ProtocolVersion, why: &str) {
    let (error, alert) = result.expect("the client refused the certificate");
    assert!(matches!(error, Error::Certificate(_)), "{error:?}");
    assert_eq!(error.alert(), Some(AlertDescription::UnsupportedCertificate));
    assert!(error.to_string().contains(why), "'{error}' should say '{why}'");
    if version == Tls12 {
        assert_eq!(plaintext_alert(&alert), Some(43), "unsupported_certificate on the wire");
    }
}

#[test]
fn the_builders_leaf_serves_every_key_exchange() {
    let f = fixture();
    for (version, suite) in KEY_EXCHANGES {
        assert!(handshake(&f.leaf, version, suite).is_none(), "{}", suite.name());
    }
    // The helper changes nothing when nothing changes.
    let same = changed_leaf(SERVER_AUTH, SERVER_AUTH);
    assert!(handshake(&same, Tls13, suites::TLS13_AES_128_GCM_SHA256).is_none());
}

#[test]
fn a_client_auth_only_certificate_is_refused() {
    let client_only = changed_leaf(SERVER_AUTH, CLIENT_AUTH);
    assert_eq!(client_only.extensions.ext_key_usage, Some(vec![oids::CLIENT_AUTH]));
    for (version, suite) in KEY_EXCHANGES {
        assert_refused(handshake(&client_only, version, suite), version, "not a certificate for TLS servers");
    }
}

#[test]
fn key_usage_must_allow_what_the_key_exchange_does() {
    let sign_only = changed_leaf(SIGN_AND_ENCIPHER, SIGN_ONLY);
    let encipher_only = changed_leaf(SIGN_AND_ENCIPHER, ENCIPHER_ONLY);
    for (version, suite) in KEY_EXCHANGES {
        let transport = suite.name().starts_with("TLS_RSA_");
        let (fits, misfits) =
            if transport { (&encipher_only, &sign_only) } else { (&sign_only, &encipher_only) };
        assert!(handshake(fits, version, suite).is_none(), "{}", suite.name());
        let needed =
            if transport { "does not allow keyEncipherment" } else { "does not allow digitalSignature" };
        assert_refused(handshake(misfits, version, suite), version, needed);
    }
}

#[test]
fn an_insecure_client_checks_nothing() {
    // `--insecure` turns every certificate check off, this one too.
    let f = fixture();
    let mut client = ClientConfig::new("localhost", vec![f.ca.clone()]);
    client.now = Some(now());
    client.verify_certificate = false;
    let client_only = changed_leaf(SERVER_AUTH, CLIENT_AUTH);
    let server = ServerConfig::new(vec![client_only], f.key.clone());
    connect(client, server, 15);
}

#[test]
fn pss_signatures_must_have_a_salt_as_long_as_the_hash() {
    // RFC 8446 §4.2.3, for every rsa_pss_rsae_* scheme: salts of 0 and 20
    // bytes (and the longest that fits) are refused, the hash length accepted.
    let key = &pki().key;
    let mut rng = StdRng::seed_from_u64(11);
    let message = b"signed content";
    let schemes = [
        (SignatureScheme::RsaPssRsaeSha256, Sha256::OUTPUT_LEN),
        (SignatureScheme::RsaPssRsaeSha384, Sha384::OUTPUT_LEN),
        (SignatureScheme::RsaPssRsaeSha512, Sha512::OUTPUT_LEN),
    ];
    for (scheme, h_len) in schemes {
        let longest = key.public_key().size() - h_len - 2;
        for salt_len in [0, 20, h_len, longest] {
            let signature = match scheme {
                SignatureScheme::RsaPssRsaeSha256 => {
                    key.sign_pss_with_salt_len::<Sha256, _>(message, salt_len, &mut rng)
                }
                SignatureScheme::RsaPssRsaeSha384 => {
                    key.sign_pss_with_salt_len::<Sha384, _>(message, salt_len, &mut rng)
                }
                _ => key.sign_pss_with_salt_len::<Sha512, _>(message, salt_len, &mut rng),
            }
            .expect("signs");
            let verified = scheme.verify(&VerifyingKey::Rsa(key.public_key().clone()), message, &signature);
            assert_eq!(verified, salt_len == h_len, "{} with a {salt_len}-byte salt", scheme.name());
        }
    }
}

#[test]
fn a_server_key_exchange_with_another_salt_length_is_refused() {
    // A man in the middle with the server's key signs the TLS 1.2
    // ServerKeyExchange again, with rsa_pss_rsae_sha256 and a salt of
    // `salt_len` bytes: only the hash length (32) is accepted.
    for salt_len in [0, 20, 32] {
        let mut client = client_config();
        client.versions = vec![Tls12];
        client.cipher_suites = vec![suites::ECDHE_RSA_AES_128_GCM_SHA256];
        client.signature_schemes = vec![SignatureScheme::RsaPssRsaeSha256];
        let client_random = RefCell::new(Vec::new());
        let mut to_server = |flight: usize, bytes: Vec<u8>| {
            if flight == 0 {
                // ClientHello: legacy_version (2 bytes), then the random.
                edit_plaintext(&bytes, 1, &mut |body| *client_random.borrow_mut() = body[2..34].to_vec());
            }
            bytes
        };
        let mut to_client = |flight: usize, bytes: Vec<u8>| {
            if flight > 0 {
                return bytes;
            }
            let mut signed = client_random.borrow().clone();
            let bytes = edit_plaintext(&bytes, 2, &mut |body| signed.extend_from_slice(&body[2..34]));
            edit_plaintext(&bytes, 12, &mut |body| resign_server_key_exchange(body, &mut signed, salt_len))
        };
        let result = run_with_mitm(client, server_config(), 16, &mut to_server, &mut to_client);
        let (side, error, alert) = result.err().expect("the man in the middle is caught");
        let refused_signature = error.to_string().contains("ServerKeyExchange signature does not verify");
        if salt_len == 32 {
            // The signature verifies; the changed transcript is caught later
            // (the keys differ: the extended master secret hashes it).
            assert!(!refused_signature, "re-signed with the hash length: {error}");
        } else {
            assert_eq!(side, Side::Client);
            assert!(refused_signature && matches!(error, Error::DecryptError(_)), "{error:?}");
            assert_eq!(plaintext_alert(&alert), Some(51), "decrypt_error on the wire");
        }
    }
}

/// Signs an ECDHE ServerKeyExchange body again: `signed` holds both
/// randoms; the params (curve_type, named_curve, the 32-byte x25519 key
/// with its length byte) follow, then the scheme, the length and the
/// signature, whose length stays the same.
fn resign_server_key_exchange(body: &mut [u8], signed: &mut Vec<u8>, salt_len: usize) {
    const PARAMS: usize = 1 + 2 + 1 + 32;
    assert_eq!(body[PARAMS..PARAMS + 2], [0x08, 0x04], "rsa_pss_rsae_sha256");
    signed.extend_from_slice(&body[..PARAMS]);
    let mut rng = StdRng::seed_from_u64(salt_len as u64);
    let signature = pki().key.sign_pss_with_salt_len::<Sha256, _>(signed, salt_len, &mut rng).expect("signs");
    assert_eq!(body.len(), PARAMS + 4 + signature.len());
    body[PARAMS + 4..].copy_from_slice(&signature);
}
