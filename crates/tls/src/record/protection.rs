//! One direction's record protection: sealing records into a buffer and
//! opening them where they lie (RFC 5246 §6.2.3.3, RFC 5288, RFC 7905,
//! RFC 8446 §5.2-5.4).
//!
//! Constant time: yes, because the AEADs are; what else depends on the data
//! is public lengths and, in TLS 1.3, the scan for the content type over
//! the padding, after the record authenticated (its length is the sender's
//! choice, RFC 8446 §5.4; Padlock sends none).

use core::ops::Range;

use zeroize::Zeroize;

use super::aead::{EXPLICIT_NONCE_LEN, RecordAead};
use super::copy;
use super::{
    AeadAlgorithm, ContentType, HEADER_LEN, MAX_PLAINTEXT_LEN, MAX_TLS13_CIPHERTEXT_LEN, NONCE_LEN, Record,
    RecordMut, TLS12_VERSION, header,
};
use crate::Error;
use crate::lab::{Switch, Switches};

/// The tag of every record AEAD: 16 bytes (RFC 5288 §3, RFC 7905 §2, RFC 8446 §5.3).
const TAG_LEN: usize = 16;

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
    /// The lab switches ([`crate::lab`]) this state obeys: none, except in a lab.
    switches: Switches,
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

impl HalfConn {
    /// No protection: the state before keys are installed.
    pub fn plaintext() -> HalfConn {
        HalfConn {
            cipher: Cipher::Plaintext,
            seq: 0,
            plaintext_version: TLS12_VERSION,
            switches: Switches::NONE,
        }
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
        Ok(HalfConn { cipher, seq: 0, plaintext_version: TLS12_VERSION, switches: Switches::NONE })
    }

    /// TLS 1.3 protection with `algorithm`, its traffic `key`
    /// (`algorithm.key_len()` bytes, else `Error::Internal`) and 12-byte `iv`
    /// (RFC 8446 §5.3: nonce = iv XOR the sequence number, as 8 big-endian
    /// bytes left-padded to 12).
    pub fn tls13(algorithm: AeadAlgorithm, key: &[u8], iv: [u8; NONCE_LEN]) -> Result<HalfConn, Error> {
        let aead = RecordAead::new(algorithm, key)?;
        Ok(HalfConn {
            cipher: Cipher::Tls13 { aead, iv },
            seq: 0,
            plaintext_version: TLS12_VERSION,
            switches: Switches::NONE,
        })
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

    /// This state, obeying the labs' `switches` (the connection sets them
    /// on each write state it installs).
    pub(crate) fn obeying(mut self, switches: Switches) -> HalfConn {
        self.switches = switches;
        self
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

    /// Protects `payload` as one record and returns the record's bytes
    /// (header included), in a vector of its own: [`HalfConn::seal_into`]
    /// an empty vector.
    pub fn seal(&mut self, content_type: ContentType, payload: &[u8]) -> Result<Vec<u8>, Error> {
        let mut record = Vec::new();
        self.seal_into(content_type, payload, &mut record)?;
        Ok(record)
    }

    /// Protects `payload` (at most `MAX_PLAINTEXT_LEN` bytes, else
    /// `Error::Internal`) as one record appended to `out`, and returns where
    /// in `out` the record lies (header included). The payload is copied
    /// once, into its place in `out`, and encrypted there.
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
    /// an `Error::Internal` (the connection must rekey or close first). On
    /// an error `out` is left as it was.
    pub fn seal_into(
        &mut self,
        content_type: ContentType,
        payload: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<Range<usize>, Error> {
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
        let start = out.len();
        let sealed = match &self.cipher {
            Cipher::Plaintext => {
                out.reserve(HEADER_LEN + payload.len());
                out.extend_from_slice(&header(content_type.to_u8(), self.plaintext_version, payload.len()));
                copy::extend(out, payload);
                Ok(())
            }
            Cipher::Tls12Gcm { aead, salt } => {
                // LAB SWITCH: RepeatGcmNonce — explicit nonce 0 on every record, not the sequence number.
                let explicit = if self.switches.is_on(Switch::RepeatGcmNonce) { 0 } else { self.seq };
                let nonce = Tls12Nonce::Explicit(salt);
                seal_tls12(aead, nonce, self.seq, explicit, content_type, payload, out)
            }
            Cipher::Tls12ChaCha { aead, iv } => {
                seal_tls12(aead, Tls12Nonce::Xor(iv), self.seq, self.seq, content_type, payload, out)
            }
            Cipher::Tls13 { aead, iv } => seal_tls13(aead, iv, self.seq, content_type, payload, out),
        };
        if let Err(error) = sealed {
            out.truncate(start);
            return Err(error);
        }
        self.seq = next_seq;
        Ok(start..out.len())
    }

    /// Removes protection from a record in a vector of its own: returns the
    /// real content type and the plaintext (the fragment's vector, cut to
    /// it). The same checks and errors as [`HalfConn::open_in_place`].
    pub fn open(&mut self, record: Record) -> Result<(ContentType, Vec<u8>), Error> {
        let mut fragment = record.fragment;
        let (content_type, plaintext) =
            self.open_fragment(record.content_type, record.version, &mut fragment)?;
        fragment.truncate(plaintext.end);
        fragment.drain(..plaintext.start);
        Ok((content_type, fragment))
    }

    /// Removes protection from a record where it lies (in the deframer's
    /// buffer): decrypts the fragment in place and returns the real content
    /// type and where the plaintext, a part of the fragment, lies in that
    /// buffer (from [`RecordMut::offset`]) — a range rather than a borrow,
    /// so the connection can leave application data there until it is read.
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
    /// Increments the sequence number after a successful open. After a
    /// failed one the fragment holds no plaintext (it is left as it came,
    /// or zeroed by the AEAD).
    pub fn open_in_place(&mut self, record: RecordMut<'_>) -> Result<(ContentType, Range<usize>), Error> {
        let (content_type, plaintext) =
            self.open_fragment(record.content_type, record.version, record.fragment)?;
        Ok((content_type, record.offset + plaintext.start..record.offset + plaintext.end))
    }

    /// [`HalfConn::open_in_place`] on the fields of a record: returns the
    /// content type and where in `fragment` the plaintext lies.
    fn open_fragment(
        &mut self,
        content_type: ContentType,
        version: [u8; 2],
        fragment: &mut [u8],
    ) -> Result<(ContentType, Range<usize>), Error> {
        // RFC 5246 §6.1, RFC 8446 §5.3: sequence numbers must not wrap.
        let next_seq = self.seq.checked_add(1).ok_or_else(sequence_exhausted)?;
        let opened = match &self.cipher {
            Cipher::Plaintext => {
                // RFC 5246 §6.2.1, RFC 8446 §5.1: at most 2^14 bytes of content.
                if fragment.len() > MAX_PLAINTEXT_LEN {
                    return Err(Error::RecordOverflow);
                }
                (content_type, 0..fragment.len())
            }
            Cipher::Tls12Gcm { aead, salt } => {
                open_tls12(aead, Tls12Nonce::Explicit(salt), self.seq, content_type, version, fragment)?
            }
            Cipher::Tls12ChaCha { aead, iv } => {
                open_tls12(aead, Tls12Nonce::Xor(iv), self.seq, content_type, version, fragment)?
            }
            Cipher::Tls13 { aead, iv } => open_tls13(aead, iv, self.seq, content_type, version, fragment)?,
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
/// or ChaCha20-Poly1305 (RFC 7905 §2), appended to `out`.
fn seal_tls12(
    aead: &RecordAead,
    nonce: Tls12Nonce<'_>,
    seq: u64,
    explicit: u64,
    content_type: ContentType,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    // RFC 5288 §3: the explicit nonce is ours to choose; the sequence number
    // never repeats under one key, so it is a safe choice (and Go's, and
    // OpenSSL's): `explicit` is `seq`, except under a lab switch. RFC 7905
    // sends none.
    let explicit_nonce = &explicit.to_be_bytes()[..nonce.explicit_len()];
    let nonce = nonce.nonce(seq, explicit_nonce);
    let aad = tls12_additional_data(seq, content_type.to_u8(), TLS12_VERSION, payload.len());
    let fragment_len = explicit_nonce.len() + payload.len() + TAG_LEN;
    out.reserve(HEADER_LEN + fragment_len);
    out.extend_from_slice(&header(content_type.to_u8(), TLS12_VERSION, fragment_len));
    out.extend_from_slice(explicit_nonce);
    let ciphertext_start = out.len();
    copy::extend(out, payload);
    let tag = aead.seal_in_place(&nonce, &aad, &mut out[ciphertext_start..])?;
    out.extend_from_slice(tag.as_ref());
    Ok(())
}

/// Opens a TLS 1.2 fragment in place; returns where the plaintext lies.
fn open_tls12(
    aead: &RecordAead,
    nonce: Tls12Nonce<'_>,
    seq: u64,
    content_type: ContentType,
    version: [u8; 2],
    fragment: &mut [u8],
) -> Result<(ContentType, Range<usize>), Error> {
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
    let aad = tls12_additional_data(seq, content_type.to_u8(), version, plaintext_len);
    aead.open_in_place(&nonce, &aad, ciphertext, tag)?;
    Ok((content_type, explicit_len..explicit_len + plaintext_len))
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

/// TLS 1.3 TLSCiphertext (RFC 8446 §5.2), appended to `out`.
fn seal_tls13(
    aead: &RecordAead,
    iv: &[u8; NONCE_LEN],
    seq: u64,
    content_type: ContentType,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    // RFC 8446 §5: change_cipher_spec is only ever sent unprotected.
    if content_type == ContentType::ChangeCipherSpec {
        return Err(Error::Internal("TLS 1.3 never protects a change_cipher_spec record".to_string()));
    }
    // RFC 8446 §5.2: opaque_type is application_data, legacy_record_version
    // 0x0303, and the header is the additional data.
    let fragment_len = payload.len() + 1 + TAG_LEN;
    let aad = header(ContentType::ApplicationData.to_u8(), TLS12_VERSION, fragment_len);
    out.reserve(HEADER_LEN + fragment_len);
    out.extend_from_slice(&aad);
    let inner_start = out.len();
    // RFC 8446 §5.2: TLSInnerPlaintext = content || type || zeros (we pad with none).
    copy::extend(out, payload);
    out.push(content_type.to_u8());
    let tag = aead.seal_in_place(&xor_nonce(iv, seq), &aad, &mut out[inner_start..])?;
    out.extend_from_slice(tag.as_ref());
    Ok(())
}

/// Opens a TLS 1.3 fragment in place; returns the inner content type and
/// where the content lies.
fn open_tls13(
    aead: &RecordAead,
    iv: &[u8; NONCE_LEN],
    seq: u64,
    content_type: ContentType,
    version: [u8; 2],
    fragment: &mut [u8],
) -> Result<(ContentType, Range<usize>), Error> {
    // RFC 8446 §5.2: every protected record says application_data outside.
    if content_type != ContentType::ApplicationData {
        return Err(Error::UnexpectedMessage(format!(
            "a {} record after TLS 1.3 keys were installed: protected records are application_data",
            content_type.name()
        )));
    }
    // RFC 8446 §5.2: "The length MUST NOT exceed 2^14 + 256 bytes."
    if fragment.len() > MAX_TLS13_CIPHERTEXT_LEN {
        return Err(Error::RecordOverflow);
    }
    // RFC 8446 §5.2: a fragment without room for the tag cannot decrypt.
    let Some(inner_len) = fragment.len().checked_sub(TAG_LEN) else {
        return Err(Error::BadRecordMac);
    };
    let aad = header(content_type.to_u8(), version, fragment.len());
    let (inner, tag) = fragment.split_at_mut(inner_len);
    // RFC 8446 §5.2: "If the decryption fails, the receiver MUST terminate
    // the connection with a "bad_record_mac" alert."
    aead.open_in_place(&xor_nonce(iv, seq), &aad, inner, tag)?;
    // RFC 8446 §5.4: the full TLSInnerPlaintext MUST NOT exceed 2^14 + 1 bytes.
    if inner_len > MAX_PLAINTEXT_LEN + 1 {
        return Err(Error::RecordOverflow);
    }
    // RFC 8446 §5.4: the type is the last non-zero byte; the zeros after it
    // are padding. A record of zeros only is unexpected_message.
    let Some(type_at) = inner.iter().rposition(|&b| b != 0) else {
        return Err(Error::UnexpectedMessage("a TLS 1.3 record with no content type, only padding".into()));
    };
    let type_code = inner[type_at];
    match ContentType::from_u8(type_code) {
        // RFC 8446 §5: a protected change_cipher_spec is unexpected_message.
        Some(ContentType::ChangeCipherSpec) => {
            Err(Error::UnexpectedMessage("a protected change_cipher_spec record".to_string()))
        }
        Some(inner_type) => Ok((inner_type, 0..type_at)),
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
        let mut out = vec![1, 2, 3];
        assert!(matches!(
            writer.seal_into(ContentType::ApplicationData, b"x", &mut out),
            Err(Error::Internal(_))
        ));
        assert_eq!(out, [1, 2, 3], "nothing appended");
        assert_eq!(writer.sequence_number(), u64::MAX);
        let mut plain = HalfConn::plaintext();
        plain.seq = u64::MAX;
        let record = Record { content_type: ContentType::Handshake, version: [3, 3], fragment: vec![1] };
        assert!(matches!(plain.open(record), Err(Error::Internal(_))));
    }
}
