//! Deterministic ECDSA nonces (RFC 6979 §3.2), optionally hedged with fresh
//! randomness (§3.6).
//!
//! ECDSA needs a fresh secret k for every signature, and k must never
//! repeat nor be guessable: two signatures with the same k give away the
//! private key in two lines of algebra (Sony's PlayStation 3 signing key,
//! 2010), and a slightly biased k gives it away to a lattice attack. RFC
//! 6979 derives k from the private key and the message hash with
//! HMAC-DRBG (SP 800-90A), so the same message always gets the same k,
//! different messages get unrelated ones, and no random number generator
//! can fail the signer. Hedging mixes random bytes in as well (§3.6), which
//! keeps the signature safe if either the RNG or the determinism is
//! attacked (fault attacks on deterministic signatures).
//!
//! Constant time: yes, because HMAC is, the candidate's range check is a
//! constant-time comparison, and the loop only repeats when a candidate is
//! out of range (probability about 2^-32 for P-256), which reveals nothing
//! about the k finally used.

use padlock_sha::hmac::Hmac;
use padlock_sha::{Hash, MAX_OUTPUT_LEN};
use zeroize::{Zeroize, Zeroizing};

use crate::curve::{CurveParams, Scalar};
use crate::ecdsa::bits2int_mod_n;

/// The HMAC-DRBG state of RFC 6979 §3.2 (K and V), giving candidate
/// nonces one after another.
pub(crate) struct NonceGenerator<H: Hash> {
    k: H::Output,
    v: H::Output,
}

impl<H: Hash> NonceGenerator<H> {
    /// RFC 6979 §3.2 steps b to g, for private key x and message hash h1;
    /// `extra` is the k' of §3.6 (empty for the deterministic variant).
    pub(crate) fn new<C: CurveParams<N>, const N: usize>(x: &Scalar<C, N>, h1: &[u8], extra: &[u8]) -> Self {
        let len = Scalar::<C, N>::BYTES;
        // int2octets(x) and bits2octets(h1) = int2octets(bits2int(h1) mod q).
        let mut x_octets = Zeroizing::new(vec![0u8; len]);
        x.write_be_bytes(&mut x_octets);
        let mut h1_octets = Zeroizing::new(vec![0u8; len]);
        bits2int_mod_n::<C, N>(h1).write_be_bytes(&mut h1_octets);

        // Step b: V = 0x01 0x01 ... (hlen bytes); step c: K = 0x00 0x00 ...
        let mut v = H::digest(b"");
        v.as_mut().fill(0x01);
        let mut k = v;
        k.as_mut().fill(0x00);
        let mut drbg = NonceGenerator::<H> { k, v };
        // Steps d-e with the byte 0x00, then f-g with 0x01:
        // K = HMAC_K(V || byte || int2octets(x) || bits2octets(h1) || k'); V = HMAC_K(V).
        for byte in [0x00, 0x01] {
            drbg.k = drbg.hmac(&[drbg.v.as_ref(), &[byte], &x_octets, &h1_octets, extra]);
            drbg.v = drbg.hmac(&[drbg.v.as_ref()]);
        }
        drbg
    }

    /// Step h: the next candidate k in [1, q-1], as a scalar. The first
    /// call gives the nonce; the signer calls again only if that nonce made
    /// r or s zero (§3.4), and internally candidates out of range are
    /// skipped (step h.3).
    pub(crate) fn next_nonce<C: CurveParams<N>, const N: usize>(&mut self) -> Scalar<C, N> {
        let len = Scalar::<C, N>::BYTES;
        let mut t = [0u8; 48 + MAX_OUTPUT_LEN];
        loop {
            // h.2: T = V || V' || ... until it holds qlen bits.
            let mut filled = 0;
            while filled < len {
                self.v = self.hmac(&[self.v.as_ref()]);
                let block = self.v.as_ref();
                t[filled..filled + block.len()].copy_from_slice(block);
                filled += block.len();
            }
            // k = bits2int(T): the leftmost qlen bits, which for these curves
            // (qlen = 8L) are the first L bytes.
            let candidate = Scalar::<C, N>::from_be_bytes(&t[..len]);
            let valid = candidate.is_some() & !candidate.unwrap_or(Scalar::<C, N>::ZERO).is_zero();
            let k = candidate.unwrap_or(Scalar::<C, N>::ONE);
            // h.3: K = HMAC_K(V || 0x00); V = HMAC_K(V). Done after a good
            // candidate too, so that a second call gives a fresh one.
            self.k = self.hmac(&[self.v.as_ref(), &[0x00]]);
            self.v = self.hmac(&[self.v.as_ref()]);
            if bool::from(valid) {
                t.zeroize();
                return k;
            }
        }
    }

    /// HMAC_K of the concatenation of `parts`.
    fn hmac(&self, parts: &[&[u8]]) -> H::Output {
        let mut mac = Hmac::<H>::new(self.k.as_ref());
        for part in parts {
            mac.update(part);
        }
        mac.finalize()
    }
}

impl<H: Hash> Drop for NonceGenerator<H> {
    fn drop(&mut self) {
        self.k.as_mut().zeroize();
        self.v.as_mut().zeroize();
    }
}
