//! With a seeded RNG and a fixed clock, a handshake is byte-identical from
//! run to run; golden files catch unintended changes to what goes on the
//! wire.
//!
//! After an intended change, regenerate them with
//! `PADLOCK_UPDATE_GOLDEN=1 cargo test -p padlock-tls --test deterministic`
//! and review the diff.

mod common;

use common::{Wire, client_config, connect, server_config};
use padlock_tls::messages::version::TLS12;
use padlock_tls::suites;
use padlock_tls::trace::hex;

fn transcript(wire: &Wire) -> String {
    wire.iter()
        .map(|(from_client, bytes)| format!("{} {}\n", if *from_client { "C>" } else { "S>" }, hex(bytes)))
        .collect()
}

fn session(name: &str, configure: impl Fn(&mut padlock_tls::ClientConfig)) -> String {
    let mut client = client_config();
    configure(&mut client);
    let (mut c, mut s, mut wire) = connect(client, server_config(), 0x90_1d);
    c.write_app_data(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("write");
    let request = c.take_outgoing();
    s.read_tls(&request).expect("read");
    wire.push((true, request));
    s.write_app_data(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").expect("write");
    let response = s.take_outgoing();
    c.read_tls(&response).expect("read");
    wire.push((false, response));
    format!("# {name}\n{}", transcript(&wire))
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
    let first = session("TLS 1.3, x25519, TLS_AES_128_GCM_SHA256", |_| {});
    let second = session("TLS 1.3, x25519, TLS_AES_128_GCM_SHA256", |_| {});
    assert_eq!(first, second);
    check_golden("tls13_x25519", &first);
}

#[test]
fn tls12_ecdhe_is_reproducible() {
    let configure = |c: &mut padlock_tls::ClientConfig| {
        c.versions = vec![TLS12];
        c.cipher_suites = vec![suites::ECDHE_RSA_AES_128_GCM_SHA256];
    };
    let first = session("TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", configure);
    assert_eq!(first, session("TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", configure));
    check_golden("tls12_ecdhe", &first);
}

#[test]
fn tls12_rsa_is_reproducible() {
    let configure = |c: &mut padlock_tls::ClientConfig| {
        c.versions = vec![TLS12];
        c.cipher_suites = vec![suites::RSA_AES_128_GCM_SHA256];
    };
    let first = session("TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256", configure);
    assert_eq!(first, session("TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256", configure));
    check_golden("tls12_rsa", &first);
}
