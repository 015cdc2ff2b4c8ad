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
//! - [`Deframer`] cuts the incoming byte stream into [`Record`]s. It checks
//!   only the header, and refuses an oversized length as soon as the
//!   header arrives, rather than waiting for a body that may never come.
//! - [`HalfConn`] is one direction's protection (Go's `halfConn`): the
//!   AEAD key, its nonce material and the sequence number. A connection has
//!   two, one to read and one to write, and replaces each at every key
//!   change: a new `HalfConn` starts again at sequence number 0.
//!
//! Protection is AES-GCM only, in the two shapes the versions give it:
//!
//! ```text
//! TLS 1.2 (RFC 5288):  header(type, 0x0303, 8 + n + 16) || seq(8) || AES-GCM(content) || tag(16)
//!                      nonce = salt(4) || seq(8), aad = seq(8) || type || 0x0303 || n(2)
//! TLS 1.3 (RFC 8446):  header(23, 0x0303, n + 1 + 16) || AES-GCM(content || type) || tag(16)
//!                      nonce = iv XOR seq (left-padded), aad = the header itself
//! ```
//!
//! The record layer does not know the handshake: dropping the unprotected
//! change_cipher_spec records TLS 1.3 allows (RFC 8446 §5), refusing empty
//! handshake fragments (§5.1) and joining handshake messages split across
//! records are the connection's business.

use padlock_aes::{Aead, AesGcm};
use zeroize::Zeroize;

use crate::Error;

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

/// The version every protected record carries, and plaintext ones by default:
/// TLS 1.2's 3.3, kept by TLS 1.3 as `legacy_record_version` (RFC 8446 §5.1).
const TLS12_VERSION: [u8; 2] = [3, 3];

/// AES-GCM's tag, as both versions use it (RFC 5288 §3, RFC 8446 §5.3).
const TAG_LEN: usize = 16;

/// The AES-GCM nonce: 12 bytes (RFC 5116 §3.2).
const NONCE_LEN: usize = 12;

/// The TLS 1.2 explicit nonce sent before each ciphertext (RFC 5288 §3).
const EXPLICIT_NONCE_LEN: usize = 8;

/// One record as it came off the wire (header fields + fragment).
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

/// Splits an incoming byte stream into records.
#[derive(Default)]
pub struct Deframer {
    /// Bytes received: `buffer[start..]` do not yet make a whole record.
    buffer: Vec<u8>,
    /// Where the unread bytes begin. Records are cut off the front by moving
    /// this offset, not by shifting the buffer (which made a megabyte of tiny
    /// records quadratic work); the buffer is compacted when at least half
    /// of it has been read.
    start: usize,
}

impl Deframer {
    /// A deframer holding no bytes.
    pub fn new() -> Deframer {
        Deframer::default()
    }

    /// Appends bytes received from the peer.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next whole record, None if more bytes are needed. Errors: unknown
    /// content type -> `Error::UnexpectedMessage`; version major byte != 3 ->
    /// `Error::Decode`; length field > `MAX_TLS12_CIPHERTEXT_LEN` ->
    /// `Error::RecordOverflow`, checked from the header, before waiting for
    /// (or buffering) the body.
    ///
    /// The TLS 1.3 limit, tighter, is [`HalfConn::open`]'s to check: only
    /// the protection state knows which version is spoken.
    pub fn next_record(&mut self) -> Result<Option<Record>, Error> {
        let unread = &self.buffer[self.start..];
        let Some(&[type_code, major, minor, len_high, len_low]) = unread.first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        // RFC 8446 §5: a record of a type we do not know is unexpected_message
        // (RFC 5246 §6: "MUST send an unexpected_message alert").
        let content_type = ContentType::from_u8(type_code).ok_or_else(|| {
            Error::UnexpectedMessage(format!("a record of unknown content type {type_code}"))
        })?;
        // RFC 5246 Appendix E.1, RFC 8446 §5.1: every SSL 3 and TLS record
        // version is 3.x; anything else is not TLS at all (an SSL 2 hello, HTTP).
        if major != 3 {
            return Err(Error::Decode("a record whose version is not 3.x: the peer does not speak TLS"));
        }
        let fragment_len = usize::from(u16::from_be_bytes([len_high, len_low]));
        // RFC 5246 §6.2.3: "The length MUST NOT exceed 2^14 + 2048." Checked
        // now, so that a lying header cannot make us wait for (or buffer) more.
        if fragment_len > MAX_TLS12_CIPHERTEXT_LEN {
            return Err(Error::RecordOverflow);
        }
        let Some(fragment) = unread.get(HEADER_LEN..HEADER_LEN + fragment_len) else {
            return Ok(None);
        };
        let record = Record { content_type, version: [major, minor], fragment: fragment.to_vec() };
        self.start += HEADER_LEN + fragment_len;
        Ok(Some(record))
    }

    /// Bytes held that do not yet make a record. Non-zero when the peer
    /// closes the stream means it cut a record short (a truncation attack,
    /// or a broken peer).
    pub fn buffered(&self) -> usize {
        self.buffer.len() - self.start
    }
}

/// One direction's protection state (Go's halfConn): the cipher and its
/// sequence number, reset to 0 at every key change (each constructor starts
/// at 0).
///
/// The AES key schedule and GHASH key are wiped when the `AesGcm` inside is
/// dropped; the salt or IV beside it is wiped by this type's `Drop`.
pub struct HalfConn {
    cipher: Cipher,
    /// The number of records this state has sealed or opened: the next
    /// record's sequence number (RFC 5246 §6.1, RFC 8446 §5.3).
    seq: u64,
    /// The header version of plaintext records.
    plaintext_version: [u8; 2],
}

/// The protection a `HalfConn` applies.
enum Cipher {
    /// None yet: the first handshake messages travel in the clear.
    Plaintext,
    /// TLS 1.2 AES-GCM (RFC 5288): nonce = salt || explicit nonce.
    Tls12Gcm { aead: AesGcm, salt: [u8; 4] },
    /// TLS 1.3 AES-GCM (RFC 8446 §5.3): nonce = iv XOR sequence number.
    Tls13Gcm { aead: AesGcm, iv: [u8; NONCE_LEN] },
}

impl HalfConn {
    /// No protection: the state before keys are installed.
    pub fn plaintext() -> HalfConn {
        HalfConn { cipher: Cipher::Plaintext, seq: 0, plaintext_version: TLS12_VERSION }
    }

    /// TLS 1.2 AES-GCM with a 16- or 32-byte `key` and the 4-byte implicit
    /// `salt` of the key block (RFC 5288 §3: nonce = salt(4) || explicit(8)).
    pub fn tls12_gcm(key: &[u8], salt: [u8; 4]) -> Result<HalfConn, Error> {
        let aead = new_aead(key)?;
        Ok(HalfConn { cipher: Cipher::Tls12Gcm { aead, salt }, seq: 0, plaintext_version: TLS12_VERSION })
    }

    /// TLS 1.3 AES-GCM with a 16- or 32-byte traffic `key` and its 12-byte
    /// `iv` (RFC 8446 §5.3: nonce = iv XOR the sequence number, as 8
    /// big-endian bytes left-padded to 12).
    pub fn tls13_gcm(key: &[u8], iv: [u8; NONCE_LEN]) -> Result<HalfConn, Error> {
        let aead = new_aead(key)?;
        Ok(HalfConn { cipher: Cipher::Tls13Gcm { aead, iv }, seq: 0, plaintext_version: TLS12_VERSION })
    }

    /// Whether records are encrypted and authenticated.
    pub fn is_protected(&self) -> bool {
        !matches!(self.cipher, Cipher::Plaintext)
    }

    /// The sequence number of the next record sealed or opened.
    pub fn sequence_number(&self) -> u64 {
        self.seq
    }

    /// Version used in the header of *plaintext* records; [3, 3] by default
    /// ([3, 1] for a first ClientHello is allowed, RFC 8446 §5.1).
    pub fn set_plaintext_version(&mut self, version: [u8; 2]) {
        self.plaintext_version = version;
    }

    /// Protects `payload` (at most `MAX_PLAINTEXT_LEN` bytes, else
    /// `Error::Internal`) as one record and returns the whole record bytes
    /// (header included).
    ///
    /// - Plaintext: header(type, plaintext_version, len) || payload.
    /// - TLS 1.2 GCM (RFC 5246 §6.2.3.3, RFC 5288 §3): explicit nonce = the
    ///   8-byte big-endian sequence number; additional_data = seq_num(8) ||
    ///   type(1) || version(0x0303) || plaintext length(2); record =
    ///   header(type, 0x0303, 8 + len + 16) || explicit nonce || ciphertext || tag.
    /// - TLS 1.3 (RFC 8446 §5.2): TLSInnerPlaintext = payload || type (no
    ///   padding); outer type application_data (23), version 0x0303;
    ///   additional_data = the 5-byte record header with the ciphertext
    ///   length (len + 1 + 16). A change_cipher_spec cannot be sealed this
    ///   way (RFC 8446 §5: it is only ever sent in the clear).
    ///
    /// Increments the sequence number; a sequence number that would wrap is
    /// an `Error::Internal` (the connection must rekey or close first).
    pub fn seal(&mut self, content_type: ContentType, payload: &[u8]) -> Result<Vec<u8>, Error> {
        // RFC 5246 §6.2.1, RFC 8446 §5.1: a record carries at most 2^14 bytes;
        // splitting longer data into records is the caller's job.
        if payload.len() > MAX_PLAINTEXT_LEN {
            return Err(Error::Internal(format!(
                "a {}-byte {} record: records carry at most {MAX_PLAINTEXT_LEN} bytes",
                payload.len(),
                content_type.name()
            )));
        }
        // RFC 5246 §6.1, RFC 8446 §5.3: sequence numbers must not wrap.
        let next_seq = self.seq.checked_add(1).ok_or_else(sequence_exhausted)?;
        let record = match &self.cipher {
            Cipher::Plaintext => {
                let mut record = Vec::with_capacity(HEADER_LEN + payload.len());
                record.extend_from_slice(&header(
                    content_type.to_u8(),
                    self.plaintext_version,
                    payload.len(),
                ));
                record.extend_from_slice(payload);
                record
            }
            Cipher::Tls12Gcm { aead, salt } => seal_tls12(aead, salt, self.seq, content_type, payload)?,
            Cipher::Tls13Gcm { aead, iv } => seal_tls13(aead, iv, self.seq, content_type, payload)?,
        };
        self.seq = next_seq;
        Ok(record)
    }

    /// Removes protection: returns the real content type and the plaintext.
    ///
    /// - Plaintext: fragment length > `MAX_PLAINTEXT_LEN` -> `RecordOverflow`.
    /// - TLS 1.2: fragment shorter than 8 + 16 -> `BadRecordMac` (RFC 5246
    ///   §6.2.3.3: any failure of this kind is bad_record_mac); plaintext
    ///   longer than 2^14 -> `RecordOverflow`; auth failure -> `BadRecordMac`.
    /// - TLS 1.3: outer type must be application_data (else
    ///   `UnexpectedMessage`); fragment > `MAX_TLS13_CIPHERTEXT_LEN` ->
    ///   `RecordOverflow`; auth failure -> `BadRecordMac`; decrypted
    ///   TLSInnerPlaintext (content, type and padding) longer than 2^14 + 1
    ///   -> `RecordOverflow`; strip zero padding from the end; no non-zero
    ///   byte -> `UnexpectedMessage`; an unknown inner type, or a protected
    ///   change_cipher_spec, -> `UnexpectedMessage`.
    ///
    /// Increments the sequence number after a successful open.
    pub fn open(&mut self, record: Record) -> Result<(ContentType, Vec<u8>), Error> {
        // RFC 5246 §6.1, RFC 8446 §5.3: sequence numbers must not wrap.
        let next_seq = self.seq.checked_add(1).ok_or_else(sequence_exhausted)?;
        let opened = match &self.cipher {
            Cipher::Plaintext => {
                // RFC 5246 §6.2.1, RFC 8446 §5.1: at most 2^14 bytes of content.
                if record.fragment.len() > MAX_PLAINTEXT_LEN {
                    return Err(Error::RecordOverflow);
                }
                (record.content_type, record.fragment)
            }
            Cipher::Tls12Gcm { aead, salt } => open_tls12(aead, salt, self.seq, record)?,
            Cipher::Tls13Gcm { aead, iv } => open_tls13(aead, iv, self.seq, record)?,
        };
        self.seq = next_seq;
        Ok(opened)
    }
}

impl Drop for HalfConn {
    fn drop(&mut self) {
        // The AesGcm wipes its own key material when it drops, just after this.
        match &mut self.cipher {
            Cipher::Plaintext => {}
            Cipher::Tls12Gcm { salt, .. } => salt.zeroize(),
            Cipher::Tls13Gcm { iv, .. } => iv.zeroize(),
        }
    }
}

impl core::fmt::Debug for HalfConn {
    /// Shows the kind of protection and the sequence number, never the keys.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let protection = match self.cipher {
            Cipher::Plaintext => "plaintext",
            Cipher::Tls12Gcm { .. } => "TLS 1.2 AES-GCM",
            Cipher::Tls13Gcm { .. } => "TLS 1.3 AES-GCM",
        };
        f.debug_struct("HalfConn").field("protection", &protection).field("seq", &self.seq).finish()
    }
}

fn new_aead(key: &[u8]) -> Result<AesGcm, Error> {
    // RFC 5288 §3, RFC 8446 Appendix B.4: AES-128-GCM or AES-256-GCM.
    if !matches!(key.len(), 16 | 32) {
        return Err(Error::Internal(format!("an AES-GCM record key of {} bytes, not 16 or 32", key.len())));
    }
    AesGcm::new(key).map_err(|e| Error::Internal(format!("cannot set up the record key: {e}")))
}

fn sequence_exhausted() -> Error {
    Error::Internal("the record sequence number would wrap: the keys must change first".to_string())
}

/// A record header. `fragment_len` is at most 2^14 + 2048 by the callers'
/// checks, so it fits the 16-bit length field.
impl Record {
    /// The record as it was on the wire: header, then fragment (for traces).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = header(self.content_type.to_u8(), self.version, self.fragment.len()).to_vec();
        bytes.extend_from_slice(&self.fragment);
        bytes
    }
}

fn header(content_type: u8, version: [u8; 2], fragment_len: usize) -> [u8; HEADER_LEN] {
    debug_assert!(fragment_len <= MAX_TLS12_CIPHERTEXT_LEN);
    let [len_high, len_low] = (fragment_len as u16).to_be_bytes();
    [content_type, version[0], version[1], len_high, len_low]
}

/// TLS 1.2 GenericAEADCipher (RFC 5246 §6.2.3.3) with AES-GCM (RFC 5288 §3).
fn seal_tls12(
    aead: &AesGcm,
    salt: &[u8; 4],
    seq: u64,
    content_type: ContentType,
    payload: &[u8],
) -> Result<Vec<u8>, Error> {
    // RFC 5288 §3: the explicit nonce is ours to choose; the sequence number
    // never repeats under one key, so it is a safe choice (and Go's, and
    // OpenSSL's).
    let explicit_nonce = seq.to_be_bytes();
    let nonce = tls12_nonce(salt, &explicit_nonce);
    let aad = tls12_additional_data(seq, content_type.to_u8(), TLS12_VERSION, payload.len());
    let fragment_len = EXPLICIT_NONCE_LEN + payload.len() + TAG_LEN;
    let mut record = Vec::with_capacity(HEADER_LEN + fragment_len);
    record.extend_from_slice(&header(content_type.to_u8(), TLS12_VERSION, fragment_len));
    record.extend_from_slice(&explicit_nonce);
    let ciphertext_start = record.len();
    record.extend_from_slice(payload);
    let tag = aead
        .seal_in_place(&nonce, &aad, &mut record[ciphertext_start..])
        .map_err(|e| Error::Internal(format!("AES-GCM cannot seal the record: {e}")))?;
    record.extend_from_slice(tag.as_ref());
    Ok(record)
}

fn open_tls12(
    aead: &AesGcm,
    salt: &[u8; 4],
    seq: u64,
    record: Record,
) -> Result<(ContentType, Vec<u8>), Error> {
    let mut fragment = record.fragment;
    // RFC 5246 §6.2.3.3: a fragment too short to hold the explicit nonce and
    // the tag cannot authenticate, and every such failure is bad_record_mac.
    if fragment.len() < EXPLICIT_NONCE_LEN + TAG_LEN {
        return Err(Error::BadRecordMac);
    }
    let plaintext_len = fragment.len() - EXPLICIT_NONCE_LEN - TAG_LEN;
    // RFC 5246 §6.2.1: at most 2^14 bytes of content (the length is public,
    // so checking it before decrypting reveals nothing).
    if plaintext_len > MAX_PLAINTEXT_LEN {
        return Err(Error::RecordOverflow);
    }
    let (explicit_nonce, rest) = fragment.split_at_mut(EXPLICIT_NONCE_LEN);
    let (ciphertext, tag) = rest.split_at_mut(plaintext_len);
    let nonce = tls12_nonce(salt, explicit_nonce);
    // RFC 5246 §6.2.3.3: the header's type and version, as received, are authenticated.
    let aad = tls12_additional_data(seq, record.content_type.to_u8(), record.version, plaintext_len);
    aead.open_in_place(&nonce, &aad, ciphertext, tag).map_err(|_| Error::BadRecordMac)?;
    fragment.truncate(EXPLICIT_NONCE_LEN + plaintext_len);
    fragment.drain(..EXPLICIT_NONCE_LEN);
    Ok((record.content_type, fragment))
}

/// RFC 5288 §3: nonce = salt(4) || GCMNonce.nonce_explicit(8).
fn tls12_nonce(salt: &[u8; 4], explicit_nonce: &[u8]) -> Vec<u8> {
    let mut nonce = Vec::with_capacity(NONCE_LEN);
    nonce.extend_from_slice(salt);
    nonce.extend_from_slice(explicit_nonce);
    nonce
}

/// RFC 5246 §6.2.3.3: additional_data = seq_num + TLSCompressed.type +
/// TLSCompressed.version + TLSCompressed.length (the plaintext's length).
fn tls12_additional_data(seq: u64, content_type: u8, version: [u8; 2], plaintext_len: usize) -> [u8; 13] {
    let [s0, s1, s2, s3, s4, s5, s6, s7] = seq.to_be_bytes();
    // Both callers bound plaintext_len by 2^14, so it fits in 16 bits.
    debug_assert!(plaintext_len <= MAX_PLAINTEXT_LEN);
    let [l0, l1] = (plaintext_len as u16).to_be_bytes();
    [s0, s1, s2, s3, s4, s5, s6, s7, content_type, version[0], version[1], l0, l1]
}

/// TLS 1.3 TLSCiphertext (RFC 8446 §5.2) with AES-GCM.
fn seal_tls13(
    aead: &AesGcm,
    iv: &[u8; NONCE_LEN],
    seq: u64,
    content_type: ContentType,
    payload: &[u8],
) -> Result<Vec<u8>, Error> {
    // RFC 8446 §5: change_cipher_spec is only ever sent unprotected.
    if content_type == ContentType::ChangeCipherSpec {
        return Err(Error::Internal("TLS 1.3 never protects a change_cipher_spec record".to_string()));
    }
    // RFC 8446 §5.2: opaque_type is application_data, legacy_record_version
    // 0x0303, and the header is the additional data.
    let fragment_len = payload.len() + 1 + TAG_LEN;
    let aad = header(ContentType::ApplicationData.to_u8(), TLS12_VERSION, fragment_len);
    let mut record = Vec::with_capacity(HEADER_LEN + fragment_len);
    record.extend_from_slice(&aad);
    let inner_start = record.len();
    // RFC 8446 §5.2: TLSInnerPlaintext = content || type || zeros (we pad with none).
    record.extend_from_slice(payload);
    record.push(content_type.to_u8());
    let tag = aead
        .seal_in_place(&tls13_nonce(iv, seq), &aad, &mut record[inner_start..])
        .map_err(|e| Error::Internal(format!("AES-GCM cannot seal the record: {e}")))?;
    record.extend_from_slice(tag.as_ref());
    Ok(record)
}

fn open_tls13(
    aead: &AesGcm,
    iv: &[u8; NONCE_LEN],
    seq: u64,
    record: Record,
) -> Result<(ContentType, Vec<u8>), Error> {
    // RFC 8446 §5.2: every protected record says application_data outside.
    if record.content_type != ContentType::ApplicationData {
        return Err(Error::UnexpectedMessage(format!(
            "a {} record after TLS 1.3 keys were installed: protected records are application_data",
            record.content_type.name()
        )));
    }
    let mut fragment = record.fragment;
    // RFC 8446 §5.2: "The length MUST NOT exceed 2^14 + 256 bytes."
    if fragment.len() > MAX_TLS13_CIPHERTEXT_LEN {
        return Err(Error::RecordOverflow);
    }
    // RFC 8446 §5.2: a fragment without room for the tag cannot decrypt.
    let Some(inner_len) = fragment.len().checked_sub(TAG_LEN) else {
        return Err(Error::BadRecordMac);
    };
    let aad = header(record.content_type.to_u8(), record.version, fragment.len());
    let (inner, tag) = fragment.split_at_mut(inner_len);
    // RFC 8446 §5.2: "If the decryption fails, the receiver MUST terminate
    // the connection with a "bad_record_mac" alert."
    aead.open_in_place(&tls13_nonce(iv, seq), &aad, inner, tag).map_err(|_| Error::BadRecordMac)?;
    // RFC 8446 §5.4: the full TLSInnerPlaintext MUST NOT exceed 2^14 + 1 bytes.
    if inner_len > MAX_PLAINTEXT_LEN + 1 {
        return Err(Error::RecordOverflow);
    }
    fragment.truncate(inner_len);
    // RFC 8446 §5.4: the type is the last non-zero byte; the zeros after it
    // are padding. A record of zeros only is unexpected_message.
    let Some(type_at) = fragment.iter().rposition(|&b| b != 0) else {
        return Err(Error::UnexpectedMessage("a TLS 1.3 record with no content type, only padding".into()));
    };
    let type_code = fragment[type_at];
    fragment.truncate(type_at);
    match ContentType::from_u8(type_code) {
        // RFC 8446 §5: a protected change_cipher_spec is unexpected_message.
        Some(ContentType::ChangeCipherSpec) => {
            Err(Error::UnexpectedMessage("a protected change_cipher_spec record".to_string()))
        }
        Some(content_type) => Ok((content_type, fragment)),
        // RFC 8446 §5: a record of a type we do not know is unexpected_message.
        None => {
            Err(Error::UnexpectedMessage(format!("a protected record of unknown content type {type_code}")))
        }
    }
}

/// RFC 8446 §5.3: the sequence number as 8 big-endian bytes, left-padded
/// with zeros to the IV's 12, XORed with the IV.
fn tls13_nonce(iv: &[u8; NONCE_LEN], seq: u64) -> [u8; NONCE_LEN] {
    let mut nonce = *iv;
    let seq_bytes = seq.to_be_bytes();
    for (n, s) in nonce[NONCE_LEN - seq_bytes.len()..].iter_mut().zip(seq_bytes) {
        *n ^= s;
    }
    nonce
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state whose sequence number reached 2^64 - 1 refuses to go on:
    /// the next number would wrap to 0 and repeat a nonce.
    #[test]
    fn sequence_number_does_not_wrap() {
        let mut writer = HalfConn::tls13_gcm(&[7; 16], [9; NONCE_LEN]).expect("a 16-byte key");
        writer.seq = u64::MAX;
        assert!(matches!(writer.seal(ContentType::ApplicationData, b"x"), Err(Error::Internal(_))));
        assert_eq!(writer.sequence_number(), u64::MAX);
        let mut plain = HalfConn::plaintext();
        plain.seq = u64::MAX;
        let record = Record { content_type: ContentType::Handshake, version: [3, 3], fragment: vec![1] };
        assert!(matches!(plain.open(record), Err(Error::Internal(_))));
    }
}
