//! Whole TLS handshakes and bulk record throughput, in memory: a
//! padlock-tls client and server in one process, bytes handed across
//! without sockets, so the figures are the protocol's cost alone.
//!
//! `cargo bench --bench handshake`.
//!
//! - `handshake/<version>-<kx>/padlock`: one full handshake, client and
//!   server together (both sides' key exchange; the server's RSA-2048
//!   signature or decryption; the client's certificate-chain check and
//!   signature verification). Handshakes per second = 1 / time. Compare
//!   with `openssl speed rsa2048 ecdhx25519 ffdh2048` for what the pieces
//!   cost.
//! - `records/<version>-<aead>-16k/padlock`: one 16 KiB application-data
//!   record sealed by one side and opened by the other, into buffers kept
//!   from one record to the next (TLS 1.3 and TLS 1.2 record formats).
//!   Compare with `openssl speed -evp aes-128-gcm` at 16384 bytes (which
//!   only seals).
//!
//! The peer, right after each Padlock case (`.../rustls`): rustls 0.23 with
//! its *ring* provider, the TLS library a Rust user would otherwise pick,
//! driven the same way (in memory, same RSA-2048 certificate chain, same
//! suite and group, resumption off) for the cases it supports (rustls has
//! no finite-field DHE and no RSA key transport).
//!
//! Time is the benchmark thread's CPU time ([`ThreadCpuTime`]): client and
//! server run on this one thread, and on a shared machine wall-clock time
//! mostly measures the other processes.
//!
//! The serving side measured over real sockets, beside `openssl s_server`
//! under the same load generator, is in docs/performance.md.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use criterion::measurement::Measurement;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use padlock_benches::ThreadCpuTime;
use padlock_der::Time;
use padlock_ec::Curve;
use padlock_tls::ProtocolVersion::{self, Tls12 as TLS12, Tls13 as TLS13};
use padlock_tls::SigningKey;
use padlock_tls::suites::{self, CipherSuite};
use padlock_tls::{ClientConfig, Connection, NamedGroup, ServerConfig};
use padlock_x509::Certificate;
use padlock_x509::throwaway::{throwaway, throwaway_ecdsa};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A throwaway certificate chain with its key, in the forms both
/// libraries take.
struct Pki {
    ca: Certificate,
    leaf: Certificate,
    key: SigningKey,
    pkcs8: Vec<u8>,
}

/// The server's certificate in a case.
#[derive(Clone, Copy)]
enum Key {
    /// An RSA-2048 leaf under an RSA-2048 CA.
    Rsa,
    /// An ECDSA P-256 leaf under a P-384 CA.
    Ecdsa,
}

/// A throwaway chain of `kind`, valid from an hour ago.
fn pki(kind: Key) -> Pki {
    // Valid from an hour ago: rustls checks certificates against the system clock.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let not_before = Time::from_unix_seconds(now as i64 - 3600).expect("time");
    let (names, ips) = (&["localhost"], &[IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    let rng = &mut StdRng::seed_from_u64(1);
    match kind {
        Key::Ecdsa => {
            let pki = throwaway_ecdsa(Curve::P256, names, ips, not_before, rng).expect("pki");
            let pkcs8 = pki.key.to_pkcs8_der().to_vec();
            Pki { ca: pki.ca, leaf: pki.leaf, key: pki.key.into(), pkcs8 }
        }
        Key::Rsa => {
            let pki = throwaway(2048, names, ips, not_before, rng).expect("pki");
            let pkcs8 = pki.key.to_pkcs8_der().to_vec();
            Pki { ca: pki.ca, leaf: pki.leaf, key: pki.key.into(), pkcs8 }
        }
    }
}

/// Client and server configs for one (version, suite, group) case.
fn configs(
    pki: &Pki,
    version: ProtocolVersion,
    suite: CipherSuite,
    group: NamedGroup,
) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let mut client = ClientConfig::new("localhost", vec![pki.ca.clone()]);
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

fn bench_handshakes(c: &mut Criterion<ThreadCpuTime>) {
    let (rsa, ecdsa) = (pki(Key::Rsa), pki(Key::Ecdsa));
    use NamedGroup::{Ffdhe2048, Secp256r1, X25519, X25519MlKem768};
    let cases = [
        ("tls13-x25519", &rsa, TLS13, suites::TLS13_AES_128_GCM_SHA256, X25519),
        ("tls12-ecdhe", &rsa, TLS12, suites::ECDHE_RSA_AES_128_GCM_SHA256, X25519),
        ("tls13-ffdhe2048", &rsa, TLS13, suites::TLS13_AES_128_GCM_SHA256, Ffdhe2048),
        ("tls12-dhe", &rsa, TLS12, suites::DHE_RSA_AES_128_GCM_SHA256, Ffdhe2048),
        ("tls12-rsa", &rsa, TLS12, suites::RSA_AES_128_GCM_SHA256, X25519),
        // What a browser negotiates today: the hybrid, beside x25519 and P-256
        // alone, with the RSA certificate and with an ECDSA P-256 one.
        ("tls13-x25519mlkem768", &rsa, TLS13, suites::TLS13_AES_128_GCM_SHA256, X25519MlKem768),
        ("tls13-p256", &rsa, TLS13, suites::TLS13_AES_128_GCM_SHA256, Secp256r1),
        ("tls13-x25519-ecdsa", &ecdsa, TLS13, suites::TLS13_AES_128_GCM_SHA256, X25519),
        ("tls13-x25519mlkem768-ecdsa", &ecdsa, TLS13, suites::TLS13_AES_128_GCM_SHA256, X25519MlKem768),
        ("tls12-ecdhe-ecdsa", &ecdsa, TLS12, suites::ECDHE_ECDSA_AES_128_GCM_SHA256, X25519),
    ];
    let mut group = c.benchmark_group("handshake");
    group.sample_size(20);
    for (name, pki, version, suite, named_group) in cases {
        let (client, server) = configs(pki, version, suite, named_group);
        let mut seed = 0;
        group.bench_function(format!("{name}/padlock"), |b| {
            b.iter(|| {
                seed += 2;
                handshake(&client, &server, seed)
            })
        });
        if let Some(peer) = rustls_suite(suite) {
            let (client, server) = rustls_configs(pki, peer, named_group);
            let provider = if named_group == X25519MlKem768 { "rustls-aws-lc-rs" } else { "rustls" };
            group.bench_function(format!("{name}/{provider}"), |b| {
                b.iter(|| rustls_handshake(&client, &server))
            });
        }
    }
    group.finish();
}

fn bench_records(c: &mut Criterion<ThreadCpuTime>) {
    let pki = pki(Key::Rsa);
    let payload = vec![0x42u8; 16 * 1024];
    let mut group = c.benchmark_group("records");
    group.throughput(Throughput::Bytes(payload.len() as u64));
    for (name, version, suite) in [
        ("tls13-aes-128-gcm-16k", TLS13, suites::TLS13_AES_128_GCM_SHA256),
        ("tls12-aes-128-gcm-16k", TLS12, suites::ECDHE_RSA_AES_128_GCM_SHA256),
        ("tls13-chacha20-poly1305-16k", TLS13, suites::TLS13_CHACHA20_POLY1305_SHA256),
        ("tls12-chacha20-poly1305-16k", TLS12, suites::ECDHE_RSA_CHACHA20_POLY1305_SHA256),
    ] {
        let (client, server) = configs(&pki, version, suite, NamedGroup::X25519);
        let (mut c, mut s) = handshake(&client, &server, 7);
        let mut received = vec![0u8; payload.len()];
        group.bench_function(format!("{name}/padlock"), |b| {
            b.iter(|| {
                c.write_app_data(&payload).expect("seal");
                s.read_tls(c.outgoing()).expect("open");
                c.consume_outgoing(usize::MAX);
                assert_eq!(s.read_app_data(&mut received), payload.len());
            })
        });
        if let Some(peer) = rustls_suite(suite) {
            bench_rustls_records(&mut group, &pki, peer, &format!("{name}/rustls"), &payload);
        }
    }
    group.finish();
}

/// The rustls (ring) suite for one of ours, where rustls has it: the ECDHE
/// and TLS 1.3 suites (no finite-field DHE, no RSA key transport).
fn rustls_suite(suite: CipherSuite) -> Option<rustls::SupportedCipherSuite> {
    use rustls::crypto::ring::cipher_suite as peer;
    Some(match suite {
        s if s == suites::TLS13_AES_128_GCM_SHA256 => peer::TLS13_AES_128_GCM_SHA256,
        s if s == suites::TLS13_CHACHA20_POLY1305_SHA256 => peer::TLS13_CHACHA20_POLY1305_SHA256,
        s if s == suites::ECDHE_RSA_AES_128_GCM_SHA256 => peer::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        s if s == suites::ECDHE_RSA_CHACHA20_POLY1305_SHA256 => {
            peer::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        }
        s if s == suites::ECDHE_ECDSA_AES_128_GCM_SHA256 => peer::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        _ => return None,
    })
}

/// rustls client and server configs for one suite and group: its *ring*
/// provider, or for X25519MLKEM768 (which *ring* lacks) its aws-lc-rs one,
/// with the same suite.
fn rustls_configs(
    pki: &Pki,
    suite: rustls::SupportedCipherSuite,
    group: NamedGroup,
) -> (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>) {
    use rustls::crypto::ring::{default_provider, kx_group};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let mut provider = default_provider();
    provider.cipher_suites = vec![suite];
    provider.kx_groups = match group {
        NamedGroup::Secp256r1 => vec![kx_group::SECP256R1],
        NamedGroup::X25519MlKem768 => {
            provider = rustls::crypto::aws_lc_rs::default_provider();
            let same = provider.cipher_suites.iter().find(|s| s.suite() == suite.suite()).copied();
            provider.cipher_suites = vec![same.expect("aws-lc-rs has the suite")];
            vec![rustls::crypto::aws_lc_rs::kx_group::X25519MLKEM768]
        }
        _ => vec![kx_group::X25519],
    };
    let provider = Arc::new(provider);
    let versions: &[&rustls::SupportedProtocolVersion] = &[suite.version()];
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(pki.ca.der().to_vec())).expect("root");
    let mut client = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Every handshake a full one, as padlock-tls does (it never resumes).
    client.resumption = rustls::client::Resumption::disabled();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.pkcs8.clone()));
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(pki.leaf.der().to_vec())], key)
        .expect("server certificate");
    server.send_tls13_tickets = 0;
    server.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    (Arc::new(client), Arc::new(server))
}

/// Moves bytes between a rustls client and server until both are quiet.
fn rustls_pump(c: &mut rustls::ClientConnection, s: &mut rustls::ServerConnection) {
    loop {
        let mut to_server = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut to_server).expect("client write");
        }
        let mut to_client = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut to_client).expect("server write");
        }
        if to_server.is_empty() && to_client.is_empty() {
            return;
        }
        let mut input = to_server.as_slice();
        while !input.is_empty() {
            s.read_tls(&mut input).expect("server read");
            s.process_new_packets().expect("server");
        }
        let mut input = to_client.as_slice();
        while !input.is_empty() {
            c.read_tls(&mut input).expect("client read");
            c.process_new_packets().expect("client");
        }
    }
}

fn rustls_handshake(
    client: &Arc<rustls::ClientConfig>,
    server: &Arc<rustls::ServerConfig>,
) -> (rustls::ClientConnection, rustls::ServerConnection) {
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let mut c = rustls::ClientConnection::new(client.clone(), name).expect("client");
    let mut s = rustls::ServerConnection::new(server.clone()).expect("server");
    rustls_pump(&mut c, &mut s);
    assert!(!c.is_handshaking() && !s.is_handshaking());
    (c, s)
}

/// One 16 KiB record from a rustls client to a rustls server, as
/// `bench_records` does for Padlock: sealed, copied onto the wire (rustls
/// keeps its records until `write_tls`), opened, read out.
fn bench_rustls_records<M: Measurement>(
    group: &mut BenchmarkGroup<'_, M>,
    pki: &Pki,
    suite: rustls::SupportedCipherSuite,
    name: &str,
    payload: &[u8],
) {
    use std::io::{Read, Write};
    let (client, server) = rustls_configs(pki, suite, NamedGroup::X25519);
    let (mut c, mut s) = rustls_handshake(&client, &server);
    let mut received = vec![0u8; payload.len()];
    group.bench_function(name, |b| {
        b.iter(|| {
            c.writer().write_all(payload).expect("seal");
            rustls_pump(&mut c, &mut s);
            s.reader().read_exact(&mut received).expect("received");
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = bench_handshakes, bench_records
}
criterion_main!(benches);
