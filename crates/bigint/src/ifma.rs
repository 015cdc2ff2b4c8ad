//! The AVX-512 IFMA backend: modular exponentiation with numbers in radix
//! 2^52, eight digits to a 512-bit register, multiplied with `vpmadd52luq`
//! and `vpmadd52huq` (the low and high 52 bits of eight 52 x 52-bit
//! products at once).
//!
//! Constant time: yes. Every loop runs a number of times fixed by the
//! modulus's length; the vector instructions, `mul`, `imul` and the shifts
//! take the same time whatever their operands; the table of powers is read
//! in full with masks; carries are resolved with masks and an integer
//! addition on the masks' bits, never with a branch.
//!
//! # The method
//!
//! Gueron and Krasnov, "Software Implementation of Modular Exponentiation,
//! Using Advanced Vector Instructions Architectures" (WAIFI 2012), and
//! Drucker and Gueron, "Fast modular squaring with AVX512IFMA" (2019): a
//! number below `2^(52 d)` is `d` digits of 52 bits, one per 64-bit lane, so
//! a lane has 12 bits of headroom to add products into without carrying.
//! The Montgomery radix is `R' = 2^(52 d)` with `4m < R'`, which allows
//! *almost* Montgomery multiplication ([`amm`]): results below `2m` rather
//! than `m`, so no final subtraction until the very end.
//!
//! Each step of [`amm`] takes one digit `b_i`, adds `a b_i` and `y m` with
//! `y` chosen so that digit 0 becomes a multiple of 2^52, and shifts the
//! accumulator down one digit. The digit-0 arithmetic that decides `y` is
//! done exactly on 64-bit registers (`acc`), so that the next `y` does not
//! wait for the vector unit; lane 0 of the vectors is dropped at each
//! shift. After the `d` steps the lanes hold up to 60 bits; [`normalize`]
//! takes them back to 52.
//!
//! The numbers' Montgomery form here is `x R' mod m`, not the crate's
//! `x R mod m`: [`pow`] converts on the way in (one Montgomery
//! multiplication by `R' R mod m`, which the [`Modulus`] keeps) and out.
//!
//! This module holds unsafe code: calls of functions compiled for
//! AVX-512F and IFMA, made only through an [`Ifma`] value, which exists
//! only where the CPU has both. Property tests check it against the
//! portable and ADX backends.

#![allow(unsafe_code)]

use crate::limbs;
use crate::modulus::Modulus;
use crate::pow::{WINDOW, window};
use crate::uint::Uint;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::{
    __m512i, _mm_cvtsi128_si64, _mm_extract_epi64, _mm256_extract_epi64, _mm512_add_epi64,
    _mm512_alignr_epi64, _mm512_and_si512, _mm512_castsi512_si128, _mm512_castsi512_si256,
    _mm512_cmpeq_epu64_mask, _mm512_cmpgt_epu64_mask, _mm512_loadu_si512, _mm512_madd52hi_epu64,
    _mm512_madd52lo_epu64, _mm512_mask_add_epi64, _mm512_mask_set1_epi64, _mm512_or_si512, _mm512_set1_epi64,
    _mm512_setzero_si512, _mm512_srli_epi64, _mm512_storeu_si512,
};

/// Bits per digit.
const DIGIT_BITS: usize = 52;
/// The low 52 bits.
const MASK52: u64 = (1 << DIGIT_BITS) - 1;
/// The most 512-bit vectors a number may take: 40 digits and a spare lane,
/// for moduli up to 32 limbs (2048 bits). Larger moduli use the ADX kernels.
const MAX_VECTORS: usize = 6;

/// Proof that this CPU has AVX-512F and AVX-512 IFMA: only [`Ifma::new`]
/// makes one.
#[derive(Clone, Copy)]
pub(crate) struct Ifma(());

impl Ifma {
    /// The backend, if this CPU has AVX-512F and IFMA (asked once).
    pub(crate) fn new() -> Option<Ifma> {
        static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let available = *AVAILABLE.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512ifma")
            }
            #[cfg(not(target_arch = "x86_64"))]
            {
                false
            }
        });
        available.then_some(Ifma(()))
    }
}

/// The number of 52-bit digits for a modulus of `n` limbs: enough that
/// `4m < 2^(52 d)`, as almost Montgomery multiplication needs, and even,
/// since [`amm`] takes the digits of `b` two at a time.
pub(crate) fn digits_for(n: usize) -> usize {
    (64 * n + 2).div_ceil(DIGIT_BITS).next_multiple_of(2)
}

/// The vectors a number takes: its digits, and one lane more, for the copy
/// of `a` and `m` shifted up one lane that [`amm`] uses.
fn vectors_for(n: usize) -> usize {
    (digits_for(n) + 1).div_ceil(8)
}

/// Whether [`pow`] handles a modulus of `n` limbs.
pub(crate) fn supports(n: usize) -> bool {
    vectors_for(n) <= MAX_VECTORS
}

/// `base^exp mod m` (see [`Modulus::pow`]), for `m` of a length
/// [`supports`] accepts. `r_prime_r` is `2^(52 d) R mod m`.
pub(crate) fn pow(_token: Ifma, modulus: &Modulus, r_prime_r: &Uint, base: &Uint, exp: &Uint) -> Uint {
    let n = modulus.limbs();
    let vectors = vectors_for(n);
    #[cfg(target_arch = "x86_64")]
    {
        type PowV = unsafe fn(&Modulus, &Uint, &Uint, &Uint) -> Uint;
        let pow_v: PowV = match vectors {
            1 => pow_v::<1>,
            2 => pow_v::<2>,
            3 => pow_v::<3>,
            4 => pow_v::<4>,
            5 => pow_v::<5>,
            6 => pow_v::<6>,
            _ => panic!("ifma::pow called for an unsupported length"),
        };
        // SAFETY: the `Ifma` token proves the CPU has AVX-512F and IFMA, the
        // features `pow_v` is compiled for.
        unsafe { pow_v(modulus, r_prime_r, base, exp) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (vectors, modulus, r_prime_r, base, exp);
        unreachable!("an Ifma token exists only on x86-64")
    }
}

/// `base^exp mod m` for a **public** exponent as big-endian bytes (see
/// [`Modulus::pow_vartime`]): **variable time in `exp`**, square and
/// multiply from its first set bit. For RSA verification (e = 65537).
pub(crate) fn pow_vartime(
    _token: Ifma,
    modulus: &Modulus,
    r_prime_r: &Uint,
    base: &Uint,
    exp: &[u8],
) -> Uint {
    #[cfg(target_arch = "x86_64")]
    {
        type PowV = unsafe fn(&Modulus, &Uint, &Uint, &[u8]) -> Uint;
        let pow_vartime_v: PowV = match vectors_for(modulus.limbs()) {
            1 => pow_vartime_v::<1>,
            2 => pow_vartime_v::<2>,
            3 => pow_vartime_v::<3>,
            4 => pow_vartime_v::<4>,
            5 => pow_vartime_v::<5>,
            6 => pow_vartime_v::<6>,
            _ => panic!("ifma::pow_vartime called for an unsupported length"),
        };
        // SAFETY: the `Ifma` token proves the CPU has AVX-512F and IFMA, the
        // features `pow_vartime_v` is compiled for.
        unsafe { pow_vartime_v(modulus, r_prime_r, base, exp) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (modulus, r_prime_r, base, exp);
        unreachable!("an Ifma token exists only on x86-64")
    }
}

/// [`pow_vartime`] on numbers of `V` vectors.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512ifma")]
fn pow_vartime_v<const V: usize>(modulus: &Modulus, r_prime_r: &Uint, base: &Uint, exp: &[u8]) -> Uint {
    let n = modulus.limbs();
    let d = digits_for(n);
    let m = Radix52::<V>::from_limbs(modulus.as_uint().as_limbs());
    let k0 = modulus.m0inv() & MASK52;
    let b = Radix52::<V>::from_limbs(modulus.mont_mul(base, r_prime_r).as_limbs());
    let mut acc =
        Radix52::<V>::from_limbs(modulus.mont_mul(&Uint::from_u64(1).resize_widen(n), r_prime_r).as_limbs());
    let mut started = false;
    for &byte in exp {
        for k in (0..8).rev() {
            if started {
                acc = amm(&acc, &acc, &m, k0, d);
            }
            if (byte >> k) & 1 == 1 {
                acc = amm(&acc, &b, &m, k0, d);
                started = true;
            }
        }
    }
    let mut unit = Radix52::<V>::zero();
    unit.0[0] = _mm512_mask_set1_epi64(unit.0[0], 1, 1);
    let result = amm(&acc, &unit, &m, k0, d).to_limbs(n + 1);
    modulus.reduce_below_2m(&result)
}

/// [`pow`] on numbers of `V` vectors: the fixed-window method of `pow.rs`
/// (table of 32 powers read in full with masks, five squarings and one
/// multiplication per window), every product an [`amm`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512ifma")]
fn pow_v<const V: usize>(modulus: &Modulus, r_prime_r: &Uint, base: &Uint, exp: &Uint) -> Uint {
    let n = modulus.limbs();
    let d = digits_for(n);
    let m = Radix52::<V>::from_limbs(modulus.as_uint().as_limbs());
    let k0 = modulus.m0inv() & MASK52; // -m^-1 mod 2^52
    // x R' mod m = (x)(R' R) R^-1 with the crate's Montgomery multiplication.
    let one =
        Radix52::<V>::from_limbs(modulus.mont_mul(&Uint::from_u64(1).resize_widen(n), r_prime_r).as_limbs());
    let b = Radix52::<V>::from_limbs(modulus.mont_mul(base, r_prime_r).as_limbs());

    let mut table = Zeroizing::new(vec![0u64; (8 * V) << WINDOW]);
    one.store(&mut table[..8 * V]);
    b.store(&mut table[8 * V..16 * V]);
    let mut acc = b.clone();
    for k in 2..1 << WINDOW {
        acc = amm(&acc, &b, &m, k0, d);
        acc.store(&mut table[8 * V * k..8 * V * (k + 1)]);
    }
    let windows = (64 * exp.limb_len()).div_ceil(WINDOW);
    let mut acc = one.clone();
    for w in (0..windows).rev() {
        if w + 1 != windows {
            for _ in 0..WINDOW {
                acc = amm(&acc, &acc, &m, k0, d);
            }
        }
        let entry = select::<V>(&table, window(exp.as_limbs(), w * WINDOW));
        acc = amm(&acc, &entry, &m, k0, d);
    }
    // Out of Montgomery form: acc R'^-1, at most m (see `pow`'s caller).
    let mut unit = Radix52::<V>::zero();
    unit.0[0] = _mm512_mask_set1_epi64(unit.0[0], 1, 1);
    let result = amm(&acc, &unit, &m, k0, d).to_limbs(n + 1);
    modulus.reduce_below_2m(&result)
}

/// A number in radix 2^52, digit `j` in lane `j % 8` of vector `j / 8`,
/// digits above the number's length zero. It lives in registers: it is not
/// wiped on drop (a `Drop` would pin it to memory, at a cost of 10% of an
/// exponentiation); what is kept in memory, the table of powers and the
/// digits of `b`, is wiped.
#[cfg(target_arch = "x86_64")]
#[derive(Clone)]
struct Radix52<const V: usize>([__m512i; V]);

#[cfg(target_arch = "x86_64")]
impl<const V: usize> Radix52<V> {
    #[target_feature(enable = "avx512f")]
    fn zero() -> Radix52<V> {
        Radix52([_mm512_setzero_si512(); V])
    }

    /// The digits of the number with the given limbs (which must fit).
    #[target_feature(enable = "avx512f")]
    fn from_limbs(x: &[u64]) -> Radix52<V> {
        let mut digits = Zeroizing::new([0u64; 8 * MAX_VECTORS]);
        for (j, d) in digits.iter_mut().enumerate().take(8 * V) {
            *d = bits_at(x, DIGIT_BITS * j);
        }
        let mut out = Radix52::zero();
        out.load(&digits[..8 * V]);
        out
    }

    /// The number on `limbs` 64-bit limbs (the digits must be below 2^52).
    #[target_feature(enable = "avx512f")]
    fn to_limbs(&self, limbs: usize) -> Uint {
        let mut digits = Zeroizing::new([0u64; 8 * MAX_VECTORS]);
        self.store(&mut digits[..8 * V]);
        let mut out = Uint::zero(limbs);
        for (j, &d) in digits.iter().enumerate().take(8 * V) {
            let (pos, shift) = (DIGIT_BITS * j / 64, DIGIT_BITS * j % 64);
            let x = out.as_limbs_mut();
            if let Some(limb) = x.get_mut(pos) {
                *limb |= d << shift;
            }
            if shift + DIGIT_BITS > 64
                && let Some(limb) = x.get_mut(pos + 1)
            {
                *limb |= d >> (64 - shift);
            }
        }
        out
    }

    #[target_feature(enable = "avx512f")]
    fn load(&mut self, from: &[u64]) {
        assert_eq!(from.len(), 8 * V);
        for (k, v) in self.0.iter_mut().enumerate() {
            // SAFETY: from[8k..8k+8] is in bounds (asserted length 8V); the
            // load is unaligned.
            *v = unsafe { _mm512_loadu_si512(from[8 * k..].as_ptr().cast()) };
        }
    }

    #[target_feature(enable = "avx512f")]
    fn store(&self, to: &mut [u64]) {
        assert_eq!(to.len(), 8 * V);
        for (k, v) in self.0.iter().enumerate() {
            // SAFETY: to[8k..8k+8] is in bounds (asserted length 8V); the
            // store is unaligned.
            unsafe { _mm512_storeu_si512(to[8 * k..].as_mut_ptr().cast(), *v) };
        }
    }
}

/// Almost Montgomery multiplication: `a b R'^-1 mod m` plus a multiple of
/// `m`, below `2m` when `a` and `b` are below `2m`, normalized (digits below
/// 2^52), for `R' = 2^(52 d)`: one step per digit of `b`, `d` steps (Gueron
/// and Krasnov 2012, Algorithm 2), with the digit-0 arithmetic on scalar
/// registers as the module doc describes.
///
/// Two accumulators, `ab` for the `a b_i` and `ym` for the `y m`, halve the
/// chain of dependent multiply-adds per step; their sum is the result. The
/// accumulators move down two lanes every two steps (a shift costs as much
/// as a multiply-add): in the step between, the products go one lane
/// higher, through copies of `a` and `m` shifted up one lane.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512ifma")]
fn amm<const V: usize>(a: &Radix52<V>, b: &Radix52<V>, m: &Radix52<V>, k0: u64, d: usize) -> Radix52<V> {
    debug_assert!(d.is_multiple_of(2) && d < 8 * V);
    let mut b_digits = Zeroizing::new([0u64; 8 * MAX_VECTORS]);
    b.store(&mut b_digits[..8 * V]);
    let (a_up, m_up) = (shifted_up(&a.0), shifted_up(&m.0));
    let a0 = _mm_cvtsi128_si64(_mm512_castsi512_si128(a.0[0])) as u64;
    let m0 = _mm_cvtsi128_si64(_mm512_castsi512_si128(m.0[0])) as u64;
    let m1 = _mm_extract_epi64(_mm512_castsi512_si128(m.0[0]), 1) as u64;
    let m2 = _mm256_extract_epi64(_mm512_castsi512_si256(m.0[0]), 2) as u64;
    let mut ab = [_mm512_setzero_si512(); V];
    let mut ym = [_mm512_setzero_si512(); V];
    // The current digit, exactly, and the `ym` part of the next one as the
    // vectors will hold it once they have added the last y's products: so
    // no y waits for the vector unit.
    let (mut acc, mut ym_next): (u64, u64) = (0, 0);
    for pair in b_digits[..d].chunks_exact(2) {
        // Step i, digit i in lane 0: low halves into lane j, high into j + 1.
        let bv = _mm512_set1_epi64(pair[0] as i64);
        madd_lo(&mut ab, &a.0, bv);
        let (ab_next, ym_after) = (lane::<1, V>(&ab), lane::<2, V>(&ym));
        let y = digit_step(&mut acc, &mut ym_next, [a0, pair[0], k0], [m0, m1, m2], ab_next, ym_after);
        let yv = _mm512_set1_epi64(y as i64);
        madd_lo(&mut ym, &m.0, yv);
        madd_hi(&mut ab, &a_up, bv);
        madd_hi(&mut ym, &m_up, yv);
        // Step i + 1, digit i + 1 in lane 1: one lane higher, then down two.
        let bv = _mm512_set1_epi64(pair[1] as i64);
        madd_lo(&mut ab, &a_up, bv);
        let (ab_next, ym_after) = (lane::<2, V>(&ab), lane::<3, V>(&ym));
        let y = digit_step(&mut acc, &mut ym_next, [a0, pair[1], k0], [m0, m1, m2], ab_next, ym_after);
        let yv = _mm512_set1_epi64(y as i64);
        madd_lo(&mut ym, &m_up, yv);
        shift_down_two(&mut ab);
        shift_down_two(&mut ym);
        madd_hi(&mut ab, &a.0, bv);
        madd_hi(&mut ym, &m.0, yv);
    }
    let mut out = Radix52([_mm512_setzero_si512(); V]);
    for k in 0..V {
        out.0[k] = _mm512_add_epi64(ab[k], ym[k]);
    }
    out.0[0] = _mm512_mask_set1_epi64(out.0[0], 1, acc as i64);
    normalize(&mut out.0);
    out
}

/// The scalar half of a step of [`amm`]: from the current digit `acc`,
/// `y = (acc + a_0 b_i) k0 mod 2^52`, which makes the digit a multiple of
/// 2^52 once `y m_0` is added; then the next digit becomes `acc`: this
/// digit's carry, `ab_next` (the next digit of the `a b` accumulator, with
/// `a b_i` added in), `ym_next` and the low half of `y m_1`. `ym_next` in
/// turn becomes the `ym` part of the digit after: `ym_after` (read from the
/// vectors before `y` is added there), the low half of `y m_2` and the high
/// half of `y m_1`. Returns `y`.
#[inline(always)]
fn digit_step(
    acc: &mut u64,
    ym_next: &mut u64,
    [a0, bi, k0]: [u64; 3],
    [m0, m1, m2]: [u64; 3],
    ab_next: u64,
    ym_after: u64,
) -> u64 {
    let s = u128::from(*acc) + u128::from(a0) * u128::from(bi);
    let y = (s as u64).wrapping_mul(k0) & MASK52;
    let carry = ((s + u128::from(m0) * u128::from(y)) >> DIGIT_BITS) as u64;
    let ym1 = u128::from(m1) * u128::from(y);
    *acc = carry.wrapping_add(ab_next).wrapping_add(*ym_next).wrapping_add(ym1 as u64 & MASK52);
    *ym_next = ym_after.wrapping_add(m2.wrapping_mul(y) & MASK52).wrapping_add((ym1 >> DIGIT_BITS) as u64);
    y
}

/// `acc += low 52 bits of x * bv`, lane by lane.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512ifma")]
fn madd_lo<const V: usize>(acc: &mut [__m512i; V], x: &[__m512i; V], bv: __m512i) {
    for k in 0..V {
        acc[k] = _mm512_madd52lo_epu64(acc[k], x[k], bv);
    }
}

/// `acc += high 52 bits of x * bv` (of the 104-bit product), lane by lane.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512ifma")]
fn madd_hi<const V: usize>(acc: &mut [__m512i; V], x: &[__m512i; V], bv: __m512i) {
    for k in 0..V {
        acc[k] = _mm512_madd52hi_epu64(acc[k], x[k], bv);
    }
}

/// Lane `L` (0 to 3) of the first vector.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn lane<const L: i32, const V: usize>(x: &[__m512i; V]) -> u64 {
    _mm256_extract_epi64(_mm512_castsi512_si256(x[0]), L) as u64
}

/// Lane `j` to lane `j + 1` across the vectors, zero into lane 0.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn shifted_up<const V: usize>(x: &[__m512i; V]) -> [__m512i; V] {
    let mut out = [_mm512_setzero_si512(); V];
    for k in 0..V {
        let below = if k > 0 { x[k - 1] } else { _mm512_setzero_si512() };
        out[k] = _mm512_alignr_epi64(x[k], below, 7);
    }
    out
}

/// Lane `j + 2` to lane `j` across the vectors, zeros into the top two.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn shift_down_two<const V: usize>(x: &mut [__m512i; V]) {
    for k in 0..V {
        let above = if k + 1 < V { x[k + 1] } else { _mm512_setzero_si512() };
        x[k] = _mm512_alignr_epi64(above, x[k], 2);
    }
}

/// Takes every digit below 2^52, keeping the value: first each lane's bits
/// above 52 (at most 12 of them) go to the lane above, which leaves every
/// lane below 2^53; then the carries of one that ripple through lanes equal
/// to 2^52 - 1 are found all at once by adding bit masks: with `g` the
/// lanes above 2^52 - 1 and `p` those equal to it, the lanes that receive a
/// carry are `((g << 1) + p) ^ p`, as in a carry-lookahead adder.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn normalize<const V: usize>(x: &mut [__m512i; V]) {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    let mut carries = [_mm512_setzero_si512(); V];
    for k in 0..V {
        carries[k] = _mm512_srli_epi64(x[k], DIGIT_BITS as u32);
        x[k] = _mm512_and_si512(x[k], mask);
    }
    for k in 0..V {
        let below = if k > 0 { carries[k - 1] } else { _mm512_setzero_si512() };
        x[k] = _mm512_add_epi64(x[k], _mm512_alignr_epi64(carries[k], below, 7));
    }
    let (mut g, mut p) = (0u64, 0u64);
    for (k, &v) in x.iter().enumerate() {
        g |= u64::from(_mm512_cmpgt_epu64_mask(v, mask)) << (8 * k);
        p |= u64::from(_mm512_cmpeq_epu64_mask(v, mask)) << (8 * k);
    }
    let receive = ((g << 1).wrapping_add(p)) ^ p;
    let one = _mm512_set1_epi64(1);
    for (k, v) in x.iter_mut().enumerate() {
        let lanes = (receive >> (8 * k)) as u8;
        *v = _mm512_and_si512(_mm512_mask_add_epi64(*v, lanes, *v, one), mask);
    }
}

/// `table[k]` (entries of `8V` lanes), reading every entry under a mask.
/// The masks are made first (through `subtle`, whose calls would otherwise
/// sit between vector instructions and force the vectors out to memory).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn select<const V: usize>(table: &[u64], k: u64) -> Radix52<V> {
    let mut masks = [0u64; 1 << WINDOW];
    for (j, mask) in masks.iter_mut().enumerate() {
        *mask = limbs::mask((j as u64).ct_eq(&k));
    }
    let mut out = Radix52::<V>::zero();
    let mut entry = Radix52::<V>::zero();
    for (chunk, &mask) in table.chunks_exact(8 * V).zip(&masks) {
        let mask = _mm512_set1_epi64(mask as i64);
        entry.load(chunk);
        for (o, &e) in out.0.iter_mut().zip(&entry.0) {
            *o = _mm512_or_si512(*o, _mm512_and_si512(e, mask));
        }
    }
    out
}

/// The 52 bits of `x` from bit `pos` up (zero beyond the last limb).
fn bits_at(x: &[u64], pos: usize) -> u64 {
    let (i, shift) = (pos / 64, pos % 64);
    let lo = x.get(i).copied().unwrap_or(0) >> shift;
    let hi = if shift > 64 - DIGIT_BITS { x.get(i + 1).copied().unwrap_or(0) << (64 - shift) } else { 0 };
    (lo | hi) & MASK52
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    //! The parts random values rarely reach: carries that ripple through
    //! lanes equal to 2^52 - 1, and lanes at the top of their range.
    use super::*;

    /// The value of `lanes` (digits in radix 2^52, any size below 2^64) as
    /// 64-bit limbs, by plain carry propagation.
    fn value(lanes: &[u64]) -> Vec<u64> {
        let mut limbs = vec![0u64; lanes.len()];
        for (j, &x) in lanes.iter().enumerate() {
            // Add x << (52 j) into limbs, as a 128-bit addend.
            let (pos, shift) = (52 * j / 64, 52 * j % 64);
            let mut carry = u128::from(x) << shift;
            for limb in &mut limbs[pos..] {
                let sum = u128::from(*limb) + (carry & u128::from(u64::MAX));
                *limb = sum as u64;
                carry = (carry >> 64) + (sum >> 64);
            }
        }
        limbs
    }

    #[target_feature(enable = "avx512f")]
    fn normalized(lanes: &[u64; 24]) -> [u64; 24] {
        let mut x = Radix52::<3>::zero();
        x.load(lanes);
        normalize(&mut x.0);
        let mut out = [0u64; 24];
        x.store(&mut out);
        out
    }

    #[test]
    fn normalize_keeps_the_value_and_ripples_carries() {
        let Some(_token) = Ifma::new() else {
            eprintln!("this CPU has no AVX-512 IFMA: the IFMA backend is not tested here");
            return;
        };
        let mut cases: Vec<[u64; 24]> = Vec::new();
        // A carry out of lane 0 rippling through 20 lanes of 2^52 - 1.
        let mut ripple = [MASK52; 24];
        ripple[0] = MASK52 + 1;
        ripple[21..].fill(0);
        cases.push(ripple);
        // Large lanes (as after 40 steps) next to saturated ones.
        let mut mixed = [0u64; 24];
        for (j, lane) in mixed.iter_mut().enumerate().take(20) {
            *lane = if j % 3 == 0 { (1 << 59) + j as u64 } else { MASK52 };
        }
        cases.push(mixed);
        // Saturated after the first pass: low bits 2^52 - 1 - c plus c.
        let mut after_first = [0u64; 24];
        for (j, lane) in after_first.iter_mut().enumerate().take(20) {
            *lane = (MASK52 - 3) | (if j % 2 == 1 { 3 << 52 } else { 0 });
        }
        cases.push(after_first);
        for case in &cases {
            // SAFETY: the token shows the CPU has AVX-512F.
            let out = unsafe { normalized(case) };
            assert!(out.iter().all(|&d| d <= MASK52), "a digit above 2^52 - 1");
            assert_eq!(value(&out), value(case));
        }
        // The ripple case ends as 2^(52 * 21) exactly.
        // SAFETY: as above.
        let out = unsafe { normalized(&cases[0]) };
        assert_eq!(out[21], 1);
        assert!(out[..21].iter().all(|&d| d == 0));
    }
}
