//! Fixed-base scalar multiplication for X25519 key generation: `X25519(k, 9)`
//! through the twisted Edwards curve edwards25519 and a table of multiples
//! of its base point, about three times faster than the ladder.
//!
//! Constant time: yes, because the scalar is recoded into 64 signed digits
//! by arithmetic alone, every digit costs the same table scan (all eight
//! entries read, the wanted one kept with masks from `subtle`), a masked
//! negation and one point addition, the sequence of operations is fixed
//! (64 additions, 4 doublings, one inversion to a public exponent), and the
//! field arithmetic has no secret-dependent branch or index (`field`). Only
//! the table, computed once from public constants, is built with branches.
//!
//! # The method
//!
//! Curve25519 `v^2 = u^3 + 486662 u^2 + u` and edwards25519
//! `-x^2 + y^2 = 1 + d x^2 y^2`, `d = -121665/121666`, are birationally
//! equivalent: `u = (1 + y)/(1 - y)`, `y = (u - 1)/(u + 1)` (RFC 7748 §4.1).
//! The map respects the group law, so the u-coordinate of `[k]` of the
//! Montgomery base point (u = 9) is that of `[k]B` for the Edwards base point
//! `B` (y = 4/5, RFC 8032 §5.1). The sign of `x` does not matter: `P` and
//! `-P` share their u-coordinate.
//!
//! `[k]B` is computed as in the ref10 code of Bernstein, Duif, Lange,
//! Schwabe and Yang ("High-speed high-security signatures", 2011, §4):
//! write `k = sum e_i 16^i` with 64 signed digits `-8 <= e_i <= 8`; a table
//! holds `j 256^i B` for `j = 1..8` and `i = 0..31`; then
//! `[k]B = 16 (sum over odd i of e_i 16^(i-1) B) + (sum over even i ...)`,
//! each term `e_i 16^i B` one table entry, negated when `e_i < 0`. Points are
//! in extended coordinates `(X : Y : Z : T)`, `x = X/Z`, `y = Y/Z`,
//! `T = XY/Z`, and table entries in the affine form `(y + x, y - x, 2dxy)`,
//! with the formulas of Hisil, Wong, Carter and Dawson, "Twisted Edwards
//! Curves Revisited" (2008, §3.1 and §4.2, the case a = -1).

use super::field::FieldElement;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use std::sync::OnceLock;

/// The u-coordinate of `[k]` times the base point, for a clamped scalar `k`
/// (RFC 7748 §5 `decodeScalar25519`, so `k < 2^255`), as canonical bytes:
/// the same as the ladder's `X25519(k, 9)`.
pub(super) fn x25519_base(k: &[u8; 32]) -> [u8; 32] {
    debug_assert!(k[31] < 128, "a clamped scalar is below 2^255");
    let mut digits = signed_digits(k);
    let table = table();
    let mut h = Extended::IDENTITY;
    for i in (1..64).step_by(2) {
        h = h.add_niels(&table[i / 2].select(digits[i]));
    }
    for _ in 0..4 {
        h = h.double();
    }
    for i in (0..64).step_by(2) {
        h = h.add_niels(&table[i / 2].select(digits[i]));
    }
    digits.zeroize();
    // u = (1 + y)/(1 - y) = (Z + Y)/(Z - Y); the identity (Z = Y) gives
    // 0, as the ladder does.
    let u = (h.z + h.y) * (h.z - h.y).invert();
    h.zeroize();
    u.to_bytes()
}

/// The 64 signed radix-16 digits of `k < 2^255`: `k = sum e_i 16^i`,
/// `-8 <= e_i < 8` except `e_63 <= 8`. Each nibble at 8 or above becomes
/// the nibble minus 16 and carries one into the next, by shifts alone.
fn signed_digits(k: &[u8; 32]) -> [i8; 64] {
    let mut e = [0i8; 64];
    for (i, &byte) in k.iter().enumerate() {
        e[2 * i] = (byte & 15) as i8;
        e[2 * i + 1] = (byte >> 4) as i8;
    }
    let mut carry = 0i8;
    for digit in e.iter_mut().take(63) {
        *digit += carry;
        carry = (*digit + 8) >> 4;
        *digit -= carry << 4;
    }
    e[63] += carry;
    e
}

/// A point in extended coordinates (HWCD 2008, §3).
#[derive(Clone, Copy)]
struct Extended {
    x: FieldElement,
    y: FieldElement,
    z: FieldElement,
    t: FieldElement,
}

/// A point `(x, y)` as `(y + x, y - x, 2dxy)`, ready for a mixed addition.
#[derive(Clone, Copy)]
struct Niels {
    y_plus_x: FieldElement,
    y_minus_x: FieldElement,
    xy2d: FieldElement,
}

impl Extended {
    /// The neutral element (0, 1).
    const IDENTITY: Extended =
        Extended { x: FieldElement::ZERO, y: FieldElement::ONE, z: FieldElement::ONE, t: FieldElement::ZERO };

    /// `2P`: "dbl-2008-hwcd" with a = -1: `A = X^2`, `B = Y^2`,
    /// `C = 2 Z^2`, `E = (X + Y)^2 - A - B`, `G = B - A`, `F = G - C`,
    /// `H = -A - B`; `(EF, GH, FG, EH)`.
    fn double(&self) -> Extended {
        let a = self.x.square();
        let b = self.y.square();
        let zz = self.z.square();
        let c = (zz + zz).carry();
        let a_plus_b = (a + b).carry();
        let e = (self.x + self.y).square() - a_plus_b;
        let g = b - a;
        let f = b - (a + c).carry();
        let h = FieldElement::ZERO - a_plus_b;
        Extended { x: e * f, y: g * h, z: f * g, t: e * h }
    }

    /// `P + Q` for `Q` in affine Niels form: "madd-2008-hwcd-3" with a = -1:
    /// `A = (Y - X)(y - x)`, `B = (Y + X)(y + x)`, `C = T 2dxy`, `D = 2Z`,
    /// `E = B - A`, `F = D - C`, `G = D + C`, `H = B + A`; `(EF, GH, FG, EH)`.
    fn add_niels(&self, q: &Niels) -> Extended {
        let a = (self.y - self.x) * q.y_minus_x;
        let b = (self.y + self.x) * q.y_plus_x;
        let c = self.t * q.xy2d;
        let d = (self.z + self.z).carry();
        let (e, f, g, h) = (b - a, d - c, d + c, b + a);
        Extended { x: e * f, y: g * h, z: f * g, t: e * h }
    }

    /// `P + Q`, both extended: "add-2008-hwcd-3" with a = -1 (as
    /// [`Extended::add_niels`] with `C = T1 2d T2` and `D = 2 Z1 Z2`). For
    /// building the table only.
    fn add(&self, q: &Extended, two_d: FieldElement) -> Extended {
        let a = (self.y - self.x) * (q.y - q.x);
        let b = (self.y + self.x) * (q.y + q.x);
        let c = self.t * q.t * two_d;
        let zz = self.z * q.z;
        let d = (zz + zz).carry();
        let (e, f, g, h) = (b - a, d - c, d + c, b + a);
        Extended { x: e * f, y: g * h, z: f * g, t: e * h }
    }

    fn zeroize(&mut self) {
        for f in [&mut self.x, &mut self.y, &mut self.z, &mut self.t] {
            f.zeroize();
        }
    }
}

/// `j 256^i B` for `j = 1..8`: one row of the table.
#[derive(Clone, Copy)]
struct Row([Niels; 8]);

impl Row {
    /// `e` times the row's point, for `-8 <= e <= 8`, in constant time:
    /// every entry is read and the one for `|e|` kept with masks (none for
    /// 0, which leaves the neutral element `(1, 1, 0)`), then negated under
    /// a mask if `e < 0`: `-(x, y)` is `(-x, y)`, so `y + x` and `y - x`
    /// trade places and `2dxy` changes sign.
    fn select(&self, e: i8) -> Niels {
        let negative = Choice::from(((e as u8) >> 7) & 1);
        let magnitude = (e as i16).unsigned_abs() as u8;
        let mut out =
            Niels { y_plus_x: FieldElement::ONE, y_minus_x: FieldElement::ONE, xy2d: FieldElement::ZERO };
        for (j, entry) in self.0.iter().enumerate() {
            let hit = magnitude.ct_eq(&(j as u8 + 1));
            out.y_plus_x = select(&out.y_plus_x, &entry.y_plus_x, hit);
            out.y_minus_x = select(&out.y_minus_x, &entry.y_minus_x, hit);
            out.xy2d = select(&out.xy2d, &entry.xy2d, hit);
        }
        FieldElement::conditional_swap(&mut out.y_plus_x, &mut out.y_minus_x, negative);
        let minus_xy2d = (FieldElement::ZERO - out.xy2d).carry();
        out.xy2d = select(&out.xy2d, &minus_xy2d, negative);
        out
    }
}

/// `b` where `choice` is set, else `a`, limb by limb through `subtle`.
fn select(a: &FieldElement, b: &FieldElement, choice: Choice) -> FieldElement {
    FieldElement(core::array::from_fn(|i| u64::conditional_select(&a.0[i], &b.0[i], choice)))
}

/// The table, computed on first use (public values only).
fn table() -> &'static [Row; 32] {
    static TABLE: OnceLock<Box<[Row; 32]>> = OnceLock::new();
    TABLE.get_or_init(compute_table)
}

/// Rows `i = 0..31` of `j 256^i B`: the multiples by additions, each row's
/// point by eight doublings of the last, and all 256 points taken to affine
/// coordinates with one inversion (Montgomery's trick: invert the product of
/// the Z's, then peel off one Z at a time).
fn compute_table() -> Box<[Row; 32]> {
    let d = FieldElement::from_u64(121_665).neg().carry() * FieldElement::from_u64(121_666).invert();
    let two_d = (d + d).carry();
    let mut points = Vec::with_capacity(256);
    let mut p = base_point(d);
    for _ in 0..32 {
        let mut multiple = p;
        for _ in 0..8 {
            points.push(multiple);
            multiple = multiple.add(&p, two_d);
        }
        for _ in 0..8 {
            p = p.double();
        }
    }
    // prefix[i] = Z_0 ... Z_(i-1); inverse of the whole product; then back.
    let mut prefix = Vec::with_capacity(points.len());
    let mut product = FieldElement::ONE;
    for q in &points {
        prefix.push(product);
        product = product * q.z;
    }
    let mut inverse = product.invert();
    let mut rows = Box::new(
        [Row([Niels { y_plus_x: FieldElement::ONE, y_minus_x: FieldElement::ONE, xy2d: FieldElement::ZERO };
            8]); 32],
    );
    for (i, q) in points.iter().enumerate().rev() {
        let z_inv = inverse * prefix[i];
        inverse = inverse * q.z;
        let (x, y) = (q.x * z_inv, q.y * z_inv);
        rows[i / 8].0[i % 8] =
            Niels { y_plus_x: (y + x).carry(), y_minus_x: (y - x).carry(), xy2d: x * y * two_d };
    }
    rows
}

/// The Edwards base point: `y = 4/5` (RFC 8032 §5.1; the image of u = 9
/// under `y = (u - 1)/(u + 1)`), and `x` the square root of
/// `(y^2 - 1)/(d y^2 + 1)` that the computation gives (either serves: see
/// the module doc).
fn base_point(d: FieldElement) -> Extended {
    let y = FieldElement::from_u64(4) * FieldElement::from_u64(5).invert();
    let yy = y.square();
    let xx = (yy - FieldElement::ONE) * (d * yy + FieldElement::ONE).invert();
    let x = xx.sqrt_vartime().expect("the base point's x^2 is a square");
    Extended { x, y, z: FieldElement::ONE, t: x * y }
}
