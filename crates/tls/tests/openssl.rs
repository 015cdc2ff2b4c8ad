//! Interoperability with OpenSSL (3.0 or later) over TCP on 127.0.0.1.
//!
//! - Our server (a [`Stream`] over an accepted `TcpStream`, in a thread)
//!   against `openssl s_client`: the six TLS 1.2 AES-GCM suites with RSA
//!   certificates, both TLS 1.3 AES-GCM suites with x25519 and with
//!   ffdhe2048, a HelloRetryRequest that we send; an ECDSA chain (a P-256
//!   leaf under a P-384 CA) in TLS 1.3 over secp256r1 and secp384r1 and in
//!   TLS 1.2 ECDHE-ECDSA; ChaCha20-Poly1305 in TLS 1.3 and in TLS 1.2 with
//!   ECDHE-RSA and ECDHE-ECDSA.
//! - Our client against `openssl s_server -rev`: the same, TLS 1.2 DHE
//!   with RFC 7919's ffdhe2048 (`-dhparam`), with OpenSSL's default group
//!   and with any safe prime (and a group that is not one refused), a
//!   HelloRetryRequest that OpenSSL sends, and a CertificateRequest answered
//!   without a certificate. Whether a HelloRetryRequest came is checked
//!   against our client's trace.
//!
//! Every case sends a line each way ("ping" answered by "pong ping"; "hello"
//! answered by `-rev` with "olleh") and checks what both libraries say was
//! negotiated. Each prints its cell of the interop matrix, a line such as
//! "interop: our server <- openssl s_client TLS1.2 AES128-GCM-SHA256: ok"
//! (`cargo test -p padlock-tls --test openssl -- --nocapture` shows them).
//!
//! Every wait is bounded by [`TIMEOUT`], and each `openssl` child is killed
//! when its guard drops, on every path. OpenSSL is the reference, so a
//! missing `openssl` fails the tests rather than skipping them.
//!
//! The test certificates are valid for 90 days from 2026-01-01, so OpenSSL
//! checks them at the tests' fixed clock (`-attime`), as our client does.

mod common;

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use padlock_der::pem;
use padlock_testkit::Scratch;
use padlock_tls::ProtocolVersion::{self, Tls12, Tls13};
use padlock_tls::messages::{HandshakeType, KeyExchangeAlgorithm};
use padlock_tls::suites::{
    DHE_RSA_AES_128_GCM_SHA256, DHE_RSA_AES_256_GCM_SHA384, ECDHE_ECDSA_AES_128_GCM_SHA256,
    ECDHE_ECDSA_AES_256_GCM_SHA384, ECDHE_ECDSA_CHACHA20_POLY1305_SHA256, ECDHE_RSA_AES_128_GCM_SHA256,
    ECDHE_RSA_AES_256_GCM_SHA384, ECDHE_RSA_CHACHA20_POLY1305_SHA256, RSA_AES_128_GCM_SHA256,
    RSA_AES_256_GCM_SHA384, TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384,
    TLS13_CHACHA20_POLY1305_SHA256,
};
use padlock_tls::trace::{Event, Side};
use padlock_tls::{
    CipherSuite, ClientConfig, Connection, KeyExchange, NamedGroup, Negotiated, ServerConfig, Stream,
};

/// The bound on every wait: a process starting, a handshake, a reply.
const TIMEOUT: Duration = Duration::from_secs(10);

/// `common::now()`, 2026-02-01 00:00:00 UTC, in seconds since 1970: the
/// time OpenSSL checks our test certificates at.
const AT_TIME: &str = "1769904000";

/// Our side's RNG seed. OpenSSL's side is random anyway; a fixed seed keeps
/// our half of each handshake reproducible.
const SEED: u64 = 0x5eed;

/// What a case expects to be negotiated, in both libraries' words.
struct Expect {
    version: ProtocolVersion,
    suite: CipherSuite,
    /// The key exchange.
    key_exchange: ExpectKx,
    /// OpenSSL's name for the suite.
    openssl_suite: &'static str,
    /// What `s_client -brief` says of the server's ephemeral key.
    temp_key: Option<&'static str>,
    /// Whether a HelloRetryRequest to `group` comes (in the label; for our
    /// client, checked against its trace).
    hello_retry: bool,
}

/// The key exchange a case expects.
#[derive(Clone, Copy, Debug)]
enum ExpectKx {
    /// Exactly this one.
    Is(KeyExchange),
    /// TLS 1.2 DHE in a safe-prime group of `bits` that the server sent and
    /// our client checked: padlock-dh makes that group at run time, so there
    /// is no constant to compare with.
    CheckedSafePrime { bits: usize },
}

impl ExpectKx {
    fn matches(self, got: KeyExchange) -> bool {
        match (self, got) {
            (ExpectKx::Is(expected), got) => got == expected,
            (ExpectKx::CheckedSafePrime { bits }, KeyExchange::ExplicitFfdhe(group)) => {
                !padlock_dh::groups::ALL.contains(&group) && group.p.len() * 8 == bits
            }
            (ExpectKx::CheckedSafePrime { .. }, _) => false,
        }
    }

    /// The named group, if one is expected.
    fn named_group(self) -> Option<NamedGroup> {
        match self {
            ExpectKx::Is(key_exchange) => key_exchange.named_group(),
            ExpectKx::CheckedSafePrime { .. } => None,
        }
    }
}

const X25519: ExpectKx = ExpectKx::Is(KeyExchange::Named(NamedGroup::X25519));
const FFDHE2048: ExpectKx = ExpectKx::Is(KeyExchange::Named(NamedGroup::Ffdhe2048));
/// RFC 3526's MODP group 14, which OpenSSL sends by default.
const MODP_2048: ExpectKx = ExpectKx::Is(KeyExchange::ExplicitFfdhe(padlock_dh::groups::MODP_GROUP14));
const TEMP_X25519: Option<&str> = Some("Server Temp Key: X25519, 253 bits");
const TEMP_DH2048: Option<&str> = Some("Server Temp Key: DH, 2048 bits");

fn tls12(suite: CipherSuite, openssl_suite: &'static str) -> Expect {
    let (key_exchange, temp_key) = match suite.kx {
        Some(KeyExchangeAlgorithm::Ecdhe) => (X25519, TEMP_X25519),
        Some(KeyExchangeAlgorithm::Dhe) => (FFDHE2048, TEMP_DH2048),
        _ => (ExpectKx::Is(KeyExchange::RsaKeyTransport), None),
    };
    Expect { version: Tls12, suite, key_exchange, openssl_suite, temp_key, hello_retry: false }
}

fn tls13(suite: CipherSuite, group: NamedGroup) -> Expect {
    let temp_key = if group == NamedGroup::X25519 { TEMP_X25519 } else { TEMP_DH2048 };
    Expect {
        version: Tls13,
        suite,
        key_exchange: ExpectKx::Is(KeyExchange::Named(group)),
        openssl_suite: suite.name(),
        temp_key,
        hello_retry: false,
    }
}

// ---------------------------------------------------------------------------
// A. Our server, openssl s_client.

#[test]
fn server_tls12_ecdhe_aes128() {
    let expect = tls12(ECDHE_RSA_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256");
    our_server(common::server_config(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn server_tls12_ecdhe_aes256() {
    let expect = tls12(ECDHE_RSA_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384");
    our_server(common::server_config(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn server_tls12_dhe_aes128() {
    let expect = tls12(DHE_RSA_AES_128_GCM_SHA256, "DHE-RSA-AES128-GCM-SHA256");
    our_server(common::server_config(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn server_tls12_dhe_aes256() {
    let expect = tls12(DHE_RSA_AES_256_GCM_SHA384, "DHE-RSA-AES256-GCM-SHA384");
    our_server(common::server_config(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn server_tls12_rsa_aes128() {
    let expect = tls12(RSA_AES_128_GCM_SHA256, "AES128-GCM-SHA256");
    our_server(common::server_config(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn server_tls12_rsa_aes256() {
    let expect = tls12(RSA_AES_256_GCM_SHA384, "AES256-GCM-SHA384");
    our_server(common::server_config(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn server_tls13_aes128_x25519() {
    let expect = tls13(TLS13_AES_128_GCM_SHA256, NamedGroup::X25519);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "x25519"];
    our_server(common::server_config(), &args, &expect);
}

#[test]
fn server_tls13_aes256_x25519() {
    let expect = tls13(TLS13_AES_256_GCM_SHA384, NamedGroup::X25519);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "x25519"];
    our_server(common::server_config(), &args, &expect);
}

#[test]
fn server_tls13_aes128_ffdhe2048() {
    let expect = tls13(TLS13_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "ffdhe2048"];
    our_server(common::server_config(), &args, &expect);
}

#[test]
fn server_tls13_aes256_ffdhe2048() {
    let expect = tls13(TLS13_AES_256_GCM_SHA384, NamedGroup::Ffdhe2048);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "ffdhe2048"];
    our_server(common::server_config(), &args, &expect);
}

/// s_client offers x25519 and ffdhe2048 but sends only an x25519 share; we
/// accept only ffdhe2048, so RFC 8446 §4.1.4 has us send a HelloRetryRequest.
#[test]
fn server_tls13_hello_retry_request() {
    let (sink, events) = common::recorder();
    let mut config = common::server_config();
    config.groups = vec![NamedGroup::Ffdhe2048];
    config.trace = Some(sink);
    let mut expect = tls13(TLS13_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048);
    expect.hello_retry = true;
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "x25519:ffdhe2048"];
    our_server(config, &args, &expect);

    let events = events.lock().expect("lock");
    let hellos = events
        .iter()
        .filter(|(side, e)| {
            *side == Side::Server
                && matches!(e, Event::Handshake { sent: false, typ: HandshakeType::ClientHello, .. })
        })
        .count();
    assert_eq!(hellos, 2, "a ClientHello, a HelloRetryRequest, a second ClientHello");
    let retry = events
        .iter()
        .any(|(_, e)| matches!(e, Event::HelloRetryRequest { group: Some(NamedGroup::Ffdhe2048) }));
    assert!(retry, "our server's trace has the HelloRetryRequest");
}

/// Our server's side of one connection, as the server thread saw it.
#[derive(Debug)]
struct Served {
    negotiated: Negotiated,
    /// The line s_client sent.
    received: String,
    /// How the connection ended after our reply: Ok on close_notify.
    closed: Result<(), String>,
}

/// Runs `openssl s_client <args>` against our server made from `config`:
/// s_client sends "ping", we answer "pong ping", s_client closes.
fn our_server(config: ServerConfig, s_client_args: &[&str], expect: &Expect) {
    our_server_for(config, &common::pki().ca, s_client_args, expect);
}

/// [`our_server`] whose certificate `ca` issued (what s_client trusts).
fn our_server_for(
    config: ServerConfig,
    ca: &padlock_x509::Certificate,
    s_client_args: &[&str],
    expect: &Expect,
) {
    let label = label(s_client_args, expect);
    let dir = Scratch::new(&format!("server-{label}"));
    dir.write("ca.pem", pem::encode("CERTIFICATE", ca.der()).as_bytes());
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding a port");
    let port = listener.local_addr().expect("bound address").port();
    let (done, served) = mpsc::channel();
    let config = Arc::new(config);
    thread::spawn(move || {
        let _ = done.send(serve_one(&listener, config));
    });

    let connect = format!("127.0.0.1:{port}");
    let mut args = vec!["s_client", "-connect", &connect, "-servername", "localhost", "-CAfile", "ca.pem"];
    args.extend(["-verify_return_error", "-verify_hostname", "localhost", "-attime", AT_TIME, "-brief"]);
    args.extend(s_client_args);
    let mut client = Openssl::spawn(&dir, &args);
    client.send(b"ping\n");
    // Until s_client prints our reply, or one side gives up.
    let mut outcome = None;
    wait_until(|| {
        outcome = outcome.take().or_else(|| served.try_recv().ok());
        client.stdout().contains("pong") || outcome.is_some() || client.exited()
    });
    // End of input: s_client sends close_notify and exits.
    client.close_stdin();
    let outcome = outcome
        .or_else(|| served.recv_timeout(TIMEOUT).ok())
        .unwrap_or_else(|| Err("our server did not finish in time".into()));
    let exited = client.finish();
    let report =
        format!("our server <- openssl s_client {label}\nour server: {outcome:?}\n{}", client.describe());

    let Ok(served) = outcome else { panic!("our server failed\n{report}") };
    assert_eq!(served.received, "ping\n", "{report}");
    assert!(client.stdout().contains("pong ping\n"), "s_client did not print our reply\n{report}");
    assert!(exited, "s_client did not exit after its input ended\n{report}");
    assert_eq!(served.closed, Ok(()), "s_client did not end with close_notify\n{report}");
    check_negotiated(&served.negotiated, expect, &report);
    let stderr = client.stderr();
    let mut want = vec![
        format!("Protocol version: {}", openssl_version(expect.version)),
        format!("Ciphersuite: {}", expect.openssl_suite),
        "Verification: OK".to_string(),
    ];
    want.extend(expect.temp_key.map(String::from));
    for line in want {
        assert!(stderr.lines().any(|l| l == line), "s_client did not say {line:?}\n{report}");
    }
    if expect.temp_key.is_none() {
        assert!(!stderr.contains("Server Temp Key"), "RSA key transport has no ephemeral key\n{report}");
    }
    println!("interop: our server <- openssl s_client {label}: ok");
}

/// Accepts one connection and runs our side of it.
fn serve_one(listener: &TcpListener, config: Arc<ServerConfig>) -> Result<Served, String> {
    let tcp = accept_within(listener, TIMEOUT).map_err(|e| format!("accepting: {e}"))?;
    set_timeouts(&tcp).map_err(|e| format!("socket timeouts: {e}"))?;
    let mut tls = Stream::new(Connection::server(config, common::rng(SEED)), tcp);
    tls.handshake().map_err(|e| format!("handshake: {e} ({e:?})"))?;
    let negotiated =
        tls.connection().negotiated().cloned().ok_or("nothing negotiated after the handshake")?;
    let received = read_line(&mut tls).map_err(|e| format!("reading s_client's line: {e}"))?;
    tls.write_all(format!("pong {received}").as_bytes()).map_err(|e| format!("writing our reply: {e}"))?;
    let mut rest = Vec::new();
    let closed = match tls.read_to_end(&mut rest) {
        Ok(_) if tls.connection().peer_closed() => Ok(()),
        Ok(_) => Err(format!("ended without close_notify after {rest:?}")),
        Err(e) => Err(e.to_string()),
    };
    Ok(Served { negotiated, received, closed })
}

/// Accepts one connection, giving up after `timeout`.
fn accept_within(listener: &TcpListener, timeout: Duration) -> io::Result<TcpStream> {
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + timeout;
    loop {
        match listener.accept() {
            Ok((tcp, _)) => {
                tcp.set_nonblocking(false)?;
                return Ok(tcp);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

// ---------------------------------------------------------------------------
// B. Our client, openssl s_server -rev.

#[test]
fn client_tls12_ecdhe_aes128() {
    let expect = tls12(ECDHE_RSA_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256");
    our_client(tls12_client(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn client_tls12_ecdhe_aes256() {
    let expect = tls12(ECDHE_RSA_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384");
    our_client(tls12_client(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn client_tls12_dhe_aes128_ffdhe2048() {
    let expect = tls12(DHE_RSA_AES_128_GCM_SHA256, "DHE-RSA-AES128-GCM-SHA256");
    let args = ["-tls1_2", "-cipher", expect.openssl_suite, "-dhparam", "dh.pem"];
    our_client(tls12_client(), &args, &expect);
}

#[test]
fn client_tls12_dhe_aes256_ffdhe2048() {
    let expect = tls12(DHE_RSA_AES_256_GCM_SHA384, "DHE-RSA-AES256-GCM-SHA384");
    let args = ["-tls1_2", "-cipher", expect.openssl_suite, "-dhparam", "dh.pem"];
    our_client(tls12_client(), &args, &expect);
}

/// Without `-dhparam`, OpenSSL 3.0 picks its DH group from the strength of
/// the certificate key ("Using default temp DH parameters"): for a 2048-bit
/// RSA key, RFC 3526's 2048-bit MODP group (group 14), which we know.
#[test]
fn client_tls12_dhe_aes128_openssl_default_group() {
    let mut expect = tls12(DHE_RSA_AES_128_GCM_SHA256, "DHE-RSA-AES128-GCM-SHA256");
    expect.key_exchange = MODP_2048;
    our_client(tls12_client(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn client_tls12_dhe_aes256_openssl_default_group() {
    let mut expect = tls12(DHE_RSA_AES_256_GCM_SHA384, "DHE-RSA-AES256-GCM-SHA384");
    expect.key_exchange = MODP_2048;
    our_client(tls12_client(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

/// A safe-prime group we do not know by name (RFC 3526's 3072-bit MODP
/// group 15): the client checks that p and (p - 1) / 2 are prime and goes on.
#[test]
fn client_tls12_dhe_any_safe_prime_group() {
    let mut expect = tls12(DHE_RSA_AES_128_GCM_SHA256, "DHE-RSA-AES128-GCM-SHA256");
    expect.key_exchange = ExpectKx::CheckedSafePrime { bits: 3072 };
    let args = ["-tls1_2", "-cipher", expect.openssl_suite, "-dhparam", "dh.pem"];
    our_client_with_dh(tls12_client(), &args, &expect, "group:modp_3072");
}

/// RFC 5114's 2048-bit group with a 224-bit subgroup is not a safe-prime
/// group (and its generator is a 2048-bit number): the client refuses it,
/// and says so.
#[test]
fn client_tls12_dhe_refuses_a_group_that_is_not_a_safe_prime() {
    let dir = Scratch::new("client-dhe-rfc5114");
    dir.write("cert.pem", pem::encode("CERTIFICATE", common::pki().leaf.der()).as_bytes());
    dir.write("key.pem", common::pki().key.to_pkcs8_pem().as_bytes());
    let mut genparam =
        Openssl::spawn(&dir, &["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_rfc5114:2"]);
    assert!(genparam.finish(), "genpkey did not finish\n{}", genparam.describe());
    dir.write("dh.pem", genparam.stdout().as_bytes());
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let args = ["s_server", "-accept", &accept, "-cert", "cert.pem", "-key", "key.pem", "-rev", "-tls1_2"];
    let mut args = args.to_vec();
    args.extend(["-cipher", "DHE-RSA-AES128-GCM-SHA256", "-dhparam", "dh.pem"]);
    let mut server = Openssl::spawn(&dir, &args);
    let listening = wait_until(|| server.stdout().contains("ACCEPT\n") || server.exited());
    assert!(listening && !server.exited(), "s_server did not start listening\n{}", server.describe());
    let result = talk_to(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), Arc::new(tls12_client()));
    let error = result.expect_err("a group that is not a safe prime was accepted");
    assert!(error.contains("the server's DH group is refused"), "{error}\n{}", server.describe());
    println!("interop: our client -> openssl s_server -dhparam RFC 5114 group: refused, as it should be");
}

/// A server that asks for a client certificate (CertificateRequest, RFC 8446
/// §4.3.2, RFC 5246 §7.4.4): our client has none, so it answers with an
/// empty Certificate (and, in TLS 1.3, no CertificateVerify). s_server's
/// `-verify 1` asks and takes no certificate; `-Verify 1` insists, and
/// refuses us with its alert: certificate_required in TLS 1.3 (§4.4.2.4),
/// handshake_failure in TLS 1.2.
#[test]
fn client_answers_a_certificate_request_without_a_certificate() {
    let dir = Scratch::new("client-certificate-request");
    dir.write("cert.pem", pem::encode("CERTIFICATE", common::pki().leaf.der()).as_bytes());
    dir.write("key.pem", common::pki().key.to_pkcs8_pem().as_bytes());
    dir.write("ca.pem", pem::encode("CERTIFICATE", common::pki().ca.der()).as_bytes());
    for (version, config) in [("-tls1_3", common::client_config()), ("-tls1_2", tls12_client())] {
        for (insist, refusal) in [("-verify", None), ("-Verify", Some(version))] {
            let port = free_port();
            let accept = format!("127.0.0.1:{port}");
            let args = ["s_server", "-accept", &accept, "-cert", "cert.pem", "-key", "key.pem", "-rev"];
            let mut args = args.to_vec();
            args.extend([version, insist, "1", "-CAfile", "ca.pem"]);
            let mut server = Openssl::spawn(&dir, &args);
            let listening = wait_until(|| server.stdout().contains("ACCEPT\n") || server.exited());
            assert!(listening && !server.exited(), "s_server did not start listening\n{}", server.describe());
            let result = talk_to(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), Arc::new(config.clone()));
            match refusal {
                None => {
                    let (_, reply) =
                        result.unwrap_or_else(|e| panic!("{version} {insist}: {e}\n{}", server.describe()));
                    assert_eq!(reply, "olleh\n", "{version} {insist}");
                }
                Some(version) => {
                    let error = result.expect_err("s_server -Verify served a client without a certificate");
                    let alert =
                        if version == "-tls1_3" { "certificate_required" } else { "handshake_failure" };
                    assert!(error.contains(alert), "{version} {insist}: {error}\n{}", server.describe());
                }
            }
            println!("interop: our client -> openssl s_server {version} {insist} 1: as expected");
        }
    }
}

#[test]
fn client_tls12_rsa_aes128() {
    let expect = tls12(RSA_AES_128_GCM_SHA256, "AES128-GCM-SHA256");
    our_client(tls12_client(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn client_tls12_rsa_aes256() {
    let expect = tls12(RSA_AES_256_GCM_SHA384, "AES256-GCM-SHA384");
    our_client(tls12_client(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn client_tls13_aes128_x25519() {
    let expect = tls13(TLS13_AES_128_GCM_SHA256, NamedGroup::X25519);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "x25519"];
    our_client(common::client_config(), &args, &expect);
}

#[test]
fn client_tls13_aes256_x25519() {
    let expect = tls13(TLS13_AES_256_GCM_SHA384, NamedGroup::X25519);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "x25519"];
    our_client(common::client_config(), &args, &expect);
}

/// The first group we offer is ffdhe2048, so our first share fits.
#[test]
fn client_tls13_aes128_ffdhe2048() {
    let expect = tls13(TLS13_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "ffdhe2048"];
    our_client(ffdhe2048_client(), &args, &expect);
}

#[test]
fn client_tls13_aes256_ffdhe2048() {
    let expect = tls13(TLS13_AES_256_GCM_SHA384, NamedGroup::Ffdhe2048);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "ffdhe2048"];
    our_client(ffdhe2048_client(), &args, &expect);
}

/// We offer x25519 and ffdhe2048 with only an x25519 share; s_server accepts
/// only ffdhe2048, so it must send us a HelloRetryRequest (RFC 8446 §4.1.4).
#[test]
fn client_tls13_hello_retry_request() {
    let (sink, events) = common::recorder();
    let mut config = common::client_config();
    config.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
    config.key_share_groups = vec![NamedGroup::X25519];
    config.trace = Some(sink);
    let mut expect = tls13(TLS13_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048);
    expect.hello_retry = true;
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "ffdhe2048"];
    our_client(config, &args, &expect);

    let events = events.lock().expect("lock");
    let hellos = events
        .iter()
        .filter(|(side, e)| {
            *side == Side::Client
                && matches!(e, Event::Handshake { sent: true, typ: HandshakeType::ClientHello, .. })
        })
        .count();
    assert_eq!(hellos, 2, "a ClientHello, a HelloRetryRequest, a second ClientHello");
    let note = events.iter().any(|(_, e)| matches!(e, Event::HelloRetryRequest { .. }));
    assert!(note, "our client's trace notes the HelloRetryRequest");
}

/// Our client offering TLS 1.2 only (s_server -tls1_2 would not answer 1.3).
fn tls12_client() -> ClientConfig {
    let mut config = common::client_config();
    config.versions = vec![Tls12];
    config
}

/// Our client preferring ffdhe2048, so its one key share is for ffdhe2048.
fn ffdhe2048_client() -> ClientConfig {
    let mut config = common::client_config();
    config.groups = vec![NamedGroup::Ffdhe2048, NamedGroup::X25519];
    config.key_share_groups = vec![NamedGroup::Ffdhe2048];
    config
}

/// Runs our client against `openssl s_server -rev <args>`: we send "hello",
/// s_server answers "olleh", we close.
fn our_client(config: ClientConfig, s_server_args: &[&str], expect: &Expect) {
    our_client_with_dh(config, s_server_args, expect, "group:ffdhe2048");
}

/// [`our_client`] with `-dhparam dh.pem` made by `genpkey -pkeyopt dh_pkeyopt`.
fn our_client_with_dh(config: ClientConfig, s_server_args: &[&str], expect: &Expect, dh_pkeyopt: &str) {
    our_client_with(config, &Identity::rsa(), s_server_args, expect, dh_pkeyopt);
}

/// [`our_client`] against an s_server holding `identity`'s chain and key.
fn our_client_with(
    config: ClientConfig,
    identity: &Identity,
    s_server_args: &[&str],
    expect: &Expect,
    dh_pkeyopt: &str,
) {
    let mut label = label(s_server_args, expect);
    if dh_pkeyopt != "group:ffdhe2048" {
        label = label.replace("ffdhe2048", dh_pkeyopt);
    }
    if expect.suite.kx == Some(KeyExchangeAlgorithm::Dhe) && !s_server_args.contains(&"-dhparam") {
        label += " (OpenSSL's default DH group)";
    }
    let dir = Scratch::new(&format!("client-{label}"));
    let (leaf, intermediates) = identity.chain.split_first().expect("a chain");
    dir.write("cert.pem", pem::encode("CERTIFICATE", leaf.der()).as_bytes());
    dir.write("key.pem", identity.key_pem.as_bytes());
    let chain: String = intermediates.iter().map(|c| pem::encode("CERTIFICATE", c.der())).collect();
    dir.write("chain.pem", chain.as_bytes());
    if s_server_args.contains(&"dh.pem") {
        // RFC 7919's ffdhe2048, as DHParameter PEM.
        let mut genparam =
            Openssl::spawn(&dir, &["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", dh_pkeyopt]);
        assert!(genparam.finish(), "genpkey did not finish\n{}", genparam.describe());
        assert!(genparam.stdout().starts_with("-----BEGIN DH PARAMETERS-----"), "{}", genparam.describe());
        dir.write("dh.pem", genparam.stdout().as_bytes());
    }

    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let mut args = vec!["s_server", "-accept", &accept, "-cert", "cert.pem", "-key", "key.pem", "-rev"];
    if !intermediates.is_empty() {
        args.extend(["-cert_chain", "chain.pem"]);
    }
    args.extend(s_server_args);
    let mut server = Openssl::spawn(&dir, &args);
    let listening = wait_until(|| server.stdout().contains("ACCEPT\n") || server.exited());
    assert!(listening && !server.exited(), "s_server did not start listening\n{}", server.describe());

    let (config, events) = with_recorder(config);
    let result = talk_to(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), Arc::new(config));
    // s_server prints the connection summary (or its error) to stderr
    // before echoing.
    let summary = format!("Ciphersuite: {}", expect.openssl_suite);
    wait_until(|| {
        let stderr = server.stderr();
        stderr.contains(&summary) || stderr.contains("CONNECTION FAILURE") || stderr.contains(":error:")
    });
    let report = format!("our client -> openssl s_server {label}\n{}", server.describe());
    let (negotiated, reply) = result.unwrap_or_else(|e| panic!("our client failed: {e}\n\n{report}"));
    assert_eq!(reply, "olleh\n", "{report}");
    check_negotiated(&negotiated, expect, &report);
    check_hello_retry(&events, expect, &report);
    let stderr = server.stderr();
    for line in [format!("Protocol version: {}", openssl_version(expect.version)), summary] {
        assert!(stderr.lines().any(|l| l == line), "s_server did not say {line:?}\n{report}");
    }
    println!("interop: our client -> openssl s_server {label}: ok");
}

/// `config` with a recorder of its trace events, beside any sink it had.
fn with_recorder(mut config: ClientConfig) -> (ClientConfig, common::Events) {
    let (recorder, events) = common::recorder();
    let earlier = config.trace.take();
    config.trace = Some(Arc::new(move |side, event: &Event| {
        recorder(side, event);
        if let Some(earlier) = &earlier {
            earlier(side, event);
        }
    }));
    (config, events)
}

/// Asserts our client's trace has a HelloRetryRequest, asking for the
/// negotiated group, exactly when `expect` says one comes.
fn check_hello_retry(events: &common::Events, expect: &Expect, report: &str) {
    let events = events.lock().expect("lock");
    let asked: Vec<Option<NamedGroup>> = (events.iter())
        .filter_map(|(_, e)| match e {
            Event::HelloRetryRequest { group } => Some(*group),
            _ => None,
        })
        .collect();
    let expected = if expect.hello_retry { vec![expect.key_exchange.named_group()] } else { Vec::new() };
    assert_eq!(asked, expected, "the HelloRetryRequests in our client's trace\n{report}");
}

/// Our client's side: handshake, "hello" out, a line back, close_notify.
fn talk_to(address: SocketAddr, config: Arc<ClientConfig>) -> Result<(Negotiated, String), String> {
    let tcp = TcpStream::connect_timeout(&address, TIMEOUT).map_err(|e| format!("connecting: {e}"))?;
    set_timeouts(&tcp).map_err(|e| format!("socket timeouts: {e}"))?;
    let conn = Connection::client(config, common::rng(SEED)).map_err(|e| format!("configuration: {e}"))?;
    let mut tls = Stream::new(conn, tcp);
    tls.handshake().map_err(|e| format!("handshake: {e} ({e:?})"))?;
    let negotiated =
        tls.connection().negotiated().cloned().ok_or("nothing negotiated after the handshake")?;
    tls.write_all(b"hello\n").map_err(|e| format!("writing: {e}"))?;
    let reply = read_line(&mut tls).map_err(|e| format!("reading the reply: {e}"))?;
    tls.close().map_err(|e| format!("sending close_notify: {e}"))?;
    Ok((negotiated, reply))
}

/// A port that was free a moment ago (s_server has to bind it itself).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding a port");
    listener.local_addr().expect("bound address").port()
}

// ---------------------------------------------------------------------------
// Shared by both halves.

/// The matrix label: version, OpenSSL's suite name, the groups asked for,
/// and how the DH group was chosen.
fn label(args: &[&str], expect: &Expect) -> String {
    let mut label = format!("{} {}", openssl_version(expect.version).replace('v', ""), expect.openssl_suite);
    for (flag, value) in args.iter().zip(args.iter().skip(1)) {
        match *flag {
            "-groups" => label += &format!(" {value}"),
            "-dhparam" => label += " -dhparam ffdhe2048",
            _ => {}
        }
    }
    if let (true, Some(group)) = (expect.hello_retry, expect.key_exchange.named_group()) {
        label += &format!(" (HelloRetryRequest to {})", group.name());
    }
    label
}

/// Asserts our side negotiated what `expect` says.
fn check_negotiated(negotiated: &Negotiated, expect: &Expect, report: &str) {
    assert_eq!(negotiated.version, expect.version, "{report}");
    assert_eq!(negotiated.suite, expect.suite, "{report}");
    let key_exchange = negotiated.key_exchange;
    assert!(
        expect.key_exchange.matches(key_exchange),
        "{key_exchange:?}, not {:?}\n{report}",
        expect.key_exchange
    );
}

/// OpenSSL's name for a version ("TLSv1.2").
fn openssl_version(version: ProtocolVersion) -> &'static str {
    if version == Tls13 { "TLSv1.3" } else { "TLSv1.2" }
}

/// Bounds every read and write on the socket.
fn set_timeouts(tcp: &TcpStream) -> io::Result<()> {
    tcp.set_read_timeout(Some(TIMEOUT))?;
    tcp.set_write_timeout(Some(TIMEOUT))
}

/// Reads up to and including a newline.
fn read_line(reader: &mut impl Read) -> io::Result<String> {
    let mut line = Vec::new();
    let mut buffer = [0u8; 256];
    while !line.contains(&b'\n') {
        let n = reader.read(&mut buffer)?;
        if n == 0 || line.len() > 4096 {
            let so_far = String::from_utf8_lossy(&line);
            return Err(io::Error::other(format!("no whole line; got {so_far:?}")));
        }
        line.extend_from_slice(&buffer[..n]);
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Polls `done` until it holds or [`TIMEOUT`] passes; returns whether it held.
fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + TIMEOUT;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        thread::sleep(Duration::from_millis(5));
    }
    done()
}

/// A running `openssl` command whose output two threads collect. Dropping
/// it kills the process, whatever path the test took.
struct Openssl {
    args: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    collectors: Vec<thread::JoinHandle<()>>,
}

impl Openssl {
    fn spawn(dir: &Scratch, args: &[&str]) -> Openssl {
        // An interactive child (s_client, s_server), so padlock_testkit::run,
        // which waits for the end, does not fit; its message for a missing
        // program does.
        let mut command = Command::new("openssl");
        command.args(args).current_dir(&dir.path);
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("{}", padlock_testkit::not_started(&command, &error)));
        let stdin = child.stdin.take();
        let (stdout, out_collector) = collect(child.stdout.take().expect("piped stdout"));
        let (stderr, err_collector) = collect(child.stderr.take().expect("piped stderr"));
        let collectors = vec![out_collector, err_collector];
        Openssl { args: args.join(" "), child, stdin, stdout, stderr, collectors }
    }

    fn send(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin.write_all(bytes).and_then(|()| stdin.flush()).expect("writing to openssl's stdin");
    }

    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Waits (bounded) for the process to exit and for all its output to be
    /// collected; returns whether it exited.
    fn finish(&mut self) -> bool {
        self.close_stdin();
        if !wait_until(|| self.exited()) {
            return false;
        }
        // The pipes are at end of file now, so the collectors end.
        for collector in self.collectors.drain(..) {
            let _ = collector.join();
        }
        true
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().expect("lock")).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().expect("lock")).into_owned()
    }

    /// The command and its output so far, for a failure message.
    fn describe(&self) -> String {
        format!("openssl {}\n--- stdout\n{}--- stderr\n{}---", self.args, self.stdout(), self.stderr())
    }
}

impl Drop for Openssl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies everything `pipe` gives into a shared buffer, on a thread.
fn collect(mut pipe: impl Read + Send + 'static) -> (Arc<Mutex<Vec<u8>>>, thread::JoinHandle<()>) {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = buffer.clone();
    let collector = thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut chunk) {
            sink.lock().expect("lock").extend_from_slice(&chunk[..n]);
        }
    });
    (buffer, collector)
}

// ---------------------------------------------------------------------------
// C. Elliptic curves, ECDSA certificates and ChaCha20-Poly1305, both ways.

/// A server's certificate chain (leaf first), its key as PKCS #8 PEM, and
/// the root that issued it.
struct Identity {
    root: padlock_x509::Certificate,
    chain: Vec<padlock_x509::Certificate>,
    key_pem: String,
    key: padlock_tls::SigningKey,
}

impl Identity {
    /// The RSA test PKI.
    fn rsa() -> Identity {
        let pki = common::pki();
        Identity {
            root: pki.ca.clone(),
            chain: vec![pki.leaf.clone()],
            key_pem: pki.key.to_pkcs8_pem().to_string(),
            key: pki.key.clone().into(),
        }
    }

    /// The shape of many web servers' chains: a P-256 ECDSA leaf for
    /// localhost, under a P-384 ECDSA intermediate, under an RSA-2048 root.
    fn ecdsa_chain() -> &'static Identity {
        use padlock_ec::{Curve, EcPrivateKey};
        use padlock_x509::{CertificateBuilder, SigningScheme};
        use rand::SeedableRng;
        static IDENTITY: std::sync::OnceLock<Identity> = std::sync::OnceLock::new();
        IDENTITY.get_or_init(|| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(0xec_c4a1);
            let not_before = common::not_before();
            let root_key =
                padlock_rsa::RsaPrivateKey::generate(2048, &mut rng, &mut |_| {}).expect("RSA root key");
            let root = CertificateBuilder::ca("Padlock test RSA root", not_before)
                .self_signed(&root_key, &mut rng)
                .expect("root");
            let inter_key = EcPrivateKey::generate(Curve::P384, &mut rng);
            let inter = CertificateBuilder::ca("Padlock test P-384 intermediate", not_before)
                .signed_by(inter_key.public_key(), &root, &root_key, &mut rng)
                .expect("intermediate");
            let leaf_key = EcPrivateKey::generate(Curve::P256, &mut rng);
            let mut leaf = CertificateBuilder::leaf("localhost", not_before);
            leaf.dns_names = vec!["localhost".into()];
            leaf.ip_addresses = vec![std::net::IpAddr::V4(Ipv4Addr::LOCALHOST)];
            leaf.scheme = SigningScheme::EcdsaSha384;
            let leaf = leaf.signed_by(leaf_key.public_key(), &inter, &inter_key, &mut rng).expect("leaf");
            let key_pem = leaf_key.to_pkcs8_pem().to_string();
            Identity { root, chain: vec![leaf, inter], key_pem, key: Arc::new(leaf_key).into() }
        })
    }

    /// A server config presenting this identity.
    fn server_config(&self) -> ServerConfig {
        ServerConfig::new(self.chain.clone(), self.key.clone())
    }
}

/// Our client trusting the ECDSA chain's RSA root.
fn ecdsa_chain_client() -> ClientConfig {
    let mut config = common::client_config();
    config.trust_anchors = vec![Identity::ecdsa_chain().root.clone()];
    config
}

const TEMP_P256: Option<&str> = Some("Server Temp Key: ECDH, prime256v1, 256 bits");
const TEMP_P384: Option<&str> = Some("Server Temp Key: ECDH, secp384r1, 384 bits");

/// A TLS 1.3 expectation in an elliptic-curve group.
fn tls13_ec(suite: CipherSuite, group: NamedGroup) -> Expect {
    let temp_key = match group {
        NamedGroup::Secp256r1 => TEMP_P256,
        NamedGroup::Secp384r1 => TEMP_P384,
        _ => TEMP_X25519,
    };
    Expect { temp_key, ..tls13(suite, group) }
}

#[test]
fn server_tls13_ecdsa_chain_p256_group() {
    let identity = Identity::ecdsa_chain();
    let expect = tls13_ec(TLS13_AES_128_GCM_SHA256, NamedGroup::Secp256r1);
    our_server_for(identity.server_config(), &identity.root, &["-tls1_3", "-groups", "P-256"], &expect);
}

#[test]
fn server_tls13_ecdsa_chain_p384_group() {
    let identity = Identity::ecdsa_chain();
    let expect = tls13_ec(TLS13_AES_256_GCM_SHA384, NamedGroup::Secp384r1);
    let args = ["-tls1_3", "-ciphersuites", expect.openssl_suite, "-groups", "P-384"];
    our_server_for(identity.server_config(), &identity.root, &args, &expect);
}

#[test]
fn server_tls12_ecdhe_ecdsa() {
    let identity = Identity::ecdsa_chain();
    let mut expect = tls12(ECDHE_ECDSA_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256");
    (expect.key_exchange, expect.temp_key) =
        (ExpectKx::Is(KeyExchange::Named(NamedGroup::Secp256r1)), TEMP_P256);
    let args = ["-tls1_2", "-cipher", expect.openssl_suite, "-groups", "P-256"];
    our_server_for(identity.server_config(), &identity.root, &args, &expect);
}

#[test]
fn server_tls13_chacha20() {
    let expect = tls13(TLS13_CHACHA20_POLY1305_SHA256, NamedGroup::X25519);
    our_server(common::server_config(), &["-tls1_3", "-ciphersuites", expect.openssl_suite], &expect);
}

#[test]
fn server_tls12_ecdhe_rsa_chacha20() {
    let expect = tls12(ECDHE_RSA_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305");
    our_server(common::server_config(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn server_tls12_ecdhe_ecdsa_chacha20() {
    let identity = Identity::ecdsa_chain();
    let expect = tls12(ECDHE_ECDSA_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305");
    let args = ["-tls1_2", "-cipher", expect.openssl_suite];
    our_server_for(identity.server_config(), &identity.root, &args, &expect);
}

/// Our client sends key shares for X25519MLKEM768 and x25519 only, so an
/// s_server that takes P-256 (or P-384) alone answers with a
/// HelloRetryRequest for it (RFC 8446 §4.1.4), which the trace must show.
#[test]
fn client_tls13_ecdsa_chain_p256_group() {
    let mut expect = tls13_ec(TLS13_AES_128_GCM_SHA256, NamedGroup::Secp256r1);
    expect.hello_retry = true;
    let args = ["-tls1_3", "-groups", "P-256"];
    our_client_with(ecdsa_chain_client(), Identity::ecdsa_chain(), &args, &expect, "group:ffdhe2048");
}

#[test]
fn client_tls13_ecdsa_chain_p384_group() {
    let mut expect = tls13_ec(TLS13_AES_128_GCM_SHA256, NamedGroup::Secp384r1);
    expect.hello_retry = true;
    let args = ["-tls1_3", "-groups", "P-384"];
    our_client_with(ecdsa_chain_client(), Identity::ecdsa_chain(), &args, &expect, "group:ffdhe2048");
}

#[test]
fn client_tls12_ecdhe_ecdsa_p256() {
    let mut expect = tls12(ECDHE_ECDSA_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256");
    expect.key_exchange = ExpectKx::Is(KeyExchange::Named(NamedGroup::Secp256r1));
    let mut config = ecdsa_chain_client();
    config.versions = vec![Tls12];
    let args = ["-tls1_2", "-cipher", expect.openssl_suite, "-groups", "P-256"];
    our_client_with(config, Identity::ecdsa_chain(), &args, &expect, "group:ffdhe2048");
}

#[test]
fn client_tls12_ecdhe_ecdsa_p384() {
    let mut expect = tls12(ECDHE_ECDSA_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384");
    expect.key_exchange = ExpectKx::Is(KeyExchange::Named(NamedGroup::Secp384r1));
    let mut config = ecdsa_chain_client();
    config.versions = vec![Tls12];
    let args = ["-tls1_2", "-cipher", expect.openssl_suite, "-groups", "P-384"];
    our_client_with(config, Identity::ecdsa_chain(), &args, &expect, "group:ffdhe2048");
}

#[test]
fn client_tls13_chacha20() {
    let expect = tls13(TLS13_CHACHA20_POLY1305_SHA256, NamedGroup::X25519);
    our_client(common::client_config(), &["-tls1_3", "-ciphersuites", expect.openssl_suite], &expect);
}

#[test]
fn client_tls12_ecdhe_rsa_chacha20() {
    let expect = tls12(ECDHE_RSA_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305");
    our_client(tls12_client(), &["-tls1_2", "-cipher", expect.openssl_suite], &expect);
}

#[test]
fn client_tls12_ecdhe_ecdsa_chacha20() {
    let expect = tls12(ECDHE_ECDSA_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305");
    let mut config = ecdsa_chain_client();
    config.versions = vec![Tls12];
    let args = ["-tls1_2", "-cipher", expect.openssl_suite];
    our_client_with(config, Identity::ecdsa_chain(), &args, &expect, "group:ffdhe2048");
}
