//! The TLS 1.2 server handshake (RFC 5246 §7.3, Figure 1):
//!
//! ```text
//! ClientHello -> we send ServerHello, Certificate, [ServerKeyExchange], ServerHelloDone
//! ClientKeyExchange -> ChangeCipherSpec -> Finished -> we send ChangeCipherSpec, Finished
//! ```

use std::sync::Arc;

use super::{Offer, choose_scheme, choose_suite};
use crate::Error;
use crate::client::tls12::Traffic12;
use crate::config::ServerConfig;
use crate::conn::{Core, Input, Negotiated, State, expect_message, unexpected};
use crate::handshake::{EphemeralKey, Transcript, check_finished};
use crate::key_schedule::SecretKind;
use crate::key_schedule::tls12::MasterSecret;
use crate::messages::version::{TLS12, TLS13};
use crate::messages::{
    CertificateMessage, ClientHello, DOWNGRADE_TLS12, DigitallySigned, Extensions, HandshakeType,
    KeyExchangeAlgorithm, ServerHello, ServerKeyExchange, ServerKeyExchangeParams,
    decode_client_key_exchange, ext,
};
use crate::record::HalfConn;
use crate::suites::{CipherSuite, EMPTY_RENEGOTIATION_INFO_SCSV, NamedGroup};
use crate::trace::{Event, Side};

/// What the TLS 1.2 server holds through the handshake.
struct Tls12 {
    config: Arc<ServerConfig>,
    suite: CipherSuite,
    kx: KeyExchangeAlgorithm,
    client_random: [u8; 32],
    server_random: [u8; 32],
    client_version: [u8; 2],
    extended_master_secret: bool,
    transcript: Transcript,
}

/// Handles a ClientHello that negotiated TLS 1.2 and sends our first flight.
pub(super) fn client_hello(
    config: Arc<ServerConfig>,
    core: &mut Core,
    hello: ClientHello,
    offer: Offer,
    mut transcript: Transcript,
) -> Result<Box<dyn State>, Error> {
    // RFC 5746 §3.6: the SCSV or an empty renegotiation_info signals secure renegotiation.
    let renegotiation_info =
        hello.extensions.parse(ext::RENEGOTIATION_INFO, |r| Ok(r.vec8()?.rest().to_vec()))?;
    if renegotiation_info.as_ref().is_some_and(|info| !info.is_empty()) {
        return Err(Error::NoCommonParameters("a non-empty renegotiation_info in a first handshake".into()));
    }
    let secure_renegotiation =
        renegotiation_info.is_some() || hello.cipher_suites.contains(&EMPTY_RENEGOTIATION_INFO_SCSV);
    let extended_master_secret = hello.extensions.has(ext::EXTENDED_MASTER_SECRET);
    if !extended_master_secret && config.require_extended_master_secret {
        return Err(Error::NoCommonParameters(
            "the client does not offer the extended master secret (RFC 7627), which we require".into(),
        ));
    }
    let offers_x25519 = offer.groups.contains(&NamedGroup::X25519.id());
    let can_sign = !offer.schemes.is_empty();
    let suite = choose_suite(&config, &hello.cipher_suites, |s| match s.kx {
        None => false,
        Some(KeyExchangeAlgorithm::Rsa) => true,
        // RFC 8422 §5.1.1: ECDHE only with a curve the client named; and a
        // signature scheme both sides know (we cannot do the SHA-1 default).
        Some(KeyExchangeAlgorithm::Ecdhe) => offers_x25519 && can_sign,
        Some(KeyExchangeAlgorithm::Dhe) => can_sign,
    })?;
    let kx = suite.kx.ok_or_else(|| Error::Internal("a TLS 1.3 suite in TLS 1.2".into()))?;
    core.kx = Some(kx);
    core.key_len = suite.key_len;

    let mut server_random = [0u8; 32];
    core.rng.fill_bytes(&mut server_random);
    // RFC 8446 §4.1.3: a server that speaks TLS 1.3 marks a TLS 1.2 answer.
    if config.versions.contains(&TLS13) {
        server_random[24..].copy_from_slice(&DOWNGRADE_TLS12);
    }
    let mut extensions = Extensions::default();
    if secure_renegotiation {
        extensions.push(ext::RENEGOTIATION_INFO, |w| {
            w.vec8(|_| {});
        });
    }
    if extended_master_secret {
        extensions.push(ext::EXTENDED_MASTER_SECRET, |_| {});
    }
    if kx == KeyExchangeAlgorithm::Ecdhe && hello.extensions.has(ext::EC_POINT_FORMATS) {
        extensions.push(ext::EC_POINT_FORMATS, |w| {
            w.vec8(|w| {
                w.u8(0);
            });
        });
    }
    let server_hello = ServerHello {
        legacy_version: TLS12,
        random: server_random,
        session_id: Vec::new(),
        cipher_suite: suite.id,
        compression_method: 0,
        extensions,
    };
    transcript.add(&core.send_handshake(HandshakeType::ServerHello, &server_hello.encode()));
    let certificate = CertificateMessage {
        context: None,
        entries: config.certificate_chain.iter().map(|c| (c.der().to_vec(), Extensions::default())).collect(),
    };
    transcript.add(&core.send_handshake(HandshakeType::Certificate, &certificate.encode()));

    let mut state = Tls12 {
        config,
        suite,
        kx,
        client_random: hello.random,
        server_random,
        client_version: hello.legacy_version.to_be_bytes(),
        extended_master_secret,
        transcript,
    };
    // The group: x25519 for ECDHE; for DHE (RFC 7919 §4) an ffdhe group the
    // client named, else our configured one.
    let group = match kx {
        KeyExchangeAlgorithm::Rsa => None,
        KeyExchangeAlgorithm::Ecdhe => Some(NamedGroup::X25519),
        KeyExchangeAlgorithm::Dhe => Some(
            state
                .config
                .groups
                .iter()
                .copied()
                .find(|g| g.is_ffdhe() && offer.groups.contains(&g.id()))
                .unwrap_or(state.config.dhe_group),
        ),
    };
    core.set_negotiated(
        Negotiated { version: TLS12, suite, group: group.map(|g| g.name().to_string()), extended_master_secret },
        format!(
            "the client offers no TLS 1.3 we accept (or we prefer 1.2); {} is our first choice among its suites{}",
            suite.name,
            if extended_master_secret { "; extended master secret (RFC 7627) on" } else { "" }
        ),
    );
    let ephemeral = match group {
        Some(group) => Some(server_key_exchange(&mut state, core, &offer, group)?),
        None => None,
    };
    state.transcript.add(&core.send_handshake(HandshakeType::ServerHelloDone, &[]));
    Ok(Box::new(ExpectClientKeyExchange { state, ephemeral }))
}

/// Sends a signed ServerKeyExchange for `group`; returns our ephemeral key.
fn server_key_exchange(
    state: &mut Tls12,
    core: &mut Core,
    offer: &Offer,
    group: NamedGroup,
) -> Result<EphemeralKey, Error> {
    let key = EphemeralKey::generate(group, &mut *core.rng)?;
    let params = match group.ffdhe() {
        None => ServerKeyExchangeParams::Ecdhe { group: group.id(), public: key.public() },
        Some(params) => {
            ServerKeyExchangeParams::Dhe { p: params.p.to_vec(), g: vec![params.g as u8], ys: key.public() }
        }
    };
    let group_name = group.name();
    core.emit(Event::KeyExchange { name: format!("server {group_name} public key"), value: key.public() });
    let scheme = choose_scheme(&state.config, &offer.schemes, true)?;
    let params_bytes = params.encode();
    let mut signed_content = state.client_random.to_vec();
    signed_content.extend_from_slice(&state.server_random);
    signed_content.extend_from_slice(&params_bytes);
    let signature = scheme
        .sign(&state.config.private_key, &signed_content, &mut *core.rng)
        .map_err(|e| Error::Internal(format!("signing ServerKeyExchange: {e}")))?;
    let ske = ServerKeyExchange {
        params,
        params_bytes,
        signed: DigitallySigned { scheme: scheme.id(), signature },
    };
    state.transcript.add(&core.send_handshake(HandshakeType::ServerKeyExchange, &ske.encode()));
    Ok(key)
}

struct ExpectClientKeyExchange {
    state: Tls12,
    ephemeral: Option<EphemeralKey>,
}

impl State for ExpectClientKeyExchange {
    fn expecting(&self) -> &'static str {
        "ClientKeyExchange"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = match input {
            Input::Handshake(m) if m.typ == HandshakeType::ClientKeyExchange => m,
            Input::Handshake(m) if m.typ == HandshakeType::Certificate => {
                return Err(Error::UnexpectedMessage("a client Certificate we did not ask for".into()));
            }
            other => return Err(unexpected(&*self, &other)),
        };
        let ExpectClientKeyExchange { mut state, ephemeral } = *self;
        let value = decode_client_key_exchange(&message.body, state.kx)?;
        let premaster = match ephemeral {
            None => {
                core.emit(Event::KeyExchange {
                    name: "encrypted premaster secret".into(),
                    value: value.clone(),
                });
                // RFC 5246 §7.4.7.1: a wrong padding or version gives a random
                // premaster, with no branch and no distinct error, so the
                // Finished check fails the same way (Bleichenbacher).
                let premaster = state.config.private_key.decrypt_tls_premaster(
                    &value,
                    state.client_version,
                    &mut *core.rng,
                );
                premaster.to_vec()
            }
            Some(key) => {
                core.emit(Event::KeyExchange { name: "client public key".into(), value: value.clone() });
                key.agree(&value, false)?
            }
        };
        core.emit(Event::Secret { name: "premaster secret".into(), value: premaster.clone() });
        state.transcript.add(&message.raw);
        let hash = state.suite.hash;
        let master = if state.extended_master_secret {
            MasterSecret::derive_extended(hash, &premaster, &state.transcript.hash(hash))
        } else {
            MasterSecret::derive(hash, &premaster, &state.client_random, &state.server_random)
        };
        core.log_secret(SecretKind::Tls12MasterSecret, master.as_bytes());
        Ok(Box::new(ExpectChangeCipherSpec { state, master }))
    }
}

struct ExpectChangeCipherSpec {
    state: Tls12,
    master: MasterSecret,
}

impl State for ExpectChangeCipherSpec {
    fn expecting(&self) -> &'static str {
        "ChangeCipherSpec"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        if !matches!(input, Input::ChangeCipherSpec) {
            return Err(unexpected(&*self, &input));
        }
        let state = &self.state;
        let block = self.master.key_block(&state.client_random, &state.server_random, state.suite.key_len);
        core.set_read(
            HalfConn::tls12_gcm(&block.client_write_key, block.client_write_iv)?,
            "application",
            &block.client_write_key,
            &block.client_write_iv,
        )?;
        let ExpectChangeCipherSpec { state, master } = *self;
        Ok(Box::new(ExpectFinished { state, master }))
    }
}

struct ExpectFinished {
    state: Tls12,
    master: MasterSecret,
}

impl State for ExpectFinished {
    fn expecting(&self) -> &'static str {
        "Finished"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::Finished)?;
        let ExpectFinished { mut state, master } = *self;
        let hash = state.suite.hash;
        let expected = master.verify_data("client finished", &state.transcript.hash(hash));
        check_finished(
            core,
            Side::Client,
            &expected,
            &message.body,
            "PRF(master_secret, \"client finished\", transcript hash)",
        )?;
        state.transcript.add(&message.raw);
        let block = master.key_block(&state.client_random, &state.server_random, state.suite.key_len);
        core.send_change_cipher_spec()?;
        core.set_write(
            HalfConn::tls12_gcm(&block.server_write_key, block.server_write_iv)?,
            "application",
            &block.server_write_key,
            &block.server_write_iv,
        )?;
        let verify_data = master.verify_data("server finished", &state.transcript.hash(hash));
        core.send_handshake(HandshakeType::Finished, &verify_data);
        Ok(Box::new(Traffic12))
    }
}
