//! Property and negative tests: key generation, encapsulation and
//! decapsulation agree on random seeds; the input checks of FIPS 203 §7.2 and
//! §7.3 accept exactly what they should; wrong lengths are refused with the
//! length FIPS 203 Table 3 requires.

use padlock_mlkem::{
    Ciphertext, DecapsulationKey, EncapsulationKey, Error, MlKem512, MlKem768, MlKem1024, ParameterSet,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// What the modulus check of §7.2 must decide, computed independently: every
/// 12-bit little-endian value of the first 384·k bytes is below q = 3329.
fn all_coefficients_below_q(ek: &[u8], k: usize) -> bool {
    ek[..384 * k].chunks_exact(3).all(|b| {
        let (b0, b1, b2) = (u16::from(b[0]), u16::from(b[1]), u16::from(b[2]));
        (b0 | (b1 & 0x0f) << 8) < 3329 && (b1 >> 4 | b2 << 4) < 3329
    })
}

/// A key pair from a seeded RNG, an encapsulation, and a decapsulation.
fn round_trip<P: ParameterSet>(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (dk, ek) = DecapsulationKey::<P>::generate(&mut rng);
    assert_eq!(ek.as_bytes().len(), P::ENCAPSULATION_KEY_LEN);
    assert_eq!(dk.as_bytes().len(), P::DECAPSULATION_KEY_LEN);
    // The keys survive their encodings and the §7 checks.
    let ek = EncapsulationKey::<P>::from_bytes(ek.as_bytes()).expect("a generated ek passes §7.2");
    let dk = DecapsulationKey::<P>::from_bytes(dk.as_bytes()).expect("a generated dk passes §7.3");
    assert_eq!(dk.encapsulation_key(), ek);

    let (ct, secret) = ek.encapsulate(&mut rng);
    assert_eq!(ct.as_bytes().len(), P::CIPHERTEXT_LEN);
    let ct = Ciphertext::<P>::from_bytes(ct.as_bytes()).expect("right length");
    assert_eq!(dk.decapsulate(&ct).as_bytes(), secret.as_bytes());
    // Decapsulation is deterministic.
    assert_eq!(dk.decapsulate(&ct).as_bytes(), dk.decapsulate(&ct).as_bytes());
}

/// Wrong lengths are refused by every parser, with the required length.
fn wrong_lengths<P: ParameterSet>() {
    for (len, expected) in [
        (P::ENCAPSULATION_KEY_LEN - 1, P::ENCAPSULATION_KEY_LEN),
        (P::ENCAPSULATION_KEY_LEN + 1, P::ENCAPSULATION_KEY_LEN),
        (0, P::ENCAPSULATION_KEY_LEN),
    ] {
        let got = EncapsulationKey::<P>::from_bytes(&vec![0; len]).err();
        assert_eq!(got, Some(Error::WrongLength { expected, got: len }), "{} ek of {len} bytes", P::NAME);
    }
    for len in [P::DECAPSULATION_KEY_LEN - 1, P::DECAPSULATION_KEY_LEN + 32] {
        let got = DecapsulationKey::<P>::from_bytes(&vec![0; len]).err();
        let expected = P::DECAPSULATION_KEY_LEN;
        assert_eq!(got, Some(Error::WrongLength { expected, got: len }), "{} dk of {len} bytes", P::NAME);
    }
    for len in [P::CIPHERTEXT_LEN - 1, P::CIPHERTEXT_LEN + 1, 1] {
        let got = Ciphertext::<P>::from_bytes(&vec![0; len]).err();
        let expected = P::CIPHERTEXT_LEN;
        assert_eq!(got, Some(Error::WrongLength { expected, got: len }), "{} ct of {len} bytes", P::NAME);
    }
}

/// §7.2: an encapsulation key with one coefficient set to q (or 4095) fails
/// the modulus check; the same key with q - 1 passes.
fn modulus_check<P: ParameterSet>(seed: u64, position: usize) {
    let (_, ek) = DecapsulationKey::<P>::from_seed(&[seed as u8; 32], &[7; 32]);
    let coefficient = position % (256 * P::K);
    let set = |value: u16| {
        let mut bytes = ek.as_bytes().to_vec();
        let at = coefficient / 2 * 3;
        if coefficient.is_multiple_of(2) {
            bytes[at] = value as u8;
            bytes[at + 1] = (bytes[at + 1] & 0xf0) | (value >> 8) as u8;
        } else {
            bytes[at + 1] = (bytes[at + 1] & 0x0f) | ((value & 0x0f) << 4) as u8;
            bytes[at + 2] = (value >> 4) as u8;
        }
        bytes
    };
    for bad in [3329, 3330, 4095] {
        assert_eq!(EncapsulationKey::<P>::from_bytes(&set(bad)).err(), Some(Error::ModulusCheck), "{bad}");
    }
    assert!(EncapsulationKey::<P>::from_bytes(&set(3328)).is_ok());
}

/// §7.3: changing a byte of the ek or the H(ek) stored in dk fails the hash
/// check; the check does not cover dk_PKE and z, so changes there pass it.
fn hash_check<P: ParameterSet>(seed: u64, position: usize, flip: u8) {
    let (dk, _) = DecapsulationKey::<P>::from_seed(&[seed as u8; 32], &[9; 32]);
    let k = P::K;
    let checked = 384 * k..768 * k + 64; // ek and H(ek)
    let mut bytes = dk.as_bytes().to_vec();
    let at = position % bytes.len();
    bytes[at] ^= flip.max(1);
    let result = DecapsulationKey::<P>::from_bytes(&bytes);
    if checked.contains(&at) {
        assert_eq!(result.err(), Some(Error::HashCheck), "byte {at}");
    } else {
        assert!(result.is_ok(), "byte {at} is outside ek and H(ek)");
    }
}

#[test]
fn wrong_lengths_are_refused() {
    wrong_lengths::<MlKem512>();
    wrong_lengths::<MlKem768>();
    wrong_lengths::<MlKem1024>();
}

#[test]
fn errors_explain_themselves() {
    let wrong = Error::WrongLength { expected: 1184, got: 1183 };
    assert_eq!(wrong.to_string(), "wrong length: expected 1184 bytes, got 1183");
    assert!(Error::ModulusCheck.to_string().contains("modulus check"));
    assert!(Error::HashCheck.to_string().contains("hash check"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn generate_encapsulate_decapsulate(seed: u64) {
        round_trip::<MlKem512>(seed);
        round_trip::<MlKem768>(seed);
        round_trip::<MlKem1024>(seed);
    }

    #[test]
    fn modulus_check_refuses_coefficients_of_q_or_more(seed: u64, position: usize) {
        modulus_check::<MlKem512>(seed, position);
        modulus_check::<MlKem768>(seed, position);
        modulus_check::<MlKem1024>(seed, position);
    }

    /// On arbitrary bytes, the modulus check agrees with its definition.
    #[test]
    fn modulus_check_on_random_keys(bytes in proptest::collection::vec(any::<u8>(), 1184), low in 0u8..16) {
        // Mostly (low > 3), clear the top bit of every 12-bit value, so that
        // valid keys (all values below 2048 < q) are as common as invalid ones.
        let bytes: Vec<u8> = bytes
            .iter()
            .enumerate()
            .map(|(i, &b)| match i % 3 {
                1 if low > 3 => b & 0xf7,
                2 if low > 3 => b & 0x7f,
                _ => b,
            })
            .collect();
        let parsed = EncapsulationKey::<MlKem768>::from_bytes(&bytes);
        prop_assert_eq!(parsed.is_ok(), all_coefficients_below_q(&bytes, 3));
        if let Ok(ek) = parsed {
            prop_assert_eq!(ek.as_bytes(), &bytes[..]);
        }
    }

    #[test]
    fn hash_check_covers_ek_and_its_hash(seed: u64, position: usize, flip: u8) {
        hash_check::<MlKem512>(seed, position, flip);
        hash_check::<MlKem768>(seed, position, flip);
        hash_check::<MlKem1024>(seed, position, flip);
    }
}
