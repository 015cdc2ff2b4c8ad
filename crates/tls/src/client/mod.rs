//! The client side: the ClientHello, the ServerHello that decides the
//! version, then TLS 1.2 ([`tls12`]) or TLS 1.3 ([`tls13`]).

pub(crate) mod tls12;
pub(crate) mod tls13;

use std::sync::Arc;

use rand_core::CryptoRng;

use crate::Error;
use crate::config::ClientConfig;
use crate::conn::{Connection, Core, Input, State, expect_message};
use crate::handshake::Transcript;
use crate::kx::EphemeralKey;
use crate::lab::Switch;
use crate::messages::version::{TLS10, TLS12};
use crate::messages::{
    ClientHello, DOWNGRADE_TLS12, Extensions, HandshakeType, KeyShare, ProtocolVersion, ServerHello, ext,
    write_u16_list,
};
use crate::suites::{CipherSuite, NamedGroup};
use crate::trace::{Check, Event, KeyExchangeValue, Side};

/// What the client keeps from its ClientHello.
pub(crate) struct Hello {
    pub(crate) config: Arc<ClientConfig>,
    pub(crate) random: [u8; 32],
    pub(crate) session_id: Vec<u8>,
    /// The key shares sent (TLS 1.3), with their private keys.
    pub(crate) shares: Vec<(NamedGroup, EphemeralKey)>,
    /// Extension types we sent: the server may only answer with these.
    pub(crate) sent_extensions: Vec<u16>,
    pub(crate) transcript: Transcript,
    /// Whether a HelloRetryRequest was already answered.
    pub(crate) retried: bool,
    /// The suite the HelloRetryRequest chose, which the ServerHello must keep.
    pub(crate) retry_suite: Option<CipherSuite>,
}

impl Hello {
    fn offers(&self, version: ProtocolVersion) -> bool {
        self.config.versions.contains(&version)
    }
}

impl Connection {
    /// A client connection; the ClientHello is queued at once.
    pub fn client(config: Arc<ClientConfig>, rng: Box<dyn CryptoRng + Send>) -> Result<Connection, Error> {
        let (trace, key_log) = (config.trace.clone(), config.key_log.clone());
        let mut core = Core::new(Side::Client, rng, trace, key_log, config.switches);
        let state = start(config, &mut core)?;
        core.flush_handshake()?;
        Ok(Connection::start(core, state))
    }
}

/// Builds and queues the first ClientHello.
fn start(config: Arc<ClientConfig>, core: &mut Core) -> Result<Box<dyn State>, Error> {
    let mut random = [0u8; 32];
    core.rng.fill_bytes(&mut random);
    core.client_random = random;
    let offers_tls13 = config.versions.contains(&ProtocolVersion::Tls13);
    // RFC 8446 §D.4: middlebox compatibility mode sends a fake session id.
    let mut session_id = Vec::new();
    let mut shares = Vec::new();
    if offers_tls13 {
        session_id = vec![0u8; 32];
        core.rng.fill_bytes(&mut session_id);
        for &group in &config.key_share_groups {
            let key = EphemeralKey::generate(group, &mut *core.rng)?;
            core.emit(|| Event::KeyExchange {
                value: KeyExchangeValue::Public(Side::Client),
                group: Some(group),
                bytes: key.public().to_vec(),
            });
            shares.push((group, key));
        }
    }
    let mut hello = Hello {
        config,
        random,
        session_id,
        shares,
        sent_extensions: Vec::new(),
        transcript: Transcript::default(),
        retried: false,
        retry_suite: None,
    };
    send_client_hello(&mut hello, core, None)?;
    Ok(Box::new(ExpectServerHello { hello }))
}

/// Writes the ClientHello (RFC 8446 §4.1.2), with `cookie` after an HRR.
pub(crate) fn send_client_hello(
    hello: &mut Hello,
    core: &mut Core,
    cookie: Option<&[u8]>,
) -> Result<(), Error> {
    let cipher_suites = offered_suites(hello)?;
    let extensions = client_extensions(hello, cookie)?;
    hello.sent_extensions = extensions.0.iter().map(|e| e.typ).collect();
    let client_hello = ClientHello {
        legacy_version: TLS12,
        random: hello.random,
        session_id: hello.session_id.clone(),
        cipher_suites,
        compression_methods: vec![0],
        extensions,
    };
    if !hello.retried {
        // RFC 8446 §5.1: the first ClientHello may carry record version 0x0301.
        core.set_plaintext_version(TLS10.to_be_bytes());
    }
    let raw = core.send_handshake(HandshakeType::ClientHello, &client_hello.encode()?)?;
    core.flush_handshake()?;
    core.set_plaintext_version(TLS12.to_be_bytes());
    hello.transcript.add(&raw);
    Ok(())
}

/// The configured suites of the versions we offer.
fn offered_suites(hello: &Hello) -> Result<Vec<u16>, Error> {
    let (tls12, tls13) = (hello.offers(ProtocolVersion::Tls12), hello.offers(ProtocolVersion::Tls13));
    let suites: Vec<u16> = (hello.config.cipher_suites.iter())
        .filter(|s| if s.is_tls13() { tls13 } else { tls12 })
        .map(|s| s.id)
        .collect();
    if suites.is_empty() {
        return Err(Error::Internal("no cipher suite to offer for the configured versions".into()));
    }
    Ok(suites)
}

/// The ClientHello's extensions: those both versions use, the TLS 1.2
/// ones, then the TLS 1.3 ones (RFC 8446 §4.2).
fn client_extensions(hello: &Hello, cookie: Option<&[u8]>) -> Result<Extensions, Error> {
    let config = &hello.config;
    let mut extensions = Extensions::default();
    // RFC 6066 §3: literal IP addresses are not sent as server_name.
    if config.server_name.parse::<std::net::IpAddr>().is_err() {
        extensions.push(ext::SERVER_NAME, |w| {
            w.vec16(|w| {
                w.u8(0).vec16(|w| {
                    w.bytes(config.server_name.as_bytes());
                });
            });
        })?;
    }
    let groups: Vec<u16> = config.groups.iter().map(|g| g.id()).collect();
    extensions.push(ext::SUPPORTED_GROUPS, |w| write_u16_list(w, &groups))?;
    let offers_tls12 = hello.offers(ProtocolVersion::Tls12);
    if offers_tls12 {
        // RFC 8422 §5.1.2: uncompressed points only.
        extensions.push(ext::EC_POINT_FORMATS, |w| {
            w.vec8(|w| {
                w.u8(0);
            });
        })?;
    }
    let schemes: Vec<u16> = config.signature_schemes.iter().map(|s| s.id()).collect();
    extensions.push(ext::SIGNATURE_ALGORITHMS, |w| write_u16_list(w, &schemes))?;
    if offers_tls12 {
        // RFC 7627 §5.1 and RFC 5746 §3.4: both empty in a first hello.
        extensions.push(ext::EXTENDED_MASTER_SECRET, |_| {})?;
        extensions.push(ext::RENEGOTIATION_INFO, |w| {
            w.vec8(|_| {});
        })?;
    }
    if hello.offers(ProtocolVersion::Tls13) {
        tls13_extensions(hello, cookie, &mut extensions)?;
    }
    Ok(extensions)
}

/// RFC 8446 §4.2.1, §4.2.9, §4.2.8, §4.2.2: supported_versions,
/// psk_key_exchange_modes, key_share and, after an HRR, the cookie.
fn tls13_extensions(hello: &Hello, cookie: Option<&[u8]>, extensions: &mut Extensions) -> Result<(), Error> {
    extensions.push(ext::SUPPORTED_VERSIONS, |w| {
        w.vec8(|w| {
            for version in &hello.config.versions {
                w.u16(version.code());
            }
        });
    })?;
    // We use no PSK, but OpenSSL expects the extension in every TLS 1.3 hello.
    extensions.push(ext::PSK_KEY_EXCHANGE_MODES, |w| {
        w.vec8(|w| {
            w.u8(1); // psk_dhe_ke
        });
    })?;
    extensions.push(ext::KEY_SHARE, |w| {
        w.vec16(|w| {
            for (group, key) in &hello.shares {
                KeyShare { group: group.id(), key_exchange: key.public().to_vec() }.encode(w);
            }
        });
    })?;
    if let Some(cookie) = cookie {
        extensions.push(ext::COOKIE, |w| {
            w.vec16(|w| {
                w.bytes(cookie);
            });
        })?;
    }
    Ok(())
}

/// Waiting for ServerHello (or HelloRetryRequest).
struct ExpectServerHello {
    hello: Hello,
}

impl State for ExpectServerHello {
    fn expecting(&self) -> &'static str {
        "ServerHello"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::ServerHello)?;
        let server_hello = ServerHello::decode(&message.body)?;
        let hello = self.hello;
        check_answered_extensions(&hello, &server_hello)?;
        if server_hello.compression_method != 0 {
            return Err(Error::IllegalParameter("a compression method other than null"));
        }
        let version = negotiated_version(&server_hello, &hello.config.versions)?;
        // RFC 8446 §4.1.4: after a HelloRetryRequest the version stays TLS 1.3.
        if hello.retried && version != ProtocolVersion::Tls13 {
            return Err(Error::IllegalParameter(
                "the ServerHello changed the version of the HelloRetryRequest",
            ));
        }
        let suite = CipherSuite::by_id(server_hello.cipher_suite)
            .filter(|s| hello.config.cipher_suites.contains(s))
            .filter(|s| s.is_tls13() == (version == ProtocolVersion::Tls13))
            .ok_or(Error::IllegalParameter("the server chose a cipher suite we did not offer"))?;
        core.version = Some(version);
        core.suite = Some(suite);
        match version {
            ProtocolVersion::Tls13 => tls13::server_hello(hello, core, message, server_hello, suite),
            ProtocolVersion::Tls12 => {
                check_downgrade(&hello, core, &server_hello)?;
                check_point_formats(&server_hello)?;
                tls12::server_hello(hello, core, message, server_hello, suite)
            }
        }
    }
}

/// RFC 8446 §4.2: the server may only answer extensions we sent (§4.2.2:
/// a HelloRetryRequest may bring a cookie unasked).
fn check_answered_extensions(hello: &Hello, server_hello: &ServerHello) -> Result<(), Error> {
    for e in &server_hello.extensions.0 {
        let cookie_in_retry = e.typ == ext::COOKIE && server_hello.is_retry_request();
        if !hello.sent_extensions.contains(&e.typ) && !cookie_in_retry {
            return Err(Error::UnsupportedExtension(format!(
                "the server answered with {} which we did not offer",
                ext::name(e.typ)
            )));
        }
    }
    Ok(())
}

/// RFC 8446 §4.1.3: a client that offered TLS 1.3 and got TLS 1.2 checks
/// that the server random does not end in the downgrade sentinel.
fn check_downgrade(hello: &Hello, core: &Core, server_hello: &ServerHello) -> Result<(), Error> {
    if !hello.offers(ProtocolVersion::Tls13) {
        return Ok(());
    }
    let passed = server_hello.random.last_chunk::<8>() != Some(&DOWNGRADE_TLS12);
    core.emit(|| Event::Check { check: Check::DowngradeSentinel, passed });
    // LAB SWITCH: IgnoreDowngradeSentinel — the sentinel is seen, and ignored.
    if passed || hello.config.switches.is_on(Switch::IgnoreDowngradeSentinel) {
        Ok(())
    } else {
        Err(Error::Downgrade)
    }
}

/// RFC 8422 §5.2: a TLS 1.2 server's ec_point_formats has the form of the
/// client's (§5.1.2: `ec_point_format_list<1..2^8-1>`, so an empty or
/// mismeasured list is decode_error). Absent, it means uncompressed only.
fn check_point_formats(server_hello: &ServerHello) -> Result<(), Error> {
    let formats = server_hello.extensions.ec_point_formats()?;
    // RFC 8422 §5.1.2: uncompressed (0) is the only format we may send, so
    // a server that cannot read it leaves us none. The RFC names no alert
    // for the client; we send the server's (§5.1.2), illegal_parameter, as
    // OpenSSL does.
    if formats.is_some_and(|formats| !formats.contains(&0)) {
        return Err(Error::IllegalParameter("an ec_point_formats list without the uncompressed format"));
    }
    Ok(())
}

/// The version the ServerHello selects (RFC 8446 §4.2.1), if we offered it.
fn negotiated_version(
    server_hello: &ServerHello,
    offered: &[ProtocolVersion],
) -> Result<ProtocolVersion, Error> {
    let selected = server_hello.extensions.parse(ext::SUPPORTED_VERSIONS, |r| r.u16())?;
    let code = match selected {
        // RFC 8446 §4.2.1: supported_versions in a ServerHello means TLS 1.3 (or later).
        Some(v) if v != ProtocolVersion::Tls13.code() => {
            return Err(Error::IllegalParameter("supported_versions selects a non-1.3 version"));
        }
        Some(v) => v,
        None => server_hello.legacy_version,
    };
    ProtocolVersion::from_code(code).filter(|v| offered.contains(v)).ok_or_else(|| {
        Error::ProtocolVersion(format!(
            "the server chose {}, which we did not offer",
            crate::messages::version::name(code)
        ))
    })
}
