//! What a handshake agreed: version, cipher suite and key exchange. Both
//! the connection (which keeps it for the caller) and the trace (which
//! reports it as [`crate::trace::Event::Negotiated`]) use it; it uses
//! neither.

use crate::messages::ProtocolVersion;
use crate::suites::{CipherSuite, NamedGroup};

/// What the handshake agreed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// The protocol version.
    pub version: ProtocolVersion,
    /// The cipher suite.
    pub suite: CipherSuite,
    /// How the two sides agreed on the premaster or shared secret.
    pub key_exchange: KeyExchange,
    /// TLS 1.2: whether the extended master secret was used.
    pub extended_master_secret: bool,
}

impl Negotiated {
    /// "TLS 1.3".
    pub fn version_name(&self) -> &'static str {
        self.version.name()
    }
}

/// How the two sides agreed on a secret: an ephemeral Diffie-Hellman (or
/// hybrid) exchange in some group, or TLS 1.2's RSA key transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyExchange {
    /// An exchange in a group named by its code point (RFC 8446 §4.2.7,
    /// RFC 8422 §5.1.1, RFC 7919 §2): every TLS 1.3 handshake, TLS 1.2
    /// ECDHE, and TLS 1.2 DHE in one of our finite-field [`NamedGroup`]s.
    Named(NamedGroup),
    /// TLS 1.2 DHE in a group the server sent as explicit p and g (RFC 5246
    /// §7.4.3, ServerDHParams) that is none of our [`NamedGroup`]s: one
    /// padlock-dh knows by its prime (RFC 3526's MODP group 14, RFC 7919's
    /// larger groups), or any safe prime the client checked (see
    /// `padlock_dh::groups::checked_safe_prime`). Only a client sees this.
    ExplicitFfdhe(padlock_dh::groups::Group),
    /// TLS 1.2 RSA key transport (RFC 5246 §7.4.7.1): the client encrypts
    /// the premaster secret to the server's certificate key; no group.
    RsaKeyTransport,
}

impl KeyExchange {
    /// The group, if it is one of our [`NamedGroup`]s.
    pub fn named_group(self) -> Option<NamedGroup> {
        match self {
            KeyExchange::Named(group) => Some(group),
            KeyExchange::ExplicitFfdhe(_) | KeyExchange::RsaKeyTransport => None,
        }
    }
}
