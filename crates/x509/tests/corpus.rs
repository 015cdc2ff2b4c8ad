//! Every certificate of the system's CA bundle parses, whatever its key
//! type, and the self-signatures of the RSA roots verify.
//!
//! The bundle is found as OpenSSL finds it: `SSL_CERT_FILE` if set, then
//! Debian's `/etc/ssl/certs/ca-certificates.crt` (the `ca-certificates`
//! package), then `cert.pem` in the OPENSSLDIR that `openssl version -d`
//! reports. If none exists the test fails, saying where it looked.

use std::path::PathBuf;
use std::process::Command;

use padlock_x509::{Certificate, Error, SignatureAlgorithm, verify_signature};

/// The places a bundle may be, in the order OpenSSL would use them.
fn candidates() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(file) = std::env::var_os("SSL_CERT_FILE") {
        paths.push(PathBuf::from(file));
    }
    paths.push(PathBuf::from("/etc/ssl/certs/ca-certificates.crt"));
    // `OPENSSLDIR: "/usr/lib/ssl"`
    if let Ok(output) = Command::new("openssl").args(["version", "-d"]).output() {
        let text = String::from_utf8_lossy(&output.stdout);
        if let Some(dir) = text.trim().strip_prefix("OPENSSLDIR: ") {
            paths.push(PathBuf::from(dir.trim_matches('"')).join("cert.pem"));
        }
    }
    paths
}

#[test]
fn every_certificate_of_the_ca_bundle_parses() {
    let paths = candidates();
    let Some(path) = paths.iter().find(|p| p.is_file()) else {
        panic!(
            "no CA bundle found; looked at {:?} (install the ca-certificates package or set SSL_CERT_FILE)",
            paths
        );
    };
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let blocks = padlock_der::pem::decode_all(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    let (mut parsed, mut verified, mut unsupported) = (0, 0, 0);
    for (i, block) in blocks.iter().filter(|b| b.label == "CERTIFICATE").enumerate() {
        let cert = match Certificate::from_der(&block.contents) {
            Ok(cert) => cert,
            Err(error) => {
                failures.push(format!("certificate #{i}: {error}"));
                continue;
            }
        };
        parsed += 1;
        assert!(!cert.public_key.key_type().is_empty());
        if !cert.is_self_issued() {
            continue;
        }
        match verify_signature(&cert, &cert) {
            Ok(()) => verified += 1,
            Err(Error::UnsupportedSignature(name)) => {
                assert!(matches!(cert.signature_algorithm, SignatureAlgorithm::Unsupported(_)), "{name}");
                unsupported += 1;
            }
            // A curve Padlock does not implement (P-521).
            Err(Error::UnsupportedKey { why, .. }) if why.contains("not supported") => unsupported += 1,
            Err(error) => failures.push(format!("'{}': self-signature: {error}", cert.subject)),
        }
    }
    eprintln!(
        "{}: {parsed} certificates parsed, {verified} self-signatures verified (RSA and ECDSA), \
         {unsupported} not verifiable yet (EdDSA, P-521)",
        path.display()
    );
    assert!(
        failures.is_empty(),
        "{} failures in {}:\n{}",
        failures.len(),
        path.display(),
        failures.join("\n")
    );
    assert!(parsed > 0, "{} holds no certificates", path.display());
}
