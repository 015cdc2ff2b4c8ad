//! Shared test fixtures: a throw-away PKI made once per test binary from a
//! fixed seed, and an in-memory pump that drives a client and a server.

#![allow(dead_code, unreachable_pub)]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex, OnceLock};

use padlock_der::Time;
use padlock_tls::pki::{Pki, throwaway};
use padlock_tls::trace::{Event, Side, TraceSink};
use padlock_tls::{ClientConfig, Connection, Error, ServerConfig};
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

pub fn client_config() -> ClientConfig {
    let mut config = ClientConfig::new("localhost", vec![pki().ca.clone()]);
    config.now = Some(now());
    config
}

pub fn server_config() -> ServerConfig {
    ServerConfig::new(vec![pki().leaf.clone()], pki().key.clone())
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
