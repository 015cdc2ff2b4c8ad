//! The TLS 1.3 client handshake (RFC 8446 §2, Figure 1), one state per
//! message the server sends:
//!
//! ```text
//! ServerHello -> EncryptedExtensions -> [CertificateRequest] -> Certificate
//!   -> CertificateVerify -> Finished
//! ```
//! then our [Certificate and] Finished, and application traffic
//! (`traffic.rs`). A HelloRetryRequest is answered once with a new
//! ClientHello.

use super::{ExpectServerHello, Hello, send_client_hello};
use crate::Error;
use crate::certs::verify_server_certificates;
use crate::conn::{Core, Input, Message, State, expect_message, unexpected};
use crate::handshake::{certificate_verify_content, check_finished};
use crate::keys::{HandshakeSecrets, application_secrets, handshake_secrets, install13};
use crate::kx::EphemeralKey;
use crate::messages::{
    CertificateMessage, HandshakeType, KeyShare, ProtocolVersion, ServerHello, decode_certificate_request,
    decode_certificate_verify, decode_encrypted_extensions, ext,
};
use crate::negotiated::{KeyExchange, Negotiated};
use crate::sign::{SignatureScheme, VerifyingKey};
use crate::suites::{CipherSuite, NamedGroup};
use crate::trace::{Check, Event, KeyExchangeValue, KeyStage, Side};
use crate::traffic::Traffic13;

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
    // RFC 8446 §4.1.4: the ServerHello after a HelloRetryRequest keeps its suite.
    if hello.retry_suite.is_some_and(|s| s != suite) {
        return Err(Error::IllegalParameter(
            "the ServerHello changed the cipher suite of the HelloRetryRequest",
        ));
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
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::Public(Side::Server),
        group: Some(group),
        bytes: share.key_exchange.clone(),
    });
    let shared = key.agree(&share.key_exchange, ProtocolVersion::Tls13, core.switches)?;
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::SharedSecret,
        group: Some(group),
        bytes: shared.to_vec(),
    });
    hello.transcript.add(&message.raw);
    core.set_negotiated(Negotiated {
        version: ProtocolVersion::Tls13,
        suite,
        key_exchange: KeyExchange::Named(group),
        extended_master_secret: false,
    });
    let secrets = handshake_secrets(core, suite, &shared, &hello.transcript.hash(suite.hash));
    install13(core, suite, &secrets.server, KeyStage::Handshake)?;
    // RFC 8446 §D.4: in compatibility mode a ChangeCipherSpec goes out
    // before our first encrypted record (after an HRR it already has).
    if !hello.session_id.is_empty() && !hello.retried {
        core.send_change_cipher_spec()?;
    }
    // From here on everything we send, alerts included, is encrypted
    // under the client handshake traffic secret (RFC 8446 §7.3).
    install13(core, suite, &secrets.client, KeyStage::Handshake)?;
    let state = Tls13 { hello, suite, secrets, certificate_request: None };
    Ok(Box::new(ExpectEncryptedExtensions(state)))
}

/// The longest HelloRetryRequest cookie we echo (RFC 8446 §4.2.2 allows
/// up to 2^16 - 1 bytes, which cannot fit beside the rest of a ClientHello).
const MAX_COOKIE_LEN: usize = 8192;

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
    // The cookie comes back in our next ClientHello, whose extensions must
    // fit 2^16 - 1 bytes: a longer one would make that hello unsendable.
    // Real servers send a few hundred bytes.
    if cookie.as_ref().is_some_and(|c| c.len() > MAX_COOKIE_LEN) {
        return Err(Error::IllegalParameter("a HelloRetryRequest cookie longer than 8 KiB"));
    }
    let group = match selected {
        Some(id) => Some(retry_group(&hello, id)?),
        None => None,
    };
    // §4.1.4: an HRR that would not change the ClientHello is illegal.
    if group.is_none() && cookie.is_none() {
        return Err(Error::IllegalParameter("a HelloRetryRequest that changes nothing"));
    }
    core.emit(|| Event::HelloRetryRequest { group });
    hello.transcript.replace_with_message_hash(suite.hash)?;
    hello.transcript.add(&message.raw);
    hello.retried = true;
    hello.retry_suite = Some(suite);
    if let Some(group) = group {
        let key = EphemeralKey::generate(group, &mut *core.rng)?;
        core.emit(|| Event::KeyExchange {
            value: KeyExchangeValue::Public(Side::Client),
            group: Some(group),
            bytes: key.public().to_vec(),
        });
        hello.shares = vec![(group, key)];
    }
    // RFC 8446 §D.4: the compatibility ChangeCipherSpec precedes the second hello.
    core.send_change_cipher_spec()?;
    send_client_hello(&mut hello, core, cookie.as_deref())?;
    Ok(Box::new(ExpectServerHello { hello }))
}

/// §4.2.8: the group an HRR names must be one we support, and not one we
/// already sent a share for.
fn retry_group(hello: &Hello, id: u16) -> Result<NamedGroup, Error> {
    let group = NamedGroup::by_id(id)
        .filter(|g| hello.config.groups.contains(g))
        .ok_or(Error::IllegalParameter("the HelloRetryRequest names a group we do not support"))?;
    if hello.shares.iter().any(|(g, _)| *g == group) {
        return Err(Error::IllegalParameter("the HelloRetryRequest asks for a share we already sent"));
    }
    Ok(group)
}

/// What the TLS 1.3 client holds between ServerHello and its Finished.
struct Tls13 {
    hello: Hello,
    suite: CipherSuite,
    secrets: HandshakeSecrets,
    /// The certificate_request_context of a CertificateRequest, if one came.
    certificate_request: Option<Vec<u8>>,
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
                ext::PRE_SHARED_KEY,
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
        let mut state = self.0;
        let message = match input {
            Input::Handshake(m) if m.typ == HandshakeType::Certificate => m,
            // RFC 8446 §4.3.2: at most one, before the server's Certificate.
            Input::Handshake(m)
                if m.typ == HandshakeType::CertificateRequest && state.certificate_request.is_none() =>
            {
                state.certificate_request = Some(decode_certificate_request(&m.body)?);
                state.hello.transcript.add(&m.raw);
                return Ok(Box::new(ExpectCertificate(state)));
            }
            other => return Err(unexpected(&ExpectCertificate(state), &other)),
        };
        let certificate = CertificateMessage::decode(&message.body, ProtocolVersion::Tls13)?;
        // RFC 8446 §4.4.2: a server's certificate_request_context is empty.
        if certificate.context.as_ref().is_some_and(|c| !c.is_empty()) {
            return Err(Error::IllegalParameter("a server Certificate with a request context"));
        }
        let key = verify_server_certificates(
            certificate,
            &state.hello.config,
            core,
            padlock_x509::ServerKeyUse::Sign,
        )?;
        state.hello.transcript.add(&message.raw);
        Ok(Box::new(ExpectCertificateVerify { state, key }))
    }
}

struct ExpectCertificateVerify {
    state: Tls13,
    key: VerifyingKey,
}

impl State for ExpectCertificateVerify {
    fn expecting(&self) -> &'static str {
        "CertificateVerify"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::CertificateVerify)?;
        let ExpectCertificateVerify { mut state, key } = *self;
        let signed = decode_certificate_verify(&message.body)?;
        // RFC 8446 §4.4.3: a scheme we offered, and no PKCS#1 v1.5 in TLS 1.3.
        let scheme = SignatureScheme::by_id(signed.scheme)
            .filter(|s| state.hello.config.signature_schemes.contains(s))
            .ok_or(Error::IllegalParameter("a CertificateVerify scheme we did not offer"))?;
        if !scheme.allowed_in(ProtocolVersion::Tls13) {
            return Err(Error::IllegalParameter("RSASSA-PKCS1-v1_5 in a TLS 1.3 CertificateVerify"));
        }
        // RFC 8446 §4.2.3: the scheme must fit the key (and, for ECDSA, its curve).
        if !scheme.fits(&key, ProtocolVersion::Tls13) {
            return Err(Error::IllegalParameter(
                "a CertificateVerify scheme that does not fit the certificate's key",
            ));
        }
        let content =
            certificate_verify_content(Side::Server, &state.hello.transcript.hash(state.suite.hash));
        let passed = scheme.verify(&key, &content, &signed.signature);
        core.emit(|| Event::Check {
            check: Check::Signature { message: HandshakeType::CertificateVerify, scheme },
            passed,
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
        let Tls13 { mut hello, suite, secrets, certificate_request } = self.0;
        // RFC 8446 §4.4.4: HMAC(finished_key, Transcript-Hash(.. CertificateVerify)).
        let expected = secrets.server.verify_data(&hello.transcript.hash(suite.hash));
        check_finished(core, Side::Server, &expected, &message.body)?;
        hello.transcript.add(&message.raw);
        let application =
            application_secrets(core, secrets.handshake_secret, &hello.transcript.hash(suite.hash));
        install13(core, suite, &application.server, KeyStage::Application)?;
        // RFC 8446 §4.4.2: asked for a certificate, we have none: an empty list.
        if let Some(context) = certificate_request {
            let empty = CertificateMessage { context: Some(context), entries: Vec::new() };
            hello.transcript.add(&core.send_handshake(HandshakeType::Certificate, &empty.encode()?)?);
        }
        let verify_data = secrets.client.verify_data(&hello.transcript.hash(suite.hash));
        core.send_handshake(HandshakeType::Finished, &verify_data)?;
        install13(core, suite, &application.client, KeyStage::Application)?;
        let (read, write) = application.for_side(Side::Client);
        Ok(Box::new(Traffic13::new(suite, read, write)))
    }
}
