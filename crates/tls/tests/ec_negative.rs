//! Elliptic-curve inputs a peer can get wrong, each refused with the right
//! alert (the P-256/P-384 issue):
//!
//! - ec_point_formats lists (RFC 8422 §5.1.2, §5.2) in the ClientHello our
//!   server reads and in the TLS 1.2 ServerHello our client reads;
//! - invalid P-256 points on the three paths `negative.rs` does not drive:
//!   the TLS 1.3 ServerHello key share and the TLS 1.2 ServerKeyExchange
//!   (at our client), the TLS 1.2 ClientKeyExchange (at our server). The
//!   check they share is `kx.rs`'s `ec_agree` (SEC 1 §3.2.2.1).
//!
//! Every failure here comes before any key is installed, so the alert is
//! read off the wire in the clear.

mod common;

use std::cell::Cell;
use std::sync::Arc;

use common::*;
use padlock_tls::ProtocolVersion::Tls12;
use padlock_tls::codec::Reader;
use padlock_tls::messages::{
    ClientHello, DigitallySigned, Extensions, KeyExchangeAlgorithm, ServerHello, ServerKeyExchange,
    ServerKeyExchangeParams, decode_client_key_exchange, encode_client_key_exchange, ext,
};
use padlock_tls::trace::Side;
use padlock_tls::{CipherSuite, ClientConfig, Connection, Error, NamedGroup, SignatureScheme, SigningKey};

/// Our client speaking TLS 1.2 only, ECDHE on P-256 only.
fn p256_tls12_client() -> ClientConfig {
    let mut config = client_config();
    config.versions = vec![Tls12];
    config.groups = vec![NamedGroup::Secp256r1];
    config
}

/// Sets the body of the ec_point_formats extension (None: removes it).
fn set_point_formats(extensions: &mut Extensions, body: Option<&[u8]>) {
    let at = extensions.0.iter().position(|e| e.typ == ext::EC_POINT_FORMATS).expect("ec_point_formats");
    match body {
        Some(body) => extensions.0[at].data = body.to_vec(),
        None => {
            extensions.0.remove(at);
        }
    }
}

/// The body of the first handshake message of type `typ` in plaintext wire bytes.
fn message_body(wire: &[u8], typ: u8) -> Vec<u8> {
    let bytes: Vec<u8> =
        split_records(wire).into_iter().filter(|r| r.content_type == 22).flat_map(|r| r.payload).collect();
    let mut r = Reader::new(&bytes);
    while !r.is_empty() {
        let this = r.u8().expect("type");
        let body = r.vec24().expect("body").rest();
        if this == typ {
            return body.to_vec();
        }
    }
    panic!("no handshake message of type {typ}");
}

// ---------------------------------------------------------------------------
// ec_point_formats in the ClientHello, at our server.

/// Our server's (RSA and ECDSA certificates) answer to our TLS 1.2
/// client's hello, naming `groups`, with its ec_point_formats body replaced
/// by `body` (None: removed): the server's first flight, or its error and
/// the alert it queued.
fn server_answer(groups: &[NamedGroup], body: Option<&[u8]>) -> Result<Vec<u8>, (Error, Vec<u8>)> {
    let mut config = p256_tls12_client();
    config.groups = groups.to_vec();
    let mut c = Connection::client(Arc::new(config), rng(70)).expect("client");
    let hello = edit_plaintext(&c.take_outgoing(), 1, &mut |b| {
        let mut hello = ClientHello::decode(b).expect("our hello");
        set_point_formats(&mut hello.extensions, body);
        *b = hello.encode().expect("encodes");
    });
    let mut s = Connection::server(Arc::new(dual_server_config()), rng(71));
    match s.read_tls(&hello) {
        Ok(()) => Ok(s.take_outgoing()),
        Err(e) => Err((e, s.take_outgoing())),
    }
}

/// RFC 8422 §5.1.2: a client that names one of the RFC's curves and lists
/// point formats without uncompressed gets illegal_parameter.
#[test]
fn server_refuses_point_formats_without_uncompressed() {
    let cases: [(&str, &[u8]); 2] =
        [("ansiX962_compressed_prime only", &[1, 1]), ("both compressed formats", &[2, 1, 2])];
    for (what, body) in cases {
        let (error, alert) = server_answer(&[NamedGroup::Secp256r1], Some(body)).expect_err(what);
        assert_eq!(
            error,
            Error::IllegalParameter("an ec_point_formats list without the uncompressed format"),
            "{what}"
        );
        assert_eq!(plaintext_alert(&alert), Some(47), "{what}: illegal_parameter");
    }
}

/// RFC 8422 §5.1.2: `ec_point_format_list<1..2^8-1>`; anything else does
/// not decode.
#[test]
fn server_refuses_malformed_point_formats() {
    let cases: [(&str, &[u8]); 4] = [
        ("an empty list", &[0]),
        ("a list longer than the extension", &[2, 0]),
        ("a byte after the list", &[1, 0, 0]),
        ("an empty extension", &[]),
    ];
    for (what, body) in cases {
        let (error, alert) = server_answer(&[NamedGroup::Secp256r1], Some(body)).expect_err(what);
        assert!(matches!(error, Error::Decode(_)), "{what}: {error:?}");
        assert_eq!(plaintext_alert(&alert), Some(50), "{what}: decode_error");
    }
}

/// Uncompressed among other formats, or no extension at all (RFC 8422
/// §5.1.2: uncompressed only), is fine: ECDHE goes ahead, and our
/// ServerHello lists uncompressed only if the client sent a list.
#[test]
fn server_accepts_uncompressed_among_others_and_an_absent_list() {
    for (body, answered) in [(Some(&[3, 1, 0, 2][..]), Some(&[1, 0][..])), (None, None)] {
        let flight = server_answer(&[NamedGroup::Secp256r1], body).expect("answered");
        let hello = ServerHello::decode(&message_body(&flight, 2)).expect("a ServerHello");
        let suite = CipherSuite::by_id(hello.cipher_suite).expect("a suite");
        assert_eq!(suite.kx, Some(KeyExchangeAlgorithm::Ecdhe), "{body:?}");
        assert_eq!(hello.extensions.get(ext::EC_POINT_FORMATS), answered, "{body:?}");
    }
    // The condition of §5.1.2: a client that names none of RFC 8422's
    // curves gets finite-field DHE, whatever its point formats say.
    let flight = server_answer(&[NamedGroup::Ffdhe2048], Some(&[1, 1])).expect("answered");
    let hello = ServerHello::decode(&message_body(&flight, 2)).expect("a ServerHello");
    assert_ne!(CipherSuite::by_id(hello.cipher_suite).and_then(|s| s.kx), Some(KeyExchangeAlgorithm::Ecdhe));
}

// ---------------------------------------------------------------------------
// ec_point_formats in the TLS 1.2 ServerHello, at our client.

/// A TLS 1.2 ECDHE-ECDSA handshake whose ServerHello has its
/// ec_point_formats body replaced by `body` (None: removed).
fn client_sees_point_formats(body: Option<&[u8]>) -> (Side, Error, Vec<u8>) {
    let mut edit = |flight: usize, bytes: Vec<u8>| {
        if flight > 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 2, &mut |b| {
            let mut hello = ServerHello::decode(b).expect("ServerHello");
            set_point_formats(&mut hello.extensions, body);
            *b = hello.encode().expect("encodes");
        })
    };
    expect_failure(run_with_mitm(p256_tls12_client(), ecdsa_server_config(), 72, &mut pass, &mut edit))
}

#[test]
fn client_refuses_point_formats_without_uncompressed() {
    let (side, error, alert) = client_sees_point_formats(Some(&[1, 1]));
    assert_eq!(side, Side::Client);
    assert_eq!(error, Error::IllegalParameter("an ec_point_formats list without the uncompressed format"));
    assert_eq!(plaintext_alert(&alert), Some(47), "illegal_parameter");
}

#[test]
fn client_refuses_malformed_point_formats() {
    let cases: [(&str, &[u8]); 3] = [
        ("an empty list", &[0]),
        ("a list longer than the extension", &[2, 0]),
        ("a byte after it", &[1, 0, 0]),
    ];
    for (what, body) in cases {
        let (side, error, alert) = client_sees_point_formats(Some(body));
        assert_eq!(side, Side::Client, "{what}");
        assert!(matches!(error, Error::Decode(_)), "{what}: {error:?}");
        assert_eq!(plaintext_alert(&alert), Some(50), "{what}: decode_error");
    }
}

/// Uncompressed among others, or no list (RFC 8422 §5.2: uncompressed
/// only): the client goes on. The edit changed the transcript, so the
/// handshake still fails, but only at the server, on the client's Finished.
#[test]
fn client_accepts_uncompressed_among_others_and_an_absent_list() {
    for body in [Some(&[3, 2, 1, 0][..]), None] {
        let (side, error, _) = client_sees_point_formats(body);
        assert_eq!(side, Side::Server, "{body:?}: {error:?}");
        assert!(matches!(error, Error::BadRecordMac | Error::DecryptError(_)), "{body:?}: {error:?}");
    }
}

// ---------------------------------------------------------------------------
// Invalid P-256 points.

type Change = fn(&mut Vec<u8>);

/// Ways to spoil an uncompressed P-256 point (0x04 || x || y, 65 bytes),
/// each refused by SEC 1 §3.2.2.1 or RFC 8422 §5.1.2 (uncompressed only).
const BAD_POINTS: [(&str, Change); 7] = [
    ("a point off the curve (y changed)", |p| p[64] ^= 1),
    ("the identity (one zero byte)", |p| *p = vec![0]),
    ("(0, 0), tagged uncompressed", |p| p[1..].fill(0)),
    ("an x coordinate not below p", |p| p[1..33].fill(0xff)),
    ("a compressed point", |p| {
        p.truncate(33);
        p[0] = 2;
    }),
    ("one byte short", |p| p.truncate(64)),
    ("one byte long", |p| p.push(0)),
];

/// TLS 1.3: the server's P-256 key share in the ServerHello (RFC 8446
/// §4.2.8.2), at our client.
#[test]
fn bad_point_in_a_tls13_server_hello_is_illegal_parameter() {
    for (what, change) in BAD_POINTS {
        let mut client = client_config();
        client.groups = vec![NamedGroup::Secp256r1];
        client.key_share_groups = vec![NamedGroup::Secp256r1];
        let mut edit = |flight: usize, bytes: Vec<u8>| {
            if flight > 0 {
                return bytes;
            }
            server_hello_share_edited(&bytes, &change)
        };
        let (side, error, alert) =
            expect_failure(run_with_mitm(client, ecdsa_server_config(), 73, &mut pass, &mut edit));
        assert_eq!(side, Side::Client, "{what}");
        assert!(matches!(error, Error::IllegalParameter(_)), "{what}: {error:?}");
        assert_eq!(plaintext_alert(&alert), Some(47), "{what}: illegal_parameter");
    }
}

/// TLS 1.2: the server's point in a ServerKeyExchange, at our client. The
/// params are signed (RFC 5246 §7.4.3: client_random + server_random +
/// params), so the test holds the server's ECDSA key and signs the edited
/// params again: only the point check can refuse them.
fn tls12_server_point_edited(change: Change) -> Result<(), (Side, Error, Vec<u8>)> {
    let client_random = Cell::new([0u8; 32]);
    let mut note_random = |flight: usize, bytes: Vec<u8>| {
        if flight == 0 {
            let hello = ClientHello::decode(&message_body(&bytes, 1)).expect("ClientHello");
            client_random.set(hello.random);
        }
        bytes
    };
    let mut resign = |flight: usize, bytes: Vec<u8>| {
        if flight > 0 {
            return bytes;
        }
        let server_random = ServerHello::decode(&message_body(&bytes, 2)).expect("ServerHello").random;
        edit_plaintext(&bytes, 12, &mut |body| {
            let old =
                ServerKeyExchange::decode(body, KeyExchangeAlgorithm::Ecdhe).expect("ServerKeyExchange");
            let ServerKeyExchangeParams::Ecdhe { group, mut public } = old.params else {
                panic!("ECDHE params expected");
            };
            change(&mut public);
            let params = ServerKeyExchangeParams::Ecdhe { group, public };
            let params_bytes = params.encode().expect("fits");
            let signed_content = [&client_random.get()[..], &server_random, &params_bytes].concat();
            let scheme = SignatureScheme::by_id(old.signed.scheme).expect("a scheme we know");
            let key = SigningKey::from(ec_pki().key.clone());
            let signature = scheme.sign(&key, &signed_content, &mut *rng(74)).expect("signs");
            let signed = DigitallySigned { scheme: old.signed.scheme, signature };
            *body = ServerKeyExchange { params, params_bytes, signed }.encode().expect("encodes");
        })
    };
    run_with_mitm(p256_tls12_client(), ecdsa_server_config(), 75, &mut note_random, &mut resign).map(|_| ())
}

#[test]
fn bad_point_in_a_tls12_server_key_exchange_is_illegal_parameter() {
    // The harness first: the same point, signed again (ECDSA with RFC 6979
    // nonces gives the same bytes), makes a good handshake.
    tls12_server_point_edited(|_| {}).expect("an unchanged point, signed again");
    for (what, change) in BAD_POINTS {
        let (side, error, alert) = tls12_server_point_edited(change).expect_err(what);
        assert_eq!(side, Side::Client, "{what}");
        assert!(matches!(error, Error::IllegalParameter(_)), "{what}: {error:?}");
        assert_eq!(plaintext_alert(&alert), Some(47), "{what}: illegal_parameter");
    }
}

/// TLS 1.2: the client's point in its ClientKeyExchange (RFC 8422 §5.7),
/// at our server.
fn tls12_client_point_edited(change: Change) -> Result<(), (Side, Error, Vec<u8>)> {
    let mut edit = |flight: usize, bytes: Vec<u8>| {
        if flight != 1 {
            return bytes;
        }
        // ClientKeyExchange, ChangeCipherSpec, then the encrypted Finished:
        // only the first record is plaintext handshake.
        let mut records = split_records(&bytes);
        assert_eq!(records[0].content_type, 22, "the ClientKeyExchange record");
        let (payload, edited) = edit_messages(&records[0].payload, 16, &mut |body| {
            let mut point = decode_client_key_exchange(body, KeyExchangeAlgorithm::Ecdhe).expect("a point");
            change(&mut point);
            *body = encode_client_key_exchange(&point, KeyExchangeAlgorithm::Ecdhe).expect("fits");
        });
        assert_eq!(edited, 1, "one ClientKeyExchange");
        records[0].payload = payload;
        join_records(&records)
    };
    run_with_mitm(p256_tls12_client(), ecdsa_server_config(), 76, &mut edit, &mut pass).map(|_| ())
}

#[test]
fn bad_point_in_a_tls12_client_key_exchange_is_illegal_parameter() {
    tls12_client_point_edited(|_| {}).expect("an unchanged point");
    for (what, change) in BAD_POINTS {
        let (side, error, alert) = tls12_client_point_edited(change).expect_err(what);
        assert_eq!(side, Side::Server, "{what}");
        assert!(matches!(error, Error::IllegalParameter(_)), "{what}: {error:?}");
        assert_eq!(plaintext_alert(&alert), Some(47), "{what}: illegal_parameter");
    }
}
