//! Property tests of the field arithmetic against num-bigint modulo
//! p = 2^255 - 19, including the limb bounds the lazy reduction relies on:
//! inputs are drawn up to the largest limbs each operation accepts.

use super::{FieldElement, LOOSE_BOUND, MASK_51, REDUCED_BOUND};
use num_bigint::BigUint;
use proptest::prelude::*;
use subtle::Choice;

fn p() -> BigUint {
    (BigUint::from(1u8) << 255u32) - 19u32
}

/// The integer the limbs spell, not reduced.
fn value(f: &FieldElement) -> BigUint {
    f.0.iter().rev().fold(BigUint::ZERO, |acc, &limb| (acc << 51u32) + limb)
}

fn residue(f: &FieldElement) -> BigUint {
    value(f) % p()
}

/// Little-endian bytes of a number below 2^256.
fn to_bytes32(n: &BigUint) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    let le = n.to_bytes_le();
    bytes[..le.len()].copy_from_slice(&le);
    bytes
}

/// Encodings that sit on the edges: 0, 1, p - 1, p, p + 1, 2^255 - 1 (the
/// largest non-canonical value), each also with the masked top bit set.
fn special_encodings() -> Vec<[u8; 32]> {
    let p = p();
    let top = BigUint::from(1u8) << 255u32;
    let values = [BigUint::ZERO, BigUint::from(1u8), &p - 1u32, p.clone(), &p + 1u32, &top - 1u32];
    values.iter().flat_map(|v| [to_bytes32(v), to_bytes32(&(v + &top))]).collect()
}

fn encoding() -> impl Strategy<Value = [u8; 32]> {
    prop_oneof![any::<[u8; 32]>(), prop::sample::select(special_encodings())]
}

/// Elements whose limbs go up to `bound` - 1, with the extremes and the
/// 51-bit boundary drawn often.
fn element_below(bound: u64) -> impl Strategy<Value = FieldElement> {
    let limb =
        prop_oneof![0..bound, Just(bound - 1), Just(0), Just(MASK_51), Just(MASK_51 - 18), Just(1u64 << 51),];
    prop::array::uniform5(limb).prop_map(FieldElement)
}

fn reduced() -> impl Strategy<Value = FieldElement> {
    element_below(REDUCED_BOUND)
}

fn loose() -> impl Strategy<Value = FieldElement> {
    element_below(LOOSE_BOUND)
}

fn assert_limbs_below(f: &FieldElement, bound: u64) {
    assert!(f.0.iter().all(|&x| x < bound), "limbs {:x?} not below {bound:#x}", f.0);
}

proptest! {
    #[test]
    fn from_bytes_masks_the_top_bit_and_reduces(bytes in encoding()) {
        let f = FieldElement::from_bytes(&bytes);
        let masked = BigUint::from_bytes_le(&bytes) % (BigUint::from(1u8) << 255u32);
        prop_assert_eq!(value(&f), masked.clone(), "the limbs spell the masked integer");
        prop_assert_eq!(residue(&f), masked % p());
        assert_limbs_below(&f, 1 << 51);
    }

    #[test]
    fn to_bytes_is_canonical(f in loose()) {
        let bytes = f.to_bytes();
        let n = BigUint::from_bytes_le(&bytes);
        prop_assert!(n < p());
        prop_assert_eq!(n, residue(&f));
    }

    #[test]
    fn bytes_round_trip_to_the_canonical_encoding(bytes in encoding()) {
        let expected = (BigUint::from_bytes_le(&bytes) % (BigUint::from(1u8) << 255u32)) % p();
        prop_assert_eq!(FieldElement::from_bytes(&bytes).to_bytes(), to_bytes32(&expected));
    }

    #[test]
    fn add(a in reduced(), b in reduced()) {
        let sum = a + b;
        prop_assert_eq!(residue(&sum), (residue(&a) + residue(&b)) % p());
        assert_limbs_below(&sum, 1 << 53);
    }

    #[test]
    fn sub(a in reduced(), b in reduced()) {
        let difference = a - b;
        prop_assert_eq!(residue(&difference), (residue(&a) + p() - residue(&b)) % p());
        assert_limbs_below(&difference, LOOSE_BOUND);
    }

    #[test]
    fn mul(a in loose(), b in loose()) {
        let product = a * b;
        prop_assert_eq!(residue(&product), (value(&a) * value(&b)) % p());
        assert_limbs_below(&product, REDUCED_BOUND);
    }

    #[test]
    fn square(a in loose()) {
        let square = a.square();
        prop_assert_eq!(residue(&square), (value(&a) * value(&a)) % p());
        assert_limbs_below(&square, REDUCED_BOUND);
    }

    #[test]
    fn pow2k(a in reduced(), k in 1u32..12) {
        let expected = value(&a).modpow(&(BigUint::from(1u8) << k), &p());
        prop_assert_eq!(residue(&a.pow2k(k)), expected);
    }

    #[test]
    fn mul_a24(a in loose()) {
        let product = a.mul_a24();
        prop_assert_eq!(residue(&product), (value(&a) * 121_665u32) % p());
        assert_limbs_below(&product, REDUCED_BOUND);
    }

    #[test]
    fn invert(a in reduced()) {
        let inverse = a.invert();
        prop_assert_eq!(residue(&inverse), value(&a).modpow(&(p() - 2u32), &p()));
        if residue(&a) != BigUint::ZERO {
            prop_assert_eq!(residue(&(inverse * a)), BigUint::from(1u8));
        }
    }

    #[test]
    fn conditional_swap(a in reduced(), b in reduced(), swap in any::<bool>()) {
        let (mut x, mut y) = (a, b);
        FieldElement::conditional_swap(&mut x, &mut y, Choice::from(u8::from(swap)));
        let (want_x, want_y) = if swap { (b, a) } else { (a, b) };
        prop_assert_eq!((x.0, y.0), (want_x.0, want_y.0));
    }
}

/// The ladder's longest chain at the largest limbs allowed: sums and
/// differences of maximal reduced elements fed straight into `*` and `square`.
#[test]
fn largest_limbs_through_lazy_reduction() {
    let top = FieldElement([REDUCED_BOUND - 1; 5]);
    let zero = FieldElement::ZERO;
    for (a, b) in [(top, top), (top, zero), (zero, top)] {
        let (sum, difference) = (a + b, a - b);
        let expected = (residue(&a) + residue(&b)) * (residue(&a) + p() - residue(&b)) % p();
        assert_eq!(residue(&(sum * difference)), expected);
        assert_eq!(residue(&(difference.square() * sum.mul_a24())), {
            let d = (residue(&a) + p() - residue(&b)) % p();
            (&d * &d * (residue(&a) + residue(&b)) * 121_665u32) % p()
        });
    }
    let loosest = FieldElement([LOOSE_BOUND - 1; 5]);
    assert_eq!(residue(&(loosest * loosest)), (value(&loosest) * value(&loosest)) % p());
    assert_eq!(residue(&loosest.square()), (value(&loosest) * value(&loosest)) % p());
    assert_eq!(BigUint::from_bytes_le(&loosest.to_bytes()), residue(&loosest));
}

#[test]
fn zero_inverts_to_zero() {
    assert_eq!(FieldElement::ZERO.invert().to_bytes(), [0; 32]);
    assert_eq!(FieldElement::ONE.invert().to_bytes(), FieldElement::ONE.to_bytes());
}
