//! The TLS 1.3 client handshake (RFC 8446 §2, Figure 1), one state per
//! message the server sends:
//!
//! ```text
//! ServerHello -> EncryptedExtensions -> Certificate -> CertificateVerify -> Finished
//! ```
//! then our Finished, and application traffic.

use super::{ExpectServerHello, Hello, send_client_hello};
use crate::Error;
use crate::conn::{Core, Input, Message, Negotiated, State, expect_message, unexpected};
use crate::handshake::{EphemeralKey, certificate_verify_content, check_finished, server_key_from_chain};
use crate::key_schedule::SecretKind;
use crate::key_schedule::tls13::{EarlySecret, HandshakeSecret, TrafficSecret};
use crate::messages::version::TLS13;
use crate::messages::{
    CertificateMessage, HandshakeType, KeyShare, ServerHello, check_new_session_ticket,
    decode_certificate_verify, decode_encrypted_extensions, decode_key_update, ext,
};
use crate::record::HalfConn;
use crate::suites::{CipherSuite, NamedGroup, SignatureScheme};
use crate::trace::{Event, Side};

/// Handles a TLS 1.3 ServerHello or HelloRetryRequest (RFC 8446 §4.1.3-4).
pub(super) fn server_hello(
    mut hello: Hello,
    core: &mut Core,
    message: Message,
    server_hello: ServerHello,
    suite: CipherSuite,
) -> Result<Box<dyn State>, Error> {
    // RFC 8446 §4.1.3: legacy_session_id_echo must be what we sent.
    if server_hello.session_id != hello.session_id {
        return Err(Error::IllegalParameter("the server did not echo our legacy_session_id"));
    }
    if server_hello.is_retry_request() {
        return retry(hello, core, message, server_hello, suite);
    }
    let share = server_hello
        .extensions
        .parse(ext::KEY_SHARE, KeyShare::decode)?
        .ok_or(Error::MissingExtension("key_share in a TLS 1.3 ServerHello"))?;
    // RFC 8446 §4.2.8: the server's share must be in a group we sent a share for.
    let position = hello
        .shares
        .iter()
        .position(|(g, _)| g.id() == share.group)
        .ok_or(Error::IllegalParameter("a server key share for a group we sent no share for"))?;
    let (group, key) = hello.shares.swap_remove(position);
    core.emit(Event::KeyExchange {
        name: format!("server {} public key", group.name()),
        value: share.key_exchange.clone(),
    });
    let shared = key.agree(&share.key_exchange, true)?;
    core.emit(Event::KeyExchange {
        name: format!("{} shared secret (client)", group.name()),
        value: shared.clone(),
    });
    hello.transcript.add(&message.raw);
    core.set_negotiated(
        Negotiated { version: TLS13, suite, group: Some(group.name().into()), extended_master_secret: false },
        format!("the server chose {} and {} from our offer", suite.name, group.name()),
    );
    let hash = suite.hash;
    let early = EarlySecret::new(hash);
    core.emit(Event::Secret { name: "early secret".into(), value: early.as_bytes().to_vec() });
    let handshake_secret = early.handshake_secret(&shared);
    core.emit(Event::Secret { name: "handshake secret".into(), value: handshake_secret.as_bytes().to_vec() });
    let hello_hash = hello.transcript.hash(hash);
    let client_hs = handshake_secret.client_traffic_secret(&hello_hash);
    let server_hs = handshake_secret.server_traffic_secret(&hello_hash);
    core.log_secret(SecretKind::ClientHandshakeTraffic, client_hs.as_bytes());
    core.log_secret(SecretKind::ServerHandshakeTraffic, server_hs.as_bytes());
    install_read(core, &server_hs, suite, "handshake")?;
    // RFC 8446 §D.4: in compatibility mode a ChangeCipherSpec goes out
    // before our first encrypted record (after an HRR it already has).
    if !hello.session_id.is_empty() && !hello.retried {
        core.send_change_cipher_spec()?;
    }
    // From here on everything we send, alerts included, is encrypted
    // under the client handshake traffic secret (RFC 8446 §7.3).
    install_write(core, &client_hs, suite, "handshake")?;
    let state = Tls13 { hello, suite, handshake_secret, client_hs, server_hs };
    Ok(Box::new(ExpectEncryptedExtensions(state)))
}

/// RFC 8446 §4.1.4: answer a HelloRetryRequest once, with a share for the
/// group it names and its cookie.
fn retry(
    mut hello: Hello,
    core: &mut Core,
    message: Message,
    retry: ServerHello,
    suite: CipherSuite,
) -> Result<Box<dyn State>, Error> {
    if hello.retried {
        return Err(Error::UnexpectedMessage("a second HelloRetryRequest".into()));
    }
    let selected = retry.extensions.parse(ext::KEY_SHARE, |r| r.u16())?;
    let cookie = retry
        .extensions
        .parse(ext::COOKIE, |r| Ok(r.vec16()?.non_empty("an empty cookie")?.rest().to_vec()))?;
    let group = match selected {
        Some(id) => {
            // §4.2.8: a group we support, and not one we already sent a share for.
            let group = NamedGroup::by_id(id)
                .filter(|g| hello.config.groups.contains(g))
                .ok_or(Error::IllegalParameter("the HelloRetryRequest names a group we do not support"))?;
            if hello.shares.iter().any(|(g, _)| *g == group) {
                return Err(Error::IllegalParameter(
                    "the HelloRetryRequest asks for a share we already sent",
                ));
            }
            Some(group)
        }
        None => None,
    };
    // §4.1.4: an HRR that would not change the ClientHello is illegal.
    if group.is_none() && cookie.is_none() {
        return Err(Error::IllegalParameter("a HelloRetryRequest that changes nothing"));
    }
    core.emit(Event::Note(format!(
        "HelloRetryRequest: the server wants a key share for {}",
        group.map_or("(the same groups)", |g| g.name())
    )));
    hello.transcript.replace_with_message_hash(suite.hash);
    hello.transcript.add(&message.raw);
    hello.retried = true;
    if let Some(group) = group {
        let key = EphemeralKey::generate(group, &mut *core.rng)?;
        core.emit(Event::KeyExchange {
            name: format!("client {} public key", group.name()),
            value: key.public(),
        });
        hello.shares = vec![(group, key)];
    }
    // RFC 8446 §D.4: the compatibility ChangeCipherSpec precedes the second hello.
    core.send_change_cipher_spec()?;
    send_client_hello(&mut hello, core, cookie.as_deref())?;
    Ok(Box::new(ExpectServerHello { hello }))
}

/// What the TLS 1.3 client holds between ServerHello and its Finished.
struct Tls13 {
    hello: Hello,
    suite: CipherSuite,
    handshake_secret: HandshakeSecret,
    client_hs: TrafficSecret,
    server_hs: TrafficSecret,
}

fn install_read(
    core: &mut Core,
    secret: &TrafficSecret,
    suite: CipherSuite,
    stage: &str,
) -> Result<(), Error> {
    let keys = secret.keys(suite.key_len);
    core.set_read(HalfConn::tls13_gcm(&keys.key, keys.iv)?, stage, &keys.key, &keys.iv)
}

fn install_write(
    core: &mut Core,
    secret: &TrafficSecret,
    suite: CipherSuite,
    stage: &str,
) -> Result<(), Error> {
    let keys = secret.keys(suite.key_len);
    core.set_write(HalfConn::tls13_gcm(&keys.key, keys.iv)?, stage, &keys.key, &keys.iv)
}

struct ExpectEncryptedExtensions(Tls13);

impl State for ExpectEncryptedExtensions {
    fn expecting(&self) -> &'static str {
        "EncryptedExtensions"
    }

    fn handle(self: Box<Self>, _core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::EncryptedExtensions)?;
        let mut state = self.0;
        let extensions = decode_encrypted_extensions(&message.body)?;
        for e in &extensions.0 {
            // RFC 8446 §4.2: extensions that belong in other messages are
            // illegal here; ones we never offered are unsupported.
            let misplaced = [
                ext::KEY_SHARE,
                ext::SUPPORTED_VERSIONS,
                ext::SIGNATURE_ALGORITHMS,
                ext::COOKIE,
                ext::PSK_KEY_EXCHANGE_MODES,
                ext::EC_POINT_FORMATS,
                ext::EXTENDED_MASTER_SECRET,
                ext::RENEGOTIATION_INFO,
                41,
            ];
            if misplaced.contains(&e.typ) {
                return Err(Error::IllegalParameter("an extension not allowed in EncryptedExtensions"));
            }
            if !state.hello.sent_extensions.contains(&e.typ) {
                return Err(Error::UnsupportedExtension(format!(
                    "EncryptedExtensions carries {} ({}), which we did not offer",
                    ext::name(e.typ),
                    e.typ
                )));
            }
        }
        state.hello.transcript.add(&message.raw);
        Ok(Box::new(ExpectCertificate(state)))
    }
}

struct ExpectCertificate(Tls13);

impl State for ExpectCertificate {
    fn expecting(&self) -> &'static str {
        "Certificate"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = match input {
            Input::Handshake(m) if m.typ == HandshakeType::Certificate => m,
            Input::Handshake(m) if m.typ == HandshakeType::CertificateRequest => {
                return Err(Error::Internal("the server asks for a client certificate; we have none".into()));
            }
            other => return Err(unexpected(&*self, &other)),
        };
        let mut state = self.0;
        let certificate = CertificateMessage::decode(&message.body, true)?;
        // RFC 8446 §4.4.2: a server's certificate_request_context is empty.
        if certificate.context.as_ref().is_some_and(|c| !c.is_empty()) {
            return Err(Error::IllegalParameter("a server Certificate with a request context"));
        }
        let key =
            server_key_from_chain(certificate, &state.hello.config, core, padlock_x509::ServerKeyUse::Sign)?;
        state.hello.transcript.add(&message.raw);
        Ok(Box::new(ExpectCertificateVerify { state, key }))
    }
}

struct ExpectCertificateVerify {
    state: Tls13,
    key: padlock_rsa::RsaPublicKey,
}

impl State for ExpectCertificateVerify {
    fn expecting(&self) -> &'static str {
        "CertificateVerify"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::CertificateVerify)?;
        let ExpectCertificateVerify { mut state, key } = *self;
        let signed = decode_certificate_verify(&message.body)?;
        // RFC 8446 §4.4.3: a scheme we offered; RSA must be PSS in TLS 1.3.
        let scheme = SignatureScheme::by_id(signed.scheme)
            .filter(|s| state.hello.config.signature_schemes.contains(s))
            .ok_or(Error::IllegalParameter("a CertificateVerify scheme we did not offer"))?;
        if !scheme.is_pss() {
            return Err(Error::IllegalParameter("RSASSA-PKCS1-v1_5 in a TLS 1.3 CertificateVerify"));
        }
        let content = certificate_verify_content(true, &state.hello.transcript.hash(state.suite.hash));
        let passed = scheme.verify(&key, &content, &signed.signature);
        core.emit(Event::Check {
            what: format!("CertificateVerify signature ({})", scheme.name()),
            passed,
            detail: "the server holds the certificate's private key and signed this transcript".into(),
        });
        if !passed {
            return Err(Error::DecryptError("the CertificateVerify signature does not verify"));
        }
        state.hello.transcript.add(&message.raw);
        Ok(Box::new(ExpectFinished(state)))
    }
}

struct ExpectFinished(Tls13);

impl State for ExpectFinished {
    fn expecting(&self) -> &'static str {
        "Finished"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::Finished)?;
        let mut state = self.0;
        let hash = state.suite.hash;
        // RFC 8446 §4.4.4: HMAC(finished_key, Transcript-Hash(.. CertificateVerify)).
        let expected = state.server_hs.verify_data(&state.hello.transcript.hash(hash));
        check_finished(
            core,
            Side::Server,
            &expected,
            &message.body,
            "HMAC over the whole transcript with the server's finished_key",
        )?;
        state.hello.transcript.add(&message.raw);
        let through_server_finished = state.hello.transcript.hash(hash);
        let master = state.handshake_secret.master_secret();
        core.emit(Event::Secret { name: "master secret".into(), value: master.as_bytes().to_vec() });
        let client_ap = master.client_traffic_secret(&through_server_finished);
        let server_ap = master.server_traffic_secret(&through_server_finished);
        let exporter = master.exporter_master_secret(&through_server_finished);
        core.log_secret(SecretKind::ClientApplicationTraffic, client_ap.as_bytes());
        core.log_secret(SecretKind::ServerApplicationTraffic, server_ap.as_bytes());
        core.log_secret(SecretKind::ExporterMaster, exporter.as_bytes());
        install_read(core, &server_ap, state.suite, "application")?;
        let verify_data = state.client_hs.verify_data(&through_server_finished);
        core.send_handshake(HandshakeType::Finished, &verify_data);
        install_write(core, &client_ap, state.suite, "application")?;
        core.traffic13 = Some((server_ap, client_ap));
        Ok(Box::new(Traffic13))
    }
}

/// After the handshake: NewSessionTicket and KeyUpdate (RFC 8446 §4.6).
pub(crate) struct Traffic13;

impl State for Traffic13 {
    fn expecting(&self) -> &'static str {
        "application data"
    }

    fn is_traffic(&self) -> bool {
        true
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = match input {
            Input::Handshake(m) => m,
            other => return Err(unexpected(&*self, &other)),
        };
        match message.typ {
            // §4.6.1: we do not resume sessions, so tickets are checked and dropped.
            HandshakeType::NewSessionTicket if core.side == crate::trace::Side::Client => {
                check_new_session_ticket(&message.body)?;
                core.emit(Event::Note("NewSessionTicket received and ignored (no resumption)".into()));
            }
            HandshakeType::KeyUpdate => {
                let requested = decode_key_update(&message.body)?;
                update_read_secret(core)?;
                // §4.6.3: answer update_requested with our own update (not requested).
                if requested {
                    core.send_handshake(HandshakeType::KeyUpdate, &[0]);
                    update_write_secret(core)?;
                }
            }
            _ => {
                return Err(Error::UnexpectedMessage(format!("{} after the handshake", message.typ.name())));
            }
        }
        Ok(self)
    }
}

fn next_keys(
    secret: &TrafficSecret,
    key_len: usize,
) -> Result<(TrafficSecret, HalfConn, Vec<u8>, [u8; 12]), Error> {
    let next = secret.next();
    let keys = next.keys(key_len);
    let half = HalfConn::tls13_gcm(&keys.key, keys.iv)?;
    Ok((next, half, keys.key.clone(), keys.iv))
}

/// RFC 8446 §7.2: the next read secret after the peer's KeyUpdate.
fn update_read_secret(core: &mut Core) -> Result<(), Error> {
    let (read, write) = core.traffic13.take().ok_or_else(|| Error::Internal("no traffic secrets".into()))?;
    let (next, half, key, iv) = next_keys(&read, core.key_len)?;
    core.emit(Event::Secret { name: "traffic upd (read)".into(), value: next.as_bytes().to_vec() });
    core.set_read(half, "application (updated)", &key, &iv)?;
    core.traffic13 = Some((next, write));
    Ok(())
}

/// RFC 8446 §7.2: the next write secret after sending a KeyUpdate.
pub(crate) fn update_write_secret(core: &mut Core) -> Result<(), Error> {
    let (read, write) = core.traffic13.take().ok_or_else(|| Error::Internal("no traffic secrets".into()))?;
    let (next, half, key, iv) = next_keys(&write, core.key_len)?;
    core.emit(Event::Secret { name: "traffic upd (write)".into(), value: next.as_bytes().to_vec() });
    core.set_write(half, "application (updated)", &key, &iv)?;
    core.traffic13 = Some((read, next));
    Ok(())
}
