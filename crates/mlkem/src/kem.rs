//! ML-KEM itself (FIPS 203 §6 and §7): key generation, encapsulation and
//! decapsulation with implicit rejection, and the typed keys, ciphertexts
//! and shared secrets of the public API.
//!
//! Constant time: yes, because K-PKE is (see `kpke`), and decapsulation
//! compares the re-encrypted ciphertext with `subtle::ConstantTimeEq` and
//! picks K' or K̄ with `ConditionallySelectable`, so neither its timing nor
//! its memory accesses tell whether the ciphertext was valid. The input
//! checks of §7.2 and §7.3 work on public data (the encapsulation key, the
//! lengths) and may return early.

use core::fmt;

use padlock_sha::{Hash, Sha3_256, Sha3_512, Shake256};
use rand_core::CryptoRng;
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use crate::kpke;
use crate::params::{ByteArray, ParameterSet};
use crate::poly::Poly;

/// Why a key or ciphertext was refused (FIPS 203 §7.2, §7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The input has the wrong length for the parameter set.
    WrongLength {
        /// The length FIPS 203 Table 3 requires.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// §7.2 modulus check: an encapsulation key holds a 12-bit value that is
    /// not below q, so it does not re-encode to itself.
    ModulusCheck,
    /// §7.3 hash check: a decapsulation key's stored H(ek) is not the hash of
    /// the ek it stores.
    HashCheck,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WrongLength { expected, got } => {
                write!(f, "wrong length: expected {expected} bytes, got {got}")
            }
            Error::ModulusCheck => {
                f.write_str("encapsulation key fails the modulus check (a coefficient is not below q)")
            }
            Error::HashCheck => {
                f.write_str("decapsulation key fails the hash check (H(ek) does not match ek)")
            }
        }
    }
}

impl std::error::Error for Error {}

/// A 32-byte seed, message or shared secret (FIPS 203 uses 32 bytes for all).
type Bytes32 = [u8; 32];

/// An ML-KEM encapsulation key ("public key"), 384·k + 32 bytes: the vector
/// t̂ = Â ŝ + ê, each of its k polynomials as 256 12-bit coefficients, then
/// the 32-byte seed ρ that expands to the matrix Â.
pub struct EncapsulationKey<P: ParameterSet> {
    bytes: P::EncapsulationKeyBytes,
    /// H(ek) = SHA3-256(ek), which encapsulation hashes into the key (§6.2).
    h: Bytes32,
}

/// An ML-KEM decapsulation key (secret), 768·k + 96 bytes:
/// `dk_PKE ‖ ek ‖ H(ek) ‖ z`, where dk_PKE is ŝ encoded, and z is the
/// secret used for implicit rejection. Wiped when dropped.
pub struct DecapsulationKey<P: ParameterSet> {
    bytes: P::DecapsulationKeyBytes,
}

/// An ML-KEM ciphertext, 32·(d_u·k + d_v) bytes: u and v, compressed.
pub struct Ciphertext<P: ParameterSet> {
    bytes: P::CiphertextBytes,
}

/// The 32-byte shared secret K that encapsulation and decapsulation agree
/// on. Wiped when dropped; no `Clone`, `Debug` or `PartialEq`.
pub struct SharedSecret(Bytes32);

impl SharedSecret {
    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<P: ParameterSet> EncapsulationKey<P> {
    /// Parses an encapsulation key received from a peer, with the input
    /// check of FIPS 203 §7.2: the length (type check) and the modulus check.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut array = P::EncapsulationKeyBytes::zeroed();
        copy_exact(array.as_mut(), bytes)?;
        // §7.2 step 2: ByteEncode_12(ByteDecode_12(ek[384i : 384(i+1)]))
        // must equal the input: no coefficient may be q or more.
        let mut reencoded = [0u8; 384];
        for chunk in array.as_ref()[..384 * P::K].chunks_exact(384) {
            Poly::byte_decode(12, chunk).byte_encode(12, &mut reencoded);
            if reencoded[..] != chunk[..] {
                return Err(Error::ModulusCheck);
            }
        }
        Ok(Self::from_checked(array))
    }

    fn from_checked(bytes: P::EncapsulationKeyBytes) -> Self {
        let h = Sha3_256::digest(bytes.as_ref());
        EncapsulationKey { bytes, h }
    }

    /// The encoded key, `ENCAPSULATION_KEY_LEN` bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// FIPS 203 Algorithm 20, ML-KEM.Encaps: a fresh 32-byte message m from
    /// `rng`, then [`encapsulate_deterministic`](Self::encapsulate_deterministic).
    pub fn encapsulate<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> (Ciphertext<P>, SharedSecret) {
        let mut m = [0u8; 32];
        rng.fill_bytes(&mut m);
        let result = self.encapsulate_deterministic(&m);
        m.zeroize();
        result
    }

    /// FIPS 203 Algorithm 17, ML-KEM.Encaps_internal(ek, m), with the message
    /// m given: for known-answer tests. `m` must be secret and fresh.
    pub fn encapsulate_deterministic(&self, m: &[u8; 32]) -> (Ciphertext<P>, SharedSecret) {
        // Step 1: (K, r) = G(m ‖ H(ek)).
        let mut g = Sha3_512::new();
        g.update(m);
        g.update(&self.h);
        let mut k_r = g.finalize();
        let mut shared = SharedSecret([0; 32]);
        let mut r = [0u8; 32];
        shared.0.copy_from_slice(&k_r[..32]);
        r.copy_from_slice(&k_r[32..]);
        // Step 2: c = K-PKE.Encrypt(ek, m, r).
        let mut c = P::CiphertextBytes::zeroed();
        kpke::encrypt::<P>(self.bytes.as_ref(), m, &r, c.as_mut());
        k_r.zeroize();
        r.zeroize();
        (Ciphertext { bytes: c }, shared)
    }
}

impl<P: ParameterSet> DecapsulationKey<P> {
    /// FIPS 203 Algorithm 19, ML-KEM.KeyGen: seeds d and z from `rng`, then
    /// [`from_seed`](Self::from_seed). Returns the secret key and the
    /// public key to send.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> (Self, EncapsulationKey<P>) {
        let mut d = [0u8; 32];
        let mut z = [0u8; 32];
        rng.fill_bytes(&mut d);
        rng.fill_bytes(&mut z);
        let keys = Self::from_seed(&d, &z);
        d.zeroize();
        z.zeroize();
        keys
    }

    /// FIPS 203 Algorithm 16, ML-KEM.KeyGen_internal(d, z): the key pair
    /// determined by the two 32-byte seeds (for tests and `--seed`; the
    /// seeds are as secret as the key).
    pub fn from_seed(d: &[u8; 32], z: &[u8; 32]) -> (Self, EncapsulationKey<P>) {
        let k = P::K;
        let mut dk = P::DecapsulationKeyBytes::zeroed();
        let mut ek = P::EncapsulationKeyBytes::zeroed();
        // Step 1: (ek_PKE, dk_PKE) = K-PKE.KeyGen(d); ek = ek_PKE.
        kpke::keygen::<P>(d, ek.as_mut(), &mut dk.as_mut()[..384 * k]);
        let ek = EncapsulationKey::<P>::from_checked(ek);
        // Step 3: dk = dk_PKE ‖ ek ‖ H(ek) ‖ z.
        let rest = &mut dk.as_mut()[384 * k..];
        let (ek_part, rest) = rest.split_at_mut(384 * k + 32);
        let (h_part, z_part) = rest.split_at_mut(32);
        ek_part.copy_from_slice(ek.as_bytes());
        h_part.copy_from_slice(&ek.h);
        z_part.copy_from_slice(z);
        (DecapsulationKey { bytes: dk }, ek)
    }

    /// Parses a stored decapsulation key, with the input check of FIPS 203
    /// §7.3: the length, and the hash check H(ek) = the stored hash.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut array = P::DecapsulationKeyBytes::zeroed();
        copy_exact(array.as_mut(), bytes)?;
        let key = DecapsulationKey { bytes: array };
        let (ek, h, _) = key.parts();
        if bool::from(Sha3_256::digest(ek).ct_eq(h)) { Ok(key) } else { Err(Error::HashCheck) }
    }

    /// The encoded key, `DECAPSULATION_KEY_LEN` bytes. Secret: keep it so.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// The encapsulation key stored inside this key.
    pub fn encapsulation_key(&self) -> EncapsulationKey<P> {
        let (ek, h, _) = self.parts();
        let mut bytes = P::EncapsulationKeyBytes::zeroed();
        bytes.as_mut().copy_from_slice(ek);
        let mut stored_h = [0u8; 32];
        stored_h.copy_from_slice(h);
        EncapsulationKey { bytes, h: stored_h }
    }

    /// ek, H(ek) and z: the parts of dk after dk_PKE (Algorithm 18 steps 2-4).
    fn parts(&self) -> (&[u8], &[u8], &[u8]) {
        let rest = &self.bytes.as_ref()[384 * P::K..];
        let (ek, rest) = rest.split_at(384 * P::K + 32);
        let (h, z) = rest.split_at(32);
        (ek, h, z)
    }

    /// FIPS 203 Algorithms 21 and 18, ML-KEM.Decaps(dk, c): the shared
    /// secret. It never fails: a ciphertext that does not re-encrypt to
    /// itself yields the pseudorandom K̄ = J(z ‖ c) instead (implicit
    /// rejection), which the peer cannot distinguish from a real key without
    /// z. The ciphertext's length was checked when it was parsed (§7.3).
    pub fn decapsulate(&self, c: &Ciphertext<P>) -> SharedSecret {
        let c = c.bytes.as_ref();
        let dk_pke = &self.bytes.as_ref()[..384 * P::K];
        let (ek, h, z) = self.parts();
        // Step 7: m' = K-PKE.Decrypt(dk_PKE, c).
        let mut m = kpke::decrypt::<P>(dk_pke, c);
        // Step 8: (K', r') = G(m' ‖ h).
        let mut g = Sha3_512::new();
        g.update(&m);
        g.update(h);
        let mut k_r = g.finalize();
        let mut shared = SharedSecret([0; 32]);
        let mut r = [0u8; 32];
        shared.0.copy_from_slice(&k_r[..32]);
        r.copy_from_slice(&k_r[32..]);
        // Step 9: K̄ = J(z ‖ c), J = SHAKE256 with 32 bytes of output.
        let mut j = Shake256::new();
        j.update(z);
        j.update(c);
        let mut k_bar = [0u8; 32];
        j.finalize_xof().read(&mut k_bar);
        // Step 10: c' = K-PKE.Encrypt(ek_PKE, m', r').
        let mut c_prime = P::CiphertextBytes::zeroed();
        kpke::encrypt::<P>(ek, &m, &r, c_prime.as_mut());
        // Steps 11-13: if c ≠ c', K' = K̄, in constant time: the comparison
        // and the selection are masked, never a branch.
        let rejected = !words_equal(c, c_prime.as_ref());
        for (k_byte, bar_byte) in shared.0.iter_mut().zip(&k_bar) {
            k_byte.conditional_assign(bar_byte, rejected);
        }
        m.zeroize();
        k_r.zeroize();
        r.zeroize();
        k_bar.zeroize();
        c_prime.as_mut().zeroize();
        shared
    }
}

/// `a == b` for two byte strings of one (public) length, in constant time:
/// the XORs of their 64-bit words ORed together, compared with zero once at
/// the end. (`subtle`'s comparison of slices hides each byte's comparison
/// from the optimiser: for a 1088-byte ciphertext, a twentieth of Decaps.)
fn words_equal(a: &[u8], b: &[u8]) -> subtle::Choice {
    assert_eq!(a.len(), b.len(), "equal lengths");
    let ((a_words, a_rest), (b_words, b_rest)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    let mut difference = 0u64;
    for (x, y) in a_words.iter().zip(b_words) {
        difference |= u64::from_le_bytes(*x) ^ u64::from_le_bytes(*y);
    }
    for (x, y) in a_rest.iter().zip(b_rest) {
        difference |= u64::from(x ^ y);
    }
    difference.ct_eq(&0)
}

impl<P: ParameterSet> Drop for DecapsulationKey<P> {
    fn drop(&mut self) {
        self.bytes.as_mut().zeroize();
    }
}

impl<P: ParameterSet> Ciphertext<P> {
    /// Parses a ciphertext, with the type check of FIPS 203 §7.3: exactly
    /// `CIPHERTEXT_LEN` bytes. Any bytes of that length are a ciphertext.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut array = P::CiphertextBytes::zeroed();
        copy_exact(array.as_mut(), bytes)?;
        Ok(Ciphertext { bytes: array })
    }

    /// The encoded ciphertext, `CIPHERTEXT_LEN` bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }
}

/// Copies `from` into `to` if their lengths agree (a public check).
fn copy_exact(to: &mut [u8], from: &[u8]) -> Result<(), Error> {
    if to.len() != from.len() {
        return Err(Error::WrongLength { expected: to.len(), got: from.len() });
    }
    to.copy_from_slice(from);
    Ok(())
}

// Public values may be copied, compared and printed.

impl<P: ParameterSet> Clone for EncapsulationKey<P> {
    fn clone(&self) -> Self {
        EncapsulationKey { bytes: self.bytes, h: self.h }
    }
}

impl<P: ParameterSet> PartialEq for EncapsulationKey<P> {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<P: ParameterSet> Eq for EncapsulationKey<P> {}

impl<P: ParameterSet> fmt::Debug for EncapsulationKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} EncapsulationKey({} bytes)", P::NAME, self.as_bytes().len())
    }
}

impl<P: ParameterSet> Clone for Ciphertext<P> {
    fn clone(&self) -> Self {
        Ciphertext { bytes: self.bytes }
    }
}

impl<P: ParameterSet> PartialEq for Ciphertext<P> {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<P: ParameterSet> Eq for Ciphertext<P> {}

impl<P: ParameterSet> fmt::Debug for Ciphertext<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Ciphertext({} bytes)", P::NAME, self.as_bytes().len())
    }
}
