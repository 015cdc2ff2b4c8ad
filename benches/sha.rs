//! SHA-256, SHA-512 and HMAC-SHA-256 throughput, Padlock beside RustCrypto's
//! `sha2` and `hmac` crates, measured in the same run.
//!
//! `cargo bench --bench sha`. Padlock runs once per backend this CPU has
//! (`portable`, `sha-ni`). To compare the portable backend with `sha2`'s
//! portable backend, run with `RUSTFLAGS='--cfg sha2_backend="soft"'`
//! (see docs/performance.md).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use padlock_benches::{SIZES, input, throughput};
use padlock_sha::{Backend, Hash, Sha256, Sha512, hmac::Hmac};
use sha2::Digest;
use std::hint::black_box;

fn sha256(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha256");
    for len in SIZES {
        let data = input(len);
        throughput(&mut group, len);
        for backend in Backend::available() {
            let Some(_) = Sha256::with_backend(backend) else { continue };
            group.bench_with_input(
                BenchmarkId::new(format!("padlock-{}", backend.name()), len),
                &data,
                |b, data| {
                    b.iter(|| {
                        let mut h = Sha256::with_backend(backend).expect("backend is available");
                        h.update(black_box(data));
                        h.finalize()
                    })
                },
            );
        }
        group.bench_with_input(BenchmarkId::new("sha2", len), &data, |b, data| {
            b.iter(|| sha2::Sha256::digest(black_box(data)))
        });
    }
    group.finish();
}

fn sha512(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha512");
    for len in SIZES {
        let data = input(len);
        throughput(&mut group, len);
        for backend in Backend::available() {
            let Some(_) = Sha512::with_backend(backend) else { continue };
            group.bench_with_input(
                BenchmarkId::new(format!("padlock-{}", backend.name()), len),
                &data,
                |b, data| {
                    b.iter(|| {
                        let mut h = Sha512::with_backend(backend).expect("backend is available");
                        h.update(black_box(data));
                        h.finalize()
                    })
                },
            );
        }
        group.bench_with_input(BenchmarkId::new("sha2", len), &data, |b, data| {
            b.iter(|| sha2::Sha512::digest(black_box(data)))
        });
    }
    group.finish();
}

fn hmac_sha256(c: &mut Criterion) {
    use hmac::{KeyInit, Mac};
    let mut group = c.benchmark_group("hmac-sha256");
    let key = input(32);
    let data = input(64);
    throughput(&mut group, data.len());
    group.bench_function(BenchmarkId::new("padlock", 64), |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha256>::new(black_box(&key));
            mac.update(black_box(&data));
            mac.finalize()
        })
    });
    group.bench_function(BenchmarkId::new("hmac", 64), |b| {
        b.iter(|| {
            let mut mac =
                hmac::Hmac::<sha2::Sha256>::new_from_slice(black_box(&key)).expect("any key length");
            mac.update(black_box(&data));
            mac.finalize().into_bytes()
        })
    });
    group.finish();
}

criterion_group!(benches, sha256, sha512, hmac_sha256);
criterion_main!(benches);
