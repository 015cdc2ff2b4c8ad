//! Key pairs: a private key is a secret scalar d in [1, n-1]; its public
//! key is the point Q = d·G (FIPS 186-5 §6.2, SEC 1 §3.2.1).
//!
//! Constant time: yes for everything that touches d — generation,
//! decoding, Q = d·G with the fixed-base table — because d is only ever
//! handled by constant-time scalar code and compared with `subtle`. The one
//! branch, retrying a random candidate that is out of range, reveals only
//! that a discarded candidate was rejected.

use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::Error;
use crate::curve::{Curve, CurveParams, Scalar};
use crate::lab::Switches;
use crate::mul::mul_base;
use crate::point::AffinePoint;

/// A private key: the secret scalar d, with its public key d·G computed
/// once. Used to sign (ECDSA) and for static ECDH.
///
/// It cannot be printed, compared or cloned, and d is wiped when it is
/// dropped.
pub struct PrivateKey<C: CurveParams<N>, const N: usize> {
    d: Scalar<C, N>,
    public: PublicKey<C, N>,
    /// The labs' switches ([`crate::lab`]): none, except in a lab.
    switches: Switches,
}

impl<C: CurveParams<N>, const N: usize> PrivateKey<C, N> {
    /// A fresh random key, by FIPS 186-5 Appendix A.2.2 ("rejection
    /// sampling"): draw L random bytes until they make an integer in
    /// [1, n-1]. (For P-256 a draw is rejected with probability about
    /// 2^-32, for P-384 about 2^-190.)
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = Zeroizing::new(vec![0u8; Scalar::<C, N>::BYTES]);
        loop {
            rng.fill_bytes(&mut bytes);
            if let Ok(key) = Self::from_bytes(&bytes) {
                return key;
            }
        }
    }

    /// The key whose d is these L big-endian bytes (as in a key file or a
    /// test vector). Refuses a wrong length and a d outside [1, n-1]
    /// (SEC 1 §3.2.1: "d_U in the interval [1, n-1]"), in constant time.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        nonzero_scalar::<C, N>(bytes).map(Self::from_scalar)
    }

    /// The key with scalar d (not zero), computing Q = d·G.
    pub(crate) fn from_scalar(d: Scalar<C, N>) -> Self {
        debug_assert!(!bool::from(d.is_zero()));
        let q = mul_base::<C, N>(&d);
        // d is in [1, n-1] and G has order n, so d·G is never the identity.
        let point = Option::from(q.to_affine()).expect("d·G is not the identity for d in [1, n-1]");
        PrivateKey { d, public: PublicKey { point }, switches: Switches::NONE }
    }

    /// d as L big-endian bytes, in a buffer wiped on drop.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut bytes = Zeroizing::new(vec![0u8; Scalar::<C, N>::BYTES]);
        self.d.write_be_bytes(&mut bytes);
        bytes
    }

    /// The public key Q = d·G.
    pub fn public_key(&self) -> &PublicKey<C, N> {
        &self.public
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        C::CURVE
    }

    /// The secret scalar d.
    pub(crate) fn scalar(&self) -> &Scalar<C, N> {
        &self.d
    }

    /// The labs' switches this key obeys: [`Switches::NONE`] for every key
    /// but a lab's.
    pub fn lab_switches(&self) -> Switches {
        self.switches
    }

    /// Makes this key obey the labs' `switches` ([`crate::lab`]): for the
    /// labs only, with the feature `lab-switches`.
    #[cfg(feature = "lab-switches")]
    pub fn set_lab_switches(&mut self, switches: Switches) {
        self.switches = switches;
    }
}

impl<C: CurveParams<N>, const N: usize> Drop for PrivateKey<C, N> {
    fn drop(&mut self) {
        self.d.zeroize();
    }
}

impl<C: CurveParams<N>, const N: usize> ZeroizeOnDrop for PrivateKey<C, N> {}

/// L big-endian bytes as a scalar in [1, n-1] (a private key or a nonce),
/// checked in constant time; the length is public.
pub(crate) fn nonzero_scalar<C: CurveParams<N>, const N: usize>(bytes: &[u8]) -> Result<Scalar<C, N>, Error> {
    if bytes.len() != Scalar::<C, N>::BYTES {
        return Err(Error::InvalidPrivateKey);
    }
    let d = Scalar::<C, N>::from_be_bytes(bytes);
    let valid = d.is_some() & !d.unwrap_or(Scalar::<C, N>::ZERO).is_zero();
    if !bool::from(valid) {
        return Err(Error::InvalidPrivateKey);
    }
    Ok(d.unwrap_or(Scalar::<C, N>::ONE))
}

/// A public key: a point Q on the curve, never the identity (so, with
/// cofactor 1, a generator of the whole group).
pub struct PublicKey<C: CurveParams<N>, const N: usize> {
    point: AffinePoint<C, N>,
}

impl<C: CurveParams<N>, const N: usize> PublicKey<C, N> {
    /// Reads a SEC1 point, uncompressed or compressed, checked as SEC 1
    /// §3.2.2.1 asks (on the curve, not the identity).
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, Error> {
        AffinePoint::from_sec1(bytes).map(|point| PublicKey { point })
    }

    /// The key at this point (which, being affine, is not the identity).
    pub fn from_affine(point: AffinePoint<C, N>) -> Self {
        PublicKey { point }
    }

    /// `04 || x || y` (SEC 1 §2.3.3): the TLS key share, the bytes of a
    /// certificate's subjectPublicKey.
    pub fn to_sec1_uncompressed(&self) -> Vec<u8> {
        self.point.to_sec1_uncompressed()
    }

    /// `02 || x` or `03 || x` (SEC 1 §2.3.3 with point compression).
    pub fn to_sec1_compressed(&self) -> Vec<u8> {
        self.point.to_sec1_compressed()
    }

    /// The point Q.
    pub fn as_affine(&self) -> &AffinePoint<C, N> {
        &self.point
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        C::CURVE
    }
}

impl<C: CurveParams<N>, const N: usize> Clone for PublicKey<C, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: CurveParams<N>, const N: usize> Copy for PublicKey<C, N> {}

impl<C: CurveParams<N>, const N: usize> PartialEq for PublicKey<C, N> {
    fn eq(&self, other: &Self) -> bool {
        self.point.ct_eq(&other.point).into()
    }
}

impl<C: CurveParams<N>, const N: usize> Eq for PublicKey<C, N> {}

impl<C: CurveParams<N>, const N: usize> core::fmt::Debug for PublicKey<C, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PublicKey({}, ", C::CURVE)?;
        for byte in self.to_sec1_uncompressed() {
            write!(f, "{byte:02x}")?;
        }
        f.write_str(")")
    }
}
