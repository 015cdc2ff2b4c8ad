//! The record layer: TLS 1.2 (RFC 5246 §6.2) and TLS 1.3 (RFC 8446 §5).
//!
//! Everything TLS sends travels in records. A record is a 5-byte header and
//! a fragment of at most 2^14 bytes of content (more once protected):
//!
//! ```text
//! +------+---------+--------+-------------------------+
//! | type | version | length | fragment (length bytes) |
//! | 1    | 2       | 2      |                         |
//! +------+---------+--------+-------------------------+
//! ```
//!
//! Two pieces do the work, one per job:
//! - [`Deframer`] (in `record/deframer.rs`) cuts the incoming byte stream
//!   into records. It checks only the header, and refuses an oversized
//!   length as soon as the header arrives, rather than waiting for a body
//!   that may never come.
//! - [`HalfConn`] (in `record/protection.rs`) is one direction's protection
//!   (Go's `halfConn`): the AEAD key, its nonce material and the sequence
//!   number. A connection has two, one to read and one to write, and
//!   replaces each at every key change: a new `HalfConn` starts again at
//!   sequence number 0.
//!
//! Protection is an AEAD ([`AeadAlgorithm`], in `record/aead.rs`:
//! AES-128-GCM, AES-256-GCM or ChaCha20-Poly1305), in the shapes the versions
//! give it:
//!
//! ```text
//! TLS 1.2 AES-GCM (RFC 5288):
//!     header(type, 0x0303, 8 + n + 16) || seq(8) || AEAD(content) || tag(16)
//!     nonce = salt(4) || seq(8), aad = seq(8) || type || 0x0303 || n(2)
//! TLS 1.2 ChaCha20-Poly1305 (RFC 7905):
//!     header(type, 0x0303, n + 16) || AEAD(content) || tag(16)
//!     nonce = iv(12) XOR seq (left-padded), aad = seq(8) || type || 0x0303 || n(2)
//! TLS 1.3, every AEAD (RFC 8446 §5.2):
//!     header(23, 0x0303, n + 1 + 16) || AEAD(content || type) || tag(16)
//!     nonce = iv(12) XOR seq (left-padded), aad = the header itself
//! ```
//!
//! # In place
//!
//! Bulk data is copied once on each side. Sealing appends the header to the
//! connection's outgoing buffer, copies the content after it, and encrypts
//! it there ([`HalfConn::seal_into`]). Opening decrypts a record where it
//! lies in the deframer's buffer ([`Deframer::next_record_mut`],
//! [`HalfConn::open_in_place`]) and hands out the plaintext as a slice of
//! it: the connection leaves application data there until it is read.
//! These copies go through `record/copy.rs`, which steps around a CPU's
//! slow path for copies a few bytes apart.
//! [`HalfConn::seal`] and [`HalfConn::open`], on owned vectors, are the same
//! code for callers that want a record of their own (tests, tools).
//!
//! The record layer does not know the handshake: dropping the unprotected
//! change_cipher_spec records TLS 1.3 allows (RFC 8446 §5), refusing empty
//! handshake fragments (§5.1) and joining handshake messages split across
//! records are the connection's business.

mod aead;
mod copy;
mod deframer;
mod protection;

pub use aead::AeadAlgorithm;
pub use deframer::Deframer;
pub use protection::HalfConn;

/// The type of a record's content (RFC 5246 §6.2.1, RFC 8446 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentType {
    /// 20: the TLS 1.2 signal that the next records use the new keys.
    ChangeCipherSpec,
    /// 21: a warning or a fatal error, or close_notify.
    Alert,
    /// 22: handshake messages.
    Handshake,
    /// 23: the application's bytes (and, in TLS 1.3, the outer type of
    /// every protected record).
    ApplicationData,
}

impl ContentType {
    /// The content type of a wire code; `None` for a code TLS does not define.
    pub fn from_u8(v: u8) -> Option<ContentType> {
        match v {
            20 => Some(ContentType::ChangeCipherSpec),
            21 => Some(ContentType::Alert),
            22 => Some(ContentType::Handshake),
            23 => Some(ContentType::ApplicationData),
            _ => None,
        }
    }

    /// The wire code.
    pub fn to_u8(self) -> u8 {
        match self {
            ContentType::ChangeCipherSpec => 20,
            ContentType::Alert => 21,
            ContentType::Handshake => 22,
            ContentType::ApplicationData => 23,
        }
    }

    /// The RFC's name, such as `"application_data"`.
    pub fn name(self) -> &'static str {
        match self {
            ContentType::ChangeCipherSpec => "change_cipher_spec",
            ContentType::Alert => "alert",
            ContentType::Handshake => "handshake",
            ContentType::ApplicationData => "application_data",
        }
    }
}

/// The most content one record carries: 2^14 bytes (RFC 5246 §6.2.1, RFC 8446 §5.1).
pub const MAX_PLAINTEXT_LEN: usize = 1 << 14;

/// The longest fragment a TLS 1.2 record may have: 2^14 + 2048 (RFC 5246 §6.2.3).
pub const MAX_TLS12_CIPHERTEXT_LEN: usize = (1 << 14) + 2048;

/// The longest fragment a TLS 1.3 record may have: 2^14 + 256 (RFC 8446 §5.2).
pub const MAX_TLS13_CIPHERTEXT_LEN: usize = (1 << 14) + 256;

/// The record header: type (1), version (2), length (2).
pub const HEADER_LEN: usize = 5;

/// The AEAD nonce: 12 bytes (RFC 5116 §3.2, RFC 8439 §2.8); also the length
/// of a TLS 1.3 traffic IV (RFC 8446 §5.3).
pub const NONCE_LEN: usize = 12;

/// The most a sealed record adds to its content: the header, TLS 1.2
/// AES-GCM's 8-byte explicit nonce (or TLS 1.3's inner type byte, never
/// both) and the 16-byte tag. For reserving room for records.
pub const MAX_RECORD_OVERHEAD: usize = HEADER_LEN + 8 + 16;

/// The version every protected record carries, and plaintext ones by default:
/// TLS 1.2's 3.3, kept by TLS 1.3 as `legacy_record_version` (RFC 8446 §5.1).
const TLS12_VERSION: [u8; 2] = [3, 3];

/// One record as it came off the wire (header fields + fragment), in a
/// vector of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The header's content type (for a protected TLS 1.3 record, always
    /// application_data: the real type is inside).
    pub content_type: ContentType,
    /// The header's version bytes, as sent.
    pub version: [u8; 2],
    /// The bytes after the header: the content, or its protected form.
    pub fragment: Vec<u8>,
}

impl Record {
    /// The record as it was on the wire: header, then fragment (for traces).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = header(self.content_type.to_u8(), self.version, self.fragment.len()).to_vec();
        bytes.extend_from_slice(&self.fragment);
        bytes
    }
}

/// One record as it lies in the buffer it arrived in (the [`Deframer`]'s),
/// ready to be opened there: [`HalfConn::open_in_place`] decrypts
/// `fragment` where it is.
#[derive(Debug, PartialEq, Eq)]
pub struct RecordMut<'a> {
    /// The header's content type.
    pub content_type: ContentType,
    /// The header's version bytes, as sent.
    pub version: [u8; 2],
    /// Where `fragment` begins in the buffer that holds it (the deframer's),
    /// so that a range of it can be named after the borrow ends.
    pub offset: usize,
    /// The bytes after the header, in the buffer that holds them.
    pub fragment: &'a mut [u8],
}

impl RecordMut<'_> {
    /// The record as it was on the wire: header, then fragment. Take it
    /// before opening (for a trace): opening decrypts the fragment.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = header(self.content_type.to_u8(), self.version, self.fragment.len()).to_vec();
        bytes.extend_from_slice(self.fragment);
        bytes
    }

    /// A copy in a vector of its own.
    pub fn to_record(&self) -> Record {
        Record { content_type: self.content_type, version: self.version, fragment: self.fragment.to_vec() }
    }
}

/// A record header. `fragment_len` is at most 2^14 + 2048 by the callers'
/// checks, so it fits the 16-bit length field.
fn header(content_type: u8, version: [u8; 2], fragment_len: usize) -> [u8; HEADER_LEN] {
    debug_assert!(fragment_len <= MAX_TLS12_CIPHERTEXT_LEN);
    let [len_high, len_low] = (fragment_len as u16).to_be_bytes();
    [content_type, version[0], version[1], len_high, len_low]
}
