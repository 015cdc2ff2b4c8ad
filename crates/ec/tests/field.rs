//! Field and scalar arithmetic against num-bigint, for all four moduli
//! (P-256's p and n, P-384's p and n): every operation of `field::Elem` on
//! random inputs, plus the edge values 0, 1, p - 1.

use num_bigint::BigUint;
use padlock_ec::field::{Elem, Modulus};
use padlock_ec::{p256, p384};
use proptest::prelude::*;

/// The modulus as a BigUint.
fn modulus<M: Modulus<N>, const N: usize>() -> BigUint {
    let bytes: Vec<u8> = M::P.iter().rev().flat_map(|limb| limb.to_be_bytes()).collect();
    BigUint::from_bytes_be(&bytes)
}

fn to_big<M: Modulus<N>, const N: usize>(x: &Elem<M, N>) -> BigUint {
    let mut bytes = vec![0u8; 8 * N];
    x.write_be_bytes(&mut bytes);
    BigUint::from_bytes_be(&bytes)
}

fn fixed(x: &BigUint, len: usize) -> Vec<u8> {
    let bytes = x.to_bytes_be();
    let mut out = vec![0u8; len - bytes.len()];
    out.extend(bytes);
    out
}

/// Checks every operation on a and b (8N bytes each, any value: reduced
/// mod p first).
fn check_all<M: Modulus<N>, const N: usize>(a_bytes: &[u8], b_bytes: &[u8]) {
    let p = modulus::<M, N>();
    let a = Elem::<M, N>::from_be_bytes_reduced(a_bytes);
    let b = Elem::<M, N>::from_be_bytes_reduced(b_bytes);
    let (x, y) = (BigUint::from_bytes_be(a_bytes) % &p, BigUint::from_bytes_be(b_bytes) % &p);
    assert_eq!(to_big(&a), x, "from_be_bytes_reduced");
    assert_eq!(to_big(&(a + b)), (&x + &y) % &p, "add");
    assert_eq!(to_big(&(a - b)), (&x + &p - &y) % &p, "sub");
    assert_eq!(to_big(&(-a)), (&p - &x) % &p, "neg");
    assert_eq!(to_big(&(a * b)), (&x * &y) % &p, "mul");
    assert_eq!(to_big(&a.square()), (&x * &x) % &p, "square");
    assert_eq!(to_big(&a.double()), (&x * 2u32) % &p, "double");
    let inverse = to_big(&a.invert());
    if x == BigUint::ZERO {
        assert_eq!(inverse, BigUint::ZERO, "0 inverts to 0");
    } else {
        assert_eq!((inverse * &x) % &p, BigUint::from(1u32), "invert");
    }
    // sqrt (fields only: the orders are not 3 mod 4): a root of x^2 is
    // ±x, and a non-square has none.
    if M::P[0] & 3 == 3 {
        check_sqrt(&a, &x, &p);
    }
    // Canonical decoding accepts exactly the values below p.
    let raw = BigUint::from_bytes_be(a_bytes);
    assert_eq!(bool::from(Elem::<M, N>::from_be_bytes(a_bytes).is_some()), raw < p, "from_be_bytes range");
    assert_eq!(bool::from(a.is_odd()), x.bit(0), "is_odd");
    assert_eq!(bool::from(a.is_zero()), x == BigUint::ZERO, "is_zero");
}

fn check_sqrt<M: Modulus<N>, const N: usize>(a: &Elem<M, N>, x: &BigUint, p: &BigUint) {
    let root = a.square().sqrt();
    assert!(bool::from(root.is_some()), "a square has a root");
    let root = to_big(&root.unwrap());
    assert!(&root == x || root == (p - x) % p, "sqrt");
    let legendre = x.modpow(&((p - 1u32) / 2u32), p);
    assert_eq!(bool::from(a.sqrt().is_some()), legendre != p - 1u32, "sqrt exists iff square");
}

/// The edge values 0, 1, 2, p - 1, p - 2 (and p, p + 1 through the
/// reducing decoder), each against each.
fn check_edges<M: Modulus<N>, const N: usize>() {
    let p = modulus::<M, N>();
    let max = (BigUint::from(1u32) << (64 * N)) - 1u32;
    let edges = [
        BigUint::ZERO,
        BigUint::from(1u32),
        BigUint::from(2u32),
        &p - 1u32,
        &p - 2u32,
        p.clone(),
        &p + 1u32,
        max,
    ];
    for a in &edges {
        for b in &edges {
            check_all::<M, N>(&fixed(a, 8 * N), &fixed(b, 8 * N));
        }
    }
}

#[test]
fn edge_values() {
    check_edges::<p256::FieldModulus, 4>();
    check_edges::<p256::OrderModulus, 4>();
    check_edges::<p384::FieldModulus, 6>();
    check_edges::<p384::OrderModulus, 6>();
}

#[test]
fn field_primes_are_3_mod_4() {
    // SEC 1 §2.3.4 decompression takes the square root as a^((p+1)/4).
    assert_eq!(p256::FieldModulus::P[0] & 3, 3);
    assert_eq!(p384::FieldModulus::P[0] & 3, 3);
}

#[test]
fn montgomery_constants() {
    fn check<M: Modulus<N>, const N: usize>() {
        let p = modulus::<M, N>();
        let r = BigUint::from(1u32) << (64 * N);
        let limbs = |l: &[u64; N]| {
            BigUint::from_bytes_be(&l.iter().rev().flat_map(|x| x.to_be_bytes()).collect::<Vec<_>>())
        };
        assert_eq!(limbs(&M::R), &r % &p, "R");
        assert_eq!(limbs(&M::R2), (&r * &r) % &p, "R^2");
        assert_eq!(M::P[0].wrapping_mul(M::N0), u64::MAX, "p·N0 = -1 mod 2^64");
        assert!(M::P[N - 1] >> 63 == 1, "top bit set");
        assert_eq!(Elem::<M, N>::from_u64(1).write_be_bytes_vec(), fixed(&BigUint::from(1u32), 8 * N));
    }
    check::<p256::FieldModulus, 4>();
    check::<p256::OrderModulus, 4>();
    check::<p384::FieldModulus, 6>();
    check::<p384::OrderModulus, 6>();
}

/// A helper for the test above: the encoding as a Vec.
trait ToVec {
    fn write_be_bytes_vec(&self) -> Vec<u8>;
}

impl<M: Modulus<N>, const N: usize> ToVec for Elem<M, N> {
    fn write_be_bytes_vec(&self) -> Vec<u8> {
        let mut out = vec![0u8; 8 * N];
        self.write_be_bytes(&mut out);
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn p256_field(a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
        check_all::<p256::FieldModulus, 4>(&a, &b);
    }

    #[test]
    fn p256_scalars(a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
        check_all::<p256::OrderModulus, 4>(&a, &b);
    }

    #[test]
    fn p384_field(a in proptest::collection::vec(any::<u8>(), 48), b in proptest::collection::vec(any::<u8>(), 48)) {
        check_all::<p384::FieldModulus, 6>(&a, &b);
    }

    #[test]
    fn p384_scalars(a in proptest::collection::vec(any::<u8>(), 48), b in proptest::collection::vec(any::<u8>(), 48)) {
        check_all::<p384::OrderModulus, 6>(&a, &b);
    }

    /// Values near p (where the conditional subtractions matter): p - k and
    /// p + k for small k, against random partners.
    #[test]
    fn p256_near_modulus(k in 0u64..1 << 20, b in any::<[u8; 32]>()) {
        let p = modulus::<p256::FieldModulus, 4>();
        check_all::<p256::FieldModulus, 4>(&fixed(&(&p - k - 1u32), 32), &b);
        let max = (BigUint::from(1u32) << 256) - 1u32;
        check_all::<p256::FieldModulus, 4>(&fixed(&(max - k), 32), &b);
    }
}
