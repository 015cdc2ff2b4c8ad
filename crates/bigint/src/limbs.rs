//! Arithmetic on little-endian slices of 64-bit limbs: the building blocks
//! every other module uses.
//!
//! Constant time: yes, because every function here walks all the limbs it is
//! given, whatever their values, and turns conditions into masks (all ones or
//! all zeros) instead of branches. Masks are made from a [`subtle::Choice`],
//! whose value the compiler cannot see through, so it cannot turn
//! `x & mask | y & !mask` back into a branch.
//!
//! Slice lengths are public: a loop bound may depend on them, never on a limb.

use subtle::{Choice, ConstantTimeEq};

/// All ones if `c` is set, else zero.
#[inline(always)]
pub(crate) fn mask(c: Choice) -> u64 {
    0u64.wrapping_sub(u64::from(c.unwrap_u8()))
}

/// A [`Choice`] from the low bit of `bit` (which must be 0 or 1).
#[inline(always)]
pub(crate) fn choice(bit: u64) -> Choice {
    debug_assert!(bit <= 1);
    Choice::from(bit as u8)
}

/// `a + b + carry`, as (sum, carry out). `carry` is 0 or 1.
#[inline(always)]
pub(crate) fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = u128::from(a) + u128::from(b) + u128::from(carry);
    (t as u64, (t >> 64) as u64)
}

/// `a - b - borrow`, as (difference, borrow out). `borrow` is 0 or 1.
#[inline(always)]
pub(crate) fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = u128::from(a).wrapping_sub(u128::from(b) + u128::from(borrow));
    (t as u64, (t >> 127) as u64)
}

/// `t + a * b + c`, as (low, high). It cannot overflow:
/// (2^64 - 1) + (2^64 - 1)^2 + (2^64 - 1) = 2^128 - 1.
#[inline(always)]
pub(crate) fn mac(t: u64, a: u64, b: u64, c: u64) -> (u64, u64) {
    let v = u128::from(t) + u128::from(a) * u128::from(b) + u128::from(c);
    (v as u64, (v >> 64) as u64)
}

/// `x += y` over all of `x` (`y` is zero-extended); returns the carry out.
pub(crate) fn add_assign(x: &mut [u64], y: &[u64]) -> u64 {
    debug_assert!(y.len() <= x.len());
    let mut carry = 0;
    for (i, xi) in x.iter_mut().enumerate() {
        (*xi, carry) = adc(*xi, y.get(i).copied().unwrap_or(0), carry);
    }
    carry
}

/// `x -= y` over all of `x` (`y` is zero-extended); returns the borrow out.
pub(crate) fn sub_assign(x: &mut [u64], y: &[u64]) -> u64 {
    debug_assert!(y.len() <= x.len());
    let mut borrow = 0;
    for (i, xi) in x.iter_mut().enumerate() {
        (*xi, borrow) = sbb(*xi, y.get(i).copied().unwrap_or(0), borrow);
    }
    borrow
}

/// `x += y & mask` (same lengths); returns the carry out, or 0 if the mask is
/// zero.
pub(crate) fn cond_add(x: &mut [u64], y: &[u64], mask: u64) -> u64 {
    debug_assert_eq!(x.len(), y.len());
    let mut carry = 0;
    for (xi, &yi) in x.iter_mut().zip(y) {
        (*xi, carry) = adc(*xi, yi & mask, carry);
    }
    carry
}

/// `x -= y & mask` (same lengths); returns the borrow out, or 0 if the mask
/// is zero.
pub(crate) fn cond_sub(x: &mut [u64], y: &[u64], mask: u64) -> u64 {
    debug_assert_eq!(x.len(), y.len());
    let mut borrow = 0;
    for (xi, &yi) in x.iter_mut().zip(y) {
        (*xi, borrow) = sbb(*xi, yi & mask, borrow);
    }
    borrow
}

/// `x = y` where the mask is set, else `x` is left as it is (same lengths).
pub(crate) fn select_assign(x: &mut [u64], y: &[u64], mask: u64) {
    debug_assert_eq!(x.len(), y.len());
    for (xi, &yi) in x.iter_mut().zip(y) {
        *xi ^= (*xi ^ yi) & mask;
    }
}

/// Swaps `x` and `y` where the mask is set (same lengths).
pub(crate) fn cond_swap(x: &mut [u64], y: &mut [u64], mask: u64) {
    debug_assert_eq!(x.len(), y.len());
    for (xi, yi) in x.iter_mut().zip(y.iter_mut()) {
        let d = (*xi ^ *yi) & mask;
        *xi ^= d;
        *yi ^= d;
    }
}

/// Whether `x < y`, the shorter one zero-extended: the borrow of `x - y`.
pub(crate) fn lt(x: &[u64], y: &[u64]) -> Choice {
    let mut borrow = 0;
    for i in 0..x.len().max(y.len()) {
        let xi = x.get(i).copied().unwrap_or(0);
        let yi = y.get(i).copied().unwrap_or(0);
        (_, borrow) = sbb(xi, yi, borrow);
    }
    choice(borrow)
}

/// Whether `x == y`, the shorter one zero-extended.
pub(crate) fn eq(x: &[u64], y: &[u64]) -> Choice {
    let mut diff = 0;
    for i in 0..x.len().max(y.len()) {
        diff |= x.get(i).copied().unwrap_or(0) ^ y.get(i).copied().unwrap_or(0);
    }
    diff.ct_eq(&0)
}

/// Whether every limb is zero.
pub(crate) fn is_zero(x: &[u64]) -> Choice {
    x.iter().fold(0, |acc, &xi| acc | xi).ct_eq(&0)
}

/// `x >>= 1`, shifting `top` (0 or 1) into the most significant bit.
pub(crate) fn shr1(x: &mut [u64], top: u64) {
    let mut carry = top;
    for xi in x.iter_mut().rev() {
        let out = *xi & 1;
        *xi = (*xi >> 1) | (carry << 63);
        carry = out;
    }
}

/// `x <<= 1`; returns the bit shifted out.
pub(crate) fn shl1(x: &mut [u64]) -> u64 {
    let mut carry = 0;
    for xi in x.iter_mut() {
        let out = *xi >> 63;
        *xi = (*xi << 1) | carry;
        carry = out;
    }
    carry
}

/// The inverse of odd `a` modulo 2^64, by Newton's iteration: if
/// `a * x = 1 mod 2^k` then `a * x * (2 - a * x) = 1 mod 2^2k`. Starting
/// from `x = a` (right to 3 bits, since odd squares are 1 mod 8), five steps
/// reach 96 bits. Constant time: a fixed number of multiplications.
pub(crate) fn inv_mod_2_64(a: u64) -> u64 {
    debug_assert!(a & 1 == 1);
    let mut x = a;
    for _ in 0..5 {
        x = x.wrapping_mul(2u64.wrapping_sub(a.wrapping_mul(x)));
    }
    debug_assert_eq!(a.wrapping_mul(x), 1);
    x
}

/// `x / e` for odd `e` that divides `x` exactly (Hensel division, as GMP's
/// `mpn_divexact_1`): each quotient limb is the current low limb times
/// e^-1 mod 2^64, and its product with `e` is taken off the rest.
/// Constant time: multiplications and subtractions only, no division
/// instruction (whose timing depends on its operands on many CPUs).
pub(crate) fn div_exact_u64(x: &[u64], e: u64) -> Vec<u64> {
    let einv = inv_mod_2_64(e);
    let mut borrow = 0;
    let mut q = vec![0; x.len()];
    for (qi, &xi) in q.iter_mut().zip(x) {
        let (t, b1) = sbb(xi, borrow, 0);
        *qi = t.wrapping_mul(einv);
        // qi * e = t + hi * 2^64: the low limb is exactly t by construction.
        let hi = ((u128::from(*qi) * u128::from(e)) >> 64) as u64;
        borrow = hi + b1;
    }
    q
}
