//! TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446), client and server, built from
//! the Padlock primitives.
//!
//! The protocol core is sans-IO: a [`Connection`] takes the bytes the peer
//! sent ([`Connection::read_tls`]) and hands back the bytes to send
//! ([`Connection::take_outgoing`]); it never touches a socket. [`Stream`]
//! wraps one around any `Read + Write` (a `TcpStream`).
//!
//! Organisation, one module per concept of the RFCs, bottom up: each
//! module imports only from those listed before it, so the import picture
//! has no loops.
//! - [`alert`] and [`error`]: what goes wrong and the alert it sends;
//!   [`lab`]: the switches the labs flip to make Padlock vulnerable on
//!   purpose (off in every configuration but the labs');
//! - [`codec`]: the byte reader and writer every message uses;
//! - [`registry`]: the IANA code points a real client sends, with their
//!   names and whether Padlock implements them;
//! - [`messages`]: handshake messages and extensions, and the protocol
//!   versions; [`sign`]: signature schemes and the keys that make and
//!   check them;
//! - [`record`]: the record layer (framing, AEAD protection);
//! - `side`: the two ends, [`trace::Side`], which the key schedule and the
//!   trace both name;
//! - [`key_schedule`]: the TLS 1.2 PRF and the TLS 1.3 HKDF schedule, and
//!   [`key_schedule::SecretKind`];
//! - [`suites`]: cipher suites and named groups;
//! - `negotiated`: what a handshake agreed, [`Negotiated`] and its
//!   [`KeyExchange`];
//! - [`trace`]: the typed events a connection emits, and the NSS key log;
//! - [`config`]: what each side offers, trusts and holds;
//! - `conn`: the [`Connection`], its record plumbing, `Core` (what both
//!   phases share) and the `State` trait. It knows no state: the
//!   constructors [`Connection::client`] and [`Connection::server`] are
//!   defined in `client` and `server`, beside the first state they start in;
//! - `handshake` (transcript, Finished), `kx` (ephemeral key exchange),
//!   `certs` (the client's certificate check) and `keys` (from the key
//!   schedule to the record layer): what both sides share;
//! - `traffic`: the established connection (renegotiation refused,
//!   KeyUpdate), for both sides;
//! - `client` and `server`, each split into `tls12` and `tls13`: the
//!   handshake state machines, one state per expected message. They use
//!   the modules above, never each other;
//! - `stream`: the blocking adapter.

pub mod alert;
mod certs;
mod client;
pub mod codec;
pub mod config;
mod conn;
pub mod error;
mod handshake;
pub mod key_schedule;
mod keys;
mod kx;
pub mod lab;
pub mod messages;
mod negotiated;
pub mod record;
pub mod registry;
mod server;
mod side;
pub mod sign;
mod stream;
pub mod suites;
pub mod trace;
mod traffic;

pub use config::{CertifiedKey, ClientConfig, ServerConfig};
pub use conn::{Connection, MAX_CLIENT_HELLO_LEN, MAX_IDLE_RECORDS};
pub use error::Error;
pub use messages::ProtocolVersion;
pub use negotiated::{KeyExchange, Negotiated};
pub use sign::{SignatureScheme, SigningKey, VerifyingKey};
pub use stream::{HalfClose, Stream};
pub use suites::{Authentication, CipherSuite, NamedGroup};
