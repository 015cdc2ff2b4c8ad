//! SHA3-256 and SHAKE128 throughput on 16 KiB (and the smaller sizes of
//! `SIZES`), Padlock beside RustCrypto's `sha3` and `shake` crates, measured
//! in the same run. `cargo bench --bench sha3`; compare with
//! `openssl speed -evp sha3-256` run right after (see docs/performance.md).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use padlock_benches::{SIZES, input, throughput};
use padlock_sha::{Hash, Sha3_256, Shake128};
use sha3::Digest;
use shake::digest::{ExtendableOutput, Update, XofReader};
use std::hint::black_box;

fn sha3_256(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha3-256");
    for len in SIZES {
        let data = input(len);
        throughput(&mut group, len);
        group.bench_with_input(BenchmarkId::new("padlock", len), &data, |b, data| {
            b.iter(|| Sha3_256::digest(black_box(data)))
        });
        group.bench_with_input(BenchmarkId::new("sha3", len), &data, |b, data| {
            b.iter(|| sha3::Sha3_256::digest(black_box(data)))
        });
    }
    group.finish();
}

/// SHAKE128 absorbing the input and squeezing 32 bytes, as a hash.
fn shake128(c: &mut Criterion) {
    let mut group = c.benchmark_group("shake128");
    for len in SIZES {
        let data = input(len);
        throughput(&mut group, len);
        group.bench_with_input(BenchmarkId::new("padlock", len), &data, |b, data| {
            b.iter(|| {
                let mut out = [0u8; 32];
                Shake128::digest_xof(black_box(data), &mut out);
                out
            })
        });
        group.bench_with_input(BenchmarkId::new("shake", len), &data, |b, data| {
            b.iter(|| {
                let mut xof = shake::Shake128::default();
                xof.update(black_box(data));
                let mut out = [0u8; 32];
                xof.finalize_xof().read(&mut out);
                out
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sha3_256, shake128);
criterion_main!(benches);
