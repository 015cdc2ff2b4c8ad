use super::*;

/// Every prefix and every single-byte corruption of a real ClientHello
/// dissects without a panic, and the lines stay inside the message.
#[test]
fn never_panics_on_damaged_input() {
    let hello: Vec<u8> = vec![
        1, 0, 0, 0x2d, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
        22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 0, 0, 2, 0x13, 1, 1, 0, 0, 6, 0, 43, 0, 2, 1, 4,
    ];
    let lines = dissect(&hello, None, None);
    assert!(lines.iter().any(|l| l.note.contains("TLS_AES_128_GCM_SHA256")));
    assert!(lines.iter().any(|l| l.note.contains("supported_versions")));
    for cut in 0..hello.len() {
        check(&hello[..cut]);
    }
    for i in 0..hello.len() {
        for value in [0u8, 1, 0x7f, 0xff] {
            let mut bad = hello.clone();
            bad[i] = value;
            for typ in [0u8, 1, 2, 4, 8, 11, 12, 13, 14, 15, 16, 20, 24, 99] {
                bad[0] = typ;
                check(&bad);
            }
        }
    }
}

/// Every prefix of Chromium's hello, and the hello with any one byte
/// set to 0xff, dissects without a panic, each byte shown once.
#[test]
fn a_damaged_browser_hello_never_panics() {
    let record = from_fixture(include_str!("../../tests/fixtures/chromium-client-hello.hex"));
    let hello = &record[5..];
    for cut in 0..hello.len() {
        notes_of(&hello[..cut]);
    }
    for i in 0..hello.len() {
        let mut bad = hello.to_vec();
        bad[i] = 0xff;
        notes_of(&bad);
    }
}

/// A browser's offer reads as what it is: GREASE, the hybrid group and
/// the suites we lack are named and marked.
#[test]
fn browser_code_points_are_named() {
    assert!(group_name(0x11ec).starts_with("X25519MLKEM768"));
    assert_eq!(group_name(30), "x448, not implemented by Padlock");
    assert!(suite_name(0x3a3a).starts_with("GREASE"));
    assert_eq!(suite_name(0x1301), "TLS_AES_128_GCM_SHA256");
    assert_eq!(extension_name(0xfe0d), "encrypted_client_hello, not implemented by Padlock");
    assert_eq!(scheme_name(0x0808), "ed448, not implemented by Padlock");
    assert_eq!(extension_name(0x7777), "unknown code point 0x7777");
}

/// ClientHellos recorded once from real clients (how and when: each
/// fixture's header): every code point in them is named, GREASE values
/// as GREASE, and every extension body is decoded, as `--trace` shows it.
#[test]
fn real_client_hellos_have_nothing_unnamed() {
    let fixtures = [
        ("chromium", include_str!("../../tests/fixtures/chromium-client-hello.hex")),
        ("openssl", include_str!("../../tests/fixtures/openssl-client-hello.hex")),
        ("curl", include_str!("../../tests/fixtures/curl-client-hello.hex")),
    ];
    for (client, text) in fixtures {
        let record = from_fixture(text);
        // One TLS record: type, version, uint16 length, then the hello.
        let (header, hello) = record.split_at(5);
        assert_eq!(usize::from(u16::from_be_bytes([header[3], header[4]])), hello.len(), "{client}");
        assert_everything_named(&notes_of(hello), client);
    }
    let chromium = from_fixture(fixtures[0].1);
    let notes = notes_of(&chromium[5..]);
    for expected in [
        "group: X25519MLKEM768 (0x11ec)",
        "extension: GREASE",
        "cipher suite: GREASE",
        "group: GREASE",
        "version: GREASE",
        "algorithm: brotli, not implemented by Padlock (0x0002)",
        "status_type: ocsp (1)",
        "HPKE KDF: HKDF-SHA256, not implemented by Padlock (0x0001)",
        "\"h2\": HTTP/2 over TLS",
        "extension: application_settings, not implemented by Padlock (0x44cd)",
        "\"localhost\"",
    ] {
        assert!(notes.contains(expected), "{expected:?} missing from Chromium's hello:\n{notes}");
    }
}

/// Each decoder names its code points, and says "unknown" for values
/// nobody registered.
#[test]
fn extension_bodies_are_decoded_field_by_field() {
    let notes = notes_of(&client_hello_with(&[
        (27, &[6, 0, 1, 0, 3, 0x0a, 0x0a]),
        (28, &[0x40, 0x01]),
        (5, &[1, 0, 0, 0, 0]),
        (45, &[3, 1, 0x2a, 7]),
        (0x4469, &[0, 3, 2, b'h', b'2']),
        (16, &[0, 6, 2, 0x3a, 0x3a, 2, b'h', b'3']),
        (0xfe0d, &[0, 0, 1, 0, 3, 0x42, 0, 2, 9, 9, 0, 3, 1, 2, 3]),
        (21, &[0, 0, 0]),
        (35, &[]),
        (34, &[0, 4, 4, 3, 8, 7]),
        (11, &[4, 0, 1, 2, 9]),
        (0x1a1a, &[0]),
    ]));
    for expected in [
        "algorithm: zlib, not implemented by Padlock (0x0001)",
        "algorithm: zstd, not implemented by Padlock (0x0003)",
        "algorithm: unknown code point 0x0a0a (0x0a0a)",
        "record_size_limit: 16385 bytes of plaintext",
        "status_type: ocsp (1)",
        "length of responder_id_list",
        "mode: psk_dhe_ke (1)",
        "mode: GREASE",
        "mode: unknown code point 0x07",
        "application_settings (old code point)",
        "\"h2\": HTTP/2 over TLS",
        "GREASE, a reserved protocol name",
        "\"h3\"",
        "type: outer (0)",
        "HPKE AEAD: ChaCha20Poly1305, not implemented by Padlock (0x0003)",
        "config_id: 66",
        "enc: the HPKE encapsulated key",
        "payload: the inner ClientHello, sealed",
        "3 bytes of zeros",
        "(empty: no ticket yet",
        "scheme: ed25519, not implemented by Padlock (0x0807)",
        "format: ansiX962_compressed_prime (1)",
        "format: unknown code point 0x09",
        "GREASE extension data",
    ] {
        assert!(notes.contains(expected), "{expected:?} missing:\n{notes}");
    }
    assert_eq!(notes.matches("unknown code point").count(), 3, "{notes}");
    assert!(!notes.contains("not decoded here") && !notes.contains("not understood"), "{notes}");

    // An inner ECH hello, and a status type nobody registered (the rest raw).
    let notes = notes_of(&client_hello_with(&[(0xfe0d, &[1]), (5, &[7, 0, 0])]));
    assert!(notes.contains("type: inner (1)"), "{notes}");
    assert!(notes.contains("status_type: unknown code point 0x07"), "{notes}");
    assert!(notes.contains("2 bytes not understood, shown raw"), "{notes}");
}

/// The server's side of the same extensions: its ALPN choice, ALPS
/// settings and ECH retry keys in EncryptedExtensions, a stapled OCSP
/// response and SCTs in a TLS 1.3 certificate entry.
#[test]
fn server_extension_bodies_read_as_the_servers() {
    let list = extension_list(&[(16, &[0, 3, 2, b'h', b'2']), (0x44cd, &[1, 2, 3]), (0xfe0d, &[0; 4])]);
    let notes = notes_of(&message(8, &vector(2, &list)));
    assert!(notes.contains("the application protocol the server chose"), "{notes}");
    assert!(notes.contains("3 bytes of settings for the chosen protocol"), "{notes}");
    assert!(notes.contains("4 bytes of retry_configs"), "{notes}");

    let status = [&[1u8][..], &vector(3, b"OCSP")].concat();
    let sct = vector(2, &vector(2, b"SCT"));
    let entry = [vector(3, b"not DER"), vector(2, &extension_list(&[(5, &status), (18, &sct)]))].concat();
    let certificate = message(11, &[&[0u8][..], &vector(3, &entry)].concat());
    let lines = dissect(&certificate, Some(ProtocolVersion::Tls13), None);
    let notes: Vec<&str> = lines.iter().map(|l| l.note.as_str()).collect();
    let notes = notes.join("\n");
    assert!(notes.contains("OCSPResponse (DER)"), "{notes}");
    assert!(notes.contains("SerializedSCT"), "{notes}");
    assert!(!notes.contains("not decoded here"), "{notes}");
}

/// The notes of a dissected message, one per line, after checking that
/// every byte is covered once.
fn notes_of(msg: &[u8]) -> String {
    let lines = dissect(msg, None, None);
    assert_eq!(lines.iter().map(|l| l.len).sum::<usize>(), msg.len(), "every byte is shown once");
    lines.iter().map(|l| l.note.as_str()).collect::<Vec<_>>().join("\n")
}

/// No unknown code point, no undecoded or unparsed bytes; a line that
/// shows a GREASE value (RFC 8701) says GREASE.
fn assert_everything_named(notes: &str, client: &str) {
    for bad in ["unknown code point", "not decoded here", "not understood", "left over", "trailing"] {
        assert!(!notes.contains(bad), "{client}: {bad:?} in\n{notes}");
    }
    for line in notes.lines() {
        let grease = (0..16u16).map(|i| 0x0a0a + i * 0x1010).find(|g| line.contains(&format!("(0x{g:04x})")));
        assert!(grease.is_none() || line.contains("GREASE"), "{client}: GREASE unnamed: {line}");
    }
}

/// The bytes of a `.hex` fixture: `#` lines are comments, the rest hex.
fn from_fixture(text: &str) -> Vec<u8> {
    let hex: String = text.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).collect();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
}

/// A ClientHello offering TLS_AES_128_GCM_SHA256 with `extensions`.
fn client_hello_with(extensions: &[(u16, &[u8])]) -> Vec<u8> {
    let list = extension_list(extensions);
    message(1, &[&[3, 3][..], &[7; 32], &[0, 0, 2, 0x13, 1, 1, 0], &vector(2, &list)].concat())
}

/// Extensions, each `type || uint16 length || data`, without the
/// list's own length.
fn extension_list(extensions: &[(u16, &[u8])]) -> Vec<u8> {
    let mut list = Vec::new();
    for (typ, data) in extensions {
        list.extend(typ.to_be_bytes());
        list.extend(vector(2, data));
    }
    list
}

/// `bytes` behind a big-endian length of `width` bytes.
fn vector(width: usize, bytes: &[u8]) -> Vec<u8> {
    let len = (bytes.len() as u32).to_be_bytes();
    [&len[4 - width..], bytes].concat()
}

/// A handshake message: type, uint24 length, body.
fn message(typ: u8, body: &[u8]) -> Vec<u8> {
    [&[typ][..], &vector(3, body)].concat()
}

/// Dissects `msg` in every context; every byte is covered exactly once.
fn check(msg: &[u8]) {
    for kx in [
        None,
        Some(KeyExchangeAlgorithm::Rsa),
        Some(KeyExchangeAlgorithm::Dhe),
        Some(KeyExchangeAlgorithm::Ecdhe),
    ] {
        for version in [None, Some(ProtocolVersion::Tls12), Some(ProtocolVersion::Tls13)] {
            let lines = dissect(msg, version, kx);
            let covered: usize = lines.iter().map(|l| l.len).sum();
            assert_eq!(covered, msg.len(), "every byte is shown once");
            let _ = render(msg, &lines, true, "");
        }
    }
}
