//! Finite-field Diffie-Hellman: both parties agree in every group; the
//! validation refuses 0, 1, p - 1, p and values above p; the two encodings
//! of Z differ exactly by leading zeros. (OpenSSL interop: `openssl_ffdh.rs`.)

use padlock_dh::ffdh::{Error, PrivateKey, PublicKey};
use padlock_dh::groups::{ALL, FFDHE2048, Group};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[test]
fn both_parties_agree_in_every_group() {
    let mut rng = StdRng::seed_from_u64(7919);
    for group in ALL {
        let (alice, bob) = (
            PrivateKey::generate(&group, &mut rng).unwrap(),
            PrivateKey::generate(&group, &mut rng).unwrap(),
        );
        let (a_pub, b_pub) = (alice.public_key(), bob.public_key());
        assert_eq!(a_pub.as_bytes().len(), group.p.len(), "{}", group.name);
        a_pub.check_subgroup().unwrap_or_else(|e| panic!("{}: {e}", group.name));
        let z_alice = alice.agree(&b_pub).expect("valid peer");
        let z_bob = bob.agree(&a_pub).expect("valid peer");
        assert_eq!(z_alice.tls13_bytes(), z_bob.tls13_bytes(), "{}", group.name);
        assert_eq!(z_alice.tls13_bytes().len(), group.p.len());
    }
}

/// `p - k` for small k, big-endian.
fn p_minus(group: &Group, k: u8) -> Vec<u8> {
    let mut v = group.p.to_vec();
    let last = v.len() - 1;
    v[last] -= k; // the primes end in 0xff
    v
}

#[test]
fn validation_refuses_out_of_range_values() {
    let mut rng = StdRng::seed_from_u64(1);
    for group in ALL {
        let mut above = group.p.to_vec();
        above.insert(0, 1);
        assert_eq!(PublicKey::from_bytes(&group, &above), Err(Error::InvalidLength));
        // p + 1, big-endian: the primes end in 64 one bits, so the carry runs.
        let mut above_p = group.p.to_vec();
        for byte in above_p.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
        for bad in [
            vec![0u8],
            vec![1u8],
            vec![0, 0, 1],
            p_minus(&group, 1),
            group.p.to_vec(),
            above_p,
            vec![0xff; group.p.len()],
        ] {
            let peer = PublicKey::from_bytes(&group, &bad).expect("length is fine");
            let key = PrivateKey::generate(&group, &mut rng).unwrap();
            assert_eq!(key.agree(&peer).err(), Some(Error::InvalidPublicValue), "{}", group.name);
        }
        let two = PublicKey::from_bytes(&group, &[2]).expect("length");
        assert!(PrivateKey::generate(&group, &mut rng).unwrap().agree(&two).is_ok());
        // g = 2 generates the order-q subgroup in these groups (p = 7 mod 8), so 2 passes the full check;
        // -1 = p - 1 has order 2 and fails it.
        assert!(two.check_subgroup().is_ok(), "{}", group.name);
        assert!(PublicKey::from_bytes(&group, &p_minus(&group, 1)).unwrap().check_subgroup().is_err());
    }
}

#[test]
fn shared_secret_with_a_leading_zero_byte_has_two_encodings() {
    let group = FFDHE2048;
    let mut rng = StdRng::seed_from_u64(8446);
    let peer = PrivateKey::generate(&group, &mut rng).unwrap().public_key();
    for _ in 0..4096 {
        let z = PrivateKey::generate(&group, &mut rng).unwrap().agree(&peer).expect("valid");
        if z.tls13_bytes()[0] == 0 {
            assert_eq!(z.tls13_bytes().len(), 256);
            assert!(z.tls12_bytes().len() < 256);
            assert_ne!(z.tls12_bytes()[0], 0);
            assert!(z.tls13_bytes().ends_with(z.tls12_bytes()));
            return;
        }
    }
    panic!("no Z with a leading zero byte in 4096 tries (expected about 1 in 256)");
}
