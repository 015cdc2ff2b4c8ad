//! ECDSA (FIPS 186-5 §6.4): signatures (r, s) with a private key d, checked
//! with the public key Q = d·G.
//!
//! ```text
//!   sign(d, M):   e = bits2int(H(M)) mod n;  k from RFC 6979;  R = k·G
//!                 r = x_R mod n;  s = k^-1 (e + r·d) mod n
//!   verify(Q, M, r, s):  w = s^-1;  u1 = e·w;  u2 = r·w
//!                 R = u1·G + u2·Q;  accept iff x_R mod n = r
//! ```
//!
//! It works because u1·G + u2·Q = (e + r·d)·s^-1·G = k·G.
//!
//! Constant time: signing yes — k·G with the fixed-base table, k^-1 by
//! Fermat's little theorem with the fixed exponent n - 2, and all scalar
//! arithmetic in constant time; the only branches are on r = 0 or s = 0,
//! which never happen in practice and reveal only that a nonce was
//! discarded. Verification no, and it needs not be: everything it handles
//! (Q, the message, the signature) is public, so it uses the faster
//! variable-time `mul_double_base_vartime`.
//!
//! Signatures travel in two forms: the DER `Ecdsa-Sig-Value` of RFC 5480
//! §2.2 / RFC 3279 §2.2.3 (X.509, TLS), parsed strictly, and the raw
//! `r || s` of fixed length (JOSE, PKCS #11).

use padlock_der::{Reader, Writer};
use padlock_sha::Hash;
use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::Error;
use crate::curve::{CurveParams, FieldElement, Scalar};
use crate::key::{PrivateKey, PublicKey};
use crate::lab::Switch;
use crate::mul::{mul_base, mul_double_base_vartime};
use crate::point::AffinePoint;
use crate::rfc6979::NonceGenerator;

/// An ECDSA signature (r, s), both in [1, n-1] (FIPS 186-5 §6.4.2 step 1
/// is enforced when a signature is decoded).
pub struct Signature<C: CurveParams<N>, const N: usize> {
    r: Scalar<C, N>,
    s: Scalar<C, N>,
}

impl<C: CurveParams<N>, const N: usize> Signature<C, N> {
    /// The signature with these r and s, each L big-endian bytes; both must
    /// be in [1, n-1].
    pub fn from_scalar_bytes(r: &[u8], s: &[u8]) -> Result<Self, Error> {
        Ok(Signature { r: read_r_or_s::<C, N>(r)?, s: read_r_or_s::<C, N>(s)? })
    }

    /// Reads the raw form `r || s`, 2L bytes.
    pub fn from_raw(bytes: &[u8]) -> Result<Self, Error> {
        let len = Scalar::<C, N>::BYTES;
        if bytes.len() != 2 * len {
            return Err(Error::MalformedSignature);
        }
        Self::from_scalar_bytes(&bytes[..len], &bytes[len..])
    }

    /// The raw form `r || s`, 2L bytes.
    pub fn to_raw(&self) -> Vec<u8> {
        let len = Scalar::<C, N>::BYTES;
        let mut out = vec![0u8; 2 * len];
        self.r.write_be_bytes(&mut out[..len]);
        self.s.write_be_bytes(&mut out[len..]);
        out
    }

    /// Reads the DER `Ecdsa-Sig-Value` (RFC 5480 §2.2, RFC 3279 §2.2.3):
    ///
    /// ```text
    ///   Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
    /// ```
    ///
    /// Strictly: DER's minimal lengths and minimal INTEGERs (no redundant
    /// leading zero), non-negative, r and s in [1, n-1], nothing after the
    /// SEQUENCE. A lenient parser would accept many encodings of one
    /// signature, which lets a third party change a signed transaction's
    /// bytes without the key (the "malleability" behind Bitcoin's BIP 66).
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let (r, s) = Reader::new(der)
            .read_all(|outer| {
                outer.read_sequence()?.read_all(|seq| {
                    let r = seq.read_unsigned_integer_bytes()?;
                    let s = seq.read_unsigned_integer_bytes()?;
                    Ok((r, s))
                })
            })
            .map_err(|_| Error::MalformedSignature)?;
        Ok(Signature { r: read_integer::<C, N>(r)?, s: read_integer::<C, N>(s)? })
    }

    /// The DER `Ecdsa-Sig-Value`.
    pub fn to_der(&self) -> Vec<u8> {
        let (r, s) = (self.r_bytes(), self.s_bytes());
        let mut w = Writer::new();
        w.sequence(|w| {
            w.unsigned_integer(&r);
            w.unsigned_integer(&s);
        });
        w.finish().expect("two INTEGERs always encode")
    }

    /// r, L big-endian bytes.
    pub fn r_bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; Scalar::<C, N>::BYTES];
        self.r.write_be_bytes(&mut out);
        out
    }

    /// s, L big-endian bytes.
    pub fn s_bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; Scalar::<C, N>::BYTES];
        self.s.write_be_bytes(&mut out);
        out
    }
}

impl<C: CurveParams<N>, const N: usize> Clone for Signature<C, N> {
    fn clone(&self) -> Self {
        Signature { r: self.r, s: self.s }
    }
}

impl<C: CurveParams<N>, const N: usize> PartialEq for Signature<C, N> {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.r.ct_eq(&other.r) & self.s.ct_eq(&other.s))
    }
}

impl<C: CurveParams<N>, const N: usize> Eq for Signature<C, N> {}

impl<C: CurveParams<N>, const N: usize> core::fmt::Debug for Signature<C, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let hex = |bytes: Vec<u8>| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        write!(f, "Signature({}, r = {}, s = {})", C::CURVE, hex(self.r_bytes()), hex(self.s_bytes()))
    }
}

/// A DER INTEGER's magnitude (minimal, no leading zero) as r or s: at most L
/// bytes, then in [1, n-1].
fn read_integer<C: CurveParams<N>, const N: usize>(magnitude: &[u8]) -> Result<Scalar<C, N>, Error> {
    let len = Scalar::<C, N>::BYTES;
    if magnitude.len() > len {
        return Err(Error::SignatureOutOfRange);
    }
    let mut padded = vec![0u8; len];
    padded[len - magnitude.len()..].copy_from_slice(magnitude);
    read_r_or_s::<C, N>(&padded)
}

/// L bytes as r or s: FIPS 186-5 §6.4.2 step 1, "if r and s are not both
/// integers in the interval [1, n-1], output INVALID".
fn read_r_or_s<C: CurveParams<N>, const N: usize>(bytes: &[u8]) -> Result<Scalar<C, N>, Error> {
    if bytes.len() != Scalar::<C, N>::BYTES {
        return Err(Error::MalformedSignature);
    }
    let value: Scalar<C, N> =
        Option::from(Scalar::<C, N>::from_be_bytes(bytes)).ok_or(Error::SignatureOutOfRange)?;
    if bool::from(value.is_zero()) {
        return Err(Error::SignatureOutOfRange);
    }
    Ok(value)
}

/// FIPS 186-5 §6.4.1 steps 4-5 (and RFC 6979 §2.3.2 `bits2int`, then mod
/// n): the leftmost min(len(n), len(H)) bits of the hash as an integer,
/// reduced mod n. Both curves' n have exactly 8L bits, so that is the first
/// L bytes of a long hash, or all of a short one (as a smaller number).
pub(crate) fn bits2int_mod_n<C: CurveParams<N>, const N: usize>(digest: &[u8]) -> Scalar<C, N> {
    let len = Scalar::<C, N>::BYTES;
    let mut e = [0u8; 48];
    let e = &mut e[..len];
    if digest.len() >= len {
        e.copy_from_slice(&digest[..len]);
    } else {
        e[len - digest.len()..].copy_from_slice(digest);
    }
    // e < 2^(8L) < 2n: one conditional subtraction reduces it.
    Scalar::<C, N>::from_be_bytes_reduced(e)
}

impl<C: CurveParams<N>, const N: usize> PrivateKey<C, N> {
    /// Signs `message` hashed with `H` (FIPS 186-5 §6.4.1), with the
    /// deterministic nonce of RFC 6979 §3.2. The same key and message
    /// always give the same signature.
    pub fn sign<H: Hash>(&self, message: &[u8]) -> Signature<C, N> {
        self.sign_prehashed::<H>(H::digest(message).as_ref())
    }

    /// Signs a message whose hash `digest` (made with `H`) the caller
    /// computed: TLS signs a transcript hash this way.
    pub fn sign_prehashed<H: Hash>(&self, digest: &[u8]) -> Signature<C, N> {
        // RFC 6979 §3.2 step d: k comes from the key *and* the message hash.
        // LAB SWITCH: RepeatNonce — the message is left out: one k for every message.
        let zeros = [0u8; 64];
        let repeated = self.lab_switches().is_on(Switch::RepeatNonce);
        let nonce_input = if repeated { &zeros[..digest.len().min(64)] } else { digest };
        self.sign_with_generator(digest, NonceGenerator::<H>::new::<C, N>(self.scalar(), nonce_input, &[]))
    }

    /// Signs with a hedged nonce (RFC 6979 §3.6): the deterministic
    /// derivation with 32 fresh random bytes mixed in. Signatures differ
    /// each time; both a broken RNG and a fault on the deterministic path
    /// are survived.
    pub fn sign_hedged<H: Hash, R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        rng: &mut R,
    ) -> Signature<C, N> {
        let digest = H::digest(message);
        let mut extra = [0u8; 32];
        rng.fill_bytes(&mut extra);
        let generator = NonceGenerator::<H>::new::<C, N>(self.scalar(), digest.as_ref(), &extra);
        extra.zeroize();
        self.sign_with_generator(digest.as_ref(), generator)
    }

    /// Steps 6-11 of FIPS 186-5 §6.4.1 with nonces from `generator`,
    /// taking the next one in the rare case that r or s comes out 0.
    fn sign_with_generator<H: Hash>(
        &self,
        digest: &[u8],
        mut generator: NonceGenerator<H>,
    ) -> Signature<C, N> {
        let e = bits2int_mod_n::<C, N>(digest);
        loop {
            let mut k = generator.next_nonce::<C, N>();
            let signature = sign_with_nonce(self.scalar(), &e, &k);
            k.zeroize();
            if let Some(signature) = signature {
                return signature;
            }
        }
    }
}

/// FIPS 186-5 §6.4.1 steps 7-11 with a given nonce k in [1, n-1]; `None`
/// when r or s is 0 (the caller must pick another k).
pub(crate) fn sign_with_nonce<C: CurveParams<N>, const N: usize>(
    d: &Scalar<C, N>,
    e: &Scalar<C, N>,
    k: &Scalar<C, N>,
) -> Option<Signature<C, N>> {
    // Steps 7-8: R = k·G, in affine coordinates (k ≠ 0, so R ≠ O).
    let big_r: AffinePoint<C, N> = Option::from(mul_base::<C, N>(k).to_affine())?;
    // Step 9: r = x_R mod n. x_R < p < 2^(8L), and one subtraction of n
    // reduces any such value.
    let mut x_bytes = [0u8; 48];
    let x_bytes = &mut x_bytes[..Scalar::<C, N>::BYTES];
    FieldElement::<C, N>::write_be_bytes(&big_r.x(), x_bytes);
    let r = Scalar::<C, N>::from_be_bytes_reduced(x_bytes);
    // Step 10: s = k^-1 (e + r·d) mod n, k^-1 by Fermat (constant time).
    let mut k_inv = k.invert();
    let s = k_inv * (*e + r * *d);
    k_inv.zeroize();
    // "If r = 0 or s = 0, go back to step 6." Whether r or s is zero is
    // all these branches reveal.
    if bool::from(r.is_zero() | s.is_zero()) {
        return None;
    }
    Some(Signature { r, s })
}

impl<C: CurveParams<N>, const N: usize> PublicKey<C, N> {
    /// Verifies a signature on `message` hashed with `H` (FIPS 186-5
    /// §6.4.2).
    pub fn verify<H: Hash>(&self, message: &[u8], signature: &Signature<C, N>) -> Result<(), Error> {
        self.verify_prehashed(H::digest(message).as_ref(), signature)
    }

    /// Verifies a DER-encoded signature on `message` hashed with `H`: what a
    /// certificate or a TLS CertificateVerify carries.
    pub fn verify_der<H: Hash>(&self, message: &[u8], der: &[u8]) -> Result<(), Error> {
        self.verify::<H>(message, &Signature::from_der(der)?)
    }

    /// Verifies a signature on a message whose hash is `digest`.
    pub fn verify_prehashed(&self, digest: &[u8], signature: &Signature<C, N>) -> Result<(), Error> {
        // Step 1 (r, s in [1, n-1]) holds for every `Signature`.
        // Steps 2-4: e from the hash.
        let e = bits2int_mod_n::<C, N>(digest);
        // Step 5: w = s^-1, u1 = e·w, u2 = r·w.
        let w = signature.s.invert();
        let (u1, u2) = (e * w, signature.r * w);
        // Step 6: R = u1·G + u2·Q; "if R is the identity, output INVALID".
        let big_r = mul_double_base_vartime::<C, N>(&u1, &u2, self.as_affine());
        if bool::from(big_r.is_identity()) {
            return Err(Error::VerificationFailed);
        }
        // Steps 7-8: accept iff x_R mod n = r.
        if x_matches_r::<C, N>(&big_r.x, &big_r.z, &signature.r) {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        }
    }
}

/// Whether (X/Z) mod n = r, without inverting Z. x_R = X/Z is in [0, p),
/// and n < p < 2n, so x_R mod n = r exactly when x_R = r or x_R = r + n
/// (the second only possible when r + n < p). Each is checked as X = r'·Z
/// in the field. Public values: variable time is fine.
fn x_matches_r<C: CurveParams<N>, const N: usize>(
    x: &FieldElement<C, N>,
    z: &FieldElement<C, N>,
    r: &Scalar<C, N>,
) -> bool {
    let r_limbs = r.to_canonical();
    // r < n < p, so r is a field element as it is.
    let mut r_bytes = [0u8; 48];
    let r_bytes = &mut r_bytes[..Scalar::<C, N>::BYTES];
    r.write_be_bytes(r_bytes);
    let r_field: FieldElement<C, N> = match Option::from(FieldElement::<C, N>::from_be_bytes(r_bytes)) {
        Some(value) => value,
        None => return false,
    };
    if bool::from((r_field * *z).ct_eq(x)) {
        return true;
    }
    // r + n, if it is below p.
    let n = <C::Order as crate::field::Modulus<N>>::P;
    let mut sum = [0u64; N];
    let mut carry = 0;
    for i in 0..N {
        (sum[i], carry) = crate::field::adc(r_limbs[i], n[i], carry);
    }
    if carry != 0 {
        return false;
    }
    let sum_bytes = crate::curve::limbs_to_be_bytes(&sum);
    match Option::<FieldElement<C, N>>::from(FieldElement::<C, N>::from_be_bytes(&sum_bytes)) {
        Some(r_plus_n) => bool::from((r_plus_n * *z).ct_eq(x)),
        None => false,
    }
}
