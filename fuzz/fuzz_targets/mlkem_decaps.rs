//! ML-KEM decapsulation of arbitrary ciphertexts, for all three parameter
//! sets: parsing refuses exactly the wrong lengths, decapsulation never
//! panics and is deterministic, and only the one valid ciphertext among the
//! fuzzer's bytes gives the encapsulated secret (the others are implicitly
//! rejected to a different key).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_mlkem::{Ciphertext, DecapsulationKey, MlKem512, MlKem768, MlKem1024, ParameterSet};

#[derive(Arbitrary, Debug)]
struct Input {
    /// Which parameter set (modulo 3).
    set: u8,
    /// The seeds of the key pair and of one encapsulation.
    d: [u8; 32],
    z: [u8; 32],
    m: [u8; 32],
    /// The ciphertext to decapsulate: any length, any bytes.
    ciphertext: Vec<u8>,
}

fn check<P: ParameterSet>(input: &Input) {
    let (dk, ek) = DecapsulationKey::<P>::from_seed(&input.d, &input.z);
    let parsed = Ciphertext::<P>::from_bytes(&input.ciphertext);
    assert_eq!(parsed.is_ok(), input.ciphertext.len() == P::CIPHERTEXT_LEN);
    let Ok(ct) = parsed else { return };

    let first = dk.decapsulate(&ct);
    let second = dk.decapsulate(&ct);
    assert_eq!(first.as_bytes(), second.as_bytes(), "decapsulation is deterministic");

    let (valid, secret) = ek.encapsulate_deterministic(&input.m);
    assert_eq!(dk.decapsulate(&valid).as_bytes(), secret.as_bytes());
    if ct.as_bytes() != valid.as_bytes() {
        assert_ne!(first.as_bytes(), secret.as_bytes(), "another ciphertext is implicitly rejected");
    }
}

fuzz_target!(|input: Input| {
    match input.set % 3 {
        0 => check::<MlKem512>(&input),
        1 => check::<MlKem768>(&input),
        _ => check::<MlKem1024>(&input),
    }
});
