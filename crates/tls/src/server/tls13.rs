//! The TLS 1.3 server handshake (RFC 8446 §2): ClientHello (perhaps a
//! HelloRetryRequest and a second ClientHello), then our whole flight —
//! ServerHello, EncryptedExtensions, Certificate, CertificateVerify,
//! Finished, one step each — then the client's Finished.

use std::sync::Arc;

use super::{Offer, certified_key, choose_certificate, choose_suite, common_groups};
use crate::Error;
use crate::config::ServerConfig;
use crate::conn::{Core, Input, State, expect_message};
use crate::handshake::{Transcript, certificate_verify_content, check_finished};
use crate::key_schedule::tls13::TrafficSecret;
use crate::keys::{HandshakeSecrets, application_secrets, handshake_secrets, install13};
use crate::kx;
use crate::messages::{
    CertificateMessage, ClientHello, DigitallySigned, Extensions, HELLO_RETRY_REQUEST_RANDOM, HandshakeType,
    KeyShare, ProtocolVersion, ServerHello, ext,
};
use crate::negotiated::{KeyExchange, Negotiated};
use crate::registry;
use crate::sign::SignatureScheme;
use crate::suites::{CipherSuite, NamedGroup};
use crate::trace::{Event, KeyExchangeValue, KeyStage, Side};
use crate::traffic::Traffic13;

/// How many bytes of 0-RTT records a server skips (RFC 8446 §4.2.10): we
/// never accept early data, so a client that sent some is answered without
/// it, and its records are dropped up to this budget.
const MAX_SKIPPED_EARLY_DATA: usize = 1 << 16;

/// What the server decided from the first ClientHello.
struct Choice {
    config: Arc<ServerConfig>,
    /// Which of our certificates we present.
    certificate: usize,
    suite: CipherSuite,
    scheme: SignatureScheme,
    session_id: Vec<u8>,
    sent_ccs: bool,
    transcript: Transcript,
}

/// Handles a ClientHello that negotiated TLS 1.3.
pub(super) fn client_hello(
    config: Arc<ServerConfig>,
    core: &mut Core,
    hello: ClientHello,
    offer: Offer,
    transcript: Transcript,
) -> Result<Box<dyn State>, Error> {
    let suite = choose_suite(&config, &hello.cipher_suites, |s| s.is_tls13())?;
    core.suite = Some(suite);
    // RFC 8446 §4.2.10: we never accept 0-RTT data; skip what the client sent.
    if hello.extensions.has(ext::EARLY_DATA) {
        core.early_data_budget = Some(MAX_SKIPPED_EARLY_DATA);
    }
    // RFC 8446 §9.2: a ClientHello for TLS 1.3 must carry these.
    if !hello.extensions.has(ext::SIGNATURE_ALGORITHMS) {
        return Err(Error::MissingExtension("signature_algorithms"));
    }
    let shares = read_key_shares(&hello)?.ok_or(Error::MissingExtension("key_share"))?;
    if !hello.extensions.has(ext::SUPPORTED_GROUPS) {
        return Err(Error::MissingExtension("supported_groups"));
    }
    let (certificate, scheme) =
        choose_certificate(&config, &offer.schemes, ProtocolVersion::Tls13, |_| true)?;
    let common = common_groups(&config, &offer.groups);
    let Some(&preferred) = common.first() else {
        let theirs: Vec<String> = offer.groups.iter().map(|&g| registry::group(g).name(g)).collect();
        let ours: Vec<&str> = config.groups.iter().map(|g| g.name()).collect();
        return Err(Error::NoCommonParameters(format!(
            "no group in common: client offered [{}], server accepts [{}]",
            theirs.join(", "),
            ours.join(", ")
        )));
    };
    let session_id = hello.session_id.clone();
    let choice = Choice { config, certificate, suite, scheme, session_id, sent_ccs: false, transcript };
    // Our most preferred group among those the client sent a share for;
    // if there is none, RFC 8446 §4.1.4: ask for one with a HelloRetryRequest.
    let with_share = common.iter().find_map(|g| shares.iter().find(|s| s.group == g.id()).map(|s| (*g, s)));
    match with_share {
        Some((group, share)) => server_flight(choice, core, &hello, group, &share.key_exchange),
        None => send_hello_retry_request(choice, core, hello, preferred),
    }
}

fn read_key_shares(hello: &ClientHello) -> Result<Option<Vec<KeyShare>>, Error> {
    hello.extensions.parse(ext::KEY_SHARE, |r| {
        let mut list = r.vec16()?;
        let mut shares: Vec<KeyShare> = Vec::new();
        while !list.is_empty() {
            let share = KeyShare::decode(&mut list)?;
            // RFC 8446 §4.2.8: at most one share per group.
            if shares.iter().any(|s| s.group == share.group) {
                return Err(Error::IllegalParameter("two key shares for one group"));
            }
            shares.push(share);
        }
        Ok(shares)
    })
}

/// RFC 8446 §4.1.4: a HelloRetryRequest asking for a share in `group`. We
/// keep the first ClientHello, so we send no cookie: only
/// supported_versions and key_share.
fn send_hello_retry_request(
    mut choice: Choice,
    core: &mut Core,
    first: ClientHello,
    group: NamedGroup,
) -> Result<Box<dyn State>, Error> {
    let mut extensions = Extensions::default();
    extensions.push(ext::SUPPORTED_VERSIONS, |w| {
        w.u16(ProtocolVersion::Tls13.code());
    })?;
    extensions.push(ext::KEY_SHARE, |w| {
        w.u16(group.id());
    })?;
    let retry = ServerHello {
        legacy_version: ProtocolVersion::Tls12.code(),
        random: HELLO_RETRY_REQUEST_RANDOM,
        session_id: first.session_id.clone(),
        cipher_suite: choice.suite.id,
        compression_method: 0,
        extensions,
    };
    core.emit(|| Event::HelloRetryRequest { group: Some(group) });
    // RFC 8446 §4.4.1: the first ClientHello becomes a message_hash.
    choice.transcript.replace_with_message_hash(choice.suite.hash)?;
    choice.transcript.add(&core.send_handshake(HandshakeType::ServerHello, &retry.encode()?)?);
    if !choice.session_id.is_empty() {
        core.send_change_cipher_spec()?;
        choice.sent_ccs = true;
    }
    Ok(Box::new(ExpectSecondClientHello { choice, group, first }))
}

struct ExpectSecondClientHello {
    choice: Choice,
    group: NamedGroup,
    first: ClientHello,
}

impl State for ExpectSecondClientHello {
    fn expecting(&self) -> &'static str {
        "ClientHello (after HelloRetryRequest)"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::ClientHello)?;
        let ExpectSecondClientHello { mut choice, group, first } = *self;
        // RFC 8446 §4.2.10: 0-RTT records come before this hello, not after.
        core.early_data_budget = None;
        let hello = ClientHello::decode(&message.body)?;
        if !same_hello(&first, &hello) {
            return Err(Error::IllegalParameter(
                "the second ClientHello changed more than RFC 8446 §4.1.2 allows after a HelloRetryRequest",
            ));
        }
        let shares = read_key_shares(&hello)?.unwrap_or_default();
        let [share] = shares.as_slice() else {
            return Err(Error::IllegalParameter("the second ClientHello must carry exactly one key share"));
        };
        if share.group != group.id() {
            return Err(Error::IllegalParameter(
                "the second ClientHello's share is not for the group we asked",
            ));
        }
        choice.transcript.add(&message.raw);
        let key_exchange = share.key_exchange.clone();
        server_flight(choice, core, &hello, group, &key_exchange)
    }
}

/// RFC 8446 §4.1.2: after a HelloRetryRequest the client sends the same
/// ClientHello, except that it replaces the key_share, removes early_data,
/// includes the HelloRetryRequest's cookie (ours has none, so none), updates
/// pre_shared_key (perhaps dropping PSKs, never adding one) and may add,
/// remove or resize padding. Everything else — fields, extensions and
/// their order, key_share's place among them — must be as before.
fn same_hello(first: &ClientHello, second: &ClientHello) -> bool {
    // RFC 8446 §4.2.10: no early_data after a HelloRetryRequest.
    // RFC 8446 §4.2.2: a cookie only echoes the HelloRetryRequest's.
    if second.extensions.has(ext::EARLY_DATA) || second.extensions.has(ext::COOKIE) {
        return false;
    }
    // pre_shared_key may be updated or cut down, never added; it is the
    // last extension (§4.2.11), so leaving it out of the order below is safe.
    if second.extensions.has(ext::PRE_SHARED_KEY) && !first.extensions.has(ext::PRE_SHARED_KEY) {
        return false;
    }
    let may_go = [ext::EARLY_DATA, ext::PADDING, ext::PRE_SHARED_KEY];
    let kept = |hello: &ClientHello| {
        let extensions = hello.extensions.0.iter().filter(|e| !may_go.contains(&e.typ));
        // key_share keeps its place; its new share is checked by the caller.
        let contents = |typ, data: &[u8]| if typ == ext::KEY_SHARE { Vec::new() } else { data.to_vec() };
        extensions.map(|e| (e.typ, contents(e.typ, &e.data))).collect::<Vec<_>>()
    };
    first.legacy_version == second.legacy_version
        && first.random == second.random
        && first.session_id == second.session_id
        && first.cipher_suites == second.cipher_suites
        && first.compression_methods == second.compression_methods
        && kept(first) == kept(second)
}

/// The key exchange, then ServerHello through Finished, then the
/// application secrets (RFC 8446 §2, the server's first flight).
fn server_flight(
    mut choice: Choice,
    core: &mut Core,
    hello: &ClientHello,
    group: NamedGroup,
    client_share: &[u8],
) -> Result<Box<dyn State>, Error> {
    let suite = choice.suite;
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::Public(Side::Client),
        group: Some(group),
        bytes: client_share.to_vec(),
    });
    // For a Diffie-Hellman group a key pair of ours; for a hybrid, the
    // ML-KEM ciphertext answering the client's key (kx.rs).
    let (public, shared) = kx::respond(group, client_share, &mut *core.rng, core.switches)?;
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::Public(Side::Server),
        group: Some(group),
        bytes: public.clone(),
    });
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::SharedSecret,
        group: Some(group),
        bytes: shared.to_vec(),
    });
    send_server_hello(&mut choice, core, hello, group, public)?;
    let secrets = handshake_secrets(core, suite, &shared, &choice.transcript.hash(suite.hash));
    // RFC 8446 §D.4: in compatibility mode, a ChangeCipherSpec after our first message.
    if !choice.session_id.is_empty() && !choice.sent_ccs {
        core.send_change_cipher_spec()?;
    }
    install13(core, suite, &secrets.server, KeyStage::Handshake)?;
    install13(core, suite, &secrets.client, KeyStage::Handshake)?;
    send_encrypted_extensions(&mut choice, core, hello)?;
    send_certificate(&mut choice, core)?;
    send_certificate_verify(&mut choice, core)?;
    let verify_data = secrets.server.verify_data(&choice.transcript.hash(suite.hash));
    choice.transcript.add(&core.send_handshake(HandshakeType::Finished, &verify_data)?);
    let application =
        application_secrets(core, secrets.handshake_secret, &choice.transcript.hash(suite.hash));
    install13(core, suite, &application.server, KeyStage::Application)?;
    let (client_ap, server_ap) = application.for_side(Side::Server);
    let HandshakeSecrets { client: client_hs, .. } = secrets;
    Ok(Box::new(ExpectFinished { suite, transcript: choice.transcript, client_hs, client_ap, server_ap }))
}

/// RFC 8446 §4.1.3: the ServerHello with our share.
fn send_server_hello(
    choice: &mut Choice,
    core: &mut Core,
    hello: &ClientHello,
    group: NamedGroup,
    public: Vec<u8>,
) -> Result<(), Error> {
    let mut random = [0u8; 32];
    core.rng.fill_bytes(&mut random);
    let mut extensions = Extensions::default();
    extensions.push(ext::KEY_SHARE, |w| KeyShare { group: group.id(), key_exchange: public }.encode(w))?;
    extensions.push(ext::SUPPORTED_VERSIONS, |w| {
        w.u16(ProtocolVersion::Tls13.code());
    })?;
    let server_hello = ServerHello {
        legacy_version: ProtocolVersion::Tls12.code(),
        random,
        session_id: hello.session_id.clone(),
        cipher_suite: choice.suite.id,
        compression_method: 0,
        extensions,
    };
    choice.transcript.add(&core.send_handshake(HandshakeType::ServerHello, &server_hello.encode()?)?);
    core.set_negotiated(Negotiated {
        version: ProtocolVersion::Tls13,
        suite: choice.suite,
        key_exchange: KeyExchange::Named(group),
        extended_master_secret: false,
    });
    Ok(())
}

/// RFC 8446 §4.3.1: EncryptedExtensions; RFC 6066 §3: an empty
/// server_name says the name was used.
fn send_encrypted_extensions(choice: &mut Choice, core: &mut Core, hello: &ClientHello) -> Result<(), Error> {
    let mut extensions = Extensions::default();
    if hello.extensions.has(ext::SERVER_NAME) {
        extensions.push(ext::SERVER_NAME, |_| {})?;
    }
    let mut w = crate::codec::Writer::new();
    extensions.encode(&mut w);
    choice.transcript.add(&core.send_handshake(HandshakeType::EncryptedExtensions, &w.into_bytes()?)?);
    Ok(())
}

/// RFC 8446 §4.4.2: our chain, with an empty request context.
fn send_certificate(choice: &mut Choice, core: &mut Core) -> Result<(), Error> {
    let certified = certified_key(&choice.config, choice.certificate)?;
    let certificate = CertificateMessage {
        context: Some(Vec::new()),
        entries: certified.chain.iter().map(|c| (c.der().to_vec(), Extensions::default())).collect(),
    };
    choice.transcript.add(&core.send_handshake(HandshakeType::Certificate, &certificate.encode()?)?);
    Ok(())
}

/// RFC 8446 §4.4.3: a signature over the transcript so far.
fn send_certificate_verify(choice: &mut Choice, core: &mut Core) -> Result<(), Error> {
    let content = certificate_verify_content(Side::Server, &choice.transcript.hash(choice.suite.hash));
    let certified = certified_key(&choice.config, choice.certificate)?;
    let signature = choice.scheme.sign(&certified.key, &content, &mut *core.rng)?;
    let mut w = crate::codec::Writer::new();
    DigitallySigned { scheme: choice.scheme.id(), signature }.encode(&mut w);
    choice.transcript.add(&core.send_handshake(HandshakeType::CertificateVerify, &w.into_bytes()?)?);
    Ok(())
}

struct ExpectFinished {
    suite: CipherSuite,
    transcript: Transcript,
    client_hs: TrafficSecret,
    client_ap: TrafficSecret,
    server_ap: TrafficSecret,
}

impl State for ExpectFinished {
    fn expecting(&self) -> &'static str {
        "Finished"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::Finished)?;
        let state = *self;
        let expected = state.client_hs.verify_data(&state.transcript.hash(state.suite.hash));
        check_finished(core, Side::Client, &expected, &message.body)?;
        install13(core, state.suite, &state.client_ap, KeyStage::Application)?;
        Ok(Box::new(Traffic13::new(state.suite, state.client_ap, state.server_ap)))
    }
}
