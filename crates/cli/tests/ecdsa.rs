//! `padlock keygen ec`, `padlock ecdsa` and `padlock cert new` with EC keys,
//! against the `openssl` command, both ways: OpenSSL checks the keys we
//! generate, verifies our signatures (`openssl dgst -verify`) and our
//! ECDSA certificates (`openssl verify`); we verify OpenSSL's signatures.
//! Tampered signatures and misused options fail with status 1.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests.

mod common;

use common::{Scratch, describe, openssl};
use std::process::{Command, Output};

const MESSAGE: &[u8] = b"the padlock in the address bar\n\x00\xff";

/// Runs `padlock <args>` in `dir` (no standard input).
fn padlock(dir: &Scratch, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padlock"))
        .args(args)
        .current_dir(&dir.path)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("starting padlock")
}

fn ok(output: &Output) -> String {
    assert!(output.status.success(), "{}", describe(output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn keygen_ec_writes_keys_openssl_checks() {
    let dir = Scratch::new("keygen");
    for (curve, name) in [("p256", "prime256v1"), ("p384", "secp384r1")] {
        let file = format!("{curve}.pem");
        ok(&padlock(&dir, &["keygen", "ec", "--curve", curve, "--out", &file]));
        assert!(dir.read(&file).starts_with(b"-----BEGIN PRIVATE KEY-----\n"));
        let checked = openssl(&dir, &["pkey", "-check", "-noout", "-in", &file]);
        assert!(String::from_utf8_lossy(&checked.stdout).contains("Key is valid"), "{}", describe(&checked));
        let text = String::from_utf8_lossy(&openssl(&dir, &["pkey", "-in", &file, "-noout", "-text"]).stdout)
            .into_owned();
        assert!(text.contains(&format!("ASN1 OID: {name}")), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path.join(&file)).expect("stat").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "a private key is readable by its owner only");
        }
        // Its public half, as OpenSSL writes it.
        let theirs = openssl(&dir, &["pkey", "-in", &file, "-pubout"]).stdout;
        assert_eq!(ok(&padlock(&dir, &["ecdsa", "pubkey", "--in", &file])).into_bytes(), theirs);
    }
    // P-256 is the default; --bits is for RSA.
    let default = ok(&padlock(&dir, &["keygen", "ec"]));
    assert!(default.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let wrong = padlock(&dir, &["keygen", "ec", "--bits", "2048"]);
    assert_eq!(wrong.status.code(), Some(1), "{}", describe(&wrong));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--curve"), "{}", describe(&wrong));
    let wrong = padlock(&dir, &["keygen", "rsa", "--curve", "p256"]);
    assert_eq!(wrong.status.code(), Some(1), "{}", describe(&wrong));
}

#[test]
fn signatures_verify_both_ways() {
    let dir = Scratch::new("sign");
    dir.write("message", MESSAGE);
    for (curve, openssl_curve, hash) in
        [("p256", "P-256", "sha256"), ("p384", "P-384", "sha384"), ("p256", "P-256", "sha512")]
    {
        // Our key and signature; OpenSSL verifies.
        ok(&padlock(&dir, &["keygen", "ec", "--curve", curve, "--out", "key.pem"]));
        ok(&padlock(&dir, &["ecdsa", "pubkey", "--in", "key.pem", "--out", "pub.pem"]));
        ok(&padlock(
            &dir,
            &["ecdsa", "sign", "--key", "key.pem", "--hash", hash, "--out", "ours.sig", "message"],
        ));
        let digest = format!("-{hash}");
        let verified =
            openssl(&dir, &["dgst", &digest, "-verify", "pub.pem", "-signature", "ours.sig", "message"]);
        assert_eq!(String::from_utf8_lossy(&verified.stdout).trim(), "Verified OK");
        // RFC 6979: signing again gives the same bytes.
        let again = padlock(&dir, &["ecdsa", "sign", "--key", "key.pem", "--hash", hash, "message"]);
        assert!(again.status.success(), "{}", describe(&again));
        assert_eq!(again.stdout, dir.read("ours.sig"), "deterministic");

        // OpenSSL's key and signature; we verify.
        let paramgen = format!("ec_paramgen_curve:{openssl_curve}");
        openssl(&dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", &paramgen, "-out", "theirs.pem"]);
        openssl(&dir, &["dgst", &digest, "-sign", "theirs.pem", "-out", "theirs.sig", "message"]);
        let verify = |signature: &str| {
            let args = ["ecdsa", "verify", "--key", "theirs.pem", "--hash", hash, "--signature", signature];
            padlock(&dir, &[&args[..], &["message"]].concat())
        };
        assert_eq!(ok(&verify("theirs.sig")).trim(), "Verified OK");
        // A changed byte: "Verification failure", status 1.
        let mut tampered = dir.read("theirs.sig");
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        dir.write("tampered.sig", &tampered);
        let failed = verify("tampered.sig");
        assert_eq!(failed.status.code(), Some(1), "{}", describe(&failed));
        assert_eq!(String::from_utf8_lossy(&failed.stdout).trim(), "Verification failure");
    }
    // The default hash follows the curve: P-384 signs with SHA-384.
    ok(&padlock(&dir, &["keygen", "ec", "--curve", "p384", "--out", "k384.pem"]));
    ok(&padlock(&dir, &["ecdsa", "pubkey", "--in", "k384.pem", "--out", "p384.pub"]));
    ok(&padlock(&dir, &["ecdsa", "sign", "--key", "k384.pem", "--out", "d.sig", "message"]));
    let verified =
        openssl(&dir, &["dgst", "-sha384", "-verify", "p384.pub", "-signature", "d.sig", "message"]);
    assert_eq!(String::from_utf8_lossy(&verified.stdout).trim(), "Verified OK");
    // Signing needs the private key.
    let public = padlock(&dir, &["ecdsa", "sign", "--key", "p384.pub", "message"]);
    assert_eq!(public.status.code(), Some(1), "{}", describe(&public));
    assert!(String::from_utf8_lossy(&public.stderr).contains("public key"), "{}", describe(&public));
}

#[test]
fn cert_new_with_ec_keys_makes_chains_openssl_verifies() {
    let dir = Scratch::new("cert");
    ok(&padlock(&dir, &["keygen", "ec", "--curve", "p384", "--out", "ca-key.pem"]));
    ok(&padlock(&dir, &["keygen", "ec", "--curve", "p256", "--out", "key.pem"]));
    ok(&padlock(
        &dir,
        &["cert", "new", "--self-signed-ca", "--key", "ca-key.pem", "--cn", "EC CA", "--out", "ca.pem"],
    ));
    let leaf =
        ["cert", "new", "--key", "key.pem", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--dns", "localhost"];
    ok(&padlock(&dir, &[&leaf[..], &["--out", "cert.pem"]].concat()));
    let verified =
        openssl(&dir, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "cert.pem"]);
    assert!(String::from_utf8_lossy(&verified.stdout).contains("cert.pem: OK"), "{}", describe(&verified));
    let shown = ok(&padlock(&dir, &["cert", "show", "cert.pem"]));
    assert!(shown.contains("Signature Algorithm: ecdsa-with-SHA384"), "{shown}");
    assert!(shown.contains("EC (secp256r1) (P-256, 256 bit)"), "{shown}");
    let ours = ok(&padlock(&dir, &["cert", "verify", "--ca", "ca.pem", "--host", "localhost", "cert.pem"]));
    assert!(ours.starts_with("cert.pem: OK"), "{ours}");

    // An EC leaf under an RSA CA.
    let rsa = padlock(&dir, &["keygen", "rsa", "--out", "rsa-ca-key.pem"]);
    assert!(rsa.status.success(), "{}", describe(&rsa));
    ok(&padlock(
        &dir,
        &["cert", "new", "--self-signed-ca", "--key", "rsa-ca-key.pem", "--out", "rsa-ca.pem"],
    ));
    let args = [
        "cert",
        "new",
        "--key",
        "key.pem",
        "--ca",
        "rsa-ca.pem",
        "--ca-key",
        "rsa-ca-key.pem",
        "--dns",
        "localhost",
        "--out",
        "mixed.pem",
    ];
    ok(&padlock(&dir, &args));
    let verified = openssl(&dir, &["verify", "-x509_strict", "-CAfile", "rsa-ca.pem", "mixed.pem"]);
    assert!(String::from_utf8_lossy(&verified.stdout).contains("mixed.pem: OK"), "{}", describe(&verified));

    // --pss needs an RSA CA key.
    let pss = padlock(&dir, &[&leaf[..], &["--pss"]].concat());
    assert_eq!(pss.status.code(), Some(1), "{}", describe(&pss));
    assert!(String::from_utf8_lossy(&pss.stderr).contains("--pss"), "{}", describe(&pss));
}
