//! Interoperability with rustls and its aws-lc-rs provider, in memory: the
//! peer that speaks the post-quantum hybrids X25519MLKEM768 and
//! SecP256r1MLKEM768 (draft-ietf-tls-ecdhe-mlkem) as browsers do. Each case
//! restricts rustls to one group, so the hybrid is negotiated, not fallen
//! back from, and checks what both libraries say they agreed on; then
//! application data crosses both ways.
//!
//! rustls checks certificates against the real clock, so these tests make a
//! PKI valid from yesterday (RSA and ECDSA leaves) rather than using the
//! fixed-clock test PKI.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};

use padlock_der::Time;
use padlock_tls::{ClientConfig, Connection, KeyExchange, NamedGroup, ServerConfig, SigningKey};
use padlock_x509::Certificate;
use rustls::crypto::SupportedKxGroup;
use rustls::crypto::aws_lc_rs::{default_provider, kx_group};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

/// A CA, a leaf for localhost and its key (as PKCS #8 DER too, for rustls).
struct Pki {
    ca: Certificate,
    leaf: Certificate,
    key: SigningKey,
    key_der: Vec<u8>,
}

/// An RSA and an ECDSA (P-256) PKI, valid from yesterday.
fn pkis() -> &'static [Pki; 2] {
    use rand::SeedableRng;
    static PKIS: OnceLock<[Pki; 2]> = OnceLock::new();
    PKIS.get_or_init(|| {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x2157);
        let seconds =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        let yesterday = Time::from_unix_seconds(seconds as i64 - 86_400).expect("time");
        let rsa = padlock_x509::throwaway::throwaway(2048, &["localhost"], &[], yesterday, &mut rng)
            .expect("RSA PKI");
        let ec = padlock_x509::throwaway::throwaway_ecdsa(
            padlock_ec::Curve::P256,
            &["localhost"],
            &[],
            yesterday,
            &mut rng,
        )
        .expect("EC PKI");
        [
            Pki { ca: rsa.ca, leaf: rsa.leaf, key_der: rsa.key.to_pkcs8_der().to_vec(), key: rsa.key.into() },
            Pki { ca: ec.ca, leaf: ec.leaf, key_der: ec.key.to_pkcs8_der().to_vec(), key: ec.key.into() },
        ]
    })
}

/// The aws-lc-rs provider restricted to one key-exchange group.
fn provider(group: &'static dyn SupportedKxGroup) -> Arc<rustls::crypto::CryptoProvider> {
    let mut provider = default_provider();
    provider.kx_groups = vec![group];
    Arc::new(provider)
}

/// Moves bytes between our connection and rustls's until neither has
/// anything more to say.
fn pump(ours: &mut Connection, theirs: &mut impl Peer) {
    for _ in 0..32 {
        let to_them = ours.take_outgoing();
        if !to_them.is_empty() {
            theirs.receive(&to_them);
        }
        let to_us = theirs.send();
        if !to_us.is_empty() {
            ours.read_tls(&to_us).expect("our side accepts what rustls sent");
        }
        if to_them.is_empty() && to_us.is_empty() {
            return;
        }
    }
    panic!("no end in 32 rounds");
}

/// A rustls connection, client or server, seen as bytes in and out.
trait Peer {
    fn receive(&mut self, bytes: &[u8]);
    fn send(&mut self) -> Vec<u8>;
}

impl<C, D> Peer for C
where
    C: std::ops::DerefMut<Target = rustls::ConnectionCommon<D>>,
{
    fn receive(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            self.read_tls(&mut bytes).expect("rustls reads");
            self.process_new_packets().expect("rustls accepts what we sent");
        }
    }

    fn send(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while self.wants_write() {
            self.write_tls(&mut out).expect("rustls writes");
        }
        out
    }
}

/// Our client against a rustls server that knows only `group`.
fn our_client_to_rustls(group: &'static dyn SupportedKxGroup, ours: NamedGroup, pki: &Pki) {
    let config = rustls::ServerConfig::builder_with_provider(provider(group))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("TLS 1.3")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(pki.leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key_der.clone())),
        )
        .expect("rustls accepts our certificate and key");
    let mut server = rustls::ServerConnection::new(Arc::new(config)).expect("rustls server");
    let mut client = ClientConfig::new("localhost", vec![pki.ca.clone()]);
    client.groups = vec![ours, NamedGroup::X25519];
    client.key_share_groups = vec![ours];
    let mut c = Connection::client(Arc::new(client), common::rng(1)).expect("our client");
    pump(&mut c, &mut server);
    let negotiated = c.negotiated().expect("negotiated").clone();
    assert_eq!(negotiated.key_exchange, KeyExchange::Named(ours));
    assert_eq!(server.negotiated_key_exchange_group().map(|g| g.name()), Some(group.name()));
    // Data both ways.
    c.write_app_data(b"ping").expect("write");
    pump(&mut c, &mut server);
    let mut received = [0u8; 4];
    server.reader().read_exact(&mut received).expect("rustls reads our data");
    assert_eq!(&received, b"ping");
    server.writer().write_all(b"pong").expect("rustls writes");
    pump(&mut c, &mut server);
    assert_eq!(c.take_app_data(), b"pong");
}

/// A rustls client that knows only `group` against our server.
fn rustls_to_our_server(group: &'static dyn SupportedKxGroup, ours: NamedGroup, pki: &Pki) {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(pki.ca.der().to_vec())).expect("our CA");
    let config = rustls::ClientConfig::builder_with_provider(provider(group))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("TLS 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").expect("name");
    let mut client = rustls::ClientConnection::new(Arc::new(config), name).expect("rustls client");
    let server = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    let mut s = Connection::server(Arc::new(server), common::rng(2));
    // rustls speaks first.
    let hello = client.send();
    s.read_tls(&hello).expect("our server reads rustls's ClientHello");
    pump(&mut s, &mut client);
    assert!(!s.is_handshaking() && !client.is_handshaking());
    assert_eq!(s.negotiated().map(|n| n.key_exchange), Some(KeyExchange::Named(ours)));
    assert_eq!(client.negotiated_key_exchange_group().map(|g| g.name()), Some(group.name()));
    client.writer().write_all(b"hello").expect("rustls writes");
    let data = client.send();
    s.read_tls(&data).expect("our server reads rustls's data");
    assert_eq!(s.take_app_data(), b"hello");
    s.write_app_data(b"olleh").expect("write");
    pump(&mut s, &mut client);
    let mut received = [0u8; 5];
    client.reader().read_exact(&mut received).expect("rustls reads our data");
    assert_eq!(&received, b"olleh");
}

#[test]
fn x25519mlkem768_both_ways() {
    for pki in pkis() {
        our_client_to_rustls(kx_group::X25519MLKEM768, NamedGroup::X25519MlKem768, pki);
        rustls_to_our_server(kx_group::X25519MLKEM768, NamedGroup::X25519MlKem768, pki);
    }
}

#[test]
fn secp256r1mlkem768_both_ways() {
    let pki = &pkis()[0];
    our_client_to_rustls(kx_group::SECP256R1MLKEM768, NamedGroup::SecP256r1MlKem768, pki);
    rustls_to_our_server(kx_group::SECP256R1MLKEM768, NamedGroup::SecP256r1MlKem768, pki);
}

#[test]
fn classical_curves_both_ways() {
    let pki = &pkis()[1];
    for (theirs, ours) in [
        (kx_group::X25519, NamedGroup::X25519),
        (kx_group::SECP256R1, NamedGroup::Secp256r1),
        (kx_group::SECP384R1, NamedGroup::Secp384r1),
    ] {
        our_client_to_rustls(theirs, ours, pki);
        rustls_to_our_server(theirs, ours, pki);
    }
}

/// Our default client, as a browser: it sends X25519MLKEM768 and x25519
/// shares; a rustls server with its default groups picks the hybrid, and
/// one without it falls back to x25519 without a HelloRetryRequest.
#[test]
fn our_default_client_gets_the_hybrid_or_falls_back() {
    let pki = &pkis()[0];
    for (groups, expect) in [
        (default_provider().kx_groups, NamedGroup::X25519MlKem768),
        (vec![kx_group::X25519], NamedGroup::X25519),
    ] {
        let mut provider = default_provider();
        provider.kx_groups = groups;
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(pki.leaf.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key_der.clone())),
            )
            .expect("certificate");
        let mut server = rustls::ServerConnection::new(Arc::new(config)).expect("rustls server");
        let client = ClientConfig::new("localhost", vec![pki.ca.clone()]);
        let mut c = Connection::client(Arc::new(client), common::rng(3)).expect("our client");
        pump(&mut c, &mut server);
        assert_eq!(c.negotiated().map(|n| n.key_exchange), Some(KeyExchange::Named(expect)));
    }
}
