//! The TLS 1.3 server handshake (RFC 8446 §2): ClientHello (perhaps a
//! HelloRetryRequest and a second ClientHello), then our whole flight
//! (ServerHello, EncryptedExtensions, Certificate, CertificateVerify,
//! Finished), then the client's Finished.

use std::sync::Arc;

use super::{Offer, choose_scheme, choose_suite, common_groups};
use crate::Error;
use crate::client::tls13::Traffic13;
use crate::config::ServerConfig;
use crate::conn::{Core, Input, Negotiated, State, expect_message};
use crate::handshake::{EphemeralKey, Transcript, certificate_verify_content, check_finished};
use crate::key_schedule::SecretKind;
use crate::key_schedule::tls13::{EarlySecret, TrafficSecret};
use crate::messages::version::TLS13;
use crate::messages::{
    CertificateMessage, ClientHello, DigitallySigned, Extensions, HELLO_RETRY_REQUEST_RANDOM, HandshakeType,
    KeyShare, ServerHello, ext,
};
use crate::record::HalfConn;
use crate::suites::{CipherSuite, NamedGroup, SignatureScheme, group_name};
use crate::trace::{Event, Side};

/// What the server decided from the first ClientHello.
struct Choice {
    config: Arc<ServerConfig>,
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
    core.key_len = suite.key_len;
    // RFC 8446 §9.2: a ClientHello for TLS 1.3 must carry these.
    if !hello.extensions.has(ext::SIGNATURE_ALGORITHMS) {
        return Err(Error::MissingExtension("signature_algorithms"));
    }
    let shares = read_key_shares(&hello)?.ok_or(Error::MissingExtension("key_share"))?;
    if !hello.extensions.has(ext::SUPPORTED_GROUPS) {
        return Err(Error::MissingExtension("supported_groups"));
    }
    let scheme = choose_scheme(&config, &offer.schemes, false)?;
    let common = common_groups(&config, &offer.groups);
    let Some(&preferred) = common.first() else {
        let theirs: Vec<String> = offer.groups.iter().map(|&g| group_name(g)).collect();
        let ours: Vec<&str> = config.groups.iter().map(|g| g.name()).collect();
        return Err(Error::NoCommonParameters(format!(
            "no group in common: client offered [{}], server accepts [{}]",
            theirs.join(", "),
            ours.join(", ")
        )));
    };
    let mut choice =
        Choice { config, suite, scheme, session_id: hello.session_id.clone(), sent_ccs: false, transcript };
    // Our most preferred group among those the client sent a share for;
    // if there is none, RFC 8446 §4.1.4: ask for one with a HelloRetryRequest.
    let with_share = common.iter().find_map(|g| shares.iter().find(|s| s.group == g.id()).map(|s| (*g, s)));
    match with_share {
        Some((group, share)) => server_flight(choice, core, &hello, group, &share.key_exchange),
        None => {
            let mut cookie = vec![0u8; 32];
            core.rng.fill_bytes(&mut cookie);
            let mut extensions = Extensions::default();
            extensions.push(ext::SUPPORTED_VERSIONS, |w| {
                w.u16(TLS13);
            });
            extensions.push(ext::KEY_SHARE, |w| {
                w.u16(preferred.id());
            });
            extensions.push(ext::COOKIE, |w| {
                w.vec16(|w| {
                    w.bytes(&cookie);
                });
            });
            let retry = ServerHello {
                legacy_version: crate::messages::version::TLS12,
                random: HELLO_RETRY_REQUEST_RANDOM,
                session_id: hello.session_id.clone(),
                cipher_suite: suite.id,
                compression_method: 0,
                extensions,
            };
            core.emit(Event::Note(format!(
                "no key share for a group we accept: HelloRetryRequest asking for {}",
                preferred.name()
            )));
            // RFC 8446 §4.4.1: the first ClientHello becomes a message_hash.
            choice.transcript.replace_with_message_hash(suite.hash);
            let raw = core.send_handshake(HandshakeType::ServerHello, &retry.encode());
            choice.transcript.add(&raw);
            if !choice.session_id.is_empty() {
                core.send_change_cipher_spec()?;
                choice.sent_ccs = true;
            }
            Ok(Box::new(ExpectSecondClientHello { choice, group: preferred, cookie }))
        }
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

struct ExpectSecondClientHello {
    choice: Choice,
    group: NamedGroup,
    cookie: Vec<u8>,
}

impl State for ExpectSecondClientHello {
    fn expecting(&self) -> &'static str {
        "ClientHello (after HelloRetryRequest)"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::ClientHello)?;
        let ExpectSecondClientHello { mut choice, group, cookie } = *self;
        let hello = ClientHello::decode(&message.body)?;
        // RFC 8446 §4.1.2: the same hello, with the cookie and one new share.
        let echoed = hello.extensions.parse(ext::COOKIE, |r| Ok(r.vec16()?.rest().to_vec()))?;
        if echoed.as_deref() != Some(cookie.as_slice()) {
            return Err(Error::IllegalParameter("the second ClientHello does not echo our cookie"));
        }
        if hello.random != core.client_random || !hello.cipher_suites.contains(&choice.suite.id) {
            return Err(Error::IllegalParameter("the second ClientHello changed its random or suites"));
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

/// Sends ServerHello through Finished and derives every secret.
fn server_flight(
    mut choice: Choice,
    core: &mut Core,
    hello: &ClientHello,
    group: NamedGroup,
    client_share: &[u8],
) -> Result<Box<dyn State>, Error> {
    let suite = choice.suite;
    let hash = suite.hash;
    core.emit(Event::KeyExchange {
        name: format!("client {} public key", group.name()),
        value: client_share.to_vec(),
    });
    let key = EphemeralKey::generate(group, &mut *core.rng)?;
    let public = key.public();
    core.emit(Event::KeyExchange {
        name: format!("server {} public key", group.name()),
        value: public.clone(),
    });
    let shared = key.agree(client_share, true)?;
    core.emit(Event::KeyExchange {
        name: format!("{} shared secret (server)", group.name()),
        value: shared.clone(),
    });

    let mut random = [0u8; 32];
    core.rng.fill_bytes(&mut random);
    let mut extensions = Extensions::default();
    extensions.push(ext::KEY_SHARE, |w| KeyShare { group: group.id(), key_exchange: public }.encode(w));
    extensions.push(ext::SUPPORTED_VERSIONS, |w| {
        w.u16(TLS13);
    });
    let server_hello = ServerHello {
        legacy_version: crate::messages::version::TLS12,
        random,
        session_id: hello.session_id.clone(),
        cipher_suite: suite.id,
        compression_method: 0,
        extensions,
    };
    let raw = core.send_handshake(HandshakeType::ServerHello, &server_hello.encode());
    choice.transcript.add(&raw);
    core.set_negotiated(
        Negotiated { version: TLS13, suite, group: Some(group.name().into()), extended_master_secret: false },
        format!(
            "TLS 1.3 is the best version both speak; {} is our first choice among the client's suites; {} is our first choice among its groups",
            suite.name,
            group.name()
        ),
    );

    let early = EarlySecret::new(hash);
    core.emit(Event::Secret { name: "early secret".into(), value: early.as_bytes().to_vec() });
    let handshake_secret = early.handshake_secret(&shared);
    core.emit(Event::Secret { name: "handshake secret".into(), value: handshake_secret.as_bytes().to_vec() });
    let hello_hash = choice.transcript.hash(hash);
    let client_hs = handshake_secret.client_traffic_secret(&hello_hash);
    let server_hs = handshake_secret.server_traffic_secret(&hello_hash);
    core.log_secret(SecretKind::ClientHandshakeTraffic, client_hs.as_bytes());
    core.log_secret(SecretKind::ServerHandshakeTraffic, server_hs.as_bytes());
    // RFC 8446 §D.4: in compatibility mode, a ChangeCipherSpec after our first message.
    if !choice.session_id.is_empty() && !choice.sent_ccs {
        core.send_change_cipher_spec()?;
    }
    install(core, &server_hs, suite, "handshake", true)?;
    install(core, &client_hs, suite, "handshake", false)?;

    let mut encrypted_extensions = Extensions::default();
    // RFC 6066 §3: an empty server_name says the name was used.
    if hello.extensions.has(ext::SERVER_NAME) {
        encrypted_extensions.push(ext::SERVER_NAME, |_| {});
    }
    let mut w = crate::codec::Writer::new();
    encrypted_extensions.encode(&mut w);
    let raw = core.send_handshake(HandshakeType::EncryptedExtensions, &w.into_bytes());
    choice.transcript.add(&raw);

    let certificate = CertificateMessage {
        context: Some(Vec::new()),
        entries: choice
            .config
            .certificate_chain
            .iter()
            .map(|c| (c.der().to_vec(), Extensions::default()))
            .collect(),
    };
    let raw = core.send_handshake(HandshakeType::Certificate, &certificate.encode());
    choice.transcript.add(&raw);

    let content = certificate_verify_content(true, &choice.transcript.hash(hash));
    let signature = choice
        .scheme
        .sign(&choice.config.private_key, &content, &mut *core.rng)
        .map_err(|e| Error::Internal(format!("signing CertificateVerify: {e}")))?;
    let mut w = crate::codec::Writer::new();
    DigitallySigned { scheme: choice.scheme.id(), signature }.encode(&mut w);
    let raw = core.send_handshake(HandshakeType::CertificateVerify, &w.into_bytes());
    choice.transcript.add(&raw);

    let verify_data = server_hs.verify_data(&choice.transcript.hash(hash));
    let raw = core.send_handshake(HandshakeType::Finished, &verify_data);
    choice.transcript.add(&raw);

    let through_server_finished = choice.transcript.hash(hash);
    let master = handshake_secret.master_secret();
    core.emit(Event::Secret { name: "master secret".into(), value: master.as_bytes().to_vec() });
    let client_ap = master.client_traffic_secret(&through_server_finished);
    let server_ap = master.server_traffic_secret(&through_server_finished);
    let exporter = master.exporter_master_secret(&through_server_finished);
    core.log_secret(SecretKind::ClientApplicationTraffic, client_ap.as_bytes());
    core.log_secret(SecretKind::ServerApplicationTraffic, server_ap.as_bytes());
    core.log_secret(SecretKind::ExporterMaster, exporter.as_bytes());
    install(core, &server_ap, suite, "application", true)?;
    Ok(Box::new(ExpectFinished { suite, transcript: choice.transcript, client_hs, client_ap, server_ap }))
}

fn install(
    core: &mut Core,
    secret: &TrafficSecret,
    suite: CipherSuite,
    stage: &str,
    write: bool,
) -> Result<(), Error> {
    let keys = secret.keys(suite.key_len);
    let half = HalfConn::tls13_gcm(&keys.key, keys.iv)?;
    if write {
        core.set_write(half, stage, &keys.key, &keys.iv)
    } else {
        core.set_read(half, stage, &keys.key, &keys.iv)
    }
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
        check_finished(
            core,
            Side::Client,
            &expected,
            &message.body,
            "HMAC over the whole transcript with the client's finished_key",
        )?;
        install(core, &state.client_ap, state.suite, "application", false)?;
        core.traffic13 = Some((state.client_ap, state.server_ap));
        Ok(Box::new(Traffic13))
    }
}
