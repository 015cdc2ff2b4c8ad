//! What a curve is to the rest of the crate: the [`CurveParams`] trait that
//! P-256 and P-384 implement (their primes, equation and generator), and the
//! run-time [`Curve`] enum that names them for key files, certificates and
//! TLS.
//!
//! Both curves are short Weierstrass curves `y^2 = x^3 - 3x + b` over GF(p),
//! of prime order n (cofactor 1), so every point but the identity generates
//! the whole group (FIPS 186-5 §3.1.2.1, SP 800-186 §3.2.1).

use padlock_der::{Oid, oids};

use crate::field::{Elem, Modulus};
use crate::mul::BaseTable;

/// The parameters of a prime-order curve `y^2 = x^3 - 3x + b` whose field
/// elements and scalars have N 64-bit limbs. Implemented by
/// [`NistP256`](crate::p256::NistP256) (N = 4) and
/// [`NistP384`](crate::p384::NistP384) (N = 6); sealed.
pub trait CurveParams<const N: usize>: Copy + Sized + Send + Sync + 'static + sealed::Sealed {
    /// Which curve this is, at run time.
    const CURVE: Curve;
    /// The field prime p.
    type Field: Modulus<N>;
    /// The group order n: scalars are integers mod n.
    type Order: Modulus<N>;
    /// The coefficient b of the equation (a is -3 for both curves).
    const B: FieldElement<Self, N>;
    /// The generator G, affine coordinates (x, y).
    const GENERATOR: (FieldElement<Self, N>, FieldElement<Self, N>);

    /// The fixed-base table of multiples of G, computed at first use.
    fn base_table() -> &'static BaseTable<Self, N>;
}

/// An element of the curve's field GF(p).
pub type FieldElement<C, const N: usize> = Elem<<C as CurveParams<N>>::Field, N>;

/// An integer modulo the curve's group order n.
pub type Scalar<C, const N: usize> = Elem<<C as CurveParams<N>>::Order, N>;

pub(crate) mod sealed {
    /// Only this crate's curves implement [`CurveParams`](super::CurveParams).
    pub trait Sealed {}
}

/// The curves Padlock implements, named at run time (for key files,
/// certificates, TLS named groups).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256, also secp256r1 and prime256v1 (FIPS 186-5, SP 800-186 §3.2.1.3).
    P256,
    /// NIST P-384, also secp384r1 (SP 800-186 §3.2.1.4).
    P384,
}

impl Curve {
    /// Both curves.
    pub const ALL: [Curve; 2] = [Curve::P256, Curve::P384];

    /// NIST's name, `"P-256"`.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    /// The SEC 2 name, as TLS names the group: `"secp256r1"`.
    pub fn sec_name(self) -> &'static str {
        match self {
            Curve::P256 => "secp256r1",
            Curve::P384 => "secp384r1",
        }
    }

    /// The named-curve OID of RFC 5480 §2.1.1.1.
    pub fn oid(self) -> Oid {
        match self {
            Curve::P256 => oids::SECP256R1,
            Curve::P384 => oids::SECP384R1,
        }
    }

    /// The curve with this named-curve OID, if Padlock implements it.
    pub fn from_oid(oid: &Oid) -> Option<Curve> {
        Curve::ALL.into_iter().find(|curve| curve.oid() == *oid)
    }

    /// The curve with this name (`P-256`, `p256`, `secp256r1`, `prime256v1`,
    /// ...; case-insensitive).
    pub fn from_name(name: &str) -> Option<Curve> {
        match name.to_ascii_lowercase().as_str() {
            "p-256" | "p256" | "secp256r1" | "prime256v1" => Some(Curve::P256),
            "p-384" | "p384" | "secp384r1" => Some(Curve::P384),
            _ => None,
        }
    }

    /// The length of a field element, a scalar and a private key in bytes
    /// (32 or 48), and of an ECDH shared secret.
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }

    /// The length of an uncompressed SEC1 point, `04 || x || y`.
    pub fn uncompressed_len(self) -> usize {
        1 + 2 * self.field_len()
    }

    /// The order of the group, n, big-endian.
    pub fn order_be_bytes(self) -> Vec<u8> {
        match self {
            Curve::P256 => limbs_to_be_bytes(&<crate::p256::NistP256 as CurveParams<4>>::Order::P),
            Curve::P384 => limbs_to_be_bytes(&<crate::p384::NistP384 as CurveParams<6>>::Order::P),
        }
    }
}

impl core::fmt::Display for Curve {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Little-endian limbs as big-endian bytes (for public values).
pub(crate) fn limbs_to_be_bytes(limbs: &[u64]) -> Vec<u8> {
    limbs.iter().rev().flat_map(|limb| limb.to_be_bytes()).collect()
}
