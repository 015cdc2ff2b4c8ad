//! The AVX2 backend: modular exponentiation with numbers in radix 2^28,
//! four digits to a 256-bit register, multiplied with `vpmuludq` (four
//! 32 x 32-bit products at once).
//!
//! Constant time: yes. Every loop runs a number of times fixed by the
//! modulus's length; `vpmuludq`, `vpaddq`, the shuffles, `imul` and the
//! shifts take the same time whatever their operands; the table of powers
//! is read in full with masks; carries are moved with shifts and additions,
//! never with a branch.
//!
//! # Why, on a CPU with `mulx`
//!
//! The ADX rows (`adx16.rs`) are bound by the scalar multiplier: on AMD
//! Zen 3 a `mulx` with its two additions issues about once every 1.5
//! cycles, so a 1024-bit Montgomery product (512 limb products) cannot go
//! much below 770 cycles; it measures about 890, a square 770. The vector
//! unit beside it does four 32-bit products per `vpmuludq` and issues more
//! than one per cycle. Here a 1024-bit almost Montgomery product takes
//! about 720 cycles and a square about 565, and an RSA-2048 signature
//! about 590 µs against 730 µs on the ADX rows (docs/performance.md).
//!
//! # The method
//!
//! The method of `ifma.rs` with smaller digits (Gueron and Krasnov,
//! "Software Implementation of Modular Exponentiation, Using Advanced
//! Vector Instructions Architectures", WAIFI 2012, whose AVX2 code uses
//! 29-bit digits). A number below `2^(28 d)` is `d` digits, one per 64-bit
//! lane; `vpmuludq` multiplies the low 32 bits of each lane into a 64-bit
//! product, so a digit may be up to 2^32 - 1, and a product of two digits
//! of at most 2^28 + 2^8 takes 56 bits and a little. A digit of the
//! accumulator receives at most `d` products `a_j b_i` and `d` products
//! `y m_j` before it is done, 74 at 1024 bits (37 digits): below 2^63.
//! (With 29-bit digits, 36 of them, the bound would be 2^64.2: too much.)
//!
//! Almost Montgomery multiplication ([`amm`]) with `R' = 2^(28 s)`, `s`
//! steps (`s` the digit count, `4m < R'`):
//! results below `2m` when the inputs are, so no final subtraction until the
//! end. Step `i` adds `a b_i` and `y m` with `y` chosen so that digit `i`
//! becomes a multiple of 2^28; digit `i` is then done and its carry moves
//! up. Its exact value is kept on a 64-bit register, so that the next `y`
//! does not wait for the vector unit, and its lane is never read.
//!
//! Shifting ten vectors down one lane would cost as much as the products,
//! so the accumulator moves down a whole vector every four steps, which is
//! free (the registers are renamed): in step `i`, digit `i` sits in lane
//! `r = i mod 4` of the first vector, and the products go `r` lanes higher,
//! through copies of `a` and `m` shifted up `r` lanes, made once per
//! product ([`shifted_copies`]).
//!
//! Squares ([`amm_sqr`]) add each product `a_i a_j` once, doubled, and skip
//! the vectors that only products already added would reach: about a
//! quarter fewer products, which is where most of an exponentiation's
//! time goes.
//!
//! After the `s` steps the lanes hold up to 63 bits; [`normalize`] moves
//! their high bits up twice, which leaves every digit at most 2^28 + 2^8,
//! small enough for the next product. Only [`Radix28::to_limbs`] resolves
//! the carries exactly.
//!
//! This module holds unsafe code: calls of functions compiled for AVX2,
//! made only through an [`Avx2`] value, which exists only where the CPU
//! has it, and unaligned vector loads and stores, whose bounds are checked.
//! Property tests check it against the portable and ADX backends
//! (`tests/properties.rs`), and the tests below check its parts.

#![allow(unsafe_code)]

use crate::modulus::Modulus;
use crate::pow::{WINDOW, window};
use crate::uint::Uint;
use zeroize::Zeroizing;

#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::{
    __m256i, _mm256_add_epi64, _mm256_and_si256, _mm256_blend_epi32, _mm256_cmpeq_epi64,
    _mm256_extract_epi64, _mm256_loadu_si256, _mm256_mul_epu32, _mm256_or_si256, _mm256_permute4x64_epi64,
    _mm256_set1_epi64x, _mm256_setzero_si256, _mm256_srli_epi64, _mm256_storeu_si256,
};

/// Bits per digit.
const DIGIT_BITS: u32 = 28;
/// The low 28 bits.
const MASK28: u64 = (1 << DIGIT_BITS) - 1;
/// The most 256-bit vectors a number may take: 37 digits and three spare
/// lanes, for moduli up to 16 limbs (1024 bits, RSA-2048's CRT halves).
/// Larger moduli use the ADX kernels: at 2048 bits the accumulator alone
/// would take 20 of the 16 vector registers, and a lane would receive 148
/// products of 56 bits, more than 64 bits hold.
const MAX_VECTORS: usize = 10;
// `amm_sqr` writes out ten groups of four steps: at most 40 digits.
const _: () = assert!(4 * MAX_VECTORS <= 40);
/// The most lanes [`shifted_copies`] moves a number up.
const PAD: usize = 3;

/// Proof that this CPU has AVX2: only [`Avx2::new`] makes one.
#[derive(Clone, Copy)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// The backend, if this CPU has AVX2 (asked once).
    pub(crate) fn new() -> Option<Avx2> {
        static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let available = *AVAILABLE.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                std::arch::is_x86_feature_detected!("avx2")
            }
            #[cfg(not(target_arch = "x86_64"))]
            {
                false
            }
        });
        available.then_some(Avx2(()))
    }
}

/// The number of 28-bit digits for a modulus of `n` limbs: enough for
/// numbers below `4m`.
fn digits_for(n: usize) -> usize {
    (64 * n + 2).div_ceil(DIGIT_BITS as usize)
}

/// The steps of [`amm`], one per digit of `b`: `R' = 2^(28 s)`. As many as
/// [`digits_for`], so `4m < R'`.
pub(crate) fn steps_for(n: usize) -> usize {
    digits_for(n)
}

/// The vectors a number takes: its digits, and room for them to move up
/// three lanes in the shifted copies [`amm`] multiplies.
fn vectors_for(n: usize) -> usize {
    (digits_for(n) + PAD).div_ceil(4)
}

/// Whether [`pow`] handles a modulus of `n` limbs.
pub(crate) fn supports(n: usize) -> bool {
    vectors_for(n) <= MAX_VECTORS
}

/// `R' = 2^(28 s)` as a power of two: the exponent, for the [`Modulus`] to
/// compute `R' R mod m`.
pub(crate) fn radix_bits(n: usize) -> usize {
    DIGIT_BITS as usize * steps_for(n)
}

/// `base^exp mod m` (see [`Modulus::pow`]), for `m` of a length
/// [`supports`] accepts. `r_prime_r` is `2^(28 s) R mod m`.
pub(crate) fn pow(_token: Avx2, modulus: &Modulus, r_prime_r: &Uint, base: &Uint, exp: &Uint) -> Uint {
    #[cfg(target_arch = "x86_64")]
    {
        type PowV = unsafe fn(&Modulus, &Uint, &Uint, &Uint) -> Uint;
        let pow_v: PowV = match vectors_for(modulus.limbs()) {
            2 => pow_v::<2>,
            3 => pow_v::<3>,
            4 => pow_v::<4>,
            5 => pow_v::<5>,
            6 => pow_v::<6>,
            7 => pow_v::<7>,
            8 => pow_v::<8>,
            9 => pow_v::<9>,
            10 => pow_v::<10>,
            _ => panic!("avx2::pow called for an unsupported length"),
        };
        // SAFETY: the `Avx2` token proves the CPU has AVX2, the feature
        // `pow_v` is compiled for.
        unsafe { pow_v(modulus, r_prime_r, base, exp) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (modulus, r_prime_r, base, exp);
        unreachable!("an Avx2 token exists only on x86-64")
    }
}

/// `base^exp mod m` for a **public** exponent as big-endian bytes (see
/// [`Modulus::pow_vartime`]): **variable time in `exp`**, square and
/// multiply from its first set bit. For RSA verification (e = 65537).
pub(crate) fn pow_vartime(
    _token: Avx2,
    modulus: &Modulus,
    r_prime_r: &Uint,
    base: &Uint,
    exp: &[u8],
) -> Uint {
    #[cfg(target_arch = "x86_64")]
    {
        type PowV = unsafe fn(&Modulus, &Uint, &Uint, &[u8]) -> Uint;
        let pow_vartime_v: PowV = match vectors_for(modulus.limbs()) {
            2 => pow_vartime_v::<2>,
            3 => pow_vartime_v::<3>,
            4 => pow_vartime_v::<4>,
            5 => pow_vartime_v::<5>,
            6 => pow_vartime_v::<6>,
            7 => pow_vartime_v::<7>,
            8 => pow_vartime_v::<8>,
            9 => pow_vartime_v::<9>,
            10 => pow_vartime_v::<10>,
            _ => panic!("avx2::pow_vartime called for an unsupported length"),
        };
        // SAFETY: the `Avx2` token proves the CPU has AVX2, the feature
        // `pow_vartime_v` is compiled for.
        unsafe { pow_vartime_v(modulus, r_prime_r, base, exp) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (modulus, r_prime_r, base, exp);
        unreachable!("an Avx2 token exists only on x86-64")
    }
}

/// What [`amm`] needs of the modulus, made once per exponentiation.
#[cfg(target_arch = "x86_64")]
struct Consts<const V: usize> {
    /// `m` shifted up 0 to 3 lanes ([`shifted_copies`]).
    m_up: [[__m256i; V]; 4],
    /// Digits 0, 1 and 2 of `m`.
    m0: u64,
    m1: u64,
    m2: u64,
    /// `-m^-1 mod 2^28`.
    k0: u64,
    /// The steps of [`amm`] ([`steps_for`]).
    steps: usize,
}

#[cfg(target_arch = "x86_64")]
impl<const V: usize> Consts<V> {
    #[target_feature(enable = "avx2")]
    fn new(modulus: &Modulus) -> Consts<V> {
        let m = Radix28::<V>::from_limbs(modulus.as_uint().as_limbs());
        let [m0, m1, m2] = [0, 1, 2].map(|j| m.digits()[j]);
        Consts {
            m_up: shifted_copies(&m),
            m0,
            m1,
            m2,
            k0: modulus.m0inv() & MASK28,
            steps: steps_for(modulus.limbs()),
        }
    }
}

/// [`pow_vartime`] on numbers of `V` vectors.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn pow_vartime_v<const V: usize>(modulus: &Modulus, r_prime_r: &Uint, base: &Uint, exp: &[u8]) -> Uint {
    let n = modulus.limbs();
    let c = Consts::<V>::new(modulus);
    let b = Radix28::<V>::from_limbs(modulus.mont_mul(base, r_prime_r).as_limbs());
    let mut acc =
        Radix28::<V>::from_limbs(modulus.mont_mul(&Uint::from_u64(1).resize_widen(n), r_prime_r).as_limbs());
    let mut started = false;
    for &byte in exp {
        for k in (0..8).rev() {
            if started {
                acc = amm_sqr(&acc, &c);
            }
            if (byte >> k) & 1 == 1 {
                acc = amm(&acc, &b, &c);
                started = true;
            }
        }
    }
    let result = amm(&acc, &Radix28::one(), &c).to_limbs(n + 1);
    modulus.reduce_below_2m(&result)
}

/// [`pow`] on numbers of `V` vectors: the fixed-window method of `pow.rs`
/// (table of 32 powers read in full with masks, five squarings and one
/// multiplication per window), every product an [`amm`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn pow_v<const V: usize>(modulus: &Modulus, r_prime_r: &Uint, base: &Uint, exp: &Uint) -> Uint {
    let n = modulus.limbs();
    let c = Consts::<V>::new(modulus);
    // x R' mod m = (x)(R' R) R^-1 with the crate's Montgomery multiplication.
    let one =
        Radix28::<V>::from_limbs(modulus.mont_mul(&Uint::from_u64(1).resize_widen(n), r_prime_r).as_limbs());
    let b = Radix28::<V>::from_limbs(modulus.mont_mul(base, r_prime_r).as_limbs());

    let mut table = Zeroizing::new(vec![0u64; (4 * V) << WINDOW]);
    one.store(&mut table[..4 * V]);
    b.store(&mut table[4 * V..8 * V]);
    let mut acc = b.clone();
    for k in 2..1 << WINDOW {
        acc = amm(&acc, &b, &c);
        acc.store(&mut table[4 * V * k..4 * V * (k + 1)]);
    }
    let windows = (64 * exp.limb_len()).div_ceil(WINDOW);
    let mut acc = one;
    for w in (0..windows).rev() {
        if w + 1 != windows {
            for _ in 0..WINDOW {
                acc = amm_sqr(&acc, &c);
            }
        }
        let entry = select::<V>(&table, window(exp.as_limbs(), w * WINDOW));
        acc = amm(&acc, &entry, &c);
    }
    // Out of Montgomery form: acc R'^-1, at most m (see `pow`'s caller).
    let result = amm(&acc, &Radix28::one(), &c).to_limbs(n + 1);
    modulus.reduce_below_2m(&result)
}

/// A number in radix 2^28, digit `j` in lane `j % 4` of vector `j / 4`,
/// every digit at most 2^28 + 2^8 (not necessarily below 2^28: see
/// [`normalize`]), digits above the number's length zero. It is meant to
/// live in registers and is not wiped on drop (a `Drop` would pin it to
/// memory, as in `ifma.rs`); the compiler may still spill it, and the
/// shifted copies [`amm`] makes, to the stack, which is not wiped. What
/// is kept in memory on purpose, the table of powers and the digits
/// converted on the way in and out, is.
#[cfg(target_arch = "x86_64")]
#[derive(Clone)]
struct Radix28<const V: usize>([__m256i; V]);

#[cfg(target_arch = "x86_64")]
impl<const V: usize> Radix28<V> {
    /// The number 1.
    #[target_feature(enable = "avx2")]
    fn one() -> Radix28<V> {
        let mut digits = [0u64; 4 * MAX_VECTORS];
        digits[0] = 1;
        Radix28::load(&digits[..4 * V])
    }

    /// The digits of the number with the given limbs (which must fit).
    #[target_feature(enable = "avx2")]
    fn from_limbs(x: &[u64]) -> Radix28<V> {
        let mut digits = Zeroizing::new([0u64; 4 * MAX_VECTORS]);
        for (j, d) in digits.iter_mut().enumerate().take(4 * V) {
            *d = bits_at(x, DIGIT_BITS as usize * j);
        }
        Radix28::load(&digits[..4 * V])
    }

    /// The number on `limbs` 64-bit limbs (which must hold it): the carries
    /// resolved exactly, lane by lane, then the 28-bit digits packed.
    #[target_feature(enable = "avx2")]
    fn to_limbs(&self, limbs: usize) -> Uint {
        let mut digits = Zeroizing::new([0u64; 4 * MAX_VECTORS]);
        self.store(&mut digits[..4 * V]);
        let mut carry = 0u64;
        for d in digits.iter_mut() {
            let sum = *d + carry;
            *d = sum & MASK28;
            carry = sum >> DIGIT_BITS;
        }
        let mut out = Uint::zero(limbs);
        let x = out.as_limbs_mut();
        for (j, &d) in digits.iter().enumerate() {
            let (pos, shift) = (DIGIT_BITS as usize * j / 64, DIGIT_BITS as usize * j % 64);
            if let Some(limb) = x.get_mut(pos) {
                *limb |= d << shift;
            }
            if shift + DIGIT_BITS as usize > 64
                && let Some(limb) = x.get_mut(pos + 1)
            {
                *limb |= d >> (64 - shift);
            }
        }
        out
    }

    /// The digits, lane by lane.
    fn digits(&self) -> &[u64] {
        // SAFETY: `V` vectors of four u64 lanes are `4 V` u64 in a row, and
        // a vector's alignment (32) is a multiple of a u64's.
        unsafe { core::slice::from_raw_parts(self.0.as_ptr().cast::<u64>(), 4 * V) }
    }

    #[target_feature(enable = "avx2")]
    fn load(from: &[u64]) -> Radix28<V> {
        let mut out = Radix28([_mm256_setzero_si256(); V]);
        for (k, v) in out.0.iter_mut().enumerate() {
            *v = load4(from, 4 * k);
        }
        out
    }

    #[target_feature(enable = "avx2")]
    fn store(&self, to: &mut [u64]) {
        assert_eq!(to.len(), 4 * V);
        for (k, &v) in self.0.iter().enumerate() {
            let lanes = &mut to[4 * k..4 * k + 4];
            // SAFETY: `lanes` is four u64 in bounds; the store is unaligned.
            unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), v) };
        }
    }
}

/// Lanes `at .. at + 4` of `from`, as a vector (bounds checked).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn load4(from: &[u64], at: usize) -> __m256i {
    let lanes = &from[at..at + 4];
    // SAFETY: `lanes` is four u64 in bounds; the load is unaligned.
    unsafe { _mm256_loadu_si256(lanes.as_ptr().cast()) }
}

/// Almost Montgomery multiplication: `a b R'^-1 mod m` plus a multiple of
/// `m`, below `2m` when `a` and `b` are below `2m`, with digits at most
/// 2^28 + 2^8, for `R' = 2^(28 s)`: one step per digit of `b`, in groups of
/// four, the accumulator moving down one vector after each whole group
/// (see the module doc).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn amm<const V: usize>(a: &Radix28<V>, b: &Radix28<V>, c: &Consts<V>) -> Radix28<V> {
    debug_assert!(c.steps <= 4 * V);
    let a_up = shifted_copies(a);
    let mut st = State { v: [_mm256_setzero_si256(); V], acc: 0, lane_next: 0, y_prev: 0 };
    let digits = &b.digits()[..c.steps];
    let mut groups = digits.chunks_exact(4);
    for group in &mut groups {
        let low = products::<V, 0>(&mut st.v, &a_up, group[0]);
        reduce::<V, 0>(&mut st, c, low);
        let low = products::<V, 1>(&mut st.v, &a_up, group[1]);
        reduce::<V, 1>(&mut st, c, low);
        let low = products::<V, 2>(&mut st.v, &a_up, group[2]);
        reduce::<V, 2>(&mut st, c, low);
        let low = products::<V, 3>(&mut st.v, &a_up, group[3]);
        reduce::<V, 3>(&mut st, c, low);
        st.drop_first_vector();
    }
    // The last steps, fewer than four (a public number).
    let rest = groups.remainder();
    if let Some(&bi) = rest.first() {
        let low = products::<V, 0>(&mut st.v, &a_up, bi);
        reduce::<V, 0>(&mut st, c, low);
    }
    if let Some(&bi) = rest.get(1) {
        let low = products::<V, 1>(&mut st.v, &a_up, bi);
        reduce::<V, 1>(&mut st, c, low);
    }
    if let Some(&bi) = rest.get(2) {
        let low = products::<V, 2>(&mut st.v, &a_up, bi);
        reduce::<V, 2>(&mut st, c, low);
    }
    st.finish(rest.len())
}

/// [`amm`] for `a = b`, with about a quarter fewer products: step `i`
/// adds `a_i a_j` only for `j >= i`, doubled where `j > i` (the product
/// `a_j a_i` of step `j` is the same number at the same digit). In group
/// `g` the vectors below the one holding digit `2i` receive nothing and
/// are skipped: a public count, the same for every `a`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn amm_sqr<const V: usize>(a: &Radix28<V>, c: &Consts<V>) -> Radix28<V> {
    debug_assert!(c.steps <= 4 * V && V <= MAX_VECTORS);
    let a_up = shifted_copies(a);
    let mut st = State { v: [_mm256_setzero_si256(); V], acc: 0, lane_next: 0, y_prev: 0 };
    // The groups written out, each with its number as a constant, so that
    // the vectors it skips are known when compiling: a branch per vector
    // cost more than the products it saved (990 against 565 cycles at 1024
    // bits), and so did a loop over the groups dispatching to them. The
    // tests are on public numbers.
    let digits = &a.digits()[..c.steps];
    sqr_group::<V, 0>(&mut st, &a_up, c, digits);
    sqr_group::<V, 1>(&mut st, &a_up, c, digits);
    sqr_group::<V, 2>(&mut st, &a_up, c, digits);
    sqr_group::<V, 3>(&mut st, &a_up, c, digits);
    sqr_group::<V, 4>(&mut st, &a_up, c, digits);
    sqr_group::<V, 5>(&mut st, &a_up, c, digits);
    sqr_group::<V, 6>(&mut st, &a_up, c, digits);
    sqr_group::<V, 7>(&mut st, &a_up, c, digits);
    sqr_group::<V, 8>(&mut st, &a_up, c, digits);
    sqr_group::<V, 9>(&mut st, &a_up, c, digits);
    st.finish(c.steps % 4)
}

/// Group `G` of [`amm_sqr`]: the steps from `4G` to `4G + 3` there are
/// (`a` has one digit per step; never more than `4V`, [`MAX_VECTORS`]), and
/// the move down a vector if the group is whole.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn sqr_group<const V: usize, const G: usize>(
    st: &mut State<V>,
    a_up: &[[__m256i; V]; 4],
    c: &Consts<V>,
    a: &[u64],
) {
    if G >= V || 4 * G >= a.len() {
        return;
    }
    let low = products_sqr::<V, 0>(&mut st.v, a_up, G, a[4 * G]);
    reduce::<V, 0>(st, c, low);
    if let Some(&ai) = a.get(4 * G + 1) {
        let low = products_sqr::<V, 1>(&mut st.v, a_up, G, ai);
        reduce::<V, 1>(st, c, low);
    }
    if let Some(&ai) = a.get(4 * G + 2) {
        let low = products_sqr::<V, 2>(&mut st.v, a_up, G, ai);
        reduce::<V, 2>(st, c, low);
    }
    if let Some(&ai) = a.get(4 * G + 3) {
        let low = products_sqr::<V, 3>(&mut st.v, a_up, G, ai);
        reduce::<V, 3>(st, c, low);
        st.drop_first_vector();
    }
}

/// What one step of [`amm`] hands the next.
#[cfg(target_arch = "x86_64")]
struct State<const V: usize> {
    /// The accumulator, digit `i` in lane `i mod 4` of the first vector.
    v: [__m256i; V],
    /// Digit `i`, exactly.
    acc: u64,
    /// Digit `i + 1` as the vectors held it in step `i - 1`, after its
    /// products and before `y_(i-1) m` were added.
    lane_next: u64,
    /// The `y` of step `i - 1`.
    y_prev: u64,
}

#[cfg(target_arch = "x86_64")]
impl<const V: usize> State<V> {
    /// After a group of four steps: the first vector's digits are done.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn drop_first_vector(&mut self) {
        let v = self.v;
        self.v = core::array::from_fn(|k| if k + 1 < V { v[k + 1] } else { _mm256_setzero_si256() });
    }

    /// The result, after a last group of `rest` steps (0 if the last
    /// group was whole): digit 0 is in lane `rest` of the first vector,
    /// where the exact value goes; the vectors move down `rest` lanes, and
    /// are normalized.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn finish(self, rest: usize) -> Radix28<V> {
        let mut v = self.v;
        let acc = _mm256_set1_epi64x(self.acc as i64);
        let v = match rest {
            0 => {
                v[0] = _mm256_blend_epi32::<0b0000_0011>(v[0], acc);
                v
            }
            1 => {
                v[0] = _mm256_blend_epi32::<0b0000_1100>(v[0], acc);
                shifted_down::<V, 1, 0b00_11_10_01, 0b1100_0000>(&v)
            }
            2 => {
                v[0] = _mm256_blend_epi32::<0b0011_0000>(v[0], acc);
                shifted_down::<V, 2, 0b01_00_11_10, 0b1111_0000>(&v)
            }
            _ => {
                v[0] = _mm256_blend_epi32::<0b1100_0000>(v[0], acc);
                shifted_down::<V, 3, 0b10_01_00_11, 0b1111_1100>(&v)
            }
        };
        let mut v = v;
        normalize(&mut v);
        Radix28(v)
    }
}

/// The products of step `i` of [`amm`], digit `i` in lane `R = i mod 4` of
/// the first vector: adds `a b_i` into the vectors, `r` lanes up, and
/// returns `a_0 b_i` and `a_1 b_i`, the products for digits `i` and
/// `i + 1`, which [`reduce`] adds on the scalar side.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn products<const V: usize, const R: usize>(
    v: &mut [__m256i; V],
    a_up: &[[__m256i; V]; 4],
    bi: u64,
) -> [u64; 2] {
    let bv = _mm256_set1_epi64x(bi as i64);
    for (vk, &ak) in v.iter_mut().zip(&a_up[R]) {
        *vk = _mm256_add_epi64(*vk, _mm256_mul_epu32(ak, bv));
    }
    let a = &a_up[0][0];
    [_mm256_extract_epi64::<0>(*a) as u64 * bi, _mm256_extract_epi64::<1>(*a) as u64 * bi]
}

/// [`products`] for a square, step `i = 4g + R`, `ai` = digit `i`: digit
/// `2i` (lane `2R mod 4` of vector `g + R / 2`) receives `a_i^2`, the
/// lanes above it `2 a_j a_i`, the lanes below nothing (vectors below are
/// skipped). The multiplier differs by lane: `ai` at digit `2i`, `2 ai`
/// above.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn products_sqr<const V: usize, const R: usize>(
    v: &mut [__m256i; V],
    a_up: &[[__m256i; V]; 4],
    g: usize,
    ai: u64,
) -> [u64; 2] {
    let (single, double) = (_mm256_set1_epi64x(ai as i64), _mm256_set1_epi64x(2 * ai as i64));
    // The vector holding digit 2i, and the multipliers for it: lanes
    // below 2i zero, `ai` at 2i, `2 ai` above.
    let diagonal = g + R / 2;
    let edge = if R.is_multiple_of(2) {
        // Digit 2i in lane 0.
        _mm256_blend_epi32::<0b0000_0011>(double, single)
    } else {
        // Digit 2i in lane 2.
        let upper = _mm256_blend_epi32::<0b0011_0000>(double, single);
        _mm256_blend_epi32::<0b0000_1111>(upper, _mm256_setzero_si256())
    };
    for (k, (vk, &ak)) in v.iter_mut().zip(&a_up[R]).enumerate() {
        if k > diagonal {
            *vk = _mm256_add_epi64(*vk, _mm256_mul_epu32(ak, double));
        } else if k == diagonal {
            *vk = _mm256_add_epi64(*vk, _mm256_mul_epu32(ak, edge));
        }
    }
    // Digits i and i + 1 receive products from steps 0 and 1 only.
    let a = &a_up[0][0];
    let (a0, a1) = (_mm256_extract_epi64::<0>(*a) as u64, _mm256_extract_epi64::<1>(*a) as u64);
    match (g, R) {
        (0, 0) => [a0 * ai, 2 * a1 * ai],
        (0, 1) => [0, a1 * ai],
        _ => [0, 0],
    }
}

/// The reduction half of step `i` of [`amm`], after [`products`]: read
/// digit `i + 2` for the step after next; find `y` from the exact digit
/// (scalar); add `y m` (vectors). The exact value moves on to digit
/// `i + 1`: the carry of digit `i`, [`State::lane_next`], and the products
/// that lane has received since it was read: this step's (`low[1]`),
/// `m_2 y_(i-1)` and `m_1 y`. So `y` waits for no vector result of the
/// last two steps. The vectors add into lane `R` (digit `i`) too, but that
/// lane is never read again.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn reduce<const V: usize, const R: usize>(st: &mut State<V>, c: &Consts<V>, low: [u64; 2]) {
    let v = &mut st.v;
    let lane_after = match R {
        0 => _mm256_extract_epi64::<2>(v[0]),
        1 => _mm256_extract_epi64::<3>(v[0]),
        2 => _mm256_extract_epi64::<0>(v[1]),
        _ => _mm256_extract_epi64::<1>(v[1]),
    } as u64;
    // At most 2^63 + 2^57 (see the module doc): no overflow.
    let s = st.acc + low[0];
    let y = s.wrapping_mul(c.k0) & MASK28;
    let carry = (s + c.m0 * y) >> DIGIT_BITS;
    st.acc = carry + st.lane_next + low[1] + c.m2 * st.y_prev + c.m1 * y;
    st.lane_next = lane_after;
    st.y_prev = y;
    let yv = _mm256_set1_epi64x(y as i64);
    for (vk, &mk) in v.iter_mut().zip(&c.m_up[R]) {
        *vk = _mm256_add_epi64(*vk, _mm256_mul_epu32(mk, yv));
    }
}

/// `x` shifted down `S` lanes (`ROTATE` and `ABOVE` are the `vpermq` and
/// `vpblendd` immediates for it), zeros coming in at the top: each
/// vector's lanes rotated down `S`, the top `S` taken from the vector above.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn shifted_down<const V: usize, const S: usize, const ROTATE: i32, const ABOVE: i32>(
    x: &[__m256i; V],
) -> [__m256i; V] {
    let rotated: [__m256i; V] = core::array::from_fn(|k| _mm256_permute4x64_epi64::<ROTATE>(x[k]));
    core::array::from_fn(|k| {
        let above = if k + 1 < V { rotated[k + 1] } else { _mm256_setzero_si256() };
        _mm256_blend_epi32::<ABOVE>(rotated[k], above)
    })
}

/// `x` shifted up 0, 1, 2 and 3 lanes, zeros coming in at the bottom
/// (digits shifted out at the top must be zero): each vector's lanes
/// rotated up `r`, the bottom `r` of them taken from the vector below.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn shifted_copies<const V: usize>(x: &Radix28<V>) -> [[__m256i; V]; 4] {
    let x = &x.0;
    let zero = _mm256_setzero_si256();
    let below = |k: usize, rotated: &[__m256i; V]| if k > 0 { rotated[k - 1] } else { zero };
    let r1: [__m256i; V] = core::array::from_fn(|k| _mm256_permute4x64_epi64::<0b10_01_00_11>(x[k]));
    let r2: [__m256i; V] = core::array::from_fn(|k| _mm256_permute4x64_epi64::<0b01_00_11_10>(x[k]));
    let r3: [__m256i; V] = core::array::from_fn(|k| _mm256_permute4x64_epi64::<0b00_11_10_01>(x[k]));
    [
        *x,
        core::array::from_fn(|k| _mm256_blend_epi32::<0b0000_0011>(r1[k], below(k, &r1))),
        core::array::from_fn(|k| _mm256_blend_epi32::<0b0000_1111>(r2[k], below(k, &r2))),
        core::array::from_fn(|k| _mm256_blend_epi32::<0b0011_1111>(r3[k], below(k, &r3))),
    ]
}

/// Takes every digit to at most 2^28 + 2^8, keeping the value: twice, each
/// lane's bits above 28 go to the lane above. Lanes start below 2^63, so
/// after the first pass they are below 2^28 + 2^35, after the second below
/// 2^28 + 2^8. Nothing leaves the top lane: it is zero (the value is below
/// `2^(28 d)`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn normalize<const V: usize>(x: &mut [__m256i; V]) {
    let mask = _mm256_set1_epi64x(MASK28 as i64);
    for _ in 0..2 {
        // Each vector's carries rotated up one lane: lane 0 then holds the
        // carry of lane 3, which belongs to the vector above.
        let mut rotated = [_mm256_setzero_si256(); V];
        for k in 0..V {
            rotated[k] = _mm256_permute4x64_epi64::<0b10_01_00_11>(_mm256_srli_epi64::<28>(x[k]));
            x[k] = _mm256_and_si256(x[k], mask);
        }
        for k in 0..V {
            let below = if k > 0 { rotated[k - 1] } else { _mm256_setzero_si256() };
            x[k] = _mm256_add_epi64(x[k], _mm256_blend_epi32::<0b0000_0011>(rotated[k], below));
        }
    }
}

/// `table[k]` (entries of `4V` lanes), reading every entry under a mask.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn select<const V: usize>(table: &[u64], k: u64) -> Radix28<V> {
    // Each entry's mask from a vector comparison: `vpcmpeqq` sets the
    // lanes all ones or all zeros without a branch (32 calls through
    // `subtle` cost 2% of an exponentiation).
    let wanted = _mm256_set1_epi64x(k as i64);
    let mut out = [_mm256_setzero_si256(); V];
    for (j, entry) in table.chunks_exact(4 * V).enumerate() {
        let mask = _mm256_cmpeq_epi64(_mm256_set1_epi64x(j as i64), wanted);
        for (k, o) in out.iter_mut().enumerate() {
            *o = _mm256_or_si256(*o, _mm256_and_si256(load4(entry, 4 * k), mask));
        }
    }
    Radix28(out)
}

/// The 28 bits of `x` from bit `pos` up (zero beyond the last limb).
fn bits_at(x: &[u64], pos: usize) -> u64 {
    let (i, shift) = (pos / 64, pos % 64);
    let lo = x.get(i).copied().unwrap_or(0) >> shift;
    let hi =
        if shift > 64 - DIGIT_BITS as usize { x.get(i + 1).copied().unwrap_or(0) << (64 - shift) } else { 0 };
    (lo | hi) & MASK28
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    //! The parts the property tests reach only through whole
    //! exponentiations: the normalization at its extremes, squares against
    //! products, and the dispatch that keeps this backend in those tests.
    use super::*;
    use num_bigint::BigUint;
    use num_traits::One;
    use rand::SeedableRng;
    use rand_core::Rng;

    /// The value of `lanes` (radix 2^28, any lane below 2^64).
    fn value(lanes: &[u64]) -> BigUint {
        lanes.iter().rev().fold(BigUint::ZERO, |acc, &l| (acc << DIGIT_BITS) + l)
    }

    fn big(x: &Uint) -> BigUint {
        BigUint::from_bytes_be(&x.to_be_bytes(8 * x.limb_len()).expect("fits"))
    }

    fn limbs_of(x: &BigUint, n: usize) -> Vec<u64> {
        let mut limbs = x.to_u64_digits();
        limbs.resize(n, 0);
        limbs
    }

    /// Whether the CPU can run this module; says so where it cannot.
    fn avx2() -> bool {
        let available = Avx2::new().is_some();
        if !available {
            eprintln!("this CPU has no AVX2: the AVX2 backend is not tested here");
        }
        available
    }

    #[target_feature(enable = "avx2")]
    fn normalized(lanes: &[u64; 40]) -> [u64; 40] {
        let mut x = Radix28::<10>::load(lanes).0;
        normalize(&mut x);
        let mut out = [0u64; 40];
        Radix28(x).store(&mut out);
        out
    }

    #[test]
    fn normalize_keeps_the_value_and_bounds_the_digits() {
        if !avx2() {
            return;
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(28);
        let mut cases: Vec<[u64; 40]> = Vec::new();
        // Lanes as an exponentiation leaves them: up to 2^63 - 1, the top
        // three zero so that the value fits.
        let mut full = [(1 << 63) - 1; 40];
        full[37..].fill(0);
        cases.push(full);
        for _ in 0..100 {
            let mut lanes = [0u64; 40];
            for lane in &mut lanes[..37] {
                *lane = rng.next_u64() >> (1 + rng.next_u64() % 39);
            }
            cases.push(lanes);
        }
        // Already normalized, and saturated digits.
        cases.push([MASK28; 40].map(|d| d & !(rng.next_u64() & 1)));
        for case in &cases {
            // SAFETY: the CPU has AVX2 (checked above).
            let out = unsafe { normalized(case) };
            assert!(out.iter().all(|&d| d <= MASK28 + (1 << 8)), "a digit above 2^28 + 2^8");
            assert_eq!(value(&out), value(case));
        }
    }

    /// `amm_sqr(a)` and `amm(a, a)` for `a` below `2m`, as numbers.
    #[target_feature(enable = "avx2")]
    fn square_both_ways(modulus: &Modulus, a: &BigUint) -> (BigUint, BigUint) {
        let n = modulus.limbs();
        let c = Consts::<10>::new(modulus);
        let a = Radix28::<10>::from_limbs(&limbs_of(a, n + 1));
        let sqr = big(&amm_sqr(&a, &c).to_limbs(n + 1));
        let mul = big(&amm(&a, &a, &c).to_limbs(n + 1));
        (sqr, mul)
    }

    #[test]
    fn squares_agree_with_products() {
        if !avx2() {
            return;
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(1024);
        for case in 0..200 {
            let mut m_bytes = [0u8; 128];
            rng.fill_bytes(&mut m_bytes[..]);
            m_bytes[0] |= 0x80;
            m_bytes[127] |= 1;
            if case % 4 == 0 {
                // All ones: every digit of m, and of 2m - 1, at its largest.
                m_bytes = [0xff; 128];
            }
            let m = BigUint::from_bytes_be(&m_bytes);
            let modulus =
                Modulus::with_backend(&Uint::from_be_bytes(&m_bytes), crate::Backend::Avx2).unwrap();
            let a = if case % 2 == 0 {
                (&m << 1u32) - BigUint::one()
            } else {
                BigUint::from_bytes_be(&m_bytes) >> 3u32
            };
            // SAFETY: the CPU has AVX2 (checked above).
            let (sqr, mul) = unsafe { square_both_ways(&modulus, &a) };
            assert!(sqr < (&m << 1u32) && mul < (&m << 1u32), "an almost Montgomery result at or above 2m");
            let r_inv = (BigUint::one() << radix_bits(16)).modinv(&m).expect("odd m");
            let expected = (&a * &a * &r_inv) % &m;
            assert_eq!(sqr % &m, expected);
            assert_eq!(mul % &m, expected);
        }
    }

    #[test]
    fn rsa_2048_halves_run_here() {
        if !avx2() {
            return;
        }
        assert!(supports(16) && !supports(17));
        assert_eq!(steps_for(16), 37);
        let m = Uint::from_be_bytes(&[0xffu8; 128]);
        let modulus = Modulus::with_backend(&m, crate::Backend::Avx2).unwrap();
        assert!(modulus.radix_r().is_some());
        assert!(crate::Backend::available().any(|b| b == crate::Backend::Avx2));
    }
}
