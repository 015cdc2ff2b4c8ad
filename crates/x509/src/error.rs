//! One error type for reading and verifying certificates. Each variant says
//! what failed in words a user can act on, naming the certificate by its
//! subject (RFC 4514 form) where one is involved.

use core::fmt;

use padlock_der::{Oid, Time};

/// Why a certificate was refused, while reading it or verifying a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The DER breaks the rules or the RFC 5280 structure.
    Malformed {
        /// The part being read, such as `"tbsCertificate"` or
        /// `"extension subjectAltName"`.
        part: &'static str,
        /// What was wrong with it.
        error: padlock_der::Error,
    },
    /// Well-formed DER with a value RFC 5280 forbids; the text says which.
    Invalid(&'static str),
    /// The PEM text is malformed or holds no `CERTIFICATE` block.
    Pem(padlock_der::Error),
    /// The version field is not v1, v2 or v3 (RFC 5280 §4.1.2.1).
    UnsupportedVersion(i64),
    /// An extension appears twice (RFC 5280 §4.2).
    DuplicateExtension(Oid),
    /// The signature algorithm is recognised but Padlock cannot check it
    /// (Ed25519, RSASSA-PSS with SHA-1, ...); its name.
    UnsupportedSignature(String),
    /// The issuer's key cannot check this signature (of another kind, on
    /// another curve, or malformed).
    UnsupportedKey {
        /// The issuer whose key it is.
        issuer: String,
        /// Why.
        why: String,
    },
    /// An id-RSASSA-PSS issuer key does not allow the parameters the
    /// signature names (RFC 4055 §3.3: the same hashes, a salt at least the
    /// key's saltLength).
    PssParametersRefused {
        /// The certificate whose signature names them.
        subject: String,
        /// The certificate whose key refuses them.
        issuer: String,
        /// What the key allows and what the signature used.
        why: String,
    },
    /// The signature does not verify with the issuer's key.
    BadSignature {
        /// The certificate whose signature failed.
        subject: String,
        /// The certificate whose key was used.
        issuer: String,
    },
    /// No trust anchor or intermediate has the subject the certificate names
    /// as its issuer.
    UnknownIssuer(String),
    /// `now` is after notAfter.
    Expired {
        /// The certificate.
        subject: String,
        /// Its notAfter.
        not_after: Time,
    },
    /// `now` is before notBefore.
    NotYetValid {
        /// The certificate.
        subject: String,
        /// Its notBefore.
        not_before: Time,
    },
    /// An issuer without `basicConstraints` CA:TRUE (RFC 5280 §4.2.1.9).
    NotACa(String),
    /// An issuer whose keyUsage lacks keyCertSign (RFC 5280 §4.2.1.3).
    NoKeyCertSign(String),
    /// More intermediates below an issuer than its pathLenConstraint allows.
    PathTooLong {
        /// The issuer whose constraint is broken.
        issuer: String,
        /// Its pathLenConstraint.
        max: u64,
    },
    /// Path building gave up: it used its whole budget of signature checks
    /// or issuer candidates (`MAX_SIGNATURE_CHECKS`, `MAX_CANDIDATES`)
    /// without reaching a trust anchor.
    PathBudgetExhausted {
        /// Signatures checked.
        signature_checks: usize,
        /// Issuer candidates tried.
        candidates: usize,
    },
    /// The leaf's extendedKeyUsage has neither serverAuth nor
    /// anyExtendedKeyUsage (RFC 5280 §4.2.1.12).
    NotForTlsServers {
        /// The leaf.
        subject: String,
        /// The purposes it lists, by name.
        purposes: Vec<String>,
    },
    /// The leaf's keyUsage lacks the bit the key exchange needs (RFC 5280
    /// §4.2.1.3).
    KeyUsageForbids {
        /// The leaf.
        subject: String,
        /// The bit needed: `digitalSignature` or `keyEncipherment`.
        needed: &'static str,
        /// What needs it.
        purpose: &'static str,
        /// The bits it has.
        allowed: Vec<&'static str>,
    },
    /// A critical extension Padlock does not process (RFC 5280 §4.2).
    UnknownCriticalExtension {
        /// The certificate carrying it.
        subject: String,
        /// The extension.
        oid: Oid,
    },
    /// The name asked for is not a DNS name or an IP address; why.
    InvalidHostname {
        /// The name given.
        host: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The certificate's subjectAltName does not cover the name asked for.
    HostnameMismatch {
        /// The certificate's first SAN, or its subject if it has none.
        certificate: String,
        /// The name asked for.
        host: String,
        /// Every DNS and IP SAN of the certificate.
        sans: Vec<String>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed { part, error } => write!(f, "malformed certificate: {part}: {error}"),
            Error::Invalid(why) => write!(f, "invalid certificate: {why}"),
            Error::Pem(error) => write!(f, "not a PEM certificate: {error}"),
            Error::UnsupportedVersion(v) => write!(f, "unsupported certificate version {v} (only v1 to v3)"),
            Error::DuplicateExtension(oid) => write!(f, "extension {} appears twice", oid_name(oid)),
            Error::UnsupportedSignature(name) => {
                write!(
                    f,
                    "signature algorithm {name} is not supported (only RSA PKCS#1 v1.5, RSASSA-PSS with SHA-2, \
                     and ECDSA with SHA-2)"
                )
            }
            Error::UnsupportedKey { issuer, why } => write!(f, "the key of '{issuer}' cannot be used: {why}"),
            Error::PssParametersRefused { subject, issuer, why } => {
                write!(f, "the signature on '{subject}' is not one the key of '{issuer}' may make: {why}")
            }
            Error::BadSignature { subject, issuer } => {
                write!(f, "the signature on '{subject}' does not verify with the key of '{issuer}'")
            }
            Error::UnknownIssuer(issuer) => write!(f, "signed by an unknown issuer '{issuer}'"),
            Error::Expired { subject, not_after } => {
                write!(f, "certificate expired on {not_after} ('{subject}')")
            }
            Error::NotYetValid { subject, not_before } => {
                write!(f, "certificate is not valid before {not_before} ('{subject}')")
            }
            Error::NotACa(subject) => write!(f, "'{subject}' issued a certificate but is not a CA"),
            Error::NoKeyCertSign(subject) => {
                write!(f, "'{subject}' issued a certificate but its key usage lacks keyCertSign")
            }
            Error::PathTooLong { issuer, max } => {
                write!(f, "'{issuer}' allows {max} intermediate(s) below it, and the chain has more")
            }
            Error::PathBudgetExhausted { signature_checks, candidates } => write!(
                f,
                "gave up looking for a path to a trust anchor after {signature_checks} signature checks \
                 and {candidates} candidate issuers (too many certificates that could issue one another)"
            ),
            Error::NotForTlsServers { subject, purposes } => write!(
                f,
                "'{subject}' is not a certificate for TLS servers: its extendedKeyUsage lists {} \
                 but not serverAuth (RFC 5280 §4.2.1.12)",
                purposes.join(", ")
            ),
            Error::KeyUsageForbids { subject, needed, purpose, allowed } => write!(
                f,
                "the keyUsage of '{subject}' does not allow {needed}, which {purpose} needs \
                 (it allows {}; RFC 5280 §4.2.1.3)",
                if allowed.is_empty() { "nothing".to_string() } else { allowed.join(", ") }
            ),
            Error::UnknownCriticalExtension { subject, oid } => {
                write!(f, "'{subject}' has a critical extension Padlock does not know: {}", oid_name(oid))
            }
            Error::InvalidHostname { host, why } => write!(f, "'{host}' is not a valid host name: {why}"),
            Error::HostnameMismatch { certificate, host, sans } => {
                let sans = if sans.is_empty() { "none".to_string() } else { sans.join(", ") };
                write!(f, "certificate for '{certificate}' does not match '{host}' (SAN: {sans})")
            }
        }
    }
}

impl std::error::Error for Error {}

/// An OID's name if the OID table has it, with the dotted form.
fn oid_name(oid: &Oid) -> String {
    match oid.name() {
        Some(name) => format!("{name} ({oid})"),
        None => oid.to_string(),
    }
}

/// Attaches the part of the certificate being read to a DER error.
pub(crate) trait Within<T> {
    /// The error as [`Error::Malformed`] in `part`.
    fn within(self, part: &'static str) -> Result<T, Error>;
}

impl<T> Within<T> for Result<T, padlock_der::Error> {
    fn within(self, part: &'static str) -> Result<T, Error> {
        self.map_err(|error| Error::Malformed { part, error })
    }
}
