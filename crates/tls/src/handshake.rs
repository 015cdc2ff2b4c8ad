//! Pieces of the handshake both sides and both versions share: the
//! transcript, the Finished check, and what a TLS 1.3 CertificateVerify
//! signs. (The key exchange is in `kx.rs`, the certificate check in
//! `certs.rs`, the installing of keys in `keys.rs`.)

use subtle::ConstantTimeEq;

use crate::Error;
use crate::conn::Core;
use crate::key_schedule::HashAlgorithm;
use crate::messages::{HandshakeType, frame};
use crate::trace::{Check, Event, Side};

/// The handshake transcript: every handshake message so far, as sent.
///
/// It keeps the bytes rather than a running hash: the hash function is not
/// known until the ServerHello, TLS 1.3 needs the hash at many points, and
/// a handshake is a few kilobytes.
#[derive(Default)]
pub(crate) struct Transcript {
    bytes: Vec<u8>,
}

impl Transcript {
    /// Adds one whole message (header and body).
    pub(crate) fn add(&mut self, message: &[u8]) {
        self.bytes.extend_from_slice(message);
    }

    /// Hash(messages so far).
    pub(crate) fn hash(&self, hash: HashAlgorithm) -> Vec<u8> {
        hash.hash(&self.bytes)
    }

    /// RFC 8446 §4.4.1: after a HelloRetryRequest the first ClientHello is
    /// replaced by `message_hash || 00 00 Hash.length || Hash(ClientHello1)`.
    pub(crate) fn replace_with_message_hash(&mut self, hash: HashAlgorithm) -> Result<(), Error> {
        let digest = self.hash(hash);
        self.bytes = frame(HandshakeType::MessageHash, &digest)?;
        Ok(())
    }
}

/// Compares a received Finished with the one we computed, in constant time
/// (RFC 8446 §4.4.4, RFC 5246 §7.4.9), and tells the trace. `peer` is the
/// side that sent it.
pub(crate) fn check_finished(core: &Core, peer: Side, expected: &[u8], received: &[u8]) -> Result<(), Error> {
    // RFC 8446 §4.4.4 / RFC 5246 §7.4.9: verify_data has a fixed length;
    // another length is a malformed message (decode_error), not a bad MAC.
    if received.len() != expected.len() {
        return Err(Error::Decode("a Finished whose verify_data has the wrong length"));
    }
    let passed = bool::from(expected.ct_eq(received));
    if let Some(version) = core.version {
        core.emit(|| Event::Check { check: Check::Finished { sender: peer, version }, passed });
    }
    match (passed, peer) {
        (true, _) => Ok(()),
        (false, Side::Server) => Err(Error::DecryptError("the server's Finished does not verify")),
        (false, Side::Client) => Err(Error::DecryptError("the client's Finished does not verify")),
    }
}

/// RFC 8446 §4.4.3: the content a CertificateVerify signs: 64 spaces, the
/// context string, a zero byte, then the transcript hash.
pub(crate) fn certificate_verify_content(signer: Side, transcript_hash: &[u8]) -> Vec<u8> {
    let mut content = vec![0x20; 64];
    let context: &[u8] = match signer {
        Side::Server => b"TLS 1.3, server CertificateVerify",
        Side::Client => b"TLS 1.3, client CertificateVerify",
    };
    content.extend_from_slice(context);
    content.push(0);
    content.extend_from_slice(transcript_hash);
    content
}
