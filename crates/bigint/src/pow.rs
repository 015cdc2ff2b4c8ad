//! Modular exponentiation: [`Modulus::pow`] for secret exponents (constant
//! time, fixed 5-bit window) and [`Modulus::pow_vartime`] for public ones.
//!
//! Constant time: `pow` yes, because it runs the same squarings and
//! multiplications for every exponent of a given length and reads the whole
//! table of powers with masks on every window, so neither the sequence of
//! operations nor the memory addresses touched depend on the exponent bits
//! (the table-reading defence against cache-timing attacks of Percival,
//! "Cache missing for fun and profit", 2005, as in Go's `bigmod.Nat.Exp` and
//! BearSSL's `br_i31_modpow`). `pow_vartime` no: it skips leading zero bits
//! and multiplies only on set bits, so its time reveals the exponent; it is
//! for public exponents (RSA's e = 65537, primality witnesses' checks).

use crate::avx2::{self, Avx2};
use crate::backend::Backend;
use crate::ifma::{self, Ifma};
use crate::limbs;
use crate::modulus::Modulus;
use crate::montgomery::Mont;
use crate::uint::Uint;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The window width in bits: 2^5 = 32 table entries. Against 4 bits, it
/// saves a fifth of the multiplications (one per window instead of one per
/// four bits) for 16 more in the table and twice the table to scan: a few
/// percent faster from 1024 bits up. Wider windows cost more than they save
/// at these sizes.
pub(crate) const WINDOW: usize = 5;

impl Modulus {
    /// `base^exp mod m`, in constant time in `base`, `exp` and `m`; only
    /// the lengths of `exp` (all its limbs are processed, leading zeros
    /// included) and of `m` show.
    ///
    /// `base` has the modulus's length and may be any value on it (even at or
    /// above `m`); `exp` may have any length.
    ///
    /// Fixed-window exponentiation (HAC, Menezes, van Oorschot and Vanstone,
    /// 1996, Algorithm 14.82, the left-to-right k-ary method, multiplying
    /// even by the entry for a zero window, which is 1): a table
    /// `base^0 .. base^31` in Montgomery form, then for each 5-bit window of
    /// the exponent from the top, five squarings and a multiplication by the
    /// table entry, which is read by scanning all 32 entries with masks.
    pub fn pow(&self, base: &Uint, exp: &Uint) -> Uint {
        self.check(base);
        if let Some(r_prime_r) = self.radix_r() {
            match self.backend() {
                Backend::Ifma => {
                    return ifma::pow(Ifma::new().expect("checked by Modulus"), self, r_prime_r, base, exp);
                }
                Backend::Avx2 => {
                    return avx2::pow(Avx2::new().expect("checked by Modulus"), self, r_prime_r, base, exp);
                }
                Backend::Portable | Backend::Adx => {}
            }
        }
        let n = self.limbs();
        let mut mont = self.mont();
        let table = self.pow_table(&mut mont, base);
        let mut acc = Zeroizing::new(table[..n].to_vec());
        let mut tmp = Zeroizing::new(vec![0u64; n]);
        let mut entry = Zeroizing::new(vec![0u64; n]);
        let windows = (64 * exp.limb_len()).div_ceil(WINDOW);
        for w in (0..windows).rev() {
            if w + 1 != windows {
                // The squarings for the previous window (skipped before the
                // first one, where acc = 1: a public position).
                for _ in 0..WINDOW {
                    mont.sqr(&mut tmp, &acc);
                    core::mem::swap(&mut acc, &mut tmp);
                }
            }
            let bits = window(exp.as_limbs(), w * WINDOW);
            select_entry(&mut entry, &table, n, bits);
            mont.mul(&mut tmp, &acc, &entry);
            core::mem::swap(&mut acc, &mut tmp);
        }
        self.out_of_montgomery(&mut mont, &Uint::from_limbs(acc.to_vec()))
    }

    /// The table `base^k R mod m` for `k` from 0 to 31, entry `k` at limbs
    /// `k n .. (k + 1) n`.
    fn pow_table(&self, mont: &mut Mont<'_>, base: &Uint) -> Zeroizing<Vec<u64>> {
        let n = self.limbs();
        let mut table = Zeroizing::new(vec![0u64; n << WINDOW]);
        let one = self.montgomery_form(mont, &Uint::from_u64(1).resize_widen(n));
        table[..n].copy_from_slice(one.as_limbs());
        let b = self.montgomery_form(mont, base);
        table[n..2 * n].copy_from_slice(b.as_limbs());
        for k in 2..1 << WINDOW {
            let (done, rest) = table.split_at_mut(k * n);
            let prev = &done[(k - 1) * n..];
            if k % 2 == 0 {
                mont.sqr(&mut rest[..n], &done[(k / 2) * n..(k / 2 + 1) * n]);
            } else {
                mont.mul(&mut rest[..n], prev, b.as_limbs());
            }
        }
        table
    }

    /// `base^exp mod m` for a **public** exponent given as big-endian bytes.
    /// **Variable time in `exp`**: left-to-right square and multiply, which
    /// skips leading zero bits and multiplies only on set bits. Constant time
    /// in `base` all the same: for RSA verification and encryption with
    /// e = 65537, where the base may be secret (a message) but the exponent
    /// is not.
    pub fn pow_vartime(&self, base: &Uint, exp: &[u8]) -> Uint {
        self.check(base);
        if let Some(r_prime_r) = self.radix_r() {
            match self.backend() {
                Backend::Ifma => {
                    return ifma::pow_vartime(
                        Ifma::new().expect("checked by Modulus"),
                        self,
                        r_prime_r,
                        base,
                        exp,
                    );
                }
                Backend::Avx2 => {
                    return avx2::pow_vartime(
                        Avx2::new().expect("checked by Modulus"),
                        self,
                        r_prime_r,
                        base,
                        exp,
                    );
                }
                Backend::Portable | Backend::Adx => {}
            }
        }
        let n = self.limbs();
        let mut mont = self.mont();
        let b = self.montgomery_form(&mut mont, base);
        // The power so far, from the first set bit on (before it, 1: no
        // multiplication by 1 and no Montgomery form of 1 to make).
        let mut acc: Option<Uint> = None;
        let mut tmp = Uint::zero(n);
        for &byte in exp {
            for k in (0..8).rev() {
                if let Some(acc) = &mut acc {
                    mont.sqr(tmp.as_limbs_mut(), acc.as_limbs());
                    core::mem::swap(acc, &mut tmp);
                }
                if (byte >> k) & 1 == 1 {
                    match &mut acc {
                        Some(acc) => {
                            mont.mul(tmp.as_limbs_mut(), acc.as_limbs(), b.as_limbs());
                            core::mem::swap(acc, &mut tmp);
                        }
                        None => acc = Some(b.clone()),
                    }
                }
            }
        }
        match acc {
            Some(acc) => self.out_of_montgomery(&mut mont, &acc),
            // exp = 0: 1 mod m (m > 1).
            None => Uint::from_u64(1).resize_widen(n),
        }
    }
}

/// The `WINDOW` bits of `exp` from bit `pos` up (a public position; bits
/// beyond the last limb are zero). They may straddle two limbs.
pub(crate) fn window(exp: &[u64], pos: usize) -> u64 {
    let (i, shift) = (pos / 64, pos % 64);
    let mut bits = exp[i] >> shift;
    if shift + WINDOW > 64
        && let Some(&next) = exp.get(i + 1)
    {
        bits |= next << (64 - shift);
    }
    bits & ((1 << WINDOW) - 1)
}

/// `out = table[k]`, reading every entry: entry `j` is ORed in under a mask
/// that is all ones only where `j == k`.
fn select_entry(out: &mut [u64], table: &[u64], n: usize, k: u64) {
    out.fill(0);
    for (j, entry) in table.chunks_exact(n).enumerate() {
        let mask = limbs::mask((j as u64).ct_eq(&k));
        for (o, &e) in out.iter_mut().zip(entry) {
            *o |= e & mask;
        }
    }
}
