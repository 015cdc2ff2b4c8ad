//! ChaCha20-Poly1305 seal and open, Padlock on each backend beside RustCrypto's
//! `chacha20poly1305`, in the same run; and ChaCha20 and Poly1305 alone, to
//! see where the time goes.
//!
//! `cargo bench --bench chacha`. RustCrypto picks its AVX2 code at run time;
//! to put Padlock's portable backend beside RustCrypto's software code, run
//! again with `RUSTFLAGS='--cfg chacha20_backend="soft" --cfg poly1305_backend="soft"'`
//! (a separate build: better with its own `CARGO_TARGET_DIR`). OpenSSL is
//! measured in the same sitting with
//! `openssl speed -evp chacha20-poly1305 -bytes 16384` (see docs/performance.md).
//!
//! Time here is the benchmark thread's CPU time, not wall-clock time: the
//! machines this runs on are shared, and CPU time is what `openssl speed`
//! reports by default too, so the two stay comparable under load.

use chacha20poly1305::KeyInit;
use chacha20poly1305::aead::AeadInOut;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use padlock_benches::{ThreadCpuTime, input};
use padlock_chacha::{Aead, Backend, ChaCha20, ChaCha20Poly1305, Poly1305};
use std::hint::black_box;

const KEY: [u8; 32] = [0x2b; 32];
const NONCE: [u8; 12] = [0x07; 12];
/// A TLS 1.2 record's additional data is 13 bytes.
const AAD: &[u8; 13] = b"record header";
/// The record sizes that matter to TLS: a small record and a full one.
const SIZES: [usize; 2] = [1024, 16 * 1024];

fn aead(c: &mut Criterion<ThreadCpuTime>) {
    let mut group = c.benchmark_group("chacha20-poly1305");
    for len in SIZES {
        group.throughput(Throughput::Bytes(len as u64));
        let mut data = input(len);
        for backend in Backend::available() {
            let aead = ChaCha20Poly1305::with_backend(&KEY, backend).expect("available");
            group.bench_function(BenchmarkId::new(format!("padlock-{}-seal", backend.name()), len), |b| {
                b.iter(|| aead.seal_in_place(&NONCE, AAD, black_box(&mut data)).expect("sealable"))
            });
            let mut sealed = input(len);
            let tag = aead.seal_in_place(&NONCE, AAD, &mut sealed).expect("sealable");
            group.bench_function(BenchmarkId::new(format!("padlock-{}-open", backend.name()), len), |b| {
                // The copy of the sealed record is made outside the timed part.
                b.iter_batched_ref(
                    || sealed.clone(),
                    |buffer| aead.open_in_place(&NONCE, AAD, black_box(buffer), tag.as_ref()).expect("opens"),
                    BatchSize::SmallInput,
                )
            });
        }
        let peer = chacha20poly1305::ChaCha20Poly1305::new(&KEY.into());
        group.bench_function(BenchmarkId::new("rustcrypto-seal", len), |b| {
            b.iter(|| {
                peer.encrypt_inout_detached(&NONCE.into(), AAD, black_box(&mut data[..]).into()).expect("ok")
            })
        });
        let mut sealed = input(len);
        let tag = peer.encrypt_inout_detached(&NONCE.into(), AAD, sealed.as_mut_slice().into()).expect("ok");
        group.bench_function(BenchmarkId::new("rustcrypto-open", len), |b| {
            b.iter_batched_ref(
                || sealed.clone(),
                |buffer| {
                    peer.decrypt_inout_detached(&NONCE.into(), AAD, black_box(&mut buffer[..]).into(), &tag)
                        .expect("opens")
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// The two halves alone, 16 KiB, per backend: where a seal's time goes.
fn parts(c: &mut Criterion<ThreadCpuTime>) {
    let len = 16 * 1024;
    let mut group = c.benchmark_group("chacha20-poly1305-parts");
    group.throughput(Throughput::Bytes(len as u64));
    let mut data = input(len);
    for backend in Backend::available() {
        group.bench_function(BenchmarkId::new(format!("chacha20-{}", backend.name()), len), |b| {
            b.iter(|| {
                let mut cipher = ChaCha20::with_backend(&KEY, &NONCE, 1, backend).expect("available");
                cipher.apply_keystream(black_box(&mut data)).expect("fits")
            })
        });
        group.bench_function(BenchmarkId::new(format!("poly1305-{}", backend.name()), len), |b| {
            b.iter(|| {
                let mut mac = Poly1305::with_backend(&KEY, backend).expect("available");
                mac.update(black_box(&data));
                mac.finalize()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = aead, parts
}
criterion_main!(benches);
