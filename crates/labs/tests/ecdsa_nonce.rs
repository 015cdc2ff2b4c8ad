//! Lab 9: two ServerKeyExchange signatures from a padlock-tls server whose
//! ECDSA key repeats its nonce give the private key; the real signer's
//! RFC 6979 nonces differ, and nothing can be solved.

mod common;

use padlock_ec::{hazmat, p256};
use padlock_labs::ecdsa_nonce::{Collected, P256_N, recover_key};
use padlock_sha::{Hash as _, Sha256};

#[test]
fn the_switched_server_gives_its_key_away() {
    let (outcome, notes) = common::run("ecdsa-nonce", 2, false);
    assert!(outcome.attack_succeeded);
    assert_eq!(common::recovered(&notes), [("the server's private key d".to_string(), true)]);
}

#[test]
fn the_real_server_signs_with_different_nonces() {
    let (outcome, notes) = common::run("ecdsa-nonce", 2, true);
    assert!(!outcome.attack_succeeded);
    assert!(common::recovered(&notes).is_empty());
}

/// The algebra on its own, with nonces the test chooses (padlock-ec's
/// hazmat signer): one k twice gives d; two k give nothing.
#[test]
fn recover_key_solves_exactly_when_k_repeats() {
    let d = Sha256::digest(b"a test key");
    let key = p256::PrivateKey::from_bytes(d.as_ref()).expect("a valid scalar");
    let sign = |message: &[u8], k: &[u8]| {
        let digest = Sha256::digest(message);
        let der = hazmat::sign_prehashed_with_nonce(&key, digest.as_ref(), k).expect("a signature").to_der();
        Collected::new(message, &der).expect("collected")
    };
    let k = [0x11u8; 32];
    let one = sign(b"first", &k);
    let two = sign(b"second", &k);
    let d = recover_key(&one, &two).expect("the same r");
    assert_eq!(d.to_be_bytes(32).expect("32 bytes"), key.to_bytes().as_slice());
    let other = sign(b"second", &[0x22u8; 32]);
    assert!(recover_key(&one, &other).is_none());
    // P-256's n, transcribed, is below 2^256 and odd (it is prime).
    assert_eq!(P256_N[0], 0xff);
    assert_eq!(P256_N[31] & 1, 1);
}
