//! RSA sign, verify and decrypt at 2048, 3072 and 4096 bits, and 2048-bit key
//! generation: Padlock beside RustCrypto's `rsa` crate in the same run, and
//! for signing beside *ring* (what rustls signs with in the handshake bench).
//!
//! `cargo bench --bench rsa`; OpenSSL's figures come from
//! `openssl speed rsa2048 rsa3072 rsa4096` (see docs/performance.md).
//! Both sides blind the private operation.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use padlock_rsa::RsaPrivateKey;
use padlock_sha::{Hash, Sha256};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rsa::{Pkcs1v15Encrypt, Pkcs1v15Sign};
use std::hint::black_box;

const MESSAGE: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

fn operations(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(2048);
    for bits in [2048, 3072, 4096] {
        let ours = RsaPrivateKey::generate(bits, &mut rng, &mut |_| {}).expect("keygen");
        let peer = rsa::PrivateKey::new(&mut rng, bits).expect("peer keygen");
        let digest = Sha256::digest(MESSAGE);

        let mut group = c.benchmark_group(format!("rsa{bits}"));
        group.sample_size(20);
        group.bench_function(BenchmarkId::new("padlock", "sign-pkcs1-sha256"), |b| {
            b.iter(|| ours.sign_pkcs1v15::<Sha256, _>(black_box(MESSAGE), &mut rng).expect("signs"))
        });
        let ring_key = ring::rsa::KeyPair::from_pkcs8(&ours.to_pkcs8_der()).expect("ring reads our key");
        let ring_rng = ring::rand::SystemRandom::new();
        let mut ring_signature = vec![0u8; ring_key.public().modulus_len()];
        group.bench_function(BenchmarkId::new("ring", "sign-pkcs1-sha256"), |b| {
            b.iter(|| {
                let padding = &ring::signature::RSA_PKCS1_SHA256;
                ring_key.sign(padding, &ring_rng, black_box(MESSAGE), &mut ring_signature).expect("signs")
            })
        });
        group.bench_function(BenchmarkId::new("rsa", "sign-pkcs1-sha256"), |b| {
            b.iter(|| {
                let digest = sha2_digest(black_box(MESSAGE));
                peer.sign_with_rng(&mut rng, Pkcs1v15Sign::new::<sha2::Sha256>(), &digest).expect("signs")
            })
        });

        let signature = ours.sign_pkcs1v15::<Sha256, _>(MESSAGE, &mut rng).expect("signs");
        let peer_signature = peer.sign(Pkcs1v15Sign::new::<sha2::Sha256>(), &digest).expect("signs");
        let peer_public = peer.to_public_key();
        group.bench_function(BenchmarkId::new("padlock", "verify-pkcs1-sha256"), |b| {
            b.iter(|| {
                ours.public_key().verify_pkcs1v15::<Sha256>(black_box(MESSAGE), &signature).expect("verifies")
            })
        });
        group.bench_function(BenchmarkId::new("rsa", "verify-pkcs1-sha256"), |b| {
            b.iter(|| {
                let digest = sha2_digest(black_box(MESSAGE));
                peer_public
                    .verify(Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, &peer_signature)
                    .expect("verifies")
            })
        });

        let ciphertext = ours.public_key().encrypt_pkcs1v15(&[7; 48], &mut rng).expect("fits");
        let peer_ciphertext = peer_public.encrypt(&mut rng, Pkcs1v15Encrypt, &[7; 48]).expect("fits");
        group.bench_function(BenchmarkId::new("padlock", "decrypt-pkcs1"), |b| {
            b.iter(|| ours.decrypt_pkcs1v15(black_box(&ciphertext), &mut rng).expect("decrypts"))
        });
        group.bench_function(BenchmarkId::new("rsa", "decrypt-pkcs1"), |b| {
            b.iter(|| {
                peer.decrypt_blinded(&mut rng, Pkcs1v15Encrypt, black_box(&peer_ciphertext))
                    .expect("decrypts")
            })
        });
        group.finish();
    }
}

fn keygen(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(7);
    let mut group = c.benchmark_group("rsa2048-keygen");
    group.sample_size(10);
    group.bench_function("padlock", |b| {
        b.iter(|| RsaPrivateKey::generate(2048, &mut rng, &mut |_| {}).expect("keygen"))
    });
    group.bench_function("rsa", |b| b.iter(|| rsa::PrivateKey::new(&mut rng, 2048).expect("keygen")));
    group.finish();
}

fn sha2_digest(message: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(message).to_vec()
}

criterion_group!(benches, operations, keygen);
criterion_main!(benches);
