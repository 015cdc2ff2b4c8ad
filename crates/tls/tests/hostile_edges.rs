//! A hostile peer, continued (see `hostile.rs`): handshake messages cut
//! into tiny records, Finished messages of the wrong length, TLS 1.2
//! clients without SHA-2 signature schemes, and a flight that must go out
//! before the alert a later record causes. Each test asserts the exact alert
//! (RFC 8446 §6, RFC 5246 §7.2).

mod common;

use std::sync::Arc;

use common::*;
use padlock_tls::ProtocolVersion::{Tls12, Tls13};
use padlock_tls::codec::{Reader, Writer};
use padlock_tls::messages::{Extension, ServerHello, ext, write_u16_list};
use padlock_tls::record::{ContentType, HalfConn};
use padlock_tls::trace::{KeyStage, Side};
use padlock_tls::{CipherSuite, ClientConfig, Connection, Error, ProtocolVersion, ServerConfig, suites};

fn server() -> Connection {
    Connection::server(Arc::new(server_config()), rng(2))
}

// ---------------------------------------------------------------------------
// Fragmented hellos (RFC 8446 §5.1, RFC 5246 §6.2.1: a handshake message may
// span any number of records). The largest hello, over 2^17 bytes in many
// records, is `the_largest_client_hello_is_processed` above.

/// Re-cuts the handshake messages of a plaintext flight into records of
/// the sizes in `sizes`, taken in turn.
fn refragment(wire: &[u8], sizes: &[usize]) -> Vec<u8> {
    let records = split_records(wire);
    assert!(records.iter().all(|r| r.content_type == 22), "a flight of handshake records");
    let version = records[0].version;
    let messages: Vec<u8> = records.into_iter().flat_map(|r| r.payload).collect();
    let mut out = Vec::new();
    let mut rest = messages.as_slice();
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        out.push(RawRecord { content_type: 22, version, payload: chunk.to_vec() });
        rest = tail;
    }
    join_records(&out)
}

#[test]
fn a_client_hello_in_tiny_records_completes_the_handshake() {
    let cuts: [&[usize]; 3] = [&[1], &[7], &[1, 7, 3, 40]];
    for version in [Tls13, Tls12] {
        for sizes in cuts {
            let mut config = client_config();
            config.versions = vec![version];
            let mut tiny = |flight: usize, bytes: Vec<u8>| {
                if flight == 0 {
                    let cut = refragment(&bytes, sizes);
                    assert!(split_records(&cut).len() > 10, "many records");
                    cut
                } else {
                    bytes
                }
            };
            let (c, s) = run_with_mitm(config, server_config(), 51, &mut tiny, &mut pass).unwrap_or_else(
                |(side, e, _)| panic!("{version:?} in records of {sizes:?}: {side:?}: {e:?}"),
            );
            assert!(!c.is_handshaking() && !s.is_handshaking(), "{version:?} {sizes:?}");
            assert_eq!(s.negotiated().map(|n| n.version), Some(version));
        }
    }
}

#[test]
fn a_client_hello_over_64_kib_in_uneven_records_is_processed() {
    // 60,000 bytes of padding and 5,000 more suites: past the 64 KiB cap of
    // other messages, cut at odd places (the 4-byte header itself split
    // over two records).
    let hello = edited_client_hello(|h| {
        h.extensions.0.push(Extension { typ: ext::PADDING, data: vec![0; 60_000] });
        h.cipher_suites.extend((0..5_000).map(|i| 0x6000 + i));
    });
    assert!(hello.len() > 1 << 16, "{} bytes", hello.len());
    let wire = refragment(&handshake_records(&hello), &[3, 1_000, 16_384, 5]);
    let mut s = server();
    s.read_tls(&wire).expect("a hello over 64 KiB");
    assert!(s.take_outgoing().starts_with(&[22, 3, 3]), "answered with a ServerHello");
}

// ---------------------------------------------------------------------------
// A Finished of the wrong length → decode_error (RFC 8446 §4.4.4 and §6;
// RFC 5246 §7.4.9, whose verify_data is 12 bytes), on both sides in both
// versions, with the alert the failing side sends (encrypted when it has
// keys: opened here with the keys from its trace).

/// Drops the last byte of a Finished body.
fn shorten(body: &mut Vec<u8>) {
    body.pop();
}

/// A client of `version` only, with AES-128-GCM (ECDHE_RSA in TLS 1.2),
/// and our server, one recorder on both sides.
fn traced(version: ProtocolVersion) -> (ClientConfig, ServerConfig, Events) {
    let (trace, events) = recorder();
    let mut client = client_config();
    client.versions = vec![version];
    client.cipher_suites = match version {
        Tls13 => vec![suites::TLS13_AES_128_GCM_SHA256],
        Tls12 => vec![suites::ECDHE_RSA_AES_128_GCM_SHA256],
    };
    client.trace = Some(trace.clone());
    let mut server = server_config();
    server.trace = Some(trace);
    (client, server, events)
}

/// The last record of `wire`, opened by a fresh TLS 1.3 reader of the keys
/// `side` installed for writing at `stage`.
fn last_record13(events: &Events, side: Side, stage: KeyStage, wire: &[u8]) -> (ContentType, Vec<u8>) {
    let (key, iv) = installed_keys(events, side, stage);
    let records = split_records(wire);
    let last = records.last().expect("a record");
    assert_eq!(last.content_type, 23, "a protected record");
    open_raw(&mut HalfConn::tls13_gcm(&key, iv).expect("key"), last)
}

#[test]
fn a_tls13_server_finished_of_the_wrong_length_is_decode_error() {
    let (client, server, events) = traced(Tls13);
    let mut short = |flight: usize, bytes: Vec<u8>| {
        if flight != 0 {
            return bytes;
        }
        let (key, iv) = installed_keys(&events, Side::Server, KeyStage::Handshake);
        edit_encrypted(&bytes, &key, iv, 20, &mut shorten)
    };
    let (side, error, alert) = expect_failure(run_with_mitm(client, server, 52, &mut pass, &mut short));
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_eq!(side, Side::Client);
    // The client has only its handshake keys yet: the alert is under them.
    let opened = last_record13(&events, Side::Client, KeyStage::Handshake, &alert);
    assert_eq!(opened, (ContentType::Alert, vec![2, 50]), "fatal decode_error");
}

#[test]
fn a_tls13_client_finished_of_the_wrong_length_is_decode_error() {
    let (client, server, events) = traced(Tls13);
    let mut short = |flight: usize, bytes: Vec<u8>| {
        if flight != 1 {
            return bytes;
        }
        let (key, iv) = installed_keys(&events, Side::Client, KeyStage::Handshake);
        edit_encrypted(&bytes, &key, iv, 20, &mut shorten)
    };
    let (side, error, alert) = expect_failure(run_with_mitm(client, server, 52, &mut short, &mut pass));
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_eq!(side, Side::Server);
    // The server sent its Finished and writes with application keys.
    let opened = last_record13(&events, Side::Server, KeyStage::Application, &alert);
    assert_eq!(opened, (ContentType::Alert, vec![2, 50]), "fatal decode_error");
}

#[test]
fn a_tls12_client_finished_of_the_wrong_length_is_decode_error() {
    let (client, server, events) = traced(Tls12);
    // The client's second flight: ClientKeyExchange, ChangeCipherSpec, Finished.
    let mut short = |flight: usize, bytes: Vec<u8>| {
        if flight != 1 {
            return bytes;
        }
        let (key, salt) = installed_keys12(&events, Side::Client);
        edit_encrypted12(&bytes, &key, salt, 20, &mut shorten)
    };
    let (side, error, alert) = expect_failure(run_with_mitm(client, server, 53, &mut short, &mut pass));
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_eq!(side, Side::Server);
    // The server has not sent its ChangeCipherSpec: the alert is in the clear, alone.
    let records = split_records(&alert);
    assert_eq!(records.len(), 1, "only the alert");
    assert_eq!((records[0].content_type, records[0].payload.as_slice()), (21, &[2, 50][..]));
}

#[test]
fn a_tls12_server_finished_of_the_wrong_length_is_decode_error() {
    let (client, server, events) = traced(Tls12);
    let mut client_flight = Vec::new();
    let mut keep = |flight: usize, bytes: Vec<u8>| {
        if flight == 1 {
            client_flight = bytes.clone();
        }
        bytes
    };
    // The server's second flight: ChangeCipherSpec, Finished.
    let mut short = |flight: usize, bytes: Vec<u8>| {
        if flight != 1 {
            return bytes;
        }
        let (key, salt) = installed_keys12(&events, Side::Server);
        edit_encrypted12(&bytes, &key, salt, 20, &mut shorten)
    };
    let (side, error, alert) = expect_failure(run_with_mitm(client, server, 54, &mut keep, &mut short));
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_eq!(side, Side::Client);
    // The client writes encrypted since its Finished (sequence 0): the
    // alert is its next record, sequence 1.
    let (key, salt) = installed_keys12(&events, Side::Client);
    let mut reader = HalfConn::tls12_gcm(&key, salt).expect("key");
    let sent = split_records(&client_flight);
    let finished = sent.last().expect("the client's Finished");
    assert_eq!(open_raw(&mut reader, finished).0, ContentType::Handshake);
    let records = split_records(&alert);
    assert_eq!(records.len(), 1, "only the alert");
    assert_eq!(open_raw(&mut reader, &records[0]), (ContentType::Alert, vec![2, 50]), "fatal decode_error");
}

// ---------------------------------------------------------------------------
// TLS 1.2 signatures: without signature_algorithms RFC 5246 §7.4.1.4.1
// defaults to SHA-1, which RFC 9155 §2 forbids; so does a list of SHA-1
// schemes only. The server then refuses (EC)DHE (docs/tls.md, "Signatures").

/// Our TLS 1.2 client's hello offering `offered`, its signature_algorithms
/// replaced by `schemes` (removed if `None`).
fn tls12_hello_with_schemes(offered: Vec<CipherSuite>, schemes: Option<&[u16]>) -> Vec<u8> {
    let mut config = client_config();
    config.versions = vec![Tls12];
    config.cipher_suites = offered;
    let mut c = Connection::client(Arc::new(config), rng(16)).expect("client");
    edit_hello(&c.take_outgoing(), &mut |h| {
        h.extensions.0.retain(|e| e.typ != ext::SIGNATURE_ALGORITHMS);
        if let Some(schemes) = schemes {
            let mut w = Writer::new();
            write_u16_list(&mut w, schemes);
            let data = w.into_bytes().expect("fits");
            h.extensions.0.push(Extension { typ: ext::SIGNATURE_ALGORITHMS, data });
        }
    })
}

/// None: the extension is absent; then rsa_pkcs1_sha1 and ecdsa_sha1 only.
const NO_SCHEME_BUT_SHA1: [Option<&[u16]>; 2] = [None, Some(&[0x0201, 0x0203])];

#[test]
fn a_tls12_client_without_sha2_schemes_offering_only_dhe_gets_handshake_failure() {
    let ephemeral = vec![suites::ECDHE_RSA_AES_128_GCM_SHA256, suites::DHE_RSA_AES_128_GCM_SHA256];
    for schemes in NO_SCHEME_BUT_SHA1 {
        let mut s = server();
        let result = s.read_tls(&tls12_hello_with_schemes(ephemeral.clone(), schemes));
        assert!(matches!(result, Err(Error::NoCommonParameters(_))), "{schemes:?}: {result:?}");
        // handshake_failure alone, before any ServerHello.
        let records = split_records(&s.take_outgoing());
        assert_eq!(records.len(), 1, "{schemes:?}: only the alert");
        assert_eq!((records[0].content_type, records[0].payload.as_slice()), (21, &[2, 40][..]));
    }
}

#[test]
fn a_tls12_client_without_sha2_schemes_gets_rsa_key_transport() {
    let offered = vec![
        suites::ECDHE_RSA_AES_128_GCM_SHA256,
        suites::DHE_RSA_AES_128_GCM_SHA256,
        suites::RSA_AES_128_GCM_SHA256,
    ];
    for schemes in NO_SCHEME_BUT_SHA1 {
        let mut s = server();
        s.read_tls(&tls12_hello_with_schemes(offered.clone(), schemes)).expect("a hello we can answer");
        let flight = handshake_bytes(&s.take_outgoing());
        // ServerHello, Certificate, ServerHelloDone: no ServerKeyExchange,
        // so nothing is signed.
        assert_eq!(message_types(&flight), [2, 11, 14], "{schemes:?}");
        let mut r = Reader::new(&flight);
        r.u8().expect("the type");
        let hello = ServerHello::decode(r.vec24().expect("the body").rest()).expect("ServerHello");
        assert_eq!(hello.cipher_suite, suites::RSA_AES_128_GCM_SHA256.id, "{schemes:?}");
    }
}

/// The types of the whole handshake messages in `bytes`.
fn message_types(bytes: &[u8]) -> Vec<u8> {
    let mut r = Reader::new(bytes);
    let mut types = Vec::new();
    while !r.is_empty() {
        types.push(r.u8().expect("a type"));
        r.vec24().expect("a body");
    }
    types
}

// ---------------------------------------------------------------------------
// A flight already produced for a fully processed message is sent before the
// alert a later record in the same read causes (the hostile-peers issue).

#[test]
fn a_tls12_flight_goes_out_before_the_alert_for_a_later_record() {
    let mut config = client_config();
    config.versions = vec![Tls12];
    let mut c = Connection::client(Arc::new(config), rng(17)).expect("client");
    let mut bytes = c.take_outgoing();
    bytes.extend(record(99, &[0])); // a record of no known content type
    let mut s = server();
    assert!(matches!(s.read_tls(&bytes), Err(Error::UnexpectedMessage(_))));
    let mut records = split_records(&s.take_outgoing());
    let alert = records.pop().expect("the alert");
    assert_eq!((alert.content_type, alert.payload), (21, vec![2, 10]), "unexpected_message, last");
    assert!(records.iter().all(|r| r.content_type == 22));
    let flight: Vec<u8> = records.into_iter().flat_map(|r| r.payload).collect();
    assert_eq!(message_types(&flight), [2, 11, 12, 14], "the whole first flight, first");
}

#[test]
fn a_tls13_flight_goes_out_before_the_alert_for_a_later_record() {
    let (trace, events) = recorder();
    let mut config = server_config();
    config.trace = Some(trace);
    let mut s = Connection::server(Arc::new(config), rng(18));
    let mut bytes = c_hello();
    bytes.extend(record(23, &[0xee; 100])); // no early_data offered: undecryptable
    assert_eq!(s.read_tls(&bytes), Err(Error::BadRecordMac));
    let mut records = split_records(&s.take_outgoing());
    // The alert, last, under the application keys the flight ended with.
    let alert = records.pop().expect("the alert");
    let (key, iv) = installed_keys(&events, Side::Server, KeyStage::Application);
    let opened = open_raw(&mut HalfConn::tls13_gcm(&key, iv).expect("key"), &alert);
    assert_eq!(opened, (ContentType::Alert, vec![2, 20]), "bad_record_mac, last");
    // Before it: ServerHello, ChangeCipherSpec, then EncryptedExtensions
    // to Finished under the handshake keys.
    let types: Vec<u8> = records.iter().map(|r| r.content_type).collect();
    assert_eq!(types[..2], [22, 20], "{types:?}");
    let (key, iv) = installed_keys(&events, Side::Server, KeyStage::Handshake);
    let mut reader = HalfConn::tls13_gcm(&key, iv).expect("key");
    let flight: Vec<u8> = records[2..].iter().flat_map(|r| open_raw(&mut reader, r).1).collect();
    assert_eq!(message_types(&flight), [8, 11, 15, 20], "the whole flight, to Finished, first");
}
