//! The TLS server state machine fed arbitrary bytes (RFC 5246 §7.4, RFC 8446
//! §4): from the start, or after a real ClientHello of our client (TLS 1.3
//! or TLS 1.2 only), whole or in two pieces; or, in the encrypted phase of
//! TLS 1.3, sealed as handshake records under the client's handshake keys
//! (known: everything is seeded), so they reach the server's Finished check. It must return an error or
//! carry on, never panic, and after an error end its output with one alert
//! and send nothing more.

#![no_main]

use std::sync::{Arc, Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use padlock_der::Time;
use padlock_tls::ProtocolVersion::Tls12 as TLS12;
use padlock_tls::record::{ContentType, HalfConn};
use padlock_tls::trace::{Direction, Event, KeyStage};
use padlock_tls::{ClientConfig, Connection, ServerConfig};
use rand::SeedableRng;
use rand::rngs::StdRng;

struct Setup {
    server: Arc<ServerConfig>,
    hello13: Vec<u8>,
    hello12: Vec<u8>,
    /// The client handshake key and IV the server installs after `hello13`.
    client_key: Vec<u8>,
    client_iv: [u8; 12],
}

const SERVER_SEED: u64 = 3;

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(1);
        let not_before = Time::new(2026, 1, 1, 0, 0, 0).expect("time");
        let pki = padlock_x509::throwaway::throwaway(1024, &["localhost"], &[], not_before, &mut rng).expect("pki");
        let server = Arc::new(ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone()));
        let mut client = ClientConfig::new("localhost", vec![pki.ca.clone()]);
        let hello = |config: &ClientConfig| {
            let mut c = Connection::client(Arc::new(config.clone()), Box::new(StdRng::seed_from_u64(2)))
                .expect("client");
            c.take_outgoing()
        };
        let hello13 = hello(&client);
        client.versions = vec![TLS12];
        let hello12 = hello(&client);
        // Run the same server once with a trace to learn the keys it reads with.
        let keys = Arc::new(Mutex::new(None));
        let sink_keys = keys.clone();
        let mut traced = (*server).clone();
        traced.trace = Some(Arc::new(move |_, event: &Event| {
            if let Event::KeysInstalled { direction: Direction::Read, stage: KeyStage::Handshake, key, iv } = event
            {
                *sink_keys.lock().expect("lock") = Some((key.clone(), iv.clone()));
            }
        }));
        let mut probe = Connection::server(Arc::new(traced), Box::new(StdRng::seed_from_u64(SERVER_SEED)));
        probe.read_tls(&hello13).expect("our ClientHello");
        let (client_key, iv) = keys.lock().expect("lock").clone().expect("client handshake keys");
        Setup { server, hello13, hello12, client_key, client_iv: iv.try_into().expect("12-byte iv") }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let setup = setup();
    let mut server = Connection::server(setup.server.clone(), Box::new(StdRng::seed_from_u64(SERVER_SEED)));
    match mode % 4 {
        1 | 3 => server.read_tls(&setup.hello13).expect("our ClientHello"),
        2 => server.read_tls(&setup.hello12).expect("our ClientHello"),
        _ => {}
    }
    let _ = server.take_outgoing();
    let split = usize::from(mode / 4).min(bytes.len());
    let result = if mode % 4 == 3 {
        // Encrypted phase: the bytes as handshake records under the client's keys.
        let mut sealer = HalfConn::tls13_gcm(&setup.client_key, setup.client_iv).expect("key");
        let mut result = Ok(());
        for chunk in bytes.chunks(split.max(1)) {
            let record = sealer.seal(ContentType::Handshake, chunk).expect("seal");
            result = server.read_tls(&record);
            if result.is_err() {
                break;
            }
        }
        result
    } else {
        server.read_tls(&bytes[..split]).and_then(|()| server.read_tls(&bytes[split..]))
    };
    let reply = server.take_outgoing();
    if result.is_err() {
        // After an error, the last record queued is the alert (type 21, or
        // 23 once TLS 1.3 encrypts it: 2 bytes + type + 16-byte tag); what
        // comes before it is what the valid part of the input earned.
        let mut records = Vec::new();
        let mut rest = reply.as_slice();
        while rest.len() >= 5 {
            let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
            records.push((rest[0], len));
            rest = &rest[5 + len..];
        }
        assert!(rest.is_empty());
        if let Some(&(content_type, len)) = records.last() {
            assert!((content_type, len) == (21, 2) || (content_type, len) == (23, 2 + 1 + 16));
        }
        assert!(server.read_tls(b"more").is_err());
        assert!(server.take_outgoing().is_empty());
    }
});
