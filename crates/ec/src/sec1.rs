//! SEC1 point encoding (SEC 1 v2.0 §2.3.3 and §2.3.4): how a point travels
//! in a TLS key share, a certificate's public key and a key file.
//!
//! ```text
//!   uncompressed   04 || x || y     1 + 2L bytes   (written and read)
//!   compressed     02 || x  (y even)
//!                  03 || x  (y odd) 1 + L bytes    (read; written on request)
//!   identity       00               1 byte         (refused)
//! ```
//!
//! with L the field length (32 for P-256, 48 for P-384). Decoding checks
//! everything SEC 1 §3.2.2.1 (public key validation) asks of a prime-order
//! curve: coordinates below p, the point on the curve, not the identity.
//! Without the curve check, a peer could send a point on a weaker curve
//! (the "invalid curve attack", Biehl, Meyer and Müller, CRYPTO 2000) and
//! learn the private key from the answers.
//!
//! Constant time: decoding handles public points and may branch on them;
//! encoding too. (The field operations underneath are constant time anyway.)

use subtle::ConditionallySelectable;

use crate::Error;
use crate::curve::{CurveParams, FieldElement};
use crate::point::{AffinePoint, curve_equation_rhs};

/// SEC 1 §2.3.3: the leading octet of each form.
const TAG_IDENTITY: u8 = 0x00;
const TAG_COMPRESSED_EVEN: u8 = 0x02;
const TAG_COMPRESSED_ODD: u8 = 0x03;
const TAG_UNCOMPRESSED: u8 = 0x04;
/// The "hybrid" forms of ANSI X9.62, which nobody uses; refused.
const TAG_HYBRID: [u8; 2] = [0x06, 0x07];

impl<C: CurveParams<N>, const N: usize> AffinePoint<C, N> {
    /// Decodes a point in the uncompressed or compressed form (SEC 1
    /// §2.3.4), checking it is a valid public key: on the curve and not the
    /// identity (§3.2.2.1).
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, Error> {
        let len = FieldElement::<C, N>::BYTES;
        let (&tag, rest) = bytes.split_first().ok_or(Error::InvalidPointEncoding)?;
        match tag {
            // §2.3.4 step 1: the single octet 00 is the identity, which is
            // never a valid public key.
            TAG_IDENTITY if rest.is_empty() => Err(Error::PointAtInfinity),
            TAG_UNCOMPRESSED if rest.len() == 2 * len => {
                // §2.3.4 step 3 and §3.2.2.1 steps 2-3.
                let x = read_coordinate::<C, N>(&rest[..len])?;
                let y = read_coordinate::<C, N>(&rest[len..])?;
                Option::from(AffinePoint::from_coordinates(x, y)).ok_or(Error::PointNotOnCurve)
            }
            TAG_COMPRESSED_EVEN | TAG_COMPRESSED_ODD if rest.len() == len => {
                let x = read_coordinate::<C, N>(rest)?;
                decompress(x, tag == TAG_COMPRESSED_ODD)
            }
            t if TAG_HYBRID.contains(&t) => Err(Error::InvalidPointEncoding),
            _ => Err(Error::InvalidPointEncoding),
        }
    }

    /// The uncompressed encoding `04 || x || y` (SEC 1 §2.3.3), what TLS
    /// sends (RFC 8446 §4.2.8.2, RFC 8422 §5.4.1) and certificates hold.
    pub fn to_sec1_uncompressed(&self) -> Vec<u8> {
        let len = FieldElement::<C, N>::BYTES;
        let mut out = vec![0u8; 1 + 2 * len];
        out[0] = TAG_UNCOMPRESSED;
        self.x.write_be_bytes(&mut out[1..=len]);
        self.y.write_be_bytes(&mut out[1 + len..]);
        out
    }

    /// The compressed encoding `02 || x` or `03 || x`, by the parity of y
    /// (SEC 1 §2.3.3 step 2.2).
    pub fn to_sec1_compressed(&self) -> Vec<u8> {
        let len = FieldElement::<C, N>::BYTES;
        let mut out = vec![0u8; 1 + len];
        out[0] = if bool::from(self.y.is_odd()) { TAG_COMPRESSED_ODD } else { TAG_COMPRESSED_EVEN };
        self.x.write_be_bytes(&mut out[1..]);
        out
    }
}

/// A coordinate: L big-endian octets holding an integer below p (SEC 1
/// §2.3.6 and §3.2.2.1 step 2: "x_Q and y_Q are integers in [0, p-1]").
fn read_coordinate<C: CurveParams<N>, const N: usize>(bytes: &[u8]) -> Result<FieldElement<C, N>, Error> {
    Option::from(FieldElement::<C, N>::from_be_bytes(bytes)).ok_or(Error::CoordinateOutOfRange)
}

/// SEC 1 §2.3.4 step 2.4: y from x and its parity. α = x^3 - 3x + b; β is
/// a square root of α (none means x is not on the curve); y is β or p - β,
/// whichever has the parity asked for.
fn decompress<C: CurveParams<N>, const N: usize>(
    x: FieldElement<C, N>,
    y_is_odd: bool,
) -> Result<AffinePoint<C, N>, Error> {
    let alpha = curve_equation_rhs::<C, N>(&x);
    let beta: FieldElement<C, N> = Option::from(alpha.sqrt()).ok_or(Error::PointNotOnCurve)?;
    let flip = beta.is_odd() ^ subtle::Choice::from(u8::from(y_is_odd));
    let y = FieldElement::<C, N>::conditional_select(&beta, &-beta, flip);
    // β = 0 has no odd twin (p - 0 = p is not a field element); with a prime
    // order curve that would be a point of order 2, which cannot exist,
    // but the check costs nothing.
    if bool::from(y.is_odd()) != y_is_odd {
        return Err(Error::PointNotOnCurve);
    }
    Ok(AffinePoint { x, y })
}
