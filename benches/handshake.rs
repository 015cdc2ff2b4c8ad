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

#[path = "tls_harness.rs"]
mod tls_harness;

use criterion::measurement::Measurement;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use padlock_benches::ThreadCpuTime;
use padlock_tls::NamedGroup;
use padlock_tls::ProtocolVersion::{Tls12 as TLS12, Tls13 as TLS13};
use padlock_tls::suites;
use tls_harness::{
    Key, Pki, configs, handshake, pki, rustls_configs, rustls_handshake, rustls_pump, rustls_suite,
};

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
