//! From the key schedule to the record layer, for both sides: derive the
//! secrets a stage needs, trace and key-log them, and install the record
//! protection they give. The client and the server call the same functions;
//! which direction a key protects follows from the side that holds it (the
//! client *writes* with the client's traffic secret, the server *reads*
//! with it).
//!
//! TLS 1.3 (RFC 8446 §7.1, §7.3): [`handshake_secrets`] after the
//! ServerHello, [`application_secrets`] after the server's Finished, and
//! [`install13`] for each traffic secret. TLS 1.2 (RFC 5246 §6.3):
//! [`install12`] for each half of the key block.

use crate::Error;
use crate::conn::Core;
use crate::key_schedule::SecretKind;
use crate::key_schedule::tls12::{KeyBlock, MasterSecret};
use crate::key_schedule::tls13::{EarlySecret, HandshakeSecret, TrafficSecret};
use crate::record::HalfConn;
use crate::suites::CipherSuite;
use crate::trace::{Direction, KeyStage, Side};

/// The TLS 1.3 secrets of the handshake stage.
pub(crate) struct HandshakeSecrets {
    /// Kept to derive the master secret after the server's Finished.
    pub(crate) handshake_secret: HandshakeSecret,
    /// `client_handshake_traffic_secret`.
    pub(crate) client: TrafficSecret,
    /// `server_handshake_traffic_secret`.
    pub(crate) server: TrafficSecret,
}

/// RFC 8446 §7.1: early secret (no PSK), handshake secret from the (EC)DHE
/// `shared` secret, and both handshake traffic secrets over `hello_hash`
/// (the transcript hash of ClientHello...ServerHello).
pub(crate) fn handshake_secrets(
    core: &Core,
    suite: CipherSuite,
    shared: &[u8],
    hello_hash: &[u8],
) -> HandshakeSecrets {
    let early = EarlySecret::new(suite.hash);
    core.log_secret(SecretKind::EarlySecret, early.as_bytes());
    let handshake_secret = early.handshake_secret(shared);
    core.log_secret(SecretKind::HandshakeSecret, handshake_secret.as_bytes());
    let client = handshake_secret.client_traffic_secret(hello_hash);
    let server = handshake_secret.server_traffic_secret(hello_hash);
    core.log_secret(SecretKind::ClientHandshakeTraffic, client.as_bytes());
    core.log_secret(SecretKind::ServerHandshakeTraffic, server.as_bytes());
    HandshakeSecrets { handshake_secret, client, server }
}

/// The TLS 1.3 application traffic secrets (generation 0).
pub(crate) struct ApplicationSecrets {
    /// `client_application_traffic_secret_0`.
    pub(crate) client: TrafficSecret,
    /// `server_application_traffic_secret_0`.
    pub(crate) server: TrafficSecret,
}

impl ApplicationSecrets {
    /// (read, write) for `side`.
    pub(crate) fn for_side(self, side: Side) -> (TrafficSecret, TrafficSecret) {
        match side {
            Side::Client => (self.server, self.client),
            Side::Server => (self.client, self.server),
        }
    }
}

/// RFC 8446 §7.1: the master secret, and from it over `finished_hash` (the
/// transcript hash of ClientHello...server Finished) the application
/// traffic secrets and the exporter master secret.
pub(crate) fn application_secrets(
    core: &Core,
    handshake_secret: HandshakeSecret,
    finished_hash: &[u8],
) -> ApplicationSecrets {
    let master = handshake_secret.master_secret();
    core.log_secret(SecretKind::MasterSecret, master.as_bytes());
    let client = master.client_traffic_secret(finished_hash);
    let server = master.server_traffic_secret(finished_hash);
    let exporter = master.exporter_master_secret(finished_hash);
    core.log_secret(SecretKind::ClientApplicationTraffic, client.as_bytes());
    core.log_secret(SecretKind::ServerApplicationTraffic, server.as_bytes());
    core.log_secret(SecretKind::ExporterMaster, exporter.as_bytes());
    ApplicationSecrets { client, server }
}

/// RFC 8446 §7.3: installs the record protection of a TLS 1.3 traffic
/// secret, for writing if it is ours, for reading if it is the peer's.
pub(crate) fn install13(
    core: &mut Core,
    suite: CipherSuite,
    secret: &TrafficSecret,
    stage: KeyStage,
) -> Result<(), Error> {
    let keys = secret.keys(suite.aead.key_len());
    let half = HalfConn::tls13(suite.aead, &keys.key, keys.iv)?;
    let direction = direction(core.side, secret.kind().sender());
    core.install(direction, stage, half, &keys.key, &keys.iv)
}

/// RFC 5246 §6.3: installs the half of the TLS 1.2 key block that
/// protects what `sender` sends.
pub(crate) fn install12(
    core: &mut Core,
    suite: CipherSuite,
    block: &KeyBlock,
    sender: Side,
) -> Result<(), Error> {
    let (key, iv) = match sender {
        Side::Client => (&block.client_write_key, &block.client_write_iv),
        Side::Server => (&block.server_write_key, &block.server_write_iv),
    };
    let half = HalfConn::tls12(suite.aead, key, iv)?;
    let direction = direction(core.side, Some(sender));
    core.install(direction, KeyStage::Application, half, key, iv)
}

/// RFC 5246 §6.3: the key block of `suite`'s AEAD.
pub(crate) fn key_block12(
    master: &MasterSecret,
    suite: CipherSuite,
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> KeyBlock {
    let aead = suite.aead;
    master.key_block(client_random, server_random, aead.key_len(), aead.tls12_fixed_iv_len())
}

/// We write with our own keys and read with the peer's.
fn direction(us: Side, sender: Option<Side>) -> Direction {
    if sender == Some(us) { Direction::Write } else { Direction::Read }
}
