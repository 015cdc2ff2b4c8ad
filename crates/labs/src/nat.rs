//! The attacker's natural numbers: just enough arithmetic for
//! Bleichenbacher's intervals and Lenstra's gcd, on padlock-bigint's
//! [`Uint`].
//!
//! Constant time: no, and it need not be: this is the attacker's side,
//! working on public values and its own guesses. Comparisons branch on
//! values and numbers are trimmed to their significant limbs.

use core::cmp::Ordering;

use padlock_bigint::{Modulus, Uint};

/// A natural number: little-endian 64-bit limbs, without leading zero limbs
/// (zero has none).
#[derive(Clone, PartialEq, Eq)]
pub struct Nat(Vec<u64>);

impl Nat {
    /// The number `v`.
    pub fn from_u64(v: u64) -> Nat {
        Nat::trimmed(vec![v])
    }

    /// The number these big-endian bytes spell.
    pub fn from_be_bytes(bytes: &[u8]) -> Nat {
        let limbs = bytes
            .rchunks(8)
            .map(|chunk| chunk.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
            .collect();
        Nat::trimmed(limbs)
    }

    /// `2^bits`.
    pub fn pow2(bits: usize) -> Nat {
        let mut limbs = vec![0u64; bits / 64 + 1];
        limbs[bits / 64] = 1 << (bits % 64);
        Nat(limbs)
    }

    fn trimmed(mut limbs: Vec<u64>) -> Nat {
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        Nat(limbs)
    }

    fn from_uint(u: &Uint) -> Nat {
        Nat::trimmed(u.as_limbs().to_vec())
    }

    /// Big-endian bytes, left-padded to `len`; `None` if it does not fit.
    pub fn to_be_bytes(&self, len: usize) -> Option<Vec<u8>> {
        if self.bits().div_ceil(8) > len {
            return None;
        }
        let mut out = vec![0u8; len];
        for (i, byte) in out.iter_mut().rev().enumerate() {
            *byte = (self.0.get(i / 8).copied().unwrap_or(0) >> (8 * (i % 8))) as u8;
        }
        Some(out)
    }

    /// The value as a `Uint` on `limbs` limbs (for a [`Modulus`]).
    pub fn to_uint(&self, limbs: usize) -> Uint {
        let mut all = self.0.clone();
        all.resize(limbs.max(all.len()), 0);
        Uint::from_limbs(all)
    }

    /// The number of significant bits.
    pub fn bits(&self) -> usize {
        self.0.last().map_or(0, |top| 64 * self.0.len() - top.leading_zeros() as usize)
    }

    /// Whether it is zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The low 64 bits.
    pub fn low_u64(&self) -> u64 {
        self.0.first().copied().unwrap_or(0)
    }

    /// `self + rhs`.
    pub fn add(&self, rhs: &Nat) -> Nat {
        let (long, short) = if self.0.len() >= rhs.0.len() { (self, rhs) } else { (rhs, self) };
        let mut out = Vec::with_capacity(long.0.len() + 1);
        let mut carry = false;
        for (i, &a) in long.0.iter().enumerate() {
            let (sum, c1) = a.overflowing_add(short.0.get(i).copied().unwrap_or(0));
            let (sum, c2) = sum.overflowing_add(u64::from(carry));
            out.push(sum);
            carry = c1 || c2;
        }
        out.push(u64::from(carry));
        Nat::trimmed(out)
    }

    /// `self - rhs`; zero if `rhs > self`.
    pub fn sub(&self, rhs: &Nat) -> Nat {
        if *self <= *rhs {
            return Nat(Vec::new());
        }
        let mut out = self.0.clone();
        sub_assign(&mut out, &rhs.0);
        Nat::trimmed(out)
    }

    /// `self * rhs` (schoolbook).
    pub fn mul(&self, rhs: &Nat) -> Nat {
        let mut out = vec![0u64; self.0.len() + rhs.0.len()];
        for (j, &b) in rhs.0.iter().enumerate() {
            let mut carry = 0u128;
            for (i, &a) in self.0.iter().enumerate() {
                let t = u128::from(a) * u128::from(b) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[j + self.0.len()] = carry as u64;
        }
        Nat::trimmed(out)
    }

    /// `floor(self / d)` and `self mod d`. Panics if `d` is zero.
    ///
    /// Knuth's Algorithm D (TAOCP vol. 2, §4.3.1): normalise so the
    /// divisor's top limb has its high bit set, then find each quotient limb
    /// from an estimate on the top two limbs, corrected at most twice.
    pub fn div_rem(&self, d: &Nat) -> (Nat, Nat) {
        assert!(!d.is_zero(), "division by zero");
        if self < d {
            return (Nat(Vec::new()), self.clone());
        }
        let n = d.0.len();
        let shift = d.0[n - 1].leading_zeros();
        let v = shl(&d.0, shift, n);
        let mut u = shl(&self.0, shift, self.0.len() + 1);
        let m = u.len() - n - 1;
        let mut q = vec![0u64; m + 1];
        let (v1, v2) = (u128::from(v[n - 1]), u128::from(if n > 1 { v[n - 2] } else { 0 }));
        for j in (0..=m).rev() {
            // D3: estimate q from the top two limbs of the current remainder.
            let top = u128::from(u[j + n]) << 64 | u128::from(u[j + n - 1]);
            let mut qhat = top / v1;
            let mut rhat = top % v1;
            let next = u128::from(if n > 1 { u[j + n - 2] } else { 0 });
            while qhat >> 64 != 0 || qhat * v2 > (rhat << 64 | next) {
                qhat -= 1;
                rhat += v1;
                if rhat >> 64 != 0 {
                    break;
                }
            }
            // D4: u[j..=j+n] -= qhat * v; D6: add back once if that went negative.
            if mul_sub(&mut u[j..=j + n], &v, qhat as u64) {
                qhat -= 1;
                add_back(&mut u[j..=j + n], &v);
            }
            q[j] = qhat as u64;
        }
        let r = shr(&u[..n], shift);
        (Nat::trimmed(q), Nat::trimmed(r))
    }

    /// `floor(self / d)`.
    pub fn div_floor(&self, d: &Nat) -> Nat {
        self.div_rem(d).0
    }

    /// `ceil(self / d)`.
    pub fn div_ceil(&self, d: &Nat) -> Nat {
        let (q, r) = self.div_rem(d);
        if r.is_zero() { q } else { q.add(&Nat::from_u64(1)) }
    }

    /// The larger of the two.
    pub fn max(self, other: Nat) -> Nat {
        if self >= other { self } else { other }
    }

    /// The smaller of the two.
    pub fn min(self, other: Nat) -> Nat {
        if self <= other { self } else { other }
    }
}

/// `a -= b` (with `a >= b`).
fn sub_assign(a: &mut [u64], b: &[u64]) {
    let mut borrow = false;
    for (i, x) in a.iter_mut().enumerate() {
        let (d, b1) = x.overflowing_sub(b.get(i).copied().unwrap_or(0));
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *x = d;
        borrow = b1 || b2;
    }
}

/// `x << shift` (shift < 64) on `len` limbs.
fn shl(x: &[u64], shift: u32, len: usize) -> Vec<u64> {
    let mut out = vec![0u64; len];
    for (i, &limb) in x.iter().enumerate() {
        out[i] |= limb << shift;
        if shift > 0 && i + 1 < len {
            out[i + 1] |= limb >> (64 - shift);
        }
    }
    out
}

/// `x >> shift` (shift < 64).
fn shr(x: &[u64], shift: u32) -> Vec<u64> {
    (0..x.len())
        .map(|i| {
            let high = if shift > 0 { x.get(i + 1).map_or(0, |&h| h << (64 - shift)) } else { 0 };
            x[i] >> shift | high
        })
        .collect()
}

/// `u -= q v` over `v.len() + 1` limbs; whether it went below zero.
fn mul_sub(u: &mut [u64], v: &[u64], q: u64) -> bool {
    let mut carry = 0u128;
    let mut borrow = false;
    for (i, x) in u.iter_mut().enumerate() {
        let product = u128::from(v.get(i).copied().unwrap_or(0)) * u128::from(q) + carry;
        carry = product >> 64;
        let (d, b1) = x.overflowing_sub(product as u64);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *x = d;
        borrow = b1 || b2;
    }
    borrow || carry != 0
}

/// `u += v` over `v.len() + 1` limbs, dropping the final carry (Knuth's D6).
fn add_back(u: &mut [u64], v: &[u64]) {
    let mut carry = false;
    for (i, x) in u.iter_mut().enumerate() {
        let (s, c1) = x.overflowing_add(v.get(i).copied().unwrap_or(0));
        let (s, c2) = s.overflowing_add(u64::from(carry));
        *x = s;
        carry = c1 || c2;
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, other: &Nat) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Nat {
    fn cmp(&self, other: &Nat) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

impl core::fmt::Debug for Nat {
    /// Hex, most significant first: these are an attacker's numbers, not secrets.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let bytes = self.to_be_bytes(self.bits().div_ceil(8).max(1)).unwrap_or_default();
        write!(f, "0x{}", padlock_tls::trace::hex(&bytes))
    }
}

/// Arithmetic modulo a public odd `n`.
pub struct ModN {
    n: Modulus,
    /// `n` as a number.
    pub value: Nat,
}

impl ModN {
    /// Modulo `n` (odd, > 1).
    pub fn new(n: &Nat) -> ModN {
        let n_uint = n.to_uint(n.0.len().max(1));
        ModN { n: Modulus::new(&n_uint).expect("an odd modulus"), value: n.clone() }
    }

    fn elem(&self, x: &Nat) -> Uint {
        self.n.reduce(&x.to_uint(x.0.len().max(1)))
    }

    /// `x mod n`.
    pub fn reduce(&self, x: &Nat) -> Nat {
        Nat::from_uint(&self.elem(x))
    }

    /// `a b mod n`.
    pub fn mul(&self, a: &Nat, b: &Nat) -> Nat {
        Nat::from_uint(&self.n.mul(&self.elem(a), &self.elem(b)))
    }

    /// `x^e mod n` for a public exponent.
    pub fn pow(&self, x: &Nat, e: u64) -> Nat {
        Nat::from_uint(&self.n.pow_vartime(&self.elem(x), &e.to_be_bytes()))
    }

    /// `x^-1 mod n`, if it exists.
    pub fn inv(&self, x: &Nat) -> Option<Nat> {
        Option::<Uint>::from(self.n.inv(&self.elem(x))).map(|u| Nat::from_uint(&u))
    }
}

/// `gcd(a, b)` (Euclid's, with [`Nat::div_rem`]).
pub fn gcd(a: &Nat, b: &Nat) -> Nat {
    let (mut a, mut b) = (a.clone(), b.clone());
    while !b.is_zero() {
        let r = a.div_rem(&b).1;
        (a, b) = (b, r);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_on_small_numbers() {
        let a = Nat::from_u64(1_000_003);
        let b = Nat::from_u64(97);
        assert_eq!(a.div_floor(&b).low_u64(), 1_000_003 / 97);
        assert_eq!(a.div_ceil(&b).low_u64(), 1_000_003 / 97 + 1);
        assert_eq!(a.sub(&b).low_u64(), 1_000_003 - 97);
        assert!(b.sub(&a).is_zero());
        let big = Nat::pow2(200).add(&Nat::pow2(200));
        assert_eq!(big, Nat::pow2(201));
        assert_eq!(big.mul(&Nat::from_u64(4)).bits(), 204);
        let n = ModN::new(&Nat::from_u64(1_000_003));
        assert_eq!(n.pow(&Nat::from_u64(2), 20).low_u64(), (1u64 << 20) % 1_000_003);
        let inv = n.inv(&Nat::from_u64(12345)).unwrap();
        assert_eq!(n.mul(&inv, &Nat::from_u64(12345)).low_u64(), 1);
        assert_eq!(gcd(&Nat::from_u64(84), &Nat::from_u64(36)).low_u64(), 12);
    }

    /// Algorithm D against its definition, `a = q d + r` with `r < d`, on
    /// random sizes, including divisors whose top limbs force corrections.
    #[test]
    fn division_meets_its_definition() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..2000 {
            let a_len = 1 + (next() % 12) as usize;
            let d_len = 1 + (next() % a_len as u64) as usize;
            let mut a: Vec<u64> = (0..a_len).map(|_| next()).collect();
            let mut d: Vec<u64> = (0..d_len).map(|_| next()).collect();
            if round % 3 == 0 {
                d[d_len - 1] = u64::MAX; // top limb all ones
                a[a_len - 1] = u64::MAX;
            }
            if round % 5 == 0 {
                d[d_len - 1] = 1; // a large normalising shift
            }
            let (a, d) = (Nat::trimmed(a), Nat::trimmed(d));
            if d.is_zero() {
                continue;
            }
            let (q, r) = a.div_rem(&d);
            assert!(r < d);
            assert_eq!(q.mul(&d).add(&r), a);
        }
        let bytes = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11];
        assert_eq!(Nat::from_be_bytes(&bytes).to_be_bytes(10).unwrap()[1..], bytes);
    }
}
