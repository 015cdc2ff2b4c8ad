//! Key files: EC keys in the three formats OpenSSL reads and writes, as DER
//! or as PEM (RFC 7468).
//!
//! | format | ASN.1 type | standard | PEM label |
//! | --- | --- | --- | --- |
//! | SEC1 | `ECPrivateKey` | RFC 5915 §3, SEC 1 §C.4 | `EC PRIVATE KEY` |
//! | PKCS #8 | `PrivateKeyInfo` | RFC 5208 §5, RFC 5915 §4 | `PRIVATE KEY` (RFC 7468 §10) |
//! | X.509 | `SubjectPublicKeyInfo` | RFC 5480 §2 | `PUBLIC KEY` (RFC 7468 §13) |
//!
//! ```text
//!   ECPrivateKey ::= SEQUENCE {
//!       version        INTEGER 1,
//!       privateKey     OCTET STRING,            -- d, L bytes
//!       parameters [0] EXPLICIT ECParameters OPTIONAL,  -- namedCurve OID
//!       publicKey  [1] EXPLICIT BIT STRING OPTIONAL }   -- SEC1 point
//!
//!   PrivateKeyInfo ::= SEQUENCE {
//!       version 0,  privateKeyAlgorithm { id-ecPublicKey, namedCurve },
//!       privateKey OCTET STRING (the ECPrivateKey DER, without parameters),
//!       attributes [0] IMPLICIT OPTIONAL }
//!
//!   SubjectPublicKeyInfo ::= SEQUENCE {
//!       algorithm { id-ecPublicKey, namedCurve },
//!       subjectPublicKey BIT STRING (the SEC1 point) }
//! ```
//!
//! Only named curves are read (RFC 5480 §2.1.1: "specifiedCurve ... MUST
//! NOT be used" in PKIX); a key's curve must be P-256 or P-384. A private
//! key file's public key, when present, must equal d·G. Writing gives what
//! `openssl ecparam -genkey` / `openssl pkey` write: parameters and public
//! key included in SEC1, public key included in PKCS #8, uncompressed points.
//!
//! Private key bytes are returned in [`Zeroizing`] buffers, wiped on drop.
//! (The intermediate buffers of `padlock-der`'s `Writer` are not.)

use padlock_der::{BitString, Oid, Reader, Tag, Writer, oids, pem};
use zeroize::Zeroizing;

use crate::{Curve, EcPrivateKey, EcPublicKey};

/// RFC 5915 §5 (as OpenSSL labels it).
const LABEL_SEC1: &str = "EC PRIVATE KEY";
/// RFC 7468 §10.
const LABEL_PKCS8: &str = "PRIVATE KEY";
/// RFC 7468 §13.
const LABEL_SPKI: &str = "PUBLIC KEY";

/// The structures, as errors name them.
const SEC1: &str = "SEC1 ECPrivateKey";
const PKCS8: &str = "PKCS#8 PrivateKeyInfo";
const SPKI: &str = "SubjectPublicKeyInfo";

/// An EC key as a file holds it.
pub enum EcKey {
    /// A public key (SubjectPublicKeyInfo).
    Public(EcPublicKey),
    /// A private key (SEC1 or PKCS #8).
    Private(EcPrivateKey),
}

impl EcKey {
    /// The public key, or the public half of the private key.
    pub fn public_key(&self) -> EcPublicKey {
        match self {
            EcKey::Public(key) => *key,
            EcKey::Private(key) => key.public_key(),
        }
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        self.public_key().curve()
    }
}

/// The structure a key is stored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFormat {
    /// SEC1 / RFC 5915 `ECPrivateKey`: private keys only.
    Sec1,
    /// PKCS #8 `PrivateKeyInfo`: private keys only.
    Pkcs8,
    /// `SubjectPublicKeyInfo`: public keys only.
    Spki,
}

/// Binary DER or PEM text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyEncoding {
    /// DER bytes (ITU-T X.690).
    Der,
    /// PEM text (RFC 7468).
    Pem,
}

/// A key read by [`read_key`], with the format and encoding it was in.
pub struct KeyFile {
    /// The key.
    pub key: EcKey,
    /// The structure it was in.
    pub format: KeyFormat,
    /// DER or PEM.
    pub encoding: KeyEncoding,
}

/// Why a key file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyFileError {
    /// Neither a PEM block nor a DER SEQUENCE.
    NotAKeyFile,
    /// The PEM text is malformed.
    Pem(padlock_der::Error),
    /// The PEM blocks have none of the three EC key labels; the first label.
    UnexpectedLabel(String),
    /// DER that breaks the rules or the structure.
    Malformed {
        /// The structure being read.
        structure: &'static str,
        /// What was wrong.
        error: padlock_der::Error,
    },
    /// The algorithm is not `id-ecPublicKey`.
    NotEc(Oid),
    /// A named curve Padlock does not implement (P-521, brainpool, ...).
    UnsupportedCurve(Oid),
    /// Well-formed, but not what Padlock reads; the text says why.
    Unsupported(&'static str),
    /// The key's numbers are not a valid key (the point is off the curve, d
    /// is out of range, ...).
    InvalidKey(crate::Error),
    /// The file's public key is not d·G, or the curve named twice differs.
    Inconsistent(&'static str),
}

impl core::fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let name = |oid: &Oid| oid.name().map_or_else(|| oid.to_string(), str::to_string);
        match self {
            KeyFileError::NotAKeyFile => f.write_str("not an EC key: neither PEM nor DER"),
            KeyFileError::Pem(error) => write!(f, "malformed PEM: {error}"),
            KeyFileError::UnexpectedLabel(label) => write!(
                f,
                "not an EC key: the PEM label is {label:?}, not {LABEL_SEC1:?}, {LABEL_PKCS8:?} or {LABEL_SPKI:?}"
            ),
            KeyFileError::Malformed { structure, error } => write!(f, "malformed {structure}: {error}"),
            KeyFileError::NotEc(oid) => write!(f, "not an EC key: the algorithm is {}", name(oid)),
            KeyFileError::UnsupportedCurve(oid) => {
                write!(f, "the curve {} is not supported (only P-256 and P-384 are)", name(oid))
            }
            KeyFileError::Unsupported(why) => f.write_str(why),
            KeyFileError::InvalidKey(error) => write!(f, "invalid EC key: {error}"),
            KeyFileError::Inconsistent(why) => write!(f, "inconsistent EC key: {why}"),
        }
    }
}

impl std::error::Error for KeyFileError {}

/// Reads an EC key from a file's contents: SEC1, PKCS #8 or
/// SubjectPublicKeyInfo, as DER or PEM.
///
/// DER starts with a SEQUENCE's identifier octet, 0x30; anything else is
/// read as PEM, where the first block with one of the three labels is
/// taken and others (`EC PARAMETERS`, which `openssl ecparam -genkey` puts
/// first, a certificate) are skipped.
///
/// ```
/// use padlock_ec::{Curve, EcKey, EcPrivateKey, KeyEncoding, KeyFormat, read_key};
///
/// let key = EcPrivateKey::generate(Curve::P256, &mut rand::rng());
/// let pem = key.to_pkcs8_pem(); // "-----BEGIN PRIVATE KEY-----\n..."
/// let file = read_key(pem.as_bytes())?;
/// assert_eq!((file.format, file.encoding), (KeyFormat::Pkcs8, KeyEncoding::Pem));
/// assert_eq!(file.key.public_key(), key.public_key());
/// # Ok::<(), padlock_ec::KeyFileError>(())
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
            LABEL_SEC1 => (EcKey::Private(read_sec1(der, None)?), KeyFormat::Sec1),
            LABEL_PKCS8 => (EcKey::Private(read_pkcs8(der)?), KeyFormat::Pkcs8),
            LABEL_SPKI => (EcKey::Public(EcPublicKey::from_spki_der(der)?), KeyFormat::Spki),
            _ => continue,
        };
        return Ok(KeyFile { key, format, encoding: KeyEncoding::Pem });
    }
    if blocks.iter().any(|block| block.label == "ENCRYPTED PRIVATE KEY") {
        return Err(KeyFileError::Unsupported(
            "encrypted private keys are not supported (`openssl pkey -in KEY -out PLAIN` decrypts one)",
        ));
    }
    let first = blocks.first().map(|block| block.label.clone()).unwrap_or_default();
    Err(KeyFileError::UnexpectedLabel(first))
}

/// Tells the three DER structures apart by their first two fields:
/// SPKI `{ SEQUENCE, BIT STRING }`, PKCS #8 `{ INTEGER, SEQUENCE, ... }`,
/// SEC1 `{ INTEGER, OCTET STRING, ... }`.
fn read_der(der: &[u8]) -> Result<(EcKey, KeyFormat), KeyFileError> {
    const WHAT: &str = "DER key";
    let mut fields = Reader::new(der).read_all(|r| r.read_sequence()).within(WHAT)?;
    let first = fields.peek_tag();
    if !fields.is_empty() {
        fields.read_tlv().within(WHAT)?;
    }
    match (first, fields.peek_tag()) {
        (Some(Tag::SEQUENCE), _) => Ok((EcKey::Public(EcPublicKey::from_spki_der(der)?), KeyFormat::Spki)),
        (Some(Tag::INTEGER), Some(Tag::SEQUENCE)) => Ok((EcKey::Private(read_pkcs8(der)?), KeyFormat::Pkcs8)),
        (Some(Tag::INTEGER), Some(Tag::OCTET_STRING)) => {
            Ok((EcKey::Private(read_sec1(der, None)?), KeyFormat::Sec1))
        }
        _ => Err(KeyFileError::Unsupported(
            "not an EC key: the DER is not SEC1, PKCS#8 or SubjectPublicKeyInfo",
        )),
    }
}

/// RFC 5915 §3. `outer_curve` is the curve a PKCS #8 envelope named, if
/// any; the key's own `parameters`, if present, must agree with it.
fn read_sec1(der: &[u8], outer_curve: Option<Curve>) -> Result<EcPrivateKey, KeyFileError> {
    let mut key = Reader::new(der).read_all(|r| r.read_sequence()).within(SEC1)?;
    // RFC 5915 §3: "version specifies the syntax version number of the
    // elliptic curve private key structure. For this version of the
    // document, it SHALL be set to ecPrivkeyVer1, which is of type INTEGER
    // and whose value is one (1)."
    if key.read_small_integer().within(SEC1)? != 1 {
        return Err(KeyFileError::Unsupported("ECPrivateKey version must be 1 (RFC 5915 §3)"));
    }
    let private_key = key.read_octet_string().within(SEC1)?;
    let inner_curve = match key.read_optional_explicit(0).within(SEC1)? {
        Some(mut parameters) => {
            let curve = read_named_curve(&mut parameters, SEC1)?;
            parameters.finish().within(SEC1)?;
            Some(curve)
        }
        None => None,
    };
    let public_key = match key.read_optional_explicit(1).within(SEC1)? {
        Some(mut public) => {
            let bits = public.read_bit_string().within(SEC1)?.octets().within(SEC1)?;
            public.finish().within(SEC1)?;
            Some(bits)
        }
        None => None,
    };
    key.finish().within(SEC1)?;

    let curve = match (outer_curve, inner_curve) {
        (Some(outer), Some(inner)) if outer != inner => {
            return Err(KeyFileError::Inconsistent(
                "the PKCS#8 envelope and the ECPrivateKey name different curves",
            ));
        }
        (Some(curve), _) | (None, Some(curve)) => curve,
        (None, None) => {
            return Err(KeyFileError::Unsupported(
                "the ECPrivateKey does not name its curve (no parameters)",
            ));
        }
    };
    // RFC 5915 §3: privateKey is an octet string of ceiling(log2(n)/8)
    // bytes, "obtained from the unsigned integer via the
    // Integer-to-Octet-String-Primitive". Shorter strings (some old writers
    // dropped leading zeros) are padded; longer ones refused.
    let len = curve.field_len();
    if private_key.is_empty() || private_key.len() > len {
        return Err(KeyFileError::InvalidKey(crate::Error::InvalidPrivateKey));
    }
    let mut d = Zeroizing::new(vec![0u8; len]);
    d[len - private_key.len()..].copy_from_slice(private_key);
    let key = EcPrivateKey::from_bytes(curve, &d).map_err(KeyFileError::InvalidKey)?;
    if let Some(point) = public_key {
        let stated = EcPublicKey::from_sec1(curve, point).map_err(KeyFileError::InvalidKey)?;
        if stated != key.public_key() {
            return Err(KeyFileError::Inconsistent("the file's public key is not d·G"));
        }
    }
    Ok(key)
}

/// RFC 5208 §5 with the EC algorithm of RFC 5480 §2.1.1 (RFC 5915 §4).
fn read_pkcs8(der: &[u8]) -> Result<EcPrivateKey, KeyFileError> {
    let mut info = Reader::new(der).read_all(|r| r.read_sequence()).within(PKCS8)?;
    if info.read_small_integer().within(PKCS8)? != 0 {
        return Err(KeyFileError::Unsupported(
            "PKCS#8 version must be 0 (RFC 5958 v2 keys are not supported)",
        ));
    }
    let curve = read_ec_algorithm(&mut info, PKCS8)?;
    let private_key = info.read_octet_string().within(PKCS8)?;
    info.read_optional_context(0).within(PKCS8)?;
    info.finish().within(PKCS8)?;
    read_sec1(private_key, Some(curve))
}

/// RFC 5480 §2.1.1: `AlgorithmIdentifier { id-ecPublicKey, ECParameters }`
/// with ECParameters the `namedCurve` choice.
fn read_ec_algorithm(r: &mut Reader<'_>, structure: &'static str) -> Result<Curve, KeyFileError> {
    let mut algorithm = r.read_sequence().within(structure)?;
    let oid = algorithm.read_oid().within(structure)?;
    if oid != oids::EC_PUBLIC_KEY {
        return Err(KeyFileError::NotEc(oid));
    }
    let curve = read_named_curve(&mut algorithm, structure)?;
    algorithm.finish().within(structure)?;
    Ok(curve)
}

/// `ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER, implicitCurve
/// NULL, specifiedCurve SpecifiedECDomain }` (RFC 5480 §2.1.1), of which
/// only namedCurve is allowed.
fn read_named_curve(r: &mut Reader<'_>, structure: &'static str) -> Result<Curve, KeyFileError> {
    if r.peek_tag() != Some(Tag::OID) {
        return Err(KeyFileError::Unsupported(
            "only named curves are supported: explicit curve parameters (specifiedCurve) and implicitCurve \
             are refused (RFC 5480 §2.1.1)",
        ));
    }
    let oid = r.read_oid().within(structure)?;
    Curve::from_oid(&oid).ok_or(KeyFileError::UnsupportedCurve(oid))
}

impl EcPublicKey {
    /// Reads a SubjectPublicKeyInfo DER (RFC 5480 §2): the curve from the
    /// algorithm, the point from the BIT STRING (uncompressed or
    /// compressed, checked as SEC 1 §3.2.2.1 asks).
    pub fn from_spki_der(der: &[u8]) -> Result<EcPublicKey, KeyFileError> {
        let mut spki = Reader::new(der).read_all(|r| r.read_sequence()).within(SPKI)?;
        let curve = read_ec_algorithm(&mut spki, SPKI)?;
        let point = spki.read_bit_string().within(SPKI)?.octets().within(SPKI)?;
        spki.finish().within(SPKI)?;
        EcPublicKey::from_sec1(curve, point).map_err(KeyFileError::InvalidKey)
    }

    /// The SubjectPublicKeyInfo DER, with the uncompressed point (RFC 5480
    /// §2.2: "the uncompressed form MUST be supported").
    pub fn to_spki_der(&self) -> Vec<u8> {
        let point = self.to_sec1_uncompressed();
        encode(|w| {
            w.sequence(|w| {
                write_ec_algorithm(w, self.curve());
                w.bit_string(BitString::from_octets(&point));
            })
        })
    }

    /// The SubjectPublicKeyInfo as PEM, labelled `PUBLIC KEY`.
    pub fn to_spki_pem(&self) -> String {
        pem::encode(LABEL_SPKI, &self.to_spki_der())
    }
}

impl EcPrivateKey {
    /// The SEC1 `ECPrivateKey` DER (RFC 5915 §3) with parameters and public
    /// key, as `openssl ec` writes it.
    pub fn to_sec1_der(&self) -> Zeroizing<Vec<u8>> {
        self.sec1_der(true)
    }

    /// The SEC1 `ECPrivateKey` as PEM, labelled `EC PRIVATE KEY`.
    pub fn to_sec1_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem::encode(LABEL_SEC1, &self.to_sec1_der()))
    }

    /// The PKCS #8 `PrivateKeyInfo` DER, version 0, the curve in the
    /// algorithm and the ECPrivateKey inside without parameters (RFC 5915
    /// §4 and what OpenSSL writes).
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        let inner = self.sec1_der(false);
        Zeroizing::new(encode(|w| {
            w.sequence(|w| {
                w.small_integer(0);
                write_ec_algorithm(w, self.curve());
                w.octet_string(&inner);
            })
        }))
    }

    /// The PKCS #8 `PrivateKeyInfo` as PEM, labelled `PRIVATE KEY`: what
    /// `openssl genpkey -algorithm EC` writes.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem::encode(LABEL_PKCS8, &self.to_pkcs8_der()))
    }

    /// The ECPrivateKey, with or without the `parameters [0]`.
    fn sec1_der(&self, with_parameters: bool) -> Zeroizing<Vec<u8>> {
        let d = self.to_bytes();
        let point = self.public_key().to_sec1_uncompressed();
        Zeroizing::new(encode(|w| {
            w.sequence(|w| {
                w.small_integer(1);
                w.octet_string(&d);
                if with_parameters {
                    w.explicit(0, |w| w.oid(&self.curve().oid()));
                }
                w.explicit(1, |w| w.bit_string(BitString::from_octets(&point)));
            })
        }))
    }
}

/// Writes `key` in `format` and `encoding`. A private key asked for as
/// SubjectPublicKeyInfo gives its public half; a public key cannot be
/// written in a private format.
pub fn write_key(
    key: &EcKey,
    format: KeyFormat,
    encoding: KeyEncoding,
) -> Result<Zeroizing<Vec<u8>>, KeyFileError> {
    let (der, label) = match (key, format) {
        (EcKey::Private(private), KeyFormat::Sec1) => (private.to_sec1_der(), LABEL_SEC1),
        (EcKey::Private(private), KeyFormat::Pkcs8) => (private.to_pkcs8_der(), LABEL_PKCS8),
        (_, KeyFormat::Spki) => (Zeroizing::new(key.public_key().to_spki_der()), LABEL_SPKI),
        (EcKey::Public(_), _) => {
            return Err(KeyFileError::Unsupported(
                "SEC1 and PKCS#8 hold private keys only; a public key is written as SubjectPublicKeyInfo",
            ));
        }
    };
    match encoding {
        KeyEncoding::Der => Ok(der),
        KeyEncoding::Pem => Ok(Zeroizing::new(pem::encode(label, &der).into_bytes())),
    }
}

/// `{ id-ecPublicKey, namedCurve }` (RFC 5480 §2.1.1).
fn write_ec_algorithm(w: &mut Writer, curve: Curve) {
    w.sequence(|w| {
        w.oid(&oids::EC_PUBLIC_KEY);
        w.oid(&curve.oid());
    });
}

/// What `write` writes.
fn encode(write: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::new();
    write(&mut w);
    w.finish().expect("integers, OIDs and byte strings always encode")
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
