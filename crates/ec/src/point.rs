//! Points of the curve `y^2 = x^3 - 3x + b`, and the group law on them with
//! the complete formulas of Renes, Costello and Batina, "Complete addition
//! formulas for prime order elliptic curves" (EUROCRYPT 2016, ePrint
//! 2015/1060), Algorithms 4, 5 and 6 (the a = -3 case).
//!
//! Constant time: yes, because each formula is one straight-line sequence of
//! field operations whatever the points are — the same for P + Q, P + P,
//! P + (-P) and P + identity — and the field operations are constant time.
//!
//! # Why complete formulas
//!
//! The textbook chord-and-tangent law (SEC 1 §2.2.1) needs cases: P + O,
//! P + (-P), P + P (a tangent, not a chord) are each computed differently.
//! In a scalar multiplication those cases depend on the secret scalar, so a
//! branch leaks it, and forgetting one gives wrong answers an attacker can
//! provoke. Renes–Costello–Batina give one formula in projective
//! coordinates (X : Y : Z), with x = X/Z and y = Y/Z, that is correct for
//! every pair of points on a prime-order curve, including the identity
//! (0 : 1 : 0). It costs 12 multiplications where incomplete Jacobian
//! formulas cost about 11; the safety is worth that.

use subtle::{Choice, ConditionallyNegatable, ConditionallySelectable, ConstantTimeEq, CtOption};

use crate::curve::{CurveParams, FieldElement};

/// A point in affine coordinates (x, y): never the identity, which has no
/// affine coordinates. Public keys are affine points.
pub struct AffinePoint<C: CurveParams<N>, const N: usize> {
    pub(crate) x: FieldElement<C, N>,
    pub(crate) y: FieldElement<C, N>,
}

/// A point in projective coordinates (X : Y : Z), standing for the affine
/// point (X/Z, Y/Z) when Z ≠ 0, and for the identity when Z = 0 (the
/// identity is (0 : 1 : 0)). Many triples stand for one point.
pub struct ProjectivePoint<C: CurveParams<N>, const N: usize> {
    pub(crate) x: FieldElement<C, N>,
    pub(crate) y: FieldElement<C, N>,
    pub(crate) z: FieldElement<C, N>,
}

// Written out: derives would ask for `C: Clone`, which holds, but also
// would not see through the associated types cleanly.
impl<C: CurveParams<N>, const N: usize> Clone for AffinePoint<C, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C: CurveParams<N>, const N: usize> Copy for AffinePoint<C, N> {}
impl<C: CurveParams<N>, const N: usize> Clone for ProjectivePoint<C, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C: CurveParams<N>, const N: usize> Copy for ProjectivePoint<C, N> {}

impl<C: CurveParams<N>, const N: usize> AffinePoint<C, N> {
    /// The generator G of the curve.
    pub const GENERATOR: Self = AffinePoint { x: C::GENERATOR.0, y: C::GENERATOR.1 };

    /// The point (x, y) if it is on the curve (SEC 1 §3.2.2.1 step 2).
    pub fn from_coordinates(x: FieldElement<C, N>, y: FieldElement<C, N>) -> CtOption<Self> {
        let is_on_curve = y.square().ct_eq(&curve_equation_rhs::<C, N>(&x));
        CtOption::new(AffinePoint { x, y }, is_on_curve)
    }

    /// The x-coordinate.
    pub fn x(&self) -> FieldElement<C, N> {
        self.x
    }

    /// The y-coordinate.
    pub fn y(&self) -> FieldElement<C, N> {
        self.y
    }

    /// The same point in projective coordinates, (x : y : 1).
    pub fn to_projective(&self) -> ProjectivePoint<C, N> {
        ProjectivePoint { x: self.x, y: self.y, z: FieldElement::<C, N>::ONE }
    }
}

impl<C: CurveParams<N>, const N: usize> ConditionallySelectable for AffinePoint<C, N> {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        AffinePoint {
            x: FieldElement::<C, N>::conditional_select(&a.x, &b.x, choice),
            y: FieldElement::<C, N>::conditional_select(&a.y, &b.y, choice),
        }
    }
}

impl<C: CurveParams<N>, const N: usize> ConstantTimeEq for AffinePoint<C, N> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.x.ct_eq(&other.x) & self.y.ct_eq(&other.y)
    }
}

impl<C: CurveParams<N>, const N: usize> ProjectivePoint<C, N> {
    /// The identity O = (0 : 1 : 0), the "point at infinity".
    pub const IDENTITY: Self = ProjectivePoint {
        x: FieldElement::<C, N>::ZERO,
        y: FieldElement::<C, N>::ONE,
        z: FieldElement::<C, N>::ZERO,
    };

    /// The generator G.
    pub const GENERATOR: Self =
        ProjectivePoint { x: C::GENERATOR.0, y: C::GENERATOR.1, z: FieldElement::<C, N>::ONE };

    /// Whether this is the identity (Z = 0).
    pub fn is_identity(&self) -> Choice {
        self.z.is_zero()
    }

    /// The affine point (X/Z, Y/Z), or `None` for the identity. One
    /// constant-time inversion.
    pub fn to_affine(&self) -> CtOption<AffinePoint<C, N>> {
        let z_inv = self.z.invert();
        CtOption::new(AffinePoint { x: self.x * z_inv, y: self.y * z_inv }, !self.is_identity())
    }

    /// -P = (X : -Y : Z).
    pub fn neg(&self) -> Self {
        ProjectivePoint { x: self.x, y: -self.y, z: self.z }
    }

    /// P + Q, for any P and Q: Algorithm 4 of Renes–Costello–Batina 2016
    /// (complete addition, a = -3), step for step. 12M + 2m_b + 29a.
    #[allow(clippy::similar_names, reason = "the paper's names")]
    pub fn add(&self, other: &Self) -> Self {
        let b = C::B;
        let (x1, y1, z1) = (self.x, self.y, self.z);
        let (x2, y2, z2) = (other.x, other.y, other.z);
        let t0 = x1 * x2; //  1. t0 ← X1·X2
        let t1 = y1 * y2; //  2. t1 ← Y1·Y2
        let t2 = z1 * z2; //  3. t2 ← Z1·Z2
        let t3 = x1 + y1; //  4. t3 ← X1+Y1
        let t4 = x2 + y2; //  5. t4 ← X2+Y2
        let t3 = t3 * t4; //  6. t3 ← t3·t4
        let t4 = t0 + t1; //  7. t4 ← t0+t1
        let t3 = t3 - t4; //  8. t3 ← t3−t4
        let t4 = y1 + z1; //  9. t4 ← Y1+Z1
        let x3 = y2 + z2; // 10. X3 ← Y2+Z2
        let t4 = t4 * x3; // 11. t4 ← t4·X3
        let x3 = t1 + t2; // 12. X3 ← t1+t2
        let t4 = t4 - x3; // 13. t4 ← t4−X3
        let x3 = x1 + z1; // 14. X3 ← X1+Z1
        let y3 = x2 + z2; // 15. Y3 ← X2+Z2
        let x3 = x3 * y3; // 16. X3 ← X3·Y3
        let y3 = t0 + t2; // 17. Y3 ← t0+t2
        let y3 = x3 - y3; // 18. Y3 ← X3−Y3
        let z3 = b * t2; //  19. Z3 ← b·t2
        let x3 = y3 - z3; // 20. X3 ← Y3−Z3
        let z3 = x3 + x3; // 21. Z3 ← X3+X3
        let x3 = x3 + z3; // 22. X3 ← X3+Z3
        let z3 = t1 - x3; // 23. Z3 ← t1−X3
        let x3 = t1 + x3; // 24. X3 ← t1+X3
        let y3 = b * y3; //  25. Y3 ← b·Y3
        let t1 = t2 + t2; // 26. t1 ← t2+t2
        let t2 = t1 + t2; // 27. t2 ← t1+t2
        let y3 = y3 - t2; // 28. Y3 ← Y3−t2
        let y3 = y3 - t0; // 29. Y3 ← Y3−t0
        let t1 = y3 + y3; // 30. t1 ← Y3+Y3
        let y3 = t1 + y3; // 31. Y3 ← t1+Y3
        let t1 = t0 + t0; // 32. t1 ← t0+t0
        let t0 = t1 + t0; // 33. t0 ← t1+t0
        let t0 = t0 - t2; // 34. t0 ← t0−t2
        let t1 = t4 * y3; // 35. t1 ← t4·Y3
        let t2 = t0 * y3; // 36. t2 ← t0·Y3
        let y3 = x3 * z3; // 37. Y3 ← X3·Z3
        let y3 = y3 + t2; // 38. Y3 ← Y3+t2
        let x3 = t3 * x3; // 39. X3 ← t3·X3
        let x3 = x3 - t1; // 40. X3 ← X3−t1
        let z3 = t4 * z3; // 41. Z3 ← t4·Z3
        let t1 = t3 * t0; // 42. t1 ← t3·t0
        let z3 = z3 + t1; // 43. Z3 ← Z3+t1
        ProjectivePoint { x: x3, y: y3, z: z3 }
    }

    /// P + Q for an affine Q (Z2 = 1): Algorithm 5 of Renes–Costello–Batina
    /// 2016 (mixed addition, a = -3). 11M + 2m_b + 23a. Complete for any
    /// projective P, including the identity; Q, being affine, is never the
    /// identity.
    pub fn add_affine(&self, other: &AffinePoint<C, N>) -> Self {
        let b = C::B;
        let (x1, y1, z1) = (self.x, self.y, self.z);
        let (x2, y2) = (other.x, other.y);
        let t0 = x1 * x2; //  1. t0 ← X1·X2
        let t1 = y1 * y2; //  2. t1 ← Y1·Y2
        let t3 = x2 + y2; //  3. t3 ← X2+Y2
        let t4 = x1 + y1; //  4. t4 ← X1+Y1
        let t3 = t3 * t4; //  5. t3 ← t3·t4
        let t4 = t0 + t1; //  6. t4 ← t0+t1
        let t3 = t3 - t4; //  7. t3 ← t3−t4
        let t4 = y2 * z1; //  8. t4 ← Y2·Z1
        let t4 = t4 + y1; //  9. t4 ← t4+Y1
        let y3 = x2 * z1; // 10. Y3 ← X2·Z1
        let y3 = y3 + x1; // 11. Y3 ← Y3+X1
        let z3 = b * z1; //  12. Z3 ← b·Z1
        let x3 = y3 - z3; // 13. X3 ← Y3−Z3
        let z3 = x3 + x3; // 14. Z3 ← X3+X3
        let x3 = x3 + z3; // 15. X3 ← X3+Z3
        let z3 = t1 - x3; // 16. Z3 ← t1−X3
        let x3 = t1 + x3; // 17. X3 ← t1+X3
        let y3 = b * y3; //  18. Y3 ← b·Y3
        let t1 = z1 + z1; // 19. t1 ← Z1+Z1
        let t2 = t1 + z1; // 20. t2 ← t1+Z1
        let y3 = y3 - t2; // 21. Y3 ← Y3−t2
        let y3 = y3 - t0; // 22. Y3 ← Y3−t0
        let t1 = y3 + y3; // 23. t1 ← Y3+Y3
        let y3 = t1 + y3; // 24. Y3 ← t1+Y3
        let t1 = t0 + t0; // 25. t1 ← t0+t0
        let t0 = t1 + t0; // 26. t0 ← t1+t0
        let t0 = t0 - t2; // 27. t0 ← t0−t2
        let t1 = t4 * y3; // 28. t1 ← t4·Y3
        let t2 = t0 * y3; // 29. t2 ← t0·Y3
        let y3 = x3 * z3; // 30. Y3 ← X3·Z3
        let y3 = y3 + t2; // 31. Y3 ← Y3+t2
        let x3 = t3 * x3; // 32. X3 ← t3·X3
        let x3 = x3 - t1; // 33. X3 ← X3−t1
        let z3 = t4 * z3; // 34. Z3 ← t4·Z3
        let t1 = t3 * t0; // 35. t1 ← t3·t0
        let z3 = z3 + t1; // 36. Z3 ← Z3+t1
        ProjectivePoint { x: x3, y: y3, z: z3 }
    }

    /// 2P: Algorithm 6 of Renes–Costello–Batina 2016 (exception-free
    /// doubling, a = -3). 8M + 3S + 2m_b + 21a.
    pub fn double(&self) -> Self {
        let b = C::B;
        let (x, y, z) = (self.x, self.y, self.z);
        let t0 = x.square(); //   1. t0 ← X·X
        let t1 = y.square(); //   2. t1 ← Y·Y
        let t2 = z.square(); //   3. t2 ← Z·Z
        let t3 = x * y; //        4. t3 ← X·Y
        let t3 = t3 + t3; //      5. t3 ← t3+t3
        let z3 = x * z; //        6. Z3 ← X·Z
        let z3 = z3 + z3; //      7. Z3 ← Z3+Z3
        let y3 = b * t2; //       8. Y3 ← b·t2
        let y3 = y3 - z3; //      9. Y3 ← Y3−Z3
        let x3 = y3 + y3; //     10. X3 ← Y3+Y3
        let y3 = x3 + y3; //     11. Y3 ← X3+Y3
        let x3 = t1 - y3; //     12. X3 ← t1−Y3
        let y3 = t1 + y3; //     13. Y3 ← t1+Y3
        let y3 = x3 * y3; //     14. Y3 ← X3·Y3
        let x3 = x3 * t3; //     15. X3 ← X3·t3
        let t3 = t2 + t2; //     16. t3 ← t2+t2
        let t2 = t2 + t3; //     17. t2 ← t2+t3
        let z3 = b * z3; //      18. Z3 ← b·Z3
        let z3 = z3 - t2; //     19. Z3 ← Z3−t2
        let z3 = z3 - t0; //     20. Z3 ← Z3−t0
        let t3 = z3 + z3; //     21. t3 ← Z3+Z3
        let z3 = z3 + t3; //     22. Z3 ← Z3+t3
        let t3 = t0 + t0; //     23. t3 ← t0+t0
        let t0 = t3 + t0; //     24. t0 ← t3+t0
        let t0 = t0 - t2; //     25. t0 ← t0−t2
        let t0 = t0 * z3; //     26. t0 ← t0·Z3
        let y3 = y3 + t0; //     27. Y3 ← Y3+t0
        let t0 = y * z; //       28. t0 ← Y·Z
        let t0 = t0 + t0; //     29. t0 ← t0+t0
        let z3 = t0 * z3; //     30. Z3 ← t0·Z3
        let x3 = x3 - z3; //     31. X3 ← X3−Z3
        let z3 = t0 * t1; //     32. Z3 ← t0·t1
        let z3 = z3 + z3; //     33. Z3 ← Z3+Z3
        let z3 = z3 + z3; //     34. Z3 ← Z3+Z3
        ProjectivePoint { x: x3, y: y3, z: z3 }
    }
}

impl<C: CurveParams<N>, const N: usize> ConditionallySelectable for ProjectivePoint<C, N> {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        ProjectivePoint {
            x: FieldElement::<C, N>::conditional_select(&a.x, &b.x, choice),
            y: FieldElement::<C, N>::conditional_select(&a.y, &b.y, choice),
            z: FieldElement::<C, N>::conditional_select(&a.z, &b.z, choice),
        }
    }
}

impl<C: CurveParams<N>, const N: usize> ConditionallyNegatable for ProjectivePoint<C, N> {
    fn conditional_negate(&mut self, choice: Choice) {
        let negated = -self.y;
        self.y.conditional_assign(&negated, choice);
    }
}

impl<C: CurveParams<N>, const N: usize> ConstantTimeEq for ProjectivePoint<C, N> {
    /// Equality of the points, not of the triples: (X1 : Y1 : Z1) and
    /// (X2 : Y2 : Z2) are the same point when X1·Z2 = X2·Z1 and
    /// Y1·Z2 = Y2·Z1. (For two identities both sides are 0 = 0 for x, and
    /// Y1·0 = Y2·0 for y; an identity and a finite point differ because the
    /// finite point's Z is not 0 while the identity's Y is not.)
    fn ct_eq(&self, other: &Self) -> Choice {
        (self.x * other.z).ct_eq(&(other.x * self.z)) & (self.y * other.z).ct_eq(&(other.y * self.z))
    }
}

/// The right-hand side of the curve equation, x^3 - 3x + b.
pub(crate) fn curve_equation_rhs<C: CurveParams<N>, const N: usize>(
    x: &FieldElement<C, N>,
) -> FieldElement<C, N> {
    let x3 = x.square() * *x;
    let three_x = *x + x.double();
    x3 - three_x + C::B
}
