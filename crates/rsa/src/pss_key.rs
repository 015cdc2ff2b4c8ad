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
//! The two hashes may differ. RFC 4055 §3.1 "strongly RECOMMEND"s one hash
//! for both, but `openssl genpkey -algorithm RSA-PSS -pkeyopt
//! rsa_pss_keygen_md:sha256` leaves MGF1 at its DEFAULT, SHA-1, and such a
//! key signs and verifies as its parameters say: EMSA-PSS takes MGF1's hash
//! apart from the message's (`padding::Mgf`). A protocol that fixes the
//! parameters itself still gets exactly those: TLS's rsa_pss_pss_sha256 is
//! SHA-256 for both (RFC 8446 §4.2.3), so [`RsaPssPublicKey::permits`]
//! refuses it to a key whose MGF1 hash is SHA-1.
//!
//! Constant time: the private operation is `RsaPrivateKey`'s (constant time,
//! blinded); the parameter checks here are on public values only.

use padlock_sha::{Sha1, Sha224, Sha256, Sha384, Sha512};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::padding::{Mgf, mgf1_xor};
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
    /// signatureAlgorithm names them). The two hashes may differ.
    pub fn verify_pss_with_params(
        &self,
        message: &[u8],
        signature: &[u8],
        used: &PssParams,
    ) -> Result<(), Error> {
        // A salt length beyond usize cannot fit in any signature.
        let salt_len = Some(usize::try_from(used.salt_len).unwrap_or(usize::MAX));
        let mgf = mgf1(used.mgf1_hash);
        match used.hash {
            PssHash::Sha1 => self.verify_pss_with_mgf::<Sha1>(message, signature, salt_len, mgf),
            PssHash::Sha224 => self.verify_pss_with_mgf::<Sha224>(message, signature, salt_len, mgf),
            PssHash::Sha256 => self.verify_pss_with_mgf::<Sha256>(message, signature, salt_len, mgf),
            PssHash::Sha384 => self.verify_pss_with_mgf::<Sha384>(message, signature, salt_len, mgf),
            PssHash::Sha512 => self.verify_pss_with_mgf::<Sha512>(message, signature, salt_len, mgf),
        }
    }
}

impl RsaPrivateKey {
    /// RSASSA-PSS-SIGN (RFC 8017 §8.1.1) with the hash, MGF1 hash and salt
    /// length of `used`, chosen at run time. The two hashes may differ. The
    /// message hash is not SHA-1: NIST SP 800-131A Rev. 2 §9 disallows it
    /// for making signatures. MGF1 with SHA-1 does sign: it only stretches
    /// the hash H into a mask and digests no message, and it is the DEFAULT
    /// of RFC 4055 §3.1, which OpenSSL's RSA-PSS keys name unless told
    /// otherwise.
    pub fn sign_pss_with_params<R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        used: &PssParams,
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        let salt_len = usize::try_from(used.salt_len).map_err(|_| Error::MessageTooLong)?;
        let mgf = mgf1(used.mgf1_hash);
        match used.hash {
            PssHash::Sha1 => Err(Error::UnsupportedPss(
                "SHA-1 is not used for new signatures (NIST SP 800-131A Rev. 2 §9)",
            )),
            PssHash::Sha224 => self.sign_pss_with_mgf::<Sha224, R>(message, salt_len, mgf, rng),
            PssHash::Sha256 => self.sign_pss_with_mgf::<Sha256, R>(message, salt_len, mgf, rng),
            PssHash::Sha384 => self.sign_pss_with_mgf::<Sha384, R>(message, salt_len, mgf, rng),
            PssHash::Sha512 => self.sign_pss_with_mgf::<Sha512, R>(message, salt_len, mgf, rng),
        }
    }
}

/// MGF1 (RFC 8017 §B.2.1) with `hash`, the maskGenAlgorithm's parameter of
/// RSASSA-PSS-params (RFC 4055 §2.2), chosen on its own: it need not be the
/// hash of the message.
fn mgf1(hash: PssHash) -> Mgf {
    match hash {
        PssHash::Sha1 => mgf1_xor::<Sha1>,
        PssHash::Sha224 => mgf1_xor::<Sha224>,
        PssHash::Sha256 => mgf1_xor::<Sha256>,
        PssHash::Sha384 => mgf1_xor::<Sha384>,
        PssHash::Sha512 => mgf1_xor::<Sha512>,
    }
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
            assert!(matches!(refused, Error::PssRestricted { .. }), "{used}");
            let refused = public.verify(b"message", &signature, &used);
            assert!(matches!(refused, Err(Error::PssRestricted { .. })), "{used}");
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
    fn a_key_with_two_different_hashes_signs_and_verifies_with_both() {
        // `openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_pss_keygen_md:sha256`
        // writes such a key: SHA-256, and MGF1 left at its DEFAULT, SHA-1.
        let mut rng = rand::rng();
        let mixed = PssParams { hash: PssHash::Sha256, mgf1_hash: PssHash::Sha1, salt_len: 20 };
        let key = RsaPssPrivateKey::new(key(), Some(mixed));
        let public = key.public_key();
        assert_eq!(public.preferred_params(), PssParams { salt_len: 32, ..mixed });
        let signature = key.sign(b"message", &mixed, &mut rng).expect("signs");
        public.verify(b"message", &signature, &mixed).expect("verifies");
        assert_eq!(public.verify(b"messagE", &signature, &mixed), Err(Error::Verification));
        // MGF1's hash is part of the signature: read with SHA-256 for MGF1 too, it does not verify.
        let numbers = public.numbers();
        let single = PssParams { salt_len: 20, ..PssParams::for_hash(PssHash::Sha256) };
        assert_eq!(numbers.verify_pss_with_params(b"message", &signature, &single), Err(Error::Verification));
        assert_eq!(
            numbers.verify_pss_with_salt_len::<Sha256>(b"message", &signature, 20),
            Err(Error::Verification)
        );
        // What TLS asks for (rsa_pss_pss_sha256, SHA-256 for both: RFC 8446 §4.2.3), the key refuses.
        let tls = PssParams::for_hash(PssHash::Sha256);
        assert!(matches!(public.permits(&tls), Err(Error::PssRestricted { .. })));
        assert!(matches!(key.sign(b"message", &tls, &mut rng), Err(Error::PssRestricted { .. })));
        // Other pairs, with the numbers alone (no restrictions): each verifies
        // with its own MGF1 hash and not with the message's.
        use PssHash::{Sha1 as S1, Sha224 as S224, Sha256 as S256, Sha384 as S384, Sha512 as S512};
        for (hash, mgf1_hash) in [(S384, S256), (S256, S512), (S224, S384), (S512, S1)] {
            let used = PssParams { hash, mgf1_hash, salt_len: 20 };
            let signature = key.key.sign_pss_with_params(b"message", &used, &mut rng).expect("signs");
            numbers.verify_pss_with_params(b"message", &signature, &used).expect("verifies");
            let one_hash = PssParams { mgf1_hash: hash, ..used };
            assert_eq!(
                numbers.verify_pss_with_params(b"message", &signature, &one_hash),
                Err(Error::Verification)
            );
        }
        // SHA-1 for the message still never signs, whatever MGF1's hash.
        let sha1 = PssParams { mgf1_hash: PssHash::Sha256, ..PssParams::DEFAULT };
        let refused = key.key.sign_pss_with_params(b"message", &sha1, &mut rng);
        assert!(matches!(refused, Err(Error::UnsupportedPss(why)) if why.contains("SHA-1")));
    }
}
