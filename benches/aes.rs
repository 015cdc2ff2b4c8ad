//! AES block encryption, CTR, CBC and GCM, Padlock on each backend beside
//! RustCrypto's `aes`, `ctr`, `cbc` and `aes-gcm` (and GCM sealing beside *ring*), in the same run.
//!
//! `cargo bench --bench aes`. To set the bitsliced backend beside RustCrypto's
//! software code, run with
//! `RUSTFLAGS='--cfg aes_backend="soft" --cfg polyval_backend="soft"'`
//! (see docs/performance.md).

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes128Gcm, KeyInit};
use cipher::{BlockCipherEncrypt, KeyIvInit, StreamCipher};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use padlock_aes::{Aead, Aes, AesGcm, Backend, cbc, ctr};
use padlock_benches::{input, throughput};
use std::hint::black_box;

const KEY: [u8; 16] = [0x2b; 16];
const IV: [u8; 16] = [0x1f; 16];
const NONCE: [u8; 12] = [0x07; 12];
/// The record sizes that matter to TLS: a small record and a full one.
const SIZES: [usize; 2] = [1024, 16 * 1024];

/// Padlock's backends worth timing: the constant-time ones (not `reference`).
fn backends() -> impl Iterator<Item = Backend> {
    Backend::available().filter(|&b| b != Backend::Reference)
}

fn blocks(c: &mut Criterion) {
    let mut group = c.benchmark_group("aes128-encrypt-8-blocks");
    throughput(&mut group, 128);
    for backend in backends() {
        let aes = Aes::with_backend(&KEY, backend).expect("available");
        let mut data = [[0u8; 16]; 8];
        group.bench_function(BenchmarkId::new(format!("padlock-{}", backend.name()), 128), |b| {
            b.iter(|| aes.encrypt_blocks(black_box(&mut data)))
        });
    }
    let peer = aes::Aes128::new(&KEY.into());
    let mut data = [aes::Block::default(); 8];
    group.bench_function(BenchmarkId::new("aes", 128), |b| {
        b.iter(|| peer.encrypt_blocks(black_box(&mut data)))
    });
    group.finish();
}

fn ctr_mode(c: &mut Criterion) {
    let mut group = c.benchmark_group("aes128-ctr");
    for len in SIZES {
        throughput(&mut group, len);
        let mut data = input(len);
        for backend in backends() {
            let aes = Aes::with_backend(&KEY, backend).expect("available");
            group.bench_function(BenchmarkId::new(format!("padlock-{}", backend.name()), len), |b| {
                b.iter(|| ctr::apply_keystream(&aes, &IV, black_box(&mut data)))
            });
        }
        group.bench_function(BenchmarkId::new("ctr", len), |b| {
            b.iter(|| {
                let mut cipher = ::ctr::Ctr128BE::<aes::Aes128>::new(&KEY.into(), &IV.into());
                cipher.apply_keystream(black_box(&mut data))
            })
        });
    }
    group.finish();
}

fn cbc_mode(c: &mut Criterion) {
    use cipher::BlockModeEncrypt;
    let mut group = c.benchmark_group("aes128-cbc-encrypt");
    for len in SIZES {
        throughput(&mut group, len);
        let mut data = input(len);
        for backend in backends() {
            let aes = Aes::with_backend(&KEY, backend).expect("available");
            group.bench_function(BenchmarkId::new(format!("padlock-{}", backend.name()), len), |b| {
                b.iter(|| cbc::encrypt_blocks(&aes, &IV, black_box(&mut data)).expect("whole blocks"))
            });
        }
        group.bench_function(BenchmarkId::new("cbc", len), |b| {
            b.iter(|| {
                let mut mode = ::cbc::Encryptor::<aes::Aes128>::new(&KEY.into(), &IV.into());
                let (blocks, _) = cipher::array::Array::slice_as_chunks_mut(black_box(&mut data));
                mode.encrypt_blocks(blocks)
            })
        });
    }
    group.finish();
}

fn gcm(c: &mut Criterion) {
    let mut group = c.benchmark_group("aes128-gcm");
    for len in SIZES {
        throughput(&mut group, len);
        let mut data = input(len);
        for backend in backends() {
            let gcm = AesGcm::with_backend(&KEY, backend).expect("available");
            group.bench_function(BenchmarkId::new(format!("padlock-{}-seal", backend.name()), len), |b| {
                b.iter(|| gcm.seal_in_place(&NONCE, b"header", black_box(&mut data)).expect("sealable"))
            });
            let mut sealed = input(len);
            let tag = gcm.seal_in_place(&NONCE, b"header", &mut sealed).expect("sealable");
            group.bench_function(BenchmarkId::new(format!("padlock-{}-open", backend.name()), len), |b| {
                // The copy of the sealed record is made outside the timed part.
                b.iter_batched_ref(
                    || sealed.clone(),
                    |buffer| {
                        gcm.open_in_place(&NONCE, b"header", black_box(buffer), tag.as_ref()).expect("opens")
                    },
                    BatchSize::SmallInput,
                )
            });
        }
        // ring: the AES-GCM under rustls in benches/handshake.rs (BoringSSL's assembly).
        let ring_key = ring::aead::LessSafeKey::new(
            ring::aead::UnboundKey::new(&ring::aead::AES_128_GCM, &KEY).expect("16-byte key"),
        );
        group.bench_function(BenchmarkId::new("ring-seal", len), |b| {
            b.iter(|| {
                let nonce = ring::aead::Nonce::assume_unique_for_key(NONCE);
                let aad = ring::aead::Aad::from(b"header");
                ring_key.seal_in_place_separate_tag(nonce, aad, black_box(&mut data[..])).expect("sealable")
            })
        });
        let peer = Aes128Gcm::new(&KEY.into());
        group.bench_function(BenchmarkId::new("aes-gcm-seal", len), |b| {
            b.iter(|| {
                peer.encrypt_inout_detached(&NONCE.into(), b"header", black_box(&mut data[..]).into())
                    .expect("ok")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, blocks, ctr_mode, cbc_mode, gcm);
criterion_main!(benches);
