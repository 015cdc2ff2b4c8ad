//! The TLS cases both `benches/handshake.rs` (criterion means) and
//! `benches/quiet.rs` (minimum and median of single runs) measure: a
//! throwaway certificate chain, padlock-tls client and server configs, one
//! handshake in memory, and the same with rustls 0.23 (*ring*, or aws-lc-rs
//! for X25519MLKEM768) as the peer.

#![allow(dead_code)] // each bench uses its own part

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use padlock_der::Time;
use padlock_ec::Curve;
use padlock_tls::ProtocolVersion;
use padlock_tls::SigningKey;
use padlock_tls::suites::{self, CipherSuite};
use padlock_tls::{ClientConfig, Connection, NamedGroup, ServerConfig};
use padlock_x509::Certificate;
use padlock_x509::throwaway::{throwaway, throwaway_ecdsa};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A throwaway certificate chain with its key, in the forms both
/// libraries take.
pub(crate) struct Pki {
    pub(crate) ca: Certificate,
    pub(crate) leaf: Certificate,
    pub(crate) key: SigningKey,
    pub(crate) pkcs8: Vec<u8>,
}

/// The server's certificate in a case.
#[derive(Clone, Copy)]
pub(crate) enum Key {
    /// An RSA-2048 leaf under an RSA-2048 CA.
    Rsa,
    /// An ECDSA P-256 leaf under a P-384 CA.
    Ecdsa,
}

/// A throwaway chain of `kind`, valid from an hour ago.
pub(crate) fn pki(kind: Key) -> Pki {
    // Valid from an hour ago: rustls checks certificates against the system clock.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let not_before = Time::from_unix_seconds(now as i64 - 3600).expect("time");
    let (names, ips) = (&["localhost"], &[IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    let rng = &mut StdRng::seed_from_u64(1);
    match kind {
        Key::Ecdsa => {
            let pki = throwaway_ecdsa(Curve::P256, names, ips, not_before, rng).expect("pki");
            let pkcs8 = pki.key.to_pkcs8_der().to_vec();
            Pki { ca: pki.ca, leaf: pki.leaf, key: pki.key.into(), pkcs8 }
        }
        Key::Rsa => {
            let pki = throwaway(2048, names, ips, not_before, rng).expect("pki");
            let pkcs8 = pki.key.to_pkcs8_der().to_vec();
            Pki { ca: pki.ca, leaf: pki.leaf, key: pki.key.into(), pkcs8 }
        }
    }
}

/// Client and server configs for one (version, suite, group) case.
pub(crate) fn configs(
    pki: &Pki,
    version: ProtocolVersion,
    suite: CipherSuite,
    group: NamedGroup,
) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let mut client = ClientConfig::new("localhost", vec![pki.ca.clone()]);
    client.versions = vec![version];
    client.cipher_suites = vec![suite];
    client.groups = vec![group];
    client.key_share_groups = vec![group];
    let mut server = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    server.groups = vec![group];
    server.dhe_group = if group.is_ffdhe() { group } else { NamedGroup::Ffdhe2048 };
    (Arc::new(client), Arc::new(server))
}

/// Runs a handshake to the end; returns the two connections.
pub(crate) fn handshake(
    client: &Arc<ClientConfig>,
    server: &Arc<ServerConfig>,
    seed: u64,
) -> (Connection, Connection) {
    let mut c = Connection::client(client.clone(), Box::new(StdRng::seed_from_u64(seed))).expect("client");
    let mut s = Connection::server(server.clone(), Box::new(StdRng::seed_from_u64(seed ^ 1)));
    loop {
        let to_server = c.take_outgoing();
        let to_client = s.take_outgoing();
        if to_server.is_empty() && to_client.is_empty() {
            break;
        }
        s.read_tls(&to_server).expect("server");
        c.read_tls(&to_client).expect("client");
    }
    assert!(!c.is_handshaking() && !s.is_handshaking());
    (c, s)
}

/// The rustls (ring) suite for one of ours, where rustls has it: the ECDHE
/// and TLS 1.3 suites (no finite-field DHE, no RSA key transport).
pub(crate) fn rustls_suite(suite: CipherSuite) -> Option<rustls::SupportedCipherSuite> {
    use rustls::crypto::ring::cipher_suite as peer;
    Some(match suite {
        s if s == suites::TLS13_AES_128_GCM_SHA256 => peer::TLS13_AES_128_GCM_SHA256,
        s if s == suites::TLS13_CHACHA20_POLY1305_SHA256 => peer::TLS13_CHACHA20_POLY1305_SHA256,
        s if s == suites::ECDHE_RSA_AES_128_GCM_SHA256 => peer::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        s if s == suites::ECDHE_RSA_CHACHA20_POLY1305_SHA256 => {
            peer::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        }
        s if s == suites::ECDHE_ECDSA_AES_128_GCM_SHA256 => peer::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        _ => return None,
    })
}

/// rustls client and server configs for one suite and group: its *ring*
/// provider, or for X25519MLKEM768 (which *ring* lacks) its aws-lc-rs one,
/// with the same suite.
pub(crate) fn rustls_configs(
    pki: &Pki,
    suite: rustls::SupportedCipherSuite,
    group: NamedGroup,
) -> (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>) {
    use rustls::crypto::ring::{default_provider, kx_group};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let mut provider = default_provider();
    provider.cipher_suites = vec![suite];
    provider.kx_groups = match group {
        NamedGroup::Secp256r1 => vec![kx_group::SECP256R1],
        NamedGroup::X25519MlKem768 => {
            provider = rustls::crypto::aws_lc_rs::default_provider();
            let same = provider.cipher_suites.iter().find(|s| s.suite() == suite.suite()).copied();
            provider.cipher_suites = vec![same.expect("aws-lc-rs has the suite")];
            vec![rustls::crypto::aws_lc_rs::kx_group::X25519MLKEM768]
        }
        _ => vec![kx_group::X25519],
    };
    let provider = Arc::new(provider);
    let versions: &[&rustls::SupportedProtocolVersion] = &[suite.version()];
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(pki.ca.der().to_vec())).expect("root");
    let mut client = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Every handshake a full one, as padlock-tls does (it never resumes).
    client.resumption = rustls::client::Resumption::disabled();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.pkcs8.clone()));
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(pki.leaf.der().to_vec())], key)
        .expect("server certificate");
    server.send_tls13_tickets = 0;
    server.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    (Arc::new(client), Arc::new(server))
}

/// Moves bytes between a rustls client and server until both are quiet.
pub(crate) fn rustls_pump(c: &mut rustls::ClientConnection, s: &mut rustls::ServerConnection) {
    loop {
        let mut to_server = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut to_server).expect("client write");
        }
        let mut to_client = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut to_client).expect("server write");
        }
        if to_server.is_empty() && to_client.is_empty() {
            return;
        }
        let mut input = to_server.as_slice();
        while !input.is_empty() {
            s.read_tls(&mut input).expect("server read");
            s.process_new_packets().expect("server");
        }
        let mut input = to_client.as_slice();
        while !input.is_empty() {
            c.read_tls(&mut input).expect("client read");
            c.process_new_packets().expect("client");
        }
    }
}

pub(crate) fn rustls_handshake(
    client: &Arc<rustls::ClientConfig>,
    server: &Arc<rustls::ServerConfig>,
) -> (rustls::ClientConnection, rustls::ServerConnection) {
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let mut c = rustls::ClientConnection::new(client.clone(), name).expect("client");
    let mut s = rustls::ServerConnection::new(server.clone()).expect("server");
    rustls_pump(&mut c, &mut s);
    assert!(!c.is_handshaking() && !s.is_handshaking());
    (c, s)
}
