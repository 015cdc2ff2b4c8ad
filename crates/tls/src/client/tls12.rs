//! The TLS 1.2 client handshake (RFC 5246 §7.3, Figure 1), one state per
//! message the server sends:
//!
//! ```text
//! ServerHello -> Certificate -> [ServerKeyExchange] -> [CertificateRequest] -> ServerHelloDone
//!   we send [Certificate,] ClientKeyExchange, ChangeCipherSpec, Finished
//! ChangeCipherSpec -> Finished
//! ```

use zeroize::Zeroizing;

use super::Hello;
use crate::Error;
use crate::certs::verify_server_certificates;
use crate::conn::{Core, Input, Message, State, expect_message, unexpected};
use crate::handshake::check_finished;
use crate::key_schedule::SecretKind;
use crate::key_schedule::tls12::{KeyBlock, MasterSecret};
use crate::keys::{install12, key_block12};
use crate::kx::EphemeralKey;
use crate::messages::version::TLS12;
use crate::messages::{
    CertificateMessage, HandshakeType, KeyExchangeAlgorithm, ProtocolVersion, ServerHello, ServerKeyExchange,
    ServerKeyExchangeParams, check_tls12_certificate_request, encode_client_key_exchange, ext,
};
use crate::negotiated::{KeyExchange, Negotiated};
use crate::sign::{SignatureScheme, VerifyingKey};
use crate::suites::{Authentication, CipherSuite, NamedGroup};
use crate::trace::{Check, Event, KeyExchangeValue, Side};
use crate::traffic::Traffic12;

/// What the TLS 1.2 client holds through the handshake.
struct Tls12 {
    hello: Hello,
    suite: CipherSuite,
    kx: KeyExchangeAlgorithm,
    server_random: [u8; 32],
    extended_master_secret: bool,
}

/// Handles a TLS 1.2 ServerHello.
pub(super) fn server_hello(
    mut hello: Hello,
    core: &mut Core,
    message: Message,
    server_hello: ServerHello,
    suite: CipherSuite,
) -> Result<Box<dyn State>, Error> {
    let kx = suite.kx.ok_or(Error::Internal("a TLS 1.3 suite in TLS 1.2".into()))?;
    let extended_master_secret = server_hello.extensions.has(ext::EXTENDED_MASTER_SECRET);
    if !extended_master_secret && hello.config.require_extended_master_secret {
        return Err(Error::NoCommonParameters(
            "the server does not support the extended master secret (RFC 7627), which we require".into(),
        ));
    }
    // RFC 5746 §3.4: in a first handshake the server's renegotiation_info must be empty.
    if let Some(info) =
        server_hello.extensions.parse(ext::RENEGOTIATION_INFO, |r| Ok(r.vec8()?.rest().to_vec()))?
        && !info.is_empty()
    {
        return Err(Error::NoCommonParameters("a non-empty renegotiation_info in a first handshake".into()));
    }
    hello.transcript.add(&message.raw);
    let state = Tls12 { hello, suite, kx, server_random: server_hello.random, extended_master_secret };
    // With RSA key transport there is no group; with DHE and ECDHE the
    // ServerKeyExchange names it, and the choice is announced then.
    if kx == KeyExchangeAlgorithm::Rsa {
        announce(&state, core, KeyExchange::RsaKeyTransport);
    }
    Ok(Box::new(ExpectCertificate(state)))
}

/// Records (and traces) what the server chose.
fn announce(state: &Tls12, core: &mut Core, key_exchange: KeyExchange) {
    core.set_negotiated(Negotiated {
        version: ProtocolVersion::Tls12,
        suite: state.suite,
        key_exchange,
        extended_master_secret: state.extended_master_secret,
    });
}

struct ExpectCertificate(Tls12);

impl State for ExpectCertificate {
    fn expecting(&self) -> &'static str {
        "Certificate"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::Certificate)?;
        let mut state = self.0;
        let certificate = CertificateMessage::decode(&message.body, ProtocolVersion::Tls12)?;
        // RFC 5246 §7.4.2: keyEncipherment for RSA key transport, digitalSignature for (EC)DHE.
        let key_use = match state.kx {
            KeyExchangeAlgorithm::Rsa => padlock_x509::ServerKeyUse::Encrypt,
            _ => padlock_x509::ServerKeyUse::Sign,
        };
        let key = verify_server_certificates(certificate, &state.hello.config, core, key_use)?;
        // RFC 8422 §2: an ECDHE_ECDSA suite needs an ECDSA key, the others an RSA one.
        let ecdsa_suite = state.suite.auth == Some(Authentication::Ecdsa);
        if ecdsa_suite != matches!(key, VerifyingKey::Ecdsa(_)) {
            return Err(Error::UnsupportedCertificate(format!(
                "{} needs {} certificate",
                state.suite.name(),
                if ecdsa_suite { "an ECDSA" } else { "an RSA" }
            )));
        }
        state.hello.transcript.add(&message.raw);
        if state.kx == KeyExchangeAlgorithm::Rsa {
            Ok(Box::new(ExpectServerHelloDone {
                state,
                key,
                server_share: None,
                certificate_requested: false,
            }))
        } else {
            Ok(Box::new(ExpectServerKeyExchange { state, key }))
        }
    }
}

struct ExpectServerKeyExchange {
    state: Tls12,
    key: VerifyingKey,
}

/// The server's ephemeral parameters, checked.
enum ServerShare {
    /// ECDHE in a named curve we offered, with the server's public point.
    Ecdhe(NamedGroup, Vec<u8>),
    /// A known safe-prime group and the server's Ys.
    Ffdhe(padlock_dh::groups::Group, Vec<u8>),
}

impl State for ExpectServerKeyExchange {
    fn expecting(&self) -> &'static str {
        "ServerKeyExchange"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::ServerKeyExchange)?;
        let ExpectServerKeyExchange { mut state, key } = *self;
        let ske = ServerKeyExchange::decode(&message.body, state.kx)?;
        check_server_key_exchange(&state, core, &key, &ske)?;
        let (server_share, key_exchange) = match ske.params {
            ServerKeyExchangeParams::Ecdhe { group, public } => {
                // RFC 8422 §5.4: a curve we named in supported_groups.
                let named = NamedGroup::by_id(group)
                    .filter(|g| g.is_tls12_ecdhe() && state.hello.config.groups.contains(g))
                    .ok_or(Error::IllegalParameter("an ECDHE curve we did not offer"))?;
                (ServerShare::Ecdhe(named, public), KeyExchange::Named(named))
            }
            ServerKeyExchangeParams::Dhe { p, g, ys } => {
                let group = server_group(&p, &g, &mut *core.rng)?;
                // One of our named ffdhe groups, recognised by its prime, or another.
                let key_exchange = match group.tls_id.and_then(NamedGroup::by_id) {
                    Some(named) => KeyExchange::Named(named),
                    None => KeyExchange::ExplicitFfdhe(group),
                };
                (ServerShare::Ffdhe(group, ys), key_exchange)
            }
        };
        let public = match &server_share {
            ServerShare::Ecdhe(_, public) | ServerShare::Ffdhe(_, public) => public,
        };
        core.emit(|| Event::KeyExchange {
            value: KeyExchangeValue::Public(Side::Server),
            group: key_exchange.named_group(),
            bytes: public.clone(),
        });
        announce(&state, core, key_exchange);
        state.hello.transcript.add(&message.raw);
        let server_share = Some(server_share);
        Ok(Box::new(ExpectServerHelloDone { state, key, server_share, certificate_requested: false }))
    }
}

/// RFC 5246 §7.4.3: the ServerKeyExchange is signed, with a scheme we
/// offered (§7.4.1.4.1), over client_random + server_random + params.
fn check_server_key_exchange(
    state: &Tls12,
    core: &Core,
    key: &VerifyingKey,
    ske: &ServerKeyExchange,
) -> Result<(), Error> {
    let scheme = SignatureScheme::by_id(ske.signed.scheme)
        .filter(|s| state.hello.config.signature_schemes.contains(s))
        .ok_or(Error::IllegalParameter("a ServerKeyExchange signature scheme we did not offer"))?;
    if !scheme.fits(key, ProtocolVersion::Tls12) {
        return Err(Error::IllegalParameter(
            "a ServerKeyExchange scheme that does not fit the certificate's key",
        ));
    }
    let mut signed_content = state.hello.random.to_vec();
    signed_content.extend_from_slice(&state.server_random);
    signed_content.extend_from_slice(&ske.params_bytes);
    let passed = scheme.verify(key, &signed_content, &ske.signed.signature);
    core.emit(|| Event::Check {
        check: Check::Signature { message: HandshakeType::ServerKeyExchange, scheme },
        passed,
    });
    if passed { Ok(()) } else { Err(Error::DecryptError("the ServerKeyExchange signature does not verify")) }
}

/// The DHE group the server sent (RFC 5246 §7.4.3 ServerDHParams): one of
/// RFC 7919's or RFC 3526's groups, recognised by their bytes, or any other
/// safe prime of 2048 bits or more, checked once (Miller–Rabin on p and
/// (p - 1) / 2) and remembered: see `padlock_dh::groups::checked_safe_prime`.
fn server_group(
    p: &[u8],
    g: &[u8],
    rng: &mut dyn rand_core::CryptoRng,
) -> Result<padlock_dh::groups::Group, Error> {
    let first = g.iter().position(|&b| b != 0).unwrap_or(g.len());
    let g: [u8; 8] = match &g[first..] {
        short if short.len() <= 8 => {
            let mut bytes = [0u8; 8];
            bytes[8 - short.len()..].copy_from_slice(short);
            bytes
        }
        _ => {
            return Err(Error::NoCommonParameters(
                "the server's DH group is refused: its generator is longer than 64 bits (not a safe-prime group with a small generator such as 2)".into(),
            ));
        }
    };
    padlock_dh::groups::checked_safe_prime(p, u64::from_be_bytes(g), rng)
        .map_err(|why| Error::NoCommonParameters(format!("the server's DH group is refused: {why}")))
}

struct ExpectServerHelloDone {
    state: Tls12,
    key: VerifyingKey,
    server_share: Option<ServerShare>,
    certificate_requested: bool,
}

impl State for ExpectServerHelloDone {
    fn expecting(&self) -> &'static str {
        "ServerHelloDone"
    }

    fn handle(mut self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = match input {
            // RFC 5246 §7.4.4: a server may ask for a client certificate, once.
            Input::Handshake(m)
                if m.typ == HandshakeType::CertificateRequest && !self.certificate_requested =>
            {
                check_tls12_certificate_request(&m.body)?;
                self.state.hello.transcript.add(&m.raw);
                self.certificate_requested = true;
                return Ok(self);
            }
            other => expect_message(&*self, other, HandshakeType::ServerHelloDone)?,
        };
        if !message.body.is_empty() {
            return Err(Error::Decode("a ServerHelloDone with a body"));
        }
        let ExpectServerHelloDone { mut state, key, server_share, certificate_requested } = *self;
        state.hello.transcript.add(&message.raw);
        // RFC 5246 §7.4.6: asked for a certificate, we have none: an empty list.
        if certificate_requested {
            let empty = CertificateMessage { context: None, entries: Vec::new() };
            state.hello.transcript.add(&core.send_handshake(HandshakeType::Certificate, &empty.encode()?)?);
        }
        let (premaster, public) = client_key_exchange(core, &key, server_share)?;
        let body = encode_client_key_exchange(&public, state.kx)?;
        state.hello.transcript.add(&core.send_handshake(HandshakeType::ClientKeyExchange, &body)?);
        core.log_secret(SecretKind::Tls12Premaster, &premaster);
        let master = master_secret(&state, &premaster);
        core.log_secret(SecretKind::Tls12MasterSecret, master.as_bytes());
        let block = key_block12(&master, state.suite, &state.hello.random, &state.server_random);
        core.send_change_cipher_spec()?;
        install12(core, state.suite, &block, Side::Client)?;
        let verify_data =
            master.verify_data("client finished", &state.hello.transcript.hash(state.suite.hash));
        state.hello.transcript.add(&core.send_handshake(HandshakeType::Finished, &verify_data)?);
        Ok(Box::new(ExpectChangeCipherSpec { state, master, block }))
    }
}

/// RFC 5246 §8.1, or RFC 7627 §4 with a session hash covering everything
/// through ClientKeyExchange.
fn master_secret(state: &Tls12, premaster: &[u8]) -> MasterSecret {
    let hash = state.suite.hash;
    if state.extended_master_secret {
        MasterSecret::derive_extended(hash, premaster, &state.hello.transcript.hash(hash))
    } else {
        MasterSecret::derive(hash, premaster, &state.hello.random, &state.server_random)
    }
}

/// Makes the premaster secret and what the ClientKeyExchange carries.
fn client_key_exchange(
    core: &mut Core,
    key: &VerifyingKey,
    server_share: Option<ServerShare>,
) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), Error> {
    let (ours, server_public) = match server_share {
        None => return rsa_key_transport(core, key),
        Some(ServerShare::Ecdhe(group, public)) => (EphemeralKey::generate(group, &mut *core.rng)?, public),
        Some(ServerShare::Ffdhe(group, ys)) => (EphemeralKey::generate_ffdhe(&group, &mut *core.rng)?, ys),
    };
    let public = ours.public().to_vec();
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::Public(Side::Client),
        group: ours.group(),
        bytes: public.clone(),
    });
    Ok((ours.agree(&server_public, ProtocolVersion::Tls12, core.switches)?, public))
}

/// RFC 5246 §7.4.7.1: the premaster secret is client_version (the version
/// we offered) and 46 random bytes, encrypted to the server's RSA key.
fn rsa_key_transport(core: &mut Core, key: &VerifyingKey) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), Error> {
    let rsa = key.rsa().ok_or_else(|| {
        Error::UnsupportedCertificate(match key {
            // RFC 4055 §1.2: an id-RSASSA-PSS key is for signatures only.
            VerifyingKey::RsaPss(_) => {
                "RSA key transport needs an rsaEncryption key, and the certificate's is an RSA-PSS key, \
                 for signatures only"
                    .into()
            }
            _ => "RSA key transport needs an RSA key in the certificate".into(),
        })
    })?;
    let mut premaster = Zeroizing::new(vec![0u8; 48]);
    core.rng.fill_bytes(&mut premaster);
    premaster[..2].copy_from_slice(&TLS12.to_be_bytes());
    let encrypted = rsa
        .encrypt_pkcs1v15(&premaster, &mut *core.rng)
        .map_err(|e| Error::Internal(format!("RSA encryption: {e}")))?;
    core.emit(|| Event::KeyExchange {
        value: KeyExchangeValue::EncryptedPremaster,
        group: None,
        bytes: encrypted.clone(),
    });
    Ok((premaster, encrypted))
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
        install12(core, self.state.suite, &self.block, Side::Server)?;
        let ExpectChangeCipherSpec { state, master, .. } = *self;
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
        let hash = self.state.suite.hash;
        // RFC 5246 §7.4.9: PRF(master, "server finished", Hash(all but this message)).
        let expected = self.master.verify_data("server finished", &self.state.hello.transcript.hash(hash));
        check_finished(core, Side::Server, &expected, &message.body)?;
        Ok(Box::new(Traffic12))
    }
}
