//! NIST P-384 (secp384r1): the parameters, and the key types for
//! this curve.
//!
//! The constants are transcribed from FIPS 186-5 via NIST SP 800-186
//! §3.2.1.4 ("Curve P-384"), which SEC 2 v2 §2.5.1 (secp384r1) repeats.
//! The tests check them: G is on the curve, n·G is the identity, and
//! the CAVP vectors agree.
//!
//! ```
//! use padlock_ec::p384;
//! use padlock_sha::Sha384;
//!
//! let mut rng = rand::rng();
//! let alice = p384::EphemeralSecret::generate(&mut rng);
//! let bob = p384::EphemeralSecret::generate(&mut rng);
//! let (alice_public, bob_public) =
//!     (alice.public_key().to_sec1_uncompressed(), bob.public_key().to_sec1_uncompressed());
//! let alice_shared = alice.diffie_hellman(&bob_public)?;
//! let bob_shared = bob.diffie_hellman(&alice_public)?;
//! assert_eq!(alice_shared.as_bytes(), bob_shared.as_bytes());
//!
//! let key = p384::PrivateKey::generate(&mut rng);
//! let signature = key.sign::<Sha384>(b"hello");
//! key.public_key().verify::<Sha384>(b"hello", &signature)?;
//! # Ok::<(), padlock_ec::Error>(())
//! ```

use std::sync::OnceLock;

use crate::curve::{Curve, CurveParams, sealed};
use crate::field::{Elem, Modulus, limbs_from_hex};
use crate::mul::BaseTable;

/// The curve P-384, as a type parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NistP384;

/// The field prime p = 2^384 - 2^128 - 2^96 + 2^32 - 1 (SP 800-186 §3.2.1.4).
#[derive(Clone, Copy, Debug)]
pub struct FieldModulus;

impl Modulus<6> for FieldModulus {
    const P: [u64; 6] = limbs_from_hex(
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    );
}

/// The group order n (SP 800-186 §3.2.1.4).
#[derive(Clone, Copy, Debug)]
pub struct OrderModulus;

impl Modulus<6> for OrderModulus {
    const P: [u64; 6] = limbs_from_hex(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
    );
}

impl sealed::Sealed for NistP384 {}

impl CurveParams<6> for NistP384 {
    const CURVE: Curve = Curve::P384;
    type Field = FieldModulus;
    type Order = OrderModulus;
    const B: crate::FieldElement<Self, 6> = Elem::from_hex(
        "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
    );
    const GENERATOR: (crate::FieldElement<Self, 6>, crate::FieldElement<Self, 6>) = (
        Elem::from_hex(
            "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
        ),
        Elem::from_hex(
            "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
        ),
    );

    fn base_table() -> &'static BaseTable<Self, 6> {
        static TABLE: OnceLock<BaseTable<NistP384, 6>> = OnceLock::new();
        TABLE.get_or_init(BaseTable::new)
    }
}

/// A P-384 field element.
pub type FieldElement = crate::FieldElement<NistP384, 6>;
/// A P-384 private key (ECDSA signing, static ECDH).
pub type PrivateKey = crate::PrivateKey<NistP384, 6>;
/// A P-384 public key (ECDSA verification, ECDH peer).
pub type PublicKey = crate::PublicKey<NistP384, 6>;
/// A P-384 key for one ECDH exchange (TLS `secp384r1`).
pub type EphemeralSecret = crate::EphemeralSecret<NistP384, 6>;
/// A P-384 ECDSA signature.
pub type Signature = crate::Signature<NistP384, 6>;
/// A P-384 point in projective coordinates.
pub type ProjectivePoint = crate::ProjectivePoint<NistP384, 6>;
/// A P-384 point in affine coordinates (never the identity).
pub type AffinePoint = crate::AffinePoint<NistP384, 6>;
/// An integer mod the P-384 group order.
pub type Scalar = crate::Scalar<NistP384, 6>;
