//! The TLS 1.2 server handshake (RFC 5246 §7.3, Figure 1):
//!
//! ```text
//! ClientHello -> we send ServerHello, Certificate, [ServerKeyExchange], ServerHelloDone
//! ClientKeyExchange -> ChangeCipherSpec -> Finished -> we send ChangeCipherSpec, Finished
//! ```

use std::sync::Arc;

use zeroize::Zeroizing;

use super::{Offer, certified_key, choose_certificate, choose_suite};
use crate::Error;
use crate::config::{CertifiedKey, ServerConfig};
use crate::conn::{Core, Input, State, expect_message, unexpected};
use crate::handshake::{Transcript, check_finished};
use crate::key_schedule::SecretKind;
use crate::key_schedule::tls12::{KeyBlock, MasterSecret};
use crate::keys::{install12, key_block12};
use crate::kx::EphemeralKey;
use crate::lab::Switch;
use crate::messages::{
    CertificateMessage, ClientHello, DOWNGRADE_TLS12, DigitallySigned, Extensions, HandshakeType,
    KeyExchangeAlgorithm, ProtocolVersion, ServerHello, ServerKeyExchange, ServerKeyExchangeParams,
    decode_client_key_exchange, ext,
};
use crate::negotiated::{KeyExchange, Negotiated};
use crate::sign::SignatureScheme;
use crate::suites::{Authentication, CipherSuite, EMPTY_RENEGOTIATION_INFO_SCSV, NamedGroup};
use crate::trace::{Event, KeyExchangeValue, Side};
use crate::traffic::Traffic12;

/// What the TLS 1.2 server holds through the handshake.
struct Tls12 {
    config: Arc<ServerConfig>,
    /// Which of our certificates we present.
    certificate: usize,
    suite: CipherSuite,
    kx: KeyExchangeAlgorithm,
    client_random: [u8; 32],
    server_random: [u8; 32],
    client_version: [u8; 2],
    extended_master_secret: bool,
    transcript: Transcript,
}

/// What the server chose from the ClientHello.
struct Choice {
    suite: CipherSuite,
    kx: KeyExchangeAlgorithm,
    /// Which of our certificates we present.
    certificate: usize,
    /// The ECDHE curve (ECDHE suites only).
    curve: Option<NamedGroup>,
    /// The signature scheme of the ServerKeyExchange ((EC)DHE only).
    scheme: Option<SignatureScheme>,
    extended_master_secret: bool,
    secure_renegotiation: bool,
}

/// Handles a ClientHello that negotiated TLS 1.2 and sends our first flight.
pub(super) fn client_hello(
    config: Arc<ServerConfig>,
    core: &mut Core,
    hello: ClientHello,
    offer: Offer,
    transcript: Transcript,
) -> Result<Box<dyn State>, Error> {
    check_point_formats(&hello, &offer)?;
    let choice = choose(&config, &hello, &offer)?;
    core.suite = Some(choice.suite);
    let mut state = Tls12 {
        config,
        certificate: choice.certificate,
        suite: choice.suite,
        kx: choice.kx,
        client_random: hello.random,
        server_random: [0; 32],
        client_version: hello.legacy_version.to_be_bytes(),
        extended_master_secret: choice.extended_master_secret,
        transcript,
    };
    send_server_hello(&mut state, core, &hello, &choice)?;
    send_certificate(&mut state, core)?;
    // No group (neither DHE nor ECDHE): RSA key transport.
    let group = dhe_group(&state.config, choice.kx, &offer).or(choice.curve);
    core.set_negotiated(Negotiated {
        version: ProtocolVersion::Tls12,
        suite: choice.suite,
        key_exchange: group.map_or(KeyExchange::RsaKeyTransport, KeyExchange::Named),
        extended_master_secret: choice.extended_master_secret,
    });
    let ephemeral = match (group, choice.scheme) {
        (Some(group), Some(scheme)) => Some(send_server_key_exchange(&mut state, core, group, scheme)?),
        _ => None,
    };
    state.transcript.add(&core.send_handshake(HandshakeType::ServerHelloDone, &[])?);
    Ok(Box::new(ExpectClientKeyExchange { state, ephemeral }))
}

/// The suite (server order), whether it needs a signature and with which
/// scheme, and the RFC 7627 / RFC 5746 extensions the client offered.
fn choose(config: &ServerConfig, hello: &ClientHello, offer: &Offer) -> Result<Choice, Error> {
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
    // (EC)DHE needs a signature: a certificate whose key makes a scheme the
    // client offered. Without signature_algorithms the RFC 5246 §7.4.1.4.1
    // default is SHA-1, which we refuse to sign with (RFC 9155 §2).
    let signer = |auth: Authentication| {
        let fits = |c: &CertifiedKey| c.key.is_ecdsa() == (auth == Authentication::Ecdsa);
        choose_certificate(config, &offer.schemes, ProtocolVersion::Tls12, fits).ok()
    };
    let (rsa_signer, ecdsa_signer) = (signer(Authentication::Rsa), signer(Authentication::Ecdsa));
    let decrypter = config.certificates.iter().position(|c| c.key.rsa().is_some());
    // RFC 8422 §5.1.1: ECDHE only with a curve the client named.
    let curve =
        (config.groups.iter().copied()).find(|g| g.is_tls12_ecdhe() && offer.groups.contains(&g.id()));
    let signer_for = |s: &CipherSuite| match s.auth {
        Some(Authentication::Ecdsa) => ecdsa_signer,
        _ => rsa_signer,
    };
    let suite = choose_suite(config, &hello.cipher_suites, |s| match s.kx {
        None => false,
        Some(KeyExchangeAlgorithm::Rsa) => decrypter.is_some(),
        Some(KeyExchangeAlgorithm::Ecdhe) => curve.is_some() && signer_for(s).is_some(),
        Some(KeyExchangeAlgorithm::Dhe) => signer_for(s).is_some(),
    })
    .map_err(|no_suite| {
        // A suite both sides have that lacks only a signature (an RSA-PSS
        // key, say, and a client offering only rsa_pss_rsae): say so, with
        // the schemes on each side, rather than list no suites at all.
        let unsigned = |s: &CipherSuite| {
            matches!(s.kx, Some(KeyExchangeAlgorithm::Ecdhe | KeyExchangeAlgorithm::Dhe))
                && signer_for(s).is_none()
        };
        let shared = |s: &&CipherSuite| hello.cipher_suites.contains(&s.id);
        if config.cipher_suites.iter().filter(shared).any(unsigned) {
            choose_certificate(config, &offer.schemes, ProtocolVersion::Tls12, |_| true)
                .err()
                .unwrap_or(no_suite)
        } else {
            no_suite
        }
    })?;
    let kx = suite.kx.ok_or_else(|| Error::Internal("a TLS 1.3 suite in TLS 1.2".into()))?;
    let (certificate, scheme) = match (kx, signer_for(&suite), decrypter) {
        (KeyExchangeAlgorithm::Rsa, _, Some(index)) => (index, None),
        (_, Some((index, scheme)), _) => (index, Some(scheme)),
        _ => return Err(Error::Internal("a suite chosen without its certificate".into())),
    };
    let curve = if kx == KeyExchangeAlgorithm::Ecdhe { curve } else { None };
    Ok(Choice { suite, kx, certificate, scheme, curve, extended_master_secret, secure_renegotiation })
}

/// RFC 8422 §5.1.2: the client's ec_point_formats, if it sent one. The list
/// is `ec_point_format_list<1..2^8-1>`, so an empty or mismeasured one is
/// decode_error. Without the extension the client takes uncompressed points
/// only, which is all we send and accept.
fn check_point_formats(hello: &ClientHello, offer: &Offer) -> Result<(), Error> {
    let Some(formats) = hello.extensions.ec_point_formats()? else { return Ok(()) };
    // The curves RFC 8422 §5.1.1 defines: secp256r1, secp384r1, secp521r1, x25519, x448.
    let names_a_curve = offer.groups.iter().any(|id| [23, 24, 25, 29, 30].contains(id));
    // RFC 8422 §5.1.2: a list without uncompressed (0), from a client that
    // named one of those curves: the server MUST abort with illegal_parameter.
    if names_a_curve && !formats.contains(&0) {
        return Err(Error::IllegalParameter("an ec_point_formats list without the uncompressed format"));
    }
    Ok(())
}

/// RFC 5246 §7.4.1.3: the ServerHello, with our random (marked, RFC 8446
/// §4.1.3, when we also speak TLS 1.3) and the extensions we answer.
fn send_server_hello(
    state: &mut Tls12,
    core: &mut Core,
    hello: &ClientHello,
    choice: &Choice,
) -> Result<(), Error> {
    core.rng.fill_bytes(&mut state.server_random);
    if state.config.versions.contains(&ProtocolVersion::Tls13)
        && let Some(tail) = state.server_random.last_chunk_mut::<8>()
    {
        *tail = DOWNGRADE_TLS12;
    }
    let mut extensions = Extensions::default();
    if choice.secure_renegotiation {
        extensions.push(ext::RENEGOTIATION_INFO, |w| {
            w.vec8(|_| {});
        })?;
    }
    if choice.extended_master_secret {
        extensions.push(ext::EXTENDED_MASTER_SECRET, |_| {})?;
    }
    if choice.kx == KeyExchangeAlgorithm::Ecdhe && hello.extensions.has(ext::EC_POINT_FORMATS) {
        // RFC 8422 §5.2: uncompressed points only.
        extensions.push(ext::EC_POINT_FORMATS, |w| {
            w.vec8(|w| {
                w.u8(0);
            });
        })?;
    }
    let server_hello = ServerHello {
        legacy_version: ProtocolVersion::Tls12.code(),
        random: state.server_random,
        session_id: Vec::new(),
        cipher_suite: choice.suite.id,
        compression_method: 0,
        extensions,
    };
    state.transcript.add(&core.send_handshake(HandshakeType::ServerHello, &server_hello.encode()?)?);
    Ok(())
}

/// RFC 5246 §7.4.2: our certificate chain.
fn send_certificate(state: &mut Tls12, core: &mut Core) -> Result<(), Error> {
    let certified = certified_key(&state.config, state.certificate)?;
    let certificate = CertificateMessage {
        context: None,
        entries: certified.chain.iter().map(|c| (c.der().to_vec(), Extensions::default())).collect(),
    };
    state.transcript.add(&core.send_handshake(HandshakeType::Certificate, &certificate.encode()?)?);
    Ok(())
}

/// The group of a DHE key exchange (RFC 7919 §4): an ffdhe group the client
/// named, else our configured one. (The ECDHE curve is chosen with the suite.)
fn dhe_group(config: &ServerConfig, kx: KeyExchangeAlgorithm, offer: &Offer) -> Option<NamedGroup> {
    (kx == KeyExchangeAlgorithm::Dhe).then(|| {
        (config.groups.iter().copied())
            .find(|g| g.is_ffdhe() && offer.groups.contains(&g.id()))
            .unwrap_or(config.dhe_group)
    })
}

/// RFC 5246 §7.4.3: a signed ServerKeyExchange for `group`; returns our
/// ephemeral key.
fn send_server_key_exchange(
    state: &mut Tls12,
    core: &mut Core,
    group: NamedGroup,
    scheme: SignatureScheme,
) -> Result<EphemeralKey, Error> {
    let key = EphemeralKey::generate(group, &mut *core.rng)?;
    let public = key.public().to_vec();
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::Public(Side::Server),
        group: Some(group),
        bytes: public.clone(),
    });
    let params = match group.ffdhe() {
        None => ServerKeyExchangeParams::Ecdhe { group: group.id(), public },
        Some(params) => {
            ServerKeyExchangeParams::Dhe { p: params.p.to_vec(), g: vec![params.g as u8], ys: public }
        }
    };
    let params_bytes = params.encode()?;
    let mut signed_content = state.client_random.to_vec();
    signed_content.extend_from_slice(&state.server_random);
    signed_content.extend_from_slice(&params_bytes);
    let certified = certified_key(&state.config, state.certificate)?;
    let signature = scheme.sign(&certified.key, &signed_content, &mut *core.rng)?;
    let ske = ServerKeyExchange {
        params,
        params_bytes,
        signed: DigitallySigned { scheme: scheme.id(), signature },
    };
    state.transcript.add(&core.send_handshake(HandshakeType::ServerKeyExchange, &ske.encode()?)?);
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
        let premaster = premaster_secret(&state, core, ephemeral, &value)?;
        core.log_secret(SecretKind::Tls12Premaster, &premaster);
        state.transcript.add(&message.raw);
        let hash = state.suite.hash;
        let master = if state.extended_master_secret {
            MasterSecret::derive_extended(hash, &premaster, &state.transcript.hash(hash))
        } else {
            MasterSecret::derive(hash, &premaster, &state.client_random, &state.server_random)
        };
        core.log_secret(SecretKind::Tls12MasterSecret, master.as_bytes());
        let block = key_block12(&master, state.suite, &state.client_random, &state.server_random);
        Ok(Box::new(ExpectChangeCipherSpec { state, master, block }))
    }
}

/// The premaster secret from the ClientKeyExchange `value`: the client's
/// public value with our ephemeral key, or RSA key transport.
fn premaster_secret(
    state: &Tls12,
    core: &mut Core,
    ephemeral: Option<EphemeralKey>,
    value: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let Some(key) = ephemeral else {
        core.emit(|| Event::KeyExchange {
            value: KeyExchangeValue::EncryptedPremaster,
            group: None,
            bytes: value.to_vec(),
        });
        let certified = certified_key(&state.config, state.certificate)?;
        let rsa = certified
            .key
            .rsa()
            .ok_or_else(|| Error::Internal("RSA key transport without an RSA key".into()))?;
        // LAB SWITCH: RsaPaddingOracle — a bad padding gets its own alert, decrypt_error: an oracle.
        if state.config.switches.is_on(Switch::RsaPaddingOracle)
            && rsa.decrypt_pkcs1v15(value, &mut *core.rng).is_err()
        {
            return Err(Error::DecryptError("the ClientKeyExchange is not PKCS#1 v1.5 padded"));
        }
        // RFC 5246 §7.4.7.1: a wrong padding or version gives a random
        // premaster, with no branch and no distinct error, so the Finished
        // check fails the same way (Bleichenbacher).
        let premaster = rsa.decrypt_tls_premaster(value, state.client_version, &mut *core.rng);
        return Ok(Zeroizing::new(premaster.to_vec()));
    };
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::Public(Side::Client),
        group: key.group(),
        bytes: value.to_vec(),
    });
    key.agree(value, ProtocolVersion::Tls12, core.switches)
}

struct ExpectChangeCipherSpec {
    state: Tls12,
    master: MasterSecret,
    block: KeyBlock,
}

impl State for ExpectChangeCipherSpec {
    fn expecting(&self) -> &'static str {
        "ChangeCipherSpec"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        if !matches!(input, Input::ChangeCipherSpec) {
            return Err(unexpected(&*self, &input));
        }
        install12(core, self.state.suite, &self.block, Side::Client)?;
        let ExpectChangeCipherSpec { state, master, block } = *self;
        Ok(Box::new(ExpectFinished { state, master, block }))
    }
}

struct ExpectFinished {
    state: Tls12,
    master: MasterSecret,
    block: KeyBlock,
}

impl State for ExpectFinished {
    fn expecting(&self) -> &'static str {
        "Finished"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::Finished)?;
        let ExpectFinished { mut state, master, block } = *self;
        let hash = state.suite.hash;
        // RFC 5246 §7.4.9: PRF(master, "client finished", Hash(all but this message)).
        let expected = master.verify_data("client finished", &state.transcript.hash(hash));
        check_finished(core, Side::Client, &expected, &message.body)?;
        state.transcript.add(&message.raw);
        core.send_change_cipher_spec()?;
        install12(core, state.suite, &block, Side::Server)?;
        let verify_data = master.verify_data("server finished", &state.transcript.hash(hash));
        core.send_handshake(HandshakeType::Finished, &verify_data)?;
        Ok(Box::new(Traffic12))
    }
}
