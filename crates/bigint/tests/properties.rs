//! Every operation against `num-bigint`, for random values of 1 to 4096 bits,
//! odd and even where the operation allows, on every backend this CPU has.

mod common;

use common::{MAX_BITS, below, big, number, odd_modulus, uint};
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};
use padlock_bigint::{Backend, Modulus, Uint, gcd, inv_small_odd_mod, lcm};
use proptest::prelude::*;
use subtle::ConstantTimeEq;

/// Every backend this CPU has, for `m`.
fn moduli(m: &BigUint, limbs: usize) -> Vec<Modulus> {
    Backend::available().map(|b| Modulus::with_backend(&uint(m, limbs), b).unwrap()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn bytes_round_trip((x, limbs) in number(MAX_BITS), pad in 0..20usize) {
        let u = uint(&x, limbs);
        prop_assert_eq!(u.limb_len(), limbs);
        prop_assert_eq!(big(&u), x.clone());
        let len = x.to_bytes_be().len();
        let bytes = u.to_be_bytes(len + pad).unwrap();
        prop_assert_eq!(BigUint::from_bytes_be(&bytes), x.clone());
        if len > 1 || !x.is_zero() {
            prop_assert!(u.to_be_bytes(len - 1).is_err());
        }
        let v = Uint::from_be_bytes(&bytes);
        prop_assert_eq!(v.limb_len(), (len + pad).div_ceil(8).max(1));
        prop_assert_eq!(big(&v), x.clone());
        prop_assert_eq!(u.bits_vartime(), x.bits() as usize);
    }

    #[test]
    fn add_sub_with_carry((x, xl) in number(MAX_BITS), (y, yl) in number(MAX_BITS)) {
        let (a, b) = (uint(&x, xl), uint(&y, yl));
        let len = xl.max(yl);
        let wrap = BigUint::one() << (64 * len);
        let (sum, carry) = a.carrying_add(&b);
        prop_assert_eq!(sum.limb_len(), len);
        prop_assert_eq!(big(&sum), (&x + &y) % &wrap);
        prop_assert_eq!(bool::from(carry), &x + &y >= wrap);
        let (diff, borrow) = a.borrowing_sub(&b);
        prop_assert_eq!(big(&diff), (&x + &wrap - &y) % &wrap);
        prop_assert_eq!(bool::from(borrow), x < y);
    }

    #[test]
    fn compare_and_select((x, xl) in number(MAX_BITS), (y, yl) in number(MAX_BITS), pick in any::<bool>()) {
        let (a, b) = (uint(&x, xl), uint(&y, yl));
        prop_assert_eq!(bool::from(a.ct_eq(&b)), x == y);
        prop_assert_eq!(bool::from(a.ct_eq(&a.clone())), true);
        prop_assert_eq!(bool::from(a.ct_lt(&b)), x < y);
        prop_assert_eq!(bool::from(a.is_zero()), x.is_zero());
        prop_assert_eq!(bool::from(a.is_odd()), x.is_odd());
        let b = b.resize(xl.max(yl)).unwrap();
        let a = a.resize(xl.max(yl)).unwrap();
        let s = Uint::conditional_select(&a, &b, subtle::Choice::from(u8::from(pick)));
        prop_assert_eq!(big(&s), if pick { y.clone() } else { x.clone() });
        let (mut c, mut d) = (a.clone(), b.clone());
        Uint::conditional_swap(&mut c, &mut d, subtle::Choice::from(u8::from(pick)));
        prop_assert_eq!(big(&c), if pick { y.clone() } else { x.clone() });
        prop_assert_eq!(big(&d), if pick { x } else { y });
    }

    #[test]
    fn full_multiplication((x, xl) in number(MAX_BITS), (y, yl) in number(MAX_BITS)) {
        let p = uint(&x, xl).mul(&uint(&y, yl));
        prop_assert_eq!(p.limb_len(), xl + yl);
        prop_assert_eq!(big(&p), x * y);
    }

    #[test]
    fn shift_right((x, xl) in number(MAX_BITS), shift in 0..4200usize) {
        prop_assert_eq!(big(&uint(&x, xl).shr(shift)), x >> shift);
    }

    #[test]
    fn reduce_any_length((m, ml) in odd_modulus(MAX_BITS), (x, xl) in number(2 * MAX_BITS)) {
        for modulus in moduli(&m, ml) {
            let r = modulus.reduce(&uint(&x, xl));
            prop_assert_eq!(r.limb_len(), ml);
            prop_assert_eq!(big(&r), &x % &m);
        }
    }

    #[test]
    fn add_sub_mul_mod((m, ml) in odd_modulus(MAX_BITS), sx in any::<[u8; 32]>(), sy in any::<[u8; 32]>(),
                       px in any::<u8>(), py in any::<u8>(), wide in any::<bool>()) {
        // Wide seeds reach every limb of large moduli.
        let seed = |s: &[u8; 32]| if wide { s.repeat(17) } else { s.to_vec() };
        let x = below(&m, &seed(&sx), px);
        let y = below(&m, &seed(&sy), py);
        for modulus in moduli(&m, ml) {
            let (a, b) = (uint(&x, ml), uint(&y, ml));
            prop_assert_eq!(big(&modulus.add(&a, &b)), (&x + &y) % &m);
            prop_assert_eq!(big(&modulus.sub(&a, &b)), (&x + &m - &y) % &m);
            prop_assert_eq!(big(&modulus.neg(&a)), (&m - &x) % &m);
            prop_assert_eq!(big(&modulus.mul(&a, &b)), (&x * &y) % &m);
            prop_assert_eq!(big(&modulus.mul(&a, &a)), (&x * &x) % &m);
        }
    }

    #[test]
    fn div_rem((x, xl) in number(MAX_BITS), (d, dl) in number(MAX_BITS)) {
        let (a, b) = (uint(&x, xl), uint(&d, dl));
        if d.is_zero() {
            prop_assert!(a.div_rem(&b).is_err());
        } else {
            let (q, r) = a.div_rem(&b).unwrap();
            prop_assert_eq!((q.limb_len(), r.limb_len()), (xl, dl));
            prop_assert_eq!(big(&q), &x / &d);
            prop_assert_eq!(big(&r), &x % &d);
        }
    }

    #[test]
    fn gcd_and_lcm((x, xl) in number(MAX_BITS), (y, yl) in number(MAX_BITS), shift in 0..130usize) {
        // A shared power of two, so that even numbers with common factors 2
        // come up as often as odd ones.
        let (x, y) = (x << shift, y << shift);
        let (xl, yl) = (xl + 3, yl + 3);
        let (a, b) = (uint(&x, xl), uint(&y, yl));
        let g = gcd(&a, &b);
        prop_assert_eq!(g.limb_len(), xl.max(yl));
        prop_assert_eq!(big(&g), x.gcd(&y));
        let l = lcm(&a, &b);
        prop_assert_eq!(l.limb_len(), xl + yl);
        prop_assert_eq!(big(&l), if x.is_zero() || y.is_zero() { BigUint::zero() } else { x.lcm(&y) });
    }

    #[test]
    fn inverse_odd_modulus((m, ml) in odd_modulus(MAX_BITS), sx in any::<[u8; 32]>(), px in any::<u8>(),
                           common in 0..3u8) {
        // Sometimes share a factor 3 with m, where no inverse exists.
        let x = below(&m, &sx.repeat(17), px);
        let x = if common == 0 && (&m % 3u8).is_zero() { (&x * 3u8) % &m } else { x };
        for modulus in moduli(&m, ml) {
            let inv = modulus.inv(&uint(&x, ml));
            match x.modinv(&m) {
                Some(expected) => {
                    prop_assert!(bool::from(inv.is_some()));
                    prop_assert_eq!(big(&inv.unwrap()), expected);
                }
                None => prop_assert!(bool::from(inv.is_none())),
            }
        }
    }

    #[test]
    fn inverse_of_small_odd_modulo_any((m, ml) in number(MAX_BITS), pick in 0..5usize, odd in any::<u64>()) {
        let e = [3, 5, 17, 65537, odd | 1][pick];
        let d = inv_small_odd_mod(e, &uint(&m, ml));
        let e_big = BigUint::from(e);
        if e > 1 && m > BigUint::one() && e_big.gcd(&m).is_one() {
            prop_assert!(bool::from(d.is_some()));
            let d = d.unwrap();
            prop_assert_eq!(d.limb_len(), ml);
            let d = big(&d);
            prop_assert!(d < m);
            prop_assert_eq!((d * e_big) % &m, BigUint::one());
        } else {
            prop_assert!(bool::from(d.is_none()));
        }
    }

    #[test]
    fn public_moduli_compute_the_same((m, ml) in odd_modulus(MAX_BITS), sx in any::<[u8; 32]>(), px in any::<u8>(),
                                      exp in proptest::collection::vec(any::<u8>(), 0..40)) {
        // `new_public` finds R^2 mod m by division, `new` without: the same
        // constant, so the same results.
        let x = below(&m, &sx.repeat(17), px);
        let public = Modulus::new_public(&uint(&m, ml)).unwrap();
        prop_assert_eq!(big(&public.mul(&uint(&x, ml), &uint(&x, ml))), (&x * &x) % &m);
        prop_assert_eq!(big(&public.pow_vartime(&uint(&x, ml), &exp)), x.modpow(&BigUint::from_bytes_be(&exp), &m));
    }

    #[test]
    fn pow_vartime_public_exponent((m, ml) in odd_modulus(MAX_BITS), sx in any::<[u8; 32]>(), px in any::<u8>(),
                                   exp in proptest::collection::vec(any::<u8>(), 0..40), e65537 in any::<bool>()) {
        let x = below(&m, &sx.repeat(17), px);
        let exp = if e65537 { vec![1, 0, 1] } else { exp };
        let expected = x.modpow(&BigUint::from_bytes_be(&exp), &m);
        for modulus in moduli(&m, ml) {
            prop_assert_eq!(big(&modulus.pow_vartime(&uint(&x, ml), &exp)), expected.clone());
        }
    }
}

proptest! {
    // A 4096-bit exponentiation takes tens of milliseconds: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn pow_secret_exponent((m, ml) in odd_modulus(MAX_BITS), sx in any::<[u8; 32]>(), px in any::<u8>(),
                           (e, el) in number(MAX_BITS)) {
        let x = below(&m, &sx.repeat(17), px);
        let expected = x.modpow(&e, &m);
        for modulus in moduli(&m, ml) {
            prop_assert_eq!(big(&modulus.pow(&uint(&x, ml), &uint(&e, el))), expected.clone());
        }
    }

    #[test]
    fn pow_unreduced_base((m, ml) in odd_modulus(1024), (e, el) in number(256), top in any::<u64>()) {
        // Any base on m's limb count is accepted, even one at or above m.
        let mut limbs = uint(&m, ml).as_limbs().to_vec();
        *limbs.last_mut().unwrap() |= top;
        let base = Uint::from_limbs(limbs);
        let expected = big(&base).modpow(&e, &m);
        for modulus in moduli(&m, ml) {
            prop_assert_eq!(big(&modulus.pow(&base, &uint(&e, el))), expected.clone());
        }
    }
}

proptest! {
    // The hardware kernels have paths for particular limb counts (16 limbs
    // unrolled, multiples of 4 in loops, the rest row by row): draw exactly
    // those sizes, with the modulus's top limb full or nearly empty, and
    // check every backend against num-bigint on products, squares and a
    // short exponentiation.
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_backend_at_kernel_sizes(limbs in prop::sample::select(vec![1usize, 4, 8, 15, 16, 17, 20, 32]),
                                     seed in any::<[u8; 32]>(), top in any::<u64>(), small_top in any::<bool>(),
                                     px in any::<u8>(), py in any::<u8>(), e in any::<u64>()) {
        let mut bytes = seed.repeat(limbs.div_ceil(4));
        bytes.truncate(8 * limbs);
        bytes[..8].copy_from_slice(&(if small_top { top >> 60 | 1 } else { top | 1 << 63 }).to_be_bytes());
        let m = BigUint::from_bytes_be(&bytes) | BigUint::one();
        prop_assume!(m > BigUint::one());
        let x = below(&m, &seed.repeat(9), px);
        let y = below(&m, &seed.iter().rev().copied().collect::<Vec<_>>().repeat(9), py);
        // A full-width exponent too: every window of the table is read.
        let long_e = uint(&BigUint::from_bytes_be(&seed.repeat(limbs.div_ceil(4))), 4 * limbs.div_ceil(4));
        let mut portable = None;
        for modulus in moduli(&m, limbs) {
            let (a, b) = (uint(&x, limbs), uint(&y, limbs));
            prop_assert_eq!(big(&modulus.mul(&a, &b)), (&x * &y) % &m, "{:?}", modulus);
            prop_assert_eq!(big(&modulus.mul(&a, &a)), (&x * &x) % &m, "{:?}", modulus);
            prop_assert_eq!(big(&modulus.pow(&a, &Uint::from_u64(e))), x.modpow(&BigUint::from(e), &m), "{:?}", modulus);
            // The backends against the portable one, which comes first.
            let long = big(&modulus.pow(&a, &long_e));
            prop_assert_eq!(&long, portable.get_or_insert_with(|| long.clone()), "{:?}", modulus);
        }
    }
}
