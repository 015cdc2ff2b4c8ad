//! `padlock demo`: every version and key exchange runs to the HTTP answer
//! and narrates the four steps; `--seed` is reproducible byte for byte;
//! `--json` is one valid JSON object per line.

use std::process::{Command, Output};

/// Runs `padlock demo ARGS` and returns its output.
fn demo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padlock")).arg("demo").args(args).output().expect("run padlock")
}

/// Runs the demo, checks it succeeded, and returns standard output.
fn demo_ok(args: &[&str]) -> String {
    let output = demo(args);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "padlock demo {args:?} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// What every run must show: the four headings, the certificate checks,
/// the key schedule, the records, and the answer.
fn check_common(out: &str, version: &str) {
    for heading in [
        "Step 1: TCP handshake",
        "Step 2: Hello and certificate check",
        "Step 3: Key exchange",
        "Step 4: Data transmission",
    ] {
        assert!(out.contains(heading), "missing heading {heading:?}");
    }
    for needle in [
        "client -> sends ClientHello",
        "handshake type: ClientHello (1)",
        "cipher suite chosen:",
        "certificate 0, decoded",
        "names:    DNS:localhost",
        "check ok     certificate parses",
        "check ok     chain to a trust anchor, validity dates",
        "check ok     certificate is valid for the name 'localhost'",
        "check ok     server Finished",
        "check ok     client Finished",
        "secret master secret",
        "application keys for sending",
        "plaintext:  \"GET / HTTP/1.1\\r\\n",
        "tag         ",
        "close_notify",
        "| HTTP/1.1 200 OK",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(out.contains(&format!("Hello over {version}")), "the page names {version}");
    assert!(!out.contains("FAILED"), "a check failed:\n{out}");
    assert!(!out.contains("not understood"), "the dissector gave up on our own message:\n{out}");
}

#[test]
fn tls13_x25519() {
    let out = demo_ok(&["--seed", "1"]);
    check_common(&out, "TLS 1.3");
    for needle in [
        "extension: key_share (0x0033)",
        "client x25519 public key (32 bytes)",
        "x25519 shared secret (client)",
        "x25519 shared secret (server)",
        "same shared secret: yes",
        "secret c hs traffic",
        "secret s ap traffic",
        "sends CertificateVerify",
        "check ok     CertificateVerify signature",
        "the last byte the hidden content type",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn tls13_ffdhe2048() {
    let out = demo_ok(&["--tls", "1.3", "--group", "ffdhe2048", "--seed", "2"]);
    check_common(&out, "TLS 1.3");
    for needle in [
        "group: ffdhe2048 (0x0100)",
        "client DH public value Yc (ffdhe2048) (256 bytes)",
        "ffdhe2048 shared secret (server)",
        "same shared secret: yes",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn tls12_rsa() {
    let out = demo_ok(&["--tls", "1.2", "--kx", "rsa", "--seed", "3"]);
    check_common(&out, "TLS 1.2");
    for needle in [
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "encrypted premaster secret (256 bytes)",
        "premaster secret, encrypted with the server's RSA key",
        "secret premaster secret",
        "same premaster secret: yes",
        "forward secrecy",
        "Bleichenbacher",
        "padlock demo --tls 1.2 --kx ecdhe",
        "explicit nonce, 8 bytes",
        "sends ServerHelloDone",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
    assert!(!out.contains("ServerKeyExchange ("), "RSA key transport sends no ServerKeyExchange");
}

#[test]
fn tls12_dhe() {
    let out = demo_ok(&["--tls", "1.2", "--kx", "dhe", "--seed", "4"]);
    check_common(&out, "TLS 1.2");
    for needle in [
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        "sends ServerKeyExchange",
        "dh_p: the prime modulus p",
        "server DH public value Ys (ffdhe2048) (256 bytes)",
        "server DH public value Ys (ffdhe2048)",
        "client DH public value Yc",
        "check ok     ServerKeyExchange signature",
        "same premaster secret: yes",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn tls12_ecdhe() {
    let out = demo_ok(&["--tls", "1.2", "--seed", "5"]);
    check_common(&out, "TLS 1.2");
    for needle in [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "curve_type: named_curve (3)",
        "server x25519 public key (32 bytes)",
        "client x25519 public key (32 bytes)",
        "check ok     ServerKeyExchange signature",
        "extension: extended_master_secret (0x0017)",
        "same premaster secret: yes",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn seed_makes_the_run_reproducible() {
    let first = demo_ok(&["--seed", "7"]);
    let second = demo_ok(&["--seed", "7"]);
    assert_eq!(first, second, "two runs with --seed 7 differ");
    let other = demo_ok(&["--seed", "8"]);
    assert_ne!(first, other, "another seed gives other randoms");
    let first = demo_ok(&["--tls", "1.2", "--kx", "rsa", "--seed", "7", "--json"]);
    let second = demo_ok(&["--tls", "1.2", "--kx", "rsa", "--seed", "7", "--json"]);
    assert_eq!(first, second, "two --json runs with --seed 7 differ");
}

#[test]
fn json_is_one_object_per_line() {
    let out = demo_ok(&["--tls", "1.2", "--kx", "dhe", "--json"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 20, "too few events:\n{out}");
    for line in &lines {
        assert!(line.starts_with('{'), "not an object: {line}");
        if let Err(at) = validate(line) {
            panic!("invalid JSON at byte {at}: {line}");
        }
    }
    for needle in [
        r#""event":"step","step":4"#,
        r#""event":"handshake","sent":true,"type":"ClientHello""#,
        r#""event":"check""#,
        r#""event":"key_exchange""#,
        r#""event":"application_data""#,
        r#""event":"done","ok":true"#,
    ] {
        assert!(out.contains(needle), "missing {needle}");
    }
}

#[test]
fn kx_with_tls13_is_refused() {
    let output = demo(&["--tls", "1.3", "--kx", "rsa"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--kx is for TLS 1.2"));
}

/// A minimal recursive-descent JSON validator (RFC 8259): Ok if `text` is
/// exactly one JSON value, else the byte offset of the first error.
fn validate(text: &str) -> Result<(), usize> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    value(bytes, &mut pos)?;
    skip_ws(bytes, &mut pos);
    if pos == bytes.len() { Ok(()) } else { Err(pos) }
}

fn skip_ws(b: &[u8], pos: &mut usize) {
    while *pos < b.len() && matches!(b[*pos], b' ' | b'\t' | b'\n' | b'\r') {
        *pos += 1;
    }
}

fn expect(b: &[u8], pos: &mut usize, c: u8) -> Result<(), usize> {
    if b.get(*pos) == Some(&c) {
        *pos += 1;
        Ok(())
    } else {
        Err(*pos)
    }
}

fn value(b: &[u8], pos: &mut usize) -> Result<(), usize> {
    skip_ws(b, pos);
    match b.get(*pos) {
        Some(b'{') => {
            *pos += 1;
            skip_ws(b, pos);
            if b.get(*pos) == Some(&b'}') {
                *pos += 1;
                return Ok(());
            }
            loop {
                skip_ws(b, pos);
                string(b, pos)?;
                skip_ws(b, pos);
                expect(b, pos, b':')?;
                value(b, pos)?;
                skip_ws(b, pos);
                match b.get(*pos) {
                    Some(b',') => *pos += 1,
                    Some(b'}') => {
                        *pos += 1;
                        return Ok(());
                    }
                    _ => return Err(*pos),
                }
            }
        }
        Some(b'[') => {
            *pos += 1;
            skip_ws(b, pos);
            if b.get(*pos) == Some(&b']') {
                *pos += 1;
                return Ok(());
            }
            loop {
                value(b, pos)?;
                skip_ws(b, pos);
                match b.get(*pos) {
                    Some(b',') => *pos += 1,
                    Some(b']') => {
                        *pos += 1;
                        return Ok(());
                    }
                    _ => return Err(*pos),
                }
            }
        }
        Some(b'"') => string(b, pos),
        Some(b't') => literal(b, pos, b"true"),
        Some(b'f') => literal(b, pos, b"false"),
        Some(b'n') => literal(b, pos, b"null"),
        Some(b'-' | b'0'..=b'9') => number(b, pos),
        _ => Err(*pos),
    }
}

fn literal(b: &[u8], pos: &mut usize, word: &[u8]) -> Result<(), usize> {
    if b.get(*pos..*pos + word.len()) == Some(word) {
        *pos += word.len();
        Ok(())
    } else {
        Err(*pos)
    }
}

fn string(b: &[u8], pos: &mut usize) -> Result<(), usize> {
    expect(b, pos, b'"')?;
    loop {
        match b.get(*pos) {
            None => return Err(*pos),
            Some(b'"') => {
                *pos += 1;
                return Ok(());
            }
            Some(b'\\') => {
                *pos += 1;
                match b.get(*pos) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => *pos += 1,
                    Some(b'u') => {
                        let hex = b.get(*pos + 1..*pos + 5).ok_or(*pos)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(*pos);
                        }
                        *pos += 5;
                    }
                    _ => return Err(*pos),
                }
            }
            // RFC 8259 §7: control characters must be escaped.
            Some(&c) if c < 0x20 => return Err(*pos),
            Some(_) => *pos += 1,
        }
    }
}

fn number(b: &[u8], pos: &mut usize) -> Result<(), usize> {
    let start = *pos;
    if b.get(*pos) == Some(&b'-') {
        *pos += 1;
    }
    let digits = |pos: &mut usize| {
        let from = *pos;
        while b.get(*pos).is_some_and(u8::is_ascii_digit) {
            *pos += 1;
        }
        *pos > from
    };
    if !digits(pos) {
        return Err(start);
    }
    if b.get(*pos) == Some(&b'.') {
        *pos += 1;
        if !digits(pos) {
            return Err(*pos);
        }
    }
    if matches!(b.get(*pos), Some(b'e' | b'E')) {
        *pos += 1;
        if matches!(b.get(*pos), Some(b'+' | b'-')) {
            *pos += 1;
        }
        if !digits(pos) {
            return Err(*pos);
        }
    }
    Ok(())
}

#[test]
fn the_validator_rejects_broken_json() {
    assert!(validate(r#"{"a":[1,-2.5e3,true,null,"x\n\u00e9"]}"#).is_ok());
    for bad in
        [r#"{"a":1"#, r#"{"a" 1}"#, "{\"a\":\"\u{1}\"}", r#"{"a":tru}"#, r#"{"a":1}x"#, r#"{"a":"\q"}"#]
    {
        assert!(validate(bad).is_err(), "accepted {bad}");
    }
}

/// ChaCha20-Poly1305: the record is narrated with the block function's
/// output, and the numbers hold: ciphertext = plaintext XOR block 1.
#[test]
fn tls13_chacha20_record_shows_its_keystream() {
    let out = demo_ok(&["--suite", "TLS_CHACHA20_POLY1305_SHA256", "--seed", "11"]);
    check_common(&out, "TLS 1.3");
    let field = |name: &str| -> Vec<u8> {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line"));
        let hex: String = line.trim_start()[name.len()..]
            .split("  ")
            .find(|part| !part.trim().is_empty())
            .expect("a value")
            .chars()
            .filter(char::is_ascii_hexdigit)
            .collect();
        padlock_testkit::decode_hex(&hex).expect("hex")
    };
    let (ciphertext, keystream) = (field("ciphertext"), field("block 1"));
    let plaintext = b"GET / HTTP/1.1\r\nHost: localhost";
    for i in 0..16 {
        assert_eq!(ciphertext[i], plaintext[i] ^ keystream[i], "byte {i}");
    }
    for needle in ["Poly1305's one-time key r || s", "ChaCha20 keystream XOR plaintext", "RFC 8439"] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
}

/// The post-quantum hybrid: its shares, sizes and the explanation.
#[test]
fn tls13_x25519mlkem768() {
    let out = demo_ok(&["--group", "X25519MLKEM768", "--seed", "12"]);
    check_common(&out, "TLS 1.3");
    for needle in [
        "client X25519MLKEM768 public key (1216 bytes)",
        "server X25519MLKEM768 public key (1120 bytes)",
        "X25519MLKEM768 shared secret (server) (64 bytes)",
        "1184-byte encapsulation key",
        "harvest now, decrypt later",
        "same shared secret: yes",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
    // What the key and the ciphertext hold, and the order of the parts: prose
    // the narration wraps, so compared with every run of spaces made one.
    let prose = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "three polynomials with 256 coefficients modulo 3329, 12 bits each (3 × 384 = 1152 bytes)",
        "the 32-byte seed ρ",
        "compressed to 10 bits a coefficient (960 bytes)",
        "one polynomial compressed to 4 bits (128 bytes)",
        "the ML-KEM part comes first",
    ] {
        assert!(prose.contains(needle), "missing {needle:?}");
    }
}

/// An ECDSA certificate and P-256 key exchange, in both versions.
#[test]
fn ecdsa_certificate_and_p256() {
    let out = demo_ok(&["--cert", "ecdsa", "--group", "secp256r1", "--seed", "13"]);
    check_common(&out, "TLS 1.3");
    for needle in [
        "client secp256r1 public key (65 bytes)",
        "CertificateVerify signature (ecdsa_secp256r1_sha256)",
        "RFC 6979",
        "uncompressed point",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
    let out = demo_ok(&["--tls", "1.2", "--cert", "ecdsa", "--group", "secp384r1", "--seed", "14"]);
    check_common(&out, "TLS 1.2");
    for needle in
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ServerKeyExchange signature (ecdsa_", "group secp384r1"]
    {
        assert!(out.contains(needle), "missing {needle:?}");
    }
}

/// Flags that do not fit each other are refused before anything runs.
#[test]
fn mismatched_flags_are_refused() {
    for args in [
        &["--tls", "1.2", "--kx", "rsa", "--cert", "ecdsa"][..],
        &["--tls", "1.2", "--group", "X25519MLKEM768"][..],
        &["--suite", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"][..],
        &["--group", "secp521r1"][..],
    ] {
        let output = demo(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}
