//! Modular arithmetic, differentially: for a fuzzer-chosen odd modulus of 1
//! to 16 limbs (up to RSA-2048's CRT halves, where the AVX2 and IFMA
//! exponentiation kernels run) and a base, every backend this CPU has
//! (portable, ADX, IFMA, AVX2) gives the portable backend's product,
//! square, power with a secret exponent and power with a public one; and a
//! modulus made by `Modulus::new_public` (R^2 by division) agrees with one
//! made by `Modulus::new`. Digits at the extremes (moduli of all ones,
//! bases of all ones) come from the fuzzer's favourite bytes, 0x00 and 0xff.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_bigint::{Backend, Modulus, Uint};

#[derive(Arbitrary, Debug)]
struct Input {
    /// 1 to 16 limbs.
    limbs: u8,
    modulus: Vec<u8>,
    base: Vec<u8>,
    /// A short secret exponent (a full-width one would take milliseconds per case).
    exponent: [u8; 8],
    public_exponent: Vec<u8>,
}

/// `bytes` as `8 limbs` big-endian bytes: cut or zero-padded at the top.
fn fixed(bytes: &[u8], limbs: usize) -> Vec<u8> {
    let mut out = vec![0u8; 8 * limbs];
    let take = bytes.len().min(out.len());
    out[8 * limbs - take..].copy_from_slice(&bytes[bytes.len() - take..]);
    out
}

fuzz_target!(|input: Input| {
    let limbs = usize::from(input.limbs % 16) + 1;
    let mut m_bytes = fixed(&input.modulus, limbs);
    *m_bytes.last_mut().expect("not empty") |= 1;
    let m = Uint::from_be_bytes_padded(&m_bytes, limbs).expect("fits");
    let Ok(reference) = Modulus::with_backend(&m, Backend::Portable) else {
        return; // m = 1
    };
    let base = reference.reduce(&Uint::from_be_bytes(&input.base));
    let exponent = Uint::from_be_bytes(&input.exponent);
    let public_exponent = &input.public_exponent[..input.public_exponent.len().min(8)];
    let expected = (
        reference.mul(&base, &base),
        reference.pow(&base, &exponent),
        reference.pow_vartime(&base, public_exponent),
    );
    let same = |modulus: &Modulus, what: &str| {
        assert_eq!(modulus.mul(&base, &base).as_limbs(), expected.0.as_limbs(), "square, {what}");
        assert_eq!(modulus.pow(&base, &exponent).as_limbs(), expected.1.as_limbs(), "pow, {what}");
        assert_eq!(
            modulus.pow_vartime(&base, public_exponent).as_limbs(),
            expected.2.as_limbs(),
            "pow_vartime, {what}"
        );
    };
    for backend in Backend::available() {
        same(&Modulus::with_backend(&m, backend).expect("available"), backend.name());
    }
    same(&Modulus::new_public(&m).expect("odd, above 1"), "new_public");
});
