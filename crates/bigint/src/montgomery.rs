//! Montgomery multiplication and squaring (Montgomery, "Modular
//! Multiplication Without Trial Division", 1985).
//!
//! Constant time: yes. The loops run over the modulus's limbs (a public
//! length), the quotient digit `q` is computed for every limb, and the final
//! subtraction is a masked select.
//!
//! With `n` limbs and `R = 2^(64 n)`, an odd modulus `m < R` and
//! `m' = -m^-1 mod 2^64`, Montgomery multiplication returns `a b R^-1 mod m`.
//! The layout is "separated operand scanning" (Koç, Acar and Kaliski,
//! "Analyzing and Comparing Montgomery Multiplication Algorithms", 1996, §3):
//!
//! 1. `T = a * b`, `2n` limbs, one row `T[i..] += a[i] * b` per limb of `a`
//!    (for a square, the rows above the diagonal once, doubled, plus the
//!    squares on the diagonal: about half the products).
//! 2. For each `i` from 0 to `n - 1`: `q = T[i] * m' mod 2^64` makes limb
//!    `i` vanish in `T += q m 2^(64 i)`; the carry limb of that row goes into
//!    `T[i + n]` with a running carry bit `c`.
//! 3. `T / R = c * R + T[n..2n]` is below `2m` when `a b < R m`; subtract `m`
//!    if it is at least `m`.
//!
//! Every row is one call of the backend's kernel `addmul_1`, so the portable
//! and the BMI2/ADX backends share this file; only the kernel differs. Two
//! exceptions, for speed. When the limb count is a multiple of 4 (1024,
//! 2048, 4096 bits ...), the ADX backend runs whole loops of rows in
//! assembly, to save the call overhead of `2n` rows, a large share of the
//! work at 1024 bits (16 limbs): `Adx::mont_mul` multiplies in the
//! interleaved CIOS order of the same paper, and squares are step 1
//! (`Adx::sqr_triangle`, then `Adx::double_add_diagonal`) and step 2
//! (`Adx::redc`). And at exactly 16 limbs (RSA-2048's CRT halves, where
//! most of a TLS handshake's time goes), `adx16.rs` writes each row out
//! without a loop: products are `Adx::mul16` then `Adx::redc16`, squares
//! `Adx::sqr_triangle16`, the doubling, then `Adx::redc16`.
//!
//! Bounds: if `a < R` and `b < m` then `a b < R m` and the result is below
//! `m`. `Modulus` relies on it to bring any `n`-limb value (even one above
//! `m`) into Montgomery form with `mont_mul(x, R^2 mod m)`.

use crate::adx::Adx;
use crate::adx16;
use crate::backend::{AddMul, Backend, Portable};
use crate::limbs;
use zeroize::Zeroize;

/// Montgomery arithmetic modulo `m`, with a scratch buffer of `2n` limbs
/// (wiped on drop: it holds products of secrets).
pub(crate) struct Mont<'a> {
    /// The modulus, `n` limbs, odd.
    m: &'a [u64],
    /// `-m^-1 mod 2^64`.
    m0inv: u64,
    /// The kernel.
    kernel: Kernel,
    /// The double-length product `T`.
    t: Vec<u64>,
}

/// A backend's kernel, ready to call.
#[derive(Clone, Copy)]
enum Kernel {
    /// `u128` products.
    Portable,
    /// BMI2/ADX assembly; holding the token proves the CPU has them.
    Adx(Adx),
}

impl<'a> Mont<'a> {
    /// Arithmetic modulo `m` with the given constant and backend. Panics if
    /// the backend is not available on this CPU (`Modulus` checked).
    pub(crate) fn new(m: &'a [u64], m0inv: u64, backend: Backend) -> Mont<'a> {
        let kernel = match backend {
            Backend::Portable => Kernel::Portable,
            Backend::Adx => Kernel::Adx(Adx::new().expect("the ADX backend is available")),
            // The vector backends do exponentiation only (`ifma.rs`,
            // `avx2.rs`); the rest runs on the ADX rows where the CPU has them.
            Backend::Ifma | Backend::Avx2 => Adx::new().map_or(Kernel::Portable, Kernel::Adx),
        };
        Mont { m, m0inv, kernel, t: vec![0; 2 * m.len() + 2] }
    }

    /// `out = a b R^-1 mod m`, for `a < R` and `b < m` (or both below `m`).
    /// All slices have `n` limbs.
    pub(crate) fn mul(&mut self, out: &mut [u64], a: &[u64], b: &[u64]) {
        match self.kernel {
            Kernel::Portable => mul_with(Portable, &mut self.t, out, a, b, self.m, self.m0inv),
            Kernel::Adx(adx) if self.m.len() == adx16::LIMBS => {
                let t = &mut self.t[..2 * adx16::LIMBS];
                t[..adx16::LIMBS].fill(0);
                adx.mul16(t, a, b);
                let c = adx.redc16(t, self.m, self.m0inv);
                final_sub(out, &t[adx16::LIMBS..], c, self.m);
            }
            Kernel::Adx(adx) if self.m.len().is_multiple_of(4) => {
                self.t.fill(0);
                adx.mont_mul(&mut self.t, a, b, self.m, self.m0inv);
                let n = self.m.len();
                final_sub(out, &self.t[n..2 * n], self.t[2 * n], self.m);
            }
            Kernel::Adx(adx) => mul_with(adx, &mut self.t, out, a, b, self.m, self.m0inv),
        }
    }

    /// `out = a^2 R^-1 mod m`, for `a < m`.
    pub(crate) fn sqr(&mut self, out: &mut [u64], a: &[u64]) {
        match self.kernel {
            Kernel::Portable => sqr_with(Portable, &mut self.t, out, a, self.m, self.m0inv),
            Kernel::Adx(adx) if self.m.len().is_multiple_of(4) => {
                let n = self.m.len();
                let t = &mut self.t[..2 * n];
                t.fill(0);
                let c = if n == adx16::LIMBS {
                    adx.sqr_triangle16(t, a);
                    adx.double_add_diagonal(t, a);
                    adx.redc16(t, self.m, self.m0inv)
                } else {
                    adx.sqr_triangle(t, a);
                    adx.double_add_diagonal(t, a);
                    adx.redc(t, self.m, self.m0inv)
                };
                final_sub(out, &t[n..], c, self.m);
            }
            Kernel::Adx(adx) => sqr_with(adx, &mut self.t, out, a, self.m, self.m0inv),
        }
    }
}

impl Drop for Mont<'_> {
    fn drop(&mut self) {
        self.t.zeroize();
    }
}

/// Step 1 for a product, then steps 2 and 3.
#[inline(always)]
fn mul_with<A: AddMul>(k: A, t: &mut [u64], out: &mut [u64], a: &[u64], b: &[u64], m: &[u64], m0inv: u64) {
    let n = m.len();
    assert!(a.len() == n && b.len() == n && out.len() == n && t.len() >= 2 * n);
    let t = &mut t[..2 * n];
    // Only t[0..n] needs clearing: row i writes its carry limb into the
    // untouched t[n + i] before any later row reads it.
    t[..n].fill(0);
    for i in 0..n {
        t[n + i] = k.addmul_1(&mut t[i..i + n], b, a[i]);
    }
    redc(k, t, out, m, m0inv);
}

/// Step 1 for a square, then steps 2 and 3.
#[inline(always)]
fn sqr_with<A: AddMul>(k: A, t: &mut [u64], out: &mut [u64], a: &[u64], m: &[u64], m0inv: u64) {
    let n = m.len();
    assert!(a.len() == n && out.len() == n && t.len() >= 2 * n);
    let t = &mut t[..2 * n];
    t.fill(0);
    // The products a[i] a[j] for i < j: row i adds a[i] * a[i+1..n] at limb
    // 2i + 1 and writes its carry limb into the untouched t[n + i].
    for i in 0..n.saturating_sub(1) {
        t[n + i] = k.addmul_1(&mut t[2 * i + 1..n + i], &a[i + 1..], a[i]);
    }
    double_add_diagonal(t, a);
    redc(k, t, out, m, m0inv);
}

/// The rest of step 1 for a square, once `t` holds the products above the
/// diagonal: double them (they fit: their sum is below R^2 / 2) and add the
/// squares `a[i]^2` at limb `2i`.
fn double_add_diagonal(t: &mut [u64], a: &[u64]) {
    let top = limbs::shl1(t);
    debug_assert_eq!(top, 0);
    let mut carry = 0;
    for (i, &ai) in a.iter().enumerate() {
        let (lo, hi) = limbs::mac(0, ai, ai, 0);
        (t[2 * i], carry) = limbs::adc(t[2 * i], lo, carry);
        (t[2 * i + 1], carry) = limbs::adc(t[2 * i + 1], hi, carry);
    }
    debug_assert_eq!(carry, 0);
}

/// Steps 2 and 3: `out = T R^-1 mod m` for `T < R m` on `2n` limbs.
#[inline(always)]
fn redc<A: AddMul>(k: A, t: &mut [u64], out: &mut [u64], m: &[u64], m0inv: u64) {
    let n = m.len();
    let mut c = 0;
    for i in 0..n {
        let q = t[i].wrapping_mul(m0inv);
        let hi = k.addmul_1(&mut t[i..i + n], m, q);
        debug_assert_eq!(t[i], 0);
        (t[i + n], c) = limbs::adc(t[i + n], hi, c);
    }
    final_sub(out, &t[n..], c, m);
}

/// Step 3: `out = c R + t - m` if that is not negative, else `c R + t`
/// (`c` is 0 or 1, and the value is below `2m`).
pub(crate) fn final_sub(out: &mut [u64], t: &[u64], c: u64, m: &[u64]) {
    // Take t - m unless that borrows without c = 1 to cancel the borrow.
    out.copy_from_slice(t);
    let borrow = limbs::sub_assign(out, m);
    let keep = (c ^ 1) & borrow;
    limbs::select_assign(out, t, limbs::mask(limbs::choice(keep)));
}
