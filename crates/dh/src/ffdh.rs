//! Finite-field Diffie-Hellman (the "DHE" of TLS 1.2 and the ffdhe groups of
//! TLS 1.3) over the safe-prime groups of RFC 7919 and RFC 3526.
//!
//! ```text
//! Alice: x random, sends X = g^x mod p      Bob: y random, sends Y = g^y mod p
//! Alice computes Z = Y^x mod p  =  g^(xy) mod p  =  X^y mod p, which Bob computes
//! ```
//!
//! Constant time: yes for the secret parts — the exponentiations use
//! `padlock-bigint`'s constant-time [`Modulus::pow`] with the private
//! exponent on a fixed number of limbs, and validation of the peer's value
//! (public) may take any time.
//!
//! Two encodings of Z exist and must not be confused: TLS 1.3 left-pads Z
//! to the length of p (RFC 8446 §7.4.1), TLS 1.2 strips its leading zero
//! bytes (RFC 5246 §8.1.2). [`SharedSecret`] offers both, by those names.

use std::sync::OnceLock;

use padlock_bigint::{Modulus, Uint};
use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::groups::{ALL, Group};
use crate::lab::{Switch, Switches};

/// What can go wrong in a finite-field exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The peer's public value is not in `2 ..= p - 2` (or, with the full
    /// check, not in the subgroup of order q): refused per SP 800-56A
    /// §5.6.2.3.1 and RFC 7919 §5.1.
    InvalidPublicValue,
    /// The public value is longer than p.
    InvalidLength,
    /// The shared secret came out as 1 (RFC 7919 §5.1 / SP 800-56A §5.7.1.1).
    SharedSecretIsOne,
    /// The group is not one of [`crate::groups::ALL`] nor one
    /// [`crate::groups::checked_safe_prime`] accepted.
    UnknownGroup,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Error::InvalidPublicValue => "the peer's Diffie-Hellman public value is out of range",
            Error::InvalidLength => "the peer's Diffie-Hellman public value is longer than the prime",
            Error::SharedSecretIsOne => "the Diffie-Hellman shared secret is 1",
            Error::UnknownGroup => "not one of the finite-field groups Padlock knows",
        })
    }
}

impl std::error::Error for Error {}

/// RFC 7919 §5.2: private exponents at least twice the group's security
/// strength; these are the sizes its table recommends (and, for MODP group
/// 14, twice its 112-bit strength).
pub fn exponent_bits(group: &Group) -> usize {
    match group.name {
        "ffdhe2048" => 225,
        "ffdhe3072" => 275,
        "ffdhe4096" => 325,
        "ffdhe6144" => 375,
        "ffdhe8192" => 400,
        _ => 2 * group.strength_bits.max(112),
    }
}

/// An ephemeral private exponent. Consumed by [`PrivateKey::agree`]; no
/// `Clone` or `Debug`; the `Uint` wipes itself on drop.
pub struct PrivateKey {
    group: Group,
    x: Uint,
}

/// A public value `g^x mod p`, as its big-endian bytes left-padded to the
/// length of p (how TLS 1.3 sends it; TLS 1.2 may send it shorter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    group: Group,
    y: Vec<u8>,
}

/// The shared secret Z. Secret: no `Debug`, `Clone`; wiped on drop.
pub struct SharedSecret {
    /// Z left-padded to the length of p.
    padded: Vec<u8>,
}

impl PrivateKey {
    /// A random private exponent of [`exponent_bits`] bits, from a CSPRNG.
    pub fn generate<R: CryptoRng + ?Sized>(group: &Group, rng: &mut R) -> Result<PrivateKey, Error> {
        modulus(group)?;
        // The exponent keeps its own (public) length: `pow` runs over every
        // limb of it, so padding it to p's length would cost 8x for nothing.
        let mut x = Uint::random(exponent_bits(group), rng);
        // Never 0 or 1: set bit 1 (the exponent stays below 2^bits, far below q).
        x.as_limbs_mut()[0] |= 2;
        Ok(PrivateKey { group: *group, x })
    }

    /// A private exponent from big-endian bytes, for known-answer tests and
    /// the demo's `--seed`; at most as long as p.
    pub fn from_bytes(group: &Group, x: &[u8]) -> Result<PrivateKey, Error> {
        let modulus = modulus(group)?;
        if x.len() > group.p.len() {
            return Err(Error::InvalidLength);
        }
        // As in `generate`: on the exponent's own length (at least the
        // recommended size's), not p's.
        let limbs = exponent_bits(group).div_ceil(64).max(x.len().div_ceil(8)).min(modulus.limbs());
        let x = Uint::from_be_bytes_padded(x, limbs).map_err(|_| Error::InvalidLength)?;
        Ok(PrivateKey { group: *group, x })
    }

    /// The group this key belongs to.
    pub fn group(&self) -> &Group {
        &self.group
    }

    /// `X = g^x mod p`.
    pub fn public_key(&self) -> PublicKey {
        let modulus = modulus(&self.group).expect("checked when the key was made");
        let g = Uint::from_u64(self.group.g).resize(modulus.limbs()).expect("g < p");
        let y = modulus.pow(&g, &self.x);
        PublicKey { group: self.group, y: y.to_be_bytes(self.group.p.len()).expect("below p") }
    }

    /// `Z = Y^x mod p` after checking the peer's value (`2 <= Y <= p - 2`);
    /// refuses `Z = 1`. Consumes the private key: an ephemeral exponent is
    /// used once.
    pub fn agree(self, peer: &PublicKey) -> Result<SharedSecret, Error> {
        self.agree_with(peer, Switches::NONE)
    }

    /// [`agree`](Self::agree), obeying the labs' `switches` ([`crate::lab`]).
    pub fn agree_with(self, peer: &PublicKey, switches: Switches) -> Result<SharedSecret, Error> {
        if peer.group != self.group {
            return Err(Error::InvalidPublicValue);
        }
        let modulus = modulus(&self.group)?;
        let skip_checks = switches.is_on(Switch::SkipPeerChecks);
        // LAB SWITCH: SkipPeerChecks — any Y is taken (reduced mod p), even 0, 1 or p - 1.
        let y = if skip_checks { peer.unchecked(modulus)? } else { peer.check_range(modulus)? };
        let z = modulus.pow(&y, &self.x);
        let one = Uint::from_u64(1).resize(modulus.limbs()).expect("fits");
        // LAB SWITCH: SkipPeerChecks — Z = 1 is kept, as if it were a secret.
        if bool::from(z.ct_eq(&one)) && !skip_checks {
            return Err(Error::SharedSecretIsOne);
        }
        Ok(SharedSecret { padded: z.to_be_bytes(self.group.p.len()).expect("below p") })
    }
}

impl PublicKey {
    /// A peer's public value from its big-endian bytes (at most as long as
    /// p; shorter values are left-padded). Only the length is checked here;
    /// the range is checked when it is used, and [`PublicKey::check_subgroup`]
    /// offers the full check.
    pub fn from_bytes(group: &Group, bytes: &[u8]) -> Result<PublicKey, Error> {
        modulus(group)?;
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        let significant = &bytes[first..];
        if significant.len() > group.p.len() {
            return Err(Error::InvalidLength);
        }
        let mut y = vec![0u8; group.p.len() - significant.len()];
        y.extend_from_slice(significant);
        Ok(PublicKey { group: *group, y })
    }

    /// The value, left-padded to the length of p.
    pub fn as_bytes(&self) -> &[u8] {
        &self.y
    }

    /// SP 800-56A §5.6.2.3.1, the partial check TLS needs: `2 <= Y <= p - 2`.
    fn check_range(&self, modulus: &Modulus) -> Result<Uint, Error> {
        let y = Uint::from_be_bytes_padded(&self.y, modulus.limbs()).map_err(|_| Error::InvalidLength)?;
        let one = Uint::from_u64(1).resize(modulus.limbs()).expect("fits");
        let (p_minus_1, _) = modulus.as_uint().borrowing_sub(&one);
        // Y > 1 and Y < p - 1 (the value is public: plain branches are fine).
        if !bool::from(one.ct_lt(&y) & y.ct_lt(&p_minus_1)) {
            return Err(Error::InvalidPublicValue);
        }
        Ok(y)
    }

    /// The value reduced mod p, unchecked: for [`Switch::SkipPeerChecks`] only.
    fn unchecked(&self, modulus: &Modulus) -> Result<Uint, Error> {
        let y = Uint::from_be_bytes_padded(&self.y, modulus.limbs()).map_err(|_| Error::InvalidLength)?;
        Ok(modulus.reduce(&y))
    }

    /// The full check of SP 800-56A §5.6.2.3.1 step 2 for safe-prime groups:
    /// the range, and `Y^q = 1 mod p` with `q = (p - 1) / 2`, so `Y` lies in
    /// the prime-order subgroup. Costs one full-size exponentiation.
    pub fn check_subgroup(&self) -> Result<(), Error> {
        let modulus = modulus(&self.group)?;
        let y = self.check_range(modulus)?;
        let q = modulus.as_uint().shr(1); // p odd: (p - 1) / 2 = p >> 1
        let y_q = modulus.pow_vartime(&y, &q.to_be_bytes(self.group.p.len()).expect("fits"));
        let one = Uint::from_u64(1).resize(modulus.limbs()).expect("fits");
        if bool::from(y_q.ct_eq(&one)) { Ok(()) } else { Err(Error::InvalidPublicValue) }
    }
}

impl SharedSecret {
    /// RFC 8446 §7.4.1 (TLS 1.3): Z left-padded with zeros to the length of p.
    pub fn tls13_bytes(&self) -> &[u8] {
        &self.padded
    }

    /// RFC 5246 §8.1.2 (TLS 1.2): Z with its leading zero bytes stripped.
    pub fn tls12_bytes(&self) -> &[u8] {
        let first = self.padded.iter().position(|&b| b != 0).unwrap_or(self.padded.len());
        &self.padded[first..]
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.padded.zeroize();
    }
}

/// The group's prime as a [`Modulus`], set up once per process: computing
/// the Montgomery constants costs more than a key generation.
fn modulus(group: &Group) -> Result<&'static Modulus, Error> {
    static MODULI: [OnceLock<Modulus>; ALL.len()] = [const { OnceLock::new() }; ALL.len()];
    if let Some(index) = ALL.iter().position(|g| g == group) {
        return Ok(MODULI[index]
            .get_or_init(|| Modulus::new(&Uint::from_be_bytes(group.p)).expect("the group's prime is odd")));
    }
    // A group `groups::checked_safe_prime` accepted: its Montgomery
    // constants are made once and kept, as the group is.
    static CHECKED_MODULI: std::sync::Mutex<Vec<(&'static [u8], &'static Modulus)>> =
        std::sync::Mutex::new(Vec::new());
    let checked = crate::groups::CHECKED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !checked.iter().any(|g| g == group) {
        return Err(Error::UnknownGroup);
    }
    drop(checked);
    let mut moduli = CHECKED_MODULI.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, modulus)) = moduli.iter().find(|(p, _)| *p == group.p) {
        return Ok(modulus);
    }
    let modulus: &'static Modulus =
        Box::leak(Box::new(Modulus::new(&Uint::from_be_bytes(group.p)).map_err(|_| Error::UnknownGroup)?));
    moduli.push((group.p, modulus));
    Ok(modulus)
}
