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
//! Protection is an AEAD ([`AeadAlgorithm`]: AES-128-GCM, AES-256-GCM or
//! ChaCha20-Poly1305), in the shapes the versions give it:
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
//! The record layer does not know the handshake: dropping the unprotected
//! change_cipher_spec records TLS 1.3 allows (RFC 8446 §5), refusing empty
//! handshake fragments (§5.1) and joining handshake messages split across
//! records are the connection's business.

use padlock_aead::Aead;
use padlock_aes::AesGcm;
use padlock_chacha::ChaCha20Poly1305;
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

/// The tag of every record AEAD: 16 bytes (RFC 5288 §3, RFC 7905 §2, RFC 8446 §5.3).
const TAG_LEN: usize = 16;

/// The AEAD nonce: 12 bytes (RFC 5116 §3.2, RFC 8439 §2.8); also the length
/// of a TLS 1.3 traffic IV (RFC 8446 §5.3).
pub const NONCE_LEN: usize = 12;

/// The TLS 1.2 AES-GCM explicit nonce sent before each ciphertext (RFC 5288 §3).
const EXPLICIT_NONCE_LEN: usize = 8;

/// The AEADs records are sealed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AeadAlgorithm {
    /// AES-128-GCM (RFC 5288, RFC 8446 §B.4).
    Aes128Gcm,
    /// AES-256-GCM (RFC 5288, RFC 8446 §B.4).
    Aes256Gcm,
    /// AEAD_CHACHA20_POLY1305 (RFC 8439; RFC 7905 for TLS 1.2, RFC 8446 §B.4).
    ChaCha20Poly1305,
}

impl AeadAlgorithm {
    /// The key length in bytes: 16, 32 and 32 (the TLS 1.2 key block's
    /// `enc_key_length`, the TLS 1.3 traffic key's length).
    pub fn key_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes128Gcm => 16,
            AeadAlgorithm::Aes256Gcm | AeadAlgorithm::ChaCha20Poly1305 => 32,
        }
    }

    /// The TLS 1.2 key block's `fixed_iv_length` (its client/server_write_IV):
    /// 4 for AES-GCM, the salt (RFC 5288 §3); 12 for ChaCha20-Poly1305
    /// (RFC 7905 §2). TLS 1.3 always uses a 12-byte IV ([`NONCE_LEN`]).
    pub fn tls12_fixed_iv_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => 4,
            AeadAlgorithm::ChaCha20Poly1305 => NONCE_LEN,
        }
    }

    /// The TLS 1.2 explicit nonce sent in each record (`record_iv_length`):
    /// 8 for AES-GCM (RFC 5288 §3), none for ChaCha20-Poly1305 (RFC 7905 §2).
    pub fn tls12_explicit_nonce_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => EXPLICIT_NONCE_LEN,
            AeadAlgorithm::ChaCha20Poly1305 => 0,
        }
    }

    /// The name as RFC 5116's registry writes it, such as `"AEAD_AES_128_GCM"`.
    pub fn name(self) -> &'static str {
        match self {
            AeadAlgorithm::Aes128Gcm => "AEAD_AES_128_GCM",
            AeadAlgorithm::Aes256Gcm => "AEAD_AES_256_GCM",
            AeadAlgorithm::ChaCha20Poly1305 => "AEAD_CHACHA20_POLY1305",
        }
    }

    /// The AES-GCM algorithm for a 16- or 32-byte key.
    fn aes_gcm_for_key(key: &[u8]) -> Result<AeadAlgorithm, Error> {
        match key.len() {
            16 => Ok(AeadAlgorithm::Aes128Gcm),
            32 => Ok(AeadAlgorithm::Aes256Gcm),
            n => Err(Error::Internal(format!("an AES-GCM record key of {n} bytes, not 16 or 32"))),
        }
    }
}

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
/// The AEAD's key material is wiped when the AEAD inside is dropped; the
/// salt or IV beside it is wiped by this type's `Drop`.
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
    Tls12Gcm { aead: RecordAead, salt: [u8; 4] },
    /// TLS 1.2 ChaCha20-Poly1305 (RFC 7905 §2): nonce = iv XOR sequence
    /// number, nothing explicit on the wire.
    Tls12ChaCha { aead: RecordAead, iv: [u8; NONCE_LEN] },
    /// TLS 1.3, any AEAD (RFC 8446 §5.3): nonce = iv XOR sequence number.
    Tls13 { aead: RecordAead, iv: [u8; NONCE_LEN] },
}

/// The AEAD under a record key: either cipher, behind the one `Aead` trait.
#[allow(clippy::large_enum_variant, reason = "two per connection; AES-GCM, the common case, stays inline")]
enum RecordAead {
    /// AES-128-GCM or AES-256-GCM, as the algorithm says.
    AesGcm(AeadAlgorithm, AesGcm),
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305(ChaCha20Poly1305),
}

impl RecordAead {
    /// The AEAD of `algorithm` under `key` (of `algorithm.key_len()` bytes).
    fn new(algorithm: AeadAlgorithm, key: &[u8]) -> Result<RecordAead, Error> {
        // RFC 5288 §3, RFC 7905 §2, RFC 8446 Appendix B.4: the key lengths.
        if key.len() != algorithm.key_len() {
            return Err(Error::Internal(format!(
                "a {}-byte record key for {}, which takes {}",
                key.len(),
                algorithm.name(),
                algorithm.key_len()
            )));
        }
        let setup_failed =
            |e: &dyn std::fmt::Display| Error::Internal(format!("cannot set up the record key: {e}"));
        Ok(match algorithm {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => {
                RecordAead::AesGcm(algorithm, AesGcm::new(key).map_err(|e| setup_failed(&e))?)
            }
            AeadAlgorithm::ChaCha20Poly1305 => {
                RecordAead::ChaCha20Poly1305(ChaCha20Poly1305::new(key).map_err(|e| setup_failed(&e))?)
            }
        })
    }

    fn algorithm(&self) -> AeadAlgorithm {
        match self {
            RecordAead::AesGcm(algorithm, _) => *algorithm,
            RecordAead::ChaCha20Poly1305(_) => AeadAlgorithm::ChaCha20Poly1305,
        }
    }

    fn aead(&self) -> &dyn Aead {
        match self {
            RecordAead::AesGcm(_, aead) => aead,
            RecordAead::ChaCha20Poly1305(aead) => aead,
        }
    }
}

impl HalfConn {
    /// No protection: the state before keys are installed.
    pub fn plaintext() -> HalfConn {
        HalfConn { cipher: Cipher::Plaintext, seq: 0, plaintext_version: TLS12_VERSION }
    }

    /// TLS 1.2 protection with `algorithm`, its `key` (`algorithm.key_len()`
    /// bytes) and the key block's write IV (`algorithm.tls12_fixed_iv_len()`
    /// bytes):
    /// - AES-GCM (RFC 5288 §3): the IV is a 4-byte salt; nonce = salt(4) ||
    ///   explicit(8), the explicit part (the sequence number) sent in each record.
    /// - ChaCha20-Poly1305 (RFC 7905 §2): the IV is 12 bytes; nonce = IV XOR
    ///   the sequence number as 8 big-endian bytes left-padded to 12, and
    ///   nothing explicit on the wire.
    ///
    /// Wrong key or IV lengths are `Error::Internal`.
    pub fn tls12(algorithm: AeadAlgorithm, key: &[u8], fixed_iv: &[u8]) -> Result<HalfConn, Error> {
        let aead = RecordAead::new(algorithm, key)?;
        let wrong_iv = || {
            Error::Internal(format!(
                "a {}-byte TLS 1.2 write IV for {}, which takes {}",
                fixed_iv.len(),
                algorithm.name(),
                algorithm.tls12_fixed_iv_len()
            ))
        };
        let cipher = match algorithm {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => {
                Cipher::Tls12Gcm { aead, salt: fixed_iv.try_into().map_err(|_| wrong_iv())? }
            }
            AeadAlgorithm::ChaCha20Poly1305 => {
                Cipher::Tls12ChaCha { aead, iv: fixed_iv.try_into().map_err(|_| wrong_iv())? }
            }
        };
        Ok(HalfConn { cipher, seq: 0, plaintext_version: TLS12_VERSION })
    }

    /// TLS 1.3 protection with `algorithm`, its traffic `key`
    /// (`algorithm.key_len()` bytes, else `Error::Internal`) and 12-byte `iv`
    /// (RFC 8446 §5.3: nonce = iv XOR the sequence number, as 8 big-endian
    /// bytes left-padded to 12).
    pub fn tls13(algorithm: AeadAlgorithm, key: &[u8], iv: [u8; NONCE_LEN]) -> Result<HalfConn, Error> {
        let aead = RecordAead::new(algorithm, key)?;
        Ok(HalfConn { cipher: Cipher::Tls13 { aead, iv }, seq: 0, plaintext_version: TLS12_VERSION })
    }

    /// TLS 1.2 AES-GCM with a 16- or 32-byte `key` (AES-128 or AES-256 by
    /// its length) and the 4-byte `salt`: [`HalfConn::tls12`] for AES-GCM.
    pub fn tls12_gcm(key: &[u8], salt: [u8; 4]) -> Result<HalfConn, Error> {
        HalfConn::tls12(AeadAlgorithm::aes_gcm_for_key(key)?, key, &salt)
    }

    /// TLS 1.3 AES-GCM with a 16- or 32-byte traffic `key` (AES-128 or
    /// AES-256 by its length): [`HalfConn::tls13`] for AES-GCM.
    pub fn tls13_gcm(key: &[u8], iv: [u8; NONCE_LEN]) -> Result<HalfConn, Error> {
        HalfConn::tls13(AeadAlgorithm::aes_gcm_for_key(key)?, key, iv)
    }

    /// The AEAD protecting records; `None` before keys are installed.
    pub fn algorithm(&self) -> Option<AeadAlgorithm> {
        match &self.cipher {
            Cipher::Plaintext => None,
            Cipher::Tls12Gcm { aead, .. } | Cipher::Tls12ChaCha { aead, .. } | Cipher::Tls13 { aead, .. } => {
                Some(aead.algorithm())
            }
        }
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
    /// - TLS 1.2 ChaCha20-Poly1305 (RFC 7905 §2): the same additional_data,
    ///   no explicit nonce: record = header(type, 0x0303, len + 16) ||
    ///   ciphertext || tag.
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
            Cipher::Tls12Gcm { aead, salt } => {
                seal_tls12(aead, Tls12Nonce::Explicit(salt), self.seq, content_type, payload)?
            }
            Cipher::Tls12ChaCha { aead, iv } => {
                seal_tls12(aead, Tls12Nonce::Xor(iv), self.seq, content_type, payload)?
            }
            Cipher::Tls13 { aead, iv } => seal_tls13(aead, iv, self.seq, content_type, payload)?,
        };
        self.seq = next_seq;
        Ok(record)
    }

    /// Removes protection: returns the real content type and the plaintext.
    ///
    /// - Plaintext: fragment length > `MAX_PLAINTEXT_LEN` -> `RecordOverflow`.
    /// - TLS 1.2: fragment shorter than the explicit nonce (8 for AES-GCM,
    ///   none for ChaCha20-Poly1305) + 16 -> `BadRecordMac` (RFC 5246
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
            Cipher::Tls12Gcm { aead, salt } => {
                open_tls12(aead, Tls12Nonce::Explicit(salt), self.seq, record)?
            }
            Cipher::Tls12ChaCha { aead, iv } => open_tls12(aead, Tls12Nonce::Xor(iv), self.seq, record)?,
            Cipher::Tls13 { aead, iv } => open_tls13(aead, iv, self.seq, record)?,
        };
        self.seq = next_seq;
        Ok(opened)
    }
}

impl Drop for HalfConn {
    fn drop(&mut self) {
        // The AEAD wipes its own key material when it drops, just after this.
        match &mut self.cipher {
            Cipher::Plaintext => {}
            Cipher::Tls12Gcm { salt, .. } => salt.zeroize(),
            Cipher::Tls12ChaCha { iv, .. } | Cipher::Tls13 { iv, .. } => iv.zeroize(),
        }
    }
}

impl core::fmt::Debug for HalfConn {
    /// Shows the kind of protection and the sequence number, never the keys.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let version = match self.cipher {
            Cipher::Plaintext => "plaintext",
            Cipher::Tls12Gcm { .. } | Cipher::Tls12ChaCha { .. } => "TLS 1.2",
            Cipher::Tls13 { .. } => "TLS 1.3",
        };
        f.debug_struct("HalfConn")
            .field("protection", &version)
            .field("algorithm", &self.algorithm())
            .field("seq", &self.seq)
            .finish()
    }
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

/// How a TLS 1.2 record's nonce is made from the key block's write IV.
#[derive(Clone, Copy)]
enum Tls12Nonce<'a> {
    /// RFC 5288 §3 (AES-GCM): nonce = salt(4) || explicit nonce(8), the
    /// explicit part sent before the ciphertext.
    Explicit(&'a [u8; 4]),
    /// RFC 7905 §2 (ChaCha20-Poly1305): nonce = iv(12) XOR the padded
    /// sequence number; nothing explicit on the wire.
    Xor(&'a [u8; NONCE_LEN]),
}

impl Tls12Nonce<'_> {
    /// Bytes of nonce each record carries before its ciphertext.
    fn explicit_len(self) -> usize {
        match self {
            Tls12Nonce::Explicit(_) => EXPLICIT_NONCE_LEN,
            Tls12Nonce::Xor(_) => 0,
        }
    }

    /// The nonce of the record with sequence number `seq` whose explicit
    /// nonce (empty for `Xor`) is `explicit`.
    fn nonce(self, seq: u64, explicit: &[u8]) -> [u8; NONCE_LEN] {
        match self {
            Tls12Nonce::Explicit(salt) => {
                let mut nonce = [0u8; NONCE_LEN];
                nonce[..4].copy_from_slice(salt);
                nonce[4..].copy_from_slice(explicit);
                nonce
            }
            Tls12Nonce::Xor(iv) => xor_nonce(iv, seq),
        }
    }
}

/// TLS 1.2 GenericAEADCipher (RFC 5246 §6.2.3.3) with AES-GCM (RFC 5288 §3)
/// or ChaCha20-Poly1305 (RFC 7905 §2).
fn seal_tls12(
    aead: &RecordAead,
    nonce: Tls12Nonce<'_>,
    seq: u64,
    content_type: ContentType,
    payload: &[u8],
) -> Result<Vec<u8>, Error> {
    // RFC 5288 §3: the explicit nonce is ours to choose; the sequence number
    // never repeats under one key, so it is a safe choice (and Go's, and
    // OpenSSL's). RFC 7905 sends none.
    let explicit_nonce = &seq.to_be_bytes()[..nonce.explicit_len()];
    let nonce = nonce.nonce(seq, explicit_nonce);
    let aad = tls12_additional_data(seq, content_type.to_u8(), TLS12_VERSION, payload.len());
    let fragment_len = explicit_nonce.len() + payload.len() + TAG_LEN;
    let mut record = Vec::with_capacity(HEADER_LEN + fragment_len);
    record.extend_from_slice(&header(content_type.to_u8(), TLS12_VERSION, fragment_len));
    record.extend_from_slice(explicit_nonce);
    let ciphertext_start = record.len();
    record.extend_from_slice(payload);
    let tag = seal_in_place(aead, &nonce, &aad, &mut record[ciphertext_start..])?;
    record.extend_from_slice(tag.as_ref());
    Ok(record)
}

fn open_tls12(
    aead: &RecordAead,
    nonce: Tls12Nonce<'_>,
    seq: u64,
    record: Record,
) -> Result<(ContentType, Vec<u8>), Error> {
    let mut fragment = record.fragment;
    let explicit_len = nonce.explicit_len();
    // RFC 5246 §6.2.3.3: a fragment too short to hold the explicit nonce and
    // the tag cannot authenticate, and every such failure is bad_record_mac.
    if fragment.len() < explicit_len + TAG_LEN {
        return Err(Error::BadRecordMac);
    }
    let plaintext_len = fragment.len() - explicit_len - TAG_LEN;
    // RFC 5246 §6.2.1: at most 2^14 bytes of content (the length is public,
    // so checking it before decrypting reveals nothing).
    if plaintext_len > MAX_PLAINTEXT_LEN {
        return Err(Error::RecordOverflow);
    }
    let (explicit_nonce, rest) = fragment.split_at_mut(explicit_len);
    let (ciphertext, tag) = rest.split_at_mut(plaintext_len);
    let nonce = nonce.nonce(seq, explicit_nonce);
    // RFC 5246 §6.2.3.3: the header's type and version, as received, are authenticated.
    let aad = tls12_additional_data(seq, record.content_type.to_u8(), record.version, plaintext_len);
    aead.aead().open_in_place(&nonce, &aad, ciphertext, tag).map_err(|_| Error::BadRecordMac)?;
    fragment.truncate(explicit_len + plaintext_len);
    fragment.drain(..explicit_len);
    Ok((record.content_type, fragment))
}

/// Seals in place, naming the AEAD in the (internal, never expected) error.
fn seal_in_place(
    aead: &RecordAead,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buffer: &mut [u8],
) -> Result<padlock_aead::Tag, Error> {
    aead.aead()
        .seal_in_place(nonce, aad, buffer)
        .map_err(|e| Error::Internal(format!("{} cannot seal the record: {e}", aead.algorithm().name())))
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

/// TLS 1.3 TLSCiphertext (RFC 8446 §5.2).
fn seal_tls13(
    aead: &RecordAead,
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
    let tag = seal_in_place(aead, &xor_nonce(iv, seq), &aad, &mut record[inner_start..])?;
    record.extend_from_slice(tag.as_ref());
    Ok(record)
}

fn open_tls13(
    aead: &RecordAead,
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
    aead.aead().open_in_place(&xor_nonce(iv, seq), &aad, inner, tag).map_err(|_| Error::BadRecordMac)?;
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

/// RFC 8446 §5.3 and RFC 7905 §2: the sequence number as 8 big-endian
/// bytes, left-padded with zeros to the IV's 12, XORed with the IV.
fn xor_nonce(iv: &[u8; NONCE_LEN], seq: u64) -> [u8; NONCE_LEN] {
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
