//! The RSA schemes of RFC 8017: encryption with RSAES-PKCS1-v1_5 (§7.2) and
//! RSAES-OAEP (§7.1), signatures with RSASSA-PKCS1-v1_5 (§8.2) and
//! RSASSA-PSS (§8.1) — each an encoding from `padding` around the raw
//! operation of `key`.

use padlock_sha::Hash;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::key::{RsaPrivateKey, RsaPublicKey};
use crate::padding::{self, Mgf};
use crate::{DecryptError, Error};

impl RsaPublicKey {
    /// RFC 8017 §7.2.1 RSAES-PKCS1-V1_5-ENCRYPT: at most `k - 11` bytes.
    /// (Kept for TLS 1.2 RSA key transport and for teaching; prefer OAEP.)
    pub fn encrypt_pkcs1v15<R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        let em = padding::eme_pkcs1_v15_encode(message, self.size(), rng).ok_or(Error::MessageTooLong)?;
        self.raw_public(&em)
    }

    /// RFC 8017 §7.1.1 RSAES-OAEP-ENCRYPT with hash `H` (for MGF1 too) and
    /// `label`: at most `k - 2 hLen - 2` bytes.
    pub fn encrypt_oaep<H: Hash, R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        label: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        let em = padding::eme_oaep_encode::<H, R>(message, label, self.size(), rng)
            .ok_or(Error::MessageTooLong)?;
        self.raw_public(&em)
    }

    /// RFC 8017 §8.2.2 RSASSA-PKCS1-V1_5-VERIFY with hash `H`.
    pub fn verify_pkcs1v15<H: Hash>(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        // Step 1: the signature is exactly k bytes; step 2: s < n, then s^e.
        let em = self.raw_public(signature).map_err(|_| Error::Verification)?;
        // Steps 3-4: encode the message ourselves and compare whole encodings,
        // rather than parsing what the signature holds (which is how parsing
        // bugs became forgeries: Bleichenbacher 2006, BERserk 2014).
        let expected =
            padding::emsa_pkcs1_v15_encode::<H>(message, self.size()).ok_or(Error::Verification)?;
        if em == expected { Ok(()) } else { Err(Error::Verification) }
    }

    /// RFC 8017 §8.1.2 RSASSA-PSS-VERIFY with hash `H` (for MGF1 too) and a
    /// salt as long as the hash: what [`RsaPrivateKey::sign_pss`] makes, and
    /// what TLS requires of rsa_pss_rsae_* and rsa_pss_pss_* signatures
    /// (RFC 8446 §4.2.3: "The length of the Salt MUST be equal to the length
    /// of the output of the digest algorithm").
    pub fn verify_pss<H: Hash>(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.verify_pss_with_salt_len::<H>(message, signature, H::OUTPUT_LEN)
    }

    /// RSASSA-PSS-VERIFY with hash `H` and a salt of exactly `salt_len`
    /// bytes (RFC 8017 §9.1.2 with sLen = `salt_len`), as an X.509
    /// RSASSA-PSS-params saltLength says (RFC 4055 §3.1).
    pub fn verify_pss_with_salt_len<H: Hash>(
        &self,
        message: &[u8],
        signature: &[u8],
        salt_len: usize,
    ) -> Result<(), Error> {
        self.verify_pss_with_mgf::<H>(message, signature, Some(salt_len), padding::mgf1_xor::<H>)
    }

    /// RSASSA-PSS-VERIFY with hash `H`, accepting any salt length (read from
    /// the signature, as OpenSSL's `rsa_pss_saltlen:auto` does). For
    /// checking a signature on its own (`padlock rsa verify`); a protocol
    /// that fixes the salt length must use [`RsaPublicKey::verify_pss`] or
    /// [`RsaPublicKey::verify_pss_with_salt_len`].
    pub fn verify_pss_any_salt_len<H: Hash>(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.verify_pss_with_mgf::<H>(message, signature, None, padding::mgf1_xor::<H>)
    }

    /// RSASSA-PSS-VERIFY with hash `H` for the message, `mgf` for the mask
    /// (`mgf1_xor::<H>` unless RSASSA-PSS-params name another hash for
    /// MGF1), and the salt length given, or any if `None`.
    pub(crate) fn verify_pss_with_mgf<H: Hash>(
        &self,
        message: &[u8],
        signature: &[u8],
        salt_len: Option<usize>,
        mgf: Mgf,
    ) -> Result<(), Error> {
        let em_bits = self.bits() - 1;
        let em = self.raw_public(signature).map_err(|_| Error::Verification)?;
        // Step 2c: EM is emLen = ceil(emBits / 8) bytes; when emBits is a
        // multiple of 8 the raw result has one leading zero byte more.
        let em_len = em_bits.div_ceil(8);
        let (extra, em) = em.split_at(em.len() - em_len);
        if extra.iter().any(|&b| b != 0)
            || !padding::emsa_pss_verify::<H>(message, em, em_bits, salt_len, mgf)
        {
            return Err(Error::Verification);
        }
        Ok(())
    }
}

impl RsaPrivateKey {
    /// RFC 8017 §7.2.2 RSAES-PKCS1-V1_5-DECRYPT. The padding is checked in
    /// constant time and every failure is the same [`DecryptError`]; still,
    /// whether decryption failed is visible to the caller, so a protocol must
    /// not reveal it (TLS uses [`RsaPrivateKey::decrypt_tls_premaster`]).
    pub fn decrypt_pkcs1v15<R: CryptoRng + ?Sized>(
        &self,
        ciphertext: &[u8],
        rng: &mut R,
    ) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
        let em = self.raw_private(ciphertext, rng).map_err(|_| DecryptError)?;
        let (start, valid) = padding::eme_pkcs1_v15_decode(&em);
        if bool::from(valid) { Ok(Zeroizing::new(em[start..].to_vec())) } else { Err(DecryptError) }
    }

    /// RFC 8017 §7.1.2 RSAES-OAEP-DECRYPT with hash `H` and `label`; constant
    /// time, one opaque error.
    pub fn decrypt_oaep<H: Hash, R: CryptoRng + ?Sized>(
        &self,
        ciphertext: &[u8],
        label: &[u8],
        rng: &mut R,
    ) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
        let mut em = self.raw_private(ciphertext, rng).map_err(|_| DecryptError)?;
        let (start, valid) = padding::eme_oaep_decode::<H>(&mut em, label);
        if bool::from(valid) { Ok(Zeroizing::new(em[start..].to_vec())) } else { Err(DecryptError) }
    }

    /// TLS 1.2 RSA key transport (RFC 5246 §7.4.7.1): decrypts the
    /// ClientKeyExchange and always returns 48 bytes — the premaster secret
    /// if the padding, the length and the version (`client_version`, as the
    /// client offered it) are right, and otherwise a random value drawn
    /// beforehand — with no branch on which it was. A malformed ciphertext
    /// length also gives the random value. The premaster secret, and the
    /// decrypted block it came from, are wiped when dropped.
    pub fn decrypt_tls_premaster<R: CryptoRng + ?Sized>(
        &self,
        ciphertext: &[u8],
        client_version: [u8; 2],
        rng: &mut R,
    ) -> Zeroizing<[u8; 48]> {
        // The random value, drawn before decrypting.
        let mut premaster = Zeroizing::new([0u8; 48]);
        rng.fill_bytes(&mut *premaster);
        // The ciphertext length and range are public facts about it: if they
        // are wrong, the random value stays.
        if let Ok(em) = self.raw_private(ciphertext, rng) {
            padding::tls_premaster_or_random(&em, client_version, &mut premaster);
        }
        premaster
    }

    /// RFC 8017 §8.2.1 RSASSA-PKCS1-V1_5-SIGN with hash `H`.
    pub fn sign_pkcs1v15<H: Hash, R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        let em = padding::emsa_pkcs1_v15_encode::<H>(message, self.public_key().size())
            .ok_or(Error::MessageTooLong)?;
        // A signature is public: out of its wiping buffer.
        self.raw_private(&em, rng).map(|signature| signature.to_vec())
    }

    /// RFC 8017 §8.1.1 RSASSA-PSS-SIGN with hash `H` (for MGF1 too) and a
    /// salt as long as the hash (RFC 8446 §4.2.3 requires that in TLS 1.3).
    pub fn sign_pss<H: Hash, R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        self.sign_pss_with_salt_len::<H, R>(message, H::OUTPUT_LEN, rng)
    }

    /// RSASSA-PSS-SIGN with a salt of `salt_len` random bytes.
    pub fn sign_pss_with_salt_len<H: Hash, R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        salt_len: usize,
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        self.sign_pss_with_mgf::<H, R>(message, salt_len, padding::mgf1_xor::<H>, rng)
    }

    /// RSASSA-PSS-SIGN with hash `H` for the message, `mgf` for the mask
    /// and a salt of `salt_len` random bytes.
    pub(crate) fn sign_pss_with_mgf<H: Hash, R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        salt_len: usize,
        mgf: Mgf,
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        let em_bits = self.public_key().bits() - 1;
        let em = padding::emsa_pss_encode::<H, R>(message, em_bits, salt_len, mgf, rng)
            .ok_or(Error::MessageTooLong)?;
        self.sign_encoded(&em, rng)
    }

    /// The private operation on an encoded message of `emLen` bytes, padded
    /// on the left to `k` bytes (RFC 8017 §8.1.1 step 2a: OS2IP(EM)).
    fn sign_encoded<R: CryptoRng + ?Sized>(&self, em: &[u8], rng: &mut R) -> Result<Vec<u8>, Error> {
        let k = self.public_key().size();
        let mut padded = vec![0u8; k - em.len()];
        padded.extend_from_slice(em);
        // A signature is public: out of its wiping buffer.
        self.raw_private(&padded, rng).map(|signature| signature.to_vec())
    }
}
