//! Groups a peer names (TLS 1.2 ServerKeyExchange): `checked_safe_prime`
//! returns our named groups for their primes, accepts another safe prime
//! after checking it, and refuses primes that are not safe, small primes
//! and bad generators.

use padlock_bigint::random_prime;
use padlock_dh::ffdh::{PrivateKey, PublicKey};
use padlock_dh::groups::{self, GroupError, checked_safe_prime};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[test]
fn named_groups_are_recognised_by_their_prime() {
    let mut rng = StdRng::seed_from_u64(1);
    for group in groups::ALL {
        let mut padded = vec![0u8];
        padded.extend_from_slice(group.p);
        assert_eq!(checked_safe_prime(&padded, group.g, &mut rng), Ok(group));
    }
}

#[test]
fn refuses_what_is_not_a_safe_prime_group() {
    let mut rng = StdRng::seed_from_u64(2);
    // A 2048-bit prime p with (p - 1) / 2 composite (overwhelmingly likely for a random prime;
    // checked below with the same test the function uses).
    let p = random_prime(2048, &mut rng, |_| true).expect("prime");
    assert!(!padlock_bigint::is_probable_prime(&p.shr(1), &mut rng), "a lucky safe prime: pick another seed");
    let bytes = p.to_be_bytes(256).expect("2048 bits");
    assert_eq!(checked_safe_prime(&bytes, 2, &mut rng), Err(GroupError::NotSafePrime));
    // Too small: the 1024-bit prefix of ffdhe2048 is not even checked.
    assert_eq!(checked_safe_prime(&groups::FFDHE2048.p[..128], 2, &mut rng), Err(GroupError::Size(1024)));
    // A safe prime with generator 1 (outside 2 ..= p - 2): not the named
    // group, so checked, and refused.
    assert_eq!(checked_safe_prime(groups::FFDHE3072.p, 1, &mut rng), Err(GroupError::BadGenerator));
}

#[test]
fn another_safe_prime_is_checked_then_usable() {
    let mut rng = StdRng::seed_from_u64(3);
    // ffdhe3072's prime with generator 5: a group that is not one of ours
    // by (p, g), made of a known safe prime.
    let group = checked_safe_prime(groups::FFDHE3072.p, 5, &mut rng).expect("a safe prime");
    assert_eq!(group.name, "safe-prime-3072");
    assert_eq!((group.g, group.tls_id), (5, None));
    // Asking again returns the remembered group.
    assert_eq!(checked_safe_prime(groups::FFDHE3072.p, 5, &mut rng), Ok(group));
    // And Diffie-Hellman works in it: both sides agree.
    let alice = PrivateKey::generate(&group, &mut rng).expect("key");
    let bob = PrivateKey::generate(&group, &mut rng).expect("key");
    let (a_pub, b_pub) = (alice.public_key(), bob.public_key());
    let b_seen = PublicKey::from_bytes(&group, b_pub.as_bytes()).expect("public");
    let a_seen = PublicKey::from_bytes(&group, a_pub.as_bytes()).expect("public");
    let z1 = alice.agree(&b_seen).expect("agree");
    let z2 = bob.agree(&a_seen).expect("agree");
    assert_eq!(z1.tls13_bytes(), z2.tls13_bytes());
}
