//! Scalar multiplication k·P: constant time for a secret k and any point
//! ([`mul`]) or the generator ([`mul_base`], with a precomputed table), and
//! variable time u1·G + u2·Q for signature verification, where everything
//! is public ([`mul_double_base_vartime`]).
//!
//! Constant time: [`mul`] and [`mul_base`] yes, because the scalar is
//! recoded into signed digits with arithmetic only (no branch), every digit
//! costs the same doublings and one addition, and the table entry is found by
//! reading *every* entry and keeping the right one with a mask
//! (`conditional_assign`), so the memory access pattern does not depend on
//! the digit. [`mul_double_base_vartime`]: no, by design and by name — it
//! skips zero digits and indexes tables directly. It must only see public
//! scalars (ECDSA verification's u1, u2).
//!
//! # Signed fixed windows
//!
//! The scalar k (below n < 2^(64N)) is written as k = Σ d_i·32^i with
//! digits d_i in [-16, 16] (a signed base-32 expansion, "Booth recoding").
//! A table holds 1·P, ..., 16·P; a negative digit uses -(|d|·P), which
//! costs only a negation of Y. Then, from the top digit down,
//! `Q ← 32·Q + d_i·P`: five doublings and one addition per digit.
//!
//! For the generator the doublings are done once and for all: the table
//! holds j·32^i·G for every window i and j in 1..=16 (in affine form, for
//! the cheaper mixed addition), and k·G = Σ d_i·(32^i·G) is one addition
//! per digit and no doubling at all.

use subtle::{Choice, ConditionallyNegatable, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use crate::curve::{CurveParams, FieldElement, Scalar};
use crate::point::{AffinePoint, ProjectivePoint};

/// The window width in bits.
const WINDOW_BITS: usize = 5;
/// Table entries: the multiples 1..=16 of a point.
const TABLE_SIZE: usize = 1 << (WINDOW_BITS - 1);
/// Digits for the largest scalar here (P-384: 384 bits, plus one for the
/// final carry, in 5-bit windows).
const MAX_DIGITS: usize = (64 * 6 + 1usize).div_ceil(WINDOW_BITS);

/// How many signed digits a scalar of N limbs needs: 64N bits and a
/// possible carry out of the top (52 for P-256, 77 for P-384).
const fn digit_count(n: usize) -> usize {
    (64 * n + 1).div_ceil(WINDOW_BITS)
}

/// Recodes k into signed digits d_i in [-16, 16] with k = Σ d_i·32^i.
///
/// Each window of 5 bits w (plus the carry from the window below, so
/// 0..=32) becomes w if w <= 16, else w - 32 with a carry of 1 into the
/// next window. Computed with shifts and subtraction only: the digits are
/// as secret as k.
fn signed_digits<const N: usize>(k: &[u64; N]) -> [i8; MAX_DIGITS] {
    let mut digits = [0i8; MAX_DIGITS];
    let mut carry = 0u64;
    for (i, digit) in digits.iter_mut().enumerate().take(digit_count(N)) {
        let w = window(k, i * WINDOW_BITS) + carry;
        // carry = 1 exactly when w >= 17: (w + 15) >> 5 for w in 0..=32.
        carry = (w + 15) >> WINDOW_BITS;
        *digit = (w as i64 - (carry << WINDOW_BITS) as i64) as i8;
    }
    debug_assert_eq!(carry, 0, "k < 2^(64N) needs no digit above the last");
    digits
}

/// Bits [bit, bit + 5) of k (zeros past the top). The position is public.
fn window<const N: usize>(k: &[u64; N], bit: usize) -> u64 {
    let (limb, shift) = (bit / 64, bit % 64);
    let mut w = k.get(limb).map_or(0, |l| l >> shift);
    if shift > 64 - WINDOW_BITS {
        w |= k.get(limb + 1).map_or(0, |l| l << (64 - shift));
    }
    w & ((1 << WINDOW_BITS) - 1)
}

/// The sign and magnitude of a secret digit, without branching: (|d|, d < 0).
fn abs_and_sign(d: i8) -> (u8, Choice) {
    let negative = ((d as u8) >> 7) & 1;
    let magnitude = ((d as u8) ^ 0u8.wrapping_sub(negative)).wrapping_add(negative);
    (magnitude, Choice::from(negative))
}

/// k·P for a secret k and any point P, in constant time.
pub fn mul<C: CurveParams<N>, const N: usize>(
    point: &ProjectivePoint<C, N>,
    k: &Scalar<C, N>,
) -> ProjectivePoint<C, N> {
    // table[j] = (j + 1)·P.
    let mut table = [*point; TABLE_SIZE];
    for j in 1..TABLE_SIZE {
        table[j] = if j % 2 == 1 { table[j / 2].double() } else { table[j - 1].add(point) };
    }
    let mut limbs = k.to_canonical();
    let mut digits = signed_digits(&limbs);
    let mut q = ProjectivePoint::IDENTITY;
    for (i, &digit) in digits[..digit_count(N)].iter().enumerate().rev() {
        if i + 1 < digit_count(N) {
            for _ in 0..WINDOW_BITS {
                q = q.double();
            }
        }
        let (magnitude, negative) = abs_and_sign(digit);
        let mut entry = ProjectivePoint::IDENTITY;
        for (j, candidate) in table.iter().enumerate() {
            entry.conditional_assign(candidate, (j as u8 + 1).ct_eq(&magnitude));
        }
        entry.conditional_negate(negative);
        q = q.add(&entry);
    }
    limbs.zeroize();
    digits.zeroize();
    q
}

/// The fixed-base table for a curve's generator: for each digit position i,
/// the affine points j·32^i·G for j = 1..=16.
pub struct BaseTable<C: CurveParams<N>, const N: usize> {
    windows: Vec<[AffinePoint<C, N>; TABLE_SIZE]>,
}

impl<C: CurveParams<N>, const N: usize> BaseTable<C, N> {
    /// Computes the table (each curve does this once, at first use): about
    /// 16 additions per window, then one batched inversion for all points.
    pub fn new() -> Self {
        let count = digit_count(N);
        let mut projective = Vec::with_capacity(count * TABLE_SIZE);
        let mut base = ProjectivePoint::<C, N>::GENERATOR; // 32^i·G
        for _ in 0..count {
            let mut multiple = base;
            for _ in 0..TABLE_SIZE {
                projective.push(multiple);
                multiple = multiple.add(&base);
            }
            // 32·base = 2·(16·base), and 16·base is the last entry pushed.
            base = projective[projective.len() - 1].double();
        }
        let affine = batch_to_affine(&projective);
        let windows =
            affine.chunks_exact(TABLE_SIZE).map(|chunk| core::array::from_fn(|j| chunk[j])).collect();
        BaseTable { windows }
    }
}

impl<C: CurveParams<N>, const N: usize> Default for BaseTable<C, N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Converts points to affine with one inversion for all of them
/// (Montgomery's trick: invert the product of the Z's, then peel off each
/// inverse with two multiplications). None of the points may be the
/// identity. Used on public tables only.
fn batch_to_affine<C: CurveParams<N>, const N: usize>(
    points: &[ProjectivePoint<C, N>],
) -> Vec<AffinePoint<C, N>> {
    // prefix[i] = Z_0·...·Z_{i-1}.
    let mut prefix = Vec::with_capacity(points.len());
    let mut product = FieldElement::<C, N>::ONE;
    for point in points {
        debug_assert!(!bool::from(point.is_identity()));
        prefix.push(product);
        product = product * point.z;
    }
    let mut inverse = product.invert(); // (Z_0·...·Z_{i})^-1, walking down
    let mut affine = vec![AffinePoint::GENERATOR; points.len()];
    for i in (0..points.len()).rev() {
        let z_inv = inverse * prefix[i];
        inverse = inverse * points[i].z;
        affine[i] = AffinePoint { x: points[i].x * z_inv, y: points[i].y * z_inv };
    }
    affine
}

/// k·G for a secret k, in constant time, with the curve's [`BaseTable`]:
/// one mixed addition per digit, no doublings.
pub fn mul_base<C: CurveParams<N>, const N: usize>(k: &Scalar<C, N>) -> ProjectivePoint<C, N> {
    let table = C::base_table();
    let mut limbs = k.to_canonical();
    let mut digits = signed_digits(&limbs);
    let mut q = ProjectivePoint::IDENTITY;
    for (row, &digit) in table.windows.iter().zip(&digits[..digit_count(N)]) {
        let (magnitude, negative) = abs_and_sign(digit);
        // Read all 16 entries; keep the one for |d| (entry 1·32^i·G when
        // d = 0, whose sum is then thrown away below).
        let mut entry = row[0];
        for (j, candidate) in row.iter().enumerate().skip(1) {
            entry.conditional_assign(candidate, (j as u8 + 1).ct_eq(&magnitude));
        }
        let negated_y = -entry.y;
        entry.y.conditional_assign(&negated_y, negative);
        // The affine entry cannot be the identity, so a zero digit adds
        // something and the old q is kept instead.
        let sum = q.add_affine(&entry);
        q = ProjectivePoint::conditional_select(&sum, &q, magnitude.ct_eq(&0));
    }
    limbs.zeroize();
    digits.zeroize();
    q
}

/// u1·G + u2·Q for public u1, u2 and Q, in variable time (ECDSA
/// verification, FIPS 186-5 §6.4.2 step 5): u1·G with the base table
/// (skipping zero digits), u2·Q with a width-5 NAF.
pub fn mul_double_base_vartime<C: CurveParams<N>, const N: usize>(
    u1: &Scalar<C, N>,
    u2: &Scalar<C, N>,
    q: &AffinePoint<C, N>,
) -> ProjectivePoint<C, N> {
    // u1·G: the signed digits, looked up directly (they are public).
    let table = C::base_table();
    let digits = signed_digits(&u1.to_canonical());
    let mut sum = ProjectivePoint::IDENTITY;
    for (row, &digit) in table.windows.iter().zip(&digits[..digit_count(N)]) {
        if digit != 0 {
            let mut entry = row[usize::from(digit.unsigned_abs()) - 1];
            if digit < 0 {
                entry.y = -entry.y;
            }
            sum = sum.add_affine(&entry);
        }
    }

    // u2·Q: odd multiples Q, 3Q, ..., 15Q, and the NAF digits from the top.
    let q = q.to_projective();
    let q2 = q.double();
    let mut odd = [q; 8];
    for j in 1..8 {
        odd[j] = odd[j - 1].add(&q2);
    }
    let naf = wnaf(&u2.to_canonical());
    let mut acc = ProjectivePoint::IDENTITY;
    for &digit in naf.iter().rev() {
        acc = acc.double();
        if digit > 0 {
            acc = acc.add(&odd[(digit as usize) / 2]);
        } else if digit < 0 {
            acc = acc.add(&odd[(digit.unsigned_abs() as usize) / 2].neg());
        }
    }
    acc.add(&sum)
}

/// The width-5 non-adjacent form of a public k: digits in {0, ±1, ±3, ...,
/// ±15}, least significant first, with k = Σ d_i·2^i and at least four
/// zeros after every non-zero digit (Hankerson, Menezes and Vanstone,
/// "Guide to Elliptic Curve Cryptography", Algorithm 3.35). Variable time.
fn wnaf<const N: usize>(k: &[u64; N]) -> Vec<i8> {
    // One spare limb: subtracting a negative digit can carry past the top.
    let mut k: Vec<u64> = k.iter().copied().chain([0]).collect();
    let mut naf = Vec::with_capacity(64 * N + 1);
    while k.iter().any(|&limb| limb != 0) {
        let mut digit = 0i8;
        if k[0] & 1 == 1 {
            // d = k mods 32, in [-15, 15].
            let low = (k[0] & 31) as i8;
            digit = if low >= 16 { low - 32 } else { low };
            // k ← k - d: subtract a positive d, add |d| for a negative one.
            if digit > 0 {
                sub_small(&mut k, digit as u64);
            } else {
                add_small(&mut k, u64::from(digit.unsigned_abs()));
            }
        }
        naf.push(digit);
        // k ← k / 2.
        for i in 0..k.len() {
            let next = k.get(i + 1).copied().unwrap_or(0);
            k[i] = (k[i] >> 1) | (next << 63);
        }
    }
    naf
}

/// k ← k - d for a small d <= k (variable time, public values).
fn sub_small(k: &mut [u64], d: u64) {
    let mut borrow = d;
    for limb in k.iter_mut() {
        let (value, underflow) = limb.overflowing_sub(borrow);
        *limb = value;
        borrow = u64::from(underflow);
    }
}

/// k ← k + d for a small d (variable time, public values).
fn add_small(k: &mut [u64], d: u64) {
    let mut carry = d;
    for limb in k.iter_mut() {
        let (value, overflow) = limb.overflowing_add(carry);
        *limb = value;
        carry = u64::from(overflow);
    }
}
