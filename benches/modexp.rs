//! Modular exponentiation at 1024, 2048 and 4096 bits, Padlock beside
//! `num-bigint`'s `modpow`, measured in the same run.
//!
//! `cargo bench --bench modexp`. Each group is one size: a random odd
//! modulus of full width, a random base below it and a random exponent of
//! full width (a secret exponent, as in RSA's CRT halves and DH). Padlock's
//! constant-time `pow` runs once per backend this CPU has (`portable`,
//! `adx`); `pow_vartime` with e = 65537 is the public-key side (RSA
//! verification and encryption). `num-bigint` is variable time and is the
//! baseline, not a peer Padlock could use on secrets.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use num_bigint::BigUint;
use padlock_benches::input;
use padlock_bigint::{Backend, Modulus, Uint};
use std::hint::black_box;

/// The operand sizes in bits: RSA-2048's CRT halves, RSA-2048 and DH-2048,
/// RSA-4096.
const BITS: [usize; 3] = [1024, 2048, 4096];

/// A deterministic number of exactly `bits` bits, odd if asked.
fn number(bits: usize, salt: usize, odd: bool) -> Vec<u8> {
    let mut bytes: Vec<u8> = input(bits / 8 + salt).split_off(salt);
    // Scramble the arithmetic progression `input` gives.
    for (i, b) in bytes.iter_mut().enumerate() {
        *b ^= (i * i * 17 + salt * 29) as u8;
    }
    bytes[0] |= 0x80;
    if odd {
        *bytes.last_mut().expect("not empty") |= 1;
    }
    bytes
}

fn modexp(c: &mut Criterion) {
    for bits in BITS {
        let mut group = c.benchmark_group(format!("modexp-{bits}"));
        if bits == 4096 {
            group.sample_size(10);
        }
        let m_bytes = number(bits, 1, true);
        let e_bytes = number(bits, 2, false);
        let m_big = BigUint::from_bytes_be(&m_bytes);
        let base_big = BigUint::from_bytes_be(&number(bits, 3, false)) % &m_big;
        let e_big = BigUint::from_bytes_be(&e_bytes);
        let m = Uint::from_be_bytes(&m_bytes);
        let base = Uint::from_be_bytes_padded(&base_big.to_bytes_be(), m.limb_len()).expect("below m");
        let exp = Uint::from_be_bytes(&e_bytes);
        let expected = base_big.modpow(&e_big, &m_big).to_bytes_be();

        for backend in Backend::available() {
            let modulus = Modulus::with_backend(&m, backend).expect("backend is available");
            let check = modulus.pow(&base, &exp).to_be_bytes(expected.len()).expect("fits");
            assert_eq!(check, expected, "{} disagrees with num-bigint", backend.name());
            group.bench_function(BenchmarkId::new(format!("padlock-{}", backend.name()), bits), |b| {
                b.iter(|| modulus.pow(black_box(&base), black_box(&exp)))
            });
        }
        group.bench_function(BenchmarkId::new("num-bigint", bits), |b| {
            b.iter(|| black_box(&base_big).modpow(black_box(&e_big), &m_big))
        });

        let e65537 = [1u8, 0, 1];
        let modulus = Modulus::new(&m).expect("odd modulus");
        group.bench_function(BenchmarkId::new("padlock-vartime-e65537", bits), |b| {
            b.iter(|| modulus.pow_vartime(black_box(&base), &e65537))
        });
        let e_small = BigUint::from(65537u32);
        group.bench_function(BenchmarkId::new("num-bigint-e65537", bits), |b| {
            b.iter(|| black_box(&base_big).modpow(&e_small, &m_big))
        });
        group.finish();
    }
}

criterion_group!(benches, modexp);
criterion_main!(benches);
