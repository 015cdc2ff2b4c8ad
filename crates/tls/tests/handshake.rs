//! Our client against our server, in memory: every version, suite and
//! group; application data both ways; what the trace shows.

mod common;

use common::{client_config, connect, recorder, server_config};
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
    for suite in [suites::TLS13_AES_128_GCM_SHA256, suites::TLS13_AES_256_GCM_SHA384] {
        for group in NamedGroup::ALL {
            let mut client = client_config();
            client.cipher_suites = vec![suite];
            client.groups = vec![group];
            client.key_share_groups = vec![group];
            let (mut c, mut s, _) = connect(client, server_config(), 1);
            let n = c.negotiated().expect("negotiated").clone();
            assert_eq!((n.version, n.suite, n.group.as_deref()), (Tls13, suite, Some(group.name())));
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
    assert_eq!(c.negotiated().and_then(|n| n.group.clone()).as_deref(), Some("ffdhe2048"));
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
        let (mut c, mut s, _) = connect(client, server_config(), 3);
        let n = c.negotiated().expect("negotiated").clone();
        assert_eq!((n.version, n.suite), (Tls12, suite));
        assert!(n.extended_master_secret);
        exchange(&mut c, &mut s);
    }
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
