//! Edge cases (0, 1, m - 1, leading zero limbs, lengths that are not a
//! multiple of 8 bytes), errors, the backends limb count by limb count, and
//! an RSA round trip built from the whole API.

mod common;

use common::{big, uint};
use num_bigint::BigUint;
use num_traits::{One, Zero};
use padlock_bigint::{Backend, Error, Modulus, Uint, gcd, inv_small_odd_mod, lcm, random_prime};
use rand::SeedableRng;
use rand::rngs::StdRng;
use subtle::ConstantTimeEq;

#[test]
fn byte_lengths() {
    assert_eq!(Uint::from_be_bytes(&[]).limb_len(), 1);
    assert_eq!(Uint::from_be_bytes(&[1; 8]).limb_len(), 1);
    assert_eq!(Uint::from_be_bytes(&[1; 9]).limb_len(), 2);
    let x = Uint::from_be_bytes(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
    assert_eq!(x.limb_len(), 2);
    assert_eq!(x.to_be_bytes(1).unwrap(), [7]);
    assert_eq!(x.to_be_bytes(3).unwrap(), [0, 0, 7]);
    assert_eq!(Uint::zero(3).to_be_bytes(0).unwrap(), Vec::<u8>::new());
    assert_eq!(Uint::from_u64(256).to_be_bytes(1), Err(Error::DoesNotFit));
    assert_eq!(Uint::from_be_bytes_padded(&[0, 0, 1], 1).unwrap().as_limbs(), [1]);
    assert_eq!(Uint::from_be_bytes_padded(&[1; 9], 1).unwrap_err(), Error::DoesNotFit);
    assert_eq!(Uint::from_u64(5).resize(3).unwrap().as_limbs(), [5, 0, 0]);
    assert_eq!(Uint::from_limbs(vec![5, 0, 0]).resize(1).unwrap().as_limbs(), [5]);
    assert_eq!(Uint::from_limbs(vec![5, 1]).resize(1).unwrap_err(), Error::DoesNotFit);
    assert_eq!(Uint::from_limbs(vec![0, 1 << 63]).bits_vartime(), 128);
    assert_eq!(Uint::zero(4).bits_vartime(), 0);
}

#[test]
fn debug_shows_the_length_only() {
    assert_eq!(format!("{:?}", Uint::from_u64(0x1234_5678)), "Uint(1 limbs)");
}

#[test]
fn invalid_moduli() {
    for m in [Uint::zero(1), Uint::from_u64(1), Uint::from_u64(2), Uint::from_u64(1 << 40), Uint::zero(0)] {
        assert_eq!(Modulus::new(&m).unwrap_err(), Error::InvalidModulus);
    }
    assert!(Modulus::new(&Uint::from_u64(3)).is_ok());
    assert_eq!(Uint::from_u64(3).div_rem(&Uint::zero(2)).unwrap_err(), Error::DivisionByZero);
}

#[test]
fn small_modulus_with_leading_zero_limbs() {
    // m = 3 on five limbs: R = 2^320 is far above m, which Montgomery
    // reduction must still handle.
    let m = Modulus::new(&Uint::from_u64(3).resize(5).unwrap()).unwrap();
    let two = Uint::from_u64(2).resize(5).unwrap();
    assert_eq!(big(&m.mul(&two, &two)), BigUint::one());
    assert_eq!(big(&m.add(&two, &two)), BigUint::one());
    assert_eq!(big(&m.pow(&two, &Uint::from_u64(5))), BigUint::from(2u8));
    assert_eq!(big(&m.reduce(&Uint::from_limbs(vec![u64::MAX; 9]))), BigUint::zero());
    assert_eq!(big(&m.inv(&two).unwrap()), BigUint::from(2u8));
    assert!(bool::from(m.inv(&Uint::zero(5)).is_none()));
}

#[test]
fn zero_one_and_m_minus_one() {
    let p = (BigUint::one() << 521) - 1u8;
    let m = Modulus::new(&uint(&p, 9)).unwrap();
    let (zero, one, top) = (uint(&BigUint::zero(), 9), uint(&BigUint::one(), 9), uint(&(&p - 1u8), 9));
    assert_eq!(big(&m.mul(&top, &top)), BigUint::one());
    assert_eq!(big(&m.add(&top, &one)), BigUint::zero());
    assert_eq!(big(&m.sub(&zero, &one)), &p - 1u8);
    assert_eq!(big(&m.pow(&zero, &Uint::zero(1))), BigUint::one());
    assert_eq!(big(&m.pow(&zero, &Uint::zero(0))), BigUint::one());
    assert_eq!(big(&m.pow(&top, &Uint::from_u64(3))), &p - 1u8);
    assert_eq!(big(&m.pow_vartime(&top, &[])), BigUint::one());
    assert_eq!(big(&m.inv(&top).unwrap()), &p - 1u8);
    assert_eq!(big(&m.reduce(&uint(&p, 20))), BigUint::zero());
    assert!(bool::from(gcd(&zero, &zero).is_zero()));
    assert!(bool::from(lcm(&zero, &top).is_zero()));
    assert!(bool::from(inv_small_odd_mod(65537, &zero).is_none()));
    assert!(bool::from(inv_small_odd_mod(4, &top).is_none()));
}

#[test]
fn backends_agree_at_every_limb_count() {
    let mut rng = StdRng::seed_from_u64(1);
    for n in 1..=70 {
        let mut m = Uint::random(64 * n, &mut rng);
        m.as_limbs_mut()[0] |= 1;
        m.as_limbs_mut()[n - 1] |= 1 << 63;
        let a = Uint::random(64 * n, &mut rng);
        let e = Uint::random(128, &mut rng);
        let results: Vec<(Vec<u8>, Vec<u8>)> = Backend::available()
            .map(|b| {
                let m = Modulus::with_backend(&m, b).unwrap();
                let a = m.reduce(&a);
                (m.pow(&a, &e).to_be_bytes(8 * n).unwrap(), m.mul(&a, &a).to_be_bytes(8 * n).unwrap())
            })
            .collect();
        let (mb, ab) = (big(&m), big(&a) % big(&m));
        for (pow, sqr) in results {
            assert_eq!(BigUint::from_bytes_be(&pow), ab.modpow(&big(&e), &mb), "{n} limbs");
            assert_eq!(BigUint::from_bytes_be(&sqr), (&ab * &ab) % &mb, "{n} limbs");
        }
    }
}

#[test]
fn rsa_round_trip() {
    // What padlock-rsa will do, at a small size: keygen, then the private
    // operation with CRT, checked against the public one.
    let mut rng = StdRng::seed_from_u64(2048);
    let e = 65537u64;
    let coprime_to_e =
        |c: &Uint| bool::from(!Modulus::new(&Uint::from_u64(e)).unwrap().reduce(c).ct_eq(&one()));
    let p = random_prime(256, &mut rng, coprime_to_e).unwrap();
    let q = random_prime(256, &mut rng, coprime_to_e).unwrap();
    let n = p.mul(&q);
    assert_eq!(n.bits_vartime(), 512);
    let (p1, _) = p.borrowing_sub(&one());
    let (q1, _) = q.borrowing_sub(&one());
    let lambda = lcm(&p1, &q1);
    let d = inv_small_odd_mod(e, &lambda).unwrap();
    let (_, dp) = d.div_rem(&p1).unwrap();
    let (_, dq) = d.div_rem(&q1).unwrap();
    let (mp, mq, mn) = (Modulus::new(&p).unwrap(), Modulus::new(&q).unwrap(), Modulus::new(&n).unwrap());
    let q_inv = mp.inv(&mp.reduce(&q)).unwrap();

    let msg = mn.reduce(&Uint::from_be_bytes(b"the padlock icon in the browser"));
    let c = mn.pow_vartime(&msg, &e.to_be_bytes());
    // RFC 8017 §5.1.2 step 2b: m1 = c^dP mod p, m2 = c^dQ mod q,
    // h = (m1 - m2) qInv mod p, m = m2 + q h.
    let m1 = mp.pow(&mp.reduce(&c), &dp);
    let m2 = mq.pow(&mq.reduce(&c), &dq);
    let h = mp.mul(&mp.sub(&m1, &mp.reduce(&m2)), &q_inv);
    let (m, _) = q.mul(&h).carrying_add(&m2);
    assert!(bool::from(mn.reduce(&m).ct_eq(&msg)));
    assert!(bool::from(mn.pow(&c, &d).ct_eq(&msg)));
}

fn one() -> Uint {
    Uint::from_u64(1)
}
