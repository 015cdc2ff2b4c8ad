//! X25519 key generation and agreement, Padlock beside `x25519-dalek`,
//! measured in the same run.
//!
//! `cargo bench --bench dh`. Both sides start from the same 32 secret bytes,
//! so the random number generator is left out of the figures:
//!
//! - `x25519-keygen`: the public key from a private key. Both multiply the
//!   Edwards base point with a precomputed table (signed radix-16 digits,
//!   masked lookups) and convert to the Montgomery u-coordinate; the peer
//!   is x25519-dalek.
//! - `x25519-agreement`: one shared secret from a private key and a peer's
//!   public key, including the all-zero check. Both run a 255-step
//!   Montgomery ladder over radix-2^51 field arithmetic. Compare with
//!   `openssl speed ecdhx25519`.
//!
//! Finite-field DH over ffdhe2048 and ffdhe3072 (RFC 7919), Padlock alone
//! (no Rust peer in the workspace); compare with
//! `openssl speed ffdh2048 ffdh3072`, whose figure is one agreement:
//!
//! - `ffdhe-keygen`: `PrivateKey::generate` and `public_key()`, that is a
//!   random exponent and `g^x mod p`. The exponent is short, as RFC 7919
//!   §5.2 recommends (`ffdh::exponent_bits`): 225 bits for ffdhe2048, 275
//!   for ffdhe3072 — OpenSSL 3 draws the same sizes for these groups. `ffdh`
//!   keeps x on its own (public) number of limbs, so `Modulus::pow` costs a
//!   few hundred modular multiplications, not 2048 or 3072 squarings.
//! - `ffdhe-agreement`: `agree`, which checks `2 <= Y <= p - 2` then
//!   computes `Y^x mod p` with the same short exponent, and refuses Z = 1.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use padlock_benches::input;
use padlock_dh::ffdh;
use padlock_dh::groups::{FFDHE2048, FFDHE3072, Group};
use padlock_dh::x25519::{PrivateKey, PublicKey};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::hint::black_box;
use x25519_dalek::StaticSecret;

/// The private key both libraries use: 32 fixed, non-constant bytes.
fn secret() -> [u8; 32] {
    input(32).try_into().expect("32 bytes")
}

/// A peer public key (of large order): the public key of other fixed bytes.
fn peer() -> [u8; 32] {
    let other: [u8; 32] = input(64)[32..].try_into().expect("32 bytes");
    *PrivateKey::from_bytes(other).public_key().as_bytes()
}

fn keygen(c: &mut Criterion) {
    let mut group = c.benchmark_group("x25519-keygen");
    let secret = secret();
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| PrivateKey::from_bytes(black_box(secret)).public_key())
    });
    group.bench_function(BenchmarkId::from_parameter("x25519-dalek"), |b| {
        b.iter(|| x25519_dalek::PublicKey::from(&StaticSecret::from(black_box(secret))))
    });
    group.finish();
}

fn agreement(c: &mut Criterion) {
    let mut group = c.benchmark_group("x25519-agreement");
    let (secret, peer) = (secret(), peer());
    let padlock_peer = PublicKey::from_bytes(peer);
    group.bench_function(BenchmarkId::from_parameter("padlock"), |b| {
        b.iter(|| {
            PrivateKey::from_bytes(black_box(secret))
                .diffie_hellman(black_box(&padlock_peer))
                .expect("the peer key has large order")
        })
    });
    let dalek_peer = x25519_dalek::PublicKey::from(peer);
    group.bench_function(BenchmarkId::from_parameter("x25519-dalek"), |b| {
        b.iter(|| {
            let shared = StaticSecret::from(black_box(secret)).diffie_hellman(black_box(&dalek_peer));
            // The same all-zero check Padlock makes (x25519-dalek leaves it to the caller).
            assert!(shared.was_contributory());
            shared
        })
    });
    group.finish();
}

/// The finite-field groups measured: the smallest TLS 1.3 one and the next.
const FFDHE_GROUPS: [Group; 2] = [FFDHE2048, FFDHE3072];

/// A fixed private exponent of `ffdh::exponent_bits` bits, big-endian.
fn ffdh_secret(group: &Group, offset: usize) -> Vec<u8> {
    let bits = ffdh::exponent_bits(group);
    let mut x = input(offset + bits.div_ceil(8)).split_off(offset);
    x[0] &= 0xff >> (8 * x.len() - bits);
    x[0] |= 1 << ((bits - 1) % 8); // exactly `bits` bits long
    x
}

fn ffdh_keygen(c: &mut Criterion) {
    let mut bench = c.benchmark_group("ffdhe-keygen");
    let mut rng = StdRng::seed_from_u64(7919);
    for group in FFDHE_GROUPS {
        bench.bench_function(BenchmarkId::new("padlock", group.name), |b| {
            b.iter(|| {
                ffdh::PrivateKey::generate(black_box(&group), &mut rng).expect("a known group").public_key()
            })
        });
    }
    bench.finish();
}

fn ffdh_agreement(c: &mut Criterion) {
    let mut bench = c.benchmark_group("ffdhe-agreement");
    for group in FFDHE_GROUPS {
        let secret = ffdh_secret(&group, 0);
        let peer =
            ffdh::PrivateKey::from_bytes(&group, &ffdh_secret(&group, 64)).expect("x < p").public_key();
        bench.bench_function(BenchmarkId::new("padlock", group.name), |b| {
            b.iter(|| {
                ffdh::PrivateKey::from_bytes(&group, black_box(&secret))
                    .expect("x < p")
                    .agree(black_box(&peer))
                    .expect("the peer value is in range")
            })
        });
    }
    bench.finish();
}

criterion_group!(benches, keygen, agreement, ffdh_keygen, ffdh_agreement);
criterion_main!(benches);
