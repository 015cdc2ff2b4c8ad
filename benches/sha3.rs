//! SHA3-256 and SHAKE128 throughput on 16 KiB (and the smaller sizes of
//! `SIZES`), Padlock beside RustCrypto's `sha3` and `shake` crates, measured
//! in the same run; and four SHAKE128 outputs at once, as ML-KEM's matrix
//! wants them. `cargo bench --bench sha3`; compare with
//! `openssl speed -evp sha3-256` run right after (see docs/performance.md).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use padlock_benches::{SIZES, input, throughput};
use padlock_sha::{Hash, Sha3_256, Shake128, Shake128x4};
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

/// What ML-KEM's matrix asks for: four SHAKE128 outputs of three blocks
/// (504 bytes) from four 34-byte seeds. `Shake128x4` (four states to an AVX2
/// register) beside four single SHAKE128s, Padlock's and RustCrypto's.
fn shake128_four_outputs(c: &mut Criterion) {
    let mut group = c.benchmark_group("shake128-four-outputs");
    let seeds: [[u8; 34]; 4] = core::array::from_fn(|s| [s as u8; 34]);
    group.bench_function("padlock-x4", |b| {
        b.iter(|| {
            let mut four = Shake128x4::new(core::array::from_fn(|s| &black_box(&seeds)[s][..]));
            [four.squeeze_blocks(), four.squeeze_blocks(), four.squeeze_blocks()]
        })
    });
    group.bench_function("padlock-single", |b| {
        b.iter(|| {
            black_box(&seeds).map(|seed| {
                let mut out = [0u8; 3 * 168];
                Shake128::digest_xof(&seed, &mut out);
                out
            })
        })
    });
    group.bench_function("shake", |b| {
        b.iter(|| {
            black_box(&seeds).map(|seed| {
                let mut xof = shake::Shake128::default();
                xof.update(&seed);
                let mut out = [0u8; 3 * 168];
                xof.finalize_xof().read(&mut out);
                out
            })
        })
    });
    group.finish();
}

criterion_group!(benches, sha3_256, shake128, shake128_four_outputs);
criterion_main!(benches);
