//! `padlock keygen` and `padlock rsa` against the `openssl` command.
//!
//! Each side checks the other: OpenSSL checks the keys we generate and
//! verifies our signatures, we verify OpenSSL's; each decrypts what the other
//! encrypted. Bad key files give a one-line error and status 1, usage errors
//! status 2, and a tampered signature status 1.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests rather
//! than skipping them. Each test works in its own scratch directory.

mod common;

use common::{Scratch, describe, openssl};
use std::fs;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// What gets signed and encrypted.
const MESSAGE: &[u8] = b"behind the padlock icon\n\x00\xff";

/// (Unix only: it checks the file mode.)
#[cfg(unix)]
#[test]
fn keygen_writes_a_key_openssl_checks() {
    let dir = Scratch::new("keygen");
    // An existing, world-readable file is narrowed to 0600 too.
    dir.write("key.pem", b"old");
    set_mode(&dir, "key.pem", 0o644);
    let output = padlock(&dir, &["keygen", "rsa", "--bits", "2048", "--out", "key.pem"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let progress = String::from_utf8_lossy(&output.stderr);
    assert!(progress.ends_with('\n') && progress.matches('+').count() >= 2, "progress: {progress:?}");
    assert!(progress.trim_end().chars().all(|c| matches!(c, '.' | '+' | '*')), "progress: {progress:?}");
    assert!(output.stdout.is_empty());
    assert_eq!(mode(&dir, "key.pem"), 0o600);

    let checked = openssl(&dir, &["pkey", "-check", "-noout", "-in", "key.pem"]);
    assert!(String::from_utf8_lossy(&checked.stdout).contains("Key is valid"), "{}", describe(&checked));
    assert!(dir.read("key.pem").starts_with(b"-----BEGIN PRIVATE KEY-----\n"));
    let bits = openssl(&dir, &["pkey", "-in", "key.pem", "-noout", "-text"]);
    assert!(String::from_utf8_lossy(&bits.stdout).contains("(2048 bit, 2 primes)"));

    // Its public half, as OpenSSL writes it.
    let theirs = openssl(&dir, &["pkey", "-in", "key.pem", "-pubout"]).stdout;
    let ours = padlock(&dir, &["rsa", "pubkey", "--in", "key.pem"], b"");
    assert_eq!(ours.stdout, theirs, "{}", describe(&ours));
    let ours = padlock(&dir, &["rsa", "pubkey", "--in", "key.pem", "--out", "pub.pem"], b"");
    assert!(ours.status.success() && ours.stdout.is_empty(), "{}", describe(&ours));
    assert_eq!(dir.read("pub.pem"), theirs);
}

#[test]
fn padlock_signs_and_openssl_verifies() {
    let dir = scratch_with_openssl_key("sign");
    for scheme in ["pkcs1", "pss"] {
        for hash in ["sha256", "sha384", "sha512"] {
            let args =
                ["rsa", "sign", "--key", "key-pkcs1.pem", "--scheme", scheme, "--hash", hash, "message"];
            let signed = padlock(&dir, &args, b"");
            assert!(signed.status.success() && signed.stderr.is_empty(), "{}", describe(&signed));
            assert_eq!(signed.stdout.len(), 256);
            dir.write("sig", &signed.stdout);
            let digest = format!("-{hash}");
            let mut args = vec!["dgst", &digest, "-verify", "pub.pem", "-signature", "sig"];
            if scheme == "pss" {
                args.extend(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]);
            }
            args.push("message");
            let verified = openssl(&dir, &args);
            assert_eq!(String::from_utf8_lossy(&verified.stdout), "Verified OK\n", "{scheme} {hash}");
        }
    }
    // --out, and standard input as FILE.
    let signed =
        padlock(&dir, &["rsa", "sign", "--key", "key.pem", "--scheme", "pkcs1", "--out", "s2", "-"], MESSAGE);
    assert!(signed.status.success() && signed.stdout.is_empty(), "{}", describe(&signed));
    let verified = openssl(&dir, &["dgst", "-sha256", "-verify", "pub.pem", "-signature", "s2", "message"]);
    assert_eq!(verified.stdout, b"Verified OK\n");
}

#[test]
fn openssl_signs_and_padlock_verifies() {
    let dir = scratch_with_openssl_key("verify");
    openssl(&dir, &["dgst", "-sha384", "-sign", "key.pem", "-out", "pkcs1.sig", "message"]);
    let pss = ["-sigopt", "rsa_padding_mode:pss"];
    openssl(
        &dir,
        &[&["dgst", "-sha384", "-sign", "key.pem", "-out", "pss.sig"][..], &pss, &["message"]].concat(),
    );
    // Any key form will do: SubjectPublicKeyInfo, PKCS #1 public, DER, a private key.
    for key in ["pub.pem", "rsapub.pem", "pub.der", "key.pem", "key-pkcs1.pem"] {
        for scheme in ["pkcs1", "pss"] {
            let sig = format!("{scheme}.sig");
            let args =
                ["rsa", "verify", "--key", key, "--scheme", scheme, "--hash", "sha384", "--signature", &sig];
            let verified = padlock(&dir, &[&args[..], &["message"]].concat(), b"");
            assert_eq!(verified.status.code(), Some(0), "{key} {scheme}: {}", describe(&verified));
            assert_eq!(verified.stdout, b"Verified OK\n");
        }
    }
    // A tampered signature, another hash, another scheme: status 1.
    let mut tampered = dir.read("pss.sig");
    tampered[17] ^= 0x04;
    dir.write("tampered.sig", &tampered);
    for (scheme, hash, sig) in
        [("pss", "sha384", "tampered.sig"), ("pss", "sha256", "pss.sig"), ("pkcs1", "sha384", "pss.sig")]
    {
        let args =
            ["rsa", "verify", "--key", "pub.pem", "--scheme", scheme, "--hash", hash, "--signature", sig];
        let refused = padlock(&dir, &[&args[..], &["message"]].concat(), b"");
        assert_eq!(refused.status.code(), Some(1), "{scheme} {hash} {sig}: {}", describe(&refused));
        assert_eq!(refused.stdout, b"Verification failure\n");
    }
}

#[test]
fn encryption_round_trips_with_openssl() {
    let dir = scratch_with_openssl_key("encrypt");
    let oaep = |md: &str| {
        [
            "-pkeyopt",
            "rsa_padding_mode:oaep",
            "-pkeyopt",
            &format!("rsa_oaep_md:{md}"),
            "-pkeyopt",
            &format!("rsa_mgf1_md:{md}"),
        ]
        .map(String::from)
    };
    let cases: [(&[&str], Vec<String>); 3] = [
        (&["--scheme", "oaep"], oaep("sha256").to_vec()),
        (&["--scheme", "oaep", "--hash", "sha1"], oaep("sha1").to_vec()),
        (&["--scheme", "pkcs1"], Vec::new()),
    ];
    for (ours, theirs) in cases {
        let theirs: Vec<&str> = theirs.iter().map(String::as_str).collect();
        // padlock encrypts to the public key, openssl decrypts.
        let encrypted =
            padlock(&dir, &[&["rsa", "encrypt", "--key", "pub.pem"], ours, &["message"]].concat(), b"");
        assert!(encrypted.status.success(), "{}", describe(&encrypted));
        dir.write("c1", &encrypted.stdout);
        let decrypt = ["pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "c1", "-out", "p1"];
        openssl(&dir, &[&decrypt[..], &theirs].concat());
        assert_eq!(dir.read("p1"), MESSAGE, "{ours:?}");
        // openssl encrypts, padlock decrypts.
        let encrypt = ["pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "message", "-out", "c2"];
        openssl(&dir, &[&encrypt[..], &theirs].concat());
        let decrypted =
            padlock(&dir, &[&["rsa", "decrypt", "--key", "key.pem"], ours, &["c2"]].concat(), b"");
        assert!(decrypted.status.success(), "{}", describe(&decrypted));
        assert_eq!(decrypted.stdout, MESSAGE, "{ours:?}");
        // A tampered ciphertext is refused, with one line and status 1.
        let mut tampered = dir.read("c2");
        tampered[100] ^= 0x80;
        dir.write("c3", &tampered);
        let refused = padlock(&dir, &[&["rsa", "decrypt", "--key", "key.pem"], ours, &["c3"]].concat(), b"");
        assert_eq!(refused.status.code(), Some(1), "{}", describe(&refused));
        assert_eq!(String::from_utf8_lossy(&refused.stderr), "padlock: c3: decryption failed\n");
        assert!(refused.stdout.is_empty());
    }
    // Too long for OAEP-SHA-256 under a 2048-bit key: 256 - 2·32 - 2 = 190 bytes at most.
    let refused = padlock(&dir, &["rsa", "encrypt", "--key", "pub.pem", "--scheme", "oaep", "-"], &[7; 191]);
    assert_eq!(refused.status.code(), Some(1), "{}", describe(&refused));
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        "padlock: -: 191 bytes is too long: this key and scheme take at most 190\n"
    );
}

#[test]
fn bad_key_files_give_one_line_errors() {
    let dir = scratch_with_openssl_key("bad-keys");
    openssl(&dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem"]);
    dir.write("junk", b"not a key at all\n");
    let mut truncated = dir.read("pub.der");
    truncated.truncate(100);
    dir.write("truncated.der", &truncated);
    let cases = [
        ("ec.pem", "padlock: ec.pem: not an RSA key: the algorithm is id-ecPublicKey\n"),
        ("junk", "padlock: junk: not an RSA key: neither PEM nor DER\n"),
        ("nosuch.pem", "padlock: nosuch.pem: No such file or directory\n"),
        (
            "truncated.der",
            "padlock: truncated.der: malformed DER key: the input ends in the middle of an element\n",
        ),
    ];
    for (key, message) in cases {
        let commands: [&[&str]; 5] = [
            &["rsa", "pubkey", "--in", key],
            &["rsa", "sign", "--key", key, "--scheme", "pss", "message"],
            &["rsa", "verify", "--key", key, "--scheme", "pss", "--signature", "message", "message"],
            &["rsa", "encrypt", "--key", key, "--scheme", "oaep", "message"],
            &["rsa", "decrypt", "--key", key, "--scheme", "oaep", "message"],
        ];
        for args in commands {
            let output = padlock(&dir, args, b"");
            assert_eq!(output.status.code(), Some(1), "{args:?}: {}", describe(&output));
            assert_eq!(String::from_utf8_lossy(&output.stderr), message, "{args:?}");
            assert!(output.stdout.is_empty(), "{args:?}");
        }
    }
    // A public key where the private one is needed.
    let output = padlock(&dir, &["rsa", "sign", "--key", "pub.pem", "--scheme", "pss", "message"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "padlock: pub.pem: a public key; signing needs the private key\n"
    );
    let output = padlock(&dir, &["rsa", "sign", "--key", "key.pem", "--scheme", "pss", "nosuch"], b"");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "padlock: nosuch: No such file or directory\n");
}

#[test]
fn usage_errors_exit_with_status_2() {
    let dir = scratch_with_openssl_key("usage");
    let cases: [&[&str]; 6] = [
        &["keygen", "rsa", "--bits", "1024"],
        &["keygen", "dsa"],
        &["rsa", "sign", "--key", "key.pem", "message"],
        &["rsa", "sign", "--key", "key.pem", "--scheme", "oaep", "message"],
        &["rsa", "encrypt", "--key", "pub.pem", "--scheme", "pkcs1", "--hash", "sha1", "message"],
        &["rsa", "verify", "--key", "pub.pem", "--scheme", "pss", "message"],
    ];
    for args in cases {
        let output = padlock(&dir, args, b"");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", describe(&output));
        assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "), "{args:?}");
    }
}

/// A scratch directory holding `message` and one OpenSSL key as `key.pem`
/// (PKCS #8), `key-pkcs1.pem`, `pub.pem` (SubjectPublicKeyInfo), `pub.der`
/// and `rsapub.pem` (PKCS #1 public).
fn scratch_with_openssl_key(test: &str) -> Scratch {
    let dir = Scratch::new(test);
    dir.write("message", MESSAGE);
    for (name, contents) in openssl_key_files() {
        dir.write(name, contents);
    }
    dir
}

/// One 2048-bit key from `openssl genpkey`, in the forms the tests use;
/// made once for all of them.
fn openssl_key_files() -> &'static [(&'static str, Vec<u8>)] {
    static FILES: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Scratch::new("openssl-key");
        openssl(
            &dir,
            &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem"],
        );
        let run = |args: &[&str]| openssl(&dir, &[&["rsa", "-in", "key.pem"][..], args].concat()).stdout;
        vec![
            ("key.pem", dir.read("key.pem")),
            ("key-pkcs1.pem", run(&["-traditional"])),
            ("pub.pem", run(&["-pubout"])),
            ("pub.der", run(&["-pubout", "-outform", "DER"])),
            ("rsapub.pem", run(&["-RSAPublicKey_out"])),
        ]
    })
}

/// Runs the `padlock` binary built for this test in `dir`.
fn padlock(dir: &Scratch, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_padlock"))
        .args(args)
        .current_dir(&dir.path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting padlock");
    let mut pipe = child.stdin.take().expect("stdin was piped");
    std::thread::scope(|scope| {
        // padlock may exit without reading its input; a broken pipe is fine.
        scope.spawn(move || {
            let _ = pipe.write_all(stdin);
        });
        child.wait_with_output().expect("waiting for padlock")
    })
}

/// The permission bits of the file `name`.
#[cfg(unix)]
fn mode(dir: &Scratch, name: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(dir.path.join(name)).expect("stat").permissions().mode() & 0o777
}

/// Sets the permission bits of the file `name`.
#[cfg(unix)]
fn set_mode(dir: &Scratch, name: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir.path.join(name), fs::Permissions::from_mode(mode)).expect("chmod");
}
