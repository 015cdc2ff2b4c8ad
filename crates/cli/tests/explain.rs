//! Failed handshakes explained, over real sockets on 127.0.0.1: `padlock
//! client` against `padlock server` or `openssl s_server` set up to refuse
//! it, one way each — no common group, no common cipher suite, no common
//! signature scheme, an unknown CA, a wrong name, an expired certificate —
//! and the key facts of each explanation pinned: what we offered, the
//! likely missing piece (and with `--explain`, what the follow-up
//! handshakes found), which certificate failed which check, what to do.
//! The server's side of the same failures is one escaped log line saying
//! what the client offered against what it accepts; `padlock load` reports
//! the same summary as its first error.
//!
//! Every server listens on port 0 with `--exit-after` (or is killed by its
//! guard), and every wait is bounded.

mod common;

use std::process::{Command, Output};

use common::{
    Guard, Scratch, Server, TIMEOUT, client, describe, other_ca, port_of, run_bounded, self_signed,
};
use padlock_der::{Time, pem};

/// `padlock client ARGS`, expected to fail: its standard error.
fn refused(dir: &Scratch, args: &[&str]) -> String {
    let output = client(dir, args);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(output.stdout.is_empty(), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    // Whatever the server chose reaches the terminal escaped.
    assert!(!stderr.chars().any(|c| c.is_control() && c != '\n'), "{stderr:?}");
    stderr
}

/// Asserts that `text` contains every one of `facts`.
fn pinned(text: &str, facts: &[&str]) {
    for fact in facts {
        assert!(text.contains(fact), "missing {fact:?} in:\n{text}");
    }
}

/// `openssl s_server -www` with `cert.pem` and `key.pem` of `dir` and the
/// `extra` flags, and its port.
fn s_server(dir: &Scratch, extra: &[&str]) -> (Guard, u16) {
    let mut command = Command::new("openssl");
    command.current_dir(&dir.path);
    command.args(["s_server", "-accept", "0", "-www", "-cert", "cert.pem", "-key", "key.pem"]).args(extra);
    // s_server prints `ACCEPT [::]:PORT` on standard output once it listens.
    let server = Guard::spawn(command, false);
    let port = port_of(&server.wait_for("ACCEPT"));
    (server, port)
}

#[test]
fn no_common_group() {
    let dir = Scratch::new("no-group");
    let server = Server::start(&dir, 3, &["--groups", "ffdhe3072"]);
    let url = server.url("/");
    let stderr = refused(&dir, &["--ca", "ca.pem", "--group", "x25519", &url]);
    let first = stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "padlock: localhost:{}: handshake failed: the server refused our ClientHello with the alert \
             handshake_failure",
            server.port
        )
    );
    pinned(
        &stderr,
        &[
            "  We offered:\n",
            "    versions:          TLS 1.3, TLS 1.2\n",
            "    groups:            x25519\n",
            "the group: we offered only x25519; Padlock also has ",
            "ffdhe3072 (leave out --group, or choose one with it)",
            "a guess",
        ],
    );
    // The server's side: what the client offered against what it accepts, in one line.
    let line = server.guard.wait_for("handshake failed");
    assert!(
        line.ends_with("no group in common: client offered [x25519], server accepts [ffdhe3072]"),
        "{line}"
    );

    // --explain asks again with every group, and learns which one the server wants.
    let stderr = refused(&dir, &["--ca", "ca.pem", "--group", "x25519", "--explain", &url]);
    pinned(
        &stderr,
        &[
            "every group Padlock has (",
            "ffdhe3072): accepted: TLS 1.3, ",
            "group ffdhe3072",
            "So the missing piece is the group: the server accepts ffdhe3072, and we offered only x25519. \
             Try --group ffdhe3072",
        ],
    );
    assert!(!stderr.contains("a guess"), "{stderr}");
}

/// A server whose groups are all ones Padlock lacks: TLS 1.2 with DHE
/// still works, and the probes say the group is the likely missing piece.
#[test]
fn no_common_group_with_openssl() {
    let dir = Scratch::new("no-group-openssl");
    self_signed(&dir, "/CN=localhost", Some("DNS:localhost"), "key.pem", "cert.pem");
    let (_server, port) = s_server(&dir, &["-groups", "P-521"]);
    let url = format!("https://localhost:{port}/");
    let stderr = refused(&dir, &["--ca", "cert.pem", "--explain", &url]);
    pinned(
        &stderr,
        &[
            "the server refused our ClientHello with the alert handshake_failure",
            "TLS 1.2 alone, with everything else Padlock has: accepted: TLS 1.2",
            "TLS 1.2 with ECDHE suites and x25519",
            "only: refused (handshake_failure)",
            "--tls 1.2 works",
            "in TLS 1.3 the missing piece is most likely the group",
            "secp521r1",
            "(a guess)",
        ],
    );
}

#[test]
fn no_common_suite() {
    let dir = Scratch::new("no-suite");
    let server = Server::start(&dir, 3, &["--suites", "TLS_AES_256_GCM_SHA384"]);
    let url = server.url("/");
    let args = ["--ca", "ca.pem", "--suite", "TLS_AES_128_GCM_SHA256", &url];
    let stderr = refused(&dir, &args);
    pinned(
        &stderr,
        &[
            "the server refused our ClientHello with the alert handshake_failure",
            "    cipher suites:     TLS_AES_128_GCM_SHA256\n",
            "the cipher suite: we offered only TLS_AES_128_GCM_SHA256; Padlock also has TLS_AES_256_GCM_SHA384, ",
        ],
    );
    let line = server.guard.wait_for("handshake failed");
    assert!(
        line.ends_with(
            "no cipher suite in common: client offered [TLS_AES_128_GCM_SHA256], server accepts \
             [TLS_AES_256_GCM_SHA384]"
        ),
        "{line}"
    );

    let stderr = refused(&dir, &[&args[..4], &["--explain", &url]].concat());
    pinned(
        &stderr,
        &[
            "every cipher suite Padlock has (",
            " of them): accepted: TLS 1.3, TLS_AES_256_GCM_SHA384",
            "So the missing piece is the cipher suite: the server accepts TLS_AES_256_GCM_SHA384, and we \
             offered only TLS_AES_128_GCM_SHA256. Try --suite TLS_AES_256_GCM_SHA384",
        ],
    );
}

#[test]
fn no_common_signature_scheme() {
    let dir = Scratch::new("no-scheme");
    let server = Server::start(&dir, 3, &[]);
    let url = server.url("/");
    let args = ["--ca", "ca.pem", "--tls", "1.3", "--sigalgs", "rsa_pkcs1_sha256,rsa_pkcs1_sha384", &url];
    let stderr = refused(&dir, &args);
    pinned(
        &stderr,
        &[
            "    signature schemes: rsa_pkcs1_sha256, rsa_pkcs1_sha384\n",
            "TLS 1.3 handshakes are never signed with rsa_pkcs1_* schemes (RFC 8446 §4.4.3)",
            "the signature scheme: we offered only rsa_pkcs1_sha256, rsa_pkcs1_sha384; Padlock also has ",
            "rsa_pss_rsae_sha256, ",
        ],
    );
    let line = server.guard.wait_for("handshake failed");
    assert!(
        line.contains("no signature scheme in common: client offered [rsa_pkcs1_sha256, rsa_pkcs1_sha384]")
            && line.contains("in TLS 1.3 with [rsa_pss_rsae_sha256"),
        "{line}"
    );

    let stderr = refused(&dir, &[&args[..6], &["--explain", &url]].concat());
    pinned(
        &stderr,
        &[
            "every signature scheme Padlock has (",
            "): accepted: TLS 1.3, TLS_AES_128_GCM_SHA256, ",
            ", signed with rsa_pss_rsae_sha256\n",
            "So the missing piece is the signature scheme: the server accepts rsa_pss_rsae_sha256, and we \
             offered only rsa_pkcs1_sha256, rsa_pkcs1_sha384. Try --sigalgs rsa_pss_rsae_sha256",
        ],
    );
}

/// An OpenSSL server that signs only with ECDSA, holding an RSA key:
/// nothing Padlock offers is accepted, and the guess names signatures.
#[test]
fn no_common_signature_scheme_with_openssl() {
    let dir = Scratch::new("no-scheme-openssl");
    self_signed(&dir, "/CN=localhost", Some("DNS:localhost"), "key.pem", "cert.pem");
    let (_server, port) = s_server(&dir, &["-sigalgs", "ECDSA+SHA256"]);
    let url = format!("https://localhost:{port}/");
    let stderr = refused(&dir, &["--ca", "cert.pem", "--explain", &url]);
    pinned(
        &stderr,
        &[
            "the server refused our ClientHello with the alert handshake_failure",
            "TLS 1.2 alone, with everything else Padlock has: refused (handshake_failure)",
            "So the server refuses everything Padlock can offer, TLS 1.2 included",
            "The missing piece is most likely a signature scheme or a cipher suite (a guess)",
        ],
    );
}

#[test]
fn unknown_ca() {
    let dir = Scratch::new("unknown-ca");
    other_ca(&dir);
    let server = Server::start(&dir, 1, &[]);
    let stderr = refused(&dir, &["--ca", "other.pem", &server.url("/")]);
    pinned(
        &stderr,
        &[
            "the server's certificate was refused: unknown CA",
            "  certificate: CN=localhost, issued by CN=Padlock throw-away CA (the server's own)\n",
            "  check:       a path to a CA we trust (RFC 5280 §6): we trust only the CA in other.pem, and \
             none of it is 'CN=Padlock throw-away CA'\n",
            "  to do:       if you trust 'CN=Padlock throw-away CA', give its certificate with --ca FILE",
        ],
    );
    // Before our ClientHello went unanswered, nothing of the offer is listed.
    assert!(!stderr.contains("We offered"), "{stderr}");
    let line = server.guard.wait_for("handshake failed");
    assert!(line.contains("unknown_ca"), "{line}");
    // The server's log says what the alert means for it.
    assert!(line.contains("the client does not trust the CA that issued our certificate"), "{line}");
}

#[test]
fn wrong_name() {
    let dir = Scratch::new("wrong-name");
    self_signed(&dir, "/CN=www.example.test", Some("DNS:www.example.test"), "key.pem", "cert.pem");
    let server = Server::start(&dir, 1, &["--cert", "cert.pem", "--key", "key.pem"]);
    let stderr = refused(&dir, &["--ca", "cert.pem", &server.url("/")]);
    pinned(
        &stderr,
        &[
            "does not match 'localhost'",
            "  certificate: CN=www.example.test, self-signed (the server's own)\n",
            "  check:       the name we connected to, 'localhost', must be one the certificate holds (RFC \
             6125): it holds www.example.test\n",
            "  to do:       connect with a name it holds, such as www.example.test",
        ],
    );
}

#[test]
fn expired() {
    let dir = Scratch::new("expired");
    // A CA valid from 2020 for ten years, and a leaf it signed that was valid for 90 days of 2020.
    let not_before = Time::new(2020, 1, 1, 0, 0, 0).expect("a date");
    let pki = padlock_x509::throwaway::throwaway(2048, &["localhost"], &[], not_before, &mut rand::rng())
        .expect("a throw-away PKI");
    dir.write("ca.pem", pem::encode("CERTIFICATE", pki.ca.der()).as_bytes());
    dir.write("leaf.pem", pem::encode("CERTIFICATE", pki.leaf.der()).as_bytes());
    dir.write("key.pem", pki.key.to_pkcs8_pem().as_bytes());
    let server = Server::start(&dir, 1, &["--cert", "leaf.pem", "--key", "key.pem"]);
    let stderr = refused(&dir, &["--ca", "ca.pem", &server.url("/")]);
    let dates = format!("valid from {} to {}", pki.leaf.not_before, pki.leaf.not_after);
    pinned(
        &stderr,
        &[
            "the server's certificate was refused: certificate not valid at this time",
            "  certificate: CN=localhost, issued by CN=Padlock throw-away CA (the server's own)\n",
            &format!("  check:       validity dates (RFC 5280 §4.1.2.5): {dates}; our clock says 20"),
            "days after it ended\n",
            "  to do:       the server needs a renewed certificate; if our clock is wrong, set it right",
        ],
    );
    let line = server.guard.wait_for("handshake failed");
    assert!(line.contains("certificate_expired"), "{line}");
    assert!(line.contains("outside its validity dates"), "{line}");
}

/// `padlock load` words its first handshake error as `padlock client` does.
#[test]
fn load_reports_the_refused_hello() {
    let dir = Scratch::new("load");
    let server = Server::start(&dir, 1_000_000, &["--groups", "ffdhe3072"]);
    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.current_dir(&dir.path).env_remove("SSLKEYLOGFILE");
    command.args(["load", &server.url("/"), "--ca", "ca.pem", "--group", "x25519"]);
    command.args(["--connections", "1", "--duration", "0.5"]);
    let output: Output = run_bounded(command, TIMEOUT);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "first: handshake failed: the server refused our ClientHello with the alert handshake_failure"
        ),
        "{}",
        describe(&output)
    );
}
