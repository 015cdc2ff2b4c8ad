//! Hazardous material: ECDSA signing with a nonce k the caller chooses.
//!
//! **Do not use this to sign anything that matters.** The security of
//! ECDSA rests entirely on k: reuse it for two messages and anyone can
//! compute the private key from the two signatures,
//!
//! ```text
//!   s1 - s2 = k^-1 (e1 - e2)   so   k = (e1 - e2) / (s1 - s2)
//!   d = (s1·k - e1) / r
//! ```
//!
//! which is how Sony's PlayStation 3 code-signing key was recovered in 2010
//! (fail0verflow, 27C3), and how Bitcoin was stolen from Android wallets in
//! 2013 whose random number generator repeated itself. Even a few biased
//! bits of k leak the key to a lattice attack (Minerva, TPM-Fail, 2019).
//! [`PrivateKey::sign`](crate::PrivateKey::sign) uses RFC 6979 instead.
//!
//! This exists for the NIST CAVP SigGen vectors, which fix k, and for the
//! lessons that show the attack (see the test `nonce_reuse_reveals_the_key`).
//!
//! Constant time: yes, as signing is (see `ecdsa`).

use crate::curve::{CurveParams, Scalar};
use crate::ecdsa::{Signature, bits2int_mod_n, sign_with_nonce};
use crate::key::nonzero_scalar;
use crate::{Error, PrivateKey};
use zeroize::Zeroize;

/// Signs the message hash `digest` with the nonce `k` (L big-endian bytes,
/// in [1, n-1]): FIPS 186-5 §6.4.1 with step 6 replaced by the caller's k.
/// Fails if k is out of range, or if r or s comes out zero for it.
pub fn sign_prehashed_with_nonce<C: CurveParams<N>, const N: usize>(
    key: &PrivateKey<C, N>,
    digest: &[u8],
    k: &[u8],
) -> Result<Signature<C, N>, Error> {
    let mut nonce: Scalar<C, N> = nonzero_scalar::<C, N>(k)?;
    let e = bits2int_mod_n::<C, N>(digest);
    let signature = sign_with_nonce(key.scalar(), &e, &nonce);
    nonce.zeroize();
    signature.ok_or(Error::SignatureOutOfRange)
}
