//! Arithmetic modulo a prime of 64·N bits, in Montgomery form: the field
//! GF(p) a curve is defined over, and the integers modulo the group order n
//! that scalars live in. One generic implementation serves all four moduli
//! (P-256's p and n with N = 4 limbs, P-384's p and n with N = 6).
//!
//! Constant time: yes, because every operation is a fixed sequence of 64-bit
//! additions and 64x64 -> 128-bit multiplications over all N limbs, the
//! final "subtract p if the result is too large" is a masked selection
//! whose mask is hidden from the optimiser (`mask`), and exponentiation ([`Elem::pow_vartime`], whose time
//! depends on the exponent only) is used with public exponents (p - 2,
//! (p + 1)/4). Nothing branches on or indexes memory by a value.
//!
//! # Montgomery form
//!
//! With R = 2^(64N), the element x is stored as x·R mod p. Then the
//! Montgomery product `REDC(a·b) = a·b·R^-1 mod p` of two stored values
//! (xR)(yR)R^-1 = (xy)R is again a stored value, and REDC needs no division:
//! it adds the multiple m·p of p that clears the low limb, then shifts a limb
//! away, N times (the "coarsely integrated operand scanning" (CIOS) method of
//! Koç, Acar and Kaliski, "Analyzing and comparing Montgomery multiplication
//! algorithms", IEEE Micro 1996). Conversion in is a product with R^2, out a
//! product with 1.
//!
//! # Limb bounds
//!
//! Every [`Elem`] is fully reduced: its N limbs, little-endian, hold a value
//! in [0, p). Each operation takes reduced inputs and returns a reduced
//! output, checked with `debug_assert!`. The moduli have their top bit set
//! (2^(64N-1) < p < 2^(64N)), which the reasoning below uses:
//!
//! - a sum of two reduced values is below 2p < 2^(64N+1): N limbs and a
//!   carry bit, brought under p by one conditional subtraction;
//! - inside the product, the running total `t` stays below 2p (Koç et al.):
//!   N limbs and a top bit, again one conditional subtraction at the end;
//! - any 64N-bit string is below 2^(64N) < 2p, so one conditional
//!   subtraction reduces it ([`Elem::from_be_bytes_reduced`], used for hashes).

// Carry chains index several limb arrays by the same position; `for i in
// 0..N` says so more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use core::marker::PhantomData;
use core::ops::{Add, Mul, Neg, Sub};

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, CtOption};
use zeroize::Zeroize;

/// A prime modulus of N 64-bit limbs, and the constants Montgomery
/// arithmetic derives from it (computed at compile time from `P`).
pub trait Modulus<const N: usize>: Copy + 'static {
    /// The modulus p, little-endian 64-bit limbs. It must be odd and have
    /// its top bit set.
    const P: [u64; N];
    /// R mod p, R = 2^(64N): the Montgomery form of 1.
    const R: [u64; N] = double_n_times(one(), &Self::P, 64 * N);
    /// R^2 mod p: multiplying by it converts into Montgomery form.
    const R2: [u64; N] = double_n_times(Self::R, &Self::P, 64 * N);
    /// -p^-1 mod 2^64: the factor that makes m·p clear the low limb.
    const N0: u64 = neg_inverse(Self::P[0]);
    /// p - 2: the exponent of the inverse by Fermat's little theorem.
    const P_MINUS_2: [u64; N] = sub_small(&Self::P, 2);
    /// (p + 1)/4: the exponent of the square root when p ≡ 3 (mod 4).
    const SQRT_EXPONENT: [u64; N] = shr2(add_small(&Self::P, 1));
}

/// An element of GF(p) (or of the integers mod n), in Montgomery form,
/// fully reduced.
///
/// It may hold a secret (a private key, a nonce, a shared point), so it has
/// no `Debug` and every operation is constant time.
pub struct Elem<M, const N: usize> {
    /// x·R mod p, little-endian, in [0, p).
    limbs: [u64; N],
    modulus: PhantomData<M>,
}

// Written out rather than derived: a derive would require `M: Clone`.
impl<M, const N: usize> Clone for Elem<M, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, const N: usize> Copy for Elem<M, N> {}

impl<M: Modulus<N>, const N: usize> Elem<M, N> {
    /// The element 0.
    pub const ZERO: Self = Elem { limbs: [0; N], modulus: PhantomData };
    /// The element 1 (R mod p in Montgomery form).
    pub const ONE: Self = Elem { limbs: M::R, modulus: PhantomData };
    /// The length of the big-endian encoding in bytes: 8N.
    pub const BYTES: usize = 8 * N;

    /// The element whose canonical value is the hex string `hex` (big
    /// endian, exactly 16N digits, below p). For constants transcribed from
    /// a standard: it runs at compile time and a bad string stops the build.
    pub const fn from_hex(hex: &str) -> Self {
        let value = limbs_from_hex::<N>(hex);
        assert!(less_than(&value, &M::P), "constant not below the modulus");
        // x·R mod p, by doubling x 64N times modulo p.
        Elem { limbs: double_n_times(value, &M::P, 64 * N), modulus: PhantomData }
    }

    /// A small value.
    pub fn from_u64(x: u64) -> Self {
        let mut limbs = [0u64; N];
        limbs[0] = x;
        // Every modulus here exceeds 2^64 (N >= 2), so x is already below p.
        Self::from_canonical(limbs)
    }

    /// Decodes exactly 8N big-endian bytes holding a value below p; `None`
    /// (in constant time) for a value >= p. Panics if `bytes` has the wrong
    /// length: callers check lengths, which are public.
    pub fn from_be_bytes(bytes: &[u8]) -> CtOption<Self> {
        let limbs = limbs_from_be_bytes::<N>(bytes);
        let (_, borrow) = sub_limbs(&limbs, &M::P);
        // A borrow out of value - p means value < p. The value is brought
        // below p either way, so the conversion sees a reduced input.
        let element = Self::from_canonical(sub_p_if_at_least_p::<M, N>(limbs, 0));
        CtOption::new(element, Choice::from(borrow as u8))
    }

    /// Decodes exactly 8N big-endian bytes as a value mod p: any 64N-bit
    /// string is below 2^(64N) < 2p, so at most one p is subtracted.
    pub fn from_be_bytes_reduced(bytes: &[u8]) -> Self {
        let limbs = limbs_from_be_bytes::<N>(bytes);
        Self::from_canonical(sub_p_if_at_least_p::<M, N>(limbs, 0))
    }

    /// Writes the canonical value, big endian, into exactly 8N bytes.
    pub fn write_be_bytes(&self, out: &mut [u8]) {
        assert_eq!(out.len(), 8 * N, "an element encodes in 8N bytes");
        let limbs = self.to_canonical();
        for (chunk, limb) in out.chunks_exact_mut(8).zip(limbs.iter().rev()) {
            chunk.copy_from_slice(&limb.to_be_bytes());
        }
    }

    /// The canonical value in [0, p), little-endian limbs (out of Montgomery
    /// form: REDC(xR · 1) = x).
    pub fn to_canonical(&self) -> [u64; N] {
        let mut one = [0u64; N];
        one[0] = 1;
        mont_mul::<M, N>(&self.limbs, &one)
    }

    /// Brings a canonical value below p into Montgomery form:
    /// REDC(x · R^2) = xR.
    fn from_canonical(limbs: [u64; N]) -> Self {
        Elem { limbs: mont_mul::<M, N>(&limbs, &M::R2), modulus: PhantomData }
    }

    /// Whether the value is 0.
    pub fn is_zero(&self) -> Choice {
        self.ct_eq(&Self::ZERO)
    }

    /// The low bit of the canonical value (SEC 1 §2.3.3 calls it ỹ_P for a
    /// y-coordinate).
    pub fn is_odd(&self) -> Choice {
        Choice::from((self.to_canonical()[0] & 1) as u8)
    }

    /// The square: a dedicated routine that computes each cross product
    /// a_i·a_j once and doubles it (N(N+1)/2 limb products instead of N^2),
    /// then reduces. Squarings are most of an inversion and a quarter of
    /// every point doubling.
    #[inline(always)]
    pub fn square(&self) -> Self {
        Elem { limbs: mont_square::<M, N>(&self.limbs), modulus: PhantomData }
    }

    /// 2·self.
    #[inline(always)]
    pub fn double(&self) -> Self {
        *self + *self
    }

    /// self^exponent, for a public exponent (little-endian limbs): the time
    /// depends on the exponent, never on `self`. A fixed window of 4 bits:
    /// 64N squarings and one multiplication per non-zero window.
    pub fn pow_vartime(&self, exponent: &[u64; N]) -> Self {
        // table[i] = self^i for i in 0..16.
        let mut table = [Self::ONE; 16];
        for i in 1..16 {
            table[i] = table[i - 1] * *self;
        }
        let mut result = Self::ONE;
        for limb in exponent.iter().rev() {
            for shift in (0..16).rev() {
                result = result.square().square().square().square();
                let window = ((limb >> (4 * shift)) & 0xf) as usize;
                if window != 0 {
                    result = result * table[window];
                }
            }
        }
        table.zeroize();
        result
    }

    /// The inverse, as self^(p - 2) (Fermat's little theorem). 0 maps to 0.
    /// Constant time: the exponent is the public p - 2.
    pub fn invert(&self) -> Self {
        self.pow_vartime(&M::P_MINUS_2)
    }

    /// A square root, if there is one: self^((p + 1)/4), which is a root
    /// exactly when p ≡ 3 (mod 4) and self is a square (SEC 1 §2.3.4 step
    /// 2.4.2 needs one; both P-256's and P-384's p are 3 mod 4).
    pub fn sqrt(&self) -> CtOption<Self> {
        debug_assert_eq!(M::P[0] & 3, 3, "sqrt needs p ≡ 3 (mod 4)");
        let root = self.pow_vartime(&M::SQRT_EXPONENT);
        CtOption::new(root, root.square().ct_eq(self))
    }
}

impl<M: Modulus<N>, const N: usize> Add for Elem<M, N> {
    type Output = Self;

    /// (a + b) mod p: the sum is below 2p, so subtract p once if needed.
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        debug_assert!(is_reduced::<M, N>(&self.limbs) && is_reduced::<M, N>(&rhs.limbs));
        let mut sum = [0u64; N];
        let mut carry = 0;
        for i in 0..N {
            (sum[i], carry) = add_carry(self.limbs[i], rhs.limbs[i], carry);
        }
        Elem { limbs: sub_p_if_at_least_p::<M, N>(sum, carry), modulus: PhantomData }
    }
}

impl<M: Modulus<N>, const N: usize> Sub for Elem<M, N> {
    type Output = Self;

    /// (a - b) mod p: subtract, and add p back (masked) if it borrowed.
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        debug_assert!(is_reduced::<M, N>(&self.limbs) && is_reduced::<M, N>(&rhs.limbs));
        let (difference, borrow) = sub_limbs(&self.limbs, &rhs.limbs);
        // Add p back, masked to zero unless the subtraction borrowed.
        let add_p = mask(borrow);
        let mut limbs = [0u64; N];
        let mut carry = 0;
        for i in 0..N {
            (limbs[i], carry) = add_carry(difference[i], M::P[i] & add_p, carry);
        }
        Elem { limbs, modulus: PhantomData }
    }
}

impl<M: Modulus<N>, const N: usize> Neg for Elem<M, N> {
    type Output = Self;

    /// -a mod p (0 stays 0).
    #[inline(always)]
    fn neg(self) -> Self {
        Self::ZERO - self
    }
}

impl<M: Modulus<N>, const N: usize> Mul for Elem<M, N> {
    type Output = Self;

    /// The Montgomery product: (aR)(bR)R^-1 = (ab)R.
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        Elem { limbs: mont_mul::<M, N>(&self.limbs, &rhs.limbs), modulus: PhantomData }
    }
}

impl<M: Modulus<N>, const N: usize> ConditionallySelectable for Elem<M, N> {
    #[inline(always)]
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        let limbs = core::array::from_fn(|i| u64::conditional_select(&a.limbs[i], &b.limbs[i], choice));
        Elem { limbs, modulus: PhantomData }
    }
}

impl<M: Modulus<N>, const N: usize> ConstantTimeEq for Elem<M, N> {
    /// Montgomery form is a bijection on [0, p), so equal limbs mean equal
    /// values.
    fn ct_eq(&self, other: &Self) -> Choice {
        self.limbs.ct_eq(&other.limbs)
    }
}

impl<M, const N: usize> Zeroize for Elem<M, N> {
    fn zeroize(&mut self) {
        self.limbs.zeroize();
    }
}

/// The Montgomery product REDC(a·b) = a·b·R^-1 mod p of two reduced values
/// (CIOS: one row of a_i·b, then one reduction step, N times).
#[inline(always)]
fn mont_mul<M: Modulus<N>, const N: usize>(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
    debug_assert!(is_reduced::<M, N>(a) && is_reduced::<M, N>(b));
    let p = &M::P;
    // The running total is t + t_top·2^(64N), below 2p (so t_top <= 1)
    // after every step.
    let mut t = [0u64; N];
    let mut t_top = 0u64;
    for &a_i in a {
        // t += a_i·b: at most N + 1 limbs plus a bit.
        let mut carry = 0;
        for j in 0..N {
            (t[j], carry) = mac(t[j], a_i, b[j], carry);
        }
        let (t_n, t_n1) = adc(t_top, carry, 0);

        // m = t_0·(-p^-1) mod 2^64 makes t + m·p divisible by 2^64; add it
        // and drop the zero low limb (shift right by 64 bits).
        let m = t[0].wrapping_mul(M::N0);
        let (_, mut carry) = mac(t[0], m, p[0], 0);
        for j in 1..N {
            (t[j - 1], carry) = mac(t[j], m, p[j], carry);
        }
        let (high, carry) = adc(t_n, carry, 0);
        t[N - 1] = high;
        t_top = t_n1 + carry;
        debug_assert!(t_top <= 1, "the running total stays below 2p");
    }
    sub_p_if_at_least_p::<M, N>(t, t_top)
}

/// The largest 2N here (P-384: 12 limbs), for the double-width product of
/// a squaring (`[u64; 2 * N]` is not yet expressible in stable Rust).
const MAX_WIDE: usize = 12;

/// REDC(a^2) = a^2·R^-1 mod p for a reduced a: the double-width square by
/// the "separated operand scanning" (SOS) method of Koç et al., then N
/// reduction steps.
#[inline(always)]
fn mont_square<M: Modulus<N>, const N: usize>(a: &[u64; N]) -> [u64; N] {
    debug_assert!(is_reduced::<M, N>(a));
    let mut t = [0u64; MAX_WIDE];
    // The cross products a_i·a_j for i < j, each once.
    for i in 0..N - 1 {
        let mut carry = 0;
        for j in i + 1..N {
            (t[i + j], carry) = mac(t[i + j], a[i], a[j], carry);
        }
        t[i + N] = carry;
    }
    // Double them (a shift left by one bit over 2N limbs; the top bit of
    // the cross sum is 0, as it is below a^2/2 < 2^(128N-1)).
    t[2 * N - 1] = t[2 * N - 2] >> 63;
    for k in (1..2 * N - 1).rev() {
        t[k] = (t[k] << 1) | (t[k - 1] >> 63);
    }
    t[0] <<= 1;
    // Add the squares a_i^2 on the diagonal.
    let mut carry = 0;
    for i in 0..N {
        let (lo, hi) = mac(0, a[i], a[i], 0);
        (t[2 * i], carry) = adc(t[2 * i], lo, carry);
        (t[2 * i + 1], carry) = adc(t[2 * i + 1], hi, carry);
    }
    debug_assert_eq!(carry, 0, "a^2 < 2^(128N)");
    // REDC of the 2N-limb t < p^2: N steps, each adding m·p to clear limb
    // i; `extra` carries the bit that overflows limb i + N into the next
    // step. The result t / R is below (p^2 + R·p) / R < 2p.
    let p = &M::P;
    let mut extra = 0;
    for i in 0..N {
        let m = t[i].wrapping_mul(M::N0);
        let mut carry = 0;
        for j in 0..N {
            (t[i + j], carry) = mac(t[i + j], m, p[j], carry);
        }
        (t[i + N], extra) = adc(t[i + N], carry, extra);
    }
    let high: [u64; N] = core::array::from_fn(|i| t[N + i]);
    sub_p_if_at_least_p::<M, N>(high, extra)
}

/// (value + top·2^(64N)) mod p for a value below 2p (top is 0 or 1):
/// subtracts p unless that would go negative, choosing with a mask.
#[inline(always)]
fn sub_p_if_at_least_p<M: Modulus<N>, const N: usize>(value: [u64; N], top: u64) -> [u64; N] {
    debug_assert!(top <= 1);
    let (reduced, borrow) = sub_limbs(&value, &M::P);
    // The full value minus p is negative exactly when value - p borrows
    // and there is no top bit to pay for it.
    let keep = mask(borrow & (top ^ 1));
    let out = core::array::from_fn(|i| (reduced[i] & !keep) | (value[i] & keep));
    debug_assert!(is_reduced::<M, N>(&out));
    out
}

/// All ones when `bit` is 1, all zeros when it is 0: the mask of a
/// constant-time selection. `core::hint::black_box` hides its value from
/// the optimiser, which could otherwise turn the masking back into a branch
/// (subtle's `Choice` does the same with an out-of-line function call,
/// too slow for the innermost loop of every field operation).
#[inline(always)]
fn mask(bit: u64) -> u64 {
    debug_assert!(bit <= 1);
    core::hint::black_box(0u64.wrapping_sub(bit))
}

/// Whether limbs hold a value below p. For `debug_assert!` only.
fn is_reduced<M: Modulus<N>, const N: usize>(limbs: &[u64; N]) -> bool {
    sub_limbs(limbs, &M::P).1 == 1
}

/// a - b over N limbs: the difference mod 2^(64N) and the borrow (0 or 1).
#[inline(always)]
fn sub_limbs<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut out = [0u64; N];
    let mut borrow = 0;
    for i in 0..N {
        (out[i], borrow) = sbb(a[i], b[i], borrow);
    }
    (out, borrow)
}

/// a + b + carry: the low word and the carry out (0 or 1... or up to 2^64-1
/// when `b` is itself a carry word; the sum always fits in 128 bits).
#[inline(always)]
pub(crate) const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + b as u128 + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// a + b + carry for a carry of 0 or 1: the low word and the carry out (0
/// or 1). Written with `overflowing_add`, which compiles to an add-with-carry
/// chain.
#[inline(always)]
const fn add_carry(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let (sum, c1) = a.overflowing_add(b);
    let (sum, c2) = sum.overflowing_add(carry);
    (sum, (c1 | c2) as u64)
}

/// a - b - borrow (borrow 0 or 1): the low word and the borrow out (0 or 1).
#[inline(always)]
pub(crate) const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let (difference, b1) = a.overflowing_sub(b);
    let (difference, b2) = difference.overflowing_sub(borrow);
    (difference, (b1 | b2) as u64)
}

/// acc + a·b + carry: at most (2^64-1) + (2^64-1)^2 + (2^64-1) = 2^128 - 1,
/// so it fits in 128 bits. The low word and the high word.
#[inline(always)]
const fn mac(acc: u64, a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = acc as u128 + (a as u128) * (b as u128) + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// Exactly 8N big-endian bytes as little-endian limbs.
fn limbs_from_be_bytes<const N: usize>(bytes: &[u8]) -> [u64; N] {
    assert_eq!(bytes.len(), 8 * N, "an element encodes in 8N bytes");
    let mut limbs = [0u64; N];
    for (limb, chunk) in limbs.iter_mut().rev().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(word);
    }
    limbs
}

// --- Compile-time helpers: the constants of `Modulus`, and `from_hex`. ---
// (`const fn` cannot use `for` loops yet, hence the `while` loops.)

/// The limbs of 1.
const fn one<const N: usize>() -> [u64; N] {
    let mut x = [0u64; N];
    x[0] = 1;
    x
}

/// x·2^k mod p for x < p, by k modular doublings.
const fn double_n_times<const N: usize>(mut x: [u64; N], p: &[u64; N], k: usize) -> [u64; N] {
    let mut round = 0;
    while round < k {
        // 2x < 2p: shift left one bit, then subtract p if the result is >= p.
        let top = x[N - 1] >> 63;
        let mut i = N - 1;
        while i > 0 {
            x[i] = (x[i] << 1) | (x[i - 1] >> 63);
            i -= 1;
        }
        x[0] <<= 1;
        if top == 1 || !less_than(&x, p) {
            x = sub_small_limbs(&x, p);
        }
        round += 1;
    }
    x
}

/// Whether a < b.
const fn less_than<const N: usize>(a: &[u64; N], b: &[u64; N]) -> bool {
    let mut i = N;
    while i > 0 {
        i -= 1;
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// a - b mod 2^(64N).
const fn sub_small_limbs<const N: usize>(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
    let mut out = [0u64; N];
    let mut borrow = 0;
    let mut i = 0;
    while i < N {
        (out[i], borrow) = sbb(a[i], b[i], borrow);
        i += 1;
    }
    out
}

/// p - k for a small k.
const fn sub_small<const N: usize>(p: &[u64; N], k: u64) -> [u64; N] {
    let mut small = [0u64; N];
    small[0] = k;
    sub_small_limbs(p, &small)
}

/// p + k for a small k (p + k must not overflow 64N bits).
const fn add_small<const N: usize>(p: &[u64; N], k: u64) -> [u64; N] {
    let mut out = *p;
    let mut carry = k;
    let mut i = 0;
    while i < N {
        (out[i], carry) = adc(out[i], carry, 0);
        i += 1;
    }
    assert!(carry == 0, "p + k overflows");
    out
}

/// x >> 2.
const fn shr2<const N: usize>(x: [u64; N]) -> [u64; N] {
    let mut out = [0u64; N];
    let mut i = 0;
    while i < N {
        out[i] = x[i] >> 2;
        if i + 1 < N {
            out[i] |= x[i + 1] << 62;
        }
        i += 1;
    }
    out
}

/// -x^-1 mod 2^64 for odd x, by Newton's iteration y ← y(2 - xy), which
/// doubles the number of correct low bits each time: 1 → 2 → ... → 64.
const fn neg_inverse(x: u64) -> u64 {
    assert!(x & 1 == 1, "the modulus must be odd");
    let mut y: u64 = 1;
    let mut round = 0;
    while round < 6 {
        y = y.wrapping_mul(2u64.wrapping_sub(x.wrapping_mul(y)));
        round += 1;
    }
    y.wrapping_neg()
}

/// Exactly 16N hex digits, big endian, as little-endian limbs.
pub(crate) const fn limbs_from_hex<const N: usize>(hex: &str) -> [u64; N] {
    let digits = hex.as_bytes();
    assert!(digits.len() == 16 * N, "a constant needs exactly 16N hex digits");
    let mut limbs = [0u64; N];
    let mut i = 0;
    while i < digits.len() {
        let d = digits[i];
        let value = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => panic!("not a hex digit"),
        };
        // Digit i (from the left) sits at bit 4·(16N - 1 - i).
        let bit = 4 * (16 * N - 1 - i);
        limbs[bit / 64] |= (value as u64) << (bit % 64);
        i += 1;
    }
    limbs
}
