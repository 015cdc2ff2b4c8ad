//! ML-KEM (FIPS 203) key generation, encapsulation and decapsulation,
//! Padlock beside RustCrypto's `ml-kem` crate, measured in the same run, for
//! ML-KEM-512, -768 and -1024; ML-KEM-768 also beside `aws-lc-rs` (AWS-LC,
//! the crypto under rustls's aws-lc-rs provider and its X25519MLKEM768).
//!
//! `cargo bench --bench mlkem`. Both sides run the deterministic inner
//! algorithms from the same seeds, so the random number generator is left
//! out of the figures:
//!
//! - `keygen`: ML-KEM.KeyGen_internal(d, z) (FIPS 203 Algorithm 16), from the
//!   seeds to both keys, including H(ek).
//! - `encaps`: ML-KEM.Encaps_internal(ek, m) (Algorithm 17) on an already
//!   parsed encapsulation key.
//! - `decaps`: ML-KEM.Decaps_internal(dk, c) (Algorithm 18) on a valid
//!   ciphertext: decryption, re-encryption and the masked comparison.
//!
//! `aws-lc-rs` has no seeded KeyGen or Encaps in its public API, so its
//! `keygen` and `encaps` also draw d, z (or m) from AWS-LC's random number
//! generator, and all three of its figures include its EVP_PKEY plumbing
//! and the heap allocation of its outputs: the price of using it as a user
//! would. Its `encaps` and `decaps` run on Padlock's keys, imported as bytes,
//! and its `decaps` on Padlock's ciphertext, so `decaps` is the same input
//! on all three sides.
//!
//! Compare with `openssl speed` where the installed OpenSSL has ML-KEM (3.5
//! and later).

use criterion::{Criterion, criterion_group, criterion_main};
use ml_kem::Decapsulate;
use padlock_benches::input;
use std::hint::black_box;

/// The seeds d, z and the message m both libraries use: fixed bytes.
fn seeds() -> ([u8; 32], [u8; 32], [u8; 32]) {
    let bytes = input(96);
    let part = |i: usize| -> [u8; 32] { bytes[32 * i..32 * (i + 1)].try_into().expect("32 bytes") };
    (part(0), part(1), part(2))
}

/// The three benchmarks for one parameter set: ours is
/// `padlock_mlkem::$ours`, the peer's is `ml_kem::$theirs`, and, if given,
/// `aws_lc_rs::kem::$aws` is a third peer.
macro_rules! bench_parameter_set {
    ($name:ident, $label:literal, $ours:ty, $theirs:ty $(, $aws:ident)?) => {
        fn $name(c: &mut Criterion) {
            use padlock_mlkem::DecapsulationKey;
            let (d, z, m) = seeds();
            let mut seed = [0u8; 64];
            seed[..32].copy_from_slice(&d);
            seed[32..].copy_from_slice(&z);

            let mut group = c.benchmark_group(concat!($label, "/keygen"));
            group.bench_function("padlock", |b| {
                b.iter(|| DecapsulationKey::<$ours>::from_seed(black_box(&d), &z))
            });
            group.bench_function("ml-kem", |b| {
                b.iter(|| ml_kem::DecapsulationKey::<$theirs>::from_seed(black_box(seed.into())))
            });
            $(group.bench_function("aws-lc-rs", |b| {
                b.iter(|| aws_lc_rs::kem::DecapsulationKey::generate(black_box(&aws_lc_rs::kem::$aws)))
            });)?
            group.finish();

            let (dk, ek) = DecapsulationKey::<$ours>::from_seed(&d, &z);
            let their_dk = ml_kem::DecapsulationKey::<$theirs>::from_seed(seed.into());
            let their_ek = their_dk.encapsulation_key().clone();
            let mut group = c.benchmark_group(concat!($label, "/encaps"));
            group.bench_function("padlock", |b| b.iter(|| ek.encapsulate_deterministic(black_box(&m))));
            group.bench_function("ml-kem", |b| {
                b.iter(|| their_ek.encapsulate_deterministic(black_box(&m.into())))
            });
            $(let aws_ek = aws_lc_rs::kem::EncapsulationKey::new(&aws_lc_rs::kem::$aws, ek.as_bytes())
                .expect("aws-lc-rs takes Padlock's encapsulation key");
            let (aws_ct, aws_ss) = aws_ek.encapsulate().expect("aws-lc-rs encapsulates");
            let aws_ct = padlock_mlkem::Ciphertext::<$ours>::from_bytes(aws_ct.as_ref()).expect("length");
            assert_eq!(dk.decapsulate(&aws_ct).as_bytes(), aws_ss.as_ref(), "same shared secret");
            group.bench_function("aws-lc-rs", |b| b.iter(|| black_box(&aws_ek).encapsulate()));)?
            group.finish();

            let (ct, _) = ek.encapsulate_deterministic(&m);
            let (their_ct, _) = their_ek.encapsulate_deterministic(&m.into());
            let mut group = c.benchmark_group(concat!($label, "/decaps"));
            group.bench_function("padlock", |b| b.iter(|| dk.decapsulate(black_box(&ct))));
            group.bench_function("ml-kem", |b| b.iter(|| their_dk.decapsulate(black_box(&their_ct))));
            $(let aws_dk = aws_lc_rs::kem::DecapsulationKey::new(&aws_lc_rs::kem::$aws, dk.as_bytes())
                .expect("aws-lc-rs takes Padlock's decapsulation key");
            let aws_ss = aws_dk.decapsulate(ct.as_bytes().into()).expect("aws-lc-rs decapsulates");
            assert_eq!(aws_ss.as_ref(), dk.decapsulate(&ct).as_bytes(), "same shared secret");
            group.bench_function("aws-lc-rs", |b| {
                b.iter(|| aws_dk.decapsulate(black_box(ct.as_bytes()).into()))
            });)?
            group.finish();
        }
    };
}

bench_parameter_set!(ml_kem_768, "ml-kem-768", padlock_mlkem::MlKem768, ml_kem::MlKem768, ML_KEM_768);
bench_parameter_set!(ml_kem_512, "ml-kem-512", padlock_mlkem::MlKem512, ml_kem::MlKem512);
bench_parameter_set!(ml_kem_1024, "ml-kem-1024", padlock_mlkem::MlKem1024, ml_kem::MlKem1024);

criterion_group!(benches, ml_kem_768, ml_kem_512, ml_kem_1024);
criterion_main!(benches);
