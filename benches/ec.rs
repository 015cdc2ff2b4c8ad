//! P-256 and P-384: ECDH and ECDSA, Padlock beside RustCrypto's `p256` and
//! `p384` crates, measured in the same run.
//!
//! `cargo bench --bench ec`. Both sides start from the same secret bytes,
//! so the random number generator is left out of the figures:
//!
//! - `*-keygen`: a private key from 32 (48) bytes and its public key d·G.
//!   Padlock uses its fixed-base table (one mixed addition per 5-bit
//!   digit); RustCrypto its basepoint table (`precomputed-tables`).
//! - `*-agree`: one ECDH shared secret from a private key and the peer's
//!   SEC1 point as it arrives in a TLS key share, including decoding and
//!   validating the point. Compare with `openssl speed ecdhp256`, which
//!   times the derivation alone.
//! - `*-sign`: an RFC 6979 deterministic ECDSA signature of a 64-byte
//!   message with SHA-256 (SHA-384 for P-384), hashing included. OpenSSL's
//!   `ecdsap256` signs a 20-byte digest with a random nonce.
//! - `*-verify`: verification of that signature.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use padlock_benches::input;
use padlock_sha::{Sha256, Sha384};
use std::hint::black_box;

fn p256_benches(c: &mut Criterion) {
    let d: [u8; 32] = input(32).try_into().expect("32 bytes");
    let peer_d: [u8; 32] = input(64)[32..].try_into().expect("32 bytes");
    let peer =
        padlock_ec::p256::PrivateKey::from_bytes(&peer_d).expect("valid").public_key().to_sec1_uncompressed();
    let message = input(64);

    let mut group = c.benchmark_group("p256-keygen");
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| padlock_ec::p256::PrivateKey::from_bytes(black_box(&d)).expect("valid"))
    });
    group.bench_function(BenchmarkId::from_parameter("p256"), |b| {
        b.iter(|| p256::SecretKey::from_slice(black_box(&d)).expect("valid").public_key())
    });
    group.finish();

    let mut group = c.benchmark_group("p256-agree");
    let ours = padlock_ec::p256::PrivateKey::from_bytes(&d).expect("valid");
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| {
            let peer = padlock_ec::p256::PublicKey::from_sec1(black_box(&peer)).expect("valid");
            ours.diffie_hellman(&peer).expect("not the identity")
        })
    });
    let theirs = p256::SecretKey::from_slice(&d).expect("valid");
    group.bench_function(BenchmarkId::from_parameter("p256"), |b| {
        b.iter(|| {
            let peer = p256::PublicKey::from_sec1_bytes(black_box(&peer)).expect("valid");
            p256::ecdh::diffie_hellman(theirs.to_nonzero_scalar(), peer.as_affine())
        })
    });
    group.finish();

    let mut group = c.benchmark_group("p256-sign");
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| ours.sign::<Sha256>(black_box(&message)))
    });
    let signing = p256::ecdsa::SigningKey::from_slice(&d).expect("valid");
    group.bench_function(BenchmarkId::from_parameter("p256"), |b| {
        b.iter(|| -> p256::ecdsa::Signature { signing.sign(black_box(&message)) })
    });
    group.finish();

    let mut group = c.benchmark_group("p256-verify");
    let signature = ours.sign::<Sha256>(&message);
    let public = *ours.public_key();
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| public.verify::<Sha256>(black_box(&message), &signature).expect("valid"))
    });
    let their_signature = p256::ecdsa::Signature::from_slice(&signature.to_raw()).expect("valid");
    let verifying = *signing.verifying_key();
    group.bench_function(BenchmarkId::from_parameter("p256"), |b| {
        b.iter(|| verifying.verify(black_box(&message), &their_signature).expect("valid"))
    });
    group.finish();
}

fn p384_benches(c: &mut Criterion) {
    let d: [u8; 48] = input(48).try_into().expect("48 bytes");
    let peer_d: [u8; 48] = input(96)[48..].try_into().expect("48 bytes");
    let peer =
        padlock_ec::p384::PrivateKey::from_bytes(&peer_d).expect("valid").public_key().to_sec1_uncompressed();
    let message = input(64);

    let mut group = c.benchmark_group("p384-keygen");
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| padlock_ec::p384::PrivateKey::from_bytes(black_box(&d)).expect("valid"))
    });
    group.bench_function(BenchmarkId::from_parameter("p384"), |b| {
        b.iter(|| p384::SecretKey::from_slice(black_box(&d)).expect("valid").public_key())
    });
    group.finish();

    let mut group = c.benchmark_group("p384-agree");
    let ours = padlock_ec::p384::PrivateKey::from_bytes(&d).expect("valid");
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| {
            let peer = padlock_ec::p384::PublicKey::from_sec1(black_box(&peer)).expect("valid");
            ours.diffie_hellman(&peer).expect("not the identity")
        })
    });
    let theirs = p384::SecretKey::from_slice(&d).expect("valid");
    group.bench_function(BenchmarkId::from_parameter("p384"), |b| {
        b.iter(|| {
            let peer = p384::PublicKey::from_sec1_bytes(black_box(&peer)).expect("valid");
            p384::ecdh::diffie_hellman(theirs.to_nonzero_scalar(), peer.as_affine())
        })
    });
    group.finish();

    let mut group = c.benchmark_group("p384-sign");
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| ours.sign::<Sha384>(black_box(&message)))
    });
    let signing = p384::ecdsa::SigningKey::from_slice(&d).expect("valid");
    group.bench_function(BenchmarkId::from_parameter("p384"), |b| {
        b.iter(|| -> p384::ecdsa::Signature { signing.sign(black_box(&message)) })
    });
    group.finish();

    let mut group = c.benchmark_group("p384-verify");
    let signature = ours.sign::<Sha384>(&message);
    let public = *ours.public_key();
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| public.verify::<Sha384>(black_box(&message), &signature).expect("valid"))
    });
    let their_signature = p384::ecdsa::Signature::from_slice(&signature.to_raw()).expect("valid");
    let verifying = *signing.verifying_key();
    group.bench_function(BenchmarkId::from_parameter("p384"), |b| {
        b.iter(|| verifying.verify(black_box(&message), &their_signature).expect("valid"))
    });
    group.finish();
}

/// Where the time goes: one field multiplication and squaring, one point
/// doubling and addition (P-256, Padlock only). A variable-base scalar
/// multiplication is about 260 doublings and 67 additions; a fixed-base one
/// 52 mixed additions; verification about 256 doublings and 95 additions.
fn p256_parts(c: &mut Criterion) {
    use padlock_ec::p256::{FieldElement, ProjectivePoint};
    let a = FieldElement::from_be_bytes_reduced(&input(32));
    let b = FieldElement::from_be_bytes_reduced(&input(64)[32..]);
    let mut group = c.benchmark_group("p256-parts");
    group.bench_function("field-mul", |bench| bench.iter(|| black_box(a) * black_box(b)));
    group.bench_function("field-square", |bench| bench.iter(|| black_box(a).square()));
    group.bench_function("field-invert", |bench| bench.iter(|| black_box(a).invert()));
    let p = ProjectivePoint::GENERATOR.double();
    let q = p.double();
    group.bench_function("point-double", |bench| bench.iter(|| black_box(p).double()));
    group.bench_function("point-add", |bench| bench.iter(|| black_box(p).add(&black_box(q))));
    group.finish();
}

criterion_group!(benches, p256_benches, p384_benches, p256_parts);
criterion_main!(benches);
