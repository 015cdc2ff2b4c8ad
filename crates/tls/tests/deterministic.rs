//! With a seeded RNG and a fixed clock, a handshake is byte-identical from
//! run to run; golden files catch unintended changes to what goes on the
//! wire.
//!
//! After an intended change, regenerate them with
//! `PADLOCK_UPDATE_GOLDEN=1 cargo test -p padlock-tls --test deterministic`
//! and review the diff.

mod common;

use common::{Events, client_config, connect, recorder, server_config};
use padlock_tls::NamedGroup;
use padlock_tls::ProtocolVersion::Tls12;
use padlock_tls::suites;
use padlock_tls::trace::{Event, Side, hex};

/// One line per handshake message each side sent (its type, then its bytes,
/// before record protection) and per record that crossed the wire (its
/// content type, then its bytes), in the order they happened: a diff
/// shows which message changed, and the records pin every wire byte.
fn transcript(events: &Events) -> String {
    let mut out = String::new();
    for (side, event) in events.lock().expect("lock").iter() {
        let from = if *side == Side::Client { "C>" } else { "S>" };
        match event {
            Event::Handshake { sent: true, typ, bytes, .. } => {
                out += &format!("{from} {:<20} {}\n", typ.name(), hex(bytes));
            }
            Event::Record { sent: true, content_type, bytes } => {
                out += &format!("{from} {:<20} {}\n", format!("[{}]", content_type.name()), hex(bytes));
            }
            _ => {}
        }
    }
    out
}

fn session(name: &str, configure: impl Fn(&mut padlock_tls::ClientConfig)) -> String {
    let (client_trace, events) = recorder();
    let server_events = events.clone();
    let server_trace: padlock_tls::trace::TraceSink = std::sync::Arc::new(move |side, event: &Event| {
        server_events.lock().expect("lock").push((side, event.clone()));
    });
    let mut client = client_config();
    configure(&mut client);
    client.trace = Some(client_trace);
    let mut server = server_config();
    server.trace = Some(server_trace);
    let (mut c, mut s, _) = connect(client, server, 0x90_1d);
    c.write_app_data(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("write");
    s.read_tls(&c.take_outgoing()).expect("read");
    s.write_app_data(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").expect("write");
    c.read_tls(&s.take_outgoing()).expect("read");
    format!("# {name}\n{}", transcript(&events))
}

fn check_golden(name: &str, text: &str) {
    let path = format!("{}/tests/golden/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("PADLOCK_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).expect("write golden file");
        return;
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{path} is missing: run with PADLOCK_UPDATE_GOLDEN=1 to create it"));
    assert!(
        golden == text,
        "{name}: the wire bytes changed; if intended, regenerate with PADLOCK_UPDATE_GOLDEN=1"
    );
}

#[test]
fn tls13_x25519_is_reproducible() {
    let configure = |c: &mut padlock_tls::ClientConfig| {
        c.groups = vec![NamedGroup::X25519];
        c.key_share_groups = vec![NamedGroup::X25519];
    };
    let first = session("TLS 1.3, x25519, TLS_AES_128_GCM_SHA256", configure);
    let second = session("TLS 1.3, x25519, TLS_AES_128_GCM_SHA256", configure);
    assert_eq!(first, second);
    check_golden("tls13_x25519", &first);
}

/// The default client, as a browser would offer: the X25519MLKEM768
/// hybrid is negotiated (its shares are 1216 and 1120 bytes).
#[test]
fn tls13_default_hybrid_is_reproducible() {
    let first = session("TLS 1.3, X25519MLKEM768, TLS_AES_128_GCM_SHA256", |_| {});
    assert_eq!(first, session("TLS 1.3, X25519MLKEM768, TLS_AES_128_GCM_SHA256", |_| {}));
    check_golden("tls13_x25519mlkem768", &first);
}

#[test]
fn tls12_ecdhe_is_reproducible() {
    let configure = |c: &mut padlock_tls::ClientConfig| {
        c.versions = vec![Tls12];
        c.cipher_suites = vec![suites::ECDHE_RSA_AES_128_GCM_SHA256];
    };
    let first = session("TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", configure);
    assert_eq!(first, session("TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", configure));
    check_golden("tls12_ecdhe", &first);
}

#[test]
fn tls12_rsa_is_reproducible() {
    let configure = |c: &mut padlock_tls::ClientConfig| {
        c.versions = vec![Tls12];
        c.cipher_suites = vec![suites::RSA_AES_128_GCM_SHA256];
    };
    let first = session("TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256", configure);
    assert_eq!(first, session("TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256", configure));
    check_golden("tls12_rsa", &first);
}
