//! Client and server configuration.

use padlock_der::Time;
use padlock_x509::Certificate;

use crate::messages::ProtocolVersion;
use crate::sign::{SignatureScheme, SigningKey};
use crate::suites::{ALL_SUITES, CipherSuite, NamedGroup};
use crate::trace::{KeyLogSink, TraceSink};

/// What a client offers and trusts.
#[derive(Clone)]
pub struct ClientConfig {
    /// The certificates we trust as roots.
    pub trust_anchors: Vec<Certificate>,
    /// The name we connect to: sent as server_name (unless an IP address)
    /// and checked against the certificate.
    pub server_name: String,
    /// Check the server's certificate chain and name (off only for `--insecure`).
    pub verify_certificate: bool,
    /// Versions in order of preference.
    pub versions: Vec<ProtocolVersion>,
    /// Suites in order of preference.
    pub cipher_suites: Vec<CipherSuite>,
    /// Groups in order of preference (supported_groups).
    pub groups: Vec<NamedGroup>,
    /// The groups we send a TLS 1.3 key share for at first.
    pub key_share_groups: Vec<NamedGroup>,
    /// Signature schemes we accept.
    pub signature_schemes: Vec<SignatureScheme>,
    /// Refuse a TLS 1.2 server without the extended master secret (RFC 7627).
    pub require_extended_master_secret: bool,
    /// A fixed clock for certificate checks (tests); `None` is the system clock.
    pub now: Option<Time>,
    /// The trace sink.
    pub trace: Option<TraceSink>,
    /// The NSS key-log sink.
    pub key_log: Option<KeyLogSink>,
}

impl ClientConfig {
    /// Defaults: TLS 1.3 then 1.2, every suite, every group (the
    /// X25519MLKEM768 hybrid first, with key shares for it and for x25519,
    /// as browsers send), every signature scheme, checking certificates
    /// against `trust_anchors`.
    pub fn new(server_name: &str, trust_anchors: Vec<Certificate>) -> ClientConfig {
        ClientConfig {
            trust_anchors,
            server_name: server_name.to_string(),
            verify_certificate: true,
            versions: vec![ProtocolVersion::Tls13, ProtocolVersion::Tls12],
            cipher_suites: ALL_SUITES.to_vec(),
            groups: NamedGroup::ALL.to_vec(),
            // As current browsers do: the post-quantum hybrid, and plain
            // X25519 beside it for servers that do not speak the hybrid yet.
            key_share_groups: vec![NamedGroup::X25519MlKem768, NamedGroup::X25519],
            signature_schemes: SignatureScheme::ALL.to_vec(),
            require_extended_master_secret: false,
            now: None,
            trace: None,
            key_log: None,
        }
    }
}

/// A certificate chain, leaf first, and the private key of the leaf.
#[derive(Clone)]
pub struct CertifiedKey {
    /// The chain, leaf first.
    pub chain: Vec<Certificate>,
    /// The leaf's private key.
    pub key: SigningKey,
}

/// What a server has and accepts.
#[derive(Clone)]
pub struct ServerConfig {
    /// The certificates the server can present, each with its key.
    pub certificates: Vec<CertifiedKey>,
    /// Versions in order of preference.
    pub versions: Vec<ProtocolVersion>,
    /// Suites in order of preference (the server's order decides).
    pub cipher_suites: Vec<CipherSuite>,
    /// Pick ChaCha20-Poly1305 for a client that lists it first, whatever our
    /// order: such a client most likely lacks AES hardware, where ChaCha20 is
    /// faster and AES in software is hard to make constant time.
    pub prioritize_chacha: bool,
    /// Groups in order of preference: TLS 1.3 key shares and TLS 1.2 ECDHE/DHE.
    pub groups: Vec<NamedGroup>,
    /// The group for TLS 1.2 DHE when the client names no ffdhe group (RFC 7919 §4).
    pub dhe_group: NamedGroup,
    /// Signature schemes we are willing to sign with.
    pub signature_schemes: Vec<SignatureScheme>,
    /// Refuse a TLS 1.2 client without the extended master secret.
    pub require_extended_master_secret: bool,
    /// The trace sink.
    pub trace: Option<TraceSink>,
    /// The NSS key-log sink.
    pub key_log: Option<KeyLogSink>,
}

impl ServerConfig {
    /// Defaults: TLS 1.3 then 1.2, every suite and group, ffdhe2048 for
    /// DHE, one certificate chain and its key.
    pub fn new(chain: Vec<Certificate>, key: impl Into<SigningKey>) -> ServerConfig {
        ServerConfig::with_certificates(vec![CertifiedKey { chain, key: key.into() }])
    }

    /// The same defaults, with several certificates (an RSA and an ECDSA
    /// one, say): each handshake presents the first the client can verify.
    pub fn with_certificates(certificates: Vec<CertifiedKey>) -> ServerConfig {
        ServerConfig {
            certificates,
            versions: vec![ProtocolVersion::Tls13, ProtocolVersion::Tls12],
            cipher_suites: ALL_SUITES.to_vec(),
            prioritize_chacha: true,
            groups: NamedGroup::ALL.to_vec(),
            dhe_group: NamedGroup::Ffdhe2048,
            signature_schemes: SignatureScheme::ALL.to_vec(),
            require_extended_master_secret: false,
            trace: None,
            key_log: None,
        }
    }
}
