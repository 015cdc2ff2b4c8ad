//! Polynomials of R_q and their encodings: compression (FIPS 203 §4.2.1),
//! ByteEncode_d and ByteDecode_d (Algorithms 5 and 6).
//!
//! Constant time: yes, because compression divides by q with a multiplication
//! and a shift (never `/`, see `compress`), and the byte codecs move bits at
//! positions fixed by d alone, never by a coefficient's value.

use zeroize::Zeroize;

use crate::field::{self, Q};

/// A polynomial of R_q = Z_q[X]/(X^256 + 1), or its NTT representation: 256
/// coefficients, each in `0 .. q`. (Which of the two it is, is up to the
/// code holding it; FIPS 203 writes the NTT form with a hat, `f̂`.)
#[derive(Clone)]
pub(crate) struct Poly(pub(crate) [u16; 256]);

impl Poly {
    pub(crate) const ZERO: Poly = Poly([0; 256]);

    /// `self += other`, coefficient by coefficient.
    pub(crate) fn add_assign(&mut self, other: &Poly) {
        for (a, &b) in self.0.iter_mut().zip(&other.0) {
            *a = field::add(*a, b);
        }
    }

    /// `self -= other`, coefficient by coefficient.
    pub(crate) fn sub_assign(&mut self, other: &Poly) {
        for (a, &b) in self.0.iter_mut().zip(&other.0) {
            *a = field::sub(*a, b);
        }
    }

    /// FIPS 203 §4.2.1: Compress_d on every coefficient.
    pub(crate) fn compress(&mut self, d: u32) {
        for c in self.0.iter_mut() {
            *c = compress(*c, d);
        }
    }

    /// FIPS 203 §4.2.1: Decompress_d on every coefficient.
    pub(crate) fn decompress(&mut self, d: u32) {
        for c in self.0.iter_mut() {
            *c = decompress(*c, d);
        }
    }

    /// FIPS 203 Algorithm 5, ByteEncode_d: the 256 d-bit values, packed
    /// little-endian bit by bit into 32·d bytes.
    pub(crate) fn byte_encode(&self, d: u32, out: &mut [u8]) {
        debug_assert_eq!(out.len(), 32 * d as usize);
        let (mut acc, mut bits, mut o) = (0u64, 0u32, 0);
        for &c in &self.0 {
            debug_assert!(u32::from(c) < 1 << d);
            acc |= u64::from(c) << bits;
            bits += d;
            while bits >= 8 {
                out[o] = acc as u8;
                o += 1;
                acc >>= 8;
                bits -= 8;
            }
        }
    }

    /// FIPS 203 Algorithm 6, ByteDecode_d: 32·d bytes to 256 d-bit values.
    /// For d = 12 the values are taken modulo q (Algorithm 6, m = q), so the
    /// result is always a valid polynomial; the encapsulation-key check of
    /// §7.2 detects that reduction by re-encoding.
    pub(crate) fn byte_decode(d: u32, bytes: &[u8]) -> Poly {
        debug_assert_eq!(bytes.len(), 32 * d as usize);
        let mut f = Poly::ZERO;
        let mask = (1u64 << d) - 1;
        let (mut acc, mut bits, mut next) = (0u64, 0u32, 0);
        for c in f.0.iter_mut() {
            while bits < d {
                acc |= u64::from(bytes[next]) << bits;
                next += 1;
                bits += 8;
            }
            let value = (acc & mask) as u32;
            acc >>= d;
            bits -= d;
            // 12-bit values are below 4096 < 2q: one masked subtraction
            // reduces them.
            *c = if d == 12 { field::csubq(value) } else { value as u16 };
        }
        f
    }
}

impl Zeroize for Poly {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// The reciprocal of q for `compress`: ceil(2^36 / q). For every y below
/// 2^23 (the largest dividend `compress` makes is (q - 1)·2^11 + q/2),
/// `y · DIV_Q_M >> 36` equals floor(y / q) exactly: the excess
/// DIV_Q_M·q - 2^36 = 4984 keeps the error below 1/q while y < 2^36 / 4984.
const DIV_Q_M: u64 = (1u64 << 36).div_ceil(Q as u64);

/// FIPS 203 §4.2.1, Compress_d(x) = round((2^d / q) · x) mod 2^d, for d < 12.
///
/// KyberSlash (2024): the obvious `((x << d) + q/2) / q` divides a secret
/// coefficient (in Decrypt, d = 1, x is a coefficient of w = v - s^T u) by
/// the constant q. Compilers turn that into a multiplication on x86-64 at
/// high optimisation levels, but into a `div` instruction, whose latency
/// depends on the dividend, at others and on other targets; the timing
/// differences recovered secret keys. So the division is written here as a
/// multiplication by a fixed-point reciprocal and a shift, which is exact
/// for every input (see `DIV_Q_M`), and takes the same time whatever x is.
#[inline(always)]
pub(crate) fn compress(x: u16, d: u32) -> u16 {
    debug_assert!(x < Q && d < 12);
    // round(2^d · x / q) = floor((2^d · x + floor(q/2)) / q), as q is odd.
    let y = (u64::from(x) << d) + u64::from(Q / 2);
    let quotient = (y * DIV_Q_M) >> 36;
    (quotient as u16) & ((1 << d) - 1)
}

/// FIPS 203 §4.2.1, Decompress_d(y) = round((q / 2^d) · y), for d < 12: a
/// multiplication and a shift, division-free by construction.
#[inline(always)]
pub(crate) fn decompress(y: u16, d: u32) -> u16 {
    debug_assert!(u32::from(y) < 1 << d);
    // round(q·y / 2^d) = floor((q·y + 2^(d-1)) / 2^d).
    ((u32::from(y) * u32::from(Q) + (1 << (d - 1))) >> d) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definitions of §4.2.1 with exact rational rounding (ties round
    /// up, as FIPS 203 §2.3 defines ⌈x⌋), checked for every input.
    #[test]
    fn compress_and_decompress_match_definitions() {
        let q = u64::from(Q);
        for d in 1..12u32 {
            for x in 0..Q {
                // round(2^d · x / q): floor((2 · 2^d · x + q) / (2q)).
                let expected = ((2 * (u64::from(x) << d) + q) / (2 * q)) % (1 << d);
                assert_eq!(u64::from(compress(x, d)), expected, "Compress_{d}({x})");
            }
            for y in 0..(1u16 << d) {
                let expected = (2 * q * u64::from(y) + (1 << d)) / (2 << d);
                assert_eq!(u64::from(decompress(y, d)), expected, "Decompress_{d}({y})");
            }
        }
    }

    #[test]
    fn byte_decode_inverts_byte_encode() {
        for d in 1..=12u32 {
            let mut f = Poly::ZERO;
            for (i, c) in f.0.iter_mut().enumerate() {
                *c = (((i as u32).wrapping_mul(2_654_435_761) >> 7) % (1 << d).min(u32::from(Q))) as u16;
            }
            let mut bytes = vec![0; 32 * d as usize];
            f.byte_encode(d, &mut bytes);
            assert_eq!(Poly::byte_decode(d, &bytes).0, f.0, "d = {d}");
        }
    }

    #[test]
    fn byte_decode_12_reduces_modulo_q() {
        // 0xfff, 0xfff: two 12-bit values of 4095, which is 766 mod q.
        let mut bytes = [0u8; 384];
        bytes[..3].copy_from_slice(&[0xff, 0xff, 0xff]);
        let f = Poly::byte_decode(12, &bytes);
        assert_eq!(f.0[..3], [766, 766, 0]);
    }
}
