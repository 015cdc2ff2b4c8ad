//! Whole TLS handshakes and bulk record throughput, in memory: a
//! padlock-tls client and server in one process, bytes handed across
//! without sockets, so the figures are the protocol's cost alone.
//!
//! `cargo bench --bench handshake`.
//!
//! - `handshake/<version>-<kx>`: one full handshake, client and server
//!   together (both sides' key exchange; the server's RSA-2048 signature
//!   or decryption; the client's certificate-chain check and signature
//!   verification). Handshakes per second = 1 / time. Compare with
//!   `openssl speed rsa2048 ecdhx25519 ffdh2048` for what the pieces cost.
//! - `records/aes-128-gcm-16k`: one 16 KiB application-data record sealed
//!   by one side and opened by the other (TLS 1.3 and TLS 1.2 record
//!   formats). Compare with `openssl speed -evp aes-128-gcm` at 16384
//!   bytes (which only seals).
//!
//! The serving side measured over real sockets, beside `openssl s_server`
//! under the same load generator, is in docs/performance.md.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use padlock_der::Time;
use padlock_tls::messages::version::{TLS12, TLS13};
use padlock_tls::pki::{Pki, throwaway};
use padlock_tls::suites::{self, CipherSuite};
use padlock_tls::{ClientConfig, Connection, NamedGroup, ServerConfig};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn pki() -> Pki {
    let not_before = Time::new(2026, 1, 1, 0, 0, 0).expect("time");
    throwaway(
        2048,
        &["localhost"],
        &[IpAddr::V4(Ipv4Addr::LOCALHOST)],
        not_before,
        &mut StdRng::seed_from_u64(1),
    )
    .expect("pki")
}

/// Client and server configs for one (version, suite, group) case.
fn configs(
    pki: &Pki,
    version: u16,
    suite: CipherSuite,
    group: NamedGroup,
) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let mut client = ClientConfig::new("localhost", vec![pki.ca.clone()]);
    client.now = Some(Time::new(2026, 2, 1, 0, 0, 0).expect("time"));
    client.versions = vec![version];
    client.cipher_suites = vec![suite];
    client.groups = vec![group];
    client.key_share_groups = vec![group];
    let mut server = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    server.groups = vec![group];
    server.dhe_group = if group.is_ffdhe() { group } else { NamedGroup::Ffdhe2048 };
    (Arc::new(client), Arc::new(server))
}

/// Runs a handshake to the end; returns the two connections.
fn handshake(client: &Arc<ClientConfig>, server: &Arc<ServerConfig>, seed: u64) -> (Connection, Connection) {
    let mut c = Connection::client(client.clone(), Box::new(StdRng::seed_from_u64(seed))).expect("client");
    let mut s = Connection::server(server.clone(), Box::new(StdRng::seed_from_u64(seed ^ 1)));
    loop {
        let to_server = c.take_outgoing();
        let to_client = s.take_outgoing();
        if to_server.is_empty() && to_client.is_empty() {
            break;
        }
        s.read_tls(&to_server).expect("server");
        c.read_tls(&to_client).expect("client");
    }
    assert!(!c.is_handshaking() && !s.is_handshaking());
    (c, s)
}

fn bench_handshakes(c: &mut Criterion) {
    let pki = pki();
    let cases = [
        ("tls13-x25519", TLS13, suites::TLS13_AES_128_GCM_SHA256, NamedGroup::X25519),
        ("tls13-ffdhe2048", TLS13, suites::TLS13_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048),
        ("tls12-ecdhe", TLS12, suites::ECDHE_RSA_AES_128_GCM_SHA256, NamedGroup::X25519),
        ("tls12-dhe", TLS12, suites::DHE_RSA_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048),
        ("tls12-rsa", TLS12, suites::RSA_AES_128_GCM_SHA256, NamedGroup::X25519),
    ];
    let mut group = c.benchmark_group("handshake");
    group.sample_size(20);
    for (name, version, suite, named_group) in cases {
        let (client, server) = configs(&pki, version, suite, named_group);
        let mut seed = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                seed += 2;
                handshake(&client, &server, seed)
            })
        });
    }
    group.finish();
}

fn bench_records(c: &mut Criterion) {
    let pki = pki();
    let payload = vec![0x42u8; 16 * 1024];
    let mut group = c.benchmark_group("records");
    group.throughput(Throughput::Bytes(payload.len() as u64));
    for (name, version, suite) in [
        ("tls13-aes-128-gcm-16k", TLS13, suites::TLS13_AES_128_GCM_SHA256),
        ("tls12-aes-128-gcm-16k", TLS12, suites::ECDHE_RSA_AES_128_GCM_SHA256),
    ] {
        let (client, server) = configs(&pki, version, suite, NamedGroup::X25519);
        let (mut c, mut s) = handshake(&client, &server, 7);
        group.bench_function(name, |b| {
            b.iter(|| {
                c.write_app_data(&payload).expect("seal");
                s.read_tls(&c.take_outgoing()).expect("open");
                s.take_app_data()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_handshakes, bench_records);
criterion_main!(benches);
