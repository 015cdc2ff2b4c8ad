//! Property tests: no peer input reaches a panic in the codec (the
//! hostile-peers issue). Arbitrary bytes, and real handshake messages with
//! random mutations, go through every public decoder of
//! `padlock_tls::messages` (and the typed readers of each extension they
//! decode): each returns a value or an error, and what decodes encodes back
//! to the same bytes. The record layer splits any bytes into the same
//! records however they arrive, and opens each under every protection or
//! refuses it. A server fed arbitrary bytes after a real ClientHello
//! returns an error and queues exactly the alert for it, or keeps waiting;
//! either way the handshake never completes.
//!
//! The fuzz targets (`fuzz/fuzz_targets/tls_*.rs`) search the same ground
//! far longer; these few hundred cases each run in every `cargo test`.

mod common;

use std::sync::{Arc, OnceLock};

use common::*;
use padlock_tls::codec::Reader;
use padlock_tls::messages::{
    self, CertificateMessage, ClientHello, DigitallySigned, Extensions, HandshakeType, KeyExchangeAlgorithm,
    KeyShare, ProtocolVersion, ServerHello, ServerKeyExchange,
};
use padlock_tls::record::{ContentType, Deframer, HalfConn, MAX_PLAINTEXT_LEN, Record};
use padlock_tls::trace::{Event, KeyStage, Side};
use padlock_tls::{Connection, Error, ServerConfig, suites};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Handshake messages.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes through every decoder.
    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        every_decoder(&body);
    }

    /// Real messages of both versions, with a few bytes changed, inserted,
    /// removed, or the message cut short: structured enough to get past the
    /// first length prefixes.
    #[test]
    fn mutated_real_messages_never_panic_a_decoder(
        index in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..5, any::<u8>()), 1..6),
    ) {
        let (_, body) = index.get(&setup().messages);
        let mut body = body.clone();
        mutate(&mut body, &mutations);
        every_decoder(&body);
    }
}

/// The unmutated messages decode, and encode back to the same bytes: the
/// mutations above start from valid input.
#[test]
fn real_messages_decode() {
    let messages = &setup().messages;
    for name in ["ClientHello", "ServerHello", "Certificate", "ServerKeyExchange", "ClientKeyExchange"] {
        assert!(messages.iter().any(|(typ, _)| typ.name() == name), "a real {name}");
    }
    for (typ, body) in messages {
        match typ {
            HandshakeType::ClientHello => {
                assert_eq!(ClientHello::decode(body).expect("decodes").encode().expect("encodes"), *body)
            }
            HandshakeType::ServerHello => {
                assert_eq!(ServerHello::decode(body).expect("decodes").encode().expect("encodes"), *body)
            }
            HandshakeType::Certificate => {
                let fits = [ProtocolVersion::Tls12, ProtocolVersion::Tls13]
                    .map(|version| CertificateMessage::decode(body, version).is_ok());
                assert!(fits.contains(&true), "a Certificate of one version");
            }
            _ => {}
        }
    }
}

/// Applies `(where, what, byte)` mutations to `body`: 0 xors the byte with
/// `byte` (or 0x80), 1 sets it, 2 inserts `byte`, 3 removes the byte, 4 cuts
/// the body there.
fn mutate(body: &mut Vec<u8>, mutations: &[(prop::sample::Index, u8, u8)]) {
    for (place, what, byte) in mutations {
        let at = place.index(body.len() + 1);
        match (what, at < body.len()) {
            (0, true) => body[at] ^= if *byte == 0 { 0x80 } else { *byte },
            (1, true) => body[at] = *byte,
            (2, _) => body.insert(at, *byte),
            (3, true) => {
                body.remove(at);
            }
            (4, _) => body.truncate(at),
            _ => {}
        }
    }
}

/// Every public decoder on `body`. Those with an encoder must give the
/// same bytes back for what they accept (as the fuzz target
/// `tls_messages` checks).
fn every_decoder(body: &[u8]) {
    if let Ok(hello) = ClientHello::decode(body) {
        // An empty extension list may be written as none at all.
        if !hello.extensions.0.is_empty() {
            assert_eq!(hello.encode().expect("what decoded encodes"), body);
        }
        hello.extensions.0.iter().for_each(|e| every_extension_reader(&e.data));
    }
    if let Ok(hello) = ServerHello::decode(body) {
        if !hello.extensions.0.is_empty() {
            assert_eq!(hello.encode().expect("what decoded encodes"), body);
        }
        let _ = hello.is_retry_request();
        hello.extensions.0.iter().for_each(|e| every_extension_reader(&e.data));
    }
    for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
        if let Ok(certificate) = CertificateMessage::decode(body, version) {
            assert_eq!(certificate.encode().expect("what decoded encodes"), body);
        }
    }
    for kx in [KeyExchangeAlgorithm::Dhe, KeyExchangeAlgorithm::Ecdhe] {
        if let Ok(ske) = ServerKeyExchange::decode(body, kx) {
            assert_eq!(ske.encode().expect("what decoded encodes"), body);
            assert_eq!(ske.params.encode().expect("what decoded encodes"), ske.params_bytes);
        }
    }
    for kx in [KeyExchangeAlgorithm::Rsa, KeyExchangeAlgorithm::Dhe, KeyExchangeAlgorithm::Ecdhe] {
        if let Ok(value) = messages::decode_client_key_exchange(body, kx) {
            assert_eq!(messages::encode_client_key_exchange(&value, kx).expect("encodes"), body);
        }
    }
    if let Ok(extensions) = messages::decode_encrypted_extensions(body) {
        extensions.0.iter().for_each(|e| every_extension_reader(&e.data));
        let _ = extensions.ec_point_formats();
    }
    let _ = messages::decode_certificate_verify(body);
    let _ = messages::decode_certificate_request(body);
    let _ = messages::check_tls12_certificate_request(body);
    let _ = messages::check_new_session_ticket(body);
    let _ = messages::decode_key_update(body);
    let _ = DigitallySigned::decode(&mut Reader::new(body));
    let _ = Extensions::decode(&mut Reader::new(body));
    every_extension_reader(body);
}

/// The typed readers of extension bodies.
fn every_extension_reader(data: &[u8]) {
    let _ = messages::read_server_name(&mut Reader::new(data));
    let _ = messages::read_u16_list(&mut Reader::new(data));
    let _ = KeyShare::decode(&mut Reader::new(data));
    // A client's key_share list: KeyShareEntry client_shares<0..2^16-1>.
    if let Ok(mut list) = Reader::new(data).vec16() {
        while !list.is_empty() && KeyShare::decode(&mut list).is_ok() {}
    }
}

// ---------------------------------------------------------------------------
// The record layer.

/// A record header and fragment that is mostly plausible: a content type
/// near the four real ones, a version 3.x (or not), a length that matches
/// the fragment (or not).
fn plausible_record() -> impl Strategy<Value = Vec<u8>> {
    let content_type = prop_oneof![4 => 20u8..=23, 1 => any::<u8>()];
    let major = prop_oneof![4 => Just(3u8), 1 => any::<u8>()];
    let fragment = proptest::collection::vec(any::<u8>(), 0..80);
    let length_error = prop_oneof![4 => Just(0i32), 1 => -3i32..=3, 1 => Just(20_000)];
    (content_type, major, any::<u8>(), fragment, length_error).prop_map(
        |(typ, major, minor, fragment, error)| {
            let len = (fragment.len() as i32 + error).clamp(0, 0xffff) as u16;
            let mut out = vec![typ, major, minor];
            out.extend_from_slice(&len.to_be_bytes());
            out.extend(fragment);
            out
        },
    )
}

/// Bytes a peer might send: arbitrary, or a run of plausible records.
fn peer_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        proptest::collection::vec(plausible_record(), 1..8).prop_map(|records| records.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The deframer cuts the same records, and the same error, from the
    /// bytes at once and in two pieces; each record opens under every
    /// protection or is refused, and what opens fits in a record.
    #[test]
    fn the_record_layer_never_panics(bytes in peer_bytes(), split in any::<prop::sample::Index>()) {
        let split = split.index(bytes.len() + 1);
        let (whole, whole_error) = deframe(&[&bytes]);
        let (pieces, pieces_error) = deframe(&[&bytes[..split], &bytes[split..]]);
        prop_assert_eq!(&whole, &pieces);
        prop_assert_eq!(whole_error, pieces_error);
        for record in whole {
            let halves = [
                HalfConn::plaintext(),
                HalfConn::tls12_gcm(&[7; 16], [1, 2, 3, 4]).expect("key"),
                HalfConn::tls13_gcm(&[7; 16], [9; 12]).expect("key"),
            ];
            for mut half in halves {
                if let Ok((_, plaintext)) = half.open(record.clone()) {
                    prop_assert!(plaintext.len() <= MAX_PLAINTEXT_LEN);
                }
            }
        }
    }
}

/// The records a deframer cuts from `pieces`, pushed one after the other,
/// and its first error.
fn deframe(pieces: &[&[u8]]) -> (Vec<Record>, Option<Error>) {
    let mut deframer = Deframer::new();
    let mut records = Vec::new();
    for piece in pieces {
        deframer.push(piece);
        loop {
            match deframer.next_record() {
                Ok(Some(record)) => records.push(record),
                Ok(None) => break,
                Err(e) => return (records, Some(e)),
            }
        }
    }
    (records, None)
}

// ---------------------------------------------------------------------------
// A server after a real ClientHello.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes, or plausible records, after our client's hello.
    #[test]
    fn a_server_fed_garbage_after_a_hello_never_panics(tls13: bool, bytes in peer_bytes()) {
        server_after_hello(tls13, &bytes);
    }

    /// Handshake messages (a Finished, most often) of arbitrary bodies and
    /// lengths, sealed under the client's TLS 1.3 handshake keys so that
    /// they reach the server's handshake parser, in records of any sizes.
    #[test]
    fn a_tls13_server_fed_sealed_garbage_never_panics(
        messages in proptest::collection::vec(handshake_message(), 1..4),
        cut in 1usize..200,
    ) {
        let (key, iv) = &setup().client_handshake_keys;
        let mut sealer = HalfConn::tls13_gcm(key, *iv).expect("key");
        let bytes: Vec<u8> = messages
            .concat()
            .chunks(cut)
            .flat_map(|chunk| sealer.seal(ContentType::Handshake, chunk).expect("seal"))
            .collect();
        server_after_hello(true, &bytes);
    }

    /// Our client's real second flight, mutated: the server must still
    /// end with an error or an alert, never a panic. (A mutation it does not
    /// see, in a header's minor version, may let the handshake complete.)
    #[test]
    fn a_server_fed_a_mutated_second_flight_never_panics(
        tls13: bool,
        mutations in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..5, any::<u8>()), 1..4),
    ) {
        let setup = setup();
        let mut flight = if tls13 { setup.flight13.clone() } else { setup.flight12.clone() };
        mutate(&mut flight, &mutations);
        let (result, mut s) = feed_server(tls13, &flight);
        if result.is_ok() && !s.is_handshaking() {
            return Ok(());
        }
        check_failure(tls13, result, &mut s);
    }
}

/// A handshake message header and body: a type (Finished most often), a
/// length that matches the body or not.
fn handshake_message() -> impl Strategy<Value = Vec<u8>> {
    let typ = prop_oneof![4 => Just(20u8), 1 => any::<u8>()];
    let body = proptest::collection::vec(any::<u8>(), 0..80);
    let length_error = prop_oneof![4 => Just(0i32), 1 => -3i32..=3];
    (typ, body, length_error).prop_map(|(typ, body, error)| {
        let len = (body.len() as i32 + error).max(0) as u32;
        let mut out = vec![typ];
        out.extend_from_slice(&len.to_be_bytes()[1..]);
        out.extend(body);
        out
    })
}

/// Feeds `bytes` after the hello; garbage never completes the handshake.
fn server_after_hello(tls13: bool, bytes: &[u8]) {
    let (result, mut s) = feed_server(tls13, bytes);
    assert!(s.is_handshaking() || result.is_err(), "garbage completed a handshake");
    check_failure(tls13, result, &mut s);
}

/// A fresh server (the same seed as the setup's) that has read our
/// client's hello and answered it, then reads `bytes`.
fn feed_server(tls13: bool, bytes: &[u8]) -> (Result<(), Error>, Connection) {
    let setup = setup();
    let mut s = Connection::server(setup.server.clone(), rng(SERVER_SEED));
    s.read_tls(if tls13 { &setup.hello13 } else { &setup.hello12 }).expect("our ClientHello");
    let _ = s.take_outgoing();
    let result = s.read_tls(bytes);
    (result, s)
}

/// After `result`: on an error, the output is exactly its alert (sealed
/// under the server's first application keys in TLS 1.3, in the clear in
/// TLS 1.2, where it has not sent its ChangeCipherSpec), or nothing for an
/// error that sends none; the connection then stays failed. Without an
/// error, the handshake is waiting, and end of file fails it.
fn check_failure(tls13: bool, result: Result<(), Error>, s: &mut Connection) {
    let output = s.take_outgoing();
    let Err(error) = result else {
        assert!(s.read_eof().is_err(), "end of file in the handshake is a failure");
        assert!(s.error().is_some());
        return;
    };
    let records = split_records(&output);
    match error.alert() {
        None => assert!(records.is_empty(), "{error:?} sends no alert: {records:?}"),
        Some(description) => {
            assert_eq!(records.len(), 1, "{error:?}: one alert, alone");
            let alert = if tls13 {
                let (key, iv) = &setup().server_application_keys;
                open_raw(&mut HalfConn::tls13_gcm(key, *iv).expect("key"), &records[0])
            } else {
                let record = &records[0];
                (ContentType::from_u8(record.content_type).expect("a known type"), record.payload.clone())
            };
            assert_eq!(alert, (ContentType::Alert, vec![2, description.to_u8()]), "{error:?}");
        }
    }
    assert_eq!(s.read_tls(b"more"), Err(error), "the connection stays failed");
    assert!(s.take_outgoing().is_empty(), "and says nothing more");
}

// ---------------------------------------------------------------------------
// The setup, made once: real messages of several handshakes, and what the
// server properties replay.

const CLIENT_SEED: u64 = 60;
const SERVER_SEED: u64 = 61;

struct Setup {
    /// Handshake message bodies of TLS 1.3 and TLS 1.2 (ECDHE, DHE, RSA) handshakes.
    messages: Vec<(HandshakeType, Vec<u8>)>,
    server: Arc<ServerConfig>,
    /// Our client's first flights, and its second once the server (seeded
    /// with `SERVER_SEED`) answered.
    hello13: Vec<u8>,
    flight13: Vec<u8>,
    hello12: Vec<u8>,
    flight12: Vec<u8>,
    /// The keys the TLS 1.3 server writes with after its Finished.
    server_application_keys: (Vec<u8>, [u8; 12]),
    /// The keys the TLS 1.3 client writes its Finished with.
    client_handshake_keys: (Vec<u8>, [u8; 12]),
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        // One trace: the messages the server sent and received, and the
        // keys of the TLS 1.3 handshake.
        let (trace, events) = recorder();
        let mut traced = server_config();
        traced.trace = Some(trace);
        let tls12 = |suite| {
            let mut config = client_config();
            config.versions = vec![ProtocolVersion::Tls12];
            config.cipher_suites = vec![suite];
            config
        };
        let mut client13 = client_config();
        client13.trace = traced.trace.clone();
        let (hello13, flight13) = first_flights(client13, &traced);
        let server_application_keys = installed_keys(&events, Side::Server, KeyStage::Application);
        let client_handshake_keys = installed_keys(&events, Side::Client, KeyStage::Handshake);
        let (hello12, flight12) = first_flights(tls12(suites::ECDHE_RSA_AES_128_GCM_SHA256), &traced);
        for suite in [suites::DHE_RSA_AES_128_GCM_SHA256, suites::RSA_AES_128_GCM_SHA256] {
            first_flights(tls12(suite), &traced);
        }
        let messages = events
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|(_, event)| match event {
                Event::Handshake { typ, bytes, .. } => Some((*typ, bytes[4..].to_vec())),
                _ => None,
            })
            .collect();
        let server = Arc::new(server_config());
        Setup {
            messages,
            server,
            hello13,
            flight13,
            hello12,
            flight12,
            server_application_keys,
            client_handshake_keys,
        }
    })
}

/// A whole handshake of `client` with `server` (seeded as the properties
/// seed theirs): our client's first and second flights.
fn first_flights(client: padlock_tls::ClientConfig, server: &ServerConfig) -> (Vec<u8>, Vec<u8>) {
    let mut c = Connection::client(Arc::new(client), rng(CLIENT_SEED)).expect("client");
    let mut s = Connection::server(Arc::new(server.clone()), rng(SERVER_SEED));
    let hello = c.take_outgoing();
    s.read_tls(&hello).expect("our hello");
    c.read_tls(&s.take_outgoing()).expect("the server's flight");
    let flight = c.take_outgoing();
    s.read_tls(&flight).expect("our second flight");
    c.read_tls(&s.take_outgoing()).expect("the server's last flight");
    assert!(!c.is_handshaking() && !s.is_handshaking(), "a whole handshake");
    (hello, flight)
}
