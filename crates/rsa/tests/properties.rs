//! RSA round trips and refusals on generated keys: every scheme encrypts
//! and decrypts or signs and verifies, tampering is refused, the TLS
//! premaster countermeasure returns the right 48 bytes or random ones.

use padlock_rsa::{KeygenProgress, RsaPrivateKey};
use padlock_sha::{Sha1, Sha256, Sha384, Sha512};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::sync::OnceLock;

/// One 1024-bit key for the whole file: this test needs speed, so it uses the
/// smallest size key generation allows (FIPS 186-5 sizes start at 2048).
fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::generate(1024, &mut StdRng::seed_from_u64(2026), &mut |_| {}).expect("keygen")
    })
}

#[test]
fn generated_keys_meet_fips_186_5() {
    let mut events = Vec::new();
    let key = RsaPrivateKey::generate(2048, &mut StdRng::seed_from_u64(1), &mut |e| events.push(e))
        .expect("keygen");
    assert_eq!(key.public_key().bits(), 2048);
    assert_eq!(key.public_key().e(), 65537);
    assert!(events.contains(&KeygenProgress::FoundP) && events.contains(&KeygenProgress::FoundQ));
    assert!(events.iter().filter(|&&e| e == KeygenProgress::Candidate).count() >= 2);
    let [p, q, ..] = key.crt_bytes();
    let (p, q) = (num_bigint::BigUint::from_bytes_be(&p), num_bigint::BigUint::from_bytes_be(&q));
    assert_eq!(p.bits(), 1024);
    assert_eq!(q.bits(), 1024);
    assert!(p != q);
    assert!(RsaPrivateKey::generate(1000, &mut StdRng::seed_from_u64(1), &mut |_| {}).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn encryption_round_trips(message in proptest::collection::vec(any::<u8>(), 0..62), seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        let public = key().public_key();
        let c = public.encrypt_pkcs1v15(&message, &mut rng).expect("fits");
        prop_assert_eq!(c.len(), 128);
        prop_assert_eq!(&key().decrypt_pkcs1v15(&c, &mut rng).expect("decrypts")[..], &message[..]);
        let c = public.encrypt_oaep::<Sha256, _>(&message, b"label", &mut rng).expect("fits");
        let decrypted = key().decrypt_oaep::<Sha256, _>(&c, b"label", &mut rng).expect("decrypts");
        prop_assert_eq!(&decrypted[..], &message[..]);
        prop_assert!(key().decrypt_oaep::<Sha256, _>(&c, b"other", &mut rng).is_err());
        let mut flipped = c.clone();
        flipped[64] ^= 1;
        prop_assert!(key().decrypt_oaep::<Sha256, _>(&flipped, b"label", &mut rng).is_err());
    }

    #[test]
    fn signatures_verify_and_tampering_is_refused(message in proptest::collection::vec(any::<u8>(), 0..200), at in 0usize..128) {
        let mut rng = StdRng::seed_from_u64(at as u64);
        let public = key().public_key();
        let s = key().sign_pkcs1v15::<Sha384, _>(&message, &mut rng).expect("signs");
        prop_assert!(public.verify_pkcs1v15::<Sha384>(&message, &s).is_ok());
        prop_assert!(public.verify_pkcs1v15::<Sha512>(&message, &s).is_err());
        let mut bad = s.clone();
        bad[at] ^= 0x80;
        prop_assert!(public.verify_pkcs1v15::<Sha384>(&message, &bad).is_err());
        let s = key().sign_pss::<Sha256, _>(&message, &mut rng).expect("signs");
        prop_assert!(public.verify_pss::<Sha256>(&message, &s).is_ok());
        let mut bad = s.clone();
        bad[at] ^= 0x80;
        prop_assert!(public.verify_pss::<Sha256>(&message, &bad).is_err());
        let mut other = message.clone();
        other.push(0);
        prop_assert!(public.verify_pss::<Sha256>(&other, &s).is_err());
    }
}

#[test]
fn tls_premaster_countermeasure_end_to_end() {
    let mut rng = StdRng::seed_from_u64(9);
    let public = key().public_key();
    let mut premaster = [0x5au8; 48];
    premaster[..2].copy_from_slice(&[0x03, 0x03]);
    let c = public.encrypt_pkcs1v15(&premaster, &mut rng).expect("fits");
    assert_eq!(*key().decrypt_tls_premaster(&c, [3, 3], &mut rng), premaster);
    // Wrong version, wrong length, garbage, wrong size: 48 random bytes, different each time.
    let wrong_version = key().decrypt_tls_premaster(&c, [3, 1], &mut rng);
    assert_ne!(*wrong_version, premaster);
    let short = public.encrypt_pkcs1v15(&premaster[..47], &mut rng).expect("fits");
    let a = key().decrypt_tls_premaster(&short, [3, 3], &mut rng);
    let b = key().decrypt_tls_premaster(&short, [3, 3], &mut rng);
    assert_ne!(a, b);
    assert_ne!(*key().decrypt_tls_premaster(&[0x11; 128], [3, 3], &mut rng), premaster);
    assert_ne!(*key().decrypt_tls_premaster(&[0x11; 100], [3, 3], &mut rng), premaster);
}

/// Issue 14, defect 9: every secret the key hands out — a decrypted
/// message, a TLS premaster secret, the private numbers — comes in a buffer
/// that wipes itself when dropped (`ZeroizeOnDrop`), not a plain `Vec`.
#[test]
fn secrets_handed_out_are_wiped_on_drop() {
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>(_: &T) {}
    let mut rng = StdRng::seed_from_u64(14);
    let public = key().public_key();
    let c = public.encrypt_pkcs1v15(&[3, 3, 1, 2], &mut rng).expect("fits");
    wiped_on_drop(&key().decrypt_pkcs1v15(&c, &mut rng).expect("decrypts"));
    wiped_on_drop(&key().decrypt_tls_premaster(&c, [3, 3], &mut rng));
    let c = public.encrypt_oaep::<Sha256, _>(b"secret", b"", &mut rng).expect("fits");
    wiped_on_drop(&key().decrypt_oaep::<Sha256, _>(&c, b"", &mut rng).expect("decrypts"));
    wiped_on_drop(&key().d_bytes());
    wiped_on_drop(&key().crt_bytes());
    wiped_on_drop(&key().to_pkcs1_der());
    wiped_on_drop(&key().to_pkcs8_pem());
}

#[test]
fn out_of_range_inputs_are_errors() {
    let mut rng = StdRng::seed_from_u64(3);
    let public = key().public_key();
    assert!(public.verify_pkcs1v15::<Sha1>(b"m", &[0xff; 128]).is_err()); // above n
    assert!(public.verify_pkcs1v15::<Sha1>(b"m", &[0x01; 127]).is_err()); // short
    assert!(key().decrypt_pkcs1v15(&[0xff; 128], &mut rng).is_err());
    assert!(key().decrypt_pkcs1v15(&[], &mut rng).is_err());
    assert!(public.encrypt_pkcs1v15(&[0; 118], &mut rng).is_err());
    assert!(public.encrypt_oaep::<Sha256, _>(&[0; 63], b"", &mut rng).is_err());
}
