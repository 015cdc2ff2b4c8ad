//! Pieces both sides and both versions share: the transcript, ephemeral
//! key-exchange keys, and the client's certificate check.

use padlock_dh::{ffdh, x25519};
use padlock_x509::Certificate;
use rand_core::CryptoRng;

use crate::Error;
use crate::config::ClientConfig;
use crate::conn::Core;
use crate::key_schedule::HashAlgorithm;
use crate::messages::{CertificateMessage, HandshakeType, frame};
use crate::suites::NamedGroup;
use crate::trace::Event;

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
    pub(crate) fn replace_with_message_hash(&mut self, hash: HashAlgorithm) {
        let digest = self.hash(hash);
        self.bytes = frame(HandshakeType::MessageHash, &digest);
    }
}

/// An ephemeral private key for one key exchange, used once, with its
/// public value (computed once: for FFDHE it is a modular exponentiation).
pub(crate) struct EphemeralKey {
    private: Private,
    public: Vec<u8>,
}

/// The private half, by kind of group.
enum Private {
    /// X25519 (RFC 7748).
    X25519(x25519::PrivateKey),
    /// Finite-field DH over a safe-prime group.
    Ffdhe(ffdh::PrivateKey),
}

impl EphemeralKey {
    /// A fresh key in a named group.
    pub(crate) fn generate(group: NamedGroup, rng: &mut dyn CryptoRng) -> Result<EphemeralKey, Error> {
        match group.ffdhe() {
            None => {
                let private = x25519::PrivateKey::generate(rng);
                let public = private.public_key().as_bytes().to_vec();
                Ok(EphemeralKey { private: Private::X25519(private), public })
            }
            Some(params) => EphemeralKey::generate_ffdhe(&params, rng),
        }
    }

    /// A fresh key in the finite-field group `params` (TLS 1.2 DHE, where the server names p and g).
    pub(crate) fn generate_ffdhe(
        params: &padlock_dh::groups::Group,
        rng: &mut dyn CryptoRng,
    ) -> Result<EphemeralKey, Error> {
        let private = ffdh::PrivateKey::generate(params, rng)
            .map_err(|e| Error::Internal(format!("DH key generation: {e:?}")))?;
        let public = private.public_key().as_bytes().to_vec();
        Ok(EphemeralKey { private: Private::Ffdhe(private), public })
    }

    /// The public value: 32 bytes for X25519; for FFDHE left-padded to the
    /// length of p (RFC 8446 §4.2.8.1, and accepted by TLS 1.2 peers).
    pub(crate) fn public(&self) -> Vec<u8> {
        self.public.clone()
    }

    /// The shared secret with the peer's public value, after validating it:
    /// X25519 refuses the all-zero result (RFC 8446 §7.4.2); FFDHE checks
    /// `1 < Y < p - 1` (RFC 8446 §4.2.8.1, RFC 7919 §5.1), and in TLS 1.3
    /// that Y is exactly as long as p. The TLS 1.2 form strips leading
    /// zeros (RFC 5246 §8.1.2); TLS 1.3 keeps them (RFC 8446 §7.4.1).
    pub(crate) fn agree(self, peer: &[u8], tls13: bool) -> Result<Vec<u8>, Error> {
        match self.private {
            Private::X25519(key) => {
                let bytes: [u8; 32] = peer
                    .try_into()
                    .map_err(|_| Error::IllegalParameter("an X25519 share that is not 32 bytes"))?;
                let shared = key
                    .diffie_hellman(&x25519::PublicKey::from_bytes(bytes))
                    .map_err(|_| Error::IllegalParameter("an X25519 share of low order (all-zero secret)"))?;
                Ok(shared.as_bytes().to_vec())
            }
            Private::Ffdhe(key) => {
                let group = *key.group();
                if tls13 && peer.len() != group.p.len() {
                    return Err(Error::IllegalParameter("an FFDHE share not as long as p"));
                }
                let public = ffdh::PublicKey::from_bytes(&group, peer)
                    .map_err(|_| Error::IllegalParameter("an FFDHE share longer than p"))?;
                let shared =
                    key.agree(&public).map_err(|_| Error::IllegalParameter("an FFDHE share out of range"))?;
                Ok(if tls13 { shared.tls13_bytes().to_vec() } else { shared.tls12_bytes().to_vec() })
            }
        }
    }
}

/// The client's check of the certificates a server sent (RFC 8446
/// §4.4.2.4, RFC 5246 §7.4.2), against the client's trust anchors, name and
/// clock: returns the leaf's RSA key, which must sign what comes next (or,
/// `key_use` says, receive the premaster secret).
pub(crate) fn server_key_from_chain(
    certificate: CertificateMessage,
    config: &ClientConfig,
    core: &Core,
    key_use: padlock_x509::ServerKeyUse,
) -> Result<padlock_rsa::RsaPublicKey, Error> {
    let chain: Vec<Vec<u8>> = certificate.entries.into_iter().map(|(der, _)| der).collect();
    let now = now_or(config.now)?;
    let leaf = verify_server_chain(
        &chain,
        &config.trust_anchors,
        &config.server_name,
        now,
        config.verify_certificate,
        key_use,
        &mut |event| core.emit(event),
    )?;
    leaf.public_key.rsa_key().map_err(|why| Error::BadCertificate(format!("not an RSA key: {why}")))
}

/// Parses every certificate, then checks chain, dates and host name
/// through padlock-x509. Emits one `Check` event per step. Returns the leaf.
fn verify_server_chain(
    chain: &[Vec<u8>],
    anchors: &[Certificate],
    host: &str,
    now: padlock_der::Time,
    verify: bool,
    key_use: padlock_x509::ServerKeyUse,
    emit: &mut dyn FnMut(Event),
) -> Result<Certificate, Error> {
    let mut parsed = Vec::new();
    for der in chain {
        let cert = Certificate::from_der(der).map_err(|e| Error::BadCertificate(e.to_string()))?;
        parsed.push(cert);
    }
    let Some((leaf, intermediates)) = parsed.split_first() else {
        // RFC 8446 §4.4.2.4: an empty chain from a server is decode_error.
        return Err(Error::Decode("the server sent no certificate"));
    };
    emit(Event::Check {
        what: "certificate parses (RFC 5280)".into(),
        passed: true,
        detail: format!("subject {}, issuer {}, {} in the chain", leaf.subject, leaf.issuer, parsed.len()),
    });
    if !verify {
        emit(Event::Check {
            what: "certificate chain and name".into(),
            passed: true,
            detail: "NOT checked (--insecure)".into(),
        });
        return Ok(leaf.clone());
    }
    // RFC 5280 §4.2.1.12, §4.2.1.3: serverAuth, and the keyUsage the key exchange needs.
    let usage = |path| padlock_x509::check_server_usage(leaf, key_use).map(|()| path);
    match padlock_x509::verify_chain(leaf, intermediates, anchors, host, now).and_then(usage) {
        Ok(path) => {
            let names: Vec<String> = path.iter().map(|c| c.subject.to_string()).collect();
            emit(Event::Check {
                what: "chain to a trust anchor, validity dates".into(),
                passed: true,
                detail: names.join(" <- "),
            });
            emit(Event::Check {
                what: format!("certificate is valid for the name '{host}' (RFC 6125)"),
                passed: true,
                detail: String::new(),
            });
            Ok(leaf.clone())
        }
        Err(error) => {
            let text = error.to_string();
            emit(Event::Check {
                what: "certificate chain and name".into(),
                passed: false,
                detail: text.clone(),
            });
            Err(match error {
                padlock_x509::Error::UnknownIssuer(_) => Error::UnknownCa(text),
                _ => Error::BadCertificate(text),
            })
        }
    }
}

/// Compares a received Finished with the one we computed, in constant time
/// (RFC 8446 §4.4.4, RFC 5246 §7.4.9), and tells the trace how it was made.
/// `peer` is the side that sent it.
pub(crate) fn check_finished(
    core: &crate::conn::Core,
    peer: crate::trace::Side,
    expected: &[u8],
    received: &[u8],
    how: &str,
) -> Result<(), Error> {
    use subtle::ConstantTimeEq;
    let passed = bool::from(expected.ct_eq(received));
    core.emit(Event::Check { what: format!("{} Finished", peer.name()), passed, detail: how.into() });
    match (passed, peer) {
        (true, _) => Ok(()),
        (false, crate::trace::Side::Server) => {
            Err(Error::DecryptError("the server's Finished does not verify"))
        }
        (false, crate::trace::Side::Client) => {
            Err(Error::DecryptError("the client's Finished does not verify"))
        }
    }
}

/// The current time as an X.509 `Time`, or the configured fixed time.
fn now_or(fixed: Option<padlock_der::Time>) -> Result<padlock_der::Time, Error> {
    if let Some(time) = fixed {
        return Ok(time);
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| Error::Internal("the system clock is before 1970".into()))?
        .as_secs();
    padlock_der::Time::from_unix_seconds(seconds as i64).map_err(|e| Error::Internal(e.to_string()))
}

/// RFC 8446 §4.4.3: the content a CertificateVerify signs: 64 spaces, the
/// context string, a zero byte, then the transcript hash.
pub(crate) fn certificate_verify_content(server: bool, transcript_hash: &[u8]) -> Vec<u8> {
    let mut content = vec![0x20; 64];
    let context: &[u8] =
        if server { b"TLS 1.3, server CertificateVerify" } else { b"TLS 1.3, client CertificateVerify" };
    content.extend_from_slice(context);
    content.push(0);
    content.extend_from_slice(transcript_hash);
    content
}
