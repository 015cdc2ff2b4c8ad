//! RSA keys, key generation, and the raw RSA operations (RFC 8017 §3, §5).
//!
//! The private operation uses the Chinese Remainder Theorem (§5.1.2 step 2b),
//! about four times faster than one exponentiation by `d`, and two defences:
//!
//! - **Blinding.** The input is multiplied by `r^e` for a random `r` before
//!   exponentiation and the result by `r^-1` after, so the numbers the
//!   exponentiation sees are unrelated to the attacker's ciphertext (Kocher,
//!   1996). Our exponentiation is already constant time; blinding is the
//!   second wall. Computing `r^-1` costs more than a signature, so, as
//!   OpenSSL does, a pair `(r^e, r^-1)` is squared into the next pair after
//!   each use and drawn afresh every [`BLINDING_REFRESH`] uses.
//! - **Checking the result.** A fault in one CRT half (a glitch, a bit flip)
//!   gives a signature `s` that is right modulo one prime and wrong modulo the
//!   other, and `gcd(s^e - m, n)` then factors `n` (Boneh, DeMillo and
//!   Lipton, 1997). So `s^e mod n` is compared with the input before `s`
//!   leaves; a mismatch is an error and `s` is wiped.

use padlock_bigint::{Modulus, Uint, gcd, inv_small_odd_mod, lcm, random_prime};
use rand_core::CryptoRng;
use subtle::{ConstantTimeEq, CtOption};
use zeroize::{Zeroize, Zeroizing};

use std::sync::{Mutex, PoisonError};

use crate::Error;
use crate::lab::{Switch, Switches};

/// How many private operations share one chain of blinding pairs.
pub(crate) const BLINDING_REFRESH: u32 = 32;

/// The public exponent Padlock generates keys with (FIPS 186-5 §A.1.1 allows
/// any odd 2^16 < e < 2^256; 65537 is what everyone uses).
pub const DEFAULT_EXPONENT: u64 = 65537;

/// An RSA public key `(n, e)` (RFC 8017 §3.1).
#[derive(Clone, Debug)]
pub struct RsaPublicKey {
    n: Modulus,
    e: u64,
}

/// An RSA private key with its CRT values (RFC 8017 §3.2, second form).
///
/// `d`, `p`, `q`, `dP`, `dQ` and `qInv` are secret: there is no `Debug` that
/// prints them and no `Clone`; every `Uint` wipes itself on drop.
pub struct RsaPrivateKey {
    public: RsaPublicKey,
    d: Uint,
    p: Modulus,
    q: Modulus,
    dp: Uint,
    dq: Uint,
    /// `q^-1 mod p`, on `p`'s limbs.
    qinv: Uint,
    /// The current blinding pair, shared by threads using the key.
    blinding: Mutex<Option<Blinding>>,
    /// The labs' switches ([`crate::lab`]): none, except in a lab.
    switches: Switches,
}

/// A blinding pair `(r^e mod n, r^-1 mod n)` and how often it has been used.
struct Blinding {
    r_e: Uint,
    r_inv: Uint,
    uses: u32,
}

/// What key generation reports as it goes (for a progress indicator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeygenProgress {
    /// A random candidate passed trial division and is being tested.
    Candidate,
    /// The first prime, p, was found.
    FoundP,
    /// The second prime, q, was found.
    FoundQ,
    /// The pair was rejected (p and q too close, or d too small); starting again.
    Retry,
}

impl RsaPublicKey {
    /// The key `(n, e)`, given as big-endian bytes and a small exponent.
    /// Refuses moduli below 1024 bits or even, and exponents that are even or
    /// below 3 (RFC 8017 §3.1 requires `3 <= e <= n - 1`, odd).
    pub fn new(n: &[u8], e: u64) -> Result<RsaPublicKey, Error> {
        let n = Uint::from_be_bytes(strip_zeros(n));
        // n is public: its Montgomery constant may be computed in variable time.
        let n = Modulus::new_public(&n).map_err(|_| Error::InvalidKey("the modulus must be odd"))?;
        if n.bits() < 1024 {
            return Err(Error::InvalidKey("the modulus must have at least 1024 bits"));
        }
        if e < 3 || e.is_multiple_of(2) {
            return Err(Error::InvalidKey("the public exponent must be odd and at least 3"));
        }
        Ok(RsaPublicKey { n, e })
    }

    /// The modulus length in bytes: `k` of RFC 8017.
    pub fn size(&self) -> usize {
        self.n.bits().div_ceil(8)
    }

    /// The modulus length in bits.
    pub fn bits(&self) -> usize {
        self.n.bits()
    }

    /// The modulus `n`, big-endian, `size()` bytes.
    pub fn n_bytes(&self) -> Vec<u8> {
        self.n.as_uint().to_be_bytes(self.size()).expect("n fits in its own length")
    }

    /// The public exponent `e`.
    pub fn e(&self) -> u64 {
        self.e
    }

    /// RFC 8017 §5.1.1 RSAEP / §5.2.2 RSAVP1: `m^e mod n` on `k`-byte strings.
    /// [`Error::OutOfRange`] if the input, as a number, is not below `n`.
    pub(crate) fn raw_public(&self, input: &[u8]) -> Result<Vec<u8>, Error> {
        let x = self.to_element(input)?;
        let y = self.n.pow_vartime(&x, &self.e.to_be_bytes());
        Ok(y.to_be_bytes(self.size()).expect("below n"))
    }

    /// A `k`-byte string as a number below `n`, on `n`'s limbs.
    fn to_element(&self, input: &[u8]) -> Result<Uint, Error> {
        if input.len() != self.size() {
            return Err(Error::OutOfRange);
        }
        let x = Uint::from_be_bytes_padded(input, self.n.limbs()).map_err(|_| Error::OutOfRange)?;
        if !bool::from(x.ct_lt(self.n.as_uint())) {
            return Err(Error::OutOfRange);
        }
        Ok(x)
    }
}

impl RsaPrivateKey {
    /// Generates a key of `bits` bits (2048, 3072 or 4096; 1024 only for
    /// tests that need speed) with `e = 65537`, per FIPS 186-5 Appendix A.1.3:
    /// p and q of `bits / 2` bits with their top two bits set (so n has
    /// exactly `bits` bits), `gcd(e, p - 1) = gcd(e, q - 1) = 1`,
    /// `|p - q| > 2^(bits/2 - 100)`, `d = e^-1 mod lcm(p - 1, q - 1)` with
    /// `d > 2^(bits/2)`.
    pub fn generate<R: CryptoRng + ?Sized>(
        bits: usize,
        rng: &mut R,
        progress: &mut dyn FnMut(KeygenProgress),
    ) -> Result<RsaPrivateKey, Error> {
        if !matches!(bits, 1024 | 2048 | 3072 | 4096) {
            return Err(Error::InvalidKey("key sizes are 2048, 3072 or 4096 bits (1024 for tests)"));
        }
        let e = DEFAULT_EXPONENT;
        loop {
            let p = random_prime(bits / 2, rng, |candidate| {
                progress(KeygenProgress::Candidate);
                minus_one_coprime_to(candidate, e)
            })
            .map_err(Error::Bigint)?;
            progress(KeygenProgress::FoundP);
            let q = random_prime(bits - bits / 2, rng, |candidate| {
                progress(KeygenProgress::Candidate);
                minus_one_coprime_to(candidate, e)
            })
            .map_err(Error::Bigint)?;
            progress(KeygenProgress::FoundQ);
            match RsaPrivateKey::from_primes(&p, &q, e, bits) {
                Ok(key) => return Ok(key),
                Err(Error::InvalidKey(_)) => progress(KeygenProgress::Retry),
                Err(other) => return Err(other),
            }
        }
    }

    /// Builds the key from its primes, checking the FIPS 186-5 conditions
    /// that `generate` relies on. (For keys read from files, which are
    /// checked differently, see [`RsaPrivateKey::from_components`].)
    fn from_primes(p: &Uint, q: &Uint, e: u64, bits: usize) -> Result<RsaPrivateKey, Error> {
        // |p - q| > 2^(bits/2 - 100): the difference has more than that many bits.
        let (diff, borrow) = p.borrowing_sub(q);
        let (neg, _) = q.borrowing_sub(p);
        let mut distance = diff;
        distance.conditional_assign(&neg, borrow);
        if distance.bits_vartime() <= bits / 2 - 100 {
            return Err(Error::InvalidKey("p and q are too close"));
        }
        let one = Uint::from_u64(1);
        let lambda = lcm(&p.borrowing_sub(&one).0, &q.borrowing_sub(&one).0);
        let d = Option::<Uint>::from(inv_small_odd_mod(e, &lambda))
            .ok_or(Error::InvalidKey("e is not invertible modulo lcm(p - 1, q - 1)"))?;
        if d.bits_vartime() <= bits / 2 {
            return Err(Error::InvalidKey("d is too small"));
        }
        let n = p.mul(q);
        RsaPrivateKey::from_components(&n.to_be_bytes(bits / 8).map_err(Error::Bigint)?, e, &d, p, q)
    }

    /// The key from `n`, `e`, `d`, `p` and `q` (as read from a key file); the
    /// CRT values are recomputed. Checks that `n = p q` and that `d` inverts
    /// `e`: a key that fails is refused rather than used.
    pub fn from_components(n: &[u8], e: u64, d: &Uint, p: &Uint, q: &Uint) -> Result<RsaPrivateKey, Error> {
        let public = RsaPublicKey::new(n, e)?;
        let product = p.mul(q);
        if !bool::from(product.ct_eq(public.n.as_uint())) {
            return Err(Error::InvalidKey("n is not p times q"));
        }
        let pm = Modulus::new(p).map_err(|_| Error::InvalidKey("p must be odd"))?;
        let qm = Modulus::new(q).map_err(|_| Error::InvalidKey("q must be odd"))?;
        let one = Uint::from_u64(1);
        // dP = d mod (p - 1), dQ = d mod (q - 1): even moduli, so long division.
        let dp = d.div_rem(&p.borrowing_sub(&one).0).map_err(Error::Bigint)?.1.resize(pm.limbs());
        let dq = d.div_rem(&q.borrowing_sub(&one).0).map_err(Error::Bigint)?.1.resize(qm.limbs());
        let (dp, dq) = (dp.map_err(Error::Bigint)?, dq.map_err(Error::Bigint)?);
        let qinv = Option::<Uint>::from(pm.inv(&pm.reduce(q)))
            .ok_or(Error::InvalidKey("q is not invertible mod p"))?;
        let d = d.resize(public.n.limbs()).map_err(|_| Error::InvalidKey("d is larger than n"))?;
        let key = RsaPrivateKey {
            public,
            d,
            p: pm,
            q: qm,
            dp,
            dq,
            qinv,
            blinding: Mutex::new(None),
            switches: Switches::NONE,
        };
        key.check_consistency()?;
        Ok(key)
    }

    /// A sign-and-verify round trip on a fixed value: catches a `d` that does
    /// not invert `e` (RFC 8017 §3.2 requires `e d = 1 mod λ(n)`).
    fn check_consistency(&self) -> Result<(), Error> {
        let mut x = vec![0u8; self.public.size()];
        x[self.public.size() - 1] = 2;
        let y = self.raw_private_unblinded(&self.public.to_element(&x)?);
        let back = self.public.n.pow_vartime(&y, &self.public.e.to_be_bytes());
        if bool::from(back.ct_eq(&self.public.to_element(&x)?)) {
            Ok(())
        } else {
            Err(Error::InvalidKey("d does not match e"))
        }
    }

    /// The public half.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.public
    }

    /// The labs' switches this key obeys: [`Switches::NONE`] for every key
    /// made by this crate.
    pub fn lab_switches(&self) -> Switches {
        self.switches
    }

    /// Makes this key obey the labs' `switches` ([`crate::lab`]): for the
    /// labs only, with the feature `lab-switches`.
    #[cfg(feature = "lab-switches")]
    pub fn set_lab_switches(&mut self, switches: Switches) {
        self.switches = switches;
    }

    /// The private exponent `d`, big-endian on `k` bytes (secret: for key
    /// files; wiped when dropped).
    pub fn d_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.d.to_be_bytes(self.public.size()).expect("d < n"))
    }

    /// `p`, `q`, `dP`, `dQ` and `qInv`, big-endian, minimal length (secret: for
    /// key files; wiped when dropped).
    pub fn crt_bytes(&self) -> [Zeroizing<Vec<u8>>; 5] {
        let bytes = |x: &Uint| Zeroizing::new(x.to_be_bytes(8 * x.limb_len()).expect("fits its own length"));
        [
            bytes(self.p.as_uint()),
            bytes(self.q.as_uint()),
            bytes(&self.dp),
            bytes(&self.dq),
            bytes(&self.qinv),
        ]
    }

    /// RFC 8017 §5.1.2 RSADP / §5.2.1 RSASP1 with blinding and the result
    /// check: `input^d mod n` on `k`-byte strings. For a decryption the
    /// result is the secret encoded message, so it comes in a buffer that is
    /// wiped when dropped.
    pub(crate) fn raw_private<R: CryptoRng + ?Sized>(
        &self,
        input: &[u8],
        rng: &mut R,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let n = &self.public.n;
        let c = self.public.to_element(input)?;
        let (r_e, r_inv) = self.next_blinding(rng);
        let blinded = n.mul(&c, &r_e);
        let mut m_blinded = self.raw_private_unblinded(&blinded);
        // LAB SWITCH: CorruptCrtHalf — a glitch in the half mod p: adding q leaves the result right mod q only.
        if self.switches.is_on(Switch::CorruptCrtHalf) {
            m_blinded = n.add(&m_blinded, &n.reduce(self.q.as_uint()));
        }
        let mut m = n.mul(&m_blinded, &r_inv);
        m_blinded.zeroize();
        // The fault check: m^e must give back c, modulo p and modulo q (which
        // is the same as modulo n, by the CRT, at a quarter of the cost).
        let e = self.public.e.to_be_bytes();
        let mut back_ok = subtle::Choice::from(1);
        for prime in [&self.p, &self.q] {
            let back = prime.pow_vartime(&prime.reduce(&m), &e);
            back_ok &= back.ct_eq(&prime.reduce(&c));
        }
        // LAB SWITCH: SkipFaultCheck — a wrong result leaves unchecked.
        if !bool::from(back_ok) && !self.switches.is_on(Switch::SkipFaultCheck) {
            m.zeroize();
            return Err(Error::Fault);
        }
        Ok(Zeroizing::new(m.to_be_bytes(self.public.size()).expect("below n")))
    }

    /// The next blinding pair: the previous one squared — `(r^2)^e = (r^e)^2`
    /// and `(r^2)^-1 = (r^-1)^2` — or, every `BLINDING_REFRESH` uses, a fresh
    /// random `r` with an inverse mod n (all but a negligible fraction of r
    /// have one; draw again otherwise).
    fn next_blinding<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> (Uint, Uint) {
        let n = &self.public.n;
        // A panic elsewhere while holding the lock leaves a usable pair or None.
        let mut slot = self.blinding.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(b) = slot.as_mut().filter(|b| b.uses < BLINDING_REFRESH) {
            b.r_e = n.mul(&b.r_e, &b.r_e);
            b.r_inv = n.mul(&b.r_inv, &b.r_inv);
            b.uses += 1;
            return (b.r_e.clone(), b.r_inv.clone());
        }
        let (r, r_inv) = loop {
            let r = n.reduce(&Uint::random(n.bits() + 64, rng));
            if let Some(r_inv) = Option::<Uint>::from(self.inv_mod_n(&r)) {
                break (r, r_inv);
            }
        };
        let r_e = n.pow_vartime(&r, &self.public.e.to_be_bytes());
        *slot = Some(Blinding { r_e: r_e.clone(), r_inv: r_inv.clone(), uses: 1 });
        (r_e, r_inv)
    }

    /// §5.1.2 step 2b, the CRT: `m1 = c^dP mod p`, `m2 = c^dQ mod q`,
    /// `h = qInv (m1 - m2) mod p`, `m = m2 + q h`.
    fn raw_private_unblinded(&self, c: &Uint) -> Uint {
        self.crt_pow(c, &self.dp, &self.dq)
    }

    /// `r^-1 mod n`, or none if `r` shares a factor with `n`: by Fermat's
    /// little theorem `r^(p-2) = r^-1 mod p` and `r^(q-2) = r^-1 mod q`,
    /// joined by the CRT (RFC 8017 §5.1.2 step 2b), then checked. Two
    /// exponentiations modulo the primes cost a quarter of the constant-time
    /// binary inversion modulo `n` (`Modulus::inv`), and this runs every
    /// [`BLINDING_REFRESH`] private operations.
    fn inv_mod_n(&self, r: &Uint) -> CtOption<Uint> {
        let two = Uint::from_u64(2);
        let (p_minus_2, _) = self.p.as_uint().borrowing_sub(&two);
        let (q_minus_2, _) = self.q.as_uint().borrowing_sub(&two);
        let r_inv = self.crt_pow(r, &p_minus_2, &q_minus_2);
        let n = &self.public.n;
        let one = Uint::from_u64(1).resize(n.limbs()).expect("1 fits");
        CtOption::new(r_inv.clone(), n.mul(r, &r_inv).ct_eq(&one))
    }

    /// `x` with `x = c^ep mod p` and `x = c^eq mod q`, below `n`: the two
    /// exponentiations of the CRT and Garner's recombination
    /// `h = qInv (m1 - m2) mod p`, `x = m2 + q h` (§5.1.2 step 2b).
    fn crt_pow(&self, c: &Uint, ep: &Uint, eq: &Uint) -> Uint {
        let (p, q) = (&self.p, &self.q);
        let m1 = p.pow(&p.reduce(c), ep);
        let m2 = q.pow(&q.reduce(c), eq);
        let h = p.mul(&self.qinv, &p.sub(&m1, &p.reduce(&m2)));
        let (m, _) = q.as_uint().mul(&h).carrying_add(&m2);
        m.resize(self.public.n.limbs()).expect("m < n")
    }
}

impl core::fmt::Debug for RsaPrivateKey {
    /// The public half only.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaPrivateKey").field("bits", &self.public.bits()).field("e", &self.public.e).finish()
    }
}

/// `gcd(candidate - 1, e) = 1` (FIPS 186-5 A.1.3 step 4.5), checked on
/// each prime candidate before the expensive Miller–Rabin rounds.
fn minus_one_coprime_to(candidate: &Uint, e: u64) -> bool {
    let (minus_one, _) = candidate.borrowing_sub(&Uint::from_u64(1));
    bool::from(gcd(&minus_one, &Uint::from_u64(e)).ct_eq(&Uint::from_u64(1)))
}

/// `bytes` without leading zero bytes.
fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn inverse_through_the_primes_matches_the_binary_one() {
        let mut rng = StdRng::seed_from_u64(5);
        let key = RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).unwrap();
        let n = &key.public.n;
        for _ in 0..8 {
            let r = n.reduce(&Uint::random(n.bits() + 64, &mut rng));
            let ours = Option::<Uint>::from(key.inv_mod_n(&r)).unwrap();
            let binary = Option::<Uint>::from(n.inv(&r)).unwrap();
            assert!(bool::from(ours.ct_eq(&binary)));
        }
        // A multiple of p has no inverse modulo n.
        let p_times_3 = n.reduce(&key.p.as_uint().mul(&Uint::from_u64(3)));
        assert!(bool::from(key.inv_mod_n(&p_times_3).is_none()));
        // Past several refreshes of the blinding pair, signatures still pass
        // the fault check (a wrong r^-1 would fail it).
        let input = vec![7u8; key.public.size()];
        for _ in 0..2 * BLINDING_REFRESH + 3 {
            key.raw_private(&input, &mut rng).unwrap();
        }
    }

    #[test]
    fn a_fault_in_one_crt_half_is_caught() {
        // A wrong dP stands for a glitch in the exponentiation modulo p:
        // the result is right modulo q only, and must not leave.
        let mut rng = StdRng::seed_from_u64(6);
        let mut key = RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).unwrap();
        let input = vec![9u8; key.public.size()];
        assert!(key.raw_private(&input, &mut rng).is_ok());
        key.dp.as_limbs_mut()[0] ^= 2;
        assert_eq!(key.raw_private(&input, &mut rng), Err(Error::Fault));
    }
}
