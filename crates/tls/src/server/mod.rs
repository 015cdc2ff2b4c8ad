//! The server side: the ClientHello decides the version, then TLS 1.2
//! ([`tls12`]) or TLS 1.3 ([`tls13`]). The choices a server makes from a
//! client's offer (version, suite, signature scheme, groups) are here, each
//! with an error that says what both sides had.

pub(crate) mod tls12;
pub(crate) mod tls13;

use std::sync::Arc;

use rand_core::CryptoRng;

use crate::Error;
use crate::config::{CertifiedKey, ServerConfig};
use crate::conn::{Connection, Core, Input, State, expect_message};
use crate::handshake::Transcript;
use crate::messages::version::TLS12;
use crate::messages::{ClientHello, HandshakeType, ProtocolVersion, ext, read_server_name, read_u16_list};
use crate::record::AeadAlgorithm;
use crate::registry;
use crate::sign::SignatureScheme;
use crate::suites::{CipherSuite, FALLBACK_SCSV, NamedGroup};
use crate::trace::{Event, Side};

impl Connection {
    /// A server connection, waiting for a ClientHello.
    pub fn server(config: Arc<ServerConfig>, rng: Box<dyn CryptoRng + Send>) -> Connection {
        let (trace, key_log) = (config.trace.clone(), config.key_log.clone());
        let core = Core::new(Side::Server, rng, trace, key_log, config.switches);
        Connection::start(core, Box::new(ExpectClientHello { config }))
    }
}

struct ExpectClientHello {
    config: Arc<ServerConfig>,
}

impl State for ExpectClientHello {
    fn expecting(&self) -> &'static str {
        "ClientHello"
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = expect_message(&*self, input, HandshakeType::ClientHello)?;
        let client_hello = ClientHello::decode(&message.body)?;
        // RFC 5246 §7.4.1.2 / RFC 8446 §4.1.2: null compression must be offered.
        if !client_hello.compression_methods.contains(&0) {
            return Err(Error::IllegalParameter("the client does not offer null compression"));
        }
        core.client_random = client_hello.random;
        let offer = Offer::read(&client_hello)?;
        if let Some(name) = &offer.server_name {
            core.emit(|| Event::ServerName(name.clone()));
        }
        let version = choose_version(&self.config, &client_hello, &offer)?;
        core.version = Some(version);
        let mut transcript = Transcript::default();
        transcript.add(&message.raw);
        match version {
            ProtocolVersion::Tls13 => tls13::client_hello(self.config, core, client_hello, offer, transcript),
            ProtocolVersion::Tls12 => tls12::client_hello(self.config, core, client_hello, offer, transcript),
        }
    }
}

/// The parts of a ClientHello the server decides on.
pub(crate) struct Offer {
    pub(crate) server_name: Option<String>,
    pub(crate) versions: Option<Vec<u16>>,
    pub(crate) groups: Vec<u16>,
    pub(crate) schemes: Vec<u16>,
}

impl Offer {
    fn read(hello: &ClientHello) -> Result<Offer, Error> {
        let e = &hello.extensions;
        let server_name = e.parse(ext::SERVER_NAME, read_server_name)?.flatten();
        let versions = e.parse(ext::SUPPORTED_VERSIONS, |r| {
            let mut list = r.vec8()?.non_empty("an empty supported_versions")?;
            let mut out = Vec::new();
            while !list.is_empty() {
                out.push(list.u16()?);
            }
            Ok(out)
        })?;
        let groups = e.parse(ext::SUPPORTED_GROUPS, read_u16_list)?.unwrap_or_default();
        let schemes = e.parse(ext::SIGNATURE_ALGORITHMS, read_u16_list)?.unwrap_or_default();
        Ok(Offer { server_name, versions, groups, schemes })
    }
}

/// RFC 8446 §4.2.1: the highest version both sides speak, by our order of
/// preference; without supported_versions the client speaks at most
/// its legacy_version.
fn choose_version(
    config: &ServerConfig,
    hello: &ClientHello,
    offer: &Offer,
) -> Result<ProtocolVersion, Error> {
    let client_versions = match &offer.versions {
        // RFC 8446 §D.5: a legacy_version of SSL 3.0 or lower with
        // supported_versions is refused even if TLS 1.3 is listed.
        Some(_) if hello.legacy_version <= 0x0300 => Vec::new(),
        Some(list) => list.clone(),
        None if hello.legacy_version >= TLS12 => vec![TLS12],
        None => Vec::new(),
    };
    let version =
        config.versions.iter().copied().find(|v| client_versions.contains(&v.code())).ok_or_else(|| {
            let names: Vec<String> = client_versions.iter().map(|&v| registry::version(v).name(v)).collect();
            let ours: Vec<&str> = config.versions.iter().map(|v| v.name()).collect();
            Error::ProtocolVersion(format!(
                "no version in common: client offered [{}] (legacy_version {}), server accepts [{}]",
                names.join(", "),
                registry::version(hello.legacy_version).name(hello.legacy_version),
                ours.join(", ")
            ))
        })?;
    // RFC 7507 §3: a client falling back to a version below the best we
    // speak, and saying so with TLS_FALLBACK_SCSV, is being downgraded.
    let best = config.versions.iter().copied().max();
    if hello.cipher_suites.contains(&FALLBACK_SCSV) && best.is_some_and(|best| version < best) {
        return Err(Error::InappropriateFallback);
    }
    Ok(version)
}

/// Our most preferred suite the client also offered (server order decides),
/// except that a client whose first usable choice is ChaCha20-Poly1305 — one
/// without AES hardware, typically — gets it when
/// [`ServerConfig::prioritize_chacha`] is set (as OpenSSL's
/// `SSL_OP_PRIORITIZE_CHACHA` does).
pub(crate) fn choose_suite(
    config: &ServerConfig,
    offered: &[u16],
    usable: impl Fn(&CipherSuite) -> bool,
) -> Result<CipherSuite, Error> {
    let ours = |id: u16| config.cipher_suites.iter().copied().find(|s| s.id == id && usable(s));
    if config.prioritize_chacha
        && let Some(first) = offered.iter().find_map(|&id| ours(id))
        && first.aead == AeadAlgorithm::ChaCha20Poly1305
    {
        return Ok(first);
    }
    config.cipher_suites.iter().copied().find(|s| offered.contains(&s.id) && usable(s)).ok_or_else(|| {
        let theirs: Vec<String> = offered.iter().map(|&id| registry::cipher_suite(id).name(id)).collect();
        let ours: Vec<&str> = config.cipher_suites.iter().filter(|s| usable(s)).map(|s| s.name()).collect();
        Error::NoCommonParameters(format!(
            "no cipher suite in common: client offered [{}], server accepts [{}]",
            theirs.join(", "),
            ours.join(", ")
        ))
    })
}

/// Our certificate number `index`, with its key.
pub(crate) fn certified_key(config: &ServerConfig, index: usize) -> Result<&CertifiedKey, Error> {
    config.certificates.get(index).ok_or_else(|| Error::Internal("the server has no such certificate".into()))
}

/// The certificate to present and the scheme it signs with: the first of
/// our certificates (among those `fits` accepts: TLS 1.2 suites need a
/// given kind of key) whose key makes a scheme the client offered. A server
/// with an RSA and an ECDSA certificate thus answers each client with the
/// one it can verify, as web servers with two certificates do.
pub(crate) fn choose_certificate(
    config: &ServerConfig,
    offered: &[u16],
    version: ProtocolVersion,
    fits: impl Fn(&CertifiedKey) -> bool,
) -> Result<(usize, SignatureScheme), Error> {
    if config.certificates.is_empty() {
        return Err(Error::Internal("the server has no certificate".into()));
    }
    let candidates = || config.certificates.iter().enumerate().filter(|(_, c)| fits(c));
    for (index, certified) in candidates() {
        if let Some(scheme) = usable_schemes(config, certified, version).find(|s| offered.contains(&s.id())) {
            return Ok((index, scheme));
        }
    }
    let theirs: Vec<String> = offered.iter().map(|&id| registry::signature_scheme(id).name(id)).collect();
    let mut ours: Vec<&str> = Vec::new();
    for (_, certified) in candidates() {
        ours.extend(usable_schemes(config, certified, version).map(|s| s.name()));
    }
    Err(Error::NoCommonParameters(format!(
        "no signature scheme in common: client offered [{}], our certificates sign in {} with [{}]",
        theirs.join(", "),
        version.name(),
        ours.join(", ")
    )))
}

/// The schemes of our configuration that `certified`'s key makes in `version`.
fn usable_schemes<'a>(
    config: &'a ServerConfig,
    certified: &'a CertifiedKey,
    version: ProtocolVersion,
) -> impl Iterator<Item = SignatureScheme> + 'a {
    let usable = move |s: &SignatureScheme| certified.key.can_sign(*s, version) && s.allowed_in(version);
    config.signature_schemes.iter().copied().filter(usable)
}

/// The groups both sides support, in our order of preference.
pub(crate) fn common_groups(config: &ServerConfig, offered: &[u16]) -> Vec<NamedGroup> {
    config.groups.iter().copied().filter(|g| offered.contains(&g.id())).collect()
}
