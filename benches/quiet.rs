//! Per-operation times that hold on a busy machine: each operation is timed
//! on its own, many times, and the minimum and the median are printed. The
//! minimum is what an operation costs when no other process took the CPU
//! during it; compare it with `openssl speed`, which by default reports CPU
//! time (not wall time) and so is also unaffected by other processes.
//! Criterion's means (`benches/rsa.rs`, `dh.rs`, `sha.rs`) are the better
//! figures on a quiet machine; on a shared one, preemption inflates them by
//! 2x or more (see docs/performance.md).
//!
//! `cargo bench --bench quiet` (with `PADLOCK_BACKEND=adx` for the ADX
//! kernels where the CPU has AVX-512 IFMA, or `=portable`). Peers in the
//! same run, from the crates of the other benches: *ring* and `rsa` for the
//! RSA signature, `x25519-dalek` for the key generation, *ring* for AES-GCM
//! and ChaCha20-Poly1305 sealing (the AEADs under rustls in
//! `benches/handshake.rs`), and rustls itself for whole handshakes in
//! memory; OpenSSL with `openssl speed rsa2048` and `openssl speed -evp
//! sha512 -bytes 16384`.

#[path = "tls_harness.rs"]
mod tls_harness;

use padlock_benches::input;
use padlock_dh::x25519::PrivateKey;
use padlock_rsa::RsaPrivateKey;
use padlock_sha::{Hash, Sha256, Sha512};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rsa::Pkcs1v15Sign;
use std::hint::black_box;
use std::time::Instant;

const MESSAGE: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let mut rng = StdRng::seed_from_u64(2048);
    let key = RsaPrivateKey::generate(2048, &mut rng, &mut |_| {}).expect("keygen");
    report("rsa2048 sign, padlock", 600, || {
        black_box(key.sign_pkcs1v15::<Sha256, _>(black_box(MESSAGE), &mut rng).expect("signs"));
    });
    let ring_key = ring::rsa::KeyPair::from_pkcs8(&key.to_pkcs8_der()).expect("ring reads our key");
    let ring_rng = ring::rand::SystemRandom::new();
    let mut ring_signature = vec![0u8; ring_key.public().modulus_len()];
    report("rsa2048 sign, ring", 600, || {
        let padding = &ring::signature::RSA_PKCS1_SHA256;
        ring_key.sign(padding, &ring_rng, black_box(MESSAGE), &mut ring_signature).expect("signs");
    });
    // Verification as a TLS client does it: the key taken from its bytes
    // (Montgomery constants computed) and one signature checked.
    let signature = key.sign_pkcs1v15::<Sha256, _>(MESSAGE, &mut rng).expect("signs");
    let n = key.public_key().n_bytes();
    report("rsa2048 key + verify, padlock", 2000, || {
        let public = padlock_rsa::RsaPublicKey::new(black_box(&n), 65537).expect("key");
        public.verify_pkcs1v15::<Sha256>(black_box(MESSAGE), &signature).expect("verifies");
    });
    let pkcs1 = key.public_key().to_pkcs1_der();
    report("rsa2048 key + verify, ring", 2000, || {
        let public =
            ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, &pkcs1);
        public.verify(black_box(MESSAGE), &signature).expect("verifies");
    });
    let peer = rsa::PrivateKey::new(&mut rng, 2048).expect("peer keygen");
    let digest = Sha256::digest(MESSAGE);
    report("rsa2048 sign, rsa (RustCrypto)", 100, || {
        black_box(peer.sign_with_rng(&mut rng, Pkcs1v15Sign::new::<sha2::Sha256>(), &digest).expect("signs"));
    });

    let secret: [u8; 32] = input(32).try_into().expect("32 bytes");
    report("x25519 keygen, padlock", 4000, || {
        black_box(PrivateKey::from_bytes(black_box(secret)).public_key());
    });
    report("x25519 keygen, x25519-dalek", 4000, || {
        black_box(x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(black_box(secret))));
    });
    // A TLS side's whole X25519 work: a key pair, then the shared secret.
    let peer_public = PrivateKey::from_bytes([9u8; 32]).public_key();
    report("x25519 keygen + agreement, padlock", 4000, || {
        let key = PrivateKey::from_bytes(black_box(secret));
        black_box(key.public_key());
        black_box(key.diffie_hellman(&peer_public).expect("not all zero"));
    });
    let ring_rng = ring::rand::SystemRandom::new();
    let ring_peer =
        ring::agreement::UnparsedPublicKey::new(&ring::agreement::X25519, *peer_public.as_bytes());
    report("x25519 keygen + agreement, ring", 4000, || {
        let key =
            ring::agreement::EphemeralPrivateKey::generate(&ring::agreement::X25519, &ring_rng).expect("key");
        black_box(key.compute_public_key().expect("public"));
        black_box(ring::agreement::agree_ephemeral(key, &ring_peer, |s| s[0]).expect("agrees"));
    });

    let data = input(16 * 1024);
    let ns = report("sha512 16 KiB, padlock", 2000, || {
        black_box(Sha512::digest(black_box(&data)));
    });
    println!("{:40} {:>9.1} MB/s at the minimum", "", 16384.0 / ns * 1e3);

    aeads();
    handshakes();
}

/// Full handshakes in memory (client and server on this thread, as in
/// `benches/handshake.rs`), Padlock beside rustls (*ring*), each case's
/// two right after each other.
fn handshakes() {
    use padlock_tls::NamedGroup::X25519;
    use padlock_tls::ProtocolVersion::{Tls12, Tls13};
    use padlock_tls::suites;
    use tls_harness::{Key, configs, handshake, pki, rustls_configs, rustls_handshake, rustls_suite};
    let (rsa, ecdsa) = (pki(Key::Rsa), pki(Key::Ecdsa));
    for (name, pki, version, suite) in [
        ("tls13-x25519 rsa2048", &rsa, Tls13, suites::TLS13_AES_128_GCM_SHA256),
        ("tls12-ecdhe rsa2048", &rsa, Tls12, suites::ECDHE_RSA_AES_128_GCM_SHA256),
        ("tls13-x25519 ecdsa-p256", &ecdsa, Tls13, suites::TLS13_AES_128_GCM_SHA256),
        ("tls12-ecdhe ecdsa-p256", &ecdsa, Tls12, suites::ECDHE_ECDSA_AES_128_GCM_SHA256),
    ] {
        let (client, server) = configs(pki, version, suite, X25519);
        let mut seed = 0;
        report(&format!("handshake {name}, padlock"), 400, || {
            seed += 2;
            black_box(handshake(&client, &server, seed));
        });
        let peer = rustls_suite(suite).expect("rustls has the suite");
        let (client, server) = rustls_configs(pki, peer, X25519);
        report(&format!("handshake {name}, rustls"), 400, || {
            black_box(rustls_handshake(&client, &server));
        });
    }
}

/// 16 KiB sealed in place, Padlock beside *ring*, for each AEAD of the TLS
/// suites.
fn aeads() {
    use padlock_aes::{Aead, AesGcm};
    use padlock_chacha::ChaCha20Poly1305;
    use ring::aead::{AES_128_GCM, Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
    let (key, nonce) = ([0x2bu8; 32], [7u8; 12]);
    let mut data = input(16 * 1024);
    let ours: [(&str, Box<dyn Aead>); 2] = [
        ("aes-128-gcm", Box::new(AesGcm::new(&key[..16]).expect("key"))),
        ("chacha20-poly1305", Box::new(ChaCha20Poly1305::new(&key).expect("key"))),
    ];
    for ((name, aead), algorithm) in ours.into_iter().zip([&AES_128_GCM, &CHACHA20_POLY1305]) {
        report(&format!("{name} seal 16 KiB, padlock"), 4000, || {
            black_box(aead.seal_in_place(&nonce, b"header", black_box(&mut data)).expect("seals"));
        });
        let peer = LessSafeKey::new(UnboundKey::new(algorithm, &key[..algorithm.key_len()]).expect("key"));
        report(&format!("{name} seal 16 KiB, ring"), 4000, || {
            let (nonce, aad) = (Nonce::assume_unique_for_key(nonce), Aad::from(b"header"));
            let _tag = black_box(
                peer.seal_in_place_separate_tag(nonce, aad, black_box(&mut data[..])).expect("seals"),
            );
        });
    }
}

/// Times `op` alone `runs` times (after a tenth as many to warm up) and
/// prints the minimum and the median in microseconds; returns the minimum
/// in nanoseconds.
fn report(name: &str, runs: usize, mut op: impl FnMut()) -> f64 {
    for _ in 0..runs / 10 {
        op();
    }
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            op();
            start.elapsed().as_nanos() as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let (min, median) = (times[0], times[runs / 2]);
    println!("{name:44} min {:>9.2} µs   median {:>9.2} µs", min / 1e3, median / 1e3);
    min
}
