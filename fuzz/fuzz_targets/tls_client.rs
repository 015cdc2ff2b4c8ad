//! The TLS client state machine fed arbitrary bytes (RFC 8446 §4, RFC 5246
//! §7.4). Three modes: (a) the bytes come straight after our ClientHello, as
//! plaintext records; (b) a real TLS 1.3 ServerHello from our server comes
//! first, and the bytes are then sealed as handshake records under the
//! server's handshake keys (known: everything is seeded), so they reach the
//! encrypted-phase decoders and states (EncryptedExtensions, Certificate,
//! CertificateVerify, Finished); (c) a HelloRetryRequest built from fuzzed
//! fields — a cookie of any length up to 2^16 - 1 (a 65 KB cookie once
//! crashed the client), a group, a suite — then the bytes as plaintext
//! records. Never a panic.

#![no_main]

use std::sync::{Arc, Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use padlock_der::Time;
use padlock_tls::record::{ContentType, HalfConn};
use padlock_tls::trace::{Direction, Event, KeyStage, Side, TraceSink};
use padlock_tls::{ClientConfig, Connection, ServerConfig};
use rand::SeedableRng;
use rand::rngs::StdRng;

struct Setup {
    client: Arc<ClientConfig>,
    /// The server's plaintext ServerHello record(s), up to its first encrypted record.
    server_hello: Vec<u8>,
    key: Vec<u8>,
    iv: [u8; 12],
}

fn client(setup: &Setup) -> Connection {
    Connection::client(setup.client.clone(), Box::new(StdRng::seed_from_u64(2))).expect("client")
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(1);
        let not_before = Time::new(2026, 1, 1, 0, 0, 0).expect("time");
        let pki = padlock_x509::throwaway::throwaway(1024, &["localhost"], &[], not_before, &mut rng).expect("pki");
        let mut config = ClientConfig::new("localhost", vec![pki.ca.clone()]);
        config.now = Some(Time::new(2026, 2, 1, 0, 0, 0).expect("time"));
        let keys = Arc::new(Mutex::new(None));
        let sink_keys = keys.clone();
        let trace: TraceSink = Arc::new(move |side, event: &Event| {
            if let (Side::Server, Event::KeysInstalled { direction: Direction::Write, stage: KeyStage::Handshake, key, iv }) = (side, event)
            {
                *sink_keys.lock().expect("lock") = Some((key.clone(), iv.clone()));
            }
        });
        let mut server_config = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
        server_config.trace = Some(trace);
        let setup_client =
            Setup { client: Arc::new(config), server_hello: Vec::new(), key: Vec::new(), iv: [0; 12] };
        let mut c = client(&setup_client);
        let mut s = Connection::server(Arc::new(server_config), Box::new(StdRng::seed_from_u64(3)));
        s.read_tls(&c.take_outgoing()).expect("server reads our ClientHello");
        let flight = s.take_outgoing();
        // Keep the records before the first encrypted one (ServerHello, ChangeCipherSpec).
        let mut end = 0;
        while end + 5 <= flight.len() && flight[end] != 23 {
            end += 5 + usize::from(u16::from_be_bytes([flight[end + 3], flight[end + 4]]));
        }
        let (key, iv) = keys.lock().expect("lock").clone().expect("server handshake keys");
        Setup {
            client: setup_client.client,
            server_hello: flight[..end].to_vec(),
            key,
            iv: iv.try_into().expect("12-byte iv"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let setup = setup();
    let mut c = client(setup);
    let hello = c.take_outgoing();
    if mode % 3 == 0 {
        let _ = c.read_tls(bytes);
    } else if mode % 3 == 2 {
        if let Some((retry, rest)) = hello_retry_request(&hello, bytes)
            && c.read_tls(&retry).is_ok()
        {
            let _ = c.read_tls(rest);
        }
    } else {
        c.read_tls(&setup.server_hello).expect("the real ServerHello");
        let mut sealer = HalfConn::tls13_gcm(&setup.key, setup.iv).expect("key");
        for chunk in bytes.chunks(usize::from(mode / 3).max(1) * 64) {
            let record = sealer.seal(ContentType::Handshake, chunk).expect("seal");
            if c.read_tls(&record).is_err() {
                break;
            }
        }
    }
    let _alert = c.take_outgoing();
    // An error sticks: nothing more is processed after it.
    if c.error().is_some() {
        assert!(c.read_tls(b"more").is_err());
        assert!(c.take_outgoing().is_empty());
    }
});

/// A HelloRetryRequest answering `client_hello` (our record), from the first
/// 7 bytes (cookie length, cookie byte, group, suite), as plaintext
/// records, and the bytes after them.
fn hello_retry_request<'a>(client_hello: &[u8], bytes: &'a [u8]) -> Option<(Vec<u8>, &'a [u8])> {
    use padlock_tls::messages::{
        ClientHello, Extensions, HELLO_RETRY_REQUEST_RANDOM, HandshakeType, ServerHello, ext, frame,
    };
    let session_id = ClientHello::decode(client_hello.get(9..)?).ok()?.session_id;
    let (&[l0, l1, fill, g0, g1, s0, s1], rest) = bytes.split_first_chunk::<7>()?;
    let cookie = vec![fill; usize::from(u16::from_be_bytes([l0, l1]))];
    let mut extensions = Extensions::default();
    extensions.push(ext::SUPPORTED_VERSIONS, |w| {
        w.u16(0x0304);
    }).ok()?;
    if g0 != 0 || g1 != 0 {
        extensions.push(ext::KEY_SHARE, |w| {
            w.u16(u16::from_be_bytes([g0, g1]));
        }).ok()?;
    }
    if !cookie.is_empty() {
        extensions.push(ext::COOKIE, |w| {
            w.vec16(|w| {
                w.bytes(&cookie);
            });
        }).ok()?;
    }
    let retry = ServerHello {
        legacy_version: 0x0303,
        random: HELLO_RETRY_REQUEST_RANDOM,
        session_id,
        cipher_suite: u16::from_be_bytes([s0, s1]),
        compression_method: 0,
        extensions,
    };
    let message = frame(HandshakeType::ServerHello, &retry.encode().ok()?).ok()?;
    let mut records = Vec::new();
    for chunk in message.chunks(1 << 14) {
        records.extend([22, 3, 3]);
        records.extend((chunk.len() as u16).to_be_bytes());
        records.extend(chunk);
    }
    Some((records, rest))
}
