//! Modular inversion, gcd and lcm, all in constant time.
//!
//! Constant time: yes. Every loop runs a number of times fixed by public
//! lengths (the bit length of an odd modulus, or the limb lengths of the
//! operands), and each step is a fixed sequence of full-length subtractions,
//! shifts and masked swaps and selects.
//!
//! - [`Modulus::inv`]: `x^-1 mod m` for odd `m`, by the binary extended
//!   Euclidean algorithm in the constant-time form of Bos, "Constant Time
//!   Modular Inversion" (J. Cryptographic Engineering, 2014), Algorithm 1.
//!   It costs `2 * bits(m)` steps of a few passes over the limbs, so it is
//!   quadratic with a large constant: about ten times a multiplication per
//!   bit. Pornin's "Optimized Binary GCD for Modular Inversion" (2020) would
//!   do the same work on 62-bit approximations and be several times faster.
//! - [`gcd`] and [`lcm`] for numbers of any parity (RSA key generation's
//!   `lcm(p - 1, q - 1)`).
//! - [`inv_small_odd_mod`]: `e^-1 mod λ` for a small public odd `e` and a
//!   secret modulus of any parity (RSA's private exponent `d`), which the
//!   odd-modulus algorithm cannot do directly.

use crate::limbs;
use crate::modulus::Modulus;
use crate::uint::Uint;
use subtle::{Choice, ConstantTimeEq, CtOption};
use zeroize::Zeroize;

impl Modulus {
    /// `x^-1 mod m`, or none if `gcd(x, m) != 1` (for instance `x = 0`).
    /// `x` is an element modulo `m` (same length, below `m`).
    ///
    /// Invariants (Bos 2014, Algorithm 1): `a = u x` and `b = v x (mod m)`,
    /// and `b` is odd. Each step, if `a` is odd, makes `a >= b` by swapping
    /// (with `u` and `v`) and subtracts `b` from `a` and `v` from `u`; then
    /// halves `a` and `u` (modulo `m`: `u / 2 = (u + m) / 2` if `u` is odd).
    /// Each step shortens `a` or `b` by a bit, so after `2 bits(m)` steps
    /// `a = 0` and `b = gcd(x, m)`; if that is 1, `v` is the inverse.
    pub fn inv(&self, x: &Uint) -> CtOption<Uint> {
        let (v, found) = self.inv_or_garbage(x);
        CtOption::new(v, found)
    }

    /// [`Modulus::inv`]'s value whether or not it is an inverse, and whether
    /// it is: callers that go on computing with it in constant time need the
    /// value without a branch.
    pub(crate) fn inv_or_garbage(&self, x: &Uint) -> (Uint, Choice) {
        self.check(x);
        let m = self.as_uint().as_limbs();
        let mut a = x.clone();
        let mut b = self.as_uint().clone();
        let mut u = Uint::from_u64(1).resize_widen(self.limbs());
        let mut v = Uint::zero(self.limbs());
        for _ in 0..2 * self.bits() {
            let odd = limbs::mask(a.is_odd());
            let swap = odd & limbs::mask(a.ct_lt(&b));
            limbs::cond_swap(a.as_limbs_mut(), b.as_limbs_mut(), swap);
            limbs::cond_swap(u.as_limbs_mut(), v.as_limbs_mut(), swap);
            // a >= b now if a is odd, so this cannot borrow.
            limbs::cond_sub(a.as_limbs_mut(), b.as_limbs(), odd);
            let borrow = limbs::cond_sub(u.as_limbs_mut(), v.as_limbs(), odd);
            limbs::cond_add(u.as_limbs_mut(), m, limbs::mask(limbs::choice(borrow)));
            limbs::shr1(a.as_limbs_mut(), 0);
            halve_mod(&mut u, m);
        }
        let found = b.ct_eq(&Uint::from_u64(1));
        a.zeroize();
        b.zeroize();
        u.zeroize();
        (v, found)
    }
}

/// `u = u / 2 mod m` for odd `m` and `u < m`: `u / 2` if `u` is even, else
/// `(u + m) / 2`, the carry of `u + m` shifted back in at the top.
fn halve_mod(u: &mut Uint, m: &[u64]) {
    let odd = limbs::mask(u.is_odd());
    let carry = limbs::cond_add(u.as_limbs_mut(), m, odd);
    limbs::shr1(u.as_limbs_mut(), carry);
}

/// `gcd(x, y)` for any values (`gcd(0, y) = y`), on the longer operand's
/// length. Constant time: the step counts depend on the lengths only.
///
/// Stein's binary gcd made branch-free: first shift both right while both
/// are even, counting the shifts `k` (one masked step per bit position);
/// then make `b` the odd one and run the steps of [`Modulus::inv`] without
/// `u` and `v`; the answer is `b 2^k`, shifted back one masked step per bit
/// position.
pub fn gcd(x: &Uint, y: &Uint) -> Uint {
    let len = x.limb_len().max(y.limb_len());
    let bits = 64 * len;
    let mut a = x.resize_widen(len);
    let mut b = y.resize_widen(len);
    let mut k = 0u64;
    for _ in 0..bits {
        let both_even = !a.is_odd() & !b.is_odd();
        let shift = limbs::mask(both_even);
        shr1_masked(&mut a, shift);
        shr1_masked(&mut b, shift);
        k += shift & 1;
    }
    let b_even = !b.is_odd();
    Uint::conditional_swap(&mut a, &mut b, b_even);
    for _ in 0..2 * bits {
        let odd = limbs::mask(a.is_odd());
        let swap = odd & limbs::mask(a.ct_lt(&b));
        limbs::cond_swap(a.as_limbs_mut(), b.as_limbs_mut(), swap);
        limbs::cond_sub(a.as_limbs_mut(), b.as_limbs(), odd);
        limbs::shr1(a.as_limbs_mut(), 0);
    }
    for i in 0..bits as u64 {
        // Shift while i < k: the borrow of i - k.
        let shift = limbs::choice(u64::from(i.overflowing_sub(k).1));
        let mut shifted = b.clone();
        limbs::shl1(shifted.as_limbs_mut());
        b.conditional_assign(&shifted, shift);
    }
    a.zeroize();
    k.zeroize();
    b
}

/// `x >>= 1` where the mask is set.
fn shr1_masked(x: &mut Uint, mask: u64) {
    let mut shifted = x.clone();
    limbs::shr1(shifted.as_limbs_mut(), 0);
    limbs::select_assign(x.as_limbs_mut(), shifted.as_limbs(), mask);
}

/// `lcm(x, y) = x (y / gcd(x, y))`, on `x.limb_len() + y.limb_len()` limbs;
/// 0 if either is 0. Constant time (the division is [`Uint::div_rem`]).
pub fn lcm(x: &Uint, y: &Uint) -> Uint {
    let mut g = gcd(x, y);
    // gcd(0, 0) = 0; divide by 1 instead, the product is 0 anyway.
    let zero = g.is_zero();
    g.conditional_assign(&Uint::from_u64(1).resize_widen(g.limb_len()), zero);
    let (y_over_g, _) = y.div_rem(&g).expect("the divisor is not zero");
    x.mul(&y_over_g)
}

/// `d = e^-1 mod m` for a small, public, odd `e > 1` and a secret `m > 1` of
/// any parity, on `m.limb_len()` limbs; none if `gcd(e, m) != 1` (or `e` is
/// even or below 3). RSA key generation calls it with `m = λ(n) =
/// lcm(p - 1, q - 1)`, which is even, so [`Modulus::inv`] cannot be used
/// modulo `m`; but `e` is odd, so we can invert modulo `e` instead.
///
/// With `k = -m^-1 mod e`, `1 + m k` is divisible by `e`, and `d = (1 + m
/// k) / e` satisfies `d e = 1 + m k = 1 (mod m)` and `d < m`. Computing `m
/// mod e` and its inverse uses the constant-time [`Modulus::reduce`] and
/// [`Modulus::inv`] modulo `e`; the division by `e` is exact, so it is done
/// by multiplying by `e^-1 mod 2^64` (Hensel division), without a division
/// instruction.
pub fn inv_small_odd_mod(e: u64, m: &Uint) -> CtOption<Uint> {
    // Modulus::new refuses an even e or e = 1.
    let Ok(me) = Modulus::new(&Uint::from_u64(e)) else {
        return CtOption::new(Uint::zero(m.limb_len()), Choice::from(0));
    };
    let r = me.reduce(m);
    let (r_inv, found) = me.inv_or_garbage(&r);
    let k = me.neg(&r_inv);
    let (mut x, _) = m.mul(&k).carrying_add(&Uint::from_u64(1));
    let mut q = limbs::div_exact_u64(x.as_limbs(), e);
    x.zeroize();
    // d < m: its limbs beyond m's length are zero (when found).
    let d = Uint::from_limbs(q[..m.limb_len()].to_vec());
    q.zeroize();
    CtOption::new(d, found & !m.ct_lt(&Uint::from_u64(2)))
}
