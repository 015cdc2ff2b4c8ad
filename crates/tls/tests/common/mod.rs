//! Shared test fixtures: a throw-away PKI made once per test binary from a
//! fixed seed, and an in-memory pump that drives a client and a server.

#![allow(dead_code, unreachable_pub)]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex, OnceLock};

use padlock_der::Time;
use padlock_ec::Curve;
use padlock_tls::messages::{ClientHello, HandshakeType, frame};
use padlock_tls::trace::{Direction, Event, KeyStage, Side, TraceSink};
use padlock_tls::{ClientConfig, Connection, Error, ServerConfig};
use padlock_x509::throwaway::{EcPki, Pki, throwaway, throwaway_ecdsa};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The fixed time the test certificates start at, and the clock tests use.
pub fn not_before() -> Time {
    Time::new(2026, 1, 1, 0, 0, 0).expect("valid time")
}

/// A time inside the validity of the test certificates.
pub fn now() -> Time {
    Time::new(2026, 2, 1, 0, 0, 0).expect("valid time")
}

/// The PKI: CA and leaf for localhost and 127.0.0.1, 2048-bit RSA.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(0x7e57);
        throwaway(2048, &["localhost"], &[IpAddr::V4(Ipv4Addr::LOCALHOST)], not_before(), &mut rng)
            .expect("test PKI")
    })
}

/// A second, unrelated CA (for "unknown CA" tests).
pub fn other_pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(0x0dd);
        throwaway(1024, &["localhost"], &[], not_before(), &mut rng).expect("other PKI")
    })
}

/// An ECDSA PKI: a P-256 leaf for localhost and 127.0.0.1 under a P-384 CA.
pub fn ec_pki() -> &'static EcPki {
    static PKI: OnceLock<EcPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(0xec);
        let ips = [IpAddr::V4(Ipv4Addr::LOCALHOST)];
        throwaway_ecdsa(Curve::P256, &["localhost"], &ips, not_before(), &mut rng).expect("test EC PKI")
    })
}

/// A client that trusts both test CAs.
pub fn client_config() -> ClientConfig {
    let mut config = ClientConfig::new("localhost", vec![pki().ca.clone(), ec_pki().ca.clone()]);
    config.now = Some(now());
    config
}

/// A server with the RSA certificate only.
pub fn server_config() -> ServerConfig {
    ServerConfig::new(vec![pki().leaf.clone()], pki().key.clone())
}

/// A server with an ECDSA certificate only.
pub fn ecdsa_server_config() -> ServerConfig {
    ServerConfig::new(vec![ec_pki().leaf.clone()], ec_pki().key.clone())
}

/// A server with both, RSA first: it answers each client with the one it
/// can verify (and TLS 1.2 suites with the key they need).
pub fn dual_server_config() -> ServerConfig {
    let mut config = server_config();
    config.certificates.push(padlock_tls::CertifiedKey {
        chain: vec![ec_pki().leaf.clone()],
        key: ec_pki().key.clone().into(),
    });
    config
}

pub fn rng(seed: u64) -> Box<StdRng> {
    Box::new(StdRng::seed_from_u64(seed))
}

/// The events a recorder collected, in order.
pub type Events = Arc<Mutex<Vec<(Side, Event)>>>;

/// Collects trace events.
pub fn recorder() -> (TraceSink, Events) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    let sink: TraceSink = Arc::new(move |side, event: &Event| {
        sink_events.lock().expect("lock").push((side, event.clone()));
    });
    (sink, events)
}

/// Everything that crossed the wire, in order: (from client?, bytes).
pub type Wire = Vec<(bool, Vec<u8>)>;

/// Moves bytes between the two until neither has anything to say.
/// Returns the wire log, or the first error (and which side raised it).
pub fn pump(client: &mut Connection, server: &mut Connection) -> Result<Wire, (Side, Error)> {
    let mut wire = Wire::new();
    for _ in 0..64 {
        let to_server = client.take_outgoing();
        let to_client = server.take_outgoing();
        if to_server.is_empty() && to_client.is_empty() {
            return Ok(wire);
        }
        if !to_server.is_empty() {
            wire.push((true, to_server.clone()));
            server.read_tls(&to_server).map_err(|e| (Side::Server, e))?;
        }
        if !to_client.is_empty() {
            wire.push((false, to_client.clone()));
            client.read_tls(&to_client).map_err(|e| (Side::Client, e))?;
        }
    }
    panic!("the handshake did not settle in 64 rounds");
}

/// A full handshake between fresh connections from these configs.
pub fn connect(client: ClientConfig, server: ServerConfig, seed: u64) -> (Connection, Connection, Wire) {
    let mut c = Connection::client(Arc::new(client), rng(seed)).expect("client");
    let mut s = Connection::server(Arc::new(server), rng(seed + 1));
    let wire = pump(&mut c, &mut s).expect("handshake");
    assert!(!c.is_handshaking() && !s.is_handshaking(), "handshake incomplete");
    (c, s, wire)
}

/// A record split into its parts, for tests that play man-in-the-middle.
#[derive(Clone, Debug)]
pub struct RawRecord {
    pub content_type: u8,
    pub version: [u8; 2],
    pub payload: Vec<u8>,
}

/// Splits wire bytes into records (the test's own framing, independent of the crate's).
pub fn split_records(mut bytes: &[u8]) -> Vec<RawRecord> {
    let mut out = Vec::new();
    while bytes.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        out.push(RawRecord {
            content_type: bytes[0],
            version: [bytes[1], bytes[2]],
            payload: bytes[5..5 + len].to_vec(),
        });
        bytes = &bytes[5 + len..];
    }
    assert!(bytes.is_empty(), "trailing partial record");
    out
}

/// Joins records back into wire bytes.
pub fn join_records(records: &[RawRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        out.push(r.content_type);
        out.extend_from_slice(&r.version);
        out.extend_from_slice(&(r.payload.len() as u16).to_be_bytes());
        out.extend_from_slice(&r.payload);
    }
    out
}

/// Applies `change` to the body of every handshake message of type `typ`
/// inside `payload` (a run of whole handshake messages), fixing lengths.
pub fn edit_messages(payload: &[u8], typ: u8, change: &mut dyn FnMut(&mut Vec<u8>)) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut rest = payload;
    let mut edited = 0;
    while rest.len() >= 4 {
        let len = usize::from(rest[1]) << 16 | usize::from(rest[2]) << 8 | usize::from(rest[3]);
        let mut body = rest[4..4 + len].to_vec();
        if rest[0] == typ {
            change(&mut body);
            edited += 1;
        }
        out.push(rest[0]);
        out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        out.extend_from_slice(&body);
        rest = &rest[4 + len..];
    }
    (out, edited)
}

/// Edits plaintext handshake messages of type `typ` in wire bytes.
pub fn edit_plaintext(bytes: &[u8], typ: u8, change: &mut dyn FnMut(&mut Vec<u8>)) -> Vec<u8> {
    let mut records = split_records(bytes);
    let mut edited = 0;
    for r in records.iter_mut().filter(|r| r.content_type == 22) {
        let (payload, n) = edit_messages(&r.payload, typ, change);
        r.payload = payload;
        edited += n;
    }
    assert!(edited > 0, "no handshake message of type {typ} to edit");
    join_records(&records)
}

/// The write keys (key, iv) a side installed for `stage`, from its trace.
pub fn installed_keys(events: &Events, side: Side, stage: KeyStage) -> (Vec<u8>, [u8; 12]) {
    let events = events.lock().expect("lock");
    events
        .iter()
        .find_map(|(s, e)| match e {
            Event::KeysInstalled { direction: Direction::Write, stage: st, key, iv }
                if *s == side && *st == stage =>
            {
                Some((key.clone(), iv.as_slice().try_into().expect("12-byte iv")))
            }
            _ => None,
        })
        .expect("keys installed")
}

/// Decrypts the first TLS 1.3 encrypted record in `bytes` with (key, iv) at
/// sequence 0, lets `change` edit its handshake messages, and re-seals it.
pub fn edit_encrypted(
    bytes: &[u8],
    key: &[u8],
    iv: [u8; 12],
    typ: u8,
    change: &mut dyn FnMut(&mut Vec<u8>),
) -> Vec<u8> {
    use padlock_tls::record::{ContentType, HalfConn, Record};
    let mut records = split_records(bytes);
    let index = records.iter().position(|r| r.content_type == 23).expect("an encrypted record");
    let record = Record {
        content_type: ContentType::ApplicationData,
        version: records[index].version,
        fragment: records[index].payload.clone(),
    };
    let (inner_type, plaintext) = HalfConn::tls13_gcm(key, iv).expect("key").open(record).expect("open");
    assert_eq!(inner_type, ContentType::Handshake);
    let (edited, n) = edit_messages(&plaintext, typ, change);
    assert!(n > 0, "no message of type {typ} in the encrypted record");
    let sealed =
        HalfConn::tls13_gcm(key, iv).expect("key").seal(ContentType::Handshake, &edited).expect("seal");
    records[index].payload = sealed[5..].to_vec();
    join_records(&records)
}

/// Runs a client and server, passing server-to-client flights through
/// `mitm_to_client` and client-to-server through `mitm_to_server` (each
/// called with the flight's index in its direction, from 0); returns
/// the first error and which side raised it, plus any alerts each side
/// queued after failing.
pub fn run_with_mitm(
    client: ClientConfig,
    server: ServerConfig,
    seed: u64,
    mitm_to_server: &mut dyn FnMut(usize, Vec<u8>) -> Vec<u8>,
    mitm_to_client: &mut dyn FnMut(usize, Vec<u8>) -> Vec<u8>,
) -> Result<(Connection, Connection), (Side, Error, Vec<u8>)> {
    let mut c = Connection::client(Arc::new(client), rng(seed)).expect("client");
    let mut s = Connection::server(Arc::new(server), rng(seed + 1));
    let (mut flights_to_server, mut flights_to_client) = (0, 0);
    for _ in 0..32 {
        let to_server = c.take_outgoing();
        let to_client = s.take_outgoing();
        if to_server.is_empty() && to_client.is_empty() {
            return Ok((c, s));
        }
        if !to_server.is_empty() {
            let bytes = mitm_to_server(flights_to_server, to_server);
            flights_to_server += 1;
            if let Err(e) = s.read_tls(&bytes) {
                return Err((Side::Server, e, s.take_outgoing()));
            }
        }
        if !to_client.is_empty() {
            let bytes = mitm_to_client(flights_to_client, to_client);
            flights_to_client += 1;
            if let Err(e) = c.read_tls(&bytes) {
                return Err((Side::Client, e, c.take_outgoing()));
            }
        }
    }
    panic!("no end in 32 rounds");
}

/// The alert description in plaintext alert bytes (record type 21), if any.
pub fn plaintext_alert(bytes: &[u8]) -> Option<u8> {
    split_records(bytes).into_iter().find(|r| r.content_type == 21).map(|r| r.payload[1])
}

/// A mitm that passes a flight unchanged.
pub fn pass(_: usize, bytes: Vec<u8>) -> Vec<u8> {
    bytes
}

/// The failure of a handshake that must fail.
pub fn expect_failure(
    result: Result<(Connection, Connection), (Side, Error, Vec<u8>)>,
) -> (Side, Error, Vec<u8>) {
    match result {
        Ok(_) => panic!("the handshake succeeded but should have failed"),
        Err(failure) => failure,
    }
}

/// A TLS 1.3 handshake whose server flight (EncryptedExtensions to
/// Finished, encrypted) has its messages of type `typ` edited by `change`.
pub fn tls13_edit_server_flight(typ: u8, change: &mut dyn FnMut(&mut Vec<u8>)) -> (Side, Error, Vec<u8>) {
    let (trace, events) = recorder();
    let mut server = server_config();
    server.trace = Some(trace);
    let mut edit = |round: usize, bytes: Vec<u8>| {
        if round != 0 {
            return bytes;
        }
        let (key, iv) = installed_keys(&events, Side::Server, KeyStage::Handshake);
        edit_encrypted(&bytes, &key, iv, typ, change)
    };
    expect_failure(run_with_mitm(client_config(), server, 14, &mut pass, &mut edit))
}

/// One plaintext record: type, version 3.3, length, payload.
pub fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    join_records(&[RawRecord { content_type, version: [3, 3], payload: payload.to_vec() }])
}

/// A plaintext handshake message cut into records of at most 2^14 bytes.
pub fn handshake_records(message: &[u8]) -> Vec<u8> {
    message.chunks(1 << 14).flat_map(|chunk| record(22, chunk)).collect()
}

/// The TLS 1.2 AES-GCM write keys (key, salt) a side installed, from its
/// trace (RFC 5288: the 4-byte salt is the implicit part of the nonce).
pub fn installed_keys12(events: &Events, side: Side) -> (Vec<u8>, [u8; 4]) {
    let events = events.lock().expect("lock");
    events
        .iter()
        .find_map(|(s, e)| match e {
            Event::KeysInstalled { direction: Direction::Write, stage: KeyStage::Application, key, iv }
                if *s == side =>
            {
                Some((key.clone(), iv.as_slice().try_into().expect("4-byte salt")))
            }
            _ => None,
        })
        .expect("TLS 1.2 keys installed")
}

/// Opens one protected record (a [`RawRecord`] of the test's framing) with
/// `reader`, which counts the sequence number.
pub fn open_raw(
    reader: &mut padlock_tls::record::HalfConn,
    raw: &RawRecord,
) -> (padlock_tls::record::ContentType, Vec<u8>) {
    use padlock_tls::record::{ContentType, Record};
    let content_type = ContentType::from_u8(raw.content_type).expect("a known content type");
    let record = Record { content_type, version: raw.version, fragment: raw.payload.clone() };
    reader.open(record).expect("the record opens")
}

/// Decrypts the TLS 1.2 AES-GCM record that follows the ChangeCipherSpec in
/// `bytes` with (key, salt) at sequence 0, lets `change` edit its handshake
/// messages of type `typ`, and re-seals it.
pub fn edit_encrypted12(
    bytes: &[u8],
    key: &[u8],
    salt: [u8; 4],
    typ: u8,
    change: &mut dyn FnMut(&mut Vec<u8>),
) -> Vec<u8> {
    use padlock_tls::record::{ContentType, HalfConn};
    let mut records = split_records(bytes);
    let ccs = records.iter().position(|r| r.content_type == 20).expect("a ChangeCipherSpec");
    let index = ccs + 1;
    let (inner_type, plaintext) =
        open_raw(&mut HalfConn::tls12_gcm(key, salt).expect("key"), &records[index]);
    assert_eq!(inner_type, ContentType::Handshake);
    let (edited, n) = edit_messages(&plaintext, typ, change);
    assert!(n > 0, "no message of type {typ} in the encrypted record");
    let sealed =
        HalfConn::tls12_gcm(key, salt).expect("key").seal(ContentType::Handshake, &edited).expect("seal");
    records[index].payload = sealed[5..].to_vec();
    join_records(&records)
}

/// The handshake messages in plaintext wire bytes, concatenated.
pub fn handshake_bytes(wire: &[u8]) -> Vec<u8> {
    split_records(wire).into_iter().filter(|r| r.content_type == 22).flat_map(|r| r.payload).collect()
}

/// Our client's ClientHello, with `change` applied to its decoded form.
pub fn edited_client_hello(change: impl FnOnce(&mut ClientHello)) -> Vec<u8> {
    let mut c = Connection::client(Arc::new(client_config()), rng(1)).expect("client");
    let hello = handshake_bytes(&c.take_outgoing());
    let mut decoded = ClientHello::decode(&hello[4..]).expect("our hello");
    change(&mut decoded);
    frame(HandshakeType::ClientHello, &decoded.encode().expect("encodes")).expect("frames")
}

/// Our client's first flight (seed 1): its ClientHello, in plaintext records.
pub fn c_hello() -> Vec<u8> {
    Connection::client(Arc::new(client_config()), rng(1)).expect("client").take_outgoing()
}

/// Applies `change` to the ClientHello in plaintext wire bytes.
pub fn edit_hello(wire: &[u8], change: &mut dyn FnMut(&mut ClientHello)) -> Vec<u8> {
    edit_plaintext(wire, 1, &mut |body| {
        let mut hello = ClientHello::decode(body).expect("hello");
        change(&mut hello);
        *body = hello.encode().expect("encodes");
    })
}

/// The plaintext flight `bytes` with the key share of its ServerHello
/// edited by `change` (the share's length prefix follows the edit).
pub fn server_hello_share_edited(bytes: &[u8], change: &dyn Fn(&mut Vec<u8>)) -> Vec<u8> {
    use padlock_tls::codec::{Reader, Writer};
    use padlock_tls::messages::{KeyShare, ServerHello, ext};
    edit_plaintext(bytes, 2, &mut |body| {
        let mut hello = ServerHello::decode(body).expect("ServerHello");
        for e in &mut hello.extensions.0 {
            if e.typ == ext::KEY_SHARE {
                let mut share = KeyShare::decode(&mut Reader::new(&e.data)).expect("one share");
                change(&mut share.key_exchange);
                let mut w = Writer::new();
                share.encode(&mut w);
                e.data = w.into_bytes().expect("fits");
            }
        }
        *body = hello.encode().expect("encodes");
    })
}
