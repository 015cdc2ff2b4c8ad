//! The TLS 1.3 key schedule (RFC 8446 §7.1), the traffic keys (§7.3), key
//! updates (§7.2) and the Finished `verify_data` (§4.4.4).
//!
//! The stages are types, each consumed by the next (see the figure in
//! [`super`]):
//!
//! ```text
//! EarlySecret --(EC)DHE--> HandshakeSecret --0--> MasterSecret
//!                            |                      |
//!                            +-> c/s hs traffic     +-> c/s ap traffic, exp master, res master
//! ```
//!
//! Every traffic secret is a [`TrafficSecret`], which knows its
//! [`SecretKind`] and derives the record keys, the Finished key and the next
//! secret of a key update.
//!
//! Constant time: yes, because HKDF is HMAC over secrets of public length.

use core::fmt;

use zeroize::{Zeroize, Zeroizing};

use super::{HashAlgorithm, SecretKind};
use crate::side::Side;

/// RFC 8446 §7.1: every label is prefixed with these 6 bytes.
const LABEL_PREFIX: &[u8] = b"tls13 ";

/// RFC 8446 §7.3: `iv_length` is 12 for every AEAD of TLS 1.3 (RFC 5116 §5.3).
const IV_LEN: usize = 12;

/// RFC 8446 §7.1: `HKDF-Expand-Label(Secret, Label, Context, Length)`, that is
/// `HKDF-Expand(Secret, HkdfLabel, Length)` with
///
/// ```text
/// struct {
///     uint16 length = Length;
///     opaque label<7..255> = "tls13 " + Label;
///     opaque context<0..255> = Context;
/// } HkdfLabel;
/// ```
///
/// `label` is given without the `"tls13 "` prefix, which this adds.
///
/// # Panics
/// If the label or context is longer than 249 or 255 bytes, or `len` is over
/// `255 * HashLen`: callers pass the RFC's labels, transcript hashes and the
/// lengths of a cipher suite.
pub fn hkdf_expand_label(
    hash: HashAlgorithm,
    secret: &[u8],
    label: &str,
    context: &[u8],
    len: usize,
) -> Vec<u8> {
    let full_label_len = LABEL_PREFIX.len() + label.len();
    let length = u16::try_from(len).expect("HKDF-Expand-Label length fits in a uint16");
    let full_label_len = u8::try_from(full_label_len).expect("label<7..255>");
    let context_len = u8::try_from(context.len()).expect("context<0..255>");

    let mut hkdf_label = Vec::with_capacity(4 + LABEL_PREFIX.len() + label.len() + context.len());
    hkdf_label.extend_from_slice(&length.to_be_bytes()); // uint16 length
    hkdf_label.push(full_label_len); // opaque label<7..255>
    hkdf_label.extend_from_slice(LABEL_PREFIX);
    hkdf_label.extend_from_slice(label.as_bytes());
    hkdf_label.push(context_len); // opaque context<0..255>
    hkdf_label.extend_from_slice(context);
    hash.hkdf_expand(secret, &hkdf_label, len)
}

/// RFC 8446 §7.1: `Derive-Secret(Secret, Label, Messages) =
/// HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)`.
///
/// `transcript_hash` is `Transcript-Hash(Messages)`, already computed.
pub fn derive_secret(hash: HashAlgorithm, secret: &[u8], label: &str, transcript_hash: &[u8]) -> Vec<u8> {
    hkdf_expand_label(hash, secret, label, transcript_hash, hash.output_len())
}

/// RFC 8446 §7.1: `Derive-Secret(., "derived", "")`, the salt of the next
/// extract. `""` means no messages: the context is the hash of the empty string.
fn derived_salt(hash: HashAlgorithm, secret: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(derive_secret(hash, secret, "derived", &hash.hash(b"")))
}

/// The first stage, `Early Secret = HKDF-Extract(0, PSK)`.
///
/// Secret: no `Debug`, `Clone` or comparison; wiped on drop.
pub struct EarlySecret {
    hash: HashAlgorithm,
    bytes: Zeroizing<Vec<u8>>,
}

impl EarlySecret {
    /// The early secret of a handshake without a PSK: RFC 8446 §7.1, "if PSK
    /// is not in use, IKM is a string of Hash.length bytes set to zeros"; the
    /// salt `0` is the same string (RFC 5869 §2.2).
    pub fn new(hash: HashAlgorithm) -> EarlySecret {
        let zeros = vec![0; hash.output_len()];
        EarlySecret { hash, bytes: hash.hkdf_extract(&zeros, &zeros) }
    }

    /// The secret's bytes (for tests).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// RFC 8446 §7.1: `Handshake Secret = HKDF-Extract(Derive-Secret(Early
    /// Secret, "derived", ""), (EC)DHE)`, with `shared_secret` the output of
    /// the key exchange.
    pub fn handshake_secret(self, shared_secret: &[u8]) -> HandshakeSecret {
        let salt = derived_salt(self.hash, &self.bytes);
        HandshakeSecret { hash: self.hash, bytes: self.hash.hkdf_extract(&salt, shared_secret) }
    }
}

/// The second stage, from which the handshake traffic secrets come.
///
/// Secret: no `Debug`, `Clone` or comparison; wiped on drop.
pub struct HandshakeSecret {
    hash: HashAlgorithm,
    bytes: Zeroizing<Vec<u8>>,
}

impl HandshakeSecret {
    /// The secret's bytes (for tests).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// RFC 8446 §7.1: `client_handshake_traffic_secret = Derive-Secret(.,
    /// "c hs traffic", ClientHello...ServerHello)`; `transcript_hash` is the
    /// hash of ClientHello through ServerHello.
    pub fn client_traffic_secret(&self, transcript_hash: &[u8]) -> TrafficSecret {
        TrafficSecret::derive(self.hash, &self.bytes, SecretKind::ClientHandshakeTraffic, transcript_hash)
    }

    /// RFC 8446 §7.1: `server_handshake_traffic_secret = Derive-Secret(.,
    /// "s hs traffic", ClientHello...ServerHello)`.
    pub fn server_traffic_secret(&self, transcript_hash: &[u8]) -> TrafficSecret {
        TrafficSecret::derive(self.hash, &self.bytes, SecretKind::ServerHandshakeTraffic, transcript_hash)
    }

    /// RFC 8446 §7.1: `Master Secret = HKDF-Extract(Derive-Secret(Handshake
    /// Secret, "derived", ""), 0)`, where `0` is `Hash.length` zero bytes.
    pub fn master_secret(self) -> MasterSecret {
        let salt = derived_salt(self.hash, &self.bytes);
        let zeros = vec![0; self.hash.output_len()];
        MasterSecret { hash: self.hash, bytes: self.hash.hkdf_extract(&salt, &zeros) }
    }
}

/// The last stage, from which the application traffic, exporter and
/// resumption secrets come.
///
/// Secret: no `Debug`, `Clone` or comparison; wiped on drop.
pub struct MasterSecret {
    hash: HashAlgorithm,
    bytes: Zeroizing<Vec<u8>>,
}

impl MasterSecret {
    /// The secret's bytes (for tests).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// RFC 8446 §7.1: `client_application_traffic_secret_0 = Derive-Secret(.,
    /// "c ap traffic", ClientHello...server Finished)`; `transcript_hash` is
    /// the hash of ClientHello through the server's Finished.
    pub fn client_traffic_secret(&self, transcript_hash: &[u8]) -> TrafficSecret {
        TrafficSecret::derive(self.hash, &self.bytes, SecretKind::ClientApplicationTraffic, transcript_hash)
    }

    /// RFC 8446 §7.1: `server_application_traffic_secret_0 = Derive-Secret(.,
    /// "s ap traffic", ClientHello...server Finished)`.
    pub fn server_traffic_secret(&self, transcript_hash: &[u8]) -> TrafficSecret {
        TrafficSecret::derive(self.hash, &self.bytes, SecretKind::ServerApplicationTraffic, transcript_hash)
    }

    /// RFC 8446 §7.1: `exporter_master_secret = Derive-Secret(., "exp master",
    /// ClientHello...server Finished)`.
    pub fn exporter_master_secret(&self, transcript_hash: &[u8]) -> TrafficSecret {
        TrafficSecret::derive(self.hash, &self.bytes, SecretKind::ExporterMaster, transcript_hash)
    }

    /// RFC 8446 §7.1: `resumption_master_secret = Derive-Secret(., "res
    /// master", ClientHello...client Finished)`; `transcript_hash` is the hash
    /// of ClientHello through the client's Finished.
    pub fn resumption_master_secret(&self, transcript_hash: &[u8]) -> TrafficSecret {
        TrafficSecret::derive(self.hash, &self.bytes, SecretKind::ResumptionMaster, transcript_hash)
    }
}

/// A secret derived from the schedule with a transcript hash: a traffic
/// secret, or the exporter or resumption master secret. Its [`SecretKind`]
/// says which.
///
/// Secret: no `Clone` or comparison, and `Debug` shows only the kind; wiped
/// on drop.
pub struct TrafficSecret {
    kind: SecretKind,
    hash: HashAlgorithm,
    bytes: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for TrafficSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrafficSecret").field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl TrafficSecret {
    /// `Derive-Secret(secret, kind's label, Messages)` (RFC 8446 §7.1).
    fn derive(hash: HashAlgorithm, secret: &[u8], kind: SecretKind, transcript_hash: &[u8]) -> TrafficSecret {
        let bytes = Zeroizing::new(derive_secret(hash, secret, kind.label(), transcript_hash));
        TrafficSecret { kind, hash, bytes }
    }

    /// Which secret this is.
    pub fn kind(&self) -> SecretKind {
        self.kind
    }

    /// The hash of the cipher suite it was derived with.
    pub fn hash(&self) -> HashAlgorithm {
        self.hash
    }

    /// The secret's bytes (for the key log and for tests).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// RFC 8446 §7.3: the record key and IV of this traffic secret,
    /// `key_len` bytes of key (16 for AES-128-GCM, 32 for AES-256-GCM and
    /// ChaCha20-Poly1305).
    pub fn keys(&self, key_len: usize) -> TrafficKeys {
        let key = hkdf_expand_label(self.hash, &self.bytes, "key", b"", key_len); // RFC 8446 §7.3
        let mut iv = Zeroizing::new(hkdf_expand_label(self.hash, &self.bytes, "iv", b"", IV_LEN));
        let mut keys = TrafficKeys { key, iv: [0; IV_LEN] };
        keys.iv.copy_from_slice(&iv);
        iv.zeroize();
        keys
    }

    /// RFC 8446 §4.4.4: `finished_key = HKDF-Expand-Label(BaseKey,
    /// "finished", "", Hash.length)`, where the base key is this handshake
    /// traffic secret.
    pub fn finished_key(&self) -> Vec<u8> {
        hkdf_expand_label(self.hash, &self.bytes, "finished", b"", self.hash.output_len())
    }

    /// RFC 8446 §4.4.4: `verify_data = HMAC(finished_key,
    /// Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*))`;
    /// `transcript_hash` covers every handshake message before this Finished.
    pub fn verify_data(&self, transcript_hash: &[u8]) -> Vec<u8> {
        let finished_key = Zeroizing::new(self.finished_key());
        self.hash.hmac(&finished_key, transcript_hash)
    }

    /// RFC 8446 §7.2: the next application traffic secret after a
    /// KeyUpdate, `HKDF-Expand-Label(application_traffic_secret_N,
    /// "traffic upd", "", Hash.length)`, of the same kind.
    pub fn next(&self) -> TrafficSecret {
        let bytes = hkdf_expand_label(self.hash, &self.bytes, "traffic upd", b"", self.hash.output_len());
        let kind = match self.kind.sender() {
            Some(Side::Client) => SecretKind::ClientApplicationTrafficNext,
            _ => SecretKind::ServerApplicationTrafficNext,
        };
        TrafficSecret { kind, hash: self.hash, bytes: Zeroizing::new(bytes) }
    }
}

/// The record protection key and IV of one direction (RFC 8446 §7.3).
///
/// Secret: wiped on drop.
pub struct TrafficKeys {
    /// `[sender]_write_key`: the AEAD key.
    pub key: Vec<u8>,
    /// `[sender]_write_iv`: XORed with the sequence number to make each
    /// record's nonce (RFC 8446 §5.3).
    pub iv: [u8; 12],
}

impl Drop for TrafficKeys {
    fn drop(&mut self) {
        self.key.zeroize();
        self.iv.zeroize();
    }
}
