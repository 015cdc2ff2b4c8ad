//! X.509 certificates as RFC 5280 ("Internet X.509 Public Key
//! Infrastructure Certificate and CRL Profile") defines them: reading them,
//! checking a chain from a server's certificate to a trust anchor, and
//! matching the host name a client asked for (RFC 6125).
//!
//! # How the crate is organised
//!
//! - `certificate`: [`Certificate`] from DER or PEM (RFC 5280 §4.1):
//!   version, serial, [`SignatureAlgorithm`] (RSA PKCS#1 v1.5, RSASSA-PSS
//!   with its parameters, ECDSA with SHA-256/384/512; EdDSA recognised by
//!   name), validity
//!   (strict UTCTime and GeneralizedTime, via [`padlock_der::Time`]), the
//!   [`PublicKeyInfo`] of any key type (RSA, RSA-PSS — id-RSASSA-PSS with
//!   its parameters, RFC 4055 — and P-256/P-384 keys usable),
//!   and the exact bytes of
//!   tbsCertificate, which the signature covers.
//! - `name`: [`Name`] (§4.1.2.4), printed as RFC 4514 strings.
//! - `extensions`: [`Extensions`] (§4.2): basicConstraints, keyUsage,
//!   extKeyUsage, subjectAltName, the key identifiers; the others kept with
//!   their criticality.
//! - `verify`: [`verify_chain`] builds and checks a path (§6): signatures
//!   (an RSA-PSS issuer key's parameters honoured, RFC 4055 §3.3),
//!   validity at a given time, CA flags, path lengths, keyCertSign, unknown
//!   critical extensions, and the host name.
//! - `usage`: [`check_server_usage`], what a TLS server's certificate
//!   allows its key to do: extendedKeyUsage serverAuth (§4.2.1.12), and the
//!   keyUsage bit the key exchange needs (§4.2.1.3), as [`ServerKeyUse`].
//! - `hostname`: [`verify_hostname`] (RFC 6125: subjectAltName only,
//!   whole-label wildcards, exact IP addresses).
//! - `builder`: [`CertificateBuilder`] makes certificates (RFC 5280 §4.1):
//!   self-signed CAs, and intermediates and leaves signed by a CA, with
//!   random serials (§4.1.2.2), SAN DNS names and IP addresses (§4.2.1.6),
//!   basicConstraints, keyUsage, extKeyUsage and key identifiers as
//!   browsers expect, for RSA, RSA-PSS or EC keys, signed with RSA PKCS#1
//!   v1.5 or PSS (SHA-256, SHA-384, SHA-512) or ECDSA (SHA-256, SHA-384);
//!   an RSA-PSS key signs with PSS only, within its parameters.
//! - `error`: one [`Error`] whose messages say what failed in plain words.
//!
//! Malformed input is an [`Error`], never a panic.
//!
//! # Example
//!
//! ```no_run
//! use padlock_der::Time;
//! use padlock_x509::{Certificate, verify_chain};
//!
//! let chain = Certificate::all_from_pem(std::fs::read("chain.pem")?)?;
//! let anchors = Certificate::all_from_pem(std::fs::read("/etc/ssl/certs/ca-certificates.crt")?)?;
//! let (leaf, intermediates) = chain.split_first().ok_or("empty chain")?;
//! let now = Time::new(2026, 6, 1, 12, 0, 0)?;
//! let path = verify_chain(leaf, intermediates, &anchors, "example.org", now)?;
//! println!("trusted through '{}'", path[path.len() - 1].subject);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod certificate;
mod error;
mod extensions;
mod hostname;
mod name;
pub mod throwaway;
mod usage;
mod verify;

pub use builder::{
    BuildError, CertificateBuilder, IssuerKey, MAX_VALIDITY_DAYS, Profile, SigningScheme, SubjectKey,
    key_identifier,
};
pub use certificate::{Certificate, HashAlgorithm, PublicKeyInfo, SignatureAlgorithm};
pub use error::Error;
pub use extensions::{BasicConstraints, Extensions, GeneralName, KeyUsage, UnknownExtension};
pub use hostname::verify_hostname;
pub use name::{Attribute, AttributeValue, Name, escape_value};
pub use usage::{ServerKeyUse, check_server_usage};
pub use verify::{
    MAX_CANDIDATES, MAX_CANDIDATES_PER_STEP, MAX_INTERMEDIATES, MAX_SIGNATURE_CHECKS, PATH_BUDGET, PathWork,
    verify_chain, verify_path, verify_path_with_budget, verify_signature,
};
