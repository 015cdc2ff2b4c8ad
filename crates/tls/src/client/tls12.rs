//! The TLS 1.2 client handshake (RFC 5246 §7.3, Figure 1), one state per
//! message the server sends:
//!
//! ```text
//! ServerHello -> Certificate -> [ServerKeyExchange] -> ServerHelloDone
//!   we send ClientKeyExchange, ChangeCipherSpec, Finished
//! ChangeCipherSpec -> Finished
//! ```

use super::Hello;
use crate::Error;
use crate::alert::{AlertDescription, AlertLevel};
use crate::conn::{Core, Input, Message, Negotiated, State, expect_message, unexpected};
use crate::handshake::{EphemeralKey, check_finished, server_key_from_chain};
use crate::key_schedule::SecretKind;
use crate::key_schedule::tls12::MasterSecret;
use crate::messages::version::TLS12;
use crate::messages::{
    CertificateMessage, HandshakeType, KeyExchangeAlgorithm, ServerHello, ServerKeyExchange,
    ServerKeyExchangeParams, encode_client_key_exchange, ext,
};
use crate::record::HalfConn;
use crate::suites::{CipherSuite, NamedGroup, SignatureScheme};
use crate::trace::{Event, Side};

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
    core.kx = Some(kx);
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
        announce(&state, core, None);
    }
    Ok(Box::new(ExpectCertificate(state)))
}

struct ExpectCertificate(Tls12);

impl State for ExpectCertificate {
    fn expecting(&self) -> &'static str {
        "Certificate"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::Certificate)?;
        let mut state = self.0;
        let certificate = CertificateMessage::decode(&message.body, false)?;
        // RFC 5246 §7.4.2: keyEncipherment for RSA key transport, digitalSignature for (EC)DHE.
        let key_use = match state.kx {
            KeyExchangeAlgorithm::Rsa => padlock_x509::ServerKeyUse::Encrypt,
            _ => padlock_x509::ServerKeyUse::Sign,
        };
        let key = server_key_from_chain(certificate, &state.hello.config, core, key_use)?;
        state.hello.transcript.add(&message.raw);
        if state.kx == KeyExchangeAlgorithm::Rsa {
            Ok(Box::new(ExpectServerHelloDone { state, key, server_share: None }))
        } else {
            Ok(Box::new(ExpectServerKeyExchange { state, key }))
        }
    }
}

struct ExpectServerKeyExchange {
    state: Tls12,
    key: padlock_rsa::RsaPublicKey,
}

/// The server's ephemeral parameters, checked.
enum ServerShare {
    /// X25519 with the server's public key.
    X25519(Vec<u8>),
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
        let ske = ServerKeyExchange::decode(&message.body, state.kx == KeyExchangeAlgorithm::Ecdhe)?;
        // RFC 5246 §7.4.3 / RFC 5246 §7.4.1.4.1: a scheme we offered in signature_algorithms.
        let scheme = SignatureScheme::by_id(ske.signed.scheme)
            .filter(|s| state.hello.config.signature_schemes.contains(s))
            .ok_or(Error::IllegalParameter("a ServerKeyExchange signature scheme we did not offer"))?;
        let mut signed_content = state.hello.random.to_vec();
        signed_content.extend_from_slice(&state.server_random);
        signed_content.extend_from_slice(&ske.params_bytes);
        let passed = scheme.verify(&key, &signed_content, &ske.signed.signature);
        core.emit(Event::Check {
            what: format!("ServerKeyExchange signature ({})", scheme.name()),
            passed,
            detail: "the server signed client_random + server_random + its DH parameters".into(),
        });
        if !passed {
            return Err(Error::DecryptError("the ServerKeyExchange signature does not verify"));
        }
        let server_share = match ske.params {
            ServerKeyExchangeParams::Ecdhe { group, public } => {
                if group != NamedGroup::X25519.id() {
                    return Err(Error::IllegalParameter("an ECDHE group other than x25519"));
                }
                core.emit(Event::KeyExchange {
                    name: "server x25519 public key".into(),
                    value: public.clone(),
                });
                ServerShare::X25519(public)
            }
            ServerKeyExchangeParams::Dhe { p, g, ys } => {
                let group = server_group(&p, &g, &mut *core.rng)?;
                core.emit(Event::KeyExchange {
                    name: format!("server DH public value Ys ({})", group.name),
                    value: ys.clone(),
                });
                ServerShare::Ffdhe(group, ys)
            }
        };
        let group = match &server_share {
            ServerShare::X25519(_) => "x25519",
            ServerShare::Ffdhe(group, _) => group.name,
        };
        announce(&state, core, Some(group.to_string()));
        state.hello.transcript.add(&message.raw);
        Ok(Box::new(ExpectServerHelloDone { state, key, server_share: Some(server_share) }))
    }
}

/// Records (and traces) what the server chose.
fn announce(state: &Tls12, core: &mut Core, group: Option<String>) {
    let ems = state.extended_master_secret;
    let why = format!(
        "the server chose TLS 1.2 and {}{}{}",
        state.suite.name,
        group.as_ref().map_or(String::new(), |g| format!(" with group {g}")),
        if ems { ", with the extended master secret" } else { "" }
    );
    core.set_negotiated(
        Negotiated { version: TLS12, suite: state.suite, group, extended_master_secret: ems },
        why,
    );
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
    key: padlock_rsa::RsaPublicKey,
    server_share: Option<ServerShare>,
}

impl State for ExpectServerHelloDone {
    fn expecting(&self) -> &'static str {
        "ServerHelloDone"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::ServerHelloDone)?;
        if !message.body.is_empty() {
            return Err(Error::Decode("a ServerHelloDone with a body"));
        }
        let ExpectServerHelloDone { mut state, key, server_share } = *self;
        state.hello.transcript.add(&message.raw);
        let (premaster, public) = client_key_exchange(core, &key, server_share)?;
        let body = encode_client_key_exchange(&public, state.kx);
        let raw = core.send_handshake(HandshakeType::ClientKeyExchange, &body);
        state.hello.transcript.add(&raw);
        core.emit(Event::Secret { name: "premaster secret".into(), value: premaster.clone() });
        let hash = state.suite.hash;
        // RFC 7627 §4: the session hash covers everything through ClientKeyExchange.
        let master = if state.extended_master_secret {
            MasterSecret::derive_extended(hash, &premaster, &state.hello.transcript.hash(hash))
        } else {
            MasterSecret::derive(hash, &premaster, &state.hello.random, &state.server_random)
        };
        core.log_secret(SecretKind::Tls12MasterSecret, master.as_bytes());
        let block = master.key_block(&state.hello.random, &state.server_random, state.suite.key_len);
        core.send_change_cipher_spec()?;
        core.set_write(
            HalfConn::tls12_gcm(&block.client_write_key, block.client_write_iv)?,
            "application",
            &block.client_write_key,
            &block.client_write_iv,
        )?;
        let verify_data = master.verify_data("client finished", &state.hello.transcript.hash(hash));
        let raw = core.send_handshake(HandshakeType::Finished, &verify_data);
        state.hello.transcript.add(&raw);
        let read = HalfConn::tls12_gcm(&block.server_write_key, block.server_write_iv)?;
        let read_key = (block.server_write_key.clone(), block.server_write_iv);
        Ok(Box::new(ExpectChangeCipherSpec { state, master, read: Some((read, read_key.0, read_key.1)) }))
    }
}

/// Makes the premaster secret and what the ClientKeyExchange carries.
fn client_key_exchange(
    core: &mut Core,
    key: &padlock_rsa::RsaPublicKey,
    server_share: Option<ServerShare>,
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    match server_share {
        None => {
            // RFC 5246 §7.4.7.1: client_version (the version we offered) and 46 random bytes.
            let mut premaster = vec![0u8; 48];
            core.rng.fill_bytes(&mut premaster);
            premaster[..2].copy_from_slice(&TLS12.to_be_bytes());
            let encrypted = key
                .encrypt_pkcs1v15(&premaster, &mut *core.rng)
                .map_err(|e| Error::Internal(format!("RSA encryption: {e}")))?;
            core.emit(Event::KeyExchange {
                name: "encrypted premaster secret".into(),
                value: encrypted.clone(),
            });
            Ok((premaster, encrypted))
        }
        Some(ServerShare::X25519(server_public)) => {
            let ours = EphemeralKey::generate(NamedGroup::X25519, &mut *core.rng)?;
            let public = ours.public();
            core.emit(Event::KeyExchange { name: "client x25519 public key".into(), value: public.clone() });
            Ok((ours.agree(&server_public, false)?, public))
        }
        Some(ServerShare::Ffdhe(group, ys)) => {
            let ours = EphemeralKey::generate_ffdhe(&group, &mut *core.rng)?;
            let public = ours.public();
            core.emit(Event::KeyExchange { name: "client DH public value Yc".into(), value: public.clone() });
            Ok((ours.agree(&ys, false)?, public))
        }
    }
}

struct ExpectChangeCipherSpec {
    state: Tls12,
    master: MasterSecret,
    read: Option<(HalfConn, Vec<u8>, [u8; 4])>,
}

impl State for ExpectChangeCipherSpec {
    fn expecting(&self) -> &'static str {
        "ChangeCipherSpec"
    }

    fn handle(mut self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        if !matches!(input, Input::ChangeCipherSpec) {
            return Err(unexpected(&*self, &input));
        }
        let (half, key, iv) =
            self.read.take().ok_or_else(|| Error::Internal("keys already installed".into()))?;
        core.set_read(half, "application", &key, &iv)?;
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
        check_finished(
            core,
            Side::Server,
            &expected,
            &message.body,
            "PRF(master_secret, \"server finished\", transcript hash)",
        )?;
        Ok(Box::new(Traffic12))
    }
}

/// After a TLS 1.2 handshake: refuse renegotiation (RFC 5746 §4.2).
pub(crate) struct Traffic12;

impl State for Traffic12 {
    fn expecting(&self) -> &'static str {
        "application data"
    }

    fn is_traffic(&self) -> bool {
        true
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        match input {
            // RFC 5246 §7.4.1.1 (HelloRequest) and RFC 5746 §4.4 (ClientHello):
            // we do not renegotiate; a warning says so and the connection goes on.
            Input::Handshake(m)
                if matches!(m.typ, HandshakeType::HelloRequest | HandshakeType::ClientHello) =>
            {
                core.emit(Event::Note(format!("{} received: renegotiation refused", m.typ.name())));
                core.send_alert(AlertLevel::Warning, AlertDescription::NoRenegotiation);
                Ok(self)
            }
            other => Err(unexpected(&*self, &other)),
        }
    }
}
