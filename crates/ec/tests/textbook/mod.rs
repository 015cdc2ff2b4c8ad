//! Textbook elliptic-curve arithmetic on `num-bigint`, the oracle the
//! property tests compare Padlock against.
//!
//! Constant time: no. This is affine chord-and-tangent arithmetic with a
//! branch for every special case (SEC 1 §2.2.1), double-and-add scalar
//! multiplication, and num-bigint underneath: variable time throughout, for
//! tests only. It shares no code with the crate, and its curve constants are
//! transcribed separately (SP 800-186 §3.2.1.3 and §3.2.1.4).

#![allow(dead_code, unreachable_pub, missing_docs)]

use num_bigint::BigUint;
use num_traits::{One, Zero};

/// A curve y^2 = x^3 - 3x + b over GF(p) with generator G of order n.
pub struct Curve {
    pub p: BigUint,
    pub b: BigUint,
    pub n: BigUint,
    pub g: Point,
    /// The field length in bytes.
    pub len: usize,
}

/// A point: the identity, or affine (x, y).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Point {
    Infinity,
    Affine(BigUint, BigUint),
}

fn hex(s: &str) -> BigUint {
    BigUint::parse_bytes(s.as_bytes(), 16).expect("hex constant")
}

impl Curve {
    pub fn p256() -> Curve {
        Curve {
            p: hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
            b: hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"),
            n: hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
            g: Point::Affine(
                hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
                hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
            ),
            len: 32,
        }
    }

    pub fn p384() -> Curve {
        Curve {
            p: hex(concat!(
                "ffffffffffffffffffffffffffffffffffffffffffffffff",
                "fffffffffffffffeffffffff0000000000000000ffffffff"
            )),
            b: hex(concat!(
                "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe814112",
                "0314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef"
            )),
            n: hex(concat!(
                "ffffffffffffffffffffffffffffffffffffffffffffffff",
                "c7634d81f4372ddf581a0db248b0a77aecec196accc52973"
            )),
            g: Point::Affine(
                hex(concat!(
                    "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b98",
                    "59f741e082542a385502f25dbf55296c3a545e3872760ab7"
                )),
                hex(concat!(
                    "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147c",
                    "e9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f"
                )),
            ),
            len: 48,
        }
    }

    /// (a - b) mod p.
    fn sub(&self, a: &BigUint, b: &BigUint) -> BigUint {
        ((a + &self.p) - (b % &self.p)) % &self.p
    }

    /// x^-1 mod m (extended Euclid, num-bigint's `modinv`); 0 for x = 0.
    pub fn inv(x: &BigUint, m: &BigUint) -> BigUint {
        x.modinv(m).unwrap_or_default()
    }

    pub fn is_on_curve(&self, point: &Point) -> bool {
        match point {
            Point::Infinity => true,
            Point::Affine(x, y) => {
                let rhs = self.sub(&(x * x * x + &self.b), &(3u32 * x)) % &self.p;
                (y * y) % &self.p == rhs
            }
        }
    }

    /// SEC 1 §2.2.1, case by case.
    pub fn add(&self, a: &Point, b: &Point) -> Point {
        let p = &self.p;
        match (a, b) {
            (Point::Infinity, q) | (q, Point::Infinity) => q.clone(),
            (Point::Affine(x1, y1), Point::Affine(x2, y2)) => {
                if x1 == x2 && (y1 + y2) % p == BigUint::zero() {
                    return Point::Infinity;
                }
                let lambda = if x1 == x2 {
                    // Tangent: (3x^2 + a) / 2y with a = -3.
                    let num = self.sub(&(3u32 * x1 * x1), &BigUint::from(3u32));
                    num * Self::inv(&((2u32 * y1) % p), p) % p
                } else {
                    self.sub(y2, y1) * Self::inv(&self.sub(x2, x1), p) % p
                };
                let x3 = self.sub(&self.sub(&(&lambda * &lambda), x1), x2);
                let y3 = self.sub(&(&lambda * self.sub(x1, &x3)), y1);
                Point::Affine(x3, y3)
            }
        }
    }

    /// k·P by double-and-add, most significant bit first.
    pub fn mul(&self, k: &BigUint, point: &Point) -> Point {
        let mut acc = Point::Infinity;
        for i in (0..k.bits()).rev() {
            acc = self.add(&acc, &acc);
            if k.bit(i) {
                acc = self.add(&acc, point);
            }
        }
        acc
    }

    /// bits2int of a digest, then mod n (FIPS 186-5 §6.4.1 steps 4-5).
    pub fn hash_to_int(&self, digest: &[u8]) -> BigUint {
        let take = digest.len().min(self.len);
        BigUint::from_bytes_be(&digest[..take]) % &self.n
    }

    /// ECDSA signature with a given nonce k (FIPS 186-5 §6.4.1).
    pub fn sign(&self, d: &BigUint, digest: &[u8], k: &BigUint) -> (BigUint, BigUint) {
        let e = self.hash_to_int(digest);
        let Point::Affine(x, _) = self.mul(k, &self.g) else { panic!("k·G is the identity") };
        let r = x % &self.n;
        let s = Self::inv(k, &self.n) * (e + &r * d) % &self.n;
        (r, s)
    }

    /// ECDSA verification (FIPS 186-5 §6.4.2).
    pub fn verify(&self, q: &Point, digest: &[u8], r: &BigUint, s: &BigUint) -> bool {
        let one = BigUint::one();
        if r < &one || r >= &self.n || s < &one || s >= &self.n {
            return false;
        }
        let e = self.hash_to_int(digest);
        let w = Self::inv(s, &self.n);
        let u1 = e * &w % &self.n;
        let u2 = r * &w % &self.n;
        match self.add(&self.mul(&u1, &self.g), &self.mul(&u2, q)) {
            Point::Infinity => false,
            Point::Affine(x, _) => &(x % &self.n) == r,
        }
    }

    /// The uncompressed SEC1 encoding.
    pub fn encode(&self, point: &Point) -> Vec<u8> {
        match point {
            Point::Infinity => vec![0],
            Point::Affine(x, y) => {
                let mut out = vec![4];
                out.extend(self.fixed(x));
                out.extend(self.fixed(y));
                out
            }
        }
    }

    /// A number as `len` big-endian bytes.
    pub fn fixed(&self, x: &BigUint) -> Vec<u8> {
        let bytes = x.to_bytes_be();
        let mut out = vec![0u8; self.len - bytes.len()];
        out.extend(bytes);
        out
    }
}
