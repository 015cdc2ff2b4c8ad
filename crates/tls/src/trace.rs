//! Observability (DESIGN.md principle 5): the structured events a
//! connection emits, and the NSS key log.
//!
//! Every handshake message sent and received (with its bytes), every secret
//! derived, every key installed, every check made and every alert goes to
//! the trace sink as an [`Event`]. Tests assert on them; the CLI renders
//! them (`padlock demo`, `--trace`). The key log gets the lines Wireshark
//! reads (`SSLKEYLOGFILE`, NSS format).

use std::sync::Arc;

use crate::alert::AlertDescription;
use crate::messages::HandshakeType;

/// Which end of the connection emitted an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The client.
    Client,
    /// The server.
    Server,
}

impl Side {
    /// "client" or "server".
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
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
        /// The protocol version in force (decides how the body reads).
        version: u16,
        /// For TLS 1.2 key-exchange messages: the suite's key exchange.
        kx: Option<crate::messages::KeyExchangeAlgorithm>,
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
        content_type: crate::record::ContentType,
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
    },
    /// What the handshake settled on, and why.
    Negotiated {
        /// The version.
        version: u16,
        /// The suite's IANA name.
        suite: &'static str,
        /// The key-exchange group, if any.
        group: Option<String>,
        /// Plain words: why these were chosen.
        why: String,
    },
    /// A key-exchange value: a public share, or a value a side computed.
    KeyExchange {
        /// What it is ("client X25519 public key", "premaster secret").
        name: String,
        /// Its bytes.
        value: Vec<u8>,
    },
    /// A secret derived by the key schedule.
    Secret {
        /// Its name ("master secret", "c hs traffic").
        name: String,
        /// Its value.
        value: Vec<u8>,
    },
    /// Record protection keys installed for one direction.
    KeysInstalled {
        /// true: for what we send; false: for what we receive.
        write: bool,
        /// "handshake" or "application" (and "application (updated)").
        stage: String,
        /// The AES key.
        key: Vec<u8>,
        /// The IV (TLS 1.3, 12 bytes) or salt (TLS 1.2, 4 bytes).
        iv: Vec<u8>,
    },
    /// A check a side made, and its result.
    Check {
        /// What was checked.
        what: String,
        /// Whether it passed.
        passed: bool,
        /// Details.
        detail: String,
    },
    /// An alert sent or received.
    Alert {
        /// Sent (true) or received.
        sent: bool,
        /// 1 = warning, 2 = fatal.
        level: u8,
        /// The description.
        description: AlertDescription,
    },
    /// Narration that fits no other event.
    Note(String),
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
