//! Primality testing and random prime generation: trial division by small
//! primes, then the Miller–Rabin test of FIPS 186-5 Appendix B.3.1.
//!
//! Constant time: **no, on purpose, for candidates; mostly yes for the prime
//! that is kept.** A random candidate that fails is thrown away, so how fast
//! it failed (which small prime divided it, which Miller–Rabin round caught
//! it) tells an attacker nothing about the prime eventually returned. For
//! that prime every trial division runs to the end, on residues computed in
//! constant time; the exponentiations use the constant-time
//! [`Modulus::pow`]. What still shows, as in OpenSSL, Go's FIPS module and
//! every other common implementation, is the structure Miller–Rabin
//! branches on: the number `a` of factors 2 in `p - 1` (it sets the length
//! of a loop), and at which squaring each round met `-1`. Those are a few
//! bits about `p` at most, far from the hundreds an attack on RSA needs.

use crate::Error;
use crate::limbs;
use crate::modulus::Modulus;
use crate::uint::Uint;
use subtle::ConstantTimeEq;

/// The odd primes below 1024, for trial division (171 of them).
///
/// Trial division by the primes up to `B` keeps about `1.12 / ln B` of the
/// odd candidates (Mertens' theorem): 16% for `B = 1024`. Going to 2^14
/// would keep 12% but cost more in residues than the Miller–Rabin tests it
/// saves.
const SMALL_PRIMES: [u64; 171] = odd_primes_below_1024();

/// A sieve run by the compiler.
const fn odd_primes_below_1024() -> [u64; 171] {
    let mut out = [0; 171];
    let (mut count, mut n) = (0, 3);
    while n < 1024 {
        let mut d = 3;
        while d * d <= n && n % d != 0 {
            d += 2;
        }
        if d * d > n {
            out[count] = n;
            count += 1;
        }
        n += 2;
    }
    assert!(count == 171);
    out
}

/// The number of Miller–Rabin rounds [`random_prime`] runs on a random
/// candidate of `bits` bits.
///
/// FIPS 186-5 Appendix B.3, Table B.1 ("Minimum number of rounds of M-R
/// testing"), the column for the security strength of the RSA modulus
/// (error probability 2^-112 for 1024-bit primes, 2^-128 for 1536-bit and
/// 2^-144 for 2048-bit): 5 rounds for 1024-bit primes (RSA-2048), 4 for
/// 1536-bit (RSA-3072) and for 2048-bit (RSA-4096) and larger. These
/// small counts rest on the average-case bounds for *random* candidates
/// (Damgård, Landrock and Pomerance 1993), computed as in Appendix C.1.
/// Below 1024 bits, which the table does not cover, we fall back on the
/// worst-case bound: each round passes a composite with probability at
/// most 1/4, so 50 rounds give 2^-100.
pub fn random_prime_rounds(bits: usize) -> usize {
    match bits {
        2048.. => 4,
        1536.. => 4,
        1024.. => 5,
        _ => 50,
    }
}

/// The number of rounds [`is_probable_prime`] runs: 50, the worst-case
/// bound 4^-50 = 2^-100, since a number given to us need not be random (it
/// could be a composite built to pass a few rounds).
pub const ARBITRARY_INPUT_ROUNDS: usize = 50;

/// Whether `w` is probably prime: trial division, then
/// [`ARBITRARY_INPUT_ROUNDS`] rounds of Miller–Rabin with random bases.
/// **Variable time in `w`**: for public numbers (a peer's DH group) or
/// candidates (see the module doc).
pub fn is_probable_prime<R: rand_core::CryptoRng + ?Sized>(w: &Uint, rng: &mut R) -> bool {
    has_no_small_factor(w) && miller_rabin(w, ARBITRARY_INPUT_ROUNDS, rng)
}

/// A random prime of exactly `bits` bits whose two top bits are set (so the
/// product of two such primes has exactly `2 bits` bits, FIPS 186-5
/// Appendix A.1.3 step 4.4) and that `extra_check` accepts. `bits` must be
/// at least 16 ([`Error::InvalidBitLength`]).
///
/// FIPS 186-5 Appendix A.1.3, step 4: draw a random odd candidate with the
/// top bits set; reject it if a small prime divides it, if `extra_check`
/// says no (RSA key generation checks `gcd(p - 1, e) = 1` there, before the
/// expensive test), or if [`random_prime_rounds`] rounds of Miller–Rabin
/// find it composite. After `5 bits` candidates (step 4.7) give up with
/// [`Error::PrimeNotFound`], which happens with probability about
/// `e^-14` without an extra check.
pub fn random_prime<R: rand_core::CryptoRng + ?Sized>(
    bits: usize,
    rng: &mut R,
    mut extra_check: impl FnMut(&Uint) -> bool,
) -> Result<Uint, Error> {
    if bits < 16 {
        return Err(Error::InvalidBitLength);
    }
    let rounds = random_prime_rounds(bits);
    for _ in 0..5 * bits {
        let mut candidate = Uint::random(bits, rng);
        let limbs = candidate.as_limbs_mut();
        limbs[(bits - 1) / 64] |= 1 << ((bits - 1) % 64);
        limbs[(bits - 2) / 64] |= 1 << ((bits - 2) % 64);
        limbs[0] |= 1;
        if has_no_small_factor(&candidate) && extra_check(&candidate) && miller_rabin(&candidate, rounds, rng)
        {
            return Ok(candidate);
        }
    }
    Err(Error::PrimeNotFound)
}

/// Whether no odd prime below 1024 divides `w` (or `w` is one of them).
/// A number with a small factor is rejected at the first one found; a prime
/// goes through all of them, each residue computed in constant time.
pub fn has_no_small_factor(w: &Uint) -> bool {
    for p in SMALL_PRIMES {
        if residue(w, p) == 0 {
            return bool::from(w.ct_eq(&Uint::from_u64(p)));
        }
    }
    true
}

/// `x mod p` for a small prime `p < 2^10`, in constant time: Horner's rule
/// on 32-bit halves, each step `v = r 2^32 + half < 2^42` reduced with
/// Barrett's method (HAC Algorithm 14.42): `q = floor(v mu / 2^64)` with
/// `mu = floor((2^64 - 1) / p)` is `floor(v / p)` or one less, so one masked
/// subtraction finishes it. No division instruction touches `x`.
fn residue(x: &Uint, p: u64) -> u64 {
    let mu = u64::MAX / p;
    let mut r = 0u64;
    for &limb in x.as_limbs().iter().rev() {
        for half in [limb >> 32, limb & 0xffff_ffff] {
            let v = (r << 32) | half;
            let q = ((u128::from(v) * u128::from(mu)) >> 64) as u64;
            let t = v - q * p;
            debug_assert!(t < 2 * p);
            let (d, borrow) = t.overflowing_sub(p);
            let keep = limbs::mask(limbs::choice(u64::from(borrow)));
            r = (t & keep) | (d & !keep);
        }
    }
    r
}

/// Whether `w` passes `rounds` rounds of Miller–Rabin with random bases
/// (FIPS 186-5 Appendix B.3.1). No trial division. Numbers below 5 are
/// answered directly (2 and 3 are prime). **Variable time** in `w`.
pub fn miller_rabin<R: rand_core::CryptoRng + ?Sized>(w: &Uint, rounds: usize, rng: &mut R) -> bool {
    if let Some(answer) = tiny_or_even(w) {
        return answer;
    }
    let test = MillerRabin::new(w);
    for _ in 0..rounds {
        // B.3.1 steps 4.1-4.2: b of wlen random bits, again if b <= 1 or
        // b >= w - 1.
        let b = loop {
            let b = Uint::random(test.wlen, rng).resize_widen(w.limb_len());
            if bool::from(Uint::from_u64(1).ct_lt(&b) & b.ct_lt(&test.w1)) {
                break b;
            }
        };
        if !test.round(&b) {
            return false;
        }
    }
    true
}

/// Whether `w` is a strong probable prime to the given base (one round of
/// Miller–Rabin): true for every prime, and for the strong pseudoprimes to
/// that base, such as 2047 = 23 * 89 to base 2. The base must be in
/// `[2, w - 2]` (else false). **Variable time** in `w`.
pub fn is_strong_probable_prime(w: &Uint, base: &Uint) -> bool {
    if let Some(answer) = tiny_or_even(w) {
        return answer;
    }
    let test = MillerRabin::new(w);
    let Ok(b) = base.resize(w.limb_len()) else { return false };
    if !bool::from(Uint::from_u64(1).ct_lt(&b) & b.ct_lt(&test.w1)) {
        return false;
    }
    test.round(&b)
}

/// The answer for `w < 5` or even `w`, where Miller–Rabin does not apply.
fn tiny_or_even(w: &Uint) -> Option<bool> {
    if w.bits_vartime() <= 3 {
        let v = w.as_limbs().first().copied().unwrap_or(0);
        return Some(v == 2 || v == 3 || v == 5 || v == 7);
    }
    (!bool::from(w.is_odd())).then_some(false)
}

/// What every round needs: B.3.1 steps 1-3.
struct MillerRabin {
    /// The modulus `w`.
    w: Modulus,
    /// `w - 1`.
    w1: Uint,
    /// The odd `m` with `w - 1 = 2^a m`.
    m: Uint,
    /// `a`.
    a: usize,
    /// The bit length of `w`.
    wlen: usize,
}

impl MillerRabin {
    /// Steps 1-3 for an odd `w >= 5`.
    fn new(w: &Uint) -> MillerRabin {
        let modulus = Modulus::new(w).expect("w is odd and above 1");
        let (w1, _) = w.borrowing_sub(&Uint::from_u64(1));
        // Step 1: a = the largest integer such that 2^a divides w - 1.
        let a = (0..).find(|&i| bool::from(w1.bit(i))).expect("w - 1 is not zero");
        // Step 2: m = (w - 1) / 2^a.
        let m = w1.shr(a);
        MillerRabin { wlen: w.bits_vartime(), w: modulus, w1, m, a }
    }

    /// Steps 4.5-4.14 for the base `b`: false if `b` proves `w` composite.
    fn round(&self, b: &Uint) -> bool {
        let one = Uint::from_u64(1);
        // Step 4.5: z = b^m mod w.
        let mut z = self.w.pow(b, &self.m);
        // Step 4.6: if z = 1 or z = w - 1, this round passes.
        if bool::from(z.ct_eq(&one) | z.ct_eq(&self.w1)) {
            return true;
        }
        // Step 4.7: square up to a - 1 times, looking for w - 1.
        for _ in 1..self.a {
            z = self.w.mul(&z, &z);
            if bool::from(z.ct_eq(&self.w1)) {
                return true;
            }
            // 1 without -1 before it: a non-trivial square root of 1.
            if bool::from(z.ct_eq(&one)) {
                return false;
            }
        }
        // Step 4.8: composite.
        false
    }
}
