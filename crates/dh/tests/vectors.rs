//! Known-answer tests of X25519 from RFC 7748 (§5.2 single and iterated
//! vectors, the §6.1 exchange), the low-order public keys that must give the
//! all-zero error, and properties of the key-exchange API.

use padlock_dh::x25519::{self, AllZeroError, BASE_POINT, PrivateKey, PublicKey};
use padlock_testkit::{Block, hex};
use rand::{SeedableRng, rngs::StdRng};

fn read_vectors(path: &str) -> Vec<Block> {
    padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), path)
}

fn bytes32(v: &Block, name: &str) -> [u8; 32] {
    v.hex(name).try_into().unwrap_or_else(|_| panic!("{}: {name} is not 32 bytes", v.source))
}

#[test]
fn rfc_7748_section_5_2_single() {
    let vectors = read_vectors("x25519/rfc7748-sec5.2.txt");
    for v in &vectors {
        let (scalar, u, output) = (bytes32(v, "Scalar"), bytes32(v, "U"), bytes32(v, "Output"));
        assert_eq!(hex(&x25519::x25519(&scalar, &u)), hex(&output), "{}", v.source);
    }
    assert_eq!(vectors.len(), 2);
}

/// Runs the §5.2 iteration up to `max` rounds and checks every vector with at
/// most that many; the longer ones are read but left to the ignored test.
fn check_iterated(max: usize) -> usize {
    let vectors = read_vectors("x25519/rfc7748-sec5.2-iterated.txt");
    let (mut k, mut u) = (BASE_POINT, BASE_POINT);
    let mut done = 0;
    let mut checked = 0;
    for v in &vectors {
        let (iterations, output) = (v.number("Iterations"), bytes32(v, "Output"));
        if iterations > max {
            continue;
        }
        assert!(iterations >= done, "{}: vectors must be in increasing order", v.source);
        for _ in done..iterations {
            (k, u) = (x25519::x25519(&k, &u), k);
        }
        done = iterations;
        assert_eq!(hex(&k), hex(&output), "{}", v.source);
        checked += 1;
    }
    checked
}

#[test]
fn rfc_7748_section_5_2_iterated_1_and_1000() {
    assert_eq!(check_iterated(1000), 2);
}

#[test]
#[ignore = "a million scalar multiplications: about a minute; run with --ignored"]
fn rfc_7748_section_5_2_iterated_1000000() {
    assert_eq!(check_iterated(1_000_000), 3);
}

#[test]
fn rfc_7748_section_6_1_alice_and_bob() {
    for v in read_vectors("x25519/rfc7748-sec6.1.txt") {
        let alice = PrivateKey::from_bytes(bytes32(&v, "AlicePrivate"));
        let bob = PrivateKey::from_bytes(bytes32(&v, "BobPrivate"));
        let (alice_public, bob_public) = (alice.public_key(), bob.public_key());
        assert_eq!(hex(alice_public.as_bytes()), hex(&bytes32(&v, "AlicePublic")), "{}", v.source);
        assert_eq!(hex(bob_public.as_bytes()), hex(&bytes32(&v, "BobPublic")), "{}", v.source);

        let shared = bytes32(&v, "Shared");
        let alice_shared = alice.diffie_hellman(&bob_public).expect("Bob's key has large order");
        let bob_shared = bob.diffie_hellman(&alice_public).expect("Alice's key has large order");
        assert_eq!(hex(alice_shared.as_bytes()), hex(&shared), "{}: Alice's side", v.source);
        assert_eq!(hex(bob_shared.as_bytes()), hex(&shared), "{}: Bob's side", v.source);
    }
}

#[test]
fn low_order_public_keys_give_the_all_zero_error() {
    let mut rng = StdRng::seed_from_u64(0x7748);
    let (mut zero, mut nonzero) = (0, 0);
    for v in read_vectors("x25519/low-order.txt") {
        let u = bytes32(&v, "U");
        let all_zero = match v.get("Result") {
            "all-zero" => true,
            "nonzero" => false,
            other => panic!("{}: Result = {other}", v.source),
        };
        // Several private keys, including the RFC's: the result must not
        // depend on the key.
        for _ in 0..4 {
            let key = PrivateKey::generate(&mut rng);
            let raw = x25519::x25519(&random_scalar(&mut rng), &u);
            let result = key.diffie_hellman(&PublicKey::from_bytes(u));
            if all_zero {
                assert_eq!(raw, [0; 32], "{}", v.source);
                assert_eq!(result.err(), Some(AllZeroError), "{}", v.source);
            } else {
                assert_ne!(raw, [0; 32], "{}", v.source);
                assert!(result.is_ok(), "{}", v.source);
            }
        }
        if all_zero { zero += 1 } else { nonzero += 1 }
    }
    assert_eq!((zero, nonzero), (14, 5), "5 canonical points, p, p + 1, their top-bit forms; 5 that are not");
}

fn random_scalar(rng: &mut StdRng) -> [u8; 32] {
    let mut k = [0u8; 32];
    rand::Rng::fill_bytes(rng, &mut k);
    k
}

#[test]
fn clamping_ignores_the_cleared_and_set_bits() {
    // RFC 7748 §5 decodeScalar25519: bits 0-2 and 255 are cleared, 254 set.
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..8 {
        let (k, u) = (random_scalar(&mut rng), random_scalar(&mut rng));
        let mut tweaked = k;
        tweaked[0] ^= 0b111;
        tweaked[31] ^= 0b1100_0000;
        assert_eq!(x25519::x25519(&k, &u), x25519::x25519(&tweaked, &u));
    }
}

#[test]
fn the_top_bit_of_u_is_masked() {
    let mut rng = StdRng::seed_from_u64(2);
    for _ in 0..8 {
        let (k, mut u) = (random_scalar(&mut rng), random_scalar(&mut rng));
        u[31] |= 0x80;
        let with_top = x25519::x25519(&k, &u);
        u[31] &= 0x7f;
        assert_eq!(with_top, x25519::x25519(&k, &u));
    }
}

#[test]
fn generated_keys_agree_and_differ() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut publics = Vec::new();
    for _ in 0..8 {
        let (a, b) = (PrivateKey::generate(&mut rng), PrivateKey::generate(&mut rng));
        let (a_public, b_public) = (a.public_key(), b.public_key());
        let a_shared = a.diffie_hellman(&b_public).expect("random keys are not low order");
        let b_shared = b.diffie_hellman(&a_public).expect("random keys are not low order");
        assert_eq!(a_shared.as_bytes(), b_shared.as_bytes());
        publics.extend([a_public, b_public]);
    }
    publics.sort_by_key(|p| *p.as_bytes());
    publics.dedup();
    assert_eq!(publics.len(), 16, "every generated key is different");
}

#[test]
fn the_error_says_what_happened() {
    let message = AllZeroError.to_string();
    assert!(message.contains("all zeros") && message.contains("small order"), "{message}");
}
