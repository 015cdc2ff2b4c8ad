//! `padlock cert` against the `openssl` command.
//!
//! - A chain we build (root CA, intermediate with RSASSA-PSS, leaf with DNS
//!   and IP SANs) is accepted by `openssl verify -CAfile ... -untrusted ...`
//!   for its host names and IP addresses and the `sslserver` purpose, and
//!   `openssl x509 -text -noout` shows its SANs and extensions.
//! - `padlock cert verify` accepts the chain, and refuses it (status 1, with
//!   the reason) for another host, at a later time, or without the
//!   intermediate; `padlock cert show` prints every certificate of a bundle,
//!   PEM or DER.
//! - Bad files give a one-line error and status 1, usage errors status 2.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests rather
//! than skipping them. Each test works in its own scratch directory.

mod common;

use common::{Scratch, describe, openssl};
use std::process::{Command, Output};
use std::sync::OnceLock;

#[test]
fn openssl_verifies_the_chain_we_build() {
    let dir = scratch_with_chain("openssl-verify");
    let base = ["verify", "-CAfile", "ca.pem", "-untrusted", "int.pem", "-purpose", "sslserver"];
    for check in
        [&["-verify_hostname", "www.example.org"][..], &["-verify_ip", "::1"], &["-verify_ip", "127.0.0.1"]]
    {
        let args = [&base[..], check, &["leaf.pem"]].concat();
        let output = openssl(&dir, &args);
        assert_eq!(String::from_utf8_lossy(&output.stdout), "leaf.pem: OK\n", "{check:?}");
    }
    // Without the intermediate, OpenSSL refuses too.
    let alone = Command::new("openssl")
        .args(["verify", "-CAfile", "ca.pem", "leaf.pem"])
        .current_dir(&dir.path)
        .output()
        .expect("running openssl");
    assert!(!alone.status.success(), "{}", describe(&alone));
}

#[test]
fn openssl_shows_our_extensions() {
    let dir = scratch_with_chain("openssl-text");
    let text = |name: &str| {
        String::from_utf8_lossy(&openssl(&dir, &["x509", "-in", name, "-text", "-noout"]).stdout).into_owned()
    };
    let leaf = text("leaf.pem");
    for expected in [
        "DNS:example.org, DNS:*.example.org, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
        "X509v3 Basic Constraints: \n                CA:FALSE",
        "X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment",
        "X509v3 Extended Key Usage: \n                TLS Web Server Authentication\n",
        "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
        "Subject: CN = example.org",
        "Issuer: CN = Padlock Test Intermediate",
    ] {
        assert!(leaf.contains(expected), "{expected:?} not in\n{leaf}");
    }
    let ca = text("ca.pem");
    assert!(ca.contains("X509v3 Basic Constraints: critical\n                CA:TRUE\n"), "{ca}");
    assert!(ca.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"), "{ca}");
    let int = text("int.pem");
    assert!(int.contains("CA:TRUE, pathlen:0"), "{int}");
    assert!(int.contains("Signature Algorithm: rsassaPss"), "{int}");
    assert!(int.contains("Salt Length: 0x20"), "{int}");
}

#[test]
fn padlock_verifies_and_refuses() {
    let dir = scratch_with_chain("padlock-verify");
    let verify = |extra: &[&str]| {
        let args = [&["cert", "verify", "--ca", "ca.pem"][..], extra, &["leaf.pem"]].concat();
        padlock(&dir, &args)
    };
    let ok = verify(&["--untrusted", "int.pem", "--host", "www.example.org"]);
    assert_eq!(ok.status.code(), Some(0), "{}", describe(&ok));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(out.starts_with("leaf.pem: OK\ndepth=0 CN=example.org\n"), "{out}");
    assert!(out.ends_with("depth=2 CN=Padlock Test Root\n"), "{out}");
    assert!(verify(&["--untrusted", "int.pem", "--host", "::1"]).status.success());
    assert!(verify(&["--untrusted", "int.pem"]).status.success());
    for (extra, reason) in [
        (&["--untrusted", "int.pem", "--host", "example.com"][..], "does not match 'example.com'"),
        (&["--untrusted", "int.pem", "--at", "2099-01-01T00:00:00Z"], "expired"),
        (&["--untrusted", "int.pem", "--at", "2000-01-01T00:00:00Z"], "not valid before"),
        (&["--host", "example.org"], "unknown issuer"),
    ] {
        let refused = verify(extra);
        assert_eq!(refused.status.code(), Some(1), "{extra:?}: {}", describe(&refused));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.starts_with("padlock: leaf.pem: verification failed: "), "{stderr}");
        assert!(stderr.contains(reason) && stderr.lines().count() == 1, "{extra:?}: {stderr}");
    }
}

#[test]
fn show_prints_every_certificate() {
    let dir = scratch_with_chain("show");
    let mut bundle = dir.read("leaf.pem");
    bundle.extend(dir.read("int.pem"));
    dir.write("bundle.pem", &bundle);
    let shown = padlock(&dir, &["cert", "show", "bundle.pem"]);
    assert!(shown.status.success(), "{}", describe(&shown));
    let text = String::from_utf8_lossy(&shown.stdout);
    assert_eq!(text.matches("Certificate:\n").count(), 2, "{text}");
    for expected in [
        "DNS:example.org, DNS:*.example.org, IP Address:127.0.0.1, IP Address:::1",
        "Subject: CN=Padlock Test Intermediate",
        "CA:TRUE, pathlen:0",
        "Digital Signature, Key Encipherment",
        "TLS Web Server Authentication",
        "RSASSA-PSS (SHA-256)",
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }
    openssl(&dir, &["x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.der"]);
    let der = padlock(&dir, &["cert", "show", "leaf.der"]);
    assert!(der.status.success(), "{}", describe(&der));
    assert!(String::from_utf8_lossy(&der.stdout).contains("Subject: CN=example.org"));
}

#[test]
fn bad_files_give_one_line_errors() {
    let dir = scratch_with_chain("bad-files");
    let leaf = dir.read("leaf.pem");
    dir.write("garbage", b"not a certificate\n");
    dir.write("empty", b"");
    dir.write("truncated.pem", &leaf[..leaf.len() / 2]);
    openssl(&dir, &["x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.der"]);
    let der = dir.read("leaf.der");
    dir.write("truncated.der", &der[..der.len() - 10]);
    let mut flipped = der.clone();
    flipped[4] ^= 0x40;
    dir.write("flipped.der", &flipped);
    let cases: &[&[&str]] = &[
        &["cert", "show", "garbage"],
        &["cert", "show", "empty"],
        &["cert", "show", "truncated.pem"],
        &["cert", "show", "truncated.der"],
        &["cert", "show", "flipped.der"],
        &["cert", "show", "nosuch"],
        &["cert", "verify", "--ca", "garbage", "leaf.pem"],
        &["cert", "verify", "--ca", "ca.pem", "--untrusted", "empty", "leaf.pem"],
        &["cert", "new", "--self-signed-ca", "--key", "garbage"],
        &["cert", "new", "--key", "leaf-key.pem", "--ca", "garbage", "--ca-key", "ca-key.pem"],
        // The CA's certificate with the intermediate's key: they do not match.
        &["cert", "new", "--key", "leaf-key.pem", "--ca", "ca.pem", "--ca-key", "int-key.pem"],
        // A leaf cannot issue.
        &["cert", "new", "--key", "leaf-key.pem", "--ca", "leaf.pem", "--ca-key", "leaf-key.pem"],
        &["cert", "new", "--self-signed-ca", "--key", "ca-key.pem", "--days", "99999"],
    ];
    for args in cases {
        let output = padlock(&dir, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", describe(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("padlock: ") && stderr.lines().count() == 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    for args in [
        &["cert", "new", "--key", "leaf-key.pem"][..],
        &["cert", "new", "--self-signed-ca", "--key", "ca-key.pem", "--ca", "ca.pem"],
        &["cert", "verify", "--ca", "ca.pem", "--at", "yesterday", "leaf.pem"],
        &["cert", "new", "--key", "k", "--ca", "ca.pem", "--ca-key", "k", "--ip", "1.2.3"],
    ] {
        let output = padlock(&dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", describe(&output));
    }
}

/// A scratch directory holding the chain of [`chain_files`].
fn scratch_with_chain(test: &str) -> Scratch {
    let dir = Scratch::new(test);
    for (name, contents) in chain_files() {
        dir.write(name, contents);
    }
    dir
}

/// Three OpenSSL keys and the chain `padlock cert new` makes with them:
/// `ca.pem` (root, PKCS#1 v1.5), `int.pem` (intermediate, PSS) and
/// `leaf.pem` (DNS and IP SANs); made once for all tests.
fn chain_files() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Scratch::new("chain");
        let names = ["ca-key.pem", "int-key.pem", "leaf-key.pem", "ca.pem", "int.pem", "leaf.pem"];
        for key in &names[..3] {
            openssl(&dir, &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key]);
        }
        let new = |args: &[&str]| {
            let output = padlock(&dir, &[&["cert", "new"][..], args].concat());
            assert!(output.status.success() && output.stderr.is_empty(), "{args:?}: {}", describe(&output));
        };
        new(&["--self-signed-ca", "--key", "ca-key.pem", "--cn", "Padlock Test Root", "--out", "ca.pem"]);
        new(&[
            "--intermediate",
            "--pss",
            "--key",
            "int-key.pem",
            "--cn",
            "Padlock Test Intermediate",
            "--ca",
            "ca.pem",
            "--ca-key",
            "ca-key.pem",
            "--out",
            "int.pem",
        ]);
        new(&[
            "--key",
            "leaf-key.pem",
            "--ca",
            "int.pem",
            "--ca-key",
            "int-key.pem",
            "--dns",
            "example.org",
            "--dns",
            "*.example.org",
            "--ip",
            "127.0.0.1",
            "--ip",
            "::1",
            "--days",
            "30",
            "--out",
            "leaf.pem",
        ]);
        names.iter().map(|name| (name.to_string(), dir.read(name))).collect()
    })
}

/// Runs the `padlock` binary built for this test in `dir`.
fn padlock(dir: &Scratch, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padlock"))
        .args(args)
        .current_dir(&dir.path)
        .output()
        .expect("starting padlock")
}
