//! ML-KEM encapsulation-key decoding on arbitrary bytes, for all three
//! parameter sets: never a panic; the modulus check of FIPS 203 §7.2 accepts
//! exactly the keys whose every 12-bit value is below q (checked here
//! independently); an accepted key encodes back to exactly its bytes, and
//! encapsulating to it works.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_mlkem::{EncapsulationKey, Error, MlKem512, MlKem768, MlKem1024, ParameterSet};

#[derive(Arbitrary, Debug)]
struct Input {
    set: u8,
    /// Clear the top bit of every 12-bit value first, so that valid keys are
    /// found too.
    mostly_valid: bool,
    bytes: Vec<u8>,
    m: [u8; 32],
}

fn check<P: ParameterSet>(input: &Input) {
    let mut bytes = input.bytes.clone();
    if input.mostly_valid {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b &= [0xff, 0xf7, 0x7f][i % 3];
        }
    }
    match EncapsulationKey::<P>::from_bytes(&bytes) {
        Ok(ek) => {
            assert!(below_q(&bytes, P::K), "a key with a value >= q passed");
            assert_eq!(ek.as_bytes(), &bytes[..], "decode then encode is the identity");
            let (ct, _) = ek.encapsulate_deterministic(&input.m);
            assert_eq!(ct.as_bytes().len(), P::CIPHERTEXT_LEN);
        }
        Err(Error::WrongLength { expected, got }) => {
            assert_eq!((expected, got), (P::ENCAPSULATION_KEY_LEN, bytes.len()));
        }
        Err(Error::ModulusCheck) => {
            assert_eq!(bytes.len(), P::ENCAPSULATION_KEY_LEN);
            assert!(!below_q(&bytes, P::K), "a valid key was refused");
        }
        Err(other) => panic!("unexpected error {other}"),
    }
}

/// Every 12-bit little-endian value of t̂ (the first 384·k bytes) is below q.
fn below_q(bytes: &[u8], k: usize) -> bool {
    bytes[..384 * k].chunks_exact(3).all(|b| {
        let (b0, b1, b2) = (u16::from(b[0]), u16::from(b[1]), u16::from(b[2]));
        (b0 | (b1 & 0x0f) << 8) < 3329 && (b1 >> 4 | b2 << 4) < 3329
    })
}

fuzz_target!(|input: Input| {
    match input.set % 3 {
        0 => check::<MlKem512>(&input),
        1 => check::<MlKem768>(&input),
        _ => check::<MlKem1024>(&input),
    }
});
