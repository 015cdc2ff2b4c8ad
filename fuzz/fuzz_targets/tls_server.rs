//! The TLS server state machine fed arbitrary bytes (RFC 5246 §7.4, RFC 8446
//! §4): from the start, or after a real ClientHello of our client (TLS 1.3
//! or TLS 1.2 only), whole or in two pieces. It must return an error or
//! carry on, never panic, and after an error end its output with one alert
//! and send nothing more.

#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use padlock_der::Time;
use padlock_tls::messages::version::TLS12;
use padlock_tls::{ClientConfig, Connection, ServerConfig};
use rand::SeedableRng;
use rand::rngs::StdRng;

struct Setup {
    server: Arc<ServerConfig>,
    hello13: Vec<u8>,
    hello12: Vec<u8>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(1);
        let not_before = Time::new(2026, 1, 1, 0, 0, 0).expect("time");
        let pki = padlock_tls::pki::throwaway(1024, &["localhost"], &[], not_before, &mut rng).expect("pki");
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
        Setup { server, hello13, hello12 }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let setup = setup();
    let mut server = Connection::server(setup.server.clone(), Box::new(StdRng::seed_from_u64(3)));
    match mode % 3 {
        1 => server.read_tls(&setup.hello13).expect("our ClientHello"),
        2 => server.read_tls(&setup.hello12).expect("our ClientHello"),
        _ => {}
    }
    let _ = server.take_outgoing();
    let split = usize::from(mode / 3).min(bytes.len());
    let result = server.read_tls(&bytes[..split]).and_then(|()| server.read_tls(&bytes[split..]));
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
