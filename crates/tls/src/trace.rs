//! Observability: the structured events a connection emits, and the NSS
//! key log.
//!
//! Every handshake message sent and received (with its bytes), every value
//! of the key exchange, every secret derived, every key installed, every
//! check made and every alert goes to the trace sink as an [`Event`]. The
//! events are data: kinds, code points and bytes, never sentences. How they
//! are worded is the business of whoever listens — the CLI's narration
//! (`padlock demo`, `--trace`), the tests (which match on kinds), a JSON
//! dump. Events that carry secrets are only built when a sink is attached.
//!
//! The key log gets the lines Wireshark reads (`SSLKEYLOGFILE`, NSS format),
//! named by [`SecretKind::nss_label`].

use std::sync::Arc;

use crate::Error;
use crate::alert::{AlertDescription, AlertLevel};
use crate::key_schedule::SecretKind;
use crate::messages::{HandshakeType, KeyExchangeAlgorithm, ProtocolVersion};
use crate::negotiated::Negotiated;
use crate::record::{AeadAlgorithm, ContentType};
use crate::sign::SignatureScheme;
use crate::suites::NamedGroup;

// Which end emitted an event. Defined in a leaf module because the key
// schedule names sides too (`SecretKind::sender`), and the trace names
// secret kinds: neither imports the other's module.
pub use crate::side::Side;

/// One direction of a connection, seen from the side that emits the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// What we receive.
    Read,
    /// What we send.
    Write,
}

/// Which keys a [`Event::KeysInstalled`] installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStage {
    /// TLS 1.3 handshake traffic keys (RFC 8446 §7.3).
    Handshake,
    /// Application traffic keys: TLS 1.3 `*_application_traffic_secret_0`,
    /// or the TLS 1.2 key block.
    Application,
    /// TLS 1.3 application keys after a KeyUpdate (RFC 8446 §4.6.3).
    Updated,
}

/// A value of the key exchange that travels or is computed (secrets of the
/// key schedule are [`Event::Secret`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyExchangeValue {
    /// A side's ephemeral public value (key share, ServerKeyExchange,
    /// ClientKeyExchange), from the side named.
    Public(Side),
    /// The (EC)DHE shared secret a side computed (TLS 1.3: the input of the
    /// key schedule; TLS 1.2 calls it the premaster secret, see
    /// [`SecretKind::Tls12Premaster`]).
    SharedSecret,
    /// TLS 1.2 RSA key transport: the premaster secret encrypted to the
    /// server's key (RFC 5246 §7.4.7.1).
    EncryptedPremaster,
}

/// A check one side makes; [`Event::Check`] says whether it passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// The peer's certificates parse (RFC 5280): the leaf's subject and
    /// issuer (RFC 4514 strings) and how many certificates came.
    CertificatesParse {
        /// The leaf's subject.
        subject: String,
        /// The leaf's issuer.
        issuer: String,
        /// The number of certificates in the message.
        count: usize,
    },
    /// Certificate checking is switched off in the configuration: nothing
    /// about the chain or the name was checked.
    CertificatesNotVerified,
    /// The chain leads to a trust anchor and every certificate on it is
    /// within its dates (RFC 5280 §6): the subjects of the path, leaf first.
    CertificatePath(Vec<String>),
    /// The leaf is valid for the name we connected to (RFC 6125).
    CertificateName(String),
    /// The chain or the name check failed, and why.
    CertificateRejected(padlock_x509::Error),
    /// A signature over the handshake: CertificateVerify (RFC 8446 §4.4.3)
    /// or a TLS 1.2 ServerKeyExchange (RFC 5246 §7.4.3).
    Signature {
        /// The signed message.
        message: HandshakeType,
        /// The scheme.
        scheme: SignatureScheme,
    },
    /// The Finished from `sender` (RFC 8446 §4.4.4, RFC 5246 §7.4.9), whose
    /// verify_data each version computes its own way.
    Finished {
        /// The side that sent it.
        sender: Side,
        /// The version in force.
        version: ProtocolVersion,
    },
    /// RFC 8446 §4.1.3: the server random of a TLS 1.2 ServerHello does not
    /// carry the downgrade sentinel.
    DowngradeSentinel,
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A handshake message, as framed on the wire (type, length, body).
    Handshake {
        /// Sent (true) or received.
        sent: bool,
        /// The message type.
        typ: HandshakeType,
        /// The whole message: 4-byte header and body.
        bytes: Vec<u8>,
        /// The protocol version in force, once known (it decides how the
        /// body reads).
        version: Option<ProtocolVersion>,
        /// For TLS 1.2 key-exchange messages: the suite's key exchange.
        kx: Option<KeyExchangeAlgorithm>,
    },
    /// A ChangeCipherSpec record (TLS 1.2, or TLS 1.3's compatibility one).
    ChangeCipherSpec {
        /// Sent (true) or received.
        sent: bool,
    },
    /// A record as it crossed the wire (header, then fragment).
    Record {
        /// Sent (true) or received.
        sent: bool,
        /// The outer content type.
        content_type: ContentType,
        /// The whole record.
        bytes: Vec<u8>,
    },
    /// Application data and the record that carried it.
    ApplicationData {
        /// Sent (true) or received.
        sent: bool,
        /// The plaintext.
        plaintext: Vec<u8>,
        /// The protected record (header, [explicit nonce,] ciphertext, tag).
        record: Vec<u8>,
        /// The version, which decides the record's layout.
        version: Option<ProtocolVersion>,
        /// The AEAD that sealed it.
        aead: Option<AeadAlgorithm>,
    },
    /// The client asked for a server name (RFC 6066 §3, SNI).
    ServerName(String),
    /// What the handshake settled on. The emitting side tells who chose.
    Negotiated(Negotiated),
    /// A HelloRetryRequest (RFC 8446 §4.1.4), sent or received, asking for
    /// a key share in `group` (or only echoing a cookie).
    HelloRetryRequest {
        /// The group asked for.
        group: Option<NamedGroup>,
    },
    /// A value of the key exchange.
    KeyExchange {
        /// What it is.
        value: KeyExchangeValue,
        /// The group, when a TLS 1.3 key share names it (TLS 1.2's is in
        /// [`Event::Negotiated`]).
        group: Option<NamedGroup>,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// A secret derived by the key schedule.
    Secret {
        /// Which one.
        kind: SecretKind,
        /// Its value.
        value: Vec<u8>,
    },
    /// Record protection keys installed for one direction.
    KeysInstalled {
        /// For what we send or what we receive.
        direction: Direction,
        /// Which keys.
        stage: KeyStage,
        /// The AEAD key.
        key: Vec<u8>,
        /// The IV (TLS 1.3, 12 bytes) or salt (TLS 1.2 AES-GCM, 4 bytes).
        iv: Vec<u8>,
    },
    /// A check a side made, and its result.
    Check {
        /// What was checked.
        check: Check,
        /// Whether it passed.
        passed: bool,
    },
    /// A TLS 1.3 NewSessionTicket, checked and dropped (no resumption).
    TicketIgnored,
    /// TLS 1.2: a peer's HelloRequest or ClientHello after the handshake
    /// was answered with a no_renegotiation warning (RFC 5746 §4).
    RenegotiationRefused(HandshakeType),
    /// An alert sent or received.
    Alert {
        /// Sent (true) or received.
        sent: bool,
        /// Its level.
        level: AlertLevel,
        /// The description.
        description: AlertDescription,
    },
    /// The connection failed with this error (its alert, if any, follows
    /// as an [`Event::Alert`]).
    Failed(Error),
}

/// Receives the events of a connection.
pub type TraceSink = Arc<dyn Fn(Side, &Event) + Send + Sync>;

/// Receives NSS key-log lines, without the trailing newline.
pub type KeyLogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// A key log sink that appends to the file named by `SSLKEYLOGFILE`, if set.
pub fn key_log_from_env() -> Option<KeyLogSink> {
    let path = std::env::var_os("SSLKEYLOGFILE")?;
    Some(key_log_file(path.into()))
}

/// A key log sink appending lines to `path` (errors are ignored: a key log
/// must never break a connection).
pub fn key_log_file(path: std::path::PathBuf) -> KeyLogSink {
    let lock = Arc::new(std::sync::Mutex::new(()));
    Arc::new(move |line: &str| {
        use std::io::Write;
        let _guard = lock.lock();
        if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(&path) {
            let _ = writeln!(file, "{line}");
        }
    })
}

/// Lower-case hex, for key-log lines and traces.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
