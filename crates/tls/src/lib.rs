//! TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446), client and server, built from
//! the Padlock primitives.
//!
//! The protocol core is sans-IO: a [`Connection`] takes the bytes the peer
//! sent ([`Connection::read_tls`]) and hands back the bytes to send
//! ([`Connection::take_outgoing`]); it never touches a socket. [`Stream`]
//! wraps one around any `Read + Write` (a `TcpStream`).
//!
//! Organisation, one module per concept of the RFCs:
//! - [`codec`]: the byte reader and writer every message uses;
//! - [`messages`]: handshake messages and extensions;
//! - [`record`]: the record layer (framing, AES-GCM protection);
//! - [`key_schedule`]: the TLS 1.2 PRF and the TLS 1.3 HKDF schedule;
//! - `client` and `server`, each split into `tls12` and `tls13`: the
//!   handshake state machines, one state per expected message;
//! - [`suites`]: cipher suites, groups and signature schemes;
//! - [`trace`]: the events a connection emits, and the NSS key log;
//! - [`alert`] and [`error`]: what goes wrong and the alert it sends.

pub mod alert;
mod client;
pub mod codec;
pub mod config;
mod conn;
pub mod error;
mod handshake;
pub mod key_schedule;
pub mod messages;
pub mod pki;
pub mod record;
mod server;
mod stream;
pub mod suites;
pub mod trace;

pub use config::{ClientConfig, ServerConfig};
pub use conn::{Connection, Negotiated};
pub use error::Error;
pub use stream::Stream;
pub use suites::{CipherSuite, NamedGroup, SignatureScheme};
