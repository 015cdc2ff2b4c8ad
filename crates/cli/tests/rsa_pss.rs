//! RSA-PSS keys (id-RSASSA-PSS, RFC 4055 §1.2) made by OpenSSL (`openssl
//! genpkey -algorithm RSA-PSS`, a certificate by `openssl req -x509`), over
//! real TCP on 127.0.0.1, in TLS 1.3 and TLS 1.2:
//!
//! - `padlock server --cert --key` holding one, visited by `openssl s_client`
//!   offering only the rsa_pss_pss scheme the key allows (so a signature by
//!   any other scheme would fail the handshake) and by `padlock client`;
//! - `padlock client` against `openssl s_server` holding one, its trace
//!   naming the rsa_pss_pss scheme it checked.
//!
//! Two keys: one without parameters (any hash; both sides pick SHA-256) and
//! one restricted to SHA-384 with MGF1-SHA-384 and a 48-byte salt, whose
//! parameters must be honoured: offered only SHA-256, or only the
//! rsa_pss_rsae schemes of an rsaEncryption key, the handshake fails.
//!
//! A key whose parameters no TLS scheme fits (a salt longer than the hash)
//! is refused when padlock server starts.
//!
//! OpenSSL is the reference: a missing `openssl` fails the tests.

mod common;

use std::process::{Command, Output, Stdio};

use common::{Guard, Scratch, Server, TIMEOUT, client, describe, openssl, port_of, run_bounded, success};

/// An RSA-PSS key made by OpenSSL and its self-signed certificate for
/// localhost, as files in a scratch directory.
struct PssKey {
    /// The `genpkey -pkeyopt` options beyond the size.
    options: &'static [&'static str],
    /// The scheme both sides pick for it.
    scheme: &'static str,
    /// The schemes its parameters allow, as padlock server lists them.
    allowed: &'static str,
    /// What `s_client -brief` says of the hash.
    hash_used: &'static str,
    /// What `padlock cert show` says of the key.
    shown: &'static str,
}

const UNRESTRICTED: PssKey = PssKey {
    options: &[],
    scheme: "rsa_pss_pss_sha256",
    allowed: "rsa_pss_pss_sha256, rsa_pss_pss_sha384, rsa_pss_pss_sha512",
    hash_used: "SHA256",
    shown: "RSA-PSS (2048 bit, e = 65537, PSS only, any hash)",
};

const SHA384_ONLY: PssKey = PssKey {
    options: &[
        "-pkeyopt",
        "rsa_pss_keygen_md:sha384",
        "-pkeyopt",
        "rsa_pss_keygen_mgf1_md:sha384",
        "-pkeyopt",
        "rsa_pss_keygen_saltlen:48",
    ],
    scheme: "rsa_pss_pss_sha384",
    allowed: "rsa_pss_pss_sha384",
    hash_used: "SHA384",
    shown: "RSA-PSS (2048 bit, e = 65537, PSS only with SHA-384, MGF1 with SHA-384, salt of 48+ bytes)",
};

impl PssKey {
    /// Writes `NAME.key` (PKCS #8, id-RSASSA-PSS) and `NAME.pem` in `dir`;
    /// checks OpenSSL made the kind of key the test is about.
    fn make(&self, dir: &Scratch, name: &str) -> (String, String) {
        let (key, cert) = (format!("{name}.key"), format!("{name}.pem"));
        let mut args = vec!["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"];
        args.extend(self.options);
        args.extend(["-out", &key]);
        openssl(dir, &args);
        let args =
            ["-addext", "subjectAltName=DNS:localhost", "-addext", "basicConstraints=critical,CA:FALSE"];
        let mut req = vec!["req", "-x509", "-new", "-key", &key, "-subj", "/CN=localhost", "-days", "2"];
        req.extend(args);
        req.extend(["-out", &cert]);
        openssl(dir, &req);
        let text = openssl(dir, &["x509", "-in", &cert, "-noout", "-text"]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Public Key Algorithm: rsassaPss"), "not an RSA-PSS key:\n{text}");
        // And we read it so, with its parameters.
        let mut show = Command::new(env!("CARGO_BIN_EXE_padlock"));
        show.current_dir(&dir.path).args(["cert", "show", &cert]);
        let output = run_bounded(show, TIMEOUT);
        let want = format!("Public Key Algorithm: {}", self.shown);
        assert!(success(&output).contains(&want), "{}", describe(&output));
        (key, cert)
    }
}

/// `openssl s_client -brief` to `port` trusting `ca`, with `args`, sending
/// nothing; its output.
fn s_client(dir: &Scratch, port: u16, ca: &str, args: &[&str]) -> Output {
    let mut command = Command::new("openssl");
    command.current_dir(&dir.path).args(["s_client", "-connect", &format!("127.0.0.1:{port}")]);
    command.args(["-servername", "localhost", "-CAfile", ca, "-verify_return_error", "-brief"]);
    command.args(args).stdin(Stdio::null());
    run_bounded(command, TIMEOUT)
}

#[test]
fn openssl_s_client_and_padlock_client_against_padlock_server_with_an_rsa_pss_key() {
    let dir = Scratch::new("server");
    for (n, pss) in [UNRESTRICTED, SHA384_ONLY].iter().enumerate() {
        let (key, cert) = pss.make(&dir, &format!("pss{n}"));
        // Per version two s_client visits and one padlock client; then three refusals.
        let server = Server::start(&dir, 9, &["--cert", &cert, "--key", &key]);
        for (flag, version, ours) in [("-tls1_3", "TLSv1.3", "1.3"), ("-tls1_2", "TLSv1.2", "1.2")] {
            // Offered only the scheme we expect: a signature by any other
            // (rsa_pss_rsae_* above all) would fail the handshake on OpenSSL's side.
            let output = s_client(&dir, server.port, &cert, &[flag, "-sigalgs", pss.scheme]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            for line in [
                format!("Protocol version: {version}"),
                "Verification: OK".to_string(),
                "Signature type: RSA-PSS".to_string(),
                format!("Hash used: {}", pss.hash_used),
            ] {
                assert!(
                    stderr.lines().any(|l| l == line),
                    "{} {flag}: no {line:?}\n{}",
                    pss.scheme,
                    describe(&output)
                );
            }
            // Offered everything, OpenSSL gets the same hash.
            let output = s_client(&dir, server.port, &cert, &[flag]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(&format!("Hash used: {}", pss.hash_used)),
                "{flag}: {}",
                describe(&output)
            );
            let output = client(&dir, &["--ca", &cert, "--tls", ours, "--trace", &server.url("/")]);
            let stdout = success(&output);
            assert!(checked(&stdout, pss.scheme), "{} {flag}: {}", pss.scheme, describe(&output));
            assert!(stdout.contains(&format!("Version: TLS {ours}")), "{}", describe(&output));
        }
        // Offered only what an rsaEncryption key makes: no scheme in common.
        let rsae = "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pkcs1_sha256";
        for flag in ["-tls1_3", "-tls1_2"] {
            let output = s_client(&dir, server.port, &cert, &[flag, "-sigalgs", rsae]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!stderr.contains("Verification: OK"), "{flag}: {}", describe(&output));
            let line = server.guard.wait_for("handshake failed");
            assert!(line.contains("no signature scheme in common"), "{flag}: {line}");
            assert!(line.contains(&format!("with [{}]", pss.allowed)), "{flag}: {line}");
        }
        // The SHA-384 key's parameters forbid SHA-256; the other key allows it.
        let output = s_client(&dir, server.port, &cert, &["-tls1_3", "-sigalgs", "rsa_pss_pss_sha256"]);
        let verified = String::from_utf8_lossy(&output.stderr).contains("Verification: OK");
        assert_eq!(verified, pss.scheme == "rsa_pss_pss_sha256", "{}: {}", pss.scheme, describe(&output));
    }
}

#[test]
fn padlock_client_against_openssl_s_server_with_an_rsa_pss_key() {
    let dir = Scratch::new("client");
    for (n, pss) in [UNRESTRICTED, SHA384_ONLY].iter().enumerate() {
        let (key, cert) = pss.make(&dir, &format!("pss{n}"));
        for (flag, version) in [("-tls1_3", "1.3"), ("-tls1_2", "1.2")] {
            let mut command = Command::new("openssl");
            command.current_dir(&dir.path);
            command.args(["s_server", "-accept", "0", "-www", flag, "-cert", &cert, "-key", &key]);
            // s_server prints `ACCEPT [::]:PORT` on standard output once it listens.
            let s_server = Guard::spawn(command, false);
            let url = format!("https://localhost:{}/", port_of(&s_server.wait_for("ACCEPT")));
            let output = client(&dir, &["--ca", &cert, "--trace", &url]);
            let stdout = success(&output);
            assert!(checked(&stdout, pss.scheme), "{} {flag}: {}", pss.scheme, describe(&output));
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains(&format!("TLS {version}")), "{flag}: {}", describe(&output));
            // Offering only what an rsaEncryption key makes, we get nothing from this one.
            let sigalgs = "rsa_pss_rsae_sha256,rsa_pss_rsae_sha384,rsa_pss_rsae_sha512,rsa_pkcs1_sha256";
            let output = client(&dir, &["--ca", &cert, "--sigalgs", sigalgs, &url]);
            assert_eq!(output.status.code(), Some(1), "{flag}: {}", describe(&output));
            assert!(output.stdout.is_empty(), "{flag}: {}", describe(&output));
        }
    }
}

/// Whether a `--trace` shows the client checking a handshake signature
/// made with `scheme` (CertificateVerify or ServerKeyExchange).
fn checked(trace: &str, scheme: &str) -> bool {
    let want = format!("signature ({scheme})");
    trace.lines().any(|line| line.contains("check ok") && line.contains(&want))
}

/// A key whose parameters demand a salt longer than the hash can make no
/// TLS signature (RFC 8446 §4.2.3): padlock server says so at once rather
/// than fail every handshake.
#[test]
fn padlock_server_refuses_an_rsa_pss_key_that_no_tls_scheme_fits() {
    let dir = Scratch::new("long-salt");
    let long_salt = PssKey {
        options: &[
            "-pkeyopt",
            "rsa_pss_keygen_md:sha256",
            "-pkeyopt",
            "rsa_pss_keygen_mgf1_md:sha256",
            "-pkeyopt",
            "rsa_pss_keygen_saltlen:64",
        ],
        shown: "RSA-PSS (2048 bit, e = 65537, PSS only with SHA-256, MGF1 with SHA-256, salt of 64+ bytes)",
        ..UNRESTRICTED
    };
    let (key, cert) = long_salt.make(&dir, "long");
    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.current_dir(&dir.path).args(["server", "--listen", "127.0.0.1:0", "--exit-after", "1"]);
    command.args(["--cert", &cert, "--key", &key]);
    let output = run_bounded(command, TIMEOUT);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "long.key: this RSA-PSS key's parameters (SHA-256, MGF1 with SHA-256, 64-byte salt) allow none"
        ),
        "{}",
        describe(&output)
    );
}
