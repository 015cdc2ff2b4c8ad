//! GF(2^128) as GCM uses it, polynomials over it, and their roots: what
//! the attacker needs for the forbidden attack (Joux 2006) on AES-GCM.
//!
//! Constant time: no — this is the attacker's arithmetic, on public data
//! (tags, ciphertexts) and on the key it is recovering; branches and loop
//! bounds depend on values, and multiplication is the bit-by-bit Algorithm 1
//! of NIST SP 800-38D, not padlock-aes's constant-time GHASH.
//!
//! An element is a `u128` read big-endian from a 16-byte block, so the most
//! significant bit is the coefficient of `x^0` (GCM's bit order, SP 800-38D
//! §6.3), reduced modulo `x^128 + x^7 + x^2 + x + 1`.
//!
//! Roots: `gcd(f, X^(2^128) - X)` keeps the product of `f`'s linear factors
//! (every element `a` of GF(2^128) is a root of `X^(2^128) - X`), and
//! Cantor–Zassenhaus's trace splitting (for characteristic 2: `gcd(g,
//! Tr(a X))` with `Tr(y) = y + y^2 + y^4 + ... + y^(2^127)`, random `a`)
//! cuts that product in two until only linear factors are left.

/// An element of GF(2^128), GCM's bit order.
pub type Gf = u128;

/// `x^0`: the multiplicative identity (the leftmost bit).
pub const ONE: Gf = 1 << 127;

/// `x^128 = x^7 + x^2 + x + 1`, in GCM's bit order (SP 800-38D §6.3, R).
const R: Gf = 0xe1 << 120;

/// A 16-byte block as an element.
pub fn from_block(block: &[u8; 16]) -> Gf {
    u128::from_be_bytes(*block)
}

/// An element as a 16-byte block.
pub fn to_block(a: Gf) -> [u8; 16] {
    a.to_be_bytes()
}

/// `a b` (SP 800-38D §6.3, Algorithm 1).
pub fn mul(a: Gf, b: Gf) -> Gf {
    let mut z = 0;
    let mut v = b;
    for i in 0..128 {
        if (a >> (127 - i)) & 1 == 1 {
            z ^= v;
        }
        // v = v x: one step toward higher degree, x^128 folded back in.
        v = if v & 1 == 1 { (v >> 1) ^ R } else { v >> 1 };
    }
    z
}

/// `a^-1 = a^(2^128 - 2)`; zero for zero.
pub fn inv(a: Gf) -> Gf {
    // 2^128 - 2 = 2 + 4 + ... + 2^127: multiply a^2, a^4, ..., a^(2^127).
    let mut result = ONE;
    let mut power = a;
    for _ in 1..128 {
        power = mul(power, power);
        result = mul(result, power);
    }
    result
}

/// A polynomial over GF(2^128): coefficient `i` of `X^i`, without trailing zeros.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Poly(pub Vec<Gf>);

impl Poly {
    /// The polynomial with these coefficients (lowest degree first).
    pub fn new(mut coefficients: Vec<Gf>) -> Poly {
        while coefficients.last() == Some(&0) {
            coefficients.pop();
        }
        Poly(coefficients)
    }

    /// `X`.
    pub fn x() -> Poly {
        Poly(vec![0, ONE])
    }

    /// The degree (`None` for zero).
    pub fn degree(&self) -> Option<usize> {
        self.0.len().checked_sub(1)
    }

    /// `self + other` (also `self - other`: characteristic 2).
    pub fn add(&self, other: &Poly) -> Poly {
        let len = self.0.len().max(other.0.len());
        let get = |p: &Poly, i: usize| p.0.get(i).copied().unwrap_or(0);
        Poly::new((0..len).map(|i| get(self, i) ^ get(other, i)).collect())
    }

    /// `self other`.
    pub fn mul(&self, other: &Poly) -> Poly {
        if self.0.is_empty() || other.0.is_empty() {
            return Poly(Vec::new());
        }
        let mut out = vec![0; self.0.len() + other.0.len() - 1];
        for (i, &a) in self.0.iter().enumerate() {
            for (j, &b) in other.0.iter().enumerate() {
                out[i + j] ^= mul(a, b);
            }
        }
        Poly::new(out)
    }

    /// `self mod m` (`m` not zero).
    pub fn rem(&self, m: &Poly) -> Poly {
        self.div_rem(m).1
    }

    /// Quotient and remainder by `m` (not zero): long division.
    pub fn div_rem(&self, m: &Poly) -> (Poly, Poly) {
        let dm = m.degree().expect("division by the zero polynomial");
        let lead_inv = inv(m.0[dm]);
        let mut r = self.0.clone();
        let mut q = vec![0; self.0.len().saturating_sub(dm)];
        while r.len() > dm {
            let top = r.len() - 1;
            let c = mul(r[top], lead_inv);
            if c != 0 {
                q[top - dm] = c;
                for (i, &mi) in m.0.iter().enumerate() {
                    r[top - dm + i] ^= mul(c, mi);
                }
            }
            r.pop();
        }
        (Poly::new(q), Poly::new(r))
    }

    /// `self` divided by its leading coefficient.
    pub fn monic(&self) -> Poly {
        match self.0.last() {
            None => self.clone(),
            Some(&lead) => {
                let l = inv(lead);
                Poly(self.0.iter().map(|&c| mul(c, l)).collect())
            }
        }
    }

    /// The value at `x` (Horner's rule).
    pub fn eval(&self, x: Gf) -> Gf {
        self.0.iter().rev().fold(0, |acc, &c| mul(acc, x) ^ c)
    }
}

/// The monic greatest common divisor (Euclid).
pub fn gcd(a: &Poly, b: &Poly) -> Poly {
    let (mut a, mut b) = (a.clone(), b.clone());
    while b.degree().is_some() {
        let r = a.rem(&b);
        (a, b) = (b, r);
    }
    a.monic()
}

/// `p^(2^k) mod m`, by `k` squarings.
fn frobenius(p: &Poly, k: usize, m: &Poly) -> Poly {
    let mut out = p.rem(m);
    for _ in 0..k {
        out = out.mul(&out).rem(m);
    }
    out
}

/// The distinct roots of `f` in GF(2^128), found with the random elements
/// `next_random` gives (any source will do: it only steers the splitting).
pub fn roots(f: &Poly, next_random: &mut dyn FnMut() -> Gf) -> Vec<Gf> {
    if f.degree().is_none_or(|d| d == 0) {
        return Vec::new();
    }
    let f = f.monic();
    // g = gcd(f, X^(2^128) - X): the product of the distinct linear factors.
    let x_q = frobenius(&Poly::x(), 128, &f);
    let g = gcd(&f, &x_q.add(&Poly::x()));
    let mut found = Vec::new();
    split(&g, next_random, &mut found);
    found.sort_unstable();
    found
}

/// Splits `g`, a product of distinct linear factors, into them.
fn split(g: &Poly, next_random: &mut dyn FnMut() -> Gf, found: &mut Vec<Gf>) {
    match g.degree() {
        None | Some(0) => {}
        // X + c: the root is c (minus is plus).
        Some(1) => found.push(g.monic().0[0]),
        Some(d) => loop {
            // Tr(a X) mod g = sum of (a X)^(2^i), i < 128: it takes only the
            // values 0 and 1 at the roots, about half each, so the gcd with
            // g gathers about half of them.
            let a_x = Poly(vec![0, next_random()]);
            let mut term = a_x.rem(g);
            let mut trace = term.clone();
            for _ in 1..128 {
                term = term.mul(&term).rem(g);
                trace = trace.add(&term);
            }
            let h = gcd(g, &trace);
            if let Some(dh) = h.degree()
                && dh > 0
                && dh < d
            {
                split(&h, next_random, found);
                split(&g.div_rem(&h).0, next_random, found);
                return;
            }
        },
    }
}

/// GHASH as a polynomial in `H` (SP 800-38D §6.4): for the blocks `B_1..B_N`
/// of `aad` and `ciphertext`, each zero-padded, then the length block,
/// `GHASH_H = B_1 H^N + B_2 H^(N-1) + ... + B_N H`.
pub fn ghash_poly(aad: &[u8], ciphertext: &[u8]) -> Poly {
    let mut blocks = Vec::new();
    for data in [aad, ciphertext] {
        for chunk in data.chunks(16) {
            let mut block = [0u8; 16];
            block[..chunk.len()].copy_from_slice(chunk);
            blocks.push(from_block(&block));
        }
    }
    let lengths = (((aad.len() as u128) * 8) << 64) | ((ciphertext.len() as u128) * 8);
    blocks.push(lengths);
    let n = blocks.len();
    let mut coefficients = vec![0; n + 1];
    for (j, &b) in blocks.iter().enumerate() {
        coefficients[n - j] = b;
    }
    Poly::new(coefficients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_has_inverses() {
        let a = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128;
        assert_eq!(mul(a, inv(a)), ONE);
        assert_eq!(mul(a, ONE), a);
        assert_eq!(mul(ONE, ONE), ONE);
    }

    /// GHASH from this module, plus the mask E_K(J0), is padlock-aes's tag.
    #[test]
    fn ghash_agrees_with_padlock_aes() {
        use padlock_aes::{Aead as _, Aes, AesGcm};
        let key = [0x42u8; 16];
        let nonce = [9u8; 12];
        let aad = b"seq type version length";
        let mut data = b"forty-one bytes of plaintext, or so it is".to_vec();
        let tag = AesGcm::new(&key).unwrap().seal_in_place(&nonce, aad, &mut data).unwrap();
        let aes = Aes::new(&key).unwrap();
        let mut h = [0u8; 16];
        aes.encrypt_block(&mut h);
        let mut j0 = [0u8; 16];
        j0[..12].copy_from_slice(&nonce);
        j0[15] = 1;
        aes.encrypt_block(&mut j0);
        let ours = ghash_poly(aad, &data).eval(from_block(&h)) ^ from_block(&j0);
        assert_eq!(to_block(ours).as_slice(), tag.as_ref());
    }

    #[test]
    fn roots_of_a_product_of_known_factors() {
        let mut state = 5u128;
        let mut random = || {
            state = state.wrapping_mul(0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645).wrapping_add(1);
            state
        };
        let chosen = [random(), random(), random()];
        let mut f = Poly(vec![ONE]);
        for &r in &chosen {
            f = f.mul(&Poly::new(vec![r, ONE]));
        }
        // Times X^2 + X + c for some c: likely irreducible, no root of its own.
        let f = f.mul(&Poly::new(vec![random(), ONE, ONE]));
        let found = roots(&f, &mut random);
        for r in chosen {
            assert!(found.contains(&r));
            assert_eq!(f.eval(r), 0);
        }
    }
}
