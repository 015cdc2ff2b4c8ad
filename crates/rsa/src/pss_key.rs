//! RSASSA-PSS keys: RSA keys whose algorithm is id-RSASSA-PSS rather than
//! rsaEncryption (RFC 4055 §1.2, §3.1; RFC 8017 Appendix A.1).
//!
//! The numbers are those of any RSA key. What differs is the promise the
//! key file makes: "when the RSA private key owner wishes to limit the use
//! of the public key exclusively to RSASSA-PSS, then the id-RSASSA-PSS
//! object identifier MUST be used" (RFC 4055 §1.2). So such a key never
//! decrypts and never makes PKCS #1 v1.5 signatures, and [`RsaPssPrivateKey`]
//! and [`RsaPssPublicKey`] do not offer either: they sign and verify with
//! PSS only.
//!
//! The key may carry [`PssParams`], and then every signature must keep to
//! them (RFC 4055 §3.3, scenario 3): the same hash, the same MGF1 hash, and
//! a salt at least `saltLength` bytes long. A key without parameters
//! restricts nothing else.
//!
//! padlock-rsa's EMSA-PSS uses one hash for the message and for MGF1 (as
//! RFC 4055 §3.1 "strongly RECOMMEND"s, and as TLS does); a key or a
//! signature asking for two different hashes is refused with
//! [`Error::UnsupportedPss`], not half-supported.
//!
//! Constant time: the private operation is `RsaPrivateKey`'s (constant time,
//! blinded); the parameter checks here are on public values only.

use padlock_sha::{Sha1, Sha224, Sha256, Sha384, Sha512};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::pss_params::{PssHash, PssParams};
use crate::{Error, RsaPrivateKey, RsaPublicKey};

/// An RSA public key restricted to RSASSA-PSS: an id-RSASSA-PSS
/// SubjectPublicKeyInfo (RFC 4055 §1.2), with its parameters if it has any.
#[derive(Clone, Debug)]
pub struct RsaPssPublicKey {
    key: RsaPublicKey,
    params: Option<PssParams>,
}

/// An RSA private key restricted to RSASSA-PSS: an id-RSASSA-PSS PKCS #8 key,
/// as `openssl genpkey -algorithm RSA-PSS` writes, with its parameters if
/// it has any. It signs with PSS and does nothing else.
#[derive(Debug)]
pub struct RsaPssPrivateKey {
    key: RsaPrivateKey,
    public: RsaPssPublicKey,
}

impl RsaPssPublicKey {
    /// `key`, restricted to PSS, and to `params` if given.
    pub fn new(key: RsaPublicKey, params: Option<PssParams>) -> RsaPssPublicKey {
        RsaPssPublicKey { key, params }
    }

    /// The modulus and exponent. Use them for RSASSA-PSS only, within
    /// [`RsaPssPublicKey::params`]: that is what the key's owner asked.
    pub fn numbers(&self) -> &RsaPublicKey {
        &self.key
    }

    /// The key's parameters: `None` if the key restricts nothing but the
    /// scheme.
    pub fn params(&self) -> Option<&PssParams> {
        self.params.as_ref()
    }

    /// Whether a PSS signature made with `used` keeps to the key's
    /// parameters (RFC 4055 §3.3): the same hash and MGF1 hash, and a salt
    /// at least the key's saltLength.
    pub fn permits(&self, used: &PssParams) -> Result<(), Error> {
        match self.params {
            Some(key)
                if used.hash != key.hash
                    || used.mgf1_hash != key.mgf1_hash
                    || used.salt_len < key.salt_len =>
            {
                Err(Error::PssRestricted { key, used: *used })
            }
            _ => Ok(()),
        }
    }

    /// The parameters a signature by this key would use by default: the
    /// key's own hashes with a salt as long as the digest (or the key's
    /// minimum, if longer); for a key without parameters, SHA-256 with a
    /// 32-byte salt (RFC 4055 §3.1 recommends a salt as long as the hash).
    pub fn preferred_params(&self) -> PssParams {
        match self.params {
            Some(key) => {
                let salt_len = key.salt_len.max(key.hash.output_len() as u64);
                PssParams { salt_len, ..key }
            }
            None => PssParams::for_hash(PssHash::Sha256),
        }
    }

    /// RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) of `signature` over `message`,
    /// made with `used` — which must keep to the key's parameters — and a
    /// salt of exactly `used.salt_len` bytes.
    pub fn verify(&self, message: &[u8], signature: &[u8], used: &PssParams) -> Result<(), Error> {
        single_hash(used)?;
        self.permits(used)?;
        self.key.verify_pss_with_params(message, signature, used)
    }
}

impl RsaPssPrivateKey {
    /// `key`, from now on used for RSASSA-PSS only, and within `params` if
    /// given (to write a new id-RSASSA-PSS key file, as `openssl genpkey
    /// -algorithm RSA-PSS` does).
    pub fn new(key: RsaPrivateKey, params: Option<PssParams>) -> RsaPssPrivateKey {
        let public = RsaPssPublicKey::new(key.public_key().clone(), params);
        RsaPssPrivateKey { key, public }
    }

    /// The public key, with the same parameters.
    pub fn public_key(&self) -> &RsaPssPublicKey {
        &self.public
    }

    /// The key's parameters, if it has any.
    pub fn params(&self) -> Option<&PssParams> {
        self.public.params()
    }

    /// RSASSA-PSS-SIGN (RFC 8017 §8.1.1) of `message` with `used`, which
    /// must keep to the key's parameters ([`RsaPssPublicKey::permits`]),
    /// with a salt of `used.salt_len` random bytes. SHA-1 is refused: NIST
    /// SP 800-131A Rev. 2 §9 disallows it for making signatures.
    pub fn sign<R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        used: &PssParams,
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        single_hash(used)?;
        self.public.permits(used)?;
        self.key.sign_pss_with_params(message, used, rng)
    }

    /// The PKCS #8 DER of the key: an id-RSASSA-PSS `PrivateKeyInfo` with
    /// the parameters, if any (RFC 5208 §5, RFC 4055 §3.1).
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        crate::keyfile::pkcs8_der(&self.key, &crate::keyfile::Algorithm::RsaPss(self.params().copied()))
    }

    /// The PKCS #8 key as PEM, labelled `PRIVATE KEY`: what `openssl genpkey
    /// -algorithm RSA-PSS` writes.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(padlock_der::pem::encode("PRIVATE KEY", &self.to_pkcs8_der()))
    }
}

impl RsaPssPublicKey {
    /// The SubjectPublicKeyInfo DER: id-RSASSA-PSS with the parameters, if
    /// any, around the PKCS #1 `RSAPublicKey` (RFC 4055 §1.2, §3.1).
    pub fn to_spki_der(&self) -> Vec<u8> {
        crate::keyfile::spki_der(&self.key, &crate::keyfile::Algorithm::RsaPss(self.params))
    }

    /// The SubjectPublicKeyInfo as PEM, labelled `PUBLIC KEY`.
    pub fn to_spki_pem(&self) -> String {
        padlock_der::pem::encode("PUBLIC KEY", &self.to_spki_der())
    }
}

impl RsaPublicKey {
    /// RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) with the hash, MGF1 hash and
    /// exact salt length of `used`, chosen at run time (as an X.509
    /// signatureAlgorithm names them). The two hashes must be the same.
    pub fn verify_pss_with_params(
        &self,
        message: &[u8],
        signature: &[u8],
        used: &PssParams,
    ) -> Result<(), Error> {
        // A salt length beyond usize cannot fit in any signature.
        let salt_len = usize::try_from(used.salt_len).unwrap_or(usize::MAX);
        match single_hash(used)? {
            PssHash::Sha1 => self.verify_pss_with_salt_len::<Sha1>(message, signature, salt_len),
            PssHash::Sha224 => self.verify_pss_with_salt_len::<Sha224>(message, signature, salt_len),
            PssHash::Sha256 => self.verify_pss_with_salt_len::<Sha256>(message, signature, salt_len),
            PssHash::Sha384 => self.verify_pss_with_salt_len::<Sha384>(message, signature, salt_len),
            PssHash::Sha512 => self.verify_pss_with_salt_len::<Sha512>(message, signature, salt_len),
        }
    }
}

impl RsaPrivateKey {
    /// RSASSA-PSS-SIGN (RFC 8017 §8.1.1) with the hash, MGF1 hash and salt
    /// length of `used`, chosen at run time. The two hashes must be the
    /// same, and not SHA-1: NIST SP 800-131A Rev. 2 §9 disallows it for
    /// making signatures.
    pub fn sign_pss_with_params<R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        used: &PssParams,
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        let salt_len = usize::try_from(used.salt_len).map_err(|_| Error::MessageTooLong)?;
        match single_hash(used)? {
            PssHash::Sha1 => Err(Error::UnsupportedPss(
                "SHA-1 is not used for new signatures (NIST SP 800-131A Rev. 2 §9)",
            )),
            PssHash::Sha224 => self.sign_pss_with_salt_len::<Sha224, R>(message, salt_len, rng),
            PssHash::Sha256 => self.sign_pss_with_salt_len::<Sha256, R>(message, salt_len, rng),
            PssHash::Sha384 => self.sign_pss_with_salt_len::<Sha384, R>(message, salt_len, rng),
            PssHash::Sha512 => self.sign_pss_with_salt_len::<Sha512, R>(message, salt_len, rng),
        }
    }
}

/// The one hash of `used`, which padlock-rsa's PSS applies to the message
/// and in MGF1 alike; two different ones are refused.
fn single_hash(used: &PssParams) -> Result<PssHash, Error> {
    if used.hash != used.mgf1_hash {
        return Err(Error::UnsupportedPss(
            "the hash of the message and the hash of MGF1 differ; padlock-rsa's PSS uses one hash for both",
        ));
    }
    Ok(used.hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RsaPrivateKey {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(4055);
        RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).expect("key")
    }

    #[test]
    fn a_key_with_parameters_signs_and_verifies_only_within_them() {
        let mut rng = rand::rng();
        let restricted = PssParams::for_hash(PssHash::Sha256);
        let key = RsaPssPrivateKey::new(key(), Some(restricted));
        let public = key.public_key();
        let signature = key.sign(b"message", &restricted, &mut rng).expect("signs");
        public.verify(b"message", &signature, &restricted).expect("verifies");
        assert_eq!(public.verify(b"messagE", &signature, &restricted), Err(Error::Verification));
        // RFC 4055 §3.3: a longer salt is fine, a shorter one, another hash or MGF1 hash is not.
        let longer = PssParams { salt_len: 40, ..restricted };
        let signature = key.sign(b"message", &longer, &mut rng).expect("a longer salt");
        public.verify(b"message", &signature, &longer).expect("verifies");
        for used in [
            PssParams { salt_len: 31, ..restricted },
            PssParams::for_hash(PssHash::Sha384),
            PssParams { mgf1_hash: PssHash::Sha384, ..restricted },
        ] {
            let refused = key.sign(b"message", &used, &mut rng).expect_err("refused");
            assert!(matches!(refused, Error::PssRestricted { .. } | Error::UnsupportedPss(_)), "{used}");
            assert!(public.verify(b"message", &signature, &used).is_err(), "{used}");
        }
        assert_eq!(public.preferred_params(), restricted);
    }

    #[test]
    fn a_key_without_parameters_takes_any_hash_but_never_signs_with_sha1() {
        let mut rng = rand::rng();
        let key = RsaPssPrivateKey::new(key(), None);
        for hash in [PssHash::Sha224, PssHash::Sha256, PssHash::Sha384, PssHash::Sha512] {
            // (A 1024-bit key has no room for SHA-512 with a 64-byte salt: 64 + 64 + 2 > 128.)
            for salt_len in [0, 20, 32] {
                let used = PssParams { salt_len, ..PssParams::for_hash(hash) };
                let signature = key.sign(b"message", &used, &mut rng).expect("signs");
                key.public_key().verify(b"message", &signature, &used).expect("verifies");
            }
        }
        let refused = key.sign(b"message", &PssParams::DEFAULT, &mut rng);
        assert!(matches!(refused, Err(Error::UnsupportedPss(why)) if why.contains("SHA-1")));
        // Verifying SHA-1 stays possible (old certificates).
        let sha1 = key.key.sign_pss_with_salt_len::<Sha1, _>(b"message", 20, &mut rng).unwrap();
        key.public_key().verify(b"message", &sha1, &PssParams::DEFAULT).expect("SHA-1 verifies");
        assert_eq!(key.public_key().preferred_params(), PssParams::for_hash(PssHash::Sha256));
    }

    #[test]
    fn two_different_hashes_are_refused_clearly() {
        // `openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_pss_keygen_md:sha256`
        // writes such a key: SHA-256, and MGF1 left at its DEFAULT, SHA-1.
        let mixed = PssParams { hash: PssHash::Sha256, mgf1_hash: PssHash::Sha1, salt_len: 20 };
        let key = RsaPssPrivateKey::new(key(), Some(mixed));
        let error = key.sign(b"message", &mixed, &mut rand::rng()).expect_err("refused");
        assert!(error.to_string().contains("one hash for both"), "{error}");
        assert!(key.public_key().verify(b"message", &[0; 128], &mixed).is_err());
    }
}
