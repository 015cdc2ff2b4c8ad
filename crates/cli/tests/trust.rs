//! `padlock client` without `--ca` trusts what the system trusts: a CA
//! bundle named by `SSL_CERT_FILE`, the certificates in the directories of
//! `SSL_CERT_DIR` (hashed names such as `5ad8a5d6.0` among them), else the
//! bundle the system ships. `--trace` says which; `--ca` replaces them;
//! `--insecure` checks nothing and says so. The server is a `padlock
//! server` with a throw-away CA; the unrelated CA is made by `openssl`.

mod common;

use std::process::{Command, Output};

use common::{Scratch, Server, TIMEOUT, describe, other_ca, run_bounded, success};
use padlock_der::pem;
use padlock_x509::Certificate;

/// `padlock client ARGS` in `dir`, with `SSL_CERT_FILE` and `SSL_CERT_DIR`
/// as `file` and `dirs` say (removed where `None`).
fn client(dir: &Scratch, args: &[&str], file: Option<&str>, dirs: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.current_dir(&dir.path).arg("client").args(args).env_remove("SSLKEYLOGFILE");
    for (name, value) in [("SSL_CERT_FILE", file), ("SSL_CERT_DIR", dirs)] {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    run_bounded(command, TIMEOUT)
}

#[test]
fn ssl_cert_file_is_trusted_and_named_in_the_trace() {
    let dir = Scratch::new("ssl-cert-file");
    let server = Server::start(&dir, 1, &[]);
    let output = client(&dir, &["--trace", &server.url("/file")], Some("ca.pem"), None);
    let stdout = success(&output);
    assert!(stdout.contains("<code>/file</code>"), "{}", describe(&output));
    assert!(
        stdout
            .lines()
            .any(|line| line
                .starts_with("trusting the system's 1 root certificate from ca.pem (SSL_CERT_FILE)")),
        "{}",
        describe(&output)
    );
}

#[test]
fn ssl_cert_dir_is_read_with_its_hashed_names() {
    let dir = Scratch::new("ssl-cert-dir");
    other_ca(&dir);
    let server = Server::start(&dir, 1, &[]);
    // As `openssl rehash` leaves a directory: hashed names, a .pem, and other files.
    std::fs::create_dir(dir.path.join("certs")).expect("a certs directory");
    dir.write("certs/9d66eef0.0", &dir.read("ca.pem"));
    dir.write("certs/other.pem", &dir.read("other.pem"));
    dir.write("certs/README", b"not a certificate");
    dir.write("certs/other-key.pem.bak", &dir.read("other-key.pem"));
    let output = client(&dir, &["--trace", &server.url("/dir")], None, Some("certs"));
    let stdout = success(&output);
    assert!(stdout.contains("<code>/dir</code>"), "{}", describe(&output));
    assert!(
        stdout
            .lines()
            .any(|line| line
                .starts_with("trusting the system's 2 root certificates from certs (SSL_CERT_DIR)")),
        "{}",
        describe(&output)
    );
}

#[test]
fn an_unrelated_bundle_is_refused_as_an_unknown_ca() {
    let dir = Scratch::new("unrelated-bundle");
    other_ca(&dir);
    let server = Server::start(&dir, 2, &[]);
    let output = client(&dir, &[&server.url("/")], Some("other.pem"), None);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown CA"), "{}", describe(&output));
    assert!(
        stderr.contains("(trusted: the system's roots from other.pem (SSL_CERT_FILE); --ca FILE trusts"),
        "{}",
        describe(&output)
    );
    // The explanation follows the one-line summary, indented.
    assert!(stderr.lines().skip(1).all(|l| l.starts_with("  ")), "{}", describe(&output));
    assert!(
        stderr.contains("we trust the system's roots from other.pem (SSL_CERT_FILE)"),
        "{}",
        describe(&output)
    );

    // --ca replaces the system's roots, it does not add to them.
    let output = client(&dir, &["--ca", "other.pem", &server.url("/")], Some("ca.pem"), None);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown CA") && stderr.contains("trusted: only the CA in other.pem"),
        "{stderr}"
    );
}

#[test]
fn the_system_bundle_is_used_without_ssl_cert_file() {
    let dir = Scratch::new("system-bundle");
    let server = Server::start(&dir, 1, &[]);
    // The system trusts public CAs, not our throw-away one.
    let output = client(&dir, &["--trace", &server.url("/")], None, None);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.starts_with("trusting the system's "))
        .unwrap_or_else(|| panic!("no trust line (CI installs ca-certificates): {}", describe(&output)));
    // Debian's bundle holds about 150 roots, and reading it takes milliseconds.
    let count: usize = line.split(' ').nth(3).and_then(|n| n.parse().ok()).expect("a count");
    assert!(count > 50, "{line}");
    assert!(line.contains(" root certificates from /"), "{line}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown CA") && stderr.contains("the system's"), "{stderr}");
}

/// A bundle of about 400 distinct roots loads through the same path as the
/// system's (`SSL_CERT_FILE`), every root counted once. The time bound is
/// generous on purpose, a guard against quadratic behaviour only (a debug
/// build on a busy machine must pass it): how fast loading is belongs in
/// benches. In a release build 432 roots took 6.6 ms at best, 10 to 12 ms
/// typically, on a busy two-core machine (2026-12).
#[test]
fn a_bundle_of_four_hundred_roots_loads_in_well_under_two_seconds() {
    let dir = Scratch::new("big-bundle");
    let system = std::fs::read(trust_bundle())
        .unwrap_or_else(|e| panic!("reading the system bundle (CI installs ca-certificates): {e}"));
    let blocks = pem::decode_all(&system).expect("the system bundle is PEM");
    let ders: Vec<&[u8]> =
        blocks.iter().filter(|block| block.label == "CERTIFICATE").map(|block| &block.contents[..]).collect();
    let readable = ders.iter().filter(|der| Certificate::from_der(der).is_ok()).count();
    assert!(readable > 100, "only {readable} roots in the system bundle");
    // Three distinct copies: the last byte, the signature's, flipped by 0, 1
    // or 2 (a root's own signature is not checked when it is loaded); then
    // the first copy again, which must be kept once.
    let mut bundle = String::new();
    for flip in [0u8, 1, 2, 0] {
        for der in &ders {
            let mut der = der.to_vec();
            if let Some(last) = der.last_mut() {
                *last ^= flip;
            }
            bundle.push_str(&pem::encode("CERTIFICATE", &der));
        }
    }
    dir.write("bundle.pem", bundle.as_bytes());
    let output = client(&dir, &["--trace", "https://localhost:1/"], Some("bundle.pem"), None);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.starts_with("trusting the system's "))
        .unwrap_or_else(|| panic!("no trust line: {}", describe(&output)));
    let count: usize = line.split(' ').nth(3).and_then(|n| n.parse().ok()).expect("a count");
    assert_eq!(count, 3 * readable, "{line}");
    let millis: f64 = line
        .split("(read in ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("no time in {line:?}"));
    assert!(millis < 2000.0, "loading {count} roots took {millis} ms: {line}");
}

/// The first of the bundles `padlock client` looks for that exists.
fn trust_bundle() -> &'static str {
    let bundles =
        ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];
    bundles.into_iter().find(|path| std::path::Path::new(path).exists()).unwrap_or(bundles[0])
}

#[test]
fn a_missing_ssl_cert_file_is_an_error() {
    let dir = Scratch::new("missing-file");
    let output = client(&dir, &["https://localhost:1/"], Some("nosuch.pem"), None);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr, "padlock: SSL_CERT_FILE=nosuch.pem: No such file or directory\n");
}

#[test]
fn insecure_checks_nothing_and_says_so() {
    let dir = Scratch::new("insecure");
    let server = Server::start(&dir, 1, &[]);
    let output = client(&dir, &["--insecure", &server.url("/")], Some("nosuch.pem"), None);
    success(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("padlock: warning: --insecure: the server's certificate is NOT checked"),
        "{stderr}"
    );
}
