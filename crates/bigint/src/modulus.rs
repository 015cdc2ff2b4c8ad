//! [`Modulus`]: an odd modulus with its Montgomery constants, and the
//! arithmetic modulo it (reduction, addition, subtraction, multiplication).
//! Exponentiation is in `pow.rs`, inversion in `inverse.rs`.
//!
//! Constant time: yes in the values of the operands and of the modulus, with
//! one exception: the modulus's bit length is public (it is announced for an
//! RSA prime, and the modulus of a public key is public anyway), and
//! [`Modulus::new`] uses it to count the doublings that compute `R^2 mod m`.
//!
//! Elements modulo `m` are [`Uint`]s on exactly as many limbs as `m` with a
//! value below `m`. The functions check the length (a public property) and
//! panic on a mismatch; the range they cannot check without leaking, so
//! results are only meaningful for reduced inputs (use [`Modulus::reduce`]).

use crate::Error;
use crate::avx2;
use crate::backend::Backend;
use crate::ifma;
use crate::limbs;
use crate::montgomery::Mont;
use crate::uint::Uint;

/// An odd modulus `m > 1` on `n` limbs, with what Montgomery multiplication
/// needs: `m' = -m^-1 mod 2^64` and `R^2 mod m` for `R = 2^(64 n)`.
#[derive(Clone)]
pub struct Modulus {
    /// The modulus.
    m: Uint,
    /// `-m^-1 mod 2^64`.
    m0inv: u64,
    /// `R^2 mod m`: `mont_mul(x, rr)` is `x R mod m`, the Montgomery form.
    rr: Uint,
    /// The bit length of `m` (public).
    bits: usize,
    /// The Montgomery multiplication kernel.
    backend: Backend,
    /// For the vector backends (IFMA, AVX2), where they handle this
    /// length: `R' R mod m` for their radix `R'` (`2^(52 d)` in `ifma.rs`,
    /// `2^(28 s)` in `avx2.rs`), which takes a number into their Montgomery
    /// form with one Montgomery multiplication.
    radix_r: Option<Uint>,
}

impl Modulus {
    /// The modulus `m`, on the fastest backend this CPU has.
    /// [`Error::InvalidModulus`] if `m` is even or below 2.
    pub fn new(m: &Uint) -> Result<Modulus, Error> {
        Modulus::with_backend(m, Backend::preferred())
    }

    /// The modulus `m`, which must be **public** (an RSA public key's `n`),
    /// on the fastest backend: as [`Modulus::new`], but `R^2 mod m` by a
    /// division in **variable time** (`vartime.rs`), about 1 µs against
    /// 8 µs at 2048 bits. Never for a secret modulus such as an RSA prime.
    pub fn new_public(m: &Uint) -> Result<Modulus, Error> {
        Modulus::build(m, Backend::preferred(), |modulus| {
            let n = modulus.limbs();
            let mut r_squared = vec![0u64; 2 * n + 1];
            r_squared[2 * n] = 1;
            Uint::from_limbs(crate::vartime::rem_vartime(&r_squared, modulus.m.as_limbs()))
        })
    }

    /// The modulus `m` on the given backend, or
    /// [`Error::BackendUnavailable`] if this CPU lacks it.
    pub fn with_backend(m: &Uint, backend: Backend) -> Result<Modulus, Error> {
        Modulus::build(m, backend, Modulus::compute_rr)
    }

    /// The modulus with `R^2 mod m` from `rr`.
    fn build(m: &Uint, backend: Backend, rr: impl FnOnce(&Modulus) -> Uint) -> Result<Modulus, Error> {
        if !backend.is_available() {
            return Err(Error::BackendUnavailable);
        }
        let one = Uint::from_u64(1);
        if !bool::from(m.is_odd() & one.ct_lt(m)) {
            return Err(Error::InvalidModulus);
        }
        let m0inv = limbs::inv_mod_2_64(m.as_limbs()[0]).wrapping_neg();
        let bits = m.bits_vartime();
        let n = m.limb_len();
        let mut modulus = Modulus { m: m.clone(), m0inv, rr: Uint::zero(n), bits, backend, radix_r: None };
        modulus.rr = rr(&modulus);
        let radix_bits = match backend {
            Backend::Ifma if ifma::supports(n) => Some(52 * ifma::digits_for(n)),
            Backend::Avx2 if avx2::supports(n) => Some(avx2::radix_bits(n)),
            _ => None,
        };
        if let Some(radix_bits) = radix_bits {
            // 2^(radix_bits + 64 n) mod m, by the division-free `reduce`.
            let bit = radix_bits + 64 * n;
            let mut power = Uint::zero(bit / 64 + 1);
            power.as_limbs_mut()[bit / 64] = 1 << (bit % 64);
            modulus.radix_r = Some(modulus.reduce(&power));
        }
        Ok(modulus)
    }

    /// `R^2 mod m`, without division (the idea of Go's `bigmod.rr`).
    ///
    /// First `R mod m`: `2^(bits - 1)` is below `m`, then `64 n - bits + 1`
    /// modular doublings reach `2^(64 n) mod m`, which is 1 in Montgomery
    /// form. Then `n` more doublings give `2^n R`, the Montgomery form of
    /// `2^n`, and six Montgomery squarings square that six times: `2^(64 n)
    /// R = R^2`. Doublings are cheap and squarings are not: six squarings
    /// and `n` doublings, rather than the `log2(64 n)` squarings of a
    /// square-and-double chain from `R` (11 at 2048 bits).
    fn compute_rr(&self) -> Uint {
        let n = self.limbs();
        let mut x = Uint::zero(n);
        x.as_limbs_mut()[(self.bits - 1) / 64] = 1 << ((self.bits - 1) % 64);
        let mut scratch = vec![0u64; n];
        for _ in self.bits - 1..64 * n + n {
            self.double_in_place(x.as_limbs_mut(), &mut scratch);
        }
        let mut mont = self.mont();
        let mut tmp = Uint::zero(n);
        for _ in 0..6 {
            mont.sqr(tmp.as_limbs_mut(), x.as_limbs());
            core::mem::swap(&mut x, &mut tmp);
        }
        x
    }

    /// `x = 2x mod m` for `x < m`, in place (`scratch` has `n` limbs): the
    /// doubling, then Montgomery's final subtraction (`2x < 2m`, with the
    /// bit shifted out as its carry).
    fn double_in_place(&self, x: &mut [u64], scratch: &mut [u64]) {
        let carry = limbs::shl1(x);
        crate::montgomery::final_sub(scratch, x, carry, self.m.as_limbs());
        x.copy_from_slice(scratch);
    }

    /// The modulus as a number.
    pub fn as_uint(&self) -> &Uint {
        &self.m
    }

    /// The number of limbs `n` of the modulus and of its elements.
    pub fn limbs(&self) -> usize {
        self.m.limb_len()
    }

    /// The bit length of the modulus (public).
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The backend that runs Montgomery multiplication.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// `x mod m`, for `x` on any number of limbs.
    ///
    /// Horner's rule on `n`-limb chunks `x = sum x_j R^j`, in Montgomery
    /// form: with `A = (x_top..x_k) R mod m`, the next is
    /// `A R + x_(k-1) R = mont(A, R^2) + mont(x_(k-1), R^2)`, each chunk being
    /// below `R` (see the bounds in `montgomery.rs`); a last Montgomery
    /// multiplication by 1 leaves Montgomery form. Two multiplications per
    /// chunk: far cheaper than the bit-by-bit division of [`Uint::div_rem`].
    pub fn reduce(&self, x: &Uint) -> Uint {
        let n = self.limbs();
        let mut mont = self.mont();
        let mut acc = Uint::zero(n);
        let mut chunk = Uint::zero(n);
        let mut t1 = Uint::zero(n);
        let mut t2 = Uint::zero(n);
        let chunks = x.limb_len().div_ceil(n).max(1);
        for j in (0..chunks).rev() {
            let limbs = x.as_limbs();
            let end = limbs.len().min((j + 1) * n);
            chunk.as_limbs_mut().fill(0);
            chunk.as_limbs_mut()[..end - j * n].copy_from_slice(&limbs[j * n..end]);
            mont.mul(t1.as_limbs_mut(), acc.as_limbs(), self.rr.as_limbs());
            mont.mul(t2.as_limbs_mut(), chunk.as_limbs(), self.rr.as_limbs());
            acc = self.add(&t1, &t2);
        }
        self.out_of_montgomery(&mut mont, &acc)
    }

    /// `a + b mod m`.
    pub fn add(&self, a: &Uint, b: &Uint) -> Uint {
        self.check(a);
        self.check(b);
        let (mut sum, carry) = a.carrying_add(b);
        let mut diff = sum.clone();
        let borrow = limbs::sub_assign(diff.as_limbs_mut(), self.m.as_limbs());
        // a + b - m is the answer unless it borrowed without a carry to cancel.
        let keep_sum = (carry.unwrap_u8() as u64 ^ 1) & borrow;
        limbs::select_assign(diff.as_limbs_mut(), sum.as_limbs(), limbs::mask(limbs::choice(keep_sum)));
        sum.as_limbs_mut().fill(0);
        diff
    }

    /// `a - b mod m`.
    pub fn sub(&self, a: &Uint, b: &Uint) -> Uint {
        self.check(a);
        self.check(b);
        let (mut diff, borrow) = a.borrowing_sub(b);
        limbs::cond_add(diff.as_limbs_mut(), self.m.as_limbs(), limbs::mask(borrow));
        diff
    }

    /// `-a mod m`.
    pub fn neg(&self, a: &Uint) -> Uint {
        self.sub(&Uint::zero(self.limbs()), a)
    }

    /// `a b mod m`: a Montgomery multiplication gives `a b R^-1`, and a
    /// second one by `R^2` gives `a b`.
    pub fn mul(&self, a: &Uint, b: &Uint) -> Uint {
        self.check(a);
        self.check(b);
        let mut mont = self.mont();
        let mut t = Uint::zero(self.limbs());
        let mut out = Uint::zero(self.limbs());
        mont.mul(t.as_limbs_mut(), a.as_limbs(), b.as_limbs());
        mont.mul(out.as_limbs_mut(), t.as_limbs(), self.rr.as_limbs());
        out
    }

    /// `-m^-1 mod 2^64`.
    pub(crate) fn m0inv(&self) -> u64 {
        self.m0inv
    }

    /// `R' R mod m` for the vector backend (IFMA or AVX2), if one runs
    /// this modulus's exponentiations.
    pub(crate) fn radix_r(&self) -> Option<&Uint> {
        self.radix_r.as_ref()
    }

    /// One Montgomery multiplication, `a b R^-1 mod m`, for `a` on `n` limbs
    /// and `b < m`.
    pub(crate) fn mont_mul(&self, a: &Uint, b: &Uint) -> Uint {
        self.check(a);
        self.check(b);
        let mut out = Uint::zero(self.limbs());
        self.mont().mul(out.as_limbs_mut(), a.as_limbs(), b.as_limbs());
        out
    }

    /// `x mod m` for `x` on `n + 1` limbs and below `2m`: one masked
    /// subtraction.
    pub(crate) fn reduce_below_2m(&self, x: &Uint) -> Uint {
        let n = self.limbs();
        assert_eq!(x.limb_len(), n + 1);
        let mut out = Uint::zero(n);
        crate::montgomery::final_sub(
            out.as_limbs_mut(),
            &x.as_limbs()[..n],
            x.as_limbs()[n],
            self.m.as_limbs(),
        );
        out
    }

    /// `x R mod m` (Montgomery form), for any `x` on `n` limbs.
    pub(crate) fn montgomery_form(&self, mont: &mut Mont<'_>, x: &Uint) -> Uint {
        self.check(x);
        let mut out = Uint::zero(self.limbs());
        mont.mul(out.as_limbs_mut(), x.as_limbs(), self.rr.as_limbs());
        out
    }

    /// `x R^-1 mod m`: out of Montgomery form.
    pub(crate) fn out_of_montgomery(&self, mont: &mut Mont<'_>, x: &Uint) -> Uint {
        let one = Uint::from_u64(1).resize_widen(self.limbs());
        let mut out = Uint::zero(self.limbs());
        mont.mul(out.as_limbs_mut(), x.as_limbs(), one.as_limbs());
        out
    }

    /// Montgomery arithmetic modulo `m` on this modulus's backend.
    pub(crate) fn mont(&self) -> Mont<'_> {
        Mont::new(self.m.as_limbs(), self.m0inv, self.backend)
    }

    /// Panics unless `x` has the modulus's length (a public property).
    pub(crate) fn check(&self, x: &Uint) {
        assert_eq!(x.limb_len(), self.limbs(), "an element modulo m must have as many limbs as m");
    }
}

impl core::fmt::Debug for Modulus {
    /// Prints the public sizes and the backend only: `m` may be a secret
    /// prime, and `m'` gives away its low limb.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Modulus({} bits, {} limbs, {})", self.bits, self.limbs(), self.backend.name())
    }
}
