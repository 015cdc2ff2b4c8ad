//! A hostile peer gets an alert — never a hang, a panic or unbounded work —
//! and the RFCs' exact behaviour at every edge. Each test names the defect
//! or the rule it guards (the hostile-peers issue, RFC 8446 §6, RFC 5246 §7.2).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use padlock_tls::ProtocolVersion::{Tls12, Tls13};
use padlock_tls::alert::AlertDescription;
use padlock_tls::codec::Writer;
use padlock_tls::messages::{ClientHello, Extension, HELLO_RETRY_REQUEST_RANDOM, ServerHello, ext, frame};
use padlock_tls::record::{ContentType, Deframer, HalfConn};
use padlock_tls::trace::{KeyStage, Side};
use padlock_tls::{Connection, Error, MAX_IDLE_RECORDS, NamedGroup, Stream, suites};

/// A close_notify alert in a TLS 1.2-versioned plaintext record.
const CLOSE_NOTIFY: [u8; 7] = [21, 3, 3, 0, 2, 1, 0];

fn client() -> Connection {
    Connection::client(Arc::new(client_config()), rng(1)).expect("client")
}

fn server() -> Connection {
    Connection::server(Arc::new(server_config()), rng(2))
}

// ---------------------------------------------------------------------------
// Defect 1: close_notify or end of file before the handshake completes.

#[test]
fn close_notify_during_the_handshake_ends_it() {
    let mut c = client();
    let mut s = server();
    s.read_tls(&c.take_outgoing()).expect("ClientHello");
    assert_eq!(s.read_tls(&CLOSE_NOTIFY), Err(Error::AlertReceived(AlertDescription::CloseNotify)));
    assert!(!s.is_handshaking(), "the handshake is over, failed");
    assert!(s.read_eof().is_err(), "end of file after it is still a failure");
    // The client side, getting close_notify instead of a ServerHello.
    assert_eq!(c.read_tls(&CLOSE_NOTIFY), Err(Error::AlertReceived(AlertDescription::CloseNotify)));
    assert!(c.read_eof().is_err());
}

/// CPU time this process used so far (Linux: /proc/self/stat, in clock ticks).
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat.rsplit(')').next().expect("stat fields").split_whitespace().collect();
    // After the command name: state is field 3, utime 14 and stime 15 (1-based).
    fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
}

#[test]
fn close_notify_then_close_over_tcp_does_not_spin() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let address = listener.local_addr().expect("address");
    let before = cpu_ticks();
    // Our server, against a peer that sends close_notify and hangs up.
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let (socket, _) = listener.accept().expect("accept");
        let mut stream = Stream::new(server(), socket);
        let _ = done.send(stream.handshake());
    });
    let mut peer = TcpStream::connect(address).expect("connect");
    peer.write_all(&CLOSE_NOTIFY).expect("write");
    drop(peer);
    let result = finished.recv_timeout(Duration::from_secs(10)).expect("the server's handshake returned");
    assert!(result.is_err(), "{result:?}");
    // Our client, against a server that does the same.
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let address = listener.local_addr().expect("address");
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let socket = TcpStream::connect(address).expect("connect");
        let mut stream = Stream::new(client(), socket);
        let _ = done.send(stream.handshake());
    });
    let (mut peer, _) = listener.accept().expect("accept");
    let mut hello = [0u8; 512];
    let _ = peer.read(&mut hello).expect("the ClientHello");
    peer.write_all(&CLOSE_NOTIFY).expect("write");
    drop(peer);
    let result = finished.recv_timeout(Duration::from_secs(10)).expect("the client's handshake returned");
    assert!(result.is_err(), "{result:?}");
    // Both returned at once rather than spinning on reads of 0 bytes.
    let used = cpu_ticks() - before;
    assert!(used < 200, "{used} clock ticks of CPU: a busy loop?");
}

// ---------------------------------------------------------------------------
// Defect 3: a HelloRetryRequest cookie too long to echo.

/// A HelloRetryRequest for the client's first hello, with `cookie`.
fn hello_retry_request(client_hello: &[u8], cookie: &[u8]) -> Vec<u8> {
    let hello = ClientHello::decode(&client_hello[4..]).expect("our ClientHello");
    let mut extensions = padlock_tls::messages::Extensions::default();
    extensions
        .push(ext::SUPPORTED_VERSIONS, |w| {
            w.u16(0x0304);
        })
        .expect("fits");
    extensions
        .push(ext::COOKIE, |w| {
            w.vec16(|w| {
                w.bytes(cookie);
            });
        })
        .expect("fits");
    let retry = ServerHello {
        legacy_version: 0x0303,
        random: HELLO_RETRY_REQUEST_RANDOM,
        session_id: hello.session_id,
        cipher_suite: 0x1301,
        compression_method: 0,
        extensions,
    };
    frame(padlock_tls::messages::HandshakeType::ServerHello, &retry.encode().expect("encodes"))
        .expect("frames")
}

#[test]
fn a_huge_hello_retry_request_cookie_is_refused_not_a_panic() {
    let mut c = client();
    let hello = handshake_bytes(&c.take_outgoing());
    let retry = hello_retry_request(&hello, &vec![0x5a; 65_450]);
    let result = c.read_tls(&handshake_records(&retry));
    assert_eq!(result, Err(Error::IllegalParameter("a HelloRetryRequest cookie longer than 8 KiB")));
    assert_eq!(plaintext_alert(&c.take_outgoing()), Some(47), "illegal_parameter");
    // A cookie of the largest length we echo is answered with a new hello carrying it.
    let mut c = client();
    let hello = handshake_bytes(&c.take_outgoing());
    let cookie = vec![0xa5; 8192];
    c.read_tls(&handshake_records(&hello_retry_request(&hello, &cookie))).expect("a long cookie");
    let second = handshake_bytes(&c.take_outgoing());
    let second = ClientHello::decode(&second[4..]).expect("the second ClientHello");
    assert_eq!(second.extensions.get(ext::COOKIE).map(|c| c.len()), Some(2 + 8192));
}

#[test]
fn the_writer_refuses_a_field_longer_than_its_prefix() {
    let mut w = Writer::new();
    w.vec8(|w| {
        w.bytes(&[0; 256]);
    });
    assert!(w.into_bytes().is_err());
    let mut w = Writer::new();
    w.vec8(|w| {
        w.bytes(&[0; 255]);
    });
    assert_eq!(w.into_bytes().map(|b| b.len()), Ok(256));
}

// ---------------------------------------------------------------------------
// Defect 6: records that make no progress.

#[test]
fn the_fifth_warning_alert_in_a_row_in_a_tls12_handshake_is_fatal() {
    // As the issue asks and OpenSSL does (MAX_WARN_ALERT_COUNT): four
    // warnings in a row are noted, the fifth is a fatal unexpected_message.
    let mut config = client_config();
    config.versions = vec![Tls12];
    let mut c = Connection::client(Arc::new(config), rng(3)).expect("client");
    let mut s = server();
    s.read_tls(&c.take_outgoing()).expect("ClientHello");
    let _ = s.take_outgoing();
    let warning = record(21, &[1, 112]); // unrecognized_name, as a warning
    for i in 1..=4 {
        s.read_tls(&warning).unwrap_or_else(|e| panic!("warning alert {i} is noted, not {e:?}"));
    }
    assert!(s.take_outgoing().is_empty(), "a warning is not answered");
    assert!(matches!(s.read_tls(&warning), Err(Error::UnexpectedMessage(_))), "the fifth is fatal");
    assert_eq!(plaintext_alert(&s.take_outgoing()), Some(10), "unexpected_message");
}

#[test]
fn a_key_update_flood_is_cut_off() {
    let (mut c, mut s, _) = connect(client_config(), server_config(), 40);
    // With application data between them, KeyUpdates are fine.
    for _ in 0..100 {
        s.send_key_update(true).expect("key update");
        s.write_app_data(b"x").expect("data");
        c.read_tls(&s.take_outgoing()).expect("KeyUpdate and data");
        s.read_tls(&c.take_outgoing()).expect("the client's answer");
    }
    assert_eq!(c.take_app_data().len(), 100);
    // Without, the client stops answering after MAX_IDLE_RECORDS of them.
    for _ in 0..=MAX_IDLE_RECORDS {
        s.send_key_update(true).expect("key update");
    }
    assert!(matches!(c.read_tls(&s.take_outgoing()), Err(Error::UnexpectedMessage(_))));
}

#[test]
fn a_flood_of_empty_records_is_cut_off() {
    let (trace, events) = recorder();
    let mut server = server_config();
    server.trace = Some(trace);
    let (mut c, _s, _) = connect(client_config(), server, 41);
    let (key, iv) = installed_keys(&events, Side::Server, KeyStage::Application);
    let mut half = HalfConn::tls13_gcm(&key, iv).expect("key");
    let mut flood = Vec::new();
    for _ in 0..MAX_IDLE_RECORDS {
        flood.extend(half.seal(ContentType::ApplicationData, b"").expect("seal"));
    }
    c.read_tls(&flood).expect("up to the limit, empty records are dropped");
    let last = half.seal(ContentType::ApplicationData, b"").expect("seal");
    assert!(matches!(c.read_tls(&last), Err(Error::UnexpectedMessage(_))));
}

/// 10,000 empty application_data records, as plaintext records.
fn empty_record_flood() -> Vec<u8> {
    record(23, b"").repeat(10_000)
}

/// Asserts that `conn` ended on the idle cap (unexpected_message) after a
/// flood, queued its alert, and stays closed.
fn assert_cut_off(conn: &mut Connection, result: Result<(), Error>) {
    assert!(matches!(result, Err(Error::UnexpectedMessage(_))), "{result:?}");
    assert!(!conn.take_outgoing().is_empty(), "the alert is queued");
    assert!(!conn.is_handshaking() && conn.error().is_some(), "the connection is over");
    assert!(conn.read_tls(&record(23, b"")).is_err(), "and stays over");
}

#[test]
fn a_flood_of_empty_records_after_the_handshake_ends_the_connection() {
    let (trace, events) = recorder();
    let mut server = server_config();
    server.trace = Some(trace);
    let (mut c, _s, _) = connect(client_config(), server, 49);
    let (key, iv) = installed_keys(&events, Side::Server, KeyStage::Application);
    let mut half = HalfConn::tls13_gcm(&key, iv).expect("key");
    let mut flood = Vec::new();
    for _ in 0..10_000 {
        flood.extend(half.seal(ContentType::ApplicationData, b"").expect("seal"));
    }
    let start = Instant::now();
    let result = c.read_tls(&flood);
    assert_cut_off(&mut c, result);
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
}

#[test]
fn empty_records_skipped_as_declined_early_data_are_counted() {
    // RFC 8446 §4.2.10: the server skips 0-RTT records it cannot open, each
    // charged to a byte budget; an empty one costs no bytes, so it counts
    // as a record that advanced nothing. A few (padding, RFC 8446 §5.4)
    // are dropped; a flood ends the handshake.
    let mut s = server();
    s.read_tls(&with_early_data(&c_hello())).expect("hello with early_data");
    let _ = s.take_outgoing();
    s.read_tls(&record(23, b"").repeat(MAX_IDLE_RECORDS)).expect("a few empty records are skipped");
    let result = s.read_tls(&empty_record_flood());
    assert_cut_off(&mut s, result);
    // After a HelloRetryRequest the server reads plaintext and skips 0-RTT
    // records until the second ClientHello: the same cap, a plaintext alert.
    let mut server = server_config();
    server.groups = vec![NamedGroup::Ffdhe2048];
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
    let mut c = Connection::client(Arc::new(client), rng(12)).expect("client");
    let mut s = Connection::server(Arc::new(server), rng(13));
    s.read_tls(&with_early_data(&c.take_outgoing())).expect("first hello");
    let _ = s.take_outgoing();
    let result = s.read_tls(&empty_record_flood());
    assert!(matches!(result, Err(Error::UnexpectedMessage(_))), "{result:?}");
    assert_eq!(plaintext_alert(&s.take_outgoing()), Some(10), "unexpected_message");
}

// ---------------------------------------------------------------------------
// Defect 7: quadratic work.

#[test]
fn many_extensions_cost_linear_time() {
    // 16,000 unknown extensions of 4 bytes each: 64 KB of hello.
    let hello = edited_client_hello(|h| {
        h.extensions.0.extend((20_000..36_000).map(|typ| Extension { typ, data: Vec::new() }));
    });
    let start = Instant::now();
    let mut s = server();
    s.read_tls(&handshake_records(&hello)).expect("a hello with 16,000 extensions");
    assert!(s.take_outgoing().starts_with(&[22, 3, 3]), "answered with a ServerHello");
    let took = start.elapsed();
    assert!(took < Duration::from_millis(500), "{took:?}");
    // A duplicate among them is still found.
    let hello = edited_client_hello(|h| {
        h.extensions.0.extend((20_000..36_000).map(|typ| Extension { typ, data: Vec::new() }));
        h.extensions.0.push(Extension { typ: 20_000, data: Vec::new() });
    });
    assert_eq!(
        server().read_tls(&handshake_records(&hello)),
        Err(Error::IllegalParameter("the same extension appears twice"))
    );
}

#[test]
fn a_megabyte_of_tiny_records_costs_linear_time() {
    let tiny = record(23, &[0x42]);
    let bytes: Vec<u8> = tiny.iter().copied().cycle().take(tiny.len() * 200_000).collect();
    let start = Instant::now();
    let mut deframer = Deframer::new();
    deframer.push(&bytes);
    let mut count = 0;
    while let Some(record) = deframer.next_record().expect("a record") {
        assert_eq!(record.fragment, [0x42]);
        count += 1;
    }
    assert_eq!((count, deframer.buffered()), (200_000, 0));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(1), "{took:?}");
}

// ---------------------------------------------------------------------------
// RFC behaviours at the edges.

#[test]
fn the_largest_client_hello_is_processed() {
    // RFC 8446 §4.1.2: a hello may exceed 64 KiB (2^17 and more); it spans
    // many records. 32,000 unknown suites and a 60,000-byte padding extension.
    // As large as the hello's fields allow: 32,767 suites and 65,535 bytes of extensions.
    let hello = edited_client_hello(|h| {
        let more = 32_767 - h.cipher_suites.len();
        h.cipher_suites.extend((0..more).map(|i| 0x6000 + i as u16));
        let used: usize = h.extensions.0.iter().map(|e| 4 + e.data.len()).sum();
        h.extensions.0.push(Extension { typ: ext::PADDING, data: vec![0; 65_535 - used - 4] });
    });
    assert!(hello.len() > 1 << 17, "{} bytes", hello.len());
    let mut s = server();
    s.read_tls(&handshake_records(&hello)).expect("the largest hello");
    assert!(s.take_outgoing().starts_with(&[22, 3, 3]), "answered with a ServerHello");
}

#[test]
fn other_handshake_messages_keep_the_64_kib_cap() {
    let mut config = client_config();
    config.versions = vec![Tls12];
    let mut c = Connection::client(Arc::new(config), rng(4)).expect("client");
    let mut s = server();
    s.read_tls(&c.take_outgoing()).expect("ClientHello");
    let _ = s.take_outgoing();
    // A ClientKeyExchange header announcing 70,000 bytes: refused from the header.
    let header = [16, 0x01, 0x11, 0x70];
    assert!(matches!(s.read_tls(&record(22, &header)), Err(Error::Decode(_))));
}

#[test]
fn a_tls12_client_offering_no_scheme_we_sign_with() {
    let mut config = client_config();
    config.versions = vec![Tls12];
    config.cipher_suites = vec![suites::ECDHE_RSA_AES_128_GCM_SHA256, suites::DHE_RSA_AES_128_GCM_SHA256];
    // The client offers only ECDSA signatures: (EC)DHE is unusable, and
    // nothing is left. handshake_failure alone, before any ServerHello.
    let mut ecdsa_only = |flight: usize, bytes: Vec<u8>| {
        if flight > 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 1, &mut |body| {
            let mut hello = ClientHello::decode(body).expect("hello");
            for e in &mut hello.extensions.0 {
                if e.typ == ext::SIGNATURE_ALGORITHMS {
                    e.data = vec![0, 2, 0x04, 0x03];
                }
            }
            *body = hello.encode().expect("encodes");
        })
    };
    let (side, error, alert) =
        expect_failure(run_with_mitm(config, server_config(), 42, &mut ecdsa_only, &mut pass));
    assert_eq!(side, Side::Server);
    assert!(matches!(error, Error::NoCommonParameters(_)), "{error:?}");
    assert!(error.to_string().contains("no signature scheme in common"), "{error}");
    let records = split_records(&alert);
    assert_eq!(records.len(), 1, "only the alert");
    assert_eq!(records[0].payload, [2, 40], "fatal handshake_failure");
}

#[test]
fn tls13_with_an_ssl3_legacy_version_is_protocol_version() {
    let mut old = |flight: usize, bytes: Vec<u8>| {
        if flight > 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 1, &mut |body| body[..2].copy_from_slice(&[3, 0]))
    };
    let (side, error, alert) =
        expect_failure(run_with_mitm(client_config(), server_config(), 43, &mut old, &mut pass));
    assert_eq!(side, Side::Server);
    assert!(matches!(error, Error::ProtocolVersion(_)), "{error:?}");
    assert_eq!(plaintext_alert(&alert), Some(70));
}

/// A ClientHello that offers early_data (RFC 8446 §4.2.10).
fn with_early_data(wire: &[u8]) -> Vec<u8> {
    edit_plaintext(wire, 1, &mut |body| {
        let mut hello = ClientHello::decode(body).expect("hello");
        hello.extensions.0.push(Extension { typ: ext::EARLY_DATA, data: Vec::new() });
        *body = hello.encode().expect("encodes");
    })
}

#[test]
fn declined_early_data_is_skipped_within_a_budget() {
    let garbage = record(23, &[0xee; 1000]);
    // Without early_data, an undecryptable record is bad_record_mac.
    let (trace, events) = recorder();
    let mut config = server_config();
    config.trace = Some(trace);
    let mut s = Connection::server(Arc::new(config.clone()), rng(5));
    s.read_tls(&c_hello()).expect("hello");
    assert_eq!(s.read_tls(&garbage), Err(Error::BadRecordMac));
    // With it, 0-RTT records are skipped until one opens under the client
    // handshake key; that one (an alert here) is processed.
    let mut s = Connection::server(Arc::new(config.clone()), rng(5));
    s.read_tls(&with_early_data(&c_hello())).expect("hello with early_data");
    for _ in 0..10 {
        s.read_tls(&garbage).expect("0-RTT data is skipped");
    }
    let (key, iv) = client_handshake_keys(&events);
    let alert = HalfConn::tls13_gcm(&key, iv).expect("key").seal(ContentType::Alert, &[2, 40]).expect("seal");
    assert_eq!(s.read_tls(&alert), Err(Error::AlertReceived(AlertDescription::HandshakeFailure)));
    // ... but not forever.
    let mut s = Connection::server(Arc::new(config), rng(5));
    s.read_tls(&with_early_data(&c_hello())).expect("hello with early_data");
    let big = record(23, &[0xee; 16_000]);
    let results: Vec<_> = (0..6).map(|_| s.read_tls(&big)).collect();
    assert!(results[..4].iter().all(Result::is_ok), "{results:?}");
    assert_eq!(results[4], Err(Error::BadRecordMac));
}

/// The keys the server installed to read the client's handshake records.
fn client_handshake_keys(events: &Events) -> (Vec<u8>, [u8; 12]) {
    use padlock_tls::trace::{Direction, Event};
    let events = events.lock().expect("lock");
    let mut read = events.iter().filter_map(|(_, e)| match e {
        Event::KeysInstalled { direction: Direction::Read, stage: KeyStage::Handshake, key, iv } => {
            Some((key.clone(), iv.as_slice().try_into().expect("12-byte iv")))
        }
        _ => None,
    });
    read.next_back().expect("client handshake keys")
}

#[test]
fn early_data_after_a_hello_retry_request_is_skipped_until_the_second_hello() {
    let mut server = server_config();
    server.groups = vec![NamedGroup::Ffdhe2048];
    let mut config = client_config();
    config.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
    let mut c = Connection::client(Arc::new(config), rng(6)).expect("client");
    let mut s = Connection::server(Arc::new(server), rng(7));
    s.read_tls(&with_early_data(&c.take_outgoing())).expect("first hello");
    let retry = s.take_outgoing();
    s.read_tls(&record(23, &[0xee; 500])).expect("0-RTT data before the second hello is skipped");
    c.read_tls(&retry).expect("the HelloRetryRequest");
    s.read_tls(&c.take_outgoing()).expect("the second hello");
    assert!(!s.take_outgoing().is_empty(), "the server's flight");
}

#[test]
fn empty_protected_handshake_and_alert_records_are_unexpected() {
    for content_type in [ContentType::Handshake, ContentType::Alert] {
        let (trace, events) = recorder();
        let mut server = server_config();
        server.trace = Some(trace);
        let (mut c, _s, _) = connect(client_config(), server, 44);
        let (key, iv) = installed_keys(&events, Side::Server, KeyStage::Application);
        let empty = HalfConn::tls13_gcm(&key, iv).expect("key").seal(content_type, b"").expect("seal");
        assert!(matches!(c.read_tls(&empty), Err(Error::UnexpectedMessage(_))), "{content_type:?}");
    }
}

#[test]
fn a_plaintext_alert_from_a_tls13_client_is_taken_without_reply() {
    let mut s = server();
    s.read_tls(&c_hello()).expect("hello");
    let _ = s.take_outgoing();
    assert_eq!(
        s.read_tls(&record(21, &[2, 40])),
        Err(Error::AlertReceived(AlertDescription::HandshakeFailure))
    );
    assert!(s.take_outgoing().is_empty(), "nothing answers an alert");
}

#[test]
fn a_fatal_alert_survives_a_peer_that_keeps_sending() {
    // Our server refuses a garbage "hello" and lingers so that the alert is
    // read before the connection closes, however much the peer still sends.
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        let (socket, _) = listener.accept().expect("accept");
        let mut stream = Stream::new(server(), socket);
        if stream.handshake().is_err() {
            stream.linger_after_error(Duration::from_secs(2));
        }
    });
    let mut peer = TcpStream::connect(address).expect("connect");
    peer.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    // A record header of an unknown content type, then 200 KB more.
    peer.write_all(&[99, 3, 3, 0, 1, 0]).expect("write");
    let _ = peer.write_all(&vec![0x11; 200_000]);
    let mut alert = [0u8; 7];
    peer.read_exact(&mut alert).expect("the alert arrives");
    assert_eq!(alert, [21, 3, 3, 0, 2, 2, 10], "unexpected_message");
}

#[test]
fn our_hello_retry_request_has_no_cookie_and_the_second_hello_must_match() {
    let mut server = server_config();
    server.groups = vec![NamedGroup::Ffdhe2048];
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
    let mut c = Connection::client(Arc::new(client.clone()), rng(8)).expect("client");
    let mut s = Connection::server(Arc::new(server.clone()), rng(9));
    s.read_tls(&c.take_outgoing()).expect("hello");
    let retry = handshake_bytes(&s.take_outgoing());
    let retry = ServerHello::decode(&retry[4..]).expect("HelloRetryRequest");
    assert!(retry.is_retry_request());
    let types: Vec<u16> = retry.extensions.0.iter().map(|e| e.typ).collect();
    assert_eq!(types, [ext::SUPPORTED_VERSIONS, ext::KEY_SHARE], "RFC 8446 §4.1.4: no cookie");
    // A second hello that changed its suites, or the order of its extensions.
    for change in 0..2 {
        let mut edit = |flight: usize, bytes: Vec<u8>| {
            if flight != 1 {
                return bytes;
            }
            edit_plaintext(&bytes, 1, &mut |body| {
                let mut hello = ClientHello::decode(body).expect("hello");
                if change == 0 {
                    hello.cipher_suites.reverse();
                } else {
                    hello.extensions.0.swap(0, 1);
                }
                *body = hello.encode().expect("encodes");
            })
        };
        let (side, error, alert) =
            expect_failure(run_with_mitm(client.clone(), server.clone(), 45, &mut edit, &mut pass));
        assert_eq!(side, Side::Server);
        assert!(matches!(error, Error::IllegalParameter(_)), "{error:?}");
        assert_eq!(plaintext_alert(&alert), Some(47));
    }
}

/// The server's answer to a second ClientHello after a HelloRetryRequest:
/// our client's two hellos, edited by `first` and `second` on the way.
fn answer_second_hello(
    mut first: impl FnMut(&mut ClientHello),
    mut second: impl FnMut(&mut ClientHello),
) -> (Result<(), Error>, Vec<u8>) {
    let mut server = server_config();
    server.groups = vec![NamedGroup::Ffdhe2048];
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
    let mut c = Connection::client(Arc::new(client), rng(14)).expect("client");
    let mut s = Connection::server(Arc::new(server), rng(15));
    s.read_tls(&edit_hello(&c.take_outgoing(), &mut first)).expect("first hello");
    c.read_tls(&s.take_outgoing()).expect("the HelloRetryRequest");
    let result = s.read_tls(&edit_hello(&c.take_outgoing(), &mut second));
    (result, s.take_outgoing())
}

fn cookie(value: &[u8]) -> Extension {
    let mut data = (value.len() as u16).to_be_bytes().to_vec();
    data.extend_from_slice(value);
    Extension { typ: ext::COOKIE, data }
}

#[test]
fn the_second_hello_may_drop_early_data_and_change_padding() {
    // RFC 8446 §4.1.2: besides the new key_share, early_data is removed and
    // padding may come, go or change length.
    let (result, flight) = answer_second_hello(
        |h| {
            h.extensions.0.push(Extension { typ: ext::EARLY_DATA, data: Vec::new() });
            h.extensions.0.push(Extension { typ: ext::PADDING, data: vec![0; 10] });
        },
        |h| h.extensions.0.push(Extension { typ: ext::PADDING, data: vec![0; 30] }),
    );
    assert_eq!(result, Ok(()));
    assert!(flight.starts_with(&[22, 3, 3]), "answered with a ServerHello");
}

#[test]
fn a_second_hello_with_early_data_is_illegal_parameter() {
    // RFC 8446 §4.2.10: a client MUST NOT include early_data in the hello
    // that follows a HelloRetryRequest: neither added nor kept.
    let add = |h: &mut ClientHello| h.extensions.0.push(Extension { typ: ext::EARLY_DATA, data: Vec::new() });
    for first_had_it in [false, true] {
        let first = |h: &mut ClientHello| {
            if first_had_it {
                add(h);
            }
        };
        let (result, alert) = answer_second_hello(first, add);
        assert!(matches!(result, Err(Error::IllegalParameter(_))), "{first_had_it}: {result:?}");
        assert_eq!(plaintext_alert(&alert), Some(47), "illegal_parameter");
    }
}

#[test]
fn a_second_hello_with_a_cookie_our_retry_never_sent_is_illegal_parameter() {
    // RFC 8446 §4.1.2: a cookie only if the HelloRetryRequest carried one,
    // and then the same; ours never does (§4.1.4, tested above).
    type Edit = fn(&mut ClientHello);
    let cases: [(&str, Edit, Edit); 2] = [
        ("added", |_| {}, |h| h.extensions.0.push(cookie(b"made up"))),
        ("changed", |h| h.extensions.0.push(cookie(b"first")), |h| h.extensions.0.push(cookie(b"second"))),
    ];
    for (what, first, second) in cases {
        let (result, alert) = answer_second_hello(first, second);
        assert!(matches!(result, Err(Error::IllegalParameter(_))), "{what}: {result:?}");
        assert_eq!(plaintext_alert(&alert), Some(47), "{what}: illegal_parameter");
    }
}

#[test]
fn tls_fallback_scsv_to_a_tls13_server_is_inappropriate_fallback() {
    let mut config = client_config();
    config.versions = vec![Tls12];
    let mut fallback = |flight: usize, bytes: Vec<u8>| {
        if flight > 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 1, &mut |body| {
            let mut hello = ClientHello::decode(body).expect("hello");
            hello.cipher_suites.push(suites::FALLBACK_SCSV);
            *body = hello.encode().expect("encodes");
        })
    };
    let (side, error, alert) =
        expect_failure(run_with_mitm(config.clone(), server_config(), 46, &mut fallback, &mut pass));
    assert_eq!((side, error), (Side::Server, Error::InappropriateFallback));
    assert_eq!(plaintext_alert(&alert), Some(86));
    // A server that speaks only TLS 1.2 has nothing better: it answers.
    let mut server = server_config();
    server.versions = vec![Tls12];
    let mut c = Connection::client(Arc::new(config), rng(10)).expect("client");
    let mut s = Connection::server(Arc::new(server), rng(11));
    s.read_tls(&fallback(0, c.take_outgoing())).expect("a fallback hello to a TLS 1.2 server");
    assert!(s.take_outgoing().starts_with(&[22, 3, 3]), "a ServerHello");
}

#[test]
fn a_second_change_cipher_spec_in_tls13_is_unexpected() {
    let mut twice = |flight: usize, bytes: Vec<u8>| {
        if flight != 1 {
            return bytes;
        }
        let mut doubled = record(20, &[1]);
        doubled.extend(bytes);
        doubled
    };
    let (side, error, _) =
        expect_failure(run_with_mitm(client_config(), server_config(), 47, &mut twice, &mut pass));
    assert_eq!(side, Side::Server);
    assert!(matches!(error, Error::UnexpectedMessage(_)), "{error:?}");
}

#[test]
fn the_server_hello_after_a_retry_keeps_its_suite() {
    let mut server = server_config();
    server.groups = vec![NamedGroup::Ffdhe2048];
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
    let mut other_suite = |flight: usize, bytes: Vec<u8>| {
        if flight != 1 {
            return bytes;
        }
        edit_plaintext(&bytes, 2, &mut |body| {
            let mut hello = ServerHello::decode(body).expect("ServerHello");
            hello.cipher_suite = 0x1302;
            *body = hello.encode().expect("encodes");
        })
    };
    let (side, error, alert) = expect_failure(run_with_mitm(client, server, 48, &mut pass, &mut other_suite));
    assert_eq!(side, Side::Client);
    assert!(matches!(error, Error::IllegalParameter(_)), "{error:?}");
    assert_eq!(plaintext_alert(&alert), Some(47), "illegal_parameter");
}

#[test]
fn the_server_hello_after_a_retry_keeps_its_version() {
    // RFC 8446 §4.1.4: the version the ServerHello selects must be the
    // HelloRetryRequest's (TLS 1.3). Without supported_versions it selects
    // TLS 1.2, which our client also offers; with 0x0303 in it, it selects
    // a version below TLS 1.3 there (§4.2.1). Both are illegal_parameter.
    type Edit = fn(&mut ServerHello);
    let cases: [(&str, Edit, &str); 2] = [
        (
            "supported_versions removed",
            |h| h.extensions.0.retain(|e| e.typ != ext::SUPPORTED_VERSIONS),
            "the ServerHello changed the version of the HelloRetryRequest",
        ),
        (
            "supported_versions 0x0303",
            |h| {
                for e in h.extensions.0.iter_mut().filter(|e| e.typ == ext::SUPPORTED_VERSIONS) {
                    e.data = vec![3, 3];
                }
            },
            "supported_versions selects a non-1.3 version",
        ),
    ];
    for (what, change, expected) in cases {
        let mut server = server_config();
        server.groups = vec![NamedGroup::Ffdhe2048];
        let mut client = client_config();
        client.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
        let mut other_version = |flight: usize, bytes: Vec<u8>| {
            if flight != 1 {
                return bytes;
            }
            edit_plaintext(&bytes, 2, &mut |body| {
                let mut hello = ServerHello::decode(body).expect("ServerHello");
                assert!(!hello.is_retry_request(), "the second flight's ServerHello");
                change(&mut hello);
                *body = hello.encode().expect("encodes");
            })
        };
        let (side, error, alert) =
            expect_failure(run_with_mitm(client, server, 48, &mut pass, &mut other_version));
        assert_eq!((side, error), (Side::Client, Error::IllegalParameter(expected)), "{what}");
        assert_eq!(plaintext_alert(&alert), Some(47), "{what}: illegal_parameter");
    }
}

/// Every fatal alert a peer might send, in every flight of both versions,
/// in both directions: the receiver stops with that alert (or, in a TLS 1.2
/// encrypted phase, bad_record_mac) and never answers an alert with one.
#[test]
fn an_alert_in_every_state() {
    let alerts = [10u8, 40, 42, 47, 50, 70, 80, 255];
    for version in [Tls12, Tls13] {
        for flight in 0..3 {
            for from_client in [true, false] {
                for &code in &alerts {
                    let mut client = client_config();
                    client.versions = vec![version];
                    let alert = record(21, &[2, code]);
                    let mut inject =
                        |at: usize, bytes: Vec<u8>| if at == flight { alert.clone() } else { bytes };
                    let result = if from_client {
                        run_with_mitm(client, server_config(), 50, &mut inject, &mut pass)
                    } else {
                        run_with_mitm(client, server_config(), 50, &mut pass, &mut inject)
                    };
                    let Err((_, error, reply)) = result else {
                        // The flight does not exist (the handshake was over).
                        continue;
                    };
                    let expected = Error::AlertReceived(AlertDescription::from_u8(code));
                    assert!(
                        error == expected || error == Error::BadRecordMac,
                        "{version:?} flight {flight} from client {from_client}: {error:?}"
                    );
                    if error == expected {
                        assert!(reply.is_empty(), "an alert is not answered");
                    }
                }
            }
        }
    }
}
