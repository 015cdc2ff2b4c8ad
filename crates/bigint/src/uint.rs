//! [`Uint`]: an unsigned integer with a public length and a secret value.
//!
//! Constant time: yes in the value, because every operation walks all the
//! limbs of its operands (their number is public, "announced", as in Go's
//! `bigmod.Nat`), and conditions become masks (see `limbs`). Only functions
//! whose name ends in `_vartime` look at the value to decide how long to run.

use crate::Error;
use crate::limbs;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroize;

/// An unsigned integer on little-endian 64-bit limbs.
///
/// The number of limbs is public: it decides how long every operation takes.
/// The value is secret: no branch or memory index depends on it. Two numbers
/// of different lengths may hold the same value; results say what length they
/// have. There is no `PartialEq` (use [`ConstantTimeEq::ct_eq`]) and `Debug`
/// prints the length only. The limbs are wiped when a `Uint` is dropped.
#[derive(Clone)]
pub struct Uint {
    /// Least significant limb first.
    limbs: Vec<u64>,
}

impl Uint {
    /// Zero, on `limbs` limbs.
    pub fn zero(limbs: usize) -> Uint {
        Uint { limbs: vec![0; limbs] }
    }

    /// `v`, on one limb.
    pub fn from_u64(v: u64) -> Uint {
        Uint { limbs: vec![v] }
    }

    /// The number whose limbs, least significant first, are `limbs`.
    pub fn from_limbs(limbs: Vec<u64>) -> Uint {
        Uint { limbs }
    }

    /// The limbs, least significant first.
    pub fn as_limbs(&self) -> &[u64] {
        &self.limbs
    }

    /// The limbs, least significant first, to change in place.
    pub fn as_limbs_mut(&mut self) -> &mut [u64] {
        &mut self.limbs
    }

    /// The number of limbs (public).
    pub fn limb_len(&self) -> usize {
        self.limbs.len()
    }

    /// The big-endian `bytes`, on `ceil(bytes.len() / 8)` limbs (at least one).
    pub fn from_be_bytes(bytes: &[u8]) -> Uint {
        let limbs = bytes.len().div_ceil(8).max(1);
        Uint::from_be_bytes_padded(bytes, limbs).expect("the limbs hold every byte")
    }

    /// The big-endian `bytes` on exactly `limbs` limbs. Leading zero bytes
    /// beyond what the limbs hold are allowed; a value that does not fit is
    /// [`Error::DoesNotFit`] (checked in constant time; the error itself says
    /// the value was too large).
    pub fn from_be_bytes_padded(bytes: &[u8], limbs: usize) -> Result<Uint, Error> {
        let mut out = Uint::zero(limbs);
        let mut overflow = 0u8;
        for (i, &b) in bytes.iter().rev().enumerate() {
            match out.limbs.get_mut(i / 8) {
                Some(limb) => *limb |= u64::from(b) << (8 * (i % 8)),
                None => overflow |= b,
            }
        }
        if bool::from(overflow.ct_eq(&0)) { Ok(out) } else { Err(Error::DoesNotFit) }
    }

    /// The value as `len` big-endian bytes, left-padded with zeros, or
    /// [`Error::DoesNotFit`] if it needs more.
    pub fn to_be_bytes(&self, len: usize) -> Result<Vec<u8>, Error> {
        let mut out = vec![0; len];
        self.write_be_bytes(&mut out)?;
        Ok(out)
    }

    /// Writes the value into all of `out`, big-endian, left-padded with zeros,
    /// or returns [`Error::DoesNotFit`] (and zeros `out`) if it needs more.
    pub fn write_be_bytes(&self, out: &mut [u8]) -> Result<(), Error> {
        let mut overflow = 0u64;
        for (i, &limb) in self.limbs.iter().enumerate() {
            for k in 0..8 {
                let byte = (limb >> (8 * k)) as u8;
                let pos = 8 * i + k;
                match out.len().checked_sub(pos + 1) {
                    Some(j) => out[j] = byte,
                    None => overflow |= u64::from(byte),
                }
            }
        }
        if bool::from(overflow.ct_eq(&0)) {
            Ok(())
        } else {
            out.fill(0);
            Err(Error::DoesNotFit)
        }
    }

    /// The same value on `limbs` limbs: widened with zeros, or narrowed if
    /// the dropped limbs are zero (else [`Error::DoesNotFit`]).
    pub fn resize(&self, limbs: usize) -> Result<Uint, Error> {
        let keep = limbs.min(self.limbs.len());
        if !bool::from(limbs::is_zero(&self.limbs[keep..])) {
            return Err(Error::DoesNotFit);
        }
        let mut out = Uint::zero(limbs);
        out.limbs[..keep].copy_from_slice(&self.limbs[..keep]);
        Ok(out)
    }

    /// A uniformly random number below 2^`bits`, on `ceil(bits / 64)` limbs
    /// (at least one).
    pub fn random<R: rand_core::CryptoRng + ?Sized>(bits: usize, rng: &mut R) -> Uint {
        let mut out = Uint::zero(bits.div_ceil(64).max(1));
        for limb in out.limbs.iter_mut() {
            *limb = rng.next_u64();
        }
        if !bits.is_multiple_of(64) {
            let last = out.limbs.len() - 1;
            out.limbs[last] &= (1 << (bits % 64)) - 1;
        }
        if bits == 0 {
            out.limbs[0] = 0;
        }
        out
    }

    /// The position of the highest set bit plus one (0 for zero).
    /// **Variable time**: for public values only (a modulus, an exponent).
    pub fn bits_vartime(&self) -> usize {
        match self.limbs.iter().rposition(|&l| l != 0) {
            Some(i) => 64 * i + 64 - self.limbs[i].leading_zeros() as usize,
            None => 0,
        }
    }

    /// Bit `i` (a public position; false beyond the limbs).
    pub fn bit(&self, i: usize) -> Choice {
        let limb = self.limbs.get(i / 64).copied().unwrap_or(0);
        limbs::choice((limb >> (i % 64)) & 1)
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> Choice {
        limbs::is_zero(&self.limbs)
    }

    /// Whether the value is odd.
    pub fn is_odd(&self) -> Choice {
        self.bit(0)
    }

    /// Whether `self < other` (the lengths may differ).
    pub fn ct_lt(&self, other: &Uint) -> Choice {
        limbs::lt(&self.limbs, &other.limbs)
    }

    /// `b` where `choice` is set, else `a`. Panics if the lengths differ.
    pub fn conditional_select(a: &Uint, b: &Uint, choice: Choice) -> Uint {
        let mut out = a.clone();
        out.conditional_assign(b, choice);
        out
    }

    /// Sets `self` to `other` where `choice` is set. Panics if the lengths
    /// differ.
    pub fn conditional_assign(&mut self, other: &Uint, choice: Choice) {
        assert_eq!(self.limbs.len(), other.limbs.len(), "conditional_assign: lengths differ");
        limbs::select_assign(&mut self.limbs, &other.limbs, limbs::mask(choice));
    }

    /// Swaps `a` and `b` where `choice` is set. Panics if the lengths differ.
    pub fn conditional_swap(a: &mut Uint, b: &mut Uint, choice: Choice) {
        assert_eq!(a.limbs.len(), b.limbs.len(), "conditional_swap: lengths differ");
        limbs::cond_swap(&mut a.limbs, &mut b.limbs, limbs::mask(choice));
    }

    /// `self + rhs` on as many limbs as the longer operand, and the carry out.
    pub fn carrying_add(&self, rhs: &Uint) -> (Uint, Choice) {
        let (long, short) = if self.limbs.len() >= rhs.limbs.len() { (self, rhs) } else { (rhs, self) };
        let mut out = long.clone();
        let carry = limbs::add_assign(&mut out.limbs, &short.limbs);
        (out, limbs::choice(carry))
    }

    /// `self - rhs` modulo 2^(64 * limbs), on as many limbs as the longer
    /// operand, and the borrow out (set when `rhs > self`).
    pub fn borrowing_sub(&self, rhs: &Uint) -> (Uint, Choice) {
        let mut out = self.resize_widen(rhs.limbs.len());
        let mut r = rhs.resize_widen(self.limbs.len());
        let borrow = limbs::sub_assign(&mut out.limbs, &r.limbs);
        r.limbs.zeroize();
        (out, limbs::choice(borrow))
    }

    /// The full product, on `self.limb_len() + rhs.limb_len()` limbs
    /// (schoolbook: one row `self * rhs[j]` per limb of `rhs`).
    pub fn mul(&self, rhs: &Uint) -> Uint {
        let n = self.limbs.len();
        let mut out = Uint::zero(n + rhs.limbs.len());
        for (j, &b) in rhs.limbs.iter().enumerate() {
            let mut c = 0;
            for (i, &a) in self.limbs.iter().enumerate() {
                (out.limbs[i + j], c) = limbs::mac(out.limbs[i + j], a, b, c);
            }
            out.limbs[n + j] = c;
        }
        out
    }

    /// `self >> shift`, same length. The shift amount is public; the time does
    /// not depend on the value.
    pub fn shr(&self, shift: usize) -> Uint {
        let (limbs_off, bits) = (shift / 64, shift % 64);
        let mut out = Uint::zero(self.limbs.len());
        for (i, o) in out.limbs.iter_mut().enumerate() {
            let lo = self.limbs.get(i + limbs_off).copied().unwrap_or(0);
            let hi = self.limbs.get(i + limbs_off + 1).copied().unwrap_or(0);
            *o = if bits == 0 { lo } else { (lo >> bits) | (hi << (64 - bits)) };
        }
        out
    }

    /// The quotient and remainder of `self / d`: the quotient on
    /// `self.limb_len()` limbs, the remainder on `d.limb_len()` limbs.
    /// [`Error::DivisionByZero`] if `d` is zero.
    ///
    /// Constant time in both values: restoring binary long division, one
    /// step per bit of `self` (Knuth, TAOCP vol. 2, §4.3.1), each step a
    /// shift, a trial subtraction and a masked select. It costs
    /// `64 * self.limb_len()` passes over `d`: meant for key generation
    /// (`d mod (p - 1)`, an lcm), not for hot paths, which use
    /// [`crate::Modulus::reduce`].
    pub fn div_rem(&self, d: &Uint) -> Result<(Uint, Uint), Error> {
        if bool::from(d.is_zero()) {
            return Err(Error::DivisionByZero);
        }
        let nd = d.limbs.len();
        let mut dd = d.resize_widen(nd + 1);
        let mut q = Uint::zero(self.limbs.len());
        // r < d always, so 2r + 1 < 2d fits in nd + 1 limbs.
        let mut r = Uint::zero(nd + 1);
        let mut diff = Uint::zero(nd + 1);
        for i in (0..64 * self.limbs.len()).rev() {
            limbs::shl1(&mut r.limbs);
            r.limbs[0] |= (self.limbs[i / 64] >> (i % 64)) & 1;
            diff.limbs.copy_from_slice(&r.limbs);
            let borrow = limbs::sub_assign(&mut diff.limbs, &dd.limbs);
            let ge = borrow ^ 1;
            limbs::select_assign(&mut r.limbs, &diff.limbs, limbs::mask(limbs::choice(ge)));
            q.limbs[i / 64] |= ge << (i % 64);
        }
        dd.limbs.zeroize();
        let rem = r.resize(nd).expect("the remainder is below d");
        Ok((q, rem))
    }

    /// The same value on `max(limbs, self.limb_len())` limbs.
    pub(crate) fn resize_widen(&self, limbs: usize) -> Uint {
        let mut out = Uint::zero(limbs.max(self.limbs.len()));
        out.limbs[..self.limbs.len()].copy_from_slice(&self.limbs);
        out
    }
}

impl ConstantTimeEq for Uint {
    /// Equal values, whatever the lengths.
    fn ct_eq(&self, other: &Uint) -> Choice {
        limbs::eq(&self.limbs, &other.limbs)
    }
}

impl core::fmt::Debug for Uint {
    /// Prints the length only: the value is secret.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Uint({} limbs)", self.limbs.len())
    }
}

impl Zeroize for Uint {
    fn zeroize(&mut self) {
        self.limbs.zeroize();
    }
}

impl Drop for Uint {
    fn drop(&mut self) {
        self.limbs.zeroize();
    }
}
