//! NIST P-256 (secp256r1, prime256v1): the parameters, and the key types for
//! this curve.
//!
//! The constants are transcribed from FIPS 186-5 via NIST SP 800-186
//! §3.2.1.3 ("Curve P-256"), which SEC 2 v2 §2.4.2 (secp256r1) repeats.
//! The tests check them: G is on the curve, n·G is the identity, and
//! the CAVP vectors agree.
//!
//! ```
//! use padlock_ec::p256;
//! use padlock_sha::Sha256;
//!
//! let mut rng = rand::rng();
//! let alice = p256::EphemeralSecret::generate(&mut rng);
//! let bob = p256::EphemeralSecret::generate(&mut rng);
//! let (alice_public, bob_public) =
//!     (alice.public_key().to_sec1_uncompressed(), bob.public_key().to_sec1_uncompressed());
//! let alice_shared = alice.diffie_hellman(&bob_public)?;
//! let bob_shared = bob.diffie_hellman(&alice_public)?;
//! assert_eq!(alice_shared.as_bytes(), bob_shared.as_bytes());
//!
//! let key = p256::PrivateKey::generate(&mut rng);
//! let signature = key.sign::<Sha256>(b"hello");
//! key.public_key().verify::<Sha256>(b"hello", &signature)?;
//! # Ok::<(), padlock_ec::Error>(())
//! ```

use std::sync::OnceLock;

use crate::curve::{Curve, CurveParams, sealed};
use crate::field::{Elem, Modulus, limbs_from_hex};
use crate::mul::BaseTable;

/// The curve P-256, as a type parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NistP256;

/// The field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (SP 800-186 §3.2.1.3).
#[derive(Clone, Copy, Debug)]
pub struct FieldModulus;

impl Modulus<4> for FieldModulus {
    const P: [u64; 4] = limbs_from_hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
}

/// The group order n (SP 800-186 §3.2.1.3).
#[derive(Clone, Copy, Debug)]
pub struct OrderModulus;

impl Modulus<4> for OrderModulus {
    const P: [u64; 4] = limbs_from_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
}

impl sealed::Sealed for NistP256 {}

impl CurveParams<4> for NistP256 {
    const CURVE: Curve = Curve::P256;
    type Field = FieldModulus;
    type Order = OrderModulus;
    const B: crate::FieldElement<Self, 4> =
        Elem::from_hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
    const GENERATOR: (crate::FieldElement<Self, 4>, crate::FieldElement<Self, 4>) = (
        Elem::from_hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
        Elem::from_hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
    );

    fn base_table() -> &'static BaseTable<Self, 4> {
        static TABLE: OnceLock<BaseTable<NistP256, 4>> = OnceLock::new();
        TABLE.get_or_init(BaseTable::new)
    }
}

/// A P-256 field element.
pub type FieldElement = crate::FieldElement<NistP256, 4>;
/// A P-256 private key (ECDSA signing, static ECDH).
pub type PrivateKey = crate::PrivateKey<NistP256, 4>;
/// A P-256 public key (ECDSA verification, ECDH peer).
pub type PublicKey = crate::PublicKey<NistP256, 4>;
/// A P-256 key for one ECDH exchange (TLS `secp256r1`).
pub type EphemeralSecret = crate::EphemeralSecret<NistP256, 4>;
/// A P-256 ECDSA signature.
pub type Signature = crate::Signature<NistP256, 4>;
/// A P-256 point in projective coordinates.
pub type ProjectivePoint = crate::ProjectivePoint<NistP256, 4>;
/// A P-256 point in affine coordinates (never the identity).
pub type AffinePoint = crate::AffinePoint<NistP256, 4>;
/// An integer mod the P-256 group order.
pub type Scalar = crate::Scalar<NistP256, 4>;
