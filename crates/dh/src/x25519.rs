//! X25519: Diffie-Hellman on Curve25519 (RFC 7748), the key exchange most
//! TLS 1.3 handshakes use (RFC 8446 §4.2.7, group `x25519`).
//!
//! Constant time: yes, because the Montgomery ladder always runs 255 steps
//! (one per bit of the clamped scalar, whatever its value), each step is the
//! same straight-line sequence of field operations, the two points are
//! exchanged with a masked conditional swap (`subtle`) rather than a branch,
//! and the field arithmetic in `field` has no data-dependent branch or index.
//! The inversion at the end raises to the public exponent p - 2. (Checked
//! with `objdump -d` on a release build with Rust 1.95: the ladder loop holds
//! no conditional jump or `cmov` but its back edge.)
//!
//! # How it works
//!
//! - [`x25519`] is the function `X25519(k, u)` of RFC 7748 §5: clamp the
//!   scalar (`decodeScalar25519`), mask the top bit of the u-coordinate
//!   (`decodeUCoordinate`), run the ladder on (x, z) projective coordinates,
//!   and return `x_2 / z_2` as canonical bytes (`encodeUCoordinate`).
//! - [`PrivateKey`], [`PublicKey`] and [`SharedSecret`] wrap it for a key
//!   exchange (RFC 7748 §6.1): the public key is `X25519(a, 9)`, the shared
//!   secret `X25519(a, peer)`, and an all-zero shared secret is an error
//!   ([`AllZeroError`]).
//! - `base`: the public key `X25519(a, 9)` by a fixed-base method, through
//!   the birationally equivalent Edwards curve (RFC 7748 §4.1) and a table
//!   of multiples of its base point, read in full with masks. Constant time.
//! - `field`: arithmetic modulo p = 2^255 - 19 in radix 2^51.
//!
//! # Example
//!
//! ```
//! use padlock_dh::x25519::PrivateKey;
//! use rand::{SeedableRng, rngs::StdRng};
//!
//! let mut rng = StdRng::seed_from_u64(7); // use the OS source (`rand::rngs::SysRng`) for real keys
//! let (alice, bob) = (PrivateKey::generate(&mut rng), PrivateKey::generate(&mut rng));
//! let (alice_public, bob_public) = (alice.public_key(), bob.public_key());
//!
//! let alice_shared = alice.diffie_hellman(&bob_public).expect("bob's key is not low order");
//! let bob_shared = bob.diffie_hellman(&alice_public).expect("alice's key is not low order");
//! assert_eq!(alice_shared.as_bytes(), bob_shared.as_bytes());
//! ```

mod base;
mod field;

use field::FieldElement;
use rand_core::CryptoRng;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::lab::{Switch, Switches};

/// The length of scalars, u-coordinates, keys and shared secrets, in bytes.
pub const KEY_LEN: usize = 32;

/// The u-coordinate of the base point, 9 (RFC 7748 §4.1).
pub const BASE_POINT: [u8; 32] = {
    let mut u = [0u8; 32];
    u[0] = 9;
    u
};

/// `X25519(scalar, u)` of RFC 7748 §5: the u-coordinate of `scalar` times
/// the point with u-coordinate `u`, as 32 little-endian bytes.
///
/// The scalar is clamped and the top bit of `u` is ignored, as §5 requires;
/// `u` need not be canonical (values in [p, 2^255) are taken mod p). The
/// output is canonical. It is all zeros when `u` is a point of small order;
/// this raw function does not check that — [`PrivateKey::diffie_hellman`]
/// does.
pub fn x25519(scalar: &[u8; 32], u: &[u8; 32]) -> [u8; 32] {
    let mut k = decode_scalar(scalar);
    let x_1 = FieldElement::from_bytes(u);
    let (mut x_2, mut z_2) = ladder(&k, x_1);
    k.zeroize();
    let out = (x_2 * z_2.invert()).to_bytes();
    x_2.zeroize();
    z_2.zeroize();
    out
}

/// `decodeScalar25519` of RFC 7748 §5: clear the three low bits (the scalar
/// becomes a multiple of the cofactor 8), clear bit 255 and set bit 254 (so
/// every scalar has the same length and the ladder the same number of steps).
fn decode_scalar(scalar: &[u8; 32]) -> [u8; 32] {
    let mut k = *scalar;
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
    k
}

/// The Montgomery ladder of RFC 7748 §5, transcribed step for step with the
/// RFC's names. Returns the projective (x_2, z_2); the caller divides.
///
/// It runs over bits 254 down to 0 of the clamped scalar `k`: 255 steps
/// whatever `k` is. The loop index is public; the bit `k_t` is read with
/// shifts and only ever steers `conditional_swap`.
fn ladder(k: &[u8; 32], x_1: FieldElement) -> (FieldElement, FieldElement) {
    let mut x_2 = FieldElement::ONE;
    let mut z_2 = FieldElement::ZERO;
    let mut x_3 = x_1;
    let mut z_3 = FieldElement::ONE;
    let mut swap: u8 = 0;

    for t in (0..255).rev() {
        let k_t = (k[t / 8] >> (t % 8)) & 1;
        swap ^= k_t;
        let choice = Choice::from(swap);
        FieldElement::conditional_swap(&mut x_2, &mut x_3, choice);
        FieldElement::conditional_swap(&mut z_2, &mut z_3, choice);
        swap = k_t;

        // Every input to + and - below is reduced (an output of *, square or
        // mul_a24, or x_1), so sums and differences are loose and go
        // straight into the next multiplication (see `field`).
        let a = x_2 + z_2;
        let aa = a.square();
        let b = x_2 - z_2;
        let bb = b.square();
        let e = aa - bb;
        let c = x_3 + z_3;
        let d = x_3 - z_3;
        let da = d * a;
        let cb = c * b;
        x_3 = (da + cb).square();
        z_3 = x_1 * (da - cb).square();
        x_2 = aa * bb;
        // RFC 7748 §5: a24 = (486662 - 2) / 4 = 121665 for curve25519.
        z_2 = e * (aa + e.mul_a24());
    }

    let choice = Choice::from(swap);
    FieldElement::conditional_swap(&mut x_2, &mut x_3, choice);
    FieldElement::conditional_swap(&mut z_2, &mut z_3, choice);
    x_3.zeroize();
    z_3.zeroize();
    (x_2, z_2)
}

/// An X25519 private key: 32 secret bytes, clamped when used (RFC 7748 §5).
///
/// Meant to be ephemeral, as in TLS 1.3: [`PrivateKey::diffie_hellman`]
/// consumes it, so a key is used for one exchange only. It cannot be cloned
/// or printed, and it is wiped when dropped.
pub struct PrivateKey([u8; 32]);

impl PrivateKey {
    /// A fresh key: 32 bytes from `rng` (RFC 7748 §6.1: "32 random bytes").
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> PrivateKey {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        PrivateKey(bytes)
    }

    /// The key with these bytes, as they appear on the wire or in a test
    /// vector (unclamped; clamping happens in [`x25519`]).
    pub fn from_bytes(bytes: [u8; 32]) -> PrivateKey {
        PrivateKey(bytes)
    }

    /// The public key `X25519(a, 9)` (RFC 7748 §6.1), computed with a
    /// precomputed table of multiples of the base point on the equivalent
    /// Edwards curve (`base.rs`) rather than the ladder: the same bytes.
    pub fn public_key(&self) -> PublicKey {
        let mut k = decode_scalar(&self.0);
        let public = base::x25519_base(&k);
        k.zeroize();
        PublicKey(public)
    }

    /// The shared secret `X25519(a, peer)`, consuming this key.
    ///
    /// Fails when the result is all zeros, which happens exactly when `peer`
    /// is a point of small order (u = 0, 1, p - 1, the two points of order 8,
    /// or any of these spelled non-canonically): such a "secret" does not
    /// depend on this key at all. RFC 7748 §6.1 allows the check; RFC 8446
    /// §7.4.2 requires it of TLS 1.3 ("MUST check whether the computed
    /// Diffie-Hellman shared secret is the all-zero value and abort").
    pub fn diffie_hellman(self, peer: &PublicKey) -> Result<SharedSecret, AllZeroError> {
        self.diffie_hellman_with(peer, Switches::NONE)
    }

    /// [`diffie_hellman`](Self::diffie_hellman), obeying the labs'
    /// `switches` ([`crate::lab`]).
    pub fn diffie_hellman_with(
        self,
        peer: &PublicKey,
        switches: Switches,
    ) -> Result<SharedSecret, AllZeroError> {
        let secret = SharedSecret(x25519(&self.0, &peer.0));
        // RFC 7748 §6.1: the comparison is constant time. The branch on its
        // result reveals only whether the peer's key has small order, which
        // depends on nothing secret.
        // LAB SWITCH: SkipPeerChecks — an all-zero secret is let through.
        if bool::from(secret.0.ct_eq(&[0u8; 32])) && !switches.is_on(Switch::SkipPeerChecks) {
            return Err(AllZeroError);
        }
        Ok(secret)
    }
}

impl Drop for PrivateKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for PrivateKey {}

/// An X25519 public key: a u-coordinate as 32 little-endian bytes. Any 32
/// bytes are accepted (RFC 7748 §5); a low-order key is caught by
/// [`PrivateKey::diffie_hellman`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// The key with these bytes, as received from a peer.
    pub fn from_bytes(bytes: [u8; 32]) -> PublicKey {
        PublicKey(bytes)
    }

    /// The 32 bytes, as sent to the peer (TLS 1.3 `key_exchange`).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The result of an X25519 exchange: 32 secret bytes, the input to the key
/// schedule (RFC 8446 §7.4.2). Not printable or cloneable; wiped on drop.
pub struct SharedSecret([u8; 32]);

impl SharedSecret {
    /// The 32 bytes of the secret.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for SharedSecret {}

/// The X25519 shared secret came out all zeros: the peer's public key is a
/// point of small order (RFC 7748 §6.1; TLS 1.3 aborts the handshake).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllZeroError;

impl core::fmt::Display for AllZeroError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the X25519 shared secret is all zeros: the peer's public key is a point of small order")
    }
}

impl std::error::Error for AllZeroError {}
