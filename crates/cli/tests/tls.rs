//! `padlock server` and `padlock client` over real TCP on 127.0.0.1, with
//! each other and with the world: curl against our server for every suite,
//! our client against `openssl s_server`, and the failures a user meets
//! (an unknown CA, a plain-HTTP visitor, a bad URL, a refused connection).
//!
//! Every server listens on port 0 with `--exit-after`, every child
//! process is killed when its guard drops (on every path, panics too), and
//! every wait is bounded, so a broken handshake fails a test instead of
//! hanging it.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    Guard, Scratch, Server, TIMEOUT, client, describe, openssl, other_ca, port_of, run_bounded, self_signed,
    success,
};

#[test]
fn padlock_client_and_server_speak_both_versions() {
    let dir = Scratch::new("both-versions");
    let server = Server::start(&dir, 3, &[]);
    // TLS 1.3 negotiates the post-quantum hybrid by default; TLS 1.2 has
    // no hybrid, so x25519, our first curve.
    for (version, suite, group) in [
        ("1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "x25519"),
        ("1.3", "TLS_AES_128_GCM_SHA256", "X25519MLKEM768"),
    ] {
        let output = client(&dir, &["--ca", "ca.pem", "--tls", version, &server.url("/page")]);
        let body = success(&output);
        assert!(body.contains(&format!("Version: TLS {version}")), "{}", describe(&output));
        assert!(body.contains(suite) && body.contains("<code>/page</code>"), "{}", describe(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("TLS {version}, {suite}, group {group}")), "{}", describe(&output));
    }
    // A chosen suite and finite-field group, by IP address (the certificate names 127.0.0.1 too).
    let url = format!("https://127.0.0.1:{}/", server.port);
    let suite = "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384";
    let output =
        client(&dir, &["--ca", "ca.pem", "--tls", "1.2", "--suite", suite, "--group", "ffdhe2048", &url]);
    let body = success(&output);
    assert!(body.contains(suite) && body.contains("Key exchange group: ffdhe2048"), "{}", describe(&output));
}

#[test]
fn curl_gets_every_suite_from_padlock_server() {
    let dir = Scratch::new("curl");
    let tls12 = [
        ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
        ("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
        ("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
        ("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
        ("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
        ("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
        ("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    ];
    let tls13 = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"];
    let server = Server::start(&dir, 10, &[]);
    let url = server.url("/");
    let curl = |args: &[&str]| {
        let mut command = Command::new("curl");
        command.current_dir(&dir.path).args(["--silent", "--show-error", "--max-time", "20"]);
        command.args(["--cacert", "ca.pem"]).args(args).arg(&url);
        run_bounded(command, TIMEOUT)
    };
    for (openssl_name, iana_name) in tls12 {
        let output = curl(&["--tlsv1.2", "--tls-max", "1.2", "--ciphers", openssl_name]);
        let body = success(&output);
        assert!(
            body.contains("Version: TLS 1.2") && body.contains(iana_name),
            "{openssl_name}: {}",
            describe(&output)
        );
    }
    for name in tls13 {
        let output = curl(&["--tlsv1.3", "--tls13-ciphers", name]);
        let body = success(&output);
        assert!(body.contains("Version: TLS 1.3") && body.contains(name), "{name}: {}", describe(&output));
    }
}

/// Python's `ssl` module (OpenSSL underneath, but its own defaults: a
/// different ClientHello) fetches a page over both versions.
#[test]
fn python_ssl_gets_a_page_from_padlock_server() {
    let dir = Scratch::new("python");
    let server = Server::start(&dir, 2, &[]);
    let script = r#"
import socket, ssl, sys
port = int(sys.argv[1])
for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
    context = ssl.create_default_context(cafile="ca.pem")
    context.minimum_version = context.maximum_version = version
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"GET /py HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
            print(tls.version(), tls.cipher()[0], data.split(b"\r\n")[0].decode())
"#;
    let mut command = Command::new("python3");
    command.current_dir(&dir.path).args(["-c", script, &server.port.to_string()]);
    let output = run_bounded(command, TIMEOUT);
    let text = success(&output);
    assert!(text.contains("TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 HTTP/1.1 200 OK"), "{}", describe(&output));
    assert!(text.contains("TLSv1.3 TLS_AES_128_GCM_SHA256 HTTP/1.1 200 OK"), "{}", describe(&output));
}

#[test]
fn padlock_client_reads_openssl_s_server() {
    let dir = Scratch::new("s-server");
    self_signed(&dir, "/CN=localhost", Some("DNS:localhost"), "key.pem", "cert.pem");
    for (flag, version) in [("-tls1_3", "TLS 1.3"), ("-tls1_2", "TLS 1.2")] {
        let mut command = Command::new("openssl");
        command.current_dir(&dir.path);
        command.args(["s_server", "-accept", "0", "-www", flag, "-cert", "cert.pem", "-key", "key.pem"]);
        // s_server prints `ACCEPT [::]:PORT` on standard output once it listens.
        let server = Guard::spawn(command, false);
        let port = port_of(&server.wait_for("ACCEPT"));
        let output = client(&dir, &["--ca", "cert.pem", &format!("https://localhost:{port}/")]);
        let body = success(&output);
        assert!(body.contains("Ciphers supported in s_server binary"), "{flag}: {}", describe(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(version), "{flag}: {}", describe(&output));
    }
}

#[test]
fn unknown_ca_is_refused_with_a_clear_message() {
    let dir = Scratch::new("unknown-ca");
    other_ca(&dir);
    let server = Server::start(&dir, 2, &[]);
    for version in ["1.2", "1.3"] {
        let output = client(&dir, &["--ca", "other.pem", "--tls", version, &server.url("/")]);
        assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("padlock: ") && stderr.contains("certificate"), "{}", describe(&output));
        assert!(stderr.lines().next().is_some_and(|l| l.contains("unknown CA")), "{}", describe(&output));
        // The explanation follows, indented under the one-line summary.
        assert!(stderr.lines().skip(1).all(|l| l.starts_with("  ")), "{}", describe(&output));
        assert!(stderr.contains("\n  certificate: CN=localhost, issued by"), "{}", describe(&output));
        assert!(output.stdout.is_empty(), "{}", describe(&output));
        // The server logs the failure in one line and goes on.
        let line = server.guard.wait_for("handshake failed");
        if version == "1.2" {
            assert!(line.contains("unknown_ca"), "{line}");
        }
    }
}

/// The TLS 1.3 half of the test above, for the server's side: the client's
/// unknown_ca alert should reach the server as that alert.
#[test]
fn server_hears_the_tls13_unknown_ca_alert() {
    let dir = Scratch::new("unknown-ca-13");
    other_ca(&dir);
    let server = Server::start(&dir, 1, &[]);
    let output = client(&dir, &["--ca", "other.pem", "--tls", "1.3", &server.url("/")]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let line = server.guard.wait_for("handshake failed");
    assert!(line.contains("unknown_ca"), "{line}");
}

#[test]
fn plain_http_visitor_does_not_stop_the_server() {
    let dir = Scratch::new("plain-http");
    let server = Server::start(&dir, 101, &[]);
    let mut socket = TcpStream::connect(("127.0.0.1", server.port)).expect("connecting");
    socket.set_read_timeout(Some(TIMEOUT)).expect("setting a timeout");
    socket.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("sending plain HTTP");
    // The server answers with an alert record (content type 21) and closes.
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer);
    assert_eq!(answer.first(), Some(&21), "{answer:02x?}");
    let line = server.guard.wait_for("handshake failed");
    assert!(line.starts_with("padlock: 127.0.0.1:"), "{line}");

    // 99 more hostile visitors: garbage records, a truncated ClientHello,
    // an oversized record header, or a connection closed at once.
    let garbage: [&[u8]; 4] = [
        &[22, 3, 3, 0, 6, 1, 0, 0, 2, 3, 3],
        &[22, 3, 1, 0, 200, 1, 0, 0, 196, 3, 3],
        &[22, 3, 3, 0x48, 1],
        &[],
    ];
    for i in 0..99 {
        let mut socket = TcpStream::connect(("127.0.0.1", server.port)).expect("connecting");
        socket.set_read_timeout(Some(TIMEOUT)).expect("setting a timeout");
        let _ = socket.write_all(garbage[i % garbage.len()]);
        let _ = socket.shutdown(std::net::Shutdown::Write);
        let _ = socket.read_to_end(&mut Vec::new());
    }

    // The 101st connection is a real client, and it is served.
    let output = client(&dir, &["--ca", "ca.pem", &server.url("/")]);
    assert!(success(&output).contains("Hello from padlock"), "{}", describe(&output));
}

#[test]
fn keylog_files_have_the_secrets_of_each_version() {
    let dir = Scratch::new("keylog");
    let server = Server::start(&dir, 2, &["--keylog", "server-keys.txt"]);
    let output =
        client(&dir, &["--ca", "ca.pem", "--tls", "1.2", "--keylog", "keys12.txt", &server.url("/")]);
    success(&output);
    let output =
        client(&dir, &["--ca", "ca.pem", "--tls", "1.3", "--keylog", "keys13.txt", &server.url("/")]);
    success(&output);
    let text = |name: &str| String::from_utf8_lossy(&dir.read(name)).into_owned();
    // NSS key log format: `LABEL <client random hex> <secret hex>`.
    let keys12 = text("keys12.txt");
    assert!(keys12.lines().any(|l| l.starts_with("CLIENT_RANDOM ") && l.split(' ').count() == 3), "{keys12}");
    let keys13 = text("keys13.txt");
    for label in ["CLIENT_TRAFFIC_SECRET_0 ", "SERVER_TRAFFIC_SECRET_0 ", "CLIENT_HANDSHAKE_TRAFFIC_SECRET "]
    {
        assert!(keys13.lines().any(|l| l.starts_with(label)), "{label}: {keys13}");
    }
    // The server logged the same secrets, before it sent the responses.
    let server_keys = text("server-keys.txt");
    for line in keys12.lines().chain(keys13.lines()) {
        assert!(server_keys.contains(line), "{line} not in the server's log:\n{server_keys}");
    }
}

#[test]
fn client_failures_are_one_line() {
    let dir = Scratch::new("client-failures");
    // Find a port nobody listens on: bind one, then let it go.
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let cases: [(&[&str], &str); 3] = [
        (&["--insecure", "http://localhost/"], "not an https:// URL"),
        (&["--insecure", "https://localhost:99999/"], "bad port"),
        (&["--insecure", &format!("https://127.0.0.1:{port}/")], "Connection refused"),
    ];
    for (args, expected) in cases {
        let output = client(&dir, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", describe(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("padlock: ") && stderr.contains(expected),
            "{args:?}: {}",
            describe(&output)
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {}", describe(&output));
    }
}

#[test]
fn a_silent_client_does_not_hold_up_the_others() {
    let dir = Scratch::new("silent");
    let server = Server::start(&dir, 2, &[]);
    // Connects and says nothing: its thread waits (until the 10 s timeout),
    // while the next client is served at once.
    let silent = TcpStream::connect(("127.0.0.1", server.port)).expect("connecting");
    let started = Instant::now();
    let output = client(&dir, &["--ca", "ca.pem", &server.url("/")]);
    assert!(success(&output).contains("Hello from padlock"), "{}", describe(&output));
    assert!(started.elapsed() < Duration::from_secs(5), "served only after {:?}", started.elapsed());
    drop(silent);
}

/// A certificate's names are the server's to choose: an ESC or CR in them
/// must reach the client's terminal escaped, not as a control character.
#[test]
fn certificate_names_are_escaped_in_the_client_output() {
    let dir = Scratch::new("escaped-names");
    let subject = "/CN=evil\x1b]0;owned\x07\x1b[2J\rX";
    self_signed(&dir, subject, Some("DNS:localhost"), "key.pem", "cert.pem");
    other_ca(&dir);
    let server = Server::start(&dir, 1, &["--cert", "cert.pem", "--key", "key.pem"]);
    let output = client(&dir, &["--ca", "other.pem", &server.url("/")]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown issuer 'CN=evil\\x1b]0\\;owned\\x07\\x1b[2J\\rX'"), "{stderr:?}");
    // The explanation's lines quote the subject too, escaped the same way.
    assert!(
        stderr.contains("certificate: CN=evil\\x1b]0\\;owned\\x07\\x1b[2J\\rX, self-signed"),
        "{stderr:?}"
    );
    assert!(!stderr.chars().any(|c| c.is_control() && c != '\n'), "{stderr:?}");
    assert!(stderr.lines().skip(1).all(|l| l.starts_with("  ")), "{stderr:?}");
}

/// `padlock server --throwaway both` holds an RSA and an ECDSA certificate:
/// curl gets the ECDSA one in each version (with the ECDHE_ECDSA suites in
/// TLS 1.2), and `openssl s_client` offering only RSA signatures gets the
/// RSA one.
#[test]
fn curl_and_openssl_get_the_certificate_they_can_verify() {
    let dir = Scratch::new("ecdsa");
    let server = Server::start(&dir, 6, &["--throwaway", "both"]);
    let url = server.url("/");
    let curl = |args: &[&str]| {
        let mut command = Command::new("curl");
        command.current_dir(&dir.path).args(["--silent", "--show-error", "--max-time", "20"]);
        command.args(["--cacert", "ca.pem"]).args(args).arg(&url);
        run_bounded(command, TIMEOUT)
    };
    for (args, suite) in [
        (&["--tlsv1.3"][..], "TLS_AES_128_GCM_SHA256"),
        (
            &["--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384"][..],
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        ),
        (
            &["--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305"][..],
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        ),
    ] {
        let output = curl(args);
        let body = success(&output);
        assert!(body.contains(suite), "{args:?}: {}", describe(&output));
    }
    let port = server.port.to_string();
    for (sigalgs, peer_type) in [("ecdsa_secp256r1_sha256", "ECDSA"), ("rsa_pss_rsae_sha256", "RSA-PSS")] {
        let mut command = Command::new("openssl");
        command.current_dir(&dir.path).args(["s_client", "-connect", &format!("127.0.0.1:{port}")]);
        command.args(["-servername", "localhost", "-CAfile", "ca.pem", "-verify_return_error", "-brief"]);
        command.args(["-sigalgs", sigalgs]).stdin(std::process::Stdio::null());
        let output = run_bounded(command, TIMEOUT);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("Verification: OK"), "{sigalgs}: {}", describe(&output));
        assert!(
            stderr.lines().any(|line| line == format!("Signature type: {peer_type}")),
            "{sigalgs}: {}",
            describe(&output)
        );
    }
}

/// An EC key and certificate made by OpenSSL serve with `--cert`/`--key`,
/// and our client trusts it by `--ca`.
#[test]
fn padlock_server_with_an_openssl_ec_certificate() {
    let dir = Scratch::new("openssl-ec");
    let mut command = Command::new("openssl");
    command.current_dir(&dir.path).args([
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
    ]);
    command.args(["-nodes", "-keyout", "ec.key", "-out", "ec.pem", "-days", "2", "-subj", "/CN=localhost"]);
    command.args([
        "-addext",
        "subjectAltName=DNS:localhost",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
    ]);
    padlock_testkit::run_ok(&mut command);
    let server = Server::start(&dir, 1, &["--cert", "ec.pem", "--key", "ec.key"]);
    let output = client(&dir, &["--ca", "ec.pem", &server.url("/")]);
    let body = success(&output);
    assert!(body.contains("Version: TLS 1.3"), "{}", describe(&output));
}

/// `padlock server` given an RSA and an ECDSA (P-256) certificate from
/// files, `--cert`/`--key` twice, in either order: a client that verifies
/// only ECDSA gets the ECDSA certificate and a client that verifies only
/// RSA-PSS gets the RSA one, in both versions (in TLS 1.2 through the
/// ECDHE_ECDSA or ECDHE_RSA suites). The two certificates are self-signed
/// with different subjects, so each client sees which one came: trusting
/// it, the client connects; trusting the other, it is refused with a
/// message naming the certificate it was shown. `openssl s_client` with
/// `-sigalgs` prints the subject of what it got.
#[test]
fn padlock_server_with_rsa_and_ecdsa_certificate_files() {
    let dir = Scratch::new("two-cert-files");
    self_signed(&dir, "/O=Padlock RSA/CN=localhost", Some("DNS:localhost"), "rsa.key", "rsa.pem");
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ec.key",
            "-out",
            "ec.pem",
            "-days",
            "2",
            "-subj",
            "/O=Padlock ECDSA/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ],
    );
    let rsa = ["--cert", "rsa.pem", "--key", "rsa.key"];
    let ec = ["--cert", "ec.pem", "--key", "ec.key"];
    for order in [[rsa, ec].concat(), [ec, rsa].concat()] {
        // 8 padlock clients (half of them refused) and 2 s_clients.
        let server = Server::start(&dir, 10, &order);
        let cases = [
            ("ecdsa_secp256r1_sha256", "ec.pem", "rsa.pem", "Padlock ECDSA", "ECDSA"),
            ("rsa_pss_rsae_sha256", "rsa.pem", "ec.pem", "Padlock RSA", "RSA"),
        ];
        for (sigalg, right_ca, wrong_ca, presented, suite_kind) in cases {
            for version in ["1.3", "1.2"] {
                let what = format!("{order:?}, TLS {version}, {sigalg}");
                let args = ["--tls", version, "--sigalgs", sigalg];
                let output = client(&dir, &[&["--ca", right_ca][..], &args, &[&server.url("/")]].concat());
                success(&output);
                let stderr = String::from_utf8_lossy(&output.stderr);
                if version == "1.2" {
                    let suite = format!("TLS_ECDHE_{suite_kind}_WITH_");
                    assert!(stderr.contains(&suite), "{what}: {}", describe(&output));
                }
                let output = client(&dir, &[&["--ca", wrong_ca][..], &args, &[&server.url("/")]].concat());
                assert_eq!(output.status.code(), Some(1), "{what}: {}", describe(&output));
                let stderr = String::from_utf8_lossy(&output.stderr);
                let line = stderr.lines().find(|l| l.contains("certificate: ")).unwrap_or_default();
                assert!(line.contains(presented), "{what}: {}", describe(&output));
            }
            let mut command = Command::new("openssl");
            command.current_dir(&dir.path);
            command.args(["s_client", "-connect", &format!("127.0.0.1:{}", server.port)]);
            command.args(["-servername", "localhost", "-CAfile", right_ca, "-verify_return_error", "-brief"]);
            command.args(["-sigalgs", sigalg]);
            let output = run_bounded(command, TIMEOUT);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("Verification: OK"), "{order:?} {sigalg}: {}", describe(&output));
            let peer = stderr.lines().find(|l| l.starts_with("Peer certificate: ")).unwrap_or_default();
            assert!(peer.contains(presented), "{order:?} {sigalg}: {}", describe(&output));
        }
    }
}
