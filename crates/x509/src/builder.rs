//! Building and signing certificates (RFC 5280 §4.1): self-signed CAs, and
//! intermediates and leaves signed by a CA, with the extensions browsers
//! expect.
//!
//! A [`CertificateBuilder`] holds what differs between certificates (the
//! common name, the SAN, the validity, CA or leaf); [`CertificateBuilder::self_signed`]
//! and [`CertificateBuilder::signed_by`] write tbsCertificate with
//! `padlock_der::Writer`, sign its bytes with RSA or ECDSA and read the result back
//! with [`Certificate::from_der`], so what comes out is exactly what a peer
//! will parse.
//!
//! The profile, extension by extension:
//!
//! ```text
//!   CA    basicConstraints  critical  cA TRUE [, pathLenConstraint]   §4.2.1.9
//!         keyUsage          critical  keyCertSign, cRLSign            §4.2.1.3
//!   leaf  basicConstraints            cA FALSE (an empty SEQUENCE)    §4.2.1.9
//!         keyUsage          critical  digitalSignature, keyEncipherment (RSA)
//!                                     digitalSignature (EC: RFC 5480 §3;
//!                                       RSA-PSS: RFC 4055 §1.2)
//!         extKeyUsage                 serverAuth [, clientAuth]       §4.2.1.12
//!         subjectAltName              dNSName..., iPAddress...        §4.2.1.6
//!   both  subjectKeyIdentifier        SHA-1 of the subjectPublicKey   §4.2.1.2 (1)
//!         authorityKeyIdentifier      the issuer's key identifier     §4.2.1.1
//! ```
//!
//! Keys are RSA, RSA-PSS (id-RSASSA-PSS, RFC 4055 §1.2) or EC (P-256,
//! P-384), for the subject and the issuer alike, in any mix: [`SubjectKey`]
//! and [`IssuerKey`] take each, and the issuer signs with the
//! [`SigningScheme`] that fits its key — an RSA-PSS key with RSASSA-PSS
//! only, within its parameters (RFC 4055 §3.3).
//!
//! The serial number is 20 random octets with the top bit cleared: positive
//! and at most 20 octets (§4.1.2.2), unguessable as the CA/Browser Forum
//! asks.

use core::fmt;
use std::net::IpAddr;

use padlock_der::{BitString, Tag, Time, Writer, oids};
use padlock_ec::{EcPrivateKey, EcPublicKey};
use padlock_rsa::{PssHash, PssParams, RsaPrivateKey, RsaPssPrivateKey, RsaPssPublicKey, RsaPublicKey};
use padlock_sha::{Hash, Sha1, Sha256, Sha384};
use rand_core::CryptoRng;

use crate::certificate::Certificate;
use crate::extensions::KeyUsage;

/// The longest validity a builder accepts, in days (about 100 years).
pub const MAX_VALIDITY_DAYS: u32 = 36_500;

/// What to put in a new certificate. Fields are public: start from
/// [`CertificateBuilder::ca`] or [`CertificateBuilder::leaf`] and change
/// what you need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateBuilder {
    /// The subject's commonName (RFC 5280 §4.1.2.6), as a UTF8String.
    pub common_name: String,
    /// dNSName entries of subjectAltName.
    pub dns_names: Vec<String>,
    /// iPAddress entries of subjectAltName.
    pub ip_addresses: Vec<IpAddr>,
    /// notBefore.
    pub not_before: Time,
    /// The validity period in days: notAfter is notBefore plus this.
    pub days: u32,
    /// A CA or a leaf, with what goes with each.
    pub profile: Profile,
    /// How the issuer signs.
    pub scheme: SigningScheme,
}

/// The two kinds of certificate the builder makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// A CA certificate (root or intermediate).
    Ca {
        /// pathLenConstraint: how many intermediates may follow it.
        path_len: Option<u64>,
    },
    /// An end-entity (TLS server) certificate.
    Leaf {
        /// Whether extKeyUsage also lists clientAuth.
        client_auth: bool,
    },
}

/// The signature algorithms the builder writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningScheme {
    /// sha256WithRSAEncryption: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 4055 §5).
    RsaPkcs1Sha256,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt
    /// (RFC 4055 §3.1); an RSA-PSS key whose parameters ask for a longer
    /// minimum salt gets that.
    RsaPssSha256,
    /// RSASSA-PSS with SHA-384, MGF1 with SHA-384, a 48-byte salt.
    RsaPssSha384,
    /// RSASSA-PSS with SHA-512, MGF1 with SHA-512, a 64-byte salt.
    RsaPssSha512,
    /// ecdsa-with-SHA256 (RFC 5758 §3.2), for an EC issuer key (the usual
    /// pairing for P-256).
    EcdsaSha256,
    /// ecdsa-with-SHA384 (RFC 5758 §3.2), the usual pairing for P-384.
    EcdsaSha384,
}

impl SigningScheme {
    /// The scheme an issuer key signs with by default: PKCS#1 v1.5 with
    /// SHA-256 for RSA; RSASSA-PSS with the hash of its parameters (SHA-256
    /// without) for RSA-PSS; ECDSA with the hash of the curve's size for EC
    /// (SHA-256 for P-256, SHA-384 for P-384, as TLS 1.3 pairs them).
    pub fn default_for(key: IssuerKey<'_>) -> SigningScheme {
        match key {
            IssuerKey::Rsa(_) => SigningScheme::RsaPkcs1Sha256,
            IssuerKey::RsaPss(key) => match key.public_key().preferred_params().hash {
                PssHash::Sha384 => SigningScheme::RsaPssSha384,
                PssHash::Sha512 => SigningScheme::RsaPssSha512,
                _ => SigningScheme::RsaPssSha256,
            },
            IssuerKey::Ec(key) => match key.curve() {
                padlock_ec::Curve::P256 => SigningScheme::EcdsaSha256,
                padlock_ec::Curve::P384 => SigningScheme::EcdsaSha384,
            },
        }
    }

    /// Whether `key` can make signatures of this scheme: PKCS#1 v1.5 needs
    /// an rsaEncryption key, PSS an RSA or RSA-PSS key (RFC 4055 §1.2),
    /// ECDSA an EC key.
    fn fits(self, key: IssuerKey<'_>) -> bool {
        match self {
            SigningScheme::RsaPkcs1Sha256 => matches!(key, IssuerKey::Rsa(_)),
            SigningScheme::RsaPssSha256 | SigningScheme::RsaPssSha384 | SigningScheme::RsaPssSha512 => {
                matches!(key, IssuerKey::Rsa(_) | IssuerKey::RsaPss(_))
            }
            SigningScheme::EcdsaSha256 | SigningScheme::EcdsaSha384 => matches!(key, IssuerKey::Ec(_)),
        }
    }

    /// The RSASSA-PSS parameters of a PSS scheme signed by `key`: the
    /// scheme's hash for the message and MGF1, and a salt as long as the
    /// digest, or the minimum an RSA-PSS key asks for if that is longer.
    fn pss_params(self, key: IssuerKey<'_>) -> Option<PssParams> {
        let hash = match self {
            SigningScheme::RsaPssSha256 => PssHash::Sha256,
            SigningScheme::RsaPssSha384 => PssHash::Sha384,
            SigningScheme::RsaPssSha512 => PssHash::Sha512,
            _ => return None,
        };
        let mut params = PssParams::for_hash(hash);
        if let IssuerKey::RsaPss(key) = key
            && let Some(min) = key.params()
        {
            params.salt_len = params.salt_len.max(min.salt_len);
        }
        Some(params)
    }
}

/// The public key a certificate is issued for: RSA, RSA-PSS or EC.
#[derive(Clone, Copy, Debug)]
pub enum SubjectKey<'a> {
    /// An RSA key (rsaEncryption).
    Rsa(&'a RsaPublicKey),
    /// An RSA key for RSASSA-PSS only (id-RSASSA-PSS, with its parameters
    /// if it has any: RFC 4055 §1.2, §3.1).
    RsaPss(&'a RsaPssPublicKey),
    /// An EC key (id-ecPublicKey on P-256 or P-384).
    Ec(EcPublicKey),
}

impl SubjectKey<'_> {
    /// The SubjectPublicKeyInfo DER.
    fn spki_der(&self) -> Vec<u8> {
        match self {
            SubjectKey::Rsa(key) => key.to_spki_der(),
            SubjectKey::RsaPss(key) => key.to_spki_der(),
            SubjectKey::Ec(key) => key.to_spki_der(),
        }
    }

    /// The contents of the subjectPublicKey BIT STRING: the DER of
    /// RSAPublicKey (RFC 3279 §2.3.1, RFC 4055 §1.2), or the SEC1 point
    /// (RFC 5480 §2.2).
    fn subject_public_key(&self) -> Vec<u8> {
        match self {
            SubjectKey::Rsa(key) => key.to_pkcs1_der(),
            SubjectKey::RsaPss(key) => key.numbers().to_pkcs1_der(),
            SubjectKey::Ec(key) => key.to_sec1_uncompressed(),
        }
    }
}

impl<'a> From<&'a RsaPublicKey> for SubjectKey<'a> {
    fn from(key: &'a RsaPublicKey) -> Self {
        SubjectKey::Rsa(key)
    }
}

impl<'a> From<&'a RsaPssPublicKey> for SubjectKey<'a> {
    fn from(key: &'a RsaPssPublicKey) -> Self {
        SubjectKey::RsaPss(key)
    }
}

impl From<EcPublicKey> for SubjectKey<'_> {
    fn from(key: EcPublicKey) -> Self {
        SubjectKey::Ec(key)
    }
}

impl From<&EcPublicKey> for SubjectKey<'_> {
    fn from(key: &EcPublicKey) -> Self {
        SubjectKey::Ec(*key)
    }
}

/// The private key that signs a certificate: RSA, RSA-PSS or EC.
#[derive(Clone, Copy)]
pub enum IssuerKey<'a> {
    /// An RSA key: signs with RSASSA-PKCS1-v1_5 or RSASSA-PSS.
    Rsa(&'a RsaPrivateKey),
    /// An RSA-PSS key: signs with RSASSA-PSS only, within its parameters.
    RsaPss(&'a RsaPssPrivateKey),
    /// An EC key: signs with ECDSA (RFC 6979 nonces).
    Ec(&'a EcPrivateKey),
}

impl IssuerKey<'_> {
    /// Its public key.
    fn public_key(&self) -> SubjectKey<'_> {
        match self {
            IssuerKey::Rsa(key) => SubjectKey::Rsa(key.public_key()),
            IssuerKey::RsaPss(key) => SubjectKey::RsaPss(key.public_key()),
            IssuerKey::Ec(key) => SubjectKey::Ec(key.public_key()),
        }
    }
}

impl<'a> From<&'a RsaPrivateKey> for IssuerKey<'a> {
    fn from(key: &'a RsaPrivateKey) -> Self {
        IssuerKey::Rsa(key)
    }
}

impl<'a> From<&'a RsaPssPrivateKey> for IssuerKey<'a> {
    fn from(key: &'a RsaPssPrivateKey) -> Self {
        IssuerKey::RsaPss(key)
    }
}

impl<'a> From<&'a EcPrivateKey> for IssuerKey<'a> {
    fn from(key: &'a EcPrivateKey) -> Self {
        IssuerKey::Ec(key)
    }
}

/// Why a certificate could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// A value cannot be encoded (a DNS name outside IA5, a date past 9999).
    Encoding(padlock_der::Error),
    /// The validity is longer than [`MAX_VALIDITY_DAYS`].
    ValidityTooLong(u32),
    /// The issuer's certificate is not a CA (no basicConstraints cA TRUE).
    IssuerNotCa(String),
    /// The issuer's private key is not the one its certificate holds.
    KeyMismatch(String),
    /// The issuer's certificate holds a key Padlock cannot use.
    UnsupportedKey(String),
    /// The signing scheme does not fit the issuer's key (an RSA scheme
    /// with an EC key, or the reverse; PKCS#1 v1.5 with an RSA-PSS key).
    SchemeMismatch(SigningScheme),
    /// RSA signing failed.
    Signing(padlock_rsa::Error),
    /// What was built does not read back (a bug in the builder).
    Unreadable(crate::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Encoding(error) => write!(f, "a value cannot be encoded: {error}"),
            BuildError::ValidityTooLong(days) => {
                write!(f, "a validity of {days} days is too long (at most {MAX_VALIDITY_DAYS})")
            }
            BuildError::IssuerNotCa(subject) => write!(f, "the issuer '{subject}' is not a CA"),
            BuildError::KeyMismatch(subject) => {
                write!(f, "the issuer key is not the key of the certificate '{subject}'")
            }
            BuildError::UnsupportedKey(why) => write!(f, "the issuer key cannot be used: {why}"),
            BuildError::SchemeMismatch(scheme) => write!(
                f,
                "the signing scheme {scheme:?} does not fit the issuer's key (RSA schemes need an RSA \
                 key, ECDSA schemes an EC key, and an RSA-PSS key signs with PSS only; \
                 SigningScheme::default_for picks one)"
            ),
            BuildError::Signing(error) => write!(f, "signing failed: {error}"),
            BuildError::Unreadable(error) => write!(f, "the new certificate does not read back: {error}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// The issuing side of a signature: its name and key identifier, and the
/// key that signs.
struct Issuer<'a> {
    name_der: &'a [u8],
    key_id: Vec<u8>,
    key: IssuerKey<'a>,
}

impl CertificateBuilder {
    /// A CA named `common_name`, valid for ten years from `not_before`,
    /// signed with PKCS#1 v1.5 SHA-256, without a path length limit.
    pub fn ca(common_name: &str, not_before: Time) -> CertificateBuilder {
        CertificateBuilder {
            common_name: common_name.to_string(),
            dns_names: Vec::new(),
            ip_addresses: Vec::new(),
            not_before,
            days: 3650,
            profile: Profile::Ca { path_len: None },
            scheme: SigningScheme::RsaPkcs1Sha256,
        }
    }

    /// A server leaf named `common_name`, valid for 90 days from
    /// `not_before`, signed with PKCS#1 v1.5 SHA-256; add its names to
    /// `dns_names` and `ip_addresses`.
    pub fn leaf(common_name: &str, not_before: Time) -> CertificateBuilder {
        CertificateBuilder {
            days: 90,
            profile: Profile::Leaf { client_auth: false },
            ..CertificateBuilder::ca(common_name, not_before)
        }
    }

    /// A certificate for `key` signed by `key` itself: issuer = subject,
    /// authorityKeyIdentifier = subjectKeyIdentifier (a root CA). `key` is
    /// an `&RsaPrivateKey` or an `&EcPrivateKey`.
    pub fn self_signed<'k, R: CryptoRng + ?Sized>(
        &self,
        key: impl Into<IssuerKey<'k>>,
        rng: &mut R,
    ) -> Result<Certificate, BuildError> {
        let key = key.into();
        let subject = self.subject_der()?;
        let public = key.public_key();
        let key_id = key_identifier(&public.subject_public_key());
        let issuer = Issuer { name_der: &subject, key_id, key };
        self.build(&subject, public, &issuer, rng)
    }

    /// A certificate for `subject_key` (an `&RsaPublicKey` or an
    /// `EcPublicKey`) signed by the CA `issuer` with its private key
    /// `issuer_key` (an `&RsaPrivateKey` or an `&EcPrivateKey`). The two
    /// need not be of one kind: an ECDSA leaf under an RSA root is usual.
    pub fn signed_by<'s, 'k, R: CryptoRng + ?Sized>(
        &self,
        subject_key: impl Into<SubjectKey<'s>>,
        issuer: &Certificate,
        issuer_key: impl Into<IssuerKey<'k>>,
        rng: &mut R,
    ) -> Result<Certificate, BuildError> {
        let issuer_key = issuer_key.into();
        let issuer_name = issuer.subject.to_string();
        // RFC 5280 §4.2.1.9: only a CA's key may sign certificates.
        if !issuer.extensions.basic_constraints.is_some_and(|bc| bc.ca) {
            return Err(BuildError::IssuerNotCa(issuer_name));
        }
        let matches = match issuer_key {
            IssuerKey::Rsa(key) => {
                let theirs = issuer.public_key.rsa_key().map_err(BuildError::UnsupportedKey)?;
                let ours = key.public_key();
                theirs.n_bytes() == ours.n_bytes() && theirs.e() == ours.e()
            }
            IssuerKey::RsaPss(key) => {
                let theirs = issuer.public_key.rsa_pss_key().map_err(BuildError::UnsupportedKey)?;
                let ours = key.public_key();
                let (n, e) = (theirs.numbers(), ours.numbers());
                n.n_bytes() == e.n_bytes() && n.e() == e.e() && theirs.params() == ours.params()
            }
            IssuerKey::Ec(key) => {
                issuer.public_key.ec_key().map_err(BuildError::UnsupportedKey)? == key.public_key()
            }
        };
        if !matches {
            return Err(BuildError::KeyMismatch(issuer_name));
        }
        // RFC 5280 §4.2.1.1: the AKI is the issuer's SKI; compute it the
        // same way if the issuer (an old root) has none.
        let key_id = match &issuer.extensions.subject_key_id {
            Some(id) => id.clone(),
            None => key_identifier(&issuer.public_key.key),
        };
        let issuer = Issuer { name_der: issuer.subject.der(), key_id, key: issuer_key };
        self.build(&self.subject_der()?, subject_key.into(), &issuer, rng)
    }

    /// Writes tbsCertificate, signs it, and reads the whole back.
    fn build<R: CryptoRng + ?Sized>(
        &self,
        subject: &[u8],
        subject_key: SubjectKey<'_>,
        issuer: &Issuer<'_>,
        rng: &mut R,
    ) -> Result<Certificate, BuildError> {
        if self.days > MAX_VALIDITY_DAYS {
            return Err(BuildError::ValidityTooLong(self.days));
        }
        if !self.scheme.fits(issuer.key) {
            return Err(BuildError::SchemeMismatch(self.scheme));
        }
        let pss = self.scheme.pss_params(issuer.key);
        let seconds = self.not_before.unix_seconds() + i64::from(self.days) * 86_400;
        let not_after = Time::from_unix_seconds(seconds).map_err(BuildError::Encoding)?;
        let serial = random_serial(rng);
        let spki = subject_key.spki_der();
        let subject_key_id = key_identifier(&subject_key.subject_public_key());
        // RFC 5480 §3: an EC key never enciphers; RFC 4055 §1.2: an RSA-PSS key only signs.
        let signs_only = matches!(subject_key, SubjectKey::Ec(_) | SubjectKey::RsaPss(_));
        let extensions = self.extensions_der(&subject_key_id, &issuer.key_id, signs_only)?;
        let mut w = Writer::new();
        w.sequence(|w| {
            // RFC 5280 §4.1.2.1: v3 (2), as extensions are present.
            w.explicit(0, |w| w.small_integer(2));
            w.unsigned_integer(&serial);
            self.write_algorithm(w, pss.as_ref());
            w.raw(issuer.name_der);
            // §4.1.2.5: UTCTime through 2049, GeneralizedTime after.
            w.sequence(|w| {
                w.time(&self.not_before);
                w.time(&not_after);
            });
            w.raw(subject);
            w.raw(&spki);
            w.explicit(3, |w| w.raw(&extensions));
        });
        let tbs = w.finish().map_err(BuildError::Encoding)?;
        let signature = self.sign(issuer.key, pss.as_ref(), &tbs, rng)?;
        let mut w = Writer::new();
        w.sequence(|w| {
            w.raw(&tbs);
            self.write_algorithm(w, pss.as_ref());
            w.bit_string(BitString::from_octets(&signature));
        });
        let der = w.finish().map_err(BuildError::Encoding)?;
        Certificate::from_der(&der).map_err(BuildError::Unreadable)
    }

    /// `Name`: one RDN holding the commonName as a UTF8String (RFC 5280
    /// §4.1.2.6 wants UTF8String in new certificates).
    fn subject_der(&self) -> Result<Vec<u8>, BuildError> {
        encode(|w| {
            w.sequence(|w| {
                w.set_of(|w| {
                    w.sequence(|w| {
                        w.oid(&oids::COMMON_NAME);
                        w.utf8_string(&self.common_name);
                    })
                })
            })
        })
    }

    /// The AlgorithmIdentifier, written in tbsCertificate and again outside
    /// it (RFC 5280 §4.1.1.2: the two MUST match); `pss` holds the
    /// parameters of a PSS scheme.
    fn write_algorithm(&self, w: &mut Writer, pss: Option<&PssParams>) {
        w.sequence(|w| match (self.scheme, pss) {
            // RFC 4055 §5: the parameters MUST be NULL.
            (SigningScheme::RsaPkcs1Sha256, _) => {
                w.oid(&oids::SHA256_WITH_RSA_ENCRYPTION);
                w.null();
            }
            // RFC 5758 §3.2: "the encoding MUST omit the parameters field".
            (SigningScheme::EcdsaSha256, _) => w.oid(&oids::ECDSA_WITH_SHA256),
            (SigningScheme::EcdsaSha384, _) => w.oid(&oids::ECDSA_WITH_SHA384),
            // RFC 4055 §3.1: hashAlgorithm, maskGenAlgorithm and saltLength
            // (each omitted if it is its DEFAULT); trailerField is omitted.
            (_, Some(params)) => {
                w.oid(&oids::RSASSA_PSS);
                params.write(w);
            }
            (_, None) => unreachable!("a PSS scheme always has parameters (SigningScheme::pss_params)"),
        });
    }

    /// Signs the bytes of tbsCertificate (the scheme fits the key: `build`
    /// checked; `pss` holds a PSS scheme's parameters). ECDSA signatures are
    /// the DER Ecdsa-Sig-Value (RFC 5480 §2.2 / RFC 3279 §2.2.3), with RFC
    /// 6979 nonces.
    fn sign<R: CryptoRng + ?Sized>(
        &self,
        key: IssuerKey<'_>,
        pss: Option<&PssParams>,
        tbs: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, BuildError> {
        let signature = match (self.scheme, key, pss) {
            (SigningScheme::RsaPkcs1Sha256, IssuerKey::Rsa(key), _) => {
                key.sign_pkcs1v15::<Sha256, R>(tbs, rng)
            }
            (SigningScheme::EcdsaSha256, IssuerKey::Ec(key), _) => Ok(key.sign::<Sha256>(tbs)),
            (SigningScheme::EcdsaSha384, IssuerKey::Ec(key), _) => Ok(key.sign::<Sha384>(tbs)),
            // An rsaEncryption key may make PSS signatures too; an RSA-PSS
            // key checks the parameters against its own (RFC 4055 §3.3).
            (_, IssuerKey::Rsa(key), Some(params)) => key.sign_pss_with_params(tbs, params, rng),
            (_, IssuerKey::RsaPss(key), Some(params)) => key.sign(tbs, params, rng),
            (scheme, ..) => return Err(BuildError::SchemeMismatch(scheme)),
        };
        signature.map_err(BuildError::Signing)
    }

    /// `Extensions`, in the order of the table in the module doc.
    fn extensions_der(
        &self,
        subject_key_id: &[u8],
        authority_key_id: &[u8],
        signs_only: bool,
    ) -> Result<Vec<u8>, BuildError> {
        let mut list: Vec<(padlock_der::Oid, bool, Vec<u8>)> = Vec::new();
        match self.profile {
            Profile::Ca { path_len } => {
                let value = encode(|w| {
                    w.sequence(|w| {
                        w.boolean(true);
                        if let Some(n) = path_len {
                            w.small_unsigned(n);
                        }
                    })
                })?;
                list.push((oids::BASIC_CONSTRAINTS, true, value));
                list.push(key_usage(KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN)?);
            }
            Profile::Leaf { client_auth } => {
                // X.690 §11.5: cA FALSE is the DEFAULT, so it is omitted.
                list.push((oids::BASIC_CONSTRAINTS, false, encode(|w| w.sequence(|_| {}))?));
                // RFC 5480 §3: an EC key signs (and may agree keys) but
                // never enciphers; RFC 4055 §1.2: an RSA-PSS key is used
                // for RSASSA-PSS only; an RSA key in TLS 1.2 may do both.
                let usage = if signs_only {
                    KeyUsage::DIGITAL_SIGNATURE
                } else {
                    KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_ENCIPHERMENT
                };
                list.push(key_usage(usage)?);
                let value = encode(|w| {
                    w.sequence(|w| {
                        w.oid(&oids::SERVER_AUTH);
                        if client_auth {
                            w.oid(&oids::CLIENT_AUTH);
                        }
                    })
                })?;
                list.push((oids::EXT_KEY_USAGE, false, value));
            }
        }
        if let Some(san) = self.subject_alt_name()? {
            list.push((oids::SUBJECT_ALT_NAME, false, san));
        }
        list.push((oids::SUBJECT_KEY_IDENTIFIER, false, encode(|w| w.octet_string(subject_key_id))?));
        // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, ... }
        let aki = encode(|w| w.sequence(|w| w.implicit(0, |w| w.octet_string(authority_key_id))))?;
        list.push((oids::AUTHORITY_KEY_IDENTIFIER, false, aki));
        // Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE,
        // extnValue OCTET STRING }: DER writes `critical` only when TRUE.
        encode(|w| {
            w.sequence(|w| {
                for (oid, critical, value) in &list {
                    w.sequence(|w| {
                        w.oid(oid);
                        if *critical {
                            w.boolean(true);
                        }
                        w.octet_string(value);
                    });
                }
            })
        })
    }

    /// The value of subjectAltName, if there is a name for it (GeneralNames
    /// has SIZE (1..MAX)). It is not critical: the subject is never empty
    /// here (RFC 5280 §4.2.1.6).
    fn subject_alt_name(&self) -> Result<Option<Vec<u8>>, BuildError> {
        if self.dns_names.is_empty() && self.ip_addresses.is_empty() {
            return Ok(None);
        }
        let value = encode(|w| {
            w.sequence(|w| {
                for name in &self.dns_names {
                    // dNSName [2] IA5String
                    w.implicit(2, |w| w.ia5_string(name));
                }
                for ip in &self.ip_addresses {
                    // iPAddress [7] OCTET STRING: 4 octets for IPv4, 16 for IPv6.
                    match ip {
                        IpAddr::V4(v4) => w.element(Tag::context(7), &v4.octets()),
                        IpAddr::V6(v6) => w.element(Tag::context(7), &v6.octets()),
                    }
                }
            })
        })?;
        Ok(Some(value))
    }
}

/// The DER that `write` writes, or the first encoding error.
fn encode(write: impl FnOnce(&mut Writer)) -> Result<Vec<u8>, BuildError> {
    let mut w = Writer::new();
    write(&mut w);
    w.finish().map_err(BuildError::Encoding)
}

/// keyUsage (RFC 5280 §4.2.1.3) with `bits` set, critical as §4.2.1.3 says
/// it SHOULD be.
fn key_usage(bits: u16) -> Result<(padlock_der::Oid, bool, Vec<u8>), BuildError> {
    let named: Vec<bool> = (0..9).map(|i| bits & (1 << i) != 0).collect();
    Ok((oids::KEY_USAGE, true, encode(|w| w.named_bits(&named))?))
}

/// RFC 5280 §4.2.1.2 method (1): the SHA-1 of the subjectPublicKey BIT
/// STRING's contents (for RSA, the DER of RSAPublicKey; for EC, the SEC1
/// point), without the tag, length and unused-bits octet.
pub fn key_identifier(subject_public_key: &[u8]) -> Vec<u8> {
    Sha1::digest(subject_public_key).as_ref().to_vec()
}

/// 20 random octets with the top bit cleared: a positive INTEGER of at most
/// 20 octets (RFC 5280 §4.1.2.2), never zero.
fn random_serial<R: CryptoRng + ?Sized>(rng: &mut R) -> [u8; 20] {
    let mut serial = [0u8; 20];
    rng.fill_bytes(&mut serial);
    serial[0] &= 0x7f;
    // §4.1.2.2: a positive integer; all zeros (chance 2^-159) becomes 1.
    if serial.iter().all(|&b| b == 0) {
        serial[19] = 1;
    }
    serial
}
