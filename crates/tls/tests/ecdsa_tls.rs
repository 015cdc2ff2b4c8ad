//! The NIST curves and ECDSA in our own handshakes, where issue 15's audit
//! found no test:
//!
//! - our server asks for secp256r1 or secp384r1 with a HelloRetryRequest
//!   (RFC 8446 §4.1.4) when the client offered the curve but sent a key
//!   share for another group, and the handshake completes on that curve;
//! - our client refuses a CertificateVerify (TLS 1.3) whose ECDSA scheme
//!   names another curve than the certificate's, with illegal_parameter,
//!   while a TLS 1.2 ServerKeyExchange may use either ECDSA hash with any
//!   curve (RFC 8446 §4.2.3) and is refused only for a scheme of another
//!   key type;
//! - our client refuses a tampered ECDSA signature in either message with
//!   decrypt_error (RFC 8446 §4.4.3, RFC 5246 §7.4.3 with RFC 8422 §5.4).
//!
//! The man in the middle holds the server's private key and signs its edits
//! again, so each test fails for the one reason it names. ECDSA signs with
//! RFC 6979 nonces, so signing the same content again gives the same bytes:
//! each harness first shows that an unchanged re-signing connects.

mod common;

use std::cell::Cell;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;

use common::*;
use padlock_ec::Curve;
use padlock_tls::ProtocolVersion::{Tls12, Tls13};
use padlock_tls::alert::AlertDescription;
use padlock_tls::codec::{Reader, Writer};
use padlock_tls::key_schedule::HashAlgorithm;
use padlock_tls::messages::{
    ClientHello, DigitallySigned, HandshakeType, KeyExchangeAlgorithm, ServerHello, ServerKeyExchange, ext,
};
use padlock_tls::record::{ContentType, HalfConn, Record};
use padlock_tls::suites::{ECDHE_ECDSA_AES_128_GCM_SHA256, TLS13_AES_128_GCM_SHA256};
use padlock_tls::trace::{Check, Event, KeyExchangeValue, KeyStage, Side};
use padlock_tls::{ClientConfig, Error, NamedGroup, ServerConfig, SignatureScheme, SigningKey};
use padlock_x509::throwaway::{EcPki, throwaway_ecdsa};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// RFC 8446 §4.1.3: the random of a HelloRetryRequest, SHA-256("HelloRetryRequest").
const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2,
    0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The bodies of the plaintext handshake messages of type `typ` in wire bytes.
fn plaintext_bodies(wire: &[u8], typ: u8) -> Vec<Vec<u8>> {
    let bytes: Vec<u8> =
        split_records(wire).into_iter().filter(|r| r.content_type == 22).flat_map(|r| r.payload).collect();
    let mut r = Reader::new(&bytes);
    let mut bodies = Vec::new();
    while !r.is_empty() {
        let this = r.u8().expect("type");
        let body = r.vec24().expect("body").rest().to_vec();
        if this == typ {
            bodies.push(body);
        }
    }
    bodies
}

// ---------------------------------------------------------------------------
// HelloRetryRequest to a NIST curve, from our server.

/// The client offers x25519 and `offered` but shares a key only for
/// `shared`; the server accepts `offered` alone, so it must ask for it.
fn retry_to(offered: NamedGroup, shared: NamedGroup, seed: u64) {
    let what = format!("offered {}, shared {}", offered.name(), shared.name());
    let (trace, events) = recorder();
    let mut client = client_config();
    client.versions = vec![Tls13];
    client.groups = vec![NamedGroup::X25519, offered];
    if !client.groups.contains(&shared) {
        client.groups.push(shared);
    }
    client.key_share_groups = vec![shared];
    client.trace = Some(trace.clone());
    let mut server = ecdsa_server_config();
    server.groups = vec![offered];
    server.trace = Some(trace);
    let (c, s, wire) = connect(client, server, seed);
    assert_eq!(c.negotiated(), s.negotiated(), "{what}");
    assert_eq!(c.negotiated().map(|n| n.version), Some(Tls13), "{what}");

    // On the wire: one ServerHello with the HelloRetryRequest random, whose
    // key_share extension is just the selected group (RFC 8446 §4.2.8).
    let server_hellos: Vec<ServerHello> = wire
        .iter()
        .filter(|(from_client, _)| !from_client)
        .flat_map(|(_, bytes)| plaintext_bodies(bytes, 2))
        .map(|body| ServerHello::decode(&body).expect("ServerHello"))
        .collect();
    assert_eq!(server_hellos.len(), 2, "{what}: a HelloRetryRequest, then the ServerHello");
    assert_eq!(server_hellos[0].random, HELLO_RETRY_REQUEST_RANDOM, "{what}");
    assert_ne!(server_hellos[1].random, HELLO_RETRY_REQUEST_RANDOM, "{what}");
    let selected = server_hellos[0].extensions.0.iter().find(|e| e.typ == ext::KEY_SHARE).expect("key_share");
    assert_eq!(selected.data, offered.id().to_be_bytes(), "{what}: selected_group");

    // In the trace: the server sent it and the client read it, naming the
    // group; the client's second share and the server's share are points on
    // it (uncompressed: 0x04 || x || y, RFC 8446 §4.2.8.2).
    let events = events.lock().expect("lock");
    let retries: Vec<(Side, Option<NamedGroup>)> = events
        .iter()
        .filter_map(|(side, e)| match e {
            Event::HelloRetryRequest { group } => Some((*side, *group)),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [(Side::Server, Some(offered)), (Side::Client, Some(offered))], "{what}");
    let client_hellos = events
        .iter()
        .filter(|(side, e)| {
            *side == Side::Client
                && matches!(e, Event::Handshake { sent: true, typ: HandshakeType::ClientHello, .. })
        })
        .count();
    assert_eq!(client_hellos, 2, "{what}");
    let point_len = match offered {
        NamedGroup::Secp256r1 => 65,
        NamedGroup::Secp384r1 => 97,
        other => panic!("not a NIST curve: {}", other.name()),
    };
    let shares: Vec<(Side, Option<NamedGroup>, usize)> = events
        .iter()
        .filter_map(|(side, e)| match e {
            Event::KeyExchange { value: KeyExchangeValue::Public(from), group, bytes }
                if *side == Side::Client =>
            {
                Some((*from, *group, bytes.len()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(shares.last(), Some(&(Side::Server, Some(offered), point_len)), "{what}: {shares:?}");
    assert!(shares.contains(&(Side::Client, Some(offered), point_len)), "{what}: {shares:?}");
}

#[test]
fn server_retries_to_secp256r1() {
    retry_to(NamedGroup::Secp256r1, NamedGroup::X25519, 150);
    // From one NIST curve to the other, too.
    retry_to(NamedGroup::Secp256r1, NamedGroup::Secp384r1, 151);
}

#[test]
fn server_retries_to_secp384r1() {
    retry_to(NamedGroup::Secp384r1, NamedGroup::X25519, 152);
    retry_to(NamedGroup::Secp384r1, NamedGroup::Secp256r1, 153);
}

// ---------------------------------------------------------------------------
// TLS 1.3: the CertificateVerify, re-signed by the man in the middle.

/// A PKI whose leaf key is on P-384 (under a P-384 CA).
fn p384_pki() -> &'static EcPki {
    static PKI: OnceLock<EcPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(0x384);
        let ips = [IpAddr::V4(Ipv4Addr::LOCALHOST)];
        throwaway_ecdsa(Curve::P384, &["localhost"], &ips, not_before(), &mut rng).expect("P-384 PKI")
    })
}

/// What the man in the middle puts in place of the server's signature,
/// given the content the server signed and its key.
type Forge<'a> = &'a dyn Fn(&[u8], &SigningKey) -> DigitallySigned;

/// A TLS 1.3 handshake (AES-128-GCM, SHA-256) with an ECDSA server holding
/// `pki`'s leaf, whose CertificateVerify is replaced by `forge`'s. Returns
/// the outcome and, on failure, the alert our client sent, decrypted with
/// its handshake keys.
fn tls13_forged_certificate_verify(pki: &EcPki, forge: Forge<'_>) -> Result<(), (Side, Error, Option<u8>)> {
    let (trace, events) = recorder();
    let mut client = ClientConfig::new("localhost", vec![pki.ca.clone()]);
    client.now = Some(now());
    client.versions = vec![Tls13];
    client.cipher_suites = vec![TLS13_AES_128_GCM_SHA256];
    client.trace = Some(trace.clone());
    let mut server = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    server.trace = Some(trace);
    let key = SigningKey::from(pki.key.clone());
    let mut edit = |flight: usize, bytes: Vec<u8>| {
        if flight != 0 {
            return bytes;
        }
        // RFC 8446 §4.4.3: the server signs 64 spaces, the context string,
        // a zero byte and Transcript-Hash(ClientHello .. Certificate).
        let transcript: Vec<u8> = events
            .lock()
            .expect("lock")
            .iter()
            .filter(|(side, _)| *side == Side::Server)
            .filter_map(|(_, e)| match e {
                Event::Handshake { typ, bytes, .. } => Some((*typ, bytes.clone())),
                _ => None,
            })
            .take_while(|(typ, _)| *typ != HandshakeType::CertificateVerify)
            .flat_map(|(_, bytes)| bytes)
            .collect();
        let content = [
            &[0x20; 64][..],
            b"TLS 1.3, server CertificateVerify\0",
            &HashAlgorithm::Sha256.hash(&transcript),
        ]
        .concat();
        let (write_key, iv) = installed_keys(&events, Side::Server, KeyStage::Handshake);
        edit_encrypted(&bytes, &write_key, iv, 15, &mut |body| {
            let mut w = Writer::new();
            forge(&content, &key).encode(&mut w);
            *body = w.into_bytes().expect("fits");
        })
    };
    let result = run_with_mitm(client, server, 160, &mut pass, &mut edit);
    result.map(|_| ()).map_err(|(side, error, sent)| {
        let alert = (side == Side::Client).then(|| {
            let (key, iv) = installed_keys(&events, Side::Client, KeyStage::Handshake);
            encrypted_alert(&sent, &key, iv)
        });
        (side, error, alert)
    })
}

/// The description of the first alert in `bytes`, sealed under (key, iv)
/// at sequence 0 (the client's first protected record).
fn encrypted_alert(bytes: &[u8], key: &[u8], iv: [u8; 12]) -> u8 {
    let raw = split_records(bytes).into_iter().find(|r| r.content_type == 23).expect("a protected record");
    let record =
        Record { content_type: ContentType::ApplicationData, version: raw.version, fragment: raw.payload };
    let (inner, alert) = HalfConn::tls13_gcm(key, iv).expect("key").open(record).expect("open");
    assert_eq!(inner, ContentType::Alert);
    alert[1]
}

/// Signs `content` with the server's key under `scheme`, as the server would.
fn sign_as(scheme: SignatureScheme) -> impl Fn(&[u8], &SigningKey) -> DigitallySigned {
    move |content, key| DigitallySigned {
        scheme: scheme.id(),
        signature: scheme.sign(key, content, &mut *rng(161)).expect("signs"),
    }
}

/// RFC 8446 §4.2.3: in TLS 1.3 an ECDSA scheme names its curve, so
/// ecdsa_secp384r1_sha384 cannot come from a P-256 key, nor the reverse —
/// even as a signature that verifies. RFC 8446 names no alert for this;
/// the scheme is a field "inconsistent with other fields" (§6.2:
/// illegal_parameter), and OpenSSL's client (tls12_check_peer_sigalg,
/// SSL_R_WRONG_CURVE) answers the same.
#[test]
fn tls13_certificate_verify_for_another_curve_is_illegal_parameter() {
    for (pki, right, wrong) in [
        (ec_pki(), SignatureScheme::EcdsaSecp256r1Sha256, SignatureScheme::EcdsaSecp384r1Sha384),
        (p384_pki(), SignatureScheme::EcdsaSecp384r1Sha384, SignatureScheme::EcdsaSecp256r1Sha256),
    ] {
        let what = format!("{} with a {:?} key", wrong.name(), pki.key.curve());
        tls13_forged_certificate_verify(pki, &sign_as(right)).expect("the right scheme, signed again");
        let (side, error, alert) = tls13_forged_certificate_verify(pki, &sign_as(wrong)).expect_err(&what);
        assert_eq!(side, Side::Client, "{what}");
        assert_eq!(
            error,
            Error::IllegalParameter("a CertificateVerify scheme that does not fit the certificate's key"),
            "{what}"
        );
        assert_eq!(error.alert(), Some(AlertDescription::IllegalParameter), "{what}");
        assert_eq!(alert, Some(47), "{what}: illegal_parameter on the wire");
    }
}

/// An edit of a signature's bytes.
type Tamper = fn(&mut Vec<u8>);

/// Ways to spoil a DER ECDSA-Sig-Value (RFC 3279 §2.2.3: SEQUENCE of the
/// INTEGERs r and s), each of which must fail verification.
const TAMPERS: [(&str, Tamper); 4] = [
    // Byte 5 is inside r whether r takes 32 bytes or 33 (a leading zero).
    ("a bit of r flipped", |s| s[5] ^= 1),
    ("a bit of s flipped", |s| *s.last_mut().expect("not empty") ^= 1),
    ("the last byte cut off (not DER)", |s| {
        s.pop();
    }),
    ("an empty signature", |s| s.clear()),
];

/// RFC 8446 §4.4.3: "If the verification fails, the receiver MUST terminate
/// the handshake with a "decrypt_error" alert."
#[test]
fn tls13_tampered_ecdsa_certificate_verify_is_decrypt_error() {
    for (pki, scheme) in [
        (ec_pki(), SignatureScheme::EcdsaSecp256r1Sha256),
        (p384_pki(), SignatureScheme::EcdsaSecp384r1Sha384),
    ] {
        for (what, tamper) in TAMPERS {
            let forge = |content: &[u8], key: &SigningKey| {
                let mut signed = sign_as(scheme)(content, key);
                tamper(&mut signed.signature);
                signed
            };
            let what = format!("{}: {what}", scheme.name());
            let (side, error, alert) = tls13_forged_certificate_verify(pki, &forge).expect_err(&what);
            assert_eq!(side, Side::Client, "{what}");
            assert_eq!(
                error,
                Error::DecryptError("the CertificateVerify signature does not verify"),
                "{what}"
            );
            assert_eq!(alert, Some(51), "{what}: decrypt_error on the wire");
        }
    }
}

// ---------------------------------------------------------------------------
// TLS 1.2: the ServerKeyExchange, re-signed by the man in the middle.

/// How a handshake ended: connected, or which side failed, how, and what
/// it sent after failing.
type Outcome = Result<(), (Side, Error, Vec<u8>)>;

/// A TLS 1.2 ECDHE_ECDSA handshake on P-256 with our ECDSA server (P-256
/// leaf), whose ServerKeyExchange signature is replaced by `forge`'s. The
/// ServerKeyExchange travels in the clear, and so does our client's alert.
/// Returns the outcome (on failure, with the alert bytes) and the client's trace.
fn tls12_forged_server_key_exchange(forge: Forge<'_>) -> (Outcome, Events) {
    let (trace, events) = recorder();
    let mut client = client_config();
    client.versions = vec![Tls12];
    client.cipher_suites = vec![ECDHE_ECDSA_AES_128_GCM_SHA256];
    client.groups = vec![NamedGroup::Secp256r1];
    client.trace = Some(trace);
    let key = SigningKey::from(ec_pki().key.clone());
    let client_random = Cell::new([0u8; 32]);
    let mut note_random = |flight: usize, bytes: Vec<u8>| {
        if flight == 0 {
            let hello = plaintext_bodies(&bytes, 1).pop().expect("a ClientHello");
            client_random.set(ClientHello::decode(&hello).expect("ClientHello").random);
        }
        bytes
    };
    let mut resign = |flight: usize, bytes: Vec<u8>| {
        if flight != 0 {
            return bytes;
        }
        let hello = plaintext_bodies(&bytes, 2).pop().expect("a ServerHello");
        let server_random = ServerHello::decode(&hello).expect("ServerHello").random;
        edit_plaintext(&bytes, 12, &mut |body| {
            let mut ske =
                ServerKeyExchange::decode(body, KeyExchangeAlgorithm::Ecdhe).expect("ServerKeyExchange");
            // RFC 5246 §7.4.3: client_random + server_random + params.
            let content = [&client_random.get()[..], &server_random, &ske.params_bytes].concat();
            ske.signed = forge(&content, &key);
            *body = ske.encode().expect("encodes");
        })
    };
    let result = run_with_mitm(client, ecdsa_server_config(), 170, &mut note_random, &mut resign);
    (result.map(|_| ()), events)
}

/// The scheme of the client's ServerKeyExchange signature check, if it passed.
fn passed_ske_check(events: &Events) -> Option<SignatureScheme> {
    events.lock().expect("lock").iter().find_map(|(_, e)| match e {
        Event::Check {
            check: Check::Signature { message: HandshakeType::ServerKeyExchange, scheme },
            passed: true,
        } => Some(*scheme),
        _ => None,
    })
}

/// TLS 1.2's code points name a hash and "ecdsa", not a curve: RFC 8446
/// §4.2.3, "If TLS 1.2 is negotiated, implementations MUST be prepared to
/// accept a signature that uses any curve that they advertised in the
/// "supported_groups" extension". So SHA-384 with the P-256 key passes the
/// client's checks. (The edit changed the transcript, so the handshake then
/// fails at the server, on the client's Finished.) A scheme of another key
/// type (RSA-PSS, here signed by an RSA key) does not fit the ECDSA
/// certificate: illegal_parameter, as for TLS 1.3.
#[test]
fn tls12_server_key_exchange_schemes_and_the_certificate() {
    let (result, events) = tls12_forged_server_key_exchange(&sign_as(SignatureScheme::EcdsaSecp256r1Sha256));
    result.expect("the same scheme, signed again");
    assert_eq!(passed_ske_check(&events), Some(SignatureScheme::EcdsaSecp256r1Sha256));

    let (result, events) = tls12_forged_server_key_exchange(&sign_as(SignatureScheme::EcdsaSecp384r1Sha384));
    let (side, error, _) = result.expect_err("a changed transcript");
    assert_eq!(side, Side::Server, "{error:?}");
    assert_eq!(passed_ske_check(&events), Some(SignatureScheme::EcdsaSecp384r1Sha384));

    let rsa_pss = |content: &[u8], _: &SigningKey| {
        let rsa = SigningKey::from(pki().key.clone());
        sign_as(SignatureScheme::RsaPssRsaeSha256)(content, &rsa)
    };
    let (result, _) = tls12_forged_server_key_exchange(&rsa_pss);
    let (side, error, alert) = result.expect_err("an RSA-PSS signature for an ECDSA certificate");
    assert_eq!(side, Side::Client);
    assert_eq!(
        error,
        Error::IllegalParameter("a ServerKeyExchange scheme that does not fit the certificate's key")
    );
    assert_eq!(plaintext_alert(&alert), Some(47), "illegal_parameter");
}

/// RFC 8422 §5.4 (the client "verifies the signature ... and aborts the
/// handshake if" it fails) with RFC 5246 §7.2.2: decrypt_error is the
/// alert for "failed to correctly verify a signature".
#[test]
fn tls12_tampered_ecdsa_server_key_exchange_is_decrypt_error() {
    for (what, tamper) in TAMPERS {
        let forge = |content: &[u8], key: &SigningKey| {
            let mut signed = sign_as(SignatureScheme::EcdsaSecp256r1Sha256)(content, key);
            tamper(&mut signed.signature);
            signed
        };
        let (result, events) = tls12_forged_server_key_exchange(&forge);
        let (side, error, alert) = result.expect_err(what);
        assert_eq!(side, Side::Client, "{what}");
        assert_eq!(error, Error::DecryptError("the ServerKeyExchange signature does not verify"), "{what}");
        assert_eq!(plaintext_alert(&alert), Some(51), "{what}: decrypt_error");
        assert_eq!(passed_ske_check(&events), None, "{what}");
    }
}
