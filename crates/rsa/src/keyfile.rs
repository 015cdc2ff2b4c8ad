//! Key files: RSA keys in the four formats OpenSSL reads and writes, as DER
//! or as PEM (RFC 7468).
//!
//! | format | ASN.1 type | standard | PEM label |
//! | --- | --- | --- | --- |
//! | PKCS #1, private | `RSAPrivateKey` | RFC 8017 Appendix A.1.2 | `RSA PRIVATE KEY` |
//! | PKCS #1, public | `RSAPublicKey` | RFC 8017 Appendix A.1.1 | `RSA PUBLIC KEY` |
//! | PKCS #8 | `PrivateKeyInfo` (`OneAsymmetricKey` v1) | RFC 5208 §5, RFC 5958 §2 | `PRIVATE KEY` (RFC 7468 §10) |
//! | X.509 | `SubjectPublicKeyInfo` | RFC 5280 §4.1.2.7 | `PUBLIC KEY` (RFC 7468 §13) |
//!
//! PKCS #8 and SubjectPublicKeyInfo are envelopes that name the algorithm
//! and carry the PKCS #1 encoding inside a string:
//!
//! ```text
//!   PrivateKeyInfo ::= SEQUENCE {
//!       version               INTEGER 0,
//!       privateKeyAlgorithm   SEQUENCE { rsaEncryption, NULL },
//!       privateKey            OCTET STRING (the RSAPrivateKey DER),
//!       attributes        [0] IMPLICIT Attributes OPTIONAL }
//!
//!   SubjectPublicKeyInfo ::= SEQUENCE {
//!       algorithm             SEQUENCE { rsaEncryption, NULL },
//!       subjectPublicKey      BIT STRING (the RSAPublicKey DER) }
//! ```
//!
//! The algorithm may instead be id-RSASSA-PSS (RFC 4055 §1.2), optionally
//! with RSASSA-PSS-params: the same numbers, restricted to PSS signatures
//! (`pss_key`). Such a key is read as [`RsaKey::PssPrivate`] or
//! [`RsaKey::PssPublic`]; PKCS #1 has no place for the algorithm, so it is
//! written as PKCS #8 or SubjectPublicKeyInfo only.
//!
//! [`read_key`] takes any of the four, PEM or DER (told apart by the first
//! byte), and returns the key with the format it was found in. Nothing in a
//! file is trusted: a private key's numbers go through
//! [`RsaPrivateKey::from_components`] (which checks `n = p q` and that `d`
//! inverts `e`), and the file's `dP`, `dQ` and `qInv` must equal the ones
//! recomputed from them. Writing ([`write_key`] and the `to_*` methods) gives
//! DER's one encoding of each key, the bytes OpenSSL writes.
//!
//! Private key bytes are returned in [`Zeroizing`] buffers, wiped on drop.
//! (The intermediate buffers of `padlock-der`'s `Writer` are not.)

use padlock_bigint::Uint;
use padlock_der::{BitString, Oid, Reader, Tag, Writer, oids, pem};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::pss_params::{PssParams, PssParamsError};
use crate::{Error, RsaPrivateKey, RsaPssPrivateKey, RsaPssPublicKey, RsaPublicKey};

/// The largest number a key file may hold, in bits: OpenSSL's limit on the
/// modulus too (`OPENSSL_RSA_MAX_MODULUS_BITS`). It bounds the work a
/// hostile file can cause.
pub const MAX_MODULUS_BITS: usize = 16384;

/// RFC 8017 Appendix A.1.2, as OpenSSL labels it (RFC 7468 does not list it).
const LABEL_PKCS1_PRIVATE: &str = "RSA PRIVATE KEY";
/// RFC 8017 Appendix A.1.1, as OpenSSL labels it.
const LABEL_PKCS1_PUBLIC: &str = "RSA PUBLIC KEY";
/// RFC 7468 §10.
const LABEL_PKCS8: &str = "PRIVATE KEY";
/// RFC 7468 §13.
const LABEL_SPKI: &str = "PUBLIC KEY";

/// The structures, as errors name them.
const PKCS1_PRIVATE: &str = "PKCS#1 RSAPrivateKey";
const PKCS1_PUBLIC: &str = "PKCS#1 RSAPublicKey";
const PKCS8: &str = "PKCS#8 PrivateKeyInfo";
const SPKI: &str = "SubjectPublicKeyInfo";

/// An RSA key as a file holds it: public or private, for any RSA scheme
/// (rsaEncryption) or for RSASSA-PSS only (id-RSASSA-PSS).
#[derive(Debug)]
pub enum RsaKey {
    /// A public key (PKCS #1 `RSAPublicKey` or SubjectPublicKeyInfo).
    Public(RsaPublicKey),
    /// A private key (PKCS #1 `RSAPrivateKey` or PKCS #8), boxed: it is
    /// five times the size of a public key.
    Private(Box<RsaPrivateKey>),
    /// An id-RSASSA-PSS public key (SubjectPublicKeyInfo), for PSS
    /// verification only, within its parameters.
    PssPublic(RsaPssPublicKey),
    /// An id-RSASSA-PSS private key (PKCS #8), for PSS signatures only,
    /// within its parameters.
    PssPrivate(Box<RsaPssPrivateKey>),
}

impl RsaKey {
    /// The public numbers (n, e), or those of the private key. For an
    /// id-RSASSA-PSS key they serve PSS only: see [`RsaKey::pss_public_key`].
    pub fn public_key(&self) -> &RsaPublicKey {
        match self {
            RsaKey::Public(key) => key,
            RsaKey::Private(key) => key.public_key(),
            RsaKey::PssPublic(key) => key.numbers(),
            RsaKey::PssPrivate(key) => key.public_key().numbers(),
        }
    }

    /// The private key, if this is an rsaEncryption private key (an
    /// id-RSASSA-PSS one is [`RsaKey::pss_private_key`]).
    pub fn private_key(&self) -> Option<&RsaPrivateKey> {
        match self {
            RsaKey::Private(key) => Some(key.as_ref()),
            _ => None,
        }
    }

    /// The PSS-only public key, if this is an id-RSASSA-PSS key (public or
    /// private).
    pub fn pss_public_key(&self) -> Option<&RsaPssPublicKey> {
        match self {
            RsaKey::PssPublic(key) => Some(key),
            RsaKey::PssPrivate(key) => Some(key.public_key()),
            _ => None,
        }
    }

    /// The PSS-only private key, if this is an id-RSASSA-PSS private key.
    pub fn pss_private_key(&self) -> Option<&RsaPssPrivateKey> {
        match self {
            RsaKey::PssPrivate(key) => Some(key.as_ref()),
            _ => None,
        }
    }

    /// Whether this is a private key, of either algorithm.
    pub fn is_private(&self) -> bool {
        matches!(self, RsaKey::Private(_) | RsaKey::PssPrivate(_))
    }
}

/// The structure a key is stored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFormat {
    /// PKCS #1: `RSAPrivateKey` or `RSAPublicKey` (RFC 8017 Appendix A.1).
    Pkcs1,
    /// PKCS #8 `PrivateKeyInfo` (RFC 5208 §5): private keys only.
    Pkcs8,
    /// `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7): public keys only.
    Spki,
}

/// How the structure is stored: binary DER, or PEM text around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyEncoding {
    /// DER bytes (ITU-T X.690).
    Der,
    /// PEM text (RFC 7468).
    Pem,
}

/// A key read by [`read_key`], with the format and encoding it was in.
#[derive(Debug)]
pub struct KeyFile {
    key: RsaKey,
    format: KeyFormat,
    encoding: KeyEncoding,
}

impl KeyFile {
    /// The key.
    pub fn key(&self) -> &RsaKey {
        &self.key
    }

    /// The key, taken out.
    pub fn into_key(self) -> RsaKey {
        self.key
    }

    /// The structure the key was in.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// DER or PEM.
    pub fn encoding(&self) -> KeyEncoding {
        self.encoding
    }
}

/// Why a key file was refused (or a key could not be written in a format).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyFileError {
    /// Neither a PEM block nor a DER SEQUENCE.
    NotAKeyFile,
    /// The PEM text is malformed.
    Pem(padlock_der::Error),
    /// The PEM blocks have none of the four key labels; the first label.
    UnexpectedLabel(String),
    /// DER that breaks the rules or the structure.
    Malformed {
        /// The structure being read, such as `"PKCS#8 PrivateKeyInfo"`.
        structure: &'static str,
        /// What was wrong.
        error: padlock_der::Error,
    },
    /// The algorithm is neither `rsaEncryption` nor `id-RSASSA-PSS`.
    NotRsa(Oid),
    /// The RSASSA-PSS-params of an id-RSASSA-PSS key are malformed or ask
    /// for what RFC 4055 does not define.
    PssParams(PssParamsError),
    /// Well-formed, but not what Padlock reads (or writes); the text says why.
    Unsupported(&'static str),
    /// The public exponent does not fit in 64 bits.
    ExponentTooLarge,
    /// A number has more than [`MAX_MODULUS_BITS`] bits.
    NumberTooLarge,
    /// The numbers do not make an RSA key (`n` is not `p q`, `d` does not
    /// invert `e`, the modulus is too small, ...).
    InvalidKey(Error),
    /// The file's `dP`, `dQ` or `qInv` is not the one `p`, `q` and `d` give.
    CrtMismatch(&'static str),
}

impl core::fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyFileError::NotAKeyFile => f.write_str("not an RSA key: neither PEM nor DER"),
            KeyFileError::Pem(error) => write!(f, "malformed PEM: {error}"),
            KeyFileError::UnexpectedLabel(label) => write!(
                f,
                "not an RSA key: the PEM label is {label:?}, not {LABEL_PKCS1_PRIVATE:?}, \
                 {LABEL_PKCS1_PUBLIC:?}, {LABEL_PKCS8:?} or {LABEL_SPKI:?}"
            ),
            KeyFileError::Malformed { structure, error } => write!(f, "malformed {structure}: {error}"),
            KeyFileError::NotRsa(oid) => match oid.name() {
                Some(name) => write!(f, "not an RSA key: the algorithm is {name}"),
                None => write!(f, "not an RSA key: the algorithm is {oid}"),
            },
            KeyFileError::PssParams(error) => write!(f, "{error}"),
            KeyFileError::Unsupported(why) => f.write_str(why),
            KeyFileError::ExponentTooLarge => {
                f.write_str("the public exponent does not fit in 64 bits, which Padlock requires")
            }
            KeyFileError::NumberTooLarge => {
                write!(f, "a number in the key has more than {MAX_MODULUS_BITS} bits")
            }
            KeyFileError::InvalidKey(error) => write!(f, "{error}"),
            KeyFileError::CrtMismatch(what) => write!(f, "invalid RSA key: the file's {what}"),
        }
    }
}

impl std::error::Error for KeyFileError {}

/// Reads an RSA key from a file's contents: PKCS #1 (private or public),
/// PKCS #8 or SubjectPublicKeyInfo, as DER or PEM.
///
/// DER starts with a SEQUENCE's identifier octet, 0x30 (X.690 §8.9), which
/// PEM text cannot; anything else is read as PEM, where the first block
/// with one of the four key labels is taken, and others (a certificate, `EC
/// PARAMETERS`) are skipped.
///
/// ```
/// use padlock_rsa::{KeyEncoding, KeyFormat, RsaPrivateKey, read_key};
///
/// let key = RsaPrivateKey::generate(1024, &mut rand::rng(), &mut |_| {})?;
/// let pem = key.to_pkcs8_pem(); // "-----BEGIN PRIVATE KEY-----\n..."
/// let file = read_key(pem.as_bytes())?;
/// assert_eq!((file.format(), file.encoding()), (KeyFormat::Pkcs8, KeyEncoding::Pem));
/// assert_eq!(file.key().public_key().n_bytes(), key.public_key().n_bytes());
///
/// let spki = key.public_key().to_spki_der();
/// assert!(read_key(&spki)?.key().private_key().is_none());
/// assert_eq!(read_key(b"hello").unwrap_err().to_string(), "not an RSA key: neither PEM nor DER");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_key(input: &[u8]) -> Result<KeyFile, KeyFileError> {
    if input.first() == Some(&0x30) {
        let (key, format) = read_der(input)?;
        return Ok(KeyFile { key, format, encoding: KeyEncoding::Der });
    }
    let blocks = match pem::decode_all(input) {
        Ok(blocks) => blocks,
        Err(padlock_der::Error::PemNotFound) => return Err(KeyFileError::NotAKeyFile),
        Err(error) => return Err(KeyFileError::Pem(error)),
    };
    for block in &blocks {
        let der = &block.contents[..];
        let (key, format) = match block.label.as_str() {
            LABEL_PKCS1_PRIVATE => (RsaKey::Private(Box::new(read_pkcs1_private(der)?)), KeyFormat::Pkcs1),
            LABEL_PKCS1_PUBLIC => (RsaKey::Public(read_pkcs1_public(der)?), KeyFormat::Pkcs1),
            LABEL_PKCS8 => (read_pkcs8(der)?, KeyFormat::Pkcs8),
            LABEL_SPKI => (read_spki(der)?, KeyFormat::Spki),
            _ => continue,
        };
        return Ok(KeyFile { key, format, encoding: KeyEncoding::Pem });
    }
    // RFC 7468 §11: PKCS #8 encrypted under a password, which Padlock does not do.
    if blocks.iter().any(|block| block.label == "ENCRYPTED PRIVATE KEY") {
        return Err(KeyFileError::Unsupported(
            "encrypted private keys are not supported (`openssl pkey -in KEY -out PLAIN` decrypts one)",
        ));
    }
    let first = blocks.first().map(|block| block.label.clone()).unwrap_or_default();
    Err(KeyFileError::UnexpectedLabel(first))
}

/// Reads DER whose structure is not announced by a label, telling the four
/// apart by the fields of the outer SEQUENCE:
///
/// ```text
///   SubjectPublicKeyInfo   SEQUENCE { SEQUENCE, BIT STRING }
///   PrivateKeyInfo         SEQUENCE { INTEGER, SEQUENCE, OCTET STRING, ... }
///   RSAPublicKey           SEQUENCE { INTEGER, INTEGER }
///   RSAPrivateKey          SEQUENCE { INTEGER, INTEGER, INTEGER, ... }
/// ```
fn read_der(der: &[u8]) -> Result<(RsaKey, KeyFormat), KeyFileError> {
    const WHAT: &str = "DER key";
    let mut fields = Reader::new(der).read_all(|r| r.read_sequence()).within(WHAT)?;
    let first = fields.peek_tag();
    if !fields.is_empty() {
        fields.read_tlv().within(WHAT)?;
    }
    let second = fields.peek_tag();
    if !fields.is_empty() {
        fields.read_tlv().within(WHAT)?;
    }
    match (first, second, fields.is_empty()) {
        (Some(Tag::SEQUENCE), _, _) => Ok((read_spki(der)?, KeyFormat::Spki)),
        (Some(Tag::INTEGER), Some(Tag::SEQUENCE), _) => Ok((read_pkcs8(der)?, KeyFormat::Pkcs8)),
        (Some(Tag::INTEGER), Some(Tag::INTEGER), true) => {
            Ok((RsaKey::Public(read_pkcs1_public(der)?), KeyFormat::Pkcs1))
        }
        (Some(Tag::INTEGER), Some(Tag::INTEGER), false) => {
            Ok((RsaKey::Private(Box::new(read_pkcs1_private(der)?)), KeyFormat::Pkcs1))
        }
        _ => Err(KeyFileError::Unsupported(
            "not an RSA key: the DER is not PKCS#1, PKCS#8 or SubjectPublicKeyInfo",
        )),
    }
}

/// RFC 8017 Appendix A.1.2:
///
/// ```text
///   RSAPrivateKey ::= SEQUENCE {
///       version           Version,   -- two-prime(0), multi(1)
///       modulus           INTEGER,   -- n
///       publicExponent    INTEGER,   -- e
///       privateExponent   INTEGER,   -- d
///       prime1            INTEGER,   -- p
///       prime2            INTEGER,   -- q
///       exponent1         INTEGER,   -- d mod (p-1)
///       exponent2         INTEGER,   -- d mod (q-1)
///       coefficient       INTEGER,   -- (inverse of q) mod p
///       otherPrimeInfos   OtherPrimeInfos OPTIONAL }
/// ```
fn read_pkcs1_private(der: &[u8]) -> Result<RsaPrivateKey, KeyFileError> {
    let mut key = Reader::new(der).read_all(|r| r.read_sequence()).within(PKCS1_PRIVATE)?;
    match key.read_small_integer().within(PKCS1_PRIVATE)? {
        0 => {}
        1 => {
            return Err(KeyFileError::Unsupported(
                "multi-prime RSA keys (PKCS#1 version 1) are not supported",
            ));
        }
        _ => return Err(KeyFileError::Unsupported("PKCS#1 version must be 0")),
    }
    let mut numbers: [&[u8]; 8] = [&[]; 8];
    for number in &mut numbers {
        *number = read_number(&mut key, PKCS1_PRIVATE)?;
    }
    // RFC 8017 Appendix A.1.2: otherPrimeInfos "shall be omitted if version is 0".
    key.finish().within(PKCS1_PRIVATE)?;
    let [n, e, d, p, q, dp, dq, qinv] = numbers;
    let (d, p, q) = (Uint::from_be_bytes(d), Uint::from_be_bytes(p), Uint::from_be_bytes(q));
    let key =
        RsaPrivateKey::from_components(n, exponent(e)?, &d, &p, &q).map_err(KeyFileError::InvalidKey)?;
    check_crt(&key, [dp, dq, qinv])?;
    Ok(key)
}

/// RFC 8017 §3.2: `dP`, `dQ` and `qInv` follow from `p`, `q` and `d`, and
/// the private operation uses them without a second look, so a file whose
/// values differ from the recomputed ones is refused rather than trusted.
/// (The comparison is constant time: these are secrets.)
fn check_crt(key: &RsaPrivateKey, from_file: [&[u8]; 3]) -> Result<(), KeyFileError> {
    let [_, _, dp, dq, qinv] = key.crt_bytes();
    let checks = [
        (dp, from_file[0], "dP (exponent1) is not d mod (p - 1)"),
        (dq, from_file[1], "dQ (exponent2) is not d mod (q - 1)"),
        (qinv, from_file[2], "qInv (coefficient) is not q^-1 mod p"),
    ];
    for (ours, theirs, complaint) in checks {
        // `ours` has a fixed length; the file's minimal bytes, padded to it.
        let Some(pad) = ours.len().checked_sub(theirs.len()) else {
            return Err(KeyFileError::CrtMismatch(complaint));
        };
        let mut padded = Zeroizing::new(vec![0u8; ours.len()]);
        padded[pad..].copy_from_slice(theirs);
        if !bool::from(padded.ct_eq(&ours)) {
            return Err(KeyFileError::CrtMismatch(complaint));
        }
    }
    Ok(())
}

/// RFC 8017 Appendix A.1.1:
/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
fn read_pkcs1_public(der: &[u8]) -> Result<RsaPublicKey, KeyFileError> {
    let mut key = Reader::new(der).read_all(|r| r.read_sequence()).within(PKCS1_PUBLIC)?;
    let n = read_number(&mut key, PKCS1_PUBLIC)?;
    let e = read_number(&mut key, PKCS1_PUBLIC)?;
    key.finish().within(PKCS1_PUBLIC)?;
    RsaPublicKey::new(n, exponent(e)?).map_err(KeyFileError::InvalidKey)
}

/// RFC 5208 §5, which RFC 5958 §2 calls `OneAsymmetricKey` version v1 (v2
/// adds a `publicKey [1]`, which OpenSSL does not write for RSA):
///
/// ```text
///   PrivateKeyInfo ::= SEQUENCE {
///       version                   Version,   -- 0
///       privateKeyAlgorithm       AlgorithmIdentifier,
///       privateKey                OCTET STRING,
///       attributes           [0]  IMPLICIT Attributes OPTIONAL }
/// ```
fn read_pkcs8(der: &[u8]) -> Result<RsaKey, KeyFileError> {
    let mut info = Reader::new(der).read_all(|r| r.read_sequence()).within(PKCS8)?;
    if info.read_small_integer().within(PKCS8)? != 0 {
        return Err(KeyFileError::Unsupported(
            "PKCS#8 version must be 0 (RFC 5958 v2 keys are not supported)",
        ));
    }
    let algorithm = read_algorithm(&mut info, PKCS8)?;
    let private_key = info.read_octet_string().within(PKCS8)?;
    // Attributes describe the key (a friendly name); the key does not need them.
    info.read_optional_context(0).within(PKCS8)?;
    info.finish().within(PKCS8)?;
    let key = read_pkcs1_private(private_key)?;
    Ok(match algorithm {
        Algorithm::RsaEncryption => RsaKey::Private(Box::new(key)),
        Algorithm::RsaPss(params) => RsaKey::PssPrivate(Box::new(RsaPssPrivateKey::new(key, params))),
    })
}

/// RFC 5280 §4.1 and §4.1.2.7:
///
/// ```text
///   SubjectPublicKeyInfo ::= SEQUENCE {
///       algorithm             AlgorithmIdentifier,
///       subjectPublicKey      BIT STRING }
/// ```
///
/// RFC 3279 §2.3.1: for `rsaEncryption` the BIT STRING holds the DER of an
/// `RSAPublicKey`; RFC 4055 §1.2: for id-RSASSA-PSS too.
fn read_spki(der: &[u8]) -> Result<RsaKey, KeyFileError> {
    let mut spki = Reader::new(der).read_all(|r| r.read_sequence()).within(SPKI)?;
    let algorithm = read_algorithm(&mut spki, SPKI)?;
    let public_key = spki.read_bit_string().within(SPKI)?.octets().within(SPKI)?;
    spki.finish().within(SPKI)?;
    let key = read_pkcs1_public(public_key)?;
    Ok(match algorithm {
        Algorithm::RsaEncryption => RsaKey::Public(key),
        Algorithm::RsaPss(params) => RsaKey::PssPublic(RsaPssPublicKey::new(key, params)),
    })
}

/// The two algorithms an RSA key file may name.
pub(crate) enum Algorithm {
    /// `rsaEncryption` with NULL parameters (RFC 3279 §2.3.1): any scheme.
    RsaEncryption,
    /// `id-RSASSA-PSS` (RFC 4055 §1.2, §3.1): PSS only, within the
    /// RSASSA-PSS-params if present.
    RsaPss(Option<PssParams>),
}

/// RFC 5280 §4.1.1.2: `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT
/// IDENTIFIER, parameters ANY DEFINED BY algorithm OPTIONAL }`, which must
/// be `rsaEncryption` with NULL parameters or id-RSASSA-PSS with
/// RSASSA-PSS-params or none.
fn read_algorithm(r: &mut Reader<'_>, structure: &'static str) -> Result<Algorithm, KeyFileError> {
    let mut algorithm = r.read_sequence().within(structure)?;
    let oid = algorithm.read_oid().within(structure)?;
    if oid == oids::RSASSA_PSS {
        // RFC 4055 §3.1: "The parameters may be either absent or present
        // when used as subject public key information."
        let params = if algorithm.is_empty() {
            None
        } else {
            Some(PssParams::read(&mut algorithm).map_err(KeyFileError::PssParams)?)
        };
        algorithm.finish().within(structure)?;
        return Ok(Algorithm::RsaPss(params));
    }
    if oid != oids::RSA_ENCRYPTION {
        return Err(KeyFileError::NotRsa(oid));
    }
    // RFC 3279 §2.3.1 and RFC 8017 Appendix A.1: "the parameters field MUST
    // have ASN.1 type NULL for this algorithm identifier".
    if algorithm.read_null().is_err() {
        return Err(KeyFileError::Unsupported(
            "the parameters of rsaEncryption must be NULL (RFC 3279 §2.3.1)",
        ));
    }
    algorithm.finish().within(structure)?;
    Ok(Algorithm::RsaEncryption)
}

/// Reads a non-negative INTEGER of at most [`MAX_MODULUS_BITS`] bits: its
/// big-endian magnitude, minimal (the DER reader refuses redundant bytes).
fn read_number<'a>(r: &mut Reader<'a>, structure: &'static str) -> Result<&'a [u8], KeyFileError> {
    let magnitude = r.read_unsigned_integer_bytes().within(structure)?;
    if magnitude.len() > MAX_MODULUS_BITS / 8 {
        return Err(KeyFileError::NumberTooLarge);
    }
    Ok(magnitude)
}

/// The public exponent as a `u64` (Padlock's keys take any odd `e` that
/// fits; RFC 8017 §3.1 allows up to `n - 1`, but nobody uses more than 2^32).
fn exponent(magnitude: &[u8]) -> Result<u64, KeyFileError> {
    if magnitude.len() > 8 {
        return Err(KeyFileError::ExponentTooLarge);
    }
    Ok(magnitude.iter().fold(0, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Names the structure in which the DER reader found a fault.
trait Within<T> {
    /// The result, with a DER error turned into [`KeyFileError::Malformed`].
    fn within(self, structure: &'static str) -> Result<T, KeyFileError>;
}

impl<T> Within<T> for Result<T, padlock_der::Error> {
    fn within(self, structure: &'static str) -> Result<T, KeyFileError> {
        self.map_err(|error| KeyFileError::Malformed { structure, error })
    }
}

/// Writes `key` in `format` and `encoding`. A private key asked for as
/// SubjectPublicKeyInfo gives its public half; a public key cannot be
/// written as PKCS #8, which holds private keys only.
pub fn write_key(
    key: &RsaKey,
    format: KeyFormat,
    encoding: KeyEncoding,
) -> Result<Zeroizing<Vec<u8>>, KeyFileError> {
    let (der, label) = match (key, format) {
        (RsaKey::Private(private), KeyFormat::Pkcs1) => (private.to_pkcs1_der(), LABEL_PKCS1_PRIVATE),
        (RsaKey::Private(private), KeyFormat::Pkcs8) => (private.to_pkcs8_der(), LABEL_PKCS8),
        (RsaKey::PssPrivate(private), KeyFormat::Pkcs8) => (private.to_pkcs8_der(), LABEL_PKCS8),
        (RsaKey::Public(public), KeyFormat::Pkcs1) => {
            (Zeroizing::new(public.to_pkcs1_der()), LABEL_PKCS1_PUBLIC)
        }
        (RsaKey::Public(_) | RsaKey::Private(_), KeyFormat::Spki) => {
            (Zeroizing::new(key.public_key().to_spki_der()), LABEL_SPKI)
        }
        (RsaKey::PssPublic(_) | RsaKey::PssPrivate(_), KeyFormat::Spki) => {
            let public = key.pss_public_key().expect("an id-RSASSA-PSS key has a PSS public key");
            (Zeroizing::new(public.to_spki_der()), LABEL_SPKI)
        }
        (RsaKey::PssPublic(_) | RsaKey::PssPrivate(_), KeyFormat::Pkcs1) => {
            return Err(KeyFileError::Unsupported(
                "PKCS#1 cannot say that a key is for RSASSA-PSS only; an id-RSASSA-PSS key is written \
                 as PKCS#8 or SubjectPublicKeyInfo",
            ));
        }
        (RsaKey::Public(_) | RsaKey::PssPublic(_), KeyFormat::Pkcs8) => {
            return Err(KeyFileError::Unsupported(
                "PKCS#8 holds private keys only; a public key is written as SubjectPublicKeyInfo",
            ));
        }
    };
    match encoding {
        KeyEncoding::Der => Ok(der),
        KeyEncoding::Pem => Ok(Zeroizing::new(pem::encode(label, &der).into_bytes())),
    }
}

impl RsaPublicKey {
    /// The PKCS #1 `RSAPublicKey` DER (RFC 8017 Appendix A.1.1).
    pub fn to_pkcs1_der(&self) -> Vec<u8> {
        encode(|w| {
            w.sequence(|w| {
                w.unsigned_integer(&self.n_bytes());
                w.small_unsigned(self.e());
            })
        })
    }

    /// The PKCS #1 `RSAPublicKey` as PEM, labelled `RSA PUBLIC KEY`.
    pub fn to_pkcs1_pem(&self) -> String {
        pem::encode(LABEL_PKCS1_PUBLIC, &self.to_pkcs1_der())
    }

    /// The SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7, RFC 3279 §2.3.1).
    pub fn to_spki_der(&self) -> Vec<u8> {
        spki_der(self, &Algorithm::RsaEncryption)
    }

    /// The SubjectPublicKeyInfo as PEM, labelled `PUBLIC KEY` (RFC 7468 §13).
    pub fn to_spki_pem(&self) -> String {
        pem::encode(LABEL_SPKI, &self.to_spki_der())
    }
}

impl RsaPrivateKey {
    /// The PKCS #1 `RSAPrivateKey` DER (RFC 8017 Appendix A.1.2), version 0.
    pub fn to_pkcs1_der(&self) -> Zeroizing<Vec<u8>> {
        let public = self.public_key();
        let (d, crt) = (self.d_bytes(), self.crt_bytes());
        Zeroizing::new(encode(|w| {
            w.sequence(|w| {
                w.small_integer(0);
                w.unsigned_integer(&public.n_bytes());
                w.small_unsigned(public.e());
                w.unsigned_integer(&d);
                // p, q, dP, dQ, qInv: the order of Appendix A.1.2.
                for number in &crt {
                    w.unsigned_integer(number);
                }
            })
        }))
    }

    /// The PKCS #1 `RSAPrivateKey` as PEM, labelled `RSA PRIVATE KEY`.
    pub fn to_pkcs1_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem::encode(LABEL_PKCS1_PRIVATE, &self.to_pkcs1_der()))
    }

    /// The PKCS #8 `PrivateKeyInfo` DER (RFC 5208 §5), version 0, no
    /// attributes.
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        pkcs8_der(self, &Algorithm::RsaEncryption)
    }

    /// The PKCS #8 `PrivateKeyInfo` as PEM, labelled `PRIVATE KEY` (RFC
    /// 7468 §10): what `openssl genpkey` writes.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem::encode(LABEL_PKCS8, &self.to_pkcs8_der()))
    }
}

/// The SubjectPublicKeyInfo DER of `key` under `algorithm`.
pub(crate) fn spki_der(key: &RsaPublicKey, algorithm: &Algorithm) -> Vec<u8> {
    let public_key = key.to_pkcs1_der();
    encode(|w| {
        w.sequence(|w| {
            write_algorithm(w, algorithm);
            w.bit_string(BitString::from_octets(&public_key));
        })
    })
}

/// The PKCS #8 `PrivateKeyInfo` DER of `key` under `algorithm`: version 0,
/// no attributes.
pub(crate) fn pkcs8_der(key: &RsaPrivateKey, algorithm: &Algorithm) -> Zeroizing<Vec<u8>> {
    let private_key = key.to_pkcs1_der();
    Zeroizing::new(encode(|w| {
        w.sequence(|w| {
            w.small_integer(0);
            write_algorithm(w, algorithm);
            w.octet_string(&private_key);
        })
    }))
}

/// The AlgorithmIdentifier `{ rsaEncryption, NULL }` (RFC 3279 §2.3.1), or
/// `{ id-RSASSA-PSS, RSASSA-PSS-params }` with the parameters omitted when
/// the key has none (RFC 4055 §3.1, as OpenSSL writes it).
fn write_algorithm(w: &mut Writer, algorithm: &Algorithm) {
    w.sequence(|w| match algorithm {
        Algorithm::RsaEncryption => {
            w.oid(&oids::RSA_ENCRYPTION);
            w.null();
        }
        Algorithm::RsaPss(params) => {
            w.oid(&oids::RSASSA_PSS);
            if let Some(params) = params {
                params.write(w);
            }
        }
    });
}

/// What `write` writes.
fn encode(write: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::new();
    write(&mut w);
    // Only strings and times can fail to encode, and keys have neither.
    w.finish().expect("integers, OIDs, NULL and byte strings always encode")
}
