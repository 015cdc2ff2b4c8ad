//! Our client against our server, in memory: every version, suite and
//! group; application data both ways; what the trace shows.

mod common;

use common::{client_config, connect, dual_server_config, ecdsa_server_config, recorder, server_config};
use padlock_tls::KeyExchange;
use padlock_tls::ProtocolVersion::{Tls12, Tls13};
use padlock_tls::suites::{self, CipherSuite, NamedGroup};
use padlock_tls::trace::Event;

fn exchange(c: &mut padlock_tls::Connection, s: &mut padlock_tls::Connection) {
    c.write_app_data(b"GET / HTTP/1.1\r\n\r\n").expect("client write");
    s.read_tls(&c.take_outgoing()).expect("server read");
    assert_eq!(s.take_app_data(), b"GET / HTTP/1.1\r\n\r\n");
    let big = vec![0x5a; 40_000];
    s.write_app_data(&big).expect("server write");
    c.read_tls(&s.take_outgoing()).expect("client read");
    assert_eq!(c.take_app_data(), big);
    c.send_close_notify();
    s.read_tls(&c.take_outgoing()).expect("close");
    assert!(s.peer_closed());
}

#[test]
fn tls13_each_suite_and_group() {
    for suite in suites::ALL_SUITES.into_iter().filter(|s| s.is_tls13()) {
        for group in NamedGroup::ALL {
            let mut client = client_config();
            client.cipher_suites = vec![suite];
            client.groups = vec![group];
            client.key_share_groups = vec![group];
            let (mut c, mut s, _) = connect(client, server_config(), 1);
            let n = c.negotiated().expect("negotiated").clone();
            assert_eq!((n.version, n.suite, n.key_exchange), (Tls13, suite, KeyExchange::Named(group)));
            assert_eq!(s.negotiated(), Some(&n));
            exchange(&mut c, &mut s);
        }
    }
}

#[test]
fn tls13_hello_retry_request() {
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
    client.key_share_groups = vec![NamedGroup::X25519];
    let mut server = server_config();
    server.groups = vec![NamedGroup::Ffdhe2048];
    let (trace, events) = recorder();
    client.trace = Some(trace);
    let (mut c, mut s, _) = connect(client, server, 2);
    assert_eq!(c.negotiated().map(|n| n.key_exchange), Some(KeyExchange::Named(NamedGroup::Ffdhe2048)));
    let hellos = events
        .lock()
        .expect("lock")
        .iter()
        .filter(|(_, e)| {
            matches!(
                e,
                Event::Handshake { sent: true, typ: padlock_tls::messages::HandshakeType::ClientHello, .. }
            )
        })
        .count();
    assert_eq!(hellos, 2, "the client answered the HelloRetryRequest once");
    exchange(&mut c, &mut s);
}

#[test]
fn tls12_each_suite() {
    let tls12: Vec<CipherSuite> = suites::ALL_SUITES.into_iter().filter(|s| !s.is_tls13()).collect();
    for suite in tls12 {
        let mut client = client_config();
        client.versions = vec![Tls12];
        client.cipher_suites = vec![suite];
        let (mut c, mut s, _) = connect(client, dual_server_config(), 3);
        let n = c.negotiated().expect("negotiated").clone();
        assert_eq!((n.version, n.suite), (Tls12, suite));
        assert!(n.extended_master_secret);
        exchange(&mut c, &mut s);
    }
}

/// TLS 1.2 ECDHE on every curve, with each kind of certificate.
#[test]
fn tls12_ecdhe_each_curve_and_certificate() {
    let curves = NamedGroup::ALL.into_iter().filter(|g| g.is_tls12_ecdhe());
    for group in curves {
        for suite in [suites::ECDHE_RSA_AES_128_GCM_SHA256, suites::ECDHE_ECDSA_AES_256_GCM_SHA384] {
            let mut client = client_config();
            client.versions = vec![Tls12];
            client.cipher_suites = vec![suite];
            client.groups = vec![group];
            let (mut c, mut s, _) = connect(client, dual_server_config(), 6);
            let n = c.negotiated().expect("negotiated").clone();
            assert_eq!((n.suite, n.key_exchange), (suite, KeyExchange::Named(group)));
            exchange(&mut c, &mut s);
        }
    }
}

/// A server with an RSA and an ECDSA certificate answers a client that
/// verifies only ECDSA with the ECDSA one, and the others with RSA (its
/// first); a server with only ECDSA refuses an RSA-only client, saying so.
#[test]
fn the_server_picks_the_certificate_the_client_can_verify() {
    use padlock_tls::SignatureScheme;
    use padlock_tls::trace::{Check, Event};
    for (schemes, expect_ec) in [
        (vec![SignatureScheme::EcdsaSecp256r1Sha256], true),
        (vec![SignatureScheme::RsaPssRsaeSha256], false),
        (SignatureScheme::ALL.to_vec(), false),
    ] {
        let (trace, events) = recorder();
        let mut client = client_config();
        client.signature_schemes = schemes;
        client.trace = Some(trace);
        let (mut c, mut s, _) = connect(client, dual_server_config(), 7);
        let signed_with = events.lock().expect("lock").iter().find_map(|(_, e)| match e {
            Event::Check { check: Check::Signature { scheme, .. }, passed: true } => Some(*scheme),
            _ => None,
        });
        let scheme = signed_with.expect("a CertificateVerify");
        assert_eq!(scheme.name().starts_with("ecdsa"), expect_ec, "{}", scheme.name());
        exchange(&mut c, &mut s);
    }
    let mut client = client_config();
    client.signature_schemes = vec![SignatureScheme::RsaPssRsaeSha256];
    let mut c = padlock_tls::Connection::client(std::sync::Arc::new(client), common::rng(8)).expect("client");
    let mut s = padlock_tls::Connection::server(std::sync::Arc::new(ecdsa_server_config()), common::rng(9));
    let error = common::pump(&mut c, &mut s).expect_err("no common scheme").1;
    assert!(error.to_string().contains("no signature scheme in common"), "{error}");
}

#[test]
fn tls13_key_update_both_ways() {
    let (mut c, mut s, _) = connect(client_config(), server_config(), 4);
    s.send_key_update(true).expect("server key update");
    c.read_tls(&s.take_outgoing()).expect("client reads KeyUpdate");
    // The client answered with its own KeyUpdate.
    s.read_tls(&c.take_outgoing()).expect("server reads the answer");
    exchange(&mut c, &mut s);
}

/// The server prefers AES-GCM, but a client that lists ChaCha20-Poly1305
/// first gets it (ServerConfig::prioritize_chacha), in both versions; with
/// the preference off, the server's order decides.
#[test]
fn chacha20_for_clients_that_prefer_it() {
    use padlock_tls::record::AeadAlgorithm;
    for version in [Tls12, Tls13] {
        let ours: Vec<CipherSuite> =
            suites::ALL_SUITES.into_iter().filter(|s| s.is_tls13() == (version == Tls13)).collect();
        let mut chacha_first = ours.clone();
        chacha_first.sort_by_key(|s| s.aead != AeadAlgorithm::ChaCha20Poly1305);
        for (client_order, prioritize, expect_chacha) in
            [(ours.clone(), true, false), (chacha_first.clone(), true, true), (chacha_first, false, false)]
        {
            let mut client = client_config();
            client.versions = vec![version];
            client.cipher_suites = client_order;
            let mut server = server_config();
            server.prioritize_chacha = prioritize;
            let (mut c, mut s, _) = connect(client, server, 9);
            let suite = c.negotiated().expect("negotiated").suite;
            assert_eq!(
                suite.aead == AeadAlgorithm::ChaCha20Poly1305,
                expect_chacha,
                "{version:?} {}",
                suite.name()
            );
            exchange(&mut c, &mut s);
        }
    }
}
