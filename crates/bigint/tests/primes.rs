//! Miller–Rabin on known primes, Carmichael numbers and strong pseudoprimes;
//! random primes checked against `num-bigint`.

mod common;

use common::big;
use num_bigint::BigUint;
use num_traits::One;
use padlock_bigint::{
    Error, Uint, has_no_small_factor, is_probable_prime, is_strong_probable_prime, miller_rabin, random_prime,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn rng() -> StdRng {
    StdRng::seed_from_u64(0x5eed)
}

fn from_hex(hex: &str) -> Uint {
    let hex: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = padlock_testkit::decode_hex(&hex).expect("hex digits");
    Uint::from_be_bytes(&bytes)
}

/// 2^k - 1 on its own limbs.
fn mersenne(k: usize) -> Uint {
    let x = (BigUint::one() << k) - 1u8;
    Uint::from_be_bytes(&x.to_bytes_be())
}

/// RFC 3526 §3, the 2048-bit MODP group's prime
/// 2^2048 - 2^1984 - 1 + 2^64 * ( [2^1918 pi] + 124476 ).
const RFC3526_2048: &str = "
    FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74 020BBEA6 3B139B22 514A0879
    8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B
    0BFF5CB6 F406B7ED EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D C2007CB8 A163BF05 98DA4836
    1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D 670C354E 4ABC9804
    F1746C08 CA18217C 32905E46 2E36CE3B E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6
    95581718 3995497C EA956AE5 15D22618 98FA0510 15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";

#[test]
fn known_primes_are_prime() {
    let mut rng = rng();
    for p in [2u64, 3, 5, 7, 11, 13, 1021, 1031, 65537, 2_147_483_647, 0xffff_ffff_ffff_ffc5] {
        assert!(is_probable_prime(&Uint::from_u64(p), &mut rng), "{p}");
    }
    // Mersenne primes 2^k - 1.
    for k in [61, 89, 107, 127, 521, 607, 1279] {
        assert!(is_probable_prime(&mersenne(k), &mut rng), "2^{k} - 1");
    }
    assert!(is_probable_prime(&from_hex(RFC3526_2048), &mut rng));
}

#[test]
fn composites_are_composite() {
    let mut rng = rng();
    for n in [0u64, 1, 4, 9, 15, 25, 1023, 1024 * 1024, 1_046_527 * 1_046_527] {
        assert!(!is_probable_prime(&Uint::from_u64(n), &mut rng), "{n}");
    }
    // 2^k - 1 for composite k, and for prime k where it is not prime.
    for k in [64, 67, 128, 257, 1024] {
        assert!(!is_probable_prime(&mersenne(k), &mut rng), "2^{k} - 1");
    }
    // A product of two large primes has no small factor: Miller–Rabin decides.
    let n = big(&mersenne(89)) * big(&mersenne(127));
    let n = Uint::from_be_bytes(&n.to_bytes_be());
    assert!(has_no_small_factor(&n));
    assert!(!is_probable_prime(&n, &mut rng));
}

/// Carmichael numbers pass Fermat's test to every coprime base, but not
/// Miller–Rabin. The last one is Arnault's ("Rabin-Miller primality test:
/// composite numbers which pass it", Math. Comp. 1995)
/// 3825123056546413051 = 149491 * 747451 * 34233211.
const CARMICHAEL: [u64; 8] = [561, 1105, 1729, 2465, 2821, 6601, 8911, 3_825_123_056_546_413_051];

/// Strong pseudoprimes: 2047 to base 2; 1373653 to bases 2 and 3;
/// 25326001 to 2, 3, 5; 3215031751 to 2, 3, 5, 7; 3825123056546413051 to
/// every prime base up to 23 (OEIS A014233).
const STRONG_PSEUDOPRIMES: [(u64, &[u64]); 5] = [
    (2047, &[2]),
    (1_373_653, &[2, 3]),
    (25_326_001, &[2, 3, 5]),
    (3_215_031_751, &[2, 3, 5, 7]),
    (3_825_123_056_546_413_051, &[2, 3, 5, 7, 11, 13, 17, 19, 23]),
];

#[test]
fn carmichael_numbers_are_composite() {
    let mut rng = rng();
    for n in CARMICHAEL {
        let n = Uint::from_u64(n);
        // Miller–Rabin alone, without the trial division that would catch
        // most of them first.
        assert!(!miller_rabin(&n, 50, &mut rng));
        assert!(!is_probable_prime(&n, &mut rng));
    }
}

#[test]
fn strong_pseudoprimes_fool_their_bases_only() {
    let mut rng = rng();
    for (n, bases) in STRONG_PSEUDOPRIMES {
        let n = Uint::from_u64(n);
        for &b in bases {
            assert!(is_strong_probable_prime(&n, &Uint::from_u64(b)), "base {b}");
        }
        assert!(!miller_rabin(&n, 50, &mut rng));
        assert!(!is_probable_prime(&n, &mut rng));
    }
    // 2047 = 23 * 89 is caught by base 3.
    assert!(!is_strong_probable_prime(&Uint::from_u64(2047), &Uint::from_u64(3)));
    // Bases outside [2, w - 2] are refused.
    assert!(!is_strong_probable_prime(&Uint::from_u64(2047), &Uint::from_u64(2046)));
}

#[test]
fn random_primes_are_prime_with_the_top_bits_set() {
    let mut rng = rng();
    for bits in [16, 17, 63, 64, 65, 128, 200, 256, 512, 1024] {
        let p = random_prime(bits, &mut rng, |_| true).unwrap();
        let pb = big(&p);
        assert_eq!(p.bits_vartime(), bits);
        assert!(pb.bit(bits as u64 - 2));
        // The oracle: Fermat to a few bases (num-bigint has no primality
        // test), and our own test with its fresh random bases.
        for a in [2u8, 3, 5, 7] {
            assert_eq!(BigUint::from(a).modpow(&(&pb - 1u8), &pb), BigUint::one(), "{bits} bits");
        }
        assert!(is_probable_prime(&p, &mut rng));
    }
}

#[test]
fn random_prime_honours_the_extra_check() {
    let mut rng = rng();
    // As RSA key generation would: p = 3 mod 4 and gcd(p - 1, 65537) = 1.
    let mut calls = 0;
    let p = random_prime(128, &mut rng, |c| {
        calls += 1;
        let c = big(c);
        &c % 4u8 == BigUint::from(3u8) && (&c - 1u8) % 65537u32 != BigUint::default()
    })
    .unwrap();
    assert_eq!(big(&p) % 4u8, BigUint::from(3u8));
    assert!(calls >= 1);
    assert_eq!(random_prime(15, &mut rng, |_| true).unwrap_err(), Error::InvalidBitLength);
    assert_eq!(random_prime(64, &mut rng, |_| false).unwrap_err(), Error::PrimeNotFound);
}
