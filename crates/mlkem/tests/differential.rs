//! Differential tests against RustCrypto's `ml-kem` crate (a test oracle
//! only, DESIGN.md): on random seeds d, z and messages m, both must produce
//! the same keys, ciphertexts and shared secrets, and the same implicit
//! rejection key for a tampered ciphertext, for all three parameter sets.

#![allow(deprecated, reason = "the oracle calls the expanded key form deprecated; FIPS 203 defines it")]

use ml_kem::{Decapsulate, ExpandedKeyEncoding, KeyExport};
use proptest::prelude::*;

/// Runs one case for a parameter set: ours is `padlock_mlkem::$ours`, the
/// oracle's is `ml_kem::$theirs`.
macro_rules! differential {
    ($name:ident, $ours:ty, $theirs:ty) => {
        fn $name(d: [u8; 32], z: [u8; 32], m: [u8; 32], flip_at: usize, flip: u8) {
            use padlock_mlkem::{Ciphertext, DecapsulationKey};
            let (dk, ek) = DecapsulationKey::<$ours>::from_seed(&d, &z);
            let mut seed = [0u8; 64];
            seed[..32].copy_from_slice(&d);
            seed[32..].copy_from_slice(&z);
            let their_dk = ml_kem::DecapsulationKey::<$theirs>::from_seed(seed.into());
            let their_ek = their_dk.encapsulation_key().clone();
            assert_eq!(ek.as_bytes(), their_ek.to_bytes().as_slice(), "encapsulation key");
            assert_eq!(dk.as_bytes(), their_dk.to_expanded_bytes().as_slice(), "decapsulation key");

            let (ct, secret) = ek.encapsulate_deterministic(&m);
            let (their_ct, their_secret) = their_ek.encapsulate_deterministic(&m.into());
            assert_eq!(ct.as_bytes(), their_ct.as_slice(), "ciphertext");
            assert_eq!(secret.as_bytes(), their_secret.as_slice(), "shared secret");
            assert_eq!(dk.decapsulate(&ct).as_bytes(), secret.as_bytes(), "decapsulation");

            // A tampered ciphertext: both reject implicitly, to the same K̄.
            let mut bad = ct.as_bytes().to_vec();
            let at = flip_at % bad.len();
            bad[at] ^= flip.max(1);
            let ours = dk.decapsulate(&Ciphertext::<$ours>::from_bytes(&bad).expect("same length"));
            let their_bad = bad.as_slice().try_into().expect("same length");
            let theirs = their_dk.decapsulate(&their_bad);
            assert_eq!(ours.as_bytes(), theirs.as_slice(), "implicit rejection");
            assert_ne!(ours.as_bytes(), secret.as_bytes(), "a tampered ciphertext is rejected");
        }
    };
}

differential!(check_512, padlock_mlkem::MlKem512, ml_kem::MlKem512);
differential!(check_768, padlock_mlkem::MlKem768, ml_kem::MlKem768);
differential!(check_1024, padlock_mlkem::MlKem1024, ml_kem::MlKem1024);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ml_kem_768_equals_oracle(d: [u8; 32], z: [u8; 32], m: [u8; 32], flip_at: usize, flip: u8) {
        check_768(d, z, m, flip_at, flip);
    }

    #[test]
    fn ml_kem_512_equals_oracle(d: [u8; 32], z: [u8; 32], m: [u8; 32], flip_at: usize, flip: u8) {
        check_512(d, z, m, flip_at, flip);
    }

    #[test]
    fn ml_kem_1024_equals_oracle(d: [u8; 32], z: [u8; 32], m: [u8; 32], flip_at: usize, flip: u8) {
        check_1024(d, z, m, flip_at, flip);
    }
}
