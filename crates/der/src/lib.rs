//! DER, the Distinguished Encoding Rules of ITU-T X.690 (§8 for the basic
//! rules, §10–§11 for what DER adds), with object identifiers, PEM
//! (RFC 7468) and Base64 (RFC 4648).
//!
//! Keys and certificates are DER: every value is an element of tag, length and
//! contents (a TLV), and DER allows exactly one encoding of each value —
//! shortest lengths, minimal integers, no indefinite lengths — so that a
//! signature over the bytes is a signature over the value. Padlock's RSA keys
//! (PKCS #1, PKCS #8, SubjectPublicKeyInfo, DigestInfo) and X.509
//! certificates are read and written with this crate.
//!
//! # How the crate is organised
//!
//! - [`Reader`] (`reader.rs`): a cursor taking one element at a time, with a
//!   helper per type (`read_sequence`, `read_integer_bytes`, `read_oid`, ...),
//!   nested readers for SEQUENCE, SET OF and EXPLICIT tags, and
//!   [`Reader::finish`] refusing trailing bytes. Lengths are checked against
//!   the input before use, and nesting stops at [`MAX_DEPTH`].
//! - [`Element`] (`element.rs`): one element read — tag, contents and raw
//!   bytes (what a certificate signature covers) — and the DER rules for the
//!   contents of each type, which IMPLICIT tags reuse.
//! - [`Writer`] (`writer.rs`): the encoder, nesting with closures.
//! - [`Tag`] (`tag.rs`), [`Oid`] (`oid.rs`) with the named constants of
//!   [`oids`], [`Time`] (`time.rs`), [`StringKind`] (`string.rs`).
//! - [`pem`] and [`base64`]: the text armour; the Base64 decoder does no
//!   secret-dependent lookups, as private keys pass through it.
//! - [`Error`] (`error.rs`): one error type whose variants name the rule broken.
//!
//! Malformed input of any kind is an [`Error`], never a panic.
//!
//! # Example
//!
//! ```
//! use padlock_der::{Reader, Writer, oids};
//!
//! // DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
//! // (RFC 8017 §9.2), for a SHA-256 digest.
//! let digest = [0xab; 32];
//! let mut w = Writer::new();
//! w.sequence(|w| {
//!     w.sequence(|w| {
//!         w.oid(&oids::SHA256);
//!         w.null();
//!     });
//!     w.octet_string(&digest);
//! });
//! let der = w.finish()?;
//! // RFC 8017 §9.2, Note 1: the prefix for SHA-256.
//! assert_eq!(der[..19], [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
//!                        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]);
//!
//! let read = Reader::new(&der).read_all(|r| {
//!     r.read_sequence()?.read_all(|info| {
//!         let algorithm = info.read_sequence()?.read_all(|alg| {
//!             let oid = alg.read_oid()?;
//!             alg.read_null()?;
//!             Ok(oid)
//!         })?;
//!         Ok((algorithm, info.read_octet_string()?))
//!     })
//! })?;
//! assert_eq!(read, (oids::SHA256, &digest[..]));
//! assert_eq!(read.0.name(), Some("id-sha256"));
//! # Ok::<(), padlock_der::Error>(())
//! ```

pub mod base64;
mod element;
mod error;
mod oid;
pub mod oids;
pub mod pem;
mod reader;
mod string;
mod tag;
mod time;
mod writer;

pub use element::{BitString, Element};
pub use error::Error;
pub use oid::Oid;
pub use reader::Reader;
pub use string::StringKind;
pub use tag::{Class, Tag};
pub use time::Time;
pub use writer::Writer;

/// How deep readers nest: a [`Reader`] made from an element inside this many
/// constructed elements refuses with [`Error::TooDeep`]. X.509 certificates
/// need about ten; the limit bounds the recursion of code that walks
/// untrusted input.
pub const MAX_DEPTH: usize = 32;
